"""Scanning and marking cards: codes as typed, status rules, repeats, several scanners."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcards.codes import ALPHABET, format_code, new_code
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard
from postcards.ledger.scanning import DUPLICATE, RECORDED, REFUSED, SCAN_STATUSES, Scanner

AT = "2025-03-01T09:30:00Z"


def make_cards(count: int, seed: int = 1, campaign: str = "spring") -> list[LedgerCard]:
    rng = random.Random(seed)
    return [
        LedgerCard(new_code(rng), campaign, "1", f"S{i % 7}", f"P{i}", "ru", f"Sender {i % 7}",
                   f"Алесь {i}")
        for i in range(count)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, list]]:
    """A ledger with 20 cards, for property tests that scan "printed" over and over."""
    cards = make_cards(20)
    with Ledger.open(tmp_path_factory.mktemp("scan") / "ledger.db") as ledger:
        ledger.record_generated(cards, at=AT)
        yield ledger, cards


def typed_like_a_person(code: str, draw) -> str:
    """The code with random case, hyphens and spaces, and the look-alikes O, I, L."""
    out = []
    for char in code:
        if char == "0":
            char = draw(st.sampled_from("0Oo"))
        elif char == "1":
            char = draw(st.sampled_from("1IiLl"))
        elif draw(st.booleans()):
            char = char.lower()
        out.append(char + draw(st.sampled_from(["", "", "-", " ", "\u2013"])))
    return "".join(out)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_code_as_typed_finds_its_card(scanned, data) -> None:
    ledger, cards = scanned
    card = data.draw(st.sampled_from(cards))
    text = typed_like_a_person(card.code, data.draw)
    if data.draw(st.booleans()):
        text = f"https://example.org/c/{text}?src=qr"
    outcome = Scanner(ledger, status="printed", by="desk").scan(text)
    assert outcome.kind in (RECORDED, DUPLICATE), outcome.message
    assert outcome.card == card
    assert outcome.code == card.code


def test_every_single_character_corruption_is_refused(scanned) -> None:
    ledger, cards = scanned
    scanner = Scanner(ledger, status="sent", by="desk")
    before = ledger.count_events()
    for card in cards[:5]:
        for position, right in enumerate(card.code):
            for wrong in ALPHABET.replace(right, ""):
                corrupt = card.code[:position] + wrong + card.code[position + 1 :]
                outcome = scanner.scan(format_code(corrupt))
                assert outcome.refused, (card.code, corrupt)
                assert "check character wrong" in outcome.message
    assert scanner.counts == Counter({REFUSED: 5 * 9 * 31})
    assert ledger.count_events() == before


@pytest.mark.parametrize("line", ["", "   ", "\n"])
def test_a_blank_line_is_skipped(scanned, line: str) -> None:
    assert Scanner(scanned[0]).scan(line) is None


def test_scanning_twice_records_once_and_says_when(ledger_url: str) -> None:
    [card] = make_cards(1)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([card], at=AT)
        scanner = Scanner(ledger, status="sent", by="Anna")
        first = scanner.scan(card.code, at="2025-03-02T10:00:00Z")
        again = scanner.scan(format_code(card.code).lower(), at="2025-03-03T10:00:00Z")
        assert first.kind == RECORDED
        assert first.message == f"{format_code(card.code)}: sent: Алесь 0 (P0) from Sender 0"
        assert again.kind == DUPLICATE
        assert "already sent on 2025-03-02T10:00:00Z by Anna; nothing recorded" in again.message
        assert [e.status for e in ledger.history(card.code)] == ["generated", "sent"]
        assert scanner.summary() == "1 recorded as sent, 1 already scanned, 0 refused"


def test_status_rules(ledger_url: str) -> None:
    spoiled, posted = make_cards(2)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated([spoiled, posted], at=AT)
        assert Scanner(ledger, "void", "desk").scan(spoiled.code).kind == RECORDED
        refused = Scanner(ledger, "sent", "desk").scan(spoiled.code)
        assert refused.refused and "voided on" in refused.message
        assert Scanner(ledger, "sent", "desk").scan(posted.code).kind == RECORDED
        assert Scanner(ledger, "void", "desk").scan(posted.code).refused
        assert Scanner(ledger, "returned", "desk").scan(posted.code).kind == RECORDED
        assert [e.status for e in ledger.history(spoiled.code)] == ["generated", "void"]
        assert [e.status for e in ledger.history(posted.code)] == [
            "generated", "sent", "returned"]  # fmt: skip


def test_unknown_code_is_refused(scanned) -> None:
    outcome = Scanner(scanned[0]).scan(format_code(new_code(random.Random(99))))
    assert outcome.refused and "unknown code" in outcome.message


def test_scan_statuses_match_the_cli() -> None:
    from postcards.cli.tracking import SCAN_STATUSES as _SCAN_STATUSES

    assert _SCAN_STATUSES == SCAN_STATUSES


# --- the command ----------------------------------------------------------------------


def _ledger_with(tmp_path: Path, cards: list[LedgerCard]) -> str:
    url = f"sqlite:///{tmp_path / 'tracking.db'}"
    with Ledger.open(url) as ledger:
        ledger.record_generated(cards, at=AT)
    return url


def test_track_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cards = make_cards(3, campaign="Postcards campaign")
    monkeypatch.setenv("POSTCARDS_DATABASE", _ledger_with(tmp_path, cards))
    lines = tmp_path / "scans.txt"
    lines.write_text(f"{cards[0].code.lower()}\n\n{format_code(cards[1].code)}\nnonsense\n")
    result = run("track", "scan", lines, "--by", "Anna", cwd=tmp_path)
    assert result.exit_code == 1  # one line was refused
    out = result.stdout.splitlines()
    assert out[0].startswith(f"{format_code(cards[0].code)}: sent: Алесь 0")
    assert out[2].startswith("refused: 'nonsense'")
    assert result.stderr.strip() == "2 recorded as sent, 0 already scanned, 1 refused"

    assert run("track", "void", cards[2].code, "--note", "smudge", cwd=tmp_path).exit_code == 0
    again = run("track", "mark", cards[2].code, "--status", "sent", cwd=tmp_path)
    assert again.exit_code == 1 and "voided on" in again.stdout
    shown = run("track", "show", format_code(cards[2].code).lower(), cwd=tmp_path)
    assert shown.exit_code == 0
    assert "void" in shown.stdout and "smudge" in shown.stdout and "Алесь 2" in shown.stdout
    undone = run("track", "unvoid", cards[2].code, "--note", "by mistake", cwd=tmp_path)
    assert undone.exit_code == 0, undone.stderr
    assert undone.stdout == f"{format_code(cards[2].code)}: void undone; generated again\n"
    assert run("track", "mark", cards[2].code, "--status", "sent", cwd=tmp_path).exit_code == 0
    twice = run("track", "unvoid", cards[2].code, cwd=tmp_path)
    assert twice.exit_code == 1 and "not void: it is sent; nothing recorded" in twice.stderr


def test_scan_without_a_ledger_says_so(tmp_path: Path) -> None:
    result = run("track", "scan", cwd=tmp_path)
    assert result.exit_code == 1
    assert "no ledger at" in result.stderr and "postcards cards" in result.stderr
    assert not (tmp_path / "tracking.db").exists()


# --- several scanners at once ---------------------------------------------------------


def test_four_scanners_at_once_record_each_card_once(ledger_url: str, tmp_path: Path) -> None:
    """4 processes, each scanning its own 250 codes and 50 of its neighbour's (first, so
    that they collide): exactly 1,000 'sent' events, 200 repeats, nothing refused."""
    cards = make_cards(1000, seed=4)
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(cards, at=AT)
    own = [cards[i * 250 : (i + 1) * 250] for i in range(4)]
    env = {**os.environ, "POSTCARDS_DATABASE": ledger_url, "PYTHONPATH": str(ROOT)}
    scanners = []
    for i in range(4):
        shared = own[(i + 1) % 4][:50]
        codes = [c.code for c in shared] + [c.code for c in own[i]]
        scanners.append(subprocess.Popen(
            [sys.executable, "-m", "postcards", "track", "scan", "--by", f"desk{i}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=tmp_path, env=env, text=True))  # fmt: skip
        scanners[-1].stdin.write("\n".join(codes) + "\n")
        scanners[-1].stdin.flush()  # all four scan at once; communicate ends each input
    outputs = [(*p.communicate(timeout=120), p.returncode) for p in scanners]  # pipes closed
    for stdout, stderr, code in outputs:
        assert code == 0, stderr
        assert len(stdout.splitlines()) == 300
    kinds = Counter(line.split(": ")[1] for out, _, _ in outputs for line in out.splitlines())
    assert kinds["sent"] == 1000
    assert sum(n for kind, n in kinds.items() if kind.startswith("already sent on")) == 200
    with Ledger.open(ledger_url) as ledger:
        sent = [e for e in ledger.events("spring") if e.status == "sent"]
        assert len(sent) == 1000
        assert len({e.code for e in sent}) == 1000


def test_a_print_run_and_scans_on_postgresql(
    postgres_server, campaign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cards` records in the PostgreSQL ledger that POSTCARDS_DATABASE names (printing
    its URL without a password), a reprint reuses its codes, and scans land there too."""
    url = postgres_server.new_database()
    monkeypatch.setenv("POSTCARDS_DATABASE", url)
    first = run("-c", campaign, "cards", "-o", campaign / "out" / "cards.pdf")
    assert first.exit_code == 0, first.stderr
    assert "ledger: 4 new cards recorded in postgresql+psycopg://postcards@" in first.stdout
    assert not (campaign / "tracking.db").exists()
    again = run("-c", campaign, "cards", "-o", campaign / "out" / "again.pdf")
    assert "ledger: 0 new cards" in again.stdout
    codes = (campaign / "out" / "cards.manifest.csv").read_text("utf-8-sig").splitlines()[1:]
    scanned = run("-c", campaign, "track", "mark", codes[0].split(",")[0], "--status", "sent")
    assert scanned.exit_code == 0, scanned.stdout
    report = run("-c", campaign, "track", "report")
    assert "prisoners: 1 of 4 have had a card sent" in report.stdout


