"""Planning at scale: what is worked out once and reused (fitting, blocks, QR symbols,
preflight, the content check) must never hand one card another card's answer, and a plan
must stay small, since a print run may hold 100,000 of them."""

from __future__ import annotations

import dataclasses
import gc
import shutil
import sys
import tracemalloc

import pytest
from conftest import ROOT

from postcards.campaign_file import load_campaign
from postcards.cards.content import ContentCheck
from postcards.cards.plans import CardPlanner, PlacedText
from postcards.cards.risky_words import RiskyWords, risky_words_for
from postcards.codes import format_code, new_code
from postcards.jobs.check import card_settings, prepare, print_order
from postcards.jobs.planning import iter_plans
from postcards.page.geometry import Box, parse_size, pt
from postcards.page.qr import QUIET_ZONE, qr_matrix
from postcards.page.text import _fit, wrap
from postcards.printing.preflight import CardPreflight, text_on_rules


@pytest.fixture(scope="module")
def sample():
    campaign = load_campaign(ROOT / "samples" / "campaign.toml")
    report, planner = prepare(campaign)
    assert planner is not None
    return campaign, report, planner


def _planner(sample, size: str) -> CardPlanner:
    campaign, _report, planner = sample
    return CardPlanner(
        card_settings(campaign),
        planner.design,
        parse_size(size),
        planner.senders,
        planner.prisoners,
    )


def test_the_same_message_fits_each_card_size_its_own_way(sample) -> None:
    """Fitting is cached by text, box and sizes, and a planner keeps blocks by text: a
    stale key would give a 5x7in card the A6 card's lines."""
    pairing = sample[1].pairings[0]
    fonts = sample[2].fonts
    blocks = []
    for size in ("A6", "5x7in", "A6"):
        planner = _planner(sample, size)
        block = planner.plan(pairing, new_code()).message
        style = planner.back.message
        message = planner.message_in(planner.language_of(pairing), pairing)
        fresh = _fit.__wrapped__(  # measured anew, past every cache
            tuple((line, style.style) for line in message.split("\n")),
            fonts,
            round(pt(style.box.width_mm), 3),
            round(pt(style.box.height_mm), 3),
            style.max_size,
            style.min_size,
        )
        assert block.box == style.box and block.text == fresh
        blocks.append(block)
    assert blocks[0].text != blocks[1].text and blocks[0].text == blocks[2].text


def test_each_sender_and_return_address_gets_its_own_block(sample) -> None:
    """Blocks are kept by their text: two senders of one name but another title, or a
    sender with their own return address, must not get another's block."""
    _campaign, report, planner = sample
    pairing = report.pairings[0]
    other = pairing.sender.replace(
        title="Member of the Seimas",
        return_address=("Gedimino pr. 53", "01109 Vilnius", "LITHUANIA"),
    )
    first = planner.plan(pairing, new_code())
    second = planner.plan(dataclasses.replace(pairing, sender=other), new_code())
    assert first.sender_block.text.lines[0] == second.sender_block.text.lines[0]
    assert "Member of the Seimas" in second.sender_block.text.lines[1][0]
    assert "Member of the Seimas" not in first.sender_block.text.lines[1][0]
    assert second.return_block.text.lines[0][0] == "Gedimino pr. 53"
    assert first.return_block.text.lines[0][0] != "Gedimino pr. 53"
    assert planner.plan(pairing, new_code()).sender_block == first.sender_block


def test_every_card_prints_its_own_code_and_qr(sample) -> None:
    planner, pairing = sample[2], sample[1].pairings[0]
    codes = [new_code() for _ in range(3)]
    plans = [planner.plan(pairing, code) for code in codes]
    assert [p.code_label.text.lines[0][0] for p in plans] == [format_code(c) for c in codes]
    assert [p.qr.matrix.payload for p in plans] == codes
    assert len({p.qr.matrix.rows for p in plans}) == 3


