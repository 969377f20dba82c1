"""The proofs' contact sheet: every card's two faces as thumbnails, its pairing under them.

A4 pages, a card to a cell (front and back side by side), so a person looks over a wave at
a glance before printing it.  The thumbnails are the marked proof images, and every page
says it is a proof: the sheet cannot pass for cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.page.documents import A4_MM, MARGIN_MM, Document, fit
from postcards.page.fonts import FontSet

COLUMNS = 2
_GAP_MM = 4.0
_CAPTION_MM = 8.0
_HEADER_MM = 12.0
_THUMB_DPI = 110


@dataclass(frozen=True)
class Thumb:
    """One card on the contact sheet: its faces and the two caption lines."""

    front: Any  # PIL images
    back: Any
    caption: str
    names: str


class ContactSheet:
    """Cells of thumbnails on A4 pages, written as they come (a page at a time)."""

    def __init__(self, path: Path, fonts: FontSet, title: str, aspect: float) -> None:
        """A contact sheet at ``path``; ``aspect`` is a face's width over its height."""
        self.document = Document.create(path, fonts, f"{title}: proofs")
        self.title = title
        self.cell_w = (A4_MM[0] - 2 * MARGIN_MM - (COLUMNS - 1) * _GAP_MM) / COLUMNS
        self.face_w = (self.cell_w - 2) / 2
        self.face_h = self.face_w / aspect
        self.row_h = self.face_h + _CAPTION_MM + _GAP_MM
        self.rows = int((A4_MM[1] - 2 * MARGIN_MM - _HEADER_MM) // self.row_h)
        self.count = 0
        self.pages = 0

    def add(self, thumb: Thumb) -> None:
        """Put a card in the next cell, starting a page when the last one is full."""
        per_page = self.rows * COLUMNS
        at = self.count % per_page
        if at == 0:
            if self.count:
                self.document.new_page()
            self._header()
        row, column = divmod(at, COLUMNS)
        x = MARGIN_MM + column * (self.cell_w + _GAP_MM)
        top = A4_MM[1] - MARGIN_MM - _HEADER_MM - row * self.row_h
        y = top - self.face_h
        for offset, face in ((0.0, thumb.front), (self.face_w + 2, thumb.back)):
            self.document.image(self._small(face), x + offset, y, self.face_w, self.face_h)
        self.document.line(thumb.caption, x, y - 3.4, 7.5, "bold")
        names = fit([(thumb.names, "regular")], self.document.fonts, self.cell_w, 3.5, 7, 5)
        self.document.text(names, x, y - 4.2)
        self.count += 1

    def save(self) -> None:
        """End the last page and write the file."""
        self.document.new_page()
        self.document.save()

    def _header(self) -> None:
        self.pages += 1
        top = A4_MM[1] - MARGIN_MM
        self.document.line(f"PROOF, not for printing: {self.title}", MARGIN_MM, top - 5, 12,
                           "bold")  # fmt: skip
        self.document.line(f"page {self.pages}", A4_MM[0] - MARGIN_MM - 14, top - 5, 8)

    def _small(self, image: Any) -> Any:
        """A face scaled down to the cell at about 110 dpi: the sheet stays light."""
        width = max(1, round(self.face_w / 25.4 * _THUMB_DPI))
        height = max(1, round(self.face_h / 25.4 * _THUMB_DPI))
        return image.resize((width, height))
