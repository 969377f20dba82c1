"""Poster plans: every line of text, tile, image and QR code of a poster, placed in mm.

Planning is pure: it takes the people, the count, the texts and the fonts and returns
frozen values; :mod:`postcards.posters.drawing` draws them without further decisions.
Names are fitted into columns first, then the font shrinks down to a readable minimum
(which grows with the paper, since a bigger poster is read from further away), and only
then does the list go on to a second page.  A wall of tiles does the same with tile size.

Coordinates are mm from the bottom-left corner of the page; a :class:`TextLine` is placed
by its baseline, and its slot (``size * LEADING``) is what keeps lines from touching.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.errors import LayoutError, Problem
from postcards.page.geometry import POINTS_PER_MM, Box
from postcards.page.qr import PlacedQR, matrix_summary

KINDS = ("godparents", "wall", "prisoner", "share")

#: Paper sizes in mm, portrait.
PAPER_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "A2": (420.0, 594.0),
    "A1": (594.0, 841.0),
    "A0": (841.0, 1189.0),
    "Letter": (215.9, 279.4),
    "Tabloid": (279.4, 431.8),
}

#: Social images in pixels; one pixel is drawn as one PDF point.
SHARE_PX: tuple[tuple[int, int], ...] = ((1080, 1080), (1080, 1350), (1200, 675))

#: How far a wrapped name's further lines are indented, in ems: one person never reads
#: as two.
INDENT_EM = 1.0


def mm(points: float) -> float:
    """PDF points to mm (plans are in mm; fonts measure in points)."""
    return points / POINTS_PER_MM


@dataclass(frozen=True)
class PosterSize:
    """A poster's page in mm, as it will be printed (landscape already applied)."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def scale(self) -> float:
        """How much bigger than A4 the poster is: its headings grow with it."""
        return min(self.width_mm, self.height_mm) / 210.0

    @property
    def reading_scale(self) -> float:
        """How much the smallest readable type grows: less than the paper.

        A big poster is read from further away but also walked up to.
        """
        return self.scale**0.5


def poster_size(name: str, landscape: bool = False) -> PosterSize:
    """A named paper size, portrait unless ``landscape``.

    Raises:
        LayoutError: naming the sizes we know.
    """
    for known, (width, height) in PAPER_MM.items():
        if name.strip().lower() == known.lower():
            if landscape:
                width, height = height, width
            return PosterSize(known + (" landscape" if landscape else ""), width, height)
    raise LayoutError(
        Problem(f"unknown poster size {name!r}: use {', '.join(PAPER_MM)}", column="--size")
    )


def share_size(width_px: int, height_px: int) -> PosterSize:
    """A social image's page: one pixel per PDF point."""
    return PosterSize(f"{width_px}x{height_px}", mm(width_px), mm(height_px))


@dataclass(frozen=True)
class TextLine:
    """One line of text: left end of its baseline, size in pt, font style, colour name."""

    text: str
    x_mm: float
    baseline_mm: float
    size: float
    style: str = "regular"
    colour: str = "ink"
    width_mm: float = 0.0


@dataclass(frozen=True)
class Fill:
    """A filled (or, with ``stroke``, outlined) rectangle."""

    box: Box
    colour: str
    stroke: bool = False


@dataclass(frozen=True)
class Picture:
    """An image scaled to cover its box (cropped, never distorted).

    With ``fit = "contain"``, as large as fits whole inside it (centred).
    """

    box: Box
    path: Path
    fit: str = "cover"


@dataclass(frozen=True)
class Tile:
    """A prisoner on a wall: a photo, or initials on a coloured square, and the text."""

    photo_box: Box
    photo: Path | None
    initials: TextLine | None
    colour: str


@dataclass(frozen=True)
class PosterPage:
    """One page: drawn in the order fills, pictures, tiles, QR, text."""

    width_mm: float
    height_mm: float
    fills: tuple[Fill, ...] = ()
    pictures: tuple[Picture, ...] = ()
    tiles: tuple[Tile, ...] = ()
    qr: PlacedQR | None = None
    lines: tuple[TextLine, ...] = ()
    pixels: tuple[int, int] | None = None  # a share image's exact size


@dataclass(frozen=True)
class Poster:
    """A whole poster: its pages, the count it shows and what it could not use."""

    kind: str
    pages: tuple[PosterPage, ...]
    count: int
    problems: tuple[Problem, ...] = ()

    def to_json(self) -> str:
        """The plan as JSON: makes a layout bug easy to see and to test."""

        def default(value: Any) -> Any:
            if isinstance(value, Path):
                return value.name
            raise TypeError(type(value))

        data = dataclasses.asdict(self)
        for page in data["pages"]:
            if page["qr"]:
                page["qr"]["matrix"] = matrix_summary(page["qr"]["matrix"])
        return json.dumps(data, ensure_ascii=False, indent=1, default=default)


# Columns of names -------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """A heading and the names under it (a parliament and its members)."""

    heading: str
    names: tuple[str, ...]
    continued: str = ""  # the heading repeated where the names go on to a new column
