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
from postcards.page.subsetting import SubsetError, subset_truetype

_KEPT = 1024  # encodings cached per font (under a MB); cleared when full: memory stays flat

class TrueTypeFont:
    """One TTF file: what the writer needs to set text in it and to embed it."""

    def __init__(self, path: Path, resource: str):
        from fontTools.ttLib import TTFont

        self.path, self.resource = path, resource
        # closed when read: a lazy font keeps its file open, one descriptor per font and run
        with TTFont(str(path), recalcTimestamp=False, lazy=True) as font:
            self._read(font)
        #: Glyphs used so far: glyph id -> the smallest code point printed with it.
        self.used: dict[int, int] = {}
        self._encoded: dict[str, str] = {}
        self._noted: set[str] = set()  # the characters whose glyphs are in used already
        self._noted_hex: dict[int, str] = {}  # their hex glyph ids, for str.translate

    def _read(self, font: Any) -> None:
        """The glyph ids, widths and descriptor metrics, read once from the open font."""
        self.name = font["name"].getDebugName(6) or self.path.stem
        glyph_ids = font.getReverseGlyphMap()
        count = font["maxp"].numGlyphs
        cmap = {code: glyph_ids[name] for code, name in font.getBestCmap().items()}
        cmap = {code: gid for code, gid in cmap.items() if 0 < gid < count}
        if 0x20 in cmap:  # reportlab prints a no-break space with the space's glyph
            cmap[0xA0] = cmap[0x20]
        elif 0xA0 in cmap:
            cmap[0x20] = cmap[0xA0]
        self.cmap = cmap
        self._hex = {chr(code): f"{gid:04x}" for code, gid in cmap.items()}
        scale = 1000 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        self.widths = [metrics[font.getGlyphName(gid)][0] * scale for gid in range(count)]
        self._metrics = _descriptor_metrics(font, scale)

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
            return subset_truetype(self.path.read_bytes(), self.used, self.cmap)
        except (SubsetError, OSError) as exc:  # the file changed or went since it was read
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


def _descriptor_metrics(font, scale: float) -> dict:
    head, hhea, post = font["head"], font["hhea"], font["post"]
    os2 = font.get("OS/2")
    ascent = os2.sTypoAscender if os2 is not None else hhea.ascent
    descent = os2.sTypoDescender if os2 is not None else hhea.descent
    cap = getattr(os2, "sCapHeight", 0) or ascent
    italic = float(post.italicAngle)
    bbox = " ".join(pdf_number(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    return {
        "ascent": ascent * scale,
        "descent": descent * scale,
        "cap": cap * scale,
        "italic": italic,
        "bbox": bbox,
        "flags": 4 | (64 if italic else 0),
    }


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
