"""The job ticket beside every print file, read back with pdfplumber."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import run


def _lines(pdf: Path) -> list[str]:
    """The ticket's one page, line by line, as pdfplumber reads it."""
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        assert (round(float(page.width)), round(float(page.height))) == (595, 842)  # A4
        return page.extract_text().splitlines()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_ticket_of_an_a4_2up_run_says_how_to_print_and_finish(campaign: Path) -> None:
    out = campaign / "out" / "sheets.pdf"
    result = run("-c", campaign, "cards", "--layout", "a4-2up", "-o", out)
    assert result.exit_code == 0, result.stderr
    ticket = out.with_suffix(".ticket.pdf")
    assert f"job ticket -> {ticket}" in result.stdout
    assert _lines(ticket) == [
        "Job ticket: Test campaign, wave T1",
        "Campaign Test campaign",
        "Wave T1",
        "Office —",
        "Print file sheets.pdf",
        "Cards 4",
        "Sheets 2 A4, 4 pages: each sheet's front, then its back",
        "Card size A6: 148 × 105 mm trimmed",
        "154 × 111 mm with 3 mm bleed",
        "Layout a4-2up: 2 cards a sheet, A4 (210 × 297 mm)",
        "Duplex long-edge: two-sided, flip on the long edge",
        "Stock 300 g/m² card, uncoated or matt",
        "no gloss or UV varnish on the back: a ballpoint pen must write on it",
        "Colour RGB, no output intent (office printer)",
        "Scale 100 %, no 'fit to page'",
        "Finishing cut on the crop marks to 148 × 105 mm; 3 mm bleed; 2 cards a sheet",
        f"SHA-256 {_sha256(out)}",
        "What to check on the first sheet",
        "1. Backs behind fronts: hold the sheet to the light; each back lies upright behind "
        "its front.",
        "2. The QR code on a back scans and shows the code printed under it.",
        "3. Crop marks stand outside the bleed, none over a card.",
        "4. No text is clipped: message, both addresses and the sender's name are whole.",
        "5. A cut card measures 148 × 105 mm (printed at 100 %).",
    ]


def test_single_pages_flip_on_the_short_edge_and_trim_to_the_trimbox(campaign: Path) -> None:
    out = campaign / "cards.pdf"
    assert run("-c", campaign, "cards", "--size", "DL", "-o", out).exit_code == 0
    lines = _lines(campaign / "cards.ticket.pdf")
    assert "Pages 8: each card's front, then its back" in lines
    assert "Card size DL: 220 × 110 mm trimmed" in lines
    assert "226 × 116 mm with 3 mm bleed" in lines
    assert "Layout single: one card face a page" in lines
    assert "Duplex two-sided, flip on the short edge (fronts and backs alternate)" in lines
    assert "Finishing trim each page to its TrimBox, 220 × 110 mm; 3 mm bleed" in lines
    assert f"SHA-256 {_sha256(out)}" in lines


