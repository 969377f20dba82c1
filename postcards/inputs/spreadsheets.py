"""Spreadsheets to rows of text: CSV (any encoding Excel writes), XLSX, XLS and ODS.

Every cell comes back as the text a person sees in the spreadsheet, never as a number
or a date object: postcode ``02134`` must not become ``2134.0`` and the country code
``NA`` must not become a missing value.  Which column means what is decided later
(``people.py``); this module only turns a file into a header row and data rows, and
reports the problems in their layout (duplicate or missing headers, extra cells).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.config import Limits
from postcards.errors import InputError, Problem, display_name
from postcards.inputs.calamine_grids import xls_records
from postcards.inputs.cells import Record
from postcards.inputs.csv_text import read_csv
from postcards.inputs.ods import ods_records
from postcards.inputs.workbooks import read_grid, xlsx_text

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_SUFFIXES = (".xls",)
ODS_SUFFIXES = (".ods",)
#: Bytes a list file uploaded to the desk may have (a workbook is also held to ``[inputs]``
#: limits once it is read); the station refuses a larger body before reading it.
MAX_UPLOAD = 20 * 1024 * 1024
_DELIMITER_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a vertical bar (|)"}

#: How far down a sheet the header row is looked for: title, date and blank rows above it.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its number as the spreadsheet shows it and its cells by header."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """The first sheet of a spreadsheet, every cell as stripped text."""

    path: Path
    name: str
    headers: list[str]
    rows: Iterable[Row]  # a list, or with read_table(stream=True) one pass over the file
    encoding: str | None
    delimiter: str | None
    header_row: int = 1
    notes: tuple[Problem, ...] = ()  # warnings about the layout, e.g. which row is the header


def normalize_header(text: str) -> str:
    """The form in which headers are compared: case, spaces, dots, commas and dashes folded."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[_\-.,;:()/]+", " ", text).split())


def read_table(
    path: str | Path,
    limits: Limits | None = None,
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
    stream: bool = False,
) -> Table:
    """Read the first sheet of a CSV, XLSX, XLS (Excel 97-2003) or ODS file as text.

    Offices put a title, a date or blank rows above the header row.  Given ``known``
    (normalized header names the caller understands), the header is the row, among the
    first :data:`HEADER_SEARCH_ROWS`, with the most known cells (the first on a tie); the
    rows above it are skipped and a note says so.  ``header_row`` forces a row.

    With ``stream``, the table's rows are read from the file as they are taken, once: a
    list of 100,000 prisoners is never in memory whole, and a layout problem in a row
    (extra cells, data under no header) is raised when the rows end.

    Raises:
        InputError: the file is missing, unreadable, of an unknown type, or its layout
            is wrong (no header row, duplicate or missing headers, extra cells), or a
            workbook would unpack past ``limits`` (default :class:`Limits`), or an ``.xls``
            file is a web page or text, or is protected with a password.
    """
    limits = limits or Limits()
    path = Path(path)
    name = display_name(path)
    if not path.is_file():
        raise InputError(Problem("file not found", file=name))
    suffix = path.suffix.lower()
    encoding: str | None = None
    delimiter: str | None = None
    if suffix in CSV_SUFFIXES:
        records, encoding, delimiter = read_csv(path, name)
    elif suffix in XLSX_SUFFIXES + XLS_SUFFIXES:
        records = xls_records(path, name, limits)  # looks at what the file is, then reads it
    elif suffix in ODS_SUFFIXES:
        records = read_grid(path, name, "ODS", limits, ods_records)
    else:
        supported = ", ".join(CSV_SUFFIXES + XLSX_SUFFIXES + XLS_SUFFIXES + ODS_SUFFIXES)
        kind = f'"{path.suffix}"' if path.suffix else "(no extension)"
        raise InputError(Problem(f"unsupported file type {kind}; use {supported}", file=name))
    table = _table(path, name, records, encoding, delimiter, header_row, known)
    return table if stream else dataclasses.replace(table, rows=list(table.rows))


