"""A print run drawn chunk by chunk, in worker processes, and written in order.

The run is cut into chunks of whole sheets (a card is a sheet of one) of about
:data:`CHUNK_CARDS` cards, the same cut whatever ``--jobs`` is.  Only the chunk's card
numbers go to a worker: it plans and checks those cards (:class:`Planning`) and draws
their pages as compressed content streams (:class:`Drawn`), with the forms of the blocks
that recur in it, the glyphs its text used and what its checks found; the parent writes
the pages to the file in print order, hands the findings on, and forgets them.  Only a
few chunks are in flight, so memory stays flat at any size, and the file is the same
byte for byte for any number of workers.  Once a card could not be planned, the chunks
after it are only checked, not drawn, so that every problem is still reported at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Protocol

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
    checked: object = None  # what planning the chunk's cards found (see Planning.take)
    planned: bool = True  # False: a card could not be planned, and nothing was drawn


class Planning(Protocol):
    """The run's cards, planned and checked on demand, in the process that draws them."""

    def plans(self, start: int, stop: int) -> list[CardPlan] | None:
        """Cards ``start`` to ``stop - 1`` (in print order), or None if one cannot be planned."""

    def take(self) -> object:
        """What the checks found since the last call, for the parent's :data:`Checked`."""


class Planned:
    """Cards planned before (a proof's few): :class:`Planning` with nothing left to check."""

    def __init__(self, plans: Sequence[CardPlan]) -> None:
        self._plans = plans

    def plans(self, start: int, stop: int) -> list[CardPlan] | None:
        """Cards ``start`` to ``stop - 1``, as they were planned."""
        return list(self._plans[start:stop])

    def take(self) -> object:
        """Nothing: they were checked when they were planned."""
        return None


#: The parent's side of :meth:`Planning.take`: called with each chunk's, in print order.
Checked = Callable[[object], None]


class _Chunks:
    """The run's cut into chunks, and whether they are still drawn or only checked."""

    def __init__(self, planning: Planning) -> None:
        self.planning = planning
        self.failed = False  # a card could not be planned: the rest are only checked

    def planned(self, start: int, stop: int, draw: bool) -> tuple[list[CardPlan] | None, Drawn]:
        """The chunk's plans (None: not to be drawn) and its :class:`Drawn`, still empty."""
        plans = self.planning.plans(start, stop)
        drawn = Drawn(cards=stop - start, planned=plans is not None)
        return (plans if draw else None), drawn

    def finished(self, drawn: Drawn) -> Drawn:
        drawn.checked = self.planning.take()
        return drawn


def draw_cards(
    cards: CardRenderer,
    planning: Planning,
    count: int,
    writer: PdfWriter,
    jobs: int,
    progress: Progress | None = None,
    checked: Checked | None = None,
    meanwhile: Iterator[object] | None = None,
) -> bool:
    """Plan and draw ``count`` single cards into ``writer``, front then back each.

    ``meanwhile``: the caller's work in steps, for the moments the workers keep it waiting.
    Returns False when a card could not be planned: the file is then incomplete.
    """
    boxes = cards.page_boxes()
    run = _Chunks(planning)

    def chunks() -> Iterator[tuple[int, int, int, bool]]:
        for index in range(math.ceil(count / CHUNK_CARDS)):
            start = index * CHUNK_CARDS
            yield index + 1, start, min(start + CHUNK_CARDS, count), not run.failed

    def draw(chunk: tuple[int, int, int, bool]) -> Drawn:
        index, start, stop, wanted = chunk
        plans, drawn = run.planned(start, stop, wanted)
        if plans is not None:
            cards.start_chunk(plans, f"C{index}")
            for plan in plans:
                front, back = cards.card_pages(plan)
                drawn.pages += [(0, front), (0, back)]
            drawn.forms = [(0, name, content) for name, content in cards.new_forms]
            drawn.glyphs = [_glyphs(cards)]
        return run.finished(drawn)

    size = (cards.width, cards.height)
    drawn = in_order(chunks(), draw, jobs, meanwhile)
    _write_all(drawn, [writer], size, boxes, count, run, progress, checked)
    return not run.failed


