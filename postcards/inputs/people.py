"""Sender and Prisoner records, read from spreadsheet rows and validated.

Headers are matched case- and space-insensitively through aliases (``Full name``,
``ФИО``…) or an explicit ``[senders.columns]`` mapping.  Unknown columns are kept in
``extra`` for templates.  Every problem names the file, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from postcards.config import Limits
from postcards.errors import Problem
from postcards.inputs.cells import restored_postcode, to_ascii, whole_number, year_of_birth
from postcards.inputs.spreadsheets import (
    Row,
    Table,
    normalize_header,
    read_table,
    table_from_dataframe,
)
from postcards.invisible import invisible_problem

if TYPE_CHECKING:
    from pandas import DataFrame

STATUSES = ("in_custody", "released", "deceased", "unknown")
_STATUS_ALIASES = {
    "": "in_custody", "in custody": "in_custody", "custody": "in_custody",
    "imprisoned": "in_custody", "detained": "in_custody", "в заключении": "in_custody",
    "освобождён": "released", "освобожден": "released", "free": "released",
    "died": "deceased", "dead": "deceased",
}

#: Header aliases, compared after :func:`normalize_header`, in English, Russian,
#: Belarusian, German, French and Polish (the languages of the offices that use it).
_ID = ("№", "no", "nr", "n°", "#", "lp", "номер", "nummer", "numéro", "numer")
SENDER_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "sender id", "code", *_ID),
    "name": ("name", "full name", "sender", "sender name", "member", "фио", "ф и о", "имя",
             "фамилия имя отчество", "имя фамилия", "прозвішча імя", "імя", "nom",
             "nom complet", "vollständiger name", "imię i nazwisko", "nazwisko i imię"),
    "title": ("title", "position", "function", "должность", "пасада", "titel", "funktion",
              "titre", "fonction", "stanowisko", "tytuł"),
    "parliament": ("parliament", "chamber", "house", "парламент", "parlament", "parlement",
                   "kammer", "chambre", "izba"),
    "group": ("group", "political group", "party", "фракция", "фракцыя", "партия",
              "fraktion", "partei", "groupe", "groupe politique", "parti", "grupa", "klub",
              "partia"),
    "country": ("country", "member state", "страна", "краіна", "land", "pays", "kraj"),
    "language": ("language", "lang", "язык", "мова", "sprache", "langue", "język"),
    "cards": ("cards", "number of cards", "card count", "quantity", "открытки",
              "паштоўкі", "karten", "cartes", "kartki"),
    "return_address": ("return address", "address", "обратный адрес", "зваротны адрас",
                       "absender", "absenderadresse", "adresse de retour", "adres zwrotny"),
    "signature": ("signature", "signature image", "подпись", "подпіс", "unterschrift",
                  "podpis"),
    "email": ("email", "e mail", "mail", "e mail address", "email address", "e mail adresse",
              "adresse e mail", "courriel", "adres e mail", "электронная почта",
              "электронная пошта"),
}

PRISONER_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "prisoner id", "code", *_ID),
    "name": ("name", "full name", "фио", "ф и о", "имя", "прозвішча імя",
             "фамилия имя отчество", "прозвішча", "nom", "nom complet",
             "vollständiger name", "imię i nazwisko", "nazwisko i imię"),
    "name_dative": ("name dative", "dative", "name to", "кому", "фио дательный",
                    "дательный падеж", "каму"),
    "name_latin": ("name latin", "latin name", "transliteration", "name in latin",
                   "транслитерация", "транслітарацыя"),
    "birth_year": ("birth year", "year of birth", "born", "год рождения", "год нараджэння",
                   "г р", "date of birth", "birth date", "birthdate", "dob",
                   "дата рождения", "дата нараджэння", "geburtsdatum", "geburtsjahr",
                   "jahrgang", "date de naissance", "année de naissance", "data urodzenia",
                   "rok urodzenia"),
    "institution": ("institution", "prison", "colony", "facility", "учреждение", "колония",
                    "место заключения", "установа", "месца зняволення", "турма",
                    "haftanstalt", "justizvollzugsanstalt", "gefängnis", "anstalt",
                    "établissement", "établissement pénitentiaire", "zakład karny",
                    "więzienie"),
    "address": ("address", "адрес", "адрас", "adresse", "anschrift", "adres"),
    "street": ("street", "улица", "вуліца", "straße", "strasse", "rue", "ulica"),
    "house": ("house", "house number", "house no", "дом", "дом №", "№ дома", "номер дома",
              "дом корпус", "хата", "дом нумар", "hausnummer", "haus nr", "numéro de rue",
              "nr domu", "numer domu"),
    "address1": ("address1", "address 1", "address line 1"),
    "address2": ("address2", "address 2", "address line 2"),
    "address3": ("address3", "address 3", "address line 3"),
    "address4": ("address4", "address 4", "address line 4"),
    "address5": ("address5", "address 5", "address line 5"),
    "postcode": ("postcode", "postal code", "post code", "zip", "индекс", "почтовый индекс",
                 "паштовы індэкс", "індэкс", "plz", "postleitzahl", "code postal",
                 "kod pocztowy"),
    "city": ("city", "town", "город", "горад", "населённый пункт", "населенный пункт",
             "населены пункт", "stadt", "ort", "ville", "miasto", "miejscowość"),
    "region": ("region", "oblast", "область", "вобласць", "bundesland", "région",
               "województwo"),
    "country": ("country", "страна", "краіна", "land", "pays", "kraj"),
    "language": ("language", "lang", "язык", "мова", "sprache", "langue", "język"),
    "status": ("status", "статус", "стан", "statut"),
    "photo": ("photo", "picture", "фото", "фота", "foto", "zdjęcie"),
    "sentence": ("sentence", "срок", "приговор", "прысуд", "тэрмін", "urteil", "strafe",
                 "peine", "wyrok"),
    "notes": ("notes", "note", "comment", "comments", "примечание", "заметки", "нататкі",
              "anmerkungen", "bemerkung", "remarques", "uwagi"),
}


@dataclass(frozen=True)
class Sender:
    """A member of parliament who signs cards."""

    id: str
    name: str
    row: int
    title: str = ""
    parliament: str = ""
    group: str = ""
    country: str = ""
    language: str = ""
    cards: int | None = None
    return_address: tuple[str, ...] = ()
    signature: str = ""
    email: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Prisoner:
    """A political prisoner as the address list describes them."""

    id: str
    name: str
    row: int
    name_dative: str = ""
    name_latin: str = ""
    birth_year: str = ""
    institution: str = ""
    address: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    language: str = ""
    status: str = "in_custody"
    photo: str = ""
    sentence: str = ""
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def in_custody(self) -> bool:
        return self.status == "in_custody"


@dataclass(frozen=True)
class People:
    """What a spreadsheet held: the records and the problems found reading them."""

    records: tuple
    problems: tuple[Problem, ...]
    file: str = ""
    columns: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        """The header in the file that holds our field ``name`` (for messages)."""
        return self.columns.get(name, name)


def header_names(fields: dict[str, tuple[str, ...]], explicit: dict[str, str]) -> frozenset[str]:
    """Every header (normalized) that names one of ``fields``: how the header row is
    recognised below an office's title rows."""
    names = {normalize_header(a) for name, aliases in fields.items() for a in (name, *aliases)}
    return frozenset(names | {normalize_header(h) for h in explicit.values()})


