"""Senders and prisoners from spreadsheet rows: aliases, mapping, statuses, problems."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

from postcards.inputs.reading import read_prisoners, read_senders
from postcards.inputs.spreadsheets import read_table


def _table(tmp_path: Path, text: str, name: str = "list.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_table(path)


def test_sample_senders_xlsx_reads_through_aliases() -> None:
    people = read_senders(read_table(ROOT / "samples" / "senders.xlsx"))
    assert not people.problems
    first = people.records[0]
    assert (first.id, first.name, first.parliament) == (
        "S01",
        "Anneke Vermeulen",
        "European Parliament",
    )
    assert people.column("name") == "Full name"
    assert people.column("group") == "Political group"
    assert len({s.parliament for s in people.records}) >= 5


def test_russian_headers_and_unknown_columns_are_kept(tmp_path: Path) -> None:
    table = _table(
        tmp_path,
        "ID,ФИО,Год рождения,Учреждение,Индекс,Город,Отряд\n"
        "1,Иванов Иван,1980,ИК № 9,213410,г. Горки,5\n",
    )
    people = read_prisoners(table)
    assert [str(p) for p in people.problems] == [
        "list.csv:1: warning: 1 column not read: 'Отряд'. Map a column postcards should read "
        'under [prisoners.columns] (field = "header"), and list the others as other = ["…"] '
        "to keep them for templates only"
    ]
    assert not read_prisoners(table, {"other": ("Отряд",)}).problems
    p = people.records[0]
    assert (p.name, p.birth_year, p.postcode, p.institution) == (
        "Иванов Иван",
        "1980",
        "213410",
        "ИК № 9",
    )
    assert p.extra == {"отряд": "5"}


def test_explicit_column_mapping_wins(tmp_path: Path) -> None:
    table = _table(tmp_path, "id,name,Born,city,institution\nP1,A B,1970,Минск,ИК\n")
    people = read_prisoners(table, {"birth_year": "Born"})
    assert people.records[0].birth_year == "1970"
    bad = read_prisoners(table, {"birth_year": "Geboren"})
    assert [str(p) for p in bad.problems] == [
        "campaign.toml: prisoners.columns.birth_year: 'Geboren' not in list.csv; its columns "
        "are 'id', 'name', 'Born', 'city', 'institution'"
    ]


def test_statuses_exclude_and_unknown_values_are_errors(tmp_path: Path) -> None:
    table = _table(
        tmp_path,
        "id,name,birth_year,institution,postcode,city,status\n"
        "P1,A,1980,ИК,220030,Минск,\nP2,B,1980,ИК,220030,Минск,Released\n"
        "P3,C,1980,ИК,220030,Минск,escaped\n",
    )
    people = read_prisoners(table)
    assert [p.status for p in people.records] == ["in_custody", "released", "unknown"]
    assert [str(p) for p in people.problems] == [
        "list.csv:4: status: unknown status 'escaped'; use one of in custody, in transit, "
        "released, deceased, unknown (or as lists write them: в заключении, этап, "
        "освобождена, умер…)"
    ]


def test_a_prisoner_in_custody_needs_an_address(tmp_path: Path) -> None:
    table = _table(
        tmp_path,
        "id,name,institution,city,country,status\nP1,A,,,Lithuania,\nP2,B,,,Lithuania,released\n",
    )
    assert [str(p) for p in read_prisoners(table).problems] == [
        "list.csv:2: institution: empty: a prisoner in custody needs an institution or an address",
        "list.csv:2: city: empty: a prisoner in custody needs a city and postcode",
    ]


def test_multi_line_address_and_numbered_address_columns(tmp_path: Path) -> None:
    table = _table(
        tmp_path,
        'id,name,address,address2,city\nP1,A,"ул. Сикорского, 1\nотряд № 5",корпус 2,Бобруйск\n',
    )
    assert read_prisoners(table).records[0].address == (
        "ул. Сикорского, 1",
        "отряд № 5",
        "корпус 2",
    )


def test_sender_ids_are_derived_and_caps_checked(tmp_path: Path) -> None:
    table = _table(tmp_path, "Name,Cards\nŁukasz Wiśniewski,3\nJiří Dvořák,three\n")
    people = read_senders(table)
    assert [s.id for s in people.records] == ["lukasz-wisniewski", "jiri-dvorak"]
    assert people.records[0].cards == 3
    assert [str(p) for p in people.problems] == [
        "list.csv:3: Cards: 'three' is not a whole number of cards; leave it empty for no cap"
    ]


def test_birth_years_from_1900_to_fourteen_years_ago_anywhere(tmp_path: Path) -> None:
    import datetime as dt

    last = dt.date.today().year - 14
    table = _table(
        tmp_path,
        "id,name,birth_year,institution,city,country,status\n"
        f"P1,A,{last},JVS,Vilnius,Lithuania,\n"
        f"P2,B,{last + 1},JVS,Vilnius,Lithuania,\n"
        "P3,C,1899,JVS,Vilnius,Lithuania,released\n",
    )
    assert [str(p) for p in read_prisoners(table).problems] == [
        f"list.csv:3: birth_year: {last + 1} is not a plausible year of birth (1900–{last}); "
        "correct it",
        f"list.csv:4: birth_year: warning: 1899 is not a plausible year of birth "
        f"(1900–{last}); correct it",
    ]


def test_a_header_only_prisoner_list_names_the_file(tmp_path: Path) -> None:
    table = _table(tmp_path, "id,name,city\n", "prisoners.xlsx.csv")
    assert [str(p) for p in read_prisoners(table).problems] == [
        "prisoners.xlsx.csv: no prisoners: the sheet has a header row but no rows below it; "
        "add one row per prisoner"
    ]


def test_a_list_is_iterable_and_sized_and_empty_is_false(tmp_path: Path) -> None:
    people = read_prisoners(
        _table(tmp_path, "id,name,institution,city\nP1,A B,ИК № 9,Горки\nP2,C D,ИК № 9,Горки\n")
    )
    assert len(people) == 2 == len(people.records)
    assert [p.id for p in people] == ["P1", "P2"]
    assert list(people) == list(people.records)
    empty = read_prisoners(_table(tmp_path, "id,name\n", "empty.csv"))
    assert len(empty) == 0 and not empty and list(empty) == []
