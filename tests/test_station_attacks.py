"""The station under attack (issue 21), each on a real server in a thread: DNS rebinding, weak
tokens, bodies that crashed it, a ledger gone, downloads left behind, slow clients, missing
headers, another campaign's names, an open redirect, the TLS key's mode."""

from __future__ import annotations

import logging
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import web

from postcards.codes import new_code
from postcards.errors import UsageError
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard
from postcards.station.app import Station, create_app
from postcards.station.server import (
    CLIENT_LIMITS,
    ClientLimits,
    StationSetup,
    background,
    ensure_certificate,
    station_setup,
)

AT = "2025-03-01T09:30:00Z"
CAMPAIGN = "spring"
TOKEN = "a-token-of-24-characters"


def make_cards(count: int, campaign: str = CAMPAIGN, seed: int = 3) -> list[LedgerCard]:
    rng = random.Random(seed)
    return [
        LedgerCard(new_code(rng), campaign, "1", f"S{i}", f"P{i}", "ru", f"Sender {campaign} {i}",
                   f"Prisoner {campaign} {i}")
        for i in range(count)
    ]  # fmt: skip


CARDS = make_cards(6)


@contextmanager
def station(
    url: str | Path, cards=CARDS, limits: ClientLimits = CLIENT_LIMITS, **settings
) -> Iterator[tuple[str, Ledger]]:
    """A real station (uvicorn in a thread) on the ledger at ``url``: its URL and ledger."""
    ledger = Ledger.open(url)
    ledger.record_generated(cards, at=AT)
    try:
        app = create_app(Station(ledger, CAMPAIGN, **settings))
        with background(app, limits=limits) as base:
            yield base, ledger
    finally:
        ledger.close()


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    with station(tmp_path / "tracking.db") as (url, _):
        yield url


def history(ledger: Ledger, card: LedgerCard) -> list[str]:
    return [e.status for e in ledger.history(card.code)]


# --- 1. DNS rebinding: the Host header must name the station -----------------------------


def test_a_page_re_pointed_at_the_station_is_misdirected(tmp_path: Path) -> None:
    """A page of evil.example whose name now resolves to 127.0.0.1 asks the station: its
    Host header names evil.example, and it gets 421 before any data; a scan is not
    recorded.  The station's own names, with its port, pass."""
    with station(tmp_path / "t.db", hosts=("station.lan",)) as (base, ledger):
        port = int(base.rsplit(":", 1)[1])
        for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}",
                     f"localhost:{port}.evil.example", f"[::2]:{port}", f"127.0.0.1:{port}@x",
                     f"0x7f.1:{port}"):  # fmt: skip
            for path in ("/api/coverage", "/", "/download/report.csv", "/static/station.css"):
                answer = web.get(f"{base}{path}", headers={"Host": host})
                assert answer.status_code == 421, (host, path)
                assert answer.json()["reason"].startswith("misdirected request"), host
                assert "Prisoner" not in answer.text
        card = CARDS[0]
        scan = web.post(f"{base}/api/scans", json={"code": card.code},
                          headers={"Host": f"evil.example:{port}"})  # fmt: skip
        assert scan.status_code == 421 and history(ledger, card) == ["generated"]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}",
                     f"[::1]:{port}", f"station.lan:{port}", f"localhost.:{port}"):  # fmt: skip
            assert web.get(f"{base}/api/coverage", headers={"Host": host}).status_code == 200
        with socket.create_connection(("127.0.0.1", port)) as raw:  # HTTP/1.0, no Host
            raw.sendall(b"GET /api/coverage HTTP/1.0\r\n\r\n")
            assert raw.recv(100).startswith(b"HTTP/1.1 421 ")


