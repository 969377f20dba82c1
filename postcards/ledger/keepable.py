"""Texts the ledger cannot keep alike on both databases, found before a statement runs.

PostgreSQL refuses a NUL (U+0000) that SQLite stores as is, and neither driver can encode a
lone surrogate (half of a UTF-16 pair, not a character): both are refused on both
databases, with a message that says which text and what to do, and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import chain


def unkeepable(text: str) -> str | None:
    """Why the ledger cannot keep a text, or None when it can.

    PostgreSQL refuses a NUL (U+0000) that SQLite stores as is, and neither driver can
    encode a lone surrogate (half of a UTF-16 pair, not a character): both are refused on
    both databases, before any statement carries them.
    """
    found = _UNKEEPABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "holds a NUL character (U+0000), which the ledger cannot keep; remove it"
    return (
        f"holds a lone surrogate (U+{ord(found.group()):04X}, half of a UTF-16 pair, not a "
        "character), which the ledger cannot keep; type the text again"
    )


def unkeepable_parameter(parameters: object, executemany: bool) -> str | None:
    """What is wrong with the first text of a statement's parameters the ledger cannot keep."""
    if not parameters:
        return None
    rows: Iterable[object] = parameters if executemany else (parameters,)  # type: ignore[assignment]
    if executemany and _all_keepable(rows):
        return None
    for row in rows:
        values = (
            row if isinstance(row, tuple) else row.values() if isinstance(row, Mapping) else row
        )
        try:  # a row of texts alone (a print run's 100,000): one search for the whole row
            if _UNKEEPABLE.search("\x1f".join(values)) is None:  # type: ignore[arg-type]
                continue
        except TypeError:  # a number, a NULL: each text on its own
            pass
        for value in values:  # type: ignore[attr-defined]
            if isinstance(value, str) and _UNKEEPABLE.search(value):
                shown = repr(value[:40]) + ("…" if len(value) > 40 else "")
                return f"{shown} {unkeepable(value)}; nothing was recorded"
    return None


_UNKEEPABLE = re.compile("[\x00\ud800-\udfff]")


def _all_keepable(rows: object) -> bool:
    """True when no text of a batch of tuples is one the ledger cannot keep, in two looks.

    A print run's 100,000 cards go in as batches of tuples: a batch's texts joined are
    looked through at C speed for a NUL and a lone surrogate, where a search a row took a
    second.  False (look row by row, to name the text) for anything else, or when a text
    is unkeepable.
    """
    if not isinstance(rows, list) or not all(type(row) is tuple for row in rows):
        return False
    try:
        joined = "\x1f".join(chain.from_iterable(rows))
    except TypeError:  # a number, a NULL: the texts alone
        joined = "\x1f".join([v for row in rows for v in row if isinstance(v, str)])
    if "\x00" in joined:  # a NUL, found at memchr's speed
        return False
    try:  # a lone surrogate: UTF-8 has no bytes for it (twice as fast as the search)
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
