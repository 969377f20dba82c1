"""Packaging: the wheel carries the code, the bundled folders and the console script;
``postcards --help`` starts without the heavy libraries."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a build of a fresh clone would not see: caches, environments, earlier builds.
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv*",  # make's .venv and .ci/run's .venv-3.11 to .venv-3.13
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "postcards-demo",
)

# Files a user's run or an editor leaves in the bundled folders; none may reach the wheel.
STRAYS = [
    "samples/tracking.db",
    "samples/tracking.db-wal",
    "samples/__pycache__/make_samples.cpython-311.pyc",
    "templates/solidarity/tracking.db",
    "fonts/PTSans-Regular.ttf.part",
]

EXPECTED = [
    "postcards/__init__.py",
    "postcards/cli/__init__.py",
    "postcards/py.typed",
    "postcards/cli/shell.py",
    "postcards/jobs/cards.py",
    "postcards/ledger/book.py",
    "postcards/page/fonts.py",
    "postcards/resources.py",
    "postcards/_data/__init__.py",
    "postcards/_data/fonts/PTSans-Regular.ttf",
    "postcards/_data/fonts/PTSans-Bold.ttf",
    "postcards/_data/fonts/DejaVuSans.ttf",
    "postcards/_data/fonts/PTSans-LICENSE.txt",
    "postcards/_data/fonts/DejaVu-LICENSE.txt",
    "postcards/_data/templates/solidarity/design.toml",
    "postcards/_data/templates/solidarity/message.ru.j2",
    "postcards/_data/templates/solidarity/message.be.j2",
    "postcards/_data/templates/solidarity/message.en.j2",
    "postcards/_data/templates/solidarity/motif.jpg",
    "postcards/_data/templates/solidarity/MOTIF-LICENSE.txt",
    "postcards/_data/samples/campaign.toml",
    "postcards/_data/samples/senders.xlsx",
    "postcards/_data/samples/prisoners.csv",
    "postcards/_data/samples/README.md",
    "postcards/_data/templates/posters/poster.en.j2",
    "postcards/_data/templates/posters/poster.ru.j2",
    "postcards/ledger/templates/report.html",
    "postcards/station/templates/scan.html",
    "postcards/station/templates/dashboard.html",
    "postcards/station/static/scan.js",
    "postcards/station/static/words.js",
    "postcards/station/messages/en.toml",
    "postcards/station/messages/ru.toml",
    "postcards/station/messages/desk.en.toml",
    "postcards/station/messages/desk.ru.toml",
    "postcards/station/templates/desk_lists.html",
    "postcards/station/static/desk.js",
    "postcards/station/static/zxing_reader.wasm",
    "postcards/station/static/ZXING-WASM-LICENSE.txt",
]

COMMANDS = ["check", "cards", "demo", "init", "poster"]
HEAVY = ["reportlab", "jinja2", "openpyxl", "zxingcpp", "starlette", "uvicorn"]


def _backend_installed() -> bool:
    """Whether this interpreter already has every ``build-system.requires``.

    Then the wheel is built without an isolated environment: faster, and offline.
    """
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return False
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for text in pyproject["build-system"]["requires"]:
        requirement = Requirement(text)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """The wheel built from a copy of the checkout with stray files planted in it."""
    base = tmp_path_factory.mktemp("wheel")
    source, out = base / "src", base / "dist"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    for stray in STRAYS:
        path = source / stray
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"stray")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--quiet",
        "--wheel-dir",
        str(out),
        str(source),
    ]
    if _backend_installed():
        command.append("--no-build-isolation")
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"wheel build failed:\n{result.stdout}\n{result.stderr}"
    print(f"wheel built in {time.perf_counter() - started:.1f} s")
    (built,) = out.glob("postcards-*.whl")
    archive = zipfile.ZipFile(built)
    yield archive
    archive.close()


def _metadata(wheel: zipfile.ZipFile) -> str:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return wheel.read(name).decode("utf-8")


def test_wheel_carries_the_licences(wheel: zipfile.ZipFile) -> None:
    """postcards' own MIT licence and those of the fonts and decoder it bundles."""
    licences = {n.split(".dist-info/licenses/")[1] for n in wheel.namelist() if "/licenses/" in n}
    assert "LICENSE" in licences
    assert {"fonts/PTSans-LICENSE.txt", "fonts/DejaVu-LICENSE.txt"} <= licences
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(name) == (ROOT / "LICENSE").read_bytes()
    metadata = _metadata(wheel)
    assert "License-Expression: MIT" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()