def test_the_join_url_of_a_station_on_every_address_passes(tmp_path: Path) -> None:
    """`serve --host 0.0.0.0`: the join URL names this machine's address (what a phone
    opens), which is the address its requests come in on; the host name passes too."""
    with Ledger.open(tmp_path / "t.db") as ledger:
        ledger.record_generated(CARDS, at=AT)
        lan = StationSetup("0.0.0.0", 0, TOKEN, None, None, "")
        app = create_app(Station(ledger, CAMPAIGN, token=TOKEN, hosts=lan.hosts))
        with background(app, host="0.0.0.0") as base:
            port = int(base.rsplit(":", 1)[1])
            join = StationSetup("0.0.0.0", port, TOKEN, None, None, "").join_url()
            with httpx.Client(follow_redirects=True) as phone:
                page = phone.get(join)
                assert page.status_code == 200 and page.url.path == "/scan", join
                assert phone.post(join.split("/scan")[0] + "/api/scans",
                                  json={"code": CARDS[1].code}).json()["result"] == "recorded"  # fmt: skip
            name = socket.gethostname()
            bearer = {"Authorization": f"Bearer {TOKEN}"}
            for host in (f"{name}:{port}", f"{name}.local:{port}"):
                answer = web.get(f"http://127.0.0.1:{port}/api/coverage",
                                   headers={"Host": host, **bearer})  # fmt: skip
                assert answer.status_code == 200, host
            evil = web.get(f"http://127.0.0.1:{port}/api/coverage",
                             headers={"Host": f"evil.example:{port}", **bearer})  # fmt: skip
            assert evil.status_code == 421


# --- 2. a token that turns the check off, or that anyone could guess ---------------------


@pytest.mark.parametrize("token, words", [
    ("", "--token is empty (an unset shell variable?)"),
    ("x", "--token is 1 character long: give one of at least 16"),
    ("fifteen-chars!!", "--token is 15 characters long"),
    ("sixteen chars ok", "visible ASCII characters only"),
    ("sixteen-chars-é!", "visible ASCII characters only"),
])  # fmt: skip
def test_a_weak_token_is_refused_at_start(tmp_path: Path, token: str, words: str) -> None:
    for host in ("0.0.0.0", "127.0.0.1"):
        with pytest.raises(UsageError, match=re.escape(words)):
            station_setup(host, 8000, token, False, tmp_path)
    assert (
        station_setup("0.0.0.0", 8000, "sixteen-chars-ok", False, tmp_path).token
        == "sixteen-chars-ok"
    )


def test_the_serve_command_refuses_an_empty_token(tmp_path: Path) -> None:
    from conftest import _free_port

    with Ledger.open(tmp_path / "tracking.db") as ledger:
        ledger.record_generated(CARDS, at=AT)
    (tmp_path / "campaign.toml").write_text(f'[campaign]\nname = "{CAMPAIGN}"\n')
    env = {**os.environ, "POSTCARDS_DATABASE": f"sqlite:///{tmp_path / 'tracking.db'}"}
    for token in ("", "short"):
        done = subprocess.run(
            [sys.executable, "-m", "postcards", "serve", "--host", "127.0.0.1",
             "--port", str(_free_port()), "--token", token],
            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=30,
        )  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        assert "--token is" in done.stderr and "16" in done.stderr and "open " not in done.stdout


# --- 3. bodies that crashed it: 4xx naming the field; a ledger gone: 503 -----------------


@pytest.mark.parametrize("body, words", [
    (b"[" * 30000 + b"]" * 30000, "nested deeper than 8 levels"),
    (b'{"code": ' + b"[" * 20 + b"]" * 20 + b"}", "nested deeper"),
    (b'{"code": "[[[[[[[[[[[[[[[[[[[[[["}', "refused"),  # brackets in a string: no depth
    (b'{"code": "\\ud800"}', "'code' contains a lone surrogate (U+D800)"),
    (b'{"code": "X", "by": "Anna\\udc00"}', "'by' contains a lone surrogate (U+DC00)"),
    (b'{"code": "X", "device": "desk\\u202eksed"}', "'device' contains an invisible right-to-left override (U+202E)"),
    (b'{"code": "X", "note": "a\\u0000b"}', "'note' contains an invisible control character (U+0000)"),
    (b'{"code": "X", "nonce": "n\\u200b1"}', "'nonce' contains an invisible zero-width space (U+200B)"),
    (b'{"code": "X", "by": "Anna\\nBob"}', "'by' contains an invisible control character (U+000A)"),
    (b'{"code": "X", "status": "sent\\u0007"}', "'status' contains an invisible"),
    (b'{"code": 123456789012345678901234567890}', "'code' must be text"),
    (b'{"code": 1' + b"0" * 5000 + b"}", "not JSON"),  # over Python's digit limit
])  # fmt: skip
def test_bad_bodies_are_400_naming_the_field(tmp_path: Path, body: bytes, words: str) -> None:
    body = body.replace(b'"X"', f'"{CARDS[2].code}"'.encode())
    with station(tmp_path / "t.db") as (base, ledger):
        answer = web.post(f"{base}/api/scans", content=body,
                            headers={"Content-Type": "application/json"})  # fmt: skip
        reason = answer.json()["reason"]
        if words == "refused":
            assert answer.status_code == 200 and answer.json()["result"] == words
        else:
            assert answer.status_code == 400 and words in reason, reason
        assert history(ledger, CARDS[2]) == ["generated"]


