"""The command line: init, demo, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Result, page_texts, read_manifest, run

from postcards.cli.campaign import DEMO_FILES, DEMO_MARK


def test_init_writes_a_campaign_that_checks(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = run("init", folder)
    assert result.exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "campaign.toml",
        "prisoners.csv",
        "senders.xlsx",
    ]
    assert "# " in (folder / "campaign.toml").read_text(encoding="utf-8")  # commented
    checked = run("-c", folder, "check", "--example")
    assert checked.exit_code == 0, checked.stdout
    assert checked.stdout.splitlines()[-1] == "ok: ready to print"


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    assert run("init", tmp_path).exit_code == 0
    again = run("init", tmp_path)
    assert again.exit_code == 2
    assert "exists already" in again.stderr


def test_demo_says_where_the_files_are(demo_run: tuple[Path, Result]) -> None:
    demo, result = demo_run
    out = result.stdout
    assert f"cards -> {demo / 'cards.pdf'}" in out
    assert f"manifest -> {demo / 'cards.manifest.csv'}" in out
    for name in ("cards", "sheets-a4-2up"):  # issue 23: a job ticket beside each print file
        assert f"job ticket -> {demo / f'{name}.ticket.pdf'}" in out
    written = {p.name for p in demo.iterdir()}
    assert written == {*DEMO_FILES, DEMO_MARK, "tracking.db"}  # the guard knows every file
    assert "45 cards" in out
    assert f"godparents poster (27 counted, 1 page) -> {demo / 'poster.png'}" in out
    assert (demo / "poster.pdf").stat().st_size > 0
    # Issue 22: each card carries its sender's parliament's address, not Brussels for all.
    manifest = read_manifest(demo / "cards.manifest.csv")
    backs = page_texts(demo / "cards.pdf")
    bundestag = next(row for row in manifest if row["sender_id"] == "S09")  # Jürgen Weißhaupt
    back = backs[int(bundestag["back_page"]) - 1]
    assert "Deutscher Bundestag Platz der Republik 1 11011 Berlin GERMANY" in back
    assert "Brussels" not in back
    assert bundestag["return_address"] == (
        "Deutscher Bundestag / Platz der Republik 1 / 11011 Berlin / GERMANY"
    )
    brussels = {row["sender_id"] for row in manifest if "Brussels" in row["return_address"]}
    assert brussels == {f"S0{n}" for n in range(1, 9)}  # the MEPs, and no one else
    assert sum("1047 Brussels" in backs[int(row["back_page"]) - 1] for row in manifest) == sum(
        row["sender_id"] in brussels for row in manifest
    )


def test_unknown_command_is_a_usage_error() -> None:
    assert run("frobnicate").exit_code == 2


def test_campaign_path_may_be_the_folder_or_the_file(campaign: Path) -> None:
    assert run("-c", campaign, "check").exit_code == 0
    assert run("-c", campaign / "campaign.toml", "check").exit_code == 0
    assert run("check", cwd=campaign).exit_code == 0


def test_the_progress_bar_says_what_it_does_from_the_first_second(tmp_path: Path) -> None:
    """Run `cards` with stderr on a real terminal (a pty) and read what rich drew."""
    import os
    import pty
    import re
    import subprocess
    import sys

    main, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    samples = Path(__file__).resolve().parent.parent / "samples"
    command = [sys.executable, "-m", "postcards", "-c", str(samples),
               "cards", "-o", str(tmp_path / "cards.pdf")]  # fmt: skip
    db = f"sqlite:///{tmp_path / 'tracking.db'}"
    done = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=secondary,
                            env={**env, "POSTCARDS_DATABASE": db})  # fmt: skip
    os.close(secondary)
    drawn = b""
    with done:  # its stdout pipe is closed at the end, whatever happens
        try:
            while True:
                try:
                    chunk = os.read(main, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                drawn += chunk
        finally:
            os.close(main)
        assert done.wait(60) == 0, drawn
        printed = done.stdout.read().decode()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode("utf-8", "replace"))
    first = text.index("cards: reading and checking")
    assert "0:00:00" in text[first : first + 200]  # labelled in the first second
    assert "cards: planning and drawing" in text and "45/45" in text
    drawing = text[text.rindex("cards: planning and drawing") :]
    assert re.search(r"45/45 0:00:\d\d · [\d,]+ cards/s · 0:00:00 left", drawing), drawing[:300]
    assert "45 cards on 45 sheets -> " in printed


def test_counts_are_singular_for_one(campaign: Path) -> None:
    prisoners = campaign / "prisoners.csv"
    lines = prisoners.read_text(encoding="utf-8").splitlines()
    prisoners.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # one prisoner
    result = run("-c", campaign, "cards", "--layout", "a4-2up", "-o", campaign / "s.pdf")
    assert result.exit_code == 0, result.stderr
    assert "1 card on 1 sheet -> " in result.stdout
    assert "ledger: 1 new card recorded" in result.stdout
    prisoners.write_text("\n".join([lines[0], lines[1].replace("Иванов Сергей Петрович", "")])
                         + "\n", encoding="utf-8")  # fmt: skip
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    assert "1 problem: fix it before printing." in result.stdout


# --- once is enough: each warning once per command (issue 22) ----------------------------

#: A warning the bundled samples give: two prisoners without a year of birth.
SAMPLE_WARNINGS = [
    f"prisoners.csv:{row}: birth_year: warning: empty: namesakes in one institution cannot be "
    "told apart without the year of birth; add it"
    for row in (28, 51)
]


def problem_lines(result) -> list[str]:
    """The lines of a command's output, stdout and stderr, that are warnings or problems."""
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if ": warning: " in line or line.startswith("prisoners.csv:")]


