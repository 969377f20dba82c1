"""A card design: ``templates/<design>/design.toml``, its motif, fonts and messages.

The design gives boxes for a reference size; :meth:`Design.layout` scales them to the
card being printed.  Everything here is read once per run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from postcards.errors import Problem, TemplateError
from postcards.page.fonts import FontSet, load_fontset
from postcards.page.geometry import Box, CardSize
from postcards.page.text import MessageTemplates
from postcards.resources import bundled


@dataclass(frozen=True)
class TextStyle:
    """Where a block of text goes and the sizes it may take (pt)."""

    box: Box
    max_size: float
    min_size: float
    style: str = "regular"


@dataclass(frozen=True)
class Rule:
    """A line the back draws (divider, handwriting line, signature line), in trim mm.

    The renderer draws exactly these, and preflight checks exactly these, so a line
    moved in design.toml is checked where it will print.
    """

    name: str
    x0: float
    y0: float
    x1: float
    y1: float
    dotted: bool = False


@dataclass(frozen=True)
class BackLayout:
    """The back of one card size: every box in mm from the trim's bottom-left corner."""

    divider_x_mm: float
    margin_mm: float
    message: TextStyle
    personal_line_y_mm: float
    signature: Box
    sender: TextStyle
    return_address: TextStyle
    qr_corner_mm: tuple[float, float]
    stamp: Box
    stamp_labels: dict[str, str]
    address: TextStyle
    height_mm: float = 0.0

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The back's lines: the divider, the handwritten word's line, the signature line.

        The divider runs margin to margin; the dotted line for a handwritten word sits under the
        message, as wide; the signature line sits at the signature's foot.
        """
        x, margin, y, sig = (
            self.divider_x_mm,
            self.margin_mm,
            self.personal_line_y_mm,
            self.signature,
        )
        return (
            Rule("divider", x, margin, x, self.height_mm - margin),
            Rule(
                "personal line", self.message.box.x_mm, y, self.message.box.right_mm, y, dotted=True
            ),
            Rule("signature line", sig.x_mm, sig.y_mm, sig.right_mm, sig.y_mm),
        )


@dataclass(frozen=True)
class FrontLayout:
    """The front's motif and headline box, with the headline per language.

    ``focus`` is the motif's subject, as fractions of its width from the left and of its
    height from the top: where the card's shape crops the motif, the crop keeps it.
    """

    motif: Path | None
    headline: TextStyle
    headline_colour: str
    headlines: dict[str, str]
    focus: tuple[float, float] = (0.5, 0.5)


class Design:
    """One design folder, loaded and checked."""

    def __init__(self, folder: Path, data: dict[str, Any]):
        self.folder = folder
        self.data = data
        self.name = str(data.get("design", {}).get("name", folder.name))
        ref = data.get("design", {}).get("reference_size_mm", [148, 105])
        self.reference = (float(ref[0]), float(ref[1]))
        self.colours: dict[str, str] = {
            "ink": "#000000",
            "accent": "#b3121f",
            "rule": "#808080",
            "qr": "#000000",
            **data.get("colours", {}),
        }
        self.messages = MessageTemplates(folder)
        self._backs: dict[CardSize, BackLayout] = {}

    @cached_property
    def fonts(self) -> FontSet:
        """The design's fonts from the bundled folder, with its fallbacks."""
        spec = dict(self.data.get("fonts", {}))
        fallbacks = list(spec.pop("fallbacks", []))
        return load_fontset(bundled("fonts"), {k: str(v) for k, v in spec.items()}, fallbacks)

    def _scale(self, size: CardSize) -> tuple[float, float]:
        return size.width_mm / self.reference[0], size.height_mm / self.reference[1]

    def _text(
        self, section: dict[str, Any], sx: float, sy: float, style: str = "regular"
    ) -> TextStyle:
        box = Box(*section["box"]).scaled(sx, sy)
        max_size, min_size = section.get("size", [10, 7])
        return TextStyle(box, float(max_size), float(min_size), section.get("style", style))

    def back(self, size: CardSize) -> BackLayout:
        """The back layout scaled to ``size``; stamp and QR keep their printed size.

        Made once per size: preflight asks for it on every card.
        """
        if size not in self._backs:
            self._backs[size] = self._back(size)
        return self._backs[size]

    def _back(self, size: CardSize) -> BackLayout:
        sx, sy = self._scale(size)
        b = self.data["back"]
        stamp_w, stamp_h = b["stamp"]["size"]
        corner_x, corner_y = b["stamp"]["corner"]
        stamp_right = size.width_mm - (self.reference[0] - corner_x)
        stamp_top = size.height_mm - (self.reference[1] - corner_y)
        qr_x, qr_y = b["qr"]["corner"]
        return BackLayout(
            divider_x_mm=b["divider_x"] * sx,
            margin_mm=float(b.get("margin", 5)),
            message=self._text(b["message"], sx, sy),
            personal_line_y_mm=b["personal_line"]["y"] * sy,
            signature=Box(*b["signature"]["box"]).scaled(sx, sy),
            sender=self._text(b["sender"], sx, sy),
            return_address=self._text(b["return_address"], sx, sy),
            qr_corner_mm=(qr_x * sx, qr_y * sy),
            stamp=Box(stamp_right - stamp_w, stamp_top - stamp_h, stamp_w, stamp_h),
            stamp_labels=dict(b["stamp"].get("labels", {})),
            address=self._text(b["address"], sx, sy),
            height_mm=size.height_mm,
        )

    def front(self, size: CardSize) -> FrontLayout:
        """The front layout scaled to ``size``."""
        sx, sy = self._scale(size)
        f = self.data.get("front", {})
        max_size, min_size = f.get("headline_size", [28, 14])
        motif = self.folder / f["motif"] if f.get("motif") else None
        focus = tuple(float(v) for v in f.get("motif_focus", [0.5, 0.5]))
        if len(focus) != 2 or not all(0 <= v <= 1 for v in focus):
            raise ValueError(f"motif_focus = {list(focus)}: two fractions from 0 to 1")
        return FrontLayout(
            motif=motif,
            headline=TextStyle(
                Box(*f.get("headline_box", [10, 74, 128, 24])).scaled(sx, sy),
                float(max_size),
                float(min_size),
                "bold",
            ),
            headline_colour=f.get("headline_colour", self.colours["accent"]),
            headlines=dict(f.get("headline", {})),
            focus=(focus[0], focus[1]),
        )


