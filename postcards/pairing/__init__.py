"""Pairing: fair pairs of senders and prisoners, and the assignments file."""
