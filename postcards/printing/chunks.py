"""A print run drawn chunk by chunk, in worker processes, and written in order.

The run is cut into chunks of whole sheets (a card is a sheet of one) of about
:data:`CHUNK_CARDS` cards, the same cut whatever ``--jobs`` is.  The parent plans the
cards and checks each as it goes; a worker draws a chunk's pages as compressed content
streams (:class:`Drawn`), with the forms of the blocks that recur in it and the glyphs its
text used; the parent writes them to the file in print order and forgets them.  Only a few
chunks are in flight, so memory stays flat at any size, and the file is the same byte for
byte for any number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from postcards.cards.plans import CardPlan
from postcards.page.writer import PdfWriter, Rect
from postcards.printing.faces import CardRenderer
from postcards.printing.parallel import in_order
from postcards.printing.sheets import SheetRenderer
from postcards.progress import Progress

#: About this many cards are drawn together: enough to share a chunk's recurring blocks
#: and to keep the workers busy, few enough that a chunk's pages are a few megabytes.
CHUNK_CARDS = 256


@dataclass
class Drawn:
    """One chunk, drawn: its forms and pages for each file, and the glyphs its text used."""

    forms: list[tuple[int, str, bytes]] = field(default_factory=list)  # (file, name, stream)
    pages: list[tuple[int, bytes]] = field(default_factory=list)  # (file, stream)
    glyphs: list[dict[str, dict[int, int]]] = field(default_factory=list)  # per file
    cards: int = 0


class ShortOfCards(Exception):
    """The plans ran out before the chunk was full: a card could not be planned."""


def draw_cards(
    cards: CardRenderer,
    plans: Iterator[CardPlan],
    count: int,
    writer: PdfWriter,
    jobs: int,
    progress: Progress | None = None,
) -> None:
    """Draw ``count`` single cards from ``plans`` into ``writer``, front then back each."""
    boxes = cards.page_boxes()

    def chunks() -> Iterator[tuple[int, list[CardPlan]]]:
        for index in range(math.ceil(count / CHUNK_CARDS)):
            wanted = min(CHUNK_CARDS, count - index * CHUNK_CARDS)
            yield index + 1, _take(plans, wanted)

    def draw(chunk: tuple[int, list[CardPlan]]) -> Drawn:
        index, chunk_plans = chunk
        cards.start_chunk(chunk_plans, f"C{index}")
        drawn = Drawn(cards=len(chunk_plans))
        for plan in chunk_plans:
            front, back = cards.card_pages(plan)
            drawn.pages += [(0, front), (0, back)]
        drawn.forms = [(0, name, content) for name, content in cards.new_forms]
        drawn.glyphs = [_glyphs(cards)]
        return drawn

    size = (cards.width, cards.height)
    _write_all(in_order(chunks(), draw, jobs), [writer], size, boxes, count, progress)


def draw_sheets(
    sheets: SheetRenderer,
    plans: Iterator[CardPlan],
    layout: list[list[int | None]],
    writers: list[PdfWriter],
    jobs: int,
    progress: Progress | None = None,
) -> None:
    """Draw the sheets of ``layout`` (each a list of card indexes by slot) from ``plans``.

    ``writers`` is one file (fronts and backs alternating) or two (fronts, backs).
    """
    per_chunk = max(1, CHUNK_CARDS // len(sheets.imposition.slots))
    count = sum(index is not None for slots in layout for index in slots)

    def chunks() -> Iterator[tuple[int, int, list[list[CardPlan | None]]]]:
        for start in range(0, len(layout), per_chunk):
            group = layout[start : start + per_chunk]
            wanted = sum(index is not None for slots in group for index in slots)
            taken = iter(_take(plans, wanted))
            placed = [[next(taken) if i is not None else None for i in slots] for slots in group]
            yield start // per_chunk + 1, start + 1, placed

    back_file = len(writers) - 1

    def draw(chunk: tuple[int, int, list[list[CardPlan | None]]]) -> Drawn:
        index, first, placed = chunk
        chunk_plans = [plan for on_sheet in placed for plan in on_sheet if plan is not None]
        sheets.start_chunk(chunk_plans, f"C{index}")
        drawn = Drawn(cards=len(chunk_plans))
        for number, on_sheet in enumerate(placed, first):
            front, back = sheets.sheet_pages(on_sheet, number, len(layout))
            drawn.pages += [(0, front), (back_file, back)]
        drawn.forms = [(back_file, name, stream) for name, stream in sheets.back_cards.new_forms]
        drawn.glyphs = [_glyphs(sheets.cards)]
        if back_file:
            drawn.glyphs.append(_glyphs(sheets.back_cards))
        return drawn

    size = (sheets.cards.width, sheets.cards.height)
    boxes = sheets.page_boxes()
    _write_all(in_order(chunks(), draw, jobs), writers, size, boxes, count, progress)


def _take(plans: Iterator[CardPlan], wanted: int) -> list[CardPlan]:
    taken = list(islice(plans, wanted))
    if len(taken) < wanted:
        raise ShortOfCards
    return taken


def _glyphs(cards: CardRenderer) -> dict[str, dict[int, int]]:
    assert cards.writer is not None
    return cards.writer.glyphs()


def _write_all(
    drawn: Generator[Drawn, None, None],
    writers: Sequence[PdfWriter],
    size: tuple[float, float],
    boxes: tuple[Rect, ...],
    count: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Write each chunk as it comes back, in print order, and say how far the run is.

    Whatever stops the writing (an error, Ctrl-C, SIGTERM between two chunks) closes the
    chunks at once, which stops the workers before the exception goes up.
    """
    for writer in writers:
        writer.flush()  # the workers are forked from here: nothing unwritten to inherit
    done = 0
    with closing(drawn):
        for chunk in drawn:
            for file, name, stream in chunk.forms:
                writers[file].form(*size, stream, name)
            for file, used in enumerate(chunk.glyphs):
                for resource, glyphs in used.items():
                    writers[file].note_glyphs(resource, glyphs)
            for file, stream in chunk.pages:
                writers[file].add_page(stream, *boxes)
            done += chunk.cards
            if progress:
                progress(done, count)
