"""The order people expect for ids and names."""

from __future__ import annotations

from postcards.order import natural_key


def test_numbers_in_ids_sort_as_numbers() -> None:
    ids = ["P31", "3", "P4", "40", "P3", "31", "5", "P40", "4", "p5", "B-2", "B-10"]
    assert sorted(ids, key=natural_key) == [
        "3", "4", "5", "31", "40", "B-2", "B-10", "P3", "P4", "p5", "P31", "P40",
    ]  # fmt: skip


def test_names_sort_as_a_reader_expects() -> None:
    names = ["Zoja", "Łukasz", "Éamonn", "anna", "Lena", "Emil"]
    assert sorted(names, key=natural_key) == ["anna", "Éamonn", "Emil", "Lena", "Łukasz", "Zoja"]


def test_the_order_is_total() -> None:
    assert sorted(["P03", "P3", "P3"], key=natural_key) == ["P03", "P3", "P3"]
    assert natural_key("P03") != natural_key("P3")
