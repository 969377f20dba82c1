"""The whole pipeline on real files, read back through independent readers."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import DATA, ROOT, decode_qr, page_texts, read_manifest, run

from postcards.campaign_file import load_campaign
from postcards.codes import format_code, is_valid
from postcards.inputs.reading import read_prisoners
from postcards.inputs.spreadsheets import read_table


def _samples() -> list:
    campaign = load_campaign(ROOT / "samples" / "campaign.toml")
    return list(read_prisoners(read_table(campaign.prisoners_path)).records)


def test_every_sample_card_back_names_its_prisoner_and_sender(demo: Path) -> None:
    prisoners = {p.id: p for p in _samples()}
    texts = page_texts(demo / "cards.pdf")
    manifest = read_manifest(demo / "cards.manifest.csv")
    assert len(texts) == 2 * len(manifest)
    for card in manifest:
        p = prisoners[card["prisoner_id"]]
        back = texts[int(card["back_page"]) - 1]
        expected = [
            p.name_dative or p.name,
            p.institution,
            p.address[0],
            p.postcode,
            card["sender_name"],
            "REPUBLIC OF BELARUS",
            format_code(card["code"]),
        ]
        if p.birth_year:
            expected.append(p.birth_year)
        for value in expected:
            assert " ".join(value.split()) in back, (card["prisoner_id"], value)


def test_every_sample_card_qr_decodes_to_its_manifest_code(demo: Path) -> None:
    manifest = read_manifest(demo / "cards.manifest.csv")
    for card in manifest:
        assert is_valid(card["code"])
        assert decode_qr(demo / "cards.pdf", int(card["back_page"]) - 1) == [card["code"]]
    assert decode_qr(demo / "cards.pdf", 0) == []  # the front carries nothing scannable


def test_only_prisoners_in_custody_get_cards_each_exactly_once(demo: Path) -> None:
    prisoners = _samples()
    manifest = read_manifest(demo / "cards.manifest.csv")
    carded = [c["prisoner_id"] for c in manifest]
    assert sorted(carded) == sorted(p.id for p in prisoners if p.in_custody)
    released = [p for p in prisoners if p.status == "released"]
    assert released and not {p.id for p in released} & set(carded)
    assert len({c["code"] for c in manifest}) == len(manifest)


def test_manifest_pages_and_slots_follow_print_order(demo: Path) -> None:
    manifest = read_manifest(demo / "cards.manifest.csv")
    assert list(manifest[0]) == [
        "code",
        "wave",
        "office",
        "sender_id",
        "sender_name",
        "prisoner_id",
        "prisoner_name",
        "language",
        "front_page",
        "back_page",
        "sheet",
        "slot",
        "return_address",
    ]
    for i, card in enumerate(manifest):
        assert (card["front_page"], card["back_page"], card["sheet"], card["slot"]) == (
            str(2 * i + 1),
            str(2 * i + 2),
            str(i + 1),
            "1",
        )
    senders = [c["sender_id"] for c in manifest]
    assert senders == sorted(senders)  # each member's cards form one stack


def test_demo_ledger_holds_every_card_with_one_generated_event(demo: Path) -> None:
    manifest = read_manifest(demo / "cards.manifest.csv")
    with closing(sqlite3.connect(demo / "tracking.db")) as db:
        codes = {row[0] for row in db.execute("select code from cards")}
        events = db.execute("select code, status from events").fetchall()
    assert codes == {c["code"] for c in manifest}
    assert sorted(events) == sorted((c["code"], "generated") for c in manifest)


def test_single_pages_have_bleed_trim_and_bleed_boxes(demo: Path) -> None:
    from pypdf import PdfReader

    mm = 72 / 25.4
    page = PdfReader(demo / "cards.pdf").pages[1]
    assert float(page.mediabox.width) == pytest.approx(154 * mm, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(111 * mm, abs=0.01)
    assert [float(v) for v in page.trimbox] == pytest.approx(
        [3 * mm, 3 * mm, 151 * mm, 108 * mm], abs=0.01
    )
    assert [float(v) for v in page.bleedbox] == pytest.approx([0, 0, 154 * mm, 111 * mm], abs=0.01)


def test_fields_with_markup_characters_print_literally(campaign: Path) -> None:
    result = run("-c", campaign, "cards", "-o", campaign / "out" / "cards.pdf")
    assert result.exit_code == 0, result.stderr
    manifest = read_manifest(campaign / "out" / "cards.manifest.csv")
    card = next(c for c in manifest if c["prisoner_id"] == "P3")
    back = page_texts(campaign / "out" / "cards.pdf")[int(card["back_page"]) - 1]
    assert 'O\'Brien <Bob> & "Co"' in back
    assert 'ИК № 2 <отряд> & "7"' in back
    assert card["prisoner_name"] == 'O\'Brien <Bob> & "Co"'


def test_excel_encodings_read_the_same_as_utf8() -> None:
    folder = DATA / "campaign"
    reference = read_prisoners(read_table(folder / "prisoners.csv"))
    for name in ("prisoners-cp1251.csv", "prisoners-utf8-bom.csv"):
        table = read_table(folder / name)
        assert table.encoding in ("cp1251", "utf-8-sig")
        people = read_prisoners(table)
        assert not people.problems
        assert people.records == reference.records


def test_cp1251_list_prints_the_same_cards(campaign: Path) -> None:
    a = run("-c", campaign, "cards", "-o", campaign / "a.pdf")
    b = run(
        "-c",
        campaign,
        "cards",
        "--prisoners",
        campaign / "prisoners-cp1251.csv",
        "-o",
        campaign / "b.pdf",
    )
    assert a.exit_code == b.exit_code == 0
    # Same pairs, so the ledger gives the same codes: the PDFs are the same bytes.
    assert (campaign / "a.pdf").read_bytes() == (campaign / "b.pdf").read_bytes()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rerun_reuses_codes_and_writes_the_same_bytes(campaign: Path) -> None:
    out = campaign / "out" / "cards.pdf"
    first = run("-c", campaign, "cards", "-o", out)
    assert first.exit_code == 0, first.stderr
    digest, manifest = _digest(out), read_manifest(out.with_suffix(".manifest.csv"))
    second = run("-c", campaign, "cards", "-o", out)
    assert second.exit_code == 0
    assert "0 new cards recorded" in second.stdout
    assert _digest(out) == digest
    assert read_manifest(out.with_suffix(".manifest.csv")) == manifest
    with closing(sqlite3.connect(campaign / "tracking.db")) as db:
        assert db.execute("select count(*) from events").fetchone()[0] == len(manifest)


def test_a_new_wave_gets_new_codes(campaign: Path) -> None:
    run("-c", campaign, "cards", "-o", campaign / "t1.pdf")
    run("-c", campaign, "cards", "--wave", "T2", "-o", campaign / "t2.pdf")
    t1 = {c["code"] for c in read_manifest(campaign / "t1.manifest.csv")}
    t2 = read_manifest(campaign / "t2.manifest.csv")
    assert {c["wave"] for c in t2} == {"T2"}
    assert not t1 & {c["code"] for c in t2}


def test_a_crash_while_rendering_leaves_no_file_and_no_ledger(
    campaign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcards.printing import faces as render

    def explode(self, plan):
        raise OSError("disk full")

    monkeypatch.setattr(render.CardRenderer, "card_pages", explode)
    result = run("-c", campaign, "cards", "-o", campaign / "out" / "cards.pdf")
    assert (result.exit_code, result.stderr) == (1, "disk full\n")  # no traceback
    assert not (campaign / "out").exists()  # nor the folder made for the file
    assert not (campaign / "tracking.db").exists()


def test_demo_ends_with_a_coverage_report(demo: Path) -> None:
    page = (demo / "report.html").read_text(encoding="utf-8")
    assert "0 of 45 prisoners have had a card sent" in page
