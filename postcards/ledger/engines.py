"""Opening a ledger's database: targets and URLs, engines, driver settings, messages.

A ledger is an SQLite file (a path or ``sqlite:///path.db``; WAL, a busy timeout, write
transactions that take the lock up front) or a PostgreSQL database
(``postgresql+psycopg://user@host/db``).  This module knows how to reach each and what
their errors mean to a user; :mod:`postcards.ledger.database` knows what is in them.  A URL is
never shown with its password.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from itertools import chain
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from postcards.errors import LedgerError
from postcards.files import private_mode

BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another before giving up (SQLite busy timeout, PostgreSQL
lock timeout)."""


def sqlite_engine(path: Path) -> sa.Engine:
    """An engine for an SQLite file: settings on every connection, our own BEGIN."""
    _create_private(path)
    engine = sa.create_engine(
        sa.URL.create("sqlite", database=str(path)),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        poolclass=sa.pool.NullPool,
    )
    sa.event.listen(engine, "connect", _configure_sqlite)
    sa.event.listen(engine, "begin", _begin_sqlite)
    return engine


def _create_private(path: Path) -> None:
    """Make a new ledger file private before SQLite makes it 0644: it holds prisoners' names.

    The mode is the umask, never wider than 0640; SQLite gives its -wal and -shm files the same
    mode.  An empty file is a valid new SQLite database.
    """
    with contextlib.suppress(OSError):  # it exists, or SQLite will say why it cannot
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, private_mode()))


def postgresql_engine(url: sa.URL) -> sa.Engine:
    """An engine for a PostgreSQL ledger; a lock held too long ends in a clear error.

    Every commit waits for the server's disk (``synchronous_commit`` on), scans too: a
    server stopped in a hurry (``pg_ctl -m immediate``, a crash) must keep what it said
    was committed, and a scan's commit costs the server, not the station.
    """
    engine = sa.create_engine(
        url,
        poolclass=sa.pool.NullPool,
        connect_args={
            "connect_timeout": 10,
            "application_name": "postcards",
            "options": f"-c lock_timeout={BUSY_TIMEOUT_MS}",
        },
    )
    return engine


def is_sqlite(target: str | Path) -> bool:
    """True for a file path or an ``sqlite://`` URL (the default kind of ledger)."""
    text = str(target)
    return "://" not in text or text.partition("://")[0].lower() == "sqlite"


def ledger_exists(target: str | Path) -> bool:
    """False only for an SQLite ledger whose file is not made yet (nothing printed).

    Such a ledger is not created by reading it.  A PostgreSQL ledger is a server: it exists.
    """
    return not is_sqlite(target) or sqlite_path(target).exists()


