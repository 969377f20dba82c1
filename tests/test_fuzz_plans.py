"""Any text a spreadsheet can hold goes through card planning and the ledger without a
crash: only a PostcardsError (a message naming the cell) may come out of planning, and
cards and events come back from the ledger exactly as recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcards.campaign_file import load_campaign
from postcards.codes import new_code
from postcards.errors import PostcardsError
from postcards.jobs.check import prepare
from postcards.ledger.book import Ledger
from postcards.ledger.model import Event, LedgerCard
from postcards.pairing.fair import Pairing

# Every code point but surrogates (a spreadsheet cannot hold them): controls, bidi
# overrides, combining marks, CJK, emoji, private use.
# Half the time text the fonts can print (Cyrillic, Latin, punctuation, long words and
# line breaks), so that planning goes past the glyph checks into fitting.
PRINTABLE = st.text(
    st.sampled_from(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіўАБВГДІЎЁ abcdefghijklmnopqrstuvwxyzĄŁŻŚ"
        "0123456789 .,-–—«»\"'№()/\n<>&"
    ),
    max_size=300,
)
ANY_TEXT = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60), PRINTABLE)
#: What the ledger keeps: any text but NUL, which PostgreSQL cannot store (refused alike on
#: SQLite; tests/test_ledger_faults.py checks the refusal).
LEDGER_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
    PRINTABLE,
)


@pytest.fixture(scope="module")
def planner_and_pairing():
    campaign = load_campaign(ROOT / "samples" / "campaign.toml")
    report, planner = prepare(campaign)
    assert planner is not None
    return planner, report.pairings[0]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=ANY_TEXT,
    dative=ANY_TEXT,
    institution=ANY_TEXT,
    address=st.lists(ANY_TEXT, max_size=4),
    city=ANY_TEXT,
    message=ANY_TEXT,
)
def test_any_name_and_address_plans_or_says_why(
    planner_and_pairing,
    name: str,
    dative: str,
    institution: str,
    address: list[str],
    city: str,
    message: str,
) -> None:
    planner, pairing = planner_and_pairing
    prisoner = pairing.prisoner.replace(
        name=name,
        name_dative=dative,
        institution=institution,
        address=tuple(address),
        city=city,
    )
    card = Pairing(pairing.sender, prisoner, pairing.language, message=message)
    try:
        plan = planner.plan(card, new_code())
    except PostcardsError as error:
        assert error.problems and all(str(p) for p in error.problems)
        return
    assert plan.prisoner.name == name
    assert plan.to_json()  # a plan can always be written out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.tuples(LEDGER_TEXT, LEDGER_TEXT, LEDGER_TEXT),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[0],
    ),
    note=LEDGER_TEXT,
)
def test_cards_and_events_round_trip_through_the_ledger(tmp_path: Path, texts, note: str) -> None:
    path = tmp_path / f"{new_code()}.db"
    cards = [
        LedgerCard(new_code(), "Fuzz", "1", f"S{i}", f"P{i}", "ru", sender, prisoner, message)
        for i, (sender, prisoner, message) in enumerate(texts)
    ]
    with Ledger.open(path) as ledger:
        assert ledger.record_generated(cards, at="2026-12-03T08:00:00Z") == len(cards)
        ledger.record_event(cards[0].code, "sent", note, note, at="2026-12-03T09:00:00Z")
    with Ledger.open(path) as ledger:
        assert sorted(ledger.cards("Fuzz"), key=lambda c: c.code) == sorted(
            cards, key=lambda c: c.code
        )
        assert ledger.history(cards[0].code)[-1] == Event(
            cards[0].code, "sent", "2026-12-03T09:00:00Z", note, note
        )
