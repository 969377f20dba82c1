"""XLSX and ODS workbooks, read as text, safely.

Both are zip files of XML.  A few megabytes on disk can expand to gigabytes (a "zip
bomb"), and XML can define entities that expand to gigabytes too ("billion laughs").
So the zip's members are sized before anything is parsed, every XML read goes through
defusedxml (which refuses DTDs and entities), and cells are counted while streaming.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from postcards.config import Limits
from postcards.errors import InputError, Problem

Record = tuple[int, list[str]]  # (row number as the spreadsheet shows it, raw cells)

#: A member this much larger unpacked than packed is repetition, not a spreadsheet.
_MAX_RATIO = 1000


_RATIO_FLOOR = 10_000_000  # small members may compress as they like


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
#: A cell's row, from its reference (``<c r="B12" …>``), and a whole cell tag without one.
_CELL_ROW = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^<>]*?\br="\$?[A-Za-z]{1,3}\$?(\d+)"')
_CELL_WITHOUT_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?:\s(?![^<>]*\br=)[^<>]*)?/?>")


_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def read_grid(
    path: Path,
    name: str,
    kind: str,
    limits: Limits,
    reader: Callable[[Path, str, Limits], Iterator[Record]],
) -> Iterator[Record]:
    """Run a spreadsheet reader, turning whatever a damaged file raises into one message.

    The records come as the reader reads them, one row at a time.
    """
    try:
        _check_unpacked_size(path, name, limits)
        records = reader(path, name, limits)
        while True:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing here
                record = next(records, None)
            if record is None:
                return
            yield record
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


def _too_large(name: str, what: str) -> InputError:
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
        raise _too_large(
            name,
            f"unpacks to {total / 1e6:,.0f} MB, more than the limit of {limits.max_megabytes:g} MB",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > _MAX_RATIO:
            raise _too_large(
                name,
                f"{member.filename} unpacks to {ratio:,.0f} times its "
                f"packed size, more than the limit of {_MAX_RATIO} times",
            )


def _cell_limit(name: str, limits: Limits) -> InputError:
    return _too_large(name, f"has more than the limit of {limits.max_cells:,} cells")


def _count_xlsx_cells(path: Path, name: str, limits: Limits) -> int | None:
    """Count the cell elements of every worksheet, streaming, before openpyxl builds them.

    Returns the last row number any worksheet has a cell in (None when a cell does not say
    its row): the formatted empty rows after it (a sheet "used" down to row 11,600,000)
    are never parsed, which took a minute and a gigabyte.
    """
    last: int | None = 0
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.startswith("xl/worksheets/") or not member.endswith(".xml"):
                continue
            count, tail = 0, b""
            with archive.open(member) as handle:
                while chunk := handle.read(1 << 20):
                    data = tail + chunk
                    count += len(_CELL.findall(data))
                    last = _last_row(data, last)
                    tail = data[-512:]
                    count -= len(_CELL.findall(tail))  # counted again with the next chunk
                    if count > limits.max_cells:
                        raise _cell_limit(name, limits)
            if count + len(_CELL.findall(tail)) > limits.max_cells:
                raise _cell_limit(name, limits)
    return last


def _last_row(data: bytes, last: int | None) -> int | None:
    """The highest row a cell of ``data`` names, or None once a cell names none."""
    if last is None or _CELL_WITHOUT_ROW.search(data):
        return None
    rows = [int(found) for found in _CELL_ROW.findall(data)]
    return max([last, *rows])


def xlsx_records(path: Path, name: str, limits: Limits) -> Iterator[Record]:
    """The numbered rows of an XLSX file's first sheet as text, within ``limits``."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False in the environment
        raise InputError(
            Problem(
                "openpyxl is set not to use defusedxml (OPENPYXL_DEFUSEDXML); unset it", file=name
            )
        )
    last = _count_xlsx_cells(path, name, limits)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows
        cells = 0
        for number, row in enumerate(sheet.iter_rows(), 1):
            if last is not None and number > last:
                break  # only empty rows follow
            cells += len(row)
            if cells > limits.max_cells:
                raise _cell_limit(name, limits)
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


def ods_records(path: Path, name: str, limits: Limits) -> Iterator[Record]:
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
        return cell.get(_q(_OFFICE, "date-value"), "").removesuffix("T00:00:00").replace("T", " ")
    paragraphs = [c for c in cell if c.tag == _q(_TEXT, "p")]
    if paragraphs:
        return "\n".join(_odf_inline_text(p) for p in paragraphs)
    if value_type == "boolean":
        return cell.get(_q(_OFFICE, "boolean-value"), "").upper()
    if value_type in ("float", "percentage", "currency"):
        return xlsx_text(float(cell.get(_q(_OFFICE, "value"), "0")))
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
