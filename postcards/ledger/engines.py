"""Opening a ledger's database: the two engines, driver settings, what errors mean.

A ledger is an SQLite file (WAL, a busy timeout, write transactions that take the lock up
front) or a PostgreSQL database (where it is: :mod:`postcards.ledger.targets`).  An
engine is what this module knows of one kind:
how to connect, how a transaction begins, commits and rolls back, and how its driver
spells a statement's parameters.  The statements themselves are plain SQL, written once
for both (``:name`` for a named parameter, ``?`` for a bulk insert's rows), run on the
driver itself: Python's ``sqlite3``, or psycopg 3, which is imported only for a
PostgreSQL ledger.  :mod:`postcards.ledger.database` knows what is in a ledger.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from postcards.errors import LedgerError
from postcards.files import private_mode
from postcards.ledger.targets import postgresql_target

BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another before giving up (SQLite busy timeout, PostgreSQL
lock timeout)."""

#: A statement's parameters: by name (a dict) or by place (a bulk insert's row).
Params = Mapping[str, Any] | Sequence[Any]


class SqliteEngine:
    """An SQLite file: settings on every connection, our own BEGIN, the driver's own SQL."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection:
        """A connection with the ledger's settings; a new file is made private first.

        Transactions are ours (``isolation_level=None``: the driver begins none itself), and
        the connection may serve the station's threads one at a time (the ledger's lock).
        """
        _create_private(self.path)
        connection = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=_SqliteConnection,
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            _use_wal(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def begin(
        self, connection: _SqliteConnection, write: bool, flush: bool, serialise: bool
    ) -> None:
        """BEGIN IMMEDIATE for a write (the lock up front: writes queue), BEGIN for a read.

        A write is flushed to the disk at its commit (``synchronous = FULL``) unless the
        ledger asked for it not to be (``NORMAL``, a scan: WAL keeps it safe from a killed
        process, not from a power cut before the next flush); switched only when it changes.
        """
        if write:
            wanted = "FULL" if flush else "NORMAL"
            if connection.synchronous != wanted:
                connection.execute(f"PRAGMA synchronous = {wanted}")
                connection.synchronous = wanted
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def commit(self, connection: sqlite3.Connection) -> None:
        """End the transaction, keeping what it wrote (its tests' seam for a failed commit)."""
        connection.execute("COMMIT")

    def rollback(self, connection: sqlite3.Connection) -> None:
        """Undo the open transaction, if there is one."""
        if connection.in_transaction:
            connection.execute("ROLLBACK")

    def close(self, connection: sqlite3.Connection) -> None:
        """Close the connection (an open transaction is rolled back)."""
        connection.close()

    def ping(self, connection: sqlite3.Connection) -> None:
        """Nothing to check: a file does not go away between transactions."""

    def statement(self, sql: str) -> str:
        """The SQL as the driver takes it: sqlite3 reads ``:name`` and ``?`` itself."""
        return sql

    def is_lost(self, error: BaseException, connection: object) -> bool:
        """A local file's commit either happened or did not: never uncertain."""
        return False

    def stream(
        self, connection: sqlite3.Connection, sql: str, params: Params
    ) -> Iterator[Sequence[Any]]:
        """The rows as SQLite hands them over, one at a time."""
        return connection.execute(sql, params)

    def has_table(self, connection: sqlite3.Connection, name: str) -> bool:
        """True when the ledger has the table (a new file has none)."""
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
        return found.fetchone() is not None


class _SqliteConnection(sqlite3.Connection):
    """The driver's connection, remembering its ``synchronous`` setting."""

    synchronous = ""


class PostgresEngine:
    """A PostgreSQL ledger: psycopg 3, our own BEGIN, a lock held too long a clear error.

    Every commit waits for the server's disk (``synchronous_commit`` on), scans too: a
    server stopped in a hurry (``pg_ctl -m immediate``, a crash) must keep what it said
    was committed, and a scan's commit costs the server, not the station.
    """

    dialect = "postgresql"

    def __init__(self, target: str) -> None:
        self.conninfo, self.shown, self.password = postgresql_target(target)
        self._statements: dict[str, str] = {}

    def connect(self) -> Any:
        """A connection in autocommit mode: BEGIN and COMMIT are ours, as on SQLite."""
        import psycopg

        return psycopg.connect(
            self.conninfo,
            autocommit=True,
            connect_timeout=10,
            application_name="postcards",
            options=f"-c lock_timeout={BUSY_TIMEOUT_MS}",
        )

    def begin(self, connection: Any, write: bool, flush: bool, serialise: bool) -> None:
        """BEGIN, and with ``serialise`` the ledger-wide lock.

        The lock serialises the writes that check before they insert (new cards, lists,
        migrations); a status change locks only its card.
        """
        connection.execute("BEGIN")
        if serialise:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))

    def commit(self, connection: Any) -> None:
        """End the transaction, keeping what it wrote (its tests' seam for a failed commit)."""
        connection.execute("COMMIT")

    def rollback(self, connection: Any) -> None:
        """Undo the open transaction."""
        connection.execute("ROLLBACK")

    def close(self, connection: Any) -> None:
        """Close the connection (the server rolls back an open transaction)."""
        connection.close()

    def ping(self, connection: Any) -> None:
        """A connection unused for a while is asked first: a restarted server dropped it."""
        connection.execute("SELECT 1")

    def statement(self, sql: str) -> str:
        """The SQL as psycopg takes it: ``%(name)s`` and ``%s``, a literal ``%`` doubled."""
        converted = self._statements.get(sql)
        if converted is None:
            converted = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%")).replace("?", "%s")
            self._statements[sql] = converted
        return converted

    def is_lost(self, error: BaseException, connection: Any) -> bool:
        """The connection went while a COMMIT was under way: the server may have kept it.

        psycopg says so with an OperationalError that carries no SQLSTATE (the client's own
        error, not the server's answer), and marks the connection broken.
        """
        import psycopg

        return isinstance(error, psycopg.OperationalError) and (
            getattr(error, "sqlstate", None) is None or bool(getattr(connection, "broken", 0))
        )

    def stream(self, connection: Any, sql: str, params: Params) -> Iterator[Sequence[Any]]:
        """The rows a batch at a time through a server-side cursor, not a whole result at once.

        Other statements may run on the connection between two batches.
        """
        with connection.cursor(name=f"postcards_{next(_CURSORS)}") as cursor:
            cursor.itersize = 5000
            cursor.execute(self.statement(sql), params)
            yield from cursor

    def has_table(self, connection: Any, name: str) -> bool:
        """True when the database has the table (a new database has none)."""
        found = connection.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        return found[0] is not None


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_CURSORS = iter(range(1, sys.maxsize))


