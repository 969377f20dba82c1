"""Preflight: what a print shop would refuse, found by `check` before anything is printed."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, run


def test_a_card_outside_the_postal_limits_needs_not_a_postcard(campaign: Path) -> None:
    refused = run("-c", campaign, "check", "--size", "210x148mm")
    assert refused.exit_code == 1
    assert ("size: 210x148mm (210 × 148 mm) is not a postcard size: the postal limits are "
            "140–235 × 90–120 mm") in refused.stdout
    accepted = run("-c", campaign, "check", "--size", "210x148mm", "--not-a-postcard")
    assert accepted.exit_code == 0, accepted.stdout
    assert "size 210x148mm" in accepted.stdout


def test_a_card_that_does_not_fit_its_sheet_fails_with_the_sizes(campaign: Path) -> None:
    result = run("-c", campaign, "check", "--layout", "a4-2up", "--size", "DL")
    assert result.exit_code == 1
    assert ("layout: a4-2up: 2 cards of 220 × 110 mm (226 × 116 mm with bleed) do not fit on "
            "A4 (210 × 297 mm) with 10 mm margins and 14 mm gaps, either way round; choose a "
            "smaller card size or another layout") in result.stdout
    printed = run("-c", campaign, "cards", "--layout", "a4-2up", "--size", "DL",
                  "-o", campaign / "c.pdf")
    assert printed.exit_code == 1 and not (campaign / "c.pdf").exists()


def test_start_at_beyond_the_sheet_is_refused(campaign: Path) -> None:
    result = run("-c", campaign, "check", "--layout", "a4-2up", "--start-at", "3")
    assert result.exit_code == 1
    assert "start_at: --start-at 3: layout a4-2up has slots 1 to 2" in result.stdout


def own_design(campaign: Path, edit: dict[str, str] | None = None) -> Path:
    """A copy of the bundled design in the campaign, with design.toml lines replaced."""
    folder = campaign / "templates" / "mine"
    shutil.copytree(ROOT / "templates" / "solidarity", folder)
    toml = folder / "design.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in (edit or {}).items():
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text, encoding="utf-8")
    with open(campaign / "campaign.toml", "a", encoding="utf-8") as handle:
        handle.write('design = "mine"\n')  # the last table of the file is [cards]
    return folder


def test_a_low_resolution_photo_is_reported(campaign: Path) -> None:
    from PIL import Image

    folder = own_design(campaign)
    # 154 × 111 mm (A6 with bleed) at 72 dpi
    Image.new("RGB", (437, 315), "#c0c0c0").save(folder / "motif.jpg")
    result = run("-c", campaign, "check")
    assert result.exit_code == 0  # a warning: the card prints, but blurred
    assert ("motif.jpg: warning: rule 'image resolution': every card (Solidarity, A6): "
            "motif.jpg is 437 × 315 px printed at 154 × 111 mm, that is 72 dpi; print needs "
            "300 dpi: use an image of at least 1819 × 1311 px") in result.stdout


def test_text_in_the_bleed_and_a_crowded_address_zone_are_refused(campaign: Path) -> None:
    own_design(campaign, {"box = [6, 50, 64, 49]": "box = [1, 50, 69, 49]",
                          "box = [78, 6, 64, 60]": "box = [78, 6, 64, 75]"})
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert ("design: rule 'bleed': every card (Solidarity, A6): the message on the back "
            "reaches 1.0 mm from the trim; keep everything but the background 3 mm inside "
            "the card's edge (design.toml)") in lines
    assert ("design: rule 'address zone': every card (Solidarity, A6): the stamp overlaps "
            "the address; move one of them (design.toml)") in lines


def test_qr_modules_too_small_and_a_crowded_quiet_zone(campaign: Path) -> None:
    with open(campaign / "campaign.toml", "a", encoding="utf-8") as handle:
        handle.write('[qr]\nmodule_mm = 0.3\n')
    small = run("-c", campaign, "check")
    assert small.exit_code == 1
    assert ("campaign.toml: qr.module_mm: rule 'QR code': every card (Solidarity, A6): "
            "modules of 0.3 mm are too small to scan reliably; set [qr] module_mm to 0.4 or "
            "more") in small.stdout
    text = (campaign / "campaign.toml").read_text(encoding="utf-8")
    (campaign / "campaign.toml").write_text(text.replace(
        "module_mm = 0.3", 'content = "url"\n'
        'url = "https://solidarity.example.org/campaigns/postcards/c/{code}"'),
        encoding="utf-8")
    crowded = run("-c", campaign, "check")
    assert crowded.exit_code == 1
    problems = [line for line in crowded.stdout.splitlines() if "rule 'QR code'" in line]
    assert len(problems) == 2
    for problem, other in zip(problems, ("sender", "return address"), strict=True):
        assert problem.startswith("design: rule 'QR code': the card from Łukasz Wiśniewski "
                                  "to Иванов Сергей Петрович: ")
        assert problem.endswith(f"the QR code with its quiet zone overlaps the {other}; move "
                                "one of them (design.toml) (and 3 more cards like it)")


def test_the_bundled_design_passes_preflight_on_every_size(campaign: Path) -> None:
    for size in ("A6", "4x6in", "DL"):
        result = run("-c", campaign, "check", "--size", size, "--layout", "single")
        assert result.exit_code == 0, (size, result.stdout)
        assert "rule" not in result.stdout


def test_unembedded_fonts_are_found(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from postcards.preflight import font_problems

    Canvas(str(tmp_path / "h.pdf")).save()  # reportlab's default: Helvetica, not embedded
    (problem,) = font_problems(tmp_path / "h.pdf", "h.pdf")
    assert str(problem) == ("h.pdf: rule 'fonts embedded': the font Helvetica is not "
                            "embedded; a print shop would substitute another")
