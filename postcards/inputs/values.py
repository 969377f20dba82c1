"""Statuses, languages and postcodes as lists write them, one table each.

Prisoner lists are kept by people, in Russian and Belarusian as often as in English:
``освобождена``, ``умер``, ``этап``, ``в заключении (ШИЗО)``, ``русский``, ``213 410``.
Each table maps the forms people write (feminine, plural, abbreviated) to the one value
postcards uses; a word in none of them is still an error, never a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: A prisoner's status -> how lists write it (compared after :func:`_key`).
# fmt: off
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "in_custody": (
        "", "in custody", "custody", "imprisoned", "detained", "held", "in prison", "jailed",
        "arrested", "convicted", "в заключении", "в закл", "заключен", "заключена",
        "заключенные", "под стражей", "задержан", "задержана", "задержаны", "арестован",
        "арестована", "осужден", "осуждена", "осуждены", "в сизо", "в колонии", "в тюрьме",
        "отбывает наказание", "у зняволенні", "зняволены", "зняволеная", "пад вартай",
        "затрыманы", "затрыманая", "асуджаны", "асуджаная", "in haft", "inhaftiert",
        "détenu", "détenue", "emprisonné", "emprisonnée", "uwięziony", "uwięziona",
        "w więzieniu", "įkalintas", "įkalinta", "ieslodzīts", "ieslodzīta", "ve vězení",
        "vězněn", "vězněna", "gevangen", "in hechtenis",
    ),
    "in_transit": (
        "in transit", "transit", "being transferred", "transferred", "этап", "на этапе",
        "этапирован", "этапирована", "этапируется", "этапирование", "перевод",
        "на этапе перевода", "этапаваны", "этапаваная", "in verlegung", "verlegung",
        "en transfert", "w transporcie", "etapas",
    ),
    "released": (
        "released", "free", "freed", "pardoned", "освобожден", "освобождена", "освобождены",
        "освобожд", "осв", "на свободе", "вышел", "вышла", "помилован", "помилована",
        "помилованы", "вызвалены", "вызваленая", "вызвалена", "вызваленыя", "на волі",
        "памілаваны", "памілаваная", "freigelassen", "entlassen", "frei", "libéré",
        "libérée", "uwolniony", "uwolniona", "zwolniony", "zwolniona", "paleistas",
        "paleista", "atbrīvots", "atbrīvota", "propuštěn", "propuštěna", "vrijgelaten",
    ),
    "deceased": (
        "deceased", "died", "dead", "умер", "умерла", "умерли", "погиб", "погибла",
        "скончался", "скончалась", "памёр", "памерла", "загінуў", "загінула", "verstorben",
        "gestorben", "décédé", "décédée", "zmarł", "zmarła", "mirė", "miris", "mirusi",
        "zemřel", "zemřela", "overleden",
    ),
    "unknown": (
        "unknown", "неизвестно", "нет данных", "невядома", "няма звестак", "unbekannt",
        "inconnu", "nieznany", "nežinoma", "nezināms", "neznámý", "onbekend",
    ),
}

#: A language code -> how lists write the language (compared after :func:`_key`).
LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "ru": ("ru", "rus", "russian", "русский", "русский язык", "рус", "руская", "руская мова",
           "russisch", "russe", "rosyjski", "rusų", "krievu", "ruština", "ру"),
    "be": ("be", "bel", "belarusian", "belarussian", "белорусский", "белорусский язык",
           "бел", "беларуская", "беларуская мова", "бел мова", "belarussisch",
           "weißrussisch", "biélorusse", "białoruski", "baltarusių", "baltkrievu",
           "běloruština", "wit russisch", "witrussisch"),
    "uk": ("uk", "ukrainian", "украинский", "украінская", "ukrainisch", "ukrainien",
           "ukraiński", "ukrainiečių", "ukraiņu", "ukrajinština", "oekraïens"),
    "en": ("en", "english", "английский", "англійская", "englisch", "anglais", "angielski",
           "anglų", "angļu", "angličtina", "engels"),
    "de": ("de", "german", "немецкий", "нямецкая", "deutsch", "allemand", "niemiecki",
           "vokiečių", "vācu", "němčina", "duits"),
    "fr": ("fr", "french", "французский", "французская", "französisch", "français",
           "francuski", "prancūzų", "franču", "francouzština", "frans"),
    "pl": ("pl", "polish", "польский", "польская", "polnisch", "polonais", "polski",
           "lenkų", "poļu", "polština", "pools"),
    "lt": ("lt", "lithuanian", "литовский", "літоўская", "litauisch", "lituanien",
           "litewski", "lietuvių", "lietuviu", "lietuviešu", "litevština", "litouws"),
    "lv": ("lv", "latvian", "латышский", "латышская", "lettisch", "letton", "łotewski",
           "latvių", "latviešu", "lotyština", "lets"),
    "cs": ("cs", "czech", "чешский", "чэшская", "tschechisch", "tchèque", "czeski", "čekų",
           "čehu", "čeština", "tsjechisch"),
    "nl": ("nl", "dutch", "голландский", "нидерландский", "галандская", "niederländisch",
           "néerlandais", "niderlandzki", "olandų", "holandiešu", "nizozemština",
           "nederlands"),
}
# fmt: on


def _key(text: str) -> str:
    """The form in which a status or language is looked up.

    Case, ``ё``, punctuation, a remark in brackets (``в заключении (ШИЗО)``) and dates
    (``освобождена 12.03.2024``) are folded away.
    """
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", text.casefold().replace("ё", "е"))
    words = re.sub(r"[_\-.,;:!/\\'\"«»]+", " ", text).split()
    return " ".join(word for word in words if not word.isdigit())


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(word): value for value, words in table.items() for word in words}


_STATUSES = _lookup(STATUS_WORDS)
_LANGUAGES = _lookup(LANGUAGE_WORDS)


@lru_cache(maxsize=4096)  # a list of 100,000 rows writes a handful of statuses
def status_of(text: str) -> str | None:
    """The status a cell means, or None when no table names it.

    The whole cell is looked up, then its first words (``освобождена досрочно``: released),
    so a remark after the status is read, while a word before it (``не освобождена``) is not.
    """
    words = _key(text).split()
    for end in range(len(words), 0, -1):
        found = _STATUSES.get(" ".join(words[:end]))
        if found is not None:
            return found
    return _STATUSES[""] if not words else None


@lru_cache(maxsize=4096)
def language_of(text: str) -> str:
    """The language code a cell means (``русский``: ru); an unknown word, lowercased, as it is.

    Several languages (``русский, белорусский``) give the first; :func:`languages_in`
    tells the reader to warn.
    """
    first = languages_in(text)
    return first[0] if first else text.strip().lower()


@lru_cache(maxsize=4096)
def languages_in(text: str) -> tuple[str, ...]:
    """The codes of the languages a cell names, in order; empty if it names none we know."""
    found: list[str] = []
    for part in re.split(r"[,;/&+]|\bи\b|\band\b|\bund\b", text):
        code = _LANGUAGES.get(_key(part))
        if code and code not in found:
            found.append(code)
    return tuple(found)


def tidy_postcode(text: str) -> str:
    """A postcode typed with spaces between its digits (``213 410``), without them.

    Only all-digit codes are tidied: a space in ``SW1A 1AA`` or a dash in ``00-950`` is
    part of the code.
    """
    if text.isdigit() or not text:
        return text  # the usual code, in one look
    squeezed = _SPACES.sub("", text)
    return squeezed if squeezed.isdigit() else text


_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
