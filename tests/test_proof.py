"""`postcards proof`: the cards `cards` would print, as marked PNGs; the ledger untouched."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import run

from postcards.campaign_file import load_campaign
from postcards.page.geometry import Page, parse_size
from postcards.printing.proof_images import MARK_RED, tab_box

IMAGE = re.compile(r"^(\d{4})-(front|back)-(S\d)-(P\d)\.png$")
# the test campaign's wave, in print order: sender by sender, then prisoner
CARDS = [("S1", "P1"), ("S1", "P3"), ("S2", "P2"), ("S2", "P4")]


def _images(folder: Path) -> list[tuple[str, str, str, str]]:
    return sorted(m.groups() for p in folder.iterdir() if (m := IMAGE.match(p.name)))


def _ledger(campaign: Path) -> tuple[bytes, list]:
    """The ledger file's bytes and every row of every table."""
    path = campaign / "tracking.db"
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        rows = [(t, sorted(map(repr, db.execute(f'select * from "{t}"')))) for t in tables]
    db.close()
    return path.read_bytes(), rows


def test_a_front_and_a_back_per_card_and_a_contact_sheet(printed: Path) -> None:
    out = printed / "proofs"
    result = run("-c", printed, "proof", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "4 cards, 8 images -> " in result.stdout
    images = _images(out)
    assert len(images) == 2 * len(CARDS)
    assert images == sorted(
        (f"{n:04d}", side, s, p) for n, (s, p) in enumerate(CARDS, 1) for side in ("front", "back")
    )
    assert sorted(p.name for p in out.iterdir() if not IMAGE.match(p.name)) == ["contact.pdf"]
    assert not list(out.glob(".*"))  # no temporary file left
    captions = _contact_text(out / "contact.pdf")
    for number, (sender, prisoner) in enumerate(CARDS, 1):
        assert f"{number:04d} {sender} → {prisoner} (PROOF-{number:04d})" in captions
    assert "Łukasz Wiśniewski → Иванов Сергей Петрович" in captions
    assert captions.startswith("PROOF, not for printing: Test campaign, wave T1")


def _contact_text(pdf: Path) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in document.pages)


def test_proofs_record_nothing(printed: Path) -> None:
    before = _ledger(printed)
    assert run("-c", printed, "proof", "-o", printed / "proofs").exit_code == 0
    assert _ledger(printed) == before
    assert not (printed / "tracking.db-wal").exists() or (
        (printed / "tracking.db-wal").stat().st_size == 0
    )


def test_a_campaign_without_a_ledger_gets_none(campaign: Path) -> None:
    assert run("-c", campaign, "proof", "-o", campaign / "proofs").exit_code == 0
    assert not (campaign / "tracking.db").exists()
    assert len(_images(campaign / "proofs")) == 8


def test_the_prisoners_name_is_drawn_and_the_mark_is_on_the_proof_alone(printed: Path) -> None:
    from PIL import Image

    out = printed / "proofs"
    assert run("-c", printed, "proof", "-o", out, "--dpi", "100").exit_code == 0
    back = Image.open(out / "0001-back-S1-P1.png").convert("RGB")
    page = Page(parse_size(load_campaign(printed / "campaign.toml").size), 3.0)
    expected = (page.width_mm / 25.4 * 100, page.height_mm / 25.4 * 100)
    assert all(abs(got - want) < 1 for got, want in zip(back.size, expected, strict=True))
    name = _name_box(printed, back.size, page)
    assert _share(back, name, lambda px: sum(px) < 200) > 0.03  # the dative name, in ink
    line = name[3] - name[1]
    under = (name[0], name[1] + 8 * line, name[2], name[3] + 8 * line)  # under the address
    assert _share(back, under, lambda px: sum(px) < 200) < 0.005  # what a blank band gives
    tab = tab_box(*back.size, page)
    assert _share(back, tab, lambda px: px == MARK_RED) > 0.5  # the red PROOF tab
    assert 0 < _share(back, tab, lambda px: px == (255, 255, 255)) < 0.5  # its white letters
    for face in ("front", "back"):  # every image is marked
        image = Image.open(next(out.glob(f"0003-{face}-*.png"))).convert("RGB")
        assert _share(image, tab, lambda px: px == MARK_RED) > 0.5
    printed_back = _render(printed / "first.pdf", 1, 100)
    assert _share(printed_back, tab, lambda px: px == MARK_RED) == 0  # never on the print file


