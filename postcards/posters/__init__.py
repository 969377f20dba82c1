"""Posters: plans, kinds, texts and drawing."""
