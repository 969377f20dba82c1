"""Jobs: one module per command; the only layer that reads and writes files."""