def _name_box(campaign: Path, size: tuple[int, int], page: Page) -> tuple[int, int, int, int]:
    """Where the first line of card 1's address (the prisoner's name) is drawn, in pixels."""
    from postcards.jobs.check import prepare, print_order

    settings = load_campaign(campaign / "campaign.toml")
    report, planner = prepare(settings)
    assert planner is not None
    plan = planner.plan(print_order(report.pairings)[0], "PROOF-0001")
    box, text = plan.address.box, plan.address.text
    scale = size[0] / page.width_mm
    line_mm = text.leading / 72 * 25.4
    left = (page.bleed_mm + box.x_mm) * scale
    top = (page.height_mm - page.bleed_mm - box.top_mm) * scale
    return (round(left), round(top), round(left + box.width_mm * scale),
            round(top + line_mm * scale))  # fmt: skip


def _share(image, box: tuple[int, int, int, int], test) -> float:
    crop = image.crop(box)
    pixels = [crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height)]
    return sum(map(test, pixels)) / len(pixels)


def _render(pdf: Path, index: int, dpi: int):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[index].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def test_a_proofs_qr_code_is_refused_by_the_scanner(printed: Path) -> None:
    import zxingcpp
    from PIL import Image

    out = printed / "proofs"
    assert run("-c", printed, "proof", "-o", out, "--dpi", "300").exit_code == 0
    image = Image.open(out / "0002-back-S1-P3.png")
    read = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert read == ["PROOF-0002"]
    before = _ledger(printed)
    scanned = run("-c", printed, "track", "scan", stdin="PROOF-0002\n")
    assert "'PROOF-0002': the code of a proof (postcards proof), not of a card" in (
        scanned.stdout + scanned.stderr
    )
    assert _ledger(printed)[1] == before[1]


def test_only_chooses_senders_and_prisoners_and_keeps_the_numbers(printed: Path) -> None:
    out = printed / "proofs"
    assert run("-c", printed, "proof", "-o", out).exit_code == 0
    result = run("-c", printed, "proof", "-o", out, "--only", "S2", "--only", "P3")
    assert result.exit_code == 0, result.stderr
    assert "3 cards, 6 images" in result.stdout
    # the earlier run's other images are gone: the folder shows this run's cards
    assert sorted({(n, s, p) for n, _, s, p in _images(out)}) == [
        ("0002", "S1", "P3"),
        ("0003", "S2", "P2"),
        ("0004", "S2", "P4"),
    ]


def test_proof_errors_name_the_problem(printed: Path, tmp_path: Path) -> None:
    unknown = run("-c", printed, "proof", "-o", printed / "p", "--only", "S9")
    assert unknown.exit_code == 1
    assert "--only S9: no card from or to this id in wave T1" in unknown.stderr
    assert not (printed / "p").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run("proof", cwd=empty)
    assert nothing.exit_code == 1
    assert "senders" in nothing.stderr
    assert list(empty.iterdir()) == []
    assert run("-c", printed, "proof", "--dpi", "5").exit_code == 2
    into_input = run("-c", printed, "proof", "-o", printed / "campaign.toml")
    assert into_input.exit_code == 2
    resumed = run("-c", printed, "proof", "-o", printed / "p", "--start-at", "3")
    assert resumed.exit_code == 2 and "--start-at: proofs are numbered" in resumed.stderr
    assert not (printed / "p").exists()


def test_the_api_gives_a_cards_previews_and_writes_proofs(printed: Path) -> None:
    import io

    from PIL import Image

    import postcards

    campaign = postcards.Campaign.load(printed)
    before = _ledger(printed)
    preview = campaign.preview("S2", "P4", dpi=72)
    assert (preview.number, preview.code) == (4, "PROOF-0004")
    for data in (preview.front, preview.back):
        assert data.startswith(b"\x89PNG")
        assert Image.open(io.BytesIO(data)).size == (437, 315)  # 154 × 111 mm at 72 dpi
    with pytest.raises(postcards.InputError, match="no card from sender S1 to prisoner P4"):
        campaign.preview("S1", "P4")
    result = campaign.proof(printed / "api-proofs", only=["P1"], dpi=72)
    assert [p.name for p in result.images] == ["0001-front-S1-P1.png", "0001-back-S1-P1.png"]
    assert _ledger(printed) == before


def test_proofs_are_the_same_bytes_on_a_rerun(campaign: Path) -> None:
    out = campaign / "proofs"
    assert run("-c", campaign, "proof", "-o", out, "--dpi", "60").exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run("-c", campaign, "proof", "-o", out, "--dpi", "60").exit_code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_no_proof_code_is_a_card_code() -> None:
    from postcards.codes import CodeError, format_code, parse_code, proof_code

    assert proof_code(7) == format_code(proof_code(7)) == "PROOF-0007"
    for number in range(1, 10_000):
        with pytest.raises(CodeError, match="the code of a proof"):
            parse_code(proof_code(number))
    for typed in ("proof-0001", " PROOF-0001 ", "https://example.org/c/PROOF-0001"):
        with pytest.raises(CodeError, match="the code of a proof"):
            parse_code(typed)
