"""QR symbols as module runs, ready to be drawn as vector rectangles.

A card's code is encoded by :mod:`postcards.page.small_qr` (about 0.05 ms), anything else
(a URL, a poster's address) by zxing-cpp (about 0.1 ms, where the pure-Python encoders
take 1.5–2.5 ms for their mask selection).  A symbol is kept as its rows, an integer each
(bit ``c``: column ``c`` is dark), and drawn as its dark runs, a handful of rectangles
instead of a raster image on every card.  A row's rectangles are written once and kept:
most rows of a code's symbol (those crossing a finder pattern) recur on thousands of cards.
The same payload (``check`` plans every card with one placeholder code, a poster its URL)
is encoded once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from postcards.page.small_qr import small_symbol

#: Light modules around the symbol that a reader needs to find it (ISO/IEC 18004).
QUIET_ZONE = 4


@dataclass(frozen=True, slots=True)
class QRMatrix:
    """A QR symbol: its width in modules (without quiet zone) and its dark runs."""

    payload: str
    modules: int
    rows: tuple[int, ...]  # from the top; bit c of a row set: column c is dark

    @property
    def runs(self) -> tuple[tuple[int, int, int], ...]:
        """The dark runs as (row from the top, first column, length), row by row."""
        return tuple(
            (row, column, length)
            for row, bits in enumerate(self.rows)
            for column, length in _row_runs(bits, self.modules)
        )

    @property
    def modules_with_quiet_zone(self) -> int:
        """The symbol's width in modules, with the quiet zone on both sides."""
        return self.modules + 2 * QUIET_ZONE


def matrix_summary(matrix: dict) -> dict:
    """A symbol as plan JSON shows it: its payload, width and number of dark runs.

    The input is ``dataclasses.asdict``'s; the runs themselves say nothing to a reader.
    """
    modules = matrix["modules"]
    return {
        "payload": matrix["payload"],
        "modules": modules,
        "runs": sum(len(_row_runs(bits, modules)) for bits in matrix["rows"]),
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
    modules = matrix.modules
    rects = []
    for row, bits in enumerate(matrix.rows):
        if bits:
            key = (bits << 16) | (row << 8) | modules
            found = _ROW_RECTS.get(key)
            if found is None:
                if len(_ROW_RECTS) >= _ROWS_KEPT:
                    _ROW_RECTS.clear()  # bounded: memory stays flat however many cards
                y = modules - 1 - row
                found = _ROW_RECTS[key] = " ".join(
                    f"{column} {y} {length} 1 re" for column, length in _row_runs(bits, modules)
                )
            rects.append(found)
    return " ".join(rects) + " f"


#: Rows' rectangles, by row, modules and dark bits: a code's symbols share most rows.
_ROW_RECTS: dict[int, str] = {}
_ROWS_KEPT = 20_000
_DARK_RUN = re.compile("1+")


def _row_runs(bits: int, modules: int) -> list[tuple[int, int]]:
    """A row's dark runs as (first column, length)."""
    written = format(bits, f"0{modules}b")[::-1]  # column 0 first
    return [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(written)]


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
    rows = small_symbol(payload)
    if rows is not None:
        return QRMatrix(payload, len(rows), rows)
    import zxingcpp

    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    pixels = bytes(cast(Any, image))  # zxing-cpp's Image is a buffer (typed so from 3.12)
    return QRMatrix(payload, size, _rows(pixels, size))


_AS_BITS = bytes.maketrans(b"\x00\xff", b"10")  # zxing-cpp: 0 a dark module, 255 a light one


def _rows(pixels: bytes, size: int) -> tuple[int, ...]:
    """An image's rows as integers, bit ``c`` set where column ``c`` is dark."""
    return tuple(
        int(pixels[row * size : (row + 1) * size].translate(_AS_BITS)[::-1], 2)
        for row in range(size)
    )
