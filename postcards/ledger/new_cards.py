"""Recording a print run's new cards: each checked against the ledger, then inserted in bulk.

A card is new unless the ledger has it already (a reprint keeps its code and adds nothing).
Before anything is written, every card is checked: its code is valid and no other card's,
and its sender and prisoner have no other live card in the wave (a void card's pair may
get a new one).  All of a run is one transaction: a failed check writes nothing.

A run of 100,000 cards is checked and written a batch at a time, so that the cards need
never all be in memory, and costs what the database's own bulk insert costs:

- the wave's live cards from before the run are read once (a fresh wave has none), and
  the run's own pairs are kept as hashes only; a hash seen twice is confirmed in the
  database, where the run's earlier batches are (a clash is rare: it stops the run);
- the batch's codes are looked up by key, a few hundred at a time;
- the rows go in with the driver's bulk path (:meth:`Database._insert_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from postcards.codes import is_valid
from postcards.ledger.database import Session, in_list
from postcards.ledger.model import OUT_STATUSES, Event, LedgerCard, utc_now
from postcards.ledger.standing import Standings

#: The cards table's columns in the order of :class:`LedgerCard`'s fields.
CARD_COLUMNS = ", ".join(LedgerCard.__dataclass_fields__)
#: The events table's columns in the order of :class:`Event`'s fields.
EVENT_COLUMNS = "code, status, at, by_name, note"

#: Cards checked and written at once.
_BATCH = 2000
#: Codes looked up in one query (an SQL ``IN`` list stays small).
_LOOKUP = 500

_CARD_FIELDS = ("code", "campaign", "wave", "sender_id", "prisoner_id", "language",
                "sender_name", "prisoner_name", "message", "office", "created_at")  # fmt: skip
_EVENT_FIELDS = ("code", "status", "at", "by_name", "note")
_PAIR_FIELDS = ("campaign", "wave", "office", "sender_id", "prisoner_id", "chosen_at")


def void_now(code: str) -> str:
    """SQL that is true for a card whose last void was not undone.

    That is, its last void or unvoid is a void; ``code`` is the SQL of the card's code.
    """
    last = (
        f"(SELECT status FROM events WHERE events.code = {code} "
        "AND status IN ('void', 'unvoid') ORDER BY id DESC LIMIT 1)"
    )
    return f"coalesce({last}, '') = 'void'"


#: SQL that is true for a card of the ``cards`` table that is not void.
LIVE = f"NOT {void_now('cards.code')}"

_Q_HISTORY = f"SELECT {EVENT_COLUMNS} FROM events WHERE code = :code ORDER BY id"
_IN_WAVE = f"campaign = :campaign AND office = :office AND wave = :wave AND {LIVE}"
_Q_LIVE_IN_WAVE = f"SELECT sender_id, prisoner_id, code FROM cards WHERE {_IN_WAVE}"
_Q_LIVE_CODE = (
    f"SELECT code FROM cards WHERE {_IN_WAVE} AND sender_id = :sender AND prisoner_id = :prisoner"
)


def card_history(session: Session, code: str) -> list[Event]:
    """A card's events, oldest first, in the open transaction."""
    return [Event(*row) for row in session.rows(_Q_HISTORY, {"code": code})]


class _LiveCodes:
    """The live card of each (campaign, office, wave, sender, prisoner) a run meets.

    The wave's cards from before the run are read when the run first meets the wave;
    the run's own are remembered by a bit of their key's hash alone, in a table of fixed
    size (:attr:`SEEN_BITS`), and looked up in the database when a key's bit is set.  A
    set of the hashes cost 77 bytes a card (15 MB of a run of 200,000, at its peak); the
    table costs 1 MB whatever the run, and looks up about one card in 80 of such a run
    in vain (tens of milliseconds).
    """

    #: The table's size in bits, a power of two (a test makes it tiny to force lookups).
    SEEN_BITS = 1 << 23

    def __init__(self, session: Session) -> None:
        self._session = session
        self._before: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
        self._seen = bytearray(self.SEEN_BITS >> 3 or 1)
        self._mask = self.SEEN_BITS - 1

    def code_of(self, key: tuple[str, ...]) -> str | None:
        """The code of the live card of a (campaign, office, wave, sender, prisoner), if any."""
        wave, pair = key[:3], key[3:]
        known = self._before.get(wave)
        if known is None:
            rows = self._session.rows(_Q_LIVE_IN_WAVE, dict(zip(_WAVE, wave, strict=True)))
            known = self._before[wave] = {(s, p): code for s, p, code in rows}
        code = known.get(pair)
        bit = hash(key) & self._mask
        if code is None and self._seen[bit >> 3] & (1 << (bit & 7)):
            where = dict(zip(_WAVE, wave, strict=True))
            found = self._session.first(
                _Q_LIVE_CODE, {**where, "sender": pair[0], "prisoner": pair[1]}
            )
            code = found[0] if found else None
        return code

    def add(self, key: tuple[str, ...]) -> None:
        """Remember a card of this run by its key's bit."""
        bit = hash(key) & self._mask
        self._seen[bit >> 3] |= 1 << (bit & 7)


_WAVE = ("campaign", "office", "wave")


