"""Benchmark: reading a prisoner list of N rows from XLSX and ODS, reader against reader.

Usage: python bench/spreadsheets.py [N] [--repeat R]   (default: 30000 rows, 5 repetitions)

The list is an office's: a title and a blank row above the header, Cyrillic names, a date
of birth as a date cell, postcodes as number cells (every other one formatted ``000000``),
a LibreOffice-style ODS padded to 1,024 columns and a million rows.  Each reading runs in
a fresh process through ``read_table`` (the survey, the limits, the header search and the
table), with the reader it names put in place of the one ``read_table`` picks:

- XLSX: ``calamine`` (what read_table uses) and ``openpyxl`` (its fallback);
- ODS: ``stream`` (defusedxml, what read_table uses), ``calamine`` (its values, not its
  displayed text, and without the cell limit; read_table does not use it, see ods.py)
  and ``odfpy`` (loading the document only, for reference).

The readers run paired (each repetition runs them all, in turn) and the medians are shown:
the wall time of the reading, the peak RSS of the process (VmHWM) and how much the
reading raised it over the RSS after imports.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = ["Иванов", "Петров", "Сидорова", "Бяляцкі", "Лосік", "Калеснікава", "Козлов",
            "Новікаў", "Морозова", "Волкаў", "Соколов", "Лебедзева"]  # fmt: skip
GIVEN = ["Алесь", "Ігар", "Марыя", "Сергей", "Анна", "Павел", "Вольга", "Дзмітрый"]
HEADERS = ["id", "ФИО", "дата рождения", "учреждение", "адрес", "город", "индекс", "страна"]
KNOWN = frozenset({"id", "фио", "дата рождения", "учреждение", "адрес", "город", "индекс"})


def person(i: int) -> list[object]:
    """Row i of the list: the values a sheet holds, before any format."""
    name = f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[i % len(GIVEN)]} {i}"
    born = dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
    return [i + 1, name, born, f"ИК № {i % 22}", f"ул. Советская, {i % 140}", "г. Горки",
            200000 + i % 48000, "Беларусь"]  # fmt: skip


def write_xlsx(path: Path, rows: int) -> Path:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Список")
    sheet.append(["Список политзаключённых для открыток"])
    sheet.append([])
    sheet.append(HEADERS)
    for i in range(rows):
        values = person(i)
        date = WriteOnlyCell(sheet, value=values[2])
        date.number_format = "DD.MM.YYYY"
        postcode = WriteOnlyCell(sheet, value=values[6])
        if i % 2:
            postcode.number_format = "000000"
        sheet.append([*values[:2], date, *values[3:6], postcode, values[7]])
    book.save(path)
    return path


def _ods_cell(value: object) -> str:
    if isinstance(value, dt.date):
        shown = value.strftime("%d.%m.%Y")
        kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    elif isinstance(value, int):
        shown, kind = str(value), f'office:value-type="float" office:value="{value}"'
    else:
        shown, kind = str(value), 'office:value-type="string"'
    return f"<table:table-cell {kind}><text:p>{escape(shown)}</text:p></table:table-cell>"


def write_ods(path: Path, rows: int) -> Path:
    """content.xml as LibreOffice writes it: value types, displayed text, padding repeats."""
    pad = '<table:table-cell table:number-columns-repeated="{}"/>'

    def row(values: list[object]) -> str:
        cells = "".join(_ods_cell(v) for v in values)
        return f"<table:table-row>{cells}{pad.format(1024 - len(values))}</table:table-row>"

    body = [row(["Список политзаключённых для открыток"]), row([]), row(list(HEADERS))]
    body += [row(person(i)) for i in range(rows)]
    body.append(
        f'<table:table-row table:number-rows-repeated="{1048576 - rows - 3}">'
        f"{pad.format(1024)}</table:table-row>"
    )
    ns = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="{ns}:office:1.0" xmlns:table="{ns}:table:1.0" '
        f'xmlns:text="{ns}:text:1.0" office:version="1.3"><office:body><office:spreadsheet>'
        f'<table:table table:name="Список">{"".join(body)}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        f'"{ns}:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path='
        '"/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
        '"text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
        book.writestr("META-INF/manifest.xml", manifest)
    return path


def _calamine_ods_records(path, name, limits):
    import python_calamine

    from postcards.inputs.workbooks import xlsx_text

    sheet = python_calamine.load_workbook(path).get_sheet_by_index(0)
    first_row, first_column = sheet.start or (0, 0)
    for index, row in enumerate(sheet.to_python(skip_empty_area=True)):
        yield first_row + index + 1, [""] * first_column + [xlsx_text(v) for v in row]


def read_one(reader: str, path: Path) -> dict[str, float]:
    """Read ``path`` once with ``reader`` in this process: seconds, and RSS growth in MB."""
    from postcards.inputs import spreadsheets
    from postcards.inputs.workbooks import read_grid, xlsx_records

    if reader == "openpyxl":
        spreadsheets.xls_records = lambda p, n, lim: read_grid(p, n, "XLSX", lim, xlsx_records)
    elif reader == "calamine" and path.suffix == ".ods":
        spreadsheets.ods_records = _calamine_ods_records
    import defusedxml.ElementTree  # noqa: F401  (imports are not the reading)
    import odf.opendocument  # noqa: F401
    import openpyxl  # noqa: F401

    before = _memory_mb("VmHWM")
    start = time.perf_counter()
    if reader == "odfpy":
        from odf.opendocument import load

        load(str(path))
        rows = -1
    else:
        rows = len(spreadsheets.read_table(path, known=KNOWN).rows)
    seconds = time.perf_counter() - start
    peak = _memory_mb("VmHWM")
    return {"seconds": seconds, "mb": peak - before, "peak_mb": peak, "rows": rows}


def _memory_mb(field: str) -> float:
    """A memory figure of this process from /proc (ru_maxrss would carry the parent's peak
    over fork and exec, and the parent holds the lists it wrote)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(read_one(argv[1], Path(argv[2]))))
        return
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 5
    numbers = [a for i, a in enumerate(argv) if a.isdigit() and argv[i - 1 : i] != ["--repeat"]]
    rows = int(numbers[0]) if numbers else 30000
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_xlsx(Path(tmp) / "prisoners.xlsx", rows)
        ods = write_ods(Path(tmp) / "prisoners.ods", rows)
        plan = [(xlsx, "calamine"), (xlsx, "openpyxl"),
                (ods, "stream"), (ods, "calamine"), (ods, "odfpy")]  # fmt: skip
        runs: dict[tuple[str, str], list[dict[str, float]]] = {}
        for _ in range(repeat):
            for path, reader in plan:
                line = subprocess.run(
                    [sys.executable, __file__, "--one", reader, str(path)],
                    check=True, capture_output=True, text=True,
                ).stdout  # fmt: skip
                runs.setdefault((path.suffix, reader), []).append(json.loads(line))
        sizes = f"XLSX {xlsx.stat().st_size / 1e6:.1f} MB, ODS {ods.stat().st_size / 1e6:.1f} MB"
        print(f"{rows} rows ({sizes}), {repeat} runs each, medians")
        for (suffix, reader), found in runs.items():
            seconds = statistics.median(r["seconds"] for r in found)
            grown = statistics.median(r["mb"] for r in found)
            peak = statistics.median(r["peak_mb"] for r in found)
            read = found[0]["rows"]
            shown = f"{read:.0f} rows" if read >= 0 else "load only"
            print(f"  {suffix[1:].upper():<5} {reader:<9} {seconds:6.2f} s  "
                  f"+{grown:5.0f} MB RSS (peak {peak:4.0f} MB)  {shown}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
