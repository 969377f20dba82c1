"""The calibration sheet: readable rulers, crosses at every slot's centre and corners, and a
second sheet that carries a printer profile's correction."""

from __future__ import annotations

import math
import re
from pathlib import Path

from conftest import run

MM = 72 / 25.4  # points per mm
NUMBER = re.compile(r"^[24]$")  # the rulers number 2 and 4 mm


def crossings(page, length_mm: float) -> list[tuple[float, float]]:
    """Where a horizontal and a vertical line of a length cross (mm from bottom-left)."""
    height = float(page.height)
    flat = [
        line
        for line in page.lines
        if abs(line["top"] - line["bottom"]) < 0.01
        and abs((line["x1"] - line["x0"]) / MM - length_mm) < 0.01
    ]
    upright = [
        line
        for line in page.lines
        if abs(line["x0"] - line["x1"]) < 0.01
        and abs((line["bottom"] - line["top"]) / MM - length_mm) < 0.01
    ]
    found = []
    for h in flat:
        x, y = (h["x0"] + h["x1"]) / 2, h["top"]
        if any(
            abs(v["x0"] - x) < 0.01 and abs((v["top"] + v["bottom"]) / 2 - y) < 0.01
            for v in upright
        ):
            found.append((round(x / MM, 3), round((height - y) / MM, 3)))
    return sorted(found)


def calibrate(tmp_path: Path, *args: str, cwd: Path | None = None, toml: Path | None = None):
    """Write a4-2up long-edge calibration sheets (``args``: more options) and open them."""
    import pdfplumber

    out = tmp_path / "calib.pdf"
    first = ("-c", str(toml)) if toml else ()
    result = run(
        *first,
        "calibrate",
        "--layout",
        "a4-2up",
        "--duplex",
        "long-edge",
        *args,
        "-o",
        out,
        cwd=cwd or tmp_path,
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    document = pdfplumber.open(out)
    return result, document


def test_ruler_numbers_never_overlap(tmp_path: Path) -> None:
    _, document = calibrate(tmp_path)
    with document:
        every = document.pages[1].extract_words(x_tolerance=0.3, y_tolerance=0.3, return_chars=True)
    slots = [w for w in every if w["text"] == "slot"]
    words = [
        w
        for w in every
        if NUMBER.match(w["text"])  # not a slot's number, just right of its "slot"
        and not any(abs(w["top"] - s["top"]) < 1 and 0 < w["x0"] - s["x1"] < 5 for s in slots)
    ]
    assert len(words) == 10 * 8  # ten rulers, 2 and 4 on each half; merged ones overlap
    ink = [(w["text"], w["x0"], w["x1"], *_digits_ink(w)) for w in words]
    for i, (text, left, right, low, high) in enumerate(ink):
        for other, left2, right2, low2, high2 in ink[i + 1 :]:
            apart = right <= left2 or right2 <= left or high <= low2 or high2 <= low
            assert apart, f"{text} and {other} overlap at {left:.1f},{low:.1f}"


def _digits_ink(word: dict) -> tuple[float, float]:
    """Where digits put ink, bottom and top in PDF points: baseline to 0.72 em above."""
    char = word["chars"][0] if "chars" in word else word
    return char["matrix"][5], char["matrix"][5] + 0.72 * char["size"]


def test_numbers_and_ticks_read_through_300_g_card(tmp_path: Path) -> None:
    """Held to the light, thin lines and small type vanish: lines ≥ 0.5 pt, text ≥ 7 pt,
    and no number touches a tick (the glyphs' boxes, read back with pdfplumber)."""
    from pdfcheck import strokes

    _, document = calibrate(tmp_path)
    with document:
        for page in document.pages:
            assert page.chars and min(c["size"] for c in page.chars) >= 7 - 1e-6
        back = document.pages[1]
        digits = [c for c in back.chars if c["text"].isdigit()]
    for index in (0, 1):
        lines = strokes(tmp_path / "calib.pdf", index)
        assert lines and min(line.width for line in lines) >= 0.5
    for line in strokes(tmp_path / "calib.pdf", 1):
        left, right = sorted((line.x0, line.x1))
        low, high = sorted((line.y0, line.y1))
        for c in digits:
            bottom, top = _digits_ink(c)
            assert not (left < c["x1"] and right > c["x0"] and low < top and high > bottom), (
                f"the number {c['text']} touches a tick at {c['x0']:.1f},{c['top']:.1f}"
            )


def test_crosses_at_centre_and_four_corners_with_rulers_behind_each(tmp_path: Path) -> None:
    _, document = calibrate(tmp_path)
    with document:
        width = float(document.pages[0].width) / MM
        crosses = crossings(document.pages[0], 12)
        rulers = crossings(document.pages[1], 10)
    assert len(crosses) == 2 * 5  # two slots on a4-2up, five crosses each
    xs = sorted({x for x, _ in crosses})
    ys = sorted({y for _, y in crosses})
    assert len(xs) == 3 and len(ys) >= 4  # left, centre and right of a slot
    behind = sorted((round(width - x, 3), y) for x, y in crosses)
    assert len(rulers) == len(behind)
    for ruler, cross in zip(rulers, behind, strict=True):
        assert math.dist(ruler, cross) < 0.01, (ruler, cross)


def test_printer_profile_moves_the_backs_by_its_offset(campaign: Path, tmp_path: Path) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + "\n[printers.office]\nback_offset_mm = [1.5, -0.8]\n",
        encoding="utf-8",
    )
    (tmp_path / "a").mkdir()
    _, plain = calibrate(tmp_path / "a", toml=toml, cwd=campaign)
    with plain:
        before = crossings(plain.pages[1], 10)
        fronts = crossings(plain.pages[0], 12)
    (tmp_path / "b").mkdir()
    result, moved = calibrate(tmp_path / "b", "--printer", "office", toml=toml, cwd=campaign)
    with moved:
        after = crossings(moved.pages[1], 10)
        assert crossings(moved.pages[0], 12) == fronts  # the front stays put
    assert "[1.5, -0.8]" in result.stdout
    assert len(after) == len(before) == 10
    for (x0, y0), (x1, y1) in zip(before, after, strict=True):
        assert math.isclose(x1 - x0, 1.5, abs_tol=0.01) and math.isclose(
            y1 - y0, -0.8, abs_tol=0.01
        )


def test_unknown_printer_is_refused(campaign: Path, tmp_path: Path) -> None:
    result = run(
        "-c",
        campaign / "campaign.toml",
        "calibrate",
        "--printer",
        "nosuch",
        "-o",
        tmp_path / "c.pdf",
        cwd=campaign,
    )
    assert result.exit_code == 1
    assert "[printers.nosuch] back_offset_mm" in result.stdout + result.stderr
    assert not (tmp_path / "c.pdf").exists()
