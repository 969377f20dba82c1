"""The station's pages in a real Chromium (Debian's, driven by playwright): a wedge
scanner typing, the dashboard changing live, a scan made offline, the camera fed a QR,
scans kept on the phone across a station restart with a new token, a busy ledger and
server errors.

Skips when Chromium is not installed, unless POSTCARDS_REQUIRE_CHROMIUM=1 (CI): then
it fails.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import web

from postcards.codes import format_code, new_code
from postcards.ledger import engines
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard
from postcards.station.app import Station, create_app
from postcards.station.server import background

AT = "2025-03-01T09:30:00Z"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("POSTCARDS_REQUIRE_CHROMIUM") == "1"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]  # fmt: skip


def _chromium() -> str:
    reason = ""
    if CHROMIUM is None:
        reason = "Chromium not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright not installed (pip install playwright)"
    if reason:
        if REQUIRED:
            pytest.fail(f"POSTCARDS_REQUIRE_CHROMIUM=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


def make_cards(count: int) -> list[LedgerCard]:
    rng = random.Random(11)
    return [
        LedgerCard(new_code(rng), "spring", "1", f"S{i % 3}", f"P{i}", "ru", f"Sender {i % 3}",
                   "<script>alert(1)</script>Ира" if i == 0 else f"Алесь {i}")
        for i in range(count)
    ]  # fmt: skip


CARDS = make_cards(10)
CAMERA_CARD = CARDS[9]


def write_y4m(path: Path, text: str, width: int = 640, height: int = 480) -> Path:
    """A few frames of a QR code on white, as Chromium's fake camera reads them."""
    import numpy as np
    import zxingcpp

    qr = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
                    .to_image(scale=1, add_quiet_zones=False))  # fmt: skip
    scale = 300 // qr.shape[0]
    symbol = np.kron(qr, np.ones((scale, scale), dtype=np.uint8))
    luma = np.full((height, width), 235, dtype=np.uint8)
    top, left = (height - symbol.shape[0]) // 2, (width - symbol.shape[1]) // 2
    luma[top : top + symbol.shape[0], left : left + symbol.shape[1]] = np.where(symbol, 235, 16)
    chroma = np.full((height // 2) * (width // 2), 128, dtype=np.uint8).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            out.write(b"FRAME\n" + luma.tobytes() + chroma + chroma)
    return path


def _station(folder: Path, cards: list[LedgerCard]) -> Iterator[str]:
    """A station on a new ledger holding ``cards``; yields its URL."""
    ledger = Ledger.open(folder / "tracking.db")
    ledger.record_generated(cards, at=AT)
    try:
        with background(create_app(Station(ledger, "spring"))) as url:
            yield url
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _station(tmp_path_factory.mktemp("station"), CARDS)


OFFICES = {"bundestag": ("Hans Müller", 4), "seimas": ("Ona Šimonytė", 2)}


def office_cards() -> list[LedgerCard]:
    """Sender "1" of two offices: two people, four cards of bundestag's, two of seimas's."""
    rng = random.Random(13)
    return [
        LedgerCard(new_code(rng), "spring", "1", "1", f"{office[0].upper()}{i}", "de", name,
                   f"Prisoner {office[0].upper()}{i}", office=office)
        for office, (name, count) in OFFICES.items()
        for i in range(count)
    ]  # fmt: skip


OFFICE_CARDS = office_cards()


@pytest.fixture(scope="module")
def office_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _station(tmp_path_factory.mktemp("offices"), OFFICE_CARDS)


@contextmanager
def launched(*flags: str) -> Iterator:
    """Debian's Chromium through playwright, with the station tests' flags and ``flags``."""
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=[*FLAGS, *flags])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    video = write_y4m(tmp_path_factory.mktemp("camera") / "qr.y4m", CAMERA_CARD.code)
    with launched(f"--use-file-for-fake-video-capture={video}") as chromium:
        yield chromium


@pytest.fixture
def page(browser, base):
    context = browser.new_context(base_url=base, permissions=["camera"])
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], "a field ran as a script"


