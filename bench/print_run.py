"""Benchmark: a print run's cards into the ledger, against the driver inserting the same rows.

Usage: python bench/print_run.py [--cards N] [--runs R] [--postgres]

Each run takes a fresh ledger (an SQLite file, or with ``--postgres`` a new database on a
throwaway server) and times ``Ledger.begin_print_run`` recording N new cards (default
100,000) of 2,000 senders: the senders, the cards, their "generated" events, their pairs
and the run, in one transaction.  Then the same rows go into another fresh ledger with
the driver alone (sqlite3 ``executemany`` / psycopg ``executemany``) in one transaction,
with no checks: the floor the ledger's own insert is measured against.  Medians of R runs,
the two alternating.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from postcards.codes import new_code  # noqa: E402
from postcards.ledger.book import Ledger  # noqa: E402
from postcards.ledger.model import LedgerCard, LedgerSender  # noqa: E402

CAMPAIGN, WAVE, OFFICE, SENDERS = "Bench campaign", "2026-03", "seimas", 2000
AT = "2026-03-01T09:00:00Z"


def make_run(count: int) -> tuple[list[LedgerCard], list[LedgerSender]]:
    """``count`` new cards of 2,000 senders, each card its own prisoner."""
    rng = random.Random(7)
    senders = [LedgerSender(CAMPAIGN, OFFICE, str(i), f"Sender {i}", f"Parliament {i % 8}")
               for i in range(SENDERS)]  # fmt: skip
    cards = [LedgerCard(new_code(rng), CAMPAIGN, WAVE, str(i % SENDERS), f"P{i}", "ru",
                        f"Sender {i % SENDERS}", f"Палітвязень {i}", f"Дарагі {i}!", OFFICE)
             for i in range(count)]  # fmt: skip
    return cards, senders


def with_ledger(cards: list[LedgerCard], senders: list[LedgerSender], url: str) -> float:
    with Ledger.open(url) as ledger:
        began = time.perf_counter()
        _, new = ledger.begin_print_run(CAMPAIGN, WAVE, cards, [], OFFICE, senders)
        elapsed = time.perf_counter() - began
    assert new == len(cards), (new, len(cards))
    return elapsed


def _rows(cards: list[LedgerCard], senders: list[LedgerSender]) -> dict[str, list[tuple]]:
    return {
        "INSERT INTO senders (campaign, office, sender_id, name, parliament, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)": [
            (s.campaign, s.office, s.sender_id, s.name, s.parliament, AT) for s in senders
        ],
        "INSERT INTO cards (code, campaign, wave, sender_id, prisoner_id, language, "
        "sender_name, prisoner_name, message, office, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)": [
            (c.code, c.campaign, c.wave, c.sender_id, c.prisoner_id, c.language,
             c.sender_name, c.prisoner_name, c.message, c.office, AT) for c in cards
        ],
        "INSERT INTO events (code, status, at, by_name, note) VALUES (?, ?, ?, ?, ?)": [
            (c.code, "generated", AT, "postcards cards", "") for c in cards
        ],
        "INSERT INTO pairs (campaign, wave, office, sender_id, prisoner_id, chosen_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING": [
            (c.campaign, c.wave, c.office, c.sender_id, c.prisoner_id, AT) for c in cards
        ],
        "INSERT INTO print_runs (campaign, office, wave, status, files, cards, new_cards, "
        "started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)": [
            (CAMPAIGN, OFFICE, WAVE, "pending", "[]", len(cards), len(cards), AT)
        ],
    }  # fmt: skip


def with_driver(cards: list[LedgerCard], senders: list[LedgerSender], url: str) -> float:
    """The same rows with the driver alone: its executemany, one transaction."""
    with Ledger.open(url):
        pass  # the schema
    if "://" not in url or url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for statement, rows in _rows(cards, senders).items():
            db.executemany(statement, rows)
        db.execute("COMMIT")
    else:
        import psycopg

        db = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        began = time.perf_counter()
        with db.transaction(), db.cursor() as cursor:
            for statement, rows in _rows(cards, senders).items():
                cursor.executemany(statement.replace("?", "%s"), rows)
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="on a throwaway server")
    args = parser.parse_args()
    cards, senders = make_run(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if args.postgres:
            from postgres_server import Postgres

            Path(tmp).chmod(0o755)  # the server runs as nobody when we are root
            server = Postgres(Path(tmp) / "pg")
        made = iter(range(10_000))

        def fresh() -> str:
            number = next(made)
            if server is not None:
                return server.new_database(f"bench{number}")
            return f"sqlite:///{Path(tmp) / f'ledger{number}.db'}"

        timings: dict[str, list[float]] = {"ledger": [], "driver": []}
        ways: dict[str, Callable[..., float]] = {"ledger": with_ledger, "driver": with_driver}
        try:
            for _ in range(args.runs):
                for name, way in ways.items():
                    timings[name].append(way(cards, senders, fresh()))
        finally:
            if server is not None:
                server.stop(check=False)
    kind = "postgresql" if args.postgres else "sqlite"
    ledger, driver = (statistics.median(timings[n]) for n in ("ledger", "driver"))
    print(f"{kind}: {args.cards:,} cards: begin_print_run {ledger:.2f} s, the driver alone "
          f"{driver:.2f} s (medians of {args.runs}; {ledger / driver:.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
