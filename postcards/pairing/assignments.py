"""Assignments files: explicit pairs read and validated, and the pairs ``assign`` writes.

A row without a ``reason`` was written by hand and is used as given, after checking it:
unknown ids, prisoners not in custody and duplicates are errors with their row numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from postcards.errors import InputError, Problem
from postcards.inputs.people import People, Prisoner, Sender
from postcards.inputs.spreadsheets import Table, normalize_header
from postcards.invisible import invisible_problem
from postcards.order import natural_key
from postcards.pairing.fair import Pairing, WavePairs

ASSIGNMENT_COLUMNS = [
    "sender_id",
    "sender_name",
    "prisoner_id",
    "prisoner_name",
    "wave",
    "language",
    "reason",
]
EXPLICIT = "explicit"
#: Where ``assign`` writes when campaign.toml names no assignments file.
DEFAULT_FILE = "assignments.csv"


_ALIASES = {
    "sender_id": ("sender id", "sender"),
    "prisoner_id": ("prisoner id", "prisoner"),
    "wave": ("wave",),
    "language": ("language", "lang"),
    "reason": ("reason",),
    "message": ("message", "personal message"),
    "translation": ("translation", "message translation"),
}


def read_assignments(
    table: Table, senders: People, prisoners: People, wave: str, explicit_only: bool = False
) -> WavePairs:
    """Explicit pairs from an assignments file, validated against both lists.

    Rows for another wave are ignored (a row without a wave belongs to every wave);
    with ``explicit_only``, so are the rows ``assign`` wrote (it writes them anew).

    Raises:
        InputError: unknown ids, prisoners not in custody, a pair given twice, each
            with its row number.
    """
    columns = assignment_columns(table)
    by_sender = {s.id: s for s in senders.records}
    by_prisoner = {p.id: p for p in prisoners.records}
    problems: list[Problem] = []
    pairings: list[Pairing] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        problems += [
            p
            for header, text in row.cells.items()
            if (p := invisible_problem(text, table.name, row.number, header))
        ]
        cell = {name: row.cells.get(header, "").strip() for name, header in columns.items()}
        if cell.get("wave") and cell["wave"] != wave:
            continue
        if explicit_only and not is_kept(cell):
            continue
        found = _check_row(cell, by_sender, by_prisoner, senders, prisoners)
        key = (cell["sender_id"], cell["prisoner_id"])
        if key in seen:
            found.append(("prisoner_id", f"the same pair is already on row {seen[key]}"))
        seen.setdefault(key, row.number)
        problems += [
            Problem(message, file=table.name, row=row.number, column=columns.get(name, name))
            for name, message in found
        ]
        if not found and not problems:
            pairings.append(
                Pairing(
                    by_sender[cell["sender_id"]],
                    by_prisoner[cell["prisoner_id"]],
                    cell.get("language", "").lower(),
                    row.number,
                    cell.get("reason", ""),
                    message_text(row.cells.get(columns.get("message", ""), "")),
                    message_text(row.cells.get(columns.get("translation", ""), "")),
                    table.name,
                )
            )
    if problems:
        raise InputError(problems)
    return WavePairs(tuple(pairings), ())


def message_text(cell: str) -> str:
    """A message cell as written: its line breaks kept, blank lines around it dropped."""
    return "\n".join(line.rstrip() for line in cell.replace("\r\n", "\n").split("\n")).strip()


def _check_row(
    cell: dict[str, str],
    by_sender: dict[str, Sender],
    by_prisoner: dict[str, Prisoner],
    senders: People,
    prisoners: People,
) -> list[tuple[str, str]]:
    found = []
    if cell["sender_id"] not in by_sender:
        found.append(("sender_id", f"no sender with id {cell['sender_id']!r} in {senders.file}"))
    prisoner = by_prisoner.get(cell["prisoner_id"])
    if prisoner is None:
        found.append(
            ("prisoner_id", f"no prisoner with id {cell['prisoner_id']!r} in {prisoners.file}")
        )
    elif not prisoner.in_custody:
        found.append(
            (
                "prisoner_id",
                f"{prisoner.id} is {prisoner.status.replace('_', ' ')} "
                f"in {prisoners.file}; remove this row",
            )
        )
    return found


def assignment_columns(table: Table) -> dict[str, str]:
    """Our field -> the file's header; sender_id and prisoner_id are required.

    Raises:
        InputError: a required column is missing.
    """
    by_norm = {normalize_header(h): h for h in table.headers}
    columns: dict[str, str] = {}
    for name, aliases in _ALIASES.items():
        for alias in (name, *aliases):
            if normalize_header(alias) in by_norm:
                columns[name] = by_norm[normalize_header(alias)]
                break
    missing = [n for n in ("sender_id", "prisoner_id") if n not in columns]
    if missing:
        raise InputError(
            [
                Problem(
                    f"missing column; add a column named {n!r}", file=table.name, row=1, column=n
                )
                for n in missing
            ]
        )
    return columns


def is_explicit(pairing: Pairing) -> bool:
    """A row an office wrote by hand (no reason, or marked explicit): ``assign`` keeps it."""
    return is_explicit_reason(pairing.reason)


def is_explicit_reason(reason: str) -> bool:
    """True for the reason of a hand-written row: none, or one starting with "explicit"."""
    return not reason or reason.startswith(EXPLICIT)


def is_kept(cell: dict[str, str]) -> bool:
    """A row ``assign`` keeps as written: hand-written, or given a personal message.

    The sender's own words are never dropped by a rerun.
    """
    return is_explicit_reason(cell.get("reason", "")) or bool(cell.get("message"))


def assignment_rows(pairings: Iterable[Pairing], wave: str) -> list[list[str]]:
    """The rows ``assign`` writes for a wave, grouped by sender."""
    ordered = sorted(pairings, key=lambda p: (natural_key(p.sender.id), natural_key(p.prisoner.id)))
    return [
        [
            p.sender.id,
            p.sender.name,
            p.prisoner.id,
            p.prisoner.name,
            wave,
            p.language,
            EXPLICIT if is_explicit(p) else p.reason,
        ]
        for p in ordered
    ]


def assignments_file(named: Path | None, root: Path) -> Path | None:
    """The file ``cards`` prints the pairs of, so that it prints what ``assign`` just wrote.

    That is the file ``named`` by ``[inputs] assignments`` (or ``--assignments``), else
    ``assign``'s default output in the campaign folder ``root`` when it exists.
    """
    if named is not None:
        return named
    default = root / DEFAULT_FILE
    return default if default.is_file() else None


def unused_file(table: Table, wave: str) -> Problem:
    """Why a default assignments file with no pair for ``wave`` is not used (a warning)."""
    header = assignment_columns(table).get("wave")
    waves = sorted({r.cells.get(header, "").strip() for r in table.rows} - {""}) if header else []
    has = f"it has wave {', '.join(waves)} only" if waves else "it has no pairs"
    return Problem(
        f"not used: no pairs for wave {wave} ({has}); the cards are paired anew "
        f"as postcards assign would; run postcards assign to write this wave's "
        "pairs",
        file=table.name,
        warning=True,
    )