# --- a ledger several campaigns share -------------------------------------------------


@pytest.fixture
def shared(campaign: Path, ledger_url: str, monkeypatch: pytest.MonkeyPatch):
    """The test campaign (with a URL QR) on a ledger it shares with "Другая кампания"."""
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[qr]\nurl = "https://example.org/c/{code}"\n',
        encoding="utf-8",
    )
    ours, theirs = (
        make_cards(2, seed=5, campaign="Test campaign"),
        make_cards(2, seed=6, campaign="Другая кампания"),
    )
    with Ledger.open(ledger_url) as ledger:
        ledger.record_generated(ours + theirs, at=AT)
    monkeypatch.setenv("POSTCARDS_DATABASE", ledger_url)
    return campaign, ledger_url, ours, theirs


def test_a_card_of_another_campaign_is_refused_naming_it(shared) -> None:
    campaign, ledger_url, ours, theirs = shared
    lines = f"{theirs[0].code}\n{ours[0].code}\n"
    result = run("-c", campaign, "track", "scan", "--by", "Anna", stdin=lines)
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0] == (
        f"{format_code(theirs[0].code)}: refused: a card of the campaign "
        "'Другая кампания', not of 'Test campaign'; scan it with that "
        "campaign's -c"
    )
    assert out[1].startswith(f"{format_code(ours[0].code)}: sent: ")
    marked = run("-c", campaign, "track", "mark", theirs[1].code, "--status", "printed")
    assert marked.exit_code == 1 and "'Другая кампания'" in marked.stdout
    shown = run("-c", campaign, "track", "show", theirs[0].code)
    assert shown.exit_code == 1 and "a card of the campaign 'Другая кампания'" in shown.stderr
    with Ledger.open(ledger_url) as ledger:  # nothing recorded for the other campaign
        assert [e.status for e in ledger.events("Другая кампания")] == ["generated"] * 2


