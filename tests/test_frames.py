"""A pandas DataFrame is a spreadsheet too: the same cells, checks and row numbers as a
file, and the command line never imports pandas."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from postcards.errors import InputError
from postcards.inputs.reading import load_prisoners, load_senders, load_table
from postcards.pairing.assignments import read_assignments

PRISONERS = pd.DataFrame(
    {
        "ID": ["P1", "P2", "P3"],
        "ФИО": ["Иванов Иван", "Петров Пётр", "Сидорова Анна"],
        "Date of birth": [pd.Timestamp("1985-03-12"), pd.NaT, pd.Timestamp("1990-01-02")],
        "Institution": ["ИК № 9", "ИК № 15", "СИЗО-1"],
        "Address": ["ул. Заводская, 22", "Славгородское шоссе, 183", None],
        "Postcode": [213410, 212013, 220030],  # what read_excel makes of a number column
        "City": ["г. Горки", "г. Могилёв", "г. Минск"],
        "Status": ["", math.nan, "released"],
    }
)


def test_a_dataframe_reads_like_the_same_spreadsheet() -> None:
    people = load_prisoners(PRISONERS)
    assert [str(p) for p in people.problems if not p.warning] == []
    first, second, third = people.records
    assert (first.id, first.name, first.birth_year, first.postcode) == (
        "P1",
        "Иванов Иван",
        "1985",
        "213410",
    )
    assert second.birth_year == ""  # NaT is an empty cell, not "NaT"
    assert second.status == "in_custody"  # NaN is empty, not "nan"
    assert third.address == () and third.status == "released"
    assert [p.row for p in people.records] == [2, 3, 4]  # as in a sheet: header = row 1


def test_a_dataframe_gets_the_same_checks_and_row_numbers() -> None:
    frame = pd.DataFrame(
        {
            "id": ["P1", "P1"],
            "name": ["A", ""],
            "institution": ["ИК", "ИК"],
            "city": ["Минск", "Минск"],
            "birth year": [1985.0, 1890.0],
        }
    )
    people = load_prisoners(frame)
    messages = [str(p) for p in people.problems]
    assert "DataFrame:3: name: empty" in messages
    frame.loc[1, "name"] = "B"
    assert "DataFrame:3: id: duplicate id P1 (also on row 2); every row needs its own id" in [
        str(p) for p in load_prisoners(frame).problems
    ]


def test_senders_and_assignments_from_dataframes() -> None:
    senders = load_senders(
        pd.DataFrame(
            {
                "Full name": ["Łukasz Wiśniewski", "Jiří Dvořák"],
                "Parliament": ["Sejm", "Senát"],
                "Cards": [2.0, math.nan],
            }
        )
    )
    assert [(s.id, s.cards) for s in senders.records] == [
        ("lukasz-wisniewski", 2),
        ("jiri-dvorak", None),
    ]
    prisoners = load_prisoners(PRISONERS)
    pairs = pd.DataFrame({"sender_id": ["jiri-dvorak", "nobody"], "prisoner_id": ["P1", "P2"]})
    with pytest.raises(InputError) as error:
        read_assignments(load_table(pairs), senders, prisoners, "1")
    assert any(str(p).startswith("DataFrame:3: sender_id:") for p in error.value.problems)


def test_something_else_is_refused_with_a_message() -> None:
    with pytest.raises(InputError) as error:
        load_senders([{"name": "A"}])  # type: ignore[arg-type]
    assert str(error.value.problems[0]) == (
        "DataFrame: not a spreadsheet file or a pandas DataFrame: list"
    )


def test_the_command_line_never_imports_pandas() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "postcards", "-c", ROOT / "samples", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "python_calamine" in result.stderr  # the import log is there, and it reads the sheets
    assert "pandas" not in result.stderr


@pytest.mark.parametrize(
    ("load", "name"), [(load_senders, "senders.xlsx"), (load_prisoners, "prisoners.csv")]
)
def test_a_list_goes_to_a_dataframe_and_back_unchanged(load, name: str) -> None:
    """Every field, the multi-line address, the empty cap and the kept columns survive."""
    people = load(ROOT / "samples" / name, spooled=False)
    frame = people.to_dataframe()
    assert len(frame) == len(people) and "row" not in frame.columns
    assert frame.columns[0] == "id" and all(isinstance(v, str) for v in frame.to_numpy().ravel())
    back = load(frame, spooled=False)
    assert not [p for p in back.problems if not p.warning]
    assert back.records == people.records  # every field, row numbers included
    assert [r.extra for r in back] == [r.extra for r in people]


def test_a_prisoner_address_is_one_multi_line_cell() -> None:
    from postcards.inputs.people import People, Prisoner

    held = Prisoner("P1", "Иванов Иван", 2, address=("ул. Заводская, 22", "корп. 2"),
                    extra={"отряд": "5"})  # fmt: skip
    frame = People((held,), ()).to_dataframe()
    assert frame.loc[0, "address"] == "ул. Заводская, 22\nкорп. 2"
    assert frame.loc[0, "отряд"] == "5" and frame.loc[0, "status"] == "in_custody"
    assert People((), ()).to_dataframe().empty
