"""Signing sheets and the archive, read back: rendered, QR-decoded, text-extracted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT, decode_qr, page_texts, read_manifest, run

from postcards.ledger.book import Ledger

POLISH = "Drogi przyjacielu, przesyłam serdeczne pozdrowienia i najlepsze życzenia."


@pytest.fixture(scope="module")
def sheet_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test campaign with [qr] placement = "sheet" and a design that also has a
    Polish message (S1 writes Polish; S2's Lithuanian has no template: English)."""
    folder = tmp_path_factory.mktemp("sheet") / "campaign"
    shutil.copytree(DATA / "campaign", folder)
    design = folder / "design"
    shutil.copytree(ROOT / "templates" / "solidarity", design)
    (design / "message.pl.j2").write_text(POLISH + "\n", encoding="utf-8")
    toml = folder / "campaign.toml"
    toml.write_text(toml.read_text().replace('[cards]\n', '[cards]\ndesign = "design"\n')
                    + '\n[qr]\nplacement = "sheet"\n')  # fmt: skip
    result = run("-c", folder, "cards", "-o", folder / "out" / "cards.pdf")
    assert result.exit_code == 0, result.stderr
    assert "signing sheets -> " in result.stdout
    return folder


def test_every_sheet_qr_is_a_card_of_that_sender(sheet_run: Path) -> None:
    sheets = sheet_run / "out" / "cards.signing.pdf"
    manifest = read_manifest(sheet_run / "out" / "cards.manifest.csv")
    texts = page_texts(sheets)
    found = []
    for index, text in enumerate(texts):
        codes = decode_qr(sheets, index, dpi=150)
        sender = next(row["sender_name"] for row in manifest if text.startswith(row["sender_name"]))
        mine = {row["code"]: row for row in manifest if row["sender_name"] == sender}
        assert codes and set(codes) <= set(mine), (sender, codes)
        for code in codes:
            assert mine[code]["prisoner_name"] in text
        found += codes
    assert sorted(found) == sorted(row["code"] for row in manifest)
    scanned = run("-c", sheet_run, "track", "scan", "--status", "printed", stdin="\n".join(found))
    assert scanned.exit_code == 0, scanned.stdout
    summary = f"{len(found)} recorded as printed, 0 already scanned, 0 refused"
    assert scanned.stderr.strip() == summary


def test_messages_are_translated_for_the_signer(sheet_run: Path) -> None:
    texts = page_texts(sheet_run / "out" / "cards.signing.pdf")
    polish = [t for t in texts if t.startswith("Łukasz Wiśniewski")]
    english = [t for t in texts if t.startswith("Jūratė Kazlauskienė")]
    assert polish and all("Drogi przyjacielu" in t for t in polish)
    assert english and all("Dear friend" in t for t in english)
    assert all("Здравствуйте" not in t for t in texts)


def test_cards_carry_nothing_scannable(sheet_run: Path) -> None:
    cards = sheet_run / "out" / "cards.pdf"
    texts = page_texts(cards)
    manifest = read_manifest(sheet_run / "out" / "cards.manifest.csv")
    for index in range(len(texts)):
        assert decode_qr(cards, index, dpi=200) == []
    for row in manifest:
        assert not any(row["code"][:4] in t for t in texts)


def test_the_archive_holds_every_sent_message(sheet_run: Path, tmp_path: Path) -> None:
    manifest = read_manifest(sheet_run / "out" / "cards.manifest.csv")
    with Ledger.open(sheet_run / "tracking.db") as ledger:
        cards = {c.code: c for c in ledger.cards("Test campaign")}
    sent = manifest[:3]
    assert run("-c", sheet_run, "track", "mark", *[r["code"] for r in sent], "--status",
               "sent").exit_code == 0  # fmt: skip
    assert run("-c", sheet_run, "track", "void", manifest[3]["code"]).exit_code == 0
    out = tmp_path / "archive"
    result = run("-c", sheet_run, "track", "export", "--texts", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"3 messages to {len({r['prisoner_id'] for r in sent})}")
    for row in sent:
        text = " ".join(page_texts(out / f"{row['prisoner_id']}.pdf"))
        assert row["prisoner_name"] in text and row["sender_name"] in text
        message = " ".join(cards[row["code"]].message.split())
        assert message and message in text
    assert not (out / f"{manifest[3]['prisoner_id']}.pdf").exists() or (
        manifest[3]["prisoner_id"] in {r["prisoner_id"] for r in sent}
    )
