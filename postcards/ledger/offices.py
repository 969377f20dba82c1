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

from postcards.ledger.database import Session, in_list
from postcards.ledger.model import LedgerSender, utc_now
from postcards.ledger.print_runs import PrintRuns

_T = TypeVar("_T")

#: A (sender id, prisoner id) pair of an office.
Pair = tuple[str, str]


_SENDER_COLUMNS = "campaign, office, sender_id, name, parliament"


class Offices(PrintRuns):
    """What the ledger knows of campaigns and their offices: names, senders and pairs."""

    def campaigns(self) -> dict[str, int]:
        """Each campaign name the ledger has cards of, with how many cards."""
        return dict(
            self._rows("SELECT campaign, count(*) FROM cards GROUP BY campaign ORDER BY campaign")
        )

    def rename_campaign(self, old: str, new: str) -> int:
        """Give every card and prisoner list of campaign ``old`` the name ``new``.

        This is one transaction (a renamed campaign.toml keeps its cards, print runs,
        senders and pairs). Events name cards by code, so their append-only history stays
        as it was. Returns how many cards moved.

        Raises:
            LedgerError: ``old`` has no cards, or ``new`` has cards already (two
                campaigns would merge); nothing is changed then.
        """
        with self._write(serialise=True) as session:
            counts: dict[str, int] = dict(
                session.rows(
                    "SELECT campaign, count(*) FROM cards WHERE campaign IN (:old, :new) "
                    "GROUP BY campaign",
                    {"old": old, "new": new},
                )
            )
            if not counts.get(old):
                raise self._error(f"no cards of campaign {old!r} to rename")
            if counts.get(new):
                raise self._error(
                    f"campaign {new!r} has {counts[new]} cards already; "
                    "renaming would merge two campaigns, nothing changed"
                )
            for table in ("cards", "prisoner_lists", "print_runs", "senders", "pairs"):
                session.run(
                    f"UPDATE {table} SET campaign = :new WHERE campaign = :old",
                    {"new": new, "old": old},
                )
        return counts[old]

    def offices(self, campaign: str) -> dict[str, int]:
        """Each office that printed cards of the campaign ('' unnamed), with its cards."""
        return dict(
            self._rows(
                "SELECT office, count(*) FROM cards WHERE campaign = :campaign "
                "GROUP BY office ORDER BY office",
                {"campaign": campaign},
            )
        )

    def ledger_senders(self, campaign: str, office: str | None = None) -> list[LedgerSender]:
        """The senders the ledger knows in a campaign (of one office, or of all)."""
        query = f"SELECT {_SENDER_COLUMNS} FROM senders WHERE campaign = :campaign"
        if office is not None:
            query += " AND office = :office"
        rows = self._rows(f"{query} ORDER BY office, sender_id",
                          {"campaign": campaign, "office": office})  # fmt: skip
        return [LedgerSender(*row) for row in rows]

    def sender_conflicts(
        self, senders: Iterable[LedgerSender]
    ) -> list[tuple[LedgerSender, LedgerSender, str]]:
        """(the list's sender, the ledger's, "name" or "parliament") for each clash.

        The senders are looked up a batch at a time: a list of 25,000 costs no memory.
        """
        found = []
        with self._read() as session:
            for batch in _batches(senders):
                found += _clashes(batch, self._known_senders(session, batch))
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
        with self._write(serialise=True) as session:
            counts: dict[str, int] = dict(
                session.rows(
                    "SELECT office, count(*) FROM cards WHERE campaign = :campaign "
                    "AND office IN ('', :office) GROUP BY office",
                    {"campaign": campaign, "office": office},
                )
            )
            if not counts.get(""):
                raise self._error(f"campaign {campaign!r} has no cards printed without an office")
            if counts.get(office):
                raise self._error(
                    f"office {office!r} has {counts[office]} cards of campaign {campaign!r} "
                    "already; giving it the unnamed cards would merge two offices, nothing changed"
                )
            for table in ("cards", "senders", "pairs"):
                session.run(
                    f"UPDATE {table} SET office = :office WHERE campaign = :campaign "
                    "AND office = ''",
                    {"office": office, "campaign": campaign},
                )
        return counts[""]

    # --- pairs ---------------------------------------------------------------------------

    def others_in_wave(self, campaign: str, wave: str, office: str) -> Counter[str]:
        """Per prisoner, the pairs other offices chose in the wave before this office's first.

        ``check`` reads this; ``assign`` and ``cards`` choose under a lock with
        :meth:`choose_pairs`.
        """
        with self._read() as session:
            return _others(session, campaign, wave, office)

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
        with self._write(serialise=True) as session:
            before = _office_pairs(session, campaign, wave, office)
            chosen = choose(_others(session, campaign, wave, office))
            self._replace_pairs(session, campaign, wave, office, set(pairs_of(chosen)), before)
        return chosen, sorted(before)

    def restore_pairs(self, campaign: str, wave: str, office: str, pairs: list[Pair]) -> None:
        """Put back an office's pairs as :meth:`choose_pairs` found them (a failed run's)."""
        with self._write(serialise=True) as session:
            before = _office_pairs(session, campaign, wave, office)
            self._replace_pairs(session, campaign, wave, office, set(pairs), before)

    def _replace_pairs(
        self,
        session: Session,
        campaign: str,
        wave: str,
        office: str,
        wanted: set[Pair],
        before: set[Pair],
    ) -> None:
        """The office's pairs become ``wanted``; printed pairs stay, kept pairs keep their id.

        A pair that has a card stays recorded whatever is chosen now: the card exists.
        """
        printed = _printed(session, campaign, wave, office)
        gone = before - wanted - printed
        where = {"campaign": campaign, "wave": wave, "office": office}
        for sender, prisoner in sorted(gone):
            session.run(
                "DELETE FROM pairs WHERE campaign = :campaign AND wave = :wave "
                "AND office = :office AND sender_id = :sender AND prisoner_id = :prisoner",
                {**where, "sender": sender, "prisoner": prisoner},
            )
        self._add_pairs(session, campaign, wave, office, sorted(wanted - before))

    def _add_pairs(
        self, session: Session, campaign: str, wave: str, office: str, pairs: list[Pair]
    ) -> None:
        """Record pairs the office does not have yet (in the order given)."""
        if not pairs:
            return
        at = utc_now()
        self._insert_rows(
            session, "pairs", ("campaign", "wave", "office", "sender_id", "prisoner_id",
                               "chosen_at"),
            [(campaign, wave, office, sender, prisoner, at) for sender, prisoner in pairs],
        )  # fmt: skip

    # --- recording a print run's senders and pairs ---------------------------------------------

    def _record_senders(self, session: Session, senders: Iterable[LedgerSender]) -> None:
        """Add the run's new senders; a clash with the ledger's raises, so nothing is written.

        A parliament the ledger lacked (senders recorded before schema step 6) is filled in.
        A batch at a time, each looked up by its ids.
        """
        at = utc_now()
        for batch in _batches(senders):
            known = self._known_senders(session, batch)
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
                self._insert_rows(session, "senders", _SENDER_FIELDS,
                                  [(x.campaign, x.office, x.sender_id, x.name, x.parliament, at)
                                   for x in new])  # fmt: skip
            for x in batch:
                old = known.get((x.office, x.sender_id))
                if old is not None and x.parliament and not old.parliament:
                    session.run(
                        "UPDATE senders SET parliament = :parliament WHERE campaign = "
                        ":campaign AND office = :office AND sender_id = :sender_id",
                        {"parliament": x.parliament, "campaign": x.campaign,
                         "office": x.office, "sender_id": x.sender_id},
                    )  # fmt: skip

    def _known_senders(
        self, session: Session, senders: list[LedgerSender]
    ) -> dict[tuple[str, str], LedgerSender]:
        """The ledger's records of ``senders`` (same campaign, office and id), by (office, id)."""
        found: dict[tuple[str, str], LedgerSender] = {}
        wanted: dict[tuple[str, str], list[str]] = {}
        for x in senders:
            wanted.setdefault((x.campaign, x.office), []).append(x.sender_id)
        for (campaign, office), ids in sorted(wanted.items()):
            marks, params = in_list("id", ids)
            for row in session.rows(
                f"SELECT {_SENDER_COLUMNS} FROM senders WHERE campaign = :campaign "
                f"AND office = :office AND sender_id IN {marks}",
                {"campaign": campaign, "office": office, **params},
            ):
                found[(row[1], row[2])] = LedgerSender(*row)
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