#: A spreadsheet file, or a pandas DataFrame (with the optional extra postcards[pandas]).
Source = Union[str, Path, "DataFrame"]


def load_table(source: Source, header_row: int | None = None,
               known: frozenset[str] = frozenset(), limits: Limits | None = None) -> Table:
    """A file's first sheet (within ``limits``), or a DataFrame, as a :class:`Table`
    with the same checks."""
    if isinstance(source, str | Path):
        return read_table(source, limits, header_row, known)
    return table_from_dataframe(source, "DataFrame", header_row, known)


def load_senders(source: Source, columns: dict[str, str] | None = None,
                 config_name: str = "campaign.toml", header_row: int | None = None,
                 limits: Limits | None = None) -> People:
    """Senders from a spreadsheet file (or DataFrame), its header row found below any
    title rows."""
    known = header_names(SENDER_FIELDS, columns or {})
    return read_senders(load_table(source, header_row, known, limits), columns, config_name)


def load_prisoners(source: Source, columns: dict[str, str] | None = None,
                   config_name: str = "campaign.toml", header_row: int | None = None,
                   limits: Limits | None = None) -> People:
    """Prisoners from a spreadsheet file (or DataFrame), its header row found below any
    title rows."""
    known = header_names(PRISONER_FIELDS, columns or {})
    return read_prisoners(load_table(source, header_row, known, limits), columns,
                          config_name)


