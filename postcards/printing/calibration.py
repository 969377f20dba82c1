"""The calibration sheet: how far a printer puts the back of a sheet off its front.

Duplex printers rarely put the back exactly behind the front; the error is a steady
shift of a millimetre or two.  The sheet has a cross at the centre and near the four
corners of every card slot on the front and, exactly behind each cross, a pair of rulers
on the back (corners show a scaling or skew that the centre alone hides).  Held against the
light, each cross shows through at some reading on the rulers: that reading is the
correction to enter as ``[print] back_offset_mm = [x, y]`` (x to the right and y upwards
as the back is seen), which :mod:`postcards.printing.sheets` then adds to every back.  Printed
with ``--printer NAME``, the backs carry that profile's offset, so a second sheet shows
whether the correction is right: every cross then reads 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from postcards.errors import InputError, Problem
from postcards.files import publish, staged
from postcards.page.documents import save_canvas
from postcards.page.fonts import FontSet
from postcards.page.geometry import Affine, CardSize, pt
from postcards.page.layouts import Layout
from postcards.printing.imposition import Imposition, impose

RULER_MM = 5.0
TICK_MM = 0.5
NUMBER_EVERY = 4  # ticks: a number every 2 mm
CORNER_INSET_MM = 10.0  # corner crosses stand this far inside the trim, rulers and all
#: Read through 300 g card held to the light: no line thinner, no number smaller.
LINE_PT = 0.5
NUMBER_PT = 7.0
#: Whole and half millimetre ticks: short enough that the other ruler's numbers clear them.
TICKS_MM = (1.0, 0.6)
#: The height of a digit at NUMBER_PT, and the space between a number and its ruler.
DIGIT_MM, GAP_MM = 0.7 * NUMBER_PT * 25.4 / 72, 0.4


@dataclass(frozen=True)
class SheetToCalibrate:
    """What a calibration sheet is drawn for: the layout's sheet of cards, turned over.

    Attributes:
        layout: the sheet layout (a sheet: ``single`` has no back behind a front).
        size: the card size the slots are cut to.
        bleed_mm: the bleed around each card, as the cards are imposed.
        duplex: ``long-edge`` or ``short-edge``: how the printer turns the sheet.
        back_offset_mm: the printer profile's offset the backs are moved by (none: 0, 0).
    """

    layout: Layout
    size: CardSize
    bleed_mm: float
    duplex: str
    back_offset_mm: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Calibration:
    """The calibration PDF written, with the layout, sheet, duplex and offset it was made for."""

    path: Path
    layout: str
    sheet: str
    duplex: str
    back_offset_mm: tuple[float, float] = (0.0, 0.0)


def targets(imposition: Imposition) -> list[tuple[float, float]]:
    """The crosses' centres on the front: the middle of every slot's trim."""
    return [
        (s.trim.x_mm + s.trim.width_mm / 2, s.trim.y_mm + s.trim.height_mm / 2)
        for s in imposition.slots
    ]


def corner_targets(imposition: Imposition) -> list[list[tuple[float, float]]]:
    """Per slot, four crosses near its trim's corners.

    They are inset so that their rulers stay inside the slot (a shift that differs between corners
    is scaling or skew).
    """
    inset, corners = CORNER_INSET_MM, []
    for s in imposition.slots:
        t = s.trim
        xs = (t.x_mm + inset, t.x_mm + t.width_mm - inset)
        ys = (t.y_mm + inset, t.y_mm + t.height_mm - inset)
        corners.append([(x, y) for y in ys for x in xs])
    return corners


def printer_offset(
    printers: Mapping[str, tuple[float, float]], printer: str | None
) -> tuple[float, float]:
    """The back offset of ``printer``'s ``[printers.NAME]`` profile; none without a printer.

    Raises:
        InputError: no such profile in campaign.toml.
    """
    if not printer:
        return (0.0, 0.0)
    if printer not in printers:
        have = ", ".join(printers) or "none in campaign.toml"
        raise InputError(
            Problem(
                f"no printer profile {printer!r} ({have}); add "
                f"[printers.{printer}] back_offset_mm = [x, y]",
                column="printer",
            )
        )
    return printers[printer]


def write_calibration(sheet: SheetToCalibrate, fonts: FontSet, out: Path) -> Calibration:
    """Write the two-page calibration PDF for a layout's sheet and duplex mode.

    With a printer profile's offset, the backs are moved by it, as cards' backs are.

    Raises:
        InputError: the layout is not a sheet, or the card does not fit it.
    """
    layout = sheet.layout
    if layout.single:
        raise InputError(
            Problem(
                "calibration is for sheets printed two-sided; pass "
                "--layout a4-2up (or another sheet layout)",
                column="layout",
            )
        )
    imposition = impose(layout, sheet.size, sheet.bleed_mm)
    duplex, offset = sheet.duplex, sheet.back_offset_mm
    out = out.resolve()
    with staged(out) as tmp:
        _draw(imposition, duplex, offset, fonts, tmp)
        publish(tmp, out)
    return Calibration(out, layout.name, imposition.sheet.describe(), duplex, offset)


def _draw(
    imposition: Imposition, duplex: str, offset: tuple[float, float], fonts: FontSet, path: Path
) -> None:
    from reportlab.pdfgen.canvas import Canvas

    sheet = imposition.sheet
    regular = fonts.face("regular").name
    canvas = Canvas(
        str(path),
        pagesize=(pt(sheet.width_mm), pt(sheet.height_mm)),
        invariant=1,
        initialFontName=regular,
    )
    canvas.setTitle(f"postcards calibration: {imposition.layout.name}, {duplex}")
    canvas.setCreator("postcards")
    flip = Affine.translate(*offset) @ imposition.sheet_flip(duplex)
    centres = targets(imposition)
    corners = [p for slot in corner_targets(imposition) for p in slot]
    _note(
        canvas,
        regular,
        sheet.height_mm,
        [
            f"FRONT — calibration for {imposition.layout.name} on {sheet.describe()}, "
            f"duplex {duplex}",
            "Print both pages double-sided at 100 % (no 'fit to page'). Hold the sheet to the",
            "light: each cross shows through on the back's rulers; read x and y there.",
        ],
    )
    for number, (x, y) in enumerate(centres, 1):
        _cross(canvas, regular, x, y, number)
    for x, y in corners:
        _cross(canvas, regular, x, y)
    canvas.showPage()
    _note(
        canvas,
        regular,
        sheet.height_mm,
        [
            "BACK — where the cross of the front shows through, read x on the horizontal ruler",
            "and y on the vertical one (mm). Set [print] back_offset_mm = [x, y] in campaign.toml.",
            "All crosses should read the same; if they differ, the printer also scales or skews.",
            f"These backs are moved by back_offset_mm = [{offset[0]:g}, {offset[1]:g}]"
            + (": with it right, every cross reads 0." if any(offset) else "."),
        ],
    )
    for number, (x, y) in enumerate(centres, 1):
        _rulers(canvas, regular, *flip.apply(x, y), number)
    for x, y in corners:
        _rulers(canvas, regular, *flip.apply(x, y))
    canvas.showPage()
    save_canvas(canvas, path)


def _note(canvas, font: str, height_mm: float, lines: list[str]) -> None:
    canvas.setFont(font, 8)
    for i, line in enumerate(lines):
        canvas.drawString(pt(12), pt(height_mm - 8 - 4 * i), line)


def _cross(canvas, font: str, x: float, y: float, number: int | None = None) -> None:
    """A fine cross with a circle, and its slot number (at the slot's centre)."""
    canvas.setLineWidth(LINE_PT)
    canvas.line(pt(x - 6), pt(y), pt(x + 6), pt(y))
    canvas.line(pt(x), pt(y - 6), pt(x), pt(y + 6))
    canvas.circle(pt(x), pt(y), pt(2), stroke=1, fill=0)
    if number is not None:
        canvas.setFont(font, NUMBER_PT)
        canvas.drawString(pt(x + 3), pt(y + 3), f"slot {number}")


def _rulers(canvas, font: str, x: float, y: float, number: int | None = None) -> None:
    """Rulers through (x, y) whose reading is the offset to enter.

    Ticks every 0.5 mm, numbered every 2 mm, ``+`` at the right and top ends, ``−`` at
    the left and bottom ones.  Ticks and numbers turn like a pinwheel: each half ruler
    has its ticks on one side and its numbers on the other (right half: ticks below,
    numbers above; top half: ticks right, numbers left; and so on round), so that each
    quarter around the centre holds one ruler's numbers and the other's short ticks,
    and 7 pt numbers touch neither.
    """
    if number is not None:
        canvas.setFont(font, NUMBER_PT)
        canvas.drawString(pt(x + 6.5), pt(y + 3), f"slot {number}")
    canvas.setLineWidth(LINE_PT)
    canvas.line(pt(x - RULER_MM), pt(y), pt(x + RULER_MM), pt(y))
    canvas.line(pt(x), pt(y - RULER_MM), pt(x), pt(y + RULER_MM))
    canvas.setFont(font, NUMBER_PT)
    steps = round(RULER_MM / TICK_MM)
    for ux, uy, sign in ((1, 0, "+"), (0, 1, "+"), (-1, 0, "−"), (0, -1, "−")):
        tx, ty = uy, -ux  # the ticks' side; the numbers stand on the other
        for i in range(1, steps + 1):
            d, tick = i * TICK_MM, TICKS_MM[i % 2]
            px, py = x + ux * d, y + uy * d
            canvas.line(pt(px), pt(py), pt(px + tx * tick), pt(py + ty * tick))
            if i % NUMBER_EVERY == 0:
                label = f"{d:g}"
                across = DIGIT_MM if ux else canvas.stringWidth(label) * 25.4 / 72
                out = GAP_MM + across / 2
                _centred(canvas, label, px - tx * out, py - ty * out)
        end = RULER_MM + GAP_MM + DIGIT_MM / 2
        _centred(canvas, sign, x + ux * end, y + uy * end)


def _centred(canvas, text: str, x: float, y: float) -> None:
    """Text centred on (x, y) in mm, as digits and signs sit (no descenders)."""
    canvas.drawCentredString(pt(x), pt(y - DIGIT_MM / 2), text)
