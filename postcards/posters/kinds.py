"""The four kinds of poster, planned: ``godparents``, ``wall``, ``prisoner`` and ``share``.

Each planner takes plain data (groups of names, prisoners, the count) and a
:class:`PosterContext` (fonts, texts, campaign, motif, date) and returns a
:class:`~postcards.posters.plans.Poster`.  Sizes are proportional to the paper
(:attr:`PosterSize.scale`), so an A0 poster is an A4 poster read from further away.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from postcards.errors import LayoutError
from postcards.inputs.people import Prisoner
from postcards.page.fonts import FontSet
from postcards.page.geometry import POINTS_PER_MM, Box
from postcards.page.qr import PlacedQR, qr_matrix
from postcards.posters.columns import ColumnStyle, block_lines, fit_columns, fit_grid
from postcards.posters.plans import (
    SHARE_PX,
    Fill,
    Group,
    Picture,
    Poster,
    PosterPage,
    PosterSize,
    TextLine,
    Tile,
    mm,
    share_size,
)

#: Tile colours for prisoners without a photo: muted, and dark enough for white initials.
PALETTE = ("#5b7083", "#8a5a44", "#4f6d5a", "#6b5b95", "#9a4a3c", "#2f5f5f", "#7a6a53", "#4a6fa5")
TILE_RATIO = 1.42  # a square photo and, under it, the name and the age


@dataclass(frozen=True)
class PosterContext:
    """What every kind needs besides its own data."""

    fonts: FontSet
    texts: Callable[..., str]  # PosterTexts: texts(block, **fields) -> str
    hashtag: str
    url: str
    campaign_name: str
    language: str
    updated: date
    motif: Path | None = None


# Shared pieces ----------------------------------------------------------------------------
class Stack:
    """Blocks placed from the top of a column down, each in a box of the given height."""

    def __init__(self, ctx: PosterContext, x_mm: float, top_mm: float, width_mm: float):
        self.ctx, self.x, self.top, self.width = ctx, x_mm, top_mm, width_mm
        self.lines: list[TextLine] = []

    def box(self, height_mm: float) -> Box:
        """Take the next ``height_mm`` of the column from the top."""
        box = Box(self.x, self.top - height_mm, self.width, height_mm)
        self.top -= height_mm
        return box

    def text(
        self,
        text: str,
        height_mm: float,
        max_size: float,
        min_size: float,
        style: str = "regular",
        colour: str = "ink",
        align: str = "centre",
        gap_mm: float = 0.0,
    ) -> None:
        """Fit ``text`` into the next box of ``height_mm``; an empty text keeps the space."""
        box = self.box(height_mm)
        if text:
            self.lines += block_lines(
                [(text, style)], self.ctx.fonts, box, max_size, min_size, colour, align
            )
        self.top -= gap_mm


def page_header(
    ctx: PosterContext, size: PosterSize, headline: str, count_line: str, stack: Stack
) -> None:
    """The hashtag (if any), the headline and the count, from the top of the page."""
    s = size.scale
    if ctx.hashtag:
        stack.text(ctx.hashtag, 16 * s, 36 * s, 14 * s, "bold", "accent", gap_mm=2 * s)
    stack.text(headline, 22 * s, 30 * s, 14 * s, "bold", gap_mm=2 * s)
    stack.text(count_line, 14 * s, 22 * s, 11 * s, "regular", "accent", gap_mm=4 * s)


def page_footer(
    ctx: PosterContext, size: PosterSize
) -> tuple[list[TextLine], PlacedQR | None, float]:
    """Last-updated date, the campaign URL and its QR code; returns their top in mm."""
    s = size.scale
    margin, height = 12 * s, 28 * s
    qr = None
    text_width = size.width_mm - 2 * margin
    if ctx.url:
        matrix = qr_matrix(ctx.url)
        module = height / matrix.modules_with_quiet_zone
        qr = PlacedQR(size.width_mm - margin - height, margin, module, matrix)
        text_width -= height + 4 * s
    paragraphs = [(ctx.texts("updated", updated=ctx.updated), "regular")]
    if ctx.url:
        paragraphs += [(ctx.texts("join"), "regular"), (ctx.url, "bold")]
    box = Box(margin, margin, text_width, height - 4 * s)
    lines = block_lines(paragraphs, ctx.fonts, box, 13 * s, 7 * s)
    return lines, qr, margin + height


def page_rule(size: PosterSize, y_mm: float) -> Fill:
    """A thin accent-coloured rule across the page at ``y_mm``."""
    s = size.scale
    return Fill(Box(12 * s, y_mm, size.width_mm - 24 * s, 0.6 * s), "accent")


# godparents -------------------------------------------------------------------------------
def plan_godparents(
    size: PosterSize, groups: list[Group], count: int, ctx: PosterContext
) -> Poster:
    """Headline, the count, the names grouped by parliament in columns, date and QR."""
    s = size.scale
    stack = Stack(ctx, 12 * s, size.height_mm - 12 * s, size.width_mm - 24 * s)
    headline, shown = ctx.texts("headline", count=count), ctx.texts("count", count=count)
    page_header(ctx, size, headline, shown, stack)
    rule = page_rule(size, stack.top)
    footer, qr, footer_top = page_footer(ctx, size)
    body = Box(
        12 * s, footer_top + 6 * s, size.width_mm - 24 * s, stack.top - 5 * s - (footer_top + 6 * s)
    )
    r = size.reading_scale
    style = ColumnStyle(
        max_size=16 * s, min_size=round(6 * r, 1), gap_mm=5 * r, min_column_mm=22 * r
    )
    groups = [replace(g, continued=ctx.texts("continued", heading=g.heading)) for g in groups]
    pages = fit_columns(groups, ctx.fonts, body, style) if groups else [[]]
    fixed = tuple(stack.lines + footer)
    return Poster(
        "godparents",
        tuple(
            PosterPage(
                size.width_mm, size.height_mm, fills=(rule,), qr=qr, lines=fixed + tuple(body_lines)
            )
            for body_lines in pages
        ),
        count,
    )


# wall -------------------------------------------------------------------------------------
def poster_name(prisoner: Prisoner, language: str) -> str:
    """The name as the poster's readers read it: Latin letters outside ru/be when given."""
    if language not in ("ru", "be") and prisoner.name_latin:
        return prisoner.name_latin
    return prisoner.name


