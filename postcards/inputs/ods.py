"""ODS workbooks, read as the text a person sees, streamed and within the cell limit.

content.xml is parsed with defusedxml's iterparse, one row at a time, and freed as read.
Its repeats (LibreOffice pads every sheet to 1,024 columns and a million rows) are counted,
not built.  python-calamine reads ODS ten times faster but is not used here: it reads a
number cell's value instead of its displayed text (postcode ``02134`` becomes 2134,
``12,5 %`` becomes 0.125, a Russian ``ИСТИНА`` becomes True), it reads a text cell without
an ``office:value-type`` (odfpy and other generators write none) as empty, and it expands
repeats in memory before any limit can be checked (``tests/test_calamine.py`` shows it).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from postcards.config import Limits
from postcards.inputs.cells import Record
from postcards.inputs.workbooks import cell_limit, xlsx_text

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


class _OdsBudget:
    """Counts cells as they stream by: elements parsed and cells built from repeats."""

    def __init__(self, name: str, limits: Limits):
        self.name, self.limits, self.used = name, limits, 0

    def spend(self, cells: int) -> None:
        self.used += cells
        if self.used > self.limits.max_cells:
            raise cell_limit(self.name, self.limits)


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
