"""The campaign station's API on a real server: scans as `track scan` records them,
nonces, bad input answered 4xx with a reason, the token, the guards, two stations on one
PostgreSQL ledger."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import web

from postcards.codes import format_code, new_code
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard
from postcards.ledger.scanning import Scanner
from postcards.station.app import Station, create_app
from postcards.station.server import background, ensure_certificate, station_setup, terminal_qr

AT = "2025-03-01T09:30:00Z"
CAMPAIGN = "spring"


def make_cards(count: int, seed: int = 7) -> list[LedgerCard]:
    rng = random.Random(seed)
    return [
        LedgerCard(new_code(rng), CAMPAIGN, "1", f"S{i % 3}", f"P{i}", "ru", f"Sender {i % 3}",
                   "<script>alert(1)</script> Алесь" if i == 0 else f"Алесь {i}")
        for i in range(count)
    ]  # fmt: skip


@contextmanager
def station(url: str, cards: list[LedgerCard], token: str = "") -> Iterator[str]:
    """A real station (uvicorn in a thread) on the ledger at ``url``; yields its base URL."""
    ledger = Ledger.open(url)
    ledger.record_generated(cards, at=AT)
    try:
        with background(create_app(Station(ledger, CAMPAIGN, token=token))) as base:
            yield base
    finally:
        ledger.close()


@pytest.fixture
def cards() -> list[LedgerCard]:
    return make_cards(12)


@pytest.fixture
def base(tmp_path: Path, cards) -> Iterator[str]:
    with station(str(tmp_path / "tracking.db"), cards) as url:
        yield url


def scan(base: str, **body) -> httpx.Response:
    return web.post(f"{base}/api/scans", json=body)


def test_a_scan_answers_as_track_scan_does(base: str, cards, tmp_path: Path) -> None:
    card = cards[3]
    first = scan(base, code=card.code.lower(), by="Anna", device="desk")
    assert first.status_code == 200
    answer = first.json()
    assert answer["result"] == "recorded" and answer["code"] == format_code(card.code)
    assert answer["card"]["prisoner_name"] == "Алесь 3" and answer["card"]["status"] == "sent"
    again = scan(base, code=format_code(card.code)).json()
    assert again["result"] == "repeat" and again["first"]["by"] == "Anna"
    assert "already sent" in again["reason"]
    history = web.get(f"{base}/api/cards/{card.code}").json()["events"]
    assert [e["status"] for e in history] == ["generated", "sent"]
    assert history[1]["note"] == "station desk"


def test_refusals_carry_track_scans_reasons(base: str, cards, tmp_path: Path) -> None:
    """Every refusal `track scan` makes, in its words (the CLI's scanner on the same
    ledger gives the expected reason)."""
    assert scan(base, code=cards[1].code, status="void").json()["result"] == "recorded"
    wrong_check = cards[2].code[:-1] + ("0" if cards[2].code[-1] != "0" else "1")
    unknown = new_code(random.Random(99))
    with Ledger.open(tmp_path / "tracking.db") as ledger:
        scanner = Scanner(ledger)
        for line in ["nonsense!", wrong_check, unknown, cards[1].code, ""]:
            answer = scan(base, code=line).json()
            expected = scanner.scan(line)
            if expected is None:  # a blank line: the API asks for a code
                assert answer["reason"].startswith("no code")
                continue
            assert answer["result"] == "refused", line
            assert answer["reason"] == expected.message


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "not JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b"{}", 400, "no code"),
    (b'{"code": 12}', 400, "'code' must be text"),
    (b'{"code": "ABC", "status": "eaten"}', 400, "status 'eaten'"),
    (b'{"code": "ABC", "nonce": "' + b"x" * 200 + b'"}', 400, "longer than"),
    (b'{"code": "' + b"A" * 70000 + b'"}', 413, "64 KB"),
    (b"\xff\xfe", 400, "not JSON"),
])  # fmt: skip
def test_bad_input_is_4xx_with_a_reason(base: str, body: bytes, status: int, words: str) -> None:
    response = web.post(
        f"{base}/api/scans", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert words in response.json()["reason"]


def test_unknown_api_routes_are_json_404s(base: str) -> None:
    response = web.get(f"{base}/api/nothing")
    assert response.status_code == 404 and response.json()["reason"]
    assert web.get(f"{base}/api/cards/nonsense!").status_code == 400
    assert web.get(f"{base}/api/cards/{new_code(random.Random(5))}").status_code == 404
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/download/report.db",
        "/download/../tracking.db",
    ):
        assert web.get(f"{base}{path}").status_code == 404, path
    page = web.get(f"{base}/nowhere")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_a_resent_nonce_is_recorded_once(base: str, cards) -> None:
    """Two cards returned, each resent three times at once: one event each."""
    jobs = [(cards[i].code, f"nonce-{i}") for i in (4, 5) for _ in range(3)]
    for i in (4, 5):
        assert scan(base, code=cards[i].code, status="sent").json()["result"] == "recorded"
    results: list[str] = []

    def send(code: str, nonce: str) -> None:
        results.append(scan(base, code=code, status="returned", nonce=nonce).json()["result"])

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["recorded"] * 2 + ["repeat"] * 4
    for i in (4, 5):
        events = web.get(f"{base}/api/cards/{cards[i].code}").json()["events"]
        assert [e["status"] for e in events] == ["generated", "sent", "returned"]


def test_a_queued_scan_resent_after_a_later_change_is_a_repeat(base: str, cards) -> None:
    """A phone's queued "sent" reaches the station twice, the second time after the card
    came back: the nonce says it is the same scan, not a refused new one."""
    code = cards[6].code
    assert scan(base, code=code, nonce="n-6").json()["result"] == "recorded"
    assert scan(base, code=code, status="returned").json()["result"] == "recorded"
    resent = scan(base, code=code, nonce="n-6").json()
    assert resent["result"] == "repeat", resent["reason"]
    assert scan(base, code=code).json()["result"] == "repeat"  # without nonce: seen as sent


def test_the_ledger_keeps_a_nonce_once(ledger_url: str) -> None:
    from postcards.ledger.model import Event

    [card] = make_cards(1)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        note = lambda c, h: Event(c.code, "printed", AT, "me", f"#{len(h)}")  # noqa: E731
        assert ledger.record_checked(card.code, note, nonce="abc")[2] is not None
        assert ledger.record_checked(card.code, note, nonce="abc")[2] is None
        assert ledger.record_checked(card.code, note, nonce="abd")[2] is not None
        assert ledger.record_checked(card.code, note)[2] is not None
        assert ledger.record_checked(card.code, note)[2] is not None  # no nonce: no check
        assert len(ledger.history(card.code)) == 5


def test_coverage_counts_and_escapes(base: str, cards) -> None:
    scan(base, code=cards[0].code)
    coverage = web.get(f"{base}/api/coverage").json()
    assert coverage["cards"] == 12 and coverage["by_status"] == {"generated": 11, "sent": 1}
    assert coverage["prisoners"] == 12 and len(coverage["prisoners_without_sent"]) == 11
    assert coverage["parliaments"][0]["sent"] == 1
    page = web.get(f"{base}/").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    card_page = web.get(f"{base}/cards/{cards[0].code}").text
    assert "&lt;script&gt;alert(1)" in card_page and "<script>alert" not in card_page


def test_state_changes_from_another_site_are_refused(base: str, cards) -> None:
    response = web.post(
        f"{base}/api/scans", json={"code": cards[0].code}, headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 403 and "evil.example" in response.json()["reason"]
    response = web.post(
        f"{base}/api/scans", json={"code": cards[0].code}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert scan(base, code=cards[0].code).json()["result"] == "recorded"  # nothing recorded before


def test_downloads(base: str) -> None:
    for suffix, start in (("csv", b"\xef\xbb\xbfprisoner_id,"), ("xlsx", b"PK"), ("html", b"<!")):
        response = web.get(f"{base}/download/report.{suffix}")
        assert response.status_code == 200 and response.content.startswith(start)


def test_the_csv_download_without_a_bom(tmp_path: Path, cards) -> None:
    """`serve --no-bom`: the CSV download starts with its header, for tools that want that."""
    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(cards, at=AT)
        with background(create_app(Station(ledger, CAMPAIGN, bom=False))) as base:
            response = web.get(f"{base}/download/report.csv")
    assert response.status_code == 200 and response.content.startswith(b"prisoner_id,")


def test_a_token_is_required_when_set(tmp_path: Path, cards) -> None:
    with station(str(tmp_path / "t.db"), cards, token="s3cret") as base:
        assert web.get(f"{base}/api/coverage").status_code == 401
        assert web.get(f"{base}/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert scan(base, code=cards[0].code).status_code == 401
        ok = web.get(f"{base}/api/coverage", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        with httpx.Client(base_url=base, follow_redirects=True) as browser:
            page = browser.get("/scan?token=s3cret")
            assert page.status_code == 200 and page.url.path == "/scan" and not page.url.query
            assert "HttpOnly" in page.history[0].headers["set-cookie"]
            assert "SameSite=strict" in page.history[0].headers["set-cookie"]
            assert browser.get("/api/coverage").status_code == 200  # the cookie
            office = browser.get("/?token=s3cret&office=a%26b c")  # another query kept whole
            assert office.history[0].headers["location"] == "/?office=a%26b+c"
            assert office.status_code == 400 and "a&amp;b c" in office.text


def test_station_setup_token_tls_and_qr(tmp_path: Path) -> None:
    assert station_setup("127.0.0.1", 8000, None, False, tmp_path).token == ""
    lan = station_setup("0.0.0.0", 8000, None, True, tmp_path)
    assert len(lan.token) >= 20 and lan.join_url().startswith("https://")
    assert f"token={lan.token}" in lan.join_url()
    assert (tmp_path / "station-tls" / "cert.pem").exists()
    assert len(lan.fingerprint.split(":")) == 32
    again = station_setup("0.0.0.0", 8000, "given-token-16-chars", True, tmp_path)
    assert again.fingerprint == lan.fingerprint  # kept, not remade
    assert again.token == "given-token-16-chars"
    assert ensure_certificate(tmp_path / "station-tls", "x")[1].stat().st_mode & 0o077 == 0
    import numpy as np
    import zxingcpp

    art = terminal_qr(lan.join_url()).splitlines()
    # Back to pixels (each character is two module rows) and read it as a phone would.
    rows = []
    for line in art:
        top = [255 if ch in "█▀" else 0 for ch in line]
        bottom = [255 if ch in "█▄" else 0 for ch in line]
        rows += [top, bottom]
    image = np.kron(np.array(rows, dtype=np.uint8), np.ones((8, 8), dtype=np.uint8))
    image = np.pad(image, 16, constant_values=255)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [lan.join_url()]


def test_the_serve_command_stops_cleanly_on_sigterm(tmp_path: Path, cards) -> None:
    import os
    import signal
    import subprocess
    import sys

    from conftest import _free_port, wait_for_server

    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(cards, at=AT)
    (tmp_path / "campaign.toml").write_text(f'[campaign]\nname = "{CAMPAIGN}"\n')
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "postcards", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "POSTCARDS_DATABASE": f"sqlite:///{tmp_path / 'tracking.db'}"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(f"{base}/api/coverage", process)
        assert scan(base, code=cards[0].code).json()["result"] == "recorded"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert f"open http://127.0.0.1:{port}/scan" in out and "station stopped" in out
    with Ledger.open(tmp_path / "tracking.db") as ledger:
        assert [e.status for e in ledger.history(cards[0].code)] == ["generated", "sent"]


def test_two_stations_on_one_postgresql_ledger(postgres_server) -> None:
    url = postgres_server.new_database()
    cards = make_cards(6)
    with station(url, cards) as first:
        second_ledger = Ledger.open(url)
        try:
            with background(create_app(Station(second_ledger, CAMPAIGN))) as second:
                assert scan(first, code=cards[0].code).json()["result"] == "recorded"
                repeat = scan(second, code=cards[0].code).json()
                assert repeat["result"] == "repeat"
                assert scan(second, code=cards[1].code).json()["result"] == "recorded"
                seen = web.get(f"{first}/api/coverage").json()
                assert seen["by_status"]["sent"] == 2
        finally:
            second_ledger.close()


def test_the_archive_download(tmp_path: Path, cards) -> None:
    import io
    import zipfile

    from postcards.cards.design import load_design

    ledger = Ledger.open(tmp_path / "a.db")
    ledger.record_generated(cards, at=AT)
    fonts = lambda: load_design("solidarity").fonts  # noqa: E731
    try:
        with background(create_app(Station(ledger, CAMPAIGN, fonts=fonts))) as base:
            scan(base, code=cards[4].code)
            response = web.get(f"{base}/download/archive.zip")
            assert response.status_code == 200
            names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
            assert len(names) == 1 and "P4" in names[0] and names[0].endswith(".pdf")
            assert "/download/archive.zip" in web.get(f"{base}/").text
    finally:
        ledger.close()


def test_tls_serves_https_with_the_printed_fingerprint(tmp_path: Path, cards) -> None:
    """`serve --tls`: HTTPS answers, the certificate the server presents is the one whose
    fingerprint the terminal printed (what a phone's user compares), plain HTTP is not
    served, and the certificate is kept in the campaign folder."""
    import hashlib
    import os
    import signal
    import ssl
    import subprocess
    import sys

    from conftest import _free_port, wait_for_server

    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(cards, at=AT)
    (tmp_path / "campaign.toml").write_text(f'[campaign]\nname = "{CAMPAIGN}"\n')
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "postcards", "serve", "--port", str(port), "--tls"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "POSTCARDS_DATABASE": f"sqlite:///{tmp_path / 'tracking.db'}"},
    )
    try:
        base = f"https://127.0.0.1:{port}"
        wait_for_server(f"{base}/api/coverage", process, verify=False)
        answer = web.post(f"{base}/api/scans", json={"code": cards[0].code}, verify=False)
        assert answer.json()["result"] == "recorded"
        presented = ssl.get_server_certificate(("127.0.0.1", port))
        with pytest.raises(httpx.TransportError):
            web.get(f"http://127.0.0.1:{port}/api/coverage", timeout=2)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(presented)).hexdigest().upper()
    shown = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
    assert f"certificate SHA-256 fingerprint: {shown}" in out, out + err
    assert f"open https://127.0.0.1:{port}/scan" in out
    assert (tmp_path / "station-tls" / "cert.pem").exists()


# --- offices: several offices print for one campaign, each numbering its own senders ----

HANS, ONA = "Hans Müller", "Ona Šimonytė"


def office_cards() -> dict[str, LedgerCard]:
    """Sender "1" of office bundestag (Hans) and "1" of seimas (Ona): two people.

    Hans writes to B0, B1 and X; Ona to L0 and X (a prisoner both offices write to).
    """
    rng = random.Random(23)
    pairs = [("bundestag", HANS, "B0"), ("bundestag", HANS, "B1"), ("bundestag", HANS, "X"),
             ("seimas", ONA, "L0"), ("seimas", ONA, "X")]  # fmt: skip
    return {
        f"{office}:{prisoner}": LedgerCard(
            new_code(rng), CAMPAIGN, "1", "1", prisoner, "de", sender, f"Prisoner {prisoner}",
            message=f"Greetings from {sender}", office=office,
        )
        for office, sender, prisoner in pairs
    }  # fmt: skip


def test_coverage_per_office(ledger_url: str) -> None:
    """The dashboard's figures for the campaign and for each office alone: the same sender
    id in two offices is two senders, and no card of one office is counted in the other's."""
    cards = office_cards()
    with station(ledger_url, list(cards.values())) as base:

        def coverage(**params) -> dict:
            response = web.get(f"{base}/api/coverage", params=params)
            assert response.status_code == 200, response.text
            return response.json()

        before = coverage(office="bundestag")  # cached before the scans: rebuilt after them
        assert before["by_status"] == {"generated": 3} and before["office"] == "bundestag"
        assert scan(base, code=cards["bundestag:B0"].code, by="Anna").json()["result"] == "recorded"
        assert scan(base, code=cards["seimas:X"].code, by="Jonas").json()["result"] == "recorded"

        whole = coverage()
        assert whole["office"] is None and whole["cards"] == 5
        assert whole["by_status"] == {"generated": 3, "sent": 2}
        assert whole["prisoners"] == 4
        assert {p["prisoner_id"] for p in whole["prisoners_without_sent"]} == {"B1", "L0"}
        assert whole["parliaments"][0]["senders"] == 2  # the two senders "1"
        offices = [
            {"office": "bundestag", "senders": 1, "generated": 3, "sent": 1, "returned": 0},
            {"office": "seimas", "senders": 1, "generated": 2, "sent": 1, "returned": 0},
        ]
        assert whole["offices"] == offices
        assert {e["sender_name"] for e in whole["last_scans"]} == {HANS, ONA}

        bundestag = coverage(office="bundestag")
        assert bundestag["office"] == "bundestag" and bundestag["cards"] == 3
        assert bundestag["by_status"] == {"generated": 2, "sent": 1}
        assert bundestag["prisoners"] == 3  # B0, B1, X: not Ona's L0
        assert {p["prisoner_id"] for p in bundestag["prisoners_without_sent"]} == {"B1", "X"}
        assert [e["code"] for e in bundestag["last_scans"]] == [
            format_code(cards["bundestag:B0"].code)
        ]
        assert bundestag["last_scans"][0]["office"] == "bundestag"
        assert bundestag["parliaments"][0]["senders"] == 1
        assert bundestag["events"] == 1 and bundestag["offices"] == offices  # all, to choose

        seimas = coverage(office="seimas")
        assert seimas["cards"] == 2 and seimas["by_status"] == {"generated": 1, "sent": 1}
        assert seimas["prisoners"] == 2
        assert [p["prisoner_id"] for p in seimas["prisoners_without_sent"]] == ["L0"]
        assert seimas["last_scans"][0]["prisoner_name"] == "Prisoner X"

        # The other office's people are nowhere in an office's answer.
        for office, other, their_prisoner in (("bundestag", ONA, "L0"), ("seimas", HANS, "B1")):
            text = web.get(f"{base}/api/coverage", params={"office": office}).text
            assert other not in text and f'"{their_prisoner}"' not in text, office
            page = web.get(f"{base}/", params={"office": office}).text
            assert f"Office {office} only" in page and other not in page
            assert f'href="/download/report.html?office={office}"' in page
        assert coverage() == whole  # the cache keeps each filter's figures apart


def test_an_office_without_cards_is_refused(base: str) -> None:
    """A campaign printed by one unnamed office: ``?office=`` (empty) is that office."""
    assert web.get(f"{base}/api/coverage", params={"office": ""}).json()["cards"] == 12
    for where in ("/api/coverage", "/download/report.html", "/download/report.csv"):
        response = web.get(f"{base}{where}", params={"office": "nowhere"})
        assert response.status_code == 400, where
        assert "no cards of office 'nowhere'" in response.json()["reason"]
        assert "'' (unnamed)" in response.json()["reason"]
    page = web.get(f"{base}/", params={"office": "<b>nowhere</b>"})
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "&lt;b&gt;nowhere" in page.text and "<b>nowhere" not in page.text
    assert 'id="office-choice" hidden' in web.get(f"{base}/").text  # one office: no choice
    long = web.get(f"{base}/api/coverage", params={"office": "x" * 201})
    assert long.status_code == 400 and "longer than" in long.json()["reason"]


def test_cards_and_reports_name_their_office(tmp_path: Path) -> None:
    cards = office_cards()
    with station(str(tmp_path / "offices.db"), list(cards.values())) as base:
        for key, card in cards.items():
            shown = web.get(f"{base}/api/cards/{card.code}").json()
            assert shown["office"] == key.split(":")[0] and shown["sender_id"] == "1"
        assert scan(base, code=cards["seimas:L0"].code).json()["card"]["office"] == "seimas"
        page = web.get(f"{base}/cards/{cards['seimas:L0'].code}").text
        assert "<b>Office</b> seimas" in page and ONA in page
        report = web.get(f"{base}/download/report.html", params={"office": "bundestag"})
        assert report.status_code == 200 and "Office bundestag only" in report.text
        assert HANS in report.text and ONA not in report.text
        assert 'filename="report-bundestag.html"' in report.headers["content-disposition"]
        whole = web.get(f"{base}/download/report.html").text
        assert HANS in whole and ONA in whole and " only: " not in whole


def test_the_archive_names_each_letters_office(tmp_path: Path) -> None:
    """Two offices' senders "1" write to X, and one card of the unnamed office: each
    letter says who wrote it, with the office when the card has one."""
    from conftest import page_texts

    from postcards.cards.design import load_design
    from postcards.ledger.archive import collect, write_archive

    cards = office_cards()
    unnamed = LedgerCard(new_code(random.Random(5)), CAMPAIGN, "1", "1", "X", "en", "Anna Lee",
                         "Prisoner X", message="Greetings from Anna Lee")  # fmt: skip
    with Ledger.open(tmp_path / "archive.db") as ledger:
        ledger.record_generated([*cards.values(), unnamed], at=AT)
        for card in (cards["bundestag:X"], cards["seimas:X"], unnamed, cards["seimas:L0"]):
            ledger.record_event(card.code, "sent", "me", at=AT)
        bundles = collect(ledger, CAMPAIGN)
    by_prisoner = {b.prisoner_id: b for b in bundles}
    assert sorted(by_prisoner) == ["L0", "X"]
    assert sorted(letter.signed for letter in by_prisoner["X"].letters) == [
        "Anna Lee",
        f"{HANS} (office bundestag)",
        f"{ONA} (office seimas)",
    ]
    written = write_archive(bundles, tmp_path / "out", load_design("solidarity").fonts, CAMPAIGN)
    text = " ".join(page_texts(written[[b.prisoner_id for b in bundles].index("X")]))
    assert f"{HANS} (office bundestag) · 2025-03-01" in text
    assert f"{ONA} (office seimas) · 2025-03-01" in text
    assert "Anna Lee · 2025-03-01" in text and "Anna Lee (office" not in text
    assert f"Greetings from {HANS}" in text and f"Greetings from {ONA}" in text
    lone = " ".join(page_texts(written[[b.prisoner_id for b in bundles].index("L0")]))
    assert f"{ONA} (office seimas)" in lone and HANS not in lone
