"""Invisible characters in cells are reported by name, wherever they hide."""

from __future__ import annotations

from pathlib import Path

from conftest import run
from hypothesis import given
from hypothesis import strategies as st

from postcards.inputs.reading import read_senders
from postcards.inputs.spreadsheets import read_table
from postcards.invisible import invisible_chars, invisible_problem

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
ZERO_WIDTH = ["\u200b", "\ufeff", "\u2060", "\u200e", "\u200f", "\u00ad", "\u180e"]
JOINERS = ["\u200c", "\u200d"]

visible = st.text(st.characters(exclude_categories=("Cf", "Cc", "Cs"), include_characters="\n\t"))
letter = st.characters(categories=("Lu", "Ll", "Lo"))
hidden = st.sampled_from(BIDI + ZERO_WIDTH) | st.characters(
    categories=("Cf", "Cc"), exclude_characters="\n\t\u200c\u200d"
)


@given(visible)
def test_a_string_without_invisible_characters_is_not_reported(text: str) -> None:
    assert invisible_problem(text, "f.csv", 2, "name") is None


@given(visible, letter, st.sampled_from(JOINERS), letter, visible)
def test_joiners_between_letters_are_kept(
    before: str, a: str, joiner: str, b: str, after: str
) -> None:
    assert invisible_chars(before + a + joiner + b + after) == []


@given(visible, hidden, visible)
def test_a_string_with_an_invisible_character_is_reported_by_name(
    before: str, char: str, after: str
) -> None:
    problem = invisible_problem(before + char + after, "f.csv", 2, "name")
    assert problem is not None and not problem.warning
    assert f"(U+{ord(char):04X})" in problem.message
    assert str(problem).startswith("f.csv:2: name: contains an invisible ")


@given(st.sampled_from(JOINERS), visible)
def test_a_joiner_at_the_edge_of_a_cell_is_reported(joiner: str, text: str) -> None:
    assert joiner in invisible_chars(joiner + text)


def test_bidi_controls_are_named_for_what_they_do() -> None:
    problem = invisible_problem("Анна\u202e\u200bИванова", "p.csv", 7, "name")
    assert str(problem) == (
        "p.csv:7: name: contains an invisible right-to-left override "
        "(U+202E), zero-width space (U+200B); remove them"
    )


def test_senders_and_every_column_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "senders.csv"
    path.write_text("name,notes\nAnna Nowak\u2066,x\nJan Kos,see\u00adnote\n", encoding="utf-8")
    assert [str(p) for p in read_senders(read_table(path)).problems] == [
        "senders.csv:2: name: contains an invisible left-to-right isolate (U+2066); remove it",
        "senders.csv:3: notes: contains an invisible soft hyphen (U+00AD); remove it",
    ]


def test_an_invisible_character_in_the_assignments_file_stops_the_run(campaign: Path) -> None:
    pairs = campaign / "pairs.csv"
    pairs.write_text("sender_id,prisoner_id\nS1,P1\u200b\n", encoding="utf-8")
    result = run("-c", campaign, "cards", "--assignments", pairs, "-o", campaign / "c.pdf")
    assert result.exit_code == 1
    assert (
        "pairs.csv:2: prisoner_id: contains an invisible zero-width space (U+200B); remove it"
    ) in result.stderr.splitlines()
    assert not (campaign / "c.pdf").exists()
