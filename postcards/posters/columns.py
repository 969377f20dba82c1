"""Names into columns and tiles into a grid: the fitting behind every poster.

Names are fitted into columns first, then the font shrinks down to a readable minimum
(which grows with the paper), and only then does the list go on to a second page.  A
wall of tiles does the same with tile size.
"""

from __future__ import annotations

from dataclasses import dataclass

from postcards.errors import LayoutError
from postcards.page.fonts import ASCENT, FontSet
from postcards.page.geometry import POINTS_PER_MM, Box
from postcards.page.text import LEADING, fit_text
from postcards.posters.plans import INDENT_EM, Group, TextLine, mm


# Text placement ---------------------------------------------------------------------------
def block_lines(
    paragraphs: list[tuple[str, str]],
    fonts: FontSet,
    box: Box,
    max_size: float,
    min_size: float,
    colour: str = "ink",
    align: str = "left",
) -> list[TextLine]:
    """Paragraphs fitted into ``box`` (wrapped, then shrunk) as placed lines.

    Raises:
        LayoutError: the text does not fit even at ``min_size``.
    """
    fitted = fit_text(
        paragraphs,
        fonts,
        box.width_mm * POINTS_PER_MM,
        box.height_mm * POINTS_PER_MM,
        max_size,
        min_size,
    )
    lines = []
    top = box.top_mm
    for text, style in fitted.lines:
        width = mm(fonts.width(text, style, fitted.size))
        x = box.x_mm + (box.width_mm - width) / 2 if align == "centre" else box.x_mm
        lines.append(
            TextLine(text, x, top - mm(fitted.size * ASCENT), fitted.size, style, colour, width)
        )
        top -= mm(fitted.leading)
    return lines


@dataclass(frozen=True)
class ColumnStyle:
    """Type sizes for a list of names: the name size is tried from max down to min."""

    max_size: float
    min_size: float
    heading_scale: float = 1.2
    gap_mm: float = 6.0
    min_column_mm: float = 40.0
    colour: str = "ink"
    heading_colour: str = "accent"


