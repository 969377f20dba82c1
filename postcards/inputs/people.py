"""Sender and Prisoner records: the people a campaign's two lists name.

They are read and validated by :mod:`postcards.inputs.reading`; here they are plain,
frozen values that pairing, planning and posters take.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, Union

from postcards.errors import Problem
from postcards.spool import Spool

if TYPE_CHECKING:
    from pandas import DataFrame

#: The campaign's two lists, by the name campaign.toml, the commands and the desk give them.
LISTS = ("senders", "prisoners")

#: A prisoner's status; only those in custody get cards (in transit: once an address is known).
PRISONER_STATUSES = ("in_custody", "in_transit", "released", "deceased", "unknown")


class _Record:
    """A row of a list: a few fields kept in the object, the rest in a :class:`Spool` or a tuple.

    Pairing and checking touch every row's id, status and language; planning reads a
    card's other fields once.  So a row read from a file keeps only those few in memory
    and the rest in the list's spool (see :mod:`postcards.spool`), which is what lets a
    list of 100,000 prisoners cost a few megabytes.  A record made in code keeps its
    fields in a tuple.  Either way it behaves as a frozen dataclass: equal when every
    field but ``extra`` is, hashable, and pickled (to a worker) with every field.
    """

    __slots__ = ("_values", "_spool")
    _values: Any  # every field's value (a tuple), or its number in _spool
    _spool: Spool | None
    #: Every field, in the constructor's order.
    FIELDS: ClassVar[tuple[str, ...]]
    _HOT: ClassVar[tuple[str, ...]]
    #: Each hot field's slot setter, and where the field is in FIELDS.
    _HOT_SET: ClassVar[tuple[tuple[Callable[[Any, Any], None], int], ...]]

    def __init_subclass__(cls) -> None:
        cls._HOT = tuple(cls.__slots__)
        cls._HOT_SET = tuple((_setter(cls, name), cls.FIELDS.index(name)) for name in cls._HOT)
        for index, name in enumerate(cls.FIELDS):
            if name not in cls._HOT:
                setattr(cls, name, _field(index))

    def _set(self, values: tuple, spool: Spool | None = None) -> None:
        # the slots' own setters: object.__setattr__ looks each name up first (three times slower)
        for set_field, at in self._HOT_SET:
            set_field(self, values[at])
        _set_spool(self, spool)
        _set_values(self, values if spool is None else spool.add(values))

    def _fields(self) -> tuple:
        """Every field's value, in :attr:`FIELDS` order."""
        return self._values if self._spool is None else self._spool[self._values]

    def loaded(self) -> Self:
        """The same record with every field in memory (itself, if they are)."""
        if self._spool is None:
            return self
        loaded = object.__new__(type(self))
        loaded._set(self._fields())
        return loaded

    def kept_in(self, spool: Spool) -> Self:
        """The same record with its fields in ``spool``, only the few hot ones in memory."""
        kept = object.__new__(type(self))
        kept._set(self._fields(), spool)
        return kept

    def _moved_to(self, spool: Spool) -> Self:
        """This record, its fields moved into ``spool``: :meth:`kept_in` without making a copy.

        Only for a record in memory that nothing else holds yet: a reader's, once checked.
        """
        _set_spool(self, spool)
        _set_values(self, spool.add(self._values))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def _compared(self) -> tuple:
        return self._fields()[:-1]  # every field but extra, which comes last

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Record)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(self.FIELDS, self._fields(), strict=True))
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple:
        return type(self), self._fields()

    def replace(self, **changes: Any) -> Self:
        """A copy (in memory) with ``changes`` to its fields, as ``dataclasses.replace`` makes."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        return type(self)(**{**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, Any]:
        """Every field by name."""
        return dict(zip(self.FIELDS, self._fields(), strict=True))


def _setter(cls: type, slot: str) -> Callable[[Any, Any], None]:
    """What sets ``slot`` of a record, past the frozen record's ``__setattr__``."""
    setter: Callable[[Any, Any], None] = cls.__dict__[slot].__set__
    return setter


_set_values, _set_spool = _setter(_Record, "_values"), _setter(_Record, "_spool")


def _field(index: int) -> property:
    """The property that reads field number ``index`` of a record."""

    def read(record: _Record) -> Any:
        spool = record._spool  # _fields(), inlined: planning reads 60 fields a card
        return (record._values if spool is None else spool[record._values])[index]

    return property(read)


