"""Campaigns and offices on one ledger: who each office's senders are, the pairs it chose.

Many offices print for one campaign (the European Parliament's had about 500), each from
its own spreadsheet that numbers its senders 1, 2, 3 …  The ledger keeps:

- **senders** by (campaign, office, id), with the name and parliament they were first
  recorded under.  An id that comes back under another name or parliament is someone
  else, from another office's list: a conflict that stops the run, never an update
  (:meth:`Offices.sender_conflicts`, and again inside the print run's transaction).
- **pairs** each office chose in a wave, printed or not yet, in the order they were
  chosen.  An office deals its pairs around the pairs the other offices chose before its
  own first pair of the wave (so a rerun deals the same pairs).  On a shared ledger,
  ``assign`` and ``cards`` choose and record in one serialised transaction
  (:meth:`Offices.choose_pairs`), so two offices pairing at the same moment get disjoint
  pairs while prisoners are left; every print run records its pairs too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TypeVar

import sqlalchemy as sa

from postcards.ledger.model import LedgerSender, utc_now
from postcards.ledger.print_runs import PrintRuns
from postcards.ledger.schema import (
    cards_table,
    lists_table,
    pairs_table,
    runs_table,
    senders_table,
)

_T = TypeVar("_T")

#: A (sender id, prisoner id) pair of an office.
Pair = tuple[str, str]


_SENDER_COLUMNS = [senders_table.c[n] for n in ("campaign", "office", "sender_id", "name",
                                                 "parliament")]  # fmt: skip
_Q_SENDERS = sa.select(*_SENDER_COLUMNS).where(
    senders_table.c.campaign == sa.bindparam("campaign"),
    senders_table.c.office == sa.bindparam("office"),
    senders_table.c.sender_id.in_(sa.bindparam("ids", expanding=True)),
)


class Offices(PrintRuns):
    """What the ledger knows of campaigns and their offices: names, senders and pairs."""

    def campaigns(self) -> dict[str, int]:
        """Each campaign name the ledger has cards of, with how many cards."""
        c = cards_table.c
        query = sa.select(c.campaign, sa.func.count()).group_by(c.campaign)
        return dict(self._rows(query.order_by(c.campaign)))

    def rename_campaign(self, old: str, new: str) -> int:
        """Give every card and prisoner list of campaign ``old`` the name ``new``.

        This is one transaction (a renamed campaign.toml keeps its cards, print runs,
        senders and pairs). Events name cards by code, so their append-only history stays
        as it was. Returns how many cards moved.

        Raises:
            LedgerError: ``old`` has no cards, or ``new`` has cards already (two
                campaigns would merge); nothing is changed then.
        """
        with self._write(serialise=True) as connection:
            counts: dict[str, int] = dict(
                connection.execute(
                    sa.select(cards_table.c.campaign, sa.func.count())
                    .where(cards_table.c.campaign.in_([old, new]))
                    .group_by(cards_table.c.campaign)
                ).all()
            )
            if not counts.get(old):
                raise self._error(f"no cards of campaign {old!r} to rename")
            if counts.get(new):
                raise self._error(
                    f"campaign {new!r} has {counts[new]} cards already; "
                    "renaming would merge two campaigns, nothing changed"
                )
            for table in (cards_table, lists_table, runs_table, senders_table, pairs_table):
                connection.execute(
                    table.update().where(table.c.campaign == old).values(campaign=new)
                )
        return counts[old]

    def offices(self, campaign: str) -> dict[str, int]:
        """Each office that printed cards of the campaign ('' unnamed), with its cards."""
        c = cards_table.c
        query = sa.select(c.office, sa.func.count()).where(c.campaign == campaign)
        return dict(self._rows(query.group_by(c.office).order_by(c.office)))

    def ledger_senders(self, campaign: str, office: str | None = None) -> list[LedgerSender]:
        """The senders the ledger knows in a campaign (of one office, or of all)."""
        s = senders_table.c
        query = sa.select(*_SENDER_COLUMNS).where(s.campaign == campaign)
        if office is not None:
            query = query.where(s.office == office)
        return [LedgerSender(*row) for row in self._rows(query.order_by(s.office, s.sender_id))]

    def sender_conflicts(
        self, senders: Iterable[LedgerSender]
    ) -> list[tuple[LedgerSender, LedgerSender, str]]:
        """(the list's sender, the ledger's, "name" or "parliament") for each clash.

        The senders are looked up a batch at a time: a list of 25,000 costs no memory.
        """
        found = []
        with self._read() as connection:
            for batch in _batches(senders):
                found += _clashes(batch, self._known_senders(connection, batch))
        return found

    def claim_office(self, campaign: str, office: str) -> int:
        """Give the cards a campaign printed without an office to ``office``; returns how many.

        For an office that printed alone, then names itself once a second office joins the
        ledger.  One transaction; events name cards by code, so their history is untouched.

        Raises:
            LedgerError: ``office`` is empty or has cards already (two offices would merge),
                or there are no unnamed cards; nothing is changed then.
        """
        if not office:
            raise self._error("give the office a name")
        with self._write(serialise=True) as connection:
            counts: dict[str, int] = dict(
                connection.execute(
                    sa.select(cards_table.c.office, sa.func.count())
                    .where(cards_table.c.campaign == campaign,
                           cards_table.c.office.in_(["", office]))
                    .group_by(cards_table.c.office)
                ).all()
            )  # fmt: skip
            if not counts.get(""):
                raise self._error(f"campaign {campaign!r} has no cards printed without an office")
            if counts.get(office):
                raise self._error(
                    f"office {office!r} has {counts[office]} cards of campaign {campaign!r} "
                    "already; giving it the unnamed cards would merge two offices, nothing changed"
                )
            for table in (cards_table, senders_table, pairs_table):
                connection.execute(
                    table.update()
                    .where(table.c.campaign == campaign, table.c.office == "")
                    .values(office=office)
                )
        return counts[""]

    # --- pairs ---------------------------------------------------------------------------

    def others_in_wave(self, campaign: str, wave: str, office: str) -> Counter[str]:
        """Per prisoner, the pairs other offices chose in the wave before this office's first.

        ``check`` reads this; ``assign`` and ``cards`` choose under a lock with
        :meth:`choose_pairs`.
        """
        with self._read() as connection:
            return _others(connection, campaign, wave, office)

    def choose_pairs(
        self,
        campaign: str,
        wave: str,
        office: str,
        choose: Callable[[Mapping[str, int]], _T],
        pairs_of: Callable[[_T], Iterable[Pair]],
    ) -> tuple[_T, list[Pair]]:
        """Deal an office's pairs of a wave and record them, in one serialised transaction.

        Args:
            campaign: the campaign's name.
            wave: the wave the pairs are for.
            office: the office whose pairs they are.
            choose: given the other offices' pairs per prisoner (see :meth:`others_in_wave`),
                deals the pairs; an exception it raises records nothing.
            pairs_of: the (sender id, prisoner id) pairs of what ``choose`` returned.

        Returns:
            What ``choose`` returned, and the office's pairs recorded before (to put back
            with :meth:`restore_pairs` when the run that chose them fails).
        """
        with self._write(serialise=True) as connection:
            before = _office_pairs(connection, campaign, wave, office)
            chosen = choose(_others(connection, campaign, wave, office))
            self._replace_pairs(connection, campaign, wave, office, set(pairs_of(chosen)), before)
        return chosen, sorted(before)

    def restore_pairs(self, campaign: str, wave: str, office: str, pairs: list[Pair]) -> None:
        """Put back an office's pairs as :meth:`choose_pairs` found them (a failed run's)."""
        with self._write(serialise=True) as connection:
            before = _office_pairs(connection, campaign, wave, office)
            self._replace_pairs(connection, campaign, wave, office, set(pairs), before)

    def _replace_pairs(
        self,
        connection: sa.Connection,
        campaign: str,
        wave: str,
        office: str,
        wanted: set[Pair],
        before: set[Pair],
    ) -> None:
        """The office's pairs become ``wanted``; printed pairs stay, kept pairs keep their id.

        A pair that has a card stays recorded whatever is chosen now: the card exists.
        """
        printed = _printed(connection, campaign, wave, office)
        gone = before - wanted - printed
        p = pairs_table.c
        for sender, prisoner in sorted(gone):
            connection.execute(
                pairs_table.delete().where(
                    p.campaign == campaign, p.wave == wave, p.office == office,
                    p.sender_id == sender, p.prisoner_id == prisoner,
                )
            )  # fmt: skip
        self._add_pairs(connection, campaign, wave, office, sorted(wanted - before))

    def _add_pairs(
        self, connection: sa.Connection, campaign: str, wave: str, office: str, pairs: list[Pair]
    ) -> None:
        """Record pairs the office does not have yet (in the order given)."""
        if not pairs:
            return
        at = utc_now()
        connection.execute(
            pairs_table.insert(),
            [{"campaign": campaign, "wave": wave, "office": office, "sender_id": sender,
              "prisoner_id": prisoner, "chosen_at": at} for sender, prisoner in pairs],
        )  # fmt: skip

    # --- recording a print run's senders and pairs ---------------------------------------------

    def _record_senders(self, connection: sa.Connection, senders: Iterable[LedgerSender]) -> None:
        """Add the run's new senders; a clash with the ledger's raises, so nothing is written.

        A parliament the ledger lacked (senders recorded before schema step 6) is filled in.
        A batch at a time, each looked up by its ids.
        """
        at, s = utc_now(), senders_table.c
        for batch in _batches(senders):
            known = self._known_senders(connection, batch)
            clashes = _clashes(batch, known)
            if clashes:
                mine, theirs, what = clashes[0]
                raise self._error(
                    f"sender {mine.sender_id} is {mine.name!r} in this list but "
                    f"{theirs.name!r}{_of(theirs)} on the ledger ({what} differs); nothing "
                    "was recorded"
                )
            new = [x for x in batch if (x.office, x.sender_id) not in known]
            if new:
                self._insert_rows(connection, "senders", _SENDER_FIELDS,
                                  [(x.campaign, x.office, x.sender_id, x.name, x.parliament, at)
                                   for x in new])  # fmt: skip
            for x in batch:
                old = known.get((x.office, x.sender_id))
                if old is not None and x.parliament and not old.parliament:
                    connection.execute(
                        senders_table.update()
                        .where(s.campaign == x.campaign, s.office == x.office,
                               s.sender_id == x.sender_id)
                        .values(parliament=x.parliament)
                    )  # fmt: skip

    def _known_senders(
        self, connection: sa.Connection, senders: list[LedgerSender]
    ) -> dict[tuple[str, str], LedgerSender]:
        """The ledger's records of ``senders`` (same campaign, office and id), by (office, id)."""
        found: dict[tuple[str, str], LedgerSender] = {}
        wanted: dict[tuple[str, str], list[str]] = {}
        for x in senders:
            wanted.setdefault((x.campaign, x.office), []).append(x.sender_id)
        for (campaign, office), ids in sorted(wanted.items()):
            for row in connection.execute(
                _Q_SENDERS, {"campaign": campaign, "office": office, "ids": ids}
            ):
                found[(row.office, row.sender_id)] = LedgerSender(*row)
        return found


