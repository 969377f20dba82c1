"""Where a returned card goes: its sender's own address, their parliament's, or the campaign's.

A prison returns a card it does not deliver to the address printed under the sender's
name, so each card carries the address of the building its sender works in.  Three places
give it, first found wins:

1. the sender's ``return_address`` column;
2. ``[return_addresses]`` in campaign.toml, keyed by parliament
   (``"Bundestag" = ["Deutscher Bundestag", "Platz der Republik 1", …]``), matched against
   the sender's ``parliament`` column as a reader would (case, runs of spaces and accents
   composed or not ignored);
3. ``[campaign] return_address``.

One :class:`ReturnAddresses` makes that choice for planning, the content check and the
manifest alike, so that what is printed and what is reported never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from postcards.errors import Problem
from postcards.order import folded

#: The table in campaign.toml, and its keys as messages name them.
TABLE = "return_addresses"

#: Where a card's return address comes from, as :attr:`ReturnAddress.source` says.
FROM_SENDER, FROM_PARLIAMENT, FROM_CAMPAIGN = "sender", "parliament", "campaign"


def parliament_key(name: str) -> str:
    """The form in which parliaments are compared: NFC, case folded, runs of spaces as one.

    ``"Sejm  RP"``, ``"sejm rp"`` and ``"Sejm RP"`` are one parliament; so are
    ``"Dáil Éireann"`` typed with composed or decomposed accents.
    """
    return folded(name)


def key_column(key: str) -> str:
    """A key of the table as messages name it: ``return_addresses."Bundestag"``."""
    return f'{TABLE}."{key}"'


@dataclass(frozen=True)
class ReturnAddress:
    """The return address a sender's cards carry, and where it was found.

    Attributes:
        lines: the address, one line a string.
        source: :data:`FROM_SENDER`, :data:`FROM_PARLIAMENT` or :data:`FROM_CAMPAIGN`.
        key: the ``[return_addresses]`` key, as written, when from the table.
    """

    lines: tuple[str, ...]
    source: str
    key: str = ""

    def source_file(self, senders_file: str, config: str = "campaign.toml") -> str:
        """The file (and table) to edit to change it, as the content check names it."""
        if self.source == FROM_SENDER:
            return senders_file
        return f"{config} [{TABLE}]" if self.source == FROM_PARLIAMENT else config

    def location(
        self, senders_file: str, row: int, column: str, config: str = "campaign.toml"
    ) -> dict[str, Any]:
        """Where to change it, as a :class:`Problem`'s file, row and column.

        ``row`` and ``column``: the sender's row and return-address column in ``senders_file``.
        """
        if self.source == FROM_SENDER:
            return {"file": senders_file, "row": row, "column": column}
        if self.source == FROM_PARLIAMENT:
            return {"file": config, "column": key_column(self.key)}
        return {"file": config, "column": "campaign.return_address"}


@dataclass(frozen=True)
class ReturnAddresses:
    """The campaign's return addresses: by parliament, and the campaign's own.

    Attributes:
        campaign: ``[campaign] return_address`` (empty: none).
        parliaments: ``[return_addresses]``, keys as written (already checked: no two keys
            name one parliament).
    """

    campaign: tuple[str, ...] = ()
    parliaments: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def _by_key(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {parliament_key(k): (k, lines) for k, lines in self.parliaments.items()}

    def choose(self, own: tuple[str, ...], parliament: str) -> ReturnAddress | None:
        """A sender's return address: ``own`` (their column), their parliament's, the campaign's.

        None when none is configured: the card then has no return address.
        """
        if own:
            return ReturnAddress(tuple(own), FROM_SENDER)
        found = self._by_key.get(parliament_key(parliament)) if parliament else None
        if found is not None:
            return ReturnAddress(found[1], FROM_PARLIAMENT, found[0])
        return ReturnAddress(self.campaign, FROM_CAMPAIGN) if self.campaign else None

    def has(self, parliament: str) -> bool:
        """Whether ``[return_addresses]`` has an entry for ``parliament``."""
        return bool(parliament) and parliament_key(parliament) in self._by_key

    def unmatched(self, parliaments: Iterable[str]) -> list[str]:
        """The table's keys (as written) that none of ``parliaments`` matches."""
        used = {parliament_key(p) for p in parliaments}
        return [key for key in self.parliaments if parliament_key(key) not in used]


def read_return_addresses(
    value: Any, file: str
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """``[return_addresses]`` from campaign.toml: each key a list of non-empty lines.

    Returns:
        The entries that are right (keys as written) and a problem for each one that is
        not: a value other than a list of non-empty text lines, or two keys that name one
        parliament once case, spaces and accents are ignored (which would win is a guess).
    """
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        hint = 'lines like "Bundestag" = ["Deutscher Bundestag", "Platz der Republik 1", …]'
        return {}, [Problem(f"expected a [{TABLE}] table of {hint}", file=file, column=TABLE)]
    found: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for key, lines in value.items():
        where: dict[str, Any] = {"file": file, "column": key_column(key)}
        if not parliament_key(key):
            problems.append(Problem("a parliament's name is empty", **where))
            continue
        other = seen.setdefault(parliament_key(key), key)
        if other != key:
            problems.append(
                Problem(
                    f"names the same parliament as {key_column(other)} (case, spaces and "
                    "accents are ignored when matching the senders' parliament column); "
                    "keep one of them",
                    **where,
                )
            )
            continue
        if (
            not isinstance(lines, list)
            or not lines
            or not all(isinstance(line, str) and line.strip() for line in lines)
        ):
            problems.append(
                Problem(
                    "expected a list of address lines, each non-empty text, like "
                    f'["Deutscher Bundestag", "Platz der Republik 1", "11011 Berlin", '
                    f'"GERMANY"]; found {lines!r}',
                    **where,
                )
            )
            continue
        found[key] = tuple(line.strip() for line in lines)
    return found, problems
