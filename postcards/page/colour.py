"""Print colour: greys as DeviceGray, and everything else through a print shop's ICC profile.

A grey written as RGB (``0 0 0 rg``) prints on a press as a mix of all four inks, so black
text comes out brownish and blurred by the slightest misregister; written as DeviceGray it
prints on the black plate alone.  :func:`grey_if_neutral` is applied to every colour the
cards' writer sets.

For PDF/X-4 (``cards --icc``) an :class:`OutputProfile` converts the design's colours and
images from sRGB (or an image's own profile) to the press's CMYK with littleCMS, rendering
intent relative colorimetric (flat colours as measured: a slate blue within 1.5 ΔE; images
with black point compensation, so that their shadows keep their detail), and caps their
total ink at the profile's limit by moving the grey part of cyan, magenta and yellow to
black (GCR).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from postcards.errors import InputError, Problem, display_name

#: A colour as the writer sets it: 1 value (DeviceGray), 3 (DeviceRGB) or 4 (DeviceCMYK), 0..1.
Paint = tuple[float, ...]

#: The most ink a converted colour may carry (300 %), whatever the profile allows more.
MAX_INK = 3.0

#: Profiles that are not printers' but say what to ask for instead.
_CLASSES = {
    b"mntr": "a display (monitor) profile",
    b"scnr": "a scanner (input) profile",
    b"link": "a device link",
    b"spac": "a colour space profile",
    b"abst": "an abstract profile",
    b"nmcl": "a named colour profile",
}
_ASK = (
    "ask the print shop for its CMYK output profile (.icc), or use a standard one for the "
    "paper, such as PSO Coated v3 or ISO Coated v2 (FOGRA39) from eci.org"
)


def grey_if_neutral(colour: Paint) -> Paint:
    """An RGB colour with three equal values as one grey value (DeviceGray); others as given."""
    if len(colour) == 3 and colour[0] == colour[1] == colour[2]:
        return (colour[0],)
    return colour


def cap_ink(cmyk: tuple[float, float, float, float], limit: float) -> Paint:
    """``cmyk`` with at most ``limit`` total ink: grey moved from C, M and Y to K first.

    Moving an amount from each of C, M and Y to K keeps the colour's grey component and
    lowers the total by twice that amount; what is still over is taken from C, M and Y in
    proportion.
    """
    c, m, y, k = cmyk
    over = c + m + y + k - limit
    if over <= 1e-9:
        return cmyk
    moved = min(over / 2, c, m, y, 1.0 - k)
    c, m, y, k = c - moved, m - moved, y - moved, k + moved
    over = c + m + y + k - limit
    if over > 1e-9 and c + m + y > 0:
        scale = max(0.0, 1.0 - over / (c + m + y))
        c, m, y = c * scale, m * scale, y * scale
    return (c, m, y, k)


class OutputProfile:
    """A print shop's CMYK output profile, checked, with the conversions of a print run.

    Made with :meth:`load`.  The transforms are built once; :attr:`images` keeps what
    was made of each image file, so that a run's fronts and backs files convert it once.
    """

    def __init__(self, path: Path, data: bytes, description: str, profile: Any) -> None:
        self.path, self.data, self.description = path, data, description
        self._profile = profile
        self._transforms: dict[tuple[bytes, bool], Any] = {}
        self.images: dict[Path, Any] = {}
        self.max_ink = min(MAX_INK, sum(self._convert((0, 0, 0))))

    @classmethod
    def load(cls, path: str | Path, setting: str = "--icc") -> OutputProfile:
        """Read and check an ICC profile: it must be a printer's (output class), for CMYK.

        Raises:
            InputError: the file is missing, is not an ICC profile, or is another kind of
                profile; the message says what it is and what to use instead.
        """
        from PIL import ImageCms

        path = Path(path).resolve()

        def refuse(message: str) -> InputError:
            return InputError(Problem(message, file=display_name(path), column=setting))

        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise refuse(f"file not found; {_ASK}") from None
        except OSError as exc:
            raise refuse(f"cannot be read ({exc.strerror}); {_ASK}") from None
        problem = header_problem(data, _description(data))
        if problem:
            raise refuse(f"{problem}; {_ASK}")
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
            description = ImageCms.getProfileDescription(profile).strip()
        except (OSError, ImageCms.PyCMSError) as exc:
            raise refuse(f"is a damaged ICC profile ({exc}); {_ASK}") from None
        return cls(path, data, description or path.stem, profile)

    def paint(self, colour: Paint) -> Paint:
        """A design colour for the press: a grey as DeviceGray, RGB as capped CMYK."""
        colour = grey_if_neutral(colour)
        if len(colour) != 3:
            return colour
        rgb = tuple(round(v * 255) for v in colour)
        return cap_ink(self._convert(rgb), self.max_ink)  # type: ignore[arg-type]

    def separate(self, image: Any) -> Any:
        """``image`` (RGB) as the press's CMYK, its total ink capped."""
        return self._cap_image(self._apply(image, shadows=True))

    def _convert(self, rgb: tuple[int, int, int]) -> tuple[float, float, float, float]:
        from PIL import Image

        cmyk = self._apply(Image.new("RGB", (1, 1), rgb)).getpixel((0, 0))
        return tuple(v / 255 for v in cmyk)

    def _apply(self, image: Any, shadows: bool = False) -> Any:
        """Convert with the image's own embedded profile as source, else sRGB.

        ``shadows``: with black point compensation, as for photographs.
        """
        from PIL import Image, ImageCms

        source = image.info.get("icc_profile") or b""
        transform = self._transforms.get((source, shadows))
        if transform is None:
            try:
                given = ImageCms.ImageCmsProfile(io.BytesIO(source)) if source else None
            except (OSError, ImageCms.PyCMSError):
                given = None  # a broken embedded profile: the image is taken as sRGB
            transform = self._transforms[source, shadows] = ImageCms.buildTransform(
                given or ImageCms.createProfile("sRGB"),
                self._profile,
                "RGB",
                "CMYK",
                ImageCms.Intent.RELATIVE_COLORIMETRIC,
                ImageCms.Flags.BLACKPOINTCOMPENSATION if shadows else ImageCms.Flags.NONE,
            )
        out = Image.new("CMYK", image.size)
        # the transform's own apply() also copies the output profile into the image's info,
        # which fails for some version 4 profiles; the pixels are all that is needed here
        transform.transform.apply(image.getim(), out.getim())
        return out

    def _cap_image(self, image: Any) -> Any:
        """Every pixel's total ink at most :attr:`max_ink`, as :func:`cap_ink` does.

        A band of rows at a time, so that a large photograph costs a few megabytes more,
        not ten times its size in floating point.
        """
        import numpy as np
        from PIL import Image

        limit = round(self.max_ink * 255)
        width, height = image.size
        capped = None  # a copy once a band is over: usually the profile keeps within it
        for top in range(0, height, 128):
            band = np.asarray(image.crop((0, top, width, min(height, top + 128))))
            if int(np.max(band.sum(axis=2, dtype=np.uint16))) <= limit:
                continue
            if capped is None:
                capped = image.copy()
            inks = _capped(band.astype(np.float32), limit)
            capped.paste(Image.fromarray(inks, "CMYK"), (0, top))
        return image if capped is None else capped


