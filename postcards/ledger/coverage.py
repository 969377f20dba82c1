"""Coverage reports: who has had cards, who has had nothing yet, per sender and parliament.

A :class:`Report` is plain data built from the ledger (and, when the campaign's
spreadsheets can be read, each sender's parliament and the prisoners who have no card at
all); the writers turn it into CSV, XLSX or one self-contained HTML file.  Every text
cell of a spreadsheet export is neutralised so that a name like ``=HYPERLINK(…)`` is
shown as text, never run as a formula.

"Sent" counts every card that went out, including those later returned or answered;
void cards count nowhere.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path

from postcards.errors import Problem, UsageError
from postcards.files import open_csv, publish, staged, write_csv
from postcards.ledger.book import Ledger
from postcards.ledger.model import OUT_STATUSES, current_status, is_void, utc_now
from postcards.order import natural_key
from postcards.wording import counted

REPORT_SUFFIXES = (".csv", ".xlsx", ".html")
NO_PARLIAMENT = "(not given)"  # the row of senders no list gives a parliament (translated)


@dataclass(frozen=True)
class PrisonerRow:
    """One prisoner's cards in the report, by status, and when one last went out."""

    prisoner_id: str
    prisoner_name: str
    generated: int
    sent: int
    returned: int
    last_sent: str


@dataclass(frozen=True)
class SenderRow:
    """One sender's cards in the report, by status, with the replies they had.

    A sender is the office's own id: ``1`` of two offices are two rows.
    """

    sender_id: str
    sender_name: str
    parliament: str
    office: str
    generated: int
    sent: int
    returned: int
    replies: int


@dataclass(frozen=True)
class ParliamentRow:
    """One parliament's senders and their cards in the report, by status."""

    parliament: str
    senders: int
    generated: int
    sent: int
    returned: int


@dataclass(frozen=True)
class OfficeRow:
    """One office's senders and their cards in the report, by status ('' unnamed)."""

    office: str
    senders: int
    generated: int
    sent: int
    returned: int


@dataclass(frozen=True)
class Report:
    """What ``track report`` shows; rows are in the order a coordinator reads them."""

    campaign: str
    generated_at: str
    totals: dict[str, int]  # cards by their current status
    prisoners: list[PrisonerRow]  # those with none sent first
    senders: list[SenderRow]
    parliaments: list[ParliamentRow]
    coverage: list[tuple[str, int]]  # (day, prisoners reached by then)
    offices: list[OfficeRow] = field(default_factory=list)
    office: str | None = None  # the one office reported on, or None for the campaign
    warnings: tuple[Problem, ...] = ()  # why the lists could not add names or parliaments

    @property
    def unreached(self) -> list[PrisonerRow]:
        """Prisoners to whom no card has gone out."""
        return [row for row in self.prisoners if row.sent == 0]


@dataclass(frozen=True)
class Directory:
    """What the campaign's spreadsheets add: parliaments and prisoners without cards."""

    parliaments: dict[str, str]  # sender id -> parliament, of ``office``'s list
    prisoners: dict[str, str]  # prisoner id -> name, those in custody
    warnings: tuple[Problem, ...] = ()
    office: str = ""  # the office whose senders list gave ``parliaments``


def build_report(
    ledger: Ledger, campaign: str, directory: Directory | None = None, office: str | None = None
) -> Report:
    """Count a campaign's cards from the ledger.

    Args:
        ledger: the open ledger.
        campaign: the campaign's name, as its cards were recorded.
        directory: parliaments and prisoners from the spreadsheets, if at hand.
        office: count one office's cards alone (None: every office's).
    """
    directory = directory or Directory({}, {})
    cards = ledger.cards(campaign, office)
    history: dict[str, list[tuple[str, str]]] = {}
    for event in ledger.events(campaign, office):
        history.setdefault(event.code, []).append((event.status, event.at))
    totals = Counter(current_status(s for s, _ in history.get(c.code, ())) for c in cards)
    by_prisoner = ledger.tallies(campaign, by="prisoner", office=office)
    by_sender = ledger.tallies(campaign, by="sender", office=office)
    names = {c.prisoner_id: c.prisoner_name for c in cards}
    prisoners = [
        PrisonerRow(pid, names.get(pid) or directory.prisoners.get(pid, ""), t.generated,
                    t.sent, t.returned, t.last_sent)
        for pid, t in by_prisoner.items()
    ] + [PrisonerRow(pid, name, 0, 0, 0, "") for pid, name in directory.prisoners.items()
         if pid not in by_prisoner]  # fmt: skip
    prisoners.sort(key=lambda row: (row.sent, natural_key(row.prisoner_id)))
    known = {(s.office, s.sender_id): s for s in ledger.ledger_senders(campaign, office)}
    sender_names = {(c.office, c.sender_id): c.sender_name for c in cards}

    def parliament(key: tuple[str, str]) -> str:
        """The ledger's record, else the office's own list."""
        record = known.get(key)
        if record is not None and record.parliament:
            return record.parliament
        return directory.parliaments.get(key[1], "") if key[0] == directory.office else ""

    senders = sorted(
        (SenderRow(key[1], sender_names[key], parliament(key), key[0], t.generated, t.sent,
                   t.returned, t.replies) for key, t in by_sender.items()),
        key=lambda row: (natural_key(row.parliament), natural_key(row.sender_name),
                         natural_key(row.office), natural_key(row.sender_id)),
    )  # fmt: skip
    return Report(campaign, utc_now(), dict(sorted(totals.items())), prisoners, senders,
                  _grouped(senders, "parliament", ParliamentRow), _coverage(cards, history),
                  _grouped(senders, "office", OfficeRow), office, directory.warnings)  # fmt: skip