def map_columns(table: Table, fields: dict[str, tuple[str, ...]], explicit: dict[str, str],
                config_name: str, section: str) -> tuple[dict[str, str], list[Problem]]:
    """Field -> header in the file, from the explicit mapping first, then aliases."""
    by_norm = {normalize_header(h): h for h in table.headers}
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for name, header in explicit.items():
        if name not in fields:
            problems.append(Problem(f"not a field; fields are {', '.join(fields)}",
                                    file=config_name, column=f"{section}.columns.{name}"))
        elif normalize_header(header) not in by_norm:
            problems.append(Problem(f"no column {header!r} in {table.name}",
                                    file=config_name, column=f"{section}.columns.{name}"))
        else:
            mapping[name] = by_norm[normalize_header(header)]
    for name, aliases in fields.items():
        if name in mapping:
            continue
        taken = set(mapping.values())
        for alias in (name, *aliases):
            header = by_norm.get(normalize_header(alias))
            if header and header not in taken:
                mapping[name] = header
                break
    return mapping, problems


def _unused_lookalikes(table: Table, fields: dict[str, tuple[str, ...]],
                       mapping: dict[str, str], section: str) -> list[Problem]:
    """A column named like one of our fields that is not read (a mapping or an earlier
    column took the field): its data would otherwise be dropped without a word."""
    used = set(mapping.values())
    problems = []
    for header in table.headers:
        if header in used:
            continue
        norm = normalize_header(header)
        field_name = next((f for f, aliases in fields.items()
                           if norm in {normalize_header(a) for a in (f, *aliases)}), None)
        if field_name is None:
            continue
        source = mapping.get(field_name)
        why = (f"{field_name} is read from column {source!r}" if source else
               f"{field_name} is not read from it")
        problems.append(Problem(
            f"looks like the {field_name} column, but {why}; this column is not used "
            f"(map it under [{section}.columns], or rename or remove it)",
            file=table.name, row=table.header_row, column=header, warning=True))
    return problems


def _missing_column(table: Table, field_name: str, fields: dict[str, tuple[str, ...]],
                    section: str) -> Problem:
    aliases = [repr(a) for a in fields[field_name] if a != field_name]
    examples = ", ".join(aliases[:5]) + (", …" if len(aliases) > 5 else "")
    return Problem(
        f"missing column; add a column named {field_name!r} (or one of {examples}), "
        f"or map it in campaign.toml under [{section}.columns]",
        file=table.name, row=table.header_row, column=field_name)


class _RowReader:
    """Reads one row's fields by our names, collecting problems with their location."""

    def __init__(self, table: Table, row: Row, mapping: dict[str, str],
                 problems: list[Problem]):
        self.table, self.row, self.mapping, self.problems = table, row, mapping, problems

    def get(self, name: str) -> str:
        header = self.mapping.get(name)
        return self.row.cells.get(header, "").strip() if header else ""

    def fail(self, name: str, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(message, file=self.table.name, row=self.row.number,
                                     column=self.mapping.get(name, name), warning=warning))

    def required(self, name: str) -> str:
        value = self.get(name)
        if not value and name in self.mapping:
            self.fail(name, "empty")
        return value

    def extra(self) -> dict[str, str]:
        used = set(self.mapping.values())
        return {normalize_header(h).replace(" ", "_"): v
                for h, v in self.row.cells.items() if h not in used}


def _read(table: Table, fields: dict[str, tuple[str, ...]], required: tuple[str, ...],
          explicit: dict[str, str], config_name: str, section: str,
          build: Callable[[_RowReader], object | None]) -> People:
    mapping, problems = map_columns(table, fields, explicit, config_name, section)
    problems += list(table.notes) + _unused_lookalikes(table, fields, mapping, section)
    problems += [_missing_column(table, f, fields, section) for f in required
                 if f not in mapping]
    problems += [p for h in table.headers
                 if (p := invisible_problem(h, table.name, table.header_row, h))]
    if any(not p.warning for p in problems):
        return People((), tuple(problems), table.name, mapping)
    if not table.rows:
        problems.append(Problem(f"no {section}: the sheet has a header row but no rows "
                                f"below it; add one row per {section[:-1]}",
                                file=table.name))
    records = []
    for row in table.rows:
        record = build(_RowReader(table, row, mapping, problems))
        if record is not None:
            records.append(record)
        released = isinstance(record, Prisoner) and not record.in_custody
        problems += _invisible(table, row, warning=released)
    problems += _duplicate_ids(table, records, mapping.get("id", "id"))
    return People(tuple(records), tuple(problems), table.name, mapping)


