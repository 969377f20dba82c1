"""``cards --jobs``: the same bytes for any number of workers, flat memory, clean stops."""

from __future__ import annotations

import csv
import gc
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

import postcards
from postcards.cards.plans import CardPlan, CardPlanner
from postcards.cli.shell import progress_bar
from postcards.errors import InputError
from postcards.jobs.lists import YOUNG_OBJECTS, few_full_collections
from postcards.page.writer import PdfWriter
from postcards.printing import chunks, parallel
from postcards.printing.faces import CardRenderer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from cards import write_campaign  # noqa: E402  (bench/cards.py: fictional rows)


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """A campaign of 80 fictional cards, with a ledger of its own."""
    folder = tmp_path / "many"
    folder.mkdir()
    toml = write_campaign(folder, 80)
    return toml.parent


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 8 cards, so that 80 cards make ten chunks among the workers."""
    monkeypatch.setattr(chunks, "CHUNK_CARDS", 8)


@pytest.mark.parametrize(
    ("layout", "duplex"), [("single", None), ("a4-2up", "long-edge"), ("a4-4up", "separate")]
)
def test_the_pdf_is_the_same_whatever_the_number_of_workers(
    many: Path, tmp_path: Path, small_chunks: None, layout: str, duplex: str | None
) -> None:
    campaign = postcards.Campaign.load(many)
    made = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs{jobs}" / "cards.pdf"
        result = campaign.cards(out, layout=layout, duplex=duplex, jobs=jobs)
        assert result.cards == 80
        made[jobs] = [path.read_bytes() for path in result.files]
        made[jobs].append(result.manifest.read_bytes())
    assert made[1] == made[2] == made[3]
    if duplex == "separate":
        assert len(made[1]) == 3  # fronts, backs, manifest


def _with_trouble(folder: Path) -> None:
    """Two prisoners named with a sign no font has; two senders titled with a risky word."""
    for name, column, value, rows in (
        ("prisoners.csv", 1, "Лосик \U00013000", {"P000020", "P000070"}),
        ("senders.csv", 2, "борец", {"S00003", "S00013"}),
    ):
        path = folder / name
        with open(path, encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle))
        for row in table:
            if row[0] in rows:
                row[column] = value
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(table)


@pytest.mark.parametrize("layout", ["single", "a4-4up"])
def test_the_problems_are_the_same_whatever_the_number_of_workers(
    many: Path, tmp_path: Path, small_chunks: None, layout: str
) -> None:
    """Each worker checks the cards it plans; the report joins them in the cards' order.

    Cards that cannot be printed sit in different chunks, so in different workers: every
    one is named, once, in the same words and order, and nothing is written or recorded.
    """
    _with_trouble(many)
    campaign = postcards.Campaign.load(many)
    found = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs{jobs}" / "cards.pdf"
        with pytest.raises(InputError) as failed:
            campaign.cards(out, jobs=jobs, layout=layout)
        found[jobs] = [  # each run draws new codes
            re.sub(r"\(\w{4}-\w{4}-\w\)", "(code)", str(problem))
            for problem in failed.value.problems
        ]
        assert not out.parent.exists() or list(out.parent.iterdir()) == []
    assert not (many / "tracking.db").exists()
    assert found[1] == found[2] == found[3]
    fonts = [p for p in found[1] if "U+13000" in p]
    assert [p.split(": name:")[0] for p in fonts] == ["prisoners.csv:22", "prisoners.csv:72"]
    risky = [p for p in found[1] if '"борец"' in p]
    assert len(risky) == 1 and "on 8 cards" in risky[0], risky  # 4 cards from each sender


def test_the_workers_plan_the_cards_they_draw(
    many: Path, tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two jobs, the parent plans no card: planning is most of a run's work."""
    planned = tmp_path / "planned.txt"
    plan = CardPlanner.plan

    def noted(self: CardPlanner, *args: object) -> CardPlan:
        with open(planned, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return plan(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(CardPlanner, "plan", noted)
    postcards.Campaign.load(many).cards(tmp_path / "cards.pdf", jobs=2)
    planners = Counter(planned.read_text().split())
    assert sum(planners.values()) == 80
    assert str(os.getpid()) not in planners
    assert 1 <= len(planners) <= 2


def test_qpdf_finds_the_joined_file_sound(many: Path, tmp_path: Path, small_chunks: None) -> None:
    qpdf = shutil.which("qpdf")
    if not qpdf:
        if os.environ.get("POSTCARDS_REQUIRE_QPDF"):
            pytest.fail("qpdf is required here (POSTCARDS_REQUIRE_QPDF) but not installed")
        pytest.skip("qpdf is not installed (apt-get install -y qpdf)")
    result = postcards.Campaign.load(many).cards(tmp_path / "cards.pdf", jobs=2)
    check = subprocess.run([qpdf, "--check", str(result.pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_memory_holds_a_few_chunks_of_plans_not_the_run(
    many: Path, tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While pages are written, the plans alive are those of a chunk or two, never all."""
    alive: list[int] = []
    add_page = PdfWriter.add_page

    def counted(self: PdfWriter, *args: object, **kwargs: object) -> None:
        if self.page_count % 20 == 0:
            alive.append(sum(isinstance(o, CardPlan) for o in gc.get_objects()))
        add_page(self, *args, **kwargs)

    monkeypatch.setattr(PdfWriter, "add_page", counted)
    postcards.Campaign.load(many).cards(tmp_path / "cards.pdf", jobs=1)
    assert len(alive) >= 5
    assert max(alive) <= 3 * 8, alive


def test_a_run_collects_young_objects_seldom_and_all_of_them_never(
    many: Path, tmp_path: Path
) -> None:
    """Python's collector scanned the young objects every 700 new ones, and with them the
    plans a chunk keeps alive: 5-8 % of a 100,000-card run.  Now every 10,000, no full
    collection runs during the run, and the caller's thresholds are back after it.  (The
    second run is counted: the first loads the fonts and templates.)"""
    started: Counter[int] = Counter()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[info["generation"]] += 1

    campaign = postcards.Campaign.load(many)
    campaign.cards(tmp_path / "first.pdf", jobs=1)  # the fonts and templates loaded once
    before = gc.get_threshold()
    gc.collect()
    gc.callbacks.append(count)
    try:
        campaign.cards(tmp_path / "cards.pdf", jobs=1)
    finally:
        gc.callbacks.remove(count)
    assert gc.get_threshold() == before
    assert started[2] == 0, started
    assert started[0] + started[1] <= 3, started  # 10 with Python's thresholds


def test_two_runs_in_one_process_leave_its_collector_as_they_found_it(
    many: Path, tmp_path: Path
) -> None:
    """The thresholds are the process's, and a run set them and put back what it had
    found: two runs at once (the desk's thread and the API, say) ending in the order they
    started left the first run's settings in force for good.  Now the last run to end
    puts back the process's own, whatever the order; two runs drawing at once in
    threads end with them too."""
    before = gc.get_threshold()
    first, second = few_full_collections(), few_full_collections()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold()[0] == YOUNG_OBJECTS
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == YOUNG_OBJECTS  # the second still draws
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    other = tmp_path / "other"
    shutil.copytree(many, other)  # two campaigns: neither run waits on the other's ledger
    runs = [
        threading.Thread(target=postcards.Campaign.load(folder).cards,
                         args=(tmp_path / f"{n}.pdf",), kwargs={"jobs": 1})
        for n, folder in (("a", many), ("b", other))
    ]  # fmt: skip
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)
    assert (tmp_path / "a.pdf").is_file() and (tmp_path / "b.pdf").is_file()
    assert gc.get_threshold() == before


def _die_on_second_chunk(self: CardRenderer, plans: list, prefix: str) -> None:
    if prefix == "C2":
        os.kill(os.getpid(), signal.SIGKILL)
    self._recurring, self._chunk_forms, self._prefix, self.new_forms = {}, {}, prefix, []


def test_a_killed_worker_stops_the_run_and_leaves_nothing(
    many: Path, tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CardRenderer, "start_chunk", _die_on_second_chunk)
    out = tmp_path / "out" / "cards.pdf"
    with pytest.raises(parallel.WorkerError, match="ended before its work was done"):
        postcards.Campaign.load(many).cards(out, jobs=2)
    assert not list(out.parent.glob("*")) if out.parent.exists() else True
    assert not (many / "tracking.db").exists()  # nothing recorded


def test_ctrl_c_stops_every_worker_and_leaves_nothing(tmp_path: Path) -> None:
    folder, out = _big_campaign(tmp_path)
    run, children = _drawing(folder, out)
    run.send_signal(signal.SIGINT)
    try:
        _, stderr = run.communicate(timeout=60)  # read its pipes: a full pipe would stall it
    except subprocess.TimeoutExpired:
        run.kill()
        raise AssertionError(
            f"still running after Ctrl-C: {run.communicate()[1][-2000:]!r}"
        ) from None
    assert run.returncode != 0, stderr
    assert _survivors(children, seconds=5.0) == [], "workers outlived the stopped run by 5 s"
    leftovers = list(out.parent.glob("*")) if out.parent.exists() else []
    assert leftovers == []
    assert not (folder / "tracking.db").exists()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_the_workers_die_with_their_parent(tmp_path: Path, sig: signal.Signals) -> None:
    """A parent killed while its workers draw takes them with it within a second or two.

    Killed outright, it leaves its temporary files (the next run does not mind them);
    SIGTERM, like Ctrl-C, stops the workers and removes them.  Nothing reaches the ledger.
    """
    folder, out = _big_campaign(tmp_path)
    run, children = _drawing(folder, out)
    _wait_until_drawing(run, children)
    os.kill(run.pid, sig)
    try:
        returncode = run.wait(timeout=60)
    finally:
        survivors = _survivors(children, seconds=2.0)
        for pid in survivors:  # never leave the orphans of a failed test drawing for minutes
            os.kill(pid, signal.SIGKILL)
        _, stderr = run.communicate(timeout=60)
    assert survivors == [], f"workers outlived their parent by 2 s: {survivors}"
    assert not (folder / "tracking.db").exists()  # nothing recorded
    leftovers = sorted(path.name for path in out.parent.glob("*")) if out.parent.exists() else []
    if sig == signal.SIGTERM:
        assert returncode == 128 + signal.SIGTERM, stderr.decode()[-2000:]
        assert leftovers == []
    else:
        assert returncode == -signal.SIGKILL
        assert all(name.endswith(".part") for name in leftovers), leftovers
    write_campaign(folder, 40)  # the next run works as after any other stop
    again = subprocess.run(_cards(folder, out), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"40 cards on 40 sheets -> {out}" in again.stdout
    assert out.is_file()


#: The threads alive in the parent at each fork, while a test watches.
_FORKS: list[set[str]] = []
_WATCHING: list[bool] = []


def _note_threads() -> None:
    if _WATCHING:
        _FORKS.append({thread.name for thread in threading.enumerate()})


os.register_at_fork(before=_note_threads)  # once per test process: it cannot be removed


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_thread_runs_when_the_workers_are_forked_under_the_progress_bar(
    many: Path, tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread running at a fork may hold a lock the child then waits on forever."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)  # the command line's bar, on a "terminal"
    before = {thread.name for thread in threading.enumerate()}
    _FORKS.clear()
    _WATCHING.append(True)
    try:
        with progress_bar("cards", ("reading and checking", "planning and drawing")) as report:
            assert report is not None
            campaign = postcards.Campaign.load(many)
            campaign.cards(tmp_path / "cards.pdf", jobs=2, progress=report)
    finally:
        _WATCHING.clear()
    assert "cards: planning and drawing" in terminal.getvalue()  # the bar was up
    assert len(_FORKS) == 2
    assert [threads - before for threads in _FORKS] == [set(), set()]


def _big_campaign(tmp_path: Path) -> tuple[Path, Path]:
    """A campaign long enough to be stopped while drawing, even when slow; its output."""
    folder = tmp_path / "big"
    folder.mkdir()
    write_campaign(folder, 5000)  # seconds of drawing, even on a fast machine
    return folder, tmp_path / "out" / "cards.pdf"


def _cards(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "postcards", "-c", str(folder), "cards", "--jobs", "2",
            "-o", str(out)]  # fmt: skip


def _drawing(folder: Path, out: Path) -> tuple[subprocess.Popen, set[int]]:
    """``cards --jobs 2`` started, once both its workers exist: the run and their pids.

    The run gets Ctrl-C as a terminal gives it: a test started from a background shell
    ignores SIGINT, and a program inherits that (Python then never sees a Ctrl-C).
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # reset at exec
    try:
        run = subprocess.Popen(_cards(folder, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        signal.signal(signal.SIGINT, previous)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children) < 2:
        children |= _children(run.pid)
        time.sleep(0.05)
    assert len(children) >= 2, "the workers never started"
    return run, children


def _wait_until_drawing(run: subprocess.Popen, children: set[int], seconds: float = 60) -> None:
    """Until every worker has spent a tenth of a second on the processor: they are drawing."""
    deadline = time.monotonic() + seconds
    while min(_cpu_seconds(pid) for pid in children) < 0.1:
        if run.poll() is not None or time.monotonic() > deadline:
            run.kill()
            _, stderr = run.communicate()
            raise AssertionError(
                f"the workers did not start drawing within {seconds:.0f} s: {stderr[-2000:]!r}"
            )
        time.sleep(0.02)


def _cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _survivors(pids: set[int], seconds: float) -> list[int]:
    """The processes still alive after waiting up to ``seconds`` for them all to end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.02)
    return sorted(pid for pid in pids if _alive(pid))


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(child) for child in text.split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_fork_beside_a_running_thread_is_noted_for_the_suite_to_fail() -> None:
    """tests/conftest.py's guard sees the thread (emptied again here, so this test passes)."""
    import conftest

    stop = threading.Event()
    beside = threading.Thread(target=stop.wait, name="beside", daemon=True)
    beside.start()
    try:
        pid = os.fork()  # the child only leaves: nothing in it can wait on a lock
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    finally:
        stop.set()
        beside.join()
    assert conftest._FORKED_BESIDE == [["beside"]]
    conftest._FORKED_BESIDE.clear()
