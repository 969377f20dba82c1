"""Crop marks on both sides of a sheet, labels a press can read, SRA3 with 3 mm bleed.

Read back from the PDF: the marks' segments and widths from the content streams
(``pdfcheck.strokes``), the characters' sizes with pdfplumber.  Where a back's mark must
be is computed from turning paper over, not from the code's maps: long-edge on a portrait
sheet turns x -> W - x, short-edge y -> H - y; the printer's offset then moves the back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfcheck import Stroke, strokes, walk_pages
from test_sheets import print_sheets, write_campaign

MM = 72 / 25.4
REGISTRATION = (1.0, 1.0, 1.0, 1.0)
SIZES = {"a4-2up": (210.0, 297.0), "sra3-8up": (320.0, 450.0)}
CARDS = {"a4-2up": 2, "sra3-8up": 8}


def marks(pdf: Path, page: int) -> list[Stroke]:
    """The crop marks of a page: lines in registration black."""
    return [s for s in strokes(pdf, page) if s.colour == REGISTRATION]


def ends(stroke: Stroke) -> frozenset[tuple[float, float]]:
    """A segment's two ends in mm, rounded, in no order."""
    return frozenset(
        (round(x / MM, 2) + 0.0, round(y / MM, 2) + 0.0)
        for x, y in ((stroke.x0, stroke.y0), (stroke.x1, stroke.y1))
    )


def turned(point, sheet, duplex, offset):
    (x, y), (w, h), (dx, dy) = point, sheet, offset
    x, y = (w - x, y) if duplex == "long-edge" else (x, h - y)
    return (round(x + dx, 2) + 0.0, round(y + dy, 2) + 0.0)


@pytest.mark.parametrize("layout", list(SIZES))
@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
@pytest.mark.parametrize("offset", [(0.0, 0.0), (1.5, -2.0)])
def test_the_backs_marks_fall_on_the_fronts_through_the_paper(
    tmp_path: Path, layout: str, duplex: str, offset: tuple[float, float]
) -> None:
    extra = f"[print]\nback_offset_mm = [{offset[0]}, {offset[1]}]\n" if any(offset) else ""
    folder = write_campaign(tmp_path, CARDS[layout] + 1, extra)  # a full and a partial sheet
    pdf, _ = print_sheets(folder, layout, duplex)
    for front_page in (0, 2):
        front, back = marks(pdf, front_page), marks(pdf, front_page + 1)
        assert front and len(back) == len(front)
        expected = {
            frozenset(turned(p, SIZES[layout], duplex, offset) for p in ends(m)) for m in front
        }
        assert {ends(m) for m in back} == expected
        assert {round(m.width, 3) for m in front + back} == {0.25}


def test_separate_backs_carry_the_marks_too(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path, 2)
    print_sheets(folder, "a4-2up", "separate")
    pdf, backs = folder / "sheets.fronts.pdf", folder / "sheets.backs.pdf"
    expected = {frozenset(turned(p, SIZES["a4-2up"], "long-edge", (0, 0)) for p in ends(m))
                for m in marks(pdf, 0)}  # fmt: skip
    assert {ends(m) for m in marks(backs, 0)} == expected


@pytest.mark.parametrize("layout", list(SIZES))
def test_labels_on_sheets_are_at_least_7_pt(tmp_path: Path, layout: str) -> None:
    """The slug and the code under each QR, on both sides, read back with pdfplumber."""
    import pdfplumber

    folder = write_campaign(tmp_path, CARDS[layout])
    pdf, manifest = print_sheets(folder, layout)
    codes = [row["code"] for row in manifest]
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            slug = [c for m in page.search(r"Sheet test · wave W1 · sheet .*") for c in m["chars"]]
            assert slug and min(c["size"] for c in slug) >= 7 - 1e-6
        labels = [
            c
            for code in codes
            for m in document.pages[1].search(f"{code[:4]}-{code[4:8]}-{code[8]}")
            for c in m["chars"]
        ]
    assert len(labels) == 11 * len(codes)
    assert min(c["size"] for c in labels) >= 7 - 1e-6


def clip_boxes(pdf: Path, page: int) -> list[tuple[float, ...]]:
    """The rectangles a page clips to before placing each card, in mm."""
    found: list[tuple[float, ...]] = []
    last: list[tuple[float, ...]] = []

    def visit(operator, operands, ctm, resources, stream) -> None:
        if operator == b"re" and ctm == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
            x, y, w, h = (float(v) / MM for v in operands)
            last[:] = [tuple(round(v, 2) + 0.0 for v in (x, y, x + w, y + h))]
        elif operator == b"W" and last and stream.get("/Type") is None:
            found.append(last.pop())

    walk_pages(pdf, visit, [page])
    return found


def test_sra3_cards_have_3_mm_bleed_outside_and_share_their_inner_cuts(tmp_path: Path) -> None:
    """Each card clipped to its trim at a shared cut, to its 3 mm bleed at the grid's edge."""
    folder = write_campaign(tmp_path, 8)
    pdf, _ = print_sheets(folder, "sra3-8up")
    lefts, rights = (9.0, 160.0), (160.0, 311.0)
    bottoms = (12.0, 120.0, 225.0, 330.0)
    tops = (120.0, 225.0, 330.0, 438.0)
    expected = {(lefts[c], bottoms[r], rights[c], tops[r]) for c in range(2) for r in range(4)}
    assert set(clip_boxes(pdf, 0)) == expected
    assert set(clip_boxes(pdf, 1)) == {(320 - x1, y0, 320 - x0, y1) for x0, y0, x1, y1 in expected}
    cuts = {round(v / MM, 2) for m in marks(pdf, 0) for v in (m.x0, m.x1) if m.x0 == m.x1}
    assert cuts == {12.0, 160.0, 308.0}  # one cut between the columns
    assert {round(m.length / MM, 2) for m in marks(pdf, 0)} == {4.0}
