"""SQL run on a ledger's own connection, around the ledger's API: what a hand-written query
or another tool could do to the database, which the database itself must refuse."""

from __future__ import annotations

import sqlite3
from typing import Any

from postcards.ledger.book import Ledger


def raw(ledger: Ledger, sql: str, **params: object) -> list[tuple]:
    """Run SQL (``:name`` parameters) in one transaction of its own; the driver's errors
    are passed on as they are."""
    engine, connection = ledger._engine, ledger._open_connection()
    engine.begin(connection, write=False, flush=True, serialise=False)  # takes no lock first
    try:
        cursor = connection.execute(engine.statement(sql), params)
        rows = [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    except BaseException:
        engine.rollback(connection)
        raise
    engine.commit(connection)
    return rows


def driver_error(kind: str) -> tuple[type[BaseException], ...]:
    """Each driver's error class of a kind (``IntegrityError``, ``Error``)."""
    errors: list[Any] = [getattr(sqlite3, kind)]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return tuple(errors)
    return (*errors, getattr(psycopg, kind))
