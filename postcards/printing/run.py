"""A print run's files and pages: one PDF of cards or sheets, or fronts and backs apart.

:class:`PrintRun` holds the layout decisions of one ``cards`` run (which files, which
duplex mode, which printer offset) and draws the planned cards into them, returning where
each card landed (:class:`Place`) for the manifest.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import overload

from postcards.cards.plans import CardPlanner
from postcards.cards.reprint import Selection
from postcards.errors import InputError, PostcardsError, Problem
from postcards.page.colour import OutputProfile
from postcards.page.geometry import Page
from postcards.page.pdfx import PdfX, print_date
from postcards.page.writer import PdfWriter
from postcards.pairing.fair import Pairing
from postcards.printing.chunks import Checked, Planning, draw_cards, draw_sheets
from postcards.printing.faces import CardRenderer
from postcards.printing.imposition import Imposition
from postcards.printing.sheets import SheetOptions, SheetRenderer
from postcards.progress import Progress


@dataclass(frozen=True, slots=True)
class Place:
    """Where a card is printed: its front and back pages, its sheet and slot."""

    front_page: int
    back_page: int
    sheet: int
    slot: int


class Places(Sequence[Place]):
    """Where each card of a run is printed, in print order: a sheet and a slot a card.

    Kept as two arrays of numbers (8 bytes a card, not a :class:`Place` of 80), the pages
    following from the sheet, so that 100,000 cards' places cost under a megabyte.
    """

    def __init__(self, sheets: array[int], slots: array[int], separate: bool) -> None:
        """``separate``: fronts and backs in two files, so a sheet is one page of each."""
        self._sheets, self._slots, self._separate = sheets, slots, separate

    @classmethod
    def single(cls, count: int) -> Places:
        """``count`` cards printed one to a sheet, front then back."""
        return cls(array("I", range(1, count + 1)), array("H", [1]) * count, False)

    def __len__(self) -> int:
        return len(self._sheets)

    @overload
    def __getitem__(self, index: int) -> Place: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Place]: ...
    def __getitem__(self, index: int | slice) -> Place | Sequence[Place]:  # noqa: D105
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        sheet = self._sheets[index]
        front, back = (sheet, sheet) if self._separate else (2 * sheet - 1, 2 * sheet)
        return Place(front, back, sheet, self._slots[index])

    @property
    def sheets(self) -> int:
        """How many sheets the cards take (0 for none)."""
        return max(self._sheets, default=0)


@dataclass(frozen=True)
class PrintSettings:
    """What a print run reads of campaign.toml: made once by the job that prints."""

    name: str
    wave: str
    office: str
    duplex: str  # how sheets are printed two-sided, unless --duplex says
    crop_marks: bool
    back_offset_mm: tuple[float, float]  # the printer's measured offset, unless --printer
    printers: dict[str, tuple[float, float]]  # [printers.NAME] back_offset_mm, by name
    qr_placement: str  # "sheet": the codes go on signing sheets, a file of their own
    print_profile: Path | None  # [print] profile: the press's CMYK profile (PDF/X-4)
    list_date: str  # [campaign] list_date: the PDF/X dates when the wave names no date


@dataclass(frozen=True)
class PrintRun:
    """One print run's layout decisions: which files, which pages, which renderer."""

    campaign: PrintSettings
    planner: CardPlanner
    imposition: Imposition
    options: CardOptions
    pairings: Sequence[Pairing] = ()  # the run's cards, for the forms drawn before them

    @cached_property
    def pdfx(self) -> PdfX | None:
        """PDF/X-4 for the press's profile (--icc, else [print] profile); None: plain PDF."""
        return pdfx_for(self.campaign, self.options)

    @property
    def duplex(self) -> str:
        """How the sheets are printed two-sided: --duplex, else campaign.toml's."""
        return self.options.duplex or self.campaign.duplex

    @property
    def back_offset_mm(self) -> tuple[float, float]:
        """The printer's measured offset: --printer's profile, else campaign.toml's."""
        printer = self.options.printer
        if printer:
            if printer not in self.campaign.printers:
                have = ", ".join(self.campaign.printers) or "none in campaign.toml"
                raise InputError(
                    Problem(
                        f"no printer profile {printer!r} ({have}); add "
                        f"[printers.{printer}] back_offset_mm = [x, y]",
                        column="printer",
                    )
                )
            return self.campaign.printers[printer]
        return self.campaign.back_offset_mm

    def files(self, out: Path) -> list[Path]:
        """The PDFs: one, or fronts and backs apart for printers without duplex."""
        if not self.imposition.layout.single and self.duplex == "separate":
            return [out.with_suffix(".fronts.pdf"), out.with_suffix(".backs.pdf")]
        return [out]

    def render(
        self,
        planning: Planning,
        count: int,
        temps: list[Path],
        progress: Progress | None = None,
        jobs: int = 1,
        checked: Checked | None = None,
        meanwhile: Iterator[object] | None = None,
        places: Places | None = None,
    ) -> Places | None:
        """Plan and draw ``count`` cards into ``temps``, ``jobs`` processes planning and drawing.

        Each process plans (and checks) the cards it draws, a chunk at a time; what the
        checks found goes to ``checked``, chunk by chunk in print order.  Returns each
        card's place, in print order; None when a card could not be planned (every card
        is still checked, and the files are incomplete).  ``meanwhile``: the caller's work
        in steps, taken while the workers keep this process waiting.  ``places``: what
        :meth:`places` gave the caller for these cards, not worked out again.
        """
        page = Page(self.planner.size, self.imposition.bleed_mm)
        profile = self.pdfx.profile if self.pdfx else None
        cards = CardRenderer(self.planner.design, page, self.campaign.name, profile)
        languages, signatures = self._forms_needed()
        with contextlib.ExitStack() as stack:
            writers = [
                stack.enter_context(PdfWriter(t, self.campaign.name, self.pdfx)) for t in temps
            ]
            if places is None:
                places = self.places(count, len(writers))
            if self.imposition.layout.single:
                cards.begin(writers[0], languages, signatures)
                drawn = draw_cards(
                    cards, planning, count, writers[0], jobs, progress, checked, meanwhile
                )
            else:
                layout = self.imposition.sheets(count, self.options.start_at)
                sheets = SheetRenderer(cards, self.imposition, self._sheet_options())
                sheets.begin(writers[0], writers[1] if len(writers) > 1 else None, languages,
                             signatures)  # fmt: skip
                drawn = draw_sheets(
                    sheets, planning, layout, writers, jobs, progress, checked, meanwhile
                )
            if not drawn:
                return None
            for writer in writers:
                writer.close()
        return places

    def _forms_needed(self) -> tuple[list[str], list[Path]]:
        """The run's languages and signature images, in a fixed order: drawn once each."""
        pairings = self.pairings
        languages = sorted({self.planner.language_of(p) for p in pairings})
        signatures = {self.planner.signature_of(p.sender) for p in pairings}
        return languages, sorted(path for path in signatures if path is not None)

    def _sheet_options(self) -> SheetOptions:
        return SheetOptions(
            self.duplex,
            self.campaign.crop_marks,
            self.back_offset_mm,
            f"{self.campaign.name} · wave {self.campaign.wave}",
        )

    def places(self, count: int, files: int = 1) -> Places:
        """Where each of ``count`` cards will be printed, known before any is drawn.

        ``files``: 2 when fronts and backs go to files of their own (see :meth:`files`).
        """
        if self.imposition.layout.single:
            return Places.single(count)
        layout = self.imposition.sheets(count, self.options.start_at)
        numbers, slots = array("I", [0]) * count, array("H", [0]) * count
        for number, row in enumerate(layout, 1):
            for slot, index in enumerate(row, 1):
                if index is not None:
                    numbers[index], slots[index] = number, slot
        return Places(numbers, slots, files > 1)


