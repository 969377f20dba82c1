"""A renamed campaign: caught before it silently starts a second, empty campaign.

The ledger keeps cards per campaign name, so changing ``[campaign] name`` in
campaign.toml would make every command see a new campaign with no cards: reprints get
new codes, coverage restarts at zero, the old cards are orphaned.  The rule:

- the ledger is the campaign's own (an SQLite file inside the campaign folder), and
- it has no card of this campaign's name, and cards of exactly one other name

is a rename, and an error saying how to carry the cards over (``postcards track rename
OLD NEW``).  A ledger outside the campaign folder (a shared SQLite file, PostgreSQL) may
hold several campaigns, and a new campaign on it is legitimate: ``check`` only warns
there, naming the campaigns the ledger has.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Protocol

from postcards.errors import InputError, Problem, display_name
from postcards.ledger.book import Ledger
from postcards.ledger.targets import is_sqlite, ledger_exists, shown_url, sqlite_path


class CampaignFolder(Protocol):
    """What these checks read of a campaign (its settings give it), and no more."""

    @property
    def name(self) -> str:
        """The campaign's name, as its cards were recorded."""

    @property
    def source(self) -> Path | None:
        """Its campaign.toml; None without one."""

    @property
    def root(self) -> Path:
        """The folder that relative paths start from."""

    @property
    def database_url(self) -> str:
        """Its ledger, as ``[tracking] database`` or POSTCARDS_DATABASE name it."""


def own_ledger(campaign: CampaignFolder) -> Path | None:
    """The campaign's ledger file when it lies inside the campaign folder, else None."""
    url = campaign.database_url
    if campaign.source is None or not is_sqlite(url) or not ledger_exists(url):
        return None
    path = sqlite_path(url).resolve()
    return path if path.is_relative_to(campaign.root.resolve()) else None


def is_shared(campaign: CampaignFolder) -> bool:
    """True when the ledger may be shared with other offices or campaigns.

    That is a PostgreSQL server, or an SQLite file outside the campaign folder.
    """
    url = campaign.database_url
    if campaign.source is None or not is_sqlite(url):
        return not is_sqlite(url)
    return not sqlite_path(url).resolve().is_relative_to(campaign.root.resolve())


def renamed_from(campaign: CampaignFolder, ledger: Ledger) -> tuple[str, int] | None:
    """The old name and its card count when the ledger's only campaign is not this one."""
    names = ledger.campaigns()
    if campaign.name in names or len(names) != 1:
        return None
    return next(iter(names.items()))


def check_campaign_name(campaign: CampaignFolder, ledger: Ledger | None = None) -> None:
    """Refuse a campaign whose own ledger holds the cards of one other campaign name.

    ``ledger``: the campaign's ledger when a job has it open already.

    Raises:
        InputError: the campaign was renamed; the message names both names and the
            command that moves the cards to the new name.
    """
    path = own_ledger(campaign)
    if path is None:
        return
    if ledger is not None:
        found = renamed_from(campaign, ledger)
    else:
        with Ledger.open(campaign.database_url) as opened:
            found = renamed_from(campaign, opened)
    if found is None:
        return
    old, count = found
    folder = campaign.source.parent if campaign.source else campaign.root
    raise InputError(
        Problem(
            f"the ledger {display_name(path)} has {count} cards of campaign {old!r} and none "
            f"of {campaign.name!r}: was the campaign renamed? Put the old name back, or give "
            f"the cards the new name: postcards -c {folder} track rename {shlex.quote(old)} "
            f"{shlex.quote(campaign.name)}",
            file=display_name(campaign.source or "campaign.toml"),
            column="campaign.name",
        )
    )


def new_on_shared_ledger(campaign: CampaignFolder, ledger: Ledger) -> list[Problem]:
    """For ``check``: a warning when a shared ledger (open) has only other campaigns' cards.

    The ledger is shared when it is outside the campaign folder; with other campaigns' cards and
    none of this one, the campaign is new, or renamed?
    """
    url = campaign.database_url
    if campaign.source is None or own_ledger(campaign):
        return []
    names = ledger.campaigns()
    if not names or campaign.name in names:
        return []
    others = ", ".join(repr(n) for n in list(names)[:5]) + (" …" if len(names) > 5 else "")
    return [
        Problem(
            f"the ledger {shown_url(url)} has no cards of {campaign.name!r} yet, only of "
            f"{others}: this starts a new campaign at zero; if it is one of those renamed, "
            f"run postcards -c {campaign.source.parent} track rename OLD "
            f"{shlex.quote(campaign.name)}",
            file=display_name(campaign.source),
            column="campaign.name",
            warning=True,
        )
    ]