@pytest.mark.parametrize(("url", "reason"), [
    ("https://evil.example.com/c/{code}", "a URL of another site (evil.example.com, not "
     "example.org)"),
    ("https://example.org/x/{code}", "a URL of another path on this site"),
    ("https://example.org/c/{code}/more", "a URL of another path on this site"),
])  # fmt: skip
def test_a_url_not_the_campaigns_is_refused(shared, url: str, reason: str) -> None:
    campaign, ledger_url, ours, _ = shared
    result = run("-c", campaign, "track", "scan", stdin=url.format(code=ours[0].code) + "\n")
    assert result.exit_code == 1
    assert reason in result.stdout
    assert "this campaign's cards carry https://example.org/c/<code>" in result.stdout
    ok = run(
        "-c", campaign, "track", "scan", stdin=f"https://example.org/c/{ours[0].code}?src=qr\n"
    )
    assert ok.exit_code == 0, ok.stdout
    with Ledger.open(ledger_url) as ledger:
        assert [e.status for e in ledger.history(ours[0].code)] == ["generated", "sent"]


def test_a_line_that_is_not_utf8_is_refused_and_the_rest_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = make_cards(2, campaign="Postcards campaign")
    monkeypatch.setenv("POSTCARDS_DATABASE", _ledger_with(tmp_path, cards))
    data = f"{cards[0].code}\n\xff\xfeK7M2\n{cards[1].code}\n".encode("latin-1")
    (tmp_path / "codes.txt").write_bytes(data)
    for source in (["codes.txt"], []):
        result = subprocess.run(
            [sys.executable, "-m", "postcards", "track", "scan", "--status", "printed", *source],
            input=data,
            capture_output=True,
            cwd=tmp_path,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        out = result.stdout.decode().splitlines()
        assert result.returncode == 1, result.stderr
        assert b"Traceback" not in result.stderr
        assert out[1] == (
            "refused: b'\\xff\\xfeK7M2': not UTF-8 text (byte 0xff at "
            "position 1); scan or type the code again"
        )
        assert out[0].startswith(format_code(cards[0].code))  # recorded, or already
    with Ledger.open(os.environ["POSTCARDS_DATABASE"]) as ledger:
        assert [e.status for e in ledger.history(cards[1].code)] == ["generated", "printed"]
