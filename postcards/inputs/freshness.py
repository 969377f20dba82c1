"""Is the prisoner list still true?  Compare it with the list the last wave used.

A card sent to a prison the prisoner left months ago is lost.  Each wave records the
list it was printed from (a hash and every prisoner's address fields, in the ledger);
the next ``check`` or ``assign`` compares the current list with it and reports releases,
transfers (with the codes of the cards printed for the old address, to reprint) and new
names, and warns when the list itself is older than ``[check] list_max_age_days``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import tempfile
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from postcards.codes import format_code
from postcards.errors import Problem, display_name
from postcards.inputs.people import People, Prisoner
from postcards.ledger.book import Ledger
from postcards.ledger.model import OUT_STATUSES, LedgerCard, PrisonerList, is_void
from postcards.order import natural_key
from postcards.wording import counted

#: The fields kept per prisoner: where a card goes, and whether one may go at all.
ADDRESS_FIELDS = ("institution", "address", "postcode", "city", "region", "country")
LIST_FIELDS = ("name", *ADDRESS_FIELDS, "status")
#: Each kept field with its place in a prisoner's record, in the order JSON sorts them.
_LIST_AT = tuple((name, Prisoner.FIELDS.index(name)) for name in sorted(LIST_FIELDS))
#: ``json.dumps(…, ensure_ascii=False, sort_keys=True)``, with its encoder made once.
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


@dataclass(frozen=True)
class ListChange:
    """One difference between the last wave's list and the current one.

    ``kind`` is ``released`` (no longer in custody), ``removed`` (no longer on the list),
    ``transferred`` (a changed address) or ``new``; ``codes`` are the cards printed for
    the old address and not yet posted.
    """

    kind: str
    prisoner_id: str
    name: str
    before: str = ""
    after: str = ""
    codes: tuple[str, ...] = ()


def list_rows(prisoners: Iterable[Prisoner]) -> Mapping[str, Mapping[str, str]]:
    """Each prisoner's fields as the ledger keeps them (an address as one text), by id.

    Made on demand, a prisoner at a time: a list of 100,000 is hashed and stored without
    a second copy of it in memory.  An id seen twice is the later row, as in a dict.
    """
    return _ListRows(prisoners)


class _ListRows(Mapping[str, Mapping[str, str]]):
    """A read-only view of the prisoners as list rows, each made when asked for, ids sorted.

    The prisoners are held sorted by id and found by bisection: two lists of pointers
    (1.6 MB for 100,000 prisoners) where a dict by id costs 5 MB, at the end of a print
    run when memory peaks.  The ledger and the list's hash read the rows in id order.
    """

    def __init__(self, prisoners: Iterable[Prisoner]) -> None:
        ordered = sorted(prisoners, key=_id)  # stable: of one id, the last row comes last
        last = [i == len(ordered) - 1 or p.id != ordered[i + 1].id for i, p in enumerate(ordered)]
        self._prisoners = [p for p, keep in zip(ordered, last, strict=True) if keep]
        self._ids = [p.id for p in self._prisoners]

    def __getitem__(self, prisoner_id: str) -> dict[str, str]:
        index = bisect_right(self._ids, prisoner_id) - 1
        if index < 0 or self._ids[index] != prisoner_id:
            raise KeyError(prisoner_id)
        values = self._prisoners[index]._fields()  # one read of a spooled record, not eight
        return {
            name: "\n".join(v) if isinstance(v := values[at], tuple) else v for name, at in _LIST_AT
        }

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def _id(prisoner: Prisoner) -> str:
    return prisoner.id


def list_hash(rows: Mapping[str, Mapping[str, str]]) -> str:
    """A hash of the list's content, independent of row order and unknown columns."""
    *_, digest = _hashing(rows)
    assert digest is not None
    return digest


def _hashing(
    rows: Mapping[str, Mapping[str, str]],
    batch: int = 500,
    keep: Callable[[list[tuple[str, str]]], None] | None = None,
) -> Iterator[str | None]:
    """:func:`list_hash` a batch of rows a step: None after each batch, the hash last.

    ``keep``: given each batch's rows as (id, JSON text), the text the ledger stores.
    """
    digest = hashlib.sha256(b"{")  # json.dumps(rows, sort_keys=True), a row at a time
    made: list[tuple[str, str]] = []
    for index, key in enumerate(sorted(rows)):
        text = _json(rows[key])
        digest.update(f"{', ' if index else ''}{_json(key)}: {text}".encode())
        if keep is not None:
            made.append((key, text))
        if index % batch == batch - 1:
            if keep is not None and made:
                keep(made)
                made = []
            yield None
    if keep is not None and made:
        keep(made)
    digest.update(b"}")
    yield digest.hexdigest()


