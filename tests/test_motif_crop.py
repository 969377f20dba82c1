"""A front shaped unlike its motif is cropped around the motif's subject, not its middle.

The DL card (220 x 110 mm) is long and thin: covering it with the bundled motif (2700 x
1950 px) crops 29 % of the motif's height.  Cropped about the middle, the meadow that is
the motif's subject went off the bottom of the card; cropped about the design's declared
``motif_focus``, it stays.  Read back from the PDF: where the image is drawn (the
transform in force at its ``Do``) against the page's boxes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run
from pdfcheck import walk_pages

from postcards.cards.design import load_design
from postcards.errors import TemplateError
from postcards.page.geometry import CardSize
from postcards.resources import bundled

MEADOW = (0.80, 0.97)  # rows of the motif, from its top, where the flowers are


def image_placement(pdf: Path, page: int = 0) -> tuple[float, ...]:
    """The transform the page's image is drawn with (x, y of its corner, width, height)."""
    found = []

    def visit(operator, operands, ctm, resources, stream) -> None:
        if operator == b"Do":
            target = resources["/XObject"][operands[0]].get_object()
            if target.get("/Subtype") == "/Image":
                found.append((ctm[4], ctm[5], ctm[0], ctm[3]))

    walk_pages(pdf, visit, [page])
    assert len(found) == 1
    return found[0]


def dl_front(campaign: Path) -> Path:
    out = campaign / "dl.pdf"
    result = run("-c", campaign / "campaign.toml", "cards", "--size", "DL", "-o", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    return out


def test_the_dl_front_keeps_the_meadow_on_the_card(campaign: Path) -> None:
    from pypdf import PdfReader

    pdf = dl_front(campaign)
    page = PdfReader(pdf).pages[0]
    left, bottom, right, top = (float(v) for v in page.trimbox)
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    x, y, w, h = image_placement(pdf)
    assert x <= 1e-6 and y <= 1e-6 and x + w >= width - 1e-6 and y + h >= height - 1e-6
    assert h - height > 0.25 * h  # DL crops a quarter of the motif's height or more
    for row in MEADOW:  # the flowers lie inside the trim
        assert bottom <= y + (1 - row) * h <= top, f"row {row} of the motif is cut off"
    fx, fy = load_design("solidarity").front(CardSize("DL", 220, 110)).focus
    focus_y = y + (1 - fy) * h
    # as near the middle as covering allows: centred, or the image's edge at the page's
    assert (
        focus_y == pytest.approx(height / 2, abs=0.01)
        or abs(y) < 1e-6
        or (abs(y + h - height) < 1e-6)
    )


def test_without_a_focus_the_motif_is_cropped_about_its_middle(campaign: Path) -> None:
    design = campaign / "plain-design"
    shutil.copytree(bundled("templates") / "solidarity", design)
    toml = design / "design.toml"
    toml.write_text(
        "\n".join(
            line for line in toml.read_text().splitlines() if not line.startswith("motif_focus")
        ),
        encoding="utf-8",
    )
    settings = campaign / "campaign.toml"
    settings.write_text(
        settings.read_text().replace("[cards]", '[cards]\ndesign = "plain-design"', 1)
        if "[cards]" in settings.read_text()
        else settings.read_text() + '\n[cards]\ndesign = "plain-design"\n',
        encoding="utf-8",
    )
    x, y, w, h = image_placement(dl_front(campaign))
    assert y + h / 2 == pytest.approx(float(110 + 2 * 3) / 2 * 72 / 25.4, abs=0.01)
    # ...which is what lost the meadow: its lowest flowers fall below the card
    assert y + (1 - MEADOW[1]) * h < 3 * 72 / 25.4


def test_a_focus_outside_the_motif_is_a_design_error(tmp_path: Path) -> None:
    design = tmp_path / "odd"
    shutil.copytree(bundled("templates") / "solidarity", design)
    toml = design / "design.toml"
    toml.write_text(toml.read_text().replace("[0.5, 0.66]", "[0.5, 1.4]"), encoding="utf-8")
    with pytest.raises(TemplateError, match="motif_focus"):
        load_design(str(design))
