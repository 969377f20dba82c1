"""Card sizes, boxes and bleed, all in millimetres.

Geometry is a value object: sizes are checked when they are made, so a card that is not a
postcard fails before anything is drawn.  Conversion to PDF points happens only at the
render edge (:func:`pt`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import LayoutError, Problem

POINTS_PER_MM = 72 / 25.4

#: The Universal Postal Union's postcard limits (mm) and the tolerance it allows.
UPU_MIN_MM = (140.0, 90.0)
UPU_MAX_MM = (235.0, 120.0)
UPU_TOLERANCE_MM = 2.0
UPU_MIN_RATIO = 1.4


def pt(mm: float) -> float:
    """Millimetres to PDF points: the one place where units change."""
    return mm * POINTS_PER_MM


@dataclass(frozen=True)
class Box:
    """A rectangle in mm, origin at the bottom-left corner of the card's trim."""

    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float

    def __post_init__(self) -> None:
        if self.width_mm <= 0 or self.height_mm <= 0:
            raise LayoutError(f"a box must have a positive size, not {self}")

    @property
    def top_mm(self) -> float:
        return self.y_mm + self.height_mm

    @property
    def right_mm(self) -> float:
        return self.x_mm + self.width_mm

    def scaled(self, sx: float, sy: float) -> Box:
        """The same box on a card sx times as wide and sy times as tall."""
        return Box(self.x_mm * sx, self.y_mm * sy, self.width_mm * sx, self.height_mm * sy)


@dataclass(frozen=True)
class CardSize:
    """A card's trim size, always landscape (width >= height)."""

    name: str
    width_mm: float
    height_mm: float

    def __post_init__(self) -> None:
        if self.width_mm < self.height_mm:
            raise LayoutError(f"card size {self.name}: give it landscape, width first")
        if self.height_mm < 20 or self.width_mm > 1000:
            raise LayoutError(f"card size {self.name}: {self.describe()} is not a card size")

    def describe(self) -> str:
        return f"{self.width_mm:g} × {self.height_mm:g} mm"

    def postcard_problem(self) -> Problem | None:
        """Why the Universal Postal Union would not take this as a postcard, or None."""
        w, h = self.width_mm, self.height_mm
        tol = UPU_TOLERANCE_MM
        too_small = w < UPU_MIN_MM[0] - tol or h < UPU_MIN_MM[1] - tol
        too_big = w > UPU_MAX_MM[0] + tol or h > UPU_MAX_MM[1] + tol
        if too_small or too_big or w < UPU_MIN_RATIO * h - tol:
            return Problem(
                f"{self.name} ({self.describe()}) is not a postcard size: the postal limits are "
                f"140–235 × 90–120 mm with the long side at least 1.4 × the short one; "
                f"choose A6, 4x6in or DL, or pass --not-a-postcard",
                column="size",
            )
        return None


#: Named trim sizes (landscape).
PRESETS: dict[str, CardSize] = {
    "A6": CardSize("A6", 148.0, 105.0),
    "4x6in": CardSize("4x6in", 152.4, 101.6),
    "5x7in": CardSize("5x7in", 177.8, 127.0),
    "DL": CardSize("DL", 220.0, 110.0),
}

_CUSTOM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*mm\s*$", re.IGNORECASE)


def parse_size(text: str) -> CardSize:
    """A preset name (case-insensitive) or ``WIDTHxHEIGHTmm``; portrait input is turned.

    Raises:
        LayoutError: naming the accepted forms.
    """
    for name, size in PRESETS.items():
        if text.strip().lower() == name.lower():
            return size
    match = _CUSTOM.match(text)
    if not match:
        names = ", ".join(PRESETS)
        raise LayoutError(
            Problem(f"unknown card size {text!r}: use {names} or WIDTHxHEIGHTmm", column="size")
        )
    a, b = float(match[1]), float(match[2])
    return CardSize(text.strip(), max(a, b), min(a, b))


@dataclass(frozen=True)
class Page:
    """A single-card page: the trim plus bleed on every side."""

    size: CardSize
    bleed_mm: float

    @property
    def width_mm(self) -> float:
        return self.size.width_mm + 2 * self.bleed_mm

    @property
    def height_mm(self) -> float:
        return self.size.height_mm + 2 * self.bleed_mm

    @property
    def trim(self) -> Box:
        """The trim box in page coordinates."""
        return Box(self.bleed_mm, self.bleed_mm, self.size.width_mm, self.size.height_mm)
