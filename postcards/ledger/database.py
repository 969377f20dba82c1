"""The tracking ledger: every card printed and an append-only list of what happened to it.

The ledger is what lets an office answer "which prisoners have had no card yet?" and
"did this card go out?", and what makes a reprint reuse a card's code.  It runs on
SQLAlchemy Core over SQLite (one file, the default: WAL, a busy timeout, write
transactions that take the lock up front) or PostgreSQL (several offices at once, by URL
``postgresql+psycopg://user@host/db``; reaching each is :mod:`postcards.ledger.engines`'s job).
The SQL is written once, as Core expressions on the tables of :mod:`postcards.ledger.schema`;
all calls into the database go through :meth:`Ledger._guard`, which turns driver errors
into a :class:`~postcards.errors.LedgerError` that names the ledger (never its password)
and says what to do.

The schema is versioned: the steps of :data:`postcards.ledger.schema.MIGRATIONS` a ledger lacks
are applied in order when it is opened, each in its own transaction, and recorded in
``schema_version``.  Events are only ever added: from step 3 the database itself refuses
to change or delete one.

Several scanners at once: a status change locks its card (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), reads the card's history and adds the event
in one transaction, so two stations scanning the same card record it once.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from postcards.codes import is_valid
from postcards.errors import LedgerError, Problem, display_name
from postcards.ledger.engines import (
    explain,
    is_sqlite,
    postgresql_engine,
    postgresql_url,
    sqlite_engine,
    sqlite_path,
)
from postcards.ledger.engines import ledger_exists as ledger_exists  # re-exported: the ledger's API
from postcards.ledger.engines import shown_url as shown_url  # re-exported: part of the ledger's API
from postcards.ledger.schema import MIGRATIONS as _MIGRATIONS
from postcards.ledger.schema import REBUILDS as _REBUILDS
from postcards.ledger.schema import (
    SCHEMA_VERSION,
    cards_table,
    events_table,
    list_rows_table,
    lists_table,
    runs_table,
    schema_version_table,
)
from postcards.ledger.schema import SCHEMA_VERSION_TABLE as _SCHEMA_VERSION_TABLE
from postcards.ledger.schema import SERIAL as _SERIAL

STATUSES = ("generated", "printed", "sent", "returned", "reply", "delivered", "void")
"""What can happen to a card. "sent" is what an office can know; delivery into a prison
is rarely confirmed."""

GENERATED_BY = "postcards cards"


@dataclass(frozen=True)
class LedgerCard:
    """One card as the ledger knows it: who writes to whom, in which campaign and wave.

    ``message`` is the text printed on the card, kept for the archive handed to the
    prisoner after release (empty for cards recorded before schema step 3).
    """

    code: str
    campaign: str
    wave: str
    sender_id: str
    prisoner_id: str
    language: str
    sender_name: str
    prisoner_name: str
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What makes a card unique: one card per campaign, wave, sender and prisoner."""
        return (self.campaign, self.wave, self.sender_id, self.prisoner_id)


@dataclass(frozen=True)
class Tally:
    """What a prisoner (or a sender) has had so far in a campaign.

    ``sent`` counts every card that went out, including those later returned, answered
    or delivered; void cards count nowhere but ``void``.
    """

    generated: int = 0
    sent: int = 0
    returned: int = 0
    replies: int = 0
    void: int = 0
    last_sent: str = ""


OUT_STATUSES = frozenset({"sent", "returned", "reply", "delivered"})
"""Statuses that mean a card went out: a card with any of them counts as sent."""


@dataclass(frozen=True)
class PrisonerList:
    """The prisoner list a wave was printed from: its hash and each prisoner's fields."""

    wave: str
    list_hash: str
    recorded_at: str
    list_date: str
    source: str
    rows: dict[str, dict[str, str]]


@dataclass(frozen=True)
class RunFile:
    """A file a print run puts in place, with the SHA-256 of its content."""

    path: str
    sha256: str


@dataclass(frozen=True)
class PrintRunRecord:
    """A print run as the ledger keeps it."""

    id: int
    wave: str
    status: str  # pending, complete, interrupted (files never all in place), reprinted
    files: tuple[RunFile, ...]
    cards: int
    new_cards: int
    started_at: str


@dataclass(frozen=True)
class Event:
    """Something that happened to a card; events are only ever added, never changed."""

    code: str
    status: str
    at: str
    by: str
    note: str


#: Given a card and its history (oldest first), the event to add, or None to add nothing.
Decide = Callable[[LedgerCard, list[Event]], Event | None]


