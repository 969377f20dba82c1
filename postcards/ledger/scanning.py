"""Scanning and marking cards: what a scanner or a person typed -> an event in the ledger.

A line from a USB barcode scanner (or a file of codes, or a person at a keyboard) is read
as a card code however it arrives: with or without hyphens, in lower case, inside the
campaign URL, with the Crockford look-alikes (O for 0, I and L for 1).  Each line gets an
:class:`Outcome` at once: the card and its new status, "already scanned" (nothing new is
recorded), or why it was refused (not a code, a wrong check character, an unknown card, a
status that cannot follow the card's current one).  When the ledger cannot record a line (a
full disk, a server gone), ``track scan`` says so and goes on: the line is "not recorded",
and the next ones are recorded once the ledger can write again.

The rules of which status may follow which live here, in :data:`NEXT`; the ledger makes
the check and the new event one locked step, so that several scanners at once record a
card once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from postcards.codes import CodeError, code_in_url, format_code, is_url, parse_code
from postcards.errors import LedgerError
from postcards.ledger.book import Ledger, NonceTaken
from postcards.ledger.engines import SaveUncertain, from_driver
from postcards.ledger.keepable import unkeepable
from postcards.ledger.model import Event, LedgerCard, current_status, is_void, utc_now

NEXT: dict[str, frozenset[str]] = {
    "generated": frozenset({"printed", "sent", "void"}),
    "printed": frozenset({"sent", "void"}),
    "sent": frozenset({"returned", "reply", "delivered"}),
    "delivered": frozenset({"reply", "returned"}),
    "returned": frozenset({"void"}),
    "reply": frozenset(),
    "void": frozenset(),
}
"""The statuses that may follow each status.  A void card is refused for good (its
reprint has a new code); a card that went out cannot be voided."""

SCAN_STATUSES = ("printed", "sent", "returned", "reply", "delivered", "void")
"""What staff may record by scanning or by hand ("generated" is the print run's)."""

RECORDED, DUPLICATE, REFUSED = "recorded", "already scanned", "refused"
NOT_RECORDED = "not recorded"
"""The ledger could not record the line (see :attr:`Scanner.keep_going`); scan it again."""


@dataclass(frozen=True)
class Outcome:
    """What became of one scanned or typed line."""

    line: str
    kind: str  # RECORDED, DUPLICATE, REFUSED or NOT_RECORDED
    message: str
    code: str = ""
    card: LedgerCard | None = None
    event: Event | None = None

    @property
    def refused(self) -> bool:
        """True when the line was refused and nothing was recorded."""
        return self.kind == REFUSED


class _Refused(Exception):
    """Raised inside the ledger's locked step: the status cannot follow; nothing written."""


def next_event(
    card: LedgerCard, history: list[Event], status: str, by: str, note: str, at: str | None
) -> Event | None:
    """The event a scan adds, None for a repeated scan, or :class:`_Refused`.

    A status the card already had is a repeat (recorded once; a void only while it stands);
    otherwise the status must be allowed after the card's current one (its newest event,
    or after an unvoid the one before the void).
    """
    statuses = [event.status for event in history]
    current = current_status(statuses)
    if status == current or (status != "void" and status in statuses):
        return None
    if status not in NEXT[current]:
        raise _Refused(_why_not(status, current, history))
    return Event(card.code, status, at or utc_now(), by, note)


def _shown_bytes(raw: bytes) -> str:
    """A line that is not text, as a message quotes it: its bytes, shortened."""
    raw = raw.strip()
    return repr(raw[:40]) + ("…" if len(raw) > 40 else "")


def scanned_code(line: str, url: str | None = None) -> str:
    """The canonical code in a scanned or typed line; a URL must be the campaign's."""
    if url is not None and is_url(line):
        return code_in_url(line, url)
    return parse_code(line)


def _check_campaign(card: LedgerCard, campaign: str | None) -> None:
    """A card of another campaign is refused: its scan belongs to that campaign's desk."""
    if campaign is not None and card.campaign != campaign:
        raise _Refused(
            f"a card of the campaign {card.campaign!r}, not of {campaign!r}; "
            "scan it with that campaign's -c"
        )


def _why_not(status: str, current: str, history: list[Event]) -> str:
    when = history[-1].at if history else ""
    if current == "void":
        return f"voided on {when} (a spoiled card; its reprint has a new code)"
    allowed = ", ".join(sorted(NEXT[current])) or "nothing"
    return f"cannot be marked {status}: it is {current} since {when} (next may be: {allowed})"


@dataclass
class Scanner:
    """Records one status for every code it is given, and keeps the tally for a summary.

    Attributes:
        ledger: the open ledger.
        status: what each scan records (``sent`` as cards go into the mail bag).
        by: who scans, kept in every event.
        note: kept in every event.
        campaign: when given, a card of another campaign (a ledger several campaigns
            share) is refused, naming its campaign.
        url: when given, the campaign's ``[qr] url`` pattern: a scanned URL must match
            it ("" or no ``{code}``: the cards carry no URL, so a URL is refused).
        keep_going: when on (``track scan``), a line the ledger cannot record (a full
            disk, a server gone) is answered :data:`NOT_RECORDED` with the reason, and the
            next line is tried; when off (the station), the LedgerError is raised, so that
            the phone keeps the scan and sends it again.
    """

    ledger: Ledger
    status: str = "sent"
    by: str = ""
    note: str = ""
    campaign: str | None = None
    url: str | None = None
    counts: Counter = field(default_factory=Counter)
    keep_going: bool = False

    def __post_init__(self) -> None:
        if self.status not in SCAN_STATUSES:
            raise ValueError(f"status {self.status!r}: use one of {', '.join(SCAN_STATUSES)}")

    def scan(self, line: str, at: str | None = None, nonce: str = "") -> Outcome | None:
        """Record one line; None for a blank line (a scanner's stray Enter).

        A scan resent with a ``nonce`` the ledger already has is a repeat.
        """
        if not line.strip():
            return None
        outcome = self._scan(line.strip(), at, nonce)
        self.counts[outcome.kind] += 1
        return outcome

    def scan_bytes(self, raw: bytes, at: str | None = None) -> Outcome | None:
        """Record one line as read from a file or a scanner; refuse one that is not UTF-8.

        A line that is not UTF-8 (a scanner set to another keyboard layout, a binary file) is
        refused, the rest go on.
        """
        try:
            line = raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
        except UnicodeDecodeError as error:
            outcome = Outcome(
                repr(raw),
                REFUSED,
                f"refused: {_shown_bytes(raw)}: not UTF-8 "
                f"text (byte {raw[error.start]:#04x} at position "
                f"{error.start + 1}); scan or type the code again",
            )
            self.counts[outcome.kind] += 1
            return outcome
        return self.scan(line, at)

    def _scan(self, line: str, at: str | None, nonce: str = "") -> Outcome:
        try:
            code = scanned_code(line, self.url)
        except CodeError as error:
            return Outcome(line, REFUSED, f"refused: {error}")
        shown = format_code(code)
        for what, text in (
            ("who scans", self.by),
            ("the note", self.note),
            ("the scan's nonce", nonce),
        ):
            why = unkeepable(text)
            if why is not None:
                return Outcome(line, REFUSED, f"{shown}: refused: {what} {why}", code)
        try:
            return self._record(line, code, shown, at, nonce)
        except LedgerError as error:
            if not self.keep_going:
                raise
            if isinstance(error, SaveUncertain):
                return Outcome(line, NOT_RECORDED, f"{shown}: perhaps not recorded: {error}", code)
            return Outcome(line, NOT_RECORDED, f"{shown}: not recorded: {error}", code)

    def _record(self, line: str, code: str, shown: str, at: str | None, nonce: str) -> Outcome:
        def decide(card: LedgerCard, history: list[Event]) -> Event | None:
            _check_campaign(card, self.campaign)
            return next_event(card, history, self.status, self.by, self.note, at)

        try:
            card, history, event = self.ledger.record_checked(code, decide, nonce)
        except _Refused as why:
            found = self.ledger.card(code)
            return Outcome(line, REFUSED, f"{shown}: refused: {why}", code, found)
        except NonceTaken as taken:
            return Outcome(line, REFUSED, f"{shown}: refused: {taken.problems[0].message}", code)
        except LedgerError as error:
            if from_driver(error):  # the ledger failed (a full disk, a server gone): say why
                raise
            try:
                unknown = self.ledger.card(code) is None
            except LedgerError:  # the ledger cannot answer now: the first error says why
                unknown = False
            if unknown:
                return Outcome(line, REFUSED, f"{shown}: refused: unknown code; no card in "
                               f"{self.ledger.name} has it", code)  # fmt: skip
            raise
        who = f"{card.prisoner_name} ({card.prisoner_id}) from {card.sender_name}"
        if event is None:
            first = next((e for e in history if e.status == self.status), history[-1])
            by = f" by {first.by}" if first.by else ""
            message = f"{shown}: already {self.status} on {first.at}{by}; nothing recorded"
            return Outcome(line, DUPLICATE, f"{message}: {who}", code, card, first)
        return Outcome(line, RECORDED, f"{shown}: {self.status}: {who}", code, card, event)

    def summary(self) -> str:
        """One line: how many lines were recorded, repeated, refused and not recorded."""
        summary = (
            f"{self.counts[RECORDED]} recorded as {self.status}, {self.counts[DUPLICATE]} "
            f"already scanned, {self.counts[REFUSED]} refused"
        )
        if self.counts[NOT_RECORDED]:
            summary += (
                f", {self.counts[NOT_RECORDED]} not recorded (the ledger could not write "
                "them: scan them again)"
            )
        return summary


def show(
    ledger: Ledger, text: str, campaign: str | None = None, url: str | None = None
) -> tuple[LedgerCard, list[Event]]:
    """A card and its whole history, from a code as typed.

    ``campaign`` and ``url`` are as for :class:`Scanner`.

    Raises:
        CodeError: the text is not a card code, or not the campaign's URL.
        LedgerError: no card has the code, or it is another campaign's.
    """
    code = scanned_code(text, url)
    card = ledger.card(code)
    if card is None:
        raise LedgerError(f"{format_code(code)}: unknown code; no card in {ledger.name} has it")
    try:
        _check_campaign(card, campaign)
    except _Refused as why:
        raise LedgerError(f"{format_code(code)}: {why}") from None
    return card, ledger.history(code)


def unvoid(
    ledger: Ledger,
    text: str,
    by: str,
    note: str = "",
    campaign: str | None = None,
    url: str | None = None,
) -> tuple[LedgerCard, Event]:
    """Undo a void made by mistake: the card is back to the status it had before.

    Only while the card has no reprint (a reprint gave its pair a new code: that card is
    the live one).  The void stays in the history; an ``unvoid`` event follows it.

    Raises:
        CodeError: the text is not a card code, or not the campaign's URL.
        LedgerError: no card has the code, it is another campaign's, it is not void, or
            its reprint replaced it; nothing is recorded.
    """
    card, _ = show(ledger, text, campaign, url)
    shown = format_code(card.code)
    live = ledger.codes_for(card.campaign, card.wave, card.office)
    reprint = live.get((card.sender_id, card.prisoner_id))
    if reprint is not None and reprint != card.code:
        raise LedgerError(
            f"{shown}: its reprint {format_code(reprint)} replaced it; void that card first to "
            "bring this one back"
        )

    def decide(found: LedgerCard, history: list[Event]) -> Event:
        if not is_void(event.status for event in history):
            raise _Refused(f"not void: it is {current_status(e.status for e in history)}")
        return Event(found.code, "unvoid", utc_now(), by, note)

    try:
        card, _, event = ledger.record_checked(card.code, decide)
    except _Refused as why:
        raise LedgerError(f"{shown}: {why}; nothing recorded") from None
    assert event is not None  # decide always adds one or raises
    return card, event


class ScannedCampaign(Protocol):
    """What a scan's scope reads of a campaign (its settings give it), and no more."""

    @property
    def name(self) -> str:
        """The campaign's name, as its cards were recorded."""

    @property
    def source(self) -> Path | None:
        """Its campaign.toml; None without one."""

    @property
    def qr_url(self) -> str:
        """Its ``[qr] url`` pattern ('': the cards carry no URL)."""


def scan_scope(campaign: ScannedCampaign) -> dict[str, Any]:
    """The campaign a scan must belong to and its URL pattern, as :class:`Scanner` takes them.

    Both are None without campaign.toml: a bare ledger named by POSTCARDS_DATABASE takes any of its
    cards.
    """
    if campaign.source is None:
        return {"campaign": None, "url": None}
    return {"campaign": campaign.name, "url": campaign.qr_url}
