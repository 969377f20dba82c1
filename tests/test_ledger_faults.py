"""The ledger when writing fails (issue 21): a full disk, a commit that fails, a PostgreSQL
server that goes away and comes back, texts neither database can keep alike.

Real parts only: a real SQLite file (on a real full tmpfs where the test may mount one),
the PostgreSQL server of conftest, and a second throwaway server this module starts and
stops.  A fault that cannot be made for real (a commit refused once) is injected by
wrapping the ledger engine's own step (its commit, its statement) to raise the driver's own
error at that point.

Every test checks the nothing-lost rule: what was reported recorded is in the ledger
exactly once, what was reported not recorded is not there.
"""

from __future__ import annotations

import json
import os
import random
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import web
from conftest import ROOT, Cluster, run, tmpfs

from postcards.codes import format_code, new_code
from postcards.errors import LedgerError
from postcards.ledger import database
from postcards.ledger.book import Ledger
from postcards.ledger.keepable import unkeepable_parameter
from postcards.ledger.model import Event, LedgerCard
from postcards.ledger.scanning import NOT_RECORDED, RECORDED, REFUSED, Scanner
from postcards.station.app import Station, create_app
from postcards.station.server import background

AT = "2025-03-01T09:30:00Z"
CAMPAIGN = "Postcards campaign"  # the campaign of a ledger named by POSTCARDS_DATABASE alone
PASSWORD = "s3cret-pass"


def make_cards(count: int, seed: int = 21, wave: str = "1") -> list[LedgerCard]:
    rng = random.Random(seed)
    return [
        LedgerCard(new_code(rng), CAMPAIGN, wave, f"S{i}", f"P{i}", "ru", f"Sender {i}",
                   f"Алесь {i}")
        for i in range(count)
    ]  # fmt: skip


def name_of(url: str) -> str:
    """How messages name the ledger: the file's name, or the URL without a password."""
    return "ledger.db" if "://" not in url else url


def statuses(url: str, code: str) -> list[str]:
    """A card's history, read on a connection of its own (not the one that failed)."""
    with Ledger.open(url) as ledger:
        return [e.status for e in ledger.history(code)]


# --- faults made on purpose ------------------------------------------------------------


def disk_full(dialect: str) -> Exception:
    """The error each driver gives for a full disk."""
    if dialect == "sqlite":
        return sqlite3.OperationalError("database or disk is full")
    import psycopg

    return psycopg.errors.DiskFull(
        'could not extend file "base/16384/16390": No space left on device'
    )


@contextmanager
def wrapped(target: object, name: str, wrapper: Callable[..., Any]) -> Iterator[None]:
    """``target.name`` (an engine, or an engine class for every engine) replaced by
    ``wrapper(original, *args)`` for the block."""
    original = getattr(target, name)
    if isinstance(target, type):
        setattr(target, name, lambda self, *args: wrapper(original.__get__(self), *args))
    else:
        setattr(target, name, lambda *args: wrapper(original, *args))
    try:
        yield
    finally:
        if isinstance(target, type):
            setattr(target, name, original)
        else:
            delattr(target, name)


@contextmanager
def failing_writes(target: object, error: Exception, at: int = 1) -> Iterator[list[int]]:
    """The ``at``-th write commit from now (on ``target``: an engine, or every engine when
    it is an engine class) raises ``error`` instead of committing, once; reads commit.

    Yields the count of write commits tried so far.
    """
    tried, writing = [0], set()

    def begin(original: Callable[..., None], connection: object, write: bool, *rest: bool) -> None:
        (writing.add if write else writing.discard)(id(connection))
        original(connection, write, *rest)

    def commit(original: Callable[..., None], connection: object) -> None:
        if id(connection) in writing:  # a write transaction (see Database._transaction)
            tried[0] += 1
            if tried[0] == at:
                raise error
        original(connection)

    with wrapped(target, "begin", begin), wrapped(target, "commit", commit):
        yield tried


