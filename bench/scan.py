"""Benchmark: scans per second for codes piped into `postcards track scan` (SQLite).

Usage: python bench/scan.py [N]   (default: 10000)

A fresh SQLite ledger gets N cards; N codes (a tenth of them as a scanner or a person
types them: lower case, hyphens, the look-alikes O and L) are piped into one
`postcards track scan` process, as a file of codes would be.  Every scan is its own
transaction: it locks the card, reads its history, checks the status rules and appends
the event.  Start-up (imports, opening the ledger) is timed apart with an empty pipe.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postcards.codes import format_code, new_code  # noqa: E402
from postcards.ledger.book import Ledger  # noqa: E402
from postcards.ledger.model import LedgerCard  # noqa: E402


def make_ledger(path: Path, count: int) -> list[str]:
    rng = random.Random(1)
    cards = [LedgerCard(new_code(rng), "Postcards campaign", "1", f"S{i % 40}", f"P{i}", "ru",
                        f"Sender {i % 40}", f"Prisoner {i}") for i in range(count)]  # fmt: skip
    with Ledger.open(path) as ledger:
        ledger.record_generated(cards)
    return [c.code for c in cards]


def as_typed(code: str, index: int) -> str:
    if index % 10:
        return code
    return format_code(code).lower().replace("0", "o").replace("1", "l")


def scan(folder: Path, lines: list[str]) -> tuple[float, str]:
    env = {**os.environ, "POSTCARDS_DATABASE": f"sqlite:///{folder / 'tracking.db'}",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "postcards", "track", "scan", "--by", "bench"],
                          input="".join(f"{line}\n" for line in lines), capture_output=True,
                          text=True, cwd=folder, env=env)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"scan failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stderr.strip().splitlines()[-1]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        codes = make_ledger(folder / "tracking.db", count)
        startup, _ = scan(folder, [])
        elapsed, summary = scan(folder, [as_typed(c, i) for i, c in enumerate(codes)])
    work = elapsed - startup
    print(f"{count} piped codes: {elapsed:.2f} s in all, start-up {startup:.2f} s")
    print(f"{count / work:.0f} scans/s ({1000 * work / count:.2f} ms a scan); {summary}")


if __name__ == "__main__":
    main()
