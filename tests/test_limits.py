"""Spreadsheet bombs: XLSX/ODS files that unpack or expand past a limit are refused early."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import run

from postcards.config import Limits
from postcards.errors import InputError
from postcards.inputs.spreadsheets import read_table

SHEET = "xl/worksheets/sheet1.xml"
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>\n"
)
ODS_CONTENT = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    "<office:spreadsheet><table:table>{rows}</table:table></office:spreadsheet>"
    "</office:body></office:document-content>"
)


def xlsx_with_sheet(path: Path, write_sheet) -> Path:
    """A real workbook whose first sheet's XML is replaced by ``write_sheet(handle)``."""
    plain = path.with_suffix(".plain.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["name"])
    book.save(plain)
    with (
        zipfile.ZipFile(plain) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for item in src.infolist():
            if item.filename != SHEET:
                out.writestr(item, src.read(item))
        with out.open(SHEET, "w", force_zip64=True) as handle:
            write_sheet(handle)
    return path


def ods(path: Path, content: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("content.xml", content)
    return path


def refused(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read_table(path, limits)
    return str(caught.value)


@pytest.fixture(scope="module")
def xlsx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Under 1 MB on disk, 294 MB of worksheet XML (5.9 million rows) unpacked."""
    sheet_start = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'

    def write(handle) -> None:
        handle.write(sheet_start + b"<sheetData>")
        for _ in range(300):
            handle.write(ROW * 20_000)
        handle.write(b"</sheetData></worksheet>")

    return xlsx_with_sheet(tmp_path_factory.mktemp("bomb") / "senders.xlsx", write)


def refused_with_peak(path: Path) -> tuple[str, int]:
    """The refusal's message, and the most memory Python held while reading to it."""
    tracemalloc.start()
    try:
        return refused(path), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(xlsx_bomb: Path) -> None:
    assert xlsx_bomb.stat().st_size < 1_000_000
    message, peak = refused_with_peak(xlsx_bomb)
    assert message.startswith("senders.xlsx: unpacks to 294 MB, more than the limit of 200 MB")
    assert "max_megabytes" in message
    assert peak < 20_000_000  # nothing was unpacked


def test_campaign_toml_limits_reach_the_reader(tmp_path: Path) -> None:
    rows = [["name"]] + [[f"Sender {i}", "x", "y"] for i in range(400)]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "senders.xlsx")
    (tmp_path / "prisoners.csv").write_text("id,name\nP1,Ян\n", encoding="utf-8")
    (tmp_path / "campaign.toml").write_text(
        '[inputs]\nsenders = "senders.xlsx"\nprisoners = "prisoners.csv"\nmax_cells = 1000\n',
        encoding="utf-8",
    )
    result = run("-c", tmp_path, "check")
    assert result.exit_code == 1
    assert "senders.xlsx: has more than the limit of 1,000 cells" in result.stdout


def test_limits_in_campaign_toml_must_be_positive_numbers(tmp_path: Path) -> None:
    (tmp_path / "campaign.toml").write_text('[inputs]\nmax_megabytes = "lots"\n', encoding="utf-8")
    result = run("-c", tmp_path, "check")
    assert result.exit_code == 1
    assert "inputs.max_megabytes: expected a positive number, found 'lots'" in result.stderr


def test_xlsx_with_more_cells_than_the_limit_is_refused_while_streaming(tmp_path: Path) -> None:
    def write(handle) -> None:
        handle.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main"><sheetData>' + ROW * 5000 + b"</sheetData></worksheet>"
        )

    path = xlsx_with_sheet(tmp_path / "prisoners.xlsx", write)
    assert "more than the limit of 4,999 cells" in refused(path, Limits(max_cells=4999))
    assert len(read_table(path, Limits(max_cells=5000)).rows) == 4999


def test_ods_repeats_that_expand_to_billions_of_cells_are_refused(tmp_path: Path) -> None:
    row = (
        '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
        'table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
    )
    path = ods(tmp_path / "prisoners.ods", ODS_CONTENT.format(rows=row))
    assert path.stat().st_size < 2000
    message, peak = refused_with_peak(path)
    assert message.startswith("prisoners.ods: has more than the limit of 1,000,000 cells")
    assert peak < 50_000_000


def test_ods_still_reads_its_rows_when_streamed(tmp_path: Path) -> None:
    rows = (
        "<table:table-header-rows><table:table-row><table:table-cell><text:p>id</text:p>"
        "</table:table-cell><table:table-cell><text:p>name</text:p></table:table-cell>"
        "</table:table-row></table:table-header-rows>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell>'
        "<text:p>P1</text:p></table:table-cell><table:table-cell><text:p>Ян"
        '<text:s text:c="2"/>Ко</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    table = read_table(ods(tmp_path / "p.ods", ODS_CONTENT.format(rows=rows)))
    assert table.headers == ["id", "name"]
    assert [(r.number, r.cells["name"]) for r in table.rows] == [(2, "Ян  Ко"), (3, "Ян  Ко")]


def test_billion_laughs_in_an_ods_is_refused(tmp_path: Path) -> None:
    cell = (
        "<table:table-row><table:table-cell><text:p>&lol9;</text:p></table:table-cell>"
        "</table:table-row>"
    )
    path = ods(tmp_path / "prisoners.ods", LAUGHS + ODS_CONTENT.format(rows=cell))
    message = refused(path)
    assert message.startswith("prisoners.ods: refused: its XML declares entities or a DTD")


def test_billion_laughs_in_an_xlsx_is_refused(tmp_path: Path) -> None:
    def write(handle) -> None:
        handle.write(
            LAUGHS.replace("lolz", "worksheet").encode()
            + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main"><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is>'
            b"</c></row></sheetData></worksheet>"
        )

    path = xlsx_with_sheet(tmp_path / "senders.xlsx", write)
    assert refused(path).startswith("senders.xlsx: refused: its XML declares entities or a DTD")


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_member_packed_over_a_thousand_to_one_is_refused(tmp_path: Path) -> None:
    def write(handle) -> None:
        handle.write(b"<worksheet>" + b" " * 30_000_000 + b"</worksheet>")

    path = xlsx_with_sheet(tmp_path / "senders.xlsx", write)
    message = refused(path, Limits(max_megabytes=1000))
    assert message.startswith("senders.xlsx: xl/worksheets/sheet1.xml unpacks to ")
    assert "times its packed size, more than the limit of 1000 times" in message
