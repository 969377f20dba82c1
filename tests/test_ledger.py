"""The tracking ledger, on real SQLite files and a real PostgreSQL server.

The tests that take ``ledger_url`` run twice: on an SQLite file and on a fresh database of
the PostgreSQL server that conftest starts.
"""

from __future__ import annotations

import dataclasses
import random
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT
from ledger_sql import driver_error, raw

from postcards.codes import format_code, new_code
from postcards.errors import LedgerError
from postcards.ledger.book import Ledger
from postcards.ledger.database import SCHEMA_VERSION
from postcards.ledger.model import CARD_STATUSES, Event, LedgerCard, PrisonerList, Tally

AT = "2025-03-01T09:30:00Z"


def make_cards(count: int, wave: str = "1", seed: int = 1) -> list[LedgerCard]:
    rng = random.Random(seed)
    return [
        LedgerCard(
            code=new_code(rng),
            campaign="spring",
            wave=wave,
            sender_id=f"S{i}",
            prisoner_id=f"P{i}",
            language="ru",
            sender_name=f"Sender {i}",
            prisoner_name=f"Ales {i}",
        )
        for i in range(count)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


def name_of(ledger_url: str) -> str:
    """How messages name the ledger: the file's name, or the URL without a password."""
    return "ledger.db" if "://" not in ledger_url else ledger_url


def test_open_creates_folder_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "ledger.db"
    with Ledger.open(path) as ledger:
        assert ledger.count_cards() == 0
        assert ledger.count_events() == 0
        assert ledger.schema_version() == SCHEMA_VERSION
    assert path.is_file()


def test_open_creates_schema(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        assert (ledger.count_cards(), ledger.count_events()) == (0, 0)
        assert ledger.schema_version() == SCHEMA_VERSION
        assert ledger.name == name_of(ledger_url)


def test_pragmas(db: Path) -> None:
    with Ledger.open(db) as ledger:
        assert raw(ledger, "PRAGMA journal_mode") == [("wal",)]
        assert raw(ledger, "PRAGMA busy_timeout") == [(10000,)]
        assert raw(ledger, "PRAGMA foreign_keys") == [(1,)]


def test_record_then_reopen(ledger_url: str) -> None:
    cards = make_cards(3)
    with Ledger.open(ledger_url) as ledger:
        assert ledger.record_generated(cards, at=AT) == 3
    with Ledger.open(ledger_url) as ledger:
        assert ledger.count_cards() == 3
        assert ledger.count_events() == 3
        for card in cards:
            assert ledger.card(card.code) == card
            assert ledger.code_exists(card.code)
            assert ledger.history(card.code) == [
                Event(card.code, "generated", AT, "postcards cards", "")
            ]


def test_recording_twice_adds_nothing(ledger_url: str) -> None:
    cards = make_cards(4)
    with Ledger.open(ledger_url) as ledger:
        assert ledger.record_generated(cards, at=AT) == 4
        assert ledger.record_generated(cards, by="someone else") == 0
        assert ledger.count_cards() == 4
        assert ledger.count_events() == 4
        for card in cards:
            assert [e.status for e in ledger.history(card.code)] == ["generated"]


def test_recording_adds_only_the_new_cards(ledger_url: str) -> None:
    cards = make_cards(5)
    with Ledger.open(ledger_url) as ledger:
        assert ledger.record_generated(cards[:2], at=AT) == 2
        assert ledger.record_generated(iter(cards), by="office", at=AT) == 3
        assert ledger.count_events() == 5
        assert ledger.history(cards[4].code)[0].by == "office"


def test_default_time_is_utc_to_the_second(ledger_url: str) -> None:
    [card] = make_cards(1)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card])
        [event] = ledger.history(card.code)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event.at)


def test_codes_for(ledger_url: str) -> None:
    wave1, wave2 = make_cards(3, wave="1", seed=1), make_cards(2, wave="2", seed=2)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(wave1 + wave2, at=AT)
        assert ledger.codes_for("spring", "1") == {
            (c.sender_id, c.prisoner_id): c.code for c in wave1
        }
        assert ledger.codes_for("spring", "2") == {
            (c.sender_id, c.prisoner_id): c.code for c in wave2
        }
        assert ledger.codes_for("autumn", "1") == {}


