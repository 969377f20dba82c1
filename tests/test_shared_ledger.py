"""Offices on one ledger (issue 20): a Seimas office and a Bundestag office, each numbering
its senders 1, 2, 3, printing one wave of one campaign on one SQLite file and on one
PostgreSQL database, at the same moment."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import page_texts, read_manifest, run
from hypothesis import given
from hypothesis import strategies as st
from ledger_sql import raw

import postcards
from postcards.codes import check_char, format_code
from postcards.errors import InputError, UsageError
from postcards.jobs.report import campaign_report
from postcards.ledger.book import Ledger

CAMPAIGN = "Shared campaign"

SEIMAS = [("1", "Ona Petraitė", "Seimas"), ("2", "Jonas Kazlauskas", "Seimas"),
          ("3", "Rūta Jankauskienė", "Seimas")]  # fmt: skip
BUNDESTAG = [("1", "Hans Müller", "Bundestag"), ("2", "Petra Schröder", "Bundestag"),
             ("3", "Jürgen Weiß", "Bundestag")]  # fmt: skip

_SURNAMES = ["Иванов", "Петров", "Сидоров", "Козлов", "Новиков", "Морозов", "Волков", "Соколов",
             "Лебедев", "Егоров", "Павлов", "Орлов", "Зайцев", "Смирнов", "Фёдоров", "Попов"]  # fmt: skip
_GIVEN = ["Иван", "Сергей", "Алесь", "Олег", "Павел", "Андрей", "Максим", "Виктор"]


def write_prisoners(path: Path, count: int) -> None:
    """``count`` prisoners in custody, P01 …, each with a full Belarusian address."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "birth_year", "institution", "address", "postcode",
                         "city", "region", "language", "status"])  # fmt: skip
        for i in range(count):
            name = f"{_SURNAMES[i % len(_SURNAMES)]} {_GIVEN[i // len(_SURNAMES)]} Петрович"
            writer.writerow([f"P{i + 1:02d}", name, 1960 + i, f"ИК № {i % 20 + 1}",
                             f"ул. Заводская, {i + 1}", f"{213400 + i:06d}", "г. Горки",
                             "Могилёвская обл.", "ru", "in_custody"])  # fmt: skip


def write_office(
    root: Path,
    folder: str,
    senders: list[tuple[str, str, str]],
    database: str,
    office: str | None,
    cap: int = 2,
    prisoners: int = 12,
) -> Path:
    """A campaign folder of one office: its own senders, the shared prisoner list, the
    shared ledger; ``office`` None leaves [campaign] office out."""
    path = root / folder
    path.mkdir(parents=True)
    with open(path / "senders.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nr.", "name", "parliament", "cards"])
        writer.writerows([sid, name, parliament, cap] for sid, name, parliament in senders)
    write_prisoners(path / "prisoners.csv", prisoners)
    office_line = f'office = "{office}"\n' if office is not None else ""
    (path / "campaign.toml").write_text(
        f'[campaign]\nname = "{CAMPAIGN}"\nwave = "W1"\n{office_line}'
        f'return_address = ["Gedimino pr. 53", "LT-01109 Vilnius", "LITHUANIA"]\n\n'
        f'[inputs]\nsenders = "senders.csv"\nprisoners = "prisoners.csv"\n\n'
        f'[senders.columns]\nid = "Nr."\n\n[tracking]\ndatabase = "{database}"\n',
        encoding="utf-8",
    )
    return path


def set_office(folder: Path, office: str) -> None:
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('wave = "W1"\n', f'wave = "W1"\noffice = "{office}"\n'), "utf-8")


def postcards_process(*args: str | Path) -> subprocess.Popen:
    """A whole ``postcards`` process, as two offices would each start one."""
    return subprocess.Popen(
        [sys.executable, "-m", "postcards", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "POSTCARDS_DATABASE": ""},
    )


def at_once(*commands: tuple[str | Path, ...]) -> list[tuple[int, str, str]]:
    """Start every command, then wait for them all: they run at the same moment."""
    started = [postcards_process(*command) for command in commands]
    return [(p.wait(timeout=180), *p.communicate()) for p in started]


