"""Will a card reach this prisoner?  Address and birth-year checks, Belarus's first.

A Belarusian prison needs a six-digit postcode, the institution, and the street and city
in Cyrillic; its censor also matches a card to a prisoner by birth year.
"""

from __future__ import annotations

import datetime as dt
import re

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


def birth_year(r: RowReader, warning: bool) -> str:
    """The year of birth, from a year or a date of birth in any common form.

    It must lie between 1900 and 14 years ago (an error only in custody).
    """
    text = r.get("birth_year")
    year = year_of_birth(text) if text else ""
    last = dt.date.today().year - ADULT_AGE
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
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def address_lines(r: RowReader) -> tuple[str, ...]:
    """Street and house (joined as the first line), the address cell, address1…5."""
    street = ", ".join(v for v in (r.get("street"), r.get("house")) if v)
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


def is_belarus(country: str) -> bool:
    """Whether a country cell means Belarus (the default when empty)."""
    return " ".join(country.casefold().replace(",", " ").split()) in BELARUS_NAMES


def check_belarus(r: RowReader, prisoner: Prisoner) -> None:
    """What Belarusian post and prison censors need to deliver a card.

    Errors for a prisoner in custody (a card would go astray); for anyone else, who gets
    no card, the same findings are warnings so a list can be cleaned without blocking.
    """
    warn = not prisoner.in_custody
    if prisoner.in_custody and not prisoner.institution:
        r.fail(
            "institution",
            "empty: a prisoner in custody in Belarus needs the "
            "institution (e.g. ИК № 9, СИЗО № 1); the post sorts by it",
        )
    if not prisoner.postcode and prisoner.in_custody:
        r.fail("postcode", "empty: a Belarusian address needs its 6-digit postcode, like 213410")
    elif prisoner.postcode and not re.fullmatch(r"\d{6}", prisoner.postcode):
        r.fail(
            "postcode",
            f"{prisoner.postcode!r} is not a Belarusian postcode; it has 6 digits, like 213410",
            warn,
        )
    if prisoner.in_custody and not prisoner.city and not prisoner.postcode:
        r.fail("city", "empty: a prisoner in custody needs a city and postcode")
    if prisoner.in_custody and not prisoner.birth_year:
        r.fail(
            "birth_year",
            "empty: namesakes in one institution cannot be told apart "
            "without the year of birth; add it",
            warning=True,
        )
    check_cyrillic(r, prisoner, warn)


def check_cyrillic(r: RowReader, prisoner: Prisoner, warn: bool) -> None:
    """An address in Latin letters only: Belarusian post and censors need Cyrillic."""
    for name, text in (("address", "\n".join(prisoner.address)), ("city", prisoner.city)):
        if LATIN_LETTER.search(text) and not CYRILLIC_LETTER.search(text):
            column = name if name in r.mapping or name == "city" else "address1"
            r.fail(
                column,
                f"{text.splitlines()[0]!r} is written only in Latin letters; "
                "Belarusian post and prison censors need the address in Cyrillic "
                "(e.g. ул. Заводская, 22; г. Горки)",
                warn,
            )
