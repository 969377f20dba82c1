"""XLSX and ODS workbooks, read safely; XLSX through openpyxl.

Both are zip files of XML.  A few megabytes on disk can expand to gigabytes (a "zip
bomb"), and XML can define entities that expand to gigabytes too ("billion laughs").
So the zip's members are sized before anything is parsed, every XML read goes through
defusedxml (which refuses DTDs and entities), and cells are counted while streaming.

A reader that loads a whole sheet (python-calamine) allocates one slot for every cell of
the rectangle its cells span: a 10 kB file with a cell in A1 and one in XFD1048576 would
ask for 17 billion.  So every worksheet is first surveyed as bytes, streamed, with regular
expressions (:func:`survey_xlsx`): its cells are counted against the limit, and the last
row and column any cell names are found.  The same pass finds what python-calamine reads
otherwise than openpyxl: error cells, ISO date cells, cells without a reference, and the
cells of the first sheet formatted ``000000``, whose leading zeros only the format keeps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from postcards.config import Limits
from postcards.errors import InputError, Problem
from postcards.inputs.cells import Record

#: A member this much larger unpacked than packed is repetition, not a spreadsheet.
_MAX_RATIO = 1000


_RATIO_FLOOR = 10_000_000  # small members may compress as they like

#: Rows a reader reads with its warnings silenced before they go to the caller.
_QUIET_ROWS = 256


def read_grid(
    path: Path,
    name: str,
    kind: str,
    limits: Limits,
    reader: Callable[[Path, str, Limits], Iterator[Record]],
) -> Iterator[Record]:
    """Run a spreadsheet reader, turning whatever a damaged file raises into one message.

    The records come as the reader reads them, :data:`_QUIET_ROWS` rows at a time: the
    reader's warnings (openpyxl's about styles, which mean nothing here) are silenced
    while it reads, never while the caller works on what it read, and silencing them
    costs about 5 µs, too much to pay on every row of a long list.
    """
    try:
        _check_unpacked_size(path, name, limits)
        records = reader(path, name, limits)
        while True:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                batch = list(itertools.islice(records, _QUIET_ROWS))
            yield from batch
            if len(batch) < _QUIET_ROWS:
                return
    except InputError:
        raise
    except Exception as exc:  # a damaged zip or XML fails in many ways, all the same to us
        raise InputError(Problem(_damaged(exc, kind), file=name)) from None


def _damaged(exc: Exception, kind: str) -> str:
    """The message for a file the reader could not read."""
    if _defused(exc):
        return (
            f"refused: its XML declares entities or a DTD, which {kind} files "
            "never need (they can expand to gigabytes); open it in Excel or "
            "LibreOffice and save again"
        )
    reason = str(exc) or type(exc).__name__
    return f"cannot read as {kind}: {reason}; open it in Excel or LibreOffice and save again"


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, perhaps under what openpyxl wraps it in."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def too_large(name: str, what: str) -> InputError:
    """The refusal of a workbook past a limit, saying which and how to get under it."""
    return InputError(
        Problem(
            f"{what}; this is not an address list (or it "
            f"is damaged): save the sheet again with only its rows, or raise [inputs] "
            f"max_megabytes / max_cells in campaign.toml",
            file=name,
        )
    )


def _check_unpacked_size(path: Path, name: str, limits: Limits) -> None:
    """Refuse a zip whose members would unpack past the limit, before any is read.

    Python's zipfile never returns more than a member's declared size (a member that
    lies fails its CRC check), so the declared sizes are a real bound.
    """
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_bytes:
        raise too_large(
            name,
            f"unpacks to {total / 1e6:,.0f} MB, more than the limit of {limits.max_megabytes:g} MB",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > _MAX_RATIO:
            raise too_large(
                name,
                f"{member.filename} unpacks to {ratio:,.0f} times its "
                f"packed size, more than the limit of {_MAX_RATIO} times",
            )


def cell_limit(name: str, limits: Limits) -> InputError:
    """The refusal of a workbook with more cells than ``limits`` allow."""
    return too_large(name, f"has more than the limit of {limits.max_cells:,} cells")


def xlsx_records(
    path: Path, name: str, limits: Limits, survey: Survey | None = None
) -> Iterator[Record]:
    """The numbered rows of an XLSX file's first sheet as text, within ``limits``.

    The formatted empty rows after the last cell (a sheet "used" down to row 11,600,000)
    are never parsed, which took a minute and a gigabyte.
    """
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False in the environment
        raise InputError(
            Problem(
                "openpyxl is set not to use defusedxml (OPENPYXL_DEFUSEDXML); unset it", file=name
            )
        )
    survey = survey or survey_xlsx(path, name, limits)
    last = None if survey.refless else survey.last_row
    # From a handle, not a path: openpyxl refuses an XLSX that is named .xls by its name.
    # Closed also when openpyxl refuses the file (entities in its XML, damage).
    with path.open("rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows
            cells = 0
            for number, row in enumerate(sheet.iter_rows(), 1):
                if last is not None and number > last:
                    break  # only empty rows follow
                cells += len(row)
                if cells > limits.max_cells:
                    raise cell_limit(name, limits)
                yield number, [xlsx_text(c.value, c.number_format) for c in row]
        finally:
            book.close()


def xlsx_text(value: Any, number_format: str | None = None) -> str:
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


# --- the survey: what the worksheets hold, from their bytes ---------------------------

_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?c"
_CELL = re.compile(_PREFIX + rb"[\s/>]")
#: A cell's column and row, from its reference (``<c r="B12" …>``).  A cell whose reference
#: this does not find (none, or spelled otherwise) leaves the cell count and the reference
#: count unequal, and the span unknown.
_CELL_REF = re.compile(_PREFIX + rb"""\s[^<>]*?\br=["']\$?([A-Za-z]{1,3})\$?(\d+)["']""")
#: Cells whose value python-calamine reads otherwise: errors (``#N/A``), ISO dates.  Looked
#: for as plain bytes, which is fast; a match elsewhere only sends the file to openpyxl.
_ODD_TYPES = (b't="e"', b't="d"', b"t='e'", b"t='d'")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OVERLAP = 512  # bytes kept from one chunk to the next, longer than any cell tag we match


@dataclass
class Survey:
    """What the scan learnt; ``last_row`` and ``last_column`` are over every worksheet.

    ``refless`` means a cell gives no reference we could read, so the span is unknown; ``odd_types``
    that some cell is an error or an ISO date; ``padded`` maps (row, column), both from
    1, of a cell of the first sheet formatted as zeros (``00000``) to the digits it shows;
    ``first_sheet`` is that sheet's member, or None when the first sheet is no worksheet.
    """

    cells: int = 0
    last_row: int = 0
    last_column: int = 0
    refless: bool = False
    odd_types: bool = False
    padded: dict[tuple[int, int], int] = field(default_factory=dict)
    first_sheet: str | None = None

    @property
    def span(self) -> int:
        """How many cells the rectangle from A1 to the last row and column holds."""
        return self.last_row * self.last_column


def survey_xlsx(path: Path, name: str, limits: Limits) -> Survey:
    """Scan every worksheet of an XLSX file, streaming, within the cell limit.

    Raises:
        InputError: the worksheets hold more cells than ``limits.max_cells``.
        Exception: whatever a damaged zip or XML raises (``read_grid`` names it).
    """
    survey = Survey()
    with zipfile.ZipFile(path) as archive:
        survey.first_sheet = _first_sheet(archive)
        widths = _zero_formats(archive) if survey.first_sheet else {}
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                first = member == survey.first_sheet
                padded = (_padded_cells(widths), widths) if first else (None, {})
                with archive.open(member) as handle:
                    _scan(handle, survey, padded, name, limits)
    return survey


def _scan(
    handle: Any,
    survey: Survey,
    padded: tuple[re.Pattern[bytes] | None, dict[int, int]],
    name: str,
    limits: Limits,
) -> None:
    """Add one worksheet's cells to the survey, a megabyte at a time.

    Each chunk is scanned with the last bytes of the one before it, so that a tag cut in
    two is found whole; what the overlap holds is counted with the next chunk.
    """
    cells = refs = 0
    tail = b""
    while chunk := handle.read(1 << 20):
        data = tail + chunk
        found = _CELL_REF.findall(data)
        if found:
            survey.last_row = max(survey.last_row, max(int(row) for _, row in found))
            columns = {letters for letters, _ in found}
            survey.last_column = max(survey.last_column, *map(column_number, columns))
        survey.odd_types = survey.odd_types or any(odd in data for odd in _ODD_TYPES)
        pattern, widths = padded
        for style, letters, row in pattern.findall(data) if pattern else ():
            survey.padded[int(row), column_number(letters)] = widths[int(style)]
        tail = data[-_OVERLAP:]
        cells += len(_CELL.findall(data)) - len(_CELL.findall(tail))
        refs += len(found) - len(_CELL_REF.findall(tail))
        if survey.cells + cells > limits.max_cells:
            raise cell_limit(name, limits)
    cells += len(_CELL.findall(tail))
    refs += len(_CELL_REF.findall(tail))
    survey.refless = survey.refless or refs != cells
    survey.cells += cells
    if survey.cells > limits.max_cells:
        raise cell_limit(name, limits)


def column_number(letters: bytes | str) -> int:
    """``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16384."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _padded_cells(widths: dict[int, int]) -> re.Pattern[bytes] | None:
    """A pattern for the cells whose style shows zeros; it finds (style, column, row)."""
    if not widths:
        return None
    styles = b"|".join(str(style).encode() for style in widths)
    return re.compile(
        _PREFIX + rb"""\s(?=[^<>]*?\bs=["'](""" + styles + rb""")["'])"""
        rb"""[^<>]*?\br=["']\$?([A-Za-z]{1,3})\$?(\d+)["']"""
    )


def _zero_formats(archive: zipfile.ZipFile) -> dict[int, int]:
    """Cell styles whose number format is only zeros (``000000``), with their widths.

    openpyxl gives such a cell's format and ``xlsx_text`` pads the number with zeros;
    python-calamine gives the number alone.  The built-in formats hold no such format.
    """
    from defusedxml.ElementTree import fromstring

    if "xl/styles.xml" not in archive.namelist():
        return {}
    root = fromstring(archive.read("xl/styles.xml"))
    codes = {
        int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iter(f"{{{_MAIN}}}numFmt")
    }
    xfs = root.find(f"{{{_MAIN}}}cellXfs")
    widths = {}
    for index, xf in enumerate(xfs if xfs is not None else []):
        code = codes.get(int(xf.get("numFmtId", 0)), "")
        if re.fullmatch(r"0{2,}", code):
            widths[index] = len(code)
    return widths


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The member of the workbook's first sheet, or None when it is not a worksheet.

    openpyxl reads the first worksheet, skipping chart sheets; python-calamine's first
    sheet may be a chart sheet, so such a workbook is left to openpyxl.
    """
    from defusedxml.ElementTree import fromstring

    names = set(archive.namelist())
    if not {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= names:
        return None  # openpyxl names what is missing
    book = fromstring(archive.read("xl/workbook.xml"))
    sheet = book.find(f"{{{_MAIN}}}sheets/{{{_MAIN}}}sheet")
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    if sheet is None:
        return None
    wanted = sheet.get(f"{{{_DOC_RELS}}}id")
    for rel in rels.iter(f"{{{_RELS}}}Relationship"):
        if rel.get("Id") == wanted and rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
