"""Shared fixtures: a copy of the test campaign, the CLI, and reading PDFs back."""

from __future__ import annotations

import csv
import gc
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from postcards.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

# The suite runs three processes beside Chromium and PostgreSQL: an example that takes
# longer than hypothesis's 200 ms there is the machine's load, not a fault (speed is
# measured in bench/, never by a test's clock)
settings.register_profile("postcards", deadline=None)
settings.load_profile("postcards")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str | Path, cwd: Path | None = None, stdin: str | None = None) -> Result:
    """Run the postcards command in-process, as a user would type it (``stdin``: what is
    piped in)."""
    import os

    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, [str(a) for a in args], input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


# --- no thread may run where a process forks -------------------------------------------
# Python 3.12+ warns (DeprecationWarning "This process ... is multi-threaded, use of fork()
# may lead to deadlocks in the child"), but only where it cannot fail a test: CPython
# clears the warning it raises, and under pytest-xdist every fork warns anyway, for
# execnet's own I/O thread (a bare _thread, not in threading.enumerate(); see the filter in
# pyproject.toml).  So the tests check it themselves, on every Python: a Python thread
# running beside the one that forks (a progress bar's refresh, a server) fails the test.

_FORKED_BESIDE: list[list[str]] = []


def _note_threads_at_fork() -> None:
    running = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    if running:
        _FORKED_BESIDE.append(running)


os.register_at_fork(before=_note_threads_at_fork)  # in this process only: children skip it


#: The ledger threads left running after the last look through the heap: a server's (a
#: module's station serves for all its tests), which end with it.
_SERVERS_LEDGER_THREADS: set[threading.Thread] = set()


def _ledger_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("postcards-ledger")}


def _end_idle_ledger_threads() -> None:
    """A station's ledger thread ends with its server (the app's lifespan); a test's
    TestClient runs no lifespan, so the stations a test left unserved are closed here, so
    that their threads are not still idling when a later test forks.

    Finding the stations means looking through every object of the process (0.1 s and
    more in a test process that ran hundreds of tests), so it is done only when a ledger
    thread is new since the last look.
    """
    if _ledger_threads() <= _SERVERS_LEDGER_THREADS:
        return
    from postcards.station.app import Station

    for found in gc.get_objects():
        if isinstance(found, Station) and not found.serving:  # a server's ends with it
            found.worker.shutdown(wait=True)
    _SERVERS_LEDGER_THREADS.clear()
    _SERVERS_LEDGER_THREADS.update(_ledger_threads())


@pytest.fixture(autouse=True)
def no_thread_runs_at_a_fork() -> Iterator[None]:
    """Fails a test whose process forked (``cards --jobs``' workers) while a thread ran."""
    _FORKED_BESIDE.clear()
    yield
    _end_idle_ledger_threads()
    forks, _FORKED_BESIDE[:] = list(_FORKED_BESIDE), []
    if forks:
        pytest.fail(f"forked while other threads ran (a deadlock waiting to happen): {forks}")


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """A fresh copy of tests/data/campaign; returns its folder."""
    folder = tmp_path / "campaign"
    shutil.copytree(DATA / "campaign", folder)
    return folder


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """``postcards demo -o FOLDER`` run once per test process: its folder and what it said.

    Tests read the folder and never change it (a test that changes a demo makes its own).
    """
    folder = tmp_path_factory.mktemp("shared") / "demo"
    result = run("demo", "-o", folder)
    assert result.exit_code == 0, result.stderr
    return folder, result


@pytest.fixture
def demo(demo_run: tuple[Path, Result]) -> Path:
    """The folder of the shared ``postcards demo`` run (read it, do not change it)."""
    return demo_run[0]


@pytest.fixture(scope="session")
def printed_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test campaign printed once per test process (read by :func:`printed` only)."""
    folder = tmp_path_factory.mktemp("shared") / "campaign"
    shutil.copytree(DATA / "campaign", folder)
    result = run("-c", folder, "cards", "-o", folder / "first.pdf")
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture
def printed(campaign: Path, printed_once: Path) -> Path:
    """The test campaign after one good print run of its 4 cards: ``first.pdf`` with its
    manifest and ticket beside ``campaign.toml``, and a ledger (``tracking.db``).

    The run is made once per test process and copied (the same bytes: cards, codes,
    ledger); only the ledger's record of that complete run names the first folder.
    """
    shutil.copytree(printed_once, campaign, dirs_exist_ok=True)
    return campaign


def read_manifest(path: Path) -> list[dict[str, str]]:
    """A CSV file postcards wrote, read as Excel does (the byte order mark is not a header)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, whitespace folded (wrapped lines join with a space)."""
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def decode_qr(pdf: Path, page_index: int, dpi: int = 300) -> list[str]:
    """Render a page with pdfium at ``dpi`` and decode its QR codes with zxing-cpp."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[page_index].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


