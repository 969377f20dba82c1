"""The XLSX writer, read back by two independent readers (openpyxl and calamine, Rust)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from postcards.ledger.xlsx_writer import write_workbook

HEADER = ["id", "name", "cards", "note"]
ROWS = [
    ["P1", "Алесь Бяляцкі", 3, ""],
    ["P2", '=HYPERLINK("http://evil.example/","x")', 0, None],
    ["P3", " spaced ", 12, "<b>&amp;</b>"],
    ["P4", "tab\tand\nline", 1, "_x0041_ is no escape"],
    ["P5", "vertical\x0btab\x01", 2, "Ё"],
]


def _write(tmp_path: Path, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    write_workbook([("People", HEADER, ROWS), ("Empty", ["only"], [])], path)
    return path


def test_calamine_reads_every_value_back(tmp_path) -> None:
    book = CalamineWorkbook.from_path(str(_write(tmp_path)))
    assert book.sheet_names == ["People", "Empty"]
    rows = book.get_sheet_by_name("People").to_python()
    assert rows[0] == HEADER
    expected = [[v if v is not None else "" for v in row] for row in ROWS]
    assert [[int(v) if isinstance(v, float) else v for v in row] for row in rows[1:]] == expected
    assert book.get_sheet_by_name("Empty").to_python() == [["only"]]


def test_openpyxl_sees_text_as_text_numbers_as_numbers(tmp_path) -> None:
    book = load_workbook(_write(tmp_path))
    sheet = book["People"]
    assert sheet.freeze_panes == "A2"
    evil = sheet["B3"]
    assert evil.value == ROWS[1][1] and evil.data_type == "s" and evil.quotePrefix
    assert sheet["C2"].value == 3 and sheet["C2"].data_type == "n" and not sheet["C2"].quotePrefix
    assert sheet["B4"].value == " spaced " and sheet["D4"].value == "<b>&amp;</b>"
    assert sheet.column_dimensions["B"].width == len(ROWS[1][1]) + 2
    assert sheet.column_dimensions["C"].width == 8  # never narrower than 6 characters
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_character_xml_cannot_hold_leaves_the_file_readable(tmp_path) -> None:
    path = tmp_path / "odd.xlsx"
    write_workbook([("Odd", ["name"], [["not\ufffea\uffffcharacter\x00"]])], path)
    assert load_workbook(path)["Odd"]["A2"].value == "not_xFFFE_a_xFFFF_character_x0000_"


def test_many_columns_are_lettered_as_excel_does(tmp_path) -> None:
    header = [f"c{i}" for i in range(30)]
    path = tmp_path / "wide.xlsx"
    write_workbook([("Wide", header, [list(range(30))])], path)
    sheet = load_workbook(path)["Wide"]
    assert sheet["Z2"].value == 25 and sheet["AA2"].value == 26 and sheet["AD1"].value == "c29"


def test_the_same_tables_give_the_same_bytes(tmp_path) -> None:
    first, second = _write(tmp_path, "a.xlsx"), _write(tmp_path, "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as book:
        assert book.testzip() is None
        assert "xl/styles.xml" in book.namelist()
