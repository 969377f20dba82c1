"""N-up sheets: where each card goes on a sheet, where its back goes, and the crop marks.

This module is pure geometry in millimetres.  A :class:`Layout` names a sheet and a grid;
:func:`impose` fits a card size to it (turning the cards when that is what fits) and
returns an :class:`Imposition`, whose slots carry the map from a card's own page to the
front of the sheet.  The map for the back is derived from it rather than tabulated: a
card is turned over about its own vertical axis, the sheet about its long or short edge,
so the back's place is ``flip ∘ front ∘ card-flip`` — which puts every back behind its
own front for any grid, turn or partial sheet.  A measured printer offset is one more
translation on top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from postcards.errors import LayoutError, Problem
from postcards.page.geometry import Affine, Box, CardSize, Page, SheetSize
from postcards.page.layouts import Layout

_EPSILON = 1e-6
#: Presses and office printers leave the outermost millimetres of a sheet blank (the
#: gripper edge, the paper path): marks and the slug keep this far from every edge.
SAFE_EDGE_MM = 5.0


@dataclass(frozen=True)
class Slot:
    """One place on a sheet; ``number`` counts row by row as seen on the front, from 1."""

    number: int
    row: int
    column: int
    cell: Box
    trim: Box
    front: Affine


@dataclass(frozen=True)
class Segment:
    """A straight line on a sheet, in mm (a crop mark)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Slug:
    """Where the slug line goes: a band outside the marks, and the turn of its text."""

    box: Box
    degrees: int


