"""Prisoners' photos: found inside the campaign folder only, checked, and scaled down.

A photo path is relative to the campaign folder; anything that leads outside it (an
absolute path, ``..``, a symlink pointing away) is refused, so a spreadsheet can never
make a poster print a file from elsewhere on the computer.  A photo that is missing or
cannot be read is not fatal: the tile shows initials and the problem is reported.
Images are opened lazily and reduced while decoding (JPEG draft mode, then a
thumbnail), so a 50-megapixel camera file never sits whole in memory; an image of more
than :data:`MAX_PIXELS` is refused unread (a decompression bomb).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import InputError, Problem
from .people import People, Prisoner

#: Pillow refuses images above this many pixels instead of decoding them (memory bombs).
MAX_PIXELS = 120_000_000


def photo_path(root: Path, prisoner: Prisoner, people: People) -> Path | None:
    """The photo's absolute path inside ``root``, or None when the row names none.

    Raises:
        InputError: the path leads outside the campaign folder.
    """
    if not prisoner.photo:
        return None
    root = root.resolve()
    path = (root / prisoner.photo).resolve()
    if not path.is_relative_to(root):
        raise InputError(
            Problem(
                f"photo {prisoner.photo!r} is outside the campaign folder; copy the photo into "
                f"the campaign folder ({root}) and give its path relative to it",
                file=people.file,
                row=prisoner.row,
                column=people.column("photo"),
            )
        )
    return path


def check_photo(path: Path, prisoner: Prisoner, people: People) -> Problem | None:
    """Why a photo cannot be used (a warning: initials print instead), or None."""
    where = {
        "file": people.file,
        "row": prisoner.row,
        "column": people.column("photo"),
        "warning": True,
    }
    if not path.is_file():
        return Problem(f"photo {prisoner.photo!r} not found; initials printed instead", **where)
    try:
        with _open(path) as image:
            image.size  # noqa: B018 - the header is read, the pixels are not
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "unreadable"
        return Problem(
            f"photo {prisoner.photo!r} cannot be read ({_reason(exc)}); initials printed instead",
            **where,
        )
    return None


def _open(path: Path) -> Any:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image.open(path)


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.split(":")[0] if "decompression bomb" in text else text[:120]


def load_scaled(path: Path, width_px: int, height_px: int) -> Any:
    """The photo as an RGB Pillow image covering ``width_px`` × ``height_px``, cropped to
    that shape around its centre.  A JPEG (what cameras write) is decoded at 1/2, 1/4 or
    1/8 of its size, the smallest that still covers the box; other formats are decoded
    whole, then shrunk."""
    from PIL import ImageOps

    with _open(path) as image:
        image.draft("RGB", (width_px, height_px))  # JPEG: decoded at 1/2 … 1/8 of its size
        image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((max(width_px, 1) * 4, max(height_px, 1) * 4))
    return ImageOps.fit(image, (max(width_px, 1), max(height_px, 1)))
