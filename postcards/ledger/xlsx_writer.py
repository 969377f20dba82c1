"""A workbook of plain tables as an XLSX file, written as it streams: text and whole numbers.

openpyxl builds every cell as an object before it saves; for a report of 100,000
prisoners that took most of a minute and hundreds of megabytes.  This writer knows the
one thing the report needs (a sheet a table: a frozen header row, columns as wide as
their text, every text cell text and never a formula) and writes each row's XML as it
comes, into a ZIP file with fixed dates: the same tables give the same bytes.

Every text cell carries Excel's quote prefix (a style), so that ``=HYPERLINK(…)`` shows
as typed and stays text when someone edits the cell.  Characters XML 1.0 cannot hold (the
control characters but tab and line breaks) are written as OOXML spells them, ``_x000B_``,
and Excel shows them as the character again.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

#: A sheet: its title, its header and its rows (each value a text or a whole number).
Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_DATE = (1980, 1, 1, 0, 0, 0)  # every member's: the same tables, the same bytes
_ROWS_AT_ONCE = 1000

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def write_workbook(sheets: Iterable[Sheet], path: Path) -> None:
    """Write ``sheets`` as an XLSX file at ``path``, a sheet a table, in the order given."""
    titles = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for number, (title, header, rows) in enumerate(sheets, 1):
            titles.append(title)
            with book.open(_member(f"xl/worksheets/sheet{number}.xml"), "w") as part:
                for chunk in _sheet_xml(header, rows):
                    part.write(chunk.encode("utf-8"))
        for name, text in _package(titles).items():
            book.writestr(_member(name), text)


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, _DATE)
    member.compress_type = zipfile.ZIP_DEFLATED
    return member


def _sheet_xml(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Iterable[str]:
    """The worksheet's XML in chunks: frozen header, column widths, then the rows."""
    letters = [_column(index) for index in range(len(header))]
    widths = [max(6, len(str(name))) for name in header]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)))
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{min(width + 2, 60)}" customWidth="1"/>'
        for i, width in enumerate(widths, 1)
    )
    yield (
        f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f"<cols>{cols}</cols><sheetData>"
    )
    lines: list[str] = [_row(1, letters, header)]
    for number, row in enumerate(rows, 2):
        lines.append(_row(number, letters, row))
        if len(lines) >= _ROWS_AT_ONCE:
            yield "".join(lines)
            lines = []
    yield "".join(lines) + "</sheetData></worksheet>"


def _row(number: int, letters: list[str], values: Sequence[object]) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=True):
        if isinstance(value, int) and not isinstance(value, bool):
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        elif value is None or value == "":  # an empty cell, styled as text
            cells.append(f'<c r="{letter}{number}" s="1" t="inlineStr"/>')
        else:
            text = _text(str(value))
            cells.append(f'<c r="{letter}{number}" s="1" t="inlineStr"><is><t{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _text(text: str) -> str:
    """A text as the inside of ``<t …>…``: escaped, its edge spaces kept."""
    if _NOT_XML.search(text) or "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
        text = _NOT_XML.sub(lambda found: f"_x{ord(found.group()):04X}_", text)
    keep = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"{keep}>{escape(text)}"


def _column(index: int) -> str:
    """The letters of a column: 0 is A, 25 is Z, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _package(titles: list[str]) -> dict[str, str]:
    """The workbook, its styles and the relationships that tie the sheets in."""
    sheets = "".join(
        f"<sheet name={quoteattr(title)} sheetId={quoteattr(str(n))} r:id={quoteattr(f'rId{n}')}/>"
        for n, title in enumerate(titles, 1)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(titles) + 1)
    )
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        for n in range(1, len(titles) + 1)
    )
    styles = len(titles) + 1
    return {
        "[Content_Types].xml": f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
        'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
        f'xml"/><Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>{parts}</Types>',
        "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews>'
        f'<workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{links}'
        f'<Relationship Id="rId{styles}" Type="{_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/>'
        '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType='
        '"none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders '
        'count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>",
    }
