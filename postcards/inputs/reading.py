"""Rows of a spreadsheet (or a DataFrame) -> checked :class:`People`.

Unknown columns are kept in ``extra`` for templates.  Every problem names the file, the
row and the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from sys import intern  # a list repeats its prisons, cities and years: kept once each

from postcards.config import Limits
from postcards.errors import Problem
from postcards.inputs.addresses import (
    address_lines,
    birth_year,
    check_addressable,
    check_belarus,
    is_belarus,
    latest_birth_year,
    postcode,
    split_lines,
)
from postcards.inputs.cells import to_ascii
from postcards.inputs.columns import (
    PRISONER_FIELDS,
    SENDER_FIELDS,
    ColumnMap,
    RowReader,
    header_names,
    map_columns,
    missing_column,
    unread_columns,
)
from postcards.inputs.duplicates import SamePeople, all_empty, lookalike_problems
from postcards.inputs.people import PRISONER_STATUSES, People, Prisoner, Sender, Source
from postcards.inputs.spreadsheets import (
    Row,
    Table,
    read_table,
    table_from_dataframe,
)
from postcards.inputs.values import language_of, languages_in, status_of
from postcards.invisible import invisible_problem
from postcards.spool import Spool


def load_table(
    source: Source,
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
    limits: Limits | None = None,
) -> Table:
    """A file's first sheet (within ``limits``), or a DataFrame, as a :class:`Table`.

    A file's rows are read as they are taken (once).  A DataFrame goes through the same
    checks as a file.
    """
    if isinstance(source, str | Path):
        return read_table(source, limits, header_row, known, stream=True)
    return table_from_dataframe(source, "DataFrame", header_row, known)


def load_senders(
    source: Source,
    columns: ColumnMap | None = None,
    config_name: str = "campaign.toml",
    header_row: int | None = None,
    limits: Limits | None = None,
    spooled: bool = True,
) -> People[Sender]:
    """Senders from a spreadsheet file (or DataFrame).

    The header row is found below any title rows.  ``spooled``: see :func:`read_senders`.
    """
    known = header_names(SENDER_FIELDS, columns or {})
    table = load_table(source, header_row, known, limits)
    return read_senders(table, columns, config_name, spooled)


def load_prisoners(
    source: Source,
    columns: ColumnMap | None = None,
    config_name: str = "campaign.toml",
    header_row: int | None = None,
    limits: Limits | None = None,
    spooled: bool = True,
) -> People[Prisoner]:
    """Prisoners from a spreadsheet file (or DataFrame).

    The header row is found below any title rows.  ``spooled``: see :func:`read_prisoners`.
    """
    known = header_names(PRISONER_FIELDS, columns or {})
    table = load_table(source, header_row, known, limits)
    return read_prisoners(table, columns, config_name, spooled)


def _read(
    table: Table,
    fields: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    explicit: ColumnMap,
    config_name: str,
    section: str,
    build: Callable[[RowReader], Sender | Prisoner | None],
    spooled: bool = True,
) -> People:
    columns, problems = map_columns(table, fields, explicit, config_name, section)
    mapping = dict(columns.described())  # the people keep their own
    problems += list(table.notes) + unread_columns(table, fields, columns, section)
    problems += [missing_column(table, f, section) for f in required if f not in mapping]
    problems += [
        p for h in table.headers if (p := invisible_problem(h, table.name, table.header_row, h))
    ]
    if any(not p.warning for p in problems):
        for _ in table.rows:  # a problem in the rows' layout is reported first, as it comes first
            pass
        return People((), tuple(problems), table.name, mapping)
    records: list[Sender | Prisoner] = []
    spool = Spool() if spooled else None  # the rows' fields, out of memory: postcards.spool
    rows = 0
    first_row: dict[str, int] = {}
    id_column = mapping.get("id", "id")
    twins = SamePeople(table.name, id_column, records)
    reader = RowReader(table, None, columns, problems)  # one for every row: see RowReader
    for row in table.rows:
        rows += 1
        record = build(reader.start(row))
        released = False
        if record is not None:
            problems += _duplicate_id(table, record, first_row, id_column)
            problems += lookalike_problems(reader, record) + twins.add(record, len(records))
            released = isinstance(record, Prisoner) and not record.in_custody
            # checked: now its fields go to the spool, the reader's record being its only copy
            records.append(record._moved_to(spool) if spool is not None else record)
        problems += _invisible(table, row, released)
    if not rows:
        problems.append(
            Problem(
                f"no {section}: the sheet has a header row but no rows "
                f"below it; add one row per {section[:-1]}",
                file=table.name,
            )
        )
    required_columns = [(f, mapping[f]) for f in required if f in mapping]
    problems = all_empty(problems, required_columns, rows, table, section)
    return People(tuple(records), tuple(problems), table.name, mapping)


def _invisible(table: Table, row: Row, warning: bool) -> list[Problem]:
    """Every cell of the row, read or not: an invisible control is never kept silently."""
    whole = "".join(row.cells.values())
    if whole.isprintable() or whole.replace("\n", "").replace("\t", "").isprintable():
        return []  # the usual row, in one look at every cell
    found = (
        invisible_problem(text, table.name, row.number, header, warning)
        for header, text in row.cells.items()
    )
    return [problem for problem in found if problem]


def custody_problems(prisoners: People) -> list[Problem]:
    """A print run needs someone to write to: no prisoner in custody is an error."""
    if not prisoners.records or any(p.in_custody for p in prisoners.records):
        return []
    return [
        Problem(
            "no prisoner in custody: every row's status is released, deceased or "
            "unknown, so there is no card to print; check the status column",
            file=prisoners.file,
        )
    ]


def _duplicate_id(
    table: Table, record: Sender | Prisoner, first_row: dict[str, int], column: str
) -> list[Problem]:
    """The problem when ``record``'s id was on an earlier row (``first_row``: id -> row)."""
    first = first_row.setdefault(record.id, record.row)
    if first == record.row:
        return []
    return [
        Problem(
            f"duplicate id {record.id} (also on row {first}); every row needs its own id",
            file=table.name,
            row=record.row,
            column=column,
        )
    ]


