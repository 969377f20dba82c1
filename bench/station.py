"""Benchmark: the campaign station under four scanning desks at once.

Usage: python bench/station.py [--database URL]   (default: a fresh SQLite file)

One station (uvicorn, in its own process, as `postcards serve` runs it) on a ledger of
1,100 cards; 4 clients send 300 scans each at the same time over keep-alive
connections: 50 codes every client scans (the same cards at four desks), 245 codes of
its own, and 5 resends of an earlier scan with the same nonce (20 in all, a phone's
queue sent twice).  The desks are threads with the standard library's HTTP client: light
enough that on a 2-core machine the clients do not take the station's core (httpx took
about 0.9 ms of CPU a request, as much as the station itself).  Prints scans/s and the
p50/p95 latency, and checks the ledger: every card scanned has exactly one "sent" event
(nothing lost, nothing doubled).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postcards.codes import new_code  # noqa: E402
from postcards.ledger.book import Ledger  # noqa: E402
from postcards.ledger.model import LedgerCard  # noqa: E402

CLIENTS, SHARED, OWN, RESENT = 4, 50, 245, 5  # per client: 50 + 245 + 5 = 300 scans
JSON = {"Content-Type": "application/json"}
CAMPAIGN = "bench"


def make_cards(count: int) -> list[LedgerCard]:
    rng = random.Random(3)
    return [LedgerCard(new_code(rng), CAMPAIGN, "1", f"S{i % 40}", f"P{i}", "ru",
                       f"Sender {i % 40}", f"Prisoner {i}") for i in range(count)]  # fmt: skip


def _serve(url: str, port: int) -> None:
    """The station as `postcards serve` runs it on localhost: its uvicorn settings (the
    bounded h11 protocol, the client limits), no token, no TLS."""
    from postcards.station.app import Station, create_app
    from postcards.station.server import StationSetup, serve

    ledger = Ledger.open(url)
    setup = StationSetup("127.0.0.1", port, token="", cert=None, key=None, fingerprint="")
    serve(create_app(Station(ledger, CAMPAIGN, hosts=setup.hosts)), setup)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plan(codes: list[str]) -> list[list[dict]]:
    """Each client's scans, in its order: shared, own and resent ones shuffled."""
    shared, rest = codes[:SHARED], codes[SHARED:]
    clients = []
    for n in range(CLIENTS):
        own = rest[n * OWN : (n + 1) * OWN]
        scans = [{"code": c, "nonce": f"{n}-{c}", "device": f"desk{n}"} for c in shared + own]
        random.Random(n).shuffle(scans)
        resends = [dict(s) for s in scans[:RESENT]]  # the same scans, the same nonces
        clients.append(scans + resends)
    return clients


def run(url: str) -> bool:
    cards = make_cards(CLIENTS * OWN + SHARED + 100)  # 100 never scanned
    with Ledger.open(url) as ledger:
        ledger.record_generated(cards)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port))
    server.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urlopen(f"{base}/api/coverage"):
                break
        except OSError:
            time.sleep(0.05)
    work = plan([c.code for c in cards])
    latencies: list[float] = []
    results: Counter = Counter()
    errors: list[str] = []
    start = threading.Barrier(CLIENTS + 1)

    def client(scans: list[dict]) -> None:
        """One desk: a keep-alive connection, a scan at a time, each answer awaited."""
        http = HTTPConnection("127.0.0.1", port)
        http.request("GET", "/api/coverage")  # connect before the clock starts
        http.getresponse().read()
        start.wait()
        for scan in scans:
            began = time.perf_counter()
            http.request("POST", "/api/scans", json.dumps(scan), JSON)
            response = http.getresponse()
            body = response.read()
            latencies.append(time.perf_counter() - began)
            if response.status != 200:
                errors.append(f"{response.status} {body[:100]!r}")
            else:
                results[json.loads(body)["result"]] += 1
        http.close()

    threads = [threading.Thread(target=client, args=(scans,)) for scans in work]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    server.terminate()
    server.join()

    total = sum(len(s) for s in work)
    latencies.sort()
    p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]
    print(
        f"{url.split('://')[0] if '://' in url else 'sqlite'}: {total} scans from {CLIENTS} "
        f"clients in {elapsed:.2f} s = {total / elapsed:.0f} scans/s; "
        f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; {dict(results)}"
    )
    expected = SHARED + CLIENTS * OWN
    with Ledger.open(url) as ledger:
        sent = Counter(e.code for e in ledger.events(CAMPAIGN) if e.status == "sent")
    ok = (not errors and results["recorded"] == expected and len(sent) == expected
          and set(sent.values()) == {1})  # fmt: skip
    print(
        f"  ledger: {len(sent)} cards sent (expected {expected}), "
        f"{sum(n - 1 for n in sent.values())} doubled, {len(errors)} errors: "
        f"{'OK' if ok else 'FAILED'}"
    )
    for error in errors[:5]:
        print(f"  {error}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a ledger URL (e.g. postgresql+psycopg://…); "
                        "default: a fresh SQLite file")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'tracking.db'}"
        sys.exit(0 if run(url) else 1)


if __name__ == "__main__":
    main()
