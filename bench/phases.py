"""Benchmark: where a whole `postcards cards` run spends its time, alone or on every core.

Usage: python bench/phases.py [N] [--jobs J ...]   (default: 100000 cards, --jobs 1 2)

Writes bench/cards.py's campaign of N cards, then runs `postcards cards` on it in a fresh
process for each ``--jobs`` (a fresh ledger each time), with the job's stages wrapped to
note the wall clock and the CPU time of the process and of its workers as each stage
begins and ends:

- start-up: the interpreter and the imports, up to reading the lists;
- reading: reading, checking and pairing the lists (``prepare``);
- before drawing: the print order, the codes, the output and content checks;
- drawing: planning, checking and drawing the cards, the only stage the workers share
  (the parent writes the pages, the manifest and the list's hash meanwhile);
- after drawing: the font check of the finished PDF, the job ticket;
- ledger: the cards, their events and pairs, the renames, the list's rows.

Then it prints the ceiling Amdahl's law puts on the speed-up of the last ``--jobs`` over
the first: the first run's time over the last run's stages other than drawing plus the
first run's drawing shared perfectly by the last run's jobs.  A speed-up bar above that
ceiling cannot be reached by drawing faster in parallel, only by taking work out of the
other stages or running it while the cards are drawn.
"""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The stages, in order: (name, the function of ``postcards.jobs.cards`` it begins with).
STAGES = [
    ("start-up", ""),
    ("reading", "prepare"),
    ("before drawing", "check_examples"),
    ("drawing", "_drawn"),
    ("after drawing", "font_problems"),
    ("ledger", "_record"),
]


def clock() -> tuple[float, float]:
    """Wall seconds and the CPU seconds of this process and its ended workers."""
    t = os.times()
    return time.perf_counter(), t.user + t.system + t.children_user + t.children_system


_BORN = clock()  # start-up counts from here: the interpreter's own is a few ms


def run_one(folder: Path, jobs: int) -> dict[str, list[float]]:
    """One run in this process: each stage's wall and CPU seconds."""
    sys.path.insert(0, str(ROOT))
    from postcards.jobs import cards as job

    marks: list[tuple[str, float, float]] = [("start-up", *_BORN)]
    for stage, name in STAGES[1:]:
        original = getattr(job, name)

        def marked(*args: object, _stage: str = stage, _f: object = original, **kw: object):
            if marks[-1][0] != _stage:
                marks.append((_stage, *clock()))
            return _f(*args, **kw)  # type: ignore[operator]

        setattr(job, name, marked)
    os.chdir(folder)
    sys.argv = ["postcards", "-c", "campaign.toml", "cards", "-o", "cards.pdf", "--jobs", str(jobs)]
    try:
        runpy.run_module("postcards", run_name="__main__")
    except SystemExit as end:
        if end.code:
            raise
    marks.append(("end", *clock()))
    return {
        stage: [after[1] - wall, after[2] - cpu]
        for (stage, wall, cpu), after in zip(marks, marks[1:], strict=False)
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(Path(argv[1]), int(argv[2]))))
        return
    jobs = [int(j) for j in argv[argv.index("--jobs") + 1 :]] if "--jobs" in argv else [1, 2]
    sizes = argv[: argv.index("--jobs")] if "--jobs" in argv else argv
    cards = int(sizes[0]) if sizes else 100_000
    sys.path.insert(0, str(ROOT / "bench"))
    from cards import write_campaign

    runs: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_campaign(folder, cards)
        for j in jobs:
            for stale in folder.glob("tracking.db*"):
                stale.unlink()
            line = subprocess.run(
                [sys.executable, __file__, "--one", str(folder), str(j)],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            runs[j] = json.loads(line)
    print(f"{cards} cards, whole `postcards cards` processes; wall s (CPU s, workers' included)")
    print(f"{'stage':<16}" + "".join(f"{f'--jobs {j}':>22}" for j in jobs))
    for stage, _ in STAGES:
        cells = [runs[j].get(stage, [0.0, 0.0]) for j in jobs]
        print(f"{stage:<16}" + "".join(f"{w:>12.2f} ({c:6.2f})" for w, c in cells))
    totals = {j: sum(w for w, _ in runs[j].values()) for j in jobs}
    print(f"{'total':<16}" + "".join(f"{totals[j]:>12.2f} {'':8}" for j in jobs))
    first, last = jobs[0], jobs[-1]
    if last > first:
        drawing = runs[first]["drawing"][0]
        serial = totals[last] - runs[last]["drawing"][0]
        ceiling = totals[first] / (serial + drawing * first / last)
        print(
            f"speed-up {totals[first] / totals[last]:.2f}x; drawing shared "
            f"{drawing / runs[last]['drawing'][0]:.2f}x; the other stages {serial:.2f} s: "
            f"ceiling with the drawing shared perfectly {ceiling:.2f}x"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
