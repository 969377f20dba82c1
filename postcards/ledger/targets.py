"""Where a ledger is, and how messages may show it.

A ledger is an SQLite file (a path, or ``sqlite:///path.db``) or a PostgreSQL database
(``postgresql+psycopg://user@host/db``).  A URL is never shown with its password.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from postcards.errors import LedgerError


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
        return postgresql_target(str(target))[1]
    except LedgerError:
        return str(target).partition("://")[0] + "://…"


def postgresql_target(target: str) -> tuple[str, str, str | None]:
    """A PostgreSQL ledger's URL as libpq takes it, as messages show it, and its password.

    ``postgresql://``, ``postgres://`` and ``postgresql+psycopg://`` name the same
    database; messages show it as ``postgresql+psycopg://user:***@host:port/database``.

    Raises:
        LedgerError: the URL is not PostgreSQL or SQLite, or cannot be read (the message
            shows only the scheme, never a password).
    """
    scheme, _, rest = target.partition("://")
    if scheme.lower() not in ("postgresql", "postgresql+psycopg", "postgres"):
        raise LedgerError(
            f"ledger: {scheme}:// is not supported; give a file path, "
            "sqlite:///path/to/ledger.db or postgresql+psycopg://user@host/database"
        )
    try:
        parts = urlsplit("postgresql://" + rest)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise LedgerError(
            f"ledger: the {scheme}:// URL cannot be read; write it as "
            "postgresql+psycopg://user:password@host:port/database"
        ) from None
    login = parts.netloc.rpartition("@")[0]
    user, colon, _ = login.partition(":")
    where = parts.netloc.rpartition("@")[2]
    shown_login = f"{user}{':***' if colon else ''}@" if login else ""
    shown = f"postgresql+psycopg://{shown_login}{where}{parts.path}"
    if parts.query:
        shown += f"?{parts.query}"
    password = unquote(parts.password) if parts.password is not None else None
    return "postgresql://" + rest, shown, password
