"""The headers offices write, one table per language, merged into one per list.

Each language's module holds two tables (``SENDERS`` and ``PRISONERS``) of field ->
headers, as a list in that language writes them.  They are kept apart so that a
translator can read and extend one language without the others, and merged here into the
tables :mod:`postcards.inputs.columns` matches against, in :data:`HEADINGS` order (the
first language to name a header wins a tie).  ``tests/test_headings.py`` checks that no
header names two fields of one list.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from functools import lru_cache
from types import ModuleType

from postcards.inputs.headings import (
    belarusian,
    czech,
    dutch,
    english,
    french,
    german,
    latvian,
    lithuanian,
    polish,
    russian,
)
from postcards.inputs.spreadsheets import normalize_header

#: The languages of the campaigns' parliaments and of the prisoners' lists.
HEADINGS: dict[str, ModuleType] = {
    "en": english, "de": german, "fr": french, "lt": lithuanian, "lv": latvian,
    "pl": polish, "cs": czech, "nl": dutch, "ru": russian, "be": belarusian,
}  # fmt: skip

Fields = dict[str, tuple[str, ...]]


def merged(table: str) -> Fields:
    """Field -> every header naming it (normalized, once each), English's fields' order first."""
    fields: dict[str, list[str]] = {}
    for module in HEADINGS.values():
        for name, headers in getattr(module, table).items():
            known = fields.setdefault(name, [normalize_header(name)])
            known += [h for h in map(normalize_header, headers) if h not in known]
    return {name: tuple(headers) for name, headers in fields.items()}


SENDER_FIELDS: Fields = merged("SENDERS")
PRISONER_FIELDS: Fields = merged("PRISONERS")


def field_of(header: str, fields: Fields) -> str | None:
    """The field a header names exactly (after normalizing), if any."""
    norm = normalize_header(header)
    return next((name for name, headers in fields.items() if norm in headers), None)


def likely_field(header: str, fields: Fields) -> str | None:
    """The field an unknown header most likely means, for the "not read" warning.

    A header shares a word stem with a known header (``Anzahl Karten``: ``karten``;
    ``Atvirukų kiekis``: ``atvirukai``), or is spelt nearly like one (a typo).  The
    guess is only named in a question to the user, never acted on.
    """
    norm = normalize_header(header)
    stems, letters = _stems(norm), Counter(norm)
    best: tuple[float, str] | None = None
    for name, headers in fields.items():
        for known in headers:
            shared = len(stems & _stems(known))  # a shared stem first, then the closer spelling
            # A header that cannot win is not compared letter by letter (some 450 headers
            # for each unread column: 11 ms a column, a quarter of it so); the same answer.
            most = _most_alike(norm, letters, known) + shared
            if most < 0.8 if best is None else most <= best[0]:
                continue
            score = difflib.SequenceMatcher(None, norm, known).ratio() + shared
            if score >= 0.8 and (best is None or score > best[0]):
                best = (score, name)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _stems(header: str) -> frozenset[str]:
    """The first five letters of each word of five or more, accents folded.

    Enough to tie ``karten`` to ``kartenanzahl``; short words (``nr``, ``дата``) say nothing.
    """
    plain = "".join(c for c in unicodedata.normalize("NFD", header) if not unicodedata.combining(c))
    return frozenset(word[:5] for word in plain.split() if len(word) >= 5)


def _most_alike(norm: str, letters: Counter[str], known: str) -> float:
    """The most ``SequenceMatcher(None, norm, known).ratio()`` can be (``quick_ratio``).

    That is the share of the characters the two have in common, whatever their order
    (``letters``: ``Counter(norm)``).
    """
    length = len(norm) + len(known)
    return 2.0 * (letters & _letters(known)).total() / length if length else 1.0


@lru_cache(maxsize=4096)
def _letters(header: str) -> Counter[str]:
    """How often each character occurs in a known header (read-only: it is shared)."""
    return Counter(header)
