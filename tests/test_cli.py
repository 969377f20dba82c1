"""The command line: init, demo, exit codes."""

from __future__ import annotations

from pathlib import Path

from conftest import run


def test_init_writes_a_campaign_that_checks(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = run("init", folder)
    assert result.exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "campaign.toml", "prisoners.csv", "senders.xlsx"]
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


def test_unknown_command_is_a_usage_error() -> None:
    assert run("frobnicate").exit_code == 2


def test_campaign_path_may_be_the_folder_or_the_file(campaign: Path) -> None:
    assert run("-c", campaign, "check").exit_code == 0
    assert run("-c", campaign / "campaign.toml", "check").exit_code == 0
    assert run("check", cwd=campaign).exit_code == 0