def snapshot(prisoners: People, wave: str, list_date: str = "") -> PrisonerList:
    """The list a wave used, ready for :meth:`Ledger.record_list`."""
    return Snapshot(prisoners, wave, list_date).taken()


class Snapshot:
    """:func:`snapshot` in steps: the hash of 100,000 rows takes most of a second.

    A print run takes the steps while its workers draw (:meth:`steps`), and the rest,
    if any, when it records the list (:meth:`taken`).  A list hashed once (by the check
    of a run that has a ledger, say) is not hashed again while it lives.
    """

    def __init__(
        self,
        prisoners: People,
        wave: str,
        list_date: str = "",
        batch: int = 500,
        folder: Path | None = None,
    ) -> None:
        """A list to hash in steps of ``batch`` rows.

        ``folder``: where the rows made for the hash wait for the ledger (an unnamed file,
        gone when closed); without it they are made again when recorded.
        """
        self._prisoners = prisoners
        self._rows = list_rows(prisoners.records)
        self._made = (wave, list_date, prisoners.file)
        self._hash: str | None = _HASHED.get(id(prisoners))
        self._folder = folder
        self._texts: IO[bytes] | None = None
        keep = self._keep if folder is not None else None
        self._hashing = _hashing(self._rows, batch, keep) if self._hash is None else iter(())

    def steps(self) -> Iterator[None]:
        """Hash the list ``batch`` rows a step."""
        for step in self._hashing:
            self._hash = step
            yield None
        if self._hash is not None and id(self._prisoners) not in _HASHED:
            _remember(self._prisoners, self._hash)

    def taken(self) -> PrisonerList:
        """The list as the ledger keeps it, hashed in full."""
        for _ in self.steps():
            pass
        assert self._hash is not None
        wave, list_date, source = self._made
        encoded = self._encoded if self._texts is not None else None
        return PrisonerList(wave, self._hash, "", list_date, source, self._rows, encoded)

    def close(self) -> None:
        """Let go of the rows kept for the ledger (their file was never seen under a name)."""
        if self._texts is not None:
            self._texts.close()
            self._texts = None

    def _keep(self, rows: list[tuple[str, str]]) -> None:
        if self._texts is None:
            self._texts = tempfile.TemporaryFile(dir=self._folder)  # noqa: SIM115 - close()
        pickle.dump(rows, self._texts, protocol=pickle.HIGHEST_PROTOCOL)

    def _encoded(self) -> Iterator[tuple[str, str]]:
        """The rows kept while hashing, in id order, as the ledger stores them."""
        assert self._texts is not None
        self._texts.seek(0)
        while True:
            try:
                yield from pickle.load(self._texts)
            except EOFError:
                return


#: The hash of each list hashed so far, by the id of its People, while that object lives
#: (its records are frozen: the hash cannot go stale, and no other list can take its id).
_HASHED: dict[int, str] = {}


def _remember(prisoners: People, digest: str) -> None:
    _HASHED[id(prisoners)] = digest
    weakref.finalize(prisoners, _HASHED.pop, id(prisoners), None)


def compare(
    last: PrisonerList, current: Sequence[Prisoner], to_reprint: dict[str, list[str]] | None = None
) -> list[ListChange]:
    """Releases, removals, transfers and new names since ``last``, in list order.

    Args:
        last: the list the last wave used.
        current: the prisoners of the current list.
        to_reprint: prisoner id -> codes of their cards not yet posted.
    """
    to_reprint = to_reprint or {}
    now = list_rows(current)
    changes = []
    for p in current:
        before = last.rows.get(p.id)
        was_in = before is not None and before.get("status", "in_custody") == "in_custody"
        if before is None or not was_in:
            if p.in_custody:
                changes.append(ListChange("new", p.id, p.name))
        elif not p.in_custody:
            changes.append(
                ListChange("released", p.id, p.name, "in custody", p.status.replace("_", " "))
            )
        elif _address(before) != _address(now[p.id]):
            changes.append(
                ListChange(
                    "transferred",
                    p.id,
                    p.name,
                    _address(before),
                    _address(now[p.id]),
                    tuple(to_reprint.get(p.id, ())),
                )
            )
    for pid, before in sorted(last.rows.items(), key=lambda item: natural_key(item[0])):
        if pid not in now and before.get("status", "in_custody") == "in_custody":
            changes.append(ListChange("removed", pid, before.get("name", "")))
    return changes


