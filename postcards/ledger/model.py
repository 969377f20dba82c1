"""The ledger's records as plain values: cards, events, tallies, lists and print runs.

No database here: pairing takes tallies and reports take cards without loading a driver.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

CARD_STATUSES = ("generated", "printed", "sent", "returned", "reply", "delivered", "void", "unvoid")
"""What can happen to a card. "sent" is what an office can know; delivery into a prison
is rarely confirmed.  "unvoid" undoes a void made by mistake (schema step 7)."""


def current_status(statuses: Iterable[str]) -> str:
    """A card's status after its events (oldest first): an unvoid gives back the one before.

    ``generated`` for a card with no event.
    """
    current, before = "generated", "generated"
    for status in statuses:
        current, before = next_status(current, before, status)
    return current


def next_status(current: str, before: str, status: str) -> tuple[str, str]:
    """(the card's status, the one a void replaced) after one more event.

    One event at a time, so that a card's status can be followed through a stream of
    events without keeping them (see :func:`current_status`).
    """
    if status == "unvoid":
        return (before if current == "void" else current), before
    if status == "void":
        return "void", current
    return status, before


def is_void(statuses: Iterable[str]) -> bool:
    """True when the card's last void was not undone (events oldest first)."""
    return current_status(statuses) == "void"


GENERATED_BY = "postcards cards"


@dataclass(frozen=True, slots=True)
class LedgerCard:
    """One card as the ledger knows it: who writes to whom, in which campaign and wave.

    ``message`` is the text printed on the card, kept for the archive handed to the
    prisoner after release (empty for cards recorded before schema step 3).  ``office``
    is the office that printed it (``[campaign] office``; '' for a campaign printed by
    one office, and for cards recorded before schema step 6): the sender's id is that
    office's own.
    """

    code: str
    campaign: str
    wave: str
    sender_id: str
    prisoner_id: str
    language: str
    sender_name: str
    prisoner_name: str
    message: str = ""
    office: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What makes a card unique: one per campaign, office, wave, sender and prisoner."""
        return (self.campaign, self.office, self.wave, self.sender_id, self.prisoner_id)


@dataclass(frozen=True, slots=True)
class LedgerSender:
    """A sender as the ledger first knew them, in their office of a campaign.

    The id is the office's own (``1`` in two offices is two senders); the name and
    parliament say who it is, so that an id that comes back as someone else is caught.
    """

    campaign: str
    office: str
    sender_id: str
    name: str
    parliament: str = ""

    def differs(self, name: str, parliament: str) -> str:
        """What makes (``name``, ``parliament``) another person: "name", "parliament" or "".

        Names are compared as a reader would (case, accents composed or not, spacing);
        a parliament the ledger does not know yet is no difference.
        """
        if not same_text(self.name, name):
            return "name"
        if self.parliament and parliament and not same_text(self.parliament, parliament):
            return "parliament"
        return ""


def same_text(a: str, b: str) -> bool:
    """True when two names read the same: Unicode NFC, case and runs of spaces ignored."""
    return _folded(a) == _folded(b)


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Tally:
    """What a prisoner (or a sender) has had so far in a campaign.

    ``sent`` counts every card that went out, including those later returned, answered
    or delivered; void cards count nowhere but ``void``.
    """

    generated: int = 0
    sent: int = 0
    returned: int = 0
    replies: int = 0
    void: int = 0
    last_sent: str = ""


OUT_STATUSES = frozenset({"sent", "returned", "reply", "delivered"})
"""Statuses that mean a card went out: a card with any of them counts as sent."""


@dataclass(frozen=True)
class PrisonerList:
    """The prisoner list a wave was printed from: its hash and each prisoner's fields."""

    wave: str
    list_hash: str
    recorded_at: str
    list_date: str
    source: str
    rows: Mapping[str, Mapping[str, str]]
    #: Each row as the ledger stores it (its fields as JSON), in id order, when whoever
    #: hashed the list kept them: a print run's 100,000 rows are not made twice.
    encoded: Callable[[], Iterator[tuple[str, str]]] | None = field(
        default=None, compare=False, repr=False
    )


@dataclass(frozen=True)
class RunFile:
    """A file a print run puts in place, with the SHA-256 of its content."""

    path: str
    sha256: str


@dataclass(frozen=True)
class PrintRunRecord:
    """A print run as the ledger keeps it."""

    id: int
    wave: str
    status: str  # pending, complete, interrupted (files never all in place), reprinted
    files: tuple[RunFile, ...]
    cards: int
    new_cards: int
    started_at: str
    office: str = ""


@dataclass(frozen=True)
class Event:
    """Something that happened to a card; events are only ever added, never changed."""

    code: str
    status: str
    at: str
    by: str
    note: str


#: Given a card and its history (oldest first), the event to add, or None to add nothing.
Decide = Callable[[LedgerCard, list[Event]], Event | None]


def utc_now() -> str:
    """The current time in UTC, to the second, as ISO-8601 (``2025-03-01T09:30:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
