"""The card codes' QR symbols, encoded here in a fraction of zxing-cpp's time.

Every card carries a symbol of its own code (``K7M2QX9D4``): nine upper-case letters and
digits, always a version 1 symbol (21 × 21 modules) in alphanumeric mode at error
correction level M.  zxing-cpp takes about 0.1 ms a symbol, a quarter of the planning of
a card; this encoder takes that one case only and does its work on whole symbols at
once: the symbol's modules are held as one integer (a row of 21 modules every 32 bits),
so placing the codewords, masking, and the four penalty rules that choose the mask are
a few dozen integer operations each, not work per module.

The result is the same symbol zxing-cpp makes (the same mask chosen by the same
penalties, ISO/IEC 18004 section 7.8.3), module for module: the tests compare the two on
thousands of codes.  Any other payload (a URL, or a code with six digits in a row, which
zxing-cpp may encode partly in numeric mode: about 1 code in 250) returns None, and the
caller asks zxing-cpp.
"""

from __future__ import annotations

import itertools
import re
import struct
from functools import cache

SIZE = 21  # modules a side, version 1
_STRIDE = 32  # bits a row; the row's modules are bits 5 to 25, light padding around them
_LOW = 5
_DATA_CODEWORDS, _EC_CODEWORDS = 16, 10  # version 1-M: one block
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {char: value for value, char in enumerate(_ALPHANUMERIC)}
#: Payloads this encoder takes: alphanumeric, at most 20 characters (version 1-M), not all
#: digits and with no run of six digits or more (an encoder may then use numeric mode for
#: the digits, as zxing-cpp does).
_FITS = re.compile(r"(?!.*[0-9]{6})(?=.*[^0-9])[0-9A-Z $%*+\-./:]{1,20}")
_MASK80 = (1 << 80) - 1
_SEGMENT = (SIZE + 1) * _STRIDE  # a symbol and a light row
_PAIR = 2 * _SEGMENT  # a masked symbol and its transpose: one mask's share of the sixteen
_ONE = (1 << _SEGMENT) - 1
_BOTH = (1 << _PAIR) - 1
_PADDING = bytes([0xEC, 0x11] * (_DATA_CODEWORDS // 2))
_UNPACK_ROWS = struct.Struct(f"<{SIZE}I").unpack


def small_symbol(payload: str) -> tuple[int, ...] | None:
    """The symbol's rows, top first, each an int whose bit ``c`` is column ``c`` (1: dark).

    None when the payload is not one this encoder takes (see the module's docstring).
    """
    if not _FITS.fullmatch(payload):
        return None
    tables = _tables()
    symbol = 0  # its rows, then its columns (the transpose) one segment on
    for position, value in enumerate(_data_codewords(payload, tables.pairs_of)):
        symbol ^= tables.codewords[position][value]  # with its share of the EC codewords
    chosen = (symbol & _ONE) ^ tables.mask_rows[_best_mask(symbol, tables)]
    # a row every 32 bits, its padding light: shifted down, a row is one 32-bit word
    return _UNPACK_ROWS((chosen >> _LOW).to_bytes(4 * SIZE, "little"))


def _data_codewords(payload: str, pairs_of: dict[str, int]) -> bytes:
    """Mode, count, the characters two at a time, terminator and padding: 16 bytes."""
    count = len(payload)
    bits, length = 0b0010 << 9 | count, 13  # alphanumeric mode, then the count
    for index in range(0, count - 1, 2):
        bits, length = bits << 11 | pairs_of[payload[index : index + 2]], length + 11
    if count % 2:
        bits, length = bits << 6 | _VALUES[payload[-1]], length + 6
    terminator = min(4, _DATA_CODEWORDS * 8 - length)
    shift = terminator + (-(length + terminator) % 8)  # and on to a whole byte
    size = (length + shift) // 8
    return (bits << shift).to_bytes(size, "big") + _PADDING[: _DATA_CODEWORDS - size]


def _ec_codewords(data: bytes, table: tuple[int, ...]) -> bytes:
    """Reed-Solomon error correction: the remainder of data·x^10 by the generator."""
    remainder = 0
    for byte in data:
        factor = byte ^ (remainder >> 72)
        remainder = ((remainder << 8) & _MASK80) ^ table[factor]
    return remainder.to_bytes(_EC_CODEWORDS, "big")


def _best_mask(symbol: int, tables: _Tables) -> int:
    """The mask with the lowest penalty by the four rules, as zxing-cpp and ISO/IEC 18004 count.

    ``symbol`` is the unmasked symbol's rows, then its columns one segment on.  The eight
    masked symbols and their transposes are laid side by side in one integer (mask
    ``k``'s rows in segment ``2k``, its columns in ``2k + 1``, :data:`_SEGMENT` bits each),
    so that each rule is a few operations for all sixteen, and a mask's score is read
    from its two segments at once.  The first of equal penalties is taken.
    """
    dark = _sixteen(symbol) ^ tables.masks
    pairs, around = tables.pairs, tables.arounds
    # a module of the same colour as the next one in its line, both in the symbol
    alike = ((dark ^ (dark >> 1)) & pairs) ^ pairs
    # rule 1: five or more alike in a line: 3, and 1 for each module more.  A run of n
    # has n - 4 places with five alike from there; the two places before its first one
    # (outside the run, never another run's) make up the 3.
    two = alike & (alike >> 1)
    five = two & (two >> 2)
    starts = five ^ (five & (five << 1))
    rule1 = five | (starts >> 1) | (starts >> 2)
    # rule 3: dark-light-dark-dark-dark-light-dark with four light (or the edge) beside
    open_ = around ^ dark
    apart = dark & (dark >> 2)
    pattern = apart & (apart >> 4) & (dark >> 3) & ((open_ & (open_ >> 4)) >> 1)
    two_open = open_ & (open_ >> 1)
    four_open = two_open & (two_open >> 2)
    finders = pattern & ((four_open << 4) | (four_open >> 7))
    # rule 2: each 2 × 2 block alike (counted twice: in the rows and in the columns)
    vertical = tables.vertical_pairs
    below = ((dark ^ (dark >> _STRIDE)) & vertical) ^ vertical
    blocks = alike & (alike >> _STRIDE) & below
    total, both, best, chosen = SIZE * SIZE, _BOTH, 0, 0
    for mask, masked in enumerate(tables.mask_pairs):
        twice_dark = (symbol ^ masked).bit_count()  # rule 4: far from half dark (rows, columns)
        score = (
            (rule1 & both).bit_count()
            + 40 * (finders & both).bit_count()
            + 3 * (blocks & both).bit_count() // 2
            + 10 * (abs(twice_dark - total) * 10 // total)
        )
        if mask == 0 or score < best:
            best, chosen = score, mask
        rule1, finders, blocks = rule1 >> _PAIR, finders >> _PAIR, blocks >> _PAIR
    return chosen


def _sixteen(pair: int) -> int:
    """A pair of segments (rows and columns) in each of the eight pairs."""
    two = pair | pair << _PAIR
    four = two | two << 2 * _PAIR
    return four | four << 4 * _PAIR


class _Tables:
    """What every symbol shares, worked out once a process (a few ms)."""

    def __init__(self) -> None:
        function = _function_modules()
        order = _data_order(function)
        self.board = sum(_bit(r, c) for r, c in itertools.product(range(SIZE), repeat=2))
        self.around = sum(1 << i for i in range(SIZE * _STRIDE + _LOW + 1))  # the edge is light
        base_rows, base_columns = _fixed_dark()
        self.mask_rows, self.mask_pairs = [], []
        for mask in range(8):
            format_rows, format_columns = _format_dark(mask)
            flip = [(r, c) for r, c in order if _masked(mask, r, c)]
            mask_rows = base_rows | format_rows | sum(_bit(r, c) for r, c in flip)
            mask_columns = base_columns | format_columns | sum(_bit(c, r) for r, c in flip)
            self.mask_rows.append(mask_rows)
            self.mask_pairs.append(mask_rows | mask_columns << _SEGMENT)
        self.masks = sum(pair << mask * _PAIR for mask, pair in enumerate(self.mask_pairs))
        boards = _sixteen(self.board | self.board << _SEGMENT)
        self.pairs = boards & (boards >> 1)
        self.vertical_pairs = boards & (boards >> _STRIDE)
        self.arounds = _sixteen(self.around | self.around << _SEGMENT)
        self.codewords = _data_tables(order, _ec_table())
        self.pairs_of = {a + b: _VALUES[a] * 45 + _VALUES[b] for a in _VALUES for b in _VALUES}


@cache
def _tables() -> _Tables:
    return _Tables()


def _bit(row: int, column: int) -> int:
    return 1 << (row * _STRIDE + _LOW + column)


def _data_tables(order: list[tuple[int, int]], ec: tuple[int, ...]) -> list[list[int]]:
    """For each data codeword's place and value, its dark modules: rows, then columns.

    With those of its share of the error correction codewords: Reed-Solomon is linear
    (over XOR), so a symbol's codewords are the XOR of its data codewords' tables.
    Each table is made from its eight one-bit values, every other value by XOR.
    """
    tables = []
    for position in range(_DATA_CODEWORDS):
        bits = []
        for bit in range(8):
            data = bytes(position) + bytes([0x80 >> bit]) + bytes(_DATA_CODEWORDS - position - 1)
            dark = _placed(data + _ec_codewords(data, ec), order)
            rows = sum(_bit(r, c) for r, c in dark)
            bits.append(rows | sum(_bit(c, r) for r, c in dark) << _SEGMENT)
        tables.append(_by_value(bits))
    return tables


def _placed(codewords: bytes, order: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The modules of the codewords' set bits, each codeword's first bit placed first."""
    bits = int.from_bytes(codewords, "big")
    last = len(codewords) * 8 - 1
    return [place for index, place in enumerate(order) if bits >> (last - index) & 1]


def _by_value(bits: list[int]) -> list[int]:
    """For each byte value, the XOR of ``bits`` for its set bits (bits[0]: the top bit)."""
    table = [0] * 256
    for value in range(1, 256):
        low = value & -value
        table[value] = table[value ^ low] ^ bits[8 - low.bit_length()]  # bits[0] is 0x80's
    return table


def _finder_dark(top: int, left: int) -> list[tuple[int, int]]:
    return [
        (top + r, left + c)
        for r in range(7)
        for c in range(7)
        if max(abs(r - 3), abs(c - 3)) != 2  # the 7 × 7 ring, a light ring, the 3 × 3 centre
    ]


def _function_modules() -> set[tuple[int, int]]:
    """Modules not for data: finders and separators, timing, format, the dark module."""
    taken = set()
    for top, left in ((0, 0), (0, SIZE - 8), (SIZE - 8, 0)):
        taken |= {(top + r, left + c) for r in range(8) for c in range(8)}
    taken |= {(6, i) for i in range(SIZE)} | {(i, 6) for i in range(SIZE)}
    taken |= {(8, i) for i in range(9)} | {(i, 8) for i in range(9)}
    taken |= {(8, SIZE - 1 - i) for i in range(8)} | {(SIZE - 1 - i, 8) for i in range(8)}
    return taken


def _fixed_dark() -> tuple[int, int]:
    """The dark modules every symbol has (finders, timing, the dark module): rows, columns."""
    dark = set()
    for top, left in ((0, 0), (0, SIZE - 7), (SIZE - 7, 0)):
        dark |= set(_finder_dark(top, left))
    dark |= {(6, i) for i in range(8, SIZE - 8) if i % 2 == 0}
    dark |= {(i, 6) for i in range(8, SIZE - 8) if i % 2 == 0}
    dark.add((SIZE - 8, 8))
    return sum(_bit(r, c) for r, c in dark), sum(_bit(c, r) for r, c in dark)


def _format_dark(mask: int) -> tuple[int, int]:
    """The format information's dark modules for level M and ``mask``: rows, columns."""
    data = mask  # level M is 00
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    bits = ((data << 10) | remainder) ^ 0x5412
    first = (
        [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    )
    second = [(8, SIZE - 1 - i) for i in range(8)] + [(SIZE - 15 + i, 8) for i in range(8, 15)]
    dark = {place for i in range(15) if bits >> i & 1 for place in (first[i], second[i])}
    return sum(_bit(r, c) for r, c in dark), sum(_bit(c, r) for r, c in dark)


def _data_order(function: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The data modules in placement order: up and down two columns at a time, from the right."""
    order = []
    upward = True
    column = SIZE - 1
    while column > 0:
        if column == 6:
            column -= 1  # the vertical timing pattern
        rows = range(SIZE - 1, -1, -1) if upward else range(SIZE)
        for row in rows:
            for c in (column, column - 1):
                if (row, c) not in function:
                    order.append((row, c))
        upward = not upward
        column -= 2
    assert len(order) == 208
    return order


def _masked(mask: int, row: int, column: int) -> bool:
    """Whether ``mask`` flips the module (ISO/IEC 18004 table 10)."""
    r, c = row, column
    return (
        (r + c) % 2 == 0,
        r % 2 == 0,
        c % 3 == 0,
        (r + c) % 3 == 0,
        (r // 2 + c // 3) % 2 == 0,
        (r * c) % 2 + (r * c) % 3 == 0,
        ((r * c) % 2 + (r * c) % 3) % 2 == 0,
        ((r * c) % 3 + (r + c) % 2) % 2 == 0,
    )[mask]


def _gf_multiply(a: int, b: int) -> int:
    result = 0
    for _ in range(8):
        if b & 1:
            result ^= a
        b >>= 1
        a <<= 1
        if a & 0x100:
            a ^= 0x11D
    return result


def _ec_table() -> tuple[int, ...]:
    """For each factor, the generator polynomial times it, as one 80-bit integer."""
    divisor = [0] * (_EC_CODEWORDS - 1) + [1]
    root = 1
    for _ in range(_EC_CODEWORDS):
        for j in range(_EC_CODEWORDS):
            divisor[j] = _gf_multiply(divisor[j], root)
            if j + 1 < _EC_CODEWORDS:
                divisor[j] ^= divisor[j + 1]
        root = _gf_multiply(root, 2)
    return tuple(
        int.from_bytes(bytes(_gf_multiply(coefficient, factor) for coefficient in divisor), "big")
        for factor in range(256)
    )