def database_url(ledger_url: str) -> str:
    """The ledger as campaign.toml names it: an SQLite file by its absolute path."""
    return ledger_url if "://" in ledger_url else f"sqlite:///{ledger_url}"


@pytest.fixture
def offices(tmp_path: Path, ledger_url: str) -> tuple[Path, Path, str]:
    url = database_url(ledger_url)
    seimas = write_office(tmp_path, "seimas", SEIMAS, url, "seimas")
    bundestag = write_office(tmp_path, "bundestag", BUNDESTAG, url, "bundestag")
    return seimas, bundestag, url


def test_two_offices_printing_at_once_share_no_code_and_no_prisoner(offices) -> None:
    seimas, bundestag, url = offices
    results = at_once(
        ("-c", seimas, "cards", "--jobs", "1", "-o", seimas / "cards.pdf"),
        ("-c", bundestag, "cards", "--jobs", "1", "-o", bundestag / "cards.pdf"),
    )
    for code, out, err in results:
        assert code == 0, err
        assert "ledger: 6 new cards recorded" in out
    rows = {name: read_manifest(folder / "cards.manifest.csv")
            for name, folder in (("seimas", seimas), ("bundestag", bundestag))}  # fmt: skip
    codes = [row["code"] for office_rows in rows.values() for row in office_rows]
    assert len(codes) == len(set(codes)) == 12  # no code on two cards
    prisoners = {name: {row["prisoner_id"] for row in office_rows}
                 for name, office_rows in rows.items()}  # fmt: skip
    assert not prisoners["seimas"] & prisoners["bundestag"]  # disjoint while prisoners are left
    assert len(prisoners["seimas"] | prisoners["bundestag"]) == 12  # every prisoner covered
    with Ledger.open(url) as ledger:
        assert ledger.count_cards() == 12
        for name, office_rows in rows.items():
            for row in office_rows:
                card = ledger.card(row["code"].replace("-", ""))
                assert card is not None
                assert (card.office, card.sender_id, card.sender_name, card.prisoner_id) == (
                    name, row["sender_id"], row["sender_name"], row["prisoner_id"]
                )  # fmt: skip
                assert row["office"] == name
    # track show names the sender who signed that very card, with the office
    first = rows["bundestag"][0]
    shown = run("-c", bundestag, "track", "show", first["code"])
    assert f"from: {first['sender_name']} ({first['sender_id']}, office bundestag)" in shown.stdout


def test_assign_at_once_deals_disjoint_pairs(offices) -> None:
    seimas, bundestag, url = offices
    results = at_once(("-c", seimas, "assign"), ("-c", bundestag, "assign"))
    for code, _out, err in results:
        assert code == 0, err
    pairs = {folder.name: read_manifest(folder / "assignments.csv")
             for folder in (seimas, bundestag)}  # fmt: skip
    taken = [row["prisoner_id"] for rows in pairs.values() for row in rows]
    assert len(taken) == 12 and len(set(taken)) == 12
    # each office prints the pairs it was dealt, and a rerun of assign deals them again
    again = run("-c", seimas, "assign")
    assert again.exit_code == 0, again.stderr
    assert read_manifest(seimas / "assignments.csv") == pairs["seimas"]


def test_a_second_office_pairs_with_the_prisoners_the_first_left(offices) -> None:
    seimas, bundestag, url = offices
    assert run("-c", seimas, "cards", "-o", seimas / "cards.pdf").exit_code == 0
    printed = run("-c", bundestag, "cards", "-o", bundestag / "cards.pdf")
    assert printed.exit_code == 0, printed.stderr
    assert "get no card" not in printed.stderr  # the first office's prisoners have theirs
    first = {r["prisoner_id"] for r in read_manifest(seimas / "cards.manifest.csv")}
    second = {r["prisoner_id"] for r in read_manifest(bundestag / "cards.manifest.csv")}
    assert not first & second and len(first | second) == 12
    # the first office reprints its wave: the same pairs and codes, though the other
    # office has printed since
    before = read_manifest(seimas / "cards.manifest.csv")
    again = run("-c", seimas, "cards", "-o", seimas / "again.pdf")
    assert again.exit_code == 0, again.stderr
    assert "ledger: 0 new cards recorded" in again.stdout
    assert read_manifest(seimas / "again.manifest.csv") == before


