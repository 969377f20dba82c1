"""List freshness: the current prisoner list against the one the last wave used."""

from __future__ import annotations

import csv
import datetime as dt
import gc
from pathlib import Path

import pytest
from conftest import read_manifest, run

from postcards.campaign_file import load_campaign
from postcards.codes import format_code
from postcards.inputs.freshness import (
    ListChange,
    Snapshot,
    compare,
    freshness_problems,
    list_age_problem,
    list_hash,
    list_rows,
    snapshot,
)
from postcards.inputs.people import Prisoner
from postcards.inputs.reading import read_prisoners
from postcards.inputs.spreadsheets import read_table
from postcards.jobs.lists import list_date
from postcards.ledger.book import Ledger
from postcards.ledger.model import PrisonerList


def _prisoner(pid: str, institution: str = "ИК № 9", status: str = "in_custody") -> Prisoner:
    return Prisoner(
        pid,
        f"Name {pid}",
        2,
        institution=institution,
        city="г. Горки",
        postcode="213410",
        status=status,
    )


def _last(prisoners: list[Prisoner]) -> PrisonerList:
    rows = list_rows(prisoners)
    return PrisonerList("W1", list_hash(rows), "", "", "prisoners.csv", rows)


def test_one_release_one_transfer_one_new_give_exactly_three_findings() -> None:
    last = _last([_prisoner("P1"), _prisoner("P2"), _prisoner("P3")])
    current = [
        _prisoner("P1", status="released"),
        _prisoner("P2", institution="ИК № 15"),
        _prisoner("P3"),
        _prisoner("P4"),
    ]
    changes = compare(last, current, {"P2": ["K7M2QX9D4"], "P3": ["AAAAAAAA0"]})
    assert changes == [
        ListChange("released", "P1", "Name P1", "in custody", "released"),
        ListChange(
            "transferred",
            "P2",
            "Name P2",
            "ИК № 9, 213410, г. Горки",
            "ИК № 15, 213410, г. Горки",
            ("K7M2QX9D4",),
        ),
        ListChange("new", "P4", "Name P4"),
    ]


def test_a_prisoner_gone_from_the_list_is_reported() -> None:
    last = _last([_prisoner("P1"), _prisoner("P2", status="released")])
    assert compare(last, []) == [ListChange("removed", "P1", "Name P1")]


def test_the_hash_ignores_row_order_but_not_an_address() -> None:
    one = [_prisoner("P1"), _prisoner("P2")]
    assert list_hash(list_rows(one)) == list_hash(list_rows(one[::-1]))
    moved = [_prisoner("P1"), _prisoner("P2", institution="СИЗО № 1")]
    assert list_hash(list_rows(one)) != list_hash(list_rows(moved))


def test_an_old_list_is_a_warning() -> None:
    today = dt.date(2026, 3, 31)
    problem = list_age_problem(dt.date(2026, 2, 1), 30, today, "prisoners.csv")
    assert problem is not None and problem.warning
    assert str(problem) == (
        "prisoners.csv: warning: the prisoner list is 58 days old (from "
        "2026-02-01); [check] list_max_age_days is 30: get a fresh list "
        "before printing, or set [campaign] list_date"
    )
    assert list_age_problem(dt.date(2026, 3, 1), 30, today, "prisoners.csv") is None


def test_list_date_and_max_age_come_from_campaign_toml(campaign: Path) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'wave = "T1"', 'wave = "T1"\nlist_date = 2026-01-10'
        )
        + "\n[check]\nlist_max_age_days = 30\n",
        encoding="utf-8",
    )
    loaded = load_campaign(toml)
    prisoners = read_prisoners(read_table(loaded.prisoners_path))
    date, days = list_date(loaded), loaded.list_max_age_days
    found = freshness_problems(prisoners, None, loaded.name, date, days, dt.date(2026, 3, 1))
    assert [p.message.split(";")[0] for p in found] == [
        "the prisoner list is 50 days old (from 2026-01-10)"
    ]
    assert freshness_problems(prisoners, None, loaded.name, date, days, dt.date(2026, 1, 20)) == []


