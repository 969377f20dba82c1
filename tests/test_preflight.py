"""Preflight: what a print shop would refuse, found by `check` before anything is printed."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, run


def test_a_card_outside_the_postal_limits_needs_not_a_postcard(campaign: Path) -> None:
    refused = run("-c", campaign, "check", "--size", "210x148mm")
    assert refused.exit_code == 1
    assert (
        "size: 210x148mm (210 × 148 mm) is not a postcard size: the postal limits are "
        "140–235 × 90–120 mm"
    ) in refused.stdout
    accepted = run("-c", campaign, "check", "--size", "210x148mm", "--not-a-postcard")
    assert accepted.exit_code == 0, accepted.stdout
    assert "size 210x148mm" in accepted.stdout


def test_a_card_that_does_not_fit_its_sheet_fails_with_the_sizes(campaign: Path) -> None:
    result = run("-c", campaign, "check", "--layout", "a4-2up", "--size", "DL")
    assert result.exit_code == 1
    assert (
        "layout: a4-2up: 2 cards of 220 × 110 mm (226 × 116 mm with bleed) do not fit on "
        "A4 (210 × 297 mm) with 10 mm margins and 14 mm gaps, either way round; choose a "
        "smaller card size or another layout"
    ) in result.stdout
    printed = run(
        "-c", campaign, "cards", "--layout", "a4-2up", "--size", "DL", "-o", campaign / "c.pdf"
    )
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
    assert (
        "motif.jpg: warning: rule 'image resolution': every card (Solidarity, A6): "
        "motif.jpg is 437 × 315 px printed at 154 × 111 mm, that is 72 dpi; print needs "
        "300 dpi: use an image of at least 1819 × 1311 px"
    ) in result.stdout


def test_text_in_the_bleed_and_a_crowded_address_zone_are_refused(campaign: Path) -> None:
    own_design(
        campaign,
        {
            "box = [6, 50, 64, 49]": "box = [1, 50, 69, 49]",
            "box = [78, 6, 64, 60]": "box = [78, 6, 64, 75]",
        },
    )
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "design: rule 'bleed': every card (Solidarity, A6): the message on the back "
        "reaches 1.0 mm from the trim; keep everything but the background 3 mm inside "
        "the card's edge (design.toml)"
    ) in lines
    assert (
        "design: rule 'address zone': every card (Solidarity, A6): the stamp overlaps "
        "the address; move one of them (design.toml)"
    ) in lines


def test_qr_modules_too_small_and_a_crowded_quiet_zone(campaign: Path) -> None:
    with open(campaign / "campaign.toml", "a", encoding="utf-8") as handle:
        handle.write("[qr]\nmodule_mm = 0.3\n")
    small = run("-c", campaign, "check")
    assert small.exit_code == 1
    assert (
        "campaign.toml: qr.module_mm: rule 'QR code': every card (Solidarity, A6): "
        "modules of 0.3 mm are too small to scan reliably; set [qr] module_mm to 0.4 or "
        "more"
    ) in small.stdout
    text = (campaign / "campaign.toml").read_text(encoding="utf-8")
    (campaign / "campaign.toml").write_text(
        text.replace(
            "module_mm = 0.3",
            'content = "url"\nurl = "https://solidarity.example.org/campaigns/postcards/c/{code}"',
        ),
        encoding="utf-8",
    )
    crowded = run("-c", campaign, "check")
    assert crowded.exit_code == 1
    problems = [line for line in crowded.stdout.splitlines() if "rule 'QR code'" in line]
    assert len(problems) == 2
    for problem, other in zip(problems, ("sender", "return address"), strict=True):
        assert problem.startswith(
            "design: rule 'QR code': the card from Łukasz Wiśniewski to Иванов Сергей Петрович: "
        )
        assert problem.endswith(
            f"the QR code with its quiet zone overlaps the {other}; move "
            "one of them (design.toml) (and 3 more cards like it)"
        )


def test_the_bundled_design_passes_preflight_on_every_size(campaign: Path) -> None:
    for size in ("A6", "4x6in", "DL"):
        result = run("-c", campaign, "check", "--size", size, "--layout", "single")
        assert result.exit_code == 0, (size, result.stdout)
        assert "rule" not in result.stdout


def test_unembedded_fonts_are_found(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from postcards.printing.shop_checks import font_problems

    Canvas(str(tmp_path / "h.pdf")).save()  # reportlab's default: Helvetica, not embedded
    (problem,) = font_problems(tmp_path / "h.pdf", "h.pdf")
    assert str(problem) == (
        "h.pdf: rule 'fonts embedded': the font Helvetica is not "
        "embedded; a print shop would substitute another"
    )


def lines_problems(campaign: Path, edit: dict[str, str]) -> list[str]:
    own_design(campaign, edit)
    result = run("-c", campaign, "check")
    assert result.exit_code == 1, result.stdout
    return [line for line in result.stdout.splitlines() if "rule 'lines'" in line]


FIRST_CARD = "the card from Łukasz Wiśniewski to Иванов Сергей Петрович"


def test_a_line_moved_into_a_text_box_is_refused_for_every_card(campaign: Path) -> None:
    # the message is short: the line crosses its box, not its text
    assert lines_problems(campaign, {"y = 45": "y = 52"}) == [
        "design: rule 'lines': every card (Solidarity, A6): the personal line crosses the "
        "message; move one of them (design.toml)"
    ]


def test_text_that_runs_onto_a_line_names_the_card(campaign: Path) -> None:
    assert lines_problems(campaign, {"y = 45": "y = 95"}) == [
        "design: rule 'lines': every card (Solidarity, A6): the personal line crosses the "
        "message; move one of them (design.toml)",
        f"design: rule 'lines': {FIRST_CARD}: the message runs onto the personal line; "
        "shorten the text or move the line (design.toml) (and 3 more cards like it)",
    ]


def test_the_divider_over_the_qr_code_and_the_stamp_box(campaign: Path) -> None:
    problems = lines_problems(campaign, {"divider_x = 74": "divider_x = 60"})
    assert (
        f"design: rule 'lines': {FIRST_CARD}: the divider crosses the QR code with its "
        "quiet zone; move one of them (design.toml) (and 3 more cards like it)"
    ) in problems
    assert (
        f"design: rule 'lines': {FIRST_CARD}: the printed code runs onto the divider; "
        "shorten the text or move the line (design.toml) (and 3 more cards like it)"
    ) in problems


def test_the_divider_over_the_stamp_box(campaign: Path) -> None:
    stamp = lines_problems(campaign, {"divider_x = 74": "divider_x = 125"})
    assert (
        "design: rule 'lines': every card (Solidarity, A6): the divider crosses the "
        "stamp; move one of them (design.toml)"
    ) in stamp


def test_the_signature_line_over_the_return_address(campaign: Path) -> None:
    problems = lines_problems(campaign, {"box = [6, 34.5, 44, 9]": "box = [6, 16, 44, 9]"})
    assert problems == [
        "design: rule 'lines': every card (Solidarity, A6): the signature line crosses the "
        "return address; move one of them (design.toml)",
        f"design: rule 'lines': {FIRST_CARD}: the return address runs onto the signature "
        "line; shorten the text or move the line (design.toml) (and 3 more cards like it)",
    ]


def test_the_bundled_design_has_its_lines_clear_on_5x7in(campaign: Path) -> None:
    result = run(
        "-c", campaign, "check", "--size", "5x7in", "--not-a-postcard", "--layout", "single"
    )
    assert result.exit_code == 0, result.stdout
    assert "rule" not in result.stdout


def test_the_renderer_draws_the_lines_preflight_checks(campaign: Path) -> None:
    """The back's grey lines, read back from the PDF, are the design's rules."""
    import pdfplumber

    from postcards.cards.design import load_design
    from postcards.page.geometry import CardSize

    result = run("-c", campaign, "cards", "-o", campaign / "c.pdf")
    assert result.exit_code == 0, result.stderr
    mm = 72 / 25.4
    with pdfplumber.open(campaign / "c.pdf") as pdf:
        page = pdf.pages[1]
        drawn = sorted(
            (
                round(o["x0"] / mm - 3, 2),
                round((page.height - o["bottom"]) / mm - 3, 2),
                round(o["x1"] / mm - 3, 2),
                round((page.height - o["top"]) / mm - 3, 2),
            )
            for o in page.lines
        )
    rules = load_design("solidarity").back(CardSize("A6", 148, 105)).rules
    assert (
        sorted((round(r.x0, 2), round(r.y0, 2), round(r.x1, 2), round(r.y1, 2)) for r in rules)
        == drawn
    )
