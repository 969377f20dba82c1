"""Card plans -> PDF pages with reportlab.

What is the same on every card (the motif and headline of a front, the rules and stamp
box of a back) is drawn once as a PDF form and placed by reference; per card we draw only
its text and its QR code as vector rectangles.  ``invariant`` mode makes the same plans
give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from postcards.cards.design import Design, TextStyle
from postcards.cards.plans import CardPlan, PlacedText
from postcards.page.fonts import FontSet
from postcards.page.geometry import Page, pt
from postcards.page.qr import PlacedQR, draw_qr
from postcards.page.text import fit_text

#: Called as progress(done, total) while cards are drawn.
Progress = Callable[[int, int], None]

#: Baseline of the first line below the top of its box, as a fraction of the font size.
_ASCENT = 0.93


class CardRenderer:
    """Draws cards of one design and page size onto a reportlab canvas."""

    def __init__(self, design: Design, page: Page, title: str):
        self.design, self.page, self.title = design, page, title
        self.fonts: FontSet = design.fonts
        self.front = design.front(page.size)
        self.back = design.back(page.size)
        self._forms: set[str] = set()
        self._blocks: dict[PlacedText, int | str] = {}
        from reportlab.lib.colors import HexColor

        self.colours = {name: HexColor(value) for name, value in design.colours.items()}

    def render(
        self,
        plans: Sequence[CardPlan],
        out: str | Path | IO[bytes],
        progress: Progress | None = None,
    ) -> int:
        """Write one front page and one back page per card; return the number of cards."""
        from reportlab.pdfgen.canvas import Canvas

        canvas = Canvas(
            str(out) if isinstance(out, str | Path) else out,
            pagesize=(pt(self.page.width_mm), pt(self.page.height_mm)),
            invariant=1,
            pageCompression=1,
            initialFontName=self.fonts.face("regular").name,
        )
        canvas.setTitle(self.title)
        canvas.setCreator("postcards")
        canvas.setAuthor("postcards")
        self._set_boxes(canvas)
        count = 0
        for plan in plans:
            self.draw_front(canvas, plan.language)
            canvas.showPage()
            self.draw_back(canvas, plan)
            canvas.showPage()
            count += 1
            if progress:
                progress(count, len(plans))
        canvas.save()
        return count

    def _set_boxes(self, canvas) -> None:
        trim = self.page.trim
        canvas.setTrimBox((pt(trim.x_mm), pt(trim.y_mm), pt(trim.right_mm), pt(trim.top_mm)))
        canvas.setBleedBox((0, 0, pt(self.page.width_mm), pt(self.page.height_mm)))

    # Fronts -----------------------------------------------------------------------------
    def draw_front(self, canvas, language: str) -> None:
        """The design's motif, full bleed, and its headline in the card's language."""
        name = f"front-{language}"
        if self.front.motif is not None and "motif" not in self._forms:
            self._begin_form(canvas, "motif")  # one image for every language's front
            self._cover_image(
                canvas, self.front.motif, pt(self.page.width_mm), pt(self.page.height_mm)
            )
            canvas.endForm()
            self._forms.add("motif")
        if name not in self._forms:
            self._begin_form(canvas, name)
            self._front_form(canvas, language)
            canvas.endForm()
            self._forms.add(name)
        canvas.doForm(name)

    def _begin_form(self, canvas, name: str) -> None:
        """A form the size of the card's page, whatever the size of the sheet."""
        canvas.beginForm(name, 0, 0, pt(self.page.width_mm), pt(self.page.height_mm))

    def _front_form(self, canvas, language: str) -> None:
        if self.front.motif is not None:
            canvas.doForm("motif")
        headline = self.front.headlines.get(language) or self.front.headlines.get("en", "")
        if headline:
            canvas.setFillColor(self.front.headline_colour)
            self._centred(canvas, headline, self.front.headline)

    def _cover_image(self, canvas, path: Path, width: float, height: float) -> None:
        """Scale the image to cover the page (bleed included), cropping what overflows."""
        from reportlab.lib.utils import ImageReader

        image = ImageReader(str(path))
        iw, ih = image.getSize()
        scale = max(width / iw, height / ih)
        w, h = iw * scale, ih * scale
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(0, 0, width, height)
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.drawImage(image, (width - w) / 2, (height - h) / 2, w, h)
        canvas.restoreState()

    def _centred(self, canvas, text: str, style: TextStyle) -> None:
        box = style.box
        fitted = fit_text(
            [(text, style.style)],
            self.fonts,
            pt(box.width_mm),
            pt(box.height_mm),
            style.max_size,
            style.min_size,
        )
        y = pt(self._y(box.top_mm)) - fitted.size * _ASCENT
        for line, line_style in fitted.lines:
            width = self.fonts.width(line, line_style, fitted.size)
            x = pt(self._x(box.x_mm)) + (pt(box.width_mm) - width) / 2
            self._text_line(canvas, line, line_style, fitted.size, x, y)
            y -= fitted.leading

    # Backs ------------------------------------------------------------------------------
    def draw_back(self, canvas, plan: CardPlan) -> None:
        """The static back for the card's language, then this card's text and QR."""
        name = f"back-{plan.language}"
        if name not in self._forms:
            self._begin_form(canvas, name)
            self._back_form(canvas, plan.language)
            canvas.endForm()
            self._forms.add(name)
        canvas.doForm(name)
        for block in (
            plan.message,
            plan.sender_block,
            plan.return_block,
            plan.address,
            plan.code_label,
        ):
            if block is not None:
                self._block(canvas, block)
        if plan.qr is not None:
            self._qr(canvas, plan.qr)
        if plan.signature is not None:
            self._signature(canvas, plan.signature)

    def _back_form(self, canvas, language: str) -> None:
        canvas.setStrokeColor(self.colours["rule"])
        canvas.setLineWidth(0.5)
        for rule in self.back.rules:  # the very lines preflight checks
            if rule.dotted:
                canvas.setDash(1, 2)
            canvas.line(
                pt(self._x(rule.x0)),
                pt(self._y(rule.y0)),
                pt(self._x(rule.x1)),
                pt(self._y(rule.y1)),
            )
            canvas.setDash()
        self._stamp_box(canvas, language)

    def _stamp_box(self, canvas, language: str) -> None:
        stamp = self.back.stamp
        canvas.setDash(2, 2)
        canvas.rect(
            pt(self._x(stamp.x_mm)),
            pt(self._y(stamp.y_mm)),
            pt(stamp.width_mm),
            pt(stamp.height_mm),
            stroke=1,
            fill=0,
        )
        canvas.setDash()
        label = self.back.stamp_labels.get(language) or self.back.stamp_labels.get("en", "")
        if label:
            canvas.setFillColor(self.colours["rule"])
            size = 7.0
            width = self.fonts.width(label, "regular", size)
            x = pt(self._x(stamp.x_mm)) + (pt(stamp.width_mm) - width) / 2
            y = pt(self._y(stamp.y_mm + stamp.height_mm / 2)) - size / 3
            self._text_line(canvas, label, "regular", size, x, y)

    def _block(self, canvas, block: PlacedText) -> None:
        """A text block; one that recurs (a sender's name, a shared message) is a form."""
        seen = self._blocks.get(block)
        if seen is None:
            self._blocks[block] = 1
            self._draw_block(canvas, block)
            return
        if isinstance(seen, int):
            seen = f"block-{len(self._forms)}"
            self._begin_form(canvas, seen)
            self._draw_block(canvas, block)
            canvas.endForm()
            self._forms.add(seen)
            self._blocks[block] = seen
        canvas.doForm(seen)

    def _draw_block(self, canvas, block: PlacedText) -> None:
        fitted = block.text
        canvas.setFillColor(self.colours[block.colour])
        x = pt(self._x(block.box.x_mm))
        y = pt(self._y(block.box.top_mm)) - fitted.size * _ASCENT
        text = canvas.beginText()
        current = None
        for line, style in fitted.lines:
            text.setTextOrigin(x, y)
            for font, part in self.fonts.runs(line, style):
                if font != current:
                    text.setFont(font, fitted.size)
                    current = font
                text.textOut(part)
            y -= fitted.leading
        canvas.drawText(text)

    def _text_line(self, canvas, line: str, style: str, size: float, x: float, y: float) -> None:
        text = canvas.beginText(x, y)
        for font, part in self.fonts.runs(line, style):
            text.setFont(font, size)
            text.textOut(part)
        canvas.drawText(text)

    def _qr(self, canvas, qr: PlacedQR) -> None:
        """The code as vector rectangles (no raster per card)."""
        canvas.setFillColor(self.colours["qr"])
        draw_qr(canvas, qr.matrix, pt(self._x(qr.x_mm)), pt(self._y(qr.y_mm)), pt(qr.module_mm))

    def _signature(self, canvas, path: Path) -> None:
        sig = self.back.signature
        canvas.drawImage(
            str(path),
            pt(self._x(sig.x_mm)),
            pt(self._y(sig.y_mm)),
            pt(sig.width_mm),
            pt(sig.height_mm),
            mask="auto",
            preserveAspectRatio=True,
            anchor="sw",
        )

    # Trim coordinates -> page coordinates -----------------------------------------------
    def _x(self, x_mm: float) -> float:
        return x_mm + self.page.bleed_mm

    def _y(self, y_mm: float) -> float:
        return y_mm + self.page.bleed_mm
