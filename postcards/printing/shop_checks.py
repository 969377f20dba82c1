"""The checks a print shop runs on the files: every font embedded, images sharp enough."""

from __future__ import annotations

import re
from pathlib import Path

from postcards.errors import Problem, display_name

MIN_DPI = 300


MM_PER_INCH = 25.4


def image_resolution(
    path: Path, width_mm: float, height_mm: float, where: str, cover: bool = False
) -> list[Problem]:
    """An image printed at ``width_mm`` × ``height_mm`` (covering it, or fitted inside)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            pixels = image.size
    except (OSError, UnidentifiedImageError) as exc:
        return [Problem(f"cannot read the image: {exc}", file=display_name(path))]
    per_mm = (max if cover else min)(width_mm / pixels[0], height_mm / pixels[1])
    dpi = MM_PER_INCH / per_mm
    if dpi >= MIN_DPI - 0.5:
        return []
    printed_w, printed_h = pixels[0] * per_mm, pixels[1] * per_mm
    need = [round(v * MIN_DPI / dpi) for v in pixels]
    return [
        Problem(
            f"rule 'image resolution': {where}: {path.name} is {pixels[0]} × {pixels[1]} px "
            f"printed at {printed_w:.0f} × {printed_h:.0f} mm, that is {dpi:.0f} dpi; print "
            f"needs {MIN_DPI} dpi: use an image of at least {need[0]} × {need[1]} px",
            file=display_name(path),
            warning=True,
        )
    ]


def unembedded_fonts(pdf: Path) -> list[str]:
    """Fonts a PDF names without carrying their file (a print shop would substitute them).

    Font dictionaries are written uncompressed (by reportlab and by the cards' writer), so
    a scan of the bytes finds them; the file is read in pieces that overlap, so a run of
    100,000 cards is checked without holding it in memory.
    """
    found: dict[bytes, set[bytes]] = {pattern: set() for pattern in _FONT_PATTERNS}
    tail = b""
    with open(pdf, "rb") as handle:
        while True:
            piece = handle.read(1 << 20)
            data = tail + piece
            # a match starting in the last stretch is left for the next piece (it may be
            # cut); at the end of the file, everything counts
            limit = len(data) - _OVERLAP if piece else len(data)
            for pattern, names in found.items():
                names.update(m[1] for m in re.finditer(pattern, data) if m.start() < limit)
            if not piece:
                break
            tail = data[max(limit, 0) :]
    used, *embedded = found.values()
    return sorted(name.decode("latin-1") for name in used - set().union(*embedded))


_FONT_PATTERNS = (
    rb"/BaseFont\s*/([^\s/<>\[\]]+)",
    rb"/FontFile[23]?\s+\d+\s+\d+\s+R\s+/FontName\s*/([^\s/<>\[\]]+)",
    rb"/FontName\s*/([^\s/<>\[\]]+)[^>]*?/FontFile",
)
#: Longer than any font dictionary or descriptor, so none is cut between two pieces.
_OVERLAP = 8192


def font_problems(pdf: Path, name: str) -> list[Problem]:
    """The rule 'fonts embedded' for a PDF of a print run (``name``: its final name)."""
    return [
        Problem(
            f"rule 'fonts embedded': the font {font} is not embedded; a print shop "
            "would substitute another",
            file=name,
        )
        for font in unembedded_fonts(pdf)
    ]
