"""Which of a wave's cards a print run prints: all, or a reprint of some.

A jammed sheet, a spoiled card or one member's lost stack should not mean printing the
whole wave again: ``cards --only unsent``, ``--only CODE…``, ``--sender ID`` and
``--prisoner ID`` pick cards out of the wave's plan, and they keep their codes (a voided
card gets a new one, as always).  Whatever is printed, the run says how many of its cards
had already gone out, since a second copy of a sent card is a duplicate in the post.
These functions are pure: the ledger's facts come in as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from postcards.codes import CodeError, format_code, parse_code
from postcards.errors import InputError, Problem, UsageError
from postcards.ledger.model import OUT_STATUSES, LedgerCard
from postcards.pairing.fair import Pairing

UNSENT = "unsent"


@dataclass(frozen=True)
class Selection:
    """What a reprint asks for; empty means the whole wave."""

    unsent: bool = False
    codes: tuple[str, ...] = ()
    sender_ids: tuple[str, ...] = ()
    prisoner_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.unsent or self.codes or self.sender_ids or self.prisoner_ids)

    def describe(self) -> str:
        """The selection in words, for messages."""
        parts = ["unsent cards"] if self.unsent else []
        parts += [f"code {format_code(c)}" for c in self.codes]
        parts += [f"sender {s}" for s in self.sender_ids]
        parts += [f"prisoner {p}" for p in self.prisoner_ids]
        return " and ".join(parts) or "the whole wave"

    @classmethod
    def parse(
        cls,
        only: Iterable[str] = (),
        sender_ids: Iterable[str] = (),
        prisoner_ids: Iterable[str] = (),
    ) -> Selection:
        """The selection from the command line: ``--only`` takes ``unsent`` or card codes.

        Codes may be given as printed, typed or scanned.

        Raises:
            UsageError: an ``--only`` value that is neither.
        """
        unsent, codes = False, []
        for value in only:
            if value.strip().casefold() == UNSENT:
                unsent = True
                continue
            try:
                codes.append(parse_code(value))
            except CodeError as exc:
                raise UsageError(
                    f"--only {value}: not 'unsent' and not a card code ({exc})"
                ) from None
        return cls(unsent, tuple(dict.fromkeys(codes)), tuple(sender_ids), tuple(prisoner_ids))


def select(
    pairings: list[Pairing],
    selection: Selection,
    codes: Mapping[tuple[str, str], str],
    cards: Mapping[str, LedgerCard],
    statuses: Mapping[str, AbstractSet[str]],
    wave: str,
    office: str = "",
) -> list[Pairing]:
    """The pairings a reprint prints, in print order.

    ``codes`` are the office's codes of the wave by (sender id, prisoner id); ``cards`` the
    ledger's cards of the campaign for the requested codes (any office's: a code of
    another office is named as such); ``statuses`` every status each code has had.

    Raises:
        InputError: a requested code, sender or prisoner that is not in this wave's plan,
            or a selection that leaves no card.
    """
    if not selection:
        return pairings
    _check_requested(pairings, selection, codes, cards, wave, office)
    wanted = set(selection.codes)
    chosen = [
        p
        for p in pairings
        if (not wanted or codes.get((p.sender.id, p.prisoner.id)) in wanted)
        and (not selection.sender_ids or p.sender.id in selection.sender_ids)
        and (not selection.prisoner_ids or p.prisoner.id in selection.prisoner_ids)
        and (not selection.unsent or not _went_out(codes, statuses, p))
    ]
    if not chosen:
        raise InputError(
            Problem(f"no card of wave {wave} matches {selection.describe()}; nothing to print")
        )
    return chosen


def _went_out(
    codes: Mapping[tuple[str, str], str], statuses: Mapping[str, AbstractSet[str]], pairing: Pairing
) -> bool:
    code = codes.get((pairing.sender.id, pairing.prisoner.id))
    return code is not None and bool(statuses.get(code, set()) & OUT_STATUSES)


def _check_requested(
    pairings: list[Pairing],
    selection: Selection,
    codes: Mapping[tuple[str, str], str],
    cards: Mapping[str, LedgerCard],
    wave: str,
    office: str,
) -> None:
    """Every code, sender and prisoner asked for must be in the wave's plan.

    A typo must not print nothing, or the wrong stack, without a word.
    """
    planned = {codes.get((p.sender.id, p.prisoner.id)) for p in pairings}
    problems = [
        Problem(_why_not_planned(code, cards.get(code), wave, office))
        for code in selection.codes
        if code not in planned
    ]
    for option, wanted, have in (
        ("--sender", selection.sender_ids, {p.sender.id for p in pairings}),
        ("--prisoner", selection.prisoner_ids, {p.prisoner.id for p in pairings}),
    ):
        problems += [
            Problem(f"{option} {value}: no card for this id in wave {wave}")
            for value in wanted
            if value not in have
        ]
    if problems:
        raise InputError(problems)


def _why_not_planned(code: str, card: LedgerCard | None, wave: str, office: str) -> str:
    shown = format_code(code)
    if card is None:
        return f"--only {shown}: no card of this campaign has this code in the ledger"
    if card.office != office:
        printer = f"office {card.office!r}" if card.office else "the office named no office"
        return (
            f"--only {shown}: a card of {printer} (its sender {card.sender_id}, "
            f"{card.sender_name}); only that office reprints it"
        )
    if card.wave != wave:
        return f"--only {shown}: a card of wave {card.wave}; reprint it with --wave {card.wave}"
    return (
        f"--only {shown}: voided, or its pair ({card.sender_id} to {card.prisoner_id}) is "
        f"no longer in wave {wave}'s plan"
    )


def already_sent(printed: Iterable[str], statuses: Mapping[str, AbstractSet[str]]) -> int:
    """How many of the printed codes had already gone out (sent, or later news of it)."""
    return sum(bool(statuses.get(code, set()) & OUT_STATUSES) for code in printed)
