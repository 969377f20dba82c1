"""A small streaming PDF writer for card faces: objects go to the file as they are made.

Only the offsets of the objects written stay in memory, so 100,000 cards need no more
memory than 1,000.  Every page and form shares one resource dictionary (written at the
end), and text uses the fonts' own glyph ids, so a page's content is plain bytes that any
process can make (:class:`Content`) and the parent writes in order (:meth:`add_page`,
:meth:`note_glyphs`): the file is the same byte for byte however the work was split.
The bytes depend only on what is drawn: no dates, and the /ID is a hash of the content.
A PDF/X-4 file (given a :class:`~postcards.page.pdfx.PdfX`) carries the dates of its run,
not of the clock, its output intent and XMP metadata, and its images in the press's CMYK.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from pathlib import Path
from typing import IO

from postcards.page.colour import Paint, grey_if_neutral
from postcards.page.embedding import TrueTypeFont, pdf_number
from postcards.page.images import image_objects
from postcards.page.pdfx import PdfX

_CATALOG, _PAGES, _RESOURCES, _INFO = 1, 2, 3, 4

#: The fill operator for a colour of 1, 3 or 4 values (the stroke's is its upper case).
_FILL = {1: " g", 3: " rg", 4: " k"}

#: (x0, y0, x1, y1) in points.
Rect = tuple[float, float, float, float]


def _rect(rect: Rect) -> str:
    return "[" + " ".join(pdf_number(v) for v in rect) + "]"


def _text_string(text: str) -> str:
    """A PDF text string: UTF-16BE with a byte order mark, as hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class PdfWriter:
    """Writes one PDF file: fonts, images and forms once, then pages one by one."""

    def __init__(self, out: str | Path | IO[bytes], title: str, pdfx: PdfX | None = None):
        self._own = isinstance(out, str | Path)
        self._file: IO[bytes] = (
            open(out, "wb", buffering=1 << 20)  # type: ignore[arg-type, assignment]  # noqa: SIM115
            if self._own
            else out
        )
        self._hash = hashlib.md5()
        self._position = 0
        self._offsets = array("Q", [0] * 5)
        self._pages = array("L")
        self.title = title
        self.pdfx = pdfx
        self.fonts: dict[str, TrueTypeFont] = {}
        self._xobjects: dict[str, int] = {}
        self._images: dict[Path, tuple[str, int, int]] = {}
        self._sealed = False
        self._boxes: dict[tuple, bytes] = {}
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def __enter__(self) -> PdfWriter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        """Let go of the file: after :meth:`close`, or unfinished (the caller removes it)."""
        if self._own:
            self._file.close()

    # Low level ----------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        self._file.write(data)
        self._hash.update(data)
        self._position += len(data)

    def _reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _stream(self, number: int, entries: str, data: bytes) -> None:
        self._offsets[number] = self._position
        self._write(
            b"%d 0 obj\n<< %s /Length %d >>\nstream\n%s\nendstream\nendobj\n"
            % (number, entries.encode("ascii"), len(data), data)
        )

    # Resources ----------------------------------------------------------------------------
    def add_font(self, path: Path) -> TrueTypeFont:
        """Register a TTF (once per path); its resource name follows registration order."""
        for font in self.fonts.values():
            if font.path == path:
                return font
        font = TrueTypeFont(path, f"F{len(self.fonts) + 1}")
        self.fonts[font.resource] = font
        return font

    def seal(self) -> None:
        """From now on only pages and named forms: an image first asked for now is refused.

        Pages may be drawn in worker processes, which share this file's descriptor: only
        the parent may write to it, so every image must be registered before they start.
        """
        self._sealed = True

    def flush(self) -> None:
        """Write what is buffered, so a forked worker inherits no unwritten bytes."""
        self._file.flush()

    def glyphs(self) -> dict[str, dict[int, int]]:
        """The glyphs each font has used so far, by resource name (for :meth:`note_glyphs`)."""
        return {name: dict(font.used) for name, font in self.fonts.items()}

    def note_glyphs(self, resource: str, used: dict[int, int]) -> None:
        """Glyphs a page made elsewhere used (glyph id -> code point), for the subset."""
        self.fonts[resource].note(used)

    def form(self, width: float, height: float, content: bytes, name: str = "") -> str:
        """A form XObject from Flate-compressed ``content``; returns its resource name.

        ``name`` is given when the pages that use the form were drawn elsewhere (a worker
        names a chunk's forms after the chunk); otherwise forms are numbered in order.
        """
        name = name or f"Fm{len(self._xobjects) + 1}"
        if name in self._xobjects:
            raise ValueError(f"a second form named {name}")
        number = self._reserve()
        self._stream(
            number,
            f"/Type /XObject /Subtype /Form /BBox [0 0 {pdf_number(width)} "
            f"{pdf_number(height)}] /Resources {_RESOURCES} 0 R /Filter /FlateDecode",
            content,
        )
        self._xobjects[name] = number
        return name

    def image(self, path: Path) -> tuple[str, int, int]:
        """An image XObject (once per file): its resource name and size in pixels."""
        if path in self._images:
            return self._images[path]
        if self._sealed:
            raise RuntimeError(f"image {path} was not registered before the pages")
        name = f"Im{len(self._xobjects) + 1}"
        profile = self.pdfx.profile if self.pdfx else None
        (entries, data), mask, size = image_objects(path, profile)
        number = self._reserve()
        if mask is not None:
            mask_number = self._reserve()
            self._stream(mask_number, mask[0], mask[1])
            entries += f" /SMask {mask_number} 0 R"
        self._stream(number, entries, data)
        self._xobjects[name] = number
        self._images[path] = (name, *size)
        return self._images[path]

    # Pages --------------------------------------------------------------------------------
    def add_page(
        self, content: bytes, media: Rect, trim: Rect | None = None, bleed: Rect | None = None
    ) -> None:
        """A page from Flate-compressed ``content``, written now and then forgotten.

        Its content stream and its page object go to the file in one write.
        """
        contents, page = self._reserve(), self._reserve()
        stream = b"%d 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        stream %= (contents, len(content), content)
        self._offsets[contents] = self._position
        self._offsets[page] = self._position + len(stream)
        entries = self._page_entries(media, trim, bleed)
        self._write(stream + b"%d 0 obj\n<< %s%d 0 R >>\nendobj\n" % (page, entries, contents))
        self._pages.append(page)

    def _page_entries(self, media: Rect, trim: Rect | None, bleed: Rect | None) -> bytes:
        """A page's dictionary up to its contents' number: the same on every page of a run."""
        entries = self._boxes.get((media, trim, bleed))
        if entries is None:
            boxes = f"/MediaBox {_rect(media)}"
            if trim is not None:
                boxes += f" /TrimBox {_rect(trim)}"
            if bleed is not None:
                boxes += f" /BleedBox {_rect(bleed)}"
            entries = self._boxes[(media, trim, bleed)] = (
                f"/Type /Page /Parent {_PAGES} 0 R {boxes} /Resources {_RESOURCES} 0 R /Contents "
            ).encode("ascii")
        return entries

    @property
    def page_count(self) -> int:
        """Pages written so far."""
        return len(self._pages)

    # The end ------------------------------------------------------------------------------
    def close(self) -> None:
        """Embed the font subsets, write the shared objects and the cross-reference."""
        fonts = {name: self._embed(font) for name, font in self.fonts.items() if font.used}
        font_dict = " ".join(f"/{name} {number} 0 R" for name, number in fonts.items())
        xobjects = " ".join(f"/{name} {number} 0 R" for name, number in self._xobjects.items())
        self._object(
            _RESOURCES,
            (
                f"<< /ProcSet [/PDF /Text /ImageB /ImageC] /Font << "
                f"{font_dict} >> /XObject << {xobjects} >> >>"
            ).encode("ascii"),
        )
        self._page_tree()
        catalog = self._pdfx_catalog() if self.pdfx else ""
        self._object(_CATALOG, f"<< /Type /Catalog /Pages {_PAGES} 0 R{catalog} >>".encode("ascii"))
        who = _text_string("postcards")
        self._object(
            _INFO,
            (
                f"<< /Title {_text_string(self.title)} /Author {who} /Creator "
                f"{who} /Producer {who}{' ' + self.pdfx.info_entries() if self.pdfx else ''} >>"
            ).encode("ascii"),
        )
        self._xref()
        if self._own:
            self._file.close()

    def _pdfx_catalog(self) -> str:
        """Write the output intent's profile and the XMP; the catalog's entries naming them."""
        assert self.pdfx is not None
        profile, metadata = self._reserve(), self._reserve()
        self._stream(profile, "/N 4 /Filter /FlateDecode", zlib.compress(self.pdfx.profile.data))
        xmp = self.pdfx.xmp(self.title, "postcards", self._hash.hexdigest())
        self._stream(metadata, "/Type /Metadata /Subtype /XML", xmp)  # plain: tools read it
        return f" /Metadata {metadata} 0 R /OutputIntents [{self.pdfx.output_intent(profile)}]"

    def _page_tree(self) -> None:
        """The Pages object, its kids written a piece at a time (200,000 pages: 2 MB)."""
        self._offsets[_PAGES] = self._position
        self._write(b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [" % (_PAGES, len(self._pages)))
        for first in range(0, len(self._pages), 10_000):
            piece = self._pages[first : first + 10_000]
            self._write(b" " * (first > 0) + b" ".join(b"%d 0 R" % n for n in piece))
        self._write(b"] >>\nendobj\n")

    def _xref(self) -> None:
        start = self._position
        ident = self._hash.hexdigest().upper()
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self._offsets))
        for first in range(1, len(self._offsets), 10_000):  # 200,000 pages: a piece at a time
            piece = self._offsets[first : first + 10_000]
            self._write(b"".join(b"%010d 00000 n \n" % offset for offset in piece))
        self._write(
            (
                f"trailer\n<< /Size {len(self._offsets)} /Root {_CATALOG} 0 R /Info "
                f"{_INFO} 0 R /ID [<{ident}> <{ident}>] >>\nstartxref\n{start}\n%%EOF\n"
            ).encode("ascii")
        )

    def _embed(self, font: TrueTypeFont) -> int:
        """Write one font's objects (Type0 over CIDFontType2); returns the Type0's number."""
        data = font.subset_bytes()
        base = f"{font.subset_tag()}+{font.name}"
        numbers = [self._reserve() for _ in range(5)]
        type0, cid, descriptor, file, unicode = numbers
        self._stream(file, f"/Length1 {len(data)} /Filter /FlateDecode", zlib.compress(data, 9))
        self._object(descriptor, font.descriptor(base, f"{file} 0 R").encode("ascii"))
        self._object(
            cid,
            (
                f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} "
                f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
                f"/Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW "
                f"{font.default_width()} /W {font.widths_array()} /CIDToGIDMap "
                f"/Identity >>"
            ).encode("ascii"),
        )
        self._stream(unicode, "/Filter /FlateDecode", zlib.compress(font.to_unicode()))
        self._object(
            type0,
            (
                f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding "
                f"/Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode "
                f"{unicode} 0 R >>"
            ).encode("ascii"),
        )
        return type0


