"""The job ticket: one A4 page beside a print file, saying how to print and finish it.

A print shop (or the volunteer at the office printer) gets ``cards.pdf`` and
``cards.ticket.pdf``: the ticket names the campaign and wave, counts the cards and pages,
gives the card size with and without bleed, the layout, the duplex mode and the edge to
flip, the stock, the colour, the finishing, the print file's SHA-256 (so the file printed
is the file checked) and what to look at on the first sheet.  It is planned as plain
lines (:func:`plan_ticket`, pure) and then drawn (:func:`write_ticket`); it holds no date
or clock, so a rerun writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from postcards.page.documents import A4_MM, MARGIN_MM, Document
from postcards.page.fonts import FontSet
from postcards.page.geometry import Page
from postcards.printing.imposition import Imposition
from postcards.printing.run import PrintRun
from postcards.printing.settling import sha256

#: The colour line when nothing else is said: what ``cards`` writes without a profile.
OFFICE_COLOUR = "RGB, no output intent (office printer)"
STOCK = (
    "300 g/m² card, uncoated or matt",
    "no gloss or UV varnish on the back: a ballpoint pen must write on it",
)
_LABEL_MM = 38.0
_SIZE = 9.0
_ROW_MM = 5.6


@dataclass(frozen=True)
class Ticket:
    """A job ticket's lines: a title, rows of label and value, and the first-sheet checks."""

    title: str
    rows: tuple[tuple[str, str], ...]
    checks: tuple[str, ...]


@dataclass(frozen=True)
class PrintFile:
    """A print file the ticket stands beside: its name and the SHA-256 of its bytes."""

    name: str
    sha256: str


def plan_ticket(
    run: PrintRun,
    cards: int,
    sheets: int,
    files: Sequence[PrintFile],
    colour: str | None = None,
) -> Ticket:
    """The ticket of a print run of ``cards`` cards on ``sheets`` sheets (0 for ``single``).

    ``files`` are the print files (one, or fronts and backs); ``colour`` is the colour
    line (a PDF/X run names its output profile there).
    """
    campaign, imposition = run.campaign, run.imposition
    page = Page(imposition.card, imposition.bleed_mm)
    colour = colour or _colour(run)
    rows: list[tuple[str, str]] = [
        ("Campaign", campaign.name),
        ("Wave", campaign.wave),
        ("Office", campaign.office or "—"),
        *(((_file_label(files, i), f.name) for i, f in enumerate(files))),
        ("Cards", str(cards)),
        _pages(run, cards, sheets),
        ("Card size", f"{imposition.card.name}: {imposition.card.describe()} trimmed"),
        ("", _with_bleed(page, imposition)),
        ("Layout", _layout(run)),
        ("Duplex", _duplex(run)),
        *_offset(run),
        ("Stock", STOCK[0]),
        ("", STOCK[1]),
        ("Colour", colour),
        ("Scale", "100 %, no 'fit to page'"),
        ("Finishing", _finishing(run)),
        *(((f"SHA-256{_file_tag(files, i)}", f.sha256) for i, f in enumerate(files))),
    ]
    return Ticket(f"Job ticket: {campaign.name}, wave {campaign.wave}", tuple(rows), _checks(run))


def write_ticket(ticket: Ticket, fonts: FontSet, path: Path) -> None:
    """Draw ``ticket`` on one A4 page at ``path`` (deterministic: same ticket, same bytes)."""
    document = Document.create(path, fonts, ticket.title)
    width = A4_MM[0] - 2 * MARGIN_MM
    y = A4_MM[1] - MARGIN_MM - 8
    document.line(ticket.title, MARGIN_MM, y, _fitting(fonts, ticket.title, width, 15, "bold"),
                  "bold")  # fmt: skip
    y -= 4
    document.rule(y)
    y -= 7
    for label, value in ticket.rows:
        document.line(label, MARGIN_MM, y, _SIZE, "bold")
        size = _fitting(fonts, value, width - _LABEL_MM, _SIZE)
        document.line(value, MARGIN_MM + _LABEL_MM, y, size)
        y -= _ROW_MM
    y -= 3
    document.rule(y + 3)
    document.line("What to check on the first sheet", MARGIN_MM, y - 4, 11, "bold")
    y -= 11
    for number, check in enumerate(ticket.checks, 1):
        text = f"{number}. {check}"
        document.line(text, MARGIN_MM, y, _fitting(fonts, text, width, _SIZE))
        y -= _ROW_MM
    document.new_page()
    document.save()


def ticket_files(pairs: Sequence[tuple[Path, Path]]) -> list[PrintFile]:
    """The print files of a run, as (temporary file, final path) pairs: names and hashes."""
    return [PrintFile(final.name, sha256(tmp)) for tmp, final in pairs]


