"""Poster plans -> a vector PDF (reportlab), and PNG/JPG pages rasterised from that PDF.

There is one drawing: PNG and JPG are the PDF rendered by pdfium, so the images show
exactly what the PDF prints.  Posters are rendered at ``--dpi``; share images at their
exact pixel size (one pixel per PDF point).  Every file is written under a temporary
name and moved into place only when all of them are complete.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from postcards.errors import LayoutError, UsageError
from postcards.files import publish, staged
from postcards.inputs.photos import load_scaled
from postcards.page.documents import save_canvas
from postcards.page.fonts import FontSet
from postcards.page.geometry import pt
from postcards.page.qr import PlacedQR, draw_qr
from postcards.posters.plans import Picture, Poster, PosterPage, TextLine, Tile

#: What a poster may be written as: its file's suffix, and the format that writes it.
POSTER_FORMATS = {".pdf": "PDF", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
POSTER_SUFFIXES = tuple(POSTER_FORMATS)
#: A raster page larger than this is refused: lower --dpi (A0 at 300 dpi is 140 Mpx).
MAX_PAGE_PIXELS = 150_000_000
#: Photos are embedded at this resolution at most (sharp in print, small in the PDF).
PHOTO_DPI = 200


def output_files(poster: Poster, out: Path) -> list[Path]:
    """The files a poster is written to.

    ``out`` for a PDF or a single image; numbered pages (``poster-1.png``) or named sizes
    (``share-1080x1080.png``) otherwise.
    """
    if out.suffix.lower() == ".pdf" or len(poster.pages) == 1:
        return [out]
    if all(page.pixels for page in poster.pages):
        return [
            out.with_name(f"{out.stem}-{_size(page.pixels)}{out.suffix}") for page in poster.pages
        ]
    digits = len(str(len(poster.pages)))
    return [
        out.with_name(f"{out.stem}-{i:0{digits}d}{out.suffix}")
        for i in range(1, len(poster.pages) + 1)
    ]


def write_poster(
    poster: Poster,
    fonts: FontSet,
    colours: dict[str, str],
    out: Path,
    dpi: int = 150,
    title: str = "",
) -> list[Path]:
    """Write the poster as the extension of ``out`` says; return the files written.

    Raises:
        UsageError: an extension other than .pdf, .png, .jpg.
        LayoutError: an image would be too large at this dpi.
    """
    fmt = POSTER_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"-o {out.name}: the poster is written as .pdf, .png or .jpg")
    out = out.resolve()
    targets = output_files(poster, out)
    sizes = [raster_size(page, dpi) for page in poster.pages]
    if fmt != "PDF":
        _check_sizes(sizes, dpi)
    with ExitStack() as stack:
        if fmt == "PDF":
            tmp = stack.enter_context(staged(out))
            PosterRenderer(fonts, colours).render(poster, tmp, title)
            publish(tmp, out)
            return [out]
        pdf = stack.enter_context(staged(out.with_suffix(".pdf")))
        PosterRenderer(fonts, colours).render(poster, pdf, title)
        temps = [stack.enter_context(staged(target)) for target in targets]
        rasterise(pdf, sizes, temps, fmt)
        pdf.unlink()
        for tmp, target in zip(temps, targets, strict=True):
            publish(tmp, target)
    return targets


def raster_size(page: PosterPage, dpi: int) -> tuple[int, int]:
    """A page's size in pixels: exact for a share image, else at ``dpi``."""
    if page.pixels:
        return page.pixels
    return round(page.width_mm / 25.4 * dpi), round(page.height_mm / 25.4 * dpi)


def _check_sizes(sizes: list[tuple[int, int]], dpi: int) -> None:
    width, height = max(sizes, key=lambda s: s[0] * s[1])
    if width * height > MAX_PAGE_PIXELS:
        raise LayoutError(
            f"at {dpi} dpi a page would be {width} × {height} pixels "
            f"({width * height / 1e6:.0f} megapixels); choose a lower --dpi"
        )


