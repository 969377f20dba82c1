"""Settings that cannot silently split the ledger: typos in campaign.toml, database URLs,
a renamed campaign, -c after the subcommand, init's examples, assign's file for cards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, read_manifest, run

from postcards.codes import new_code
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard

SETTINGS = DATA / "settings"
CASES = sorted(p.name for p in SETTINGS.iterdir() if (p / "campaign.toml").is_file())


def _set(campaign: Path, old: str, new: str) -> None:
    toml = campaign / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new), encoding="utf-8")


def _append(campaign: Path, text: str) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- campaign.toml: one broken folder per failure mode, each with its exact message -------


@pytest.mark.parametrize("case", CASES)
def test_a_broken_setting_is_an_error_with_its_message(case: str, tmp_path: Path) -> None:
    folder = SETTINGS / case
    expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = run("-c", folder, "check", cwd=tmp_path)
    assert result.exit_code == 1
    shown = [
        line
        for line in (result.stderr + result.stdout).splitlines()
        if not line.endswith(("nothing was written.", "before printing."))
    ]
    assert shown == expected
    assert "ok" not in result.stdout
    assert list(tmp_path.iterdir()) == []  # nothing created where the command ran
    assert sorted(p.name for p in folder.iterdir()) == ["campaign.toml", "expected.txt"]


def test_a_typo_in_cards_never_prints_a_card(campaign: Path) -> None:
    _append(campaign, '\n[card]\nlayout = "a4-2up"\n')
    result = run("-c", campaign, "cards", "-o", campaign / "out" / "cards.pdf")
    assert result.exit_code == 1
    assert "[card]: unknown section; did you mean [cards]?" in result.stderr
    assert not (campaign / "out").exists() and not (campaign / "tracking.db").exists()


def test_a_wrong_database_url_creates_no_sqlite_folder(campaign: Path) -> None:
    _append(campaign, '\n[tracking]\ndatabase = "sqlite:/tracking.db"\n')
    result = run("-c", campaign, "cards", "-o", campaign / "cards.pdf", cwd=campaign)
    assert result.exit_code == 1
    assert "tracking.database: 'sqlite:/tracking.db' is not a database URL" in result.stderr
    assert not (campaign / "sqlite:").exists() and not Path("/tracking.db").exists()
    assert not (campaign / "cards.pdf").exists()


def test_a_wrong_postcards_database_is_named_as_the_source(
    campaign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTCARDS_DATABASE", "sqlite:/x.db")
    for args in (
        ("-c", campaign, "check"),
        ("track", "report"),
        ("cards", "--senders", campaign / "senders.csv", "--prisoners", campaign / "prisoners.csv"),
    ):
        result = run(*args, cwd=campaign)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(
            "POSTCARDS_DATABASE: 'sqlite:/x.db' is not a database URL; write "
            "sqlite:///tracking.db (relative to the campaign folder)"
        ), args
    assert not (campaign / "sqlite:").exists()


@pytest.mark.parametrize(
    "url", ["sqlite:///ledger/tracking.db", "postgresql+psycopg://u@h/db", "postgresql://u@h/db"]
)
def test_the_valid_database_urls_pass(url: str) -> None:
    from postcards.config import database_problem

    assert database_problem(url) is None
    assert database_problem(f"sqlite:////{url.split('///')[-1]}") is None


# --- a renamed campaign and `track rename` ------------------------------------------------

RENAMED = (
    "campaign.toml: campaign.name: the ledger tracking.db has 4 cards of campaign "
    "'Test campaign' and none of 'New name': was the campaign renamed? Put the old "
    "name back, or give the cards the new name: postcards -c {folder} track rename "
    "'Test campaign' 'New name'"
)


def test_a_renamed_campaign_is_refused_by_every_command(printed: Path) -> None:
    _set(printed, 'name = "Test campaign"', 'name = "New name"')
    message = RENAMED.format(folder=printed)
    for args in (
        ["check"],
        ["cards", "-o", printed / "second.pdf"],
        ["assign"],
        ["poster", "-o", printed / "poster.pdf"],
        ["track", "report"],
        ["track", "scan"],
        ["track", "show", "K7M2QX9DR"],
    ):
        result = run("-c", printed, *args, stdin="")
        assert result.exit_code == 1, args
        assert result.stderr.splitlines() == [message], args
    assert sorted(p.name for p in printed.glob("*.pdf")) == ["first.pdf", "first.ticket.pdf"]
    assert not (printed / "assignments.csv").exists()


def test_track_rename_carries_the_cards_over(printed: Path) -> None:
    first = read_manifest(printed / "first.manifest.csv")
    sent = run("-c", printed, "track", "mark", first[0]["code"], "--status", "sent")
    assert sent.exit_code == 0
    _set(printed, 'name = "Test campaign"', 'name = "New name"')
    renamed = run("track", "rename", "Test campaign", "New name", "-c", printed)
    assert renamed.exit_code == 0, renamed.stderr
    assert renamed.stdout.strip() == (
        "4 cards of campaign 'Test campaign' now belong to 'New name' in tracking.db"
    )
    assert run("-c", printed, "check").exit_code == 0
    again = run("-c", printed, "cards", "-o", printed / "second.pdf")
    assert again.exit_code == 0
    assert "0 new cards" in again.stdout  # a reprint: every card keeps its code
    second = read_manifest(printed / "second.manifest.csv")
    assert [r["code"] for r in second] == [r["code"] for r in first]
    shown = run("-c", printed, "track", "show", first[0]["code"])
    assert "campaign New name" in shown.stdout and "sent" in shown.stdout


def test_track_rename_refuses_to_merge_two_campaigns(printed: Path) -> None:
    with Ledger.open(printed / "tracking.db") as ledger:
        ledger.record_generated([LedgerCard(new_code(), "Other", "T1", "S1", "P1", "ru", "S", "P")])
    result = run("-c", printed, "track", "rename", "Test campaign", "Other")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "tracking.db: campaign 'Other' has 1 cards already; "
        "renaming would merge two campaigns, nothing changed"
    )
    with Ledger.open(printed / "tracking.db") as ledger:
        assert ledger.campaigns() == {"Other": 1, "Test campaign": 4}


def test_rename_campaign_in_the_ledger(ledger_url: str) -> None:
    """SQLite and PostgreSQL: cards and lists move in one go; events stay as they were."""
    from postcards.ledger.model import PrisonerList

    cards = [LedgerCard(new_code(), "Old", "1", f"S{i}", f"P{i}", "ru", "S", "P") for i in range(3)]
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards)
        ledger.record_event(cards[0].code, "sent", "Anna")
        ledger.record_list("Old", PrisonerList("1", "h", "", "", "", {"P0": {"name": "P"}}))
        assert ledger.rename_campaign("Old", "New") == 3
        assert ledger.campaigns() == {"New": 3}
        assert ledger.last_list("New") is not None and ledger.last_list("Old") is None
        assert [e.status for e in ledger.history(cards[0].code)] == ["generated", "sent"]
        with pytest.raises(Exception, match="no cards of campaign 'Old'"):
            ledger.rename_campaign("Old", "New")


def test_a_new_campaign_on_a_shared_ledger_is_not_a_rename(
    printed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger outside the campaign folder (shared by offices) holding another campaign:
    a new campaign name there is legitimate."""
    shared = tmp_path / "shared.db"
    shutil.copyfile(printed / "tracking.db", shared)
    monkeypatch.setenv("POSTCARDS_DATABASE", f"sqlite:///{shared}")
    _set(printed, 'name = "Test campaign"', 'name = "New name"')
    result = run("-c", printed, "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"campaign.toml: campaign.name: warning: the ledger sqlite:///{shared} has no cards "
        "of 'New name' yet, only of 'Test campaign': this starts a new campaign at zero; if "
        f"it is one of those renamed, run postcards -c {printed} track rename OLD 'New name'"
    )
    assert result.stdout.splitlines()[-1] == "ok: ready to print"
    assert run("-c", printed, "cards", "-o", printed / "new.pdf").exit_code == 0
    with Ledger.open(shared) as ledger:
        assert ledger.campaigns() == {"New name": 4, "Test campaign": 4}


