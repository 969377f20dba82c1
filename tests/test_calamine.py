"""python-calamine as the reader of XLSX and XLS: the same tables as openpyxl, old .xls files
as offices keep them, and the files that only look like .xls."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcards.config import Limits
from postcards.errors import InputError
from postcards.inputs import calamine_grids
from postcards.inputs.calamine_grids import xlsx_calamine_records
from postcards.inputs.spreadsheets import read_table
from postcards.inputs.workbooks import read_grid, xlsx_records

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "sources"
KNOWN = frozenset({"фио", "дата рождения", "учреждение", "индекс", "город"})


def error_text(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read_table(path, limits)
    return str(caught.value)


def records(path: Path, reader, limits: Limits | None = None) -> list[tuple[int, list[str]]]:
    """The records of one reader as a table sees them: cells stripped, line ends as line
    feeds (openpyxl gives "\r\n" where python-calamine gives "\n"), empty ends dropped."""
    found = read_grid(path, path.name, "XLSX", limits or Limits(), reader)
    out = []
    for number, raw in found:
        cells = [c.replace("\r\n", "\n").replace("\r", "\n").strip() for c in raw]
        while cells and not cells[-1]:
            cells = cells[:-1]
        if cells:
            out.append((number, cells))
    return out


@pytest.fixture
def calamine_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail when the calamine reader hands a workbook to openpyxl: equal results then
    would prove nothing."""

    def refuse(*args, **kwargs):
        raise AssertionError("fell back to openpyxl")

    monkeypatch.setattr(calamine_grids, "xlsx_records", refuse)


# --- .xls as offices keep them ---------------------------------------------------------


def test_office_xls_reads_below_its_title_rows_with_dates_and_numbers_as_text() -> None:
    table = read_table(DATA / "office-prisoners.xls", known=KNOWN)
    assert table.headers == ["ФИО", "Дата рождения", "Учреждение", "Индекс", "Город"]
    assert [str(note) for note in table.notes] == [
        "office-prisoners.xls:4: warning: took row 4 as the header row (above it: "
        "'Список политзаключённых для открыток'; 'по состоянию на 01.12.2026'); set "
        "header_row in campaign.toml if another row names the columns"
    ]
    assert [(row.number, list(row.cells.values())) for row in table.rows] == [
        (5, ["Бяляцкі Алесь Віктаравіч", "1962-09-25", "ИК № 9", "213410", "г. Горки"]),
        (6, ["Лосік Ігар", "1992-04-21", "ИК № 15", "211440", "г. Новополоцк"]),
        # An .xls number formatted 00000 loses its zeros: python-calamine gives no formats.
        # (people.py restores them for the countries whose postcodes may start with 0.)
        (8, ["Калеснікава Марыя", "1982", "ИК № 4", "2134", "Гомель"]),
    ]


def test_office_xls_reads_as_the_same_list_saved_as_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for number, row in enumerate(python_calamine.load_workbook(DATA / "office-prisoners.xls")
                                 .get_sheet_by_index(0).to_python(skip_empty_area=False), 1):  # fmt: skip
        for column, value in enumerate(row, 1):
            if value != "":
                sheet.cell(number, column, value)
    sheet.merge_cells("A1:F1")
    book.save(tmp_path / "office-prisoners.xlsx")
    as_xlsx = read_table(tmp_path / "office-prisoners.xlsx", known=KNOWN)
    as_xls = read_table(DATA / "office-prisoners.xls", known=KNOWN)
    assert (as_xls.headers, as_xls.rows) == (as_xlsx.headers, as_xlsx.rows)
    assert as_xls.header_row == as_xlsx.header_row == 4


def test_damaged_xls_says_what_to_do() -> None:
    assert error_text(DATA / "damaged.xls") == (
        "damaged.xls: cannot read as XLS (Excel 97-2003): Sector 8 points past end of file; "
        "open it in Excel or LibreOffice and save it again as .xlsx"
    )


