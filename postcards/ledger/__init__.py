"""The ledger: cards and events, their database, scanning, reports, archive."""
