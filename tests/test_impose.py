"""Imposition as pure geometry, over many random sheets and grids (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from postcards.errors import LayoutError
from postcards.page.geometry import Affine, Box, CardSize, SheetSize
from postcards.page.layouts import Layout
from postcards.printing.imposition import impose

CARD = CardSize("A6", 148.0, 105.0)


def _layouts(margin_mm: float, bleeds: list[float], **more: st.SearchStrategy) -> st.SearchStrategy:
    """Random custom grids on random sheets."""
    return st.builds(
        Layout,
        name=st.just("custom"),
        sheet=st.builds(SheetSize, st.just("sheet"), st.floats(120, 900), st.floats(120, 900)),
        rows=st.none() | st.integers(1, 4),
        columns=st.none() | st.integers(1, 4),
        gap_mm=st.floats(0, 30),
        margin_mm=st.floats(0, margin_mm),
        bleed_mm=st.none() | st.sampled_from(bleeds),
        **more,
    )


layouts = _layouts(
    20, [0.0, 2.0], mark_mm=st.sampled_from([0.0, 2.5, 5.0]), shared_cuts=st.booleans()
)
#: Layouts with the standard 5 mm marks and margins wide enough for them as often as not.
marked_layouts = _layouts(30, [0.0, 1.0, 2.0], shared_cuts=st.booleans())


def fitted(layout: Layout):
    try:
        return impose(layout, CARD, 3.0)
    except LayoutError:
        return None


def centre(box) -> tuple[float, float]:
    return box.x_mm + box.width_mm / 2, box.y_mm + box.height_mm / 2


@settings(max_examples=300, deadline=None)
@given(layouts, st.sampled_from(["long-edge", "short-edge"]), st.floats(-3, 3), st.floats(-3, 3))
def test_every_back_is_behind_its_front_turned_as_paper_turns(layout, duplex, dx, dy) -> None:
    imposition = fitted(layout)
    assume(imposition is not None)
    w, h = layout.sheet.width_mm, layout.sheet.height_mm
    about_vertical = (duplex == "long-edge") == (h >= w)
    for slot in imposition.slots:
        back = imposition.back(slot, duplex, (dx, dy))
        trim = back.box(imposition.page.trim)
        x, y = centre(slot.trim)
        behind = (w - x + dx, y + dy) if about_vertical else (x + dx, h - y + dy)
        assert centre(trim) == pytest.approx(behind, abs=1e-6)
        turn = slot.front.degrees
        assert back.degrees == ((-turn) % 360 if about_vertical else (180 - turn) % 360)
        assert abs(back.a * back.d - back.b * back.c - 1) < 1e-9  # turned, never mirrored


@settings(max_examples=300, deadline=None)
@given(layouts, st.data())
def test_crop_marks_are_full_length_outside_every_card_and_on_the_sheet(layout, data) -> None:
    imposition = fitted(layout)
    assume(imposition is not None)
    numbers = [s.number for s in imposition.slots]
    occupied = set(data.draw(st.lists(st.sampled_from(numbers), unique=True)))
    marks = imposition.crop_marks(occupied)
    if not occupied or layout.mark_mm == 0:
        assert marks == []
        return
    cuts_x = {
        round(v, 6)
        for s in imposition.slots
        if s.number in occupied
        for v in (s.trim.x_mm, s.trim.right_mm)
    }
    cuts_y = {
        round(v, 6)
        for s in imposition.slots
        if s.number in occupied
        for v in (s.trim.y_mm, s.trim.top_mm)
    }
    for m in marks:
        assert math.hypot(m.x1 - m.x0, m.y1 - m.y0) == pytest.approx(layout.mark_mm)
        # 5 mm inside every edge: presses do not print the outermost millimetres
        assert min(m.x0, m.x1) >= 5 - 1e-6 and max(m.x0, m.x1) <= layout.sheet.width_mm - 5 + 1e-6
        assert min(m.y0, m.y1) >= 5 - 1e-6 and max(m.y0, m.y1) <= layout.sheet.height_mm - 5 + 1e-6
        # on a cut line of an occupied card
        assert round(m.x0, 6) in cuts_x if m.x0 == m.x1 else round(m.y0, 6) in cuts_y
        for slot in imposition.slots:  # never into any card's bleed, even where clipped
            b = imposition.bleed_mm
            c = Box(
                slot.trim.x_mm - b, slot.trim.y_mm - b, slot.trim.width_mm + 2 * b,
                slot.trim.height_mm + 2 * b,
            )  # fmt: skip
            inside_x = c.x_mm + 1e-6 < max(m.x0, m.x1) and min(m.x0, m.x1) < c.right_mm - 1e-6
            inside_y = c.y_mm + 1e-6 < max(m.y0, m.y1) and min(m.y0, m.y1) < c.top_mm - 1e-6
            if m.x0 == m.x1:
                inside_x = c.x_mm + 1e-6 < m.x0 < c.right_mm - 1e-6
            else:
                inside_y = c.y_mm + 1e-6 < m.y0 < c.top_mm - 1e-6
            assert not (inside_x and inside_y)


@settings(max_examples=200, deadline=None)
@given(layouts)
def test_slots_are_on_the_sheet_apart_and_numbered_row_by_row(layout) -> None:
    imposition = fitted(layout)
    assume(imposition is not None)
    cells = [s.cell for s in imposition.slots]
    for c in cells:
        assert c.x_mm >= layout.margin_mm - 1e-6 and c.y_mm >= layout.margin_mm - 1e-6
        assert c.right_mm <= layout.sheet.width_mm - layout.margin_mm + 1e-6
        assert c.top_mm <= layout.sheet.height_mm - layout.margin_mm + 1e-6
    for i, a in enumerate(cells):
        for b in cells[i + 1 :]:
            apart_x = a.right_mm <= b.x_mm + 1e-6 or b.right_mm <= a.x_mm + 1e-6
            apart_y = a.top_mm <= b.y_mm + 1e-6 or b.top_mm <= a.y_mm + 1e-6
            assert apart_x or apart_y
    order = sorted(
        imposition.slots, key=lambda s: (-round(s.cell.top_mm, 6), round(s.cell.x_mm, 6))
    )
    assert [s.number for s in order] == list(range(1, len(cells) + 1))


def test_more_cards_win_over_keeping_them_upright() -> None:
    upright = impose(Layout("t", SheetSize("A3", 297, 420), gap_mm=10, margin_mm=8), CARD, 3)
    assert (upright.turned, upright.per_sheet) == (True, 4)
    fixed = impose(Layout("t", SheetSize("A4", 210, 297), rows=2, columns=1), CARD, 3)
    assert (fixed.turned, fixed.per_sheet) == (False, 2)


def test_start_at_leaves_slots_empty_and_fills_sheets_in_order() -> None:
    imposition = impose(
        Layout("t", SheetSize("A4", 210, 297), rows=2, columns=2, bleed_mm=0, mark_mm=0), CARD, 3
    )
    assert imposition.sheets(5, start_at=3) == [[None, None, 0, 1], [2, 3, 4, None]]
    assert imposition.sheets(0) == [[None] * 4]
    with pytest.raises(LayoutError, match="--start-at 5: layout t has slots 1 to 4"):
        imposition.sheets(1, start_at=5)


def test_affine_composition_applies_inner_first() -> None:
    turn = Affine(a=0.0, b=1.0, c=-1.0, d=0.0)
    move = Affine.translate(10, 0)
    assert (move @ turn).apply(1, 0) == pytest.approx((10, 1))
    assert (turn @ move).apply(1, 0) == pytest.approx((0, 11))


@settings(max_examples=300, deadline=None)
@given(marked_layouts, st.data())
def test_every_layout_keeps_5_mm_marks_and_the_slug_5_mm_inside_or_is_refused(layout, data) -> None:
    try:
        imposition = impose(layout, CARD, 3.0)
    except LayoutError as error:
        if "no room for the crop marks" in str(error):
            # refused only when the margin outside the bleed really is under 10 mm
            assert layout.margin_mm < 10 + 1e-6
        return
    w, h = layout.sheet.width_mm, layout.sheet.height_mm
    full = {s.number for s in imposition.slots}
    numbers = sorted(full)
    occupied = set(data.draw(st.lists(st.sampled_from(numbers), min_size=1, unique=True)))
    marks = imposition.crop_marks(occupied)
    assert len(marks) >= 4  # never left out: at least one card's four cut lines
    for m in marks:
        assert math.hypot(m.x1 - m.x0, m.y1 - m.y0) == pytest.approx(5.0)
        assert min(m.x0, m.x1) >= 5 - 1e-6 and max(m.x0, m.x1) <= w - 5 + 1e-6
        assert min(m.y0, m.y1) >= 5 - 1e-6 and max(m.y0, m.y1) <= h - 5 + 1e-6
    slug = imposition.slug(imposition.crop_marks(full))
    if slug is None:
        return
    box = slug.box
    assert box.x_mm >= 5 - 1e-6 and box.y_mm >= 5 - 1e-6
    assert box.right_mm <= w - 5 + 1e-6 and box.top_mm <= h - 5 + 1e-6
    for m in imposition.crop_marks(full):  # the slug crosses no mark
        assert not (
            min(m.x0, m.x1) < box.right_mm - 1e-6
            and max(m.x0, m.x1) > box.x_mm + 1e-6
            and min(m.y0, m.y1) < box.top_mm - 1e-6
            and max(m.y0, m.y1) > box.y_mm + 1e-6
        )
    for s in imposition.slots:  # nor a card
        c = s.cell
        assert not (
            c.x_mm < box.right_mm - 1e-6
            and c.right_mm > box.x_mm + 1e-6
            and c.y_mm < box.top_mm - 1e-6
            and c.top_mm > box.y_mm + 1e-6
        )


def test_sra3_8up_keeps_eight_cards_and_full_marks_5_mm_inside() -> None:
    from postcards.page.layouts import LAYOUTS

    imposition = impose(LAYOUTS["sra3-8up"], CARD, 3.0)
    assert imposition.per_sheet == 8 and imposition.bleed_mm == 3
    marks = imposition.crop_marks({s.number for s in imposition.slots})
    edge = min(
        min(m.x0, m.x1, m.y0, m.y1, 320 - max(m.x0, m.x1), 450 - max(m.y0, m.y1)) for m in marks
    )
    assert edge == pytest.approx(5.0)
    assert {round(math.hypot(m.x1 - m.x0, m.y1 - m.y0), 6) for m in marks} == {4.0}
    # one cut between neighbours: 3 cut lines across, 5 down, a mark at each end
    assert len(marks) == 2 * (3 + 5)
    assert imposition.slug(marks, 3.0) is not None


def test_sra3_8up_has_3_mm_bleed_around_the_grid_and_cards_clipped_at_shared_cuts() -> None:
    """8 A6 with 3 mm bleed on every side would need 308 x 444 mm: no room for marks."""
    from postcards.page.layouts import LAYOUTS

    imposition = impose(LAYOUTS["sra3-8up"], CARD, 3.0)
    left = min(s.cell.x_mm for s in imposition.slots)
    right = max(s.cell.right_mm for s in imposition.slots)
    bottom = min(s.cell.y_mm for s in imposition.slots)
    top = max(s.cell.top_mm for s in imposition.slots)
    assert (left, bottom, right, top) == pytest.approx((9, 12, 311, 438))  # on the sheet
    for slot in imposition.slots:
        t, c = slot.trim, slot.cell
        outer = (t.x_mm - 3 == pytest.approx(left), t.y_mm - 3 == pytest.approx(bottom))
        assert c.x_mm == pytest.approx(t.x_mm - 3 if outer[0] else t.x_mm)
        assert c.y_mm == pytest.approx(t.y_mm - 3 if outer[1] else t.y_mm)
        assert imposition.clip(slot) == c
        for other in imposition.slots:  # butted: trims touch, cells never overlap
            if other is not slot:
                o = other.cell
                apart = (
                    c.right_mm <= o.x_mm + 1e-6
                    or o.right_mm <= c.x_mm + 1e-6
                    or c.top_mm <= o.y_mm + 1e-6
                    or o.top_mm <= c.y_mm + 1e-6
                )
                assert apart


def test_a_custom_layout_without_room_for_marks_is_refused() -> None:
    tight = Layout("tight", SheetSize("tight", 160, 240), rows=2, columns=1, margin_mm=3)
    with pytest.raises(
        LayoutError,
        match=(
            r"tight: no room for the crop marks: a 5 mm mark outside the 3 mm bleed must "
            r"keep 5 mm from the sheet's edge, so the cards need margin_mm = 10; set "
            r"margin_mm = 10, fewer rows or columns, or mark_mm = 0 for no marks"
        ),
    ):
        impose(tight, CARD, 3.0)
