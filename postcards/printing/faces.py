"""Card plans -> PDF pages, with the cards' own streaming writer (:mod:`postcards.page.writer`).

What is the same on every card (the motif and headline of a front, the rules and stamp
box of a back) is drawn once as a PDF form and placed by reference; a text block that
recurs in the run (a sender's name, a shared message) is a form too.  Per card we draw
only its own text and its QR code as vector rectangles.  Each page goes to the file as
soon as it is drawn, and the same plans give the same bytes.  Greys are set as DeviceGray
(black text prints on the black plate alone); for PDF/X-4 the design's other colours are
converted once, here, to the press's CMYK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from postcards.cards.design import Design, TextStyle
from postcards.cards.plans import CardPlan, PlacedText
from postcards.errors import Problem, TemplateError
from postcards.page.colour import OutputProfile, Paint, grey_if_neutral
from postcards.page.embedding import TrueTypeFont
from postcards.page.fonts import ASCENT, FontSet
from postcards.page.geometry import Page, pt
from postcards.page.qr import PlacedQR, qr_rects, qr_transform
from postcards.page.text import fit_text
from postcards.page.writer import Content, PdfWriter, Rect
from postcards.progress import Progress

Colour = tuple[float, float, float]


def hex_colour(value: str, name: str = "colour") -> Colour:
    """``#rrggbb`` (or ``0xrrggbb``) as RGB fractions, as design.toml writes colours."""
    text = value.strip()
    text = text[1:] if text.startswith("#") else text[2:] if text[:2].lower() == "0x" else text
    try:
        number = int(text, 16)
    except ValueError:
        number = -1
    if len(text) != 6 or number < 0:
        raise TemplateError(Problem(f"colour {name} = {value!r} is not #rrggbb", column="design"))
    return ((number >> 16) / 255, (number >> 8 & 255) / 255, (number & 255) / 255)


def _towards(page: float, image: float, focus: float) -> float:
    """Where an image longer than the page starts: its ``focus`` (a fraction) centred.

    As near the page's middle as covering the page allows.
    """
    return min(0.0, max(page - image, page / 2 - focus * image))


@dataclass(slots=True)
class Recurring:
    """Blocks equal to one another in a chunk: on how many cards, and their form once drawn."""

    cards: int = 0
    form: str | None = None


def chunk_blocks(plans: Iterable[CardPlan]) -> dict[int, tuple[PlacedText, Recurring]]:
    """Each text block of the cards, by its object's id, with the blocks equal to it.

    Blocks on more than one card are drawn once, as a form: decided from all the plans
    before drawing, so that a card is drawn the same whatever was drawn before it (and
    whichever process draws it).  A block placed once is shared by every card that has
    it, so each object is hashed (its lines) once, not once per card; the entry holds
    the object, so an id is never another's.
    """
    alike: dict[PlacedText, Recurring] = {}
    objects: dict[int, tuple[PlacedText, Recurring]] = {}
    for plan in plans:
        for block in _blocks(plan):
            if block is not None:
                known = objects.get(id(block))
                if known is None:
                    known = objects[id(block)] = (block, alike.setdefault(block, Recurring()))
                known[1].cards += 1
    return objects


def languages_of(plans: Iterable[CardPlan]) -> list[str]:
    """The languages of the cards, in order of first use."""
    return list(dict.fromkeys(plan.language for plan in plans))


def signatures_of(plans: Iterable[CardPlan]) -> list[Path]:
    """The signature images on the cards, in order of first use."""
    return list(dict.fromkeys(plan.signature for plan in plans if plan.signature))


def _blocks(plan: CardPlan) -> tuple[PlacedText | None, ...]:
    return (plan.message, plan.sender_block, plan.return_block, plan.address, plan.code_label)


def _fill_operator(colour: Paint) -> str:
    """The operator :meth:`Content.fill` writes for ``colour``."""
    content = Content()
    content.fill(colour)
    return content.parts[0]


