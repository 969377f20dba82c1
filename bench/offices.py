"""Benchmark: N offices printing one wave of one campaign at the same moment, one ledger.

Usage: python bench/offices.py [OFFICES ...] [--cards N] [--postgres]
       (default: 2 and 5 offices, 60 cards each, on a shared SQLite file; --postgres also
       starts a throwaway PostgreSQL server with initdb/pg_ctl and runs there too)

Each office is a campaign folder of its own: its senders numbered 1, 2, 3 … (the same ids
in every office, other names), the same prisoner list, the same campaign, wave and ledger.
Every office starts ``postcards cards`` as a whole process at once; the benchmark prints
the wall time of the slowest, each office's own time, and checks what the issue asks:
no code on two cards, every card's code naming its office's sender in the ledger, and the
offices' prisoners disjoint while there are prisoners left.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postgres_server import Postgres  # noqa: E402

from postcards.ledger.book import Ledger  # noqa: E402

SENDERS = 10  # per office; each signs cards / SENDERS cards
GIVEN = ["Ona", "Hans", "Anna", "Jan", "Marie", "Piotr", "Eva", "Luca", "Inga", "Tomas"]
SURNAMES = ["Иванов", "Петров", "Сидоров", "Козлов", "Новиков", "Морозов", "Волков", "Соколов",
            "Лебедев", "Егоров", "Павлов", "Орлов", "Зайцев", "Смирнов", "Фёдоров",
            "Попов"]  # fmt: skip
NAMES = ["Иван", "Сергей", "Алесь", "Олег", "Павел", "Андрей", "Максим", "Виктор", "Юрий",
         "Николай", "Дмитрий", "Михаил", "Антон", "Кирилл", "Роман", "Глеб", "Степан",
         "Артём", "Егор", "Тимур"]  # fmt: skip


def write_prisoners(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "birth_year", "institution", "address", "postcode", "city",
                      "region", "language"])  # fmt: skip
        for i in range(count):
            name = f"{SURNAMES[i % 16]} {NAMES[i // 16 % 20]} {NAMES[i // 320 % 20]}ович"
            out.writerow([f"P{i + 1:04d}", name, 1950 + i % 50, f"ИК № {i % 20 + 1}",
                          f"ул. Заводская, {i + 1}", f"{213000 + i:06d}", "г. Горки",
                          "Могилёвская обл.", "ru"])  # fmt: skip


def write_office(root: Path, index: int, url: str, cards: int, prisoners: Path) -> Path:
    folder = root / f"office{index}"
    folder.mkdir()
    with open(folder / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Nr.", "name", "parliament", "cards"])
        for s in range(SENDERS):
            out.writerow([s + 1, f"{GIVEN[s]} Office{index}-{s + 1}", f"Parliament {index}",
                          cards // SENDERS])  # fmt: skip
    shutil.copy(prisoners, folder / "prisoners.csv")
    (folder / "campaign.toml").write_text(
        f'[campaign]\nname = "Bench"\nwave = "W1"\noffice = "office{index}"\n'
        'return_address = ["Platz der Republik 1", "11011 Berlin", "GERMANY"]\n'
        '[inputs]\nsenders = "senders.csv"\nprisoners = "prisoners.csv"\n'
        f'[senders.columns]\nid = "Nr."\n[tracking]\ndatabase = "{url}"\n',
        encoding="utf-8",
    )
    return folder


def print_at_once(folders: list[Path]) -> tuple[float, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POSTCARDS_DATABASE": ""}
    start = time.perf_counter()
    started = [
        (time.perf_counter(), subprocess.Popen(
            [sys.executable, "-m", "postcards", "-c", str(f), "cards", "--jobs", "1", "-o",
             str(f / "cards.pdf")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env))
        for f in folders
    ]  # fmt: skip
    own = []
    for began, process in started:
        out, err = process.communicate()
        own.append(time.perf_counter() - began)
        if process.returncode != 0:
            raise SystemExit(f"an office's print run failed:\n{err[-2000:]}")
    return time.perf_counter() - start, own


def verify(folders: list[Path], url: str) -> str:
    codes, prisoners, rows = set(), [], 0
    with Ledger.open(url) as ledger:
        for folder in folders:
            with open(folder / "cards.manifest.csv", encoding="utf-8-sig") as handle:
                for row in csv.DictReader(handle):
                    rows += 1
                    codes.add(row["code"])
                    prisoners.append(row["prisoner_id"])
                    card = ledger.card(row["code"].replace("-", ""))
                    assert card is not None and card.office == folder.name
                    assert card.sender_name == row["sender_name"], (card, row)
        assert ledger.count_cards() == rows
    assert len(codes) == rows, "a code on two cards"
    assert len(set(prisoners)) == len(prisoners), "two offices wrote to one prisoner"
    return f"{rows} cards, {len(codes)} codes, {len(set(prisoners))} prisoners: all distinct"


def main() -> None:
    args = sys.argv[1:]
    postgres = "--postgres" in args
    cards = int(args[args.index("--cards") + 1]) if "--cards" in args else 60
    counts = [int(a) for a in args if a.isdigit() and a != str(cards)] or [2, 5]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.chmod(root, 0o755)
        server = Postgres(root / "pg") if postgres else None
        try:
            for count in counts:
                kinds = ["sqlite"] + (["postgresql"] if server else [])
                for kind in kinds:
                    folder = root / f"{kind}-{count}"
                    folder.mkdir()
                    url = (f"sqlite:///{folder / 'shared.db'}" if kind == "sqlite"
                           else server.new_database(f"bench_{count}"))  # fmt: skip
                    prisoners = folder / "prisoners.csv"
                    write_prisoners(prisoners, cards * count + 20)
                    Ledger.open(url).close()
                    offices = [write_office(folder, i + 1, url, cards, prisoners)
                               for i in range(count)]  # fmt: skip
                    wall, own = print_at_once(offices)
                    checked = verify(offices, url)
                    print(f"{count} offices at once on {kind}: {wall:.2f} s wall "
                          f"(each office {min(own):.2f}–{max(own):.2f} s); {checked}")  # fmt: skip
        finally:
            if server:
                server.stop(check=False)


if __name__ == "__main__":
    main()
