"""QR symbols as module runs, ready to be drawn as vector rectangles.

zxing-cpp encodes (about 0.08 ms a symbol, where the pure-Python encoders take 1.5–2.5 ms
for their mask selection); we keep only the dark runs of each row, so a renderer draws a
handful of rectangles instead of placing a raster image on every card.  The runs are kept
packed, three bytes a run (a symbol is at most 177 modules wide), because a print run
keeps a symbol for every card: a tuple of tuples took about 17 KB a card, the bytes 0.4 KB.
The same payload (``check`` plans every card with one placeholder code, a poster its URL)
is encoded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

#: Light modules around the symbol that a reader needs to find it (ISO/IEC 18004).
QUIET_ZONE = 4


@dataclass(frozen=True, slots=True)
class QRMatrix:
    """A QR symbol: its width in modules (without quiet zone) and its dark runs."""

    payload: str
    modules: int
    packed: bytes  # the dark runs, 3 bytes each: row from the top, first column, length

    @property
    def runs(self) -> tuple[tuple[int, int, int], ...]:
        """The dark runs as (row from the top, first column, length), row by row."""
        packed = self.packed
        return tuple(zip(packed[0::3], packed[1::3], packed[2::3], strict=True))

    @property
    def modules_with_quiet_zone(self) -> int:
        """The symbol's width in modules, with the quiet zone on both sides."""
        return self.modules + 2 * QUIET_ZONE


def matrix_summary(matrix: dict) -> dict:
    """A symbol as plan JSON shows it: its payload, width and number of dark runs.

    The input is ``dataclasses.asdict``'s; the runs themselves say nothing to a reader.
    """
    return {
        "payload": matrix["payload"],
        "modules": matrix["modules"],
        "runs": len(matrix["packed"]) // 3,
    }


@dataclass(frozen=True, slots=True)
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


def qr_rects(matrix: QRMatrix) -> str:
    """A symbol's dark runs as filled PDF rectangles in module units, row 0 at the top.

    They are drawn under one transform (:func:`qr_transform`): exact and compact.
    """
    last = matrix.modules - 1
    rects = " ".join(f"{col} {last - row} {length} 1 re" for row, col, length in matrix.runs)
    return f"{rects} f"


def qr_transform(
    left_pt: float, bottom_pt: float, module_pt: float
) -> tuple[float, float, float, float, float, float]:
    """The transform that puts module units on the page, the quiet zone at (left, bottom)."""
    return (
        module_pt,
        0,
        0,
        module_pt,
        left_pt + QUIET_ZONE * module_pt,
        bottom_pt + QUIET_ZONE * module_pt,
    )


def draw_qr(canvas, matrix: QRMatrix, left_pt: float, bottom_pt: float, module_pt: float) -> None:
    """Draw a symbol on a reportlab canvas in its fill colour.

    Its quiet zone starts at (left_pt, bottom_pt).
    """
    canvas.saveState()
    canvas.transform(*qr_transform(left_pt, bottom_pt, module_pt))
    canvas._code.append(qr_rects(matrix))  # reportlab's Path would format hundreds of floats
    canvas.restoreState()


def qr_matrix(payload: str) -> QRMatrix:
    """Encode ``payload`` at error correction level M, once per payload.

    The last few symbols are kept: a symbol is a value that never changes.

    An upper-case code such as ``K7M2QX9D4`` is encoded in alphanumeric mode, which keeps
    the symbol at version 1 (21 × 21 modules).
    """
    return _encoded(payload)


@lru_cache(maxsize=64)
def _encoded(payload: str) -> QRMatrix:
    import zxingcpp

    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    pixels = bytes(cast(Any, image))  # zxing-cpp's Image is a buffer (typed so from 3.12)
    return QRMatrix(payload, size, _dark_runs(pixels, size))


_LIGHT = b"\xff"  # zxing-cpp images: 0 is a dark module, 255 a light one


def _dark_runs(pixels: bytes, size: int) -> bytes:
    """Runs of dark modules, row by row, packed three bytes a run.

    A row split at its light modules leaves the dark runs (and empty pieces): a few C
    calls a row instead of work per module.
    """
    runs: list[int] = []
    for row in range(size):
        column = 0
        for piece in pixels[row * size : (row + 1) * size].split(_LIGHT):
            if piece:
                length = len(piece)
                runs += (row, column, length)
                column += length + 1
            else:
                column += 1
    return bytes(runs)