def age(prisoner: Prisoner, today: date) -> int | None:
    """Age this year (a list gives the year of birth only)."""
    return today.year - int(prisoner.birth_year) if prisoner.birth_year.isdigit() else None


def plan_wall(
    size: PosterSize, prisoners: list[Prisoner], photos: dict[str, Path | None], ctx: PosterContext
) -> Poster:
    """Every prisoner as a tile (photo or initials, name, age), and "at least N"."""
    s = size.scale
    count = len(prisoners)
    stack = Stack(ctx, 12 * s, size.height_mm - 12 * s, size.width_mm - 24 * s)
    page_header(
        ctx,
        size,
        ctx.texts("wall_headline", count=count),
        ctx.texts("wall_count", count=count),
        stack,
    )
    rule = page_rule(size, stack.top)
    footer, qr, footer_top = page_footer(ctx, size)
    body = Box(
        12 * s, footer_top + 6 * s, size.width_mm - 24 * s, stack.top - 5 * s - (footer_top + 6 * s)
    )
    r = size.reading_scale
    grid = fit_grid(count, body, TILE_RATIO, 2 * r, 15 * r)
    pages = []
    for start in range(0, max(count, 1), grid.per_page):
        tiles, lines = [], []
        for index, prisoner in enumerate(prisoners[start : start + grid.per_page]):
            tile, text = _tile(prisoner, photos.get(prisoner.id), grid.cell(body, index), ctx, r)
            tiles.append(tile)
            lines += text
        pages.append(
            PosterPage(
                size.width_mm,
                size.height_mm,
                fills=(rule,),
                tiles=tuple(tiles),
                qr=qr,
                lines=tuple(stack.lines + footer + lines),
            )
        )
    return Poster("wall", tuple(pages), count)


