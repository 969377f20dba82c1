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

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from postcards.cards.design import Design, Rule
from postcards.cards.plans import CardPlan, PlacedText
from postcards.codes import PLACEHOLDER_CODE, format_code
from postcards.errors import Problem
from postcards.page.fonts import ASCENT, DESCENT
from postcards.page.geometry import Box, CardSize, Page
from postcards.page.text import FittedText
from postcards.printing.shop_checks import MM_PER_INCH, image_resolution
from postcards.wording import counted

SAFE_MARGIN_MM = 3.0
#: How much wider than its box a fitted line may measure, at most (float rounding); the
#: quick test of a block's reach widens it by this much every way.
_WIDTH_SLACK_MM = 1e-3
MIN_QR_MODULE_MM = 0.4


@dataclass(frozen=True)
class Zone:
    """A named area of a card face that must not collide with others."""

    name: str
    box: Box


def design_problems(
    design: Design, size: CardSize, bleed_mm: float, qr_module_mm: float | None
) -> list[Problem]:
    """What is wrong for every card of this design and size (found once, not per card).

    ``qr_module_mm``: the printed size of a module of the card's QR code (``[qr]
    module_mm``); None when the codes go on signing sheets, not on the cards.
    """
    where = f"every card ({design.name}, {size.name})"
    zones = back_zones(design, size)
    front = design.front(size)
    problems = _outside_safe_area([Zone("headline", front.headline.box)], size, where, "front")
    problems += _outside_safe_area(zones, size, where, "back")
    problems += _collisions(zones, where)
    problems += _rules_crossing(design.back(size).rules, zones, where)
    if qr_module_mm is not None and qr_module_mm < MIN_QR_MODULE_MM:
        problems.append(
            Problem(
                f"rule 'QR code': {where}: modules of {qr_module_mm:g} mm are too "
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


@dataclass
class PreflightTally:
    """What the preflight found on some cards, to be joined with the rest of the run's.

    Each kind of card's problems with how many more cards were like it, and the
    signatures the cards carry.
    """

    found: dict[object, list] = field(default_factory=dict)  # key -> [problems, cards like it]
    signatures: set[Path] = field(default_factory=set)


class CardPreflight:
    """Per-card preflight over a print run, a card at a time (nothing kept per card).

    Only what can differ between cards is checked per card: the QR code's size and
    where each fitted text reaches.  Cards alike (same QR size, same text on the same
    lines) are checked once, the first named with a count of the others; a block placed
    for many cards (the template's message, the return address, a sender's block) is
    measured once.
    """

    _KEPT = 1024  # blocks remembered; bounded, so memory stays flat

    def __init__(self, design: Design, size: CardSize):
        self.design, self.size = design, size
        self.rules = design.back(size).rules
        self._tally = PreflightTally()
        self._blocks: dict[int, tuple[object, Box, tuple[str, ...]]] = {}
        eps = 1e-6  # as _crosses: a line along a box's edge does not cross it
        self._reach = [
            (
                min(r.x0, r.x1) + eps,
                max(r.x0, r.x1) - eps,
                min(r.y0, r.y1) + eps,
                max(r.y0, r.y1) - eps,
            )
            for r in self.rules
        ]

    def add(self, plan: CardPlan) -> None:
        """Check one card."""
        key = (plan.qr.matrix.modules if plan.qr else None, self._text_on_rules(plan))
        found = self._tally.found.get(key)
        if found is None:
            self._tally.found[key] = [card_problems(plan, self.design, self.size), 0]
        else:
            found[1] += 1
        if plan.signature:
            self._tally.signatures.add(plan.signature)

    def take(self) -> PreflightTally:
        """What was found so far, handed over and forgotten: a chunk's, for the run to join."""
        tally, self._tally = self._tally, PreflightTally()
        return tally

    def merge(self, later: PreflightTally) -> None:
        """Join what :meth:`take` handed over from a later part of the run."""
        found = self._tally.found
        for key, (problems, more) in later.found.items():
            if key in found:
                found[key][1] += 1 + more  # its first card is one more like the earlier
            else:
                found[key] = [problems, more]
        self._tally.signatures |= later.signatures

    def problems(self) -> list[Problem]:
        """Every card's problems (and the signatures' resolution), in the cards' order."""
        problems = [
            _and_more(problem, more)
            for found, more in self._tally.found.values()
            for problem in found
        ]
        signature = self.design.back(self.size).signature
        for path in sorted(self._tally.signatures):
            problems += image_resolution(path, signature.width_mm, signature.height_mm, "signature")
        return problems

    def _text_on_rules(self, plan: CardPlan) -> tuple[tuple[str, str], ...]:
        found: list[tuple[str, str]] = []
        for name, block in _blocks(plan):
            if block is not None and (crossed := self._crossed(block)):
                found += [(name, rule) for rule in crossed]
        return tuple(found)

    def _crossed(self, block: PlacedText) -> tuple[str, ...]:
        """The lines a block's text reaches, measured once per fitted text and box.

        The result is kept with the text itself, so an id is never mistaken.
        """
        known = self._blocks.get(id(block.text))
        box = block.box
        if known is not None and known[0] is block.text and (known[1] is box or known[1] == box):
            return known[2]  # mostly the very box: no comparison field by field
        crossed: tuple[str, ...] = ()
        if not block.text.lines or self._may_cross(block):
            extent = text_extent(block, self.design)
            crossed = tuple(rule.name for rule in self.rules if _crosses(rule, extent))
        if len(self._blocks) >= self._KEPT:
            self._blocks.clear()
        self._blocks[id(block.text)] = (block.text, block.box, crossed)
        return crossed

    def _may_cross(self, block: PlacedText) -> bool:
        """Whether a line would reach the block's text if every line were as wide as its box.

        Fitting keeps lines narrower: when none reaches the box, none reaches the text,
        and measuring each line is saved.
        """
        fitted, box = block.text, block.box
        left, top = box.x_mm, box.y_mm + box.height_mm + _WIDTH_SLACK_MM
        bottom = top - _WIDTH_SLACK_MM - _depth(fitted) * MM_PER_INCH / 72 - _WIDTH_SLACK_MM
        right = left + box.width_mm + _WIDTH_SLACK_MM
        for lo_x, hi_x, lo_y, hi_y in self._reach:
            if lo_x < right and hi_x > left and lo_y < top and hi_y > bottom:
                return True
        return False


def _and_more(problem: Problem, more: int) -> Problem:
    if not more:
        return problem
    return dataclasses.replace(
        problem, message=f"{problem.message} (and {counted(more, 'more card')} like it)"
    )


def _blocks(plan: CardPlan) -> tuple[tuple[str, PlacedText | None], ...]:
    """A card's text blocks as preflight names them."""
    return (
        ("message", plan.message),
        ("sender", plan.sender_block),
        ("return address", plan.return_block),
        ("address", plan.address),
        ("printed code", plan.code_label),
    )


def text_on_rules(plan: CardPlan, design: Design, size: CardSize) -> list[tuple[str, str]]:
    """(text, line) pairs where a card's fitted text reaches a line of the back.

    The fitted text is measured as drawn: its widest line from the box's left edge, from
    the box's top to the last baseline's descenders, which may reach past its box.
    """
    rules = design.back(size).rules
    found = []
    for name, block in _blocks(plan):
        if block is not None:
            extent = text_extent(block, design)  # once a block, not once a rule
            found += [(name, rule.name) for rule in rules if _crosses(rule, extent)]
    return found


def text_extent(block: PlacedText, design: Design) -> Box:
    """Where a fitted block's glyphs really go, in trim mm (see render._draw_block)."""
    fitted, box = block.text, block.box
    if not fitted.lines:
        return Box(box.x_mm, box.top_mm, 0, 0)
    widest = max(design.fonts.width(line, style, fitted.size) for line, style in fitted.lines)
    depth = _depth(fitted)
    return Box(
        box.x_mm,
        box.top_mm - depth * MM_PER_INCH / 72,
        widest * MM_PER_INCH / 72,
        depth * MM_PER_INCH / 72,
    )


def _depth(fitted: FittedText) -> float:
    """From the top of the box to the last baseline's descenders, in points."""
    return fitted.size * ASCENT + (len(fitted.lines) - 1) * fitted.leading + fitted.size * DESCENT


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