def test_qr_runs_are_the_dark_modules_of_the_symbol() -> None:
    """The packed runs, read back module by module against zxing-cpp's own image, and
    drawn as an image that zxing-cpp decodes to the payload."""
    import zxingcpp
    from PIL import Image

    for payload in ("K7M2QX9DR", new_code(), "https://example.org/c/K7M2QX9DR"):
        matrix = qr_matrix(payload)
        image = zxingcpp.create_barcode(
            payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M"
        ).to_image(scale=1, add_quiet_zones=False)
        size, pixels = image.shape[0], bytes(image)
        dark = {(r, c) for r in range(size) for c in range(size) if pixels[r * size + c] == 0}
        assert {(r, c + i) for r, c, n in matrix.runs for i in range(n)} == dark
        assert matrix.modules == size and qr_matrix(payload) is matrix  # encoded once
        side = (size + 2 * QUIET_ZONE) * 4
        drawn = Image.new("L", (side, side), 255)
        for r, c, n in matrix.runs:
            drawn.paste(
                0,
                (
                    (c + QUIET_ZONE) * 4,
                    (r + QUIET_ZONE) * 4,
                    (c + QUIET_ZONE + n) * 4,
                    (r + QUIET_ZONE + 1) * 4,
                ),
            )
        found = zxingcpp.read_barcodes(drawn, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [b.text for b in found] == [payload]


def test_a_paragraph_that_fits_is_still_wrapped_as_words(sample) -> None:
    """A paragraph measured whole keeps the wrap's spacing: runs of spaces, tabs and
    no-break spaces between words become one space, as when measured word by word."""
    fonts = sample[2].fonts
    for text in ("Иванову  Алесю", " ИК № 9", "ул.\u00a0Заводская,\t1", "Горки"):
        assert wrap(text, fonts, "regular", 9, 200) == [" ".join(text.split())]
    assert wrap("слово " * 30, fonts, "regular", 9, 200) != ["слово " * 30]


def test_preflight_measures_a_shared_text_again_in_another_box(sample) -> None:
    """Preflight keeps each block's reach by the fitted text; the same text moved onto a
    line (another box) must still be found."""
    _campaign, report, planner = sample
    plan = planner.plan(report.pairings[0], new_code())
    rules = planner.design.back(planner.size).rules
    divider = next(rule for rule in rules if rule.name == "divider")
    box = plan.message.box
    moved = PlacedText(
        Box(divider.x0 - 20, box.y_mm, box.width_mm, box.height_mm), plan.message.text
    )
    crossing = dataclasses.replace(plan, message=moved)
    assert ("message", "divider") in text_on_rules(crossing, planner.design, planner.size)
    preflight = CardPreflight(planner.design, planner.size)
    preflight.add(plan)
    preflight.add(crossing)
    problems = [str(p) for p in preflight.problems()]
    assert any("the message runs onto the divider" in p for p in problems), problems


def test_the_content_check_reads_each_sender_block() -> None:
    """Words are looked up once per list: the same word in another list (another
    campaign's) has that list's topic; a risky word in a second sender's block is found
    though the first sender's block was checked already."""
    mine = RiskyWords.from_dict({"en": {"politics": ["regime*"]}})
    theirs = RiskyWords.from_dict({"en": {"war": ["regime*"]}})
    assert mine.topic("regimes") == "politics" and theirs.topic("regimes") == "war"
    assert mine.topic("Freedom") is None


def test_a_risky_word_in_a_second_senders_block_is_found(sample) -> None:
    _campaign, report, planner = sample
    pairing = report.pairings[0]
    content = ContentCheck(risky_words_for(None))
    content.add(planner.plan(pairing, new_code()), "first card")
    brave = pairing.sender.replace(title="за свободу")
    content.add(planner.plan(dataclasses.replace(pairing, sender=brave), new_code()), "second card")
    found = [str(p) for p in content.problems()]
    assert any("свободу" in p and "second card" in p and "first card" not in p for p in found), (
        found
    )


def test_each_card_is_checked_as_it_is_planned(sample) -> None:
    """Plans come one at a time: the first is there before the second is planned, so a
    caller can draw it and drop it (nothing per card has to be kept)."""
    _campaign, report, planner = sample
    pairings = print_order(report.pairings)[:3]
    done: list[int] = []
    plans = iter_plans(
        planner,
        pairings,
        [new_code() for _ in pairings],
        type(report)(),
        lambda n, _total: done.append(n),
    )
    first = next(plans)
    assert first.prisoner == pairings[0].prisoner and done == []
    assert len(list(plans)) == 2 and done == [1, 2, 3]


def test_a_plan_stays_small(sample) -> None:
    """A chunk of plans must stay small: what one plan holds (the QR symbol packed, shared
    blocks shared, and its sender's and prisoner's fields, loaded from the lists' spool
    for as long as the plan lives) is bounded."""
    _campaign, report, planner = sample
    pairings = print_order(report.pairings)
    # What is made once a process is not a plan's: the QR tables, the fonts' character
    # sets, and zxing-cpp, imported for the odd code with six digits in a row (1 in 250)
    for pairing in pairings:
        planner.plan(pairing, new_code())
    qr_matrix("K7M2Q123456")
    cards = [(p, new_code()) for p in pairings] * 8  # 360 plans, each its own code
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        plans = [planner.plan(p, code) for p, code in cards]
        _fit.cache_clear()
        planner.fonts._widths.clear()
        planner._placed.clear()
        gc.collect()
        per_plan = (tracemalloc.get_traced_memory()[0] - before) / len(plans)
    finally:
        tracemalloc.stop()
    assert per_plan < 3200, f"{per_plan:.0f} bytes a plan"
    assert all(len(p.qr.matrix.rows) == 21 for p in plans)  # a row an integer


def test_check_leaves_no_cyclic_garbage_per_card(tmp_path) -> None:
    """``check`` runs with the garbage collector paused (it only rescanned live records):
    that is safe only while planning leaves no reference cycles behind, personal
    templates included, however many cards there are."""
    sys.path.insert(0, str(ROOT / "bench"))
    from cards import write_campaign

    from postcards.jobs.check import check

    found = []
    for run, cards in enumerate((40, 40, 400)):  # the first loads what is loaded once
        folder = tmp_path / str(run)
        folder.mkdir()
        write_campaign(folder, cards)
        design = folder / "personal"
        shutil.copytree(ROOT / "templates" / "solidarity", design)
        for language in ("ru", "be", "en"):
            (design / f"message.{language}.j2").write_text(
                "Дорогой {{ prisoner.name }}!\n{{ sender.name }}\n", encoding="utf-8"
            )
        with open(folder / "campaign.toml", "a", encoding="utf-8") as handle:
            handle.write('[cards]\ndesign = "personal"\n')
        gc.collect()
        gc.disable()
        try:
            report = check(load_campaign(folder / "campaign.toml"))
            found.append(gc.collect())
        finally:
            gc.enable()
        assert report.ok and sum(report.languages.values()) == cards
    assert found[2] <= found[1] + 50, found  # a fixed amount, not some per card
