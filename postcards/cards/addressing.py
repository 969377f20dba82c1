"""How a card addresses its prisoner: the recipient lines, the country, template fields."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from postcards.inputs.addresses import is_belarus
from postcards.inputs.people import Prisoner, Sender

_BIRTH_YEAR = {"be": "{} г. н.", "ru": "{} г. р."}


@lru_cache(maxsize=256)
def country_line(country: str) -> str:
    """The destination country alone in Latin capitals, as the postal services read it."""
    if is_belarus(country):
        return "REPUBLIC OF BELARUS"
    return country.upper()


def recipient_lines(prisoner: Prisoner) -> list[tuple[str, str]]:
    """The address block, most specific line first, as (text, font style) pairs."""
    lines = [(prisoner.name_dative or prisoner.name, "bold")]
    if prisoner.birth_year:
        label = _BIRTH_YEAR.get(prisoner.language, _BIRTH_YEAR["ru"])
        lines.append((label.format(prisoner.birth_year), "regular"))
    lines += [(line, "regular") for line in (prisoner.institution, *prisoner.address) if line]
    place = ", ".join(part for part in (prisoner.postcode, prisoner.city) if part)
    lines += [(line, "regular") for line in (place, prisoner.region) if line]
    lines.append((country_line(prisoner.country), "bold"))
    return lines


def template_fields(record: Sender | Prisoner) -> dict[str, Any]:
    """A record as template fields: its own fields, then unknown columns by header."""
    fields = {
        name: "\n".join(v) if isinstance(v, tuple) else v
        for name, v in record.as_dict().items()
        if name != "extra"
    }
    return {**record.extra, **fields}
