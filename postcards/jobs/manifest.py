"""The manifest: a print run's cards, one CSV row each, in print order.

Who sends which card to whom, from which office, with which return address, and where it
is printed (page, sheet, slot): what staff look a card up in, and what they cut and
sort by.  The rows are written as the run's chunks come back from drawing, so the end of
a long run does not read 100,000 cards back to write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from postcards.files import csv_rows
from postcards.jobs.planning import Row
from postcards.printing.run import Place

MANIFEST_COLUMNS = [
    "code",
    "wave",
    "office",
    "sender_id",
    "sender_name",
    "prisoner_id",
    "prisoner_name",
    "language",
    "front_page",
    "back_page",
    "sheet",
    "slot",
    "return_address",  # where a prison sends the card back: the lines printed, joined by " / "
]


class Manifest:
    """The manifest's rows, written to ``handle`` a chunk of cards at a time."""

    def __init__(self, handle: IO[str], places: Sequence[Place], office: str) -> None:
        """``places``: every card's place, in print order (known before any is drawn)."""
        self._write = csv_rows(handle, MANIFEST_COLUMNS)
        self._places, self._office = places, office
        self.count = 0

    def add(self, cards: Sequence[Row]) -> None:
        """The next cards, in print order, as a chunk's checks give them (see ``Row``)."""
        start, self.count = self.count, self.count + len(cards)
        office, places = self._office, self._places
        self._write(
            [code, wave, office, sender, name, prisoner, addressee, language,
             at.front_page, at.back_page, at.sheet, at.slot, returned]
            for (code, wave, sender, prisoner, language, name, addressee, _text, returned), at
            in zip(cards, places[start : self.count], strict=True)
        )  # fmt: skip


def write_manifest(
    handle: IO[str], cards: Iterable[Row], places: Sequence[Place], office: str
) -> int:
    """A whole manifest at once (cards as :meth:`Manifest.add` takes them); how many rows."""
    manifest = Manifest(handle, places, office)
    manifest.add(list(cards))
    return manifest.count
