"""QR symbols as module runs, ready to be drawn as vector rectangles.

A card's code is encoded by :mod:`postcards.page.small_qr` (about 0.02 ms), anything else
(a URL, a poster's address) by zxing-cpp (about 0.1 ms, where the pure-Python encoders
take 1.5–2.5 ms for their mask selection).  A symbol is kept as its rows, an integer each
(bit ``c``: column ``c`` is dark), and drawn as its dark runs, a handful of rectangles
instead of a raster image on every card.  A row's rectangles are written once and kept:
most rows of a code's symbol (those crossing a finder pattern) recur on thousands of cards,
and a row first seen finds its runs by table, not by a regex over its bits as text.
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
    for bits, (known, y) in zip(matrix.rows, _row_rects(modules), strict=False):
        found = known.get(bits)
        if found is None:
            if len(known) >= _ROWS_KEPT:
                known.clear()  # bounded: memory stays flat however many cards
            found = known[bits] = _row_text(bits, y, modules)
        if bits:
            rects.append(found)
    return " ".join(rects) + " f"


#: For each size of symbol, each row's rectangles by its dark bits, and the row's y: a
#: code's symbols share most rows (those crossing a finder pattern).
_ROW_RECTS: dict[int, list[tuple[dict[int, str], int]]] = {}
_ROWS_KEPT = 1024  # a row (about 21,000 rows for a card's symbol)
_DARK_RUN = re.compile("1+")
#: The set bits of a byte, for each byte of a row up to :data:`_TABLED` modules wide.
_TABLED = 24
_BITS_AT = [
    [tuple(8 * k + i for i in range(8) if value >> i & 1) for value in range(256)]
    for k in range(_TABLED // 8)
]


def _row_rects(modules: int) -> list[tuple[dict[int, str], int]]:
    found = _ROW_RECTS.get(modules)
    if found is None:
        found = _ROW_RECTS[modules] = [({}, modules - 1 - row) for row in range(modules)]
    return found


def _row_text(bits: int, y: int, modules: int) -> str:
    """A row's rectangles: ``column y length 1 re`` for each dark run."""
    if modules > _TABLED:
        runs = _row_runs(bits, modules)
        return " ".join(f"{column} {y} {length} 1 re" for column, length in runs)
    begin, end = _run_ends(bits)
    return " ".join(
        [f"{column} {y} {last - column + 1} 1 re" for column, last in zip(begin, end, strict=True)]
    )


def _row_runs(bits: int, modules: int) -> list[tuple[int, int]]:
    """A row's dark runs as (first column, length).

    A card's symbol (21 modules) by table: the first and last module of each run are the
    set bits of two masks, read a byte at a time.
    """
    if modules > _TABLED:
        written = format(bits, f"0{modules}b")[::-1]  # column 0 first
        return [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(written)]
    begin, end = _run_ends(bits)
    return [(column, last - column + 1) for column, last in zip(begin, end, strict=True)]


def _run_ends(bits: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The first and the last column of each dark run: the set bits of two masks."""
    first, second, third = _BITS_AT
    starts, ends = bits & ~(bits << 1), bits & ~(bits >> 1)
    return (
        first[starts & 255] + second[starts >> 8 & 255] + third[starts >> 16],
        first[ends & 255] + second[ends >> 8 & 255] + third[ends >> 16],
    )


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
