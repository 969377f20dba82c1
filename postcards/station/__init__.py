"""The campaign station (postcards serve)."""