class NewCards(Standings):
    """Recording new cards: checked against the ledger, inserted in bulk, all or nothing."""

    def _insert_cards(
        self, session: Session, cards: Iterable[LedgerCard], by: str, at: str,
        office: str | None = None,
    ) -> tuple[int, int]:  # fmt: skip
        """Check and record ``cards`` a batch at a time; returns (cards, new cards).

        Each batch sees the ones before it, in this same transaction.  ``office``: every
        card must be of it (a print run's).
        """
        live, count, new = _LiveCodes(session), 0, 0
        pending = iter(cards)
        while batch := list(islice(pending, _BATCH)):
            if office is not None and any(card.office != office for card in batch):
                raise self._error(f"a card of another office than {office!r} in its run")
            fresh = self._fresh_cards(session, batch, live, printing=office is not None)
            if fresh:
                self._insert_rows(session, "cards", _CARD_FIELDS,
                                  [(*_card_values(c), at) for c in fresh])  # fmt: skip
                self._insert_rows(session, "events", _EVENT_FIELDS,
                                  [(c.code, "generated", at, by, "") for c in fresh])  # fmt: skip
                self._record_printed_pairs(session, fresh)
            count, new = count + len(batch), new + len(fresh)
        return count, new

    def _fresh_cards(
        self, session: Session, cards: list[LedgerCard], live: _LiveCodes,
        printing: bool = False,
    ) -> list[LedgerCard]:  # fmt: skip
        """The batch's cards not recorded yet; a clash with any card raises, writing nothing.

        A reprint's card keeps its code; its message is updated while it has not gone out.
        ``printing``: the cards are a print run's, whose codes were chosen when it began
        (a pair's live card then gave its code), so a pair's other live card now was
        recorded while the run drew: another run printed it, and the error says so.
        """
        stored = self._stored(session, cards)
        fresh: list[LedgerCard] = []
        mine: dict[tuple[str, ...], str] = {}  # the batch's own, not in the database yet
        for card in cards:
            if not is_valid(card.code):
                raise self._error(f"{card.code!r} is not a valid card code")
            key = card.key
            existing = mine.get(key) or live.code_of(key)
            if existing == card.code:
                self._update_text(session, card, stored.get(card.code))
                continue
            if existing is not None:
                raise self._error(_pair_taken(card, existing, printing))
            other = stored.get(card.code)
            if other is not None:
                raise self._error(
                    f"code {card.code} is already used by another card (sender "
                    f"{other.sender_id}{office_of(other)}, prisoner {other.prisoner_id}, "
                    f"campaign {other.campaign!r}, wave {other.wave!r}); draw a new code"
                )
            live.add(key)
            mine[key], stored[card.code] = card.code, card
            fresh.append(card)
        return fresh

    def _stored(self, session: Session, cards: list[LedgerCard]) -> dict[str, LedgerCard]:
        """The ledger's cards with the codes of ``cards``, by code (a few queries a batch)."""
        codes = sorted({card.code for card in cards})
        found: dict[str, LedgerCard] = {}
        for start in range(0, len(codes), _LOOKUP):
            marks, params = in_list("code", codes[start : start + _LOOKUP])
            for row in session.rows(
                f"SELECT {CARD_COLUMNS} FROM cards WHERE code IN {marks}", params
            ):
                found[row[0]] = LedgerCard(*row)
        return found

    def _update_text(self, session: Session, card: LedgerCard, old: LedgerCard | None) -> None:
        """A reprint with another message: kept before the card goes out, refused after.

        The ledger keeps the latest text while the card has not gone out (the old print is
        thrown away); once it went out, the text it carried is history, and the reprint
        is refused.
        """
        if old is None or not card.message or old.message == card.message:
            return
        went_out = [e for e in card_history(session, card.code) if e.status in OUT_STATUSES]
        if went_out:
            raise self._error(
                f"card {card.code} (sender {card.sender_id}, prisoner {card.prisoner_id}) "
                f"went out on {went_out[0].at[:10]} with another message; its text stays "
                "as sent: put the new message on a card of another wave"
            )
        session.run(
            "UPDATE cards SET message = :message WHERE code = :code",
            {"message": card.message, "code": card.code},
        )

    def _record_printed_pairs(self, session: Session, cards: list[LedgerCard]) -> None:
        """New cards' pairs are chosen pairs too (printed from an assignments file, say).

        Pairs recorded already keep their row (and so their place in the order of choices,
        see :mod:`postcards.ledger.offices`).
        """
        at = utc_now()
        self._insert_rows(
            session, "pairs", _PAIR_FIELDS,
            [(c.campaign, c.wave, c.office, c.sender_id, c.prisoner_id, at) for c in cards],
            skip_existing=True,
        )  # fmt: skip


def _pair_taken(card: LedgerCard, existing: str, printing: bool) -> str:
    """Why a card cannot be recorded: its pair has another live card in the wave."""
    taken = (
        f"sender {card.sender_id} and prisoner {card.prisoner_id} already have card "
        f"{existing} in campaign {card.campaign!r}, wave {card.wave!r}"
    )
    if not printing:
        return f"{taken}; reprint it with that code"
    return (
        f"{taken}, recorded while this print run was drawing (by another print run, most "
        f"likely on another computer or in the desk): post that run's card; this run "
        f"recorded nothing. Should that card be lost, reprint it with that code (cards "
        f"--only {existing})"
    )


def _card_values(card: LedgerCard) -> tuple[str, ...]:
    """A card's values in the order of the cards table's columns (but ``created_at``)."""
    return (
        card.code, card.campaign, card.wave, card.sender_id, card.prisoner_id, card.language,
        card.sender_name, card.prisoner_name, card.message, card.office,
    )  # fmt: skip


def office_of(card: LedgerCard) -> str:
    """`` of office 'seimas'`` when the card has an office."""
    return f" of office {card.office!r}" if card.office else ""
