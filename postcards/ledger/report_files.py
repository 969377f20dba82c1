"""The coverage report as files: a CSV file a table, an XLSX workbook, one HTML page.

Every file is written atomically (never half a file under its name).  Every text cell of
a spreadsheet export is neutralised so that a name like ``=HYPERLINK(…)`` is shown as
text, never run as a formula.  The HTML page comes from a Jinja2 template with
autoescaping, as every page of the station does: a name is always text, never markup;
it is streamed into its file, so a report of 100,000 prisoners is never one string.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from postcards.errors import UsageError
from postcards.files import open_csv, publish, staged, write_csv
from postcards.ledger.coverage import TABLES, Report, tables
from postcards.ledger.xlsx_writer import write_workbook
from postcards.wording import counted

REPORT_SUFFIXES = (".csv", ".xlsx", ".html")

#: A table: its title, its header and its rows.
Table = tuple[str, list[str], list[list[object]]]


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
    chosen = _chosen(report, table)
    if suffix == ".csv":
        if table is None:
            named = [(path.with_name(f"{path.stem}.{t[0].lower()}.csv"), [t]) for t in chosen]
        else:
            named = [(path, chosen)]
        return [_atomically(lambda tmp, t=one: _write_csv(t, tmp, bom), out)
                for out, one in named]  # fmt: skip
    if suffix == ".xlsx":
        return [_atomically(lambda tmp: _write_xlsx(chosen, tmp), path)]
    return [_atomically(lambda tmp: _write_html(report, tmp), path)]


def _chosen(report: Report, table: str | None) -> list[Table]:
    """All tables, or the one named by ``--table``."""
    found = tables(report)
    if table is None:
        return found
    if table.lower() not in TABLES:
        raise UsageError(f"--table: no table {table!r}; use {', '.join(TABLES)}")
    return [found[TABLES.index(table.lower())]]


def _atomically(write, path: Path) -> Path:
    with staged(path) as tmp:
        write(tmp)
        publish(tmp, path)
    return path


def _write_csv(chosen: list[Table], path: Path, bom: bool) -> None:
    """One table, formula-safe (a leading ``'``: CSV has no way to say "text")."""
    with open_csv(path, bom) as handle:
        for _, header, rows in chosen:
            write_csv(handle, header, rows)


def _write_xlsx(chosen: list[Table], path: Path) -> None:
    """One sheet a table, its header row frozen and its columns as wide as their text.

    A text cell is stored as text with Excel's quote prefix, never as a formula:
    ``=HYPERLINK(…)`` shows as typed, with nothing added in front of it, and stays text
    when someone edits the cell (:mod:`postcards.ledger.xlsx_writer`).
    """
    write_workbook(chosen, path)


# --- the HTML page ---------------------------------------------------------------------

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _write_html(report: Report, path: Path) -> None:
    """One self-contained page (inline CSS and SVG charts, nothing fetched), streamed."""
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(_TEMPLATES.get_template("report.html").generate(**page(report)))


def page(report: Report) -> dict[str, Any]:
    """What the page's template shows: the report, its summary, charts and tables."""
    unreached = len(report.unreached)
    return {
        "report": report,
        "reached": len(report.prisoners) - unreached,
        "prisoners": counted(len(report.prisoners), "prisoner"),
        "prisoners_have": "has" if len(report.prisoners) == 1 else "have",
        "unreached": unreached,
        "unreached_have": "has" if unreached == 1 else "have",
        "coverage": _coverage_chart(report),
        "parliaments": _parliament_chart(report),
        "tables": [(title, header, rows, title == "Prisoners")
                   for title, header, rows in tables(report)],
    }  # fmt: skip


def _coverage_chart(report: Report, width: int = 640, height: int = 200) -> dict | None:
    """A step line: prisoners reached (at least one card sent) by each day; None: none yet."""
    total = max(len(report.prisoners), 1)
    points = report.coverage
    if not points:
        return None
    step = (width - 60) / len(points)
    path, x = [f"M40,{height - 20}"], 40.0
    for _, reached in points:
        path.append(f"V{height - 20 - (height - 40) * reached / total:.1f} H{x + step:.1f}")
        x += step
    return {"width": width, "height": height, "path": " ".join(path), "first": points[0][0],
            "last": points[-1][0], "reached": points[-1][1], "total": total}  # fmt: skip


def _parliament_chart(report: Report, width: int = 640) -> dict | None:
    """Horizontal bars: the share of each parliament's cards that went out; None: no cards."""
    if not report.parliaments:
        return None
    bars = [
        {"y": 5 + 24 * i, "parliament": row.parliament, "sent": row.sent,
         "generated": row.generated,
         "filled": f"{(width - 320) * (row.sent / row.generated if row.generated else 0.0):.1f}"}
        for i, row in enumerate(report.parliaments)
    ]  # fmt: skip
    return {"width": width, "height": 24 * len(bars) + 10, "bars": bars}