def test_names_joined_by_zwj_are_kept(base: str) -> None:
    """Zero-width joiners inside a word (some scripts need them) are not invisible junk."""
    answer = web.post(f"{base}/api/scans", json={"code": CARDS[3].code, "by": "क्\u200dष"})
    assert answer.json()["result"] == "recorded"


def test_a_token_that_is_not_ascii_is_refused_not_a_crash(tmp_path: Path) -> None:
    with station(tmp_path / "t.db", token=TOKEN) as (base, _):
        for given in ("é", "ключ", "\u202e"):
            assert web.get(f"{base}/api/coverage", params={"token": given}).status_code == 401
            cookie = f"postcards_token={given}".encode()
            answer = web.get(f"{base}/", headers={"Cookie": cookie})
            assert answer.status_code == 401


def test_a_ledger_gone_is_503_with_the_reason_everywhere(postgres_server) -> None:
    """The station's PostgreSQL connection is cut and the database takes no new one: every
    route that reads the ledger answers 503 with a reason, none 404 or 500."""
    import psycopg

    url = postgres_server.new_database()
    name = url.rsplit("/", 1)[1]
    admin = f"host=127.0.0.1 port={postgres_server.port} user=postcards dbname=postgres"
    with station(url) as (base, _):
        assert web.post(f"{base}/api/scans", json={"code": CARDS[0].code}).status_code == 200
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = %s", (name,))  # fmt: skip
        try:
            card = CARDS[1].code
            for method, path in (("POST", "/api/scans"), ("GET", f"/api/cards/{card}"),
                                 ("GET", f"/cards/{card}"), ("GET", "/api/coverage"),
                                 ("GET", "/"), ("GET", "/download/report.csv"),
                                 ("GET", "/download/report.html?office=")):  # fmt: skip
                answer = web.request(method, f"{base}{path}", json={"code": card})
                assert answer.status_code == 503, (path, answer.text)
                assert answer.json()["reason"] and "Traceback" not in answer.text, path
        finally:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


# --- 4. downloads: gone from the temp folder when answered; a HEAD builds nothing --------


def test_downloads_leave_nothing_in_the_temp_folder(tmp_path: Path, monkeypatch) -> None:
    from postcards.cards.design import load_design

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    fonts = lambda: load_design("solidarity").fonts  # noqa: E731
    with station(tmp_path / "t.db", fonts=fonts) as (base, _):
        web.post(f"{base}/api/scans", json={"code": CARDS[0].code})
        for _ in range(3):
            for path in ("report.csv", "report.xlsx", "report.html", "archive.zip"):
                answer = web.get(f"{base}/download/{path}")
                assert answer.status_code == 200 and answer.content, path
                assert answer.headers["cache-control"] == "no-store"
        with web.stream("GET", f"{base}/download/archive.zip") as cut:  # read no further
            assert cut.status_code == 200
        deadline = time.monotonic() + 5
        while list(temp.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p.name for p in temp.iterdir()] == []


