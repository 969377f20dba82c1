"""A campaign's ledger in the Python API: scans, marks, a card's history, coverage reports.

``Campaign.load(folder).ledger`` gives it.  Each call opens the ledger and closes it
after, as a command does, so a script may run beside the station and the commands; it
records through the same scanning rules as ``postcards track scan``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from postcards.config import Settings
from postcards.errors import PostcardsError, Problem
from postcards.jobs.report import campaign_report, write_campaign_report
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import Report, tables
from postcards.ledger.model import Event, LedgerCard
from postcards.ledger.scanning import Outcome, Scanner
from postcards.ledger.targets import ledger_exists


class CampaignLedger:
    """A campaign's ledger, opened for each call and closed after it."""

    def __init__(self, settings: Settings) -> None:
        """The ledger of ``settings`` (its ``[tracking] database``)."""
        self.settings = settings

    def scan(
        self, codes: Iterable[str], status: str = "sent", by: str = "", note: str = ""
    ) -> list[Outcome]:
        """Record ``status`` for each code (or scanned URL), as ``postcards track scan``.

        A code of another campaign, an unknown code or a status that cannot follow the
        card's last one is refused in its :class:`~postcards.ledger.scanning.Outcome`,
        never raised: the other codes are still recorded.
        """
        with self._open() as ledger:
            scanner = Scanner(ledger, status, by, note, self.settings.name, self.settings.qr_url)
            found = (scanner.scan(code) for code in codes)
            return [outcome for outcome in found if outcome is not None]

    def card(self, code: str) -> tuple[LedgerCard, list[Event]] | None:
        """A card and its history (oldest first), or None for a code the ledger lacks."""
        with self._open() as ledger:
            card = ledger.card(code)
            return None if card is None else (card, ledger.history(code))

    def report(self, office: str | None = None) -> Report:
        """Coverage: per prisoner, sender, parliament and office, who has had nothing yet.

        ``office``: that office's cards alone (None: the whole campaign).
        """
        with self._open() as ledger:
            return campaign_report(self.settings, ledger, office)

    def write_report(
        self, out: str | Path, table: str | None = None, office: str | None = None
    ) -> list[Path]:
        """Write the report as CSV (one file per table), XLSX or HTML, by suffix."""
        with self._open() as ledger:
            return write_campaign_report(self.settings, ledger, Path(out), table, office)[1]

    def tables(self, office: str | None = None) -> dict[str, Any]:
        """The report's tables (prisoners, senders, parliaments, offices, totals) as DataFrames.

        Needs pandas: ``pip install postcards[pandas]``.
        """
        import pandas  # the optional extra: only this method needs it

        report = self.report(office)
        return {
            name.lower(): pandas.DataFrame(rows, columns=columns)
            for name, columns, rows in tables(report)
        }

    def _open(self) -> Ledger:
        url = self.settings.database_url
        if not ledger_exists(url):
            raise PostcardsError(Problem("no ledger yet: print cards first (Campaign.cards)"))
        return Ledger.open(url)