def password_protected(path: Path) -> Path:
    """office-prisoners.xls with a FILEPASS record (RC4), as Excel writes a protected file."""
    data = (DATA / "office-prisoners.xls").read_bytes()
    at = data.index(b"\x5c\x00\x70\x00")  # WRITEACCESS, 112 bytes, becomes FILEPASS
    path.write_bytes(data[:at] + b"\x2f\x00\x70\x00\x01\x00\x01\x00\x01\x00" + data[at + 10 :])
    return path


def test_password_protected_xls_says_what_to_do(tmp_path: Path) -> None:
    assert error_text(password_protected(tmp_path / "prisoners.xls")) == (
        "prisoners.xls: is protected with a password, which postcards cannot open; open it "
        "in Excel, remove the password (File > Info > Protect Workbook) and save it as .xlsx"
    )


def test_password_protected_xlsx_says_what_to_do(tmp_path: Path) -> None:
    # Excel saves a protected XLSX as a compound file holding an EncryptedPackage stream.
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path = tmp_path / "senders.xlsx"
    path.write_bytes(head + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000)
    assert error_text(path) == (
        "senders.xlsx: is protected with a password, which postcards cannot open; open it "
        "in Excel, remove the password (File > Info > Protect Workbook) and save it as .xlsx"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<html><head><meta charset='utf-8'></head><body><table><tr><td>Name</td></tr>",
            "is a web page (HTML) with an .xls name, as some programs export tables; "
            "open it in Excel or LibreOffice and save it as .xlsx",
        ),
        (
            b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
            b'spreadsheet"><Worksheet ss:Name="S"></Worksheet></Workbook>',
            "is an Excel 2003 XML spreadsheet with an .xls name; "
            "open it in Excel or LibreOffice and save it as .xlsx",
        ),
        (
            "Name\tCountry\nАлесь\tBY\n".encode("utf-16"),
            "is plain text (CSV or tab-separated) with an .xls name; "
            "open it in Excel or LibreOffice and save it as .xlsx",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "is neither an Excel workbook nor a file it exports; "
            "open it in Excel or LibreOffice and save it as .xlsx",
        ),
    ],
)
def test_a_file_named_xls_that_is_no_workbook_is_named(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(content)
    assert error_text(path) == f"export.xls: {message}"


def test_an_xlsx_named_xls_is_read_as_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Name", "Postcode"])
    book.active.append(["Алесь", 213410])
    book.save(tmp_path / "export.xls")
    table = read_table(tmp_path / "export.xls")
    assert [row.cells for row in table.rows] == [{"Name": "Алесь", "Postcode": "213410"}]


def test_an_xls_named_xlsx_is_read_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "office.xlsx"
    path.write_bytes((DATA / "office-prisoners.xls").read_bytes())
    assert read_table(path, known=KNOWN).rows == read_table(DATA / "office-prisoners.xls",
                                                            known=KNOWN).rows  # fmt: skip


def test_xls_limits_hold(tmp_path: Path) -> None:
    path = DATA / "office-prisoners.xls"
    assert error_text(path, Limits(max_cells=20)).startswith(
        "office-prisoners.xls: has more than the limit of 20 cells"
    )
    assert error_text(path, Limits(max_megabytes=0.001)).startswith(
        "office-prisoners.xls: is 0 MB, more than the limit of 0.001 MB"
    )


# --- XLSX: python-calamine gives openpyxl's tables ------------------------------------


def workbooks_in_the_repository() -> list[Path]:
    found = [*ROOT.glob("samples/**/*.xlsx"), *ROOT.glob("tests/data/**/*.xlsx")]
    return sorted(p for p in found if zipfile.is_zipfile(p))


@pytest.mark.parametrize("path", workbooks_in_the_repository(), ids=lambda p: p.name)
def test_calamine_and_openpyxl_read_every_workbook_alike(path: Path, calamine_only) -> None:
    assert records(path, xlsx_calamine_records) == records(path, xlsx_records)


def office_workbook(path: Path) -> Path:
    """Everything the XLSX path turns into text: title rows, a merged title, data from
    column B, numbers, a 00000 postcode, a percentage, dates, times, booleans, line breaks."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B2"] = "Список политзаключённых"
    sheet.merge_cells("B2:H2")
    headers = ["ФИО", "Индекс", "Доля", "Арестован", "Виделись", "Время", "Освобождён", "Адрес"]
    for column, header in enumerate(headers, 2):
        sheet.cell(4, column, header)
    rows = [
        ["Алесь", 2134, 0.125, dt.date(2021, 7, 14), dt.datetime(2026, 3, 1, 10, 30),
         dt.time(9, 15), False, "ИК № 9\r\nГорки"],
        ["Ігар", 213410.0, 12.5, dt.datetime(2026, 3, 1), 1985, "  02134 ", True, "=1+1"],
    ]  # fmt: skip
    for number, row in enumerate(rows, 6):
        for column, value in enumerate(row, 2):
            sheet.cell(number, column, value)
    sheet["C6"].number_format = "00000"
    sheet["D6"].number_format = "0%"
    sheet["E6"].number_format = "DD.MM.YYYY"
    sheet["E7"].number_format = "[$-419]D MMMM YYYY"
    book.create_sheet("Other").append(["not", "read"])
    book.save(path)
    return path


def test_calamine_reads_an_office_workbook_as_openpyxl_does(tmp_path: Path, calamine_only) -> None:
    path = office_workbook(tmp_path / "office.xlsx")
    found = records(path, xlsx_calamine_records)
    assert found == records(path, xlsx_records)
    assert found == [
        (2, ["", "Список политзаключённых"]),
        (4, ["", "ФИО", "Индекс", "Доля", "Арестован", "Виделись", "Время", "Освобождён", "Адрес"]),
        (6, ["", "Алесь", "02134", "0.125", "2021-07-14", "2026-03-01 10:30:00", "09:15:00",
             "FALSE", "ИК № 9\nГорки"]),
        (7, ["", "Ігар", "213410", "12.5", "2026-03-01", "1985", "02134", "TRUE"]),
    ]  # fmt: skip


def test_error_cells_are_read_by_openpyxl_as_excel_shows_them(tmp_path: Path) -> None:
    path = office_workbook(tmp_path / "errors.xlsx")
    with zipfile.ZipFile(path) as src:
        members = {item: src.read(item) for item in src.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = re.sub(
        r'<c r="I7"[^>]*>.*?</c>', '<c r="I7" t="e"><f>NA()</f><v>#N/A</v></c>', sheet
    ).encode()
    assert '<c r="I7" t="e">' in members["xl/worksheets/sheet1.xml"].decode()
    with zipfile.ZipFile(path, "w") as out:
        for item, data in members.items():
            out.writestr(item, data)
    assert records(path, xlsx_calamine_records)[-1][1][-1] == "#N/A"  # calamine says ""


def test_a_sheet_spanning_past_the_cell_limit_never_reaches_calamine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cells, but calamine would allocate the 17 billion between A1 and XFD1048576;
    # openpyxl streams them, as it always did.
    def refuse(*args, **kwargs):
        raise AssertionError("calamine opened it")

    monkeypatch.setattr(calamine_grids, "_first_worksheet", refuse)
    book = openpyxl.Workbook()
    book.active["A1"] = "name"
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "senders.xlsx")
    assert error_text(tmp_path / "senders.xlsx") == (
        "senders.xlsx:1: column 16384 has no header but row 1048576 has data in it; "
        "name the column in row 1"
    )


@pytest.mark.parametrize(
    "cell",
    [
        b"<c r='XFD1048576' t=\"inlineStr\"><is><t>x</t></is></c>",  # quotes it does not read
        b'<c t="inlineStr"><is><t>x</t></is></c>',  # no reference: the row and order place it
    ],
)
def test_a_cell_whose_place_the_survey_cannot_read_goes_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: bytes
) -> None:
    from test_limits import xlsx_with_sheet

    def refuse(*args, **kwargs):
        raise AssertionError("calamine opened it")

    monkeypatch.setattr(calamine_grids, "_first_worksheet", refuse)
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Jan</t></is></c></row>'
        b'<row r="3">' + cell + b"</row></sheetData></worksheet>"
    )
    path = xlsx_with_sheet(tmp_path / "senders.xlsx", lambda handle: handle.write(sheet))
    read_table(path, stream=True)  # openpyxl reads it (or refuses it) as it always did


def test_the_survey_counts_cells_before_calamine(tmp_path: Path, calamine_only) -> None:
    book = openpyxl.Workbook()
    for number in range(100):
        book.active.append([f"Sender {number}", "x"])
    book.save(tmp_path / "senders.xlsx")
    assert error_text(tmp_path / "senders.xlsx", Limits(max_cells=199)).startswith(
        "senders.xlsx: has more than the limit of 199 cells"
    )
    assert len(read_table(tmp_path / "senders.xlsx", Limits(max_cells=200)).rows) == 99


# --- property: any sheet reads alike -------------------------------------------------

CELL_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t "), max_size=12
)
VALUES = st.one_of(
    st.none(),
    CELL_TEXT,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.booleans(),
    st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)),
    st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)
NUMBER_FORMATS = ["General", "00000", "000000", "0", "0%", "0.00", "#,##0", "@"]
FORMATS = st.sampled_from(
    [*NUMBER_FORMATS, "DD.MM.YYYY", "yyyy-mm-dd", "d mmmm yyyy", "h:mm", "dd.mm.yyyy hh:mm"]
)


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    grid=st.lists(st.lists(st.tuples(VALUES, FORMATS), max_size=5), min_size=1, max_size=6),
    top=st.integers(1, 4),
    left=st.integers(1, 3),
)
def test_any_sheet_reads_alike_through_calamine_and_openpyxl(
    tmp_path: Path, calamine_only, grid, top: int, left: int
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(grid):
        for c, (value, number_format) in enumerate(row):
            if value is None or isinstance(value, str) and value.startswith("="):
                continue  # no cell, or a formula
            if number_format not in NUMBER_FORMATS and isinstance(value, int | float):
                # Only 0 to 2958465 (9999-12-31) are dates; Excel shows others as ####,
                # openpyxl as 1899-12-29 or #VALUE!, python-calamine as a time or the number.
                value = abs(value) % 2958466
            cell = sheet.cell(top + r, left + c, value)
            cell.number_format = number_format
    path = tmp_path / "any.xlsx"
    book.save(path)
    assert records(path, xlsx_calamine_records) == records(path, xlsx_records)


# --- ODS: why calamine does not read it ----------------------------------------------

MANIFEST = (
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
    'vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
)


def test_calamine_would_lose_what_an_ods_cell_shows(tmp_path: Path) -> None:
    """If this fails, python-calamine reads displayed ODS text now: see ods.py."""
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row>'
        "<table:table-cell><text:p>Алесь</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="2134">'
        "<text:p>02134</text:p></table:table-cell>"
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    path = tmp_path / "list.ods"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("content.xml", content)
        out.writestr("META-INF/manifest.xml", MANIFEST)
    assert [list(read_table(path).headers)] == [["Алесь", "02134"]]
    sheet = python_calamine.load_workbook(path).get_sheet_by_index(0)
    assert sheet.to_python(skip_empty_area=False) == [["", 2134.0]]


def test_a_readers_warnings_are_silenced_and_the_callers_are_not(tmp_path: Path) -> None:
    """read_grid silences what the reader warns (openpyxl's styles) a batch of rows at a
    time, and never while the caller works on the rows it got: the caller's own warnings
    between rows still show, every row comes once and in order, and the warning filters
    are as they were after the list is read."""
    import warnings

    book = openpyxl.Workbook()
    sheet = book.active
    for row in range(1, 601):  # more than two batches
        sheet.append([f"name {row}", str(row)])
    path = tmp_path / "list.xlsx"
    book.save(path)

    def warning_reader(path: Path, name: str, limits: Limits):
        for record in xlsx_records(path, name, limits):
            warnings.warn("a style the reader does not know", UserWarning, stacklevel=1)
            yield record

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        filters = list(warnings.filters)
        numbers = []
        for number, _cells in read_grid(path, path.name, "XLSX", Limits(), warning_reader):
            warnings.warn(f"the caller's warning at row {number}", UserWarning, stacklevel=1)
            numbers.append(number)
        assert warnings.filters == filters
    assert numbers == list(range(1, 601))
    assert [str(w.message) for w in seen] == [
        f"the caller's warning at row {n}" for n in range(1, 601)
    ]
