"""TrueType subsets cut from the font file's bytes: the glyphs used, at their own ids.

A print run embeds each face it used once, when its PDF is closed.  The cards' text is
written with the font's glyph ids (Identity-H, CIDToGIDMap Identity), so the subset keeps
every glyph at its id: the outlines of the glyphs used (and of the parts an accented
letter is built from) are copied byte for byte, every other glyph is left empty, and the
glyph count ends at the last glyph kept.  Nothing is parsed beyond the tables' headers
and the glyphs' component lists, so a subset costs a few milliseconds where fontTools'
general subsetter (with its imports) took a quarter of a second of every run.

Kept: the tables a PDF reader draws with (``glyf``, ``loca``, ``head``, ``hhea``,
``hmtx``, ``maxp``, the hinting programs ``cvt``, ``fpgm``, ``prep``, ``gasp``) and those
that describe the font (``OS/2``, ``name``, ``post`` without glyph names, a ``cmap`` of
the characters kept).  Dropped: layout, kerning, device metrics and signatures, which a
PDF reader never uses (kerning and shaping were done when the text was set).
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Iterable, Mapping

_REQUIRED = ("glyf", "head", "hhea", "hmtx", "loca", "maxp")
#: An array of unsigned 32-bit words.
_WORD = "I" if array("I").itemsize == 4 else "L"
#: A font's numbers are big-endian; arrays hold the machine's order.
_SWAP = sys.byteorder == "little"

# A composite glyph's component flags (the OpenType spec's 'glyf' table).
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080


class SubsetError(ValueError):
    """The font file is not a TrueType font this module can cut (a damaged file, say)."""


def subset_truetype(data: bytes, used: Iterable[int], characters: Mapping[int, int]) -> bytes:
    """``data`` (a TrueType font file) cut to the glyphs ``used`` and notdef, ids unchanged.

    ``used``: glyph ids; the components of a composite glyph are kept with it.
    ``characters``: the font's code points and their glyphs, for the subset's 'cmap'.

    Raises:
        SubsetError: the file is not a TrueType font with outlines (glyf) or is damaged.
    """
    tables = _directory(data)
    missing = [tag for tag in _REQUIRED if tag not in tables]
    if missing:
        raise SubsetError(f"not a TrueType font with outlines (no {', '.join(missing)} table)")
    head, maxp = tables["head"], tables["maxp"]
    count = _u16(maxp, 4)
    offsets = _loca(tables["loca"], _u16(head, 50), count)
    glyf = tables["glyf"]
    kept = _with_components(glyf, offsets, {0, *(g for g in used if 0 <= g < count)})
    glyphs = max(kept) + 1
    new_glyf, new_loca = _glyphs(glyf, offsets, kept, glyphs)
    metrics = min(_u16(tables["hhea"], 34), glyphs)
    out = {
        "glyf": new_glyf,
        "loca": new_loca,
        "head": _head(head, _box(glyf, offsets, kept)),
        "maxp": maxp[:4] + struct.pack(">H", glyphs) + maxp[6:],
        "hhea": tables["hhea"][:34] + struct.pack(">H", metrics) + tables["hhea"][36:],
        "hmtx": _metrics(tables["hmtx"], metrics, glyphs, kept),
        "cmap": _cmap(characters, kept),
    }
    if "post" in tables:
        out["post"] = b"\x00\x03\x00\x00" + tables["post"][4:32]  # format 3: no glyph names
    if "name" in tables:
        out["name"] = _names(tables["name"])
    for tag in ("OS/2", "cvt ", "fpgm", "gasp", "prep"):
        if tag in tables:
            out[tag] = tables[tag]
    return _font_file(out)


def font_table(data: bytes, tag: str) -> bytes:
    """One table of a TrueType font file (``hhea``, say).

    Raises:
        SubsetError: the file is not a TrueType font, or has no such table.
    """
    found = _directory(data).get(tag)
    if found is None:
        raise SubsetError(f"the font has no {tag!r} table")
    return found


def _directory(data: bytes) -> dict[str, bytes]:
    """The font's tables by tag (a TrueType font, not a collection)."""
    if len(data) < 12 or data[:4] not in (b"\x00\x01\x00\x00", b"true"):
        raise SubsetError("not a TrueType font file")
    (count,) = struct.unpack_from(">H", data, 4)
    if len(data) < 12 + 16 * count:
        raise SubsetError("the font's table directory is cut short")
    tables: dict[str, bytes] = {}
    for index in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * index)
        if offset + length > len(data):
            raise SubsetError(f"the font's {tag.decode('latin-1')!r} table is cut short")
        tables[tag.decode("latin-1")] = data[offset : offset + length]
    return tables


