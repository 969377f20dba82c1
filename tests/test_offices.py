"""Spreadsheets as offices really keep them: title rows above the header, headers in six
languages, dates of birth, numbers that Excel stored as numbers, letters kept in ids."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, read_manifest, run
from hypothesis import given
from hypothesis import strategies as st

from postcards.errors import InputError
from postcards.inputs.cells import restored_postcode, to_ascii, year_of_birth
from postcards.inputs.reading import derive_id, load_prisoners, load_senders, read_prisoners
from postcards.inputs.spreadsheets import read_table


def _office_prisoners(path: Path) -> Path:
    """A prisoner list as an NGO keeps it: a title, a date line and a blank row above the
    header; № numbers, dates of birth as Excel dates and as text, number-cell postcodes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Список политзаключённых для открыток"])
    sheet.append(["по состоянию на 01.12.2026"])
    sheet.append([])
    sheet.append(
        [
            "№",
            "ФИО",
            "Кому",
            "Дата рождения",
            "Учреждение",
            "Улица",
            "Дом",
            "Индекс",
            "Город",
            "Область",
        ]
    )
    sheet.append(
        [
            1,
            "Иванов Иван Иванович",
            "Иванову Ивану Ивановичу",
            dt.datetime(1985, 3, 12),
            "ИК № 9",
            "ул. Заводская",
            22,
            213410,
            "г. Горки",
            "Могилёвская обл.",
        ]
    )
    sheet.append(
        [
            2,
            "Петров Пётр",
            "",
            "07.11.1979",
            "ИК № 15",
            "Славгородское шоссе",
            "183",
            212013,
            "г. Могилёв",
            "",
        ]
    )
    sheet.append(
        [
            3,
            "Сидорова Анна",
            "",
            1990.0,
            "СИЗО-1",
            "ул. Володарского",
            "2",
            "220030",
            "г. Минск",
            "",
        ]
    )
    book.save(path)
    return path


def test_the_header_row_is_found_below_title_rows(tmp_path: Path) -> None:
    people = load_prisoners(_office_prisoners(tmp_path / "prisoners.xlsx"))
    errors = [str(p) for p in people.problems if not p.warning]
    assert errors == []
    assert [str(p) for p in people.problems if p.warning] == [
        "prisoners.xlsx:4: warning: took row 4 as the header row (above it: "
        "'Список политзаключённых для открыток'; 'по состоянию на 01.12.2026'); set "
        "header_row in campaign.toml if another row names the columns"
    ]
    first, second, third = people.records
    assert [p.id for p in people.records] == ["1", "2", "3"]
    assert [p.row for p in people.records] == [5, 6, 7]  # rows as the spreadsheet shows
    assert [p.birth_year for p in people.records] == ["1985", "1979", "1990"]
    assert first.address == ("ул. Заводская, 22",)  # street and house join
    assert (first.postcode, first.region) == ("213410", "Могилёвская обл.")


def test_row_numbers_in_messages_follow_the_found_header(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "Prisoners for the December wave\n\n"
        "id,name,birth year,institution,city,postcode\n"
        "P1,Иван,19x5,ИК № 9,г. Горки,213410\n",
        encoding="utf-8",
    )
    people = load_prisoners(path)
    assert [str(p) for p in people.problems if not p.warning] == [
        "list.csv:4: birth year: '19x5' is not a year or date of birth like 1985 or 12.03.1985"
    ]


def test_a_forced_header_row_wins_and_a_wrong_one_is_an_error(tmp_path: Path) -> None:
    path = _office_prisoners(tmp_path / "prisoners.xlsx")
    assert len(load_prisoners(path, header_row=4).records) == 3
    assert not [p for p in load_prisoners(path, header_row=4).problems if p.warning]
    with pytest.raises(InputError) as error:
        load_prisoners(path, header_row=3)
    assert [str(p) for p in error.value.problems] == [
        "prisoners.xlsx: header_row = 3, but row 3 is empty or past the end; give the row "
        "that names the columns"
    ]


def test_campaign_header_row_setting_reaches_the_print_run(tmp_path: Path) -> None:
    folder = tmp_path / "campaign"
    shutil.copytree(DATA / "campaign", folder)
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    assert "[prisoners]" not in text
    toml.write_text(text + "\n[prisoners]\nheader_row = 0\n", encoding="utf-8")
    result = run("-c", folder, "check")
    assert result.exit_code == 1
    assert (
        "campaign.toml: prisoners.header_row: expected a row number from 1, found 0"
        in result.stderr
    )