def test_a_head_of_a_download_builds_nothing(tmp_path: Path, monkeypatch) -> None:
    """With no temp folder to write to, a HEAD still answers (it builds nothing), the
    archive's fonts are never loaded, and a GET says why it cannot (503, no 500)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    loaded: list[int] = []

    def fonts():
        loaded.append(1)
        raise AssertionError("a HEAD loads no fonts")

    with station(tmp_path / "t.db", fonts=fonts) as (base, _):
        for path, kind in (("report.csv", "text/csv"), ("report.xlsx", "spreadsheetml"),
                           ("report.html", "text/html"), ("archive.zip", "zip")):  # fmt: skip
            head = web.head(f"{base}/download/{path}")
            assert head.status_code == 200, (path, head.headers)
            assert kind in head.headers["content-type"]
            assert path.split(".")[1] in head.headers["content-disposition"]
        assert loaded == []
        office = web.head(f"{base}/download/report.csv", params={"office": "nowhere"})
        assert office.status_code == 400
        answer = web.get(f"{base}/download/report.csv")
        assert answer.status_code == 503
        assert answer.json()["reason"].startswith("the download could not be written")


# --- 5. slow and many clients -------------------------------------------------------------


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def soon(condition: Callable[[], bool], within: float) -> bool:
    """Whether ``condition`` holds within ``within`` seconds, looked at every 50 ms: a
    deadline, not a fixed sleep, so that a loaded machine is waited for."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def closed(sock: socket.socket) -> bool:
    """True when the station closed the connection (an EOF or a reset is waiting)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_slow_clients_are_bounded_in_number_and_time(tmp_path: Path) -> None:
    """200 clients send half a request line and stall: the station keeps at most its
    connection limit of them, still answers a scan at once, and closes every one of them
    within its request timeout.  Nothing of it floods the log."""
    limits = ClientLimits(request=3.0, connections=50)
    with station(tmp_path / "t.db", limits=limits) as (base, ledger):
        port = int(base.rsplit(":", 1)[1])
        records = Records()
        logging.getLogger("uvicorn.error").addHandler(records)
        slow: list[socket.socket] = []
        try:
            for _ in range(200):
                sock = socket.create_connection(("127.0.0.1", port))
                sock.sendall(b"GET /api/coverage HT")
                slow.append(sock)
            started = time.monotonic()
            answer = web.post(f"{base}/api/scans", json={"code": CARDS[0].code}, timeout=5)
            assert answer.json()["result"] == "recorded"
            # answered long before the stalled clients time out (a loaded machine's margin)
            assert time.monotonic() - started < limits.request / 2
            # all but the newest 50 made room at once; all go within the request timeout
            assert soon(lambda: sum(closed(s) for s in slow) >= 150, within=1.5)
            assert soon(lambda: sum(closed(s) for s in slow) == 200, within=limits.request + 2)
            # A body that never ends is closed in time too, without an error logged.
            with socket.create_connection(("127.0.0.1", port)) as trickle:
                trickle.sendall(f"POST /api/scans HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                "Content-Type: application/json\r\nContent-Length: 100\r\n"
                                '\r\n{"code"'.encode())  # fmt: skip
                assert soon(lambda: closed(trickle), within=limits.request + 2)
            # Bad requests, oversized heads and upgrades: answered, said once in the log.
            for _ in range(30):
                with socket.create_connection(("127.0.0.1", port)) as bad:
                    bad.sendall(b"NOT HTTP AT ALL\r\n\r\n")
                    assert bad.recv(100).startswith(b"HTTP/1.1 400 ")
            with socket.create_connection(("127.0.0.1", port)) as big:  # a head without end
                big.sendall(b"GET /api/coverage HTTP/1.1\r\nX-Big: " + b"x" * 10000)
                assert big.recv(100).startswith(b"HTTP/1.1 400 ")
            for _ in range(30):
                upgrade = {"Connection": "Upgrade", "Upgrade": "websocket"}
                assert web.get(f"{base}/api/coverage", headers=upgrade).status_code == 200
        finally:
            logging.getLogger("uvicorn.error").removeHandler(records)
            for sock in slow:
                sock.close()
        messages = [r.getMessage() for r in records.records]
        assert len(messages) <= 4, messages
        assert not [r for r in records.records if r.levelno >= logging.ERROR], messages


# --- 6. headers ---------------------------------------------------------------------------


def test_every_answer_is_nosniff_and_personal_ones_no_store(tmp_path: Path) -> None:
    with station(tmp_path / "t.db", token=TOKEN) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        personal = [
            web.get(f"{base}/", headers=bearer),
            web.get(f"{base}/scan", headers=bearer),
            web.get(f"{base}/cards/{CARDS[0].code}", headers=bearer),
            web.get(f"{base}/api/coverage", headers=bearer),
            web.get(f"{base}/api/cards/{CARDS[0].code}", headers=bearer),
            web.post(f"{base}/api/scans", json={"code": CARDS[1].code}, headers=bearer),
            web.get(f"{base}/download/report.csv", headers=bearer),
            web.get(f"{base}/api/nothing", headers=bearer),
            web.get(f"{base}/api/coverage"),  # 401
            web.get(f"{base}/api/coverage", headers={"Host": f"evil.example:{port}"}),  # 421
            web.get(f"{base}/scan", params={"token": TOKEN}),  # the redirect with the cookie
        ]
        for answer in personal:
            assert answer.headers["x-content-type-options"] == "nosniff", answer.url
            assert answer.headers["cache-control"] == "no-store", answer.url
        static = web.get(f"{base}/static/station.css", headers=bearer)
        assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"
        assert "no-store" not in static.headers.get("cache-control", "")


# --- 7. a refused scan of another campaign's card names none of its people ----------------


def test_another_campaigns_card_names_none_of_its_people(tmp_path: Path) -> None:
    autumn = make_cards(2, "autumn", seed=9)
    scope = {"campaign": CAMPAIGN, "url": None}
    with station(tmp_path / "t.db", cards=CARDS + autumn, scope=scope) as (base, ledger):
        assert web.post(f"{base}/api/scans",
                          json={"code": CARDS[0].code, "nonce": "n-1"}).json()["result"] == "recorded"  # fmt: skip
        for body in ({"code": autumn[0].code}, {"code": autumn[1].code, "nonce": "n-1"}):
            answer = web.post(f"{base}/api/scans", json=body)
            shown = answer.json()
            assert answer.status_code == 200 and shown["result"] == "refused", shown
            assert shown["card"] is None and "first" not in shown
            assert "a card of another campaign" in shown["reason"]
        for path in (f"/api/cards/{autumn[0].code}", f"/cards/{autumn[0].code}"):
            answer = web.get(f"{base}{path}")
            assert answer.status_code == 404 and "a card of another campaign" in answer.text
        for answer in (web.post(f"{base}/api/scans", json={"code": autumn[0].code}),
                       web.get(f"{base}/api/cards/{autumn[0].code}"),
                       web.get(f"{base}/cards/{autumn[0].code}")):  # fmt: skip
            assert "autumn" not in answer.text and "Sender" not in answer.text
        assert [history(ledger, c) for c in autumn] == [["generated"]] * 2


# --- 8. the token redirect goes to a path of the station only -----------------------------


def test_the_token_redirect_stays_on_the_station(tmp_path: Path) -> None:
    with station(tmp_path / "t.db", token=TOKEN) as (base, _):
        for path, location in (
            ("//evil.example/", "/"),
            ("//evil.example/?x=1", "/?x=1"),
            ("/%2F%2Fevil.example/", "/"),
            ("/%5Cevil.example/", "/"),
            ("/%09/evil.example/", "/"),
            ("/cards/a%3Fb", "/cards/a%3Fb"),
            ("/cards/https://evil.example", "/"),
            ("/scan", "/scan"),
            ("/?office=a%26b c", "/?office=a%26b+c"),
        ):
            sep = "&" if "?" in path else "?"
            answer = web.get(f"{base}{path}{sep}token={TOKEN}")
            assert answer.status_code == 303, path
            assert answer.headers["location"] == location, path


# --- 9. the TLS key: its owner's alone from its first byte --------------------------------


def test_the_tls_key_is_never_readable_by_others(tmp_path: Path) -> None:
    folder = tmp_path / "station-tls"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.pem"
    (folder / "key.pem").symlink_to(elsewhere)  # planted: the key must not land there
    umask = os.umask(0)
    try:
        cert, key = ensure_certificate(folder, "127.0.0.1")
    finally:
        os.umask(umask)
    assert not elsewhere.exists()
    assert not key.is_symlink() and key.stat().st_mode & 0o777 == 0o600
    assert cert.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in folder.iterdir()) == ["cert.pem", "key.pem"]
    # A key left without its certificate is made again; whoever held the old file open
    # reads the old bytes, never the new key.
    cert.unlink()
    key.write_bytes(b"old")
    with open(key, "rb") as held:
        ensure_certificate(folder, "127.0.0.1")
        assert held.read() == b"old"
    assert b"PRIVATE KEY" in key.read_bytes() and key.stat().st_mode & 0o777 == 0o600