def _u16(table: bytes, at: int) -> int:
    if at + 2 > len(table):
        raise SubsetError("a font table is cut short")
    return int.from_bytes(table[at : at + 2], "big")


def _loca(loca: bytes, long_format: int, count: int) -> array:
    """Where each glyph starts in 'glyf' (count + 1 offsets, in bytes)."""
    offsets = array(_WORD)
    size = 4 if long_format else 2
    if len(loca) < size * (count + 1):
        raise SubsetError("the font's 'loca' table is cut short")
    if long_format:
        offsets.frombytes(loca[: 4 * (count + 1)])
        if _SWAP:
            offsets.byteswap()
        return offsets
    halves = array("H")
    halves.frombytes(loca[: 2 * (count + 1)])
    if _SWAP:
        halves.byteswap()
    offsets.extend(2 * h for h in halves)
    return offsets


def _with_components(glyf: bytes, offsets: array, wanted: set[int]) -> set[int]:
    """``wanted`` and every glyph a composite among them is built from, however deep."""
    kept, todo = set(wanted), list(wanted)
    while todo:
        gid = todo.pop()
        start, end = offsets[gid], offsets[gid + 1]
        if end - start < 10 or end > len(glyf):
            continue  # an empty glyph (a space), or one the file cuts short: drawn as nothing
        (contours,) = struct.unpack_from(">h", glyf, start)
        if contours >= 0:
            continue
        for component in _components(glyf, start + 10, end):
            if component not in kept and component < len(offsets) - 1:
                kept.add(component)
                todo.append(component)
    return kept


def _components(glyf: bytes, at: int, end: int) -> Iterable[int]:
    """The glyph ids a composite glyph's records name, from its first record at ``at``."""
    while at + 4 <= end:
        flags, component = struct.unpack_from(">HH", glyf, at)
        yield component
        at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
        if flags & _HAVE_SCALE:
            at += 2
        elif flags & _HAVE_XY_SCALE:
            at += 4
        elif flags & _HAVE_2X2:
            at += 8
        if not flags & _MORE_COMPONENTS:
            return


def _glyphs(glyf: bytes, offsets: array, kept: set[int], count: int) -> tuple[bytes, bytes]:
    """The new 'glyf' (kept glyphs only, each padded to four bytes) and its long 'loca'."""
    parts: list[bytes] = []
    loca = array(_WORD, [0])
    position = 0
    for gid in range(count):
        if gid in kept:
            glyph = glyf[offsets[gid] : offsets[gid + 1]]
            glyph += b"\0" * (-len(glyph) % 4)
            parts.append(glyph)
            position += len(glyph)
        loca.append(position)
    if _SWAP:
        loca.byteswap()
    return b"".join(parts), loca.tobytes()


def _box(glyf: bytes, offsets: array, kept: set[int]) -> bytes | None:
    """The union of the kept glyphs' own boxes (None when none draws anything).

    fontTools' subsetter set the subset's box so, and poppler places a glyph's bitmap by
    the font's box: the whole font's box moves pixels of a heading.
    """
    boxes = [
        struct.unpack_from(">4h", glyf, offsets[gid] + 2)
        for gid in kept
        if offsets[gid + 1] - offsets[gid] >= 10 and offsets[gid + 1] <= len(glyf)
    ]
    if not boxes:
        return None
    x0, y0, x1, y1 = zip(*boxes, strict=True)
    return struct.pack(">4h", min(x0), min(y0), max(x1), max(y1))


def _head(head: bytes, box: bytes | None) -> bytes:
    """The subset's 'head': long offsets in 'loca', the kept glyphs' box, no checksum yet."""
    if len(head) < 54:
        raise SubsetError("the font's 'head' table is cut short")
    box = box or head[36:44]
    return head[:8] + b"\0\0\0\0" + head[12:36] + box + head[44:50] + b"\0\x01" + head[52:]