def test_wheel_version_is_the_code_s_one_version(wheel: zipfile.ZipFile) -> None:
    """One source: postcards/version.py gives the metadata, the API and --version."""
    from click.testing import CliRunner

    import postcards
    from postcards.cli import main
    from postcards.version import VERSION

    assert f"Version: {VERSION}" in _metadata(wheel).splitlines()
    assert postcards.__version__ == VERSION
    assert CliRunner().invoke(main, ["--version"]).output == f"postcards, version {VERSION}\n"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    major_minor = ".".join(VERSION.split(".")[:2])
    assert re.search(rf"^## {re.escape(major_minor)}\b", changelog, re.M), "not in CHANGELOG.md"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]


def test_wheel_says_what_runs_it(wheel: zipfile.ZipFile) -> None:
    """Linux and Python 3.11 to 3.13, as CI tests them, and where the project lives."""
    lines = _metadata(wheel).splitlines()
    for classifier in (
        "Operating System :: POSIX :: Linux",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ):
        assert f"Classifier: {classifier}" in lines
    assert "Requires-Python: >=3.11" in lines
    assert any(line.startswith("Project-URL: Changelog, ") for line in lines)


def test_odfpy_and_charset_normalizer_are_no_runtime_dependencies() -> None:
    """The code imports neither (ODS is read by its own reader; odfpy writes test files)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {re.split(r"[<>=\[ ]", d)[0] for d in pyproject["project"]["dependencies"]}
    assert not names & {"odfpy", "charset-normalizer"}
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "postcards").rglob("*.py"))
    assert not re.search(r"^\s*(import|from) (odf|charset_normalizer)\b", code, re.M)


def test_wheel_carries_code_and_bundled_folders(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    missing = [name for name in EXPECTED if name not in names]
    assert not missing, f"missing from the wheel: {missing}"


def test_wheel_leaves_out_stray_files(wheel: zipfile.ZipFile) -> None:
    strays = [
        n
        for n in wheel.namelist()
        if "tracking.db" in n or "__pycache__" in n or n.endswith((".pyc", ".part"))
    ]
    assert not strays, f"stray files in the wheel: {strays}"


def test_wheel_has_the_console_script(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode("utf-8")
    assert "[console_scripts]" in text
    lines = [line.replace(" ", "") for line in text.splitlines()]
    assert "postcards=postcards.cli:main" in lines


def test_cli_import_leaves_heavy_libraries_alone() -> None:
    code = (
        "import sys, postcards.cli\n"
        f"heavy = {HEAVY!r}\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"postcards.cli imports: {result.stdout.strip()}"


def test_help_lists_commands_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    command = [sys.executable, "-m", "postcards", "--help"]
    timings = []
    for _ in range(2):  # the first run may still be writing .pyc files
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
        timings.append(time.perf_counter() - started)
        assert result.returncode == 0, result.stderr
    listed = result.stdout.partition("Commands:")[2].split("\n")
    commands = {line.split()[0] for line in listed if line.startswith("  ") and line.strip()}
    assert set(COMMANDS) <= commands, f"--help lists {sorted(commands)}:\n{result.stdout}"
    took = min(timings)
    with capsys.disabled():
        print(f"\n`python -m postcards --help` took {took:.2f} s")
    assert took < 1.5, f"--help took {took:.2f} s"
