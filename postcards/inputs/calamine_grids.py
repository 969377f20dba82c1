"""XLSX and XLS workbooks read through python-calamine, as the same text openpyxl gives.

python-calamine parses a sheet in Rust, about ten times faster than openpyxl (4.7 s and
0.4 s for 30,000 prisoners, ``bench/spreadsheets.py``), and it is the only reader here of
the old Excel 97-2003 ``.xls`` files offices still keep.  It loads the whole sheet, one
slot for every cell of the rectangle the cells span, so an XLSX is first surveyed as bytes
(``survey_xlsx``: zip sizes, cell count, span) and handed to openpyxl instead when its
span passes the cell limit, or when it holds what python-calamine reads otherwise
(error cells such as ``#N/A``, which it reads as empty; ISO date cells; cells without a
reference; a first sheet that is a chart).  Numbers formatted ``000000`` keep their zeros
from the survey.  When python-calamine cannot read a file at all, openpyxl reads it again
so that a damaged file gets the message it always got.

ODS stays with the streaming reader (``ods.py`` says why).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import python_calamine

from postcards.config import Limits
from postcards.errors import InputError, Problem
from postcards.inputs.cells import Record
from postcards.inputs.workbooks import (
    Survey,
    cell_limit,
    read_grid,
    survey_xlsx,
    too_large,
    xlsx_records,
    xlsx_text,
)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file every .xls is
_ZIP = b"PK\x03\x04"
#: An encrypted XLSX is a compound file holding this stream, not a zip.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # bytes no text file holds
_SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it again as .xlsx"


def xlsx_calamine_records(path: Path, name: str, limits: Limits) -> Iterator[Record]:
    """The numbered rows of an XLSX file's first sheet as text, by the fastest safe reader.

    Gives exactly the records' text that :func:`xlsx_records` (openpyxl) gives: the
    readers are compared on every workbook of the tests and samples.
    """
    survey = survey_xlsx(path, name, limits)
    if not _calamine_reads_alike(survey, limits):
        yield from xlsx_records(path, name, limits, survey)
        return
    try:
        rows, start = _first_worksheet(path, ".xlsx")
    except python_calamine.CalamineError:
        yield from xlsx_records(path, name, limits, survey)  # openpyxl names the damage
        return
    yield from _records(rows, start, survey.padded)


def _calamine_reads_alike(survey: Survey, limits: Limits) -> bool:
    """Whether python-calamine gives this workbook's text as openpyxl would, in bounds."""
    return (
        survey.first_sheet is not None
        and not survey.refless
        and not survey.odd_types
        and survey.span <= limits.max_cells
    )


def _first_worksheet(path: Path, kind: str) -> tuple[list[list[Any]], tuple[int, int]]:
    """The first worksheet's cells from its first used row and column, and where they start.

    ``kind`` is what the file is (``.xlsx`` or ``.xls``), whatever its name.  Chart and
    macro sheets are skipped, as openpyxl skips them.
    """
    with _open(path, kind) as book:
        kinds = [sheet.typ for sheet in book.sheets_metadata]
        if python_calamine.SheetTypeEnum.WorkSheet not in kinds:
            raise python_calamine.WorksheetNotFound("it has no worksheet")
        sheet = book.get_sheet_by_index(kinds.index(python_calamine.SheetTypeEnum.WorkSheet))
        return sheet.to_python(skip_empty_area=True), sheet.start or (0, 0)


@contextmanager
def _open(path: Path, kind: str) -> Iterator[python_calamine.CalamineWorkbook]:
    """The workbook, opened as ``kind``.

    python-calamine picks its reader by the file's name; under another name it guesses
    from the contents, and then says only "Cannot detect file format" of a damaged file.
    """
    if path.suffix.lower() == kind:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            yield book
        return
    with path.open("rb") as handle, python_calamine.CalamineWorkbook.from_filelike(handle) as book:
        yield book