def _capped(ink: Any, limit: float) -> Any:
    """:func:`cap_ink` on an array of CMYK pixels (0..255), ``limit`` in the same units."""
    import numpy as np

    cmy, k = ink[..., :3], ink[..., 3]
    over = np.maximum(ink.sum(axis=2) - limit, 0)
    moved = np.minimum(over / 2, np.minimum(cmy.min(axis=2), 255 - k))
    cmy = cmy - moved[..., None]
    k = k + moved
    rest = np.maximum(cmy.sum(axis=2) + k - limit, 0)
    scale = np.clip(1 - rest / np.maximum(cmy.sum(axis=2), 1e-6), 0, 1)
    capped = np.concatenate([cmy * scale[..., None], k[..., None]], axis=2)
    return np.clip(np.floor(capped), 0, 255).astype(np.uint8)


def _description(data: bytes) -> str:
    """The profile's own name, when littleCMS can read it, else nothing."""
    from PIL import ImageCms

    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(data))).strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


def header_problem(data: bytes, name: str = "") -> str | None:
    """What is wrong with ``data`` as a CMYK output profile, from its ICC header, or None.

    ``name`` is the profile's description, to say which profile it is.
    """
    if len(data) < 128 or data[36:40] != b"acsp":
        return "is not an ICC colour profile"
    kind, space = data[12:16], data[16:20].decode("latin-1").strip()
    named = f"is {name!r}, " if name else "is "
    if kind != b"prtr":
        what = _CLASSES.get(kind, f"a profile of class {kind.decode('latin-1')!r}")
        return f"{named}{what} for {space}, not a printer's output profile"
    if space != "CMYK":
        return f"{named}a printer profile for {space}, not for CMYK: PDF/X-4 needs the press's inks"
    return None