# --- a real PostgreSQL server, started by the tests themselves -------------------------

PG_REQUIRED = os.environ.get("POSTCARDS_REQUIRE_POSTGRES") == "1"


def _pg_binaries() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return candidates[-1].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(
    url: str, process: subprocess.Popen | None = None, seconds: float = 30, **get: object
) -> None:
    """Until ``url`` answers at all (any status; ``get``: httpx.get's options).

    Fails the test, with what the server wrote on stderr, when its ``process`` ends first or
    nothing answers within ``seconds`` (the process is then killed).
    """
    import httpx
    import web

    deadline = time.monotonic() + seconds
    while True:
        try:
            web.get(url, timeout=5, **get)  # type: ignore[arg-type]
            return
        except httpx.TransportError:
            pass
        if process is not None and process.poll() is not None:
            why = process.communicate(timeout=30)[1]
            pytest.fail(f"the server ended ({process.returncode}) before {url} answered: {why}")
        if time.monotonic() > deadline:
            why = ""
            if process is not None:
                process.kill()
                why = process.communicate(timeout=30)[1]
            pytest.fail(f"nothing answered at {url} within {seconds:g} s: {why}")
        time.sleep(0.05)


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust authentication, no fsync)."""

    port: int
    user: str = "postcards"
    _count: int = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        self._count += 1
        name = f"ledger_{os.getpid()}_{self._count}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_unprivileged() -> dict:
    """initdb and postgres refuse to run as root: run them as nobody when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free localhost port (trust
    authentication, no fsync; as nobody when run as root).  Skips the test, or fails it when
    POSTCARDS_REQUIRE_POSTGRES=1 (as in CI), when PostgreSQL's programs are not installed."""

    def __init__(self, prefix: str = "postcards-pg-") -> None:
        import subprocess
        import tempfile

        binaries = _pg_binaries()
        if binaries is None:
            reason = "PostgreSQL not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql)"
            if PG_REQUIRED:
                pytest.fail(f"POSTCARDS_REQUIRE_POSTGRES=1 but {reason}")
            pytest.skip(reason)
        self.pg_ctl = binaries / "pg_ctl"
        who = _as_unprivileged()
        self.folder = Path(tempfile.mkdtemp(prefix=prefix))  # in /tmp: nobody can enter it
        if who:
            os.chown(self.folder, who["user"], who["group"])
        self.run_as = {"check": True, "capture_output": True, "cwd": self.folder, **who}
        self.data = self.folder / "data"
        self.port = _free_port()
        subprocess.run(
            [binaries / "initdb", "-D", self.data, "-U", "postcards", "-A", "trust", "-E",
             "UTF8", "--no-sync", "--no-instructions"],
            **self.run_as,
        )  # fmt: skip

    def start(self, settings: str = "") -> None:
        """Start the server (``settings``: more ``-c name=value`` options); fails the test
        with the server's log when it does not start."""
        import subprocess

        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        try:
            subprocess.run(
                [self.pg_ctl, "-D", self.data, "-l", self.folder / "server.log", "-w", "-o",
                 f"{options} {settings}".strip(), "start"],
                **self.run_as,
            )  # fmt: skip
        except subprocess.CalledProcessError as error:
            log = self.folder / "server.log"
            detail = (error.stderr or b"").decode(errors="replace") + (
                log.read_text(errors="replace") if log.exists() else ""
            )
            self.remove()
            pytest.fail(f"PostgreSQL did not start: {detail}")

    def stop(self, mode: str = "fast") -> None:
        import subprocess

        subprocess.run([self.pg_ctl, "-D", self.data, "-m", mode, "-w", "stop"], **self.run_as)

    def remove(self) -> None:
        """Stop the server at once, whatever its state, and remove its folder."""
        import subprocess

        subprocess.run(
            [self.pg_ctl, "-D", self.data, "-m", "immediate", "stop"],
            **{**self.run_as, "check": False},
        )
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """PostgreSQL in a temporary folder for the test session (see :class:`Cluster`)."""
    cluster = Cluster()
    cluster.start("-c full_page_writes=off -c max_connections=50")
    try:
        yield PostgresServer(cluster.port)
    finally:
        cluster.remove()


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (made here), to fill for real; skips the
    test (with why) where mounting cannot be done: not root, or no mount allowed."""
    import gc
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root (CI runs the tests as root)")
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder],
        capture_output=True,
        text=True,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        gc.collect()  # reportlab leaves a failed file open until collected
        if subprocess.run(["umount", folder]).returncode:
            subprocess.run(["umount", "-l", folder], check=True)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: too small for any cards PDF."""
    with tmpfs(tmp_path / "full", "64k") as folder:
        yield folder


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty ledger: an SQLite file, then a database on the test PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("postgres_server").new_database()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/ from the code as it is (then review the diff).",
    )
