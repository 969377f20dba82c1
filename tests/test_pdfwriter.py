"""The cards' own PDF writer: the same bytes, real fonts.

Its pictures are checked in test_references.py (two renderers, pixels counted), its
operators in test_writer_pixels.py, and every output's structure in test_outputs_valid.py.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from conftest import ROOT, page_texts

from postcards.campaign_file import load_campaign
from postcards.cards.plans import CardPlan
from postcards.jobs.check import prepare, print_order
from postcards.page.geometry import Page, pt
from postcards.page.writer import Content, PdfWriter
from postcards.printing.faces import CardRenderer, languages_of, signatures_of

CODE = "K7M2QX9DR"  # the golden files' code: plans that do not depend on a random one


@pytest.fixture(scope="module")
def samples() -> tuple[CardRenderer, list[CardPlan]]:
    """The sample campaign's renderer and a plan per card, in print order."""
    campaign = load_campaign(ROOT / "samples" / "campaign.toml")
    report, planner = prepare(campaign)
    assert planner is not None, [str(p) for p in report.problems]
    plans = [planner.plan(pairing, CODE) for pairing in print_order(report.pairings)]
    renderer = CardRenderer(planner.design, Page(planner.size, campaign.bleed_mm), campaign.name)
    return renderer, plans


def render(samples: tuple[CardRenderer, list[CardPlan]], count: int, path: Path) -> Path:
    renderer, plans = samples
    renderer.render(plans[:count], path)
    return path


def test_the_same_plans_give_the_same_bytes(samples, tmp_path: Path) -> None:
    first = render(samples, 6, tmp_path / "a.pdf").read_bytes()
    again = render(samples, 6, tmp_path / "b.pdf").read_bytes()
    assert first == again
    assert b"CreationDate" not in first and b"ModDate" not in first


def test_fonts_are_embedded_as_subsets_with_only_the_glyphs_used(samples, tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    reader = PdfReader(render(samples, 2, tmp_path / "cards.pdf"))
    fonts = reader.pages[1]["/Resources"]["/Font"]
    assert len(fonts) >= 2  # bold and regular at least
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
        cid = font["/DescendantFonts"][0].get_object()
        tag, _, name = str(font["/BaseFont"])[1:].partition("+")
        assert len(tag) == 6 and tag.isupper() and name, font["/BaseFont"]
        data = cid["/FontDescriptor"]["/FontFile2"].get_data()
        embedded = TTFont(io.BytesIO(data))
        drawn = [g for g in embedded.getGlyphOrder() if embedded["glyf"][g].numberOfContours != 0]
        widths = [w for item in cid["/W"] if isinstance(item, list) for w in item]
        original = ROOT / "fonts" / f"{name}.ttf"
        every = TTFont(original)
        assert 1 < len(drawn) < len(every.getGlyphOrder()) / 4, f"{name} is not subset"
        # the glyphs used, their accents' parts and notdef: no more
        assert len(drawn) <= 2 * len(widths) + 1
        items = list(cid["/W"])
        used = [
            start + i
            for start, run in zip(items[::2], items[1::2], strict=True)
            for i in range(len(run))
        ]
        kept, before = embedded.getGlyphOrder(), every.getGlyphOrder()
        for gid in used:  # the content's glyph ids hold: the same outline at the same id
            ours, theirs = embedded["glyf"][kept[gid]], every["glyf"][before[gid]]
            assert (ours.numberOfContours, embedded["hmtx"][kept[gid]]) == (
                theirs.numberOfContours,
                every["hmtx"][before[gid]],
            ), (name, gid)
        assert len(data) < original.stat().st_size / 3


def test_a_cyrillic_address_reads_back_as_written(samples, tmp_path: Path) -> None:
    renderer, plans = samples
    lines = [line for line, _ in plans[0].address.text.lines]
    assert any("Соколову" in line or any("а" <= c <= "я" for c in line) for line in lines)
    back = page_texts(render(samples, 1, tmp_path / "card.pdf"))[1]
    for line in lines:
        assert " ".join(line.split()) in back


def test_widths_agree_with_the_fitting(samples) -> None:
    """Every character of every bundled face is as wide in the PDF as fitting measured."""
    renderer, _ = samples
    with PdfWriter(io.BytesIO(), "t") as writer:
        for face in (*renderer.fonts.styles.values(), *renderer.fonts.fallbacks):
            font = writer.add_font(face.path)
            # U+FFFF, a non-character, is a quirk of reportlab's reading of the cmap
            assert set(font.cmap) ^ set(face.chars) <= {0xFFFF}, face.name
            text = "".join(chr(c) for c in sorted(face.chars) if c != 0xFFFF)
            style = next((s for s, f in renderer.fonts.styles.items() if f == face), None)
            if style is not None:
                assert font.width(text, 10) == pytest.approx(
                    renderer.fonts.width(text, style, 10), rel=1e-9
                )


def test_pages_made_elsewhere_join_into_the_same_bytes(samples, tmp_path: Path) -> None:
    """A page drawn with another process's font objects, then added with its glyphs, gives
    the file a single process writes: the way worker processes will join."""
    renderer, plans = samples
    direct = render(samples, 1, tmp_path / "direct.pdf").read_bytes()

    worker = CardRenderer(renderer.design, renderer.page, renderer.title)
    one = plans[:1]
    worker.begin(PdfWriter(io.BytesIO(), renderer.title), languages_of(one), signatures_of(one))
    made = []
    for draw in (
        lambda c: worker.draw_front(c, plans[0].language),
        lambda c: worker.draw_back(c, plans[0]),
    ):
        content = Content()
        draw(content)
        made.append(content.bytes())

    out = io.BytesIO()
    parent = CardRenderer(renderer.design, renderer.page, renderer.title)
    with PdfWriter(out, renderer.title) as writer:
        parent.begin(writer, languages_of(one), signatures_of(one))  # forms, no page
        trim = renderer.page.trim
        boxes = (
            (0, 0, renderer.width, renderer.height),
            (pt(trim.x_mm), pt(trim.y_mm), pt(trim.right_mm), pt(trim.top_mm)),
            (0, 0, renderer.width, renderer.height),
        )
        for content in made:
            writer.add_page(content, *boxes)
        for name, font in worker.writer.fonts.items():
            writer.note_glyphs(name, font.used)
        writer.close()
    assert out.getvalue() == direct


def test_subsetting_every_bundled_font_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """fontTools warns (on stderr, when logging is not set up) about tables it drops: a
    cards run must not show that."""
    from postcards.page.embedding import TrueTypeFont

    for path in sorted((ROOT / "fonts").glob("*.ttf")):
        font = TrueTypeFont(path, "F1")
        font.encode("Вы не одни, Anna")
        assert font.subset_bytes()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
