"""Proof images: the cards drawn as ``cards`` draws them, rendered to pixels and marked.

The faces are drawn by the very :class:`~postcards.printing.run.PrintRun` of a print run,
one face a page, into a temporary PDF that is rendered with pdfium and then removed; the
mark ("PROOF", across the face and in a red tab at the top left) and the trim line are
drawn on the pixels with Pillow, never on a PDF, so nothing that leaves this module can
be sent to a printer as a card.  The cards carry stand-in codes (``PROOF-0001``, see
:func:`postcards.codes.proof_code`), which a scanner refuses.
"""

from __future__ import annotations

import functools
import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcards.cards.plans import CardPlan
from postcards.page.geometry import Page
from postcards.printing.chunks import Planned
from postcards.printing.run import PrintRun
from postcards.progress import Progress
from postcards.resources import bundled

MARK_RED = (200, 16, 46)
TRIM_BLUE = (0, 150, 220)
MARK_FONT = "PTSans-Bold.ttf"
#: The tab's share of the trimmed card's width and height.
TAB = (0.2, 0.045)  # from the bleed into the top margin, clear of the text


@dataclass(frozen=True)
class Faces:
    """One card's two faces, as marked images (Pillow), and the plan they show."""

    plan: CardPlan
    front: Any  # PIL.Image.Image (Pillow ships no type hints for mypy here)
    back: Any


def render_faces(
    run: PrintRun,
    plans: Sequence[CardPlan],
    dpi: int,
    progress: Progress | None = None,
) -> Iterator[Faces]:
    """Each card of ``plans``, front and back, rendered at ``dpi`` and marked as a proof.

    ``run`` must lay out one face a page (the ``single`` layout); its bleed is the bleed
    drawn (and shown outside the trim line).
    """
    import pypdfium2 as pdfium

    assert run.imposition.layout.single, "proofs are drawn one face a page"
    page = Page(run.imposition.card, run.imposition.bleed_mm)
    with tempfile.TemporaryDirectory(prefix="postcards-proof-") as folder:
        pdf = Path(folder) / "proof.pdf"
        run.render(Planned(plans), len(plans), [pdf], jobs=1)
        document = pdfium.PdfDocument(str(pdf))
        try:
            for index, plan in enumerate(plans):
                front, back = (
                    mark_proof(_render(document[2 * index + side], dpi), page) for side in (0, 1)
                )
                if progress:
                    progress(index + 1, len(plans))
                yield Faces(plan, front, back)
        finally:
            document.close()


def png_bytes(image: Any) -> bytes:
    """An image as PNG bytes (no time or other varying chunk: same image, same bytes).

    zlib's level 3, not Pillow's 6: a card's face at 150 dpi is written in half the time
    (0.032 s against 0.067 s for a front with its motif) for a file about as large
    (238 KB against 208 KB; a back 81 KB against 95 KB), and a proof of a run writes
    two a card.
    """
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()


def tab_box(width: int, height: int, page: Page) -> tuple[int, int, int, int]:
    """The red PROOF tab of a face ``width`` × ``height`` px: left, top, right, bottom."""
    sx, sy = width / page.width_mm, height / page.height_mm
    left = round(page.bleed_mm * sx)  # from the sheet's edge: the bleed is cut away anyway
    return (
        left,
        0,
        left + round(page.size.width_mm * TAB[0] * sx),
        round((page.bleed_mm + page.size.height_mm * TAB[1]) * sy),
    )


def mark_proof(image: Any, page: Page) -> Any:
    """``image`` (a face with its bleed) with the trim line, a diagonal PROOF and the tab."""
    from PIL import Image, ImageDraw

    face = image.convert("RGBA")
    width, height = face.size
    sx, sy = width / page.width_mm, height / page.height_mm
    trim = page.trim
    left, right = round(trim.x_mm * sx), round(trim.right_mm * sx) - 1
    top, bottom = round(page.bleed_mm * sy), round((page.height_mm - page.bleed_mm) * sy) - 1
    face = Image.alpha_composite(face, _diagonal(width, height))
    draw = ImageDraw.Draw(face)
    if page.bleed_mm > 0:
        draw.rectangle((left, top, right, bottom), outline=TRIM_BLUE, width=1)
    box = tab_box(width, height, page)
    draw.rectangle(box, fill=MARK_RED)
    font = _font(round((box[3] - box[1]) * 0.62))
    draw.text(
        ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), "PROOF", fill="white", font=font,
        anchor="mm",
    )  # fmt: skip
    return face.convert("RGB")


@functools.lru_cache(maxsize=4)  # every face of a run has one size: drawn once
def _diagonal(width: int, height: int) -> Any:
    """A translucent red "PROOF" from the bottom left to the top right of the face."""
    from PIL import Image, ImageDraw

    side = int((width**2 + height**2) ** 0.5)
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.text((side / 2, side / 2), "PROOF", fill=(*MARK_RED, 70), font=_font(side // 6),
              anchor="mm")  # fmt: skip
    angle = _degrees(height, width)
    turned = layer.rotate(angle, resample=Image.Resampling.BICUBIC)
    return turned.crop(
        ((side - width) // 2, (side - height) // 2, (side - width) // 2 + width,
         (side - height) // 2 + height)
    )  # fmt: skip


def _degrees(rise: float, run: float) -> float:
    import math

    return math.degrees(math.atan2(rise, run))


@functools.lru_cache(maxsize=8)
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(bundled("fonts") / MARK_FONT), max(size, 6))


def _render(page: Any, dpi: int) -> Any:
    try:
        return page.render(scale=dpi / 72).to_pil()
    finally:
        page.close()