def events(base: str, card: LedgerCard) -> list[str]:
    return [e["status"] for e in web.get(f"{base}/api/cards/{card.code}").json()["events"]]


def wedge(page, text: str) -> None:
    """Type as a USB keyboard-wedge scanner does: keys 10 ms apart, then Enter."""
    page.locator("#code").press_sequentially(text, delay=10)
    page.keyboard.press("Enter")


#: How far :func:`next_retry` moves a page's clock: past any wait between retries a test
#: meets (1 s, 2 s, 4 s, 8 s) and short of a request's own 15 s timeout (scan.js's
#: TIMEOUT_MS), so that a request in flight is never aborted by the jump.
RETRY_JUMP_MS = 10_000


def next_retry(page) -> None:
    """Bring the page's next retry now rather than wait for it.

    The page's timers are Playwright's clock (``page.clock.install()`` before the page
    loads), which runs at the wall clock's pace; the jump fires the pending retry once,
    through the page's own retry timer, as the wait would have.
    """
    page.clock.fast_forward(RETRY_JUMP_MS)


def test_a_wedge_scanner_scan_answers_at_once(page, base) -> None:
    page.goto("/scan")
    wedge(page, format_code(CARDS[0].code).lower())
    answer = page.locator("#answer")
    answer.and_(page.locator(".recorded")).wait_for(timeout=5000)
    assert "<script>alert(1)</script>Ира" in answer.inner_text()  # shown as text
    assert page.locator("#count").inner_text() == "1"
    assert events(base, CARDS[0]) == ["generated", "sent"]
    wedge(page, format_code(CARDS[0].code))
    page.locator("#answer.repeat").wait_for(timeout=5000)
    assert "already sent" in answer.inner_text()
    wedge(page, "NOT-A-CODE")
    page.locator("#answer.refused").wait_for(timeout=5000)
    assert page.locator("#code").input_value() == ""  # ready for the next card
    # The status and the operator's name stay with this device.
    page.select_option("#status", "returned")
    page.fill("#by", "Anna")
    page.locator("#by").dispatch_event("change")
    page.reload()
    assert page.locator("#status").input_value() == "returned"
    assert page.locator("#by").input_value() == "Anna"


def test_the_dashboard_changes_live(page, base) -> None:
    page.goto("/")
    sent = page.locator('[data-status="sent"]')
    before = int(sent.inner_text())
    assert web.post(f"{base}/api/scans", json={"code": CARDS[1].code}).status_code == 200
    from playwright.sync_api import expect

    expect(sent).to_have_text(str(before + 1), timeout=5000)
    assert format_code(CARDS[1].code) in page.locator("#last").inner_text()
    assert "Алесь 1" not in page.locator("#unreached").inner_text()
    expect(page.locator("#office-choice")).to_be_hidden()  # one unnamed office: no choice


def test_a_scan_made_offline_is_sent_once_when_back(page, base) -> None:
    page.clock.install()
    page.goto("/scan")
    page.context.set_offline(True)
    wedge(page, CARDS[2].code)
    page.locator("#answer.queued").wait_for(timeout=5000)
    assert page.locator("#queued").inner_text() == "1"
    assert events(base, CARDS[2]) == ["generated"]
    page.context.set_offline(False)
    page.locator("#answer.recorded").wait_for(timeout=8000)
    next_retry(page)  # a retry tick later: still one event
    page.wait_for_timeout(500)
    assert events(base, CARDS[2]) == ["generated", "sent"]
    assert page.locator("#queued").inner_text() == "0"


