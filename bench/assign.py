"""Benchmark: pairing 500 senders with 1,215 prisoners, and the whole `assign` job.

Usage: python bench/assign.py [SENDERS PRISONERS]   (default: 500 1215)

Prints three times:
- pairing alone (postcards.pairing.fair.pair, best of 5), with earlier-wave tallies for every
  prisoner and the language preference on;
- `assign` as a user runs it: reading both spreadsheets, the ledger's earlier wave,
  pairing and writing assignments.csv (one card per prisoner);
- the same with godparenthood on, keeping last wave's pairs.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from postcards.campaign_file import load_campaign
from postcards.codes import new_code
from postcards.inputs.people import Prisoner, Sender
from postcards.jobs.assign import assign_wave
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard, Tally
from postcards.pairing.fair import Rules, pair


def records(senders: int, prisoners: int) -> tuple[list[Sender], list[Prisoner]]:
    rng = random.Random(1)
    people = [
        Sender(
            f"S{i:04d}",
            f"Sender {i}",
            i + 2,
            language=rng.choice(["ru", "pl", ""]),
            cards=rng.choice([None, None, 2, 5]),
        )
        for i in range(senders)
    ]
    custody = [
        Prisoner(
            f"P{i:05d}",
            f"Prisoner {i}",
            i + 2,
            language=rng.choice(["ru", "be"]),
            status="in_custody" if i % 20 else "released",
        )
        for i in range(prisoners)
    ]
    return people, custody


def time_pairing(senders: int, prisoners: int) -> float:
    people, custody = records(senders, prisoners)
    rng = random.Random(2)
    tallies = {p.id: Tally(generated=rng.randint(0, 4), sent=rng.randint(0, 3)) for p in custody}
    rules = Rules(seed=1, match_language=True, tallies=tallies)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        plan = pair(people, custody, rules)
        best = min(best, time.perf_counter() - start)
    assert plan.pairings
    return best


def write_campaign(folder: Path, senders: int, prisoners: int) -> Path:
    people, custody = records(senders, prisoners)
    with open(folder / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "language", "cards"])
        out.writerows([s.id, s.name, s.language, s.cards or ""] for s in people)
    with open(folder / "prisoners.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "institution", "postcode", "city", "language", "status"])
        out.writerows(
            [p.id, p.name, "ИК № 9", "213410", "г. Горки", p.language, p.status] for p in custody
        )
    (folder / "campaign.toml").write_text(
        '[campaign]\nname = "Bench"\nwave = "2"\nmatch_language = true\n[inputs]\n'
        'senders = "senders.csv"\nprisoners = "prisoners.csv"\n',
        encoding="utf-8",
    )
    rng = random.Random(3)
    cards = [
        LedgerCard(new_code(rng), "Bench", "1", people[i % senders].id, p.id, "ru", "", "")
        for i, p in enumerate(custody)
    ]
    with Ledger.open(folder / "tracking.db") as ledger:
        ledger.record_generated(cards)
        for card in cards[::3]:
            ledger.record_event(card.code, "sent", "bench")
    return folder / "campaign.toml"


def main() -> None:
    senders, prisoners = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (500, 1215)
    print(f"{senders} senders × {prisoners} prisoners")
    print(f"pairing alone:         {time_pairing(senders, prisoners) * 1000:7.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        campaign = load_campaign(write_campaign(Path(tmp), senders, prisoners))
        for label, settings in (
            ("assign, files + ledger:", campaign),
            ("with godparenthood:", replace(campaign, godparenthood=True)),
        ):
            start = time.perf_counter()
            result = assign_wave(settings, Path(tmp) / "assignments.csv")
            elapsed = time.perf_counter() - start
            print(f"{label:<23}{elapsed * 1000:7.1f} ms ({len(result.pairs.pairings)} cards)")


if __name__ == "__main__":
    main()
