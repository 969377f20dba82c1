"""Pairing senders with prisoners: fair, deterministic, and aware of earlier waves.

Three sources of pairs, applied in this order:

1. explicit pairs from an assignments file (read and validated in
   :mod:`postcards.pairing.assignments`);
2. with godparenthood, each sender's prisoners from their latest earlier wave (a released
   godchild frees the sender, and the plan's notes say so);
3. the fair deal: every prisoner in custody is covered before any gets a second card,
   prisoners with the fewest pairs of other offices in the wave, then the fewest cards
   sent (then generated) in earlier waves come first,
   senders share the work evenly within their ``cards`` caps, a sender never gets the
   same prisoner twice in a wave, and senders who share the prisoner's language are
   preferred when the campaign asks for it.

Everything here is pure: the ledger's tallies and earlier pairs come in as data, and the
same inputs and seed always give the same pairs, whatever the rows' order.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from sys import intern  # most cards share their reason: kept once

from postcards.inputs.people import Prisoner, Sender
from postcards.ledger.model import Tally
from postcards.order import natural_key


@dataclass(frozen=True, slots=True)
class Pairing:
    """One card to make: who signs it, who receives it, in which language, and why."""

    sender: Sender
    prisoner: Prisoner
    language: str = ""
    source_row: int | None = None  # row of the assignments file, when explicit
    reason: str = ""
    message: str = ""  # the sender's own words; empty: the template's message
    translation: str = ""  # the personal message in the signer's language, for the sheet
    source: str = ""  # the assignments file's name, for problems with its row

    def loaded(self) -> Pairing:
        """The same pairing with its sender's and prisoner's fields in memory, not in a spool.

        A sender's cards come together in print order: ``_LAST_SENDER`` keeps the last one.
        """
        last = _LAST_SENDER[0]  # read once: another thread may plan meanwhile
        if last is None or last[0] is not self.sender:
            last = _LAST_SENDER[0] = (self.sender, self.sender.loaded())
        return Pairing(
            last[1],
            self.prisoner.loaded(),
            self.language,
            self.source_row,
            self.reason,
            self.message,
            self.translation,
            self.source,
        )


_LAST_SENDER: list[tuple[Sender, Sender] | None] = [None]


@dataclass(frozen=True)
class WavePairs:
    """The pairings of one wave and the prisoners in custody left without a card."""

    pairings: tuple[Pairing, ...]
    uncovered: tuple[Prisoner, ...]


@dataclass(frozen=True)
class Rules:
    """How to deal the cards of one wave.

    Attributes:
        per_prisoner: cards for each prisoner in custody (ignored with ``per_sender``).
        per_sender: when set, each sender gets this many prisoners instead.
        seed: breaks ties in a shuffled order; None breaks them in id order.  Either way
            the same inputs give the same pairs.
        match_language: prefer senders who share the prisoner's language.
        language: the language of a prisoner whose row names none ("" leaves it to the
            campaign's default when the card is planned).
        tallies: cards per prisoner id in earlier waves (fewest sent, then generated, first).
        in_wave: other offices' pairs in this wave per prisoner id (the fewest first of all).
    """

    per_prisoner: int = 1
    per_sender: int | None = None
    seed: int | None = None
    match_language: bool = False
    language: str = ""
    tallies: Mapping[str, Tally] = field(default_factory=dict)
    in_wave: Mapping[str, int] = field(default_factory=dict)


def pair(
    senders: Sequence[Sender],
    prisoners: Sequence[Prisoner],
    rules: Rules = Rules(),
    fixed: Sequence[Pairing] = (),
    closed: Iterable[str] = (),
) -> WavePairs:
    """Deal the cards of one wave.

    Args:
        senders: the current list of senders.
        prisoners: the current list of prisoners (those not in custody get nothing).
        rules: how many cards, the seed, the language preference, earlier tallies.
        fixed: pairs already decided (explicit rows, kept godchildren); they count
            towards the senders' caps and the prisoners' coverage.
        closed: ids of senders who get no new prisoner (godparents who kept theirs).

    Returns:
        The fixed pairs followed by the new ones, and the prisoners left uncovered.
    """
    custody = _priority([p for p in prisoners if p.in_custody], rules)
    closed = set(closed)
    free = sorted((s for s in senders if s.id not in closed), key=lambda s: _rank(rules, s.id))
    got = Counter(p.prisoner.id for p in fixed)
    paired = _Pairs((p.sender.id, p.prisoner.id) for p in fixed)
    quotas = _quotas(free, Counter(p.sender.id for p in fixed), custody, got, rules)
    dealer = _Dealer(free, quotas, rules)
    new: list[Pairing] = []
    for prisoner in _slots(custody, got, rules, len(free)):
        if dealer.empty:
            break
        language = prisoner.language or rules.language
        sender = dealer.take(prisoner.id, language, paired)
        if sender is None:
            continue
        paired.add((sender.id, prisoner.id))
        got[prisoner.id] += 1
        new.append(
            Pairing(
                sender,
                prisoner,
                language,
                reason=intern(_reason(got[prisoner.id], prisoner, sender, language, rules)),
            )
        )
    left = (p for p in custody if not got[p.id] and not rules.in_wave.get(p.id))
    uncovered = tuple(sorted(left, key=lambda p: natural_key(p.id)))
    return WavePairs((*fixed, *new), uncovered)


def _rank(rules: Rules, key: str) -> str:
    """A tie-breaker that does not depend on row order or Python's hash seed.

    It is the id itself, or a hash of it with the seed.
    """
    if rules.seed is None:
        return key
    return hashlib.sha256(f"{rules.seed}\0{key}".encode()).hexdigest()


_NO_TALLY = Tally()


def _tally(rules: Rules, prisoner_id: str) -> tuple[int, int, int]:
    tally = rules.tallies.get(prisoner_id) or _NO_TALLY
    return (rules.in_wave.get(prisoner_id, 0), tally.sent, tally.generated)


def _priority(custody: list[Prisoner], rules: Rules) -> list[Prisoner]:
    """Fewest pairs of other offices in the wave first, then fewest sent, generated, seed."""
    if not rules.tallies and not rules.in_wave and rules.seed is None:  # ids' order
        return sorted(custody, key=lambda p: p.id)
    return sorted(custody, key=lambda p: (*_tally(rules, p.id), _rank(rules, p.id)))


def _quotas(
    free: list[Sender], load: Counter, custody: list[Prisoner], got: Counter, rules: Rules
) -> list[int]:
    """How many new cards each free sender signs.

    N each with ``per_sender``, else the wave's cards spread as evenly as the ``cards`` caps allow
    (extras in seeded order).
    """
    caps = [min(len(custody), _cap(s, load)) for s in free]
    if rules.per_sender is not None:
        return [min(rules.per_sender, cap) for cap in caps]
    demand = sum(max(0, rules.per_prisoner - got[p.id]) for p in custody)
    return even_shares(caps, demand)


def _cap(sender: Sender, load: Counter) -> int:
    if sender.cards is None:
        return 1 << 30
    return max(0, sender.cards - load[sender.id])


def even_shares(caps: Sequence[int], total: int) -> list[int]:
    """Split ``total`` as evenly as possible under per-slot caps.

    Earlier slots take the remainder.  The shares add up to ``min(total, sum(caps))``.
    """
    shares = [0] * len(caps)
    remaining, open_ = total, [i for i, cap in enumerate(caps) if cap > 0]
    while remaining > 0 and open_:
        share = remaining // len(open_)
        if share == 0:
            for i in open_[:remaining]:
                shares[i] += 1
            break
        still_open = []
        for i in open_:
            give = min(share, caps[i] - shares[i])
            shares[i] += give
            remaining -= give
            if shares[i] < caps[i]:
                still_open.append(i)
        open_ = still_open
    return shares


def _slots(custody: list[Prisoner], got: Counter, rules: Rules, senders: int) -> Iterator[Prisoner]:
    """Cards to fill, round by round: every prisoner's first card before any second."""
    rounds = (
        rules.per_prisoner if rules.per_sender is None else senders + max(got.values(), default=0)
    )
    for round_ in range(1, rounds + 1):
        for prisoner in custody:
            if got[prisoner.id] < round_:
                yield prisoner


def _reason(number: int, prisoner: Prisoner, sender: Sender, language: str, rules: Rules) -> str:
    others, sent, generated = _tally(rules, prisoner.id)
    text = f"card {number} this wave; {sent} sent, {generated} made before"
    if others:
        text += f"; {others} from other offices this wave"
    if rules.match_language and language in sender_languages(sender):
        text += f"; shares {language}"
    return text


def sender_languages(sender: Sender) -> set[str]:
    """The languages a sender writes, from a cell like ``ru, be`` or ``pl/en``."""
    return {part for part in re.split(r"[\s,;/]+", sender.language.lower()) if part}


class _Pairs:
    """Who already writes to whom this wave, by prisoner.

    Most prisoners get one card, so their one sender's id is kept as it is, not in a set
    of tuples: 100,000 cards cost a dict entry each.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._senders: dict[str, str | set[str]] = {}
        for sender_id, prisoner_id in pairs:
            self.add((sender_id, prisoner_id))

    def add(self, pair: tuple[str, str]) -> None:
        """Record that the sender writes to the prisoner (``pair``: their ids)."""
        sender_id, prisoner_id = pair
        found = self._senders.setdefault(prisoner_id, sender_id)
        if isinstance(found, set):
            found.add(sender_id)
        elif found != sender_id:
            self._senders[prisoner_id] = {found, sender_id}

    def has(self, sender_id: str, prisoner_id: str) -> bool:
        """Whether the sender writes to the prisoner already."""
        found = self._senders.get(prisoner_id)
        return (
            found == sender_id
            if isinstance(found, str)
            else found is not None and sender_id in found
        )


class _Dealer:
    """Hands out senders, in O(log senders) per card.

    Order: one who shares the language first (when asked), then the one with the most cards still to
    sign, then the seeded order.  Heaps with lazy deletion keep each card at O(log senders), so
    500 × 1,215 takes a fraction of a second.
    """

    def __init__(self, free: list[Sender], quotas: list[int], rules: Rules):
        self.senders, self.left = free, list(quotas)
        self.languages = rules.match_language
        self.keys = [["", *sorted(sender_languages(s))] if self.languages else [""] for s in free]
        self.heaps: dict[str, list[tuple[int, int]]] = {"": []}
        for keys in self.keys:
            for key in keys:
                self.heaps.setdefault(key, [])
        for i in range(len(free)):
            self._push(i)
        self.remaining = sum(quotas)

    def _push(self, i: int) -> None:
        if self.left[i] > 0:
            for key in self.keys[i]:
                heapq.heappush(self.heaps[key], (-self.left[i], i))

    @property
    def empty(self) -> bool:
        return self.remaining <= 0

    def take(self, prisoner_id: str, language: str, paired: _Pairs) -> Sender | None:
        """The sender for this prisoner's next card, or None.

        None when every sender with cards left has written to this prisoner already.
        """
        keys = [language, ""] if self.languages and language in self.heaps else [""]
        for key in keys:
            index = self._pop(self.heaps[key], prisoner_id, paired)
            if index is not None:
                self.left[index] -= 1
                self.remaining -= 1
                self._push(index)
                return self.senders[index]
        return None

    def _pop(self, heap: list[tuple[int, int]], prisoner_id: str, paired: _Pairs) -> int | None:
        skipped, found = [], None
        while heap:
            left, i = heapq.heappop(heap)
            if -left != self.left[i] or self.left[i] <= 0:
                continue  # stale: this sender's current entry is elsewhere in the heap
            if paired.has(self.senders[i].id, prisoner_id):
                skipped.append((left, i))
                continue
            found = i
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found


# --- godparenthood ---------------------------------------------------------------------


def godchildren(
    history: Iterable[tuple[str, str, str]], wave: str
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each sender's prisoners from the latest earlier wave they took part in.

    Args:
        history: (wave, sender_id, prisoner_id) oldest first, from the ledger's cards or
            an assignments file.
        wave: the wave being dealt; its own rows in ``history`` are ignored.

    Returns:
        sender_id -> (that wave, the prisoner ids, in order).
    """
    latest: dict[str, tuple[str, list[str]]] = {}
    for card_wave, sender_id, prisoner_id in history:
        if card_wave == wave:
            continue
        last = latest.get(sender_id)
        if last is None or last[0] != card_wave:
            latest[sender_id] = (card_wave, [prisoner_id])
        elif prisoner_id not in last[1]:
            last[1].append(prisoner_id)
    return {sid: (w, tuple(ids)) for sid, (w, ids) in latest.items()}


def keep_godchildren(
    senders: Sequence[Sender],
    prisoners: Sequence[Prisoner],
    earlier: Mapping[str, tuple[str, tuple[str, ...]]],
    language: str = "ru",
) -> tuple[list[Pairing], set[str], list[str]]:
    """Godparenthood: each sender keeps their prisoners in custody from earlier waves.

    Returns:
        The kept pairs, the ids of senders who keep at least one prisoner (they get no
        new one), and a note for every godchild who is no longer in custody.
    """
    by_id = {p.id: p for p in prisoners}
    kept: list[Pairing] = []
    closed: set[str] = set()
    notes: list[str] = []
    for sender in sorted(senders, key=lambda s: natural_key(s.id)):
        if sender.id not in earlier:
            continue
        wave, ids = earlier[sender.id]
        for pid in ids:
            prisoner = by_id.get(pid)
            if prisoner is not None and prisoner.in_custody:
                reason = f"godchild since wave {wave}"
                kept.append(Pairing(sender, prisoner, prisoner.language or language, reason=reason))
                closed.add(sender.id)
                continue
            state = prisoner.status.replace("_", " ") if prisoner else "not on the current list"
            notes.append(f"{sender.name} ({sender.id}): godchild {pid} from wave {wave} is {state}")
        if sender.id not in closed:
            notes.append(f"{sender.name} ({sender.id}) is free for a new godchild")
    return kept, closed, notes
