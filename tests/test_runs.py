"""A print run killed with SIGKILL at each point leaves the ledger and the files agreeing,
and a rerun prints the same codes in identical bytes (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Result, read_manifest, run

from postcards.ledger.book import Ledger
from postcards.printing.settling import KILL_AT_VARIABLE, KILL_POINTS


def postcards(
    campaign: Path, ledger_url: str, *args: str, kill_at: str | None = None
) -> subprocess.CompletedProcess:
    """The real command in its own process, as a user (or kill -9) would meet it."""
    env = {**os.environ, "POSTCARDS_DATABASE": ledger_url}
    env.pop(KILL_AT_VARIABLE, None)
    if kill_at:
        env[KILL_AT_VARIABLE] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "postcards", "-c", str(campaign), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def in_process(
    monkeypatch: pytest.MonkeyPatch, campaign: Path, ledger_url: str, *args: str
) -> Result:
    """The command run in this process: what follows a kill needs no process of its own."""
    monkeypatch.setenv("POSTCARDS_DATABASE", ledger_url)
    monkeypatch.delenv(KILL_AT_VARIABLE, raising=False)
    return run("-c", campaign, *args)


def ledger_codes(ledger_url: str) -> set[str]:
    with Ledger.open(ledger_url) as ledger:
        return {card.code for card in ledger.cards("Test campaign")} | {
            card.code for name in _campaigns(ledger) for card in ledger.cards(name)
        }


def _campaigns(ledger: Ledger) -> set[str]:
    return {row[0] for row in ledger._rows("SELECT DISTINCT campaign FROM cards")}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_leaves_ledger_and_files_agreeing(
    campaign: Path, ledger_url: str, point: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The killed run in a process of its own; the check and the rerun after it, here."""
    out = campaign / "out" / "cards.pdf"
    manifest = out.with_suffix(".manifest.csv")
    killed = postcards(campaign, ledger_url, "cards", "-o", str(out), kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    parts = sorted(out.parent.glob(".*.part"))
    killed_pdf = next(
        (p.read_bytes() for p in parts if p.name.startswith(".cards.pdf.")),
        out.read_bytes() if out.exists() else None,
    )
    killed_manifest = next((p for p in parts if p.name.startswith(".cards.manifest")), manifest)

    checked = in_process(monkeypatch, campaign, ledger_url, "check")
    assert checked.exit_code == 0, checked.stderr
    recorded = ledger_codes(ledger_url) if point != "after-temps" else set()
    if out.exists():  # a PDF in place: every code on it is in the ledger
        assert {row["code"] for row in read_manifest(killed_manifest)} <= recorded
    if point != "after-temps":  # check settled the killed run: none left pending
        with Ledger.open(ledger_url) as ledger:
            assert ledger.print_runs("Test campaign", "pending") == []
            assert len(ledger.print_runs("Test campaign", "complete")) == (point == "after-rename")
    if point in ("after-commit", "after-first-rename"):
        assert "interrupted before its files were in place" in checked.stdout + checked.stderr

    rerun = in_process(monkeypatch, campaign, ledger_url, "cards", "-o", str(out))
    assert rerun.exit_code == 0, rerun.stderr
    codes = {row["code"] for row in read_manifest(manifest)}
    assert ledger_codes(ledger_url) == codes  # nothing recorded that was not printed
    if recorded:
        assert codes == recorded  # the killed run's codes, reused
        assert out.read_bytes() == killed_pdf  # byte for byte what the killed run made
    assert not list(out.parent.glob(".*.part"))  # the killed run's temporaries are gone
    again = in_process(monkeypatch, campaign, ledger_url, "check")
    assert "interrupted" not in again.stdout + again.stderr


def test_a_run_still_renaming_when_check_looks_is_complete_after_all(
    ledger_url: str, tmp_path: Path
) -> None:
    """Another office's `check` may settle a run between its commit and its renames."""
    from postcards.printing.settling import run_files, settle

    tmp, final = tmp_path / ".cards.pdf.x.part", tmp_path / "cards.pdf"
    tmp.write_bytes(b"%PDF- the cards")
    with Ledger.open(ledger_url) as ledger:
        run_id, _ = ledger.begin_print_run("C", "W1", [], run_files([(tmp, final)]))
        settle(ledger, "C")  # the files are not in place yet
        assert [r.id for r in ledger.print_runs("C", "interrupted")] == [run_id]
        tmp.rename(final)
        settle(ledger, "C")
        assert [r.id for r in ledger.print_runs("C", "complete")] == [run_id]
        assert ledger.print_runs("C", "interrupted") == []


def test_a_run_that_loses_the_race_says_the_other_run_printed_the_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two print runs of one wave at once (the desk and the command line, two computers):
    the one that records second stops, says the other printed the cards, and leaves
    nothing; the ledger has the first run's cards, each once."""
    from postcards.campaign_file import load_campaign
    from postcards.errors import LedgerError
    from postcards.jobs import cards as job
    from postcards.printing.run import CardOptions

    folder = tmp_path / "campaign"
    assert run("init", folder).exit_code == 0
    campaign = load_campaign(folder / "campaign.toml")
    options = CardOptions(example=True)
    first, second = folder / "first.pdf", folder / "second.pdf"
    record = job._record

    def the_other_run_records_first(*args, **kwargs):  # as this run is about to record
        monkeypatch.setattr(job, "_record", record)
        job.make_cards(campaign, first, options)
        return record(*args, **kwargs)

    monkeypatch.setattr(job, "_record", the_other_run_records_first)
    with pytest.raises(LedgerError) as caught:
        job.make_cards(campaign, second, options)
    message = str(caught.value)
    assert "recorded while this print run was drawing" in message, message
    assert "this run recorded nothing" in message and "cards --only" in message
    assert first.is_file() and not second.exists()
    assert not second.with_suffix(".manifest.csv").exists()
    printed = {row["code"] for row in read_manifest(first.with_suffix(".manifest.csv"))}
    with Ledger.open(campaign.database_url) as ledger:
        assert {card.code for card in ledger.cards(campaign.name)} == printed
