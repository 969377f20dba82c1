"""The Python API: a campaign as an object, for notebooks and scripts.

``Campaign.load(folder)`` reads ``campaign.toml``; its methods run the same jobs as the
commands (``check``, ``assign``, ``cards``, ``proof``, ``poster``) and return what those return,
never printing.  Every rule of the command line holds: an output that would replace an
input, the ledger or the design is refused before any work, and bad input raises an
:class:`~postcards.errors.InputError` whose ``problems`` say which file, row and column.
The senders and prisoners may be pandas DataFrames instead of files.

    >>> import postcards
    >>> campaign = postcards.Campaign.load("my-campaign")       # doctest: +SKIP
    >>> campaign.check().ok                                     # doctest: +SKIP
    True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from postcards.campaign_file import load_campaign
from postcards.cards.reprint import Selection
from postcards.config import CAMPAIGN_FILE, Settings, default_campaign
from postcards.errors import PostcardsError, Problem
from postcards.inputs.people import People
from postcards.inputs.reading import load_prisoners, load_senders
from postcards.jobs.assign import AssignOptions, AssignResult, assign_wave
from postcards.jobs.cards import CardsResult, make_cards
from postcards.jobs.check import check
from postcards.jobs.lists import CheckReport
from postcards.jobs.poster import PosterOptions, PosterResult, make_poster
from postcards.jobs.proof import CardPreview, ProofOptions, ProofResult, card_preview, make_proofs
from postcards.jobs.report import campaign_report, write_campaign_report
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import Report, tables
from postcards.ledger.engines import ledger_exists
from postcards.ledger.model import Event, LedgerCard
from postcards.ledger.scanning import Outcome, Scanner
from postcards.printing.run import CardOptions
from postcards.progress import Progress


class Campaign:
    """One campaign: its settings, its two lists and its ledger.

    Each method reads the lists afresh, so a list edited between two calls is read as it
    now is; nothing is held open between calls.
    """

    def __init__(self, settings: Settings) -> None:
        """Wrap resolved settings; :meth:`load` is the usual way in."""
        self.settings = settings

    @classmethod
    def load(
        cls,
        path: str | Path = ".",
        *,
        senders: Any = None,
        prisoners: Any = None,
        assignments: str | Path | None = None,
        wave: str | None = None,
        bom: bool = True,
    ) -> Campaign:
        """The campaign of a folder (or of a ``campaign.toml``), with lists overridden.

        Args:
            path: the campaign folder or its ``campaign.toml``; a folder without one gets
                the defaults of the specification, rooted there.
            senders: a senders file, or a pandas DataFrame read as one.
            prisoners: a prisoners file, or a pandas DataFrame read as one.
            assignments: an assignments file (the pairs ``cards`` prints).
            wave: the sending round, instead of ``campaign.toml``'s.
            bom: the CSV files written (assignments, manifests, reports) start with the
                UTF-8 byte order mark, as Excel on Windows needs; False leaves it out.

        Raises:
            InputError: ``campaign.toml`` has a problem (named, with the nearest key).
        """
        folder = Path(path)
        if folder.is_file():
            settings = load_campaign(folder)
        elif (folder / CAMPAIGN_FILE).is_file():
            settings = load_campaign(folder / CAMPAIGN_FILE)
        else:
            settings = default_campaign(folder.resolve())
        settings = _with_lists(settings, senders, prisoners, assignments)
        if wave:
            settings = dataclasses.replace(settings, wave=wave)
        return cls(dataclasses.replace(settings, csv_bom=bom))

    @property
    def name(self) -> str:
        """The campaign's name, as the ledger and the posters show it."""
        return self.settings.name

    @property
    def ledger(self) -> CampaignLedger:
        """The campaign's ledger: scans, marks and coverage reports."""
        return CampaignLedger(self.settings)

    def senders(self) -> People:
        """The senders list, read and checked (problems are in ``.problems``)."""
        return load_senders(
            self.settings.list_source("senders"),
            self.settings.sender_columns,
            header_row=self.settings.sender_header_row,
            limits=self.settings.input_limits,
        )

    def prisoners(self) -> People:
        """The prisoners list, read and checked (problems are in ``.problems``)."""
        return load_prisoners(
            self.settings.list_source("prisoners"),
            self.settings.prisoner_columns,
            header_row=self.settings.prisoner_header_row,
            limits=self.settings.input_limits,
        )

    def check(self, progress: Progress | None = None, **options: Any) -> CheckReport:
        """Everything a print run depends on, checked, as ``postcards check`` does.

        ``options`` are :class:`~postcards.printing.run.CardOptions` fields (``layout``,
        ``size``, ``strict``, ``example`` …).  The report's ``ok`` says whether cards
        can be printed; ``problems`` and ``warnings`` say what to fix.
        """
        return check(self.settings, CardOptions(**options), progress)

    def assign(
        self,
        output: str | Path | None = None,
        *,
        per_prisoner: int | None = None,
        per_sender: int | None = None,
        seed: int | None = None,
    ) -> AssignResult:
        """Pair senders with prisoners fairly and write the assignments file, as ``assign``.

        Raises:
            InputError: the lists have problems (or the office, on a shared ledger).
            UsageError: ``output`` would replace an input.
        """
        target = Path(output) if output else None
        return assign_wave(self.settings, target, AssignOptions(per_prisoner, per_sender, seed))

    def cards(
        self,
        out: str | Path = "cards.pdf",
        *,
        only: Sequence[str] = (),
        senders: Sequence[str] = (),
        prisoners: Sequence[str] = (),
        progress: Progress | None = None,
        **options: Any,
    ) -> CardsResult:
        """Render the cards PDF and manifest and record the cards, as ``postcards cards``.

        ``only``, ``senders`` and ``prisoners`` choose a reprint (``"unsent"`` or codes,
        sender ids, prisoner ids); ``options`` are the other
        :class:`~postcards.printing.run.CardOptions` fields (``layout``, ``duplex``,
        ``printer``, ``allow_risky`` …).  Warnings are in ``result.warnings``.

        Raises:
            InputError: with every problem found; nothing is written then.
        """
        selection = Selection.parse(tuple(only), tuple(senders), tuple(prisoners))
        card_options = CardOptions(selection=selection, **options)
        report, result = make_cards(self.settings, Path(out), card_options, progress)
        return dataclasses.replace(result, warnings=tuple(report.warnings))

    def proof(
        self,
        folder: str | Path = "proofs",
        *,
        only: Sequence[str] = (),
        dpi: int = 150,
        progress: Progress | None = None,
        **options: Any,
    ) -> ProofResult:
        """Write the wave's cards as marked PNGs and a contact sheet, as ``postcards proof``.

        ``only`` takes sender and prisoner ids; ``options`` are
        :class:`~postcards.printing.run.CardOptions` fields (``layout``, ``size``,
        ``example``).  Nothing is recorded in the ledger.

        Raises:
            InputError: the lists have problems, or an id of ``only`` has no card.
        """
        chosen = ProofOptions(tuple(only), dpi, CardOptions(**options))
        report, result = make_proofs(self.settings, Path(folder), chosen, progress)
        return dataclasses.replace(result, warnings=tuple(report.warnings))

    def preview(self, sender: str, prisoner: str, *, dpi: int = 150, **options: Any) -> CardPreview:
        """One card's front and back as marked PNG bytes (for a page that shows them).

        Nothing is written, nor recorded.

        Raises:
            InputError: the lists have problems, or no card goes from ``sender`` to ``prisoner``.
        """
        return card_preview(self.settings, sender, prisoner, dpi, CardOptions(**options))

    def poster(self, out: str | Path = "poster.pdf", **options: Any) -> PosterResult:
        """Draw a poster (PDF, PNG or JPG by ``out``'s suffix), as ``postcards poster``.

        ``options`` are :class:`~postcards.jobs.poster.PosterOptions` fields (``kind``,
        ``size``, ``landscape``, ``language``, ``count``, ``dpi``).

        Raises:
            InputError: the lists have problems, or an output would replace an input.
        """
        return make_poster(self.settings, PosterOptions(**options), Path(out))


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


def _with_lists(settings: Settings, senders: Any, prisoners: Any, assignments: Any) -> Settings:
    """Settings with the lists given to :meth:`Campaign.load`: paths or DataFrames."""
    changes: dict[str, Any] = {}
    for what, given in (("senders", senders), ("prisoners", prisoners)):
        if given is None:
            continue
        if isinstance(given, str | Path):
            changes[f"{what}_path"] = Path(given).resolve()
            changes[f"{what}_frame"] = None
        else:
            changes[f"{what}_path"] = None
            changes[f"{what}_frame"] = given
    if assignments is not None:
        changes["assignments_path"] = Path(assignments).resolve()
    return dataclasses.replace(settings, **changes)
