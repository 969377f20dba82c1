"""Prisoners' photos: found inside the campaign folder only, checked, and scaled down.

A photo path is relative to the campaign folder; anything that leads outside it (an
absolute path, ``..``, a symlink pointing away) is refused, so a spreadsheet can never
make a poster print a file from elsewhere on the computer.  A photo that is missing or
cannot be read is not fatal: the tile shows initials and the problem is reported.
Images are opened lazily and reduced while decoding (JPEG draft mode, then a
thumbnail), so a 50-megapixel camera file never sits whole in memory; an image of more
than :data:`MAX_PHOTO_PIXELS` is refused unread (a decompression bomb).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from postcards.errors import InputError, Problem
from postcards.inputs.people import People, Prisoner

#: Photos above this many pixels are refused unread (a decompression bomb, or a scan at
#: absurd resolution).
MAX_PHOTO_PIXELS = 120_000_000


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
    where: dict[str, Any] = {
        "file": people.file,
        "row": prisoner.row,
        "column": people.column("photo"),
        "warning": True,
    }
    if not path.is_file():
        return Problem(f"photo {prisoner.photo!r} not found; initials printed instead", **where)
    try:
        with _open(path) as image:
            width, height = image.size  # the header is read, the pixels are not
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "unreadable"
        reason = (str(exc) or type(exc).__name__)[:120]
        return Problem(
            f"photo {prisoner.photo!r} cannot be read ({reason}); initials printed instead",
            **where,
        )
    if width * height > MAX_PHOTO_PIXELS:
        return Problem(
            f"photo {prisoner.photo!r} is {width} × {height} pixels, more than "
            f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels; make it smaller "
            "(initials printed instead)",
            **where,
        )
    return None


def _open(path: Path) -> Any:
    """The image, opened (header only); Pillow's size limit is ours, checked above."""
    import warnings

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(path)


def load_scaled(path: Path, width_px: int, height_px: int) -> Any:
    """The photo as an RGB Pillow image covering ``width_px`` × ``height_px``.

    It is cropped to that shape around its centre.  A JPEG (what cameras write) is decoded at 1/2,
    1/4 or 1/8 of its size, the smallest that still covers the box; other formats are decoded whole,
    then shrunk.
    """
    from PIL import ImageOps

    with _open(path) as image:
        image.draft("RGB", (width_px, height_px))  # JPEG: decoded at 1/2 … 1/8 of its size
        image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((max(width_px, 1) * 4, max(height_px, 1) * 4))
    return ImageOps.fit(image, (max(width_px, 1), max(height_px, 1)))
