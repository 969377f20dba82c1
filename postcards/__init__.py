"""postcards: spreadsheets to print-ready solidarity postcards, with tracking.

The Python API is small: :class:`Campaign` (``Campaign.load(folder)``, then ``check``,
``assign``, ``cards``, ``poster`` and ``ledger``), the list readers
:func:`load_senders` and :func:`load_prisoners` (files or pandas DataFrames), and the
errors they raise.  Each returns values and never prints; the ``postcards`` command is a
shell over the same jobs.

The stages, each importing only those below it: :mod:`postcards.jobs` (one module per
command), :mod:`postcards.posters`, :mod:`postcards.printing`, :mod:`postcards.station`,
:mod:`postcards.cards`, :mod:`postcards.pairing`, :mod:`postcards.inputs`,
:mod:`postcards.ledger`, :mod:`postcards.page` and the kernel (errors, settings, codes,
files).  ``import postcards`` loads none of them until a name is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: The public names, and the module each comes from (imported on first use).
_EXPORTS = {
    "Campaign": "postcards.api",
    "CampaignLedger": "postcards.api_ledger",
    "load_senders": "postcards.inputs.reading",
    "load_prisoners": "postcards.inputs.reading",
    "PostcardsError": "postcards.errors",
    "InputError": "postcards.errors",
    "Problem": "postcards.errors",
}
__all__ = [
    "Campaign",
    "CampaignLedger",
    "InputError",
    "PostcardsError",
    "Problem",
    "__version__",
    "load_prisoners",
    "load_senders",
]

if TYPE_CHECKING:
    from postcards.api import Campaign
    from postcards.api_ledger import CampaignLedger
    from postcards.errors import InputError, PostcardsError, Problem
    from postcards.inputs.reading import load_prisoners, load_senders
    from postcards.version import VERSION as __version__


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used."""
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    if name == "__version__":  # written in postcards/version.py alone
        return import_module("postcards.version").VERSION
    raise AttributeError(f"module 'postcards' has no attribute {name!r}")
