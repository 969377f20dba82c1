"""Benchmark: reading and checking a campaign's two lists, as every command starts.

Usage: python bench/lists.py [N] [--rounds R] [--format csv|xlsx|ods] [--against ROOT]
       python bench/lists.py [N] [--format F] --profile [--top K]
       (default: 100000 cards, best of 3 rounds, CSV)

The lists are bench/cards.py's fictional campaign of N cards (N prisoners, N/4 senders);
``--format`` writes the prisoners as XLSX or ODS instead (all cells text).  Each round
reads both lists in a fresh process, as ``postcards cards`` does (spooled, with its
garbage-collector settings), after the imports, and the best round is shown: seconds for
the senders, the prisoners and both, and rows a second.

``--against ROOT`` times another checkout (a worktree of main, say) on the same files, in
alternating rounds, and prints the speed-up; it also checks that both read the lists
alike (every field of every record, every problem: one digest each).  ``--profile`` runs
one reading under cProfile and prints the top K functions (default 30) by own time and
by cumulative time.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_lists(folder: Path, cards: int, kind: str) -> Path:
    """bench/cards.py's campaign; the prisoners rewritten as ``kind`` (csv, xlsx, ods)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from cards import write_campaign

    config = write_campaign(folder, cards)
    if kind == "csv":
        return config
    with open(folder / "prisoners.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    (_write_xlsx if kind == "xlsx" else _write_ods)(folder / f"prisoners.{kind}", rows)
    config.write_text(config.read_text().replace("prisoners.csv", f"prisoners.{kind}"))
    return config


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Prisoners")
    for row in rows:
        sheet.append(row)
    book.save(path)


def _write_ods(path: Path, rows: list[list[str]]) -> None:
    """A content.xml of text cells, as a minimal ODS file holds it."""
    import zipfile
    from xml.sax.saxutils import escape

    def row(cells: list[str]) -> str:
        return "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p>'
            "</table:table-cell>"
            for c in cells
        ) + "</table:table-row>"  # fmt: skip

    ns = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="{ns}:office:1.0" xmlns:table="{ns}:table:1.0" '
        f'xmlns:text="{ns}:text:1.0" office:version="1.3"><office:body><office:spreadsheet>'
        f'<table:table table:name="Prisoners">{"".join(map(row, rows))}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)


def read_once(root: Path, config: Path, profile: int = 0) -> dict[str, object]:
    """Read both lists in this process from the checkout at ``root``: seconds, counts, digest."""
    sys.path.insert(0, str(root))
    from postcards.campaign_file import load_campaign
    from postcards.jobs.lists import campaign_prisoners, campaign_senders, few_full_collections

    campaign = load_campaign(config)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with few_full_collections():  # as make_cards reads them
        start = time.perf_counter()
        senders = campaign_senders(campaign)
        middle = time.perf_counter()
        prisoners = campaign_prisoners(campaign)
        end = time.perf_counter()
    if profiler is not None:
        profiler.disable()
        _print_profile(profiler, profile)
    return {
        "senders": middle - start,
        "prisoners": end - middle,
        "seconds": end - start,
        "rows": len(senders) + len(prisoners),
        "problems": len(senders.problems) + len(prisoners.problems),
        "digest": _digest(senders) + _digest(prisoners),
    }


def _print_profile(profiler: object, top: int) -> None:
    import pstats

    stats = pstats.Stats(profiler, stream=sys.stderr)  # type: ignore[arg-type]
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _digest(people: object) -> str:
    """Every field of every record and every problem, hashed: two readers read alike."""
    sha = hashlib.sha256()
    for record in people.records:  # type: ignore[attr-defined]
        sha.update(repr(sorted(record.as_dict().items())).encode())
    for problem in people.problems:  # type: ignore[attr-defined]
        sha.update(repr(problem).encode())
    return sha.hexdigest()[:12]


def _one(root: Path, config: Path) -> dict:
    line = subprocess.run(
        [sys.executable, __file__, "--one", str(root), str(config)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(line)


def compare(cards: int, kind: str, rounds: int, roots: list[Path]) -> None:
    """Best of ``rounds`` fresh processes for each checkout, in alternating order."""
    with tempfile.TemporaryDirectory() as tmp:
        config = write_lists(Path(tmp), cards, kind)
        runs: dict[Path, list[dict]] = {root: [] for root in roots}
        for round_ in range(rounds):
            for root in roots if round_ % 2 == 0 else roots[::-1]:
                runs[root].append(_one(root, config))
    print(f"{cards} cards ({kind.upper()} prisoners, CSV senders), best of {rounds} rounds")
    print(f"{'checkout':<24} {'senders s':>9} {'prisoners s':>11} {'both s':>7} "
          f"{'rows/s':>8} {'problems':>8}  digest")  # fmt: skip
    best = {}
    for root, found in runs.items():
        r = min(found, key=lambda r: r["seconds"])
        best[root] = r["seconds"]
        print(f"{str(root)[-24:]:<24} {r['senders']:>9.2f} {r['prisoners']:>11.2f} "
              f"{r['seconds']:>7.2f} {r['rows'] / r['seconds']:>8.0f} {r['problems']:>8}  "
              f"{r['digest']}")  # fmt: skip
    if len(roots) == 2:
        digests = {runs[root][0]["digest"] for root in roots}
        same = "the same records and problems" if len(digests) == 1 else "DIFFERENT results"
        print(f"speed-up: {best[roots[1]] / best[roots[0]]:.2f}x ({same})")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        profile = int(argv[3]) if len(argv) > 3 else 0
        print(json.dumps(read_once(Path(argv[1]), Path(argv[2]), profile)))
        return
    options = {"--rounds": "3", "--format": "csv", "--against": "", "--top": "30"}
    numbers = []
    while argv:
        if argv[0] in options:
            options[argv[0]], argv = argv[1], argv[2:]
        elif argv[0] == "--profile":
            options["--profile"], argv = "1", argv[1:]
        else:
            numbers.append(int(argv[0]))
            argv = argv[1:]
    cards = numbers[0] if numbers else 100000
    if options.get("--profile"):
        with tempfile.TemporaryDirectory() as tmp:
            config = write_lists(Path(tmp), cards, options["--format"])
            subprocess.run(
                [sys.executable, __file__, "--one", str(ROOT), str(config), options["--top"]],
                check=True,
            )
        return
    roots = [ROOT] + ([Path(options["--against"]).resolve()] if options["--against"] else [])
    compare(cards, options["--format"], int(options["--rounds"]), roots)


if __name__ == "__main__":
    main(sys.argv[1:])
