"""The tracking ledger: every card printed and an append-only list of what happened to it.

The ledger is what lets an office answer "which prisoners have had no card yet?" and
"did this card go out?", and what makes a reprint reuse a card's code.  It is a small
store with a small API so that PostgreSQL (for several offices at once) can be added
behind the same methods: all SQL lives in the ``_SQL`` section below, and all calls into
the driver go through :meth:`Ledger._guard`, which turns driver errors into a
:class:`~postcards.errors.LedgerError` that names the file and says what to do.

The schema is versioned: ``_MIGRATIONS`` is a list of steps applied in order when a
ledger is opened, each in its own transaction, and recorded in ``schema_version``.  A
migration, once released, never changes; a new schema is a new step.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from postcards.codes import is_valid
from postcards.errors import LedgerError, Problem, display_name

STATUSES = ("generated", "printed", "sent", "returned", "reply", "delivered", "void")
"""What can happen to a card. "sent" is what an office can know; delivery into a prison
is rarely confirmed."""

GENERATED_BY = "postcards cards"
_BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LedgerCard:
    """One card as the ledger knows it: who writes to whom, in which campaign and wave."""

    code: str
    campaign: str
    wave: str
    sender_id: str
    prisoner_id: str
    language: str
    sender_name: str
    prisoner_name: str

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
class Event:
    """Something that happened to a card; events are only ever added, never changed."""

    code: str
    status: str
    at: str
    by: str
    note: str


# --- _SQL: every statement the ledger runs -------------------------------------------

_SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)"""

# Each step is a tuple of statements.  Step 1's CHECK spells out the statuses of the
# time rather than reading STATUSES, because a released migration must never change.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE cards (
            code TEXT PRIMARY KEY,
            campaign TEXT NOT NULL,
            wave TEXT NOT NULL,
            sender_id TEXT NOT NULL,
            prisoner_id TEXT NOT NULL,
            language TEXT NOT NULL,
            sender_name TEXT NOT NULL,
            prisoner_name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (campaign, wave, sender_id, prisoner_id)
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL REFERENCES cards (code),
            status TEXT NOT NULL CHECK (status IN ('generated', 'printed', 'sent',
                'returned', 'reply', 'delivered', 'void')),
            at TEXT NOT NULL,
            by_name TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX events_by_code ON events (code, id)",
    ),
    (
        # The prisoner list each wave used, so that the next list can be compared with it
        # (releases, transfers, new names) and cards printed for an old address found.
        """CREATE TABLE prisoner_lists (
            id INTEGER PRIMARY KEY,
            campaign TEXT NOT NULL,
            wave TEXT NOT NULL,
            list_hash TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            list_date TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE prisoner_list_rows (
            list_id INTEGER NOT NULL REFERENCES prisoner_lists (id),
            prisoner_id TEXT NOT NULL,
            fields TEXT NOT NULL,
            PRIMARY KEY (list_id, prisoner_id)
        )""",
        "CREATE INDEX cards_by_prisoner ON cards (campaign, prisoner_id)",
        "CREATE INDEX cards_by_sender ON cards (campaign, sender_id)",
    ),
)

SCHEMA_VERSION = len(_MIGRATIONS)
"""The newest schema this version of postcards knows."""

_CARD_COLUMNS = "code, campaign, wave, sender_id, prisoner_id, language, sender_name, prisoner_name"
_SQL = {
    "has_version_table": "SELECT 1 FROM sqlite_master "
    "WHERE type = 'table' AND name = 'schema_version'",
    "version": "SELECT COALESCE(MAX(version), 0) FROM schema_version",
    "set_version": "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
    "codes_for": "SELECT sender_id, prisoner_id, code FROM cards WHERE campaign = ? AND wave = ?",
    "code_exists": "SELECT 1 FROM cards WHERE code = ?",
    "card": f"SELECT {_CARD_COLUMNS} FROM cards WHERE code = ?",
    "card_by_key": f"SELECT {_CARD_COLUMNS} FROM cards "
    "WHERE campaign = ? AND wave = ? AND sender_id = ? AND prisoner_id = ?",
    "insert_card": f"INSERT INTO cards ({_CARD_COLUMNS}, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "insert_event": "INSERT INTO events (code, status, at, by_name, note) VALUES (?, ?, ?, ?, ?)",
    "history": "SELECT code, status, at, by_name, note FROM events WHERE code = ? ORDER BY id",
    "cards_in": f"SELECT {_CARD_COLUMNS} FROM cards WHERE campaign = ? ORDER BY created_at, code",
    "statuses_in": "SELECT e.code, e.status, e.at FROM events e JOIN cards c ON c.code = e.code "
    "WHERE c.campaign = ? ORDER BY e.id",
    "insert_list": "INSERT INTO prisoner_lists (campaign, wave, list_hash, recorded_at, list_date, "
    "source) VALUES (?, ?, ?, ?, ?, ?)",
    "insert_list_row": "INSERT INTO prisoner_list_rows (list_id, prisoner_id, fields) "
    "VALUES (?, ?, ?)",
    "last_list": "SELECT id, wave, list_hash, recorded_at, list_date, source FROM prisoner_lists "
    "WHERE campaign = ? ORDER BY id DESC LIMIT 1",
    "list_rows": "SELECT prisoner_id, fields FROM prisoner_list_rows WHERE list_id = ? "
    "ORDER BY prisoner_id",
    "count_cards": "SELECT COUNT(*) FROM cards",
    "count_events": "SELECT COUNT(*) FROM events",
}

