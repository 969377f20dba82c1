"""Lists as offices keep them: every column read or named, in the offices' languages.

The files in tests/data/lists are made once by make_lists.py and committed, as a user
would hand them over: a Seimas office's XLSX under a title row, a Bundestag list with
the name in three columns, Russian lists saved by Excel in cp1251.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DATA, run
from hypothesis import given, settings
from hypothesis import strategies as st

from postcards.inputs.headings import HEADINGS, PRISONER_FIELDS, SENDER_FIELDS, likely_field
from postcards.inputs.reading import load_prisoners, load_senders, read_prisoners, read_senders
from postcards.inputs.spreadsheets import Row, Table, normalize_header
from postcards.inputs.values import (
    LANGUAGE_WORDS,
    STATUS_WORDS,
    language_of,
    status_of,
    tidy_postcode,
)
from postcards.jobs.poster import parliament_groups

LISTS = DATA / "lists"


def _messages(people) -> list[str]:
    return [str(p) for p in people.problems]


def test_a_seimas_list_with_lithuanian_headers_reads_without_a_mapping() -> None:
    people = load_senders(LISTS / "seimas.xlsx", spooled=False)
    rows = [(s.id, s.name, s.title, s.parliament, s.group, s.cards) for s in people.records]
    assert rows == [
        ("1", "Ona Petraitė", "Seimo narė", "Lietuvos Respublikos Seimas", "TS-LKD", 3),
        ("2", "Jonas Kazlauskas", "Komiteto pirmininkas", "Lietuvos Respublikos Seimas",
         "LSDP", 2),
        ("3", "Rūta Žemaitienė", "Seimo narė", "Lietuvos Respublikos Seimas", "LS", 1),
    ]  # fmt: skip
    assert sum(s.cards for s in people.records) == 6  # not one card per prisoner each
    assert _messages(people)[1:] == [
        "seimas.xlsx:3: warning: 1 column not read: 'Telefonas'. Map a column postcards "
        'should read under [senders.columns] (field = "header"), and list the others as '
        'other = ["…"] to keep them for templates only'
    ]
    assert people.column("name") == "Vardas + Pavardė"


def test_a_bundestag_list_composes_title_given_and_family_name() -> None:
    people = load_senders(LISTS / "bundestag.xlsx", spooled=False)
    assert [(s.name, s.family_name, s.title, s.cards) for s in people.records] == [
        ("Dr. Hans Müller-Lüdenscheidt", "Müller-Lüdenscheidt", "MdB", 2),
        ("Anna Zimmermann", "Zimmermann", "MdB", 1),
        ("Prof. Dr. Erika Albers", "Albers", "Vizepräsidentin", 1),
    ]
    assert _messages(people) == [
        "bundestag.xlsx:1: warning: 1 column not read: 'Wahlkreis'. Map a column postcards "
        'should read under [senders.columns] (field = "header"), and list the others as '
        'other = ["…"] to keep them for templates only'
    ]
    without_ids = load_senders(
        LISTS / "bundestag.xlsx", {"other": ("Wahlkreis", "Lfd. Nr.")}, spooled=False
    )
    assert without_ids.records[0].id == "hans-muller-ludenscheidt"  # "Dr." is not who they are
    quiet = load_senders(LISTS / "bundestag.xlsx", {"other": ("Wahlkreis",)}, spooled=False)
    assert not quiet.problems
    assert quiet.records[0].extra["wahlkreis"] == "Köln I"  # still there for templates
    # the poster lists them by surname, not by "Dr." and "Prof."
    (group,) = parliament_groups(list(people.records), "Bundestag", "b.xlsx", [])
    assert group.names == (
        "Prof. Dr. Erika Albers",
        "Dr. Hans Müller-Lüdenscheidt",
        "Anna Zimmermann",
    )


def test_a_name_mapped_to_several_columns_joins_them_in_that_order() -> None:
    people = load_senders(
        LISTS / "bundestag.xlsx", {"name": ("Nachname", "Vorname"), "other": ("Wahlkreis",)}
    )
    assert [s.name for s in people.records][:2] == ["Müller-Lüdenscheidt Hans", "Zimmermann Anna"]
    bad = load_senders(LISTS / "bundestag.xlsx", {"name": ("Akad. Titel", "Vornahme")})
    assert _messages(bad)[:1] == [
        "campaign.toml: senders.columns.name: 'Vornahme' not in bundestag.xlsx; its columns are "
        "'Lfd. Nr.', 'Akad. Titel', 'Vorname', 'Nachname', 'Funktion', 'Fraktion', "
        "'Anzahl Karten', 'Wahlkreis'"
    ]


def test_an_empty_list_of_columns_is_refused() -> None:
    people = load_senders(LISTS / "bundestag.xlsx", {"name": ()})
    assert _messages(people)[0] == (
        "campaign.toml: senders.columns.name: no column named in bundestag.xlsx; its columns "
        "are 'Lfd. Nr.', 'Akad. Titel', 'Vorname', 'Nachname', 'Funktion', 'Fraktion', "
        "'Anzahl Karten', 'Wahlkreis'"
    )


def test_a_required_column_not_recognised_is_one_error_naming_the_headers() -> None:
    people = load_senders(LISTS / "unknown-name.xlsx")
    assert _messages(people) == [
        "unknown-name.xlsx:1: warning: 2 columns not read: 'Abgeordnete(r)' (is it name?); "
        "'Kartenzahl' (is it cards?). Map a column postcards should read under "
        '[senders.columns] (field = "header"), and list the others as other = ["…"] to keep '
        "them for templates only",
        "unknown-name.xlsx:1: name: no column holds the name (or given- and family-name "
        "columns); the columns are 'Kennung', 'Abgeordnete(r)', 'Fraktion', 'Kartenzahl': "
        "map one in campaign.toml under [senders.columns] (name = \"…\"), or name it 'name'",
    ]


def test_a_required_column_empty_on_every_row_is_one_error() -> None:
    people = load_prisoners(LISTS / "name-elsewhere.csv")
    assert _messages(people)[1:] == [
        "name-elsewhere.csv:1: name: empty on all 3 rows: is the name in another column? The "
        "others are 'id', 'ФИО полностью', 'Год рождения', 'Учреждение', 'Индекс', 'Город'; "
        'map it in campaign.toml under [prisoners.columns] (name = "…")'
    ]
    assert "(is it name?)" in _messages(people)[0]


def test_statuses_languages_and_postcodes_as_a_russian_list_writes_them() -> None:
    people = load_prisoners(LISTS / "statuses.csv", spooled=False)
    assert not people.problems, _messages(people)
    rows = [(p.name, p.status, p.language, p.postcode) for p in people.records]
    assert rows == [
        ("Иванов Сергей Петрович", "in_custody", "ru", "213410"),
        ("Петрова Анна Ивановна", "released", "be", "220030"),
        ("Ковалёв Алесь", "deceased", "be", "212013"),
        ("Сидорова Мария", "deceased", "ru", "246035"),
        ("Новик Павел Олегович", "in_transit", "ru", ""),
        ("Козлов Дмитрий", "in_custody", "ru", "211300"),
    ]
    assert [p.in_custody for p in people.records] == [True, False, False, False, False, True]


def test_the_same_person_twice_stops_and_a_latin_letter_is_named() -> None:
    people = load_prisoners(LISTS / "twins.csv")
    assert _messages(people) == [
        "twins.csv:4: ФИО: warning: 'Петрoв' mixes Latin and Cyrillic letters: 'o' (U+006F) is "
        "Latin; retype the word in one alphabet (the post, the censor and the ledger read them "
        "as different names)",
        "twins.csv:4: №: the same person as row 2 (Петрoв Иван Сергеевич, born 1980, ИК № 9) "
        "under another id: 1 on row 2, 17 here; keep one row (two cards would go to one "
        "person), or correct the name, birth year or institution",
    ]


def test_check_stops_on_twins_and_passes_an_office_list(tmp_path: Path) -> None:
    campaign = tmp_path / "c"
    assert run("init", campaign).exit_code == 0
    (campaign / "twins.csv").write_bytes((LISTS / "twins.csv").read_bytes())
    checked = run("-c", campaign, "check", "--prisoners", campaign / "twins.csv", "--example")
    assert checked.exit_code == 1
    assert any(
        line.startswith("twins.csv:4: №: the same person") for line in checked.stdout.splitlines()
    )


@pytest.mark.parametrize(
    ("table", "value_of"), [(STATUS_WORDS, status_of), (LANGUAGE_WORDS, language_of)]
)
def test_every_word_of_a_value_table_means_its_value(table, value_of) -> None:
    for value, words in table.items():
        for word in words:
            assert value_of(word) == value, word
            assert value_of(f" {word.upper()} ") == value, word


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("в заключении (ШИЗО)", "in_custody"),
        ("Освобождена 12.03.2024", "released"),
        ("освобождён досрочно", "released"),
        ("умер", "deceased"),
        ("УМЕРЛА", "deceased"),
        ("этап", "in_transit"),
        ("не освобождена", None),
        ("escaped", None),
    ],
)
def test_statuses_with_remarks_dates_and_forms(cell: str, status: str | None) -> None:
    assert status_of(cell) == status


@given(st.lists(st.integers(0, 9), min_size=4, max_size=8), st.data())
def test_a_postcode_typed_with_spaces_keeps_its_digits(digits: list[int], data) -> None:
    text = "".join(str(d) + data.draw(st.sampled_from(["", " ", "\u00a0"])) for d in digits)
    assert tidy_postcode(text.strip()) == "".join(map(str, digits))


@pytest.mark.parametrize("code", ["SW1A 1AA", "00-950", "K1A 0B1"])
def test_a_postcode_with_letters_or_a_dash_is_kept(code: str) -> None:
    assert tidy_postcode(code) == code


@pytest.mark.parametrize("table", ["SENDERS", "PRISONERS"])
def test_no_header_names_two_fields_of_one_list(table: str) -> None:
    seen: dict[str, str] = {}
    for language, module in HEADINGS.items():
        for name, headers in getattr(module, table).items():
            for header in map(normalize_header, headers):
                assert seen.setdefault(header, name) == name, (language, header)


@pytest.mark.parametrize("language", sorted(HEADINGS))
def test_every_language_names_what_office_lists_hold(language: str) -> None:
    senders = HEADINGS[language].SENDERS
    prisoners = HEADINGS[language].PRISONERS
    for name in ("id", "name", "given_name", "family_name", "title", "cards", "notes"):
        assert senders.get(name), (language, name)
    for name in ("name", "given_name", "family_name", "birth_year", "institution", "notes"):
        assert prisoners.get(name), (language, name)
    assert set(senders) <= set(SENDER_FIELDS) and set(prisoners) <= set(PRISONER_FIELDS)


_KNOWN = sorted({h for headers in SENDER_FIELDS.values() for h in headers})
_HEADER = st.one_of(
    st.sampled_from(_KNOWN),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüабвгдежзик ", min_size=1, max_size=14),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_HEADER, min_size=1, max_size=8, unique_by=normalize_header))
def test_every_column_is_read_or_named(headers: list[str]) -> None:
    headers = [h.strip() for h in headers if h.strip()]
    if len({normalize_header(h) for h in headers}) < len(headers) or not headers:
        return
    row = Row(2, {h: "x" for h in headers})
    table = Table(Path("l.csv"), "l.csv", headers, [row], "utf-8", ",")
    people = read_senders(table, spooled=False)
    read = set(people.columns.values()) | {
        part for value in people.columns.values() for part in value.split(" + ")
    }
    said = " ".join(str(p) for p in people.problems)
    for header in headers:
        assert header in read or repr(header) in said, (header, people.columns, said)


def _likely_field_by_definition(header: str, fields) -> str | None:
    """The guess as likely_field defines it: every known header compared letter by letter."""
    import difflib
    import unicodedata

    def stems(text: str) -> set[str]:
        plain = "".join(
            c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
        )
        return {word[:5] for word in plain.split() if len(word) >= 5}

    norm = normalize_header(header)
    best: tuple[float, str] | None = None
    for name, headers in fields.items():
        for known in headers:
            score = difflib.SequenceMatcher(None, norm, known).ratio()
            score += len(stems(norm) & stems(known))
            if score >= 0.8 and (best is None or score > best[0]):
                best = (score, name)
    return best[1] if best else None


@st.composite
def _misspelt(draw) -> str:
    """A known header with a letter dropped, doubled, changed or two swapped, or a word added."""
    known = draw(st.sampled_from(_KNOWN))
    at = draw(st.integers(0, max(len(known) - 1, 0)))
    letter = draw(st.sampled_from("aeiknrstuäłąėыиоя "))
    return draw(st.sampled_from([
        known[:at] + known[at + 1 :], known[:at] + known[at : at + 1] * 2 + known[at + 1 :],
        known[:at] + letter + known[at + 1 :], known[:at] + known[at + 1 : at + 2] + known[at : at + 1]
        + known[at + 2 :], f"{known} {draw(st.sampled_from(_KNOWN))}", f"anzahl {known}",
    ]))  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(header=st.one_of(_HEADER, _misspelt()), senders=st.booleans())
def test_the_guess_for_an_unread_column_is_the_closest_known_header(
    header: str, senders: bool
) -> None:
    """likely_field skips the headers that cannot win (a cheap bound on the spelling's
    score) and guesses exactly what comparing every header letter by letter guesses."""
    fields = SENDER_FIELDS if senders else PRISONER_FIELDS
    assert likely_field(header, fields) == _likely_field_by_definition(header, fields)


def test_an_unread_column_is_guessed_by_its_stem_or_its_spelling() -> None:
    assert likely_field("Anzahl Karten", SENDER_FIELDS) == "cards"
    assert likely_field("Atvirukų kiekis", SENDER_FIELDS) == "cards"
    assert likely_field("Emial", SENDER_FIELDS) == "email"
    assert likely_field("Telefon", SENDER_FIELDS) is None


def test_one_warning_per_list_not_one_per_column() -> None:
    headers = ["name", "Telefon", "Zimmer", "Wahlkreis", "Büro"]
    table = Table(
        Path("l.csv"), "l.csv", headers, [Row(2, dict.fromkeys(headers, "x"))], None, None
    )
    warnings = [p for p in read_prisoners(table).problems if "not read" in p.message]
    assert len(warnings) == 1
    assert re.search(
        r"4 columns not read: 'Telefon'; 'Zimmer'; 'Wahlkreis'; 'Büro'", warnings[0].message
    )


_SENDER_PROBE = {"id": "7", "given_name": "Ona", "family_name": "Petraitė", "title": "MP",
                 "parliament": "Seimas", "group": "G", "cards": "4", "notes": "n"}  # fmt: skip
_PRISONER_PROBE = {"id": "P1", "family_name": "Иванов", "given_name": "Сергей",
                   "birth_year": "1985", "institution": "ИК № 9", "postcode": "213410",
                   "city": "г. Горки", "notes": "n"}  # fmt: skip


@pytest.mark.parametrize("language", sorted(HEADINGS))
def test_an_office_list_in_each_language_checks_without_a_mapping(language: str) -> None:
    module = HEADINGS[language]
    for fields, probe, read in (
        (module.SENDERS, _SENDER_PROBE, read_senders),
        (module.PRISONERS, _PRISONER_PROBE, read_prisoners),
    ):
        headers = {fields[name][0]: value for name, value in probe.items() if name in fields}
        table = Table(Path("l.csv"), "l.csv", list(headers), [Row(2, headers)], None, None)
        people = read(table, spooled=False)
        assert not people.problems, (language, [str(p) for p in people.problems])
        (record,) = people.records
        assert record.notes == "n"
        if read is read_senders:
            assert (record.name, record.cards, record.title) == ("Ona Petraitė", 4, "MP")
        else:
            assert (record.name, record.birth_year) == ("Иванов Сергей", "1985")


def _twins_lists(folder: Path) -> tuple[Path, Path]:
    prisoners = folder / "prisoners.csv"
    prisoners.write_text(
        "id,name,birth_year,institution,address,postcode,city,status\n"
        "P1,Иванов Иван,1980,ИК № 9,ул. Заводская 22,213410,г. Горки,\n"
        "P2,Петров Пётр,1975,ИК № 15,ул. Северная 1,212013,г. Могилёв,\n"
        "P3,ИВАНОВ  Иван,1980,ИК № 9,ул. Заводская 22,213410,г. Горки,\n"  # P1 again
        "P4,Петров Петр,1975,ИК № 15,ул. Северная 1,212013,г. Могилёв,released\n"  # P2, out
        "P5,Сидоров Сергей,1990,ИК № 3,ул. Лесная 3,213000,г. Шклов,released\n"
        "P6,Сидоров Сергей,1990,ИК № 3,ул. Лесная 3,213000,г. Шклов,released\n"  # both out
        "P2,Другой Человек,1960,ИК № 1,ул. Новая 7,220000,г. Минск,\n"  # an id twice
        "P7,Иванов Иван,1981,ИК № 9,ул. Заводская 22,213410,г. Горки,\n",  # another year
        encoding="utf-8",
    )
    senders = folder / "senders.csv"
    senders.write_text(
        "id,name,parliament\nS1,Anna Nowak,Sejm\nS2,Anna  NOWAK,Sejm\nS3,Anna Nowak,Seimas\n",
        encoding="utf-8",
    )
    return prisoners, senders


def test_the_same_person_is_found_however_the_keys_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person is remembered by the hash of their key; when every key hashes alike, the
    same people are found and no others (each hit is checked against the record)."""
    import postcards.inputs.duplicates as duplicates
    from postcards.inputs.reading import load_senders

    prisoners, senders = _twins_lists(tmp_path)
    found = [_messages(load_prisoners(prisoners)), _messages(load_senders(senders))]
    monkeypatch.setattr(duplicates, "_key_hash", lambda key: 0)  # every key collides
    assert [_messages(load_prisoners(prisoners)), _messages(load_senders(senders))] == found
    same = [m for m in found[0] if "the same person" in m]
    assert len(same) == 2 and "P1 on row 2, P3 here" in same[0], found[0]
    assert "P2 on row 3, P4 here" in same[1]  # one of the two still in custody
    assert any("duplicate id P2" in m for m in found[0])
    assert not any("P6 here" in m or "P7 here" in m for m in found[0])
    assert (
        [m for m in found[1] if "the same person" in m]
        == [m for m in found[1] if "S1 on row 2, S2 here" in m]
        != []
    )
