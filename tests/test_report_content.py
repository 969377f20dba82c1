"""The report's content on a generated ledger: every figure, every table and every format.

The ledger holds what staff and hands can record: voids undone and voided again, an unvoid
of a card never void, a card marked returned without having been sent, a second
"generated" after a card went out, times recorded out of order, a prisoner renamed
between two cards, three offices, another campaign on the same ledger.  The report
counted from it is compared with:

- ``tests/golden/report/``: the report (as JSON) and its CSV, XLSX and HTML files as
  postcards wrote them before the report was counted in SQL; the HTML by what a browser
  shows (elements, attributes, text), since a template spaces it differently.
  ``--regenerate-golden`` rewrites them (read the diff before committing it).
- a plain recount from every card and event (the way the report was first counted),
  on ledgers drawn at random.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from dataclasses import asdict, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from postcards.codes import new_code
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import Directory, build_report
from postcards.ledger.model import OUT_STATUSES, LedgerCard, LedgerSender, current_status
from postcards.ledger.report_files import write_report

GOLDEN = Path(__file__).parent / "golden" / "report"
GENERATED_AT = "2026-06-01T12:00:00Z"

# What a card's events can be, in recorded order (after its "generated").
PATTERNS = [
    (), (), ("sent",), ("sent",), ("printed", "sent"), ("sent", "returned"), ("sent", "reply"),
    ("sent", "delivered", "reply"), ("printed",), ("void",), ("void", "unvoid"),
    ("void", "unvoid", "void"), ("printed", "void", "unvoid"), ("unvoid",), ("returned",),
    ("sent", "generated"), ("sent", "void"), ("delivered", "sent"), ("sent", "sent"),
    ("reply", "void", "unvoid"),
]  # fmt: skip
NAMES = ["Anna Berg", '=HYPERLINK("http://evil.example/","x")', "<script>alert(1)</script>",
         "Łukasz Żak", "Jan Novák", "Éamonn Ó Cuív", "Ona & Jonas", "-Petra"]  # fmt: skip
PRISONERS = ["Алесь Бяляцкі", "Марыя Калеснікава", "Ігар Лосік", "-Павел", "Zoja <b>",
             "Віктар", "Максім Знак", "Эдуард"]  # fmt: skip
OFFICES = ("", "seimas", "sejm")


def _at(rng: random.Random) -> str:
    return f"2026-{rng.randint(3, 5):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"


def make_ledger(path: Path | str, seed: int = 25, cards: int = 90) -> Ledger:
    """A ledger of ``cards`` cards of campaign "spring" (and a few of "autumn")."""
    rng = random.Random(seed)
    ledger = Ledger.open(path)
    senders = [(office, str(i), NAMES[(i + len(office)) % len(NAMES)])
               for office in OFFICES for i in range(1, 7)]  # fmt: skip
    for office in OFFICES:
        known = [LedgerSender("spring", o, i, n, "" if int(i) % 3 == 0 else f"Parliament {i}")
                 for o, i, n in senders if o == office]  # fmt: skip
        ledger.begin_print_run("spring", "0", [], [], office, known)
    made: list[LedgerCard] = []
    for batch in range(6):
        created = f"2026-0{batch // 2 + 3}-01T09:00:00Z"  # two batches share a time
        fresh, pairs = [], set()
        for _ in range(cards // 6):
            pair = None
            while pair is None or pair in pairs:  # one card a pair in a wave
                office, sender, name = rng.choice(senders)
                number = rng.randint(1, 30)
                prisoner = PRISONERS[number % len(PRISONERS)] + (" (new)" if batch > 3 else "")
                campaign = "autumn" if rng.random() < 0.1 else "spring"
                pair = (campaign, office, sender, number)
            pairs.add(pair)
            fresh.append(LedgerCard(new_code(rng), campaign, str(batch), sender, f"P{number}",
                                    "ru", name, prisoner, "", office))  # fmt: skip
        ledger.record_generated(fresh, at=created)
        made += fresh
    for card in made:
        for status in rng.choice(PATTERNS):
            ledger.record_event(card.code, status, f"desk{rng.randint(1, 3)}", at=_at(rng))
    return ledger


DIRECTORY = Directory(
    parliaments={"1": "European Parliament", "2": "Sejm", "4": "<i>Seimas</i>"},
    prisoners={"P1": "Алесь", "P5": "Zoja", "P31": "Без картак", "P32": "=1+1"},
)


def _reports(ledger: Ledger) -> dict[str, object]:
    shown = {
        "all": build_report(ledger, "spring", DIRECTORY),
        "seimas": build_report(ledger, "spring", DIRECTORY, office="seimas"),
        "unnamed": build_report(ledger, "spring", office=""),
        "bare": build_report(ledger, "spring"),
    }
    return {name: replace(report, generated_at=GENERATED_AT) for name, report in shown.items()}


def _compare(name: str, text: str, regenerate: bool) -> None:
    path = GOLDEN / name
    if regenerate:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{name} is missing; run pytest --regenerate-golden and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from tests/golden/report"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, object]:
    with make_ledger(tmp_path_factory.mktemp("golden") / "ledger.db") as ledger:
        return _reports(ledger)


@pytest.fixture
def regenerate(request) -> bool:
    return bool(request.config.getoption("--regenerate-golden"))


def test_the_figures_are_as_before(reports, regenerate) -> None:
    shown = {name: asdict(report) for name, report in reports.items()}
    for report in shown.values():
        report["warnings"] = [str(w) for w in report["warnings"]]
    _compare("report.json", json.dumps(shown, ensure_ascii=False, indent=1) + "\n", regenerate)


def test_the_csv_files_are_as_before(reports, regenerate, tmp_path) -> None:
    for path in write_report(reports["all"], tmp_path / "report.csv"):
        _compare(path.name, path.read_bytes().decode("utf-8"), regenerate)


def _sheets(path: Path) -> str:
    """What an XLSX file holds, as a reader sees it: values, types, styles, panes, widths."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    shown = {}
    for sheet in book:
        widths = {k: v.width for k, v in sorted(sheet.column_dimensions.items()) if v.width}
        rows = [[(c.value, c.data_type, bool(c.quotePrefix)) for c in row]
                for row in sheet.iter_rows()]  # fmt: skip
        shown[sheet.title] = {"freeze": sheet.freeze_panes, "widths": widths, "rows": rows}
    return json.dumps(shown, ensure_ascii=False, indent=1) + "\n"