@dataclass(frozen=True)
class Imposition:
    """A card size fitted to a layout: the slots, and the maps for fronts and backs."""

    layout: Layout
    card: CardSize
    bleed_mm: float
    turned: bool
    slots: tuple[Slot, ...]

    @property
    def sheet(self) -> SheetSize:
        """The paper the cards are imposed on."""
        return self.layout.sheet

    @property
    def per_sheet(self) -> int:
        """How many cards one sheet holds."""
        return len(self.slots)

    @property
    def page(self) -> Page:
        """A card's own page (trim plus bleed), the space card faces are drawn in."""
        return Page(self.card, self.bleed_mm)

    def clip(self, slot: Slot) -> Box | None:
        """Where a card in ``slot`` is clipped on the front: its cell, with shared cuts."""
        return slot.cell if self.layout.shared_cuts else None

    def sheet_flip(self, duplex: str) -> Affine:
        """Where a point on the front of the sheet lies on its back page.

        ``long-edge`` turns the sheet over about its long edge, ``short-edge`` about its
        short edge; ``separate`` backs are reloaded turned over like a book page, which on
        a portrait sheet is the long edge.
        """
        width, height = self.sheet.width_mm, self.sheet.height_mm
        about_vertical = (duplex == "short-edge") == (width > height)
        return Affine.mirror_x(width) if about_vertical else Affine.mirror_y(height)

    def back(self, slot: Slot, duplex: str, offset_mm: tuple[float, float] = (0, 0)) -> Affine:
        """The map from a card's back page to the back of the sheet, behind its front."""
        turn_card = Affine.mirror_x(self.page.width_mm)  # a postcard turns like a page
        shift = Affine.translate(*offset_mm)
        return shift @ self.sheet_flip(duplex) @ slot.front @ turn_card

    def sheets(self, cards: int, start_at: int = 1) -> list[list[int | None]]:
        """Which card (by index in print order) goes in each slot of each sheet.

        The first ``start_at - 1`` slots of the first sheet stay empty, for stock that
        was partly used before.
        """
        if not 1 <= start_at <= self.per_sheet:
            raise LayoutError(
                Problem(
                    f"--start-at {start_at}: layout {self.layout.name} has slots 1 to "
                    f"{self.per_sheet}",
                    column="start_at",
                )
            )
        places: list[int | None] = [None] * (start_at - 1) + list(range(cards))
        count = max(1, math.ceil(len(places) / self.per_sheet))
        places += [None] * (count * self.per_sheet - len(places))
        return [places[i * self.per_sheet : (i + 1) * self.per_sheet] for i in range(count)]

    @cached_property
    def _grid(self) -> Box:
        """The box around every slot's cell."""
        return _union([s.cell for s in self.slots])

    @cached_property
    def _bleeds(self) -> list[Box]:
        """Every card's whole bleed on the sheet, even where a shared cut clips it."""
        page = Box(0, 0, self.page.width_mm, self.page.height_mm)
        return [s.front.box(page) for s in self.slots]

    def crop_marks(self, occupied: set[int]) -> list[Segment]:
        """Full-length crop marks for the occupied slots (by number), on the front.

        Each card gets marks on the lines of its four trim edges, starting at its bleed
        edge.  A mark that would run over another slot (a neighbour, or the space of an
        empty slot) goes to the sheet's margin beyond the whole grid instead, on the same
        cut line; every mark keeps :data:`SAFE_EDGE_MM` from the sheet's edge.  A mark
        that does not fit is never shortened: :func:`impose` refuses such a layout.
        """
        if self.layout.mark_mm <= 0:
            return []
        marks: dict[tuple[float, ...], Segment] = {}
        for slot in self.slots:
            if slot.number in occupied:
                for mark in self._marks_for(slot):
                    marks.setdefault(tuple(round(v, 4) for v in vars(mark).values()), mark)
        return list(marks.values())

    def _marks_for(self, slot: Slot) -> list[Segment]:
        t, reach, length, grid = slot.trim, self.bleed_mm, self.layout.mark_mm, self._grid
        found = []
        for x in (t.x_mm, t.right_mm):  # vertical cut lines: marks above and below
            for start, far, sign in (
                (t.top_mm + reach, grid.top_mm, 1),
                (t.y_mm - reach, grid.y_mm, -1),
            ):
                found.append(
                    self._place(
                        Segment(x, start, x, start + sign * length),
                        Segment(x, far, x, far + sign * length),
                    )
                )
        for y in (t.y_mm, t.top_mm):  # horizontal cut lines: marks left and right
            for start, far, sign in (
                (t.right_mm + reach, grid.right_mm, 1),
                (t.x_mm - reach, grid.x_mm, -1),
            ):
                found.append(
                    self._place(
                        Segment(start, y, start + sign * length, y),
                        Segment(far, y, far + sign * length, y),
                    )
                )
        return [mark for mark in found if mark is not None]

    def _place(self, near: Segment, far: Segment) -> Segment | None:
        # a card's whole bleed, even where a shared cut clips it: never a mark on a cut
        for mark in (near, far):
            if self._on_sheet(mark) and not any(_crosses(mark, b) for b in self._bleeds):
                return mark
        return None

    def _on_sheet(self, mark: Segment) -> bool:
        """Whether a mark lies where the press prints: SAFE_EDGE_MM inside every edge."""
        xs, ys = (mark.x0, mark.x1), (mark.y0, mark.y1)
        w, h, edge = self.sheet.width_mm, self.sheet.height_mm, SAFE_EDGE_MM
        return (
            min(xs) >= edge - _EPSILON
            and max(xs) <= w - edge + _EPSILON
            and min(ys) >= edge - _EPSILON
            and max(ys) <= h - edge + _EPSILON
        )

    def missing_marks(self) -> bool:
        """Whether some card of a full sheet would lose a crop mark (no room for it)."""
        if self.layout.mark_mm <= 0:
            return False
        return any(len(self._marks_for(slot)) < 8 for slot in self.slots)

    def slug(self, marks: list[Segment], height_mm: float = 2.0) -> Slug | None:
        """A band for the slug line just outside the grid and its marks, or None.

        The bottom is preferred (read as the sheet is held), then the widest margin; the
        band keeps 1 mm from the marks and SAFE_EDGE_MM from the paper's edge.  When no
        margin is deep enough beyond the marks, the band stands between the marks, 1 mm
        outside the cards, along the widest stretch free of marks.
        """
        grid = self._grid
        xs = [v for m in marks for v in (m.x0, m.x1)] + [grid.x_mm, grid.right_mm]
        ys = [v for m in marks for v in (m.y0, m.y1)] + [grid.y_mm, grid.top_mm]
        w, h, pad, edge = self.sheet.width_mm, self.sheet.height_mm, 1.0, SAFE_EDGE_MM
        size = height_mm + pad + edge
        bands = [  # (free depth, band, text turn)
            (min(ys), Box(grid.x_mm, min(ys) - pad - height_mm, grid.width_mm, height_mm), 0),
            (h - max(ys), Box(grid.x_mm, max(ys) + pad, grid.width_mm, height_mm), 0),
            (min(xs), Box(min(xs) - pad - height_mm, grid.y_mm, height_mm, grid.height_mm), 90),
            (w - max(xs), Box(max(xs) + pad, grid.y_mm, height_mm, grid.height_mm), 90),
        ]
        fitting = [band for band in bands if band[0] >= size - _EPSILON]
        if not fitting:
            return self._slug_between(marks, grid, height_mm, pad)
        _, box, degrees = (
            fitting[0] if fitting[0] is bands[0] else max(fitting, key=lambda band: band[0])
        )
        return Slug(box, degrees)

    def _slug_between(
        self, marks: list[Segment], grid: Box, height_mm: float, pad: float
    ) -> Slug | None:
        """The slug band between the marks of the bottom margin (else the widest side)."""
        w, h, edge, depth = self.sheet.width_mm, self.sheet.height_mm, SAFE_EDGE_MM, height_mm + pad
        upright = [m.x0 for m in marks if m.x0 == m.x1]
        level = [m.y0 for m in marks if m.y0 == m.y1]
        candidates = [  # (free depth, band along the side, text turn)
            (
                grid.y_mm,
                _stretch(upright, grid.x_mm, grid.right_mm, pad),
                lambda a, b: Box(a, grid.y_mm - depth, b - a, height_mm),
                0,
            ),
            (
                h - grid.top_mm,
                _stretch(upright, grid.x_mm, grid.right_mm, pad),
                lambda a, b: Box(a, grid.top_mm + pad, b - a, height_mm),
                0,
            ),
            (
                grid.x_mm,
                _stretch(level, grid.y_mm, grid.top_mm, pad),
                lambda a, b: Box(grid.x_mm - depth, a, height_mm, b - a),
                90,
            ),
            (
                w - grid.right_mm,
                _stretch(level, grid.y_mm, grid.top_mm, pad),
                lambda a, b: Box(grid.right_mm + pad, a, height_mm, b - a),
                90,
            ),
        ]
        fitting = [c for c in candidates if c[0] >= depth + edge - _EPSILON and c[1]]
        if not fitting:
            return None
        # ``fitting`` keeps the candidates whose span is not None
        _, (a, b), band, degrees = (
            fitting[0]  # type: ignore[misc]
            if fitting[0] is candidates[0]
            else max(fitting, key=lambda c: c[1][1] - c[1][0])  # type: ignore[index]
        )
        return Slug(band(a, b), degrees)


