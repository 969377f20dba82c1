"""Preflight: the checks a print shop runs before it accepts a file, run by us first.

Rules, each named in its message so a failure says which card broke which rule:

- ``postcard size``: the Universal Postal Union's limits (see :mod:`postcards.page.geometry`);
- ``fonts embedded``: every font in the PDF carries its font file;
- ``image resolution``: images print at 300 dpi or more at their printed size;
- ``bleed``: nothing but background within 3 mm of the trim (text, codes and rules stay
  inside the safe area; only the motif runs into the bleed);
- ``address zone`` / ``stamp zone``: nothing else in the recipient's address or the stamp
  box, where the post's machines and clerks look;
- ``QR code``: modules of at least 0.4 mm and a clear 4-module quiet zone;
- ``lines``: no line of the back (divider, the dotted line for a handwritten word, the
  signature line) crosses a text box, the QR code with its quiet zone or the stamp box,
  and no card's fitted text (where its glyphs really go) runs onto one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from postcards.cards.design import Design, Rule
from postcards.cards.plans import CardPlan, PlacedText
from postcards.codes import PLACEHOLDER_CODE, format_code
from postcards.config import Settings
from postcards.errors import Problem, display_name
from postcards.page.geometry import Box, CardSize, Page

SAFE_MARGIN_MM = 3.0
MIN_DPI = 300
MIN_QR_MODULE_MM = 0.4
MM_PER_INCH = 25.4
#: A glyph's depth below its baseline, as a fraction of the font size (PT Sans, DejaVu).
_DESCENT = 0.25
#: The first baseline below the top of a text box, as the renderer sets it.
_ASCENT = 0.93


@dataclass(frozen=True)
class Zone:
    """A named area of a card face that must not collide with others."""

    name: str
    box: Box


def design_problems(
    design: Design, size: CardSize, campaign: Settings, bleed_mm: float
) -> list[Problem]:
    """What is wrong for every card of this design and size (found once, not per card)."""
    where = f"every card ({design.name}, {size.name})"
    zones = back_zones(design, size)
    front = design.front(size)
    problems = _outside_safe_area([Zone("headline", front.headline.box)], size, where, "front")
    problems += _outside_safe_area(zones, size, where, "back")
    problems += _collisions(zones, where)
    problems += _rules_crossing(design.back(size).rules, zones, where)
    if campaign.qr_placement == "card" and campaign.qr_module_mm < MIN_QR_MODULE_MM:
        problems.append(
            Problem(
                f"rule 'QR code': {where}: modules of {campaign.qr_module_mm:g} mm are too "
                f"small to scan reliably; set [qr] module_mm to {MIN_QR_MODULE_MM:g} or more",
                file="campaign.toml",
                column="qr.module_mm",
            )
        )
    if front.motif is not None:
        problems += image_resolution(
            front.motif,
            Page(size, bleed_mm).width_mm,
            Page(size, bleed_mm).height_mm,
            where,
            cover=True,
        )
    return problems


def card_problems(plan: CardPlan, design: Design, size: CardSize) -> list[Problem]:
    """What only this card can get wrong: its QR code, whose size follows its payload."""
    where = f"the card from {plan.sender.name} to {plan.prisoner.name}"
    if plan.code != PLACEHOLDER_CODE:
        where += f" ({format_code(plan.code)})"
    problems = [
        Problem(
            f"rule 'lines': {where}: the {block} runs onto the {rule}; shorten "
            "the text or move the line (design.toml)",
            column="design",
        )
        for block, rule in text_on_rules(plan, design, size)
    ]
    if plan.qr is None:
        return problems
    qr = Zone(
        "QR code with its quiet zone",
        Box(plan.qr.x_mm, plan.qr.y_mm, plan.qr.size_mm, plan.qr.size_mm),
    )
    problems += _outside_safe_area([qr], size, where, "back")
    problems += [
        _collision(qr, other, where, "QR code")
        for other in back_zones(design, size)
        if _overlap(qr.box, other.box)
    ]
    problems += _rules_crossing(design.back(size).rules, [qr], where)
    return problems


def text_on_rules(plan: CardPlan, design: Design, size: CardSize) -> list[tuple[str, str]]:
    """(text, line) pairs where a card's fitted text reaches a line of the back.

    The fitted text is measured as drawn: its widest line from the box's left edge, from
    the box's top to the last baseline's descenders, which may reach past its box.
    """
    blocks = (
        ("message", plan.message),
        ("sender", plan.sender_block),
        ("return address", plan.return_block),
        ("address", plan.address),
        ("printed code", plan.code_label),
    )
    rules = design.back(size).rules
    return [
        (name, rule.name)
        for name, block in blocks
        if block is not None
        for rule in rules
        if _crosses(rule, text_extent(block, design))
    ]


def text_extent(block: PlacedText, design: Design) -> Box:
    """Where a fitted block's glyphs really go, in trim mm (see render._draw_block)."""
    fitted, box = block.text, block.box
    if not fitted.lines:
        return Box(box.x_mm, box.top_mm, 0, 0)
    widest = max(design.fonts.width(line, style, fitted.size) for line, style in fitted.lines)
    depth = (
        fitted.size * _ASCENT + (len(fitted.lines) - 1) * fitted.leading + fitted.size * _DESCENT
    )
    return Box(
        box.x_mm,
        box.top_mm - depth * MM_PER_INCH / 72,
        widest * MM_PER_INCH / 72,
        depth * MM_PER_INCH / 72,
    )


