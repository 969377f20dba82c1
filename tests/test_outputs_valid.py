"""Every kind of PDF postcards writes passes two independent checks.

- its content streams are well formed (``pdfcheck.structure_problems``): every ``q`` has
  its ``Q`` and every ``BT`` its ``ET`` within the stream, and every ``/Name Do`` and
  ``/Fn Tf`` names a resource the page or form has;
- ``qpdf --check`` finds nothing wrong (syntax, cross-reference, stream encoding).

Cards and sheets come from the cards' own writer; signing sheets, calibration and posters
from reportlab: the checks hold for both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, run
from pdfcheck import qpdf_problems, structure_problems

#: Each kind: the command line that writes it (after ``-c FOLDER``) and the files it writes.
KINDS: dict[str, tuple[list[str], list[str]]] = {
    "cards": (["cards", "--layout", "single", "-o", "cards.pdf"], ["cards.pdf"]),
    "cards DL": (["cards", "--size", "DL", "-o", "dl.pdf"], ["dl.pdf"]),
    "sheets a4-2up": (["cards", "--layout", "a4-2up", "-o", "a4.pdf"], ["a4.pdf"]),
    "sheets sra3-8up": (
        ["cards", "--layout", "sra3-8up", "--duplex", "short-edge", "-o", "sra3.pdf"],
        ["sra3.pdf"],
    ),
    "sheets separate": (
        ["cards", "--layout", "a4-4up", "--duplex", "separate", "-o", "sep.pdf"],
        ["sep.fronts.pdf", "sep.backs.pdf"],
    ),
    "calibration": (["calibrate", "--layout", "sra3-8up", "-o", "calib.pdf"], ["calib.pdf"]),
    "poster godparents": (
        ["poster", "--kind", "godparents", "--count", "assigned", "--size", "A3", "-o", "g.pdf"],
        ["g.pdf"],
    ),
    "poster wall": (["poster", "--kind", "wall", "--size", "A4", "-o", "w.pdf"], ["w.pdf"]),
    "poster prisoner": (["poster", "--kind", "prisoner", "-o", "p.pdf"], ["p.pdf"]),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "campaign"
    shutil.copytree(DATA / "campaign", out)
    return out


@pytest.fixture(scope="module")
def signing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Signing sheets: the same campaign with ``[qr] placement = "sheet"``."""
    out = tmp_path_factory.mktemp("signing") / "campaign"
    shutil.copytree(DATA / "campaign", out)
    toml = out / "campaign.toml"
    toml.write_text(toml.read_text() + '\n[qr]\nplacement = "sheet"\n', encoding="utf-8")
    result = run("-c", out, "cards", "-o", out / "cards.pdf")
    assert result.exit_code == 0, result.stdout + result.stderr
    return out / "cards.signing.pdf"


def written(folder: Path, kind: str) -> list[Path]:
    args, files = KINDS[kind]
    result = run("-c", folder, *args, cwd=folder)
    assert result.exit_code == 0, result.stdout + result.stderr
    return [folder / name for name in files]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_output_kind_is_well_formed(folder: Path, kind: str) -> None:
    for pdf in written(folder, kind):
        assert structure_problems(pdf) == [], pdf.name
        assert qpdf_problems(pdf) == "", pdf.name


def test_signing_sheets_are_well_formed(signing: Path) -> None:
    assert structure_problems(signing) == []
    assert qpdf_problems(signing) == ""


def test_the_checker_finds_what_is_wrong(tmp_path: Path) -> None:
    """A stream that leaves a q open, closes one too many and names a missing font."""
    from postcards.page.writer import PdfWriter

    pdf = tmp_path / "broken.pdf"
    with PdfWriter(pdf, "broken") as writer:
        import zlib

        for ops in (b"q 1 0 0 1 5 5 cm", b"Q", b"BT /F9 12 Tf ET /Fm7 Do"):
            writer.add_page(zlib.compress(ops), (0, 0, 20, 20))
        writer.close()
    assert structure_problems(pdf) == [
        "page 1: 1 q without Q",
        "page 2: Q without its q",
        "page 3: /F9 Tf names nothing",
        "page 3: /Fm7 Do names nothing",
    ]