def _stretch(cuts: list[float], low: float, high: float, pad: float) -> tuple[float, float] | None:
    """The widest stretch of [low, high] keeping ``pad`` from every cut, or None."""
    points = sorted({low - pad, high + pad, *(c for c in cuts if low - pad <= c <= high + pad)})
    a, b = max(zip(points, points[1:], strict=False), key=lambda p: p[1] - p[0])
    return (a + pad, b - pad) if b - a > 2 * pad + _EPSILON else None


def _union(boxes: list[Box]) -> Box:
    left, bottom = min(b.x_mm for b in boxes), min(b.y_mm for b in boxes)
    right, top = max(b.right_mm for b in boxes), max(b.top_mm for b in boxes)
    return Box(left, bottom, right - left, top - bottom)


def _crosses(mark: Segment, cell: Box) -> bool:
    """True when a mark runs into a card's bleed box (touching its edge is allowed)."""
    return _overlaps(mark.x0, mark.x1, cell.x_mm, cell.right_mm) and _overlaps(
        mark.y0, mark.y1, cell.y_mm, cell.top_mm
    )


def _overlaps(a0: float, a1: float, low: float, high: float) -> bool:
    """Whether [a0, a1] (possibly one point) reaches into the open interval (low, high)."""
    start, end = sorted((a0, a1))
    if end - start < _EPSILON:
        return low + _EPSILON < start < high - _EPSILON
    return start < high - _EPSILON and end > low + _EPSILON


def _fits(count: int | None, cell: float, space: float, gap: float) -> int:
    """How many cells fit along one side (or 0 when a fixed count does not)."""
    most = math.floor((space + gap + _EPSILON) / (cell + gap)) if cell + gap > 0 else 0
    if count is None:
        return max(most, 0)
    return count if count <= most else 0


