"""The ``prisoner`` poster: one page per prisoner, with photo, name, age and term."""

from __future__ import annotations

import re
from pathlib import Path

from postcards.cards.addressing import recipient_lines
from postcards.errors import LayoutError
from postcards.inputs.people import Prisoner
from postcards.page.geometry import Box
from postcards.posters.columns import block_lines
from postcards.posters.kinds import PosterContext, Stack, age, page_footer, photo_tile, poster_name
from postcards.posters.plans import Fill, Poster, PosterPage, PosterSize


# prisoner ---------------------------------------------------------------------------------
def plan_prisoners(
    size: PosterSize, prisoners: list[Prisoner], photos: dict[str, Path | None], ctx: PosterContext
) -> Poster:
    """One page per prisoner: photo, name, sentence, how to write and the address."""
    return Poster(
        "prisoner",
        tuple(_prisoner_page(size, p, photos.get(p.id), ctx) for p in prisoners),
        len(prisoners),
    )


def _prisoner_page(
    size: PosterSize, prisoner: Prisoner, photo: Path | None, ctx: PosterContext
) -> PosterPage:
    s, margin = size.scale, 12 * size.scale
    footer, qr, footer_top = page_footer(ctx, size)
    landscape = size.width_mm > size.height_mm
    column = (size.width_mm - 2 * margin - (8 * s if landscape else 0)) / (2 if landscape else 1)
    left = Stack(ctx, margin, size.height_mm - margin, column)
    if ctx.hashtag:
        left.text(ctx.hashtag, 10 * s, 18 * s, 9 * s, "bold", "accent", gap_mm=3 * s)
    # The photo takes what the texts below it (and, on a portrait page, the address) leave.
    below_photo = (3 + 18 + 9 + 13) * s
    address_part = 0 if landscape else (12 + 29 + 58) * s
    room = left.top - (footer_top + 6 * s) - below_photo - address_part
    side = min(column * (0.8 if landscape else 0.5), room)
    if side < 20 * s:
        raise LayoutError(f"a prisoner's page does not fit {size.name}; try --landscape")
    left.box(side)
    tile = photo_tile(prisoner, photo, Box(margin + (column - side) / 2, left.top, side, side), ctx)
    left.top -= 3 * s
    left.text(poster_name(prisoner, ctx.language), 18 * s, 30 * s, 12 * s, "bold")
    if prisoner.name_latin and prisoner.name_latin != poster_name(prisoner, ctx.language):
        left.text(prisoner.name_latin, 9 * s, 16 * s, 8 * s)
    left.text(_details(prisoner, ctx), 9 * s, 14 * s, 8 * s, gap_mm=4 * s)
    right = left
    if landscape:
        right = Stack(ctx, margin + column + 8 * s, size.height_mm - margin, column)
        right.lines = left.lines
    name = prisoner.name_dative or prisoner.name
    right.text(
        ctx.texts("write_heading", name=poster_name(prisoner, ctx.language)),
        11 * s,
        20 * s,
        10 * s,
        "bold",
        "accent",
        "left",
        gap_mm=1 * s,
    )
    right.text(
        ctx.texts("write_text", name=name), 26 * s, 13 * s, 8 * s, align="left", gap_mm=3 * s
    )
    frame = right.box(right.top - footer_top - 6 * s)
    inner = Box(
        frame.x_mm + 5 * s, frame.y_mm + 4 * s, frame.width_mm - 10 * s, frame.height_mm - 8 * s
    )
    address = block_lines(recipient_lines(prisoner), ctx.fonts, inner, 18 * s, 9 * s)
    return PosterPage(
        size.width_mm,
        size.height_mm,
        fills=(Fill(frame, "accent", True),),
        tiles=(tile,),
        qr=qr,
        lines=tuple(right.lines + address + footer),
    )


def _details(prisoner: Prisoner, ctx: PosterContext) -> str:
    years = age(prisoner, ctx.updated)
    parts = [ctx.texts("age", age=years)] if years is not None else []
    if prisoner.sentence:
        parts.append(ctx.texts("sentence", sentence=_term(prisoner.sentence, ctx)))
    return " · ".join(parts)


_TERM = re.compile(
    r"\s*(?:(?P<years>\d+)\s*(?:год|года|лет|гады|гадоў|г\.?)(?!\w))?"
    r"\s*(?:(?P<months>\d+)\s*(?:месяц\w*|месяц|мес\.?)(?!\w))?\s*",
    re.IGNORECASE,
)


def _term(sentence: str, ctx: PosterContext) -> str:
    """A term as the list usually gives it, said in the poster's language.

    ``6 лет``, ``2 года 6 месяцев`` are translated so that the page reads in one language; anything
    else is kept as given.
    """
    match = _TERM.fullmatch(sentence)
    has = getattr(ctx.texts, "has", lambda block: False)  # a campaign's older templates
    if not match or not (match["years"] or match["months"]) or not has("term"):
        return sentence
    return ctx.texts("term", years=int(match["years"] or 0), months=int(match["months"] or 0))