def test_the_camera_reads_a_card(page, base) -> None:
    """Chromium's fake camera shows a QR code; Linux Chromium has no BarcodeDetector,
    so this is the station's own zxing WebAssembly decoding it."""
    page.goto("/scan")
    page.click("#camera")
    page.locator("#answer.recorded").wait_for(timeout=10000)
    assert f"Алесь {CARDS.index(CAMERA_CARD)}" in page.locator("#answer").inner_text()
    page.wait_for_timeout(1000)  # the camera keeps seeing the card: recorded once
    assert events(base, CAMERA_CARD) == ["generated", "sent"]


def test_the_card_page_marks_returned(page, base) -> None:
    card = CARDS[3]
    web.post(f"{base}/api/scans", json={"code": card.code})
    page.goto(f"/cards/{card.code}")
    assert "Алесь 3" in page.inner_text("#card")
    page.fill("#note", "moved to another colony")
    page.click("button[data-status=returned]")
    page.locator("#mark-answer.good").wait_for(timeout=5000)
    history = web.get(f"{base}/api/cards/{card.code}").json()["events"]
    assert history[-1]["status"] == "returned" and history[-1]["note"] == "moved to another colony"


def test_the_dashboard_shows_one_office(browser, office_base) -> None:
    """Choosing an office shows its cards alone, live, and a reload keeps the choice."""
    from playwright.sync_api import expect

    context = browser.new_context(base_url=office_base)
    page = context.new_page()
    try:
        page.goto("/")
        cards, shown = page.locator("#n-cards"), page.locator("#shown")
        sent = page.locator('[data-status="sent"]')
        expect(page.locator("#office")).to_be_visible()
        expect(cards).to_have_text("6")
        expect(shown).to_have_text("Whole campaign")
        assert page.locator("#offices tbody tr").count() == 2
        page.select_option("#office", label="seimas")
        expect(shown).to_have_text("Office seimas only")
        expect(cards).to_have_text("2")
        assert page.url.endswith("/?office=seimas")
        link = page.locator('[data-report="html"]')
        assert link.get_attribute("href") == "/download/report.html?office=seimas"
        hans = next(c for c in OFFICE_CARDS if c.office == "bundestag")
        ona = next(c for c in OFFICE_CARDS if c.office == "seimas")
        for card in (hans, ona):
            answer = web.post(f"{office_base}/api/scans", json={"code": card.code})
            assert answer.status_code == 200
        expect(page.locator("#last li")).to_have_count(1, timeout=5000)  # Ona's alone
        expect(sent).to_have_text("1")
        last = page.locator("#last").inner_text()
        assert format_code(ona.code) in last and "Ona Šimonytė" in last
        assert format_code(hans.code) not in last and "Hans" not in page.inner_text("main")
        page.reload()
        expect(shown).to_have_text("Office seimas only")
        expect(cards).to_have_text("2")
        page.select_option("#office", label="All offices")
        expect(cards).to_have_text("6")
        expect(sent).to_have_text("2")
        expect(page.locator("#last li")).to_have_count(2)
        assert page.url.endswith("/") and link.get_attribute("href") == "/download/report.html"
    finally:
        context.close()


# --- scans the station could not take stay on the phone --------------------------------


def ledger_events(path: Path, card: LedgerCard) -> list[str]:
    """The card's events as the ledger file holds them (not as a station answers)."""
    with Ledger.open(path) as ledger:
        return [e.status for e in ledger.history(card.code)]