@contextmanager
def failing_insert(engine: object, error: Exception) -> Iterator[None]:
    """The next INSERT into events fails in the driver, once (a disk that fills mid-write)."""
    left = [1]

    def statement(original: Callable[[str], str], sql: str) -> str:
        if sql.startswith("INSERT INTO events") and left[0]:
            left[0] -= 1
            raise error
        return original(sql)

    with wrapped(engine, "statement", statement):
        yield


def test_a_failed_commit_is_reported_and_the_next_call_works(ledger_url: str) -> None:
    cards = make_cards(4)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        dialect = ledger._engine.dialect
        with failing_writes(ledger._engine, disk_full(dialect)):
            with pytest.raises(LedgerError) as caught:
                ledger.record_event(cards[0].code, "sent", "Anna")
            # the issue: every later call answered "already initialized a Transaction"
            ledger.record_event(cards[1].code, "sent", "Anna")
            scanner = Scanner(ledger, by="Boris")
            assert scanner.scan(cards[0].code).kind == RECORDED  # the same scan, again
            assert scanner.scan(cards[0].code).kind != RECORDED  # and once only
        where = "the disk" if dialect == "sqlite" else "the PostgreSQL server's disk"
        assert str(caught.value).startswith(
            f"{name_of(ledger_url)}: {where} is full: free some space on it, then try again ("
        )
        assert "already initialized" not in str(caught.value)
        assert ledger.count_events() == 4 + 2
    assert statuses(ledger_url, cards[0].code) == ["generated", "sent"]
    with Ledger.open(ledger_url) as ledger:
        assert [e.by for e in ledger.events(CAMPAIGN)[4:]] == ["Anna", "Boris"]
    assert statuses(ledger_url, cards[2].code) == ["generated"]


def test_a_write_that_fails_midway_leaves_nothing_and_the_next_works(ledger_url: str) -> None:
    cards = make_cards(3)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        error = disk_full(ledger._engine.dialect)
        with (
            failing_insert(ledger._engine, error),
            pytest.raises(LedgerError, match="is full: free some space"),
        ):
            ledger.record_event(cards[0].code, "sent", "Anna")
        assert ledger.history(cards[0].code)[-1].status == "generated"
        ledger.record_event(cards[0].code, "sent", "Anna")
        ledger.record_generated(make_cards(5, seed=22, wave="2"), at=AT)  # a batch, too
        assert ledger.count_events() == 3 + 1 + 5
    assert statuses(ledger_url, cards[0].code) == ["generated", "sent"]


def test_a_commit_lost_with_the_connection_says_it_may_be_saved(postgres_server) -> None:
    """A connection lost during COMMIT: the server may have committed; never 'not recorded'."""
    import psycopg

    url = postgres_server.new_database()
    cards = make_cards(2)
    lost = psycopg.OperationalError("consuming input failed: server closed the connection")
    with Ledger.open(url) as ledger:
        ledger.record_generated(cards, at=AT)
        scanner = Scanner(ledger, by="Anna", keep_going=True)
        with failing_writes(ledger._engine, lost):
            outcome = scanner.scan(cards[0].code)
        assert outcome is not None and outcome.kind == NOT_RECORDED
        assert outcome.message.startswith(f"{format_code(cards[0].code)}: perhaps not recorded: ")
        assert "the server may have kept it" in outcome.message
        assert scanner.scan(cards[1].code).kind == RECORDED  # type: ignore[union-attr]
        assert scanner.scan(cards[0].code).kind == RECORDED  # type: ignore[union-attr]


