"""Layouts: the sheets cards are printed on and how many go on each, by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from postcards.errors import LayoutError, Problem
from postcards.page.geometry import SHEETS, SheetSize

DUPLEX_MODES = ("long-edge", "short-edge", "separate")


@dataclass(frozen=True)
class Layout:
    """A sheet and how cards are laid out on it.

    ``rows``/``columns`` of None mean "as many as fit".  ``gap_mm`` is the space between
    neighbouring cards' bleed edges, ``margin_mm`` the least space between the sheet's edge
    and a card's bleed edge.  ``bleed_mm`` of None takes the campaign's bleed; 0 lays cards
    edge to edge with shared cuts (perforated stock).  ``shared_cuts`` butts the cards at
    their trims, one cut between neighbours, with the bleed only around the whole grid (the
    bleed between two cards would print over the other card, so it is clipped away).
    """

    name: str
    sheet: SheetSize
    rows: int | None = None
    columns: int | None = None
    gap_mm: float = 0.0
    margin_mm: float = 0.0
    bleed_mm: float | None = None
    mark_mm: float = 5.0
    shared_cuts: bool = field(default=False, kw_only=True)

    @property
    def single(self) -> bool:
        """True for one card a page, with no imposition."""
        return self.name == "single"


SINGLE = Layout("single", SheetSize("card", 0, 0), rows=1, columns=1)


#: The layouts offices and print shops ask for.  Gaps leave room for full-length crop
#: marks between the cards.  SRA3 is tight: 8 A6 with 3 mm bleed on every side of every
#: card take 308 x 444 mm of the 320 x 450 mm sheet, leaving no room for any mark that keeps
#: 5 mm from the edge.  So its cards share their cuts (296 x 420 mm of trims, 302 x 426 mm
#: with the 3 mm bleed around them) and its marks are 4 mm: 3 + 4 + 5 mm fill the 12 mm
#: beside the cards.
LAYOUTS: dict[str, Layout] = {
    "single": SINGLE,
    "a4-2up": Layout("a4-2up", SHEETS["A4"], rows=2, columns=1, gap_mm=14, margin_mm=10),
    "a4-4up": Layout("a4-4up", SHEETS["A4"], rows=2, columns=2, bleed_mm=0, mark_mm=0),
    "letter-2up": Layout(
        "letter-2up", SHEETS["Letter"], rows=2, columns=1, gap_mm=14, margin_mm=10
    ),
    "sra3-8up": Layout(
        "sra3-8up", SHEETS["SRA3"], rows=4, columns=2, margin_mm=9, mark_mm=4, shared_cuts=True
    ),
}


def find_layout(name: str, custom: dict[str, Layout] | None = None) -> Layout:
    """A named layout: a preset, or one defined in campaign.toml under ``[layouts.NAME]``.

    Raises:
        LayoutError: naming every layout there is.
    """
    known = {**LAYOUTS, **(custom or {})}
    if name in known:
        return known[name]
    raise LayoutError(
        Problem(f"unknown layout {name!r}; use one of {', '.join(known)}", column="layout")
    )