def impose(layout: Layout, card: CardSize, campaign_bleed_mm: float) -> Imposition:
    """Fit cards of ``card`` size to ``layout``, turning them if that fits more.

    Raises:
        LayoutError: the cards do not fit the sheet either way round; the message gives
            the card with its bleed, the sheet and the margins.
    """
    bleed = campaign_bleed_mm if layout.bleed_mm is None else layout.bleed_mm
    page = Page(card, bleed)
    # shared cuts: the cards butt at their trims, the bleed only around the whole grid
    inner = 2 * bleed if layout.shared_cuts else 0.0
    width = layout.sheet.width_mm - 2 * layout.margin_mm - inner
    height = layout.sheet.height_mm - 2 * layout.margin_mm - inner
    options = []
    for turned in (False, True):
        cell_w, cell_h = (
            (page.height_mm, page.width_mm) if turned else (page.width_mm, page.height_mm)
        )
        columns = _fits(layout.columns, cell_w - inner, width, layout.gap_mm)
        rows = _fits(layout.rows, cell_h - inner, height, layout.gap_mm)
        if rows and columns:
            options.append((rows * columns, not turned, turned, rows, columns))
    if not options:
        raise LayoutError(_does_not_fit(layout, card, page))
    _, _, turned, rows, columns = max(options)
    imposition = Imposition(
        layout, card, bleed, turned, _slots(layout, page, turned, rows, columns)
    )
    if imposition.missing_marks():
        raise LayoutError(_no_room_for_marks(layout, bleed))
    return imposition


def _no_room_for_marks(layout: Layout, bleed: float) -> Problem:
    """Marks are never shortened nor dropped: a layout without room for them is refused."""
    need = layout.mark_mm + SAFE_EDGE_MM
    return Problem(
        f"{layout.name}: no room for the crop marks: a {layout.mark_mm:g} mm mark outside "
        f"the {bleed:g} mm bleed must keep {SAFE_EDGE_MM:g} mm from the sheet's edge, so "
        f"the cards need margin_mm = {need:g}; set margin_mm = "
        f"{need:g}, fewer rows or columns, or mark_mm = 0 for no marks",
        column="layout",
    )


def _does_not_fit(layout: Layout, card: CardSize, page: Page) -> Problem:
    wanted = f"{layout.rows * layout.columns} cards" if layout.rows and layout.columns else "a card"
    return Problem(
        f"{layout.name}: {wanted} of {card.describe()} "
        f"({page.width_mm:g} × {page.height_mm:g} mm with bleed) do not fit on "
        f"{layout.sheet.describe()} with {layout.margin_mm:g} mm margins and "
        f"{layout.gap_mm:g} mm gaps, either way round; choose a smaller card size or "
        "another layout",
        column="layout",
    )


def _slots(layout: Layout, page: Page, turned: bool, rows: int, columns: int) -> tuple[Slot, ...]:
    """The grid, centred on the sheet, numbered row by row from the top left.

    With shared cuts a slot's cell is its page less the bleed on the sides that face a
    neighbour: that is where the card is clipped, so that no card prints over another.
    """
    cell_w, cell_h = (page.height_mm, page.width_mm) if turned else (page.width_mm, page.height_mm)
    bleed = page.bleed_mm if layout.shared_cuts else 0.0
    step_x, step_y = cell_w - 2 * bleed + layout.gap_mm, cell_h - 2 * bleed + layout.gap_mm
    grid_w = columns * step_x - layout.gap_mm + 2 * bleed
    grid_h = rows * step_y - layout.gap_mm + 2 * bleed
    left = (layout.sheet.width_mm - grid_w) / 2
    top = (layout.sheet.height_mm + grid_h) / 2
    slots: list[Slot] = []
    for row in range(rows):
        for column in range(columns):
            x, y = left + column * step_x, top - cell_h - row * step_y
            # A turned card has its top to the left: a quarter turn counter-clockwise.
            front = (
                Affine(a=0.0, b=1.0, c=-1.0, d=0.0, e=x + cell_w, f=y)
                if turned
                else Affine.translate(x, y)
            )
            x0 = x + bleed * (column > 0)
            x1 = x + cell_w - bleed * (column < columns - 1)
            y0 = y + bleed * (row < rows - 1)
            y1 = y + cell_h - bleed * (row > 0)
            cell = Box(x0, y0, x1 - x0, y1 - y0)
            slots.append(Slot(len(slots) + 1, row, column, cell, front.box(page.trim), front))
    return tuple(slots)
