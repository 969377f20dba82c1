"""The same person twice, a Latin letter in a Cyrillic name, a column empty on every row.

Lists are merged from several sources and typed by hand: a prisoner renumbered in a new
edition is listed twice (two cards for one, none for another), and a Latin ``o`` typed
inside ``Петров`` looks right on screen but makes another name for the censor, the
ledger and the duplicate check.  A required column empty on every row means the column
holding the data was not recognised: one message says so, instead of one per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from postcards.errors import Problem
from postcards.inputs.cells import CYRILLIC_LETTER, LATIN_LETTER
from postcards.inputs.columns import RowReader
from postcards.inputs.people import Prisoner, Sender
from postcards.inputs.spreadsheets import Table

#: Latin letters that look like Cyrillic ones, and the Cyrillic letter each is taken for.
LOOKALIKES = dict(zip("aceopxyiABCEHKMOPTXYI", "асеорхуіАВСЕНКМОРТХУІ", strict=True))
_TO_CYRILLIC = str.maketrans(LOOKALIKES)

_WORD = re.compile(r"\w+")

#: The fields a card prints from a row, where a mixed word would be printed.
_CHECKED = ("name", "name_dative", "institution", "city")


def mixed_words(text: str) -> list[tuple[str, str]]:
    """(word, the letters of its lesser script) for each word mixing Latin and Cyrillic."""
    if text.isascii() or not LATIN_LETTER.search(text) or not CYRILLIC_LETTER.search(text):
        return []  # the usual cell, in two looks
    found = []
    for word in _WORD.findall(text):
        cyrillic, latin = CYRILLIC_LETTER.findall(word), LATIN_LETTER.findall(word)
        if cyrillic and latin:
            fewer = latin if len(latin) <= len(cyrillic) else cyrillic
            found.append((word, "".join(dict.fromkeys(fewer))))
    return found


def lookalike_problems(r: RowReader, record: Sender | Prisoner) -> list[Problem]:
    """A warning for each printed field with a word in two alphabets, naming the letters."""
    names = r.present(_CHECKED)
    texts = [getattr(record, name, "") for name in names]
    if not mixed_words("\n".join(texts)):
        return []  # the usual row, in one look at the printed fields together
    problems = []
    for name, text in zip(names, texts, strict=True):
        for word, letters in mixed_words(text):
            script = "Latin" if LATIN_LETTER.match(letters) else "Cyrillic"
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in letters)
            problems.append(
                Problem(
                    f"{word!r} mixes Latin and Cyrillic letters: {shown} "
                    f"{'is' if len(letters) == 1 else 'are'} {script}; retype the word in "
                    "one alphabet (the post, the censor and the ledger read them as "
                    "different names)",
                    file=r.table.name,
                    row=r.row.number,
                    column=r.mapping[name],
                    warning=True,
                )
            )
    return problems


def folded(text: str) -> str:
    """A name as two rows of one person may differ: case, spacing, ё, look-alike letters."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.casefold().replace("ё", "е")
    if text.isascii() or not LATIN_LETTER.search(text) or not CYRILLIC_LETTER.search(text):
        return " ".join(_WORD.findall(text))  # the usual name: one alphabet
    return " ".join(
        word.translate(_TO_CYRILLIC) if CYRILLIC_LETTER.search(word) else word
        for word in _WORD.findall(text)
    )


_folded_place = lru_cache(maxsize=4096)(folded)  # a list names a few hundred prisons, parliaments


def _person(record: Sender | Prisoner) -> tuple[str, ...]:
    if isinstance(record, Prisoner):
        return (folded(record.name), record.birth_year, _folded_place(record.institution))
    return (folded(record.name), _folded_place(record.parliament))


class SamePeople:
    """Finds a person listed again under another id (name, birth year, institution).

    For senders, the same name in the same parliament.  Released or deceased prisoners
    listed twice get no card either way, so only a pair with someone in custody counts.
    Rows are taken one at a time, as they are read, so a spooled list is not read back.

    A person is remembered by the hash of their key and the index of their first record
    (about 100 bytes, where the key itself took 300: 100,000 prisoners' keys were 14 MB
    that the process kept after reading); a hash seen again is confirmed against that
    record's own key, so two people whose keys merely hash alike are told apart.
    """

    def __init__(self, file: str, column: str, records: Sequence[Sender | Prisoner]) -> None:
        """``records``: the list's records as they are read (the reader's own list)."""
        self.file, self.column, self._records = file, column, records
        self._first: dict[int, int] = {}  # a key's hash -> its first record's index
        self._others: dict[tuple[str, ...], int] = {}  # keys whose hash another key took

    def add(self, record: Sender | Prisoner, index: int) -> list[Problem]:
        """The error when ``record`` is someone an earlier row listed under another id.

        ``index``: where ``record`` goes in ``records`` (it is appended after this).
        """
        key = _person(record)
        first = self._first.setdefault(_key_hash(key), index)
        if first != index and _person(self._records[first]) != key:
            first = self._others.setdefault(key, index)  # another person, hashed alike
        if first == index:
            return []
        earlier = self._records[first]
        if earlier.row == record.row or earlier.id == record.id:
            return []  # the same id twice is reported as such
        if not (_custody(record) or _custody(earlier)):
            return []
        extra = ", birth year or institution" if isinstance(record, Prisoner) else ""
        return [
            Problem(
                f"the same person as row {earlier.row} ({_described(record)}) under another "
                f"id: {earlier.id} on row {earlier.row}, {record.id} here; keep one row (two "
                f"cards would go to one person), or correct the name{extra}",
                file=self.file,
                row=record.row,
                column=self.column,
            )
        ]


#: A person's key's hash (a test makes every key collide to check they are told apart).
_key_hash = hash


def _custody(record: Sender | Prisoner) -> bool:
    """Whether a card may go to this record's person (a sender always counts)."""
    return not isinstance(record, Prisoner) or record.in_custody


def _described(record: Sender | Prisoner) -> str:
    parts: tuple[str, ...] = (record.name, record.parliament if isinstance(record, Sender) else "")
    if isinstance(record, Prisoner):
        parts = (record.name, record.birth_year and f"born {record.birth_year}",
                 record.institution)  # fmt: skip
    return ", ".join(p for p in parts if p)


def all_empty(
    problems: list[Problem],
    required: Sequence[tuple[str, str]],
    rows: int,
    table: Table,
    section: str,
) -> list[Problem]:
    """One error for a required column (field, header) empty on every row, not one per row."""
    for field_name, header in required:
        empty = {id(p) for p in problems if p.column == header and p.message == "empty"}
        if rows < 2 or len(empty) < rows:
            continue
        others = ", ".join(repr(h) for h in table.headers if h != header)
        problems = [p for p in problems if id(p) not in empty] + [
            Problem(
                f"empty on all {rows} rows: is the {field_name.replace('_', ' ')} in another "
                f"column? The others are {others}; map it in campaign.toml under "
                f'[{section}.columns] ({field_name} = "…")',
                file=table.name,
                row=table.header_row,
                column=header,
            )
        ]
    return problems
