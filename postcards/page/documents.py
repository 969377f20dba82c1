"""Plain A4 documents (signing sheets, the archive, job tickets, contact sheets).

Cards have their own renderer; the documents around them need only a few things: lines of
fitted text in the design's fonts (with per-character fallback, so Cyrillic, Polish or
Belarusian names print), a vector QR symbol, and a page that breaks when it is full.
Positions are in millimetres from the bottom-left of the page, converted in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.errors import LayoutError
from postcards.page.fonts import ASCENT, FontSet
from postcards.page.geometry import pt
from postcards.page.qr import QRMatrix, draw_qr
from postcards.page.text import FittedText, Line, fit_text

A4_MM = (210.0, 297.0)
MARGIN_MM = 15.0


def save_canvas(canvas: Any, path: Path) -> None:
    """Write a reportlab canvas's PDF to ``path``, the file closed even when writing fails.

    reportlab's own ``Canvas.save`` leaves its file open when the write fails (a full
    disk), until the garbage collector finds it.  After this the canvas is spent.
    """
    data = canvas.getpdfdata()
    with open(path, "wb") as handle:
        handle.write(data)


def fit(lines: list[Line], fonts: FontSet, width_mm: float, height_mm: float,
        max_size: float, min_size: float) -> FittedText:  # fmt: skip
    """Fit lines into a box; what does not fit even small is cut with an ellipsis.

    A working document (unlike a card) may show less than everything.
    """
    try:
        return fit_text(lines, fonts, pt(width_mm), pt(height_mm), max_size, min_size)
    except LayoutError:
        fitted = fit_text(lines, fonts, pt(width_mm), 1e6, min_size, min_size)
        keep = max(int(pt(height_mm) // fitted.leading), 1)
        cut = list(fitted.lines[:keep])
        cut[-1] = (cut[-1][0].rstrip() + " …", cut[-1][1])
        return FittedText(tuple(cut), fitted.size, fitted.leading)


@dataclass
class Document:
    """A reportlab canvas of A4 pages, with the design's fonts."""

    canvas: Any  # reportlab's Canvas (reportlab ships no type hints)
    fonts: FontSet
    path: Path

    @classmethod
    def create(cls, path: Path, fonts: FontSet, title: str) -> Document:
        """A new A4 document at ``path``, deterministic (same inputs, same bytes)."""
        from reportlab.pdfgen.canvas import Canvas

        canvas = Canvas(str(path), pagesize=(pt(A4_MM[0]), pt(A4_MM[1])), invariant=1,
                        pageCompression=1, initialFontName=fonts.face("regular").name)  # fmt: skip
        canvas.setTitle(title)
        canvas.setCreator("postcards")
        canvas.setAuthor("postcards")
        return cls(canvas, fonts, path)

    def text(self, fitted: FittedText, x_mm: float, top_mm: float) -> None:
        """Draw fitted lines from the top of their box down."""
        text = self.canvas.beginText()
        y = pt(top_mm) - fitted.size * ASCENT
        for line, style in fitted.lines:
            text.setTextOrigin(pt(x_mm), y)
            for font, part in self.fonts.runs(line, style):
                text.setFont(font, fitted.size)
                text.textOut(part)
            y -= fitted.leading
        self.canvas.drawText(text)

    def line(self, text: str, x_mm: float, y_mm: float, size: float = 9,
             style: str = "regular") -> None:  # fmt: skip
        """One line of text on a baseline."""
        self.text(FittedText(((text, style),), size, size * 1.2), x_mm,
                  y_mm + size * ASCENT / pt(1))  # fmt: skip

    def qr(self, matrix: QRMatrix, x_mm: float, y_mm: float, module_mm: float) -> float:
        """A vector QR symbol whose quiet zone starts at (x, y); returns its side in mm."""
        self.canvas.setFillGray(0)  # black on the black plate alone, never 0 0 0 rg
        draw_qr(self.canvas, matrix, pt(x_mm), pt(y_mm), pt(module_mm))
        return matrix.modules_with_quiet_zone * module_mm

    def image(self, image: Any, x_mm: float, y_mm: float, width_mm: float,
              height_mm: float) -> None:  # fmt: skip
        """Draw a Pillow image into the box whose bottom-left corner is (x, y)."""
        from reportlab.lib.utils import ImageReader

        self.canvas.drawImage(ImageReader(image), pt(x_mm), pt(y_mm), pt(width_mm),
                              pt(height_mm))  # fmt: skip

    def box(self, x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> None:
        """Draw a box's outline, such as a signing sheet's tick box."""
        self.canvas.setLineWidth(0.8)
        self.canvas.rect(pt(x_mm), pt(y_mm), pt(width_mm), pt(height_mm), stroke=1, fill=0)

    def rule(self, y_mm: float) -> None:
        """Draw a thin rule from margin to margin at height ``y_mm``."""
        self.canvas.setLineWidth(0.3)
        self.canvas.line(pt(MARGIN_MM), pt(y_mm), pt(A4_MM[0] - MARGIN_MM), pt(y_mm))

    def new_page(self) -> None:
        """End the page; what follows goes on a new one."""
        self.canvas.showPage()

    def save(self) -> None:
        """Write the PDF to its path."""
        save_canvas(self.canvas, self.path)