def test_demo_shows_each_warning_once(demo_run: tuple[Path, Result]) -> None:
    """assign, cards and the sheets each read the lists: the user reads each warning once."""
    _, result = demo_run
    assert problem_lines(result) == SAMPLE_WARNINGS
    everything = (result.stdout + result.stderr).splitlines()
    assert everything.count(SAMPLE_WARNINGS[0]) == 1
    assert not [line for line in everything if "warning" in line and everything.count(line) > 1]


def _without_a_birth_year(campaign: Path) -> str:
    prisoners = campaign / "prisoners.csv"
    prisoners.write_text(
        prisoners.read_text(encoding="utf-8").replace(",1985,", ",,", 1), encoding="utf-8"
    )
    return (
        "prisoners.csv:2: birth_year: warning: empty: namesakes in one institution cannot be "
        "told apart without the year of birth; add it"
    )


def test_check_assign_and_cards_show_a_warning_once(campaign: Path) -> None:
    warning = _without_a_birth_year(campaign)
    for args in (
        ["check"],
        ["assign"],
        ["cards", "-o", campaign / "out" / "cards.pdf"],  # prints the pairs assign wrote
        ["cards", "--layout", "a4-2up", "-o", campaign / "out" / "sheets.pdf"],
    ):
        result = run("-c", campaign, *args)
        assert result.exit_code == 0, result.stderr
        assert problem_lines(result) == [warning], args


def test_a_problem_is_printed_once_per_command_and_counted_as_printed() -> None:
    """The printer remembers what it showed for as long as the command runs, and no longer."""
    import click
    from click.testing import CliRunner

    from postcards.cli.shell import print_problems, reported_errors
    from postcards.errors import InputError, Problem

    warning = Problem("empty", file="p.csv", row=3, column="birth_year", warning=True)
    error = Problem("empty", file="p.csv", row=2, column="name")

    @click.command()
    def twice() -> None:
        print_problems([warning])
        print_problems([warning, warning], err=False)
        with reported_errors():
            raise InputError([warning, error, error, Problem("bad", file="p.csv", row=4)])

    for _ in range(2):  # a second run of the command shows it all again
        result = CliRunner().invoke(twice)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "p.csv:3: birth_year: warning: empty",
            "p.csv:2: name: empty",
            "p.csv:4: bad",
            "2 problems; nothing was written.",
        ]


# --- -c after the command name, for every command (issue 22) -----------------------------


def test_every_command_but_init_takes_c_and_the_global_flags_after_its_name() -> None:
    import click

    from postcards.cli import main

    commands = []
    for name, command in main.commands.items():
        commands.append((name, command))
        if isinstance(command, click.Group):
            commands += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
    assert "serve" in dict(commands) and "track report" in dict(commands)
    missing = [
        f"{name} {flag}"
        for name, command in commands
        for flag in ("--campaign", "-c", "--office", "--no-bom")
        if name != "init" and not any(flag in p.opts for p in command.params)
    ]
    assert not missing  # init makes a campaign: it takes a folder, not -c


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list:
    """`postcards serve` up to the point it would listen: the app it would serve, kept."""
    import postcards.station.server

    apps: list = []
    monkeypatch.setattr(postcards.station.server, "serve", lambda app, setup: apps.append(app))
    return apps


def _station(app):
    """The station inside the Host and token guard and the language middleware."""
    while not hasattr(app, "state"):
        app = app.app
    return app.state.station


def test_serve_takes_c_after_its_name(campaign: Path, tmp_path: Path, served: list) -> None:
    assert run("-c", campaign, "cards", "-o", campaign / "out" / "cards.pdf").exit_code == 0
    elsewhere = tmp_path / "elsewhere"  # no campaign here: all comes from -c
    elsewhere.mkdir()
    result = run("serve", "-c", campaign, "--port", "8765", cwd=elsewhere)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "station for Test campaign on tracking.db",
        "open http://127.0.0.1:8765/scan  (dashboard: http://127.0.0.1:8765/)",
    ]
    station = _station(served[-1])
    assert station.campaign == "Test campaign" and station.bom is True
    assert station.ledger.path == campaign / "tracking.db"  # the campaign's own ledger
    assert sorted(station.directory.prisoners) == ["P1", "P2", "P3", "P4"]  # its lists
    toml = campaign / "campaign.toml"
    assert run("serve", "--campaign", toml, "--no-bom", cwd=elsewhere).exit_code == 0
    assert _station(served[-1]).bom is False
    assert run("-c", campaign, "serve", "-c", toml, cwd=elsewhere).exit_code == 0  # the same one
    twice = run("-c", elsewhere, "serve", "-c", campaign)
    assert twice.exit_code == 2 and "-c given twice" in twice.stderr
