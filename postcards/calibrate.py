"""The calibration sheet: how far a printer puts the back of a sheet off its front.

Duplex printers rarely put the back exactly behind the front; the error is a steady
shift of a millimetre or two.  The sheet has a cross at the centre of every card slot on
the front and, exactly behind each cross, a pair of rulers on the back.  Held against the
light, each cross shows through at some reading on the rulers: that reading is the
correction to enter as ``[print] back_offset_mm = [x, y]`` (x to the right and y upwards
as the back is seen), which :mod:`postcards.sheets` then adds to every back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Campaign
from .design import load_design
from .errors import InputError, Problem
from .files import publish, staged
from .geometry import parse_size, pt
from .impose import Imposition, find_layout, impose

RULER_MM = 5.0
TICK_MM = 0.5


@dataclass(frozen=True)
class Calibration:
    path: Path
    layout: str
    sheet: str
    duplex: str


def targets(imposition: Imposition) -> list[tuple[float, float]]:
    """The crosses' centres on the front: the middle of every slot's trim."""
    return [(s.trim.x_mm + s.trim.width_mm / 2, s.trim.y_mm + s.trim.height_mm / 2)
            for s in imposition.slots]


def write_calibration(campaign: Campaign, out: Path, layout_name: str | None = None,
                      duplex: str | None = None) -> Calibration:
    """Write the two-page calibration PDF for a layout's sheet and duplex mode.

    Raises:
        PostcardsError: an unknown layout, or one that is not a sheet.
    """
    name = layout_name or (campaign.layout if campaign.layout != "single" else "a4-2up")
    layout = find_layout(name, campaign.layouts)
    if layout.single:
        raise InputError(Problem("calibration is for sheets printed two-sided; pass "
                                 "--layout a4-2up (or another sheet layout)",
                                 column="layout"))
    duplex = duplex or (campaign.duplex if campaign.duplex != "separate" else "long-edge")
    imposition = impose(layout, parse_size(campaign.size), campaign.bleed_mm)
    fonts = load_design(campaign.design, campaign.root).fonts
    out = out.resolve()
    with staged(out) as tmp:
        _draw(imposition, duplex, fonts, tmp)
        publish(tmp, out)
    return Calibration(out, layout.name, imposition.sheet.describe(), duplex)


def _draw(imposition: Imposition, duplex: str, fonts, path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    sheet = imposition.sheet
    regular = fonts.face("regular").name
    canvas = Canvas(str(path), pagesize=(pt(sheet.width_mm), pt(sheet.height_mm)),
                    invariant=1, initialFontName=regular)
    canvas.setTitle(f"postcards calibration: {imposition.layout.name}, {duplex}")
    canvas.setCreator("postcards")
    flip = imposition.sheet_flip(duplex)
    centres = targets(imposition)
    _note(canvas, regular, sheet.height_mm, [
        f"FRONT — calibration for {imposition.layout.name} on {sheet.describe()}, "
        f"duplex {duplex}",
        "Print both pages double-sided at 100 % (no 'fit to page'). Hold the sheet to the",
        "light: each cross shows through on the back's rulers; read x and y there.",
    ])
    for number, (x, y) in enumerate(centres, 1):
        _cross(canvas, regular, x, y, number)
    canvas.showPage()
    _note(canvas, regular, sheet.height_mm, [
        "BACK — where the cross of the front shows through, read x on the horizontal ruler",
        "and y on the vertical one (mm). Set [print] back_offset_mm = [x, y] in campaign.toml.",
        "All crosses should read the same; if they differ, the printer also scales or skews.",
    ])
    for number, (x, y) in enumerate(centres, 1):
        _rulers(canvas, regular, *flip.apply(x, y), number)
    canvas.showPage()
    canvas.save()


def _note(canvas, font: str, height_mm: float, lines: list[str]) -> None:
    canvas.setFont(font, 8)
    for i, line in enumerate(lines):
        canvas.drawString(pt(12), pt(height_mm - 8 - 4 * i), line)


def _cross(canvas, font: str, x: float, y: float, number: int) -> None:
    """A fine cross with a circle, and its slot number."""
    canvas.setLineWidth(0.3)
    canvas.line(pt(x - 6), pt(y), pt(x + 6), pt(y))
    canvas.line(pt(x), pt(y - 6), pt(x), pt(y + 6))
    canvas.circle(pt(x), pt(y), pt(2), stroke=1, fill=0)
    canvas.setFont(font, 7)
    canvas.drawString(pt(x + 3), pt(y + 3), f"slot {number}")


def _rulers(canvas, font: str, x: float, y: float, number: int) -> None:
    """Rulers through (x, y): ticks every 0.5 mm, numbered every millimetre, + to the
    right and upwards, so the reading is the offset to enter."""
    canvas.setFont(font, 7)
    canvas.drawString(pt(x + 3), pt(y + 3), f"slot {number}")
    canvas.setLineWidth(0.2)
    canvas.line(pt(x - RULER_MM), pt(y), pt(x + RULER_MM), pt(y))
    canvas.line(pt(x), pt(y - RULER_MM), pt(x), pt(y + RULER_MM))
    canvas.setFont(font, 4.5)
    steps = round(RULER_MM / TICK_MM)
    for i in range(-steps, steps + 1):
        d = i * TICK_MM
        whole = i % 2 == 0
        tick = 1.6 if whole else 0.9
        canvas.line(pt(x + d), pt(y), pt(x + d), pt(y - tick))
        canvas.line(pt(x), pt(y + d), pt(x - tick), pt(y + d))
        if whole and i:
            label = f"{d:+g}"
            canvas.drawCentredString(pt(x + d), pt(y - 3.4), label)
            canvas.drawRightString(pt(x - 2.1), pt(y + d - 0.6), label)