def _grouped(senders: list[SenderRow], by: str, row: type) -> list:
    """Senders and their cards per parliament (or office), in name order."""
    rows: dict[str, list[int]] = {}
    for s in senders:
        name = getattr(s, by) or (NO_PARLIAMENT if by == "parliament" else "")
        totals = rows.setdefault(name, [0, 0, 0, 0])
        for i, value in enumerate((1, s.generated, s.sent, s.returned)):
            totals[i] += value
    ordered = sorted(rows.items(), key=lambda item: natural_key(item[0]))
    return [row(name, *values) for name, values in ordered]


def _coverage(cards, history: dict[str, list[tuple[str, str]]]) -> list[tuple[str, int]]:
    """For each day a card went out, how many prisoners had been reached by its end."""
    first: dict[str, str] = {}
    for card in cards:
        events = history.get(card.code, [])
        if is_void(status for status, _ in events):
            continue
        out = [at[:10] for status, at in events if status in OUT_STATUSES]
        if out:
            day = min(out)
            first[card.prisoner_id] = min(first.get(card.prisoner_id, day), day)
    days = Counter(first.values())
    reached, series = 0, []
    for day in sorted(days):
        reached += days[day]
        series.append((day, reached))
    return series


# --- writers ---------------------------------------------------------------------------

#: The report's tables by the name ``--table`` takes, the per-prisoner table first.
TABLES = ("prisoners", "senders", "parliaments", "offices", "totals")


def tables(report: Report) -> list[tuple[str, list[str], list[list[object]]]]:
    """The report's tables as (title, header, rows); the per-prisoner table first."""

    def table(title: str, kind: type, rows: list) -> tuple[str, list[str], list[list[object]]]:
        return title, [f.name for f in fields(kind)], [list(astuple(r)) for r in rows]

    return [
        table("Prisoners", PrisonerRow, report.prisoners),
        table("Senders", SenderRow, report.senders),
        table("Parliaments", ParliamentRow, report.parliaments),
        table("Offices", OfficeRow, report.offices),
        ("Totals", ["status", "cards"], [[k, v] for k, v in report.totals.items()]),
    ]


def _chosen(report: Report, table: str | None) -> list[tuple[str, list[str], list[list[object]]]]:
    """All tables, or the one named by ``--table``."""
    found = tables(report)
    if table is None:
        return found
    if table.lower() not in TABLES:
        raise UsageError(f"--table: no table {table!r}; use {', '.join(TABLES)}")
    return [found[TABLES.index(table.lower())]]


def write_report(
    report: Report, path: Path, table: str | None = None, bom: bool = True
) -> list[Path]:
    """Write the report as CSV, XLSX or HTML, chosen by the file's suffix, atomically.

    A CSV file holds one table, so that a spreadsheet opens it as one: without ``table``,
    ``report.csv`` becomes ``report.prisoners.csv``, ``report.senders.csv``,
    ``report.parliaments.csv`` and ``report.totals.csv`` beside it; with ``table``, that
    table alone goes to ``path``.  An XLSX file has a sheet per table (or only ``table``).
    A CSV file starts with the UTF-8 byte order mark unless ``bom`` is off.

    Returns:
        The files written, in table order.

    Raises:
        UsageError: the suffix is not one of .csv, .xlsx, .html, or ``table`` is unknown
            (or given for HTML, which is the whole report).
    """
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise UsageError(f"{path.name}: write the report as {', '.join(REPORT_SUFFIXES)}")
    if suffix == ".html" and table is not None:
        raise UsageError("--table: the HTML report is the whole report; write .csv or .xlsx")
    tables = _chosen(report, table)
    if suffix == ".csv":
        if table is None:
            named = [(path.with_name(f"{path.stem}.{t[0].lower()}.csv"), [t]) for t in tables]
        else:
            named = [(path, tables)]
        return [_atomically(lambda tmp, t=chosen: _write_csv(t, tmp, bom), out)
                for out, chosen in named]  # fmt: skip
    if suffix == ".xlsx":
        return [_atomically(lambda tmp: _write_xlsx(tables, tmp), path)]
    return [_atomically(lambda tmp: _write_html(report, tmp), path)]


def _atomically(write, path: Path) -> Path:
    with staged(path) as tmp:
        write(tmp)
        publish(tmp, path)
    return path


def _write_csv(
    tables: list[tuple[str, list[str], list[list[object]]]], path: Path, bom: bool
) -> None:
    """One table, formula-safe (a leading ``'``: CSV has no way to say "text")."""
    with open_csv(path, bom) as handle:
        for _, header, rows in tables:
            write_csv(handle, header, rows)