def rasterise(pdf: Path, sizes: list[tuple[int, int]], outs: list[Path], fmt: str) -> None:
    """Render each page of ``pdf`` at its exact pixel size into ``outs`` (PNG or JPEG)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        for index, ((width, height), out) in enumerate(zip(sizes, outs, strict=True)):
            page = document[index]
            scale = (width - 0.01) / page.get_width()  # pdfium rounds up: land on width
            image = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil()
            image = image.convert("RGB")
            if image.size != (width, height):
                image = image.resize((width, height))
            options = {"quality": 90, "optimize": True} if fmt == "JPEG" else {}
            image.save(out, fmt, dpi=(width / page.get_width() * 72,) * 2, **options)
            page.close()
    finally:
        document.close()


class PosterRenderer:
    """Draws poster plans; knows nothing of what the poster means."""

    def __init__(self, fonts: FontSet, colours: dict[str, str]):
        from reportlab.lib.colors import HexColor

        self.fonts = fonts
        palette = {"white": "#ffffff", "ink": "#000000", "accent": "#b3121f", **colours}
        self.colours = {name: HexColor(value) for name, value in palette.items()}

    def colour(self, name: str) -> Any:
        """A palette colour by name, else the name read as a hex colour."""
        from reportlab.lib.colors import HexColor

        return self.colours.get(name) or HexColor(name)

    def render(self, poster: Poster, out: Path, title: str = "") -> None:
        """Write the poster as one PDF, a page per poster page, deterministic."""
        from reportlab.pdfgen.canvas import Canvas

        first = poster.pages[0]
        canvas = Canvas(
            str(out),
            pagesize=(pt(first.width_mm), pt(first.height_mm)),
            invariant=1,
            pageCompression=1,
            initialFontName=self.fonts.face("regular").name,  # no bare Helvetica
        )
        canvas.setTitle(title or f"{poster.kind} poster")
        canvas.setCreator("postcards")
        canvas.setAuthor("postcards")
        for page in poster.pages:
            canvas.setPageSize((pt(page.width_mm), pt(page.height_mm)))
            self.draw_page(canvas, page)
            canvas.showPage()
        save_canvas(canvas, out)

    def draw_page(self, canvas: Any, page: PosterPage) -> None:
        """Draw one page: fills, pictures, tiles and QR code, then the text lines on top."""
        for fill in page.fills:
            box = fill.box
            if fill.stroke:
                _paint(canvas, self.colour(fill.colour), stroke=True)
                canvas.setLineWidth(1.0)
            else:
                _paint(canvas, self.colour(fill.colour))
            canvas.rect(
                pt(box.x_mm),
                pt(box.y_mm),
                pt(box.width_mm),
                pt(box.height_mm),
                stroke=int(fill.stroke),
                fill=int(not fill.stroke),
            )
        for picture in page.pictures:
            self._picture(canvas, picture)
        for tile in page.tiles:
            self._tile(canvas, tile)
        if page.qr is not None:
            self._qr(canvas, page.qr)
        for line in page.lines:
            self._line(canvas, line)

    def _picture(self, canvas: Any, picture: Picture) -> None:
        """The image scaled to cover its box, what overflows clipped away.

        With ``fit="contain"``, the image is whole and centred in its box.
        """
        from reportlab.lib.utils import ImageReader

        box = picture.box
        image = ImageReader(str(picture.path))
        iw, ih = image.getSize()
        fit = min if picture.fit == "contain" else max
        scale = fit(pt(box.width_mm) / iw, pt(box.height_mm) / ih)
        w, h = iw * scale, ih * scale
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(pt(box.x_mm), pt(box.y_mm), pt(box.width_mm), pt(box.height_mm))
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.drawImage(
            image,
            pt(box.x_mm) + (pt(box.width_mm) - w) / 2,
            pt(box.y_mm) + (pt(box.height_mm) - h) / 2,
            w,
            h,
        )
        canvas.restoreState()

    def _tile(self, canvas: Any, tile: Tile) -> None:
        box = tile.photo_box
        if tile.photo is not None and self._photo(canvas, tile):
            return
        _paint(canvas, self.colour(tile.colour))
        canvas.rect(
            pt(box.x_mm), pt(box.y_mm), pt(box.width_mm), pt(box.height_mm), stroke=0, fill=1
        )
        if tile.initials is not None:
            self._line(canvas, tile.initials)

    def _photo(self, canvas: Any, tile: Tile) -> bool:
        """Draw the photo, scaled down to what print needs; False if it cannot be read."""
        from reportlab.lib.utils import ImageReader

        box = tile.photo_box
        pixels = [max(1, round(side / 25.4 * PHOTO_DPI)) for side in (box.width_mm, box.height_mm)]
        try:
            assert tile.photo is not None  # a tile with a photo box has a photo
            image = load_scaled(tile.photo, *pixels)
        except Exception:  # noqa: BLE001 - checked before; a file changed since: initials
            return False
        canvas.drawImage(
            ImageReader(image), pt(box.x_mm), pt(box.y_mm), pt(box.width_mm), pt(box.height_mm)
        )
        return True

    def _qr(self, canvas: Any, qr: PlacedQR) -> None:
        """The code as vector rectangles, in ink."""
        _paint(canvas, self.colour("ink"))
        draw_qr(canvas, qr.matrix, pt(qr.x_mm), pt(qr.y_mm), pt(qr.module_mm))

    def _line(self, canvas: Any, line: TextLine) -> None:
        _paint(canvas, self.colour(line.colour))
        text = canvas.beginText(pt(line.x_mm), pt(line.baseline_mm))
        for font, part in self.fonts.runs(line.text, line.style):
            text.setFont(font, line.size)
            text.textOut(part)
        canvas.drawText(text)


def _paint(canvas: Any, colour: Any, stroke: bool = False) -> None:
    """Set a reportlab colour; a grey as DeviceGray, so black prints on the black plate alone."""
    if colour.red == colour.green == colour.blue:
        (canvas.setStrokeGray if stroke else canvas.setFillGray)(colour.red)
    else:
        (canvas.setStrokeColor if stroke else canvas.setFillColor)(colour)


def _size(pixels: tuple[int, int] | None) -> str:
    """A share image's size as a file name shows it (``1080x1350``)."""
    assert pixels is not None  # every page of a share image has its pixel size
    return f"{pixels[0]}x{pixels[1]}"
