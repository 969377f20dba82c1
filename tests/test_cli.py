"""The command line: init, demo, exit codes."""

from __future__ import annotations

from pathlib import Path

from conftest import page_texts, read_manifest, run


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


def test_demo_says_where_the_files_are(tmp_path: Path) -> None:
    result = run("demo", "-o", tmp_path / "demo")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"cards -> {tmp_path / 'demo' / 'cards.pdf'}" in out
    assert f"manifest -> {tmp_path / 'demo' / 'cards.manifest.csv'}" in out
    assert "45 cards" in out
    assert f"godparents poster (27 counted, 1 page) -> {tmp_path / 'demo' / 'poster.png'}" in out
    assert (tmp_path / "demo" / "poster.pdf").stat().st_size > 0
    # Issue 22: each card carries its sender's parliament's address, not Brussels for all.
    manifest = read_manifest(tmp_path / "demo" / "cards.manifest.csv")
    backs = page_texts(tmp_path / "demo" / "cards.pdf")
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
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    assert done.wait(60) == 0, drawn
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode("utf-8", "replace"))
    first = text.index("cards: reading and checking")
    assert "0:00:00" in text[first : first + 200]  # labelled in the first second
    assert "cards: planning and drawing" in text and "45/45" in text
    drawing = text[text.rindex("cards: planning and drawing") :]
    assert re.search(r"45/45 0:00:\d\d · [\d,]+ cards/s · 0:00:00 left", drawing), drawing[:300]
    assert "45 cards on 45 sheets -> " in done.stdout.read().decode()


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