def _edit_list(path: Path) -> None:
    """P1 released, P2 moved to another colony, P6 new."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["status"] = "released"
    rows[1]["institution"] = "ИК № 17"
    rows.append({**rows[3], "id": "P6", "name": "Новикова Ольга Петровна", "name_dative": ""})
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_check_and_assign_report_the_changes_since_the_last_wave(campaign: Path) -> None:
    assert run("-c", campaign, "cards", "-o", campaign / "w1.pdf").exit_code == 0
    with Ledger.open(campaign / "tracking.db") as ledger:
        recorded = ledger.last_list("Test campaign")
    assert recorded is not None and recorded.wave == "T1" and len(recorded.rows) == 5
    assert recorded.rows["P2"]["institution"] == "ИК № 15"
    assert run("-c", campaign, "check").stdout.splitlines()[0] == "senders: 2"  # no news

    codes = {c["prisoner_id"]: c["code"] for c in read_manifest(campaign / "w1.manifest.csv")}
    _edit_list(campaign / "prisoners.csv")
    expected = [
        "prisoners.csv:2: status: warning: Иванов Сергей Петрович (P1) was in custody in the "
        "list of wave T1, now released: no new card",
        "prisoners.csv:3: institution: warning: Кавалёў Алесь Пятровіч (P2) moved since the "
        "list of wave T1: ИК № 15, Славгородское шоссе, 183, 212013, г. Могилёв, Могилёвская "
        "обл. -> ИК № 17, Славгородское шоссе, 183, 212013, г. Могилёв, Могилёвская обл.; "
        f"reprint the 1 card(s) printed for the old address: {format_code(codes['P2'])}",
        "prisoners.csv:7: warning: Новикова Ольга Петровна (P6) is new since the list of wave T1",
    ]
    checked = run("-c", campaign, "check", "--wave", "T2")
    assert checked.exit_code == 0, checked.stdout
    assert [line for line in checked.stdout.splitlines() if "warning" in line] == expected
    assigned = run("-c", campaign, "assign", "--wave", "T2")
    assert assigned.exit_code == 0
    assert [line for line in assigned.stdout.splitlines() if "warning" in line] == expected

    with Ledger.open(campaign / "tracking.db") as ledger:  # once posted, nothing to reprint
        ledger.record_event(codes["P2"], "sent", "office")
    again = run("-c", campaign, "check", "--wave", "T2")
    assert "moved since" in again.stdout and "reprint" not in again.stdout


def test_an_unchanged_list_is_not_read_back_from_the_ledger(
    campaign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list the last wave recorded is compared by its hash first: a check or a reprint
    with the same list does not read its rows back (100,000 of them are some 100 MB)."""
    assert run("-c", campaign, "cards", "-o", campaign / "w1.pdf").exit_code == 0

    def read_back(self: Ledger, name: str) -> None:
        raise AssertionError(f"the rows of {name!r}'s last list were read back")

    monkeypatch.setattr(Ledger, "last_list", read_back)
    checked = run("-c", campaign, "check")
    assert checked.exit_code == 0 and "warning" not in checked.stdout, checked.stdout
    reprinted = run("-c", campaign, "cards", "-o", campaign / "again.pdf")
    assert reprinted.exit_code == 0, reprinted.stdout
    _edit_list(campaign / "prisoners.csv")  # another list: its rows are compared
    with pytest.raises(AssertionError, match="were read back"):
        run("-c", campaign, "check", "--wave", "T2")


