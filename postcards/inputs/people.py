"""Sender and Prisoner records: the people a campaign's two lists name.

They are read and validated by :mod:`postcards.inputs.reading`; here they are plain,
frozen values that pairing, planning and posters take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from postcards.errors import Problem

if TYPE_CHECKING:
    from pandas import DataFrame

STATUSES = ("in_custody", "released", "deceased", "unknown")


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
        """Whether the prisoner is held: only they get cards (not released, deceased or unknown)."""
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


#: A spreadsheet file, or a pandas DataFrame (with the optional extra postcards[pandas]).
Source = Union[str, Path, "DataFrame"]
