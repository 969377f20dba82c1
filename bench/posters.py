"""Benchmark: posters at the issue's sizes, through the real `postcards poster` command.

Usage: python bench/posters.py

A fictional campaign of 600 senders in 24 parliaments (all paired: `--count assigned`)
and 1,500 prisoners in custody, 200 of them with a 4000 × 3000 photo.  Each poster runs
in a fresh process, so its time includes reading the spreadsheets and its peak memory
(max RSS) is its own; the import of the libraries is not subtracted.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Łukasz", "Jūratė", "Björn", "Éamonn", "Agnieszka", "Dörte", "Kęstutis", "Síle"]
LAST = ["Wiśniewski", "Kazlauskienė", "Süßmann", "Ó Ríordáin", "Źródłowska", "Großmüller"]
RUN = """
import resource, sys, time
from postcards.cli import main
start = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
print(f"{time.perf_counter() - start:.2f} "
      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""


def write_campaign(
    folder: Path, senders: int = 600, prisoners: int = 1500, photos: int = 200
) -> Path:
    from PIL import Image

    (folder / "photos").mkdir()
    photo = folder / "photos" / "big.jpg"
    Image.new("RGB", (4000, 3000), (90, 110, 140)).save(photo, quality=80)
    with open(folder / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "parliament"])
        for i in range(senders):
            out.writerow(
                [
                    f"S{i:04d}",
                    f"{FIRST[i % 8]} {LAST[(i // 8) % 6]} {i}",
                    f"Parliament {i % 24 + 1:02d}",
                ]
            )
    with open(folder / "prisoners.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "name_latin", "birth_year", "institution", "address",
                      "postcode", "city", "photo"])  # fmt: skip
        for i in range(prisoners):
            out.writerow(
                [
                    f"P{i:05d}",
                    f"Иванов Сергей {i}",
                    f"Ivanov Sergei {i}",
                    1950 + i % 50,
                    "ИК № 9",
                    "ул. Заводская, 22",
                    "213410",
                    "г. Горки",
                    "photos/big.jpg" if i < photos else "",
                ]
            )
    (folder / "campaign.toml").write_text(
        '[campaign]\nname = "Bench"\nhashtag = "#Bench"\nurl = "https://standbyyou.eu/bench"\n'
        '[inputs]\nsenders = "senders.csv"\nprisoners = "prisoners.csv"\n',
        encoding="utf-8",
    )
    return folder


def main() -> None:
    jobs = [
        ("godparents, 600 names, A3 PDF", ["--count", "assigned", "-o", "names.pdf"]),
        ("godparents, 600 names, A3 PNG 150 dpi", ["--count", "assigned", "-o", "names.png"]),
        (
            "wall, 1,500 tiles (200 photos), A1 PDF",
            ["--kind", "wall", "--size", "A1", "-o", "wall.pdf"],
        ),
        (
            "wall, 1,500 tiles, A1 JPG 100 dpi",
            ["--kind", "wall", "--size", "A1", "--dpi", "100", "-o", "wall.jpg"],
        ),
        ("share, 3 PNG images", ["--kind", "share", "--count", "assigned", "-o", "s.png"]),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_campaign(Path(tmp))
        print(f"{'poster':44} {'seconds':>8} {'peak MB':>8}")
        for label, args in jobs:
            command = [sys.executable, "-c", RUN, "-c", str(folder), "poster", *args]
            started = time.perf_counter()
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True)
            seconds, peak = done.stdout.split()[-2:]
            wall = time.perf_counter() - started
            print(f"{label:44} {seconds:>8} {peak:>8}   (process {wall:.2f} s)")


if __name__ == "__main__":
    main()
