"""postcards: spreadsheets to print-ready solidarity postcards, with tracking.

The library is pure: reading (:mod:`postcards.inputs`), pairing (:mod:`postcards.pairing`),
planning (:mod:`postcards.cards`), printing (:mod:`postcards.printing`) and tracking
(:mod:`postcards.ledger`) take data and return data or documents.  :mod:`postcards.jobs`
runs them for each command; the CLI only calls the jobs.
"""

__version__ = "0.1.0"