def test_the_station_answers_503_once_then_records_again(tmp_path: Path) -> None:
    """A failed commit used to wedge the station: 503 on every request until restarted."""
    cards = make_cards(3)
    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(cards, at=AT)
        app = create_app(Station(ledger, CAMPAIGN))
        with background(app) as base, failing_writes(ledger._engine, disk_full("sqlite")):
            body = {"code": cards[0].code, "nonce": "phone-1-0001", "by": "Anna"}
            failed = web.post(f"{base}/api/scans", json=body)
            assert failed.status_code == 503  # the phone keeps the scan and sends it again
            assert "the disk is full: free some space" in failed.json()["reason"]
            assert "already initialized" not in failed.json()["reason"]
            other = web.post(f"{base}/api/scans", json={"code": cards[1].code})
            assert other.status_code == 200 and other.json()["result"] == "recorded"
            again = web.post(f"{base}/api/scans", json=body)  # the phone's queue, resent
            assert again.status_code == 200 and again.json()["result"] == "recorded"
            resent = web.post(f"{base}/api/scans", json=body)
            assert resent.json()["result"] == "repeat"
    assert statuses(str(tmp_path / "tracking.db"), cards[0].code) == ["generated", "sent"]


# --- texts neither database can keep alike -----------------------------------------------

