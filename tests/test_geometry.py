"""Card sizes: presets, custom sizes, postal limits; pages sized with bleed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run

from postcards.errors import LayoutError
from postcards.page.geometry import parse_size


@pytest.mark.parametrize(
    ("text", "size", "postcard"),
    [
        ("A6", (148, 105), True),
        ("a6", (148, 105), True),
        ("4x6in", (152.4, 101.6), True),
        ("5x7in", (177.8, 127), False),
        ("DL", (220, 110), True),
        ("200x110mm", (200, 110), True),
        ("110 x 200 mm", (200, 110), True),
        ("210x148mm", (210, 148), False),
        ("130x90mm", (130, 90), False),
        ("150x118mm", (150, 118), False),  # long side under 1.4 × the short one
    ],
)
def test_sizes_and_postal_limits(text: str, size: tuple, postcard: bool) -> None:
    card = parse_size(text)
    assert (card.width_mm, card.height_mm) == pytest.approx(size)
    assert (card.postcard_problem() is None) == postcard


def test_unknown_size_names_the_choices() -> None:
    with pytest.raises(LayoutError) as caught:
        parse_size("B7")
    assert str(caught.value) == (
        "size: unknown card size 'B7': use A6, 4x6in, 5x7in, DL or WIDTHxHEIGHTmm"
    )


@pytest.mark.parametrize(
    ("size", "trim"), [("DL", (220, 110)), ("4x6in", (152.4, 101.6)), ("200x110mm", (200, 110))]
)
def test_cards_in_other_sizes_have_those_pages(campaign: Path, size: str, trim: tuple) -> None:
    from conftest import decode_qr, read_manifest
    from pypdf import PdfReader

    out = campaign / f"{size}.pdf"
    result = run("-c", campaign, "cards", "--size", size, "-o", out)
    assert result.exit_code == 0, result.stderr
    mm = 72 / 25.4
    page = PdfReader(out).pages[1]
    assert float(page.trimbox.width) == pytest.approx(trim[0] * mm, abs=0.01)
    assert float(page.trimbox.height) == pytest.approx(trim[1] * mm, abs=0.01)
    assert float(page.mediabox.width) == pytest.approx((trim[0] + 6) * mm, abs=0.01)
    card = read_manifest(out.with_suffix(".manifest.csv"))[0]
    assert decode_qr(out, 1) == [card["code"]]