def test_reports_and_posters_count_each_office_apart(offices) -> None:
    seimas, bundestag, url = offices
    for folder in (seimas, bundestag):
        assert run("-c", folder, "cards", "-o", folder / "cards.pdf").exit_code == 0
    german = read_manifest(bundestag / "cards.manifest.csv")
    sent = [r["code"] for r in german if r["sender_id"] == "1"]  # Hans Müller's two cards
    assert run("-c", bundestag, "track", "mark", *sent, "--status", "sent").exit_code == 0
    campaign = postcards.Campaign.load(seimas)
    with Ledger.open(url) as ledger:
        whole = campaign_report(campaign.settings, ledger)
        lithuanian = campaign_report(campaign.settings, ledger, "seimas")
        with pytest.raises(InputError, match="no cards of campaign 'Shared campaign' were"):
            campaign_report(campaign.settings, ledger, "sejm")
    rows = {(s.office, s.sender_id): s for s in whole.senders}
    assert rows[("bundestag", "1")].sender_name == "Hans Müller"
    assert rows[("bundestag", "1")].parliament == "Bundestag"
    assert (rows[("bundestag", "1")].sent, rows[("seimas", "1")].sent) == (2, 0)
    assert rows[("seimas", "1")].sender_name == "Ona Petraitė"
    assert [(p.parliament, p.senders, p.generated, p.sent) for p in whole.parliaments] == [
        ("Bundestag", 3, 6, 2), ("Seimas", 3, 6, 0)]  # fmt: skip
    assert [(o.office, o.generated, o.sent) for o in whole.offices] == [
        ("bundestag", 6, 2), ("seimas", 6, 0)]  # fmt: skip
    assert {s.office for s in lithuanian.senders} == {"seimas"}
    assert sum(lithuanian.totals.values()) == 6 and lithuanian.unreached  # none sent there
    # the CLI's report per office says the same
    shown = run("-c", seimas, "--office", "bundestag", "track", "report")
    assert shown.exit_code == 0, shown.stderr
    assert "prisoners: 2 of 12 have had a card sent" in shown.stdout
    # the godparents poster, drawn by the Seimas office, credits the Bundestag member who
    # sent cards under his own name and parliament, and no one else
    poster = campaign.poster(seimas / "poster.pdf")
    assert poster.poster.count == 1
    text = " ".join(page_texts(seimas / "poster.pdf"))
    assert "Hans Müller" in text and "Ona Petraitė" not in text
    assert "Bundestag" in text
    nobody = postcards.Campaign.load(seimas).poster
    with pytest.raises(InputError):
        nobody(seimas / "mine.pdf", office="seimas")  # no Seimas card went out


# --- identity: the same id under another name is another person ---------------------------


@pytest.fixture
def unnamed(tmp_path: Path, ledger_url: str) -> tuple[Path, Path, str]:
    """Two offices that name no office, the first of which has printed."""
    url = database_url(ledger_url)
    seimas = write_office(tmp_path, "seimas", SEIMAS, url, None)
    bundestag = write_office(tmp_path, "bundestag", BUNDESTAG, url, None)
    assert run("-c", seimas, "cards", "-o", seimas / "cards.pdf").exit_code == 0
    return seimas, bundestag, url


def ledger_state(url: str) -> tuple:
    """Everything the ledger holds, to compare before and after a refused run."""
    with Ledger.open(url) as ledger:
        return (
            ledger.cards(CAMPAIGN),
            ledger.events(CAMPAIGN),
            ledger.ledger_senders(CAMPAIGN),
            sorted(ledger.others_in_wave(CAMPAIGN, "W1", "none").items()),
        )


