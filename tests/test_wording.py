"""Counts in messages: singular for one, plural otherwise."""

from __future__ import annotations

from postcards.wording import counted


def test_one_is_singular_and_any_other_count_plural() -> None:
    assert counted(1, "problem") == "1 problem"
    assert counted(0, "problem") == "0 problems"
    assert counted(2, "card") == "2 cards"
    assert counted(1, "godchild kept", "godchildren kept") == "1 godchild kept"
    assert counted(3, "godchild kept", "godchildren kept") == "3 godchildren kept"