NUL = "holds a NUL character (U+0000), which the ledger cannot keep; remove it"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Ан\x00на", NUL),
        ("\x00", NUL),
        ("note \ud800", "holds a lone surrogate (U+D800, half of a UTF-16 pair, not a"),
        ("\udfff", "holds a lone surrogate (U+DFFF"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_alike(ledger_url: str, text: str, why: str) -> None:
    """SQLite stored a NUL as is and PostgreSQL refused it; a lone surrogate failed in the
    encoder with a traceback: now both are refused, in the same words, and not stored."""
    cards = make_cards(2)
    expected = f"{name_of(ledger_url)}: {text!r} {why}"
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        code = cards[0].code
        attempts: list[Callable[[], object]] = [
            lambda: ledger.record_event(code, "sent", by=text),
            lambda: ledger.record_event(code, "sent", by="Anna", note=text),
            lambda: ledger.record_checked(
                code, lambda card, history: Event(code, "sent", AT, "Anna", ""), nonce=text
            ),
            lambda: ledger.record_generated(
                [LedgerCard(new_code(random.Random(5)), CAMPAIGN, "1", "S9", "P9", "ru", "S", text)]
            ),
        ]
        for attempt in attempts:
            with pytest.raises(LedgerError) as caught:
                attempt()
            assert str(caught.value).startswith(expected)
            assert str(caught.value).endswith("; nothing was recorded")
        assert ledger.count_events() == 2 and ledger.count_cards() == 2
        for field in ("by", "note"):
            outcome = Scanner(ledger, **{field: text}).scan(code)  # type: ignore[arg-type]
            assert outcome is not None and outcome.kind == REFUSED
            assert why in outcome.message
        outcome = Scanner(ledger).scan(code, nonce=text)
        assert outcome is not None and outcome.kind == REFUSED
        ledger.record_event(code, "sent", by="Anna", note="ok")  # the ledger is not wedged
        assert [e.status for e in ledger.history(code)] == ["generated", "sent"]


@pytest.mark.parametrize("bad", ["Ан\x00на", "\udfff"])
def test_a_bulk_insert_finds_the_one_unkeepable_text_in_any_shape_of_row(bad: str) -> None:
    """A print run's batches are looked through at once; every shape of row still is."""
    good = [("ABC", "Анна", "S1", "P1")] * 2_000
    for rows in (
        good[:1_500] + [("ABC", "Анна", "S1", bad)] + good[:499],  # tuples of texts
        good[:10] + [(7, None, "S1", bad)],  # a number and a NULL beside it
        [{"code": "ABC", "by": "Anna"}, {"code": "ABC", "by": bad}],  # rows as mappings
        good[:10] + [["ABC", bad]],  # a list among tuples
    ):
        why = unkeepable_parameter(rows, executemany=True)
        assert why is not None and why.startswith(repr(bad[:40])), rows[-1]
        assert why.endswith("; nothing was recorded")
    assert unkeepable_parameter(good + [(7, None, "Анна")], executemany=True) is None
    assert unkeepable_parameter([{"\x00key": "a value"}], executemany=True) is None  # values only


def test_a_nul_from_a_phone_is_refused_not_a_server_error(tmp_path: Path) -> None:
    cards = make_cards(1)
    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(cards, at=AT)
        with background(create_app(Station(ledger, CAMPAIGN))) as base:
            for body in ({"by": "An\x00na"}, {"note": "\ud83d"}, {"nonce": "n\x00"}):
                sent = json.dumps({"code": cards[0].code, **body})  # "\\ud83d": ASCII JSON
                answer = web.post(f"{base}/api/scans", content=sent)
                # refused, by the station's own checks (400) or by the scanner's (200)
                assert answer.status_code in (200, 400), answer.text
                assert answer.status_code == 400 or answer.json()["result"] == "refused"
                assert answer.json()["reason"]
        assert ledger.count_events() == 1


# --- `postcards track scan` goes on -----------------------------------------------------


def test_track_scan_reports_the_scan_it_could_not_record_and_goes_on(
    ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = make_cards(4)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        dialect = ledger._engine.dialect
        engine_class = type(ledger._engine)
    monkeypatch.setenv("POSTCARDS_DATABASE", ledger_url)
    lines = "".join(f"{card.code}\n" for card in cards)
    with failing_writes(engine_class, disk_full(dialect), at=2):  # the second scan's commit
        result = run("track", "scan", "--by", "Anna", cwd=tmp_path, stdin=lines)
    assert result.exit_code == 1  # not everything was recorded
    out = result.stdout.splitlines()
    assert len(out) == 4
    assert out[1].startswith(f"{format_code(cards[1].code)}: not recorded: {name_of(ledger_url)}: ")
    assert "is full: free some space on it, then try again" in out[1]
    for i in (0, 2, 3):
        assert out[i].startswith(f"{format_code(cards[i].code)}: sent: ")
    assert result.stderr.strip() == (
        "3 recorded as sent, 0 already scanned, 0 refused, 1 not recorded (the ledger could "
        "not write them: scan them again)"
    )
    assert statuses(ledger_url, cards[1].code) == ["generated"]
    for i in (0, 2, 3):
        assert statuses(ledger_url, cards[i].code) == ["generated", "sent"]
    again = run("track", "scan", "--by", "Anna", cwd=tmp_path, stdin=lines)
    assert again.exit_code == 0
    assert again.stderr.strip() == "1 recorded as sent, 3 already scanned, 0 refused"


class Desk:
    """``postcards track scan`` in a process of its own, fed one line at a time."""

    def __init__(self, url: str, cwd: Path):
        env = {**os.environ, "POSTCARDS_DATABASE": url, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "postcards", "track", "scan", "--by", "desk"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=cwd, env=env, text=True,
        )  # fmt: skip

    def scan(self, code: str) -> str:
        """The answer to one line (the desk answers each at once)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(code + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        if not ready:
            self.process.kill()
            pytest.fail(f"track scan did not answer {code} within 60 s")
        return self.process.stdout.readline().rstrip("\n")

    def end(self) -> tuple[int, str]:
        """Ctrl-D: the exit status and what went to stderr."""
        _, stderr = self.process.communicate(timeout=60)
        return self.process.returncode, stderr


# --- a real full disk --------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs of its own, to fill for real."""
    with tmpfs(tmp_path / "small", "1m") as folder:
        yield folder


def fill(folder: Path) -> Path:
    """Fill the disk to the last byte; returns the file that took the space."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(handle, b"\0" * 4096)
    except OSError as error:
        assert error.errno == 28  # ENOSPC
    finally:
        os.close(handle)
    return filler


def test_a_real_full_disk_then_space_freed(small_disk: Path) -> None:
    cards = make_cards(40)
    path = small_disk / "ledger.db"
    recorded: list[str] = []
    with Ledger.open(path) as ledger:
        ledger.record_generated(cards, at=AT)
        filler = fill(small_disk)
        failed = None
        for card in cards:  # each commit grows the WAL: one of them finds no room
            try:
                ledger.record_event(card.code, "sent", "Anna", note="n" * 3000)
            except LedgerError as error:
                failed = card, str(error)
                break
            recorded.append(card.code)
        assert failed is not None, "the full disk took every write"
        card, message = failed
        assert message.startswith(
            "ledger.db: the disk is full: free some space on it, then try again ("
        ), message
        with pytest.raises(LedgerError, match="the disk is full"):  # still full: says so again
            ledger.record_event(card.code, "sent", "Anna", note="n" * 3000)
        filler.unlink()
        ledger.record_event(card.code, "sent", "Anna")  # the same Ledger, by itself
        recorded.append(card.code)
        ledger.record_event(cards[-1].code, "sent", "Anna")
        recorded.append(cards[-1].code)
    with Ledger.open(path) as ledger:
        sent = [e.code for e in ledger.events(CAMPAIGN) if e.status == "sent"]
    assert sent == recorded  # each once, nothing of the failed attempts


def test_track_scan_on_a_disk_that_fills_then_frees(small_disk: Path, tmp_path: Path) -> None:
    cards = make_cards(3)
    url = str(small_disk / "tracking.db")
    with Ledger.open(url) as ledger:
        ledger.record_generated(cards, at=AT)
    desk = Desk(url, tmp_path)
    assert desk.scan(cards[0].code).startswith(f"{format_code(cards[0].code)}: sent: ")
    filler = fill(small_disk)
    waiting = list(cards[1:])
    answer = ""
    while waiting:  # a commit may still find room in the WAL's last page
        card = waiting.pop(0)
        answer = desk.scan(card.code)
        if ": not recorded: " in answer:
            break
        assert answer.startswith(f"{format_code(card.code)}: sent: "), answer
    assert answer.startswith(
        f"{format_code(card.code)}: not recorded: tracking.db: the disk is full: free some space "
        "on it, then try again ("
    ), answer
    filler.unlink()
    assert desk.scan(card.code).startswith(f"{format_code(card.code)}: sent: ")  # by itself
    status, stderr = desk.end()
    assert status == 1 and "Traceback" not in stderr
    assert stderr.strip().endswith(", 1 not recorded (the ledger could not write them: scan "
                                   "them again)")  # fmt: skip
    for each in cards[: cards.index(card) + 1]:
        assert statuses(url, each.code) == ["generated", "sent"]  # once each


# --- PostgreSQL goes away and comes back -----------------------------------------------


class OwnServer(Cluster):
    """A PostgreSQL server of this test alone, to stop and start (conftest's is shared)."""

    def __init__(self) -> None:
        super().__init__(prefix="postcards-pg-down-")

    def url(self) -> str:
        """With a password (trust authentication ignores it): messages must never show it."""
        return f"postgresql+psycopg://postcards:{PASSWORD}@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def own_server() -> Iterator[OwnServer]:
    server = OwnServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


def assert_cannot_reach(error: LedgerError, server: OwnServer) -> None:
    message = str(error)
    shown = f"postgresql+psycopg://postcards:***@127.0.0.1:{server.port}/postgres: "
    assert message.startswith(f"{shown}cannot reach the PostgreSQL ledger ("), message
    assert "and that the server runs" in message
    assert PASSWORD not in message and "Traceback" not in message
    assert "\n" not in message


def test_postgresql_down_then_back_the_same_ledger_works(own_server: OwnServer) -> None:
    cards = make_cards(4)
    ledger = Ledger.open(own_server.url())
    try:
        ledger.record_generated(cards, at=AT)
        ledger.record_event(cards[0].code, "sent", "Anna")
        own_server.stop()
        for call in (
            lambda: ledger.record_event(cards[1].code, "sent", "Anna"),  # the dead connection
            lambda: ledger.card(cards[1].code),  # a new one, refused
            lambda: ledger.record_event(cards[1].code, "sent", "Anna"),
        ):
            with pytest.raises(LedgerError) as caught:
                call()
            assert_cannot_reach(caught.value, own_server)
        own_server.start()
        ledger.record_event(cards[1].code, "sent", "Anna")
        assert ledger.card(cards[1].code) is not None

        # a restart while nobody asked: the first call after it works already
        own_server.stop("immediate")
        own_server.start()
        time.sleep(database._PING_AFTER)  # an idle connection is checked first
        ledger.record_event(cards[2].code, "sent", "Anna")
        sent = [e.code for e in ledger.events(CAMPAIGN) if e.status == "sent"]
        assert sent == [cards[0].code, cards[1].code, cards[2].code]
    finally:
        ledger.close()


def test_track_scan_goes_on_when_postgresql_comes_back(
    own_server: OwnServer, tmp_path: Path
) -> None:
    cards = make_cards(3)
    with Ledger.open(own_server.url()) as ledger:
        ledger.record_generated(cards, at=AT)
    desk = Desk(own_server.url(), tmp_path)
    assert desk.scan(cards[0].code).startswith(f"{format_code(cards[0].code)}: sent: ")
    own_server.stop()
    failed = desk.scan(cards[1].code)
    assert failed.startswith(f"{format_code(cards[1].code)}: not recorded: postgresql+psycopg://")
    assert "cannot reach the PostgreSQL ledger" in failed and PASSWORD not in failed
    own_server.start()
    assert desk.scan(cards[2].code).startswith(f"{format_code(cards[2].code)}: sent: ")
    assert desk.scan(cards[1].code).startswith(f"{format_code(cards[1].code)}: sent: ")
    status, stderr = desk.end()
    assert status == 1 and "Traceback" not in stderr
    assert stderr.strip() == (
        "3 recorded as sent, 0 already scanned, 0 refused, 1 not recorded (the ledger could "
        "not write them: scan them again)"
    )
    with Ledger.open(own_server.url()) as ledger:
        sent = [e.code for e in ledger.events(CAMPAIGN) if e.status == "sent"]
    assert sent == [cards[0].code, cards[2].code, cards[1].code]


# --- what each driver error says ----------------------------------------------------------


def _driver_errors() -> list[tuple[Exception, str]]:
    import psycopg

    return [
        (sqlite3.OperationalError("database or disk is full"),
         "the disk is full: free some space on it, then try again (database or disk is full)"),
        (psycopg.errors.DiskFull('could not extend file "base/1/2": No space left on device'),
         "the PostgreSQL server's disk is full: free some space on it, then try again ("),
        (sqlite3.OperationalError("attempt to write a readonly database"),
         "the ledger is read-only (attempt to write a readonly database); check that you may "
         "write to the file and its folder, and that the drive is not mounted read-only"),
        (psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"),
         "the PostgreSQL ledger is read-only (cannot execute INSERT in a read-only transaction); "
         "give a server that accepts writes (not a standby) and a user that may write"),
        (sqlite3.OperationalError("database is locked"), "the ledger is busy: another postcards"),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
         "the ledger is busy: another postcards"),
        (sqlite3.OperationalError("disk I/O error"),
         "cannot write the ledger (disk I/O error); check the drive and its free space"),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
         "cannot reach the PostgreSQL ledger (terminating connection due to administrator "
         "command); check [tracking] database or POSTCARDS_DATABASE and that the server runs"),
        (psycopg.OperationalError('FATAL:  password authentication failed for user "office"'),
         "the PostgreSQL server refused the login (FATAL:  password authentication failed for "
         'user "office"); check the user and password in [tracking] database or '
         "POSTCARDS_DATABASE"),
    ]  # fmt: skip


def test_each_driver_error_says_what_happened_and_what_to_do() -> None:
    from postcards.ledger.engines import explain

    for driver, expected in _driver_errors():
        assert explain(driver).startswith(expected)