def conflict_message(url: str) -> str:
    with Ledger.open(url) as ledger:
        name = ledger.name
    return (
        f"senders.csv:2: name: sender 1 is 'Hans Müller' (Bundestag) here, but the ledger "
        f"{name} holds sender 1 of campaign 'Shared campaign' (no office named) as 'Ona "
        "Petraitė' (Seimas): if this list is another office's, name your office in "
        'campaign.toml ([campaign] office = "…", or --office NAME) so that its ids are its '
        "own; if it is the same person, write the name as the ledger has it; nothing was written"
    )


def test_an_id_the_ledger_holds_as_someone_else_stops_every_job(unnamed) -> None:
    """check, assign and cards, then the Python API, one after the other on one ledger: each
    refusal leaves it as it was (so the next one meets the same ledger)."""
    seimas, bundestag, url = unnamed
    before = ledger_state(url)
    file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
    data = file.read_bytes() if file else b""
    for command in ("check", "assign", "cards"):
        args = ["-o", bundestag / "cards.pdf"] if command == "cards" else []
        result = run("-c", bundestag, command, *args)
        assert result.exit_code == 1, command
        lines = (result.stdout + result.stderr).splitlines()
        assert conflict_message(url) in lines, command
        assert sum("holds sender" in line for line in lines) == 3, command  # one per sender
        assert ledger_state(url) == before, command
        assert file is None or file.read_bytes() == data, command  # not a byte changed
        assert sorted(p.name for p in bundestag.iterdir()) == [
            "campaign.toml", "prisoners.csv", "senders.csv"], command  # fmt: skip
    # The Python API keeps the same rule.
    api = postcards.Campaign.load(bundestag)
    for job in (lambda: api.cards(bundestag / "cards.pdf"), api.assign):
        with pytest.raises(InputError) as raised:
            job()
        assert [p.row for p in raised.value.problems] == [2, 3, 4]
        assert all(p.column == "name" for p in raised.value.problems)
    assert not api.check().ok
    assert ledger_state(url) == before
    assert not (bundestag / "cards.pdf").exists()


def test_naming_an_office_gives_ids_of_their_own_and_the_first_office_claims_its_cards(
    unnamed,
) -> None:
    seimas, bundestag, url = unnamed
    first = read_manifest(seimas / "cards.manifest.csv")
    printed = run("-c", bundestag, "--office", "bundestag", "cards", "-o", bundestag / "c.pdf")
    assert printed.exit_code == 0, printed.stderr
    # the first office, still unnamed, must now name itself
    refused = run("-c", seimas, "cards", "-o", seimas / "again.pdf")
    assert refused.exit_code == 1
    assert "printed by other offices ('bundestag' (6 cards)): name your office" in refused.stderr
    assert "track claim-office" in refused.stderr
    with pytest.raises(InputError, match="name your office"):  # the Python API: the same rule
        postcards.Campaign.load(seimas).cards(seimas / "again.pdf")
    # naming itself without claiming its cards would print them twice: refused too
    set_office(seimas, "seimas")
    twice = run("-c", seimas, "cards", "-o", seimas / "again.pdf")
    assert twice.exit_code == 1
    assert "printed without an office for senders of this list (1 'Ona Petraitė'" in twice.stderr
    claimed = run("-c", seimas, "track", "claim-office")
    assert claimed.exit_code == 0, claimed.stderr
    assert "6 cards of campaign 'Shared campaign' printed without an office now belong to " \
        "office 'seimas'" in claimed.stdout  # fmt: skip
    again = run("-c", seimas, "cards", "-o", seimas / "again.pdf")
    assert again.exit_code == 0, again.stderr
    assert "ledger: 0 new cards recorded" in again.stdout
    assert [r["code"] for r in read_manifest(seimas / "again.manifest.csv")] == [
        r["code"] for r in first]  # fmt: skip
    # a second claim would merge two offices: refused; a claim names an office
    again = run("-c", seimas, "track", "claim-office")
    assert again.exit_code == 1 and "has no cards printed without an office" in again.stderr
    nameless = run("-c", bundestag, "track", "claim-office")
    assert nameless.exit_code == 2 and "name the office" in nameless.stderr