_SENDER_FIELDS = ("campaign", "office", "sender_id", "name", "parliament", "recorded_at")


def _batches(items: Iterable[_T], size: int = 500) -> Iterator[list[_T]]:
    """``items`` a list of ``size`` at a time (an SQL ``IN`` list stays small)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _clashes(
    senders: list[LedgerSender], known: dict[tuple[str, str], LedgerSender]
) -> list[tuple[LedgerSender, LedgerSender, str]]:
    found = []
    for sender in senders:
        theirs = known.get((sender.office, sender.sender_id))
        if theirs is not None and (what := theirs.differs(sender.name, sender.parliament)):
            found.append((sender, theirs, what))
    return found


def _of(sender: LedgerSender) -> str:
    """`` (Seimas)`` for a sender's parliament, when the ledger has one."""
    return f" ({sender.parliament})" if sender.parliament else ""


def _office_pairs(connection: sa.Connection, campaign: str, wave: str, office: str) -> set[Pair]:
    p = pairs_table.c
    query = sa.select(p.sender_id, p.prisoner_id).where(
        p.campaign == campaign, p.wave == wave, p.office == office
    )
    return {(sender, prisoner) for sender, prisoner in connection.execute(query)}


def _printed(connection: sa.Connection, campaign: str, wave: str, office: str) -> set[Pair]:
    c = cards_table.c
    query = sa.select(c.sender_id, c.prisoner_id).where(
        c.campaign == campaign, c.wave == wave, c.office == office
    )
    return {(sender, prisoner) for sender, prisoner in connection.execute(query)}


def _others(connection: sa.Connection, campaign: str, wave: str, office: str) -> Counter[str]:
    """Other offices' pairs per prisoner, chosen before this office's first pair of the wave."""
    p = pairs_table.c
    first = connection.execute(
        sa.select(sa.func.min(p.id)).where(
            p.campaign == campaign, p.wave == wave, p.office == office
        )
    ).scalar()
    query = sa.select(p.prisoner_id).where(
        p.campaign == campaign, p.wave == wave, p.office != office
    )
    if first is not None:
        query = query.where(p.id < first)
    return Counter(prisoner for (prisoner,) in connection.execute(query))
