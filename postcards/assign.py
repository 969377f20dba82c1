"""Pairing senders with prisoners.

This version covers every prisoner in custody once, spread evenly and deterministically
over the senders (a sender's ``cards`` column caps it), or takes explicit pairs from an
assignments file.  The fuller strategies of spec section 4 build on :class:`Pairing`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError, Problem
from .people import People, Prisoner, Sender, normalize_header
from .sources import Table


@dataclass(frozen=True)
class Pairing:
    """One card to make: who signs it, who receives it, in which language."""

    sender: Sender
    prisoner: Prisoner
    language: str = ""
    source_row: int | None = None  # row of the assignments file, when explicit


@dataclass(frozen=True)
class Plan:
    """The pairings of one wave and the prisoners left without a card, with why."""

    pairings: tuple[Pairing, ...]
    uncovered: tuple[Prisoner, ...]


def spread(senders: list[Sender], prisoners: list[Prisoner]) -> Plan:
    """One card per prisoner in custody, dealt round-robin over senders in id order.

    Sorting by id makes the result independent of row order; a sender whose ``cards``
    cap is reached is skipped.  Prisoners beyond the total capacity stay uncovered.
    """
    in_custody = sorted((p for p in prisoners if p.in_custody), key=lambda p: p.id)
    ordered = sorted(senders, key=lambda s: s.id)
    load = {s.id: 0 for s in ordered}
    pairings: list[Pairing] = []
    uncovered: list[Prisoner] = []
    turn = 0
    for prisoner in in_custody:
        index = _next_sender(ordered, load, turn)
        if index is None:
            uncovered.append(prisoner)
            continue
        sender, turn = ordered[index], index + 1
        load[sender.id] += 1
        pairings.append(Pairing(sender, prisoner))
    return Plan(tuple(pairings), tuple(uncovered))


def _next_sender(senders: list[Sender], load: dict[str, int], turn: int) -> int | None:
    """The index of the next sender from ``turn`` on who may sign another card."""
    for i in range(len(senders)):
        index = (turn + i) % len(senders)
        sender = senders[index]
        if sender.cards is None or load[sender.id] < sender.cards:
            return index
    return None


_ASSIGNMENT_COLUMNS = {"sender_id": ("sender id", "sender"), "prisoner_id": ("prisoner id",
                       "prisoner"), "wave": ("wave",), "language": ("language", "lang")}


def read_assignments(table: Table, senders: People, prisoners: People,
                     wave: str) -> Plan:
    """Explicit pairs from an assignments file, validated against both lists.

    Rows for another wave are ignored.

    Raises:
        InputError: unknown ids, prisoners not in custody, a pair given twice.
    """
    columns = _assignment_columns(table)
    by_sender = {s.id: s for s in senders.records}
    by_prisoner = {p.id: p for p in prisoners.records}
    problems: list[Problem] = []
    pairings: list[Pairing] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        cell = {name: row.cells.get(header, "").strip() for name, header in columns.items()}
        if cell.get("wave") and cell["wave"] != wave:
            continue

        def fail(name: str, message: str, row_number: int = row.number) -> None:
            problems.append(Problem(message, file=table.name, row=row_number,
                                    column=columns.get(name, name)))

        sender = by_sender.get(cell["sender_id"])
        prisoner = by_prisoner.get(cell["prisoner_id"])
        if sender is None:
            fail("sender_id", f"no sender with id {cell['sender_id']!r} in {senders.file}")
        if prisoner is None:
            fail("prisoner_id",
                 f"no prisoner with id {cell['prisoner_id']!r} in {prisoners.file}")
        elif not prisoner.in_custody:
            fail("prisoner_id", f"{prisoner.id} is {prisoner.status.replace('_', ' ')}; "
                                f"remove this row")
        key = (cell["sender_id"], cell["prisoner_id"])
        if key in seen:
            fail("prisoner_id", f"the same pair is already on row {seen[key]}")
        seen.setdefault(key, row.number)
        if sender and prisoner and prisoner.in_custody and not problems:
            pairings.append(Pairing(sender, prisoner, cell.get("language", "").lower(),
                                    row.number))
    if problems:
        raise InputError(problems)
    return Plan(tuple(pairings), ())


def _assignment_columns(table: Table) -> dict[str, str]:
    by_norm = {normalize_header(h): h for h in table.headers}
    columns: dict[str, str] = {}
    for name, aliases in _ASSIGNMENT_COLUMNS.items():
        for alias in (name, *aliases):
            if normalize_header(alias) in by_norm:
                columns[name] = by_norm[normalize_header(alias)]
                break
    missing = [n for n in ("sender_id", "prisoner_id") if n not in columns]
    if missing:
        raise InputError([Problem(f"missing column; add a column named {n!r}",
                                  file=table.name, row=1, column=n) for n in missing])
    return columns
