"""Card sizes, boxes and bleed, all in millimetres.

Geometry is a value object: sizes are checked when they are made, so a card that is not a
postcard fails before anything is drawn.  Conversion to PDF points happens only at the
render edge (:func:`pt`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from postcards.errors import LayoutError, Problem

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
        """The box's top edge, in mm from the bottom."""
        return self.y_mm + self.height_mm

    @property
    def right_mm(self) -> float:
        """The box's right edge, in mm from the left."""
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
        """The size as messages show it: ``148 × 105 mm``."""
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
    found = _preset_or_mm(text, PRESETS, "card size", "size")
    if isinstance(found, CardSize):
        return found
    a, b = found
    return CardSize(text.strip(), max(a, b), min(a, b))


def _preset_or_mm(
    text: str, presets: dict[str, Any], what: str, column: str
) -> Any | tuple[float, float]:
    """A preset by name (any case), or the two numbers of ``WIDTHxHEIGHTmm``."""
    for name, preset in presets.items():
        if text.strip().lower() == name.lower():
            return preset
    match = _CUSTOM.match(text)
    if not match or float(match[1]) <= 0 or float(match[2]) <= 0:
        names = ", ".join(presets)
        raise LayoutError(
            Problem(f"unknown {what} {text!r}: use {names} or WIDTHxHEIGHTmm", column=column)
        )
    return float(match[1]), float(match[2])


@dataclass(frozen=True)
class Page:
    """A single-card page: the trim plus bleed on every side."""

    size: CardSize
    bleed_mm: float

    @property
    def width_mm(self) -> float:
        """The page width: the trim and the bleed on both sides."""
        return self.size.width_mm + 2 * self.bleed_mm

    @property
    def height_mm(self) -> float:
        """The page height: the trim and the bleed on both sides."""
        return self.size.height_mm + 2 * self.bleed_mm

    @property
    def trim(self) -> Box:
        """The trim box in page coordinates."""
        return Box(self.bleed_mm, self.bleed_mm, self.size.width_mm, self.size.height_mm)


@dataclass(frozen=True)
class Affine:
    """A 2-D affine map in mm, as PDF writes it: x' = a·x + c·y + e, y' = b·x + d·y + f.

    Placing a card on a sheet, turning it, and flipping a sheet for duplex are all such
    maps; composing them (``outer @ inner``) is how a back finds its place behind its
    front.
    """

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def __matmul__(self, inner: Affine) -> Affine:
        """The map that applies ``inner`` first, then ``self``."""
        return Affine(
            self.a * inner.a + self.c * inner.b,
            self.b * inner.a + self.d * inner.b,
            self.a * inner.c + self.c * inner.d,
            self.b * inner.c + self.d * inner.d,
            self.a * inner.e + self.c * inner.f + self.e,
            self.b * inner.e + self.d * inner.f + self.f,
        )

    def apply(self, x: float, y: float) -> tuple[float, float]:
        """Where the map takes the point (x, y)."""
        return (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)

    def box(self, box: Box) -> Box:
        """The bounding box of a box's image (exact for turns by multiples of 90°)."""
        corners = [
            self.apply(x, y) for x in (box.x_mm, box.right_mm) for y in (box.y_mm, box.top_mm)
        ]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    @property
    def degrees(self) -> int:
        """The turn this map makes, in degrees counter-clockwise (0, 90, 180, 270)."""
        import math

        return round(math.degrees(math.atan2(self.b, self.a))) % 360

    def in_points(self) -> tuple[float, float, float, float, float, float]:
        """The matrix for a PDF content stream: translation converted to points."""
        return (self.a, self.b, self.c, self.d, pt(self.e), pt(self.f))

    @staticmethod
    def translate(x_mm: float, y_mm: float) -> Affine:
        """A move by (x_mm, y_mm)."""
        return Affine(e=x_mm, f=y_mm)

    @staticmethod
    def mirror_x(width_mm: float) -> Affine:
        """Turn over about the vertical axis of something ``width_mm`` wide."""
        return Affine(a=-1.0, e=width_mm)

    @staticmethod
    def mirror_y(height_mm: float) -> Affine:
        """Turn over about the horizontal axis of something ``height_mm`` tall."""
        return Affine(d=-1.0, f=height_mm)


@dataclass(frozen=True)
class SheetSize:
    """A sheet of paper, in mm, as it goes through the printer (portrait or landscape)."""

    name: str
    width_mm: float
    height_mm: float

    def describe(self) -> str:
        """The sheet as messages show it: ``A4 (210 × 297 mm)``."""
        return f"{self.name} ({self.width_mm:g} × {self.height_mm:g} mm)"


#: Paper sizes for N-up sheets (portrait).
SHEETS: dict[str, SheetSize] = {
    "A4": SheetSize("A4", 210.0, 297.0),
    "A3": SheetSize("A3", 297.0, 420.0),
    "SRA3": SheetSize("SRA3", 320.0, 450.0),
    "Letter": SheetSize("Letter", 215.9, 279.4),
    "Legal": SheetSize("Legal", 215.9, 355.6),
    "Tabloid": SheetSize("Tabloid", 279.4, 431.8),
}


def parse_sheet(text: str) -> SheetSize:
    """A paper name (A4, A3, SRA3, Letter, Legal, Tabloid) or ``WIDTHxHEIGHTmm`` as given.

    Raises:
        LayoutError: naming the accepted forms.
    """
    found = _preset_or_mm(text, SHEETS, "sheet size", "sheet")
    return found if isinstance(found, SheetSize) else SheetSize(text.strip(), *found)
