"""Which column is which field: headers matched through aliases in six languages.

Headers are matched case- and space-insensitively through aliases (``Full name``,
``ФИО``…) or an explicit ``[senders.columns]`` mapping.  A column that looks like a
field but is not read is reported, never dropped silently.
"""

from __future__ import annotations

from postcards.errors import Problem
from postcards.inputs.spreadsheets import (
    Row,
    Table,
    normalize_header,
)

#: Header aliases, compared after :func:`normalize_header`, in English, Russian,
#: Belarusian, German, French and Polish (the languages of the offices that use it).
_ID = ("№", "no", "nr", "n°", "#", "lp", "номер", "nummer", "numéro", "numer")


# The alias tables read best as one line per field.
# fmt: off
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
# fmt: on


def header_names(fields: dict[str, tuple[str, ...]], explicit: dict[str, str]) -> frozenset[str]:
    """Every header (normalized) that names one of ``fields``.

    This is how the header row is recognised below an office's title rows.
    """
    names = {normalize_header(a) for name, aliases in fields.items() for a in (name, *aliases)}
    return frozenset(names | {normalize_header(h) for h in explicit.values()})


def map_columns(
    table: Table,
    fields: dict[str, tuple[str, ...]],
    explicit: dict[str, str],
    config_name: str,
    section: str,
) -> tuple[dict[str, str], list[Problem]]:
    """Field -> header in the file, from the explicit mapping first, then aliases."""
    by_norm = {normalize_header(h): h for h in table.headers}
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for name, header in explicit.items():
        if name not in fields:
            problems.append(
                Problem(
                    f"not a field; fields are {', '.join(fields)}",
                    file=config_name,
                    column=f"{section}.columns.{name}",
                )
            )
        elif normalize_header(header) not in by_norm:
            problems.append(
                Problem(
                    f"no column {header!r} in {table.name}",
                    file=config_name,
                    column=f"{section}.columns.{name}",
                )
            )
        else:
            mapping[name] = by_norm[normalize_header(header)]
    for name, aliases in fields.items():
        if name in mapping:
            continue
        taken = set(mapping.values())
        for alias in (name, *aliases):
            found = by_norm.get(normalize_header(alias))
            header = found or ""
            if header and header not in taken:
                mapping[name] = header
                break
    return mapping, problems


def unused_lookalikes(
    table: Table, fields: dict[str, tuple[str, ...]], mapping: dict[str, str], section: str
) -> list[Problem]:
    """A column named like one of our fields that is not read.

    A mapping or an earlier column took the field; its data would otherwise be dropped without a
    word.
    """
    used = set(mapping.values())
    problems = []
    for header in table.headers:
        if header in used:
            continue
        norm = normalize_header(header)
        field_name = next(
            (
                f
                for f, aliases in fields.items()
                if norm in {normalize_header(a) for a in (f, *aliases)}
            ),
            None,
        )
        if field_name is None:
            continue
        source = mapping.get(field_name)
        why = (
            f"{field_name} is read from column {source!r}"
            if source
            else f"{field_name} is not read from it"
        )
        problems.append(
            Problem(
                f"looks like the {field_name} column, but {why}; this column is not used "
                f"(map it under [{section}.columns], or rename or remove it)",
                file=table.name,
                row=table.header_row,
                column=header,
                warning=True,
            )
        )
    return problems


def missing_column(
    table: Table, field_name: str, fields: dict[str, tuple[str, ...]], section: str
) -> Problem:
    """The problem for a required column that is missing, naming its aliases and the mapping."""
    aliases = [repr(a) for a in fields[field_name] if a != field_name]
    examples = ", ".join(aliases[:5]) + (", …" if len(aliases) > 5 else "")
    return Problem(
        f"missing column; add a column named {field_name!r} (or one of {examples}), "
        f"or map it in campaign.toml under [{section}.columns]",
        file=table.name,
        row=table.header_row,
        column=field_name,
    )


class RowReader:
    """Reads one row's fields by our names, collecting problems with their location."""

    def __init__(self, table: Table, row: Row, mapping: dict[str, str], problems: list[Problem]):
        self.table, self.row, self.mapping, self.problems = table, row, mapping, problems
        self.cells = row.cells

    def get(self, name: str) -> str:
        """The stripped text of field ``name`` in this row; empty when no column holds it."""
        header = self.mapping.get(name)
        return self.cells.get(header, "").strip() if header else ""

    def fail(self, name: str, message: str, warning: bool = False) -> None:
        """Record a problem (or a warning) at this row, in the column that holds ``name``."""
        self.problems.append(
            Problem(
                message,
                file=self.table.name,
                row=self.row.number,
                column=self.mapping.get(name, name),
                warning=warning,
            )
        )

    def required(self, name: str) -> str:
        """The field's text; an empty cell in a present column is a problem."""
        value = self.get(name)
        if not value and name in self.mapping:
            self.fail(name, "empty")
        return value

    def extra(self) -> dict[str, str]:
        """The cells of the columns no field reads, by normalized header: template fields."""
        used = set(self.mapping.values())
        return {
            normalize_header(h).replace(" ", "_"): v
            for h, v in self.row.cells.items()
            if h not in used
        }
