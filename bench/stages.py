"""Benchmark: the stages of `postcards cards` that are not drawing, in ms a card.

Usage: python bench/stages.py [N ...]   (default: 10000)

Each size runs in a fresh process on bench/cards.py's fictional campaign: reading and
checking the lists and pairing (prepare), print order and codes, planning with the content
check and the per-card preflight, the manifest, and the ledger (the cards with their
print run, and the prisoner list).  The PDF is not drawn: this is what every print run
pays besides its writer, and what ``postcards check`` pays.  Peak RSS includes every
plan, kept as ``make_cards`` keeps them today.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_one(cards: int) -> dict[str, float]:
    """Time each stage in this process; returns seconds by stage and the peak RSS."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from cards import write_campaign

    from postcards.campaign_file import load_campaign
    from postcards.files import open_csv
    from postcards.inputs.freshness import snapshot
    from postcards.jobs import cards as job
    from postcards.jobs import check as checking
    from postcards.jobs import planning
    from postcards.jobs.lists import few_full_collections
    from postcards.jobs.manifest import write_manifest
    from postcards.ledger.book import Ledger
    from postcards.ledger.model import LedgerCard, LedgerSender
    from postcards.printing.run import CardOptions, Place

    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, few_full_collections():
        folder = Path(tmp)
        campaign = load_campaign(write_campaign(folder, cards))
        options = CardOptions()
        start = time.perf_counter()
        report, planner = checking.prepare(campaign, options)
        times["read, check, pair"] = time.perf_counter() - start
        start = time.perf_counter()
        pairings, _ = job._selected(campaign, None, checking.print_order(report.pairings), options)
        codes = job._codes(None, campaign, pairings)
        times["print order, codes"] = time.perf_counter() - start
        start = time.perf_counter()
        content = checking.content_check(campaign, options, report)
        plans = list(planning.iter_plans(planner, pairings, codes, report, content=content))
        times["plan, content check, preflight"] = time.perf_counter() - start
        assert not report.problems, report.problems[:3]
        start = time.perf_counter()
        places = [Place(2 * i + 1, 2 * i + 2, i + 1, 1) for i in range(len(plans))]
        rows = [
            LedgerCard(p.code, campaign.name, p.wave, p.sender.id, p.prisoner.id, p.language,
                       p.sender.name, p.prisoner.name, p.text, campaign.office)
            for p in plans
        ]  # fmt: skip
        returns = [" / ".join(p.return_address.lines) if p.return_address else "" for p in plans]
        manifest = [
            (c.code, c.wave, c.sender_id, c.prisoner_id, c.language, c.sender_name,
             c.prisoner_name, c.message, returned)
            for c, returned in zip(rows, returns, strict=True)
        ]  # fmt: skip
        with open_csv(folder / "cards.manifest.csv", campaign.csv_bom) as handle:
            write_manifest(handle, manifest, places, campaign.office)
        times["manifest"] = time.perf_counter() - start
        start = time.perf_counter()
        senders = {p.sender.id: LedgerSender(campaign.name, campaign.office, p.sender.id,
                                             p.sender.name, p.sender.parliament)
                   for p in plans}  # fmt: skip
        with Ledger.open(campaign.database_url) as ledger:
            run_id, _ = ledger.begin_print_run(
                campaign.name, campaign.wave, rows, [], campaign.office, senders.values()
            )
            ledger.settle_print_run(run_id, "complete")
            ledger.record_list(campaign.name, snapshot(planner.prisoners, campaign.wave))
        times["ledger"] = time.perf_counter() - start
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]))))
        return
    for n in [int(a) for a in argv] or [10000]:
        line = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True
        ).stdout
        figures = json.loads(line)
        peak = figures.pop("peak_mb")
        print(f"{n} cards (peak RSS {peak:.0f} MB)")
        for stage, seconds in figures.items():
            print(f"  {stage:<32} {seconds:7.2f} s {seconds / n * 1000:7.3f} ms a card")
        total = sum(figures.values())
        print(f"  {'total':<32} {total:7.2f} s {total / n * 1000:7.3f} ms a card")


if __name__ == "__main__":
    main(sys.argv[1:])
