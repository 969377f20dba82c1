"""The ledger's cards and events: what each command reads from it and records in it.

Every card printed and an append-only list of what happened to it: the ledger answers
"which prisoners have had no card yet?" and "did this card go out?", and makes a reprint
reuse a card's code.  The SQL is written once for both databases; connections,
migrations and transactions are :class:`~postcards.ledger.database.Database`'s.

Several scanners at once: a status change locks its card (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), reads the card's history and adds the event
in one transaction, so two stations scanning the same card record it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from postcards.errors import LedgerError, Problem
from postcards.ledger.database import Session, in_list
from postcards.ledger.model import (
    CARD_STATUSES,
    GENERATED_BY,
    Decide,
    Event,
    LedgerCard,
    utc_now,
)
from postcards.ledger.new_cards import (
    CARD_COLUMNS,
    EVENT_COLUMNS,
    LIVE,
    NewCards,
    card_history,
)

_Q_CARD = f"SELECT {CARD_COLUMNS} FROM cards WHERE code = :code"
# A scan locks its card on PostgreSQL; SQLite's BEGIN IMMEDIATE has locked the ledger.
_LOCKED = {"sqlite": _Q_CARD, "postgresql": _Q_CARD + " FOR UPDATE"}

_INSERT_EVENT = (
    "INSERT INTO events (code, status, at, by_name, note, nonce) "
    "VALUES (:code, :status, :at, :by_name, :note, :nonce)"
)

# A card's history and the event that holds a scan's nonce, in one query.
_Q_HISTORY_OR_NONCE = (
    f"SELECT {EVENT_COLUMNS}, nonce FROM events WHERE code = :code OR nonce = :nonce ORDER BY id"
)


class NonceTaken(LedgerError):
    """A scan's nonce that an event of another card holds: a client reusing one."""


def _history_and_nonce(session: Session, code: str, nonce: str) -> tuple[list[Event], tuple | None]:
    """A card's events, oldest first, and the event that holds ``nonce`` (any card's), if any.

    The event is (code, status, at, by, note, nonce).
    """
    if not nonce:
        return card_history(session, code), None
    rows = session.rows(_Q_HISTORY_OR_NONCE, {"code": code, "nonce": nonce})
    history = [Event(*row[:5]) for row in rows if row[0] == code]
    return history, next((row for row in rows if row[5] == nonce), None)


def _campaign_events(columns: str, office: str | None) -> str:
    """SQL for ``columns`` of the events of a campaign's cards (of one office, or of all)."""
    query = (
        f"SELECT {columns} FROM events e JOIN cards c ON e.code = c.code "
        "WHERE c.campaign = :campaign"
    )
    return query + (" AND c.office = :office" if office is not None else "")


def _event_row(event: Event) -> dict[str, str]:
    return {"code": event.code, "status": event.status, "at": event.at,
            "by_name": event.by, "note": event.note}  # fmt: skip


