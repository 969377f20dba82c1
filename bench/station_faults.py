"""Benchmark: the probe's table: scans from phones while the station fails, one row a fault.

Usage: python bench/station_faults.py [--clients 4] [--scans 150] [--postgres] [--host ADDR]

Each row is a fresh campaign: a ledger of clients × scans + 100 cards and a real station,
``python -m postcards -c CAMPAIGN serve --host ADDR --port P --token T`` in its own process
(ADDR: this machine's address on its network when it has one, else 127.0.0.1; the token is
required either way).  The clients are threads that do what the scan page does
(postcards/station/static/scan.js): a volunteer makes a scan every few tens of
milliseconds, each with a random nonce, onto the phone's queue; the queue is sent oldest
first, and a scan leaves it only when the station answered about the card (200 recorded,
repeat or refused; 400/413 with a JSON reason).  Anything else (401/403, 503, another
status, no connection, no answer in 15 s) keeps it, and the queue is sent again, with the
same nonces, after a backoff of 1 s doubling (capped at 2 s here; 30 s on a phone), or at
once when a new scan is made.  Faults, about two seconds into the run:

  none        the baseline
  lock        another process holds the SQLite ledger's write lock (BEGIN IMMEDIATE) for 5 s
  kill        the station is killed (SIGKILL) and started again 2 s later, same token
  new token   the station is stopped and started with another token; a phone that has been
              answered 401 for 2 s "opens the join link again" (takes the new token, sends now)
  disk full   (root, where tmpfs mounts) the SQLite ledger is on a small tmpfs, filled to the
              last byte for 3 s, then the filler is deleted
  pg stopped  (--postgres) PostgreSQL is stopped for 3 s and started again

--postgres starts a throwaway PostgreSQL server (initdb/pg_ctl, as bench/offices.py does)
and runs none, kill, new token and pg stopped on it too.

Each row: scans made; answered recorded, answered repeat (a resend whose first try was
recorded but whose answer was lost); lost (no event in the ledger and not refused, or
never answered); doubled (extra "sent" events of a card); refused wrongly (every card is
a fresh card of the campaign: any refusal is wrong); the scans still waiting (queued or in
flight) when the fault ended and how long after its end the last of them landed; and what
else the station answered meanwhile.  The ledger itself is checked after each row: every
card scanned has exactly one "sent" event, and the events with a nonce are as many as the
scans made, each with its own scan's card.  Exit 1 when a row fails any of these.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postgres_server import Postgres, free_port  # noqa: E402

from postcards.codes import new_code  # noqa: E402
from postcards.ledger.book import Ledger  # noqa: E402
from postcards.ledger.model import LedgerCard  # noqa: E402

CAMPAIGN = "bench"
TIMEOUT = 15.0  # scan.js TIMEOUT_MS
RETRY_FIRST = 1.0  # scan.js RETRY_FIRST_MS
JOIN_AFTER = 2.0  # seconds of 401 before the volunteer opens the join link again
MAKING = 8.0  # seconds over which each client makes its scans
FAULT_AT = 2.0  # seconds into the run
DRAIN = 60.0  # seconds after the last scan made for the queues to empty
COOKIE = "postcards_token"


# --- the phones -------------------------------------------------------------------------


@dataclass
class Scan:
    code: str
    nonce: str
    made: float
    landed: float | None = None  # when the station answered about the card
    result: str = ""  # recorded, repeat, refused (or 400/413's reason: refused)
    reason: str = ""
    tries: int = 0


@dataclass
class Join:
    """The join link the station printed last (what a volunteer would open)."""

    base: str
    token: str


@dataclass
class Answers:
    """What the station answered that was not about a card, across the clients."""

    kinds: dict[str, Counter] = field(default_factory=dict)  # kind -> reasons counted
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, reason: str) -> None:
        with self.lock:
            self.kinds.setdefault(kind, Counter())[reason] += 1

    def lines(self) -> list[str]:
        said = []
        for kind, reasons in sorted(self.kinds.items()):
            said.append(f"answered {kind} ×{sum(reasons.values())}:")
            said += [f"  ×{n} {reason[:300]}" for reason, n in reasons.most_common(5)]
            if len(reasons) > 5:
                said.append(f"  and {len(reasons) - 5} other reasons")
        return said


class Phone:
    """One scanning phone: a volunteer thread making scans, a sender thread as scan.js."""

    def __init__(self, name: str, codes: list[str], join: Join, answers: Answers, cap: float):
        self.name, self.codes, self.join, self.answers, self.cap = name, codes, join, answers, cap
        self.token = join.token
        self.scans: list[Scan] = []
        self.queue: list[Scan] = []
        self.cond = threading.Condition()
        self.kick = self.flushing = self.made_all = self.abandon = False
        self.retry_at: float | None = None
        self.delay = RETRY_FIRST
        self.first_401: float | None = None
        self.switched = 0
        self.threads = [
            threading.Thread(target=self._volunteer, name=f"{name}-volunteer", daemon=True),
            threading.Thread(target=self._sender, name=f"{name}-sender", daemon=True),
        ]

    def start(self, began: float) -> None:
        self.began = began
        for thread in self.threads:
            thread.start()

    def _volunteer(self) -> None:
        """Scan a card every MAKING / len(codes) seconds (jittered), whatever the station does."""
        rng = random.Random(self.name)
        step = MAKING / len(self.codes)
        for i, code in enumerate(self.codes):
            pause = self.began + (i + rng.uniform(0.2, 0.8)) * step - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            scan = Scan(code, secrets.token_hex(16), time.monotonic())
            with self.cond:
                self.scans.append(scan)
                self.queue.append(scan)
                if not self.flushing:  # submit() calls flush(), which returns while flushing
                    self.kick = True
                self.cond.notify()
        with self.cond:
            self.made_all = True
            self.cond.notify()

    def _sender(self) -> None:
        import httpx

        with httpx.Client(timeout=TIMEOUT) as http:
            while True:
                with self.cond:
                    while True:
                        now = time.monotonic()
                        if self.abandon or (self.made_all and not self.queue):
                            return
                        if self.kick:
                            break
                        if self.retry_at is not None and now >= self.retry_at:
                            break
                        switch_at = self._switch_at()
                        if switch_at is not None and now >= switch_at:
                            # The volunteer opens the new join link: the page loads afresh
                            # (its backoff too) and flushes the queue at once.
                            self.token, self.first_401 = self.join.token, None
                            self.delay, self.switched = RETRY_FIRST, self.switched + 1
                            break
                        waits = [t for t in (self.retry_at, switch_at) if t is not None]
                        self.cond.wait(min(waits) - now if waits else None)
                    self.kick, self.retry_at, self.flushing = False, None, True
                try:
                    self._flush(http)
                finally:
                    with self.cond:
                        self.flushing = False

    def _switch_at(self) -> float | None:
        if self.first_401 is None or self.join.token == self.token:
            return None
        return self.first_401 + JOIN_AFTER

    def _flush(self, http) -> None:
        while True:
            with self.cond:
                if not self.queue or self.abandon:
                    return
                scan = self.queue[0]
            scan.tries += 1
            reply, why, reason = self._send(http, scan)
            now = time.monotonic()
            with self.cond:
                if reply is None:
                    self.answers.add(why, reason)
                    if why == "401":
                        self.first_401 = self.first_401 or now
                    else:
                        self.first_401 = None
                    self.retry_at = now + self.delay
                    self.delay = min(self.delay * 2, self.cap)
                    self.cond.notify()
                    return
                self.first_401, self.delay = None, RETRY_FIRST
                self.queue = [s for s in self.queue if s.nonce != scan.nonce]
                scan.landed, scan.result = now, reply["result"]
                scan.reason = str(reply.get("reason") or "")

    def _send(self, http, scan: Scan) -> tuple[dict | None, str, str]:
        """The station's answer about the card, or (None, why, reason) as scan.js sorts it."""
        import httpx

        base = self.join.base
        headers = {
            "Cookie": f"{COOKIE}={self.token}",
            "Origin": base,
            "Sec-Fetch-Site": "same-origin",
        }
        body = {"code": scan.code, "status": "sent", "by": "", "device": self.name,
                "nonce": scan.nonce}  # fmt: skip
        try:
            response = http.post(f"{base}/api/scans", json=body, headers=headers)
        except httpx.TimeoutException:
            return None, "timeout", ""
        except httpx.TransportError as error:
            return None, "unreachable", f"{type(error).__name__}: {error}"
        try:
            reply = response.json()
        except ValueError:
            reply = None
        reply = reply if isinstance(reply, dict) else None
        reason = reply.get("reason") if reply else ""
        reason = reason if isinstance(reason, str) else ""
        status = response.status_code
        if status == 200 and reply and reply.get("result") in ("recorded", "repeat", "refused"):
            return reply, "", ""
        if status in (400, 413) and reason:
            return {"result": "refused", "reason": reason}, "", ""
        return None, str(status), reason or f"HTTP {status}"

    def idle(self) -> bool:
        with self.cond:
            return self.made_all and not self.queue

    def stop(self) -> None:
        with self.cond:
            self.abandon = True
            self.cond.notify()
        for thread in self.threads:
            thread.join(TIMEOUT + 5)