def test_existing_codes_are_found_among_many_asked_at_once(ledger_url: str) -> None:
    """1,200 codes asked (three queries' worth), the ledger's four among them found."""
    from postcards.codes import new_code

    cards = make_cards(4)
    asked = [new_code() for _ in range(1196)]
    asked[10:10], asked[700:700] = [cards[0].code, cards[1].code], [cards[2].code, cards[3].code]
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        assert ledger.existing_codes(asked) == {card.code for card in cards}
        assert ledger.existing_codes(asked[11:700]) == {cards[1].code}
        assert ledger.existing_codes([]) == set()


def test_unknown_code(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        assert ledger.card("K7M2QX9DR") is None
        assert not ledger.code_exists("K7M2QX9DR")
        assert ledger.history("K7M2QX9DR") == []


def test_code_used_by_another_card_writes_nothing(ledger_url: str) -> None:
    first, second, third = make_cards(3)
    clash = LedgerCard(**{**dataclasses.asdict(third), "code": first.code})
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([first], at=AT)
        with pytest.raises(LedgerError) as caught:
            ledger.record_generated([second, clash], at=AT)
        assert ledger.count_cards() == 1
        assert ledger.count_events() == 1
        assert not ledger.code_exists(second.code)
    message = str(caught.value)
    assert message.startswith(f"{name_of(ledger_url)}: ")
    assert f"code {first.code} is already used by another card" in message


def test_same_code_twice_in_one_batch_is_refused(ledger_url: str) -> None:
    first, second = make_cards(2)
    clash = LedgerCard(**{**dataclasses.asdict(second), "code": first.code})
    with Ledger.open(ledger_url) as ledger:
        with pytest.raises(LedgerError, match="already used by another card"):
            ledger.record_generated([first, clash], at=AT)
        assert ledger.count_cards() == 0


@pytest.mark.parametrize("bits", [8, None], ids=["every-key-looked-up", "the-run's-table"])
def test_a_pair_twice_in_one_run_is_refused_across_batches(
    db: Path, bits: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run remembers its own pairs by one bit of their hash: a bit set by another pair
    sends the lookup to the database (no false clash), and the same pair in a later batch
    with another code is refused, however few bits the table has."""
    from postcards.ledger.new_cards import _LiveCodes

    if bits is not None:
        monkeypatch.setattr(_LiveCodes, "SEEN_BITS", bits)
    cards = make_cards(4500)  # three batches of at most 2,000
    with Ledger.open(db) as ledger:
        assert ledger.record_generated(cards[:4400], at=AT) == 4400
        again = LedgerCard(**{**dataclasses.asdict(cards[10]), "code": cards[4400].code})
        with Ledger.open(db.with_name("other.db")) as other:
            with pytest.raises(LedgerError, match=f"already have card {cards[10].code}"):
                other.record_generated([*cards[:4000], again], at=AT)
            assert other.count_cards() == 0  # all or nothing


def test_a_card_keeps_its_code(ledger_url: str) -> None:
    [card] = make_cards(1)
    other_code = LedgerCard(**{**dataclasses.asdict(card), "code": make_cards(1, seed=9)[0].code})
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        with pytest.raises(LedgerError, match=f"already have card {card.code}"):
            ledger.record_generated([other_code], at=AT)
        assert ledger.count_cards() == 1


def test_an_invalid_code_is_refused(ledger_url: str) -> None:
    [card] = make_cards(1)
    bad = LedgerCard(**{**dataclasses.asdict(card), "code": "K7M2QX9D4"})
    with Ledger.open(ledger_url) as ledger:
        with pytest.raises(LedgerError, match="'K7M2QX9D4' is not a valid card code"):
            ledger.record_generated([bad], at=AT)
        assert ledger.count_cards() == 0


def test_schema_version_is_stored(ledger_url: str) -> None:
    Ledger.open(ledger_url).close()
    with Ledger.open(ledger_url) as ledger:  # reopening applies nothing twice
        versions = raw(ledger, "SELECT version FROM schema_version ORDER BY version")
        assert [v for (v,) in versions] == list(range(1, SCHEMA_VERSION + 1))
        assert ledger.schema_version() == SCHEMA_VERSION


def test_newer_schema_is_refused(ledger_url: str) -> None:
    Ledger.open(ledger_url).close()
    newer = SCHEMA_VERSION + 1
    with Ledger.open(ledger_url) as ledger:
        raw(ledger, "INSERT INTO schema_version VALUES (:v, :at)", v=newer, at=AT)
    with pytest.raises(LedgerError) as caught:
        Ledger.open(ledger_url)
    assert str(caught.value) == (
        f"{name_of(ledger_url)}: the ledger has schema version {newer}, newer than this version of "
        f"postcards knows ({SCHEMA_VERSION}); upgrade postcards to use it"
    )


def test_status_is_checked_by_the_database(ledger_url: str) -> None:
    [card] = make_cards(1)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        insert = "INSERT INTO events (code, status, at, by_name) VALUES (:c, :s, :at, 't')"
        for status in CARD_STATUSES:
            raw(ledger, insert, c=card.code, s=status, at=AT)
        with pytest.raises(driver_error("IntegrityError")):
            raw(ledger, insert, c=card.code, s="lost", at=AT)
        with pytest.raises(driver_error("IntegrityError")):  # foreign keys are on
            raw(ledger, insert, c="X", s="sent", at=AT)
        assert ledger.count_events() == 1 + len(CARD_STATUSES)


def test_events_are_append_only(ledger_url: str) -> None:
    [card] = make_cards(1)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        for sql in ("UPDATE events SET status = 'sent'", "DELETE FROM events"):
            with pytest.raises(driver_error("Error"), match="append-only"):
                raw(ledger, sql)
        assert [e.status for e in ledger.history(card.code)] == ["generated"]


@pytest.mark.parametrize("url", ["mysql://user:secret@host/db", "oracle://u:secret@h/db"])
def test_other_databases_are_refused(url: str) -> None:
    with pytest.raises(LedgerError, match="is not supported; give a file path") as caught:
        Ledger.open(url)
    assert "secret" not in str(caught.value)
    assert url.split("://")[0] in str(caught.value)


def test_unreachable_postgresql_is_reported_without_its_password() -> None:
    port = _closed_port()
    url = f"postgresql://office:secret@127.0.0.1:{port}/ledger"
    with pytest.raises(LedgerError, match="cannot reach the PostgreSQL ledger") as caught:
        Ledger.open(url)
    message = str(caught.value)
    assert "secret" not in message
    assert message.startswith(f"postgresql+psycopg://office:***@127.0.0.1:{port}/ledger: ")


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Ledger.open("sqlite:///relative/ledger.db").close()
    assert (tmp_path / "relative" / "ledger.db").is_file()
    absolute = tmp_path / "absolute" / "ledger.db"
    Ledger.open(f"sqlite:///{absolute}").close()  # f"sqlite:///" + "/tmp/..." = 4 slashes
    assert absolute.is_file()
    Ledger.open(str(tmp_path / "plain.db")).close()
    assert (tmp_path / "plain.db").is_file()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///x.db?mode=ro"])
def test_sqlite_url_without_a_file_is_refused(url: str) -> None:
    with pytest.raises(LedgerError, match="does not name a file"):
        Ledger.open(url)


def test_garbage_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(bytes(random.Random(0).randrange(256) for _ in range(4096)))
    with pytest.raises(LedgerError) as caught:
        Ledger.open(path)
    assert str(caught.value) == (
        "notes.db: not a postcards ledger (the file is not an SQLite database, or it is "
        "damaged); check the ledger path, or restore the file from a backup"
    )


def test_a_folder_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "ledger.db"
    folder.mkdir()
    with pytest.raises(LedgerError, match=r"^ledger\.db: cannot open or write the ledger"):
        Ledger.open(folder)


def test_busy_ledger_is_reported(db: Path) -> None:
    Ledger.open(db).close()
    import sqlite3

    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Ledger.open(db) as ledger:
            raw(ledger, "PRAGMA busy_timeout = 50")
            with pytest.raises(LedgerError, match=r"^ledger\.db: the ledger is busy"):
                ledger.record_generated(make_cards(1), at=AT)
            assert ledger.count_cards() == 0
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_close_twice_is_harmless(ledger_url: str) -> None:
    """The second close neither raises nor reopens; the ledger says it is closed; the cards
    written before are all there for the next one to open it."""
    ledger = Ledger.open(ledger_url)
    assert ledger.record_generated(make_cards(2), at=AT) == 2  # a connection is open
    ledger.close()
    ledger.close()
    with pytest.raises(LedgerError, match="the ledger is closed"):
        ledger.count_cards()
    with Ledger.open(ledger_url) as again:
        assert again.count_cards() == 2


def test_a_failing_batch_writes_nothing(ledger_url: str) -> None:
    cards = make_cards(3)

    def batch():
        yield from cards[:2]
        raise RuntimeError("spreadsheet went away")

    with Ledger.open(ledger_url) as ledger:
        with pytest.raises(RuntimeError):
            ledger.record_generated(batch(), at=AT)
        assert ledger.count_cards() == 0
        assert ledger.record_generated(cards, at=AT) == 3


def test_several_writers_at_once_lose_nothing(ledger_url: str) -> None:
    """Like several scanning stations: each opens the (new) file and writes its cards."""
    batches = [make_cards(20, wave=f"w{n}", seed=n) for n in range(6)]

    def write(batch: list[LedgerCard]) -> int:
        with Ledger.open(ledger_url) as ledger:
            return sum(ledger.record_generated([card], at=AT) for card in batch)

    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        written = list(pool.map(write, batches))
    assert written == [20] * len(batches)
    with Ledger.open(ledger_url) as ledger:
        assert ledger.count_cards() == ledger.count_events() == 120
        assert ledger.schema_version() == SCHEMA_VERSION


def test_tallies_count_cards_that_went_out(ledger_url: str) -> None:
    cards = make_cards(3)
    extra = LedgerCard(new_code(random.Random(9)), "spring", "2", "S1", "P0", "ru", "S 1", "A 0")
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([*cards, extra], at=AT)
        ledger.record_event(cards[0].code, "sent", "desk", at="2025-03-02T10:00:00Z")
        ledger.record_event(cards[0].code, "returned", "desk", at="2025-03-09T10:00:00Z")
        ledger.record_event(extra.code, "sent", "desk", at="2025-03-05T10:00:00Z")
        ledger.record_event(cards[1].code, "void", "desk")
        by_prisoner = ledger.tallies("spring")
        by_sender = ledger.tallies("spring", by="sender")
    assert by_prisoner["P0"] == Tally(
        generated=2, sent=2, returned=1, last_sent="2025-03-05T10:00:00Z"
    )
    assert by_prisoner["P1"] == Tally(void=1)
    assert by_prisoner["P2"] == Tally(generated=1)
    # per sender, the key is (office, id): each office numbers its own senders
    assert by_sender[("", "S1")].sent == 1 and by_sender[("", "S1")].void == 1


def test_record_event_refuses_unknown_code_and_status(ledger_url: str) -> None:
    cards = make_cards(1)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        with pytest.raises(LedgerError, match="no card has the code"):
            ledger.record_event(new_code(random.Random(5)), "sent", "desk")
        with pytest.raises(LedgerError, match="unknown status"):
            ledger.record_event(cards[0].code, "lost", "desk")
        assert ledger.count_events() == 1


def test_prisoner_lists_round_trip(ledger_url: str) -> None:
    rows = {"P1": {"name": "Алесь", "institution": "ИК № 9"}, "P2": {"name": "Марыя"}}
    first = PrisonerList("1", "abc", AT, "2025-02-28", "prisoners.csv", rows)
    with Ledger.open(ledger_url) as ledger:
        assert ledger.last_list("spring") is None
        assert ledger.record_list("spring", first)
        assert not ledger.record_list("spring", first)
        ledger.record_list("spring", PrisonerList("2", "def", AT, "", "p.csv", {"P1": {}}))
        ledger.record_list("other", first)
    with Ledger.open(ledger_url) as ledger:
        assert ledger.last_list("spring").wave == "2"
        assert ledger.last_list("other") == first
        assert ledger.last_list_hash("spring") == ("2", "def")
        assert ledger.last_list_hash("other") == ("1", "abc")
        assert ledger.last_list_hash("nobody") is None


def test_message_is_kept_per_card(ledger_url: str) -> None:
    cards = [
        LedgerCard(**{**dataclasses.asdict(c), "message": f"Дарагі {i}\n<b>&"})
        for i, c in enumerate(make_cards(2))
    ]
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        assert ledger.cards("spring") == cards
        assert ledger.card(cards[1].code).message == "Дарагі 1\n<b>&"


def test_a_step_2_ledger_is_migrated(db: Path) -> None:
    """A ledger written before the message column: its cards keep an empty message."""
    import sqlite3

    from postcards.ledger.database import _MIGRATIONS, _SCHEMA_VERSION_TABLE

    connection = sqlite3.connect(db)
    connection.execute(_SCHEMA_VERSION_TABLE)
    for version, step in enumerate(_MIGRATIONS[:2], 1):
        for statement in step:
            connection.execute(statement.replace("{serial}", "INTEGER PRIMARY KEY"))
        connection.execute("INSERT INTO schema_version VALUES (?, ?)", (version, AT))
    [card] = make_cards(1)
    connection.execute(
        "INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*dataclasses.asdict(card).values(), AT)[:8] + (AT,),
    )
    connection.execute(
        "INSERT INTO events (code, status, at, by_name) VALUES (?, ?, ?, ?)",
        (card.code, "generated", AT, "postcards cards"),
    )
    connection.commit()
    connection.close()
    with Ledger.open(db) as ledger:
        assert ledger.schema_version() == SCHEMA_VERSION
        assert ledger.card(card.code) == card
        ledger.record_event(card.code, "sent", "desk")
        assert [e.status for e in ledger.history(card.code)] == ["generated", "sent"]
        assert raw(ledger, "PRAGMA foreign_keys") == [(1,)]


def test_record_checked_sees_the_history_and_may_add_nothing(ledger_url: str) -> None:
    [card] = make_cards(1)

    def once(found: LedgerCard, history: list[Event]) -> Event | None:
        if any(e.status == "sent" for e in history):
            return None
        return Event(found.code, "sent", AT, "desk", "")

    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        found, before, added = ledger.record_checked(card.code, once)
        assert (found, [e.status for e in before], added.status) == (card, ["generated"], "sent")
        _, before, added = ledger.record_checked(card.code, once)
        assert added is None and len(before) == 2
        assert ledger.count_events() == 2
        assert [e.status for e in ledger.events("spring")] == ["generated", "sent"]


def test_a_scan_does_not_wait_for_the_disk_and_a_print_run_does(ledger_url: str) -> None:
    """On SQLite a scan's commit is not flushed (a power cut may undo the last scans, a killed
    process none); a print run's cards are on the disk before its files appear, even after
    scans.  PostgreSQL flushes every commit."""
    [card] = make_cards(1)
    sqlite = "://" not in ledger_url or ledger_url.startswith("sqlite")
    ask = "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"
    seen: dict[str, str] = {}
    with Ledger.open(ledger_url) as ledger:

        def setting(when: str) -> None:
            seen[when] = str(ledger._open_connection().execute(ask).fetchone()[0])

        def printed(when: str, cards: list[LedgerCard]):
            setting(when)  # inside the run's transaction, as its cards are read
            yield from cards

        def scanned(found: LedgerCard, history: list[Event]) -> Event:
            setting("scan")
            return Event(found.code, "sent", AT, "desk", "")

        ledger.begin_print_run("spring", "1", printed("print run", [card]), [])
        ledger.record_checked(card.code, scanned)
        ledger.begin_print_run("spring", "1", printed("print run after a scan", []), [])
    # SQLite: FULL, NORMAL; PostgreSQL keeps every commit (a server stopped with -m immediate)
    flushed, not_flushed = ("2", "1") if sqlite else ("on", "on")
    assert seen == {"print run": flushed, "scan": not_flushed, "print run after a scan": flushed}


def test_a_void_card_is_reprinted_with_a_new_code(ledger_url: str) -> None:
    [card] = make_cards(1)
    reprint = LedgerCard(**{**dataclasses.asdict(card), "code": make_cards(1, seed=7)[0].code})
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        assert ledger.codes_for("spring", "1") == {("S0", "P0"): card.code}
        ledger.record_event(card.code, "void", "desk", note="ink smudge")
        assert ledger.codes_for("spring", "1") == {}
        assert ledger.record_generated([reprint], at=AT) == 1
        assert ledger.codes_for("spring", "1") == {("S0", "P0"): reprint.code}
        with pytest.raises(LedgerError, match=f"already have card {reprint.code}"):
            ledger.record_generated([card], at=AT)
        assert ledger.tallies("spring")["P0"] == Tally(generated=1, void=1)


def test_shown_url_hides_the_password() -> None:
    from postcards.ledger.targets import shown_url

    assert shown_url("postgresql://office:secret@db.local/ledger") == (
        "postgresql+psycopg://office:***@db.local/ledger"
    )
    assert shown_url("sqlite:///tracking.db") == "sqlite:///tracking.db"
    assert "secret" not in shown_url("mysql://office:secret@db.local/ledger")


def test_a_nonce_is_one_scan_of_one_card(ledger_url: str) -> None:
    """A resent scan is recorded once; the same nonce on another card is refused, and
    that card gets nothing (a phone reusing nonces must not lose or merge scans)."""
    from postcards.ledger.book import NonceTaken

    first, second = make_cards(2)

    def sent(card: LedgerCard, history: list[Event]) -> Event | None:
        return Event(card.code, "sent", AT, "desk", "")

    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([first, second], at=AT)
        assert ledger.record_checked(first.code, sent, nonce="n-1")[2] is not None
        assert ledger.record_checked(first.code, sent, nonce="n-1")[2] is None  # resent
        with pytest.raises(NonceTaken, match="the scan's nonce was used for another card"):
            ledger.record_checked(second.code, sent, nonce="n-1")
        assert [e.status for e in ledger.history(first.code)] == ["generated", "sent"]
        assert [e.status for e in ledger.history(second.code)] == ["generated"]


def test_a_void_made_by_mistake_is_undone_until_a_reprint(ledger_url: str) -> None:
    from postcards.ledger.scanning import Scanner, unvoid

    first, other = make_cards(2)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([first, other], at=AT)
        ledger.record_event(first.code, "printed", "desk")
        ledger.record_event(first.code, "void", "desk", note="wrong stack")
        assert ledger.codes_for("spring", "1") == {("S1", "P1"): other.code}
        assert ledger.tallies("spring")["P0"] == Tally(void=1)
        card, event = unvoid(ledger, first.code, "desk", "voided by mistake")
        assert (card.code, event.status, event.note) == (first.code, "unvoid", "voided by mistake")
        assert ledger.codes_for("spring", "1")[("S0", "P0")] == first.code  # live again
        assert ledger.tallies("spring")["P0"] == Tally(generated=1)
        # it is printed again, and goes out as any card
        outcome = Scanner(ledger, "sent", "desk").scan(first.code)
        assert outcome is not None and outcome.kind == "recorded", outcome
        with pytest.raises(LedgerError, match="not void: it is sent; nothing recorded"):
            unvoid(ledger, first.code, "desk")
        # voided again, then reprinted: the reprint is the live card, the void stays
        ledger.record_event(other.code, "void", "desk")
        [reprint] = make_cards(1, seed=7)
        reprint = dataclasses.replace(reprint, sender_id="S1", prisoner_id="P1")
        ledger.record_generated([reprint], at=AT)
        with pytest.raises(LedgerError, match=f"its reprint {format_code(reprint.code)} "
                           "replaced it"):  # fmt: skip
            unvoid(ledger, other.code, "desk")
        assert [e.status for e in ledger.history(other.code)] == ["generated", "void"]


def test_a_step_6_ledger_gains_unvoid_and_keeps_its_events(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import postcards.ledger.database as database

    monkeypatch.setattr(database, "SCHEMA_VERSION", 6)
    cards = make_cards(3)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
        ledger.record_checked(cards[0].code, lambda c, h: Event(c.code, "sent", AT, "a", ""), "n1")
        ledger.record_event(cards[1].code, "void", "desk", note="smudge")
        before = [(e.code, e.status, e.at, e.by, e.note) for e in ledger.events("spring")]
    monkeypatch.undo()
    with Ledger.open(ledger_url) as ledger:
        assert ledger.schema_version() == database.SCHEMA_VERSION == 7
        assert [(e.code, e.status, e.at, e.by, e.note) for e in ledger.events("spring")] == before
        assert ledger.record_checked(cards[0].code, lambda c, h: None, "n1")[2] is None  # nonce
        ledger.record_event(cards[1].code, "unvoid", "desk")
        with pytest.raises((LedgerError, *driver_error("Error")), match="append-only"):
            raw(ledger, "UPDATE events SET note = 'changed'")


def test_a_print_run_on_sqlite_loads_no_database_library(tmp_path: Path) -> None:
    """An SQLite ledger is Python's own sqlite3: a print run neither pays for importing a
    database toolkit (SQLAlchemy took 0.3 s of a 1.7 s run of 1,000 cards) nor loads the
    PostgreSQL driver, the first run (which makes the ledger) or the next (which reads it)."""
    import shutil
    import subprocess
    import sys

    shutil.copytree(ROOT / "samples", tmp_path / "c")
    for out in ("first", "again"):
        command = [sys.executable, "-X", "importtime", "-m", "postcards", "-c", "c", "cards",
                   "-o", f"{out}/cards.pdf", "--example", "--jobs", "1"]  # fmt: skip
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        imported = {line.split("|")[-1].strip().split(".")[0] for line in
                    done.stderr.splitlines() if line.startswith("import time:")}  # fmt: skip
        assert "postcards" in imported and "sqlite3" in imported  # the log is there
        assert not imported & {"sqlalchemy", "psycopg"}, out
    with Ledger.open(tmp_path / "c" / "tracking.db") as ledger:
        assert ledger.count_cards() == 45 and ledger.count_events() == 45


def test_statuses_are_every_status_a_card_had_and_equal_sets_are_one(ledger_url: str) -> None:
    """What a reprint reads of the wave's history: per code every status it has had (as
    the events say), one office's or all; equal sets shared, so 100,000 cost no set each."""
    cards = make_cards(5)  # the last two: "generated" alone
    other = LedgerCard(**{**dataclasses.asdict(make_cards(1, seed=8)[0]), "office": "seimas"})
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([*cards, other], at=AT)
        for code, status in [(cards[0].code, "sent"), (cards[0].code, "returned"),
                             (cards[1].code, "sent"), (cards[2].code, "void"),
                             (other.code, "sent")]:  # fmt: skip
            ledger.record_event(code, status, "desk")
        found = ledger.statuses("spring", office="")
        expected: dict[str, set[str]] = {}
        for event in ledger.events("spring", office=""):
            expected.setdefault(event.code, set()).add(event.status)
        assert found == {code: frozenset(s) for code, s in expected.items()}
        assert found[cards[1].code] == {"generated", "sent"} and other.code not in found
        assert found[cards[3].code] is found[cards[4].code] == {"generated"}
        assert len({id(s) for s in found.values()}) == len(set(found.values()))  # one of each
        assert set(ledger.statuses("spring")) == {c.code for c in [*cards, other]}
        assert ledger.statuses("nobody") == {}