def _address(fields: Mapping[str, str]) -> str:
    return ", ".join(
        " ".join(fields.get(n, "").split()) for n in ADDRESS_FIELDS if fields.get(n, "").strip()
    )


def change_problem(
    change: ListChange, last: PrisonerList, prisoners: People, rows: dict[str, int]
) -> Problem:
    """A change as a warning located at the prisoner's row."""
    who, since = f"{change.name} ({change.prisoner_id})", f"the list of wave {last.wave}"
    message = {
        "new": f"{who} is new since {since}",
        "released": f"{who} was in custody in {since}, now {change.after}: no new card",
        "removed": f"{who} was in custody in {since} and is not on this list",
        "transferred": f"{who} moved since {since}: {change.before} -> {change.after}",
    }[change.kind]
    if change.codes:
        message += (
            f"; reprint the {len(change.codes)} card(s) printed for the old address: "
            + ", ".join(format_code(c) for c in change.codes)
        )
    column = {"transferred": "institution", "released": "status"}.get(change.kind)
    return Problem(
        message,
        file=prisoners.file,
        row=rows.get(change.prisoner_id),
        column=prisoners.column(column) if column else None,
        warning=True,
    )


def list_age_problem(
    list_date: dt.date, max_days: float, today: dt.date, file: str
) -> Problem | None:
    """A warning when the list is older than the campaign allows."""
    age = (today - list_date).days
    if age <= max_days:
        return None
    return Problem(
        f"the prisoner list is {counted(age, 'day')} old (from {list_date.isoformat()}); "
        f"[check] list_max_age_days is {max_days:g}: get a fresh list before "
        f"printing, or set [campaign] list_date",
        file=file,
        warning=True,
    )


def freshness_problems(
    prisoners: People,
    ledger: Ledger | None,
    campaign: str,
    date: dt.date | None = None,
    max_age_days: float | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """Everything ``check`` and ``assign`` say about the list's freshness (warnings).

    ``ledger`` is the campaign's, open (None before the first wave is printed: nothing to
    compare with); ``date`` is the list's own date and ``max_age_days`` the age past
    which it is stale.
    """
    problems = []
    if max_age_days is not None and date is not None:
        today = today or dt.datetime.now(dt.UTC).date()
        age = list_age_problem(date, max_age_days, today, display_name(prisoners.file))
        problems += [age] if age else []
    if ledger is None:
        return problems  # no wave printed yet: nothing to compare with
    recorded = ledger.last_list_hash(campaign)
    if recorded is None or recorded[1] == snapshot(prisoners, "").list_hash:
        return problems  # the same list as the last wave's: its rows need not be read
    last = ledger.last_list(campaign)
    if last is None:  # another process renamed the campaign meanwhile
        return problems
    changes = compare(last, prisoners.records)
    moved = {f.prisoner_id for f in changes if f.kind == "transferred"}
    if moved:
        changes = compare(last, prisoners.records, _unposted(ledger, campaign, moved))
    rows = {p.id: p.row for p in prisoners.records}
    return problems + [change_problem(f, last, prisoners, rows) for f in changes]


def _unposted(ledger: Ledger, campaign: str, prisoner_ids: set[str]) -> dict[str, list[str]]:
    """Per prisoner, the codes of cards that have not gone out (nor been voided)."""
    codes: dict[str, list[str]] = {}
    cards: list[LedgerCard] = [c for c in ledger.cards(campaign) if c.prisoner_id in prisoner_ids]
    for card in cards:
        history = [event.status for event in ledger.history(card.code)]
        if not set(history) & OUT_STATUSES and not is_void(history):
            codes.setdefault(card.prisoner_id, []).append(card.code)
    return codes
