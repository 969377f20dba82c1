"""Each card's standing: what its events add up to, for reports, tallies and pairing.

A campaign of 100,000 cards has some 200,000 events.  Loading them all as objects (and
the cards again for each count) took seconds and hundreds of megabytes, so the ledger is
read in two streams instead: its events in the order they were recorded, each card's
folded into a few values as they go by (a card whose only event is its "generated" keeps
nothing: that is where every card starts), then the campaign's cards, oldest first, each
joined with its values.  Both are sequential reads; nothing but the running sums stays in
memory.  The rules are :mod:`postcards.ledger.model`'s: a void card counts nowhere but
as void, "sent" counts every card that went out (returned, answered or delivered too).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from postcards.ledger.model import OUT_STATUSES, Tally, next_status
from postcards.ledger.offices import Offices


class Standing(NamedTuple):
    """A card and what its events add up to (a tuple: 100,000 of them are made in a blink).

    ``last_sent`` is when the card went out: its first "sent" event's time, else the first
    of its other events that say it went out (returned, reply, delivered); ``first_out`` is
    the earliest time any of those events gives.
    """

    code: str
    prisoner_id: str
    prisoner_name: str
    office: str
    sender_id: str
    sender_name: str
    status: str = "generated"
    went_out: bool = False
    last_sent: str = ""
    first_out: str = ""
    returned: bool = False
    replied: bool = False

    @property
    def void(self) -> bool:
        """True when the card's last void was not undone: it counts nowhere but as void."""
        return self.status == "void"


# The running sums of one card's events, by position in their list.
_STATUS, _BEFORE, _SENT_AT, _OUT_AT, _FIRST_OUT, _RETURNED, _REPLIED = range(7)


def fold_events(rows: Iterable[Sequence[str]]) -> dict[str, list[Any]]:
    """Per card code, the running sums of its (code, status, at) events, oldest first.

    A "generated" event before any other changes nothing (every card starts so), so a
    card that has had nothing else keeps no sums at all.
    """
    sums: dict[str, list[Any]] = {}
    for code, status, at in rows:
        card = sums.get(code)
        if card is None:
            if status == "generated":
                continue
            card = sums[code] = ["generated", "generated", None, None, None, False, False]
        card[_STATUS], card[_BEFORE] = next_status(card[_STATUS], card[_BEFORE], status)
        if status in OUT_STATUSES:
            if status == "sent":
                if card[_SENT_AT] is None:
                    card[_SENT_AT] = at
            elif card[_OUT_AT] is None:
                card[_OUT_AT] = at
            if card[_FIRST_OUT] is None or at < card[_FIRST_OUT]:
                card[_FIRST_OUT] = at
            card[_RETURNED] = card[_RETURNED] or status == "returned"
            card[_REPLIED] = card[_REPLIED] or status == "reply"
    return sums


def standing(row: Sequence[str], sums: list[Any] | None) -> Standing:
    """A card row (code, prisoner id and name, office, sender id and name) with its sums."""
    code, prisoner_id, prisoner_name, office, sender_id, sender_name = row
    if sums is None:
        return Standing(code, prisoner_id, prisoner_name, office, sender_id, sender_name)
    out = sums[_SENT_AT] if sums[_SENT_AT] is not None else sums[_OUT_AT]
    return Standing(code, prisoner_id, prisoner_name, office, sender_id, sender_name,
                    sums[_STATUS], out is not None, out or "", sums[_FIRST_OUT] or "",
                    sums[_RETURNED], sums[_REPLIED])  # fmt: skip


class Tallies:
    """Cards generated, sent, returned and answered, summed per key as standings go by."""

    def __init__(self) -> None:
        self._counts: dict[Any, list[Any]] = {}

    def add(self, key: Any, card: Standing) -> None:
        """Count one card under ``key`` (a prisoner's id, an office's sender)."""
        tally = self._counts.get(key)
        if tally is None:
            tally = self._counts[key] = [0, 0, 0, 0, 0, ""]  # as Tally's fields
        if card.status == "void":  # (card.void, spelled out: this runs for every card)
            tally[4] += 1
        else:
            tally[0] += 1
            if card.went_out:
                tally[1] += 1
                if card.last_sent > tally[5]:
                    tally[5] = card.last_sent
            if card.returned:
                tally[2] += 1
            if card.replied:
                tally[3] += 1

    @property
    def counts(self) -> dict[Any, list[Any]]:
        """The tallies as lists of :class:`~postcards.ledger.model.Tally`'s fields, by key.

        In the order the keys were first counted; a report reads 100,000 of them at once.
        """
        return self._counts

    def result(self) -> dict[Any, Tally]:
        """The tallies, by key, in the order the keys were first counted."""
        return {key: Tally(*values) for key, values in self._counts.items()}


class Standings(Offices):
    """What a campaign's cards add up to, read as two streams (see the module's docstring)."""

    def standings(self, campaign: str, office: str | None = None) -> Iterator[Standing]:
        """Every card of a campaign (of one office, or of all), oldest first, with its standing.

        The order is :meth:`~postcards.ledger.book.Ledger.cards`'s: where cards disagree
        (a prisoner's name corrected in a later wave), the last one read is the newest.
        """
        # SQLite would read a campaign's cards through an index, row by row, at three times
        # the cost of reading the table in its order: the campaign is most of it.
        scan = "|| ''" if self._dialect == "sqlite" else ""
        where = f"campaign {scan} = :campaign"
        if office is not None:
            where += f" AND office {scan} = :office"
        params = {"campaign": campaign, "office": office}
        cards = (
            "SELECT code, prisoner_id, prisoner_name, office, sender_id, sender_name "
            f"FROM cards WHERE {where}"
        )
        with self._read() as session:
            sums = fold_events(session.stream(self._events_of(where), params))
            for row in session.stream(f"{cards} ORDER BY created_at, code", params):
                yield standing(row, sums.get(row[0]))

    def _events_of(self, where: str) -> str:
        """(code, status, at) of the events of the cards ``where`` picks, in recorded order.

        SQLite reads every event instead: it would look each card up in turn (half a second
        for 100,000 cards), where a read of the whole table in its order takes a tenth of
        that; events of other campaigns' cards are left out when the cards are read.
        PostgreSQL joins the two itself.
        """
        query = "SELECT code, status, at FROM events"
        if self._dialect != "sqlite":
            query += f" WHERE code IN (SELECT code FROM cards WHERE {where})"
        return query + " ORDER BY id"

    def tallies(self, campaign: str, by: str = "prisoner", office: str | None = None) -> dict:
        """Cards generated, sent, returned and answered, per prisoner or per sender.

        Per prisoner the key is the prisoner's id; per sender it is (office, sender id),
        since each office numbers its own senders.  Pairing puts the prisoners with the
        fewest cards first; reports and posters count from here.  Only those with at
        least one card appear; ``office`` counts one office's cards alone.
        """
        if by not in ("prisoner", "sender"):
            raise ValueError(f"tallies by {by!r}: use 'prisoner' or 'sender'")
        tallies = Tallies()
        for card in self.standings(campaign, office):
            key = card.prisoner_id if by == "prisoner" else (card.office, card.sender_id)
            tallies.add(key, card)
        return tallies.result()