_CARD_COLUMNS = [cards_table.c[f] for f in LedgerCard.__dataclass_fields__]
_EVENT_COLUMNS = [events_table.c[n] for n in ("code", "status", "at", "by_name", "note")]

# Statements run once per scan or per batch, built once: SQLAlchemy then reuses their
# compiled form instead of building and caching a new statement each time.
_Q_CARD_LOCKED = (
    sa.select(*_CARD_COLUMNS).where(cards_table.c.code == sa.bindparam("code")).with_for_update()
)
_Q_HISTORY = (
    sa.select(*_EVENT_COLUMNS)
    .where(events_table.c.code == sa.bindparam("code"))
    .order_by(events_table.c.id)
)
_Q_CARDS_BY_CODE = sa.select(*_CARD_COLUMNS).where(
    cards_table.c.code.in_(sa.bindparam("codes", expanding=True))
)
_INSERT_EVENT = events_table.insert()
_Q_NONCE = sa.select(events_table.c.id).where(events_table.c.nonce == sa.bindparam("nonce"))


def utc_now() -> str:
    """The current time in UTC, to the second, as ISO-8601 (``2025-03-01T09:30:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_now = utc_now


class Ledger:
    """A connection to one ledger; use :meth:`open` rather than the constructor."""

    def __init__(self, engine: sa.Engine, name: str, path: Path | None):
        self._engine = engine
        self._name = name
        self._path = path
        self._connection: sa.Connection | None = None
        self._dialect = engine.dialect.name

    @classmethod
    def open(cls, target: str | Path) -> Ledger:
        """Open (and if need be create) a ledger and bring its schema up to date.

        Args:
            target: a file path, ``sqlite:///relative/path.db``,
                ``sqlite:////absolute/path.db`` or ``postgresql+psycopg://user@host/db``.

        Raises:
            LedgerError: the target is not SQLite or PostgreSQL, the ledger cannot be
                opened or is not a ledger, or it was written by a newer postcards.
        """
        ledger = cls._sqlite(target) if is_sqlite(target) else cls._postgresql(str(target))
        try:
            with ledger._guard():
                ledger._connection = ledger._engine.connect()
            ledger._migrate()
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def _sqlite(cls, target: str | Path) -> Ledger:
        path = sqlite_path(target)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LedgerError(
                Problem(
                    f"cannot create the ledger's folder {str(path.parent)!r}: {error.strerror}",
                    file=display_name(path),
                )
            ) from error
        engine = sqlite_engine(path)
        return cls(engine, display_name(path), path)

    @classmethod
    def _postgresql(cls, target: str) -> Ledger:
        url = postgresql_url(target)
        engine = postgresql_engine(url)
        return cls(engine, url.render_as_string(hide_password=True), None)

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def path(self) -> Path | None:
        """The ledger's file (None for a PostgreSQL ledger)."""
        return self._path

    @property
    def name(self) -> str:
        """The ledger as messages name it: the file's name, or the URL without password."""
        return self._name

    # --- reading ---------------------------------------------------------------------

    def codes_for(self, campaign: str, wave: str) -> dict[tuple[str, str], str]:
        """The codes already given in a wave, by (sender_id, prisoner_id); void cards
        left out.

        A reprint looks its cards up here so that a card keeps its code, and a card that
        was voided (spoiled) gets a new one.
        """
        c = cards_table.c
        rows = self._rows(
            sa.select(c.sender_id, c.prisoner_id, c.code).where(
                c.campaign == campaign, c.wave == wave, ~_is_void(c.code)
            )
        )
        return {(sender, prisoner): code for sender, prisoner, code in rows}

    def code_exists(self, code: str) -> bool:
        """True when a card has this code (so a new random code must be drawn again)."""
        return bool(self._rows(sa.select(cards_table.c.code).where(cards_table.c.code == code)))

    def card(self, code: str) -> LedgerCard | None:
        """The card with this canonical code, or None when the ledger does not know it."""
        rows = self._rows(sa.select(*_CARD_COLUMNS).where(cards_table.c.code == code))
        return LedgerCard(*rows[0]) if rows else None

    def history(self, code: str) -> list[Event]:
        """A card's events, oldest first (the order they were recorded)."""
        with self._read() as connection:
            return _history(connection, code)

    def cards(self, campaign: str) -> list[LedgerCard]:
        """Every card of a campaign, oldest first."""
        c = cards_table.c
        query = sa.select(*_CARD_COLUMNS).where(c.campaign == campaign)
        return [LedgerCard(*row) for row in self._rows(query.order_by(c.created_at, c.code))]

    def events(self, campaign: str) -> list[Event]:
        """Every event of a campaign's cards, in the order they were recorded."""
        e, c = events_table.c, cards_table.c
        query = (
            sa.select(*_EVENT_COLUMNS)
            .join_from(events_table, cards_table, e.code == c.code)
            .where(c.campaign == campaign)
            .order_by(e.id)
        )
        return [Event(*row) for row in self._rows(query)]

    def tallies(self, campaign: str, by: str = "prisoner") -> dict[str, Tally]:
        """Cards generated, sent, returned and answered, per prisoner or per sender.

        Pairing puts the prisoners with the fewest cards first; reports and posters count
        from here. Only ids with at least one card appear.
        """
        if by not in ("prisoner", "sender"):
            raise ValueError(f"tallies by {by!r}: use 'prisoner' or 'sender'")
        seen: dict[str, set[str]] = {}
        sent_at: dict[str, str] = {}  # when a card went out: its first "sent" event
        out_at: dict[str, str] = {}  # else its first sign of having gone out
        for event in self.events(campaign):
            seen.setdefault(event.code, set()).add(event.status)
            if event.status == "sent":
                sent_at.setdefault(event.code, event.at)
            elif event.status in OUT_STATUSES:
                out_at.setdefault(event.code, event.at)
        last_sent = out_at | sent_at
        counts: dict[str, dict[str, Any]] = {}
        for card in self.cards(campaign):
            key = card.prisoner_id if by == "prisoner" else card.sender_id
            tally = counts.setdefault(key, dict(Tally().__dict__))
            statuses = seen.get(card.code, set())
            if "void" in statuses:
                tally["void"] += 1
                continue
            tally["generated"] += 1
            if statuses & OUT_STATUSES:
                tally["sent"] += 1
                tally["last_sent"] = max(tally["last_sent"], last_sent.get(card.code, ""))
            tally["returned"] += "returned" in statuses
            tally["replies"] += "reply" in statuses
        return {key: Tally(**values) for key, values in counts.items()}

    def last_list(self, campaign: str) -> PrisonerList | None:
        """The prisoner list the newest wave recorded, or None before the first wave."""
        t, r = lists_table.c, list_rows_table.c
        rows = self._rows(
            sa.select(t.id, t.wave, t.list_hash, t.recorded_at, t.list_date, t.source)
            .where(t.campaign == campaign)
            .order_by(t.id.desc())
            .limit(1)
        )
        if not rows:
            return None
        list_id, wave, list_hash, recorded_at, list_date, source = rows[0]
        query = sa.select(r.prisoner_id, r.fields).where(r.list_id == list_id)
        fields = {pid: json.loads(text) for pid, text in self._rows(query.order_by(r.prisoner_id))}
        return PrisonerList(wave, list_hash, recorded_at, list_date, source, fields)

    def count_cards(self) -> int:
        """How many cards the ledger holds."""
        return self._rows(sa.select(sa.func.count()).select_from(cards_table))[0][0]

    def count_events(self) -> int:
        """How many events the ledger holds."""
        return self._rows(sa.select(sa.func.count()).select_from(events_table))[0][0]

    def schema_version(self) -> int:
        """The schema version of the open ledger (the newest step applied)."""
        query = sa.select(sa.func.coalesce(sa.func.max(schema_version_table.c.version), 0))
        return self._rows(query)[0][0]

    def campaigns(self) -> dict[str, int]:
        """Each campaign name the ledger has cards of, with how many cards."""
        c = cards_table.c
        query = sa.select(c.campaign, sa.func.count()).group_by(c.campaign)
        return dict(self._rows(query.order_by(c.campaign)))

    def rename_campaign(self, old: str, new: str) -> int:
        """Give every card and prisoner list of campaign ``old`` the name ``new``, in one
        transaction (a renamed campaign.toml keeps its cards). Events name cards by code,
        so their append-only history stays as it was. Returns how many cards moved.

        Raises:
            LedgerError: ``old`` has no cards, or ``new`` has cards already (two
                campaigns would merge); nothing is changed then.
        """
        with self._write(serialise=True) as connection:
            counts = dict(connection.execute(
                sa.select(cards_table.c.campaign, sa.func.count())
                .where(cards_table.c.campaign.in_([old, new]))
                .group_by(cards_table.c.campaign)).all())
            if not counts.get(old):
                raise self._error(f"no cards of campaign {old!r} to rename")
            if counts.get(new):
                raise self._error(f"campaign {new!r} has {counts[new]} cards already; "
                                  "renaming would merge two campaigns, nothing changed")
            for table in (cards_table, lists_table):
                connection.execute(table.update().where(table.c.campaign == old)
                                   .values(campaign=new))
        return counts[old]

    # --- writing ---------------------------------------------------------------------

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
        at = at or _now()
        with self._write(serialise=True) as connection:
            return self._insert_generated(connection, list(cards), by, at)

    def _insert_generated(
        self, connection: sa.Connection, cards: list[LedgerCard], by: str, at: str
    ) -> int:
        new = self._new_cards(connection, cards)
        self._update_texts(connection, cards, new)
        if new:
            connection.execute(
                cards_table.insert(), [{**asdict(c), "created_at": at} for c in new]
            )
            connection.execute(
                _INSERT_EVENT,
                [_event_row(Event(c.code, "generated", at, by, "")) for c in new],
            )
        return len(new)

    # --- print runs --------------------------------------------------------------------

    def begin_print_run(
        self, campaign: str, wave: str, cards: list[LedgerCard], files: list[RunFile]
    ) -> tuple[int, int]:
        """Record a print run's cards, with the run "pending" and the files it is about
        to rename into place, in one transaction.  Returns (run id, new cards).

        The cards are committed before their files appear, so a PDF in place never has
        codes the ledger does not know; :meth:`settle_print_run` closes the run."""
        at = _now()
        with self._write(serialise=True) as connection:
            new = self._insert_generated(connection, cards, GENERATED_BY, at)
            run_id = connection.execute(
                runs_table.insert()
                .values(campaign=campaign, wave=wave, status="pending",
                        files=json.dumps([asdict(f) for f in files]), cards=len(cards),
                        new_cards=new, started_at=at)
                .returning(runs_table.c.id)
            ).scalar_one()  # fmt: skip
        return run_id, new

    def settle_print_run(self, run_id: int, status: str) -> None:
        """Close a run: "complete" (its files are in place; also from "interrupted", which
        a `check` elsewhere may have said while the run was renaming) or "interrupted"
        (only from "pending")."""
        before = ("pending", "interrupted") if status == "complete" else ("pending",)
        with self._write(serialise=True) as connection:
            connection.execute(
                runs_table.update()
                .where(runs_table.c.id == run_id, runs_table.c.status.in_(before))
                .values(status=status, settled_at=_now())
            )

    def mark_reprinted(self, campaign: str, wave: str) -> None:
        """Interrupted runs of a wave whose cards a complete run has since printed."""
        with self._write(serialise=True) as connection:
            connection.execute(
                runs_table.update()
                .where(runs_table.c.campaign == campaign, runs_table.c.wave == wave,
                       runs_table.c.status == "interrupted")
                .values(status="reprinted")
            )  # fmt: skip

    def print_runs(self, campaign: str, status: str) -> list[PrintRunRecord]:
        """The print runs of a campaign in a status, oldest first."""
        r = runs_table.c
        rows = self._rows(
            sa.select(r.id, r.wave, r.status, r.files, r.cards, r.new_cards, r.started_at)
            .where(r.campaign == campaign, r.status == status).order_by(r.id)
        )  # fmt: skip
        return [PrintRunRecord(i, wave, st, tuple(RunFile(**f) for f in json.loads(files)),
                               cards, new, started)
                for i, wave, st, files, cards, new, started in rows]  # fmt: skip

    def record_list(self, campaign: str, prisoners: PrisonerList) -> bool:
        """Keep the prisoner list a wave used; the same list as the last one is not stored
        twice. Returns True when it was stored."""
        last = self.last_list(campaign)
        if last is not None and (last.list_hash, last.wave) == (
            prisoners.list_hash,
            prisoners.wave,
        ):
            return False
        with self._write(serialise=True) as connection:
            list_id = connection.execute(
                lists_table.insert()
                .values(
                    campaign=campaign,
                    wave=prisoners.wave,
                    list_hash=prisoners.list_hash,
                    recorded_at=prisoners.recorded_at or _now(),
                    list_date=prisoners.list_date,
                    source=prisoners.source,
                )
                .returning(lists_table.c.id)
            ).scalar_one()
            rows = [
                {"list_id": list_id, "prisoner_id": pid,
                 "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True)}
                for pid, fields in sorted(prisoners.rows.items())
            ]  # fmt: skip
            if rows:
                connection.execute(list_rows_table.insert(), rows)
        return True

    def record_event(
        self, code: str, status: str, by: str, note: str = "", at: str | None = None
    ) -> Event:
        """Append one event to a known card. Whether the status may follow the card's
        current one is the tracking module's business; the ledger only refuses unknown
        codes and statuses."""
        if status not in STATUSES:
            raise self._error(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        event = Event(code, status, at or _now(), by, note)
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
                is kept with the event, and a nonce already kept adds nothing again.

        Returns:
            The card, its history before this call, and the event added (or None).

        Raises:
            LedgerError: no card has the code, or the event's status is unknown.
        """
        with self._write(serialise=False) as connection:
            row = connection.execute(_Q_CARD_LOCKED, {"code": code}).first()
            if row is None:
                raise self._error(f"no card has the code {code}")
            card = LedgerCard(*row)
            history = _history(connection, code)
            if nonce and connection.execute(_Q_NONCE, {"nonce": nonce}).first():
                return card, history, None
            event = decide(card, history)
            if event is not None:
                if event.status not in STATUSES:
                    raise self._error(
                        f"unknown status {event.status!r}; use one of {', '.join(STATUSES)}"
                    )
                connection.execute(_INSERT_EVENT, {**_event_row(event), "nonce": nonce or None})
        return card, history, event

    def _update_texts(self, connection: sa.Connection, cards: list[LedgerCard],
                      new: list[LedgerCard]) -> None:
        """A reprint with another message: the ledger keeps the latest text while the
        card has not gone out (the old print is thrown away); once it went out, the text
        it carried is history, and the reprint is refused."""
        fresh = {c.code for c in new}
        known = {c.code: c for c in cards if c.code not in fresh and c.message}
        if not known:
            return
        stored = {row[0]: LedgerCard(*row) for start in range(0, len(known), 500)
                  for row in connection.execute(
                      _Q_CARDS_BY_CODE, {"codes": sorted(known)[start : start + 500]})}
        for code, card in known.items():
            old = stored.get(code)
            if old is None or old.message == card.message:
                continue
            went_out = [e for e in _history(connection, code) if e.status in OUT_STATUSES]
            if went_out:
                raise self._error(
                    f"card {code} (sender {card.sender_id}, prisoner {card.prisoner_id}) "
                    f"went out on {went_out[0].at[:10]} with another message; its text stays "
                    "as sent: put the new message on a card of another wave")
            connection.execute(cards_table.update().where(cards_table.c.code == code)
                               .values(message=card.message))

    def _new_cards(self, connection: sa.Connection, cards: list[LedgerCard]) -> list[LedgerCard]:
        """The cards not yet recorded; raises when one clashes with a card already there
        (or earlier in the batch).  Looks the batch up in a few queries, not per card."""
        live: dict[tuple[str, str, str, str], str] = {}  # key -> code, void cards left out
        for campaign, wave in {(c.campaign, c.wave) for c in cards}:
            for sender, prisoner, code in connection.execute(
                _Q_LIVE_CODES, {"campaign": campaign, "wave": wave}
            ):
                live[(campaign, wave, sender, prisoner)] = code
        taken: dict[str, LedgerCard] = {}  # code -> card, of those in this batch
        codes = sorted({c.code for c in cards})
        for start in range(0, len(codes), 500):
            for row in connection.execute(_Q_CARDS_BY_CODE, {"codes": codes[start : start + 500]}):
                taken[row[0]] = LedgerCard(*row)
        new = []
        for card in cards:
            if not is_valid(card.code):
                raise self._error(f"{card.code!r} is not a valid card code")
            existing = live.get(card.key)
            if existing == card.code:
                continue
            if existing is not None:
                raise self._error(
                    f"sender {card.sender_id} and prisoner {card.prisoner_id} already have "
                    f"card {existing} in campaign {card.campaign!r}, wave {card.wave!r}; "
                    "reprint it with that code"
                )
            other = taken.get(card.code)
            if other is not None:
                raise self._error(
                    f"code {card.code} is already used by another card (sender "
                    f"{other.sender_id}, prisoner {other.prisoner_id}, campaign "
                    f"{other.campaign!r}, wave {other.wave!r}); draw a new code"
                )
            live[card.key], taken[card.code] = card.code, card
            new.append(card)
        return new

    # --- the database edge ---------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply the schema steps this ledger lacks, each step in its own transaction.

        An up-to-date ledger is only read, so opening one never waits for a writer.
        """
        with self._read() as connection:
            exists = sa.inspect(connection).has_table("schema_version")
        current = self.schema_version() if exists else 0
        if current > SCHEMA_VERSION:
            raise self._error(
                f"the ledger has schema version {current}, newer than this version of "
                f"postcards knows ({SCHEMA_VERSION}); upgrade postcards to use it"
            )
        if current == SCHEMA_VERSION:
            return
        with self._write(serialise=True) as connection:
            connection.exec_driver_sql(_SCHEMA_VERSION_TABLE)
        for version in range(current + 1, SCHEMA_VERSION + 1):
            self._apply(version)

    def _apply(self, version: int) -> None:
        rebuild = version in _REBUILDS and self._dialect == "sqlite"
        if rebuild:
            self._sqlite_foreign_keys(False)
        try:
            with self._write(serialise=True) as connection:
                if self.schema_version() >= version:  # another process got there first
                    return
                for statement in _MIGRATIONS[version - 1]:
                    if isinstance(statement, dict):
                        statement = statement[self._dialect]
                    if statement:
                        serial = _SERIAL[self._dialect]
                        connection.exec_driver_sql(statement.replace("{serial}", serial))
                if rebuild and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise self._error("the ledger's events name cards it does not have")
                connection.execute(
                    schema_version_table.insert().values(version=version, applied_at=_now())
                )
        finally:
            if rebuild:
                self._sqlite_foreign_keys(True)

    def _sqlite_foreign_keys(self, on: bool) -> None:
        """Foreign keys can only be switched outside a transaction: on the driver's own
        connection, which SQLAlchemy leaves in autocommit between our transactions."""
        with self._guard():
            driver = self._open_connection().connection.dbapi_connection
            driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")

    def _rows(self, query: sa.Executable) -> list[tuple]:
        with self._read() as connection:
            return [tuple(row) for row in connection.execute(query)]

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """A read: inside a transaction already open, else a short one of its own."""
        connection = self._open_connection()
        if connection.in_transaction():
            with self._guard():
                yield connection
            return
        with self._transaction(connection, write=False, serialise=False):
            yield connection

    @contextmanager
    def _write(self, serialise: bool) -> Iterator[sa.Connection]:
        """One write transaction, all or nothing.

        SQLite takes the write lock up front (BEGIN IMMEDIATE), so two writers queue on
        the busy timeout instead of failing halfway through.  On PostgreSQL, ``serialise``
        takes a ledger-wide lock for the writes that check before they insert (new cards,
        lists, migrations); status changes lock only their card.
        """
        connection = self._open_connection()
        with self._transaction(connection, write=True, serialise=serialise):
            yield connection

    @contextmanager
    def _transaction(
        self, connection: sa.Connection, write: bool, serialise: bool
    ) -> Iterator[None]:
        connection.info["immediate"] = write
        with self._guard():
            transaction = connection.begin()
            if serialise and self._dialect == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
        try:
            yield
        except BaseException:
            with self._guard():
                transaction.rollback()
            raise
        with self._guard():
            transaction.commit()

    def _open_connection(self) -> sa.Connection:
        if self._connection is None:
            raise self._error("the ledger is closed")
        return self._connection

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors into a LedgerError naming the ledger and what to do."""
        try:
            yield
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as error:
            raise self._error(explain(error)) from error

    def _error(self, message: str) -> LedgerError:
        return LedgerError(Problem(message, file=self._name))


_LOCK_KEY = zlib.crc32(b"postcards ledger")
"""The PostgreSQL advisory lock that serialises writes which check before they insert."""


def _is_void(code: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """True for a card with a 'void' event."""
    e = events_table.c
    return sa.exists().where(e.code == code, e.status == "void")


_Q_LIVE_CODES = sa.select(
    cards_table.c.sender_id, cards_table.c.prisoner_id, cards_table.c.code
).where(
    cards_table.c.campaign == sa.bindparam("campaign"),
    cards_table.c.wave == sa.bindparam("wave"),
    ~_is_void(cards_table.c.code),
)


def _history(connection: sa.Connection, code: str) -> list[Event]:
    return [Event(*row) for row in connection.execute(_Q_HISTORY, {"code": code})]


def _event_row(event: Event) -> dict[str, str]:
    return {"code": event.code, "status": event.status, "at": event.at,
            "by_name": event.by, "note": event.note}  # fmt: skip