def _table(
    path: Path,
    name: str,
    records: Iterator[Record],
    encoding: str | None,
    delimiter: str | None,
    header_row: int | None,
    known: frozenset[str],
) -> Table:
    """The header found among the first records, and the rest as a stream of rows."""
    head = _head(records, max(HEADER_SEARCH_ROWS, header_row or 0))
    start, notes = _header_index(head, name, header_row, known)
    rest = itertools.chain(head[start:], records)
    headers, rows = _stream_table(rest, name, delimiter)
    number = head[start][0] if head else 1
    return Table(path, name, headers, rows, encoding, delimiter, number, notes)


def _head(records: Iterator[Record], rows: int) -> list[Record]:
    """The records up to row number ``rows`` (the header is looked for among them)."""
    head: list[Record] = []
    for record in records:
        head.append(record)
        if record[0] >= rows:
            break
    return head


def _header_index(
    records: list[Record], name: str, forced: int | None, known: frozenset[str]
) -> tuple[int, tuple[Problem, ...]]:
    """Which record holds the headers (an index into ``records``).

    Also returns a note when it is not the first row.
    """
    if forced is not None:
        index = next((i for i, (n, _) in enumerate(records) if n == forced), None)
        if index is None or not any(_clean(c) for c in records[index][1]):
            raise InputError(
                Problem(
                    f"header_row = {forced}, but row {forced} is empty or past the end; "
                    "give the row that names the columns",
                    file=name,
                )
            )
        return index, ()
    scores = [
        sum(normalize_header(_clean(c)) in known for c in cells)
        for _, cells in records[:HEADER_SEARCH_ROWS]
    ]
    if not scores or max(scores) == 0 or scores[0] == max(scores):
        return 0, ()
    index = scores.index(max(scores))
    above = [" ".join(c for c in (_clean(x) for x in cells) if c) for _, cells in records[:index]]
    shown = "; ".join(repr(a[:40]) for a in above if a) or "blank rows"
    note = Problem(
        f"took row {records[index][0]} as the header row (above it: {shown}); set "
        "header_row in campaign.toml if another row names the columns",
        file=name,
        row=records[index][0],
        warning=True,
    )
    return index, (note,)


def table_from_dataframe(
    frame: Any,
    name: str = "DataFrame",
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
) -> Table:
    """A pandas DataFrame as a :class:`Table`, with the checks a file gets.

    The column names are the header row (row 1) and the frame's rows follow from row 2,
    as the frame would show once written to a spreadsheet, whatever its index.  Cells
    become text as in XLSX: ``NaN`` and ``None`` are empty, whole floats lose their
    ``.0``, dates are ISO.  pandas is imported only here, by a caller that has a frame.

    Raises:
        InputError: the frame's layout is wrong (duplicate or unnamed columns with data).
    """
    import pandas

    if not isinstance(frame, pandas.DataFrame):
        raise InputError(
            Problem(
                f"not a spreadsheet file or a pandas DataFrame: {type(frame).__name__}", file=name
            )
        )
    header = [_frame_text(c, pandas) for c in frame.columns]
    body = [
        [_frame_text(v, pandas) for v in row] for row in frame.itertuples(index=False, name=None)
    ]
    records = enumerate([header, *body], 1)
    table = _table(Path(name), name, records, None, None, header_row, known)
    return dataclasses.replace(table, rows=list(table.rows))


def _frame_text(value: Any, pandas: Any) -> str:
    """A DataFrame cell as the text a person would see in the spreadsheet."""
    if value is None or (not isinstance(value, str | list | tuple) and pandas.isna(value)):
        return ""
    if isinstance(value, pandas.Timestamp):
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    return xlsx_text(value)


# --- turning records into a checked table -------------------------------------------