class Content:
    """A content stream being drawn: operators as text, compressed when done.

    Coordinates are in points.  Text is set with a :class:`TrueTypeFont` of the writer;
    the glyphs it uses are noted on the font.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []

    def op(self, text: str) -> None:
        """Append operators as they are (QR runs, anything made elsewhere)."""
        self.parts.append(text)

    def save(self) -> None:
        """Save the graphics state (``q``)."""
        self.parts.append("q")

    def restore(self) -> None:
        """Restore the graphics state saved last (``Q``)."""
        self.parts.append("Q")

    def transform(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        """Concatenate a matrix to the current transform (``cm``)."""
        self.parts.append(" ".join(map(pdf_number, (a, b, c, d, e, f))) + " cm")

    def fill(self, colour: Paint) -> None:
        """A grey (1 value), RGB (3) or CMYK (4) fill colour, 0..1; an RGB grey is set as grey.

        Black and grey text then print on the black plate alone (``0 g``, not ``0 0 0 rg``).
        """
        colour = grey_if_neutral(colour)
        self.parts.append(" ".join(map(pdf_number, colour)) + _FILL[len(colour)])

    def stroke(self, colour: Paint) -> None:
        """A grey (1 value), RGB (3) or CMYK (4) stroke colour, 0..1; an RGB grey as grey."""
        colour = grey_if_neutral(colour)
        self.parts.append(" ".join(map(pdf_number, colour)) + _FILL[len(colour)].upper())

    def line_width(self, width: float) -> None:
        """The width of stroked lines, in points."""
        self.parts.append(f"{pdf_number(width)} w")

    def dash(self, on: float = 0, off: float = 0) -> None:
        """A dash pattern, or a solid line when called without arguments."""
        self.parts.append(f"[{pdf_number(on)} {pdf_number(off)}] 0 d" if on else "[] 0 d")

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A stroked straight line from (x0, y0) to (x1, y1)."""
        self.parts.append(
            f"{pdf_number(x0)} {pdf_number(y0)} m {pdf_number(x1)} {pdf_number(y1)} l S"
        )

    def rect(self, x: float, y: float, width: float, height: float, paint: str = "S") -> None:
        """A rectangle, stroked (``S``), filled (``f``), or a clip (``W n``)."""
        self.parts.append(
            f"{pdf_number(x)} {pdf_number(y)} {pdf_number(width)} {pdf_number(height)} re {paint}"
        )

    def draw(self, name: str) -> None:
        """Place a form or image XObject by its resource name."""
        self.parts.append(f"/{name} Do")

    def text(self, runs: list[tuple[TrueTypeFont, str]], size: float, x: float, y: float) -> None:
        """One line of text from (font, string) runs, its baseline starting at (x, y)."""
        self.text_lines([(runs, x, y)], size)

    def text_lines(
        self, lines: list[tuple[list[tuple[TrueTypeFont, str]], float, float]], size: float
    ) -> None:
        """Lines of (font, string) runs at their origins, in one text object."""
        out = ["BT"]
        current = None
        size_text = pdf_number(size)
        for runs, x, y in lines:
            out.append(f"1 0 0 1 {pdf_number(x)} {pdf_number(y)} Tm")
            for font, part in runs:
                if font is not current:
                    out.append(f"/{font.resource} {size_text} Tf")
                    current = font
                out.append(f"<{font.encode(part)}> Tj")
        out.append("ET")
        self.parts.append(" ".join(out))

    def bytes(self) -> bytes:
        """The stream, Flate-compressed, ready for :meth:`PdfWriter.add_page` or a form."""
        # level 3: half the time of the default 6 for a card's page, 13 % more bytes
        return zlib.compress("\n".join(self.parts).encode("ascii"), 3)