def test_list_rows_find_every_prisoner_by_id_and_no_other() -> None:
    """The rows the ledger stores and the hash reads: each id once, its later row if repeated."""
    rows = list_rows(
        [_prisoner("P10"), _prisoner("P2", institution="ИК № 1"), _prisoner("P2"), _prisoner("P1")]
    )
    assert list(rows) == ["P1", "P10", "P2"]
    assert len(rows) == 3
    assert rows["P2"]["institution"] == "ИК № 9"  # the later row, as a dict by id keeps it
    assert rows["P10"]["name"] == "Name P10"
    for missing in ("P0", "P3", "P", "Q", ""):
        assert missing not in rows
    assert dict(rows) == {p: rows[p] for p in ("P1", "P10", "P2")}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_list_hashed_while_the_workers_draw_is_the_list_read(campaign: Path, jobs: str) -> None:
    """The hash a print run records, taken in steps between chunks, is the whole list's."""
    assert run("-c", campaign, "cards", "--jobs", jobs, "-o", campaign / "w1.pdf").exit_code == 0
    with Ledger.open(campaign / "tracking.db") as ledger:
        recorded = ledger.last_list("Test campaign")
    prisoners = read_prisoners(read_table(campaign / "prisoners.csv"))
    assert recorded is not None and recorded.list_hash == list_hash(list_rows(prisoners.records))
    assert recorded.list_hash == list_hash(recorded.rows)


def test_a_snapshot_hashed_in_steps_is_the_snapshot_hashed_at_once(campaign: Path) -> None:
    prisoners = read_prisoners(read_table(campaign / "prisoners.csv"))
    stepped = Snapshot(prisoners, "T1", "2026-01-10", batch=2)
    steps = stepped.steps()
    next(steps)  # two of the five rows hashed, as between two chunks of a print run
    taken = stepped.taken()
    assert taken == snapshot(prisoners, "T1", "2026-01-10")
    assert taken.list_hash == list_hash(list_rows(prisoners.records))
    fresh = read_prisoners(read_table(campaign / "prisoners.csv"))  # a list not hashed yet
    assert len(list(Snapshot(fresh, "T1", batch=2).steps())) == 3  # rows 1-2, 3-4, 5 + hash


def test_a_list_hashed_once_is_not_hashed_again_and_no_other_list_takes_its_hash(
    campaign: Path,
) -> None:
    """The check of a run with a ledger hashes the list; the run's snapshot reuses it."""
    prisoners = read_prisoners(read_table(campaign / "prisoners.csv"))
    first = snapshot(prisoners, "")
    again = Snapshot(prisoners, "T2", batch=2)
    assert list(again.steps()) == []  # nothing left to hash
    assert again.taken().list_hash == first.list_hash == list_hash(list_rows(prisoners.records))
    del prisoners, again
    gc.collect()
    _edit_list(campaign / "prisoners.csv")
    other = read_prisoners(read_table(campaign / "prisoners.csv"))
    assert len(list(Snapshot(other, "T2", batch=2).steps())) == 4  # its six rows hashed anew
    assert snapshot(other, "").list_hash == list_hash(list_rows(other.records))
    assert snapshot(other, "").list_hash != first.list_hash


def test_the_rows_made_for_the_hash_are_the_rows_the_ledger_stores(
    campaign: Path, tmp_path: Path
) -> None:
    """A print run's snapshot keeps each row's text as it hashes it, in an unnamed file,
    so that recording the list does not make 100,000 rows again."""
    import json

    prisoners = read_prisoners(read_table(campaign / "prisoners.csv"))
    folder = tmp_path / "beside the output"
    folder.mkdir()
    kept = Snapshot(prisoners, "T1", batch=2, folder=folder)
    taken = kept.taken()
    assert taken.encoded is not None
    rows = list_rows(prisoners.records)
    made = [
        (pid, json.dumps(rows[pid], ensure_ascii=False, sort_keys=True)) for pid in sorted(rows)
    ]
    assert list(taken.encoded()) == list(taken.encoded()) == made  # read back twice alike
    assert list(folder.iterdir()) == []  # never under a name
    kept.close()
    again = Snapshot(prisoners, "T2", folder=folder).taken()  # hashed before: nothing kept
    assert again.encoded is None and again.list_hash == taken.list_hash
