"""Will a card reach this prisoner?  Address and birth-year checks, Belarus's first.

A Belarusian prison needs a six-digit postcode, the institution, and the street and city
in Cyrillic; its censor also matches a card to a prisoner by birth year.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from postcards.errors import Problem
from postcards.inputs.cells import (
    CYRILLIC_LETTER,
    LATIN_LETTER,
    restored_postcode,
    whole_number,
    year_of_birth,
)
from postcards.inputs.columns import RowReader
from postcards.inputs.people import Prisoner
from postcards.inputs.values import tidy_postcode


def latest_birth_year() -> int:
    """The latest plausible year of birth, today: 14 years ago (worked out once a list)."""
    return dt.date.today().year - ADULT_AGE


def birth_year(r: RowReader, warning: bool, last: int) -> str:
    """The year of birth, from a year or a date of birth in any common form.

    It must lie between 1900 and ``last`` (:func:`latest_birth_year`; an error only in
    custody).
    """
    text = r.get("birth_year")
    if len(text) == 4 and text.isdecimal() and 1900 <= int(text) <= last:
        return text  # the usual cell, a plausible year, in one look (isdecimal: what \d is)
    return any_birth_year(r, text, warning, last)


def any_birth_year(r: RowReader, text: str, warning: bool, last: int) -> str:
    """:func:`birth_year` of ``text`` in whatever form, the usual one included."""
    year = year_of_birth(text) if text else ""
    if year is None:
        r.fail(
            "birth_year",
            f"{text!r} is not a year or date of birth like 1985 or 12.03.1985",
            warning,
        )
        return text
    if year and not 1900 <= int(year) <= last:
        r.fail(
            "birth_year",
            f"{text} is not a plausible year of birth (1900–{last}); correct it",
            warning,
        )
    return year


def postcode(r: RowReader, country: str) -> str:
    """The postcode, spaces between its digits tidied and a number cell's lost zeros restored.

    ``213 410`` is how people type six digits.  A dropped zero is restored, with a warning,
    only when the country's codes make that unambiguous.
    """
    text = tidy_postcode(whole_number(r.get("postcode")))
    restored = restored_postcode(text, country)
    if restored is None:
        return text
    r.problems.append(
        Problem(
            f"{text!r} read as {restored}: a number cell dropped its leading zero; check it, "
            "and format the column as text",
            file=r.table.name,
            row=r.row.number,
            column=r.mapping.get("postcode", "postcode"),
            warning=True,
        )
    )
    return restored


def split_lines(text: str) -> tuple[str, ...]:
    """The non-empty lines of a cell, stripped."""
    if text.isprintable():  # no line break of any kind (they are not printable): one line
        line = text.strip()
        return (line,) if line else ()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def address_lines(r: RowReader) -> tuple[str, ...]:
    """Street and house (joined as the first line), the address cell, address1…5."""
    street = ", ".join(filter(None, (r.get("street"), r.get("house"))))
    lines = [street] if street else []
    for name in r.present(_ADDRESS_COLUMNS):  # most lists have one or two of these columns
        lines += split_lines(r.get(name))
    return tuple(lines)


_ADDRESS_COLUMNS = ("address", *(f"address{i}" for i in range(1, 6)))


def check_addressable(r: RowReader, prisoner: Prisoner) -> None:
    """A card in custody needs somewhere to go: an institution or street, and a city."""
    if not prisoner.institution and not prisoner.address:
        r.fail(
            "institution" if "institution" in r.mapping else "address",
            "empty: a prisoner in custody needs an institution or an address",
        )
    if not prisoner.city and not prisoner.postcode:
        r.fail("city", "empty: a prisoner in custody needs a city and postcode")


#: How Belarus is written in the country column (empty: Belarus is the default).
BELARUS_NAMES = frozenset(
    {
        "",
        "belarus",
        "by",
        "blr",
        "беларусь",
        "республика беларусь",
        "рэспубліка беларусь",
        "republic of belarus",
        "belarus republic of",
    }
)


ADULT_AGE = 14  # the age of criminal responsibility in Belarus
_BELARUS_POSTCODE = re.compile(r"\d{6}")


@lru_cache(maxsize=1024)  # a list names a handful of countries
def is_belarus(country: str) -> bool:
    """Whether a country cell means Belarus (the default when empty)."""
    return " ".join(country.casefold().replace(",", " ").split()) in BELARUS_NAMES


def check_belarus(r: RowReader, prisoner: Prisoner) -> None:
    """What Belarusian post and prison censors need to deliver a card.

    Errors for a prisoner in custody (a card would go astray); for anyone else, who gets
    no card, the same findings are warnings so a list can be cleaned without blocking.
    """
    in_custody, code = prisoner.in_custody, prisoner.postcode  # each field read once
    warn = not in_custody
    if in_custody and not prisoner.institution:
        r.fail(
            "institution",
            "empty: a prisoner in custody in Belarus needs the "
            "institution (e.g. ИК № 9, СИЗО № 1); the post sorts by it",
        )
    if not code and in_custody:
        r.fail("postcode", "empty: a Belarusian address needs its 6-digit postcode, like 213410")
    elif code and not _BELARUS_POSTCODE.fullmatch(code):
        r.fail(
            "postcode",
            f"{code!r} is not a Belarusian postcode; it has 6 digits, like 213410",
            warn,
        )
    if in_custody and not prisoner.city and not code:
        r.fail("city", "empty: a prisoner in custody needs a city and postcode")
    if in_custody and not prisoner.birth_year:
        r.fail(
            "birth_year",
            "empty: namesakes in one institution cannot be told apart "
            "without the year of birth; add it",
            warning=True,
        )
    check_cyrillic(r, prisoner, warn)


def check_cyrillic(r: RowReader, prisoner: Prisoner, warn: bool) -> None:
    """An address in Latin letters only: Belarusian post and censors need Cyrillic."""
    address, city = "\n".join(prisoner.address), prisoner.city
    if not LATIN_LETTER.search(address) and not LATIN_LETTER.search(city):
        return  # the usual address, with no Latin letter
    for name, text in (("address", address), ("city", city)):
        if LATIN_LETTER.search(text) and not CYRILLIC_LETTER.search(text):
            column = name if name in r.mapping or name == "city" else "address1"
            r.fail(
                column,
                f"{text.splitlines()[0]!r} is written only in Latin letters; "
                "Belarusian post and prison censors need the address in Cyrillic "
                "(e.g. ул. Заводская, 22; г. Горки)",
                warn,
            )
