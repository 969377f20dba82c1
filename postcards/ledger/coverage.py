"""Coverage reports: who has had cards, who has had nothing yet, per sender and parliament.

A :class:`Report` is plain data built from the ledger (and, when the campaign's
spreadsheets can be read, each sender's parliament and the prisoners who have no card at
all), counted in one pass over the cards' standings (:mod:`postcards.ledger.standing`);
:mod:`postcards.ledger.report_files` writes it as CSV, XLSX or one self-contained HTML
file.

"Sent" counts every card that went out, including those later returned or answered;
void cards count nowhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from operator import attrgetter

from postcards.errors import Problem
from postcards.ledger.book import Ledger
from postcards.ledger.model import utc_now
from postcards.ledger.standing import Standing, Tallies
from postcards.order import natural_key

NO_PARLIAMENT = "(not given)"  # the row of senders no list gives a parliament (translated)


@dataclass(frozen=True)
class PrisonerRow:
    """One prisoner's cards in the report, by status, and when one last went out."""

    prisoner_id: str
    prisoner_name: str
    generated: int
    sent: int
    returned: int
    last_sent: str


@dataclass(frozen=True)
class SenderRow:
    """One sender's cards in the report, by status, with the replies they had.

    A sender is the office's own id: ``1`` of two offices are two rows.
    """

    sender_id: str
    sender_name: str
    parliament: str
    office: str
    generated: int
    sent: int
    returned: int
    replies: int


@dataclass(frozen=True)
class ParliamentRow:
    """One parliament's senders and their cards in the report, by status."""

    parliament: str
    senders: int
    generated: int
    sent: int
    returned: int


@dataclass(frozen=True)
class OfficeRow:
    """One office's senders and their cards in the report, by status ('' unnamed)."""

    office: str
    senders: int
    generated: int
    sent: int
    returned: int


@dataclass(frozen=True)
class Report:
    """What ``track report`` shows; rows are in the order a coordinator reads them."""

    campaign: str
    generated_at: str
    totals: dict[str, int]  # cards by their current status
    prisoners: list[PrisonerRow]  # those with none sent first
    senders: list[SenderRow]
    parliaments: list[ParliamentRow]
    coverage: list[tuple[str, int]]  # (day, prisoners reached by then)
    offices: list[OfficeRow] = field(default_factory=list)
    office: str | None = None  # the one office reported on, or None for the campaign
    warnings: tuple[Problem, ...] = ()  # why the lists could not add names or parliaments

    @property
    def unreached(self) -> list[PrisonerRow]:
        """Prisoners to whom no card has gone out."""
        return [row for row in self.prisoners if row.sent == 0]


@dataclass(frozen=True)
class Directory:
    """What the campaign's spreadsheets add: parliaments and prisoners without cards."""

    parliaments: dict[str, str]  # sender id -> parliament, of ``office``'s list
    prisoners: dict[str, str]  # prisoner id -> name, those in custody
    warnings: tuple[Problem, ...] = ()
    office: str = ""  # the office whose senders list gave ``parliaments``


