"""The bundled fonts: registration with reportlab, glyph coverage and fallback.

A design names a family (regular, bold, italic, bold-italic files) and fallback files.
Text is split into runs: each character goes to the first face that has it, so a rare
letter still prints; a character that no face has is an error before anything is drawn.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from postcards.errors import FontError, Problem

STYLES = ("regular", "bold", "italic", "bold-italic")

#: The first baseline below the top of a text box, as a fraction of the font size.  One
#: figure for every face, not each font's own ascent: a fallback face (DejaVu for a rare
#: letter) then moves no line, and drawing, fitting and preflight put the text in one place.
ASCENT = 0.93
#: A glyph's depth below its baseline, as a fraction of the font size (PT Sans, DejaVu).
DESCENT = 0.25

#: Characters that never need a glyph: the layout handles them.
_LAYOUT_CHARS = frozenset("\n\r\t")


@dataclass(frozen=True)
class Face:
    """One registered font file."""

    name: str
    path: Path
    chars: frozenset[int]

    def has(self, char: str) -> bool:
        """Whether this face has a glyph for ``char``."""
        return ord(char) in self.chars

    @cached_property
    def lacks(self) -> re.Pattern[str]:
        """Finds a character this face has no glyph for: one scan in C, not a set per line."""
        return _lacking(self.chars)


def _lacking(codes: frozenset[int]) -> re.Pattern[str]:
    """A pattern matching any character whose code point is not in ``codes``."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    if not ranges:
        return re.compile("(?s).")
    return re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


#: reportlab's reading of each font file loaded: its cmap, advances and metrics.
_READ: dict[Path, Any] = {}


def font_file(path: Path) -> Any:
    """The TTF at ``path`` as reportlab read it (``face``: cmap, advances, metrics).

    Read once a process, for fitting and for the cards' writer alike: the widths measured
    are the widths printed.

    Raises:
        FontError: the file cannot be read as a font.
    """
    load_face(path)
    return _READ[path].face


@cache
def load_face(path: Path) -> Face:
    """Register a TTF with reportlab once, under a name derived from its file name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = path.stem
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError) as exc:
        raise FontError(Problem(f"cannot use this font: {exc}", file=path.name)) from None
    except (struct.error, IndexError, KeyError, ValueError) as exc:  # a truncated file
        raise FontError(
            Problem(
                f"cannot use this font: the file is damaged or cut short ({exc}); "
                "copy it again from the font's source",
                file=path.name,
            )
        ) from None
    pdfmetrics.registerFont(font)
    _READ[path] = font
    return Face(name, path, frozenset(font.face.charToGlyph))


_WIDTHS_KEPT = 2048


@dataclass(frozen=True, eq=False)
class FontSet:
    """A family in four styles plus the faces that fill its gaps."""

    styles: dict[str, Face]
    fallbacks: tuple[Face, ...]
    #: Widths measured so far: the same lines (a template's, an institution's) recur on
    #: thousands of cards, measured by fitting, drawing and preflight alike.
    _widths: dict[tuple[str, str, float], float] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def face(self, style: str) -> Face:
        """The face for ``style``, or the regular one when the set has no such style."""
        return self.styles.get(style) or self.styles["regular"]

    @cached_property
    def printable(self) -> frozenset[int]:
        """Every code point some face of the set can print."""
        chars = set(map(ord, _LAYOUT_CHARS))
        for face in (*self.styles.values(), *self.fallbacks):
            chars |= face.chars
        return frozenset(chars)

    @cached_property
    def _unprintable(self) -> re.Pattern[str]:
        return _lacking(self.printable)

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` that no face can print, in order, once each."""
        if self._unprintable.search(text) is None:
            return []
        printable = self.printable
        return list(dict.fromkeys(c for c in text if ord(c) not in printable))

    def runs(self, text: str, style: str = "regular") -> list[tuple[str, str]]:
        """``text`` as (font name, substring) runs, falling back per character."""
        primary = self.face(style)
        if primary.lacks.search(text) is None:
            return [(primary.name, text)]
        runs: list[tuple[str, str]] = []
        for char in text:
            name = self._face_for(char, primary).name
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs

    def _face_for(self, char: str, primary: Face) -> Face:
        if primary.has(char):
            return primary
        for face in (*self.fallbacks, self.styles["regular"]):
            if face.has(char):
                return face
        return primary  # reported by missing(); drawn as the font's notdef box

    def width(self, text: str, style: str, size: float) -> float:
        """The printed width in points of ``text`` at ``size``."""
        key = (text, style, size)
        found = self._widths.get(key)
        if found is None:
            if len(self._widths) >= _WIDTHS_KEPT:
                self._widths.clear()  # bounded: memory stays flat however many cards
            found = self._widths[key] = self._measure(text, style, size)
        return found

    def _measure(self, text: str, style: str, size: float) -> float:
        string_width = _string_width()
        primary = self.face(style)
        if primary.lacks.search(text) is None:
            return string_width(text, primary.name, size)
        return sum(string_width(part, name, size) for name, part in self.runs(text, style))


@cache
def _string_width() -> Callable[[str, str, float], float]:
    """The ``stringWidth`` of reportlab, imported once: an import in a function costs 0.6 us."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth


def describe_char(char: str) -> str:
    """``'ꙮ' (U+A66E CYRILLIC LETTER MULTIOCULAR O)``: what a font error names."""
    name = unicodedata.name(char, "unnamed character")
    return f"{char!r} (U+{ord(char):04X} {name})"


def font_problem(
    char: str, file: str | None = None, row: int | None = None, column: str | None = None
) -> Problem:
    """The problem for a character that no bundled font has."""
    return Problem(
        f"no bundled font has the character {describe_char(char)}; replace it, or add a "
        f"font that has it to the design's fallbacks",
        file=file,
        row=row,
        column=column,
    )


def load_fontset(fonts_dir: Path, files: dict[str, str], fallbacks: list[str]) -> FontSet:
    """Load a family from ``fonts_dir``: ``files`` maps style -> file name.

    Raises:
        FontError: a file is missing or unreadable.
    """
    missing = [f for f in [*files.values(), *fallbacks] if not (fonts_dir / f).is_file()]
    if missing:
        raise FontError([Problem(f"font file not found in {fonts_dir}", file=f) for f in missing])
    styles = {style: load_face(fonts_dir / file) for style, file in files.items()}
    if "regular" not in styles:
        raise FontError("a design's fonts need at least a regular face")
    return FontSet(styles, tuple(load_face(fonts_dir / f) for f in fallbacks))
