"""The card front is neutral: a censor withholds a card that shows a flag or political
colours (the white-red-white flag is prosecuted in Belarus), and its reader may be punished."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import page_texts, run
from PIL import Image

from postcards.cards.content import risky_findings
from postcards.cards.design import load_design
from postcards.cards.risky_words import risky_words_for
from postcards.page.geometry import CardSize
from postcards.resources import bundled

MOTIF = bundled("templates") / "solidarity" / "motif.jpg"
RED_BAND_SHARE = 0.25  # a flag's red stripe fills a whole row; flowers never do


def red_white_rows(image: Image.Image) -> tuple[float, list[float], list[float]]:
    """The share of red pixels overall, and per row the share of red and of white pixels."""
    small = image.convert("RGB").resize((300, 200))
    width, height = small.size
    pixels = small.load()
    red_rows, white_rows, red_total = [], [], 0
    for y in range(height):
        reds = whites = 0
        for x in range(width):
            r, g, b = pixels[x, y]
            if r > 140 and g < 100 and b < 100 and r - max(g, b) > 60:
                reds += 1
            elif min(r, g, b) > 225 and max(r, g, b) - min(r, g, b) < 20:
                whites += 1
        red_rows.append(reds / width)
        white_rows.append(whites / width)
        red_total += reds
    return red_total / (width * height), red_rows, white_rows


def assert_no_flag(image: Image.Image) -> None:
    share, red_rows, white_rows = red_white_rows(image)
    assert share < 0.02, f"{share:.1%} of the front is red"
    bands = [y for y, s in enumerate(red_rows) if s > RED_BAND_SHARE]
    assert not bands, f"rows {bands[:5]}… are a red band across the front"
    # Diagonal bands: the same check along the two diagonals' directions.
    for angle in (20, -20, 35, -35):
        turned = image.convert("RGB").rotate(angle, expand=False, fillcolor=(128, 128, 128))
        _, rows, _ = red_white_rows(turned)
        assert max(rows) <= RED_BAND_SHARE, f"a red band at {angle}°"


def test_bundled_motif_has_no_white_red_white_band() -> None:
    with Image.open(MOTIF) as image:
        assert_no_flag(image)


def test_bundled_motif_prints_at_300_dpi_on_every_bundled_size() -> None:
    with Image.open(MOTIF) as image:
        assert image.format == "JPEG"
        width, height = image.size
    assert width >= 226 / 25.4 * 300 and height >= 133 / 25.4 * 300  # DL, 5x7in + bleed
    assert MOTIF.stat().st_size < 300_000  # every card's PDF embeds it


@pytest.fixture(scope="module")
def demo_cards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("front") / "campaign"
    shutil.copytree(bundled("samples"), out, ignore=shutil.ignore_patterns("*.py"))
    result = run(
        "-c",
        out / "campaign.toml",
        "cards",
        "--layout",
        "single",
        "--example",
        "-o",
        out / "cards.pdf",
        cwd=out,
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return out / "cards.pdf"


def test_rendered_sample_front_has_no_flag(demo_cards: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(demo_cards))
    try:
        image = document[0].render(scale=1).to_pil()
    finally:
        document.close()
    assert_no_flag(image)


def test_front_carries_only_the_headline(demo_cards: Path) -> None:
    front = load_design("solidarity").front(CardSize("A6", 148, 105))
    fronts = page_texts(demo_cards)[0::2]
    assert fronts and all(text in front.headlines.values() for text in fronts), fronts[:3]


def test_front_headlines_are_neutral_greetings() -> None:
    risky = risky_words_for(None)
    front = load_design("solidarity").front(CardSize("A6", 148, 105))
    assert front.headlines
    for language, text in front.headlines.items():
        assert not risky_findings(text, risky), (language, text)
    assert front.headline_colour.lower() not in {"#b3121f", "#c8102e", "#ff0000"}


def test_init_campaign_uses_the_neutral_front(tmp_path: Path) -> None:
    assert run("init", tmp_path / "new").exit_code == 0
    from postcards.campaign_file import load_campaign

    campaign = load_campaign(tmp_path / "new" / "campaign.toml")
    motif = load_design(campaign.design, campaign.root).front(CardSize("A6", 148, 105)).motif
    assert motif is not None and motif.read_bytes() == MOTIF.read_bytes()
    with Image.open(motif) as image:
        assert_no_flag(image)
