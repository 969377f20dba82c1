"""Spreadsheets to rows of text: CSV (any encoding Excel writes), XLSX and ODS.

Every cell comes back as the text a person sees in the spreadsheet, never as a number
or a date object: postcode ``02134`` must not become ``2134.0`` and the country code
``NA`` must not become a missing value.  Which column means what is decided later
(``people.py``); this module only turns a file into a header row and data rows, and
reports the problems in their layout (duplicate or missing headers, extra cells).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.errors import InputError, Problem, display_name

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ODS_SUFFIXES = (".ods",)
DELIMITERS = (",", ";", "\t", "|")  # on a tie the earlier one wins
_DELIMITER_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a vertical bar (|)"}
_ENCODING_HELP = 'cannot tell the encoding; save it as "CSV UTF-8" from Excel or LibreOffice'
_WORD = re.compile(r"[^\W\d_]+")  # a run of letters in any script

Record = tuple[int, list[str]]  # (row number as the spreadsheet shows it, raw cells)
#: How far down a sheet the header row is looked for: title, date and blank rows above it.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
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
    path: str | Path, header_row: int | None = None, known: frozenset[str] = frozenset()
) -> Table:
    """Read the first sheet of a CSV, XLSX or ODS file as text.

    Offices put a title, a date or blank rows above the header row.  Given ``known``
    (normalized header names the caller understands), the header is the row, among the
    first :data:`HEADER_SEARCH_ROWS`, with the most known cells (the first on a tie); the
    rows above it are skipped and a note says so.  ``header_row`` forces a row.

    Raises:
        InputError: the file is missing, unreadable, of an unknown type, or its layout
            is wrong (no header row, duplicate or missing headers, extra cells).
    """
    path = Path(path)
    name = display_name(path)
    if not path.is_file():
        raise InputError(Problem("file not found", file=name))
    suffix = path.suffix.lower()
    encoding: str | None = None
    delimiter: str | None = None
    if suffix in CSV_SUFFIXES:
        records, encoding, delimiter = _read_csv(path, name)
    elif suffix in XLSX_SUFFIXES:
        records = _read_grid(path, name, "XLSX", _xlsx_records)
    elif suffix in ODS_SUFFIXES:
        records = _read_grid(path, name, "ODS", _ods_records)
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
    """Which record holds the headers (an index into ``records``), and a note when it
    is not the first row."""
    if forced is not None:
        index = next((i for i, (n, _) in enumerate(records) if n == forced), None)
        if index is None or not any(_clean(c) for c in records[index][1]):
            raise InputError(Problem(
                f"header_row = {forced}, but row {forced} is empty or past the end; "
                "give the row that names the columns", file=name))
        return index, ()
    scores = [sum(normalize_header(_clean(c)) in known for c in cells)
              for _, cells in records[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0 or scores[0] == max(scores):
        return 0, ()
    index = scores.index(max(scores))
    above = [" ".join(c for c in (_clean(x) for x in cells) if c)
             for _, cells in records[:index]]
    shown = "; ".join(repr(a[:40]) for a in above if a) or "blank rows"
    note = Problem(
        f"took row {records[index][0]} as the header row (above it: {shown}); set "
        "header_row in campaign.toml if another row names the columns",
        file=name, row=records[index][0], warning=True)
    return index, (note,)


def table_from_dataframe(
    frame: Any, name: str = "DataFrame", header_row: int | None = None,
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
        raise InputError(Problem(f"not a spreadsheet file or a pandas DataFrame: "
                                 f"{type(frame).__name__}", file=name))
    header = [_frame_text(c, pandas) for c in frame.columns]
    body = [[_frame_text(v, pandas) for v in row]
            for row in frame.itertuples(index=False, name=None)]
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
    return _xlsx_text(value)


# --- turning records into a checked table -------------------------------------------


def _clean(text: str) -> str:
    """Strip a cell and use "\\n" for line breaks, whatever the file's line ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _build_table(
    records: list[Record], name: str, delimiter: str | None
) -> tuple[list[str], list[Row]]:
    """Split records into headers and rows, collecting every layout problem at once."""
    if not records or not any(_clean(c) for c in records[0][1]):
        raise InputError(Problem(
            "no header row; the first row must name the columns (or set header_row)",
            file=name))
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
    rows = [
        Row(number, {h: cells[i] if i < len(cells) else "" for i, h in named})
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
        used = max(i for i, c in enumerate(cells) if c) + 1
        if used > len(raw):
            message = (
                f"{used} cells but only {named} column headers; put quotes around cells "
                f"that contain {hint}, or name the extra columns in row {header_row}"
            )
            problems.append(Problem(message, file=name, row=number))
    return problems


# --- CSV ------------------------------------------------------------------------------


def _read_csv(path: Path, name: str) -> tuple[list[Record], str, str]:
    """Decode, sniff the delimiter from the header line and split into records."""
    data = _read_bytes(path, name)
    encoding = _detect_encoding(data, name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(Problem(_ENCODING_HELP, file=name)) from None
    if "\x00" in text:  # UTF-16 without a BOM, or not a text file at all
        raise InputError(Problem(_ENCODING_HELP, file=name))
    delimiter = _sniff_delimiter(text, "\t" if path.suffix.lower() == ".tsv" else ",")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = [(number, cells) for number, cells in enumerate(reader, 1)]
    except csv.Error as exc:
        raise InputError(Problem(f"cannot read as CSV: {exc}", file=name)) from None
    return records, encoding, delimiter


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(f"cannot open: {exc.strerror}", file=name)) from None


def _detect_encoding(data: bytes, name: str) -> str:
    """Name the encoding of a CSV file: a BOM, else UTF-8, else cp1251 or cp1250.

    Excel saves "CSV" in the Windows code page of the computer: cp1251 on a Russian or
    Belarusian Windows, cp1250 on a Polish or Czech one; both decode any byte, so the
    choice rests on which one yields plausible words.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _utf16_text(data):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_code_page(data)
    if guess is None:
        raise InputError(Problem(_ENCODING_HELP, file=name))
    return guess


def _utf16_text(data: bytes) -> bool:
    """A UTF-16 BOM that starts real UTF-16 text, not cp1251 "юя" (the same two bytes).

    The rest must decode, and hold an ASCII character (a line end, a delimiter, a digit:
    any table of two rows has one) or only Latin and Cyrillic letters and punctuation;
    cp1251 bytes read in pairs give CJK, Hangul, Malayalam or private-use characters.
    """
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return False
    if any(c.isascii() for c in text):
        return True
    return all(c <= "ԯ" or " " <= c <= "⅏" for c in text)


def _guess_code_page(data: bytes) -> str | None:
    """Pick cp1251 or cp1250 by counting plausible and implausible non-ASCII words.

    Cyrillic read as cp1250 gives words with no ASCII letter ("Ŕëĺńü"); Polish read as
    cp1251 gives Cyrillic letters inside Latin words ("Јukasz").  Short texts defeat
    statistical detectors, so we judge word shapes instead.
    """
    scores: dict[str, int] = {}
    checks: dict[str, Callable[[str], bool]] = {"cp1251": _cyrillic, "cp1250": _central}
    for encoding, plausible in checks.items():
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        words = Counter(w for w in _WORD.findall(text) if not w.isascii())
        score = sum(n if plausible(w) else -n for w, n in words.items())
        if score >= 0:
            scores[encoding] = score
    return max(scores, key=scores.__getitem__) if scores else None


def _cased(word: str) -> bool:
    """Capitalised, lower or upper case: a word read in the wrong code page often isn't."""
    return len(word) == 1 or word[1:].islower() or word.isupper()


def _cyrillic(word: str) -> bool:
    # Belarusian "і" is often typed as a Latin "i" on a Russian keyboard: "Лосiк".
    letters = word.replace("i", "").replace("I", "")
    return _cased(word) and bool(letters) and all("\u0400" <= c <= "\u04ff" for c in letters)


def _central(word: str) -> bool:
    latin = all(c.isascii() or "\u00c0" <= c <= "\u017f" for c in word)
    return _cased(word) and latin and any(c.isascii() for c in word)


def _sniff_delimiter(text: str, default: str = ",") -> str:
    """The most frequent of , ; tab | outside quotes in the header line.

    csv.Sniffer guesses from letter frequencies across lines and is fooled by addresses
    full of commas; the header line has no such cells.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else default


# --- XLSX and ODS ---------------------------------------------------------------------


def _read_grid(
    path: Path, name: str, kind: str, reader: Callable[[Path], Iterator[Record]]
) -> list[Record]:
    """Run a spreadsheet reader, turning whatever a damaged file raises into one message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing here
            return list(reader(path))
    except InputError:
        raise
    except Exception as exc:  # a damaged zip or XML fails in many ways, all the same to us
        reason = str(exc) or type(exc).__name__
        message = f"cannot read as {kind}: {reason}; open it in Excel or LibreOffice and save again"
        raise InputError(Problem(message, file=name)) from None


def _xlsx_records(path: Path) -> Iterator[Record]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows
        for number, row in enumerate(sheet.iter_rows(), 1):
            yield number, [_xlsx_text(c.value, c.number_format) for c in row]
    finally:
        book.close()


def _xlsx_text(value: Any, number_format: str | None = None) -> str:
    """The text a person reads in an XLSX cell, as far as a postcard needs it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.15g}"  # Excel keeps 15 significant digits
    if isinstance(value, int | float):
        text = str(int(value))
        zeros = re.fullmatch(r"0+", number_format or "")
        return text.zfill(len(zeros.group())) if zeros and value >= 0 else text
    return str(value)


def _ods_records(path: Path) -> Iterator[Record]:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table as OdfTable

    sheets = load(str(path)).spreadsheet.getElementsByType(OdfTable)
    if not sheets:
        return
    number = 1
    for row in _ods_rows(sheets[0]):
        repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
        cells = _ods_cells(row)
        for offset in range(repeat if cells else 0):  # empty tails repeat a million times
            yield number + offset, cells
        number += repeat


def _ods_rows(element: Any) -> Iterator[Any]:
    """Rows of a sheet, including those inside header-row and row-group wrappers."""
    for child in element.childNodes:
        local = getattr(child, "qname", (None, None))[1]
        if local == "table-row":
            yield child
        elif local in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _ods_rows(child)


def _ods_cells(row: Any) -> list[str]:
    """Cell texts up to the last non-empty one; empty repeats are counted, not built."""
    from odf.namespaces import TABLENS

    cells: list[str] = []
    pending = 0
    for cell in row.childNodes:
        if getattr(cell, "qname", (None, None))[1] not in ("table-cell", "covered-table-cell"):
            continue
        repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
        text = _ods_text(cell)
        if not text:
            pending += repeat
            continue
        cells += [""] * pending + [text] * repeat
        pending = 0
    return cells


def _ods_text(cell: Any) -> str:
    """The displayed text of an ODS cell: its paragraphs joined by newlines.

    Dates use their ISO value instead, as in XLSX; a cell with a value but no displayed
    text (some generators write none) falls back to the value.
    """
    from odf.namespaces import OFFICENS, TEXTNS

    value_type = cell.attributes.get((OFFICENS, "value-type"))
    if value_type == "date":
        return (
            cell.attributes.get((OFFICENS, "date-value"), "")
            .removesuffix("T00:00:00")
            .replace("T", " ")
        )
    paragraphs = [c for c in cell.childNodes if getattr(c, "qname", None) == (TEXTNS, "p")]
    if paragraphs:
        return "\n".join(_odf_inline_text(p) for p in paragraphs)
    if value_type == "boolean":
        return cell.attributes.get((OFFICENS, "boolean-value"), "").upper()
    if value_type in ("float", "percentage", "currency"):
        return _xlsx_text(float(cell.attributes.get((OFFICENS, "value"), "0")))
    return cell.attributes.get((OFFICENS, "string-value"), "")


def _odf_inline_text(element: Any) -> str:
    """Text of a paragraph, expanding ODF's space, tab and line-break elements."""
    from odf.namespaces import OFFICENS, TEXTNS

    parts = []
    for node in element.childNodes:
        if node.nodeType == node.TEXT_NODE:
            parts.append(str(node.data))
            continue
        namespace, local = node.qname
        if namespace == TEXTNS and local == "s":
            parts.append(" " * int(node.attributes.get((TEXTNS, "c"), 1)))
        elif namespace == TEXTNS and local == "tab":
            parts.append("\t")
        elif namespace == TEXTNS and local == "line-break":
            parts.append("\n")
        elif namespace != OFFICENS:  # spans and links hold text; annotations do not
            parts.append(_odf_inline_text(node))
    return "".join(parts)
