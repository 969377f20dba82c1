"""Images for the cards' PDF writer: JPEG passed through, anything else via Pillow.

A JPEG in RGB or grey is copied as it is (DCTDecode): no loss, no time.  Other images
(a PNG signature with transparency, a CMYK JPEG) are decoded once and written Flate-
compressed, their alpha channel as a soft mask, as reportlab's ``mask="auto"`` did.
"""

from __future__ import annotations

import zlib
from pathlib import Path

#: (dictionary entries, stream data)
Stream = tuple[str, bytes]


def image_objects(path: Path) -> tuple[Stream, Stream | None, tuple[int, int]]:
    """The image stream, its soft mask (or None) and its size in pixels."""
    from PIL import Image

    with Image.open(path) as image:
        size = image.size
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
            return (_entries(size, space, "/DCTDecode"), path.read_bytes()), None, size
        image.load()
        alpha = None
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            image = image.convert("RGBA")  # type: ignore[assignment]  # an Image all the same
            alpha = image.getchannel("A")
        grey = image.mode in ("L", "LA", "1")
        pixels = image.convert("L" if grey else "RGB")
    space = "/DeviceGray" if grey else "/DeviceRGB"
    stream = (_entries(size, space, "/FlateDecode"), zlib.compress(pixels.tobytes()))
    mask = None
    if alpha is not None and alpha.getextrema() != (255, 255):
        mask = (_entries(size, "/DeviceGray", "/FlateDecode"), zlib.compress(alpha.tobytes()))
    return stream, mask, size


def _entries(size: tuple[int, int], space: str, codec: str) -> str:
    return (
        f"/Type /XObject /Subtype /Image /Width {size[0]} /Height {size[1]} "
        f"/ColorSpace {space} /BitsPerComponent 8 /Filter {codec}"
    )