def build_report(
    ledger: Ledger, campaign: str, directory: Directory | None = None, office: str | None = None
) -> Report:
    """Count a campaign's cards from the ledger, in one pass over their standings.

    Args:
        ledger: the open ledger.
        campaign: the campaign's name, as its cards were recorded.
        directory: parliaments and prisoners from the spreadsheets, if at hand.
        office: count one office's cards alone (None: every office's).
    """
    directory = directory or Directory({}, {})
    count = _Count()
    for card in ledger.standings(campaign, office):
        count.add(card)
    by_prisoner, by_sender = count.prisoners.counts, count.senders.counts  # as Tally's fields
    prisoners = [
        PrisonerRow(pid, count.prisoner_names.get(pid) or directory.prisoners.get(pid, ""),
                    t[0], t[1], t[2], t[5])
        for pid, t in by_prisoner.items()
    ] + [PrisonerRow(pid, name, 0, 0, 0, "") for pid, name in directory.prisoners.items()
         if pid not in by_prisoner]  # fmt: skip
    prisoners.sort(key=lambda row: (row.sent, natural_key(row.prisoner_id)))
    known = {(s.office, s.sender_id): s for s in ledger.ledger_senders(campaign, office)}

    def parliament(key: tuple[str, str]) -> str:
        """The ledger's record, else the office's own list."""
        record = known.get(key)
        if record is not None and record.parliament:
            return record.parliament
        return directory.parliaments.get(key[1], "") if key[0] == directory.office else ""

    senders = sorted(
        (SenderRow(key[1], count.sender_names[key], parliament(key), key[0], *t[:4])
         for key, t in by_sender.items()),
        key=lambda row: (natural_key(row.parliament), natural_key(row.sender_name),
                         natural_key(row.office), natural_key(row.sender_id)),
    )  # fmt: skip
    return Report(campaign, utc_now(), dict(sorted(count.totals.items())), prisoners, senders,
                  _grouped(senders, "parliament", ParliamentRow), count.coverage(),
                  _grouped(senders, "office", OfficeRow), office, directory.warnings)  # fmt: skip


class _Count:
    """What the report counts, card by card: nothing of a card is kept once it is counted."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}  # cards by their current status
        self.prisoners, self.senders = Tallies(), Tallies()
        self.prisoner_names: dict[str, str] = {}  # the newest card's (cards come oldest first)
        self.sender_names: dict[tuple[str, str], str] = {}
        self._first_day: dict[str, str] = {}  # prisoner id -> the day a card first went out

    def add(self, card: Standing) -> None:
        """Count one card (this runs for every card: it spells things out)."""
        self.totals[card.status] = self.totals.get(card.status, 0) + 1
        sender = (card.office, card.sender_id)
        self.prisoners.add(card.prisoner_id, card)
        self.senders.add(sender, card)
        self.prisoner_names[card.prisoner_id] = card.prisoner_name
        self.sender_names[sender] = card.sender_name
        if card.went_out and card.status != "void":
            day, first = card.first_out[:10], self._first_day.get(card.prisoner_id)
            if first is None or day < first:
                self._first_day[card.prisoner_id] = day

    def coverage(self) -> list[tuple[str, int]]:
        """For each day a card went out, how many prisoners had been reached by its end."""
        days = Counter(self._first_day.values())
        reached, series = 0, []
        for day in sorted(days):
            reached += days[day]
            series.append((day, reached))
        return series


def _grouped(senders: list[SenderRow], by: str, row: type) -> list:
    """Senders and their cards per parliament (or office), in name order."""
    rows: dict[str, list[int]] = {}
    for s in senders:
        name = getattr(s, by) or (NO_PARLIAMENT if by == "parliament" else "")
        totals = rows.setdefault(name, [0, 0, 0, 0])
        for i, value in enumerate((1, s.generated, s.sent, s.returned)):
            totals[i] += value
    ordered = sorted(rows.items(), key=lambda item: natural_key(item[0]))
    return [row(name, *values) for name, values in ordered]


# --- tables ----------------------------------------------------------------------------

#: The report's tables by the name ``--table`` takes, the per-prisoner table first.
TABLES = ("prisoners", "senders", "parliaments", "offices", "totals")


def tables(report: Report) -> list[tuple[str, list[str], list[list[object]]]]:
    """The report's tables as (title, header, rows); the per-prisoner table first."""

    def table(title: str, kind: type, rows: list) -> tuple[str, list[str], list[list[object]]]:
        names = [f.name for f in fields(kind)]
        values = attrgetter(*names)  # a tuple of a row's fields (astuple copies each deeply)
        return title, names, [list(values(r)) for r in rows]

    return [
        table("Prisoners", PrisonerRow, report.prisoners),
        table("Senders", SenderRow, report.senders),
        table("Parliaments", ParliamentRow, report.parliaments),
        table("Offices", OfficeRow, report.offices),
        ("Totals", ["status", "cards"], [[k, v] for k, v in report.totals.items()]),
    ]
