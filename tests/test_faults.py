"""Faults a print shop or an office meets: a damaged font file, a disk that fills up while
the archive is written, a spreadsheet of millions of empty rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import read_manifest, run

from postcards.errors import FontError
from postcards.page.fonts import load_face, load_fontset
from postcards.resources import bundled


@pytest.mark.parametrize("size", [1000, 50_000, 200_000])
def test_a_truncated_font_is_named_not_a_traceback(tmp_path: Path, size: int) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    whole = bundled("fonts") / "PTSans-Regular.ttf"
    (fonts / "Cut.ttf").write_bytes(whole.read_bytes()[:size])
    shutil.copy(bundled("fonts") / "DejaVuSans.ttf", fonts)
    load_face.cache_clear()
    with pytest.raises(FontError) as raised:
        load_fontset(fonts, {"regular": "Cut.ttf"}, ["DejaVuSans.ttf"])
    [problem] = raised.value.problems
    assert problem.file == "Cut.ttf"
    assert "the file is damaged or cut short" in problem.message
    assert "copy it again" in problem.message


def test_an_archive_on_a_disk_that_fills_up_leaves_no_file(campaign: Path, full_disk: Path) -> None:
    assert run("-c", campaign, "cards", "-o", campaign / "cards.pdf").exit_code == 0
    codes = [row["code"] for row in read_manifest(campaign / "cards.manifest.csv")]
    assert run("-c", campaign, "track", "mark", *codes, "--status", "sent").exit_code == 0
    target = full_disk / "archive"
    result = run("-c", campaign, "track", "export", "--texts", target)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(full_disk.iterdir()) == []  # no prisoner's file, no .part, no folder
    # with room, the same command writes every prisoner's file
    roomy = run("-c", campaign, "track", "export", "--texts", campaign / "archive")
    assert roomy.exit_code == 0, roomy.stderr
    assert len(list((campaign / "archive").glob("*.pdf"))) == 4


def _xlsx(path: Path, rows: list[str], empty: int, tail: list[str] = ()) -> Path:
    """An XLSX as Excel writes a sheet "used" far down: a dimension, rows of cells, then
    ``empty`` formatted rows without a cell, then ``tail`` (rows of cells)."""
    import zipfile

    ns = "http://schemas.openxmlformats.org/"
    last = len(rows) + empty + len(tail)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", f'<Types xmlns="{ns}package/2006/content-types">'
                      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                      'package.relationships+xml"/><Default Extension="xml" ContentType='
                      '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
                      '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
                      '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                      '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet'
                      '+xml"/></Types>')  # fmt: skip
        book.writestr("_rels/.rels", f'<Relationships xmlns="{ns}package/2006/relationships">'
                      f'<Relationship Id="rId1" Type="{ns}officeDocument/2006/relationships/'
                      'officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{ns}spreadsheetml/2006/main" '
                      f'xmlns:r="{ns}officeDocument/2006/relationships"><sheets><sheet name="S" '
                      'sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
        book.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{ns}package/2006/'
                      f'relationships"><Relationship Id="rId1" Type="{ns}officeDocument/2006/'
                      'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')  # fmt: skip
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{ns}spreadsheetml/2006/main"><dimension ref="A1:B'
                        f'{last}"/><sheetData>{"".join(rows)}'.encode())  # fmt: skip
            start = len(rows) + 1
            for first in range(start, start + empty, 10_000):
                stop = min(first + 10_000, start + empty)
                sheet.write("".join(f'<row r="{n}" ht="15" customHeight="1"/>'
                                    for n in range(first, stop)).encode())  # fmt: skip
            sheet.write(("".join(tail) + "</sheetData></worksheet>").encode())
    return path


def _row(number: int, *texts: str, refs: bool = True) -> str:
    cells = []
    for column, text in zip("AB", texts, strict=False):
        ref = f' r="{column}{number}"' if refs else ""
        cells.append(f'<c{ref} t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def test_a_sheet_used_a_million_rows_down_reads_at_once(tmp_path: Path) -> None:
    import time

    from postcards.inputs.reading import load_senders

    head = [_row(1, "id", "name"), _row(2, "S1", "Anna Berg")]
    path = _xlsx(tmp_path / "senders.xlsx", head, 600_000)
    started = time.perf_counter()
    senders = load_senders(path)
    elapsed = time.perf_counter() - started
    assert [s.name for s in senders.records] == ["Anna Berg"] and not senders.problems
    assert elapsed < 2.0, f"{elapsed:.1f} s for 600,000 empty rows"  # was 5.5 s and 320 MB


@pytest.mark.parametrize("refs", [True, False])
def test_a_row_after_many_empty_ones_is_still_read(tmp_path: Path, refs: bool) -> None:
    from postcards.inputs.reading import load_senders

    head = [_row(1, "id", "name", refs=refs), _row(2, "S1", "Anna Berg", refs=refs)]
    tail = [_row(20_003, "S2", "Jan Novák", refs=refs)]
    senders = load_senders(_xlsx(tmp_path / "senders.xlsx", head, 20_000, tail))
    assert [(s.id, s.row) for s in senders.records] == [("S1", 2), ("S2", 20_003)]
