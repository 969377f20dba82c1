"""Each drawing operator of the writer, drawn alone on a small page and rendered without
anti-aliasing by pdfium and by poppler: the pixels it sets are named exactly.

The page is 40 x 40 pt rendered at 72 dpi, so a point is a pixel; shapes sit on whole
points, so no pixel is half covered.  Expected pixels are computed here from the
geometry (rows counted from the top, as images count them), not from the writer.
As pydyf does for WeasyPrint's writer, with two renderers instead of Ghostscript.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pdfcheck import RENDERERS, dark_pixels, render_exact

from postcards.page.qr import QUIET_ZONE, qr_matrix, qr_rects, qr_transform
from postcards.page.writer import Content, PdfWriter
from postcards.resources import bundled

SIDE = 40  # points = pixels
FONT = bundled("fonts") / "PTSans-Regular.ttf"

Pixels = set[tuple[int, int]]


def box(x0: int, y0: int, x1: int, y1: int) -> Pixels:
    """The pixels of a box given in PDF points (origin at the bottom left)."""
    return {(x, row) for x in range(x0, x1) for row in range(SIDE - y1, SIDE - y0)}


def drawn(tmp_path: Path, renderer: str, draw: Callable[[PdfWriter, Content], None]) -> Pixels:
    """Draw one page with ``draw(writer, content)`` and return its dark pixels."""
    pdf = tmp_path / "page.pdf"
    with PdfWriter(pdf, "pixels") as writer:
        content = Content()
        draw(writer, content)
        writer.add_page(content.bytes(), (0, 0, SIDE, SIDE))
        writer.close()
    return dark_pixels(render_exact(pdf, 0, 72, renderer))


@pytest.fixture(params=RENDERERS)
def renderer(request: pytest.FixtureRequest) -> str:
    return request.param


def test_a_filled_rectangle(tmp_path: Path, renderer: str) -> None:
    def draw(writer, c):
        c.fill((0, 0, 0))
        c.rect(2, 3, 5, 4, "f")

    assert drawn(tmp_path, renderer, draw) == box(2, 3, 7, 7)


@pytest.mark.parametrize("width", [2, 4])
def test_a_stroked_line_is_as_wide_as_its_width(tmp_path: Path, renderer: str, width) -> None:
    def draw(writer, c):
        c.stroke((0, 0, 0))
        c.line_width(width)
        c.line(20, 5, 20, 35)  # butt ends: exactly from y 5 to 35

    assert drawn(tmp_path, renderer, draw) == box(20 - width // 2, 5, 20 + width // 2, 35)


def test_a_stroked_rectangle_outlines_its_box(tmp_path: Path, renderer: str) -> None:
    def draw(writer, c):
        c.stroke((0, 0, 0))
        c.line_width(2)
        c.rect(10, 10, 20, 10)

    outer, inner = box(9, 9, 31, 21), box(11, 11, 29, 19)
    assert drawn(tmp_path, renderer, draw) == outer - inner


def test_a_dash_pattern_and_back_to_solid(tmp_path: Path, renderer: str) -> None:
    def draw(writer, c):
        c.stroke((0, 0, 0))
        c.line_width(2)
        c.dash(3, 1)
        c.line(0, 30, 40, 30)
        c.dash()
        c.line(0, 10, 40, 10)

    dashes = set().union(*(box(x, 29, x + 3, 31) for x in range(0, 40, 4)))
    assert drawn(tmp_path, renderer, draw) == dashes | box(0, 9, 40, 11)


def test_a_transform_moves_turns_and_scales_and_restore_undoes_it(
    tmp_path: Path, renderer: str
) -> None:
    def draw(writer, c):
        c.fill((0, 0, 0))
        c.save()
        c.transform(0, 1, -1, 0, 30, 5)  # a quarter turn counter-clockwise, then moved
        c.rect(0, 0, 10, 4, "f")  # -> x 26..30, y 5..15
        c.restore()
        c.save()
        c.transform(2, 0, 0, 3, 2, 20)
        c.rect(1, 1, 3, 2, "f")  # -> x 4..10, y 23..29
        c.restore()
        c.rect(35, 35, 2, 2, "f")  # untouched by either

    assert drawn(tmp_path, renderer, draw) == (
        box(26, 5, 30, 15) | box(4, 23, 10, 29) | box(35, 35, 37, 37)
    )


def test_a_form_is_drawn_where_it_is_placed(tmp_path: Path, renderer: str) -> None:
    def draw(writer, c):
        form = Content()
        form.fill((0, 0, 0))
        form.rect(0, 0, 3, 3, "f")
        form.rect(5, 0, 1, 6, "f")
        name = writer.form(SIDE, SIDE, form.bytes())
        for x, y in ((10, 20), (25, 2)):
            c.save()
            c.transform(1, 0, 0, 1, x, y)
            c.draw(name)
            c.restore()

    expected = set()
    for x, y in ((10, 20), (25, 2)):
        expected |= box(x, y, x + 3, y + 3) | box(x + 5, y, x + 6, y + 6)
    assert drawn(tmp_path, renderer, draw) == expected


def test_an_image_fills_the_unit_square_it_is_scaled_to(tmp_path: Path, renderer: str) -> None:
    from PIL import Image

    pattern = [[0, 255, 0, 255], [255, 255, 0, 0]]  # top row first, as images are stored
    path = tmp_path / "checks.png"
    image = Image.new("L", (4, 2))
    image.putdata([v for row in pattern for v in row])
    image.save(path)

    def draw(writer, c):
        name, width, height = writer.image(path)
        assert (width, height) == (4, 2)
        c.save()
        c.transform(16, 0, 0, 8, 4, 6)  # 4 x 4 points a pixel, from (4, 6)
        c.draw(name)
        c.restore()

    expected = set()
    for row, values in enumerate(pattern):
        for column, value in enumerate(values):
            if value == 0:
                x, top = 4 + 4 * column, 6 + 8 - 4 * row
                expected |= box(x, top - 4, x + 4, top)
    ink = drawn(tmp_path, renderer, draw)
    if renderer == "poppler":  # poppler draws a scaled image a pixel wider and taller
        right, below = 4 + 16, SIDE - 6
        assert expected <= ink
        assert all(x == right or row == below for x, row in ink - expected), ink - expected
        return
    assert ink == expected


def test_a_qr_symbol_sets_its_dark_modules_and_nothing_else(tmp_path: Path, renderer: str) -> None:
    matrix = qr_matrix("K7M2QX9DR")

    def draw(writer, c):
        c.fill((0, 0, 0))
        c.save()
        c.transform(*qr_transform(0, 0, 1))  # a module a point, the quiet zone from (0, 0)
        c.op(qr_rects(matrix))
        c.restore()

    expected = set()
    top = QUIET_ZONE + matrix.modules  # the symbol's top edge, in points
    for row, column, length in matrix.runs:
        x = QUIET_ZONE + column
        expected |= box(x, top - row - 1, x + length, top - row)
    assert drawn(tmp_path, renderer, draw) == expected
    assert len(expected) > 150  # a real symbol, not an empty one


def test_text_inks_its_glyph_outline_at_its_origin_and_size(tmp_path: Path, renderer: str) -> None:
    """An "H" at 24 pt from (8, 10): its ink is the glyph's outline box, within a pixel."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONT)
    glyph = font["glyf"][font.getBestCmap()[ord("H")]]
    scale = 24 / font["head"].unitsPerEm
    left, right = 8 + glyph.xMin * scale, 8 + glyph.xMax * scale
    bottom, top = 10 + glyph.yMin * scale, 10 + glyph.yMax * scale

    def draw(writer, c):
        c.fill((0, 0, 0))
        c.text([(writer.add_font(FONT), "H")], 24, 8, 10)

    ink = drawn(tmp_path, renderer, draw)
    columns = [x for x, _ in ink]
    rows = [SIDE - row for _, row in ink]  # back to PDF's upward y (a pixel's top edge)
    assert min(columns) == pytest.approx(left, abs=1)
    assert max(columns) + 1 == pytest.approx(right, abs=1)
    assert min(rows) - 1 == pytest.approx(bottom, abs=1)
    assert max(rows) == pytest.approx(top, abs=1)
    # the crossbar: rows of ink from stem to stem, about half way up
    between = set(range(round(left), round(right)))
    bars = [row for row in {r for _, r in ink} if {x for x, r in ink if r == row} >= between]
    assert bars and all(abs(SIDE - row - (bottom + top) / 2) < 3 for row in bars), bars
