"""The wave's pairs as the desk lists them, and a sender's own message written to one of them.

The pairs are those ``cards`` would print: the assignments file's for the wave when it has
any (what ``assign`` wrote, with the messages), else the fair pairing, read from the
ledger without recording anything.  A message is written into the assignments file's
``message`` column (added when missing), atomically, and the card is then planned as a
print run plans it, so that its content findings (a risky word, a text too long for its
box) are known at once rather than on the night of the print run.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from postcards.codes import PLACEHOLDER_CODE, format_code
from postcards.config import Settings
from postcards.errors import ConflictError, InputError, OutputError, Problem, display_name
from postcards.files import open_csv, publish, staged, write_csv
from postcards.inputs.people import People
from postcards.inputs.spreadsheets import CSV_SUFFIXES, read_table
from postcards.invisible import invisible_chars
from postcards.jobs.assign import plan_wave
from postcards.jobs.check import content_check, prepare, print_order
from postcards.jobs.lists import CheckReport, existing_ledger, read_people
from postcards.jobs.planning import iter_plans
from postcards.ledger.book import Ledger
from postcards.pairing.assignments import (
    assignment_columns,
    assignments_file,
    message_text,
    read_assignments,
)
from postcards.pairing.fair import Pairing
from postcards.printing.run import CardOptions

MAX_MESSAGE = 2000
"""Characters a personal message may have (a card holds far fewer; the check says so)."""

_FORMULA = ("=", "+", "-", "@")


@dataclass(frozen=True)
class PairRow:
    """One card of the wave: who to whom, the sender's own words, its code once printed."""

    sender_id: str
    sender_name: str
    prisoner_id: str
    prisoner_name: str
    message: str
    code: str
    office: str
    language: str


def wave_pairs(campaign: Settings) -> list[PairRow]:
    """The wave's cards in print order (grouped by sender).

    Raises:
        InputError: a list or the assignments file has problems.
    """
    report = CheckReport()
    people = read_people(campaign, report, spooled=False)
    if people is None or report.problems:
        raise InputError(report.problems)
    with existing_ledger(campaign) or contextlib.nullcontext() as ledger:
        pairings = _pairings(campaign, *people, ledger)
        codes = ledger.codes_for(campaign.name, campaign.wave, campaign.office) if ledger else {}
    return [_row(campaign, p, codes.get((p.sender.id, p.prisoner.id), "")) for p in pairings]


def _pairings(
    campaign: Settings, senders: People, prisoners: People, ledger: Ledger | None
) -> list[Pairing]:
    """As ``cards`` pairs them: the assignments file's rows for the wave, else the fair deal."""
    path = assignments_file(campaign.assignments_path, campaign.root)
    if path is not None:
        table = read_table(path, campaign.input_limits)
        pairs = read_assignments(table, senders, prisoners, campaign.wave)
        if pairs.pairings or campaign.assignments_path is not None:
            return print_order(pairs.pairings)
    return print_order(plan_wave(campaign, senders, prisoners, ledger=ledger).pairs.pairings)


def _row(campaign: Settings, pairing: Pairing, code: str) -> PairRow:
    sender, prisoner = pairing.sender, pairing.prisoner
    shown = format_code(code) if code else ""
    return PairRow(sender.id, sender.name, prisoner.id, prisoner.name, pairing.message, shown,
                   campaign.office, pairing.language)  # fmt: skip


def message_problem(message: str) -> str:
    """Why ``message`` cannot be written into the assignments file, or ''."""
    if len(message) > MAX_MESSAGE:
        return f"longer than {MAX_MESSAGE} characters"
    if message.startswith(_FORMULA):
        return "starts with =, +, - or @, which a spreadsheet runs as a formula; start with a word"
    hidden = [c for c in invisible_chars(message) if c not in "\n"]
    if hidden or any(c in message for c in "\t\r\x00"):
        return "holds an invisible or control character; write it without"
    return ""


def set_message(
    campaign: Settings, sender_id: str, prisoner_id: str, message: str, before: str | None = None
) -> Path:
    """Write ``message`` (empty: the template's) on the wave's row of this pair.

    ``before``: the message the change was made from (the desk's page shows it); None
    writes whatever the row holds now.

    Returns:
        The assignments file written.

    Raises:
        InputError: no assignments file yet (pair the wave first), the file is not a CSV
            file, the wave has no row of this pair, or the message cannot be written.
        ConflictError: the row's message is no longer ``before``: someone changed it since
            (another page, a spreadsheet); nothing is written.
    """
    message = message.strip()
    problem = message_problem(message)
    if problem:
        raise InputError(Problem(problem, column="message"))
    path = assignments_file(campaign.assignments_path, campaign.root)
    if path is None or not path.is_file():
        raise InputError(Problem("no pairs written yet: assign the wave first", column="message"))
    name = display_name(path)
    if path.suffix.lower() not in CSV_SUFFIXES:
        raise InputError(Problem("a message is written into a CSV assignments file only; "
                                 "edit this file in its spreadsheet", file=name))  # fmt: skip
    table = read_table(path, campaign.input_limits)
    columns = assignment_columns(table)
    header = list(table.headers)
    if "message" not in columns:
        header.append("message")
    column = header.index(columns.get("message", "message"))
    rows, found = [], False
    for row in table.rows:
        values = [row.cells.get(h, "") for h in header]
        cell = {n: row.cells.get(h, "").strip() for n, h in columns.items()}
        if (cell["sender_id"], cell["prisoner_id"]) == (sender_id, prisoner_id) and cell.get(
            "wave", ""
        ) in ("", campaign.wave):
            _check_unchanged(message_text(values[column]), before, name)
            values[column], found = message, True
        rows.append(values)
    if not found:
        raise InputError(Problem(f"no card from sender {sender_id} to prisoner {prisoner_id} in "
                                 f"wave {campaign.wave}", file=name))  # fmt: skip
    try:
        with staged(path) as temp:
            with open_csv(temp, campaign.csv_bom) as handle:
                write_csv(handle, header, rows)
            publish(temp, path)
    except OSError as error:
        raise OutputError(Problem(f"cannot write: {error.strerror}", file=name)) from error
    return path


def _check_unchanged(now: str, before: str | None, name: str) -> None:
    """Refuse a message written over one that someone changed since ``before`` was read."""
    if before is None or now == message_text(before):
        return
    shown = f"it is now {now!r}" if now else "it is the template's message now"
    raise ConflictError(
        Problem(
            f"this card's message was changed since this page showed it ({shown}); reload "
            "the page to see it, then write yours again",
            file=name,
            column="message",
        )
    )


def card_findings(campaign: Settings, sender_id: str, prisoner_id: str) -> list[Problem]:
    """What a print run would find on this one card: risky words, language, a text too long.

    When the campaign cannot be planned at all, its problems are the findings.
    """
    with existing_ledger(campaign) or contextlib.nullcontext() as ledger:
        report, planner = prepare(campaign, CardOptions(), ledger, spooled=False)
    if planner is None:
        return report.problems
    chosen = [
        p for p in report.pairings if (p.sender.id, p.prisoner.id) == (sender_id, prisoner_id)
    ]
    if not chosen:
        return [Problem(f"no card from sender {sender_id} to prisoner {prisoner_id} in wave "
                        f"{campaign.wave}")]  # fmt: skip
    found = CheckReport()
    content = content_check(campaign, CardOptions(), found)
    for _plan in iter_plans(planner, chosen, [PLACEHOLDER_CODE], found, content=content):
        pass
    return found.problems + found.warnings
