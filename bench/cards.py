"""Benchmark: fictional cards through the real pipeline, cards per second and peak memory.

Usage: python bench/cards.py [--layout L] [N ...]   (default: single, 1000 10000)
       python bench/cards.py --peer [N] [ROUNDS]    (default: 10000 cards, 3 rounds)
       python bench/cards.py --scale [--layout L] [--rounds R] [N ...]
                                                    (default: 1000 10000 100000, 1 round)
       python bench/cards.py --icc PROFILE.icc [--layout L] [N] [ROUNDS]
                                                    (default: single, 10000 cards, 3 rounds)

``--peer`` times whole processes, paired and alternating in one run: ``postcards cards``
on its own N-card campaign against the hand-optimised reportlab reference in
``../shared/peers`` (``PEER_QR=zxing``, its own N rows), and prints the ratio of the
medians (the bars: 1.0 at 1,000 cards, 0.5 at 10,000).  ``--scale`` times the whole
``postcards cards`` command at each size with ``--jobs 1`` and ``--jobs 2``, paired, and
prints wall time, cards/s, the peak RSS of the process and of its largest worker, and the
speed-up of two jobs.  ``--icc`` times what PDF/X-4 costs: whole ``postcards cards``
processes, paired and alternating, on one campaign, plain against ``--icc PROFILE.icc``,
and prints the medians and their ratio.

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
SENDERS = [
    "Łukasz Wiśniewski",
    "Jūratė Kazlauskienė",
    "Jiří Dvořák",
    "Jürgen Weiß",
    "Siobhán Ní Bhriain",
    "Anneke de Vries",
]


def write_campaign(folder: Path, cards: int) -> Path:
    """A fictional campaign with ``cards`` prisoners and enough senders to cover them."""
    with open(folder / "prisoners.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "id",
                "name",
                "birth_year",
                "institution",
                "address",
                "postcode",
                "city",
                "region",
                "language",
            ]
        )
        for i in range(cards):
            name = f"{LAST[i % 8]} {FIRST[(i // 8) % 8]} №{i}"
            out.writerow(
                [
                    f"P{i:06d}",
                    name,
                    1960 + i % 45,
                    f"ИК № {i % 22 + 1}",
                    f"ул. Заводская, {i % 90 + 1}",
                    f"2{i % 99999:05d}",
                    "г. Горки",
                    "Могилёвская обл.",
                    "be" if i % 4 == 0 else "ru",
                ]
            )
    with open(folder / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "title", "parliament"])
        for i in range(max(1, cards // 4)):
            out.writerow([f"S{i:05d}", f"{SENDERS[i % 6]} {i}", "MEP", "European Parliament"])
    (folder / "campaign.toml").write_text(
        '[campaign]\nname = "Bench"\nwave = "1"\nreturn_address = ["Rue Wiertz 60", '
        '"1047 Brussels", "BELGIUM"]\n[inputs]\nsenders = "senders.csv"\n'
        'prisoners = "prisoners.csv"\n',
        encoding="utf-8",
    )
    return folder / "campaign.toml"


def run_one(cards: int, layout: str = "single") -> dict[str, float]:
    """Run one size in this process and return its figures."""
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    import jinja2.sandbox  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401
    import zxingcpp  # noqa: F401

    import postcards.printing.faces  # noqa: F401
    from postcards.campaign_file import load_campaign
    from postcards.jobs.cards import make_cards
    from postcards.printing.run import CardOptions

    startup = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        campaign = load_campaign(write_campaign(Path(tmp), cards))
        start = time.perf_counter()
        _, result = make_cards(campaign, Path(tmp) / "cards.pdf", CardOptions(layout=layout))
        seconds = time.perf_counter() - start
        size = result.pdf.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "cards": result.cards,
        "seconds": seconds,
        "cards_per_second": cards / seconds,
        "startup": startup,
        "peak_mb": peak_mb,
        "pdf_mb": size / 1e6,
    }


#: The reference: beside the checkout, or beside the folder of worktrees it sits in.
PEERS = next(
    (p for p in (ROOT.parent / "shared" / "peers", ROOT.parent.parent / "shared" / "peers")
     if p.is_dir()),
    ROOT.parent / "shared" / "peers",
)  # fmt: skip
#: Runs a script or module in this interpreter and prints, last on stderr, its peak RSS and
#: the largest peak RSS of its worker processes (MB; 0 without workers).
_MEASURED = (
    "import resource, runpy, sys\n"
    "kind, target, *sys.argv[1:] = sys.argv[1:]\n"
    "sys.argv[0] = target\n"
    "try:\n"
    "    (runpy.run_module if kind == 'module' else runpy.run_path)(target, run_name='__main__')\n"
    "except SystemExit as exit:\n"
    "    if exit.code not in (0, None): raise\n"
    "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(own, workers, file=sys.stderr)\n"
)


def measured(
    kind: str, target: str, *args: str, env: dict | None = None, cwd: Path | None = None
) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) of one whole process and the largest of its workers'."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, kind, target, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{target} failed:\n{done.stderr[-3000:]}")
    own, workers = done.stderr.strip().splitlines()[-1].split()
    return seconds, float(own), float(workers)


def ours(
    campaign: Path,
    out: Path,
    layout: str = "single",
    jobs: int | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[float, float, float]:
    """One whole `postcards cards` process on a fresh ledger (``jobs``: its --jobs).

    ``extra``: more options, such as ``--icc PROFILE``.
    """
    for stale in out.parent.glob("tracking.db*"):
        stale.unlink()
    return measured(
        "module",
        "postcards",
        "-c",
        str(campaign),
        "cards",
        "--layout",
        layout,
        "-o",
        str(out),
        *(["--jobs", str(jobs)] if jobs else []),
        *extra,
        cwd=out.parent,
    )


def icc_cost(profile: Path, cards: int, rounds: int, layout: str = "single") -> None:
    """Paired, alternating whole-process runs: a plain PDF against PDF/X-4 (``--icc``)."""
    import statistics

    kinds = {"rgb": (), "icc": ("--icc", str(profile.resolve()))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        campaign = write_campaign(folder, cards)
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        peaks: dict[str, list[float]] = {kind: [] for kind in kinds}
        sizes: dict[str, float] = {}
        print(f"{cards} cards, layout {layout}, {rounds} paired rounds (whole processes)")
        for round_ in range(1, rounds + 1):
            for kind in ("rgb", "icc") if round_ % 2 else ("icc", "rgb"):
                out = folder / f"{kind}.pdf"
                seconds, peak, worker = ours(campaign, out, layout, extra=kinds[kind])
                times[kind].append(seconds)
                peaks[kind].append(max(peak, worker))
                sizes[kind] = out.stat().st_size / 1e6
                print(f"  round {round_}: {kind}  {seconds:6.2f} s  {max(peak, worker):6.0f} MB")
        median = {kind: statistics.median(values) for kind, values in times.items()}
        for kind in kinds:
            print(
                f"median {kind}: {median[kind]:.2f} s ({cards / median[kind]:.0f} cards/s), "
                f"peak {max(peaks[kind]):.0f} MB, PDF {sizes[kind]:.1f} MB"
            )
        print(
            f"ratio icc / rgb: {median['icc'] / median['rgb']:.3f} "
            f"(+{median['icc'] - median['rgb']:.2f} s)"
        )


def peer(cards: int, rounds: int) -> None:
    """Paired, alternating whole-process runs of ours and the reference peer."""
    import os
    import statistics

    if not (PEERS / "peer_b_reportlab_fast.py").is_file():
        raise SystemExit(f"no reference peer in {PEERS}")
    try:
        import qrcode  # noqa: F401  (the peer imports it even with PEER_QR=zxing)
    except ImportError:
        raise SystemExit("the peer needs qrcode: pip install qrcode") from None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        campaign = write_campaign(folder, cards)
        subprocess.run(
            [sys.executable, str(PEERS / "gen_data.py"), str(cards), str(folder / "peer.csv")],
            check=True,
            capture_output=True,
        )
        env = {**os.environ, "PEER_QR": "zxing"}
        times: dict[str, list[float]] = {"postcards": [], "peer": []}
        peaks: dict[str, list[float]] = {"postcards": [], "peer": []}
        print(f"{cards} cards, {rounds} paired rounds (whole processes, alternating)")
        for round_ in range(1, rounds + 1):
            for name in ("postcards", "peer") if round_ % 2 else ("peer", "postcards"):
                if name == "peer":
                    seconds, peak, _ = measured(
                        "path",
                        str(PEERS / "peer_b_reportlab_fast.py"),
                        str(folder / "peer.csv"),
                        str(folder / "peer.pdf"),
                        env=env,
                        cwd=PEERS,
                    )
                else:
                    seconds, peak, _ = ours(campaign, folder / "ours.pdf", jobs=1)
                times[name].append(seconds)
                peaks[name].append(peak)
                print(f"  round {round_}: {name:<9} {seconds:6.2f} s  {peak:6.0f} MB")
        median = {name: statistics.median(values) for name, values in times.items()}
        print(
            f"median: postcards {median['postcards']:.2f} s ({cards / median['postcards']:.0f}"
            f" cards/s, {max(peaks['postcards']):.0f} MB), peer {median['peer']:.2f} s "
            f"({cards / median['peer']:.0f} cards/s, {max(peaks['peer']):.0f} MB)"
        )
        bar = 0.5 if cards >= 10_000 else 1.0  # issue 25: 10,000 cards at half its time
        print(f"ratio postcards / peer: {median['postcards'] / median['peer']:.2f} (bar: {bar})")


def scale(sizes: list[int], layout: str = "single", rounds: int = 1) -> None:
    """The whole `postcards cards` command at each size, ``--jobs 1`` and ``--jobs 2`` paired.

    The two run alternately on one campaign (``rounds`` times each, medians), so that the
    machine's load falls on both alike.  Prints wall time, cards/s, the peak RSS of the
    main process and of the largest worker, the speed-up of two jobs over one, and how
    the peak RSS of two jobs grows from the first size to the last.  The bars: two jobs
    at least 1.7x faster at 100,000 cards, 100,000 cards under 25 s, every process under
    150 MB at 200,000 cards, growing less than 1.3x from 1,000.
    """
    import statistics

    print(f"layout {layout}, whole `postcards cards` processes, {rounds} paired round(s)")
    print(f"{'cards':>7} {'jobs':>4} {'seconds':>8} {'cards/s':>8} {'main MB':>8} "
          f"{'worker MB':>9} {'speed-up':>8}")  # fmt: skip
    first = last = 0.0
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            campaign = write_campaign(Path(tmp), n)
            runs: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
            for round_ in range(rounds):
                for jobs in (1, 2) if round_ % 2 == 0 else (2, 1):
                    runs[jobs].append(ours(campaign, Path(tmp) / "cards.pdf", layout, jobs))
        seconds = {jobs: statistics.median(r[0] for r in found) for jobs, found in runs.items()}
        for jobs, found in runs.items():
            main, worker = max(r[1] for r in found), max(r[2] for r in found)
            ratio = f"{seconds[1] / seconds[2]:>7.2f}x" if jobs == 2 else ""
            print(f"{n:>7} {jobs:>4} {seconds[jobs]:>8.2f} {n / seconds[jobs]:>8.0f} "
                  f"{main:>8.0f} {worker:>9.0f} {ratio:>8}")  # fmt: skip
        last = max(max(r[1], r[2]) for r in runs[2])
        first = first or last
    print(f"peak RSS growth with two jobs {sizes[0]} -> {sizes[-1]}: {last / first:.2f}x "
          "(bar: < 1.3x)")  # fmt: skip


def compiled() -> None:
    """Compile the package's bytecode first, as installing a wheel does.

    A checkout run with PYTHONDONTWRITEBYTECODE (or from a read-only folder) would compile
    every module of postcards in every process (about 0.25 s), which no installed copy does.
    """
    import compileall

    compileall.compile_dir(ROOT / "postcards", quiet=1)


def main(argv: list[str]) -> None:
    compiled()
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]), argv[2])))
        return
    if argv[:1] == ["--peer"]:
        numbers = [int(a) for a in argv[1:]]
        peer(*(numbers + [10000, 3][len(numbers) :]))
        return
    if argv[:1] == ["--icc"]:
        profile, rest = Path(argv[1]), argv[2:]
        layout = "single"
        if rest[:1] == ["--layout"]:
            layout, rest = rest[1], rest[2:]
        numbers = [int(a) for a in rest]
        icc_cost(profile, *(numbers + [10000, 3][len(numbers) :]), layout=layout)  # type: ignore[arg-type]
        return
    if argv[:1] == ["--scale"]:
        layout, rounds, argv = "single", 1, argv[1:]
        while argv[:1] in (["--layout"], ["--rounds"]):
            if argv[0] == "--layout":
                layout = argv[1]
            else:
                rounds = int(argv[1])
            argv = argv[2:]
        scale([int(a) for a in argv] or [1000, 10000, 100000], layout, rounds)
        return
    layout = "single"
    if argv[:1] == ["--layout"]:
        layout, argv = argv[1], argv[2:]
    sizes = [int(a) for a in argv] or [1000, 10000]
    print(f"layout {layout}")
    print(
        f"{'cards':>7} {'seconds':>8} {'cards/s':>8} {'startup s':>9} {'peak MB':>8} {'PDF MB':>7}"
    )
    for n in sizes:
        line = subprocess.run(
            [sys.executable, __file__, "--one", str(n), layout],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(line)
        print(
            f"{r['cards']:>7} {r['seconds']:>8.2f} {r['cards_per_second']:>8.0f} "
            f"{r['startup']:>9.2f} {r['peak_mb']:>8.0f} {r['pdf_mb']:>7.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
