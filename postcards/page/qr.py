"""QR symbols as module runs, ready to be drawn as vector rectangles.

zxing-cpp encodes (about 0.1 ms a symbol, where the pure-Python encoders take 1.5–2.5 ms
for their mask selection); we keep only the dark runs of each row, so a renderer draws a
handful of rectangles instead of placing a raster image on every card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Light modules around the symbol that a reader needs to find it (ISO/IEC 18004).
QUIET_ZONE = 4


@dataclass(frozen=True)
class QRMatrix:
    """A QR symbol: its width in modules (without quiet zone) and its dark runs."""

    payload: str
    modules: int
    runs: tuple[tuple[int, int, int], ...]  # (row from the top, first column, length)

    @property
    def modules_with_quiet_zone(self) -> int:
        """The symbol's width in modules, with the quiet zone on both sides."""
        return self.modules + 2 * QUIET_ZONE


@dataclass(frozen=True)
class PlacedQR:
    """A QR symbol placed on a page or card: its quiet zone starts at (x_mm, y_mm)."""

    x_mm: float
    y_mm: float
    module_mm: float
    matrix: QRMatrix

    @property
    def size_mm(self) -> float:
        """The symbol's width on the page, quiet zone included."""
        return self.matrix.modules_with_quiet_zone * self.module_mm


def draw_qr(canvas, matrix: QRMatrix, left_pt: float, bottom_pt: float, module_pt: float) -> None:
    """Draw a symbol's dark runs in the canvas's fill colour.

    Its quiet zone starts at (left_pt, bottom_pt); integer rectangles under one transform are exact
    and compact.
    """
    last = matrix.modules - 1
    rects = " ".join(f"{col} {last - row} {length} 1 re" for row, col, length in matrix.runs)
    canvas.saveState()
    canvas.transform(
        module_pt,
        0,
        0,
        module_pt,
        left_pt + QUIET_ZONE * module_pt,
        bottom_pt + QUIET_ZONE * module_pt,
    )
    canvas._code.append(f"{rects} f")  # reportlab's Path would format hundreds of floats
    canvas.restoreState()


def qr_matrix(payload: str) -> QRMatrix:
    """Encode ``payload`` at error correction level M.

    An upper-case code such as ``K7M2QX9D4`` is encoded in alphanumeric mode, which keeps
    the symbol at version 1 (21 × 21 modules).
    """
    import zxingcpp

    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    pixels = bytes(image)
    return QRMatrix(payload, size, tuple(_dark_runs(pixels, size)))


_DARK_RUN = re.compile(b"\x00+")  # zxing-cpp images: 0 is a dark module


def _dark_runs(pixels: bytes, size: int) -> list[tuple[int, int, int]]:
    """Runs of dark modules, row by row; a run that wraps to the next row is split."""
    runs = []
    for match in _DARK_RUN.finditer(pixels):
        start, end = match.span()
        while start < end:
            row, col = divmod(start, size)
            stop = min(end, (row + 1) * size)
            runs.append((row, col, stop - start))
            start = stop
    return runs
