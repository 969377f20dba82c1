"""Layouts: the sheets cards are printed on and how many go on each, by name."""

from __future__ import annotations

from dataclasses import dataclass

from postcards.errors import LayoutError, Problem
from postcards.page.geometry import SHEETS, SheetSize

DUPLEX_MODES = ("long-edge", "short-edge", "separate")


@dataclass(frozen=True)
class Layout:
    """A sheet and how cards are laid out on it.

    ``rows``/``columns`` of None mean "as many as fit".  ``gap_mm`` is the space between
    neighbouring cards' bleed edges, ``margin_mm`` the least space between the sheet's edge
    and a card's bleed edge.  ``bleed_mm`` of None takes the campaign's bleed; 0 lays cards
    edge to edge with shared cuts (perforated stock).
    """

    name: str
    sheet: SheetSize
    rows: int | None = None
    columns: int | None = None
    gap_mm: float = 0.0
    margin_mm: float = 0.0
    bleed_mm: float | None = None
    mark_mm: float = 5.0

    @property
    def single(self) -> bool:
        """True for one card a page, with no imposition."""
        return self.name == "single"


SINGLE = Layout("single", SheetSize("card", 0, 0), rows=1, columns=1)


#: The layouts offices and print shops ask for.  Gaps leave room for full-length crop
#: marks between the cards; SRA3 is tight, so its cards share their bleed edges and the
#: marks stand in the sheet's margin: 5 mm marks that keep 5 mm from the edge need 10 mm
#: outside the bleed, which 8 turned A6 leave only with a 1 mm bleed (300 × 428 mm).
LAYOUTS: dict[str, Layout] = {
    "single": SINGLE,
    "a4-2up": Layout("a4-2up", SHEETS["A4"], rows=2, columns=1, gap_mm=14, margin_mm=10),
    "a4-4up": Layout("a4-4up", SHEETS["A4"], rows=2, columns=2, bleed_mm=0, mark_mm=0),
    "letter-2up": Layout(
        "letter-2up", SHEETS["Letter"], rows=2, columns=1, gap_mm=14, margin_mm=10
    ),
    "sra3-8up": Layout("sra3-8up", SHEETS["SRA3"], rows=4, columns=2, margin_mm=10, bleed_mm=1),
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