def test_a_campaign_printed_by_one_office_works_as_before(campaign: Path) -> None:
    """No office named, an own ledger: nothing to set, and the manifest's office is empty."""
    assert run("-c", campaign, "cards", "-o", campaign / "c.pdf").exit_code == 0
    rows = read_manifest(campaign / "c.manifest.csv")
    assert {row["office"] for row in rows} == {""}
    assert run("-c", campaign, "cards", "-o", campaign / "d.pdf").exit_code == 0
    assert read_manifest(campaign / "d.manifest.csv") == rows


@pytest.mark.parametrize(
    "value, says",
    [
        ('""', "campaign.office: is empty; give the office a short name"),
        ('"x" ', None),
        ('"seimas\u202e"', "has '\\u202e' (U+202E)"),
        ('"' + "a" * 41 + '"', "is 41 characters long"),
        ("3", "expected text, found 3"),
    ],
)
def test_a_wrong_office_setting_is_named(campaign: Path, value: str, says: str | None) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('wave = "T1"', f'wave = "T1"\noffice = {value}'),
        encoding="utf-8",
    )
    result = run("-c", campaign, "check")
    if says is None:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 1
    assert says in result.stderr


def test_office_option_is_checked(campaign: Path) -> None:
    empty = run("-c", campaign, "--office", "", "check")
    assert empty.exit_code == 2 and "--office is empty" in empty.stderr
    twice = run("--office", "a", "-c", campaign, "check", "--office", "b")
    assert twice.exit_code == 2 and "--office given twice" in twice.stderr


# --- one job, two shells -------------------------------------------------------------------


def _rename(folder: Path) -> None:
    toml = folder / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('name = "Test campaign"', 'name = "New"'),
        encoding="utf-8",
    )


@pytest.mark.parametrize("shell", ["cli", "api"])
@pytest.mark.parametrize("job", ["cards", "assign", "poster", "check"])
def test_a_rename_is_refused_by_both_shells(campaign: Path, shell: str, job: str) -> None:
    assert run("-c", campaign, "cards", "-o", campaign / "first.pdf").exit_code == 0
    _rename(campaign)
    outputs = {"cards": campaign / "second.pdf", "assign": campaign / "pairs.csv",
               "poster": campaign / "poster.pdf", "check": None}  # fmt: skip
    out = outputs[job]
    if shell == "cli":
        result = run("-c", campaign, job, *(["-o", out] if out else []))
        assert result.exit_code == 1
        assert "was the campaign renamed?" in result.stderr
    else:
        api = postcards.Campaign.load(campaign)
        with pytest.raises(InputError, match="was the campaign renamed"):
            getattr(api, job)(*([out] if out else []))
    assert out is None or not out.exists()
    with Ledger.open(campaign / "tracking.db") as ledger:
        assert ledger.campaigns() == {"Test campaign": 4}


@pytest.mark.parametrize("shell", ["cli", "api"])
@pytest.mark.parametrize("job", ["cards", "assign", "poster"])
def test_an_output_over_an_input_is_refused_by_both_shells(
    campaign: Path, shell: str, job: str
) -> None:
    target = campaign / "prisoners.csv"
    before = target.read_bytes()
    if shell == "cli":
        result = run("-c", campaign, job, "-o", target)
        assert result.exit_code == 2
        assert "would replace the prisoners list" in result.stderr
    else:
        with pytest.raises(UsageError, match="would replace the prisoners list"):
            getattr(postcards.Campaign.load(campaign), job)(target)
    assert target.read_bytes() == before
    assert not (campaign / "tracking.db").exists()


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)  # not about the database
def test_the_api_and_the_cli_deal_the_same_pairs_for_a_second_office(offices) -> None:
    seimas, bundestag, url = offices
    assert run("-c", seimas, "cards", "-o", seimas / "cards.pdf").exit_code == 0
    api = postcards.Campaign.load(bundestag).assign(bundestag / "api.csv")
    cli = run("-c", bundestag, "assign", "-o", bundestag / "cli.csv")
    assert cli.exit_code == 0, cli.stderr
    assert read_manifest(bundestag / "api.csv") == read_manifest(bundestag / "cli.csv")
    first = {r["prisoner_id"] for r in read_manifest(seimas / "cards.manifest.csv")}
    assert not {p.prisoner.id for p in api.pairs.pairings} & first
    assert Counter(r["sender_id"] for r in read_manifest(bundestag / "cli.csv")) == {
        "1": 2, "2": 2, "3": 2}  # fmt: skip