def _clean(text: str) -> str:
    """Strip a cell and use a lone line feed for line breaks, whatever the file's line ends."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _cleaned(cells: list[str]) -> list[str]:
    """:func:`_clean` of every cell; the usual row, with no carriage return, at C speed."""
    if "\r" in "".join(cells):
        return [_clean(c) for c in cells]
    return list(map(str.strip, cells))


def _stream_table(
    records: Iterator[Record], name: str, delimiter: str | None
) -> tuple[list[str], Iterator[Row]]:
    """The headers, and the data rows as they are read.

    A missing header row is raised at once; the other problems of the layout (a header
    used twice, data under no header, extra cells) are collected and raised, all at once,
    when the rows end.
    """
    first = next(records, None)
    if first is None or not any(_clean(c) for c in first[1]):
        raise InputError(
            Problem(
                "no header row; the first row must name the columns (or set header_row)", file=name
            )
        )
    header_row, raw = first[0], [_clean(c) for c in first[1]]
    duplicates = _duplicate_headers(raw, name, header_row)
    return [h for h in raw if h], _rows(records, raw, name, delimiter, header_row, duplicates)


def _rows(
    records: Iterator[Record],
    raw: list[str],
    name: str,
    delimiter: str | None,
    header_row: int,
    duplicates: list[Problem],
) -> Iterator[Row]:
    """The non-blank rows below the header, each cell under its header.

    The layout's problems (``duplicates``: headers used twice) are raised when they end.
    """
    named = [(i, h) for i, h in enumerate(raw) if h]
    every = len(named) == len(raw)  # no unnamed column: a full row zips with the headers
    unnamed: dict[int, int] = {}  # column index -> the first row with data in it
    problems: list[Problem] = []
    for number, record in records:
        if every and len(record) == len(raw):  # the usual row: a cell under each header
            joined = "".join(record)
            if "\r" not in joined:  # and no carriage return to tidy: each cell only stripped
                if joined and not joined.isspace():  # else blank
                    yield Row(number, dict(zip(raw, map(str.strip, record), strict=True)))
                continue
        cells = _cleaned(record)
        if not any(cells):
            continue
        if not every or len(cells) > len(raw):
            _layout(cells, raw, number, delimiter, unnamed, problems, name, header_row)
        yield Row(
            number,
            dict(zip(raw, cells, strict=False))
            if every and len(cells) >= len(raw)
            else {h: cells[i] if i < len(cells) else "" for i, h in named},
        )
    problems[:0] = [_unnamed_column(i, row, name, header_row) for i, row in sorted(unnamed.items())]
    problems[:0] = duplicates
    if problems:
        raise InputError(problems)


def _layout(
    cells: list[str],
    raw: list[str],
    number: int,
    delimiter: str | None,
    unnamed: dict[int, int],
    problems: list[Problem],
    name: str,
    header_row: int,
) -> None:
    """A row's data that no header names.

    In a grid (XLSX, ODS) a header cell past the last one written is just empty, so a
    cell beyond the header row is data in an unnamed column; in a CSV file a longer row
    usually means an unquoted delimiter in a cell.
    """
    for index, cell in enumerate(cells):
        beyond = index >= len(raw)
        if cell and (not beyond and not raw[index] or beyond and delimiter is None):
            unnamed.setdefault(index, number)
    if delimiter is None or len(cells) <= len(raw):
        return
    used = max(i for i, c in enumerate(cells) if c) + 1
    if used > len(raw):
        hint = _DELIMITER_NAMES.get(delimiter, "the delimiter")
        message = (
            f"{used} cells but only {sum(1 for h in raw if h)} column headers; put quotes "
            f"around cells that contain {hint}, or name the extra columns in row {header_row}"
        )
        problems.append(Problem(message, file=name, row=number))


def _unnamed_column(index: int, row: int, name: str, header_row: int) -> Problem:
    """Data under an empty header would be silently lost; columns with no data are fine."""
    message = (
        f"column {index + 1} has no header but row {row} has data in it; "
        f"name the column in row {header_row}"
    )
    return Problem(message, file=name, row=header_row)


def _duplicate_headers(raw: list[str], name: str, header_row: int) -> list[Problem]:
    """A header used twice would make one of the two columns unreachable."""
    first: dict[str, int] = {}
    problems = []
    for index, header in enumerate(raw, 1):
        if header and header in first:
            message = f"column appears twice (columns {first[header]} and {index}); rename one"
            problems.append(Problem(message, file=name, row=header_row, column=header))
        first.setdefault(header, index)
    return problems
