"""Reprints without waste: `cards --only unsent|CODE…`, `--sender`, `--prisoner` print just
those cards with their existing codes, and every run says how many had gone out."""

from __future__ import annotations

from pathlib import Path

from conftest import read_manifest, run

from postcards.codes import format_code, new_code


def _print_all(campaign: Path) -> list[dict[str, str]]:
    result = run("-c", campaign, "cards", "-o", campaign / "out" / "all.pdf")
    assert result.exit_code == 0, result.stderr
    return read_manifest(campaign / "out" / "all.manifest.csv")


def _reprint(campaign: Path, name: str, *options: str):
    return run("-c", campaign, "cards", *options, "-o", campaign / "out" / f"{name}.pdf")


def test_only_unsent_leaves_out_the_cards_that_went_out(campaign: Path) -> None:
    cards = _print_all(campaign)
    sent = cards[0]["code"]
    assert run("-c", campaign, "track", "mark", sent, "--status", "sent").exit_code == 0
    result = _reprint(campaign, "unsent", "--only", "unsent")
    assert result.exit_code == 0, result.stderr
    again = read_manifest(campaign / "out" / "unsent.manifest.csv")
    assert [c["code"] for c in again] == [c["code"] for c in cards[1:]]  # same codes
    assert "ledger: 0 new cards" in result.stdout
    assert "went out already" not in result.stderr


def test_a_reprint_of_a_sent_card_says_so(campaign: Path) -> None:
    cards = _print_all(campaign)
    code = cards[1]["code"]
    run("-c", campaign, "track", "mark", code, "--status", "sent")
    result = _reprint(campaign, "one", "--only", format_code(code).lower())
    assert result.exit_code == 0, result.stderr
    assert [c["code"] for c in read_manifest(campaign / "out" / "one.manifest.csv")] == [code]
    assert (
        "note: 1 of the cards printed went out already (the ledger says sent or later); "
        "posting a second copy sends a duplicate"
    ) in result.stderr


def test_one_senders_stack_and_one_prisoners_cards(campaign: Path) -> None:
    cards = _print_all(campaign)
    sender = cards[0]["sender_id"]
    assert _reprint(campaign, "stack", "--sender", sender).exit_code == 0
    stack = read_manifest(campaign / "out" / "stack.manifest.csv")
    assert stack == [
        c
        | {
            "front_page": s["front_page"],
            "back_page": s["back_page"],
            "sheet": s["sheet"],
            "slot": s["slot"],
        }
        for c, s in zip([c for c in cards if c["sender_id"] == sender], stack, strict=True)
    ]
    prisoner = cards[-1]["prisoner_id"]
    assert _reprint(campaign, "to", "--prisoner", prisoner).exit_code == 0
    to = read_manifest(campaign / "out" / "to.manifest.csv")
    assert {c["prisoner_id"] for c in to} == {prisoner}
    assert {c["code"] for c in to} <= {c["code"] for c in cards}


def test_a_code_sender_or_prisoner_not_in_the_wave_is_an_error(campaign: Path) -> None:
    _print_all(campaign)
    unknown = format_code(new_code())
    result = _reprint(campaign, "x", "--only", unknown, "--sender", "S99", "--prisoner", "P99")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        f"--only {unknown}: no card of this campaign has this code in the ledger",
        "--sender S99: no card for this id in wave T1",
        "--prisoner P99: no card for this id in wave T1",
    ]
    assert not (campaign / "out" / "x.pdf").exists()


def test_a_mistyped_code_is_a_usage_error(campaign: Path) -> None:
    result = _reprint(campaign, "x", "--only", "K7M2-QX9D-4")
    assert result.exit_code == 2
    assert "--only K7M2-QX9D-4: not 'unsent' and not a card code" in result.stderr


def test_nothing_unsent_is_nothing_to_print(campaign: Path) -> None:
    cards = _print_all(campaign)
    for card in cards:
        run("-c", campaign, "track", "mark", card["code"], "--status", "sent")
    result = _reprint(campaign, "none", "--only", "unsent")
    assert result.exit_code == 1
    assert "no card of wave T1 matches unsent cards; nothing to print" in result.stderr