def _write_xlsx(tables: list[tuple[str, list[str], list[list[object]]]], path: Path) -> None:
    """One sheet a table, its header row frozen and its columns as wide as their text.

    A text cell is stored as text (a shared string with Excel's quote prefix), never as a
    formula: ``=HYPERLINK(…)`` shows as typed, with nothing added in front of it, and stays
    text when someone edits the cell.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in tables:
        sheet = book.create_sheet(title)
        lines: list[list[object]] = [list(header), *rows]
        for row in lines:
            sheet.append(["" if v is None else v for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would take a leading = for a formula
                    cell.quotePrefix = True
        sheet.freeze_panes = "A2"
        for index, column in enumerate(zip(header, *rows, strict=True), 1):
            widest = max(len(str(v)) for v in column)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(widest, 6) + 2, 60)
    book.save(path)


def _write_html(report: Report, path: Path) -> None:
    path.write_text(render_html(report), encoding="utf-8")


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0 0 2em}td,th{border:1px solid #ccc;padding:.2em .6em}
th{background:#f3f3f3;text-align:left}td.n{text-align:right}tr.none td{background:#fff4f0}
svg text{font:12px system-ui,sans-serif}"""


def render_html(report: Report) -> str:
    """One self-contained page (inline CSS and SVG charts, nothing fetched)."""
    e = html.escape
    reached = len(report.prisoners) - len(report.unreached)
    parts = [
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{e(report.campaign)}: '
        f"report</title><style>{_CSS}</style><h1>{e(report.campaign)}</h1>",
        f"<p>{_scope(report)}{reached} of {counted(len(report.prisoners), 'prisoner')} "
        f"{'has' if len(report.prisoners) == 1 else 'have'} had a card sent; "
        f"{len(report.unreached)} {'has' if len(report.unreached) == 1 else 'have'} had none. "
        f"Generated {e(report.generated_at)}.</p>",
        "<h2>Coverage over time</h2>", _coverage_svg(report),
        "<h2>Per parliament</h2>", _parliament_svg(report),
    ]  # fmt: skip
    for title, header, rows in tables(report):
        parts.append(f"<h2>{title}</h2>" + _html_table(header, rows, title == "Prisoners"))
    return "\n".join(parts) + "\n</html>\n"


def _scope(report: Report) -> str:
    """Whose cards the report counts, when one office's alone."""
    return "" if report.office is None else f"Office {html.escape(report.office)!s} only: "


def _html_table(header: list[str], rows: list[list[object]], mark_none: bool) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = []
    for row in rows:
        none = mark_none and row[3] == 0
        cells = "".join(
            f'<td class="n">{v}</td>' if isinstance(v, int) else f"<td>{e(str(v))}</td>"
            for v in row
        )
        mark = ' class="none"' if none else ""
        body.append(f"<tr{mark}>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _coverage_svg(report: Report, width: int = 640, height: int = 200) -> str:
    """A step line: prisoners reached (at least one card sent) by each day.

    Every attribute is quoted: in HTML an unquoted ``stroke-width=2/>`` takes the slash
    into its value, the element stays open and the labels after it are never shown.
    """
    total = max(len(report.prisoners), 1)
    points = report.coverage
    if not points:
        return "<p>No card has been sent yet.</p>"
    step = (width - 60) / len(points)
    path, x = [f"M40,{height - 20}"], 40.0
    for _, reached in points:
        path.append(f"V{height - 20 - (height - 40) * reached / total:.1f} H{x + step:.1f}")
        x += step
    first, last = points[0][0], points[-1]
    return (
        f'<svg role="img" aria-label="coverage over time" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect x="40" y="20" width="{width - 60}" '
        f'height="{height - 40}" fill="none" stroke="#ccc"/>'
        f'<path d="{" ".join(path)}" fill="none" stroke="#c0392b" stroke-width="2"/>'
        f'<text x="40" y="{height - 4}">{first}</text>'
        f'<text x="{width - 20}" y="{height - 4}" text-anchor="end">{last[0]}: {last[1]} of '
        f'{total}</text><text x="4" y="16">prisoners reached</text></svg>'
    )


def _parliament_svg(report: Report, width: int = 640) -> str:
    """Horizontal bars: share of each parliament's cards that went out."""
    rows = report.parliaments
    if not rows:
        return "<p>No cards yet.</p>"
    height = 24 * len(rows) + 10
    bars = []
    for i, row in enumerate(rows):
        share = row.sent / row.generated if row.generated else 0.0
        y = 5 + 24 * i
        bars.append(
            f'<text x="0" y="{y + 15}">{html.escape(row.parliament)}</text>'
            f'<rect x="200" y="{y}" width="{width - 320}" height="18" fill="#eee"/>'
            f'<rect x="200" y="{y}" width="{(width - 320) * share:.1f}" height="18" '
            f'fill="#2e86c1"/>'
            f'<text x="{width - 110}" y="{y + 15}">{row.sent} of {row.generated} sent</text>'
        )
    return (f'<svg role="img" aria-label="cards sent per parliament" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">{"".join(bars)}</svg>')  # fmt: skip
