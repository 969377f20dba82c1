"""The ledger's database: opening it, its schema steps, its transactions and errors.

A ledger is an SQLite file (the default: WAL, a busy timeout, write transactions that
take the lock up front) or a PostgreSQL database (several offices at once, by URL
``postgresql+psycopg://user@host/db``); reaching each is :mod:`postcards.ledger.engines`'
job.  Its statements are plain SQL run on the driver through a :class:`Session`, which
hands back plain tuples.  All calls into the database go through
:meth:`Database._guard`, which turns driver errors into a
:class:`~postcards.errors.LedgerError` that names the ledger (never its password) and
says what to do.

A failed write is rolled back; after a driver error (a full disk, a lost server) the
connection itself is discarded, and the next call opens a new one: the ledger works again
by itself once the cause is gone.  A text the ledger cannot keep alike on both databases
(a NUL, a lone surrogate) is refused before its statement runs.

The schema is versioned: the steps of :data:`postcards.ledger.schema.MIGRATIONS` a
ledger lacks are applied in order when it is opened, each in its own transaction, and
recorded in ``schema_version``.  Events are only ever added: from step 3 the database
itself refuses to change or delete one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from postcards.errors import LedgerError, Problem, display_name
from postcards.ledger.engines import (
    Params,
    PostgresEngine,
    SaveUncertain,
    SqliteEngine,
    driver_errors,
    explain,
    from_driver,
)
from postcards.ledger.keepable import unkeepable_parameter
from postcards.ledger.model import utc_now
from postcards.ledger.schema import MIGRATIONS as _MIGRATIONS
from postcards.ledger.schema import REBUILDS as _REBUILDS
from postcards.ledger.schema import SCHEMA_VERSION
from postcards.ledger.schema import SCHEMA_VERSION_TABLE as _SCHEMA_VERSION_TABLE
from postcards.ledger.schema import SERIAL as _SERIAL
from postcards.ledger.targets import is_sqlite, sqlite_path

Engine = SqliteEngine | PostgresEngine


class Session:
    """One transaction's statements: SQL in, plain tuples out.

    A text the ledger cannot keep (a NUL, a lone surrogate) is refused before its
    statement runs, on both databases alike.
    """

    def __init__(self, database: Database, engine: Engine, connection: Any) -> None:
        self._database = database
        self._engine = engine
        self.connection = connection
        self.dialect = engine.dialect

    def _execute(self, sql: str, params: Params) -> Any:
        self._check(params)
        return self.connection.execute(self._engine.statement(sql), params)

    def _check(self, params: Params, many: bool = False) -> None:
        if params and (why := unkeepable_parameter(params, executemany=many)) is not None:
            raise self._database._error(why)

    def rows(self, sql: str, params: Params = ()) -> list[tuple]:
        """Every row the query gives."""
        return [tuple(row) for row in self._execute(sql, params).fetchall()]

    def first(self, sql: str, params: Params = ()) -> tuple | None:
        """The query's first row, or None."""
        row = self._execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the query's first row, or None."""
        row = self.first(sql, params)
        return row[0] if row is not None else None

    def run(self, sql: str, params: Params = ()) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        return int(self._execute(sql, params).rowcount)

    def run_many(self, sql: str, rows: Sequence[Params]) -> None:
        """One statement over many rows (the driver's prepared bulk path)."""
        self._check(rows, many=True)
        statement = self._engine.statement(sql)
        if self.dialect == "sqlite":
            self.connection.executemany(statement, rows)
        else:
            with self.connection.cursor() as cursor:
                cursor.executemany(statement, rows)

    def stream(self, sql: str, params: Params = ()) -> Iterator[Sequence[Any]]:
        """The query's rows as they come, not a whole result at once."""
        self._check(params)
        return self._engine.stream(self.connection, sql, params)


