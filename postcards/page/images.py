"""Images for the cards' PDF writer: JPEG passed through, anything else via Pillow.

A JPEG in RGB or grey is copied as it is (DCTDecode): no loss, no time.  Other images
(a PNG signature with transparency, a CMYK JPEG) are decoded once and written Flate-
compressed, their alpha channel as a soft mask, as reportlab's ``mask="auto"`` did.

For PDF/X-4 (an :class:`~postcards.page.colour.OutputProfile` given) no image stays RGB:
colour images are converted to the press's CMYK (a JPEG stays a JPEG, at quality 95);
grey ones stay grey, which prints on the black plate; a CMYK JPEG is taken as made for
the press and copied.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

from postcards.page.colour import OutputProfile

#: (dictionary entries, stream data)
Stream = tuple[str, bytes]

#: Pillow writes CMYK JPEGs as Adobe applications do, each ink inverted: read back as such.
_ADOBE_CMYK = " /Decode [1 0 1 0 1 0 1 0]"


#: An image's stream, its soft mask (or None) and its size in pixels.
Objects = tuple[Stream, Stream | None, tuple[int, int]]


def image_objects(path: Path, profile: OutputProfile | None = None) -> Objects:
    """The image stream, its soft mask (or None) and its size in pixels.

    With a ``profile``, made once per file and profile (kept in ``profile.images``).
    """
    if profile is None:
        return _objects(path, None)
    if path not in profile.images:
        profile.images[path] = _objects(path, profile)
    made: Objects = profile.images[path]
    return made


def _objects(path: Path, profile: OutputProfile | None) -> Objects:
    from PIL import Image

    with Image.open(path) as image:
        size = image.size
        jpeg = image.format == "JPEG"
        if jpeg and (image.mode == "L" or (image.mode == "RGB" and profile is None)):
            space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
            return (_entries(size, space, "/DCTDecode"), path.read_bytes()), None, size
        if jpeg and image.mode == "CMYK" and profile is not None:
            codec = "/DCTDecode" + (_ADOBE_CMYK if "adobe" in image.info else "")
            return (_entries(size, "/DeviceCMYK", codec), path.read_bytes()), None, size
        image.load()
        alpha = None
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            image = image.convert("RGBA")  # type: ignore[assignment]  # an Image all the same
            alpha = image.getchannel("A")
        grey = image.mode in ("L", "LA", "1")
        pixels = image.convert("L" if grey else "RGB")
        pixels.info["icc_profile"] = image.info.get("icc_profile")
    mask = None
    if alpha is not None and alpha.getextrema() != (255, 255):
        mask = (_entries(size, "/DeviceGray", "/FlateDecode"), zlib.compress(alpha.tobytes()))
    if profile is not None and not grey:
        return _separated(profile.separate(pixels), jpeg), mask, size
    space = "/DeviceGray" if grey else "/DeviceRGB"
    stream = (_entries(size, space, "/FlateDecode"), zlib.compress(pixels.tobytes()))
    return stream, mask, size


def _separated(cmyk: Any, jpeg: bool) -> Stream:
    """A CMYK image's stream: a photograph as JPEG again, anything else without loss."""
    if not jpeg:
        return _entries(cmyk.size, "/DeviceCMYK", "/FlateDecode"), zlib.compress(cmyk.tobytes())
    out = io.BytesIO()
    cmyk.save(out, "JPEG", quality=95)
    return _entries(cmyk.size, "/DeviceCMYK", "/DCTDecode" + _ADOBE_CMYK), out.getvalue()


def _entries(size: tuple[int, int], space: str, codec: str) -> str:
    return (
        f"/Type /XObject /Subtype /Image /Width {size[0]} /Height {size[1]} "
        f"/ColorSpace {space} /BitsPerComponent 8 /Filter {codec}"
    )
