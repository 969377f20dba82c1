"""The writer against its reference renderings, drawn by two renderers (pdfium, poppler).

Pixels are counted, not averaged: a page may differ from its reference by a few edge
pixels (see ``references.BUDGET``), and one changed digit must fail.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pdfcheck import RENDERERS, TOLERANCE, differing_pixels, render
from references import BUDGET, CASES, pdfs, reference, sample_plans, write_card

from postcards.cards.plans import CardPlan


@pytest.fixture(scope="module")
def samples():
    return sample_plans()


@pytest.fixture(scope="module")
def made(samples, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    renderer, plans = samples
    return pdfs(renderer, plans, tmp_path_factory.mktemp("references"))


def _reference_image(case, renderer: str):
    from PIL import Image

    path = reference(case, renderer)
    assert path.is_file(), f"{path} is missing; see tests/data/reference/README.md"
    with Image.open(path) as image:
        return image.convert("RGB")


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_pages_look_as_their_reference(made: dict[str, Path], case, renderer: str) -> None:
    ours = render(made[case.make], case.page, case.dpi, renderer)
    moved = differing_pixels(ours, _reference_image(case, renderer))
    assert moved <= BUDGET, (
        f"{case.name} ({renderer}): {moved} pixels differ by more than {TOLERANCE}/255; if the "
        "change is meant, regenerate as tests/data/reference/README.md says and look"
    )


def _prison_number(plan: CardPlan, old: str, new: str) -> CardPlan:
    """The plan with ``old`` replaced by ``new`` in the address, as it was fitted."""
    address = plan.address
    assert address is not None
    lines = tuple((line.replace(old, new), style) for line, style in address.text.lines)
    assert lines != address.text.lines, f"{old!r} is not in the address"
    text = dataclasses.replace(address.text, lines=lines)
    return dataclasses.replace(plan, address=dataclasses.replace(address, text=text))


@pytest.mark.parametrize("renderer", RENDERERS)
def test_one_changed_prison_number_fails_the_comparison(
    samples, tmp_path: Path, renderer: str
) -> None:
    """ИК № 9 -> ИК № 8: the mean difference hardly moves; the pixels beyond it do."""
    from PIL import ImageChops, ImageStat
    from references import first_russian

    card_back = next(case for case in CASES if case.name == "card-back")
    renderer_, plans = samples
    changed = _prison_number(first_russian(plans), "ИК № 9", "ИК № 8")
    pdf = write_card(renderer_, changed, tmp_path / "card.pdf")
    ours = render(pdf, card_back.page, card_back.dpi, renderer)
    before = _reference_image(card_back, renderer)
    mean = sum(ImageStat.Stat(ImageChops.difference(ours, before)).mean) / 3
    assert mean < 0.05, "the mean-difference test this replaces would have passed it"
    assert differing_pixels(ours, before) > 2 * BUDGET
