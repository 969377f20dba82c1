"""Sender and Prisoner records, read from spreadsheet rows and validated.

Headers are matched case- and space-insensitively through aliases (``Full name``,
``ФИО``…) or an explicit ``[senders.columns]`` mapping.  Unknown columns are kept in
``extra`` for templates.  Every problem names the file, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import Problem
from .invisible import invisible_problem
from .sources import Row, Table

STATUSES = ("in_custody", "released", "deceased", "unknown")
_STATUS_ALIASES = {
    "": "in_custody", "in custody": "in_custody", "custody": "in_custody",
    "imprisoned": "in_custody", "detained": "in_custody", "в заключении": "in_custody",
    "освобождён": "released", "освобожден": "released", "free": "released",
    "died": "deceased", "dead": "deceased",
}

SENDER_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "sender id", "code"),
    "name": ("name", "full name", "sender", "sender name", "member", "фио", "ф и о", "имя"),
    "title": ("title", "position", "function", "должность"),
    "parliament": ("parliament", "chamber", "house", "парламент"),
    "group": ("group", "political group", "party", "фракция"),
    "country": ("country", "member state", "страна"),
    "language": ("language", "lang", "язык"),
    "cards": ("cards", "number of cards", "card count", "quantity"),
    "return_address": ("return address", "address"),
    "signature": ("signature", "signature image"),
    "email": ("email", "e mail", "mail"),
}

PRISONER_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "prisoner id", "code"),
    "name": ("name", "full name", "фио", "ф и о", "имя", "прозвішча імя"),
    "name_dative": ("name dative", "dative", "name to", "кому", "фио дательный",
                    "дательный падеж"),
    "name_latin": ("name latin", "latin name", "transliteration", "name in latin"),
    "birth_year": ("birth year", "year of birth", "born", "год рождения", "год нараджэння",
                   "г р"),
    "institution": ("institution", "prison", "colony", "facility", "учреждение", "колония"),
    "address": ("address", "street", "адрес", "улица"),
    "address1": ("address1", "address 1", "address line 1"),
    "address2": ("address2", "address 2", "address line 2"),
    "address3": ("address3", "address 3", "address line 3"),
    "address4": ("address4", "address 4", "address line 4"),
    "address5": ("address5", "address 5", "address line 5"),
    "postcode": ("postcode", "postal code", "post code", "zip", "индекс"),
    "city": ("city", "town", "город", "горад"),
    "region": ("region", "oblast", "область", "вобласць"),
    "country": ("country", "страна", "краіна"),
    "language": ("language", "lang", "язык", "мова"),
    "status": ("status", "статус"),
    "photo": ("photo", "picture", "фото"),
    "sentence": ("sentence", "срок", "приговор"),
    "notes": ("notes", "note", "comment", "примечание"),
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


def normalize_header(text: str) -> str:
    """The form in which headers are compared: case, spaces, dots and dashes folded."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[_\-.:()/]+", " ", text).split())


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


def _missing_column(table: Table, field_name: str, fields: dict[str, tuple[str, ...]],
                    section: str) -> Problem:
    examples = ", ".join(repr(a) for a in fields[field_name] if a != field_name)
    return Problem(
        f"missing column; add a column named {field_name!r} (or one of {examples}), "
        f"or map it in campaign.toml under [{section}.columns]",
        file=table.name, row=1, column=field_name)


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
    problems += [_missing_column(table, f, fields, section) for f in required
                 if f not in mapping]
    problems += [p for h in table.headers if (p := invisible_problem(h, table.name, 1, h))]
    if problems:
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
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
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
        institution=r.get("institution"), address=_address(r), postcode=r.get("postcode"),
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
    """A year of birth: four digits, 1900 to 14 years ago (an error only in custody)."""
    text = r.get("birth_year")
    last = dt.date.today().year - ADULT_AGE
    if text and not re.fullmatch(r"\d{4}", text):
        r.fail("birth_year", f"{text!r} is not a year of birth like 1985", warning)
    elif text and not 1900 <= int(text) <= last:
        r.fail("birth_year", f"{text} is not a plausible year of birth (1900–{last}); "
               "correct it", warning)
    return text


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _address(r: _RowReader) -> tuple[str, ...]:
    lines = list(_lines(r.get("address")))
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
