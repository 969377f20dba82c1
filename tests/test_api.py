"""The Python API: ``import postcards`` for notebooks and scripts.

Each method runs the same job as its command and returns values: nothing printed, every
output guarded as on the command line, bad input raised with its problems.  The README's
library examples run here as they are written.
"""

from __future__ import annotations

import csv
import dataclasses
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import postcards
from postcards.errors import InputError, UsageError
from postcards.jobs.poster import PosterOptions
from postcards.printing.run import CardOptions

ROOT = Path(__file__).resolve().parent.parent


def test_import_postcards_loads_no_stage_until_a_name_is_used() -> None:
    code = (
        "import sys, postcards\n"
        "print(sorted(m for m in sys.modules if m.startswith('postcards.')))\n"
        "postcards.Campaign\n"
        "print('postcards.jobs.cards' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    before, after = result.stdout.splitlines()
    assert before == "[]"
    assert after == "True"


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Campain'"):
        postcards.Campain  # noqa: B018


def test_check_returns_the_report_and_prints_nothing(
    campaign: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = postcards.Campaign.load(campaign).check()
    assert report.ok, report.problems
    assert (report.senders, report.prisoners, report.in_custody) == (2, 5, 4)
    assert len(report.pairings) > 0
    assert capsys.readouterr() == ("", "")


def test_cards_scan_and_report_round_trip(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = postcards.Campaign.load(campaign)
    result = api.cards(tmp_path / "out" / "cards.pdf", layout="a4-2up")
    assert result.files and result.files[0].is_file()
    assert result.sheets == (result.cards + 1) // 2
    with open(result.manifest, encoding="utf-8-sig", newline="") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert len(codes) == result.cards == result.new_in_ledger

    first, again = api.ledger.scan([codes[0], codes[0]], status="sent", by="desk 1")
    assert (first.kind, again.kind) == ("recorded", "already scanned")
    card, history = api.ledger.card(codes[0])
    assert [event.status for event in history] == ["generated", "sent"]
    assert history[-1].by == "desk 1"
    report = api.ledger.report()
    assert report.totals["sent"] == 1
    tables = api.ledger.tables()
    assert isinstance(tables["prisoners"], pd.DataFrame)
    assert len(tables["prisoners"]) == len(report.prisoners)
    assert capsys.readouterr() == ("", "")


def test_outputs_never_replace_an_input_or_the_ledger(campaign: Path, tmp_path: Path) -> None:
    api = postcards.Campaign.load(campaign)
    senders = campaign / "senders.csv"
    before = senders.read_bytes()
    with pytest.raises(UsageError, match="would replace the senders list"):
        api.cards(senders)
    (campaign / "linked.pdf").symlink_to(campaign / "campaign.toml")
    with pytest.raises(UsageError, match="would replace the campaign file"):
        api.cards(campaign / "linked.pdf")
    assert senders.read_bytes() == before
    assert not (campaign / "tracking.db").exists()  # refused before any work

    api.cards(tmp_path / "cards.pdf")
    ledger = (campaign / "tracking.db").read_bytes()
    with pytest.raises(UsageError, match="ledger"):
        api.cards(campaign / "tracking.db")
    with pytest.raises(UsageError, match="prisoners list"):
        api.ledger.write_report(campaign / "prisoners.csv")
    assert (campaign / "tracking.db").read_bytes() == ledger


def test_bad_lists_raise_their_problems(campaign: Path) -> None:
    (campaign / "prisoners.csv").write_text("name,status\n,in_custody\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        postcards.Campaign.load(campaign).cards(campaign / "out.pdf")
    assert any("prisoners.csv" in str(problem) for problem in caught.value.problems)
    assert not (campaign / "out.pdf").exists()


def test_dataframes_are_read_as_the_lists(campaign: Path) -> None:
    from_files = postcards.Campaign.load(campaign).check()
    senders = pd.read_csv(campaign / "senders.csv", dtype=str, keep_default_na=False)
    prisoners = pd.read_csv(campaign / "prisoners.csv", dtype=str, keep_default_na=False)
    (campaign / "senders.csv").unlink()
    (campaign / "prisoners.csv").unlink()
    api = postcards.Campaign.load(campaign, senders=senders, prisoners=prisoners)
    from_frames = api.check()
    assert from_frames.ok, from_frames.problems
    pairs = {(p.sender.id, p.prisoner.id) for p in from_files.pairings}
    assert {(p.sender.id, p.prisoner.id) for p in from_frames.pairings} == pairs
    assert [p.name for p in api.load_prisoners()] == list(prisoners["name"])


def test_a_dataframe_with_a_wrong_cell_names_its_row(campaign: Path) -> None:
    prisoners = pd.read_csv(campaign / "prisoners.csv", dtype=str, keep_default_na=False)
    prisoners.loc[1, "name"] = ""
    report = postcards.Campaign.load(campaign, prisoners=prisoners).check()
    assert not report.ok
    assert any(p.row == 3 and p.column == "name" for p in report.problems)


def test_assign_writes_the_pairs_and_cards_print_them(campaign: Path, tmp_path: Path) -> None:
    api = postcards.Campaign.load(campaign)
    result = api.assign(seed=7)
    assert result.output == campaign / "assignments.csv"
    assert result.output.is_file() and result.pairs.pairings
    with pytest.raises(UsageError, match="prisoners list"):
        api.assign(campaign / "prisoners.csv")
    printed = postcards.Campaign.load(campaign, assignments=result.output).cards(
        tmp_path / "cards.pdf"
    )
    assert printed.cards == len(result.pairs.pairings)


def test_readme_library_examples_run(campaign: Path, tmp_path: Path) -> None:
    """Every ```python block of the README's library section, run in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Library", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 2
    folder = tmp_path / "work"
    folder.mkdir()
    (campaign).rename(folder / "my-campaign")
    old = Path.cwd()
    os.chdir(folder)
    try:
        namespace: dict[str, object] = {}
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(old)
    assert (folder / "out" / "cards.pdf").is_file()


@pytest.mark.parametrize("job", ["cards", "check", "assign"])
def test_a_job_opens_the_ledger_once(
    job: str, campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading tallies, the last list, codes and print runs, then recording: one ledger."""
    from postcards.ledger.book import Ledger

    api = postcards.Campaign.load(campaign)
    api.cards(tmp_path / "first.pdf")  # now there is a ledger with a wave in it
    opened: list[str] = []
    real = Ledger.open.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Ledger], target: str) -> Ledger:
        opened.append(str(target))
        return real(cls, target)

    monkeypatch.setattr(Ledger, "open", classmethod(counted))
    if job == "cards":
        api.cards(tmp_path / "again.pdf", only=["unsent"])
    elif job == "check":
        assert api.check().ok
    else:
        api.assign(tmp_path / "pairs.csv")
    assert len(opened) == 1, opened


def test_each_result_holds_a_warning_once(campaign: Path, tmp_path: Path) -> None:
    prisoners = campaign / "prisoners.csv"
    prisoners.write_text(
        prisoners.read_text(encoding="utf-8").replace(",1985,", ",,", 1), encoding="utf-8"
    )
    expected = (
        "prisoners.csv:2: birth_year: warning: empty: namesakes in one institution cannot be "
        "told apart without the year of birth; add it"
    )
    api = postcards.Campaign.load(campaign)
    checked = api.check()
    assigned = api.assign(tmp_path / "pairs.csv")
    printed = postcards.Campaign.load(campaign, assignments=assigned.output).cards(
        tmp_path / "cards.pdf"
    )
    for warnings in (checked.warnings, assigned.report.warnings, printed.warnings):
        assert [str(w) for w in warnings] == [expected]


def test_an_error_holds_each_problem_once() -> None:
    from postcards.errors import Problem

    twice = Problem("empty", file="prisoners.csv", row=6, column="name")
    other = Problem("empty", file="prisoners.csv", row=7, column="name")
    assert InputError([twice, other, twice]).problems == [twice, other]


def test_csv_files_start_with_a_bom_unless_load_says_bom_false(
    campaign: Path, tmp_path: Path
) -> None:
    with_bom = postcards.Campaign.load(campaign).assign(tmp_path / "a.csv").output
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbfsender_id,")
    plain = postcards.Campaign.load(campaign, bom=False)
    assert plain.assign(tmp_path / "b.csv").output.read_bytes().startswith(b"sender_id,")
    printed = plain.cards(tmp_path / "cards.pdf")
    assert printed.manifest.read_bytes().startswith(b"code,")
    [report] = plain.ledger.write_report(tmp_path / "r.csv", table="totals")
    assert report.read_bytes().startswith(b"status,")


@pytest.mark.parametrize(
    ("method", "args", "typo"),
    [
        ("check", (), {"layuot": "a4-2up"}),
        ("cards", ("out.pdf",), {"alow_risky": True}),
        ("cards", ("out.pdf",), {"senders": ["S1"]}),  # reprint ids are sender_ids now
        ("proof", ("proofs",), {"dpl": 100}),
        ("preview", ("S1", "P1"), {"sise": "A6"}),
        ("poster", ("poster.pdf",), {"knd": "wall"}),
        ("assign", (), {"per_prisonner": 2}),
    ],
)
def test_a_misspelt_option_is_a_type_error_before_any_work(
    campaign: Path, method: str, args: tuple, typo: dict
) -> None:
    api = postcards.Campaign.load(campaign)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        getattr(api, method)(*args, **typo)
    assert not (campaign / "tracking.db").exists()


def test_every_print_and_poster_option_is_a_keyword_of_the_api() -> None:
    """A new option of the command line reaches the API too, or this fails."""
    card_options = {f.name for f in dataclasses.fields(CardOptions)} - {"selection"}
    cards = inspect.signature(postcards.Campaign.cards).parameters
    assert card_options <= set(cards)
    assert {"only", "sender_ids", "prisoner_ids"} <= set(cards)
    poster = inspect.signature(postcards.Campaign.poster).parameters
    assert {f.name for f in dataclasses.fields(PosterOptions)} <= set(poster)
    for method in ("check", "cards", "proof", "preview", "poster", "assign"):
        parameters = inspect.signature(getattr(postcards.Campaign, method)).parameters.values()
        assert all(p.kind is not p.VAR_KEYWORD for p in parameters), method
        assert all(p.annotation is not p.empty for p in parameters if p.name != "self"), method


def test_sender_ids_reprint_just_those_senders_cards(campaign: Path, tmp_path: Path) -> None:
    api = postcards.Campaign.load(campaign)
    everything = api.cards(tmp_path / "all.pdf")
    (sender, *_others) = sorted({s.id for s in api.load_senders()})
    again = api.cards(tmp_path / "again.pdf", sender_ids=[sender])
    with open(again.manifest, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {row["sender_id"] for row in rows} == {sender}
    assert again.cards < everything.cards and again.new_in_ledger == 0


def test_the_old_list_methods_still_answer_with_a_deprecation_warning(campaign: Path) -> None:
    api = postcards.Campaign.load(campaign)
    with pytest.warns(
        DeprecationWarning, match=r"Campaign.senders\(\) is now Campaign.load_senders"
    ):
        senders = api.senders()
    with pytest.warns(DeprecationWarning, match=r"Campaign.load_prisoners\(\)"):
        prisoners = api.prisoners()
    assert senders == api.load_senders() and prisoners == api.load_prisoners()