def read_senders(
    table: Table,
    columns: ColumnMap | None = None,
    config_name: str = "campaign.toml",
    spooled: bool = True,
) -> People[Sender]:
    """Senders from a table; ``columns`` is the [senders.columns] mapping.

    ``spooled``: the rows' fields are kept in a :class:`Spool` (a print run's memory stays
    flat); else in memory (faster to plan from, for a check that draws nothing).
    """
    return _read(
        table,
        SENDER_FIELDS,
        ("name",),
        columns or {},
        config_name,
        "senders",
        _build_sender,
        spooled,
    )


def _build_sender(r: RowReader) -> Sender | None:
    name = r.required("name")
    if not name:
        return None
    title = r.get("academic_title")
    plain = name.removeprefix(title).strip() if title else name  # a doctorate is no new person
    if title and "name" not in r.columns.parts and not name.startswith(title):
        name = f"{title} {name}"  # "Dr." in its own column, the name in another
    sender_id = r.get("id") or derive_id(plain)
    return Sender(
        id=sender_id,
        name=name,
        row=r.row.number,
        title=r.get("title"),
        parliament=r.get("parliament"),
        group=r.get("group"),
        country=r.get("country"),
        language=_language(r),
        cards=_card_count(r),
        return_address=split_lines(r.get("return_address")),
        signature=r.get("signature"),
        email=r.get("email"),
        family_name=" ".join(filter(None, (r.get("name_infix"), r.get("family_name")))),
        notes=r.get("notes"),
        extra=r.extra(),
    )


def _language(r: RowReader) -> str:
    """The language code, from a code or a name as lists write it (``русский``: ru)."""
    text = r.get("language")
    found = languages_in(text)
    if len(found) > 1:
        r.fail(
            "language",
            f"{text!r} names {len(found)} languages; cards are written in the first, "
            f"{found[0]} (leave one to choose another)",
            warning=True,
        )
    return language_of(text)


def _card_count(r: RowReader) -> int | None:
    text = r.get("cards")
    if not text:
        return None
    if not _WHOLE.fullmatch(text):
        r.fail("cards", f"{text!r} is not a whole number of cards; leave it empty for no cap")
        return None
    return int(text)


_WHOLE = re.compile(r"\d+")


def derive_id(name: str) -> str:
    """A stable id from a name, for sender lists without an id column."""
    slug = re.sub(r"[^a-z0-9]+", "-", to_ascii(name)).strip("-")
    return slug or "sender-" + "-".join(f"{ord(c):x}" for c in name[:6])


def read_prisoners(
    table: Table,
    columns: ColumnMap | None = None,
    config_name: str = "campaign.toml",
    spooled: bool = True,
) -> People[Prisoner]:
    """Prisoners from a table; ``columns`` is the [prisoners.columns] mapping.

    ``spooled``: as for :func:`read_senders`.
    """
    return _read(
        table,
        PRISONER_FIELDS,
        ("id", "name"),
        columns or {},
        config_name,
        "prisoners",
        partial(_build_prisoner, last=latest_birth_year()),  # a year of birth's bound, once
        spooled,
    )


def _build_prisoner(r: RowReader, last: int) -> Prisoner | None:
    """The row's prisoner, its problems in ``r`` (``last``: see :func:`birth_year`)."""
    prisoner_id, name = r.required("id"), r.required("name")
    status = _status(r)
    if not prisoner_id or not name:
        return None
    country = r.get("country")
    prisoner = Prisoner(
        id=prisoner_id,
        name=name,
        row=r.row.number,
        name_dative=r.get("name_dative"),
        name_latin=r.get("name_latin"),
        birth_year=intern(birth_year(r, status != "in_custody", last)),
        institution=intern(r.get("institution")),
        address=tuple(map(intern, address_lines(r))),
        postcode=intern(postcode(r, country or "Belarus")),
        city=intern(r.get("city")),
        region=intern(r.get("region")),
        country=intern(country),
        language=intern(_language(r)),
        status=intern(status),
        photo=r.get("photo"),
        sentence=r.get("sentence"),
        notes=r.get("notes"),
        extra=r.extra(),
    )
    if is_belarus(prisoner.country):
        check_belarus(r, prisoner)
    elif prisoner.in_custody:
        check_addressable(r, prisoner)
    return prisoner


def _status(r: RowReader) -> str:
    text = r.get("status")
    status = status_of(text)
    if status is None:
        shown = ", ".join(s.replace("_", " ") for s in PRISONER_STATUSES)
        r.fail(
            "status",
            f"unknown status {text!r}; use one of {shown} (or as lists write them: "
            "в заключении, этап, освобождена, умер…)",
        )
        return "unknown"
    return status