def test_an_own_ledger_of_two_campaigns_is_not_a_rename(printed: Path) -> None:
    with Ledger.open(printed / "tracking.db") as ledger:
        ledger.record_generated([LedgerCard(new_code(), "Other", "T1", "S1", "P1", "ru", "S", "P")])
    _set(printed, 'name = "Test campaign"', 'name = "Third"')
    assert run("-c", printed, "check").exit_code == 0


# --- -c after the subcommand ------------------------------------------------------------


def test_campaign_option_after_the_subcommand(printed: Path, tmp_path: Path) -> None:
    before = run("-c", printed, "check", cwd=tmp_path)
    after = run("check", "-c", printed, cwd=tmp_path)
    assert after.exit_code == 0 and after.stdout == before.stdout
    code = read_manifest(printed / "first.manifest.csv")[0]["code"]
    scanned = run("track", "scan", "-c", printed / "campaign.toml", stdin=code + "\n", cwd=tmp_path)
    assert scanned.exit_code == 0, scanned.stderr
    assert scanned.stderr.strip() == "1 recorded as sent, 0 already scanned, 0 refused"
    same = run("-c", printed, "check", "-c", printed / "campaign.toml", cwd=tmp_path)
    assert same.exit_code == 0


def test_two_different_campaigns_are_a_usage_error(campaign: Path, tmp_path: Path) -> None:
    for args in (
        ("-c", campaign, "check", "-c", tmp_path),
        ("-c", campaign, "-c", tmp_path, "check"),
        ("track", "-c", campaign, "report", "-c", tmp_path),
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert f"-c given twice: {campaign} and {tmp_path}; give one campaign" in result.stderr


# --- init's example lists -----------------------------------------------------------------


def test_check_refuses_an_untouched_init_folder(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    result = run("-c", folder, "check")
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert errors[:3] == [
        "senders.xlsx: this is the example senders list of postcards init (fictional "
        "people), unchanged: put your campaign's senders in it (--example takes the "
        "example as it is)",
        "prisoners.csv: this is the example prisoners list of postcards init (fictional "
        "people), unchanged: put your campaign's prisoners in it (--example takes the "
        "example as it is)",
        "campaign.toml: campaign.url: https://example.org/standbyyou is a placeholder "
        "(example.org); put your campaign's web address (--example takes the example as "
        "it is)",
    ]
    assert run("-c", folder, "check", "--example").exit_code == 0
    refused = run("-c", folder, "cards", "-o", folder / "cards.pdf")
    assert refused.exit_code == 1 and "example senders list" in refused.stderr
    assert not (folder / "cards.pdf").exists() and not (folder / "tracking.db").exists()


def test_an_init_folder_with_its_own_lists_and_url_checks(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    shutil.copyfile(DATA / "campaign" / "prisoners.csv", folder / "prisoners.csv")
    result = run("-c", folder, "check")
    assert result.exit_code == 1  # still the example senders and URL
    assert "prisoners.csv" not in result.stdout and "senders.xlsx" in result.stdout
    shutil.copyfile(DATA / "campaign" / "senders.csv", folder / "senders.csv")
    _set(folder, 'senders = "senders.xlsx"', 'senders = "senders.csv"')
    _set(folder, "https://example.org/standbyyou", "https://standbyyou.eu")
    _own_name_and_hashtag(folder)
    result = run("-c", folder, "check")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "ok: ready to print"


def _own_name_and_hashtag(folder: Path) -> None:
    _set(folder, 'name = "Stand by You (sample)"', 'name = "Solidarity from Vilnius"')
    _set(folder, 'hashtag = "#StandByYouSample"', 'hashtag = "#SolidarityFromVilnius"')


def _own_lists(folder: Path, parliament: str = "") -> None:
    """init's folder with the test campaign's lists (S1 of Sejm RP, S2 of Seimas)."""
    senders = (DATA / "campaign" / "senders.csv").read_text(encoding="utf-8")
    if parliament:
        senders = senders.replace(",Sejm RP,", f",{parliament},")
    (folder / "senders.csv").write_text(senders, encoding="utf-8")
    shutil.copyfile(DATA / "campaign" / "prisoners.csv", folder / "prisoners.csv")
    _set(folder, 'senders = "senders.xlsx"', 'senders = "senders.csv"')
    _set(folder, "https://example.org/standbyyou", "https://standbyyou.eu")


def test_init_s_sample_name_hashtag_and_return_address_are_refused_with_real_lists(
    tmp_path: Path,
) -> None:
    """Issue 22: the lists are the campaign's own, the name, hashtag and campaign-wide return
    address still the sample's: S1 now sits in the Bundestag, which the sample's table lacks
    once its entry is deleted, so S1's cards would come back to Brussels."""
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    _own_lists(folder, parliament="Bundestag")
    _set(folder, '"Bundestag" = ["Deutscher Bundestag"', '# "Bundestag" = ["Deutscher Bundestag"')
    result = run("-c", folder, "check")
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert errors == [
        "campaign.toml: campaign.name: 'Stand by You (sample)' is the sample campaign's name "
        "(postcards init): give your campaign its own name (the ledger keeps cards by "
        "campaign name) (--example takes the example as it is)",
        "campaign.toml: campaign.hashtag: '#StandByYouSample' is the sample campaign's "
        "hashtag (postcards init): put your campaign's hashtag, or delete the line "
        "(--example takes the example as it is)",
        "campaign.toml: campaign.return_address: the sample's return address (European "
        "Parliament, Rue Wiertz 60, 1047 Brussels, BELGIUM) would be printed on 2 cards of "
        "senders who do not sit in European Parliament (Bundestag: 2), whose returned cards "
        "would go to the wrong building: put your office's address here, or give their "
        "parliaments' addresses in [return_addresses] (--example takes the example as it is)",
        "3 problems: fix them before printing.",
    ]
    assert run("-c", folder, "check", "--example").exit_code == 0
    refused = run("-c", folder, "cards", "-o", folder / "cards.pdf")
    assert refused.exit_code == 1 and "campaign.return_address" in refused.stderr
    assert not (folder / "cards.pdf").exists()
    _own_name_and_hashtag(folder)
    _set(folder, '# "Bundestag" = ["Deutscher Bundestag"', '"Bundestag" = ["Deutscher Bundestag"')
    result = run("-c", folder, "check")
    assert result.exit_code == 0, result.stdout  # every card has its parliament's address


def test_init_s_sample_return_address_passes_for_members_of_its_parliament(
    tmp_path: Path,
) -> None:
    """The sample's campaign-wide address is the European Parliament's: right for MEPs,
    and never printed when every sender's parliament has its entry."""
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    _own_lists(folder, parliament="European Parliament")
    _own_name_and_hashtag(folder)
    _set(folder, '"European Parliament" = [', '# "European Parliament" = [')
    result = run("-c", folder, "check")
    assert result.exit_code == 0, result.stdout


def test_the_example_rows_left_in_an_edited_list_are_refused(tmp_path: Path) -> None:
    """An office adds its rows below init's examples: the file differs, the fictional
    people would still get cards."""
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    prisoners = folder / "prisoners.csv"
    columns = prisoners.read_text(encoding="utf-8").splitlines()[0].count(",")
    with open(prisoners, "a", encoding="utf-8") as handle:
        handle.write(
            'X1,Новиков Пётр,,,1980,ИК № 1,"ул. Ленина, 1",220000,г. Минск,,'
            "BELARUS,ru,in_custody" + "," * (columns - 12) + "\n"
        )
    shutil.copyfile(DATA / "campaign" / "senders.csv", folder / "senders.csv")
    _set(folder, 'senders = "senders.xlsx"', 'senders = "senders.csv"')
    _set(folder, "https://example.org/standbyyou", "https://standbyyou.eu")
    result = run("-c", folder, "cards", "-o", folder / "cards.pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "prisoners.csv: rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 … (45 rows) are the example "
        "prisoners of postcards init (fictional people): delete them (--example takes the "
        "example as it is)"
    ]
    assert not (folder / "cards.pdf").exists()


# --- cards prints what assign wrote --------------------------------------------------------


def _pairs(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    return sorted((r["sender_id"], r["prisoner_id"]) for r in rows)


def test_cards_prints_the_pairs_assign_wrote(campaign: Path) -> None:
    assigned = run("-c", campaign, "assign", "--seed", "7")
    assert assigned.exit_code == 0
    assert assigned.stdout.splitlines()[-1] == "next: postcards cards (it prints these pairs)"
    assigned = read_manifest(campaign / "assignments.csv")
    checked = run("-c", campaign, "check")
    assert f"pairs from {campaign / 'assignments.csv'}" in checked.stdout
    result = run("-c", campaign, "cards", "-o", campaign / "cards.pdf")
    assert result.exit_code == 0, result.stderr
    assert f"pairs: {campaign / 'assignments.csv'}" in result.stdout
    assert _pairs(read_manifest(campaign / "cards.manifest.csv")) == _pairs(assigned)


def test_cards_says_why_it_ignores_another_waves_file(campaign: Path) -> None:
    assert run("-c", campaign, "assign", "--seed", "7", "--wave", "T0").exit_code == 0
    result = run("-c", campaign, "cards", "-o", campaign / "cards.pdf")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "assignments.csv: warning: not used: no pairs for wave T1 (it has wave T0 only); "
        "the cards are paired anew as postcards assign would; run postcards assign to "
        "write this wave's pairs"
    )
    assert {r["wave"] for r in read_manifest(campaign / "cards.manifest.csv")} == {"T1"}