# --- upgrading a ledger written before offices -----------------------------------------------


def test_a_ledger_from_before_offices_keeps_every_card_event_and_message(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema step 6 on a step-5 ledger: cards become the unnamed office's, senders are
    known by their first card's name, the pairs are the cards' own."""
    import postcards.ledger.database as database

    monkeypatch.setattr(database, "SCHEMA_VERSION", 5)
    cards = [
        ("AAAAAAAA", "S1", "P1", "Ona Petraitė", "Дорогой Сергей,\nдержитесь!", "2025-03-01"),
        ("BBBBBBBB", "S1", "P2", "Ona Petraitė", "", "2025-03-02"),
        ("CCCCCCCC", "S2", "P1", "Jonas Kazlauskas", "", "2025-03-01"),
        ("DDDDDDDD", "S1", "P3", "Hans Müller", "", "2025-03-05"),  # the old bug: another "S1"
    ]
    with Ledger.open(ledger_url) as ledger:  # written as postcards 0.2 wrote it
        assert ledger.schema_version() == 5
        coded = [body + check_char(body) for body, *_ in cards]
        for code, (_, sender, prisoner, name, message, day) in zip(coded, cards, strict=True):
            raw(
                ledger,
                "INSERT INTO cards (code, campaign, wave, sender_id, prisoner_id, language, "
                "sender_name, prisoner_name, created_at, message) VALUES (:code, 'C', 'W1', "
                ":sender, :prisoner, 'ru', :name, 'Имя', :at, :message)",
                code=code, sender=sender, prisoner=prisoner, name=name,
                at=f"{day}T10:00:00Z", message=message,
            )  # fmt: skip
            for status in ("generated", "sent") + (("void",) if code == coded[1] else ()):
                raw(
                    ledger,
                    "INSERT INTO events (code, status, at, by_name, note) VALUES "
                    "(:code, :status, :at, 'desk', '')",
                    code=code, status=status, at=f"{day}T12:00:00Z",
                )  # fmt: skip
    before_events = [
        (code, status)
        for code in coded
        for status in ("generated", "sent") + (("void",) if code == coded[1] else ())
    ]
    before_codes = {(c[1], c[2]): code for code, c in zip(coded, cards, strict=True)
                    if code != coded[1]}  # fmt: skip
    monkeypatch.undo()
    with Ledger.open(ledger_url) as ledger:
        assert ledger.schema_version() == database.SCHEMA_VERSION  # every step since
        after = ledger.cards("C")
        days = {code: card[5] for code, card in zip(coded, cards, strict=True)}
        assert [c.code for c in after] == sorted(coded, key=lambda code: (days[code], code))
        assert {c.office for c in after} == {""}
        assert ledger.card(coded[0]).message == "Дорогой Сергей,\nдержитесь!"
        assert [(e.code, e.status) for e in ledger.events("C")] == before_events
        assert ledger.codes_for("C", "W1") == before_codes  # reprints keep their codes
        senders = {s.sender_id: s.name for s in ledger.ledger_senders("C")}
        assert senders == {"S1": "Ona Petraitė", "S2": "Jonas Kazlauskas"}  # the first card's
        assert ledger.others_in_wave("C", "W1", "seimas") == Counter(
            {"P1": 2, "P2": 1, "P3": 1})  # fmt: skip


# --- nothing of one office is taken by another ---------------------------------------------


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)  # not about the database
def test_another_office_never_replaces_a_personal_message(offices) -> None:
    """The first office's sender 1 wrote their own words; the second office's sender 1
    prints the same wave with the template: the archive keeps what was written."""
    seimas, bundestag, url = offices
    own = "Брангавіце, мы памятаем пра вас."
    pairs = seimas / "pairs.csv"
    with open(pairs, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([["sender_id", "prisoner_id", "message"], ["1", "P01", own]])
    first = run("-c", seimas, "cards", "--assignments", pairs, "-o", seimas / "cards.pdf")
    assert first.exit_code == 0, first.stderr
    [row] = read_manifest(seimas / "cards.manifest.csv")
    # the other office is told to print sender 1 to P01 too: a card of its own
    theirs = bundestag / "pairs.csv"
    with open(theirs, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["sender_id", "prisoner_id"], ["1", "P01"]])
    second = run("-c", bundestag, "cards", "--assignments", theirs, "-o", bundestag / "c.pdf")
    assert second.exit_code == 0, second.stderr
    assert "ledger: 1 new card recorded" in second.stdout
    [other] = read_manifest(bundestag / "c.manifest.csv")
    assert other["code"] != row["code"]
    with Ledger.open(url) as ledger:
        assert ledger.card(row["code"].replace("-", "")).message == own
        assert ledger.card(other["code"].replace("-", "")).sender_name == "Hans Müller"
    # the first office can still reprint its wave once its card went out … with its words
    assert run("-c", seimas, "track", "mark", row["code"], "--status", "sent").exit_code == 0
    again = run("-c", seimas, "cards", "--assignments", pairs, "-o", seimas / "again.pdf")
    assert again.exit_code == 0, again.stderr
    assert read_manifest(seimas / "again.manifest.csv")[0]["code"] == row["code"]


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)  # not about the database
def test_a_reprint_of_another_offices_code_names_that_office(offices) -> None:
    seimas, bundestag, url = offices
    assert run("-c", seimas, "cards", "-o", seimas / "cards.pdf").exit_code == 0
    theirs = read_manifest(seimas / "cards.manifest.csv")[0]
    assert run("-c", bundestag, "cards", "-o", bundestag / "cards.pdf").exit_code == 0
    result = run("-c", bundestag, "cards", "--only", theirs["code"], "-o", bundestag / "r.pdf")
    assert result.exit_code == 1
    assert (
        f"--only {format_code(theirs['code'])}: a card of office 'seimas' (its sender 1, "
        "Ona Petraitė); only that office reprints it"
    ) in result.stderr
    assert not (bundestag / "r.pdf").exists()


def test_the_ledger_refuses_a_code_on_two_cards_whatever_the_office(ledger_url: str) -> None:
    from postcards.errors import LedgerError
    from postcards.ledger.model import LedgerCard

    first, second = (body + check_char(body) for body in ("AAAAAAAA", "BBBBBBBB"))
    one = LedgerCard(first, "C", "W1", "1", "P1", "ru", "Ona", "Имя", "", "seimas")
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([one])
        # the same sender id and prisoner in another office: another card, another code
        two = LedgerCard(second, "C", "W1", "1", "P1", "ru", "Hans", "Имя", "", "bundestag")
        assert ledger.record_generated([two]) == 1
        clash = LedgerCard(first, "C", "W1", "2", "P2", "ru", "Petra", "Имя", "", "bundestag")
        with pytest.raises(LedgerError, match=f"code {first} is already used by another card "
                           r"\(sender 1 of office 'seimas'"):  # fmt: skip
            ledger.record_generated([clash])
        assert ledger.codes_for("C", "W1", "seimas") == {("1", "P1"): first}
        assert ledger.codes_for("C", "W1", "bundestag") == {("1", "P1"): second}
        assert ledger.count_cards() == 2


def test_a_print_run_refuses_a_sender_the_ledger_knows_as_someone_else(ledger_url: str) -> None:
    """The last guard, inside the print run's transaction: nothing at all is recorded."""
    from postcards.errors import LedgerError
    from postcards.ledger.model import LedgerCard, LedgerSender

    ona = LedgerSender("C", "", "1", "Ona Petraitė", "Seimas")
    first, second = (body + check_char(body) for body in ("AAAAAAAA", "BBBBBBBB"))
    card = LedgerCard(first, "C", "W1", "1", "P1", "ru", "Ona Petraitė", "Имя")
    with Ledger.open(ledger_url) as ledger:
        ledger.begin_print_run("C", "W1", [card], [], senders=[ona])
        hans = LedgerSender("C", "", "1", "Hans Müller", "Bundestag")
        other = LedgerCard(second, "C", "W1", "1", "P2", "ru", "Hans Müller", "Имя")
        with pytest.raises(LedgerError, match="sender 1 is 'Hans Müller' in this list but "
                           r"'Ona Petraitė' \(Seimas\) on the ledger \(name differs\)"):  # fmt: skip
            ledger.begin_print_run("C", "W1", [other], [], senders=[hans])
        assert ledger.count_cards() == 1
        # the same person, spelt as a reader would read it the same: no conflict; a
        # parliament the ledger lacked is filled in, never changed
        same = LedgerSender("C", "", "1", "ONA  PETRAITĖ", "Seimas")
        assert ledger.sender_conflicts([same]) == []
        moved = LedgerSender("C", "", "1", "Ona Petraitė", "Sejm")
        assert [what for *_, what in ledger.sender_conflicts([moved])] == ["parliament"]


# --- office names and names of people, whatever is typed ------------------------------------


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_an_accepted_office_name_reads_back_from_campaign_toml(text: str) -> None:
    import tempfile

    from postcards.campaign_file import load_campaign
    from postcards.config import office_problem

    problem = office_problem(text)
    if problem is None:
        assert text and len(text) <= 40 and text == text.strip()
        assert all(c.isalnum() or c in " -_.&()'’/" for c in text)
    with tempfile.TemporaryDirectory() as folder:
        toml = Path(folder) / "campaign.toml"
        quoted = "".join(f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 32 or ord(c) == 127
                         else c for c in text)  # fmt: skip
        toml.write_text(f'[campaign]\noffice = "{quoted}"\n', encoding="utf-8")
        try:
            settings = load_campaign(toml)
        except InputError as error:
            assert problem is not None
            assert [p.column for p in error.problems] == ["campaign.office"]
        else:
            assert problem is None and settings.office == text


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30))
def test_a_name_is_the_same_in_any_case_spacing_or_composition(name: str) -> None:
    import unicodedata

    from postcards.ledger.model import LedgerSender, same_text

    spaced = "  " + "   ".join(name.split()) + " "
    for variant in (unicodedata.normalize("NFD", name), name.upper().lower(), spaced):
        if (
            unicodedata.normalize("NFC", variant).casefold().split()
            == unicodedata.normalize("NFC", name).casefold().split()
        ):
            assert same_text(variant, name)
    sender = LedgerSender("C", "", "1", name, "")
    assert sender.differs(name, "Seimas") == ""  # a parliament the ledger lacked
    assert sender.differs(name + "x", "") == ("name" if not same_text(name + "x", name) else "")


@pytest.mark.parametrize("shell", ["cli", "api"])
def test_assign_writes_the_default_file_from_both_shells(campaign: Path, shell: str) -> None:
    """The default output (assignments.csv in the campaign folder) is the job's rule."""
    if shell == "cli":
        assert run("-c", campaign, "assign").exit_code == 0
    else:
        result = postcards.Campaign.load(campaign).assign()
        assert result.output == campaign / "assignments.csv"
    rows = read_manifest(campaign / "assignments.csv")
    assert len(rows) == 4 and {r["wave"] for r in rows} == {"T1"}
    with pytest.raises(UsageError, match="give --per-prisoner or --per-sender, not both"):
        postcards.Campaign.load(campaign).assign(per_prisoner=1, per_sender=1)
    both = run("-c", campaign, "assign", "--per-prisoner", "1", "--per-sender", "1")
    assert both.exit_code == 2 and "not both" in both.stderr
