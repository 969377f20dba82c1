"""Invisible characters in spreadsheet cells: bidirectional controls, zero-width spaces.

A right-to-left override pasted into a name reorders what the printer shows (and what a
reviewer reads) without showing itself; a zero-width space makes two equal names differ.
Such characters are reported by name, never kept silently and never left to surface as
a "missing glyph" later.  Zero-width joiner and non-joiner between two letters are kept:
some scripts need them to spell a word.
"""

from __future__ import annotations

import unicodedata

from postcards.errors import Problem

_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: legitimate between letters
_LAYOUT = frozenset("\n\t")  # line breaks and tabs in a cell are the layout's business
_NAMES = {
    "\u00ad": "soft hyphen",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2060": "word joiner",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
    "\ufeff": "zero-width no-break space (byte order mark)",
}


def _letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


def invisible_chars(text: str) -> list[str]:
    """The invisible characters of ``text``, in order, once each.

    Invisible: format characters (Unicode category Cf, which holds the bidirectional
    controls, zero-width spaces, the soft hyphen and the byte order mark) and control
    characters other than line break and tab; except ZWJ and ZWNJ between two letters.
    """
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return []  # the common case, at C speed: no Cf or Cc character (nor any Zl, Zs …)
    found: dict[str, None] = {}
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category not in ("Cf", "Cc") or char in _LAYOUT:
            continue
        if (
            char in _JOINERS
            and 0 < index < len(text) - 1
            and _letter(text[index - 1])
            and _letter(text[index + 1])
        ):
            continue
        found[char] = None
    return list(found)


def describe(char: str) -> str:
    """A character's name as a user reads it: ``right-to-left override (U+202E)``."""
    name = _NAMES.get(char) or unicodedata.name(char, "control character").lower()
    return f"{name} (U+{ord(char):04X})"


def invisible_problem(
    text: str, file: str, row: int, column: str, warning: bool = False
) -> Problem | None:
    """A problem naming each invisible character of a cell, or None when it has none."""
    chars = invisible_chars(text)
    if not chars:
        return None
    names = ", ".join(describe(c) for c in chars)
    fix = "remove it" if len(chars) == 1 else "remove them"
    return Problem(
        f"contains an invisible {names}; {fix}", file=file, row=row, column=column, warning=warning
    )