def test_separate_fronts_and_backs_each_have_their_hash(campaign: Path) -> None:
    out = campaign / "press.pdf"
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('name = "Test campaign"',
                                                 'name = "Test campaign"\noffice = "Vilnius"'),
        encoding="utf-8",
    )  # fmt: skip
    result = run("-c", campaign, "cards", "--layout", "sra3-8up", "--duplex", "separate",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = _lines(campaign / "press.ticket.pdf")
    fronts, backs = campaign / "press.fronts.pdf", campaign / "press.backs.pdf"
    assert "Office Vilnius" in lines
    assert "Fronts file press.fronts.pdf" in lines
    assert "Backs file press.backs.pdf" in lines
    assert f"SHA-256 fronts {_sha256(fronts)}" in lines
    assert f"SHA-256 backs {_sha256(backs)}" in lines
    assert "Sheets 1 SRA3: 1 pages in each file" in lines
    assert (
        "Duplex separate: print the fronts, turn the stack over like a book page, print the backs"
        in lines
    )
    assert (  # sra3-8up's cards butt on shared cuts, with the bleed around the grid
        "154 × 111 mm with 3 mm bleed around the grid; neighbours share one cut, with no "
        "bleed between" in lines
    )
    assert (
        "Finishing cut on the crop marks to 148 × 105 mm; 3 mm bleed; one cut between "
        "neighbours; 8 cards a sheet" in lines
    )


def test_a_colour_line_and_a_printer_offset_show_on_the_ticket(campaign: Path) -> None:
    """The colour line is the job's to say (a PDF/X run names its profile there)."""
    from postcards.campaign_file import load_campaign
    from postcards.jobs.cards import make_cards
    from postcards.printing import ticket as tickets
    from postcards.printing.run import CardOptions

    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[printers.hall]\n"
                    "back_offset_mm = [0.5, -1]\n", encoding="utf-8")  # fmt: skip
    settings = load_campaign(toml)
    out = campaign / "cards.pdf"
    make_cards(settings, out, CardOptions(layout="a4-2up", printer="hall", jobs=1))
    lines = _lines(campaign / "cards.ticket.pdf")
    assert "Back offset backs moved x +0.5 mm, y -1 mm (printer hall)" in lines

    report, planner = _planned(settings)
    run_ = _run(settings, planner, report)
    files = [tickets.PrintFile("cards.pdf", "0" * 64)]
    planned = tickets.plan_ticket(run_, 3, 2, files, colour="CMYK, PDF/X-4, FOGRA39")
    assert ("Colour", "CMYK, PDF/X-4, FOGRA39") in planned.rows


def _planned(settings):
    from postcards.jobs.check import prepare
    from postcards.printing.run import CardOptions

    report, planner = prepare(settings, CardOptions(layout="a4-2up"))
    assert planner is not None
    return report, planner


def _run(settings, planner, report):
    from postcards.jobs.check import print_settings
    from postcards.printing.run import CardOptions, PrintRun

    return PrintRun(
        print_settings(settings), planner, report.imposition, CardOptions(layout="a4-2up")
    )


def test_a_rerun_writes_the_same_ticket(campaign: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No clock: the same run gives the same bytes; SOURCE_DATE_EPOCH sets the PDF's dates."""
    out = campaign / "out" / "cards.pdf"
    ticket = out.with_suffix(".ticket.pdf")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    copies = []
    for epoch in (None, None, "1700000000", "1700000000"):
        if epoch:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        assert run("-c", campaign, "cards", "--layout", "a4-2up", "-o", out).exit_code == 0
        copies.append(ticket.read_bytes())
    assert copies[0] == copies[1]
    assert copies[2] == copies[3]
    assert b"/CreationDate (D:20231114221320+00'00')" in copies[2]


def test_a_failed_run_leaves_no_ticket(campaign: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("postcards.jobs.cards.write_ticket", fails)
    result = run("-c", campaign, "cards", "-o", campaign / "out" / "cards.pdf")
    assert result.exit_code == 1
    assert not (campaign / "out").exists()  # no ticket, no print file, no folder
    assert not (campaign / "tracking.db").exists()


def test_a_ticket_never_replaces_an_input(campaign: Path) -> None:
    """`-o senders.pdf` would write senders.ticket.pdf: fine; an input named so is not."""
    (campaign / "prisoners.ticket.pdf").write_bytes(b"%PDF-1.4 not ours")
    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'prisoners = "prisoners.csv"', 'prisoners = "prisoners.ticket.pdf"'), encoding="utf-8")  # fmt: skip
    result = run("-c", campaign, "cards", "-o", campaign / "prisoners.pdf")
    assert result.exit_code == 2
    assert "would replace the prisoners list" in result.stderr
    assert (campaign / "prisoners.ticket.pdf").read_bytes() == b"%PDF-1.4 not ours"
