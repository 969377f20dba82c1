"""Cell values as offices keep them, turned into what a card needs.

Spreadsheets are read as text (``sources``), but the text is what Excel made of the
value: a year typed into a number cell comes out of a CSV export as ``1985.0``, a date
of birth as ``12.03.1985`` or ``1985-03-12``, a German postcode ``01067`` as ``1067``.
These functions read such cells on purpose, one field at a time, and say when they had
to guess.  They are pure: text in, text (or None for "cannot tell") out.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: A row as a reader gives it: its number as the spreadsheet shows it, and its raw cells.
Record = tuple[int, list[str]]

#: A letter of the Cyrillic script, and one of the Latin script with its accented letters.
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")

_EXCEL_WHOLE = re.compile(r"(\d+)\.0+")  # a whole number that Excel wrote as a float
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?")
_DAY_FIRST = re.compile(
    r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s*(?:г|г\.|р|р\.))?"
    r"(?:\s+[\d:.]+)?"
)


def whole_number(text: str) -> str:
    """``1985.0`` -> ``1985``: a whole number as a number cell exports it; else unchanged."""
    if "." not in text:
        return text.strip()  # the usual cell, in one look
    match = _EXCEL_WHOLE.fullmatch(text.strip())
    return match.group(1) if match else text.strip()


def year_of_birth(text: str) -> str | None:
    """The year in a year or date of birth, in the forms offices type or Excel writes.

    Accepts ``1985``, ``1985.0``, ``1985-03-12`` (an Excel date cell), ``12.03.1985``,
    ``12/03/1985``, ``12-03-1985``, ``12 марта 1985 г.``, ``March 12, 1985``.  Day and
    month order does not matter, as only the year is kept.  None when the text holds no
    such form (a two-digit year, a serial number, free text).
    """
    text = " ".join(text.split())
    year = whole_number(text)
    if re.fullmatch(r"\d{4}", year):
        return year
    for pattern in (_ISO_DATE, _DAY_FIRST):
        match = pattern.fullmatch(text)
        if match:
            found = next(g for g in match.groups() if g and len(g) == 4)
            return found if _plausible_date(match.groups()) else None
    return _wordy_year(text)


def _plausible_date(groups: tuple[str | None, ...]) -> bool:
    """Day and month within range, whichever order they come in."""
    small = [int(g) for g in groups if g and len(g) <= 2]
    return len(small) == 2 and min(small) >= 1 and max(small) <= 31 and min(small) <= 12


def _wordy_year(text: str) -> str | None:
    """One four-digit year among a month name and at most a day number.

    Examples: ``12 марта 1985 г.`` or ``March 12, 1985``.
    """
    numbers = re.findall(r"\d+", text)
    years = [n for n in numbers if len(n) == 4]
    words = re.findall(r"[^\W\d_]+", text)
    if (
        len(years) != 1
        or any(len(n) > 2 for n in numbers if n not in years)
        or not 1 <= len(words) <= 3
        or len(numbers) > 2
    ):
        return None
    return years[0]


#: Postcode lengths of countries whose codes may start with a zero, by the names offices
#: write: a number cell drops that zero, and it can be restored without guessing.
_ZERO_LED_POSTCODES: dict[str, int] = {
    **dict.fromkeys(
        ("germany", "deutschland", "de", "германия", "германія", "niemcy", "allemagne"), 5
    ),
    **dict.fromkeys(("ukraine", "україна", "украина", "украіна", "ua", "ukraina"), 5),
    **dict.fromkeys(("france", "fr", "франция", "францыя", "francja", "frankreich"), 5),
    **dict.fromkeys(("italy", "italia", "it", "италия", "італія", "włochy", "italien"), 5),
    **dict.fromkeys(
        ("spain", "españa", "es", "испания", "іспанія", "hiszpania", "spanien", "espagne"), 5
    ),
    **dict.fromkeys(
        ("lithuania", "lietuva", "lt", "литва", "літва", "litwa", "litauen", "lituanie"), 5
    ),
    **dict.fromkeys(
        ("finland", "suomi", "fi", "финляндия", "фінляндыя", "finlandia", "finnland", "finlande"), 5
    ),
    **dict.fromkeys(("united states", "usa", "us", "сша"), 5),
}


def restored_postcode(postcode: str, country: str) -> str | None:
    """The postcode with the leading zeros a number cell dropped, or None.

    Zeros are restored when the country's codes have one fixed length and may start with zero; None
    when nothing is restored.

    ``1067`` in Germany is ``01067`` (Dresden).  Belarusian and Russian codes never start
    with zero, so a short one there is a mistake to report, not to mend.
    """
    length = _zero_led_length(country)
    if length is None or not postcode.isdigit() or len(postcode) >= length:
        return None
    if len(postcode) < length - 2:  # more than two lost zeros: likely another mistake
        return None
    return postcode.zfill(length)


@lru_cache(maxsize=1024)  # a list names a handful of countries
def _zero_led_length(country: str) -> int | None:
    return _ZERO_LED_POSTCODES.get(" ".join(country.casefold().split()))


#: Letters that Unicode decomposition does not take to ASCII, and Cyrillic (Russian,
#: Belarusian, Ukrainian) in a plain scheme close to the passport transliterations.
_TRANSLIT = {
    "ł": "l",
    "ø": "o",
    "ß": "ss",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ı": "i",
    "ħ": "h",
    "ŀ": "l",
    "ĸ": "k",
    "ŉ": "n",
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
}


def to_ascii(text: str) -> str:
    """Lower-case ASCII with every letter kept.

    ``Żółkiewska`` -> ``zolkiewska``, ``Łukasz`` -> ``lukasz``, ``Сяргей`` -> ``siargei``.
    """
    out = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if char in _TRANSLIT:
            out.append(_TRANSLIT[char])
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(base)
    return "".join(out)