def _fitting(fonts: FontSet, text: str, width_mm: float, size: float,
             style: str = "regular") -> float:  # fmt: skip
    """``size``, or smaller when the line would run past ``width_mm``: never cut."""
    wide = fonts.width(text, style, size) / 72 * 25.4
    return size if wide <= width_mm else size * width_mm / wide


def _file_label(files: Sequence[PrintFile], index: int) -> str:
    return "Print file" if len(files) == 1 else ("Fronts file", "Backs file")[index]


def _file_tag(files: Sequence[PrintFile], index: int) -> str:
    return "" if len(files) == 1 else (" fronts", " backs")[index]


def _pages(run: PrintRun, cards: int, sheets: int) -> tuple[str, str]:
    imposition = run.imposition
    if imposition.layout.single:
        return ("Pages", f"{2 * cards}: each card's front, then its back")
    name = imposition.sheet.name
    if run.duplex == "separate":
        return ("Sheets", f"{sheets} {name}: {sheets} pages in each file")
    return ("Sheets", f"{sheets} {name}, {2 * sheets} pages: each sheet's front, then its back")


def _layout(run: PrintRun) -> str:
    imposition = run.imposition
    if imposition.layout.single:
        return "single: one card face a page"
    per = imposition.per_sheet
    turned = ", turned" if imposition.turned else ""
    return (
        f"{imposition.layout.name}: {per} card{'s' if per != 1 else ''} a sheet"
        f"{turned}, {imposition.sheet.describe()}"
    )


def _duplex(run: PrintRun) -> str:
    if run.imposition.layout.single:
        # a landscape card turns like a page, about its short (vertical) edge
        return "two-sided, flip on the short edge (fronts and backs alternate)"
    if run.duplex == "separate":
        return "separate: print the fronts, turn the stack over like a book page, print the backs"
    edge = run.duplex.split("-")[0]
    return f"{run.duplex}: two-sided, flip on the {edge} edge"


def _offset(run: PrintRun) -> list[tuple[str, str]]:
    if run.imposition.layout.single:
        return []
    x, y = run.back_offset_mm
    if (x, y) == (0, 0):
        return []
    printer = f" (printer {run.options.printer})" if run.options.printer else ""
    return [("Back offset", f"backs moved x {x:+g} mm, y {y:+g} mm{printer}")]


def _colour(run: PrintRun) -> str:
    """The colour line: the press profile of a PDF/X-4 run, else the office's RGB."""
    pdfx = run.pdfx
    if pdfx is None:
        return OFFICE_COLOUR
    name = f"{pdfx.profile.description} ({pdfx.profile.path.name})"
    return f"CMYK, PDF/X-4 for {name}; black on K alone"


def _with_bleed(page: Page, imposition: Imposition) -> str:
    """The card with its bleed; on shared cuts, the bleed is around the grid alone."""
    size = f"{page.width_mm:g} × {page.height_mm:g} mm with {imposition.bleed_mm:g} mm bleed"
    if imposition.layout.shared_cuts:
        return f"{size} around the grid; neighbours share one cut, with no bleed between"
    return size


def _finishing(run: PrintRun) -> str:
    imposition = run.imposition
    card = imposition.card.describe()
    if imposition.layout.single:
        return f"trim each page to its TrimBox, {card}; {imposition.bleed_mm:g} mm bleed"
    per = imposition.per_sheet
    cards = f"{per} card{'s' if per != 1 else ''} a sheet"
    if not run.campaign.crop_marks or imposition.layout.mark_mm <= 0:
        bleed = f"{imposition.bleed_mm:g} mm bleed" if imposition.bleed_mm else "no bleed"
        return f"no crop marks: cut to {card} on the shared cut lines; {bleed}; {cards}"
    shared = "; one cut between neighbours" if imposition.layout.shared_cuts else ""
    return f"cut on the crop marks to {card}; {imposition.bleed_mm:g} mm bleed{shared}; {cards}"


def _checks(run: PrintRun) -> tuple[str, ...]:
    campaign, imposition = run.campaign, run.imposition
    qr = (
        "The QR code on a back scans and shows the code printed under it."
        if campaign.qr_placement == "card"
        else "No QR code on the cards; the signing sheets' codes scan."
    )
    marks = (
        "Crop marks stand outside the bleed, none over a card."
        if not imposition.layout.single and campaign.crop_marks and imposition.layout.mark_mm > 0
        else "The page is the card with its bleed: nothing important near the edge."
    )
    return (
        "Backs behind fronts: hold the sheet to the light; each back lies upright behind "
        "its front.",
        qr,
        marks,
        "No text is clipped: message, both addresses and the sender's name are whole.",
        f"A cut card measures {imposition.card.describe()} (printed at 100 %).",
    )
