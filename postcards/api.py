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
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from postcards.api_ledger import CampaignLedger
from postcards.campaign_file import load_campaign
from postcards.cards.reprint import Selection
from postcards.config import CAMPAIGN_FILE, Settings, default_campaign
from postcards.inputs.people import People, Prisoner, Sender, Source
from postcards.jobs.assign import AssignOptions, AssignResult, assign_wave
from postcards.jobs.cards import CardsResult, make_cards
from postcards.jobs.check import check
from postcards.jobs.lists import CheckReport, campaign_prisoners, campaign_senders
from postcards.jobs.poster import PosterOptions, PosterResult, make_poster
from postcards.jobs.proof import CardPreview, ProofOptions, ProofResult, card_preview, make_proofs
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
        senders: Source | None = None,
        prisoners: Source | None = None,
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

    def load_senders(self) -> People[Sender]:
        """The senders list, read and checked (problems are in ``.problems``).

        The list is iterable and sized, and ``.to_dataframe()`` gives it to pandas.
        """
        return campaign_senders(self.settings)

    def load_prisoners(self) -> People[Prisoner]:
        """The prisoners list, read and checked (problems are in ``.problems``).

        The list is iterable and sized, and ``.to_dataframe()`` gives it to pandas.
        """
        return campaign_prisoners(self.settings)

    def senders(self) -> People[Sender]:
        """Deprecated: :meth:`load_senders` (``senders=`` names the list :meth:`load` takes)."""
        _renamed("Campaign.senders()", "Campaign.load_senders()")
        return self.load_senders()

    def prisoners(self) -> People[Prisoner]:
        """Deprecated: :meth:`load_prisoners` (``prisoners=`` names the list :meth:`load` takes)."""
        _renamed("Campaign.prisoners()", "Campaign.load_prisoners()")
        return self.load_prisoners()

    def check(
        self,
        progress: Progress | None = None,
        *,
        size: str | None = None,
        not_a_postcard: bool = False,
        layout: str | None = None,
        start_at: int = 1,
        strict: bool = False,
        allow_risky: bool = False,
        example: bool = False,
        icc: str | Path | None = None,
    ) -> CheckReport:
        """Everything a print run depends on, checked, as ``postcards check`` does.

        The report's ``ok`` says whether cards can be printed; ``problems`` and
        ``warnings`` say what to fix.

        Args:
            progress: called as ``progress(done, total)`` while the cards are planned.
            size: the card size (``A6``, ``4x6in``, ``DL``, ``WIDTHxHEIGHTmm``), instead of
                ``[cards] size``.
            not_a_postcard: allow a size outside the postal limits.
            layout: the sheet layout (``single``, ``a4-2up`` …), instead of ``[cards] layout``.
            start_at: the first slot of the first sheet to print on.
            strict: content-check findings are errors, not warnings.
            allow_risky: words a censor may stop are warnings, not errors.
            example: take ``postcards init``'s example lists and URL as they are.
            icc: the print shop's CMYK output profile (PDF/X-4), checked.
        """
        options = CardOptions(
            size=size, not_a_postcard=not_a_postcard, layout=layout, start_at=start_at,
            strict=strict, allow_risky=allow_risky, example=example, icc=_resolved(icc),
        )  # fmt: skip
        return check(self.settings, options, progress)

    def assign(
        self,
        output: str | Path | None = None,
        *,
        per_prisoner: int | None = None,
        per_sender: int | None = None,
        seed: int | None = None,
    ) -> AssignResult:
        """Pair senders with prisoners fairly and write the assignments file, as ``assign``.

        Args:
            output: the assignments file to write (default: ``[inputs] assignments``, else
                ``assignments.csv`` in the campaign folder).
            per_prisoner: cards for each prisoner in custody (default 1).
            per_sender: instead, this many prisoners for each sender.
            seed: breaks ties in a shuffled order (None: in id order); the same seed and
                inputs give the same pairs.

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
        sender_ids: Sequence[str] = (),
        prisoner_ids: Sequence[str] = (),
        size: str | None = None,
        not_a_postcard: bool = False,
        layout: str | None = None,
        duplex: str | None = None,
        start_at: int = 1,
        printer: str | None = None,
        strict: bool = False,
        allow_risky: bool = False,
        example: bool = False,
        jobs: int | None = None,
        icc: str | Path | None = None,
        progress: Progress | None = None,
    ) -> CardsResult:
        """Render the cards PDF and manifest and record the cards, as ``postcards cards``.

        ``only``, ``sender_ids`` and ``prisoner_ids`` choose a reprint; the cards keep
        their codes.  Warnings are in ``result.warnings``.

        Args:
            out: the PDF to write; the manifest and the job ticket go beside it.
            only: ``"unsent"`` (the wave's cards not yet sent) or card codes.
            sender_ids: reprint just these senders' cards.
            prisoner_ids: reprint just the cards to these prisoners.
            size: the card size (``A6``, ``4x6in``, ``DL``, ``WIDTHxHEIGHTmm``), instead of
                ``[cards] size``.
            not_a_postcard: allow a size outside the postal limits.
            layout: the sheet layout (``single``, ``a4-2up`` …), instead of ``[cards] layout``.
            duplex: ``long-edge``, ``short-edge`` or ``separate``, instead of ``[cards] duplex``.
            start_at: the first slot of the first sheet to print on (stock with slots used).
            printer: a ``[printers.NAME]`` profile whose back offset to apply.
            strict: content-check findings stop the run instead of warning.
            allow_risky: print cards with words a censor may stop (each still reported).
            example: take ``postcards init``'s example lists and URL as they are.
            jobs: processes that draw the cards (None: one per core); the PDF is the same.
            icc: the print shop's CMYK output profile: the PDF is then PDF/X-4.
            progress: called as ``progress(done, total)`` while cards are planned and drawn.

        Raises:
            InputError: with every problem found; nothing is written then.
            UsageError: ``out`` would replace an input, or an ``only`` value is no code.
        """
        options = CardOptions(
            size=size, not_a_postcard=not_a_postcard, layout=layout, duplex=duplex,
            start_at=start_at, printer=printer, strict=strict,
            selection=Selection.parse(tuple(only), tuple(sender_ids), tuple(prisoner_ids)),
            example=example, allow_risky=allow_risky, jobs=jobs, icc=_resolved(icc),
        )  # fmt: skip
        report, result = make_cards(self.settings, Path(out), options, progress)
        return dataclasses.replace(result, warnings=tuple(report.warnings))

    def proof(
        self,
        folder: str | Path = "proofs",
        *,
        only: Sequence[str] = (),
        dpi: int = 150,
        size: str | None = None,
        not_a_postcard: bool = False,
        layout: str | None = None,
        example: bool = False,
        progress: Progress | None = None,
    ) -> ProofResult:
        """Write the wave's cards as marked PNGs and a contact sheet, as ``postcards proof``.

        Nothing is recorded in the ledger.

        Args:
            folder: where the images and ``contact.pdf`` go.
            only: sender and prisoner ids: just the cards from or to them.
            dpi: the images' resolution.
            size: the card size, instead of ``[cards] size``.
            not_a_postcard: allow a size outside the postal limits.
            layout: the layout whose bleed is drawn, instead of ``[cards] layout``.
            example: take ``postcards init``'s example lists and URL as they are.
            progress: called as ``progress(done, total)`` while the proofs are drawn.

        Raises:
            InputError: the lists have problems, or an id of ``only`` has no card.
        """
        cards = CardOptions(size=size, not_a_postcard=not_a_postcard, layout=layout,
                            example=example)  # fmt: skip
        chosen = ProofOptions(tuple(only), dpi, cards)
        report, result = make_proofs(self.settings, Path(folder), chosen, progress)
        return dataclasses.replace(result, warnings=tuple(report.warnings))

    def preview(
        self,
        sender_id: str,
        prisoner_id: str,
        *,
        dpi: int = 150,
        size: str | None = None,
        not_a_postcard: bool = False,
        layout: str | None = None,
        example: bool = False,
    ) -> CardPreview:
        """One card's front and back as marked PNG bytes (for a page that shows them).

        Nothing is written, nor recorded.

        Args:
            sender_id: the card's sender.
            prisoner_id: the card's prisoner.
            dpi: the images' resolution.
            size: the card size, instead of ``[cards] size``.
            not_a_postcard: allow a size outside the postal limits.
            layout: the layout whose bleed is drawn, instead of ``[cards] layout``.
            example: take ``postcards init``'s example lists and URL as they are.

        Raises:
            InputError: the lists have problems, or no card goes from the sender to the
                prisoner.
        """
        cards = CardOptions(size=size, not_a_postcard=not_a_postcard, layout=layout,
                            example=example)  # fmt: skip
        return card_preview(self.settings, sender_id, prisoner_id, dpi, cards)

    def poster(
        self,
        out: str | Path = "poster.pdf",
        *,
        kind: str = "godparents",
        size: str | None = None,
        landscape: bool = False,
        language: str | None = None,
        count: str = "sent",
        dpi: int = 150,
        office: str | None = None,
        today: date | None = None,
    ) -> PosterResult:
        """Draw a poster (PDF, PNG or JPG by ``out``'s suffix), as ``postcards poster``.

        Args:
            out: the file to write (``.pdf``, ``.png``, ``.jpg``); a poster of several
                pages or sizes as images is written as numbered or sized files beside it.
            kind: ``godparents``, ``wall``, ``prisoner`` or ``share``.
            size: the paper (A4 to A0, Letter, Tabloid; default A3), or for ``share`` one
                image size (``1080x1080`` …).
            landscape: turn the paper.
            language: the poster's language (default: the campaign's).
            count: ``sent`` (senders whose cards went out) or ``assigned`` (every sender
                with a pair).
            dpi: the resolution of PNG and JPG pages.
            office: count this office's senders alone (None: every office's).
            today: the date the poster is dated and ages are counted from (None: today).

        Raises:
            InputError: the lists have problems, or an output would replace an input.
        """
        options = PosterOptions(
            kind=kind, size=size, landscape=landscape, language=language, count=count,
            dpi=dpi, office=office, today=today or date.today(),
        )  # fmt: skip
        return make_poster(self.settings, options, Path(out))


def _renamed(old: str, new: str) -> None:
    """Warn that ``old`` is now ``new``: the README's old names keep working for a while."""
    warnings.warn(
        f"{old} is now {new}: 'senders' and 'prisoners' name the lists Campaign.load takes; "
        f"{old} will be removed in a later version",
        DeprecationWarning,
        stacklevel=3,
    )


def _resolved(path: str | Path | None) -> Path | None:
    """A path given to the API as the command line resolves one (None stays None)."""
    return Path(path).resolve() if path else None


def _with_lists(
    settings: Settings,
    senders: Source | None,
    prisoners: Source | None,
    assignments: str | Path | None,
) -> Settings:
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
