"""Reading a list's usual rows takes shortcuts; each gives what the general path gives.

A list of 100,000 prisoners is read row by row, so the common cell (a plain year, a
one-line address, a row without carriage returns) is answered in one look before the
general rules run.  These tests feed the shortcuts wild cells and compare.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from postcards.inputs.addresses import any_birth_year, birth_year, split_lines
from postcards.inputs.cells import whole_number
from postcards.inputs.columns import Columns, RowReader
from postcards.inputs.duplicates import LOOKALIKES, folded
from postcards.inputs.reading import read_prisoners
from postcards.inputs.spreadsheets import Row, Table, _clean, _cleaned, _rows

#: Digits of several kinds (ASCII, Arabic-Indic, full-width, superscript), date
#: separators, spaces and line breaks of several kinds, and a few letters.
_WILD = "0123456789١٩٨٥２０¹⁹.,-/ \u00a0\t\n\r\x0b\x0c\x1c\x85\u2028\u2029гMarch"
_CELLS = st.one_of(
    st.text(_WILD, max_size=12),
    st.integers(1800, 2100).map(str),
    st.sampled_from(["1985", "1985.0", "12.03.1985", "1985-03-12", " 1985 ", "1899", "2050"]),
    st.sampled_from(["١٩٨٥", "２０００", "¹⁹⁸⁵"]),  # decimal in other scripts, and not decimal
)


def _reader(headers: list[str], cells: dict[str, str], columns: Columns) -> RowReader:
    table = Table(Path("list.csv"), "list.csv", headers, [], "utf-8", ",")
    return RowReader(table, Row(2, cells), columns, [])


@given(_CELLS, st.booleans(), st.integers(1990, 2030))
def test_a_plain_year_reads_as_any_year_does(text: str, warning: bool, last: int) -> None:
    columns = Columns(single={"birth_year": "born"})
    quick, full = (_reader(["born"], {"born": text}, columns) for _ in range(2))
    assert birth_year(quick, warning, last) == any_birth_year(
        full, full.get("birth_year"), warning, last
    )
    assert quick.problems == full.problems


@given(st.text(_WILD))
def test_a_one_line_cell_splits_as_any_cell_does(text: str) -> None:
    assert split_lines(text) == tuple(line.strip() for line in text.splitlines() if line.strip())


@given(_CELLS)
def test_a_number_without_a_dot_reads_as_any_number_does(text: str) -> None:
    match = re.fullmatch(r"(\d+)\.0+", text.strip())
    assert whole_number(text) == (match.group(1) if match else text.strip())


@given(st.lists(st.text(_WILD, max_size=6), max_size=6))
def test_a_row_without_a_carriage_return_is_cleaned_as_any_row_is(cells: list[str]) -> None:
    assert _cleaned(cells) == [_clean(c) for c in cells]


@given(st.lists(st.lists(st.text(_WILD, max_size=4), min_size=3, max_size=3), max_size=8))
def test_a_row_with_a_cell_under_each_header_reads_as_any_row_does(records: list) -> None:
    raw = ["id", "name", "city"]
    numbered = list(enumerate(records, 2))
    expected = [
        Row(number, dict(zip(raw, cells, strict=True)))
        for number, record in numbered
        if any(cells := [_clean(c) for c in record])
    ]
    assert list(_rows(iter(numbered), raw, "list.csv", ",", 1, [])) == expected


@given(st.text("AaOoPpXxЁёАаОоРрХхŁłéÉ №-'’ \u0301", max_size=12))
def test_a_name_in_one_alphabet_folds_as_any_name_does(name: str) -> None:
    text = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    to_cyrillic = str.maketrans(LOOKALIKES)
    expected = " ".join(
        word.translate(to_cyrillic) if re.search("[\u0400-\u04ff]", word) else word
        for word in re.findall(r"\w+", text)
    )
    assert folded(name) == expected


def test_a_row_made_in_code_without_some_cells_reads_them_as_empty() -> None:
    headers = ["id", "name", "institution", "city", "postcode", "birth_year"]
    full = {"id": "1", "name": "Иванов Иван", "institution": "", "city": " г. Горки ",
            "postcode": "", "birth_year": ""}  # fmt: skip
    short = {"id": "1", "name": "Иванов Иван", "city": " г. Горки "}

    def read(cells: dict[str, str]) -> tuple:
        table = Table(Path("list.csv"), "list.csv", headers, [Row(2, cells)], "utf-8", ",")
        people = read_prisoners(table, spooled=False)
        return people.records, people.problems

    assert read(short) == read(full)
    assert read(short)[0][0].city == "г. Горки"