# --- opening ---------------------------------------------------------------------------


def sqlite_path(target: str | Path) -> Path:
    """The file a ledger target names: a plain path or an SQLAlchemy-style SQLite URL.

    ``sqlite:///ledger.db`` is relative to the working directory and
    ``sqlite:////srv/ledger.db`` absolute, as in SQLAlchemy, so the same URL will work
    when PostgreSQL support arrives.
    """
    text = str(target)
    if "://" not in text:
        return Path(text).expanduser()
    scheme, _, rest = text.partition("://")
    if scheme.lower() != "sqlite":
        # Only the scheme is shown: a database URL may carry a password.
        raise LedgerError(
            f"ledger: {scheme}:// is not supported; only SQLite ledgers are supported in "
            "this version (give a file path or sqlite:///path/to/ledger.db)"
        )
    if not rest.startswith("/") or len(rest) == 1 or "?" in rest:
        raise LedgerError(
            f"ledger: {text!r} does not name a file; "
            "write sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    return Path(rest[1:])


def _now() -> str:
    """The current time in UTC, to the second, as ISO-8601 (``2025-03-01T09:30:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _explain(error: sqlite3.Error) -> str:
    """What a driver error means to the user, and what to do about it."""
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            "the ledger is busy: another postcards process has been writing to it for more "
            "than 10 seconds; wait for it to finish and try again"
        )
    if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
        return (
            "not a postcards ledger (the file is not an SQLite database, or it is damaged); "
            "check the ledger path, or restore the file from a backup"
        )
    if "unable to open" in lowered or "readonly" in lowered or "permission" in lowered:
        return (
            f"cannot open or write the ledger ({text}); check that the path is a file in a "
            "folder you may write to"
        )
    if "disk" in lowered or "i/o" in lowered:
        return f"cannot write the ledger ({text}); check free disk space and the drive"
    return f"ledger error: {text}"


class Ledger:
    """A connection to one ledger; use :meth:`open` rather than the constructor."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self._connection = connection
        self._path = path
        self._name = display_name(path)

    @classmethod
    def open(cls, target: str | Path) -> Ledger:
        """Open (and if need be create) a ledger and bring its schema up to date.

        Args:
            target: a file path, ``sqlite:///relative/path.db`` or
                ``sqlite:////absolute/path.db``.

        Raises:
            LedgerError: the target is not SQLite, the file cannot be opened or is not a
                ledger, or it was written by a newer version of postcards.
        """
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
        ledger = cls(_connect(path), path)
        try:
            ledger._configure()
            ledger._migrate()
        except BaseException:
            ledger.close()
            raise
        return ledger

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        self._connection.close()

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
    def path(self) -> Path:
        """The ledger's file."""
        return self._path

    # --- reading ---------------------------------------------------------------------

    def codes_for(self, campaign: str, wave: str) -> dict[tuple[str, str], str]:
        """The codes already given in a wave, by (sender_id, prisoner_id).

        A reprint looks its cards up here so that a card keeps its code.
        """
        rows = self._query("codes_for", campaign, wave)
        return {(sender, prisoner): code for sender, prisoner, code in rows}

    def code_exists(self, code: str) -> bool:
        """True when a card has this code (so a new random code must be drawn again)."""
        return bool(self._query("code_exists", code))

    def card(self, code: str) -> LedgerCard | None:
        """The card with this canonical code, or None when the ledger does not know it."""
        rows = self._query("card", code)
        return LedgerCard(*rows[0]) if rows else None

    def history(self, code: str) -> list[Event]:
        """A card's events, oldest first (the order they were recorded)."""
        return [Event(*row) for row in self._query("history", code)]

    def cards(self, campaign: str) -> list[LedgerCard]:
        """Every card of a campaign, oldest first."""
        return [LedgerCard(*row) for row in self._query("cards_in", campaign)]

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
        for code, status, at in self._query("statuses_in", campaign):
            seen.setdefault(code, set()).add(status)
            if status == "sent":
                sent_at.setdefault(code, at)
            elif status in OUT_STATUSES:
                out_at.setdefault(code, at)
        last_sent = out_at | sent_at
        counts: dict[str, dict[str, object]] = {}
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
        rows = self._query("last_list", campaign)
        if not rows:
            return None
        list_id, wave, list_hash, recorded_at, list_date, source = rows[0]
        fields = {pid: json.loads(text) for pid, text in self._query("list_rows", list_id)}
        return PrisonerList(wave, list_hash, recorded_at, list_date, source, fields)

    def count_cards(self) -> int:
        """How many cards the ledger holds."""
        return self._query("count_cards")[0][0]

    def count_events(self) -> int:
        """How many events the ledger holds."""
        return self._query("count_events")[0][0]

    def schema_version(self) -> int:
        """The schema version of the open ledger (the newest step applied)."""
        return self._query("version")[0][0]

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
        new = 0
        with self._transaction():
            for card in cards:
                if self._is_recorded(card):
                    continue
                self._execute("insert_card", *astuple(card), at)
                self._execute("insert_event", card.code, "generated", at, by, "")
                new += 1
        return new

    def record_list(self, campaign: str, prisoners: PrisonerList) -> bool:
        """Keep the prisoner list a wave used; the same list as the last one is not stored
        twice. Returns True when it was stored."""
        last = self.last_list(campaign)
        if last is not None and (last.list_hash, last.wave) == (
            prisoners.list_hash,
            prisoners.wave,
        ):
            return False
        with self._transaction(), self._guard():
            cursor = self._connection.execute(
                _SQL["insert_list"],
                (
                    campaign,
                    prisoners.wave,
                    prisoners.list_hash,
                    prisoners.recorded_at or _now(),
                    prisoners.list_date,
                    prisoners.source,
                ),
            )
            for pid, fields in sorted(prisoners.rows.items()):
                self._execute(
                    "insert_list_row",
                    cursor.lastrowid,
                    pid,
                    json.dumps(fields, ensure_ascii=False, sort_keys=True),
                )
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
        with self._transaction():
            if not self._query("code_exists", code):
                raise self._error(f"no card has the code {code}")
            self._execute("insert_event", *astuple(event))
        return event

    def _is_recorded(self, card: LedgerCard) -> bool:
        """True when this very card is already there; raises when it clashes with one."""
        if not is_valid(card.code):
            raise self._error(f"{card.code!r} is not a valid card code")
        rows = self._query("card_by_key", *card.key)
        if rows:
            existing = LedgerCard(*rows[0])
            if existing.code == card.code:
                return True
            raise self._error(
                f"sender {card.sender_id} and prisoner {card.prisoner_id} already have card "
                f"{existing.code} in campaign {card.campaign!r}, wave {card.wave!r}; "
                "reprint it with that code"
            )
        rows = self._query("card", card.code)
        if rows:
            other = LedgerCard(*rows[0])
            raise self._error(
                f"code {card.code} is already used by another card (sender {other.sender_id}, "
                f"prisoner {other.prisoner_id}, campaign {other.campaign!r}, wave "
                f"{other.wave!r}); draw a new code"
            )
        return False

    # --- the driver edge ---------------------------------------------------------------

    def _configure(self) -> None:
        """Settings for many writers at once: wait for locks, WAL, enforce references."""
        with self._guard():
            self._connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._connection.execute("PRAGMA foreign_keys = ON")
            self._use_wal()

    def _use_wal(self) -> None:
        """Switch to WAL, retrying: SQLite answers "locked" at once, without waiting on
        busy_timeout, when several processes open a new ledger at the same moment."""
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                if self._connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self) -> None:
        """Apply the schema steps this ledger lacks, each step in its own transaction.

        An up-to-date ledger is only read, so opening one never waits for a writer.
        """
        current = self._stored_version()
        if current is None:
            with self._transaction():
                self._connection.execute(_SCHEMA_VERSION_TABLE)
            current = 0
        if current > SCHEMA_VERSION:
            raise self._error(
                f"the ledger has schema version {current}, newer than this version of "
                f"postcards knows ({SCHEMA_VERSION}); upgrade postcards to use it"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            self._apply(version)

    def _stored_version(self) -> int | None:
        """The schema version, or None for a new, empty database."""
        if not self._query("has_version_table"):
            return None
        return self.schema_version()

    def _apply(self, version: int) -> None:
        with self._transaction():
            if self.schema_version() >= version:  # another process got there first
                return
            for statement in _MIGRATIONS[version - 1]:
                self._connection.execute(statement)
            self._execute("set_version", version, _now())

    def _query(self, name: str, *params: object) -> list[tuple]:
        with self._guard():
            return self._connection.execute(_SQL[name], params).fetchall()

    def _execute(self, name: str, *params: object) -> None:
        with self._guard():
            self._connection.execute(_SQL[name], params)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; IMMEDIATE takes the write lock up front, so two writers
        queue on busy_timeout instead of failing halfway through."""
        with self._guard():
            self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            with self._guard():
                self._connection.execute("COMMIT")
        except BaseException:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors into a LedgerError naming the file and what to do."""
        try:
            yield
        except sqlite3.Error as error:
            raise self._error(_explain(error)) from error

    def _error(self, message: str) -> LedgerError:
        return LedgerError(Problem(message, file=self._name))


def _connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection: transactions are begun and ended explicitly."""
    try:
        return sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as error:
        raise LedgerError(Problem(_explain(error), file=display_name(path))) from error