def draw_sheets(
    sheets: SheetRenderer,
    planning: Planning,
    layout: list[list[int | None]],
    writers: list[PdfWriter],
    jobs: int,
    progress: Progress | None = None,
    checked: Checked | None = None,
    meanwhile: Iterator[object] | None = None,
) -> bool:
    """Plan and draw the sheets of ``layout`` (each a list of card indexes by slot).

    ``writers`` is one file (fronts and backs alternating) or two (fronts, backs).
    Returns False when a card could not be planned: the files are then incomplete.
    """
    per_chunk = max(1, CHUNK_CARDS // len(sheets.imposition.slots))
    count = sum(index is not None for slots in layout for index in slots)
    run = _Chunks(planning)

    def chunks() -> Iterator[tuple[int, int, list[list[int | None]], bool]]:
        for start in range(0, len(layout), per_chunk):
            group = layout[start : start + per_chunk]
            yield start // per_chunk + 1, start + 1, group, not run.failed

    back_file = len(writers) - 1

    def draw(chunk: tuple[int, int, list[list[int | None]], bool]) -> Drawn:
        index, first, group, wanted = chunk
        numbers = [i for slots in group for i in slots if i is not None]
        start = numbers[0] if numbers else 0
        plans, drawn = run.planned(start, start + len(numbers), wanted)
        if plans is not None:
            placed = [[plans[i - start] if i is not None else None for i in s] for s in group]
            sheets.start_chunk(plans, f"C{index}")
            for number, on_sheet in enumerate(placed, first):
                front, back = sheets.sheet_pages(on_sheet, number, len(layout))
                drawn.pages += [(0, front), (back_file, back)]
            new = sheets.back_cards.new_forms
            drawn.forms = [(back_file, name, stream) for name, stream in new]
            drawn.glyphs = [_glyphs(sheets.cards)]
            if back_file:
                drawn.glyphs.append(_glyphs(sheets.back_cards))
        return run.finished(drawn)

    size = (sheets.cards.width, sheets.cards.height)
    boxes = sheets.page_boxes()
    drawn = in_order(chunks(), draw, jobs, meanwhile)
    _write_all(drawn, writers, size, boxes, count, run, progress, checked)
    return not run.failed


def _glyphs(cards: CardRenderer) -> dict[str, dict[int, int]]:
    assert cards.writer is not None
    return cards.writer.glyphs()


def _write_all(
    drawn: Generator[Drawn, None, None],
    writers: Sequence[PdfWriter],
    size: tuple[float, float],
    boxes: tuple[Rect, ...],
    count: int,
    run: _Chunks,
    progress: Callable[[int, int], None] | None,
    checked: Checked | None,
) -> None:
    """Write each chunk as it comes back, in print order, and say how far the run is.

    Each chunk's findings go to ``checked`` first; once a card could not be planned,
    nothing more is written (the caller throws the file away), but every chunk is checked.

    Whatever stops the writing (an error, Ctrl-C, SIGTERM between two chunks) closes the
    chunks at once, which stops the workers before the exception goes up.
    """
    for writer in writers:
        writer.flush()  # the workers are forked from here: nothing unwritten to inherit
    done = 0
    with closing(drawn):
        for chunk in drawn:
            if checked is not None:
                checked(chunk.checked)
            run.failed = run.failed or not chunk.planned
            done += chunk.cards
            if run.failed:
                if progress:
                    progress(done, count)
                continue
            for file, name, stream in chunk.forms:
                writers[file].form(*size, stream, name)
            for file, used in enumerate(chunk.glyphs):
                for resource, glyphs in used.items():
                    writers[file].note_glyphs(resource, glyphs)
            for file, stream in chunk.pages:
                writers[file].add_page(stream, *boxes)
            if progress:
                progress(done, count)
