"""Which column is which field: headers matched in ten languages, or mapped by hand.

Headers are matched case- and space-insensitively through the tables of
:mod:`postcards.inputs.headings` (``Full name``, ``ФИО``, ``Vardas, pavardė``…) or an
explicit ``[senders.columns]`` mapping, where a field may name several columns
(``name = ["Akad. Titel", "Vorname", "Nachname"]``) and ``other`` lists the columns kept
for templates only.  A list with given- and family-name columns and no full name has its
name composed from them.  Every column is read or named: the ones no field reads are
listed in one warning, each with the field it may be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from postcards.errors import Problem
from postcards.inputs.headings import (
    PRISONER_FIELDS,
    SENDER_FIELDS,
    Fields,
    field_of,
    likely_field,
)
from postcards.inputs.spreadsheets import Row, Table, normalize_header

__all__ = ["PRISONER_FIELDS", "SENDER_FIELDS", "ColumnMap", "Columns", "RowReader"]

#: A ``[senders.columns]`` or ``[prisoners.columns]`` table: field -> header or headers.
ColumnMap = Mapping[str, str | tuple[str, ...]]

#: The key of a column mapping that lists columns read for templates only.
OTHER = "other"

#: Fields a full name is composed from when a list has no full-name column, in the order
#: the name is written: a member of parliament as they sign, a prisoner as the Belarusian
#: post addresses them (family name first).
NAME_PARTS = {
    "senders": ("academic_title", "given_name", "name_infix", "family_name"),
    "prisoners": ("family_name", "given_name", "patronymic"),
}

#: Fields whose parts are lines of an address rather than words of one line.
_LINES = frozenset({"address", "return_address", *(f"address{i}" for i in range(1, 6))})


@dataclass(frozen=True)
class Columns:
    """Where each field is in a file: one header, or several joined (a composed name)."""

    single: dict[str, str] = field(default_factory=dict)
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    other: tuple[str, ...] = ()

    def described(self) -> dict[str, str]:
        """Field -> the header(s) as a message names them (``Vorname + Nachname``).

        Worked out once (every row's reader asks): treat the result as read-only.
        """
        found = self.__dict__.get("_described")
        if found is None:
            found = {**self.single, **{f: " + ".join(hs) for f, hs in self.parts.items()}}
            object.__setattr__(self, "_described", found)
        return found

    def used(self) -> set[str]:
        """Every header a field reads, or the mapping names as ``other``."""
        return {*self.single.values(), *(h for hs in self.parts.values() for h in hs), *self.other}

    def read_by_fields(self) -> frozenset[str]:
        """The headers the fields read: a row's other cells are its template fields.

        Worked out once, as :meth:`described`.
        """
        found = self.__dict__.get("_read")
        if found is None:
            found = frozenset(self.used() - set(self.other))
            object.__setattr__(self, "_read", found)
        return found


def header_names(fields: Fields, explicit: ColumnMap) -> frozenset[str]:
    """Every header (normalized) that names one of ``fields``.

    This is how the header row is recognised below an office's title rows.
    """
    names = {h for headers in fields.values() for h in headers}
    mapped = {normalize_header(h) for value in explicit.values() for h in _headers(value)}
    return frozenset(names | mapped)


def _headers(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def map_columns(
    table: Table, fields: Fields, explicit: ColumnMap, config_name: str, section: str
) -> tuple[Columns, list[Problem]]:
    """Field -> header(s) in the file, from the explicit mapping first, then the tables."""
    by_norm = {normalize_header(h): h for h in table.headers}
    single: dict[str, str] = {}
    parts: dict[str, tuple[str, ...]] = {}
    other: tuple[str, ...] = ()
    problems: list[Problem] = []
    for name, value in explicit.items():
        where = f"{section}.columns.{name}"
        if name != OTHER and name not in fields:
            message = f"not a field; fields are {', '.join(fields)} (and {OTHER})"
            problems.append(Problem(message, file=config_name, column=where))
            continue
        missing = [h for h in _headers(value) if normalize_header(h) not in by_norm]
        if missing or not _headers(value):
            shown = ", ".join(repr(h) for h in missing) + " not" if missing else "no column named"
            message = f"{shown} in {table.name}; its columns are {_listed(table.headers)}"
            problems.append(Problem(message, file=config_name, column=where))
            continue
        found = tuple(by_norm[normalize_header(h)] for h in _headers(value))
        if name == OTHER:
            other = found
        elif isinstance(value, str):
            single[name] = found[0]
        else:
            parts[name] = found
    taken = {*single.values(), *(h for hs in parts.values() for h in hs), *other}
    for name, aliases in fields.items():
        if name in single or name in parts:
            continue
        header = next((by_norm[a] for a in aliases if a in by_norm and by_norm[a] not in taken), "")
        if header:
            single[name] = header
            taken.add(header)
    composed = tuple(single[f] for f in NAME_PARTS[section] if f in single)
    if "name" in fields and "name" not in single and "name" not in parts and composed:
        parts["name"] = composed
    return Columns(single, parts, other), problems


def _listed(headers: list[str] | tuple[str, ...]) -> str:
    return ", ".join(repr(h) for h in headers) or "none"


def unread_columns(table: Table, fields: Fields, columns: Columns, section: str) -> list[Problem]:
    """One warning naming every column no field reads, each with the field it may be.

    A column left unread is dropped from the cards; a user who meant it must be told
    (``Atvirukų sk.: not read; is it cards?``), and one who did not can say so under
    ``other``, which also keeps it for templates.
    """
    used = columns.used()
    described = columns.described()
    unread = []
    for header in table.headers:
        if header in used:
            continue
        exact = field_of(header, fields)
        if exact is not None:
            hint = f"{exact}, which is read from {described.get(exact, '')!r}"
        else:
            guess = likely_field(header, fields)
            hint = f"is it {guess}?" if guess else ""
        unread.append(f"{header!r}" + (f" ({hint})" if hint else ""))
    if not unread:
        return []
    message = (
        f"{len(unread)} column{'s' * (len(unread) > 1)} not read: {'; '.join(unread)}. "
        f'Map a column postcards should read under [{section}.columns] (field = "header"), '
        f'and list the others as {OTHER} = ["…"] to keep them for templates only'
    )
    return [Problem(message, file=table.name, row=table.header_row, warning=True)]


def missing_column(table: Table, field_name: str, section: str) -> Problem:
    """A required field no column holds: one error naming the headers the file has."""
    parts = NAME_PARTS[section] if field_name == "name" else ()
    alternative = " (or given- and family-name columns)" if parts else ""
    return Problem(
        f"no column holds the {field_name.replace('_', ' ')}{alternative}; the columns are "
        f"{_listed(table.headers)}: map one in campaign.toml under [{section}.columns] "
        f'({field_name} = "…"), or name it {field_name!r}',
        file=table.name,
        row=table.header_row,
        column=field_name,
    )


class RowReader:
    """Reads a list's rows, one at a time, by our field names; collects problems with their place.

    One reader serves every row of a list (:meth:`start` moves it on): which header holds
    which field, and which columns are template fields, is worked out once a list, not
    once a row; a row's fields are read when it starts, once each.
    """

    def __init__(
        self, table: Table, row: Row | None, columns: Columns, problems: list[Problem]
    ) -> None:
        self.table, self.columns, self.problems = table, columns, problems
        self.mapping = columns.described()
        self._names, self._headers = tuple(columns.single), tuple(columns.single.values())
        self._parts = tuple(
            (name, headers, "\n" if name in _LINES else " ")
            for name, headers in columns.parts.items()
        )
        self._used = columns.read_by_fields()
        self._keys: dict[str, str] = {}  # header -> its template field, for extra()
        self._present: dict[tuple[str, ...], tuple[str, ...]] = {}
        if row is not None:
            self.start(row)

    def start(self, row: Row) -> RowReader:
        """Read ``row`` from now on: each field's text, as :meth:`get` gives it."""
        self.row = row
        cells = self.cells = row.cells
        names, headers = self._names, self._headers
        try:  # a file's row has a cell under every header: read at C speed
            texts = map(str.strip, map(cells.__getitem__, headers))
            self.values = dict(zip(names, texts, strict=True))
        except KeyError:  # a row made in code may leave a cell out
            self.values = {n: cells.get(h, "").strip() for n, h in zip(names, headers, strict=True)}
        for name, sources, joint in self._parts:
            parts = (cells.get(h, "").strip() for h in sources)
            self.values[name] = joint.join(t for t in parts if t)
        return self

    def get(self, name: str) -> str:
        """The stripped text of field ``name`` in this row; empty when no column holds it.

        A field composed of several columns joins their non-empty cells: with spaces, or
        as lines for an address.
        """
        return self.values.get(name, "")

    def present(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Those of the fields ``names`` that a column holds, in order (worked out once a list)."""
        found = self._present.get(names)
        if found is None:
            found = self._present[names] = tuple(n for n in names if n in self.mapping)
        return found

    def fail(self, name: str, message: str, warning: bool = False) -> None:
        """Record a problem (or a warning) at this row, in the column that holds ``name``."""
        self.problems.append(
            Problem(
                message,
                file=self.table.name,
                row=self.row.number,
                column=self.mapping.get(name, name),
                warning=warning,
            )
        )

    def required(self, name: str) -> str:
        """The field's text; an empty cell in a present column is a problem."""
        value = self.values.get(name, "")
        if not value and name in self.mapping:
            self.fail(name, "empty")
        return value

    def extra(self) -> dict[str, str]:
        """The cells of the columns no field reads, by normalized header: template fields."""
        used, keys = self._used, self._keys
        if self.cells.keys() <= used:
            return {}  # the usual row of a list without template columns, in one look
        return {
            keys[h] if h in keys else self._key(h): v
            for h, v in self.cells.items()
            if h not in used
        }

    def _key(self, header: str) -> str:
        """A template field's name: its header normalized, once a list."""
        key = self._keys[header] = normalize_header(header).replace(" ", "_")
        return key
