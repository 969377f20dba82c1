"""Inputs: spreadsheets, people, photos, and the freshness of the list."""
