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
