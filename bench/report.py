"""Benchmark: `postcards track report` on a ledger of 100,000 cards, per output format.

Usage: python bench/report.py [--cards N] [--prisoners P] [--no-lists] [--runs R]
                              [--code DIR ...] [--keep DIR]

A campaign folder gets a ledger of N cards (default 100,000) written with plain SQL that
matches the schema (a few seconds): 2,000 senders of 4 offices in 8 parliaments, P
prisoners (default 1,500, a real list's size), every card "generated", about 60 % sent,
some returned, answered or delivered, 1 % voided and a few voided by mistake and undone.
Its lists are an office's: its 500 senders, and the P prisoners and 100 more in custody
who have no card yet (``--no-lists``: none, the report counts the ledger alone; with
``--prisoners 100000`` every card has a prisoner of its own, and the tables are long).
Then whole `postcards track report` processes are run for each format (the summary
alone, CSV, XLSX and HTML) and their wall time and peak RSS printed (medians of R runs).

``--code DIR`` runs the postcards checkout at DIR instead of this one; given twice or
more, the checkouts' runs alternate (a paired comparison on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postcards.codes import new_code  # noqa: E402
from postcards.ledger.book import Ledger  # noqa: E402

CAMPAIGN = "Bench campaign"
SENDERS, OFFICES, PARLIAMENTS, UNCARDED = 2000, 4, 8, 100
FORMATS = ("summary", "csv", "xlsx", "html")
AT = "2026-03-01T09:00:00Z"


def _day(rng: random.Random, month: int) -> str:
    return f"2026-{month:02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 18):02d}:00:00Z"


def _events(rng: random.Random, code: str) -> list[tuple[str, str, str, str, str]]:
    """One card's events after "generated": a mix like a campaign's, in recorded order."""
    roll, events = rng.random(), []
    if roll < 0.01:
        events.append((code, "void", _day(rng, 3), "desk", "smudge"))
        if rng.random() < 0.2:  # voided by mistake
            events.append((code, "unvoid", _day(rng, 3), "desk", "by mistake"))
    elif roll < 0.61:
        if rng.random() < 0.1:
            events.append((code, "printed", _day(rng, 3), "desk", ""))
        events.append((code, "sent", _day(rng, 4), f"desk{rng.randint(1, 4)}", ""))
        after = rng.random()
        if after < 0.05:
            events.append((code, "returned", _day(rng, 5), "desk", ""))
        elif after < 0.08:
            events.append((code, "reply", _day(rng, 6), "desk", ""))
        elif after < 0.10:
            events.append((code, "delivered", _day(rng, 5), "desk", ""))
    return events


def make_campaign(folder: Path, count: int, prisoners: int, lists: bool) -> None:
    """campaign.toml, its two lists (or none) and a ledger of ``count`` cards."""
    rng = random.Random(25)
    folder.mkdir(parents=True, exist_ok=True)
    inputs = '[inputs]\nsenders = "senders.csv"\nprisoners = "prisoners.csv"\n\n'
    (folder / "campaign.toml").write_text(
        f'[campaign]\nname = "{CAMPAIGN}"\nwave = "2026-03"\n\n{inputs if lists else ""}'
        '[tracking]\ndatabase = "sqlite:///tracking.db"\n',
        encoding="utf-8",
    )
    senders = [(str(i // OFFICES + 1), f"Sender {i} Łukasz", f"Parliament {i % PARLIAMENTS}",
                f"office{i % OFFICES}") for i in range(SENDERS)]  # fmt: skip
    mine = [s for s in senders if s[3] == "office0"]  # the lists are office0's own
    (folder / "senders.csv").write_text(
        "id,name,parliament\n" + "".join(f"{i},{n},{p}\n" for i, n, p, _ in mine), "utf-8"
    )
    (folder / "prisoners.csv").write_text(
        "id,name,institution,address,postcode,city\n"
        + "".join(f"P{i},Палітвязень {i},ИК № {i % 20},вул. {i},2{i % 10000:05d},Мінск\n"
                  for i in range(prisoners + UNCARDED)),
        "utf-8",
    )  # fmt: skip
    with Ledger.open(folder / "tracking.db"):
        pass  # the schema, as postcards makes it
    cards, events = [], []
    for i in range(count):
        code = new_code(rng)
        sender = senders[rng.randrange(SENDERS)]
        cards.append((code, CAMPAIGN, "2026-03", sender[0], f"P{i % prisoners}", "ru",
                      sender[1], f"Палітвязень {i % prisoners}", AT, "", sender[3]))  # fmt: skip
        events.append((code, "generated", AT, "postcards cards", ""))
        events += _events(rng, code)
    with sqlite3.connect(folder / "tracking.db") as db:
        db.executemany(
            "INSERT INTO cards (code, campaign, wave, sender_id, prisoner_id, language, "
            "sender_name, prisoner_name, created_at, message, office) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            cards,
        )
        db.executemany(
            "INSERT INTO events (code, status, at, by_name, note) VALUES (?,?,?,?,?)", events
        )
        db.executemany(
            "INSERT INTO senders (campaign, office, sender_id, name, parliament, recorded_at) "
            "VALUES (?,?,?,?,?,?)",
            [(CAMPAIGN, o, i, n, p if rng.random() < 0.7 else "", AT) for i, n, p, o in senders],
        )


def run_once(code: Path, folder: Path, fmt: str) -> tuple[float, float]:
    """One whole `track report` process: (seconds, peak RSS in MB)."""
    command = [sys.executable, "-m", "postcards", "-c", str(folder), "track", "report"]
    if fmt != "summary":
        command += ["-o", str(folder / "out" / f"report.{fmt}")]
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("POSTCARDS_DATABASE", None)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # in the campaign's folder: `-m` puts the working folder first on the path, so from a
        # checkout every --code would run that checkout
        process = subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL,
                                   stderr=err)  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)  # the child's own peak, not the largest
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{code}: report failed:\n{err.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--prisoners", type=int, default=1500)
    parser.add_argument("--no-lists", action="store_true", help="the ledger alone")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", help="a postcards checkout")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="make the campaign here (or reuse it)")
    args = parser.parse_args()
    codes = args.code or [ROOT]
    with tempfile.TemporaryDirectory() as tmp:
        folder = (args.keep or Path(tmp) / "campaign").resolve()
        if not (folder / "tracking.db").exists():
            began = time.perf_counter()
            make_campaign(folder, args.cards, args.prisoners, not args.no_lists)
            print(f"ledger of {args.cards:,} cards to {args.prisoners:,} prisoners made in "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        for fmt in args.formats.split(","):
            seen: dict[Path, list[tuple[float, float]]] = {code: [] for code in codes}
            for _ in range(args.runs):
                for code in codes:
                    seen[code].append(run_once(code, folder, fmt))
            for code, runs in seen.items():
                seconds = statistics.median(s for s, _ in runs)
                peak = statistics.median(m for _, m in runs)
                where = f" [{code}]" if len(codes) > 1 else ""
                print(f"{fmt:>7}: {seconds:5.2f} s, peak RSS {peak:4.0f} MB "
                      f"(median of {len(runs)}){where}")  # fmt: skip


if __name__ == "__main__":
    main()
