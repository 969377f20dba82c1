"""TrueType fonts for the cards' PDF writer: glyph ids, widths, and subsets at the end.

Text is written with the font's own glyph ids (Identity-H), so a page's content never
depends on which glyphs other pages use: pages can be made in any order, by any process,
and the font is subset once, when the file is closed, to the glyphs that were used.
Widths are the font's advances scaled to 1/1000 em exactly as reportlab measures them
(:meth:`postcards.page.fonts.FontSet.width`), so fitted text stays where fitting put it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from postcards.errors import FontError, Problem
from postcards.page.fonts import font_file
from postcards.page.subsetting import SubsetError, font_table, subset_truetype

_KEPT = 1024  # encodings cached per font (under a MB); cleared when full: memory stays flat


class TrueTypeFont:
    """One TTF file: what the writer needs to set text in it and to embed it."""

    def __init__(self, path: Path, resource: str):
        self.path, self.resource = path, resource
        self._read(font_file(path))
        #: Glyphs used so far: glyph id -> the smallest code point printed with it.
        self.used: dict[int, int] = {}
        self._encoded: dict[str, str] = {}
        self._noted: set[str] = set()  # the characters whose glyphs are in used already
        self._noted_hex: dict[int, str] = {}  # their hex glyph ids, for str.translate

    def _read(self, face: Any) -> None:
        """The glyph ids, widths and descriptor metrics, as fitting read them.

        ``face`` is reportlab's reading of the file, once a process: what fitting measured
        is what is printed, and fontTools is not imported by a print run at all.
        """
        self.name = face.name.decode("latin-1") if isinstance(face.name, bytes) else face.name
        # the bytes measured are the bytes embedded, even if the file changes during a run
        # (reportlab keeps them as _ttf_data; should a release not, the file is read now)
        data = getattr(face, "_ttf_data", None)
        self._data: bytes = bytes(data) if data is not None else self.path.read_bytes()
        count = face.numGlyphs
        # U+FFFF, a non-character, is a quirk of reportlab's reading of a format 4 cmap;
        # reportlab prints a no-break space with the space's glyph, and this does too
        self.cmap = {c: g for c, g in face.charToGlyph.items() if 0 < g < count and c != 0xFFFF}
        self._hex = {chr(code): f"{gid:04x}" for code, gid in self.cmap.items()}
        scale = 1000 / face.unitsPerEm
        try:
            full = int.from_bytes(font_table(self._data, "hhea")[34:36], "big")
        except SubsetError as exc:  # reportlab read it, so this is not expected
            raise FontError(Problem(f"cannot use this font: {exc}", file=self.path.name)) from None
        advances = [advance for advance, _ in face.hmetrics[:full]]  # (the rest, scaled)
        advances += advances[-1:] * (count - len(advances))  # the last advance repeats
        self.widths = [advance * scale for advance in advances]
        italic = float(face.italicAngle)
        self._metrics = {
            "ascent": face.ascent,
            "descent": face.descent,
            "cap": face.capHeight or face.ascent,
            "italic": italic,
            "bbox": " ".join(pdf_number(v) for v in face.bbox),
            "flags": 4 | (64 if italic else 0),
        }

    def encode(self, text: str) -> str:
        """``text`` as the hex glyph ids of a ``<...> Tj`` operand; notes the glyphs."""
        found = self._encoded.get(text)
        if found is None:
            if len(self._encoded) >= _KEPT:
                self._encoded.clear()
            found = self._encoded[text] = self._encode(text)
        return found

    def _encode(self, text: str) -> str:
        """One translate when every character was noted before (four hex digits each)."""
        out = text.translate(self._noted_hex)
        if len(out) == 4 * len(text):
            return out
        self._note(set(text).difference(self._noted))
        hexes = self._hex  # a character no face has: the notdef box, as reportlab drew it
        return "".join([hexes.get(char, "0000") for char in text])

    def _note(self, chars: set[str]) -> None:
        """Each character's glyph among those used, with the smallest code point printed."""
        self._noted.update(chars)
        cmap, used = self.cmap, self.used
        for char in chars:
            code = ord(char)
            gid = cmap.get(code)
            if gid:
                self._noted_hex[code] = self._hex[char]
                seen = used.get(gid)
                if seen is None or code < seen:
                    used[gid] = code

    def note(self, used: dict[int, int]) -> None:
        """Merge glyphs another process used (order does not matter: smallest wins)."""
        mine = self.used
        for gid, code in used.items():
            seen = mine.get(gid)
            if seen is None or code < seen:
                mine[gid] = code

    def width(self, text: str, size: float) -> float:
        """The advance of ``text`` at ``size`` as this font's /W array makes it."""
        widths, cmap = self.widths, self.cmap
        return sum(widths[cmap.get(ord(c), 0)] for c in text) * size / 1000

    # Embedding ----------------------------------------------------------------------------
    def subset_tag(self) -> str:
        """Six capitals from the glyphs used: the same subset gets the same name."""
        digest = hashlib.sha256(repr(sorted(self.used)).encode()).digest()
        return "".join(chr(65 + b % 26) for b in digest[:6])

    def subset_bytes(self) -> bytes:
        """The font file cut to the glyphs used, keeping every glyph's id."""
        try:
            return subset_truetype(self._data, self.used, self.cmap)
        except SubsetError as exc:  # a file reportlab read, but not one this can cut
            raise FontError(
                Problem(
                    f"cannot embed this font: {exc}; copy it again from the font's source",
                    file=self.path.name,
                )
            ) from None

    def widths_array(self) -> str:
        """The /W array: runs of consecutive glyph ids with their widths."""
        parts: list[str] = []
        run: list[int] = []
        for gid in sorted(self.used):
            if run and gid != run[-1] + 1:
                parts.append(self._run(run))
                run = []
            run.append(gid)
        if run:
            parts.append(self._run(run))
        return "[" + " ".join(parts) + "]"

    def _run(self, gids: list[int]) -> str:
        return f"{gids[0]} [" + " ".join(pdf_number(self.widths[g]) for g in gids) + "]"

    def to_unicode(self) -> bytes:
        """A CMap from glyph ids back to text, so that readers extract what was printed."""
        entries = sorted(self.used.items())
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
        ]
        for start in range(0, len(entries), 100):
            chunk = entries[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines += [
                f"<{gid:04X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
                for gid, code in chunk
            ]
            lines.append("endbfchar")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines).encode("ascii")

    def descriptor(self, base: str, file_ref: str) -> str:
        """The font descriptor dictionary: metrics and flags, and the embedded file."""
        m = self._metrics
        return (
            f"<< /Type /FontDescriptor /FontName /{base} /Flags {m['flags']} "
            f"/FontBBox [{m['bbox']}] /ItalicAngle {pdf_number(m['italic'])} "
            f"/Ascent {pdf_number(m['ascent'])} /Descent {pdf_number(m['descent'])} "
            f"/CapHeight {pdf_number(m['cap'])} /StemV 80 /FontFile2 {file_ref} >>"
        )

    def default_width(self) -> str:
        """The width of glyphs /W does not list (the .notdef glyph's)."""
        return pdf_number(self.widths[0])


def pdf_number(value: float) -> str:
    """A number as PDF writes it: at most 4 decimals, no trailing zeros.

    The same few hundred numbers (a box's edges, its lines' baselines, a size) recur on
    every card: each is formatted once and kept (a bounded table: memory stays flat).
    """
    text = _NUMBERS.get(value)
    if text is None:
        if len(_NUMBERS) >= _NUMBERS_KEPT:
            _NUMBERS.clear()
        text = _NUMBERS[value] = _formatted(value)
    return text


#: Numbers formatted so far; equal keys (1, 1.0, -0.0, 0.0) are formatted alike.
_NUMBERS: dict[float, str] = {}
_NUMBERS_KEPT = 4096


def _formatted(value: float) -> str:
    text = "%.4f" % value  # noqa: UP031 (twice as fast as an f-string here)
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