def test_the_xlsx_file_is_as_before(reports, regenerate, tmp_path) -> None:
    [path] = write_report(reports["all"], tmp_path / "report.xlsx")
    _compare("report.xlsx.json", _sheets(path), regenerate)
    [path] = write_report(reports["all"], tmp_path / "senders.xlsx", table="senders")
    assert json.loads(_sheets(path)) == {
        "Senders": json.loads(_sheets(tmp_path / "report.xlsx"))["Senders"]
    }


class _Visible(HTMLParser):
    """A page as a browser builds it: elements with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.seen.append(("<", tag, sorted(attrs)))

    def handle_endtag(self, tag) -> None:
        self.seen.append((">", tag))

    def handle_data(self, data) -> None:
        text = " ".join(data.split())
        if text:
            self.seen.append(("text", text))

    def handle_decl(self, decl) -> None:
        self.seen.append(("!", decl.lower()))


def visible(page: str) -> list[tuple]:
    parser = _Visible()
    parser.feed(page)
    parser.close()
    return parser.seen


def test_the_html_page_shows_what_it_showed(reports, regenerate, tmp_path) -> None:
    for name in ("all", "seimas"):
        [path] = write_report(reports[name], tmp_path / f"{name}.html")
        page = path.read_text(encoding="utf-8")
        if regenerate:
            _compare(f"report.{name}.html", page, regenerate)
        golden = (GOLDEN / f"report.{name}.html").read_text(encoding="utf-8")
        assert visible(page) == visible(golden), f"report.{name}.html shows something else"


def test_the_html_page_escapes_what_the_ledger_holds(reports, tmp_path) -> None:
    [path] = write_report(reports["all"], tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "Zoja &lt;b&gt;" in page
    assert ("text", "<script>alert(1)</script>") in visible(page)


# --- a plain recount ------------------------------------------------------------------


def _recount(ledger: Ledger, campaign: str, office: str | None) -> dict:
    """Every card and event loaded, counted one by one: what the report must say."""
    history: dict[str, list] = {}
    for event in ledger.events(campaign, office):
        history.setdefault(event.code, []).append((event.status, event.at))
    cards = ledger.cards(campaign, office)
    totals = Counter(current_status(s for s, _ in history.get(c.code, ())) for c in cards)
    prisoners: dict[str, list] = {}
    senders: dict[tuple[str, str], list] = {}
    first: dict[str, str] = {}
    for card in cards:
        events = history.get(card.code, [])
        statuses = [s for s, _ in events]
        for key, table in ((card.prisoner_id, prisoners), ((card.office, card.sender_id), senders)):
            tally = table.setdefault(key, [0, 0, 0, 0, 0, ""])  # gen, sent, ret, rep, void, last
            if current_status(statuses) == "void":
                tally[4] += 1
                continue
            tally[0] += 1
            out = [at for s, at in events if s in OUT_STATUSES]
            if out:
                tally[1] += 1
                sent = [at for s, at in events if s == "sent"]
                tally[5] = max(tally[5], (sent or out)[0])
            tally[2] += "returned" in statuses
            tally[3] += "reply" in statuses
        out_days = [at[:10] for s, at in events if s in OUT_STATUSES]
        if out_days and current_status(statuses) != "void":
            first[card.prisoner_id] = min(first.get(card.prisoner_id, min(out_days)),
                                          min(out_days))  # fmt: skip
    days = Counter(first.values())
    coverage, reached = [], 0
    for day in sorted(days):
        reached += days[day]
        coverage.append((day, reached))
    names = {c.prisoner_id: c.prisoner_name for c in cards}
    return {
        "totals": dict(sorted(totals.items())),
        "prisoners": {p: (names[p], t[0], t[1], t[2], t[5]) for p, t in prisoners.items()},
        "senders": {k: (t[0], t[1], t[2], t[3]) for k, t in senders.items()},
        "coverage": coverage,
    }


def _agrees(ledger: Ledger, office: str | None) -> None:
    report = build_report(ledger, "spring", office=office)
    expected = _recount(ledger, "spring", office)
    assert report.totals == expected["totals"]
    assert {r.prisoner_id: (r.prisoner_name, r.generated, r.sent, r.returned, r.last_sent)
            for r in report.prisoners} == expected["prisoners"]  # fmt: skip
    assert {(r.office, r.sender_id): (r.generated, r.sent, r.returned, r.replies)
            for r in report.senders} == expected["senders"]  # fmt: skip
    assert report.coverage == expected["coverage"]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("office", [None, "seimas"])
def test_the_report_agrees_with_a_plain_recount(tmp_path, seed: int, office: str | None) -> None:
    with make_ledger(tmp_path / "ledger.db", seed, cards=60) as ledger:
        _agrees(ledger, office)


def test_the_report_agrees_on_either_database(ledger_url: str) -> None:
    with make_ledger(ledger_url, 4, cards=60) as ledger:
        _agrees(ledger, None)
        _agrees(ledger, "sejm")


def test_a_csv_table_reads_back_as_the_report(reports, tmp_path) -> None:
    [path] = write_report(reports["all"], tmp_path / "p.csv", table="prisoners", bom=False)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 1 + len(reports["all"].prisoners)