@contextmanager
def serve(folder: Path, port: int, token: str) -> Iterator[str]:
    """``postcards serve --token`` in its own process on ``port``, the ledger in ``folder``;
    yields the join URL it prints, and stops it with SIGTERM as Ctrl-C would."""
    from conftest import wait_for_server

    process = subprocess.Popen(
        [sys.executable, "-m", "postcards", "serve", "--port", str(port), "--token", token],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1",
             "POSTCARDS_DATABASE": f"sqlite:///{folder / 'tracking.db'}"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        wait_for_server(f"http://127.0.0.1:{port}/scan", process)  # any answer: it listens
        join = ""  # printed before it listens: there by now, or the output has ended
        while not join and (line := process.stdout.readline()):
            join = line.split()[1] if line.startswith("open ") else ""
        yield join
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_scans_queued_across_a_restart_with_a_new_token(browser, tmp_path: Path) -> None:
    """The station stops; three cards are scanned meanwhile; it comes back with another
    token.  The phone keeps them (asking for the new join link), and once the volunteer
    opens it the same queue drains: each card recorded once."""
    from conftest import _free_port
    from playwright.sync_api import expect

    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(CARDS, at=AT)
    (tmp_path / "campaign.toml").write_text('[campaign]\nname = "spring"\n')
    port = _free_port()
    cards = CARDS[4:7]
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    answer, queued = page.locator("#answer"), page.locator("#queued")
    try:
        with serve(tmp_path, port, "first-token-16-chars") as join:
            assert join == f"http://127.0.0.1:{port}/scan?token=first-token-16-chars"
            page.goto(join)
            assert page.url == f"http://127.0.0.1:{port}/scan"  # the token went to a cookie
        for card in cards:  # the station is stopped
            wedge(page, card.code)
        expect(answer).to_have_class(re.compile(r"\bqueued\b"))
        expect(answer).to_contain_text("3 waiting: station unreachable")
        expect(queued).to_have_text("3")
        with serve(tmp_path, port, "second-token-16-chars") as join:
            # The retries reach the new station, which does not know token A's cookie.
            next_retry(page)
            expect(answer).to_contain_text("3 waiting: open the join link again", timeout=35000)
            expect(queued).to_have_text("3")
            assert [ledger_events(tmp_path / "tracking.db", c) for c in cards] == [
                ["generated"]
            ] * 3
            page.goto(join)  # the link the restarted station printed, on the same phone
            expect(queued).to_have_text("0", timeout=10000)
            expect(answer).to_have_class(re.compile(r"\brecorded\b"))
            expect(page.locator("#recent li")).to_have_count(3)
            expect(page.locator("#count")).to_have_text("3")
            next_retry(page)  # nothing more is sent
            page.wait_for_timeout(500)
        for card in cards:
            assert ledger_events(tmp_path / "tracking.db", card) == ["generated", "sent"]
    finally:
        context.close()


def test_scans_wait_while_the_ledger_is_busy(browser, tmp_path: Path, monkeypatch) -> None:
    """Another process holds the ledger's write lock: the station answers 503 (the ledger
    is busy); the scans stay on the phone, say so quietly, and are recorded once each
    when the lock goes, without anyone touching the phone."""
    from playwright.sync_api import expect

    # The station gives up on a locked ledger after 1 s instead of 10 s: the same 503,
    # sooner.  (The ledger takes the value when it opens its connection.)
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 1000)
    with contextmanager(_station)(tmp_path, CARDS) as base:
        context = browser.new_context(base_url=base)
        page = context.new_page()
        answer, queued = page.locator("#answer"), page.locator("#queued")
        try:
            page.clock.install()
            page.goto("/scan")
            holder = sqlite3.connect(tmp_path / "tracking.db", isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # as a print run writing its cards
            try:
                wedge(page, CARDS[0].code)
                wedge(page, CARDS[1].code)
                expect(answer).to_contain_text("2 waiting: station busy", timeout=10000)
                expect(answer).to_contain_text("the ledger is busy")
                expect(queued).to_have_text("2")
                page.wait_for_timeout(2500)  # another retry, answered 503 too
                expect(answer).to_have_class(re.compile(r"\bqueued\b"))
                expect(queued).to_have_text("2")
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            next_retry(page)
            expect(queued).to_have_text("0", timeout=20000)
            expect(answer).to_have_class(re.compile(r"\brecorded\b"))
            assert events(base, CARDS[0]) == events(base, CARDS[1]) == ["generated", "sent"]
        finally:
            context.close()


TONES = """window.tones = 0;
window.AudioContext = class extends window.AudioContext {
  createOscillator() { window.tones += 1; return super.createOscillator(); }
};"""
"""Counts the refusal tones the page plays (they still play)."""


def test_a_server_error_keeps_the_scan_a_refusal_drops_it(page, base) -> None:
    """500 and 503 answers (here from Chromium's own network layer) keep the scan and
    retry it with the same nonce, quietly; a refusal about the card (an unknown code, a
    code the station cannot read) takes it off the phone, with the refusal tone."""
    from playwright.sync_api import expect

    answer, queued = page.locator("#answer"), page.locator("#queued")
    failing = {"with": 500}
    nonces: list[str] = []

    def station_trouble(route) -> None:
        nonces.append(route.request.post_data_json["nonce"])
        if failing["with"] == 500:
            route.fulfill(status=500, content_type="text/plain", body="Internal Server Error")
        elif failing["with"] == 503:
            reason = "cannot write the ledger (database or disk is full); check free disk space"
            route.fulfill(status=503, json={"reason": reason})
        else:
            route.continue_()

    page.add_init_script(TONES)
    page.route("**/api/scans", station_trouble)
    page.clock.install()
    page.goto("/scan")
    wedge(page, CARDS[4].code)
    expect(answer).to_contain_text("1 waiting: station error")
    expect(answer).to_contain_text("HTTP 500")
    expect(queued).to_have_text("1")
    failing["with"] = 503
    next_retry(page)
    expect(answer).to_contain_text("1 waiting: station busy", timeout=10000)
    expect(answer).to_contain_text("disk is full")
    assert events(base, CARDS[4]) == ["generated"]
    failing["with"] = 0
    next_retry(page)
    expect(answer).to_have_class(re.compile(r"\brecorded\b"), timeout=20000)
    assert events(base, CARDS[4]) == ["generated", "sent"]
    assert len(nonces) >= 3 and set(nonces) == {nonces[0]}  # one scan, sent again
    assert page.evaluate("window.tones") == 0  # waiting is quiet

    unknown = new_code(random.Random(99))  # a well-formed code no card has
    assert unknown not in {card.code for card in CARDS}
    wedge(page, format_code(unknown))
    expect(answer).to_have_class(re.compile(r"\brefused\b"))
    expect(answer).to_contain_text("unknown code")
    expect(queued).to_have_text("0")
    assert page.evaluate("window.tones") == 1
    wedge(page, "K" * 201)  # the station answers 400: it cannot read the scan at all
    expect(answer).to_contain_text("longer than 200 characters")
    expect(queued).to_have_text("0")
    assert page.evaluate("window.tones") == 2
    refused = page.locator("#recent li").filter(has_text="refused")
    expect(refused).to_have_count(2)


def test_void_asks_again_and_can_be_undone(page, base) -> None:
    """A void by mistake: the first click only asks; the second voids; the undo brings the
    card back (a scan of it is then recorded)."""
    card = CARDS[8]
    page.goto(f"/cards/{card.code}")
    void = page.locator("button[data-status=void]")
    void.click()
    assert "click again to confirm" in void.inner_text()
    assert events(base, card) == ["generated"]  # one click voids nothing
    void.click()
    page.locator("#mark-answer.good").wait_for(timeout=5000)
    page.wait_for_load_state("load")
    page.locator("#unvoid").wait_for(timeout=5000)  # the page reloads with the undo button
    assert events(base, card) == ["generated", "void"]
    page.click("#unvoid")
    page.locator("#mark-answer.good").wait_for(timeout=5000)
    assert events(base, card) == ["generated", "void", "unvoid"]
    assert web.get(f"{base}/api/cards/{card.code}").json()["status"] == "generated"
    sent = web.post(f"{base}/api/scans", json={"code": card.code}).json()
    assert sent["result"] == "recorded"
    again = web.post(f"{base}/api/cards/{card.code}/unvoid", json={})
    assert again.status_code == 409 and "not void" in again.json()["reason"]