def _rules_crossing(rules: tuple[Rule, ...], zones: list[Zone], where: str) -> list[Problem]:
    return [
        Problem(
            f"rule 'lines': {where}: the {rule.name} crosses the {zone.name}; move "
            "one of them (design.toml)",
            column="design",
        )
        for rule in rules
        for zone in zones
        if _crosses(rule, zone.box)
    ]


def _crosses(rule: Rule, box: Box) -> bool:
    """Whether a line runs into a box.

    Along its edge is allowed: the signature line is the foot of the signature box.
    """
    eps = 1e-6
    lo_x, hi_x = sorted((rule.x0, rule.x1))
    lo_y, hi_y = sorted((rule.y0, rule.y1))
    return (
        lo_x < box.right_mm - eps
        and hi_x > box.x_mm + eps
        and lo_y < box.top_mm - eps
        and hi_y > box.y_mm + eps
    )


def back_zones(design: Design, size: CardSize) -> list[Zone]:
    """The boxes of a card's back, scaled to its size."""
    back = design.back(size)
    return [
        Zone("message", back.message.box),
        Zone("signature", back.signature),
        Zone("sender", back.sender.box),
        Zone("return address", back.return_address.box),
        Zone("address", back.address.box),
        Zone("stamp", back.stamp),
    ]


def image_resolution(
    path: Path, width_mm: float, height_mm: float, where: str, cover: bool = False
) -> list[Problem]:
    """An image printed at ``width_mm`` × ``height_mm`` (covering it, or fitted inside)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            pixels = image.size
    except (OSError, UnidentifiedImageError) as exc:
        return [Problem(f"cannot read the image: {exc}", file=display_name(path))]
    per_mm = (max if cover else min)(width_mm / pixels[0], height_mm / pixels[1])
    dpi = MM_PER_INCH / per_mm
    if dpi >= MIN_DPI - 0.5:
        return []
    printed_w, printed_h = pixels[0] * per_mm, pixels[1] * per_mm
    need = [round(v * MIN_DPI / dpi) for v in pixels]
    return [
        Problem(
            f"rule 'image resolution': {where}: {path.name} is {pixels[0]} × {pixels[1]} px "
            f"printed at {printed_w:.0f} × {printed_h:.0f} mm, that is {dpi:.0f} dpi; print "
            f"needs {MIN_DPI} dpi: use an image of at least {need[0]} × {need[1]} px",
            file=display_name(path),
            warning=True,
        )
    ]


def unembedded_fonts(pdf: Path) -> list[str]:
    """Fonts a PDF names without carrying their file (a print shop would substitute them).

    reportlab writes font dictionaries uncompressed, so a scan of the bytes finds them.
    """
    data = pdf.read_bytes()
    used = set(re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", data))
    embedded = set(
        re.findall(rb"/FontFile[23]?\s+\d+\s+\d+\s+R\s+/FontName\s*/([^\s/<>\[\]]+)", data)
    )
    embedded |= set(re.findall(rb"/FontName\s*/([^\s/<>\[\]]+)[^>]*?/FontFile", data))
    return sorted(name.decode("latin-1") for name in used - embedded)


def font_problems(pdf: Path, name: str) -> list[Problem]:
    """The rule 'fonts embedded' for a PDF of a print run (``name``: its final name)."""
    return [
        Problem(
            f"rule 'fonts embedded': the font {font} is not embedded; a print shop "
            "would substitute another",
            file=name,
        )
        for font in unembedded_fonts(pdf)
    ]


def _outside_safe_area(zones: list[Zone], size: CardSize, where: str, side: str) -> list[Problem]:
    safe = Box(
        SAFE_MARGIN_MM,
        SAFE_MARGIN_MM,
        size.width_mm - 2 * SAFE_MARGIN_MM,
        size.height_mm - 2 * SAFE_MARGIN_MM,
    )
    return [
        Problem(
            f"rule 'bleed': {where}: the {zone.name} on the {side} reaches "
            f"{_distance_to_edge(zone.box, size):.1f} mm from the trim; keep everything but "
            f"the background {SAFE_MARGIN_MM:g} mm inside the card's edge (design.toml)",
            column="design",
        )
        for zone in zones
        if not _inside(zone.box, safe)
    ]


def _collisions(zones: list[Zone], where: str) -> list[Problem]:
    problems = []
    for kept in ("address", "stamp"):
        zone = next(z for z in zones if z.name == kept)
        problems += [
            _collision(other, zone, where, f"{kept} zone")
            for other in zones
            if other is not zone
            and _overlap(zone.box, other.box)
            and not (kept == "stamp" and other.name == "address")
        ]
    return problems


def _collision(zone: Zone, other: Zone, where: str, rule: str) -> Problem:
    return Problem(
        f"rule '{rule}': {where}: the {zone.name} overlaps the {other.name}; "
        "move one of them (design.toml)",
        column="design",
    )


def _overlap(a: Box, b: Box) -> bool:
    return a.x_mm < b.right_mm and b.x_mm < a.right_mm and a.y_mm < b.top_mm and b.y_mm < a.top_mm


def _inside(box: Box, area: Box) -> bool:
    eps = 1e-6
    return (
        box.x_mm >= area.x_mm - eps
        and box.y_mm >= area.y_mm - eps
        and box.right_mm <= area.right_mm + eps
        and box.top_mm <= area.top_mm + eps
    )


def _distance_to_edge(box: Box, size: CardSize) -> float:
    return min(box.x_mm, box.y_mm, size.width_mm - box.right_mm, size.height_mm - box.top_mm)