@dataclass(frozen=True)
class CardOptions:
    """What the command line may change about a print run."""

    size: str | None = None
    not_a_postcard: bool = False
    layout: str | None = None
    duplex: str | None = None
    start_at: int = 1
    printer: str | None = None
    strict: bool = False  # content-check findings stop the run instead of warning
    selection: Selection = Selection()  # a reprint: --only, --sender, --prisoner
    example: bool = False  # let init's example lists and example.org URL through
    allow_risky: bool = False  # risky words print (as warnings) instead of stopping the run
    jobs: int | None = None  # processes drawing the cards (None: as many as there are cores)
    icc: Path | None = None  # the press's CMYK profile: PDF/X-4 (wins over [print] profile)


def pdfx_for(campaign: PrintSettings, options: CardOptions) -> PdfX | None:
    """The run's PDF/X-4 settings: ``--icc``'s profile, else ``[print] profile``'s, or None.

    Raises:
        InputError: the profile is missing or not a printer's CMYK profile.
    """
    if options.icc is not None:
        profile = OutputProfile.load(options.icc, "--icc")
    elif campaign.print_profile is not None:
        profile = OutputProfile.load(campaign.print_profile, "[print] profile")
    else:
        return None
    return PdfX(profile, print_date(campaign.wave, campaign.list_date))


def profile_problems(campaign: PrintSettings, options: CardOptions) -> list[Problem]:
    """What is wrong with the run's press profile (see :func:`pdfx_for`), for ``check``."""
    try:
        pdfx_for(campaign, options)
    except PostcardsError as exc:
        return list(exc.problems)
    return []


def card_outputs(campaign: PrintSettings, output: Path, duplex: str | None) -> list[Path]:
    """Every file `cards -o OUTPUT` may write.

    These are the PDF (or fronts and backs), the manifest, the job ticket and the signing
    sheets.
    """
    outputs = [output, output.with_suffix(".manifest.csv"), output.with_suffix(".ticket.pdf")]
    if (duplex or campaign.duplex) == "separate":
        outputs += [output.with_suffix(".fronts.pdf"), output.with_suffix(".backs.pdf")]
    if campaign.qr_placement == "sheet":
        outputs.append(output.with_suffix(".signing.pdf"))
    return outputs