def _metrics(hmtx: bytes, metrics: int, count: int, kept: set[int]) -> bytes:
    """The 'hmtx' of ``count`` glyphs, ``metrics`` of them with an advance.

    The kept glyphs' are as they were, the others' zero (as fontTools leaves them, and
    they compress).  A PDF reader takes the advances from the font's /W array, not from here.
    """
    size = 4 * metrics + 2 * (count - metrics)
    whole = hmtx[:size] + b"\0" * (size - len(hmtx[:size]))
    out = bytearray(size)
    for gid in {*kept, metrics - 1}:  # the last advance is every later glyph's too
        at, width = (4 * gid, 4) if gid < metrics else (4 * metrics + 2 * (gid - metrics), 2)
        out[at : at + width] = whole[at : at + width]
    return bytes(out)


def _cmap(characters: Mapping[int, int], kept: set[int]) -> bytes:
    """A Windows Unicode (3, 1) format 4 'cmap' of the font's BMP characters kept.

    A PDF reader draws an Identity-H font by glyph id, never through this table; it is
    kept, cut to the subset, for the tools that expect a TrueType font to have one.
    """
    chars = sorted((c, gid) for c, gid in characters.items() if gid in kept and c < 0xFFFF)
    segments: list[tuple[int, int, int]] = []  # (first code, last code, delta)
    for code, gid in chars:
        if segments:
            first, last, delta = segments[-1]
            if code == last + 1 and (gid - code) % 65536 == delta:
                segments[-1] = (first, code, delta)
                continue
        segments.append((code, code, (gid - code) % 65536))
    segments.append((0xFFFF, 0xFFFF, 1))  # the closing segment the format requires
    n = len(segments)
    search = 2 ** (n.bit_length() - 1)
    header = struct.pack(">HHHHHHH", 4, 16 + 8 * n, 0, 2 * n, 2 * search,
                         (n.bit_length() - 1), 2 * n - 2 * search)  # fmt: skip
    ends = struct.pack(f">{n}H", *(last for _, last, _ in segments))
    starts = struct.pack(f">{n}H", *(first for first, _, _ in segments))
    deltas = struct.pack(f">{n}H", *(delta for _, _, delta in segments))
    table = header + ends + b"\0\0" + starts + deltas + b"\0\0" * n
    return struct.pack(">HHHHL", 0, 1, 3, 1, 12) + table


def _names(name: bytes) -> bytes:
    """The 'name' table's first seven names (copyright to PostScript name).

    fontTools' subsetter keeps these; the licence's full text stays in the font file.
    """
    if len(name) < 6:
        return name
    _format, count, storage = struct.unpack_from(">HHH", name, 0)
    records: list[tuple[int, int, int, int, bytes]] = []
    for index in range(count):
        at = 6 + 12 * index
        if at + 12 > len(name):
            break
        platform, encoding, language, name_id, length, offset = struct.unpack_from(
            ">HHHHHH", name, at
        )
        if name_id <= 6:
            text = name[storage + offset : storage + offset + length]
            records.append((platform, encoding, language, name_id, text))
    head = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
    entries, strings, offset = [], [], 0
    for platform, encoding, language, name_id, text in records:
        entries.append(struct.pack(">HHHHHH", platform, encoding, language, name_id,
                                   len(text), offset))  # fmt: skip
        strings.append(text)
        offset += len(text)
    return head + b"".join(entries) + b"".join(strings)


def _font_file(tables: dict[str, bytes]) -> bytes:
    """The tables as a font file: directory, tables on four-byte bounds, checksums set."""
    tags = sorted(tables)
    count = len(tags)
    power = 2 ** (count.bit_length() - 1)
    header = struct.pack(">LHHHH", 0x00010000, count, 16 * power, count.bit_length() - 1,
                         16 * (count - power))  # fmt: skip
    entries, bodies = [], []
    offset = 12 + 16 * count
    for tag in tags:
        body = tables[tag]
        entries.append(struct.pack(">4sLLL", tag.encode("latin-1"), _checksum(body), offset,
                                   len(body)))  # fmt: skip
        padded = body + b"\0" * (-len(body) % 4)
        bodies.append(padded)
        offset += len(padded)
    font = bytearray(header + b"".join(entries) + b"".join(bodies))
    head_at = 12 + 16 * count + sum(len(b) for b in bodies[: tags.index("head")])
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) % (1 << 32)
    font[head_at + 8 : head_at + 12] = struct.pack(">L", adjustment)
    return bytes(font)


def _checksum(data: bytes) -> int:
    """The sum of the data's big-endian 32-bit words (zero-padded), modulo 2**32."""
    words = array(_WORD)
    words.frombytes(data + b"\0" * (-len(data) % 4))
    if _SWAP:
        words.byteswap()
    return sum(words) % (1 << 32)
