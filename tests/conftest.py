"""Shared fixtures: a copy of the test campaign, the CLI, and reading PDFs back."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from postcards.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    """Run the postcards command in-process, as a user would type it."""
    import os

    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """A fresh copy of tests/data/campaign; returns its folder."""
    folder = tmp_path / "campaign"
    shutil.copytree(DATA / "campaign", folder)
    return folder


def read_manifest(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, whitespace folded (wrapped lines join with a space)."""
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


def decode_qr(pdf: Path, page_index: int, dpi: int = 300) -> list[str]:
    """Render a page with pdfium at ``dpi`` and decode its QR codes with zxing-cpp."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[page_index].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [r.text for r in zxingcpp.read_barcodes(image,
                                                   formats=zxingcpp.BarcodeFormat.QRCode)]
