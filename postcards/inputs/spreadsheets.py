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
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from postcards.config import Limits
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
    path: str | Path, limits: Limits | None = None, header_row: int | None = None,
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
        records, encoding, delimiter = _read_csv(path, name)
    elif suffix in XLSX_SUFFIXES:
        records = _read_grid(path, name, "XLSX", limits, _xlsx_records)
    elif suffix in ODS_SUFFIXES:
        records = _read_grid(path, name, "ODS", limits, _ods_records)
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
#
# Both are zip files of XML.  A few megabytes on disk can expand to gigabytes (a "zip
# bomb"), and XML can define entities that expand to gigabytes too ("billion laughs").
# So the zip's members are sized before anything is parsed, every XML read goes through
# defusedxml (which refuses DTDs and entities), and cells are counted while streaming.




#: A member this much larger unpacked than packed is repetition, not a spreadsheet.
_MAX_RATIO = 1000
_RATIO_FLOOR = 10_000_000  # small members may compress as they like
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _read_grid(
    path: Path, name: str, kind: str, limits: Limits,
    reader: Callable[[Path, str, Limits], Iterator[Record]],
) -> list[Record]:
    """Run a spreadsheet reader, turning whatever a damaged file raises into one message."""
    try:
        _check_unpacked_size(path, name, limits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing here
            return list(reader(path, name, limits))
    except InputError:
        raise
    except Exception as exc:  # a damaged zip or XML fails in many ways, all the same to us
        if _defused(exc):
            message = (f"refused: its XML declares entities or a DTD, which {kind} files "
                       "never need (they can expand to gigabytes); open it in Excel or "
                       "LibreOffice and save again")
        else:
            reason = str(exc) or type(exc).__name__
            message = (f"cannot read as {kind}: {reason}; open it in Excel or LibreOffice "
                       "and save again")
        raise InputError(Problem(message, file=name)) from None


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, perhaps under what openpyxl wraps it in."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _too_large(name: str, what: str) -> InputError:
    return InputError(Problem(
        f"{what}; this is not an address list (or it "
        f"is damaged): save the sheet again with only its rows, or raise [inputs] "
        f"max_megabytes / max_cells in campaign.toml", file=name))


def _check_unpacked_size(path: Path, name: str, limits: Limits) -> None:
    """Refuse a zip whose members would unpack past the limit, before any is read.

    Python's zipfile never returns more than a member's declared size (a member that
    lies fails its CRC check), so the declared sizes are a real bound.
    """
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_bytes:
        raise _too_large(name, f"unpacks to {total / 1e6:,.0f} MB, more than the limit "
                         f"of {limits.max_megabytes:g} MB")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > _MAX_RATIO:
            raise _too_large(name, f"{member.filename} unpacks to {ratio:,.0f} times its "
                             f"packed size, more than the limit of {_MAX_RATIO} times")


def _cell_limit(name: str, limits: Limits) -> InputError:
    return _too_large(name, f"has more than the limit of {limits.max_cells:,} cells")


def _count_xlsx_cells(path: Path, name: str, limits: Limits) -> None:
    """Count the cell elements of every worksheet, streaming, before openpyxl builds them."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.startswith("xl/worksheets/") or not member.endswith(".xml"):
                continue
            count, tail = 0, b""
            with archive.open(member) as handle:
                while chunk := handle.read(1 << 20):
                    data = tail + chunk
                    count += len(_CELL.findall(data))
                    tail = data[-64:]
                    count -= len(_CELL.findall(tail))  # counted again with the next chunk
                    if count > limits.max_cells:
                        raise _cell_limit(name, limits)
            if count + len(_CELL.findall(tail)) > limits.max_cells:
                raise _cell_limit(name, limits)


def _xlsx_records(path: Path, name: str, limits: Limits) -> Iterator[Record]:
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False in the environment
        raise InputError(Problem("openpyxl is set not to use defusedxml "
                                 "(OPENPYXL_DEFUSEDXML); unset it", file=name))
    _count_xlsx_cells(path, name, limits)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows
        cells = 0
        for number, row in enumerate(sheet.iter_rows(), 1):
            cells += len(row)
            if cells > limits.max_cells:
                raise _cell_limit(name, limits)
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


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


class _OdsBudget:
    """Counts cells as they stream by: elements parsed and cells built from repeats."""

    def __init__(self, name: str, limits: Limits):
        self.name, self.limits, self.used = name, limits, 0

    def spend(self, cells: int) -> None:
        self.used += cells
        if self.used > self.limits.max_cells:
            raise _cell_limit(self.name, self.limits)


def _ods_records(path: Path, name: str, limits: Limits) -> Iterator[Record]:
    """The first table of content.xml, streamed with defusedxml; rows freed as read."""
    from defusedxml.ElementTree import iterparse

    table, row, cell = _q(_TABLE, "table"), _q(_TABLE, "table-row"), _q(_TABLE, "table-cell")
    covered = _q(_TABLE, "covered-table-cell")
    elements, built = _OdsBudget(name, limits), _OdsBudget(name, limits)
    stack: list[Any] = []
    tables = 0
    number = 1
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        for event, element in iterparse(handle, events=("start", "end")):
            if event == "start":
                stack.append(element)
                if element.tag == table:
                    tables += 1
                    if tables > 1:
                        return  # only the first sheet is read
                elif element.tag in (cell, covered):
                    elements.spend(1)
                continue
            stack.pop()
            if element.tag != row or tables != 1:
                continue
            repeat = int(element.get(_q(_TABLE, "number-rows-repeated"), 1))
            cells = _ods_cells(element, built)
            if cells:  # empty tails repeat a million times
                built.spend(len(cells) * (repeat - 1))
                for offset in range(repeat):
                    yield number + offset, cells
            number += repeat
            if stack:
                stack[-1].remove(element)  # keep memory flat: the row is done


def _ods_cells(row: Any, budget: _OdsBudget) -> list[str]:
    """Cell texts up to the last non-empty one; empty repeats are counted, not built."""
    cells: list[str] = []
    pending = 0
    for cell in row:
        if cell.tag not in (_q(_TABLE, "table-cell"), _q(_TABLE, "covered-table-cell")):
            continue
        repeat = int(cell.get(_q(_TABLE, "number-columns-repeated"), 1))
        text = _ods_text(cell)
        if not text:
            pending += repeat
            continue
        budget.spend(pending + repeat)
        cells += [""] * pending + [text] * repeat
        pending = 0
    return cells


def _ods_text(cell: Any) -> str:
    """The displayed text of an ODS cell: its paragraphs joined by newlines.

    Dates use their ISO value instead, as in XLSX; a cell with a value but no displayed
    text (some generators write none) falls back to the value.
    """
    value_type = cell.get(_q(_OFFICE, "value-type"))
    if value_type == "date":
        return (
            cell.get(_q(_OFFICE, "date-value"), "")
            .removesuffix("T00:00:00")
            .replace("T", " ")
        )
    paragraphs = [c for c in cell if c.tag == _q(_TEXT, "p")]
    if paragraphs:
        return "\n".join(_odf_inline_text(p) for p in paragraphs)
    if value_type == "boolean":
        return cell.get(_q(_OFFICE, "boolean-value"), "").upper()
    if value_type in ("float", "percentage", "currency"):
        return _xlsx_text(float(cell.get(_q(_OFFICE, "value"), "0")))
    return cell.get(_q(_OFFICE, "string-value"), "")


def _odf_inline_text(element: Any) -> str:
    """Text of a paragraph, expanding ODF's space, tab and line-break elements."""
    parts = [element.text or ""]
    for node in element:
        if node.tag == _q(_TEXT, "s"):
            parts.append(" " * int(node.get(_q(_TEXT, "c"), 1)))
        elif node.tag == _q(_TEXT, "tab"):
            parts.append("\t")
        elif node.tag == _q(_TEXT, "line-break"):
            parts.append("\n")
        elif not node.tag.startswith(f"{{{_OFFICE}}}"):  # spans hold text; notes do not
            parts.append(_odf_inline_text(node))
        parts.append(node.tail or "")
    return "".join(parts)
