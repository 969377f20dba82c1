"""Spreadsheets to rows of text: CSV (any encoding Excel writes), XLSX and ODS.

Every cell comes back as the text a person sees in the spreadsheet, never as a number
or a date object: postcode ``02134`` must not become ``2134.0`` and the country code
``NA`` must not become a missing value.  Which column means what is decided later
(``people.py``); this module only turns a file into a header row and data rows, and
reports the problems in their layout (duplicate or missing headers, extra cells).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.config import Limits
from postcards.errors import InputError, Problem, display_name
from postcards.inputs.csv_text import Record, read_csv
from postcards.inputs.workbooks import ods_records, read_grid, xlsx_records, xlsx_text

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ODS_SUFFIXES = (".ods",)
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
    rows: list[Row]
    encoding: str | None
    delimiter: str | None
    header_row: int = 1
    notes: tuple[Problem, ...] = ()  # warnings about the layout, e.g. which row is the header


def normalize_header(text: str) -> str:
    """The form in which headers are compared: case, spaces, dots and dashes folded."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[_\-.:()/]+", " ", text).split())


def read_table(
    path: str | Path,
    limits: Limits | None = None,
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
) -> Table:
    """Read the first sheet of a CSV, XLSX or ODS file as text.

    Offices put a title, a date or blank rows above the header row.  Given ``known``
    (normalized header names the caller understands), the header is the row, among the
    first :data:`HEADER_SEARCH_ROWS`, with the most known cells (the first on a tie); the
    rows above it are skipped and a note says so.  ``header_row`` forces a row.

    Raises:
        InputError: the file is missing, unreadable, of an unknown type, or its layout
            is wrong (no header row, duplicate or missing headers, extra cells), or an
            XLSX/ODS file would unpack past ``limits`` (default :class:`Limits`).
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
    elif suffix in XLSX_SUFFIXES:
        records = read_grid(path, name, "XLSX", limits, xlsx_records)
    elif suffix in ODS_SUFFIXES:
        records = read_grid(path, name, "ODS", limits, ods_records)
    else:
        supported = ", ".join(CSV_SUFFIXES + XLSX_SUFFIXES + ODS_SUFFIXES)
        kind = f'"{path.suffix}"' if path.suffix else "(no extension)"
        raise InputError(Problem(f"unsupported file type {kind}; use {supported}", file=name))
    start, notes = _header_index(records, name, header_row, known)
    headers, rows = _build_table(records[start:], name, delimiter)
    number = records[start][0] if records else 1
    return Table(path, name, headers, rows, encoding, delimiter, number, notes)


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
    records = list(enumerate([header, *body], 1))
    start, notes = _header_index(records, name, header_row, known)
    headers, rows = _build_table(records[start:], name, None)
    return Table(Path(name), name, headers, rows, None, None, records[start][0], notes)


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


def _build_table(
    records: list[Record], name: str, delimiter: str | None
) -> tuple[list[str], list[Row]]:
    """Split records into headers and rows, collecting every layout problem at once."""
    if not records or not any(_clean(c) for c in records[0][1]):
        raise InputError(
            Problem(
                "no header row; the first row must name the columns (or set header_row)", file=name
            )
        )
    raw = [_clean(c) for c in records[0][1]]
    data = [(number, [_clean(c) for c in cells]) for number, cells in records[1:]]
    data = [(number, cells) for number, cells in data if any(cells)]
    if delimiter is None:  # a grid: a header cell past the last one written is just empty
        raw += [""] * (max((len(c) for _, c in data), default=0) - len(raw))
    header_row = records[0][0]
    problems = _duplicate_headers(raw, name, header_row)
    problems += _unnamed_columns(raw, data, name, header_row)
    problems += _long_rows(raw, data, name, delimiter, header_row)
    if problems:
        raise InputError(problems)
    named = [(i, h) for i, h in enumerate(raw) if h]
    every = len(named) == len(raw)  # no unnamed column: a full row zips with the headers
    rows = [
        Row(
            number,
            dict(zip(raw, cells, strict=False))
            if every and len(cells) >= len(raw)
            else {h: cells[i] if i < len(cells) else "" for i, h in named},
        )
        for number, cells in data
    ]
    return [h for _, h in named], rows


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


def _unnamed_columns(
    raw: list[str], data: list[Record], name: str, header_row: int
) -> list[Problem]:
    """Data under an empty header would be silently lost; columns with no data are fine."""
    problems = []
    for index, header in enumerate(raw):
        if header:
            continue
        found = next((n for n, cells in data if index < len(cells) and cells[index]), None)
        if found is not None:
            message = (
                f"column {index + 1} has no header but row {found} has data in it; "
                f"name the column in row {header_row}"
            )
            problems.append(Problem(message, file=name, row=header_row))
    return problems


def _long_rows(
    raw: list[str], data: list[Record], name: str, delimiter: str | None, header_row: int
) -> list[Problem]:
    """A CSV row longer than the header usually has an unquoted delimiter in a cell."""
    problems = []
    named = sum(1 for h in raw if h)
    hint = _DELIMITER_NAMES.get(delimiter or "", "the delimiter")
    for number, cells in data:
        if len(cells) <= len(raw):
            continue  # no cell past the headers
        used = max(i for i, c in enumerate(cells) if c) + 1
        if used > len(raw):
            message = (
                f"{used} cells but only {named} column headers; put quotes around cells "
                f"that contain {hint}, or name the extra columns in row {header_row}"
            )
            problems.append(Problem(message, file=name, row=number))
    return problems