def _create_private(path: Path) -> None:
    """Make a new ledger file private before SQLite makes it 0644: it holds prisoners' names.

    The mode is the umask, never wider than 0640; SQLite gives its -wal and -shm files the same
    mode.  An empty file is a valid new SQLite database.
    """
    with contextlib.suppress(OSError):  # it exists, or SQLite will say why it cannot
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, private_mode()))


def explain(error: BaseException) -> str:
    """What a driver error means to the user, and what to do about it."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else repr(error)
    lowered = text.lower()
    local = isinstance(original, sqlite3.Error)
    if "append-only" in lowered:
        return "events are append-only: an event cannot be changed or deleted"
    if "nul (0x00)" in lowered or "surrogates not allowed" in lowered:
        return f"a text holds a character the ledger cannot keep ({text}); remove it"
    if "disk is full" in lowered or "no space left" in lowered or "disk full" in lowered:
        where = "the disk" if local else "the PostgreSQL server's disk"
        return f"{where} is full: free some space on it, then try again ({text})"
    if "readonly" in lowered or "read-only" in lowered:
        return (
            f"the ledger is read-only ({text}); check that you may write to the file and its "
            "folder, and that the drive is not mounted read-only"
            if local
            else f"the PostgreSQL ledger is read-only ({text}); give a server that accepts "
            "writes (not a standby) and a user that may write"
        )
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return (
            "the ledger is busy: another postcards process has been writing to it for more "
            "than 10 seconds; wait for it to finish and try again"
        )
    if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
        return (
            "not a postcards ledger (the file is not an SQLite database, or it is damaged); "
            "check the ledger path, or restore the file from a backup"
        )
    if "unable to open" in lowered or "permission denied" in lowered:
        return (
            f"cannot open or write the ledger ({text}); check that the path is a file in a "
            "folder you may write to"
        )
    if "disk" in lowered or "i/o" in lowered:
        return f"cannot write the ledger ({text}); check the drive and its free space"
    if "authentication failed" in lowered or "no password supplied" in lowered:
        return (
            f"the PostgreSQL server refused the login ({text}); check the user and password "
            "in [tracking] database or POSTCARDS_DATABASE"
        )
    if isinstance(original, _connection_errors()):
        return (
            f"cannot reach the PostgreSQL ledger ({text}); check [tracking] database or "
            "POSTCARDS_DATABASE and that the server runs"
        )
    return f"ledger error: {text}"


class SaveUncertain(LedgerError):
    """The connection was lost while a change was committed: the server may have kept it."""


def from_driver(error: BaseException) -> bool:
    """True for a driver's error, or a LedgerError made from one (the connection is suspect)."""
    drivers = driver_errors()
    return isinstance(error, drivers) or isinstance(error.__cause__, drivers)


def driver_errors() -> tuple[type[BaseException], ...]:
    """The errors the drivers raise: SQLite's, and psycopg's once it is loaded.

    No psycopg error can exist before psycopg is imported, and an SQLite ledger never does.
    """
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error, psycopg.Error) if psycopg is not None else (sqlite3.Error,)


def _connection_errors() -> tuple[type[BaseException], ...]:
    psycopg = sys.modules.get("psycopg")  # not loaded: the error is not psycopg's
    return (psycopg.OperationalError,) if psycopg is not None else ()


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL, retrying.

    SQLite answers "locked" at once, without waiting on busy_timeout, when several processes open a
    new ledger at the same moment.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


_LOCK_KEY = zlib.crc32(b"postcards ledger")
"""The PostgreSQL advisory lock that serialises writes which check before they insert."""
