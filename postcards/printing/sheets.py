"""N-up sheets as PDF: card faces placed by an :class:`~postcards.printing.imposition.Imposition`.

Each sheet is a front page and a back page.  Card faces are drawn by the
:class:`~postcards.printing.faces.CardRenderer` in their own page's coordinates and placed with
one transform each, so a card on a sheet is the very card of the ``single`` layout.
Crop marks go on the fronts only (marks on a back would double up with any printer
offset); both sides carry the slug line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from postcards.cards.plans import CardPlan
from postcards.page.geometry import Affine, pt
from postcards.printing.faces import CardRenderer, Progress
from postcards.printing.imposition import Imposition, Segment, Slug

MARK_WIDTH_PT = 0.25
SLUG_SIZE_PT = 5.5


@dataclass(frozen=True)
class SheetOptions:
    """How sheets are printed: duplex mode, crop marks, the back's measured offset."""

    duplex: str = "long-edge"
    crop_marks: bool = True
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
    slug: str = ""


class SheetRenderer:
    """Draws whole sheets: fronts with marks, backs placed behind their fronts."""

    def __init__(self, cards: CardRenderer, imposition: Imposition, options: SheetOptions):
        self.cards, self.imposition, self.options = cards, imposition, options
        every_slot = {slot.number for slot in imposition.slots}
        self._band: Slug | None = imposition.slug(imposition.crop_marks(every_slot))

    def render(
        self,
        plans: Sequence[CardPlan],
        sheets: list[list[int | None]],
        fronts: Path,
        backs: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Write every sheet, fronts and backs alternating, or the backs in their own file.

        Fronts and backs alternate in ``fronts``; the backs go in ``backs`` when given (for printers
        without duplex).
        """
        front_canvas = self._canvas(fronts)
        back_canvas = self._canvas(backs) if backs is not None else front_canvas
        done = 0
        for number, slots in enumerate(sheets, 1):
            self._front(front_canvas, plans, slots, number, len(sheets))
            front_canvas.showPage()
            self._back(back_canvas, plans, slots, number, len(sheets))
            back_canvas.showPage()
            done += sum(index is not None for index in slots)
            if progress:
                progress(done, len(plans))
        front_canvas.save()
        if back_canvas is not front_canvas:
            back_canvas.save()

    def _canvas(self, path: Path):
        from reportlab.pdfgen.canvas import Canvas

        sheet = self.imposition.sheet
        canvas = Canvas(
            str(path),
            pagesize=(pt(sheet.width_mm), pt(sheet.height_mm)),
            invariant=1,
            pageCompression=1,
            initialFontName=self.cards.fonts.face("regular").name,
        )
        canvas.setTitle(self.cards.title)
        canvas.setCreator("postcards")
        canvas.setAuthor("postcards")
        return canvas

    def _front(
        self, canvas, plans: Sequence[CardPlan], slots: list[int | None], number: int, total: int
    ) -> None:
        occupied = set()
        for slot, index in zip(self.imposition.slots, slots, strict=True):
            if index is not None:
                occupied.add(slot.number)
                with _placed(canvas, slot.front):
                    self.cards.draw_front(canvas, plans[index].language)
        marks = self.imposition.crop_marks(occupied) if self.options.crop_marks else []
        self._marks(canvas, marks)
        self._slug(canvas, Affine(), number, total, "front")

    def _back(
        self, canvas, plans: Sequence[CardPlan], slots: list[int | None], number: int, total: int
    ) -> None:
        duplex, offset = self.options.duplex, self.options.back_offset_mm
        for slot, index in zip(self.imposition.slots, slots, strict=True):
            if index is not None:
                with _placed(canvas, self.imposition.back(slot, duplex, offset)):
                    self.cards.draw_back(canvas, plans[index])
        flip = Affine.translate(*offset) @ self.imposition.sheet_flip(duplex)
        self._slug(canvas, flip, number, total, "back")

    def _marks(self, canvas, marks: list[Segment]) -> None:
        """Hairline crop marks in registration black (all four inks), as print shops use."""
        if not marks:
            return
        from reportlab.lib.colors import CMYKColor

        canvas.saveState()
        canvas.setStrokeColor(CMYKColor(1, 1, 1, 1))
        canvas.setLineWidth(MARK_WIDTH_PT)
        canvas.lines([(pt(m.x0), pt(m.y0), pt(m.x1), pt(m.y1)) for m in marks])
        canvas.restoreState()

    def _slug(self, canvas, flip: Affine, number: int, total: int, side: str) -> None:
        """Campaign, wave, sheet and side, outside the marks, to put a dropped stack back in order.

        A slug longer than its band is set smaller, never over a mark.  The band is that of a full
        sheet, so the slug stands in the same place on every sheet, on both sides.
        """
        if self._band is None:
            return
        slug = self._band
        text = f"{self.options.slug} · sheet {number} of {total} · {side}"
        box = flip.box(slug.box)
        fonts = self.cards.fonts
        room = pt(box.height_mm if slug.degrees == 90 else box.width_mm)
        size = min(
            SLUG_SIZE_PT,
            SLUG_SIZE_PT * room / max(fonts.width(text, "regular", SLUG_SIZE_PT), 1e-9),
        )
        canvas.saveState()
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        if slug.degrees == 90:
            canvas.translate(pt(box.right_mm) - 0.3 * size, pt(box.y_mm))
            canvas.rotate(90)
        else:
            canvas.translate(pt(box.x_mm), pt(box.y_mm) + 0.3 * size)
        line = canvas.beginText(0, 0)
        for font, part in fonts.runs(text, "regular"):
            line.setFont(font, size)
            line.textOut(part)
        canvas.drawText(line)
        canvas.restoreState()


@contextmanager
def _placed(canvas, where: Affine) -> Iterator[None]:
    """Draw under a placement map, restoring the canvas afterwards."""
    canvas.saveState()
    canvas.transform(*where.in_points())
    try:
        yield
    finally:
        canvas.restoreState()
