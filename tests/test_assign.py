"""Pairing: fair, deterministic, ledger-aware; godparenthood; explicit pairs; the command."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest
from conftest import read_manifest, run
from hypothesis import given, settings
from hypothesis import strategies as st

from postcards.inputs.people import Prisoner, Sender
from postcards.ledger.book import Ledger
from postcards.ledger.model import Tally
from postcards.pairing.fair import Pairing, Rules, even_shares, godchildren, keep_godchildren, pair

# --- random sender and prisoner sets -----------------------------------------------------

caps = st.one_of(st.none(), st.integers(min_value=0, max_value=6))
statuses = st.sampled_from(["in_custody"] * 4 + ["released", "deceased", "unknown"])
languages = st.sampled_from(["", "ru", "be", "pl", "ru, be"])


@st.composite
def people(draw: st.DrawFn) -> tuple[list[Sender], list[Prisoner]]:
    senders = [
        Sender(f"S{i}", f"Sender {i}", i + 2, cards=draw(caps), language=draw(languages))
        for i in range(draw(st.integers(min_value=1, max_value=12)))
    ]
    prisoners = [
        Prisoner(
            f"P{i}",
            f"Prisoner {i}",
            i + 2,
            status=draw(statuses),
            language=draw(st.sampled_from(["", "ru", "be"])),
        )
        for i in range(draw(st.integers(min_value=0, max_value=30)))
    ]
    return senders, prisoners


rules_st = st.builds(
    Rules,
    per_prisoner=st.integers(min_value=1, max_value=4),
    per_sender=st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
    seed=st.one_of(st.none(), st.integers(min_value=0, max_value=2**32)),
    match_language=st.booleans(),
    tallies=st.dictionaries(
        st.sampled_from([f"P{i}" for i in range(30)]),
        st.builds(Tally, generated=st.integers(0, 5), sent=st.integers(0, 5)),
        max_size=10,
    ),
)


def _capacity(senders: list[Sender], custody: int, rules: Rules) -> int:
    per = [custody if s.cards is None else min(s.cards, custody) for s in senders]
    if rules.per_sender is not None:
        per = [min(rules.per_sender, cap) for cap in per]
    return sum(per)


@settings(max_examples=300, deadline=None)
@given(people(), rules_st)
def test_pairing_properties(lists: tuple[list[Sender], list[Prisoner]], rules: Rules) -> None:
    senders, prisoners = lists
    plan = pair(senders, prisoners, rules)
    custody = {p.id for p in prisoners if p.in_custody}
    cards = Counter(p.prisoner.id for p in plan.pairings)
    # only prisoners in custody get cards
    assert set(cards) <= custody
    # never the same sender and prisoner twice in a wave
    pairs = [(p.sender.id, p.prisoner.id) for p in plan.pairings]
    assert len(pairs) == len(set(pairs))
    # a sender's cards column caps it; --per-sender N gives at most N each
    load = Counter(p.sender.id for p in plan.pairings)
    for sender in senders:
        if sender.cards is not None:
            assert load[sender.id] <= sender.cards
        if rules.per_sender is not None:
            assert load[sender.id] <= rules.per_sender
    # every prisoner is covered before any gets a second card
    if cards and max(cards.values()) > 1:
        assert set(cards) == custody
    # with enough cards, everyone in custody is covered
    if _capacity(senders, len(custody), rules) >= len(custody):
        assert set(cards) == custody and not plan.uncovered
    assert {p.id for p in plan.uncovered} == custody - set(cards)
    if rules.per_sender is None:
        assert max(cards.values(), default=0) <= rules.per_prisoner


@settings(max_examples=100, deadline=None)
@given(people(), rules_st, st.randoms(use_true_random=False))
def test_same_inputs_and_seed_give_the_same_pairs_whatever_the_row_order(
    lists: tuple[list[Sender], list[Prisoner]], rules: Rules, rng: random.Random
) -> None:
    senders, prisoners = lists
    first = pair(senders, prisoners, rules)
    rng.shuffle(senders)
    rng.shuffle(prisoners)
    again = pair(senders, prisoners, rules)
    assert sorted(_pairs(first.pairings)) == sorted(_pairs(again.pairings))
    assert first.pairings == pair(senders, prisoners, rules).pairings


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=50), max_size=20),
    st.integers(min_value=0, max_value=500),
)
def test_even_shares_are_as_even_as_the_caps_allow(caps: list[int], total: int) -> None:
    shares = even_shares(caps, total)
    assert sum(shares) == min(total, sum(caps))
    assert all(0 <= s <= c for s, c in zip(shares, caps, strict=True))
    open_ = [s for s, c in zip(shares, caps, strict=True) if s < c]
    if open_:  # nobody below their cap has two more than anyone else
        assert max(shares) - min(open_) <= 1


def _pairs(pairings: tuple[Pairing, ...]) -> list[tuple[str, str]]:
    return [(p.sender.id, p.prisoner.id) for p in pairings]


def _senders(n: int, **kw: object) -> list[Sender]:
    return [Sender(f"S{i:03}", f"Sender {i}", i + 2, **kw) for i in range(n)]


def _prisoners(n: int, **kw: object) -> list[Prisoner]:
    return [Prisoner(f"P{i:04}", f"Prisoner {i}", i + 2, **kw) for i in range(n)]


def test_the_work_is_spread_evenly_over_the_senders() -> None:
    plan = pair(_senders(500), _prisoners(1215), Rules(seed=7))
    load = Counter(p.sender.id for p in plan.pairings)
    assert len(plan.pairings) == 1215 and not plan.uncovered
    assert set(load.values()) == {2, 3}  # 1,215 cards over 500 senders: 2 or 3 each


def test_a_different_seed_gives_different_pairs() -> None:
    senders, prisoners = _senders(20), _prisoners(50)
    one = _pairs(pair(senders, prisoners, Rules(seed=1)).pairings)
    two = _pairs(pair(senders, prisoners, Rules(seed=2)).pairings)
    assert sorted(one) != sorted(two)


def test_fewest_sent_first_then_fewest_generated() -> None:
    prisoners = _prisoners(4)
    tallies = {
        "P0000": Tally(generated=3, sent=3),
        "P0001": Tally(generated=3, sent=0),
        "P0002": Tally(generated=1, sent=1),
        "P0003": Tally(generated=0, sent=0),
    }
    # two cards for four prisoners: the two with nothing sent, fewer generated first
    plan = pair(_senders(1, cards=2), prisoners, Rules(tallies=tallies))
    assert [p.prisoner.id for p in plan.pairings] == ["P0003", "P0001"]
    assert [p.id for p in plan.uncovered] == ["P0000", "P0002"]


def test_senders_who_share_the_language_are_preferred_within_an_even_spread() -> None:
    senders = [
        Sender("A", "Anna", 2, language="pl"),
        Sender("B", "Boris", 3, language="ru"),
        Sender("C", "Cэсіль", 4, language="be, ru"),
    ]
    prisoners = [
        Prisoner("P1", "Ru", 2, language="ru"),
        Prisoner("P2", "Be", 3, language="be"),
        Prisoner("P3", "Ru2", 4, language="ru"),
    ]
    plan = pair(senders, prisoners, Rules(match_language=True))
    # one card each (the spread stays even); the Belarusian speaker gets the be prisoner
    assert {p.prisoner.id: p.sender.id for p in plan.pairings} == {"P1": "B", "P2": "C", "P3": "A"}
    assert ["shares" in p.reason for p in plan.pairings] == [True, True, False]
    plain = pair(senders, prisoners, Rules())
    assert {p.prisoner.id: p.sender.id for p in plain.pairings}["P2"] == "B"


def test_godchildren_are_kept_and_a_release_frees_the_sender() -> None:
    senders = _senders(3)
    prisoners = _prisoners(5)
    prisoners[1] = Prisoner("P0001", "Prisoner 1", 3, status="released")
    history = [
        ("W1", "S000", "P0000"),
        ("W1", "S001", "P0001"),
        ("W2", "S000", "P0000"),
        ("W3", "S000", "P0004"),
    ]  # W3 is the wave being assigned: ignored
    earlier = godchildren(history, "W3")
    assert earlier == {"S000": ("W2", ("P0000",)), "S001": ("W1", ("P0001",))}
    kept, closed, notes = keep_godchildren(senders, prisoners, earlier)
    assert [(p.sender.id, p.prisoner.id) for p in kept] == [("S000", "P0000")]
    assert closed == {"S000"}
    assert notes == [
        "Sender 1 (S001): godchild P0001 from wave W1 is released",
        "Sender 1 (S001) is free for a new godchild",
    ]
    plan = pair(senders, prisoners, Rules(per_sender=1), kept, closed)
    load = Counter(p.sender.id for p in plan.pairings)
    assert load == {"S000": 1, "S001": 1, "S002": 1}
    new = {p.prisoner.id for p in plan.pairings if p.sender.id != "S000"}
    assert "P0000" not in new and "P0001" not in new  # the uncovered come first


# --- the command, on real files and a real ledger ----------------------------------------


def _write_senders(campaign: Path, caps: list[str]) -> Path:
    # S1 and S2 are the campaign's own senders: the ledger knows them by these names
    names = {1: "Łukasz Wiśniewski", 2: "Jūratė Kazlauskienė"}
    lines = ["id,name,language,cards"] + [
        f"S{i + 1},{names.get(i + 1, f'Sender {i + 1}')},ru,{cap}" for i, cap in enumerate(caps)
    ]
    path = campaign / "senders-capped.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _set_status(path: Path, prisoner_id: str, status: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] == prisoner_id:
            row["status"] = status
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_assign_writes_the_pairs_that_cards_then_prints(campaign: Path) -> None:
    result = run("-c", campaign, "assign", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    out = campaign / "assignments.csv"
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "sender_id,sender_name,prisoner_id,prisoner_name,wave,language,reason"
    assert len(lines) == 5 and all(",T1," in line for line in lines[1:])
    assert (
        f"assignments: 4 cards for 4 of 4 prisoners in custody from 2 of 2 senders "
        f"(2 each) -> {out}" in result.stdout
    )
    assert "next: postcards cards (it prints these pairs)" in result.stdout
    printed = run("-c", campaign, "cards", "--assignments", out, "-o", campaign / "c.pdf")
    assert printed.exit_code == 0, printed.stderr
    manifest = {
        (c["sender_id"], c["prisoner_id"]) for c in read_manifest(campaign / "c.manifest.csv")
    }
    assigned = {tuple(line.split(",")[0:3:2]) for line in lines[1:]}
    assert manifest == assigned
    again = run("-c", campaign, "assign", "--seed", "3")  # after printing: the same pairs
    assert again.exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == lines


def test_next_wave_puts_prisoners_with_fewer_sent_cards_first(campaign: Path) -> None:
    assert run("-c", campaign, "cards", "-o", campaign / "w1.pdf").exit_code == 0
    sent = {"P1", "P3"}
    with Ledger.open(campaign / "tracking.db") as ledger:
        for card in ledger.cards("Test campaign"):
            if card.prisoner_id in sent:
                ledger.record_event(card.code, "sent", "office")
    # wave T2 has two cards only: they go to the two prisoners whose card did not go out
    senders = _write_senders(campaign, ["1", "1"])
    result = run("-c", campaign, "assign", "--wave", "T2", "--senders", senders)
    assert result.exit_code == 0, result.stdout
    rows = read_manifest(campaign / "assignments.csv")
    assert sorted(r["prisoner_id"] for r in rows) == ["P2", "P4"]
    assert all(r["wave"] == "T2" for r in rows)
    assert "0 sent, 1 made before" in rows[0]["reason"]
    assert "2 prisoners in custody get no card (P1, P3)" in result.stdout


def enable_godparenthood(campaign: Path) -> None:
    """Turn on ``[campaign] godparenthood`` in the test campaign."""
    toml = campaign / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace('wave = "T1"', 'wave = "T1"\ngodparenthood = true'), encoding="utf-8"
    )


def test_godparenthood_keeps_the_godchild_and_reports_a_release(campaign: Path) -> None:
    enable_godparenthood(campaign)
    senders = _write_senders(campaign, ["", "", ""])
    assert run("-c", campaign, "assign", "--per-sender", "1", "--senders", senders).exit_code == 0
    first = {r["sender_id"]: r["prisoner_id"] for r in read_manifest(campaign / "assignments.csv")}
    assert len(first) == 3
    released = first["S2"]
    _set_status(campaign / "prisoners.csv", released, "released")
    result = run("-c", campaign, "assign", "--wave", "T2", "--senders", senders)
    assert result.exit_code == 0, result.stdout
    rows = [r for r in read_manifest(campaign / "assignments.csv") if r["wave"] == "T2"]
    second = {r["sender_id"]: r["prisoner_id"] for r in rows}
    for sender in ("S1", "S3"):
        assert second[sender] == first[sender]
        assert (
            next(r["reason"] for r in rows if r["sender_id"] == sender) == "godchild since wave T1"
        )
    assert second["S2"] not in (released, first["S1"], first["S3"])
    assert (
        f"godparenthood: Jūratė Kazlauskienė (S2): godchild {released} from wave T1 is released"
        in result.stdout
    )
    assert "godparenthood: Jūratė Kazlauskienė (S2) is free for a new godchild" in result.stdout
    assert len(read_manifest(campaign / "assignments.csv")) == 6  # T1's rows are kept


def test_explicit_pairs_are_kept_and_validated_with_row_numbers(campaign: Path) -> None:
    pairs = campaign / "assignments.csv"
    pairs.write_text("sender_id,prisoner_id\nS1,P4\n", encoding="utf-8")
    result = run("-c", campaign, "assign")
    assert result.exit_code == 0, result.stdout
    rows = read_manifest(pairs)
    assert rows[0] == {
        "sender_id": "S1",
        "sender_name": "",
        "prisoner_id": "P4",
        "prisoner_name": "",
        "wave": "",
        "language": "",
        "reason": "",
    }
    assert sorted(r["prisoner_id"] for r in rows) == ["P1", "P2", "P3", "P4"]
    again = run("-c", campaign, "assign")  # kept as written, the rest the same again
    assert again.exit_code == 0 and read_manifest(pairs) == rows
    assert "1 explicit" in result.stdout

    pairs.write_text(
        "sender_id,prisoner_id,wave\nS1,P4,T1\nS9,P1,T1\nS2,P5,T1\nS2,P77,T1\nS1,P4,\nS2,P5,T0\n",
        encoding="utf-8",
    )
    for command in ("assign", "check"):
        result = run("-c", campaign, command, "--assignments", pairs)
        assert result.exit_code == 1
        lines = (result.stderr + result.stdout).splitlines()
        assert "assignments.csv:3: sender_id: no sender with id 'S9' in senders.csv" in lines
        assert (
            "assignments.csv:4: prisoner_id: P5 is released in prisoners.csv; remove this "
            "row" in lines
        )
        assert "assignments.csv:5: prisoner_id: no prisoner with id 'P77' in prisoners.csv" in lines
        assert "assignments.csv:6: prisoner_id: the same pair is already on row 2" in lines
        assert not any(":7:" in line for line in lines)  # another wave's row is not checked


def test_per_prisoner_and_per_sender_together_is_a_usage_error(campaign: Path) -> None:
    result = run("-c", campaign, "assign", "--per-prisoner", "2", "--per-sender", "1")
    assert result.exit_code == 2
    assert not (campaign / "assignments.csv").exists()


def test_per_prisoner_gives_each_prisoner_that_many_senders(campaign: Path) -> None:
    result = run("-c", campaign, "assign", "--per-prisoner", "2", "-o", campaign / "a.csv")
    assert result.exit_code == 0, result.stdout
    rows = read_manifest(campaign / "a.csv")
    assert Counter(r["prisoner_id"] for r in rows) == {"P1": 2, "P2": 2, "P3": 2, "P4": 2}
    assert {r["language"] for r in rows if r["prisoner_id"] == "P2"} == {"be"}


def test_a_rerun_after_a_release_replaces_the_rows_assign_wrote(campaign: Path) -> None:
    assert run("-c", campaign, "assign").exit_code == 0
    _set_status(campaign / "prisoners.csv", "P3", "released")
    result = run("-c", campaign, "assign")
    assert result.exit_code == 0, result.stdout
    rows = read_manifest(campaign / "assignments.csv")
    assert sorted(r["prisoner_id"] for r in rows) == ["P1", "P2", "P4"]


def test_godparenthood_reads_earlier_waves_from_the_ledger(campaign: Path) -> None:
    enable_godparenthood(campaign)
    senders = _write_senders(campaign, ["", "", "", ""])
    pairs = campaign / "assignments.csv"
    assert run("-c", campaign, "assign", "--senders", senders).exit_code == 0
    printed = run(
        "-c",
        campaign,
        "cards",
        "--senders",
        senders,
        "--assignments",
        pairs,
        "-o",
        campaign / "t1.pdf",
    )
    assert printed.exit_code == 0, printed.stderr
    first = {
        (r["sender_id"], r["prisoner_id"]) for r in read_manifest(campaign / "t1.manifest.csv")
    }
    pairs.unlink()  # the ledger alone knows wave T1 now
    result = run("-c", campaign, "assign", "--wave", "T2", "--senders", senders)
    assert result.exit_code == 0, result.stdout
    rows = read_manifest(pairs)
    assert {(r["sender_id"], r["prisoner_id"]) for r in rows} == first
    assert {r["reason"] for r in rows} == {"godchild since wave T1"}


@settings(max_examples=150, deadline=None)
@given(people(), rules_st, st.data())
def test_fixed_pairs_are_kept_and_closed_senders_get_nothing_new(
    lists: tuple[list[Sender], list[Prisoner]], rules: Rules, data: st.DataObject
) -> None:
    senders, prisoners = lists
    custody = [p for p in prisoners if p.in_custody]
    fixed = []
    if custody:
        picks = data.draw(
            st.sets(st.tuples(st.sampled_from(senders), st.sampled_from(custody)), max_size=5)
        )
        fixed = [
            Pairing(s, p, reason="explicit")
            for s, p in sorted(picks, key=lambda sp: (sp[0].id, sp[1].id))
        ]
    closed = {s.id for s in data.draw(st.lists(st.sampled_from(senders), max_size=3))}
    plan = pair(senders, prisoners, rules, fixed, closed)
    assert plan.pairings[: len(fixed)] == tuple(fixed)
    pairs = _pairs(plan.pairings)
    assert len(pairs) == len(set(pairs))
    new = plan.pairings[len(fixed) :]
    assert not {p.sender.id for p in new} & closed
    load = Counter(p.sender.id for p in plan.pairings)
    fixed_load = Counter(p.sender.id for p in fixed)
    for sender in senders:
        if sender.cards is not None and load[sender.id] > fixed_load[sender.id]:
            assert load[sender.id] <= sender.cards


def test_cards_without_an_assignments_file_pairs_by_the_ledger_too(campaign: Path) -> None:
    assert run("-c", campaign, "cards", "-o", campaign / "w1.pdf").exit_code == 0
    with Ledger.open(campaign / "tracking.db") as ledger:
        for card in ledger.cards("Test campaign"):
            if card.prisoner_id in {"P1", "P3"}:
                ledger.record_event(card.code, "sent", "office")
    senders = _write_senders(campaign, ["1", "1"])
    result = run(
        "-c", campaign, "cards", "--wave", "T2", "--senders", senders, "-o", campaign / "w2.pdf"
    )
    assert result.exit_code == 0, result.stderr
    manifest = read_manifest(campaign / "w2.manifest.csv")
    assert sorted(c["prisoner_id"] for c in manifest) == ["P2", "P4"]


def test_hand_written_rows_keep_their_own_columns(campaign: Path) -> None:
    pairs = campaign / "assignments.csv"
    pairs.write_text(
        "Sender ID,Prisoner ID,wave,message\nS2,P1,T1,Держитесь!\nS1,P3,T0,old wave\n",
        encoding="utf-8",
    )
    assert run("-c", campaign, "assign").exit_code == 0
    rows = read_manifest(pairs)
    assert list(rows[0]) == [
        "sender_id",
        "sender_name",
        "prisoner_id",
        "prisoner_name",
        "wave",
        "language",
        "reason",
        "message",
    ]
    assert [(r["sender_id"], r["prisoner_id"], r["wave"], r["message"]) for r in rows[:2]] == [
        ("S2", "P1", "T1", "Держитесь!"),
        ("S1", "P3", "T0", "old wave"),
    ]
    assert sorted(r["prisoner_id"] for r in rows if r["wave"] == "T1") == ["P1", "P2", "P3", "P4"]


def test_assignments_and_print_order_sort_ids_naturally() -> None:
    """Stacks are grouped by sender as people count: S2 before S10, P4 before P31."""
    from postcards.inputs.people import Prisoner, Sender
    from postcards.jobs.check import print_order
    from postcards.pairing.assignments import assignment_rows

    senders = [Sender(id=i, name=i, row=n) for n, i in enumerate(["S10", "S2", "S1"], 2)]
    prisoners = [Prisoner(id=i, name=i, row=n) for n, i in enumerate(["P31", "P4", "P3"], 2)]
    pairings = tuple(Pairing(s, p) for s in senders for p in prisoners)
    expected = [(s, p) for s in ("S1", "S2", "S10") for p in ("P3", "P4", "P31")]
    assert [(p.sender.id, p.prisoner.id) for p in print_order(pairings)] == expected
    assert [(row[0], row[2]) for row in assignment_rows(pairings, "W1")] == expected


def test_a_generated_row_changed_by_hand_is_reported_not_dropped_silently(campaign: Path) -> None:
    assert run("-c", campaign, "assign").exit_code == 0
    pairs = campaign / "assignments.csv"
    text = pairs.read_text(encoding="utf-8")
    lines = text.splitlines()
    edited = next(i for i, line in enumerate(lines) if line.startswith("S1,") and ",P1," in line)
    lines[edited] = lines[edited].replace(",P1,", ",P5,", 1)  # P5 is someone else (released)
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("-c", campaign, "assign")
    assert result.exit_code == 0, result.stderr
    assert (
        f"assignments.csv:{edited + 1}: prisoner_id: warning: this row of wave T1, written by "
        "assign, was changed by hand (S1 to P5); the new pairing replaces it: to keep a pair, "
        "clear its reason (a hand-written row) and run assign again"
    ) in result.stdout
    # an untouched file gives no such warning
    assert "changed by hand" not in run("-c", campaign, "assign").stdout


def test_earlier_waves_tallies_are_every_office_and_wave_but_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pairing reads of earlier waves, from one stream of the ledger: per prisoner, the
    cards of other waves that are not void and those that went out; a prisoner whose only
    cards are of this wave (or void) is there with nothing; other waves' pairs of this office.
    Checked against the card-by-card reading it replaced (a query a card of this wave)."""
    import types

    from postcards.codes import new_code
    from postcards.jobs.assign import _earlier, _tallies_before
    from postcards.ledger.model import OUT_STATUSES, LedgerCard, is_void

    rng = random.Random(11)
    cards = [
        LedgerCard(new_code(rng), "C", wave, f"S{i % 7}", f"P{i % 13}", "ru", "S", "P",
                   office=office)
        for i, (wave, office) in enumerate(
            (rng.choice(["1", "2", "3"]), rng.choice(["", "seimas"])) for _ in range(120)
        )
    ]  # fmt: skip
    cards = list({(c.office, c.wave, c.sender_id, c.prisoner_id): c for c in cards}.values())
    cards.append(LedgerCard(new_code(rng), "C", "2", "S0", "Q", "ru", "S", "Q"))  # wave 2 alone
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        ledger.record_generated(cards)
        for card in cards:
            for status in rng.choice([[], ["sent"], ["void"], ["void", "unvoid"],
                                      ["sent", "reply"], ["void", "unvoid", "void"]]):  # fmt: skip
                ledger.record_event(card.code, status, "desk")
        for wave, office in [("2", ""), ("3", "seimas"), ("4", "")]:
            campaign = types.SimpleNamespace(name="C", wave=wave, office=office)
            made: dict[str, int] = {}
            sent: dict[str, int] = {}
            for card in ledger.cards("C"):  # the reading it replaced
                made.setdefault(card.prisoner_id, 0)
                sent.setdefault(card.prisoner_id, 0)
                history = [e.status for e in ledger.history(card.code)]
                if card.wave == wave or is_void(history):
                    continue
                made[card.prisoner_id] += 1
                sent[card.prisoner_id] += bool(set(history) & OUT_STATUSES)
            expected = {pid: Tally(generated=made[pid], sent=sent[pid]) for pid in made}
            found = _tallies_before(ledger, campaign)  # type: ignore[arg-type]
            assert list(found.items()) == list(expected.items())  # the order too
            pairs = _earlier(campaign, None, ledger).history  # type: ignore[arg-type]
            assert pairs == [(c.wave, c.sender_id, c.prisoner_id) for c in ledger.cards("C")
                             if c.wave != wave and c.office == office]  # fmt: skip
            assert found["Q"] == (Tally() if wave == "2" else expected["Q"])
        for slow in ("cards", "history"):  # a card object, or a query, a card
            monkeypatch.setattr(Ledger, slow, lambda *_, s=slow: pytest.fail(f"Ledger.{s} read"))
        assert _earlier(campaign, None, ledger).tallies == found  # type: ignore[arg-type]
