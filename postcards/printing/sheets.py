"""N-up sheets as PDF: card faces placed by an :class:`~postcards.printing.imposition.Imposition`.

Each sheet is a front page and a back page.  Card faces are drawn by the
:class:`~postcards.printing.faces.CardRenderer` in their own page's coordinates and placed with
one transform each, so a card on a sheet is the very card of the ``single`` layout.
Crop marks go on both sides: a back's marks are the front's turned over with the sheet
and moved by the printer's measured offset, so they fall on the front's marks and a
stack can be cut from either side.  Both sides carry the slug line.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from postcards.cards.plans import CardPlan
from postcards.page.fonts import FontSet
from postcards.page.geometry import Affine, pt
from postcards.page.writer import Content, PdfWriter, Rect
from postcards.printing.faces import CardRenderer, languages_of, signatures_of
from postcards.printing.imposition import Imposition, Segment, Slug
from postcards.progress import Progress

MARK_WIDTH_PT = 0.25
#: Nothing printed on a sheet is smaller than this (a slug too long is shortened instead).
LABEL_MIN_PT = 7.0
SLUG_SIZE_PT = LABEL_MIN_PT
SLUG_BAND_MM = 3.0
#: Registration black: all four inks, so a mark prints on every plate.
REGISTRATION = (1.0, 1.0, 1.0, 1.0)
SLUG_GREY = (0.35,)


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
        self._band: Slug | None = imposition.slug(imposition.crop_marks(every_slot), SLUG_BAND_MM)
        sheet = imposition.sheet
        self._media = (0.0, 0.0, pt(sheet.width_mm), pt(sheet.height_mm))
        #: Operators that recur on every sheet: slot placements, the marks of a filling.
        self._ops: dict[object, str] = {}
        self.back_cards = cards

    @property
    def media(self) -> Rect:
        """A sheet page's media box, in points."""
        return self._media

    def page_boxes(self) -> tuple[Rect, Rect, Rect]:
        """A sheet page's media, trim and bleed boxes: the sheet is what the printer makes.

        The cards are cut from it along the marks afterwards; PDF/X wants the boxes said.
        """
        return self._media, self._media, self._media

    def begin(
        self,
        fronts: PdfWriter,
        backs: PdfWriter | None,
        languages: Sequence[str],
        signatures: Sequence[Path] = (),
    ) -> None:
        """Draw into ``fronts`` (and the backs into ``backs``, for printers without duplex).

        Each file has its own fonts and forms, so the backs have a renderer of their own.
        """
        self.back_cards = self.cards
        if backs is not None:
            self.back_cards = copy.copy(self.cards)
            self.back_cards.begin(backs, languages, signatures)
        self.cards.begin(fronts, languages, signatures)

    def start_chunk(self, plans: Sequence[CardPlan], prefix: str) -> None:
        """Draw a chunk of sheets; see :meth:`CardRenderer.start_chunk`."""
        self.cards.start_chunk(plans, prefix)
        if self.back_cards is not self.cards:
            self.back_cards.start_chunk(plans, prefix)

    def sheet_pages(
        self, cards: Sequence[CardPlan | None], number: int, total: int
    ) -> tuple[bytes, bytes]:
        """One sheet's front and back pages; ``cards`` are the plans in slot order."""
        page = Content()
        self._front(page, cards, number, total)
        front = page.bytes()
        page = Content()
        self._back(self.back_cards, page, cards, number, total)
        return front, page.bytes()

    def render(
        self,
        plans: Sequence[CardPlan],
        sheets: list[list[int | None]],
        fronts: Path,
        backs: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Write every sheet in this process (see :mod:`postcards.printing.chunks` for more).

        Fronts and backs alternate in ``fronts``, or the backs go to ``backs`` when given
        (for printers without duplex).
        """
        with contextlib.ExitStack() as stack:
            front_writer = stack.enter_context(PdfWriter(fronts, self.cards.title))
            back_writer = None
            if backs is not None:
                back_writer = stack.enter_context(PdfWriter(backs, self.cards.title))
            self.begin(front_writer, back_writer, languages_of(plans), signatures_of(plans))
            self.start_chunk(plans, "C1")
            pages = [
                self.sheet_pages(
                    [plans[i] if i is not None else None for i in slots], n, len(sheets)
                )
                for n, slots in enumerate(sheets, 1)
            ]
            target = back_writer or front_writer
            for name, content in self.back_cards.new_forms:
                target.form(self.cards.width, self.cards.height, content, name)
            done = 0
            for (front, back), slots in zip(pages, sheets, strict=True):
                front_writer.add_page(front, *self.page_boxes())
                target.add_page(back, *self.page_boxes())
                done += sum(index is not None for index in slots)
                if progress:
                    progress(done, len(plans))
            front_writer.close()
            if back_writer is not None:
                back_writer.close()

    def _front(
        self, page: Content, cards: Sequence[CardPlan | None], number: int, total: int
    ) -> None:
        occupied = set()
        for slot, plan in zip(self.imposition.slots, cards, strict=True):
            if plan is not None:
                occupied.add(slot.number)
                self._placed(page, ("front", slot.number), lambda s=slot: (s.front, Affine()))  # type: ignore[misc]
                self.cards.draw_front(page, plan.language)
                page.restore()
        if self.options.crop_marks:
            page.op(self._marks(frozenset(occupied), "front"))
        self._slug(page, Affine(), number, total, "front")

    def _back(
        self,
        renderer: CardRenderer,
        page: Content,
        cards: Sequence[CardPlan | None],
        number: int,
        total: int,
    ) -> None:
        duplex, offset = self.options.duplex, self.options.back_offset_mm
        flip = self._flip()
        occupied = set()
        for slot, plan in zip(self.imposition.slots, cards, strict=True):
            if plan is not None:
                occupied.add(slot.number)
                self._placed(
                    page,
                    ("back", slot.number),
                    lambda s=slot: (self.imposition.back(s, duplex, offset), flip),  # type: ignore[misc]
                )
                renderer.draw_back(page, plan)
                page.restore()
        if self.options.crop_marks:
            page.op(self._marks(frozenset(occupied), "back"))
        self._slug(page, flip, number, total, "back", renderer)

    def _flip(self) -> Affine:
        """Where a point of the front lies on the back page: the duplex turn, the offset."""
        turn = self.imposition.sheet_flip(self.options.duplex)
        return Affine.translate(*self.options.back_offset_mm) @ turn

    def _placed(
        self, page: Content, key: tuple[str, int], where: Callable[[], tuple[Affine, Affine]]
    ) -> None:
        """Start drawing under a slot's placement map (the caller restores the state).

        ``where`` gives the map and the side's turn; with shared cuts the card is first
        clipped to its cell (turned with the side), so its bleed stays off its neighbours.
        """
        ops = self._ops.get(key)
        if ops is None:
            placed = Content()
            placed.save()
            place, side = where()
            clip = self.imposition.clip(self.imposition.slots[key[1] - 1])
            if clip is not None:
                box = side.box(clip)
                placed.rect(pt(box.x_mm), pt(box.y_mm), pt(box.width_mm), pt(box.height_mm), "W n")
            placed.transform(*place.in_points())
            ops = self._ops[key] = " ".join(placed.parts)
        page.op(ops)

    def _marks(self, occupied: frozenset[int], side: str) -> str:
        """Hairline crop marks in registration black (all four inks), as print shops use.

        A back's marks are the front's, turned over with the sheet and moved by the
        printer's offset: through the paper they stand on the front's.  They are the same
        for every sheet with the same slots filled.
        """
        ops = self._ops.get((occupied, side))
        if ops is None:
            marks = Content()
            segments: list[Segment] = self.imposition.crop_marks(set(occupied))
            if side == "back":
                segments = [_moved(m, self._flip()) for m in segments]
            if segments:
                marks.save()
                marks.stroke(REGISTRATION)
                marks.line_width(MARK_WIDTH_PT)
                for m in segments:
                    marks.line(pt(m.x0), pt(m.y0), pt(m.x1), pt(m.y1))
                marks.restore()
            ops = self._ops[(occupied, side)] = "\n".join(marks.parts)
        return ops

    def _slug(
        self,
        page: Content,
        flip: Affine,
        number: int,
        total: int,
        side: str,
        cards: CardRenderer | None = None,
    ) -> None:
        """Campaign, wave, sheet and side, outside the marks: a dropped stack can be sorted.

        A slug longer than its band loses the end of the campaign's name (never set below
        :data:`LABEL_MIN_PT`, never over a mark).  The band is that of a full sheet, so the
        slug stands in the same place on every sheet, on both sides.
        """
        if self._band is None:
            return
        cards = cards or self.cards
        slug, size = self._band, SLUG_SIZE_PT
        box = flip.box(slug.box)
        room = pt(box.height_mm if slug.degrees == 90 else box.width_mm)
        text = _shortened(
            self.options.slug, f" · sheet {number} of {total} · {side}", room, cards.fonts
        )
        page.save()
        page.fill(SLUG_GREY)
        if slug.degrees == 90:
            page.transform(0, 1, -1, 0, pt(box.right_mm) - 0.3 * size, pt(box.y_mm))
        else:
            page.transform(1, 0, 0, 1, pt(box.x_mm), pt(box.y_mm) + 0.3 * size)
        page.text(cards.runs(text, "regular"), size, 0, 0)
        page.restore()


def _shortened(name: str, rest: str, room: float, fonts: FontSet) -> str:
    """``name + rest`` at the slug's size, the name cut short (with …) to fit ``room``."""
    text = name + rest
    while name and fonts.width(text, "regular", SLUG_SIZE_PT) > room:
        name = name[:-1]
        text = name.rstrip() + "…" + rest if name else rest.removeprefix(" · ")
    return text


def _moved(mark: Segment, where: Affine) -> Segment:
    """A crop mark under a map (the turn of the sheet)."""
    (x0, y0), (x1, y1) = where.apply(mark.x0, mark.y0), where.apply(mark.x1, mark.y1)
    return Segment(x0, y0, x1, y1)


def on_sheet(plans: Sequence[CardPlan], slots: Sequence[int | None]) -> list[CardPlan | None]:
    """The plans of one sheet in slot order (None for an empty slot)."""
    return [plans[index] if index is not None else None for index in slots]