def _invisible(table: Table, row: Row, warning: bool) -> list[Problem]:
    """Every cell of the row, read or not: an invisible control is never kept silently."""
    found = (invisible_problem(text, table.name, row.number, header, warning)
             for header, text in row.cells.items())
    return [problem for problem in found if problem]


def custody_problems(prisoners: People) -> list[Problem]:
    """A print run needs someone to write to: no prisoner in custody is an error."""
    if not prisoners.records or any(p.in_custody for p in prisoners.records):
        return []
    return [Problem("no prisoner in custody: every row's status is released, deceased or "
                    "unknown, so there is no card to print; check the status column",
                    file=prisoners.file)]


def _duplicate_ids(table: Table, records: list, column: str) -> list[Problem]:
    first_row: dict[str, int] = {}
    problems = []
    for record in records:
        if record.id in first_row:
            problems.append(Problem(
                f"duplicate id {record.id} (also on row {first_row[record.id]}); "
                f"every row needs its own id",
                file=table.name, row=record.row, column=column))
        else:
            first_row[record.id] = record.row
    return problems


def read_senders(table: Table, columns: dict[str, str] | None = None,
                 config_name: str = "campaign.toml") -> People:
    """Senders from a table; ``columns`` is the [senders.columns] mapping."""
    return _read(table, SENDER_FIELDS, ("name",), columns or {}, config_name, "senders",
                 _build_sender)


def _build_sender(r: _RowReader) -> Sender | None:
    name = r.required("name")
    if not name:
        return None
    sender_id = r.get("id") or derive_id(name)
    return Sender(
        id=sender_id, name=name, row=r.row.number, title=r.get("title"),
        parliament=r.get("parliament"), group=r.get("group"), country=r.get("country"),
        language=r.get("language").lower(), cards=_card_count(r),
        return_address=_lines(r.get("return_address")), signature=r.get("signature"),
        email=r.get("email"), extra=r.extra())


def _card_count(r: _RowReader) -> int | None:
    text = r.get("cards")
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        r.fail("cards", f"{text!r} is not a whole number of cards; leave it empty for no cap")
        return None
    return int(text)


def derive_id(name: str) -> str:
    """A stable id from a name, for sender lists without an id column."""
    slug = re.sub(r"[^a-z0-9]+", "-", to_ascii(name)).strip("-")
    return slug or "sender-" + "-".join(f"{ord(c):x}" for c in name[:6])


def read_prisoners(table: Table, columns: dict[str, str] | None = None,
                   config_name: str = "campaign.toml") -> People:
    """Prisoners from a table; ``columns`` is the [prisoners.columns] mapping."""
    return _read(table, PRISONER_FIELDS, ("id", "name"), columns or {}, config_name,
                 "prisoners", _build_prisoner)


def _build_prisoner(r: _RowReader) -> Prisoner | None:
    prisoner_id, name = r.required("id"), r.required("name")
    status = _status(r)
    if not prisoner_id or not name:
        return None
    prisoner = Prisoner(
        id=prisoner_id, name=name, row=r.row.number, name_dative=r.get("name_dative"),
        name_latin=r.get("name_latin"), birth_year=_birth_year(r, status != "in_custody"),
        institution=r.get("institution"), address=_address(r),
        postcode=_postcode(r, r.get("country") or "Belarus"),
        city=r.get("city"), region=r.get("region"), country=r.get("country"),
        language=r.get("language").lower(), status=status, photo=r.get("photo"),
        sentence=r.get("sentence"), notes=r.get("notes"), extra=r.extra())
    if is_belarus(prisoner.country):
        _check_belarus(r, prisoner)
    elif prisoner.in_custody:
        _check_addressable(r, prisoner)
    return prisoner


def _status(r: _RowReader) -> str:
    text = r.get("status")
    key = " ".join(text.casefold().replace("_", " ").split())
    status = _STATUS_ALIASES.get(key, key.replace(" ", "_"))
    if status not in STATUSES:
        r.fail("status", f"unknown status {text!r}; use one of {', '.join(STATUSES)}")
        return "unknown"
    return status