class Sender(_Record):
    """A member of parliament who signs cards."""

    __slots__ = ("id", "language", "cards")
    FIELDS = ("id", "name", "row", "title", "parliament", "group", "country", "language",
              "cards", "return_address", "signature", "email", "family_name", "notes",
              "extra")  # fmt: skip

    id: str
    name: str
    row: int
    title: str
    parliament: str
    group: str
    country: str
    language: str
    cards: int | None
    return_address: tuple[str, ...]
    signature: str
    email: str
    family_name: str  # for sorting posters by surname; empty when the list has only full names
    notes: str
    extra: dict[str, str]

    def __init__(
        self,
        id: str,
        name: str,
        row: int,
        title: str = "",
        parliament: str = "",
        group: str = "",
        country: str = "",
        language: str = "",
        cards: int | None = None,
        return_address: tuple[str, ...] = (),
        signature: str = "",
        email: str = "",
        family_name: str = "",
        notes: str = "",
        extra: dict[str, str] | None = None,
    ) -> None:
        """A sender with these fields (``extra``: the unknown columns, by header)."""
        self._set((id, name, row, title, parliament, group, country, language, cards,
                   return_address, signature, email, family_name, notes,
                   {} if extra is None else extra))  # fmt: skip


class Prisoner(_Record):
    """A political prisoner as the address list describes them."""

    __slots__ = ("id", "language", "status")
    FIELDS = ("id", "name", "row", "name_dative", "name_latin", "birth_year", "institution",
              "address", "postcode", "city", "region", "country", "language", "status",
              "photo", "sentence", "notes", "extra")  # fmt: skip

    id: str
    name: str
    row: int
    name_dative: str
    name_latin: str
    birth_year: str
    institution: str
    address: tuple[str, ...]
    postcode: str
    city: str
    region: str
    country: str
    language: str
    status: str
    photo: str
    sentence: str
    notes: str
    extra: dict[str, str]

    def __init__(
        self,
        id: str,
        name: str,
        row: int,
        name_dative: str = "",
        name_latin: str = "",
        birth_year: str = "",
        institution: str = "",
        address: tuple[str, ...] = (),
        postcode: str = "",
        city: str = "",
        region: str = "",
        country: str = "",
        language: str = "",
        status: str = "in_custody",
        photo: str = "",
        sentence: str = "",
        notes: str = "",
        extra: dict[str, str] | None = None,
    ) -> None:
        """A prisoner with these fields (``extra``: the unknown columns, by header)."""
        self._set((id, name, row, name_dative, name_latin, birth_year, institution, address,
                   postcode, city, region, country, language, status, photo, sentence, notes,
                   {} if extra is None else extra))  # fmt: skip

    @property
    def in_custody(self) -> bool:
        """Whether the prisoner is held: only they get cards (not released, deceased or unknown)."""
        return self.status == "in_custody"


#: The kind of record a list holds: :class:`Sender` or :class:`Prisoner`.
R = TypeVar("R", Sender, Prisoner)


@dataclass(frozen=True)
class People(Generic[R]):
    """What a spreadsheet held: the records and the problems found reading them.

    A list of people as Python sees one: ``len(people)`` rows read, ``for person in
    people``, and :meth:`to_dataframe` to hand it to pandas.
    """

    records: tuple[R, ...]
    problems: tuple[Problem, ...]
    file: str = ""
    columns: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def column(self, name: str) -> str:
        """The header in the file that holds our field ``name`` (for messages)."""
        return self.columns.get(name, name)

    def to_dataframe(self) -> DataFrame:
        """The list as a pandas DataFrame that reads back as the same records.

        A column per field under our name for it (``id``, ``name``, ``address`` …), then
        the columns kept for templates; an address is one multi-line cell, as a
        spreadsheet holds it, and an empty number an empty cell.  Every cell is text.
        :func:`~postcards.inputs.reading.load_senders` (or ``load_prisoners``) reads the
        frame back; ``row`` is left out, the frame being numbered anew.  An empty list
        gives an empty frame.  Needs pandas: ``pip install postcards[pandas]``.
        """
        import pandas  # the optional extra: only this method needs it

        if not self.records:
            return pandas.DataFrame()
        fields: list[str] = [f for f in type(self.records[0]).FIELDS if f not in _NOT_COLUMNS]
        extra: list[str] = list(
            dict.fromkeys(key for record in self.records for key in record.extra)
        )
        rows = [
            [_cell(getattr(record, f)) for f in fields] + [record.extra.get(k, "") for k in extra]
            for record in self.records
        ]
        return pandas.DataFrame(rows, columns=[*fields, *extra], dtype=str)


#: Fields that are no column of a list: the row number, and the columns kept (their own).
_NOT_COLUMNS = ("row", "extra")


def _cell(value: Any) -> str:
    """A field as a spreadsheet cell holds it: lines joined by line breaks, no None."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "\n".join(value)
    return str(value)


#: A spreadsheet file, or a pandas DataFrame (with the optional extra postcards[pandas]).
Source = Union[str, Path, "DataFrame"]