def test_an_office_workbook_prints_through_the_whole_pipeline(tmp_path: Path) -> None:
    folder = tmp_path / "campaign"
    shutil.copytree(DATA / "campaign", folder)
    prisoners = _office_prisoners(folder / "office.xlsx")
    result = run("-c", folder, "cards", "--prisoners", prisoners, "-o", folder / "out.pdf")
    assert result.exit_code == 0, result.stderr
    assert "office.xlsx:4: warning: took row 4 as the header row" in result.stderr
    rows = read_manifest(folder / "out.manifest.csv")
    assert sorted(r["prisoner_id"] for r in rows) == ["1", "2", "3"]


def test_office_senders_with_title_rows_email_and_no_ids(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Members who signed up"])
    sheet.append(["Nr", "Imię i nazwisko", "Parlament", "E-mail Address"])
    sheet.append([None, "Agnieszka Żółkiewska", "Sejm", "a.z@example.org"])
    sheet.append([None, "Søren Østergård", "Folketing", ""])
    sheet.append([None, "Jürgen Weiß", "Bundestag", ""])
    book.save(tmp_path / "senders.xlsx")
    people = load_senders(tmp_path / "senders.xlsx")
    assert [p for p in people.problems if not p.warning] == []
    assert [s.id for s in people.records] == [
        "agnieszka-zolkiewska",
        "soren-ostergard",
        "jurgen-weiss",
    ]
    assert people.records[0].email == "a.z@example.org"
    assert people.records[0].parliament == "Sejm"


def test_a_year_that_excel_wrote_as_a_float_is_a_year(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "id,name,born,institution,city,postcode\nP1,Иван,1985.0,ИК № 9,г. Горки,213410.0\n",
        encoding="utf-8",
    )
    people = load_prisoners(path)
    assert not people.problems
    assert (people.records[0].birth_year, people.records[0].postcode) == ("1985", "213410")


def test_a_postcode_that_lost_its_zero_is_restored_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "id,name,institution,address,postcode,city,country\n"
        "P1,Jan Nowak,JVA Dresden,Hammerweg 30,1129,Dresden,Germany\n"
        "P2,Иван,ИК № 9,ул. Заводская 22,21341,г. Горки,Belarus\n",
        encoding="utf-8",
    )
    people = load_prisoners(path)
    assert people.records[0].postcode == "01129"
    assert (
        "list.csv:2: postcode: warning: '1129' read as 01129: a number cell dropped its "
        "leading zero; check it, and format the column as text" in [str(p) for p in people.problems]
    )
    assert people.records[1].postcode == "21341"  # Belarusian codes never start with 0


def test_a_look_alike_column_that_is_not_read_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "id,name,Born,Date of birth,institution,city,postcode\n"
        "P1,Иван,1970,12.03.1985,ИК № 9,г. Горки,213410\n",
        encoding="utf-8",
    )
    people = read_prisoners(read_table(path), {"birth_year": "Born"})
    assert people.records[0].birth_year == "1970"
    assert [str(p) for p in people.problems] == [
        "list.csv:1: warning: 1 column not read: 'Date of birth' (birth_year, which is read "
        "from 'Born'). Map a column postcards should read under [prisoners.columns] (field = "
        '"header"), and list the others as other = ["…"] to keep them for templates only'
    ]


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.sampled_from(
        [
            "{d:%d.%m.%Y}",
            "{d:%Y-%m-%d}",
            "{d:%d/%m/%Y}",
            "{d:%m/%d/%Y}",
            "{d:%Y-%m-%d} 00:00:00",
            "{d:%d.%m.%Y} г.",
            "{d:%B} {d.day}, {d:%Y}",
            "{d.day} {d:%B} {d:%Y}",
            "{d:%Y}",
            "{d:%Y}.0",
        ]
    ),
)
def test_any_common_date_of_birth_gives_its_year(date: dt.date, form: str) -> None:
    assert year_of_birth(form.format(d=date)) == str(date.year)


@given(st.integers(0, 99))
def test_a_two_digit_year_is_not_guessed(year: int) -> None:
    assert year_of_birth(f"12.03.{year:02d}") is None


_EXTENDED = "ąćęłńóśźżäöüßøåæœčďěňřšťůžėįųūłðþıđ"


@given(
    st.text(alphabet=_EXTENDED + "абвгдеёжзийклмнопрстуфхцчшщыэюяіўґєї", min_size=1, max_size=12)
)
def test_sender_ids_keep_every_letter(name: str) -> None:
    ascii_name = to_ascii(name)
    assert ascii_name.isascii()
    assert all(to_ascii(c) for c in name if c not in "ъь")  # no letter dropped
    assert derive_id(name) == ascii_name or derive_id(name).startswith("sender-")


def test_postcodes_are_restored_only_where_unambiguous() -> None:
    assert restored_postcode("1067", "Deutschland") == "01067"
    assert restored_postcode("1001", "Україна") == "01001"
    assert restored_postcode("21341", "BELARUS") is None
    assert restored_postcode("12", "Germany") is None  # three zeros lost: not a lost zero
    assert restored_postcode("01067", "Germany") is None