# --- the station ------------------------------------------------------------------------


class Station:
    """``postcards serve`` in its own process, its output in a log file."""

    def __init__(self, folder: Path, host: str, port: int):
        self.folder, self.host, self.port = folder, host, port
        self.process: subprocess.Popen | None = None
        self.log = folder / "station.log"

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, token: str) -> None:
        import httpx

        env = {k: v for k, v in os.environ.items() if k != "POSTCARDS_DATABASE"}
        env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "postcards", "-c", str(self.folder), "serve", "--host",
                 self.host, "--port", str(self.port), "--token", token],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.folder,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:  # any HTTP answer: it listens
            try:
                httpx.get(f"{self.base}/api/coverage", timeout=2,
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                return
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"the station did not start:\n{self.tail()}") from None
                time.sleep(0.02)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 15) -> str:
        """The log's last lines, its join QR codes left out."""
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join([line for line in text if not set(line) & set("█▀▄")][-lines:])


def network_address() -> str:
    """This machine's address on its network (no packet sent), when it can listen there."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
    try:
        free_port(address)
    except OSError:
        return "127.0.0.1"
    return address


# --- the faults -------------------------------------------------------------------------


@dataclass
class Row:
    """One fault: its name, the ledger it runs on, and what it does to the station."""

    name: str
    kind: str  # sqlite or postgresql
    fault: Callable[[Context], None] | None


@dataclass
class Context:
    station: Station
    join: Join
    ledger: Path | None  # the SQLite file
    folder: Path
    postgres: Postgres | None
    note: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


def lock_ledger(ctx: Context) -> None:
    assert ctx.ledger is not None
    connection = sqlite3.connect(ctx.ledger, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        ctx.started = time.monotonic()
        time.sleep(5)
        connection.execute("ROLLBACK")
        ctx.ended = time.monotonic()
    finally:
        connection.close()


def kill_station(ctx: Context) -> None:
    ctx.started = time.monotonic()
    ctx.station.kill()
    time.sleep(2)
    ctx.station.start(ctx.join.token)
    ctx.ended = time.monotonic()


def new_token(ctx: Context) -> None:
    ctx.started = time.monotonic()
    ctx.station.stop()
    token = secrets.token_urlsafe(24)[:32]
    ctx.station.start(token)
    ctx.join.token = token  # the join link it printed, for a volunteer to open
    ctx.ended = time.monotonic()


def fill_disk(ctx: Context) -> None:
    filler = ctx.folder / "filler"
    ctx.started = time.monotonic()
    written = 0
    with open(filler, "wb", buffering=0) as handle:
        for chunk in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    written += handle.write(b"\0" * chunk)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    ctx.note.append(f"filler of {written / 1e6:.1f} MB left {shutil.disk_usage(ctx.folder).free} "
                    "bytes free")  # fmt: skip
    time.sleep(3)
    filler.unlink()
    ctx.ended = time.monotonic()


def stop_postgres(ctx: Context) -> None:
    assert ctx.postgres is not None
    ctx.started = time.monotonic()
    ctx.postgres.stop()
    time.sleep(3)
    ctx.postgres.start()
    ctx.ended = time.monotonic()


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[bool]:
    """``folder`` as a tmpfs of ``size`` (True), or left as it is (False) when it cannot be."""
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder],
                              capture_output=True)  # fmt: skip
        mounted = done.returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", folder], check=False)


# --- a row ------------------------------------------------------------------------------


@dataclass
class Result:
    row: Row
    made: int = 0
    recorded: int = 0
    repeat: int = 0
    lost: int = 0
    doubled: int = 0
    refused: int = 0
    waiting: int = 0  # scans not yet answered about their card when the fault ended
    landed: float | None = None  # seconds after the fault's end the last of them landed
    never: int = 0  # scans still queued when the bench gave up
    answers: Answers = field(default_factory=Answers)
    lines: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.refused or self.never) and not any(
            line.startswith("FAILED") for line in self.lines
        )


def make_cards(count: int, seed: int) -> list[LedgerCard]:
    rng = random.Random(seed)
    return [LedgerCard(new_code(rng), CAMPAIGN, "1", f"S{i % 40}", f"P{i}", "ru",
                       f"Sender {i % 40}", f"Prisoner {i}") for i in range(count)]  # fmt: skip


def run_row(row: Row, number: int, folder: Path, url: str, host: str, args, pg) -> Result:
    result = Result(row)
    count = args.clients * args.scans
    cards = make_cards(count + 100, seed=number)  # 100 never scanned
    with Ledger.open(url) as ledger:
        ledger.record_generated(cards)
    (folder / "campaign.toml").write_text(
        f'[campaign]\nname = "{CAMPAIGN}"\n[tracking]\ndatabase = "{url}"\n', encoding="utf-8"
    )
    station = Station(folder, host, free_port(host))
    join = Join(station.base, secrets.token_urlsafe(24)[:32])
    station.start(join.token)
    ledger_file = Path(url.removeprefix("sqlite:///")) if row.kind == "sqlite" else None
    ctx = Context(station, join, ledger_file, folder, pg)
    codes = [c.code for c in cards[:count]]
    phones = [Phone(f"desk{n}", codes[n * args.scans : (n + 1) * args.scans], join,
                    result.answers, args.backoff) for n in range(args.clients)]  # fmt: skip
    began = time.monotonic()
    for phone in phones:
        phone.start(began)
    faulty: threading.Thread | None = None
    failure: list[BaseException] = []
    if row.fault is not None:

        def fault() -> None:
            time.sleep(FAULT_AT)
            try:
                row.fault(ctx)  # type: ignore[misc]
            except BaseException as error:  # said in the row's lines
                failure.append(error)

        faulty = threading.Thread(target=fault, daemon=True)
        faulty.start()
    deadline = began + MAKING + DRAIN
    while time.monotonic() < deadline and not (
        all(p.idle() for p in phones) and (faulty is None or not faulty.is_alive())
    ):
        time.sleep(0.05)
    result.elapsed = time.monotonic() - began
    for phone in phones:
        phone.stop()
    if faulty is not None:
        faulty.join(30)
    station.stop()
    if failure:
        result.lines.append(f"FAILED: the fault itself: {failure[0]!r}")

    scans = [s for p in phones for s in p.scans]
    result.made = len(scans)
    results = Counter(s.result for s in scans)
    result.recorded, result.repeat = results["recorded"], results["repeat"]
    result.refused = results["refused"]
    result.never = sum(1 for s in scans if s.landed is None)
    if row.fault is not None and ctx.ended:
        pending = [s for s in scans if s.made <= ctx.ended and (s.landed or 1e18) > ctx.ended]
        result.waiting = len(pending)
        if pending and all(s.landed for s in pending):
            result.landed = max(s.landed for s in pending) - ctx.ended  # type: ignore[type-var]

    with Ledger.open(url) as ledger:  # every event as the database holds it
        events = ledger._rows("SELECT code, status, nonce FROM events")
    sent = Counter(code for code, status, _ in events if status == "sent")
    by_nonce = Counter(nonce for _, _, nonce in events if nonce)
    nonce_code = {nonce: code for code, _, nonce in events if nonce}
    made_codes = {s.code for s in scans}
    refused = {s.code for s in scans if s.result == "refused"}
    result.lost = sum(1 for s in scans if not sent[s.code] and s.code not in refused)
    result.doubled = sum(n - 1 for n in sent.values() if n > 1)
    strays = [code for code in sent if code not in made_codes]
    sent_nonce = {code: nonce for code, status, nonce in events if status == "sent"}
    wrong_nonce = [s for s in scans if s.nonce in nonce_code and nonce_code[s.nonce] != s.code]
    wrong_nonce += [s for s in scans if sent[s.code] and sent_nonce[s.code] != s.nonce]
    told_recorded_missing = [s for s in scans if s.result == "recorded" and not sent[s.code]]
    nonces = sum(by_nonce.values())
    checks = (len(sent) == len(made_codes) - len(refused) and set(sent.values()) <= {1}
              and nonces == result.made - len(refused) and not strays and not wrong_nonce
              and max(by_nonce.values(), default=1) == 1)  # fmt: skip
    result.lines.append(
        f"{'ledger' if checks else 'FAILED: ledger'}: {sum(sent.values())} sent events on "
        f"{len(sent)} of the {len(made_codes)} cards scanned, {nonces} events with a nonce "
        f"for {result.made} scans made ({len(refused)} refused)"
        + (f"; {len(strays)} sent events of cards nobody scanned" if strays else "")
        + (
            f"; {len(wrong_nonce)} scans with their card's event under another nonce "
            "or their nonce on another card"
            if wrong_nonce
            else ""
        )
        + (
            f"; {len(told_recorded_missing)} answered recorded yet absent"
            if told_recorded_missing
            else ""
        )
    )
    if row.fault is not None:
        result.lines.append(
            f"fault from {ctx.started - began:.2f} s to {ctx.ended - began:.2f} s into the "
            f"run; the run ended after {result.elapsed:.1f} s; tries per scan: max "
            f"{max((s.tries for s in scans), default=0)}"
            + (
                f"; {sum(p.switched for p in phones)} join links opened"
                if row.name == "new token"
                else ""
            )
        )
    result.lines += ctx.note
    result.lines += result.answers.lines()
    for scan in [s for s in scans if s.result == "refused"][:5]:
        result.lines.append(f"FAILED: refused {scan.code}: {scan.reason[:160]}")
    if not result.ok or failure:
        result.lines.append("station log:\n" + station.tail())
    return result


# --- the table --------------------------------------------------------------------------

COLUMNS = ["fault", "ledger", "scans", "recorded", "repeat", "lost", "doubled",
           "refused wrongly", "waiting at fault end", "last landed after", "time"]  # fmt: skip


def cells(result: Result) -> list[str]:
    if result.row.fault is None:
        waiting = landed = "-"
    else:
        waiting = str(result.waiting)
        landed = (f"never ({result.never})" if result.never else "-" if not result.waiting
                  else f"{result.landed:.2f} s")  # fmt: skip
    return [result.row.name, result.row.kind, str(result.made), str(result.recorded),
            str(result.repeat), str(result.lost), str(result.doubled), str(result.refused), waiting,
            landed, f"{result.elapsed:.1f} s"]  # fmt: skip


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.ljust(w) if i < 2 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    return "\n".join([line(COLUMNS), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--scans", type=int, default=150, help="per client")
    parser.add_argument("--backoff", type=float, default=2.0, help="the longest retry wait")
    parser.add_argument("--postgres", action="store_true",
                        help="also on a throwaway PostgreSQL server, and stop it")  # fmt: skip
    parser.add_argument("--host", help="the address the station listens on "
                        "(default: this machine's on its network, else 127.0.0.1)")  # fmt: skip
    parser.add_argument("--only", help="these faults alone, by name: e.g. none,kill")
    args = parser.parse_args()
    host = args.host or network_address()
    rows = [Row("none", "sqlite", None), Row("lock", "sqlite", lock_ledger),
            Row("kill", "sqlite", kill_station), Row("new token", "sqlite", new_token),
            Row("disk full", "sqlite", fill_disk)]  # fmt: skip
    if args.postgres:
        rows += [Row("none", "postgresql", None), Row("kill", "postgresql", kill_station),
                 Row("new token", "postgresql", new_token),
                 Row("pg stopped", "postgresql", stop_postgres)]  # fmt: skip
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        rows = [row for row in rows if row.name in wanted]
    print(f"{args.clients} clients × {args.scans} scans a row, made over {MAKING:.0f} s; "
          f"the station on {host}, a token required; backoff 1 s doubling to "
          f"{args.backoff:g} s", flush=True)  # fmt: skip
    results: list[Result] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        os.chmod(top, 0o755)
        pg = Postgres(top / "pg") if args.postgres else None
        try:
            for number, row in enumerate(rows, 1):
                folder = top / f"row{number}"
                with contextlib.ExitStack() as stack:
                    if row.name == "disk full":
                        if not stack.enter_context(tmpfs(folder, "32m")):
                            skipped.append("disk full: not root, or tmpfs cannot be mounted")
                            continue
                    else:
                        folder.mkdir()
                    if row.kind == "sqlite":
                        url = f"sqlite:///{folder / 'tracking.db'}"
                    else:
                        assert pg is not None
                        url = pg.new_database(f"row{number}")
                    result = run_row(row, number, folder, url, host, args, pg)
                results.append(result)
                print(f"  {row.name} ({row.kind}): {'OK' if result.ok else 'FAILED'}",
                      flush=True)  # fmt: skip
        finally:
            if pg is not None:
                pg.stop(check=False)
    print()
    print(table([cells(r) for r in results]))
    print()
    for result in results:
        print(f"{result.row.name} ({result.row.kind}): {'OK' if result.ok else 'FAILED'}")
        for text in result.lines:
            print("  " + text.replace("\n", "\n    "))
    for text in skipped:
        print(f"skipped {text}")
    sys.exit(0 if all(r.ok for r in results) else 1)


if __name__ == "__main__":
    main()
