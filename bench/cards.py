"""Benchmark: fictional cards through the real pipeline, cards per second and peak memory.

Usage: python bench/cards.py [--layout L] [N ...]   (default: single, 1000 10000)

Each size runs in a fresh process, so peak memory (max RSS) belongs to that size alone.
The time covers the whole `cards` job: reading the spreadsheets, checking, pairing,
planning, rendering the PDF, writing the manifest and recording the ledger.  Importing the
libraries (reportlab, jinja2, zxing-cpp: a fixed cost of a process, not of a card) is
timed apart as "startup".
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Алесь", "Марина", "Сергей", "Ольга", "Ігар", "Наталья", "Дмитрий", "Вольга"]
LAST = ["Иванов", "Ковалёв", "Бяляцкі", "Лосик", "Петрова", "Сидоренко", "Жук", "Мельник"]
SENDERS = ["Łukasz Wiśniewski", "Jūratė Kazlauskienė", "Jiří Dvořák", "Jürgen Weiß",
           "Siobhán Ní Bhriain", "Anneke de Vries"]


def write_campaign(folder: Path, cards: int) -> Path:
    """A fictional campaign with ``cards`` prisoners and enough senders to cover them."""
    with open(folder / "prisoners.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "birth_year", "institution", "address", "postcode",
                      "city", "region", "language"])
        for i in range(cards):
            name = f"{LAST[i % 8]} {FIRST[(i // 8) % 8]} №{i}"
            out.writerow([f"P{i:06d}", name, 1960 + i % 45, f"ИК № {i % 22 + 1}",
                          f"ул. Заводская, {i % 90 + 1}", f"2{i % 99999:05d}", "г. Горки",
                          "Могилёвская обл.", "be" if i % 4 == 0 else "ru"])
    with open(folder / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "title", "parliament"])
        for i in range(max(1, cards // 4)):
            out.writerow([f"S{i:05d}", f"{SENDERS[i % 6]} {i}", "MEP", "European Parliament"])
    (folder / "campaign.toml").write_text(
        '[campaign]\nname = "Bench"\nwave = "1"\nreturn_address = ["Rue Wiertz 60", '
        '"1047 Brussels", "BELGIUM"]\n[inputs]\nsenders = "senders.csv"\n'
        'prisoners = "prisoners.csv"\n', encoding="utf-8")
    return folder / "campaign.toml"


def run_one(cards: int, layout: str = "single") -> dict[str, float]:
    """Run one size in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    import jinja2.sandbox  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401
    import zxingcpp  # noqa: F401

    import postcards.render  # noqa: F401
    from postcards.config import load_campaign
    from postcards.pipeline import CardOptions, make_cards

    startup = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        campaign = load_campaign(write_campaign(Path(tmp), cards))
        start = time.perf_counter()
        _, result = make_cards(campaign, Path(tmp) / "cards.pdf", CardOptions(layout=layout))
        seconds = time.perf_counter() - start
        size = result.pdf.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cards": result.cards, "seconds": seconds, "cards_per_second": cards / seconds,
            "startup": startup, "peak_mb": peak_mb, "pdf_mb": size / 1e6}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]), argv[2])))
        return
    layout = "single"
    if argv[:1] == ["--layout"]:
        layout, argv = argv[1], argv[2:]
    sizes = [int(a) for a in argv] or [1000, 10000]
    print(f"layout {layout}")
    print(f"{'cards':>7} {'seconds':>8} {'cards/s':>8} {'startup s':>9} {'peak MB':>8} "
          f"{'PDF MB':>7}")
    for n in sizes:
        line = subprocess.run([sys.executable, __file__, "--one", str(n), layout], check=True,
                              capture_output=True, text=True).stdout
        r = json.loads(line)
        print(f"{r['cards']:>7} {r['seconds']:>8.2f} {r['cards_per_second']:>8.0f} "
              f"{r['startup']:>9.2f} {r['peak_mb']:>8.0f} {r['pdf_mb']:>7.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