def sqlite_path(target: str | Path) -> Path:
    """The file a ledger target names: a plain path or an SQLAlchemy-style SQLite URL.

    ``sqlite:///ledger.db`` is relative to the working directory and
    ``sqlite:////srv/ledger.db`` absolute, as in SQLAlchemy.

    Raises:
        LedgerError: the target is not an SQLite ledger, or the URL names no file.
    """
    text = str(target)
    if "://" not in text:
        return Path(text).expanduser()
    scheme, _, rest = text.partition("://")
    if scheme.lower() != "sqlite":
        # Only the scheme is shown: a database URL may carry a password.
        raise LedgerError(f"ledger: {scheme}:// is not an SQLite ledger")
    if not rest.startswith("/") or len(rest) == 1 or "?" in rest:
        raise LedgerError(
            f"ledger: {text!r} does not name a file; "
            "write sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    return Path(rest[1:])


def shown_url(target: str | Path) -> str:
    """A ledger target as messages may show it: a PostgreSQL URL without its password."""
    if is_sqlite(target):
        return str(target)
    try:
        return postgresql_url(str(target)).render_as_string(hide_password=True)
    except LedgerError:
        return str(target).partition("://")[0] + "://…"


def postgresql_url(target: str) -> sa.URL:
    """The SQLAlchemy URL of a PostgreSQL ledger, always with the psycopg 3 driver.

    Raises:
        LedgerError: the URL is not PostgreSQL or SQLite (the message shows only the
            scheme, never a password).
    """
    scheme = target.partition("://")[0]
    if scheme.lower() not in ("postgresql", "postgresql+psycopg", "postgres"):
        raise LedgerError(
            f"ledger: {scheme}:// is not supported; give a file path, "
            "sqlite:///path/to/ledger.db or postgresql+psycopg://user@host/database"
        )
    try:
        url = sa.make_url(target)
    except sa_exc.ArgumentError:
        raise LedgerError(
            f"ledger: the {scheme}:// URL cannot be read; write it as "
            "postgresql+psycopg://user:password@host:port/database"
        ) from None
    return url.set(drivername="postgresql+psycopg")


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
    if isinstance(original, _connection_errors()) or getattr(
        error, "connection_invalidated", False
    ):
        return (
            f"cannot reach the PostgreSQL ledger ({text}); check [tracking] database or "
            "POSTCARDS_DATABASE and that the server runs"
        )
    return f"ledger error: {text}"


class SaveUncertain(LedgerError):
    """The connection was lost while a change was committed: the server may have kept it."""


def from_driver(error: BaseException) -> bool:
    """True for a driver's error, or a LedgerError made from one (the connection is suspect)."""
    driver = (sa_exc.SQLAlchemyError, sqlite3.Error)
    return isinstance(error, driver) or isinstance(error.__cause__, driver)


def unkeepable(text: str) -> str | None:
    """Why the ledger cannot keep a text, or None when it can.

    PostgreSQL refuses a NUL (U+0000) that SQLite stores as is, and neither driver can
    encode a lone surrogate (half of a UTF-16 pair, not a character): both are refused on
    both databases, before any statement carries them.
    """
    found = _UNKEEPABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "holds a NUL character (U+0000), which the ledger cannot keep; remove it"
    return (
        f"holds a lone surrogate (U+{ord(found.group()):04X}, half of a UTF-16 pair, not a "
        "character), which the ledger cannot keep; type the text again"
    )


def unkeepable_parameter(parameters: object, executemany: bool) -> str | None:
    """What is wrong with the first text of a statement's parameters the ledger cannot keep."""
    if not parameters:
        return None
    rows: Iterable[object] = parameters if executemany else (parameters,)  # type: ignore[assignment]
    if executemany and _all_keepable(rows):
        return None
    for row in rows:
        values = (
            row if isinstance(row, tuple) else row.values() if isinstance(row, Mapping) else row
        )
        try:  # a row of texts alone (a print run's 100,000): one search for the whole row
            if _UNKEEPABLE.search("\x1f".join(values)) is None:  # type: ignore[arg-type]
                continue
        except TypeError:  # a number, a NULL: each text on its own
            pass
        for value in values:  # type: ignore[attr-defined]
            if isinstance(value, str) and _UNKEEPABLE.search(value):
                shown = repr(value[:40]) + ("…" if len(value) > 40 else "")
                return f"{shown} {unkeepable(value)}; nothing was recorded"
    return None


_UNKEEPABLE = re.compile("[\x00\ud800-\udfff]")


def _all_keepable(rows: object) -> bool:
    """True when no text of a batch of tuples is one the ledger cannot keep, in two looks.

    A print run's 100,000 cards go in as batches of tuples: a batch's texts joined are
    looked through at C speed for a NUL and a lone surrogate, where a search a row took a
    second.  False (look row by row, to name the text) for anything else, or when a text
    is unkeepable.
    """
    if not isinstance(rows, list) or not all(type(row) is tuple for row in rows):
        return False
    try:
        joined = "\x1f".join(chain.from_iterable(rows))
    except TypeError:  # a number, a NULL: the texts alone
        joined = "\x1f".join([v for row in rows for v in row if isinstance(v, str)])
    if "\x00" in joined:  # a NUL, found at memchr's speed
        return False
    try:  # a lone surrogate: UTF-8 has no bytes for it (twice as fast as the search)
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _connection_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return ()
    return (psycopg.OperationalError,)


def _configure_sqlite(connection: sqlite3.Connection, _record: object) -> None:
    """Settings for many writers at once: wait for locks, WAL, enforce references.

    pysqlite's own transaction handling is switched off; :func:`_begin_sqlite` begins.
    """
    connection.isolation_level = None
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    _use_wal(connection)


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


def _begin_sqlite(connection: sa.Connection) -> None:
    """BEGIN IMMEDIATE for a write (the lock up front), a plain BEGIN for a read.

    A write is flushed to the disk at its commit (``synchronous = FULL``) unless the
    ledger asked for it not to be (``NORMAL``, a scan: WAL keeps it safe from a killed
    process, not from a power cut before the next flush); switched only when it changes.
    """
    info = connection.info
    if info.get("immediate"):
        wanted = "FULL" if info.get("flush", True) else "NORMAL"
        if info.get("synchronous") != wanted:
            connection.exec_driver_sql(f"PRAGMA synchronous = {wanted}")
            info["synchronous"] = wanted
    immediate = info.get("immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
