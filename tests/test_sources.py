"""Reading spreadsheets as text: encodings, delimiters, XLSX/ODS cells, layout errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import string
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdfTable
from odf.table import TableCell, TableRow
from odf.text import LineBreak, P, S, Span, Tab

from postcards.errors import InputError
from postcards.inputs.spreadsheets import read_table

DATA = Path(__file__).parent / "data" / "sources"

HEADERS = ["Name", "Institution", "Address", "Postcode", "Country"]
PRISONERS = [
    ["Алесь Бяляцкі", "ИК № 9", "ул. Советская, 1\nг. Горки", "213410", "BELARUS"],
    ["Ігар Лосік", "ИК № 15", "Ўсходняя вул., 2; Новополоцк", "02134", "NA"],
    ["Марыя Калеснікава", "ИК № 4", 'Гомель "СИЗО-3"', "246019", "BY"],
]


def write_csv(
    path: Path,
    rows: list[list[str]],
    encoding: str = "utf-8",
    delimiter: str = ",",
    lineterminator: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    """Write rows as csv.writer (and so Excel) would, in the given encoding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def as_lists(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headers and (row number, cells) of a file, for comparing files with each other."""
    table = read_table(path)
    return table.headers, [(row.number, list(row.cells.values())) for row in table.rows]


def error_text(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_table(path)
    return str(caught.value)


# --- the same list, saved the ways Excel and LibreOffice save it -----------------------


@pytest.mark.parametrize(
    ("file_name", "encoding", "delimiter"),
    [
        ("utf8-comma.csv", "utf-8", ","),
        ("excel-russian-windows.csv", "cp1251", ";"),
        ("csv-utf8-from-excel.csv", "utf-8-sig", ","),
        ("unicode-text-from-excel.txt", "utf-16", "\t"),
    ],
)
def test_same_list_in_every_encoding_reads_the_same(
    tmp_path: Path, file_name: str, encoding: str, delimiter: str
) -> None:
    path = write_csv(tmp_path / file_name, [HEADERS, *PRISONERS], encoding, delimiter)
    table = read_table(path)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert table.headers == HEADERS
    assert [(row.number, list(row.cells.values())) for row in table.rows] == [
        (2, PRISONERS[0]),
        (3, PRISONERS[1]),
        (4, PRISONERS[2]),
    ]
    assert table.name == file_name


def test_polish_and_czech_names_are_read_as_cp1250(tmp_path: Path) -> None:
    rows = [
        ["Imię i nazwisko", "Miasto"],
        ["Łukasz Wiśniewski", "Łódź"],
        ["Antonín Dvořák", "Přílišov, Žluťoučký kůň"],
        ["Zażółć gęślą jaźń", "Kraków"],
    ]
    table = read_table(write_csv(tmp_path / "polish.csv", rows, "cp1250", ";"))
    assert table.encoding == "cp1250"
    assert table.headers == rows[0]
    assert [list(r.cells.values()) for r in table.rows] == rows[1:]


def test_cp1251_without_polish_letters_is_not_mistaken_for_cp1250(tmp_path: Path) -> None:
    rows = [["ФИО", "Учреждение"], ["ЛОСИК ИГОРЬ", "ИК-15, Новополоцк"], ["Бяляцкі", "Горки"]]
    table = read_table(write_csv(tmp_path / "list.csv", rows, "cp1251"))
    assert table.encoding == "cp1251"
    assert table.rows[0].cells == {"ФИО": "ЛОСИК ИГОРЬ", "Учреждение": "ИК-15, Новополоцк"}


def test_belarusian_i_typed_as_latin_i_is_still_cp1251(tmp_path: Path) -> None:
    rows = [["Iмя", "Горад"], ["Iгар Лосiк", "Наваполацк"], ["Алесь Бяляцкi", "Горкi"]]
    table = read_table(write_csv(tmp_path / "list.csv", rows, "cp1251", ";"))
    assert table.encoding == "cp1251"
    assert [list(r.cells.values()) for r in table.rows] == rows[1:]


def test_delimiter_comes_from_the_header_not_from_addresses_full_of_commas(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name;Address\nАлесь;ул. Советская, 1, кв. 2, г. Горки, 213410\n")
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.rows[0].cells["Address"] == "ул. Советская, 1, кв. 2, г. Горки, 213410"


def test_multiline_address_keeps_its_newline_and_the_next_row_its_number(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes('Name,Address\r\nАлесь,"ИК № 9\r\nГорки"\r\n\r\nІгар,Новополоцк\r\n'.encode())
    table = read_table(path)
    assert [(r.number, r.cells["Address"]) for r in table.rows] == [
        (2, "ИК № 9\nГорки"),
        (4, "Новополоцк"),
    ]


def test_cells_are_stripped_and_a_missing_trailing_cell_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(" Name , Country ,,\n  Алесь  \n ,  ,,\nІгар, BY ,,\n")
    table = read_table(path)
    assert table.headers == ["Name", "Country"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, {"Name": "Алесь", "Country": ""}),
        (4, {"Name": "Ігар", "Country": "BY"}),
    ]


def test_postcode_and_country_na_stay_text_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Postcode,Country\nАлесь,02134,NA\n")
    assert read_table(path).rows[0].cells == {"Name": "Алесь", "Postcode": "02134", "Country": "NA"}


# --- XLSX ----------------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.create_sheet("Other").append(["Not", "read"])
    book.save(path)
    return path


def test_xlsx_postcode_as_text_or_as_formatted_number_reads_02134(tmp_path: Path) -> None:
    rows = [["Name", "Postcode", "Country"], ["Алесь", "02134", "NA"], ["Ігар", 2134, "NA"]]
    table = read_table(write_xlsx(tmp_path / "list.xlsx", rows, {"B3": "00000"}))
    assert (table.encoding, table.delimiter) == (None, None)
    assert [r.cells["Postcode"] for r in table.rows] == ["02134", "02134"]
    assert [r.cells["Country"] for r in table.rows] == ["NA", "NA"]


def test_xlsx_numbers_dates_and_booleans_read_as_a_person_sees_them(tmp_path: Path) -> None:
    headers = ["Born", "Cards", "Share", "Arrested", "Listed", "Seen", "Released"]
    values = [
        1962,
        3.0,
        12.5,
        dt.date(2021, 7, 14),
        dt.datetime(2026, 3, 1),
        dt.datetime(2026, 3, 1, 10, 30),
        False,
    ]
    table = read_table(write_xlsx(tmp_path / "list.xlsx", [headers, values]))
    assert list(table.rows[0].cells.values()) == [
        "1962",
        "3",
        "12.5",
        "2021-07-14",
        "2026-03-01",
        "2026-03-01 10:30:00",
        "FALSE",
    ]


def test_xlsx_multiline_cell_blank_rows_and_trailing_empty_headers(tmp_path: Path) -> None:
    rows = [
        ["Name", "Address", None, None],
        ["Алесь", "ИК № 9\r\nГорки", None, None],
        [],
        [None, "  ", None],
        ["Ігар", "Новополоцк"],
    ]
    table = read_table(write_xlsx(tmp_path / "list.xlsx", rows))
    assert table.headers == ["Name", "Address"]
    assert [(r.number, r.cells["Address"]) for r in table.rows] == [
        (2, "ИК № 9\nГорки"),
        (5, "Новополоцк"),
    ]


def test_xlsx_data_beyond_the_last_header_names_the_column(tmp_path: Path) -> None:
    rows = [["Name", "Country"], ["Алесь", "BY"], ["Ігар", "BY", None, "ИК № 15"]]
    path = write_xlsx(tmp_path / "list.xlsx", rows)
    assert error_text(path) == (
        "list.xlsx:1: column 4 has no header but row 3 has data in it; name the column in row 1"
    )


# --- ODS ------------------------------------------------------------------------------


def ods_cell(*parts: object, repeat: int = 1, **attributes: str) -> TableCell:
    """A cell whose paragraphs are given as lists of strings and odfpy elements."""
    cell = TableCell(numbercolumnsrepeated=repeat, **attributes)
    for part in parts:
        paragraph = P()
        for piece in part if isinstance(part, list) else [part]:
            if isinstance(piece, str):
                paragraph.addText(piece)
            else:
                paragraph.addElement(piece)
        cell.addElement(paragraph)
    return cell


def ods_row(*cells: TableCell, repeat: int = 1) -> TableRow:
    """A row the way LibreOffice writes it: padded with empty cells to column 1024."""
    row = TableRow(numberrowsrepeated=repeat)
    for cell in cells:
        row.addElement(cell)
    row.addElement(TableCell(numbercolumnsrepeated=1024 - len(cells)))
    return row


def write_ods(path: Path, rows: list[TableRow]) -> Path:
    document = OpenDocumentSpreadsheet()
    sheet = OdfTable(name="Prisoners")
    for row in rows:
        sheet.addElement(row)
    sheet.addElement(ods_row(repeat=1048576 - 10))  # LibreOffice's empty tail
    document.spreadsheet.addElement(sheet)
    other = OdfTable(name="Other")
    other.addElement(ods_row(ods_cell("Not read")))
    document.spreadsheet.addElement(other)
    document.save(str(path))
    return path


def test_ods_reads_displayed_text_and_survives_libreoffice_repeats(tmp_path: Path) -> None:
    span = Span(text="Бяляцкі")
    rows = [
        ods_row(*(ods_cell(h) for h in ["Name", "Postcode", "Country", "Address", "Arrested"])),
        ods_row(
            ods_cell(["Алесь", S(), span]),
            ods_cell("02134", valuetype="float", value="2134"),
            ods_cell("NA"),
            ods_cell(["ИК № 9", LineBreak(), "Горки"], ["213410", Tab(), "BY"]),
            ods_cell("14.07.21", valuetype="date", datevalue="2021-07-14"),
        ),
        ods_row(repeat=2),
        ods_row(
            ods_cell(["Ігар", S(c=3), "Лосік"]),
            ods_cell("211440", repeat=2),
        ),
    ]
    table = read_table(write_ods(tmp_path / "list.ods", rows))
    assert table.headers == ["Name", "Postcode", "Country", "Address", "Arrested"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (
            2,
            {
                "Name": "Алесь Бяляцкі",
                "Postcode": "02134",
                "Country": "NA",
                "Address": "ИК № 9\nГорки\n213410\tBY",
                "Arrested": "2021-07-14",
            },
        ),
        (
            5,
            {
                "Name": "Ігар   Лосік",
                "Postcode": "211440",
                "Country": "211440",
                "Address": "",
                "Arrested": "",
            },
        ),
    ]


# --- one broken file per failure mode --------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        (
            "empty.csv",
            "empty.csv: no header row; the first row must name the columns (or set header_row)",
        ),
        (
            "unnamed-column.csv",
            "unnamed-column.csv:1: column 2 has no header but row 3 has data in it; "
            "name the column in row 1",
        ),
        (
            "duplicate-header.csv",
            "duplicate-header.csv:1: Name: column appears twice (columns 1 and 3); rename one",
        ),
        (
            "too-many-cells.csv",
            "too-many-cells.csv:3: 3 cells but only 2 column headers; put quotes around "
            "cells that contain a comma, or name the extra columns in row 1",
        ),
        (
            "unknown-encoding.csv",
            'unknown-encoding.csv: cannot tell the encoding; save it as "CSV UTF-8" '
            "from Excel or LibreOffice",
        ),
        (
            "corrupt.xlsx",
            "corrupt.xlsx: cannot read as XLSX: File is not a zip file; "
            "open it in Excel or LibreOffice and save again",
        ),
        (
            "corrupt.ods",
            "corrupt.ods: cannot read as ODS: File is not a zip file; "
            "open it in Excel or LibreOffice and save again",
        ),
    ],
)
def test_broken_file_gives_a_message_that_says_what_to_do(file_name: str, message: str) -> None:
    assert error_text(DATA / file_name) == message


def test_missing_file_is_named(tmp_path: Path) -> None:
    assert error_text(tmp_path / "prisoners.csv") == "prisoners.csv: file not found"


def test_unsupported_file_type_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "prisoners.numbers"
    path.write_bytes(b"PK\x03\x04")
    assert error_text(path) == (
        'prisoners.numbers: unsupported file type ".numbers"; '
        "use .csv, .tsv, .txt, .xlsx, .xlsm, .xls, .ods"
    )


def test_blank_first_row_is_no_header_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [[], ["Name"], ["Алесь"]])
    assert error_text(path) == (
        "list.csv: no header row; the first row must name the columns (or set header_row)"
    )


def test_every_layout_problem_is_reported_at_once(tmp_path: Path) -> None:
    rows = [["Name", "", "Name"], ["Алесь", "x", "y"], ["Ігар", "", "", "extra"]]
    with pytest.raises(InputError) as caught:
        read_table(write_csv(tmp_path / "list.csv", rows))
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "Name"), (1, None), (3, None)]


# --- property tests --------------------------------------------------------------------

DELIMITERS = [",", ";", "\t", "|"]
ANY_TEXT = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
HEADER = st.text(st.characters(categories=("L", "N")) | st.just(" "), min_size=1, max_size=10)

CP1251 = [bytes([b]).decode("cp1251") for b in range(1, 256) if b != 0x98]
CYRILLIC = "".join(c for c in CP1251 if "\u0400" <= c <= "\u04ff")
SYMBOLS = "".join(c for c in CP1251 if not c.isalnum())
ASCII_SEPARATORS = "".join(c for c in SYMBOLS if c.isascii())


def cased(words: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(words, st.sampled_from([str.lower, str.upper, str.capitalize])).map(
        lambda pair: pair[1](pair[0])
    )


CYRILLIC_WORD = cased(st.text(CYRILLIC, min_size=1, max_size=8))
# Words are separated by ASCII punctuation or by cp1251 symbols between spaces: a symbol
# glued to a Latin word ("x№") is "xą" in cp1250, and no detector could tell them apart.
SEPARATOR = st.text(ASCII_SEPARATORS, min_size=1, max_size=3) | st.text(SYMBOLS, max_size=3).map(
    lambda s: f" {s} "
)
TOKEN = CYRILLIC_WORD | st.text(string.ascii_letters, min_size=1) | st.text(string.digits)
CP1251_CELL = st.lists(st.tuples(TOKEN, SEPARATOR), max_size=4).map(
    lambda pairs: "".join(token + separator for token, separator in pairs)
)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@st.composite
def tables(draw: st.DrawFn, header: st.SearchStrategy[str], cell: st.SearchStrategy[str]):
    headers = draw(
        st.lists(header.map(str.strip).filter(bool), min_size=1, max_size=5, unique=True)
    )
    row = st.lists(cell, min_size=len(headers), max_size=len(headers))
    return [headers, *draw(st.lists(row, max_size=20))]


def check_round_trip(path: Path, rows: list[list[str]], encoding: str) -> None:
    table = read_table(path)
    assert table.encoding == encoding
    assert table.headers == rows[0]
    expected = [
        (number, dict(zip(rows[0], map(clean, cells), strict=True)))
        for number, cells in enumerate(rows[1:], 2)
        if any(map(clean, cells))
    ]
    assert [(r.number, r.cells) for r in table.rows] == expected


PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)),  # more for a deep search
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@PROPERTY_SETTINGS
@given(
    rows=tables(HEADER, st.text(ANY_TEXT, max_size=15)),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    lineterminator=st.sampled_from(["\r\n", "\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_any_unicode_table_reads_back_exactly(
    tmp_path: Path,
    rows: list[list[str]],
    delimiter: str,
    encoding: str,
    lineterminator: str,
    quoting: int,
) -> None:
    if len(rows[0]) == 1:  # one column and no quotes: nothing tells the delimiter
        delimiter = ","
    if lineterminator == "\n":  # csv.writer then leaves a lone "\r" unquoted: a broken file
        rows = [[cell.replace("\r", "") for cell in row] for row in rows]
    path = write_csv(tmp_path / "t.csv", rows, encoding, delimiter, lineterminator, quoting)
    check_round_trip(path, rows, encoding)


@PROPERTY_SETTINGS
@given(
    rows=tables(CYRILLIC_WORD, CP1251_CELL),
    delimiter=st.sampled_from(DELIMITERS),
)
def test_any_cp1251_table_reads_back_exactly(
    tmp_path: Path, rows: list[list[str]], delimiter: str
) -> None:
    if len(rows[0]) == 1:
        delimiter = ","
    path = write_csv(tmp_path / "t.csv", rows, "cp1251", delimiter)
    assume(not is_utf8(path.read_bytes()))  # "ВЁ" is also UTF-8 for "¨"; UTF-8 wins by design
    check_round_trip(path, rows, "cp1251")


@pytest.mark.parametrize("cell", ["юя", "юяё", "юяаб"])
def test_cp1251_starting_like_a_utf16_bom_is_cp1251(tmp_path: Path, cell: str) -> None:
    # "юя" in cp1251 is FE FF, the UTF-16 byte-order mark; hypothesis found both forms.
    path = write_csv(tmp_path / "t.csv", [[cell], ["Алесь"]], "cp1251")
    table = read_table(path)
    assert (table.encoding, table.headers) == ("cp1251", [cell])