def in_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1, …)`` for an SQL ``IN`` and its parameters (at least one value)."""
    marks = ", ".join(f":{name}{i}" for i in range(len(values)))
    return f"({marks})", {f"{name}{i}": value for i, value in enumerate(values)}


class Database:
    """A connection to one ledger's database: the plumbing under :class:`Ledger`."""

    def __init__(self, engine: Engine, name: str, path: Path | None, secret: str | None = None):
        self._engine = engine
        self._name = name
        self._path = path
        self._connection: Any = None
        self._in_transaction = False
        self._closed = False
        self._used = 0.0  # when the connection last finished a transaction
        self._dialect = engine.dialect
        self._secret = secret

    @classmethod
    def open(cls, target: str | Path) -> Self:
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
            ledger._open_connection()
            ledger._migrate()
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def _sqlite(cls, target: str | Path) -> Self:
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
        return cls(SqliteEngine(path), display_name(path), path)

    @classmethod
    def _postgresql(cls, target: str) -> Self:
        engine = PostgresEngine(target)
        return cls(engine, engine.shown, None, engine.password)

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        self._closed = True
        self._discard()

    def __enter__(self) -> Self:
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

    def count_cards(self) -> int:
        """How many cards the ledger holds."""
        return self._rows("SELECT count(*) FROM cards")[0][0]

    def count_events(self) -> int:
        """How many events the ledger holds."""
        return self._rows("SELECT count(*) FROM events")[0][0]

    def schema_version(self) -> int:
        """The schema version of the open ledger (the newest step applied)."""
        return self._rows("SELECT coalesce(max(version), 0) FROM schema_version")[0][0]

    # --- the database edge ---------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply the schema steps this ledger lacks, each step in its own transaction.

        An up-to-date ledger is only read, so opening one never waits for a writer.
        """
        with self._read() as session:
            exists = self._engine.has_table(session.connection, "schema_version")
        current = self.schema_version() if exists else 0
        if current > SCHEMA_VERSION:
            raise self._error(
                f"the ledger has schema version {current}, newer than this version of "
                f"postcards knows ({SCHEMA_VERSION}); upgrade postcards to use it"
            )
        if current == SCHEMA_VERSION:
            return
        with self._write(serialise=True) as session:
            session.run(_SCHEMA_VERSION_TABLE)
        for version in range(current + 1, SCHEMA_VERSION + 1):
            self._apply(version)

    def _apply(self, version: int) -> None:
        rebuild = version in _REBUILDS and self._dialect == "sqlite"
        if rebuild:
            self._sqlite_foreign_keys(False)
        try:
            with self._write(serialise=True) as session:
                if self.schema_version() >= version:  # another process got there first
                    return
                for statement in _MIGRATIONS[version - 1]:
                    if isinstance(statement, dict):
                        statement = statement[self._dialect]
                    if statement:
                        session.run(statement.replace("{serial}", _SERIAL[self._dialect]))
                if rebuild and session.first("PRAGMA foreign_key_check"):
                    raise self._error("the ledger's events name cards it does not have")
                session.run(
                    "INSERT INTO schema_version (version, applied_at) VALUES (:version, :at)",
                    {"version": version, "at": utc_now()},
                )
        finally:
            if rebuild:
                self._sqlite_foreign_keys(True)

    def _sqlite_foreign_keys(self, on: bool) -> None:
        """Foreign keys can only be switched outside a transaction, as they are here."""
        with self._guard():
            self._open_connection().execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")

    def _rows(self, sql: str, params: Params = ()) -> list[tuple]:
        with self._read() as session:
            return session.rows(sql, params)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read: inside a transaction already open, else a short one of its own."""
        connection = self._open_connection()
        if self._in_transaction:
            with self._guard():
                yield Session(self, self._engine, connection)
            return
        with self._transaction(write=False, serialise=False) as session:
            yield session

    @contextmanager
    def _write(self, serialise: bool, flush: bool = True) -> Iterator[Session]:
        """One write transaction, all or nothing.

        SQLite takes the write lock up front (BEGIN IMMEDIATE), so two writers queue on
        the busy timeout instead of failing halfway through.  On PostgreSQL, ``serialise``
        takes a ledger-wide lock for the writes that check before they insert (new cards,
        lists, migrations); status changes lock only their card.

        ``flush``: on SQLite, the commit waits until the disk has it (fsync), so that
        not even a power cut undoes it: a print run's files appear only after its cards
        are safe.  Off for a scan (see :meth:`~postcards.ledger.book.Ledger.record_checked`):
        its commit is in the write-ahead log, which the operating system keeps whatever
        happens to the process, and the next flushed write or checkpoint puts it on the
        disk; a power cut in between may undo the last scans, never half of one.
        PostgreSQL always waits for its server's disk (:mod:`~postcards.ledger.engines`).
        """
        with self._transaction(write=True, serialise=serialise, flush=flush) as session:
            yield session

    @contextmanager
    def _transaction(self, write: bool, serialise: bool, flush: bool = True) -> Iterator[Session]:
        """A transaction that commits, or leaves nothing behind and the ledger usable.

        Driver errors, the commit's too, become a :class:`LedgerError` saying why.
        """
        connection = self._live_connection()
        engine = self._engine
        try:
            with self._guard():
                engine.begin(connection, write, flush, serialise)
                self._in_transaction = True
                yield Session(self, engine, connection)
            with self._guard(committing=True, connection=connection):
                engine.commit(connection)
        except BaseException as error:
            self._abandon(connection, error)
            raise
        finally:
            self._in_transaction = False
            self._used = time.monotonic()

    def _abandon(self, connection: Any, error: BaseException) -> None:
        """Roll back a failed transaction, so that the next call starts clean.

        After a driver error (a commit that failed on a full disk, a server gone) the
        connection is suspect: it is closed, which rolls back whatever the database still
        held, and the next call opens a new one.  A transaction a refusal ended (nothing
        wrong with the connection) is rolled back on it.
        """
        if not from_driver(error):
            try:
                self._engine.rollback(connection)
                return
            except Exception:  # noqa: BLE001 - a connection that cannot roll back is discarded
                pass
        self._discard()

    def _discard(self) -> None:
        """Drop the connection (closing it as far as it still can be); the next call opens one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                self._engine.close(connection)

    def _open_connection(self) -> Any:
        """The connection, opened again when a failure discarded it."""
        if self._closed:
            raise self._error("the ledger is closed")
        if self._connection is None:
            with self._guard():
                self._connection = self._engine.connect()
            self._used = time.monotonic()
        return self._connection

    def _live_connection(self) -> Any:
        """The connection for a new transaction.

        On PostgreSQL, one unused for a while is checked first: a server that restarted
        meanwhile dropped it, and a new one is opened instead of failing once.
        """
        connection = self._open_connection()
        if self._dialect != "postgresql" or time.monotonic() - self._used < _PING_AFTER:
            return connection
        try:
            self._engine.ping(connection)
        except Exception:  # noqa: BLE001 - any failure: the connection is no good
            self._discard()
            connection = self._open_connection()
        return connection

    @contextmanager
    def _guard(self, committing: bool = False, connection: Any = None) -> Iterator[None]:
        """Turn driver errors into a LedgerError naming the ledger and what to do.

        A connection lost while committing leaves unknown whether the server kept the
        change: that is a :class:`SaveUncertain`, which says so.
        """
        try:
            yield
        except driver_errors() as error:
            if committing and self._engine.is_lost(error, connection):
                raise SaveUncertain(
                    self._problem(
                        f"{explain(error)}; the connection was lost while the change was being "
                        "saved, so the server may have kept it: look before doing it again"
                    )
                ) from error
            raise self._error(explain(error)) from error

    def _error(self, message: str) -> LedgerError:
        return LedgerError(self._problem(message))

    def _problem(self, message: str) -> Problem:
        """The problem, naming the ledger; a driver's message never shows the password."""
        if self._secret and len(self._secret) >= 4:
            message = message.replace(self._secret, "***")
        return Problem(message, file=self._name)


_PING_AFTER = 1.0
"""Seconds a PostgreSQL connection may sit unused before a transaction checks it."""
