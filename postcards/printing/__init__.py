"""Printing: card faces, imposition, sheets, preflight, calibration, runs."""
