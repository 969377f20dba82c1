"""postcards: spreadsheets to print-ready solidarity postcards, with tracking.

The library is pure: reading (:mod:`postcards.sources`, :mod:`postcards.people`),
pairing (:mod:`postcards.assign`), planning (:mod:`postcards.cards`), rendering
(:mod:`postcards.render`) and tracking (:mod:`postcards.ledger`) take data and return
data or documents.  :mod:`postcards.pipeline` runs them in order; the CLI only calls it.
"""

__version__ = "0.1.0"