def fit_columns(
    groups: list[Group], fonts: FontSet, body: Box, style: ColumnStyle
) -> list[list[TextLine]]:
    """Lay out the groups in columns on as few pages as the readable minimum allows.

    Returns the lines of each page's body.  The largest size at which everything fits
    one page wins; at the minimum size, the list goes on to more pages.

    Raises:
        LayoutError: a single word is wider than the widest column at the minimum size.
    """
    most = max(1, int((body.width_mm + style.gap_mm) // (style.min_column_mm + style.gap_mm)))
    measured = [
        (
            _Measured(g.heading, "bold", fonts),
            [_Measured(name, "regular", fonts) for name in g.names],
            _Measured(g.continued or g.heading, "bold", fonts),
        )
        for g in groups
    ]
    least_lines = len(groups) * style.heading_scale + sum(len(g.names) for g in groups)
    size = style.max_size
    while size >= style.min_size - 1e-9:
        for columns in range(1, most + 1):
            if mm(least_lines * size * LEADING) > columns * body.height_mm:
                continue  # cannot fit on one page however the names wrap
            pages = _flow(measured, fonts, body, style, size, columns)
            if pages is not None and len(pages) == 1:
                return pages
        size = round(size - 0.5, 2)
    for columns in range(most, 0, -1):
        pages = _flow(measured, fonts, body, style, style.min_size, columns)
        if pages is not None:
            return pages
    raise LayoutError(f"a name is wider than the page even at {style.min_size:g} pt")


class _Measured:
    """A name's words and their widths at 1 pt: wrapping at any size is then arithmetic."""

    def __init__(self, text: str, font_style: str, fonts: FontSet):
        self.words = text.split()
        self.widths = [fonts.width(word, font_style, 1.0) for word in self.words]
        self.space = fonts.width(" ", font_style, 1.0)

    def wrap(self, size: float, width_pt: float, indent_em: float = 0.0) -> list[str] | None:
        """Greedy word wrap at ``size``, lines after the first ``indent_em`` narrower.

        None when one word is wider than the column.
        """
        first, rest = width_pt / size, width_pt / size - indent_em
        lines: list[list[str]] = []
        used = 0.0
        for word, width in zip(self.words, self.widths, strict=True):
            limit = first if len(lines) <= 1 else rest  # the line being filled
            if width > rest:
                return None
            if lines and used + self.space + width <= limit:
                lines[-1].append(word)
                used += self.space + width
            else:
                lines.append([word])
                used = width
        return [" ".join(line) for line in lines] or [""]


def _flow(
    groups: list[tuple[_Measured, list[_Measured], _Measured]],
    fonts: FontSet,
    body: Box,
    style: ColumnStyle,
    size: float,
    columns: int,
) -> list[list[TextLine]] | None:
    """Pour headings and names into ``columns`` columns, page after page.

    A heading never ends a column: it moves on with its first two names (three when
    the group has three), and the last two names move on together, so no name stands
    alone under a heading.  A name wrapped over several lines stays in one column, its
    further lines indented; names that go on to a new column or page are headed again
    (``Group.continued``).  None when a word is wider than a column.
    """
    width_mm = (body.width_mm - (columns - 1) * style.gap_mm) / columns
    width_pt = width_mm * POINTS_PER_MM
    heading_size = round(size * style.heading_scale, 2)
    blocks: list[tuple[list[str], list[list[str]], list[str]]] = []
    for heading_text, name_texts, continued_text in groups:
        heading = heading_text.wrap(heading_size, width_pt)
        continued = continued_text.wrap(heading_size, width_pt)
        wrapped = [name.wrap(size, width_pt, INDENT_EM) for name in name_texts]
        fitted = [lines for lines in wrapped if lines is not None]
        if heading is None or continued is None or len(fitted) < len(wrapped):
            return None
        blocks.append((heading, fitted, continued))
    flow = _Flow(fonts, body, style, width_mm, columns)
    indent_mm = mm(size * INDENT_EM)
    for heading, names, continued in blocks:
        lead = names if len(names) <= 3 else names[:2]
        flow.continued = []
        flow.keep(len(heading) * heading_size + sum(map(len, lead)) * size, space=size * 0.6)
        for line in heading:
            flow.line(line, heading_size, "bold", style.heading_colour)
        flow.continued = [(line, heading_size) for line in continued]
        for index, name in enumerate(names):
            if index >= len(lead):
                together = names[index:] if index == len(names) - 2 else [name]
                flow.keep(sum(map(len, together)) * size)
            for number, line in enumerate(name):
                flow.line(line, size, "regular", style.colour, indent_mm if number else 0.0)
    return flow.pages


class _Flow:
    """A cursor moving down a column, on to the next column and the next page."""

    def __init__(
        self, fonts: FontSet, body: Box, style: ColumnStyle, width_mm: float, columns: int
    ):
        self.fonts, self.body, self.style = fonts, body, style
        self.width_mm, self.columns = width_mm, columns
        self.pages: list[list[TextLine]] = [[]]
        self.column, self.top = 0, body.top_mm
        self.continued: list[tuple[str, float]] = []  # heading lines for a new page

    def keep(self, points: float, space: float = 0.0) -> None:
        """Start a new column unless ``points`` of lines (after ``space``) fit here."""
        at_top = self.top >= self.body.top_mm - 1e-9
        needed = mm(points * LEADING) + (0 if at_top else mm(space * LEADING))
        if not at_top and self.top - needed < self.body.y_mm - 1e-9:
            self._next_column()
        elif not at_top:
            self.top -= mm(space * LEADING)

    def _next_column(self) -> None:
        """Move on, heading again the names that go on to another column or page.

        So no name stands under the wrong parliament.
        """
        self.column += 1
        self.top = self.body.top_mm
        if self.column == self.columns:
            self.pages.append([])
            self.column = 0
        for text, size in self.continued:
            self._place(text, size, "bold", self.style.heading_colour)

    def line(
        self, text: str, size: float, font_style: str, colour: str, indent_mm: float = 0.0
    ) -> None:
        height = mm(size * LEADING)
        if self.top - height < self.body.y_mm - 1e-9 and self.top < self.body.top_mm:
            self._next_column()  # a name longer than a whole column: rare, but never cut
        self._place(text, size, font_style, colour, indent_mm)

    def _place(
        self, text: str, size: float, font_style: str, colour: str, indent_mm: float = 0.0
    ) -> None:
        x = self.body.x_mm + self.column * (self.width_mm + self.style.gap_mm) + indent_mm
        width = mm(self.fonts.width(text, font_style, size))
        self.pages[-1].append(
            TextLine(text, x, self.top - mm(size * ASCENT), size, font_style, colour, width)
        )
        self.top -= mm(size * LEADING)


# Grids of tiles ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Grid:
    """Tiles of one size: ``columns`` × ``rows`` a page, tile width and height in mm."""

    columns: int
    rows: int
    tile_w_mm: float
    tile_h_mm: float
    gap_mm: float

    @property
    def per_page(self) -> int:
        """How many tiles fit on one page."""
        return self.columns * self.rows

    def cell(self, body: Box, index: int) -> Box:
        """The box of the ``index``-th tile of a page, row by row from the top left."""
        row, column = divmod(index, self.columns)
        x = body.x_mm + column * (self.tile_w_mm + self.gap_mm)
        top = body.top_mm - row * (self.tile_h_mm + self.gap_mm)
        return Box(x, top - self.tile_h_mm, self.tile_w_mm, self.tile_h_mm)


def fit_grid(count: int, body: Box, ratio: float, gap_mm: float, min_tile_mm: float) -> Grid:
    """The biggest tiles (height = ``ratio`` × width) that put ``count`` on one page.

    At ``min_tile_mm`` wide, as many pages as it takes.

    Raises:
        LayoutError: not even one tile of the minimum width fits the page.
    """
    count = max(count, 1)
    for columns in range(1, count + 1):
        width = (body.width_mm - (columns - 1) * gap_mm) / columns
        if width < min_tile_mm:
            break
        rows = -(-count // columns)
        if rows * width * ratio + (rows - 1) * gap_mm <= body.height_mm + 1e-9:
            return Grid(columns, rows, width, width * ratio, gap_mm)
    columns = int((body.width_mm + gap_mm) // (min_tile_mm + gap_mm))
    width = (body.width_mm - (columns - 1) * gap_mm) / columns if columns else 0
    rows = int((body.height_mm + gap_mm) // (width * ratio + gap_mm)) if columns else 0
    if columns < 1 or rows < 1:
        raise LayoutError(
            f"a {min_tile_mm:.0f} mm tile does not fit this page; choose a bigger --size"
        )
    return Grid(columns, rows, width, width * ratio, gap_mm)