class CardRenderer:
    """Draws cards of one design and page size as content streams of a :class:`PdfWriter`."""

    def __init__(
        self, design: Design, page: Page, title: str, profile: OutputProfile | None = None
    ):
        """``profile``: the press's, for PDF/X-4; the colours are then its CMYK."""
        self.design, self.page, self.title = design, page, title
        self.fonts: FontSet = design.fonts
        self.front = design.front(page.size)
        self.back = design.back(page.size)
        paint = profile.paint if profile is not None else grey_if_neutral
        self.colours: dict[str, Paint] = {
            name: paint(hex_colour(value, name)) for name, value in design.colours.items()
        }
        self.headline_colour = paint(hex_colour(self.front.headline_colour, "headline_colour"))
        #: Each colour's fill operator, formatted once: every text block and code sets one.
        self._fills = {name: _fill_operator(colour) for name, colour in self.colours.items()}
        self._qr_starts: dict[tuple[float, float, float], str] = {}
        self.width, self.height = pt(page.width_mm), pt(page.height_mm)
        self.writer: PdfWriter | None = None

    def begin(
        self, writer: PdfWriter, languages: Iterable[str], signatures: Iterable[Path] = ()
    ) -> None:
        """Draw into ``writer``: its fonts, then every form and image of the run.

        Fonts, the fronts and backs of each language and the signatures are written in a
        fixed order before any page, so a page only names them: pages can then be drawn
        in any process and joined in order.  Nothing is written by the drawing that
        follows but the pages (and each chunk's recurring blocks, see
        :meth:`start_chunk`).
        """
        self.writer = writer
        faces = (*self.fonts.styles.values(), *self.fonts.fallbacks)
        self._faces: dict[str, TrueTypeFont] = {f.name: writer.add_font(f.path) for f in faces}
        #: Each style's face: what it lacks, and its font in this writer.
        self._primaries: dict[str, tuple[re.Pattern[str], TrueTypeFont]] = {}
        self._forms: dict[object, str] = {}
        self._front_pages: dict[str, bytes] = {}
        for language in languages:
            self._form(("front", language), partial(self._front_form, language=language))
            self._form(("back", language), partial(self._back_form, language=language))
        for path in signatures:
            writer.image(path)
        writer.seal()
        self.start_chunk((), "")

    def start_chunk(self, plans: Sequence[CardPlan], prefix: str) -> None:
        """Draw a chunk of cards: the blocks that recur in it become forms named after it.

        A chunk's forms depend on its cards alone, and a run is cut into the same chunks
        however many processes draw it, so the file is the same byte for byte.
        """
        #: The chunk's blocks by object, each with its form once drawn (if it recurs).
        self._chunk_forms = chunk_blocks(plans)
        self._prefix = prefix
        self.new_forms: list[tuple[str, bytes]] = []

    def page_boxes(self) -> tuple[Rect, Rect, Rect]:
        """A card page's media, trim and bleed boxes, in points."""
        trim = self.page.trim
        whole = (0.0, 0.0, self.width, self.height)
        return whole, (pt(trim.x_mm), pt(trim.y_mm), pt(trim.right_mm), pt(trim.top_mm)), whole

    def card_pages(self, plan: CardPlan) -> tuple[bytes, bytes]:
        """One card's front page and back page, as compressed content streams.

        A front is its language's form and nothing else: compressed once per language.
        """
        front = self._front_pages.get(plan.language)
        if front is None:
            page = Content()
            self.draw_front(page, plan.language)
            front = self._front_pages[plan.language] = page.bytes()
        back = Content()
        self.draw_back(back, plan)
        return front, back.bytes()

    def render(
        self,
        plans: Sequence[CardPlan],
        out: str | Path | IO[bytes],
        progress: Progress | None = None,
    ) -> int:
        """Write one front page and one back page per card; return the number of cards."""
        boxes = self.page_boxes()
        with PdfWriter(out, self.title) as writer:
            self.begin(writer, languages_of(plans), signatures_of(plans))
            self.start_chunk(plans, "C1")
            pages = [self.card_pages(plan) for plan in plans]
            for name, content in self.new_forms:
                writer.form(self.width, self.height, content, name)
            for count, (front, back) in enumerate(pages, 1):
                writer.add_page(front, *boxes)
                writer.add_page(back, *boxes)
                if progress:
                    progress(count, len(plans))
            writer.close()
        return len(plans)

    def _form(self, key: object, draw: Callable[[Content], None]) -> str:
        """A form the size of the card's page (whatever the size of the sheet), made once."""
        name = self._forms.get(key)
        if name is None:
            content = Content()
            draw(content)
            assert self.writer is not None
            name = self._forms[key] = self.writer.form(self.width, self.height, content.bytes())
        return name

    def runs(self, text: str, style: str) -> list[tuple[TrueTypeFont, str]]:
        """``text`` as (font, substring) runs, with the font set's fallback per character.

        Mostly one run in the style's own face: that is found with one scan.
        """
        primary = self._primaries.get(style)
        if primary is None:
            face = self.fonts.face(style)
            primary = self._primaries[style] = (face.lacks, self._faces[face.name])
        if primary[0].search(text) is None:
            return [(primary[1], text)]
        faces = self._faces
        return [(faces[name], part) for name, part in self.fonts.runs(text, style)]

    # Fronts -----------------------------------------------------------------------------
    def draw_front(self, content: Content, language: str) -> None:
        """The design's motif, full bleed, and its headline in the card's language."""
        content.draw(self._form(("front", language), lambda c: self._front_form(c, language)))

    def _front_form(self, content: Content, language: str) -> None:
        if self.front.motif is not None:  # one image for every language's front
            content.draw(self._form("motif", self._cover_image))
        headline = self.front.headlines.get(language) or self.front.headlines.get("en", "")
        if headline:
            content.fill(self.headline_colour)
            self._centred(content, headline, self.front.headline)

    def _cover_image(self, content: Content) -> None:
        """Scale the image to cover the page (bleed included), cropping what overflows.

        The crop keeps the design's focus (its subject) as near the page's centre as the
        image allows, so that a long, thin card (DL) still shows the subject.
        """
        assert self.writer is not None and self.front.motif is not None
        name, iw, ih = self.writer.image(self.front.motif)
        width, height = self.width, self.height
        scale = max(width / iw, height / ih)
        w, h = iw * scale, ih * scale
        fx, fy = self.front.focus
        content.save()
        content.rect(0, 0, width, height, "W n")
        content.transform(w, 0, 0, h, _towards(width, w, fx), _towards(height, h, 1 - fy))
        content.draw(name)
        content.restore()

    def _centred(self, content: Content, text: str, style: TextStyle) -> None:
        box = style.box
        fitted = fit_text(
            [(text, style.style)],
            self.fonts,
            pt(box.width_mm),
            pt(box.height_mm),
            style.max_size,
            style.min_size,
        )
        y = pt(self._y(box.top_mm)) - fitted.size * ASCENT
        lines = []
        for line, line_style in fitted.lines:
            width = self.fonts.width(line, line_style, fitted.size)
            x = pt(self._x(box.x_mm)) + (pt(box.width_mm) - width) / 2
            lines.append((self.runs(line, line_style), x, y))
            y -= fitted.leading
        content.text_lines(lines, fitted.size)

    # Backs ------------------------------------------------------------------------------
    def draw_back(self, content: Content, plan: CardPlan) -> None:
        """The static back for the card's language, then this card's text and QR."""
        language = plan.language
        content.draw(self._form(("back", language), lambda c: self._back_form(c, language)))
        for block in _blocks(plan):
            if block is not None:
                self._block(content, block)
        if plan.qr is not None:
            self._qr(content, plan.qr)
        if plan.signature is not None:
            self._signature(content, plan.signature)

    def _back_form(self, content: Content, language: str) -> None:
        content.stroke(self.colours["rule"])
        content.line_width(0.5)
        for rule in self.back.rules:  # the very lines preflight checks
            if rule.dotted:
                content.dash(1, 2)
            content.line(
                pt(self._x(rule.x0)),
                pt(self._y(rule.y0)),
                pt(self._x(rule.x1)),
                pt(self._y(rule.y1)),
            )
            if rule.dotted:
                content.dash()
        self._stamp_box(content, language)

    def _stamp_box(self, content: Content, language: str) -> None:
        stamp = self.back.stamp
        content.dash(2, 2)
        content.rect(
            pt(self._x(stamp.x_mm)),
            pt(self._y(stamp.y_mm)),
            pt(stamp.width_mm),
            pt(stamp.height_mm),
        )
        content.dash()
        label = self.back.stamp_labels.get(language) or self.back.stamp_labels.get("en", "")
        if label:
            content.fill(self.colours["rule"])
            size = 7.0
            width = self.fonts.width(label, "regular", size)
            x = pt(self._x(stamp.x_mm)) + (pt(stamp.width_mm) - width) / 2
            y = pt(self._y(stamp.y_mm + stamp.height_mm / 2)) - size / 3
            content.text(self.runs(label, "regular"), size, x, y)

    def _block(self, content: Content, block: PlacedText) -> None:
        """A text block; one on more than one card of the chunk is a form, drawn once.

        Recurring blocks are a sender's name or a shared message, for instance; forms are
        named in the order they are first drawn.
        """
        known = self._chunk_forms.get(id(block))
        if known is None or known[1].cards < 2:
            self._draw_block(content, block)
            return
        shared = known[1]
        if shared.form is None:
            drawn = Content()
            self._draw_block(drawn, block)
            shared.form = f"{self._prefix}B{len(self.new_forms) + 1}"
            self.new_forms.append((shared.form, drawn.bytes()))
        content.draw(shared.form)

    def _draw_block(self, content: Content, block: PlacedText) -> None:
        fitted = block.text
        content.op(self._fills[block.colour])
        x = pt(self._x(block.box.x_mm))
        y = pt(self._y(block.box.top_mm)) - fitted.size * ASCENT
        lines = []
        for line, style in fitted.lines:
            lines.append((self.runs(line, style), x, y))
            y -= fitted.leading
        content.text_lines(lines, fitted.size)

    def _qr(self, content: Content, qr: PlacedQR) -> None:
        """The code as vector rectangles (no raster per card).

        Its colour and transform, the same for every card's symbol, are formatted once.
        """
        place = (qr.x_mm, qr.y_mm, qr.module_mm)
        start = self._qr_starts.get(place)
        if start is None:
            ops = Content()
            ops.op(self._fills["qr"])
            ops.save()
            ops.transform(
                *qr_transform(pt(self._x(qr.x_mm)), pt(self._y(qr.y_mm)), pt(qr.module_mm))
            )
            if len(self._qr_starts) >= 64:
                self._qr_starts.clear()  # bounded (a place per size of symbol)
            start = self._qr_starts[place] = "\n".join(ops.parts)  # as Content.bytes joins
        content.op(start)
        content.op(qr_rects(qr.matrix))
        content.restore()

    def _signature(self, content: Content, path: Path) -> None:
        """The signature fitted into its box, keeping its proportions, from the bottom left."""
        assert self.writer is not None
        sig = self.back.signature
        name, iw, ih = self.writer.image(path)
        scale = min(pt(sig.width_mm) / iw, pt(sig.height_mm) / ih)
        content.save()
        content.transform(
            iw * scale, 0, 0, ih * scale, pt(self._x(sig.x_mm)), pt(self._y(sig.y_mm))
        )
        content.draw(name)
        content.restore()

    # Trim coordinates -> page coordinates -----------------------------------------------
    def _x(self, x_mm: float) -> float:
        return x_mm + self.page.bleed_mm

    def _y(self, y_mm: float) -> float:
        return y_mm + self.page.bleed_mm
