"""How a card is addressed: the prisoner's lines, the country, template fields.

And where each sender's cards are returned, checked against the senders list.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any

from postcards.errors import Problem
from postcards.inputs.addresses import is_belarus
from postcards.inputs.people import People, Prisoner, Sender
from postcards.return_addresses import TABLE, ReturnAddresses, key_column, parliament_key
from postcards.wording import counted

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


def return_problems(
    returns: ReturnAddresses, senders: People, config: str = "campaign.toml"
) -> list[Problem]:
    """``[return_addresses]`` against the senders list: what would go wrong on the cards.

    A key no sender's parliament matches is a warning (a misspelt key would silently send
    its parliament's cards to the campaign's address); a sender left with no return address
    while the table exists and the campaign has none is an error naming the row (their
    cards would have a blank return block).  Without the table nothing changes: a campaign
    may print no return address at all.
    """
    if not returns.parliaments:
        return []
    parliaments: dict[str, str] = {}  # by key, as the list first writes it
    problems = []
    for sender in senders.records:
        if sender.parliament:
            parliaments.setdefault(parliament_key(sender.parliament), sender.parliament)
        if not (sender.return_address or returns.campaign or returns.has(sender.parliament)):
            problems.append(_no_return_address(sender, senders, returns, config))
    listed = sorted(parliaments.values(), key=parliament_key)
    without = [p for p in listed if not returns.has(p)]
    unmatched = returns.unmatched(listed)
    if unmatched:
        problems.append(_unmatched(unmatched, listed, without, senders.file, config))
    return problems


def _no_return_address(
    sender: Sender, senders: People, returns: ReturnAddresses, config: str
) -> Problem:
    where: dict[str, Any] = {
        "file": senders.file,
        "row": sender.row,
        "column": senders.column("parliament"),
    }
    fix = "or set [campaign] return_address"
    if not sender.parliament:
        return Problem(
            f"{sender.name} has no parliament, so [{TABLE}] gives no return address, and "
            f"[campaign] has no return_address; give the row its parliament or a return "
            f"address, {fix}",
            **where,
        )
    return Problem(
        f'{sender.name}\'s parliament "{sender.parliament}" has no entry in [{TABLE}] (it '
        f"has {_some(list(returns.parliaments))}) and [campaign] has no return_address, so "
        f'the cards would have no return address; add "{sender.parliament}" = [...] under '
        f"[{TABLE}] in {config}, give the row a return address, {fix}",
        **where,
    )


def _unmatched(
    keys: list[str], listed: list[str], without: list[str], file: str, config: str
) -> Problem:
    """One warning for the table's keys that no sender's parliament matches.

    Each key is named with the nearest parliament of the list that has no entry: the hint
    for a misspelt key.
    """
    folded = {parliament_key(p): p for p in without}

    def shown(key: str) -> str:
        close = difflib.get_close_matches(parliament_key(key), list(folded), n=1, cutoff=0.65)
        return f'"{key}"' + (f' (did you mean "{folded[close[0]]}"?)' if close else "")

    names = ", ".join(shown(key) for key in keys[:-1])
    names = f"{names} or {shown(keys[-1])}" if names else shown(keys[-1])
    entries = "the entry" if len(keys) == 1 else "the entries"
    return Problem(
        f"no sender's parliament is {names}; {file} has {_some(listed) or 'none'}. A "
        "misspelt name sends its parliament's cards to the campaign's return address: "
        f"correct it, or delete {entries} no sender sits in",
        file=config,
        column=key_column(keys[0]) if len(keys) == 1 else TABLE,
        warning=True,
    )


def _some(names: list[str]) -> str:
    """Names for a message: the first ten, and how many in all."""
    more = f" … ({counted(len(names), 'in all', 'in all')})" if len(names) > 10 else ""
    return ", ".join(names[:10]) + more