def _office_pairs(session: Session, campaign: str, wave: str, office: str) -> set[Pair]:
    """The pairs an office chose in a wave (printed or not)."""
    return _wave_pairs(session, "pairs", campaign, wave, office)


def _printed(session: Session, campaign: str, wave: str, office: str) -> set[Pair]:
    """The pairs an office printed a card for in a wave."""
    return _wave_pairs(session, "cards", campaign, wave, office)


def _wave_pairs(session: Session, table: str, campaign: str, wave: str, office: str) -> set[Pair]:
    rows = session.rows(
        f"SELECT sender_id, prisoner_id FROM {table} WHERE campaign = :campaign "
        "AND wave = :wave AND office = :office",
        {"campaign": campaign, "wave": wave, "office": office},
    )
    return {(sender, prisoner) for sender, prisoner in rows}


def _others(session: Session, campaign: str, wave: str, office: str) -> Counter[str]:
    """Other offices' pairs per prisoner, chosen before this office's first pair of the wave."""
    where = {"campaign": campaign, "wave": wave, "office": office}
    first = session.scalar(
        "SELECT min(id) FROM pairs WHERE campaign = :campaign AND wave = :wave "
        "AND office = :office",
        where,
    )
    query = (
        "SELECT prisoner_id FROM pairs WHERE campaign = :campaign AND wave = :wave "
        "AND office <> :office"
    )
    if first is not None:
        query += " AND id < :first"
    return Counter(prisoner for (prisoner,) in session.rows(query, {**where, "first": first}))