def _tile(
    prisoner: Prisoner, photo: Path | None, cell: Box, ctx: PosterContext, r: float
) -> tuple[Tile, list[TextLine]]:
    w = cell.width_mm
    photo_box = Box(cell.x_mm, cell.top_mm - w, w, w)
    tile = photo_tile(prisoner, photo, photo_box, ctx)
    name_box = Box(cell.x_mm, photo_box.y_mm - 0.29 * w, w, 0.27 * w)
    lines = fit_or_trim(
        poster_name(prisoner, ctx.language),
        ctx.fonts,
        name_box,
        0.3 * w,
        min(0.3 * w, 4.5 * r),
        "bold",
    )
    years = age(prisoner, ctx.updated)
    if years is not None:
        age_box = Box(cell.x_mm, cell.y_mm, w, 0.12 * w)
        lines += fit_or_trim(
            ctx.texts("age", age=years),
            ctx.fonts,
            age_box,
            0.25 * w,
            min(0.25 * w, 4 * r),
            "regular",
        )
    return tile, lines


def photo_tile(prisoner: Prisoner, photo: Path | None, box: Box, ctx: PosterContext) -> Tile:
    """The photo, or the initials in white on a colour chosen from the prisoner's id."""
    colour = PALETTE[zlib.crc32(prisoner.id.encode()) % len(PALETTE)]
    if photo is not None:
        return Tile(box, photo, None, colour)
    initials = "".join(word[0] for word in poster_name(prisoner, ctx.language).split()[:2])
    size = box.width_mm * POINTS_PER_MM * 0.4
    width = mm(ctx.fonts.width(initials.upper(), "bold", size))
    line = TextLine(
        initials.upper(),
        box.x_mm + (box.width_mm - width) / 2,
        box.y_mm + box.height_mm / 2 - mm(0.3 * size),
        size,
        "bold",
        "white",
        width,
    )
    return Tile(box, None, line, colour)


def fit_or_trim(
    text: str,
    fonts: FontSet,
    box: Box,
    max_size: float,
    min_size: float,
    style: str,
    colour: str = "ink",
) -> list[TextLine]:
    """``text`` fitted and centred; words, then letters, dropped (with …) until it fits."""
    words = text.split()
    candidates = [
        " ".join(words[:n]) + ("" if n == len(words) else " …") for n in range(len(words), 0, -1)
    ]
    candidates += [words[0][:n] + "…" for n in range(len(words[0]) - 1, 0, -1)] if words else []
    for candidate in candidates or [""]:
        try:
            return block_lines(
                [(candidate, style)], fonts, box, max_size, min_size, colour, "centre"
            )
        except LayoutError:
            continue
    return []


# share ------------------------------------------------------------------------------------
def plan_share(
    count: int, ctx: PosterContext, sizes: tuple[tuple[int, int], ...] = SHARE_PX
) -> Poster:
    """Social images, one a page, at exact pixel sizes: motif, hashtag and the count."""
    return Poster("share", tuple(_share_page(w, h, count, ctx) for w, h in sizes), count)


def _share_page(width_px: int, height_px: int, count: int, ctx: PosterContext) -> PosterPage:
    size = share_size(width_px, height_px)
    w, h = size.width_mm, size.height_mm
    pad = 0.06 * min(w, h)
    pictures: tuple[Picture, ...] = ()
    text = Box(pad, pad, w - 2 * pad, h - 2 * pad)
    if ctx.motif is not None and w > h * 1.2:
        pictures = (Picture(Box(0, 0, w / 2, h), ctx.motif, "contain"),)
        text = Box(w / 2 + pad, pad, w / 2 - 2 * pad, h - 2 * pad)
    elif ctx.motif is not None:
        pictures = (Picture(Box(0, h * 0.45, w, h * 0.55), ctx.motif, "contain"),)
        text = Box(pad, pad, w - 2 * pad, h * 0.45 - 2 * pad)
    stack = Stack(ctx, text.x_mm, text.top_mm, text.width_mm)
    px = 1.0  # one pixel is one point
    stack.text(
        ctx.hashtag or ctx.campaign_name,
        text.height_mm * 0.3,
        96 * px,
        28 * px,
        "bold",
        "white",
        "left",
    )
    stack.text(
        ctx.texts("share_count", count=count),
        text.height_mm * 0.5,
        60 * px,
        20 * px,
        "regular",
        "white",
        "left",
    )
    stack.text(
        ctx.url or ctx.campaign_name,
        text.height_mm * 0.2,
        30 * px,
        14 * px,
        "regular",
        "white",
        "left",
    )
    return PosterPage(
        w,
        h,
        fills=(Fill(Box(0, 0, w, h), "accent"),),
        pictures=pictures,
        lines=tuple(stack.lines),
        pixels=(width_px, height_px),
    )