def _records(
    rows: list[list[Any]], start: tuple[int, int], padded: dict[tuple[int, int], int]
) -> Iterator[Record]:
    """Each row numbered as the sheet shows it, with the empty columns left of the data."""
    first_row, first_column = start
    lead = [""] * first_column
    for index, row in enumerate(rows):
        number = first_row + index + 1
        cells = [*lead, *(v if type(v) is str else xlsx_text(v) for v in row)]  # fast for text
        for column, value in enumerate(row, first_column + 1) if padded else ():
            width = padded.get((number, column))
            if width:
                cells[column - 1] = xlsx_text(value, "0" * width)
        yield number, cells


# --- .xls: Excel 97-2003, and what else offices save under that name -----------------


def xls_records(path: Path, name: str, limits: Limits) -> Iterator[Record]:
    """The numbered rows of a ``.xls`` file's first sheet as text, as what the file is.

    Excel and web applications save an XLSX, a web page or plain text under an ``.xls``
    name; an XLSX is read as one, the others are named with what to do.  A file named
    ``.xlsx`` that is an Excel 97-2003 file, or a password-protected XLSX (both are
    compound files, not zips), comes here too.

    Raises:
        InputError: the file is not a workbook, is protected with a password, is
            damaged, or passes ``limits``.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(Problem(f"cannot open: {exc.strerror or exc}", file=name)) from None
    compound = head[:4] == _OLE[:4]  # a cut-short one too: the reader says what is wrong
    if head.startswith(_ZIP) or path.suffix.lower() != ".xls" and not compound:
        return read_grid(path, name, "XLSX", limits, xlsx_calamine_records)
    if not compound:
        raise InputError(Problem(_not_a_workbook(path), file=name))
    return _xls_grid(path, name, limits)


def _xls_grid(path: Path, name: str, limits: Limits) -> Iterator[Record]:
    """Read an Excel 97-2003 file, turning what a damaged one raises into one message.

    An .xls is not compressed, so its size bounds what the reader allocates for its text,
    and its grid (65,536 rows, 256 columns) bounds its span.
    """
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_large(
            name, f"is {size / 1e6:,.0f} MB, more than the limit of {limits.max_megabytes:g} MB"
        )
    if _ENCRYPTED in path.read_bytes():
        raise InputError(Problem(_PASSWORD, file=name))
    try:
        rows, start = _first_worksheet(path, ".xls")
    except python_calamine.PasswordError:
        raise InputError(Problem(_PASSWORD, file=name)) from None
    except (python_calamine.CalamineError, ValueError) as exc:
        reason = str(exc).removeprefix("Cfb error: ") or type(exc).__name__
        message = f"cannot read as XLS (Excel 97-2003): {reason}; {_SAVE_AS_XLSX}"
        raise InputError(Problem(message, file=name)) from None
    if (start[0] + len(rows)) * (start[1] + max(map(len, rows), default=0)) > limits.max_cells:
        raise cell_limit(name, limits)
    return _records(rows, start, {})


_PASSWORD = (
    "is protected with a password, which postcards cannot open; open it in Excel, "
    "remove the password (File > Info > Protect Workbook) and save it as .xlsx"
)


def _not_a_workbook(path: Path) -> str:
    """What a file named .xls holds when it is no workbook, and what to do with it."""
    head = path.read_bytes()[:4096]
    text = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if b"<html" in text or text.startswith((b"<!doctype html", b"<table", b"<meta")):
        what = "a web page (HTML) with an .xls name, as some programs export tables"
    elif b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        what = "an Excel 2003 XML spreadsheet with an .xls name"
    elif text and (head.startswith((b"\xff\xfe", b"\xfe\xff")) or not _BINARY.search(head)):
        what = "plain text (CSV or tab-separated) with an .xls name"
    else:
        what = "neither an Excel workbook nor a file it exports"
    return f"is {what}; open it in Excel or LibreOffice and save it as .xlsx"