class Ledger(NewCards):
    """A connection to one ledger; use :meth:`open` rather than the constructor."""

    def codes_for(self, campaign: str, wave: str, office: str = "") -> dict[tuple[str, str], str]:
        """An office's codes in a wave, by (sender_id, prisoner_id); void cards left out.

        A reprint looks its cards up here so that a card keeps its code, and a card that
        was voided (spoiled) gets a new one.  Another office's sender "1" is another sender:
        its cards are never this office's.
        """
        rows = self._rows(
            "SELECT sender_id, prisoner_id, code FROM cards WHERE campaign = :campaign "
            f"AND office = :office AND wave = :wave AND {LIVE}",
            {"campaign": campaign, "office": office, "wave": wave},
        )
        return {(sender, prisoner): code for sender, prisoner, code in rows}

    def code_exists(self, code: str) -> bool:
        """True when a card has this code (so a new random code must be drawn again)."""
        return bool(self._rows("SELECT code FROM cards WHERE code = :code", {"code": code}))

    def existing_codes(self, codes: Sequence[str]) -> set[str]:
        """Those of ``codes`` that a card has: asked a few hundred at a time, not one by one."""
        found: set[str] = set()
        for start in range(0, len(codes), 500):  # within every SQLite's bound on parameters
            marks, params = in_list("code", codes[start : start + 500])
            found.update(
                row[0]
                for row in self._rows(f"SELECT code FROM cards WHERE code IN {marks}", params)
            )
        return found

    def card(self, code: str) -> LedgerCard | None:
        """The card with this canonical code, or None when the ledger does not know it."""
        rows = self._rows(_Q_CARD, {"code": code})
        return LedgerCard(*rows[0]) if rows else None

    def history(self, code: str) -> list[Event]:
        """A card's events, oldest first (the order they were recorded)."""
        with self._read() as session:
            return card_history(session, code)

    def cards(self, campaign: str, office: str | None = None) -> list[LedgerCard]:
        """Every card of a campaign (of one office, or of all), oldest first."""
        query = f"SELECT {CARD_COLUMNS} FROM cards WHERE campaign = :campaign"
        if office is not None:
            query += " AND office = :office"
        rows = self._rows(
            f"{query} ORDER BY created_at, code", {"campaign": campaign, "office": office}
        )
        return [LedgerCard(*row) for row in rows]

    def events(self, campaign: str, office: str | None = None) -> list[Event]:
        """Every event of a campaign's cards (of one office, or of all), in recorded order."""
        columns = ", ".join(f"e.{column}" for column in EVENT_COLUMNS.split(", "))
        query = _campaign_events(columns, office) + " ORDER BY e.id"
        rows = self._rows(query, {"campaign": campaign, "office": office})
        return [Event(*row) for row in rows]

    def wave_codes(self, campaign: str, wave: str) -> set[str]:
        """The code of every card of a wave: every office's, void ones too."""
        query = "SELECT code FROM cards WHERE campaign = :campaign AND wave = :wave"
        return {code for (code,) in self._rows(query, {"campaign": campaign, "wave": wave})}

    def earlier_cards(self, campaign: str, wave: str) -> list[tuple[str, str, str, str]]:
        """(wave, office, sender id, prisoner id) of the cards of every other wave, oldest first.

        What pairing needs of earlier waves, without a card object each (a campaign of
        100,000 cards read whole took some 100 MB, for a moment, at every pairing).
        """
        return self._rows(
            "SELECT wave, office, sender_id, prisoner_id FROM cards WHERE campaign = :campaign "
            "AND wave <> :wave ORDER BY created_at, code",
            {"campaign": campaign, "wave": wave},
        )

    def statuses(self, campaign: str, office: str | None = None) -> dict[str, frozenset[str]]:
        """Every status each card of a campaign (of one office, or of all) has had, by code.

        Read as a stream, and each set of statuses made once and shared: 9 MB for a wave of
        100,000 cards, where an event object and a set of its own a card kept 35 MB.
        """
        query = _campaign_events("e.code, e.status", office)
        found: dict[str, frozenset[str]] = {}
        shared: dict[frozenset[str], frozenset[str]] = {}
        none: frozenset[str] = frozenset()
        with self._read() as session:
            for code, status in session.stream(query, {"campaign": campaign, "office": office}):
                had = found.get(code, none)
                if status not in had:
                    more = had | {status}
                    found[code] = shared.setdefault(more, more)
        return found

    def record_generated(
        self, cards: Iterable[LedgerCard], by: str = GENERATED_BY, at: str | None = None
    ) -> int:
        """Record newly generated cards, each with a 'generated' event, all or nothing.

        A card already in the ledger with the same code is left alone (a reprint makes
        no second event), so a print run can be repeated safely.

        Args:
            cards: the cards of a print run.
            by: who generated them, kept in each event.
            at: the time (ISO-8601 UTC); now by default.

        Returns:
            How many cards were new.

        Raises:
            LedgerError: a code is invalid or belongs to another card, or the same sender
                and prisoner already have a card with another code in this wave; nothing
                is written.
        """
        at = at or utc_now()
        with self._write(serialise=True) as session:
            return self._insert_cards(session, cards, by, at)[1]

    def record_event(
        self, code: str, status: str, by: str, note: str = "", at: str | None = None
    ) -> Event:
        """Append one event to a known card; unknown codes and statuses are refused.

        Whether the status may follow the card's current one is the tracking module's business.
        """
        if status not in CARD_STATUSES:
            raise self._error(f"unknown status {status!r}; use one of {', '.join(CARD_STATUSES)}")
        event = Event(code, status, at or utc_now(), by, note)
        _, _, added = self.record_checked(code, lambda card, history: event)
        assert added is not None
        return added

    def record_checked(
        self, code: str, decide: Decide, nonce: str = ""
    ) -> tuple[LedgerCard, list[Event], Event | None]:
        """Add the event ``decide`` chooses from the card's history, atomically.

        The card is locked while its history is read and the event added, so that two
        scanners recording the same card at the same moment see each other's event: a
        second scan finds the first and ``decide`` can add nothing.

        Args:
            code: the card's canonical code.
            decide: given the card and its events (oldest first), returns the event to
                add or None; an exception it raises writes nothing and is passed on.
            nonce: the sender's id for this one scan (the station's offline queue); it
                is kept with the event, and a scan resent with it adds nothing again.  A
                nonce kept with another card's event is refused (after ``decide``, whose
                refusals come first).

        Returns:
            The card, its history before this call, and the event added (or None).

        Raises:
            NonceTaken: the nonce is kept with an event of another card.
            LedgerError: no card has the code, or the event's status is unknown.
        """
        with self._write(serialise=False, flush=False) as session:
            row = session.first(_LOCKED[session.dialect], {"code": code})
            if row is None:
                raise self._error(f"no card has the code {code}")
            card = LedgerCard(*row)
            history, kept = _history_and_nonce(session, code, nonce)
            if kept is not None and kept[0] == code:
                return card, history, None  # the same scan, resent: recorded once
            event = decide(card, history)
            if kept is not None:  # a client reusing a nonce: never taken for this card
                raise NonceTaken(
                    Problem(
                        "the scan's nonce was used for another card; scan this card again",
                        file=self.name,
                    )
                )
            if event is not None:
                if event.status not in CARD_STATUSES:
                    raise self._error(
                        f"unknown status {event.status!r}; use one of {', '.join(CARD_STATUSES)}"
                    )
                session.run(_INSERT_EVENT, {**_event_row(event), "nonce": nonce or None})
        return card, history, event