def find_design(name_or_path: str, campaign_root: Path | None = None) -> Path:
    """A design folder: a path (relative to the campaign) or a bundled design's name."""
    candidates = []
    if campaign_root is not None:
        candidates += [campaign_root / name_or_path, campaign_root / "templates" / name_or_path]
    candidates += [Path(name_or_path), bundled("templates") / name_or_path]
    for folder in candidates:
        if (folder / "design.toml").is_file():
            return folder.resolve()
    have = ", ".join(sorted(p.parent.name for p in bundled("templates").glob("*/design.toml")))
    raise TemplateError(
        Problem(f"no design {name_or_path!r}; bundled designs: {have}", column="cards.design")
    )


def load_design(name_or_path: str, campaign_root: Path | None = None) -> Design:
    """Load and check a design.

    Raises:
        TemplateError: the folder or its design.toml is missing or malformed.
    """
    folder = find_design(name_or_path, campaign_root)
    try:
        data = tomllib.loads((folder / "design.toml").read_text(encoding="utf-8"))
        design = Design(folder, data)
        design.back(CardSize("reference", *design.reference))
        design.front(CardSize("reference", *design.reference))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise TemplateError(
            Problem(f"design.toml is malformed: {exc!r}", file=str(folder / "design.toml"))
        ) from None
    return design
