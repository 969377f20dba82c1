"""Bundled templates/, fonts/ and samples/ when postcards is installed from a wheel."""
