"""The rules of a shared ledger that every job keeps: offices, senders' identity, renames.

Several offices print for one campaign on one ledger, each numbering its senders 1, 2,
3 …  Before any job reads pairs from the ledger or writes to it, it checks here:

- **an office is named** once the campaign's ledger holds another office's cards (a
  campaign printed by one office needs none: its cards belong to its one office);
- **an office that names itself late** is pointed at ``track claim-office`` when the
  ledger holds unnamed cards of its own senders, rather than printing them twice;
- **each sender is who the ledger knows** under that id in that office: another name or
  parliament is a conflict naming both, and the way out;
- **the campaign was not renamed** with its cards left under the old name.

Each returns problems (file, row, column); the jobs raise them before writing anything.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from postcards.config import Settings
from postcards.errors import InputError, Problem
from postcards.inputs.people import People, Sender
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerSender, same_text
from postcards.ledger.renaming import check_campaign_name
from postcards.wording import counted

#: How many clashing senders one message names before "…".
_SHOWN = 5


def office_problems(campaign: Settings, senders: People, ledger: Ledger | None) -> list[Problem]:
    """What stops ``campaign``'s office from pairing or printing on this ledger."""
    if ledger is None:
        return []
    offices = ledger.offices(campaign.name)
    others = {office: n for office, n in offices.items() if office != campaign.office}
    if not campaign.office and others:
        return [_office_required(campaign, ledger, others)]
    if campaign.office and "" in offices and campaign.office not in offices:
        found = _unnamed_of_ours(campaign, senders, ledger)
        if found:
            return [found]
    return identity_problems(campaign, senders, ledger)


def identity_problems(campaign: Settings, senders: People, ledger: Ledger) -> list[Problem]:
    """A problem for each sender whose id the ledger holds as someone else in this office."""
    rows = {}
    where = _office_words(campaign.office)
    problems = []
    clashes = ledger.sender_conflicts(ledger_senders(campaign, senders))
    if clashes:
        rows = {sender.id: sender.row for sender in senders.records}
    for mine, theirs, what in clashes:
        problems.append(
            Problem(
                f"sender {mine.sender_id} is {_who(mine)} here, but the ledger "
                f"{ledger.name} holds sender {theirs.sender_id} of campaign "
                f"{campaign.name!r}{where} as {_who(theirs)}: {_way_out(campaign, what)}; "
                "nothing was written",
                file=senders.file,
                row=rows.get(mine.sender_id),
                column=what,
            )
        )
    return problems


def ledger_senders(campaign: Settings, senders: People) -> Iterator[LedgerSender]:
    """The list's senders as the ledger records them, one at a time."""
    return (_as_ledger(campaign, sender) for sender in senders.records)


def renamed_problem(campaign: Settings, ledger: Ledger | None = None) -> list[Problem]:
    """The rename check (see :mod:`postcards.ledger.renaming`) as problems.

    ``ledger``: the campaign's, when the job has it open (else it is opened to look).
    """
    try:
        check_campaign_name(campaign, ledger)
    except InputError as exc:
        return list(exc.problems)
    return []


def _as_ledger(campaign: Settings, sender: Sender) -> LedgerSender:
    return LedgerSender(campaign.name, campaign.office, sender.id, sender.name, sender.parliament)


def _who(sender: LedgerSender) -> str:
    return repr(sender.name) + (f" ({sender.parliament})" if sender.parliament else "")


def _office_words(office: str) -> str:
    return f", office {office!r}" if office else " (no office named)"


def _way_out(campaign: Settings, what: str) -> str:
    if not campaign.office:
        return (
            "if this list is another office's, name your office in campaign.toml "
            '([campaign] office = "…", or --office NAME) so that its ids are its own; if it '
            f"is the same person, write the {what} as the ledger has it"
        )
    return (
        f"ids are office {campaign.office!r}'s own, so this id is taken by someone else: "
        f"give the sender a new id in the list, or write the {what} as the ledger has it "
        "if it is the same person"
    )


def _office_required(campaign: Settings, ledger: Ledger, others: dict[str, int]) -> Problem:
    named = {office: n for office, n in others.items() if office}
    shown = ", ".join(f"{office!r} ({counted(n, 'card')})" for office, n in named.items())
    folder = _folder(campaign)
    return Problem(
        f"the ledger {ledger.name} holds cards of campaign {campaign.name!r} printed by "
        f"other offices ({shown}): name your office in campaign.toml "
        f'([campaign] office = "…", a short name, or --office NAME) so that your senders\' '
        "ids stay your own; cards you printed before without an office become that "
        f"office's with: postcards -c {folder} --office NAME track claim-office",
        file=campaign.config_name,
        column="campaign.office",
    )


def _unnamed_of_ours(campaign: Settings, senders: People, ledger: Ledger) -> Problem | None:
    """Unnamed cards whose senders are this list's (same id, same name): this office's own?"""
    unnamed = {s.sender_id: s for s in ledger.ledger_senders(campaign.name, office="")}
    ours = [
        s.id for s in senders.records
        if s.id in unnamed and same_text(unnamed[s.id].name, s.name)
    ]  # fmt: skip
    if not ours:
        return None
    names = ", ".join(f"{sid} {unnamed[sid].name!r}" for sid in ours[:_SHOWN])
    folder = _folder(campaign)
    office = shlex.quote(campaign.office)
    return Problem(
        f"the ledger {ledger.name} holds cards of campaign {campaign.name!r} printed without "
        f"an office for senders of this list ({names}{' …' if len(ours) > _SHOWN else ''}): "
        f"if they are office {campaign.office!r}'s, give them to it first "
        f"(postcards -c {folder} --office {office} track claim-office), so that they are "
        "not printed twice; if they are another office's, that office names itself first",
        file=campaign.config_name,
        column="campaign.office",
    )


def _folder(campaign: Settings) -> str:
    return shlex.quote(str(campaign.source.parent if campaign.source else campaign.root))