def _birth_year(r: _RowReader, warning: bool) -> str:
    """The year of birth, from a year or a date of birth in any common form: 1900 to 14
    years ago (an error only in custody)."""
    text = r.get("birth_year")
    year = year_of_birth(text) if text else ""
    last = dt.date.today().year - ADULT_AGE
    if year is None:
        r.fail("birth_year", f"{text!r} is not a year or date of birth like 1985 or "
                             "12.03.1985", warning)
        return text
    if year and not 1900 <= int(year) <= last:
        r.fail("birth_year", f"{text} is not a plausible year of birth (1900–{last}); "
               "correct it", warning)
    return year


def _postcode(r: _RowReader, country: str) -> str:
    """The postcode; one that a number cell stripped of its leading zero is restored,
    with a warning, when the country's codes make that unambiguous."""
    text = whole_number(r.get("postcode"))
    restored = restored_postcode(text, country)
    if restored is None:
        return text
    r.problems.append(Problem(
        f"{text!r} read as {restored}: a number cell dropped its leading zero; check it, "
        "and format the column as text", file=r.table.name, row=r.row.number,
        column=r.mapping.get("postcode", "postcode"), warning=True))
    return restored


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _address(r: _RowReader) -> tuple[str, ...]:
    """Street and house (joined as the first line), the address cell, address1…5."""
    street = ", ".join(v for v in (r.get("street"), r.get("house")) if v)
    lines = [street] if street else []
    lines += _lines(r.get("address"))
    for i in range(1, 6):
        lines += _lines(r.get(f"address{i}"))
    return tuple(lines)


def _check_addressable(r: _RowReader, prisoner: Prisoner) -> None:
    """A card in custody needs somewhere to go: an institution or street, and a city."""
    if not prisoner.institution and not prisoner.address:
        r.fail("institution" if "institution" in r.mapping else "address",
               "empty: a prisoner in custody needs an institution or an address")
    if not prisoner.city and not prisoner.postcode:
        r.fail("city", "empty: a prisoner in custody needs a city and postcode")


#: How Belarus is written in the country column (empty: Belarus is the default).
BELARUS_NAMES = frozenset({"", "belarus", "by", "blr", "беларусь", "республика беларусь",
                           "рэспубліка беларусь", "republic of belarus",
                           "belarus republic of"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
ADULT_AGE = 14  # the age of criminal responsibility in Belarus


def is_belarus(country: str) -> bool:
    """Whether a country cell means Belarus (the default when empty)."""
    return " ".join(country.casefold().replace(",", " ").split()) in BELARUS_NAMES


def _check_belarus(r: _RowReader, prisoner: Prisoner) -> None:
    """What Belarusian post and prison censors need to deliver a card.

    Errors for a prisoner in custody (a card would go astray); for anyone else, who gets
    no card, the same findings are warnings so a list can be cleaned without blocking.
    """
    warn = not prisoner.in_custody
    if prisoner.in_custody and not prisoner.institution:
        r.fail("institution", "empty: a prisoner in custody in Belarus needs the "
               "institution (e.g. ИК № 9, СИЗО № 1); the post sorts by it")
    if not prisoner.postcode and prisoner.in_custody:
        r.fail("postcode", "empty: a Belarusian address needs its 6-digit postcode, "
               "like 213410")
    elif prisoner.postcode and not re.fullmatch(r"\d{6}", prisoner.postcode):
        r.fail("postcode", f"{prisoner.postcode!r} is not a Belarusian postcode; it has "
               "6 digits, like 213410", warn)
    if prisoner.in_custody and not prisoner.city and not prisoner.postcode:
        r.fail("city", "empty: a prisoner in custody needs a city and postcode")
    if prisoner.in_custody and not prisoner.birth_year:
        r.fail("birth_year", "empty: namesakes in one institution cannot be told apart "
               "without the year of birth; add it", warning=True)
    _check_cyrillic(r, prisoner, warn)


def _check_cyrillic(r: _RowReader, prisoner: Prisoner, warn: bool) -> None:
    """An address in Latin letters only: Belarusian post and censors need Cyrillic."""
    for name, text in (("address", "\n".join(prisoner.address)), ("city", prisoner.city)):
        if _LATIN.search(text) and not _CYRILLIC.search(text):
            column = name if name in r.mapping or name == "city" else "address1"
            r.fail(column, f"{text.splitlines()[0]!r} is written only in Latin letters; "
                   "Belarusian post and prison censors need the address in Cyrillic "
                   "(e.g. ул. Заводская, 22; г. Горки)", warn)
