"""The ledger's database: opening it, its schema steps, its transactions and errors.

A ledger runs on SQLAlchemy Core over SQLite (one file, the default: WAL, a busy timeout,
write transactions that take the lock up front) or PostgreSQL (several offices at once,
by URL ``postgresql+psycopg://user@host/db``; reaching each is
:mod:`postcards.ledger.engines`'s job).  All calls into the database go through
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
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from postcards.errors import LedgerError, Problem, display_name
from postcards.ledger.engines import (
    SaveUncertain,
    explain,
    from_driver,
    is_sqlite,
    postgresql_engine,
    postgresql_url,
    sqlite_engine,
    sqlite_path,
    unkeepable_parameter,
)
from postcards.ledger.model import utc_now
from postcards.ledger.schema import MIGRATIONS as _MIGRATIONS
from postcards.ledger.schema import REBUILDS as _REBUILDS
from postcards.ledger.schema import (
    SCHEMA_VERSION,
    cards_table,
    events_table,
    schema_version_table,
)
from postcards.ledger.schema import SCHEMA_VERSION_TABLE as _SCHEMA_VERSION_TABLE
from postcards.ledger.schema import SERIAL as _SERIAL


class Database:
    """A connection to one ledger's database: the plumbing under :class:`Ledger`."""

    def __init__(self, engine: sa.Engine, name: str, path: Path | None):
        self._engine = engine
        self._name = name
        self._path = path
        self._connection: sa.Connection | None = None
        self._closed = False
        self._used = 0.0  # when the connection last finished a transaction
        self._dialect = engine.dialect.name
        self._secret = engine.url.password if isinstance(engine.url.password, str) else None
        sa.event.listen(engine, "before_cursor_execute", self._check_texts)

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
        engine = sqlite_engine(path)
        return cls(engine, display_name(path), path)

    @classmethod
    def _postgresql(cls, target: str) -> Self:
        url = postgresql_url(target)
        engine = postgresql_engine(url)
        return cls(engine, url.render_as_string(hide_password=True), None)

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        self._closed = True
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()
        self._engine.dispose()

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
        return self._rows(sa.select(sa.func.count()).select_from(cards_table))[0][0]

    def count_events(self) -> int:
        """How many events the ledger holds."""
        return self._rows(sa.select(sa.func.count()).select_from(events_table))[0][0]

    def schema_version(self) -> int:
        """The schema version of the open ledger (the newest step applied)."""
        query = sa.select(sa.func.coalesce(sa.func.max(schema_version_table.c.version), 0))
        return self._rows(query)[0][0]

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
                    schema_version_table.insert().values(version=version, applied_at=utc_now())
                )
        finally:
            if rebuild:
                self._sqlite_foreign_keys(True)

    def _sqlite_foreign_keys(self, on: bool) -> None:
        """Foreign keys can only be switched outside a transaction.

        So they are switched on the driver's own connection, which SQLAlchemy leaves in autocommit
        between our transactions.
        """
        with self._guard():
            driver = self._open_connection().connection.dbapi_connection
            assert driver is not None  # an open connection has its driver's
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
        with self._transaction(write=False, serialise=False) as connection:
            yield connection

    @contextmanager
    def _write(self, serialise: bool, flush: bool = True) -> Iterator[sa.Connection]:
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
        with self._transaction(write=True, serialise=serialise, flush=flush) as connection:
            yield connection

    @contextmanager
    def _transaction(
        self, write: bool, serialise: bool, flush: bool = True
    ) -> Iterator[sa.Connection]:
        """A transaction that commits, or leaves nothing behind and the ledger usable.

        Driver errors, the commit's too, become a :class:`LedgerError` saying why.
        """
        connection = self._live_connection()
        connection.info["immediate"], connection.info["flush"] = write, flush
        try:
            with self._guard():
                transaction = connection.begin()
                if serialise and self._dialect == "postgresql":
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
                yield connection
            with self._guard(committing=True):
                transaction.commit()
        except BaseException as error:
            self._abandon(connection, error)
            raise
        finally:
            self._used = time.monotonic()

    def _abandon(self, connection: sa.Connection, error: BaseException) -> None:
        """Roll back a failed transaction, so that the next call starts clean.

        After a driver error (a commit that failed on a full disk, a server gone) the
        connection is suspect, and SQLAlchemy may still hold the failed transaction: it is
        discarded, which rolls back whatever the driver still held, and the next call
        opens a new one.  A transaction a refusal ended (nothing wrong with the
        connection) is rolled back on it.
        """
        if not from_driver(error):
            try:
                connection.rollback()
                return
            except Exception:  # noqa: BLE001 - a connection that cannot roll back is discarded
                pass
        self._discard()

    def _discard(self) -> None:
        """Drop the connection (closing it as far as it still can be); the next call opens one."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        with contextlib.suppress(Exception):
            connection.invalidate()  # closes the driver's connection now: its transaction ends
        with contextlib.suppress(Exception):
            connection.close()

    def _open_connection(self) -> sa.Connection:
        """The connection, opened again when a failure discarded it."""
        if self._closed:
            raise self._error("the ledger is closed")
        if self._connection is None:
            with self._guard():
                self._connection = self._engine.connect()
            self._used = time.monotonic()
        return self._connection

    def _live_connection(self) -> sa.Connection:
        """The connection for a new transaction.

        On PostgreSQL, one unused for a while is checked first: a server that restarted
        meanwhile dropped it, and a new one is opened instead of failing once.
        """
        connection = self._open_connection()
        if self._dialect != "postgresql" or time.monotonic() - self._used < _PING_AFTER:
            return connection
        try:
            driver = connection.connection.dbapi_connection
            assert driver is not None  # an open connection has its driver's
            self._engine.dialect.do_ping(driver)
            driver.rollback()  # the ping's own transaction
        except Exception:  # noqa: BLE001 - any failure: the connection is no good
            self._discard()
            connection = self._open_connection()
        return connection

    @contextmanager
    def _guard(self, committing: bool = False) -> Iterator[None]:
        """Turn driver errors into a LedgerError naming the ledger and what to do.

        A connection lost while committing leaves unknown whether the server kept the
        change: that is a :class:`SaveUncertain`, which says so.
        """
        try:
            yield
        except (sa_exc.SQLAlchemyError, sqlite3.Error) as error:
            if committing and getattr(error, "connection_invalidated", False):
                raise SaveUncertain(
                    self._problem(
                        f"{explain(error)}; the connection was lost while the change was being "
                        "saved, so the server may have kept it: look before doing it again"
                    )
                ) from error
            raise self._error(explain(error)) from error

    def _check_texts(
        self,
        _connection: sa.Connection,
        _cursor: object,
        _statement: str,
        parameters: object,
        _context: object,
        executemany: bool,
    ) -> None:
        """Refuse, before its statement runs, a text the ledger cannot keep: nothing is stored."""
        why = unkeepable_parameter(parameters, executemany)
        if why is not None:
            raise self._error(why)

    def _error(self, message: str) -> LedgerError:
        return LedgerError(self._problem(message))

    def _problem(self, message: str) -> Problem:
        """The problem, naming the ledger; a driver's message never shows the password."""
        if self._secret and len(self._secret) >= 4:
            message = message.replace(self._secret, "***")
        return Problem(message, file=self._name)


_PING_AFTER = 1.0
"""Seconds a PostgreSQL connection may sit unused before a transaction checks it."""


_LOCK_KEY = zlib.crc32(b"postcards ledger")
"""The PostgreSQL advisory lock that serialises writes which check before they insert."""
