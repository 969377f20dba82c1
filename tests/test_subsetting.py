"""Font subsets cut from the file's bytes: every glyph used drawn as in the whole font.

The subsets are read back with fontTools, which checks every table's checksum; the pages
they are embedded in are compared with reference renderings (pdfium and poppler) in
test_references.py.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcards.errors import FontError
from postcards.page.embedding import TrueTypeFont
from postcards.page.subsetting import SubsetError, subset_truetype

FONTS = sorted((ROOT / "fonts").glob("*.ttf"))


@cache
def whole(path: Path):
    from fontTools.ttLib import TTFont

    return TTFont(str(path))


@cache
def characters(path: Path) -> dict[int, int]:
    return TrueTypeFont(path, "F1").cmap


def composites(path: Path) -> list[int]:
    """The glyph ids of the font's composite glyphs (accented letters built from parts)."""
    font = whole(path)
    order = font.getGlyphOrder()
    return [gid for gid, name in enumerate(order) if font["glyf"][name].isComposite()]


def read(data: bytes):
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data), checkChecksums=2)  # a wrong checksum raises


def outline(font, gid: int) -> tuple:
    """What a renderer draws for a glyph: points, contour ends, flags, hinting, advance."""
    name = font.getGlyphOrder()[gid]
    glyph = font["glyf"][name]
    coordinates, ends, flags = glyph.getCoordinates(font["glyf"])
    program = glyph.program.getBytecode() if hasattr(glyph, "program") else b""
    return list(coordinates), list(ends), bytes(flags), program, font["hmtx"][name]


def check_subset(path: Path, used: set[int]) -> None:
    original = whole(path)
    subset = read(subset_truetype(path.read_bytes(), used, characters(path)))
    for gid in {0, *used}:
        assert outline(subset, gid) == outline(original, gid), (path.name, gid)
    drawn = {
        gid
        for gid, name in enumerate(subset.getGlyphOrder())
        if subset["glyf"][name].numberOfContours != 0
    }
    parts = set()
    for gid in {0, *used}:
        glyph = original["glyf"][original.getGlyphOrder()[gid]]
        if glyph.isComposite():
            parts |= {original.getGlyphID(c.glyphName) for c in glyph.components}
    kept = {0, *used} | parts | _nested(original, parts)
    assert drawn <= kept, "glyphs not used were kept"
    assert len(subset.getGlyphOrder()) == max(kept) + 1  # ids beyond the last kept: cut off
    for code, gid in subset["cmap"].getBestCmap().items():  # characters kept keep their glyph
        assert subset.getGlyphID(gid) == characters(path)[code]


def _nested(font, parts: set[int]) -> set[int]:
    found: set[int] = set()
    todo = list(parts)
    while todo:
        glyph = font["glyf"][font.getGlyphOrder()[todo.pop()]]
        if glyph.isComposite():
            for component in glyph.components:
                gid = font.getGlyphID(component.glyphName)
                if gid not in found:
                    found.add(gid)
                    todo.append(gid)
    return found


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_glyph_used_is_drawn_as_in_the_whole_font(path: Path, data) -> None:
    count = len(whole(path).getGlyphOrder())
    used = data.draw(st.sets(st.integers(0, count - 1), max_size=40))
    check_subset(path, used)


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_an_accented_letter_keeps_the_parts_it_is_built_from(path: Path) -> None:
    built = composites(path)[:25]
    assert built, f"{path.name} has no composite glyphs: this test would check nothing"
    check_subset(path, set(built))  # getCoordinates fails on a part that is missing


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_the_subset_is_what_fonttools_makes_where_a_renderer_looks(path: Path) -> None:
    """The box and glyph count fontTools' subsetter gave (poppler places glyphs by the
    box), and no larger once compressed."""
    import zlib

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    font = TrueTypeFont(path, "F1")
    font.encode("Вы не одни, Anna. Łukasz Wiśniewski, Мінск, вул. Кальварыйская 36 Ёё Ўў")
    ours = font.subset_bytes()
    options = subset.Options()
    options.retain_gids, options.notdef_outline, options.layout_features = True, True, []
    with TTFont(str(path)) as theirs:
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted({0, *font.used}))
        subsetter.subset(theirs)
        buffer = io.BytesIO()
        theirs.save(buffer)
    mine, fonttools = read(ours), read(buffer.getvalue())
    box = ("xMin", "yMin", "xMax", "yMax")
    assert [getattr(mine["head"], k) for k in box] == [getattr(fonttools["head"], k) for k in box]
    assert len(mine.getGlyphOrder()) == len(fonttools.getGlyphOrder())
    assert len(zlib.compress(ours, 9)) <= len(zlib.compress(buffer.getvalue(), 9)) * 1.05
    assert not {"GSUB", "GPOS", "kern", "DSIG", "LTSH"} & set(mine.keys())


def test_a_font_file_that_changes_during_a_run_is_embedded_as_it_was_measured(
    tmp_path: Path,
) -> None:
    """The subset is cut from the bytes fitting measured, not from the file again."""
    copy = tmp_path / FONTS[-1].name
    copy.write_bytes(FONTS[-1].read_bytes())
    font = TrueTypeFont(copy, "F1")
    font.encode("Вы не одни")
    before = font.subset_bytes()
    copy.write_bytes(FONTS[0].read_bytes())  # another font under the same name
    assert font.subset_bytes() == before


def test_a_reading_without_its_bytes_takes_them_from_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a reportlab release not keep the font's bytes, the file gives the same subset."""
    from postcards.page.fonts import font_file

    kept = TrueTypeFont(FONTS[1], "F1")
    kept.encode("Вы не одни")
    monkeypatch.delattr(font_file(FONTS[1]), "_ttf_data")
    read = TrueTypeFont(FONTS[1], "F1")
    read.encode("Вы не одни")
    assert read.subset_bytes() == kept.subset_bytes()


def test_a_font_that_cannot_be_cut_is_named_not_half_embedded() -> None:
    font = TrueTypeFont(FONTS[0], "F1")
    font.encode("Anna")
    font._data = font._data[:5000]  # a damaged reading: its tables cut short
    with pytest.raises(FontError) as caught:
        font.subset_bytes()
    assert FONTS[0].name in str(caught.value) and "cut short" in str(caught.value)
    with pytest.raises(SubsetError):
        subset_truetype(b"OTTO" + bytes(100), {1}, {})  # a CFF font: no outlines to cut
