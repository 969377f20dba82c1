"""``postcards assign``: one wave's pairs, from the lists, the ledger and earlier waves.

Reads the two lists, what the ledger knows about earlier waves (cards per prisoner,
each sender's godchildren) and the hand-written pairs of the assignments file, deals the
rest fairly (:mod:`postcards.pairing.fair`) and writes ``assignments.csv`` atomically: the
rows of other waves are kept as they were, the wave's own rows are replaced.  A rerun
with the same inputs and seed writes the same file, even after the wave was printed
(the wave's own cards are left out of the tallies).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from postcards.config import Settings
from postcards.errors import InputError, Problem, UsageError
from postcards.files import open_csv, publish, staged, write_csv
from postcards.inputs.people import People
from postcards.inputs.spreadsheets import Table, read_table
from postcards.jobs.lists import (
    CheckReport,
    existing_ledger,
    list_freshness,
    no_cards,
    read_people,
    require_lists,
)
from postcards.jobs.offices import office_problems, renamed_problem
from postcards.jobs.outputs import check_outputs, protected_paths, same_file
from postcards.ledger.book import Ledger
from postcards.ledger.model import Tally
from postcards.ledger.renaming import is_shared
from postcards.pairing.assignments import (
    ASSIGNMENT_COLUMNS,
    DEFAULT_FILE,
    assignment_columns,
    assignment_rows,
    assignments_file,
    is_kept,
    read_assignments,
)
from postcards.pairing.fair import Pairing, Rules, WavePairs, godchildren, keep_godchildren, pair
from postcards.wording import counted


@dataclass(frozen=True)
class AssignOptions:
    """What the command line may choose: cards per prisoner or per sender, the seed."""

    per_prisoner: int | None = None
    per_sender: int | None = None
    seed: int | None = None


@dataclass
class AssignResult:
    """What ``assign`` did: the pairs, where it went, and what to tell the office."""

    output: Path
    pairs: WavePairs
    report: CheckReport
    in_custody: int = 0
    senders: int = 0
    explicit: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)
    #: Whether ``cards`` prints these pairs as it is (else it needs ``--assignments``).
    printed_next: bool = False


@dataclass(frozen=True)
class _Earlier:
    """What earlier waves left: tallies per prisoner and (wave, sender, prisoner) rows."""

    tallies: dict[str, Tally]
    history: list[tuple[str, str, str]]


@dataclass(frozen=True)
class WavePlan:
    """A wave's pairs with what went into them: explicit rows, kept godchildren, notes.

    ``recorded_before``: when the pairs were recorded on the ledger (:func:`plan_wave` with
    ``record``), the office's pairs as they were before, for :func:`undo_pairs`.
    """

    pairs: WavePairs
    explicit: int = 0
    kept: int = 0
    notes: tuple[str, ...] = ()
    recorded_before: tuple[tuple[str, str], ...] | None = None


def assign_wave(
    campaign: Settings, output: Path | None = None, options: AssignOptions = AssignOptions()
) -> AssignResult:
    """``postcards assign``: pair senders with prisoners for ``campaign.wave``, write the file.

    ``output`` is the assignments file to write (default: ``[inputs] assignments``, else
    ``assignments.csv`` in the campaign folder); it may be the campaign's own assignments
    file, never another input.  On a shared ledger the pairs are chosen and recorded in
    one serialised step, so that offices assigning at once get different prisoners.

    Raises:
        InputError: a list, the office or the assignments file is wrong; nothing is written.
        UsageError: ``output`` would replace an input or is not a .csv file.
    """
    if options.per_prisoner and options.per_sender:
        raise UsageError("give --per-prisoner or --per-sender, not both")
    output = (output or campaign.assignments_path or campaign.root / DEFAULT_FILE).resolve()
    own = campaign.assignments_path is not None and same_file(output, campaign.assignments_path)
    check_outputs([output], protected_paths(campaign, [output], assignments=not own), (".csv",))
    report = CheckReport()
    report.add(list(campaign.warnings) + require_lists(campaign))
    people = None if report.problems else read_people(campaign, report)
    if people is None or report.problems:
        raise InputError(report.problems)
    senders, prisoners = people
    shared = is_shared(campaign)  # the other offices see the pairs as they are chosen
    with existing_ledger(campaign, shared) or contextlib.nullcontext() as ledger:
        if ledger is not None:
            report.add(renamed_problem(campaign, ledger))
        report.add(office_problems(campaign, senders, ledger))
        if report.problems:
            raise InputError(report.problems)
        list_freshness(campaign, prisoners, ledger, report)
        wave = plan_wave(campaign, senders, prisoners, options, output, ledger, record=shared)
        try:
            if not wave.pairs.pairings:
                raise InputError([no_cards(campaign, prisoners, from_file=False)])
            report.add(_edits_replaced(output, campaign.wave, wave.pairs, senders, prisoners))
            _write(output, campaign.wave, wave.pairs.pairings, campaign.csv_bom)
        except BaseException:
            undo_pairs(campaign, ledger, wave.recorded_before)
            raise
    in_custody = sum(p.in_custody for p in prisoners.records)
    printed_next = assignments_file(campaign.assignments_path, campaign.root) == output
    result = AssignResult(output, wave.pairs, report, in_custody, len(senders.records),
                          wave.explicit, wave.kept, list(wave.notes), printed_next)  # fmt: skip
    _warn_uncovered(result, prisoners, options.per_sender is not None)
    return result


def plan_wave(
    campaign: Settings,
    senders: People,
    prisoners: People,
    options: AssignOptions = AssignOptions(),
    output: Path | None = None,
    ledger: Ledger | None = None,
    record: bool = False,
) -> WavePlan:
    """The wave's pairs: what ``cards`` prints without an assignments file, what ``assign`` writes.

    The pairs other offices chose in this wave (before this office's first) come first in
    the count, then earlier waves.  ``record``: the pairs are chosen and recorded on the
    ledger in one serialised transaction (``assign`` and ``cards``; ``check`` only reads).

    Raises:
        InputError: an assignments file's hand-written rows are wrong.
    """
    explicit = _explicit_pairs(campaign, output, senders, prisoners)
    earlier = _earlier(campaign, output, ledger)

    def deal(in_wave: Mapping[str, int]) -> WavePlan:
        return _deal(campaign, senders, prisoners, options, explicit, earlier, in_wave)

    if ledger is None:
        return deal({})
    if not record:
        return deal(ledger.others_in_wave(campaign.name, campaign.wave, campaign.office))
    wave, before = ledger.choose_pairs(
        campaign.name, campaign.wave, campaign.office, deal, _pairs_of
    )
    return replace(wave, recorded_before=tuple(before))


def undo_pairs(
    campaign: Settings, ledger: Ledger | None, before: tuple[tuple[str, str], ...] | None
) -> None:
    """Put the office's recorded pairs back as they were (``before``) after a failed run."""
    if ledger is not None and before is not None:
        ledger.restore_pairs(campaign.name, campaign.wave, campaign.office, list(before))


def _pairs_of(wave: WavePlan) -> Iterator[tuple[str, str]]:
    return ((p.sender.id, p.prisoner.id) for p in wave.pairs.pairings)


def _deal(
    campaign: Settings,
    senders: People,
    prisoners: People,
    options: AssignOptions,
    explicit: list[Pairing],
    earlier: _Earlier,
    in_wave: Mapping[str, int],
) -> WavePlan:
    rules = Rules(
        per_prisoner=options.per_prisoner or 1,
        per_sender=options.per_sender,
        seed=options.seed,
        match_language=campaign.match_language,
        language=campaign.language,
        tallies=earlier.tallies,
        in_wave=dict(in_wave),
    )
    fixed = list(explicit)
    notes: list[str] = []
    closed: set[str] = set()
    if campaign.godparenthood:
        history = godchildren(earlier.history, campaign.wave)
        kept, closed, notes = keep_godchildren(
            senders.records, prisoners.records, history, campaign.language
        )
        taken = {(p.sender.id, p.prisoner.id) for p in explicit}
        fixed += [p for p in kept if (p.sender.id, p.prisoner.id) not in taken]
    dealt = pair(senders.records, prisoners.records, rules, fixed, closed)
    return WavePlan(dealt, len(explicit), len(fixed) - len(explicit), tuple(notes))


def _warn_uncovered(result: AssignResult, prisoners: People, per_sender: bool) -> None:
    uncovered = result.pairs.uncovered
    if not uncovered:
        return
    names = ", ".join(p.id for p in uncovered[:10]) + ("…" if len(uncovered) > 10 else "")
    fix = "raise --per-sender" if per_sender else "raise the senders' cards caps"
    message = (
        f"{_no_card(len(uncovered))} ({names}): "
        f"{counted(len(result.pairs.pairings), 'card is', 'cards are')} not enough; {fix} or "
        f"add senders"
    )
    result.report.add([Problem(message, file=prisoners.file, warning=True)])


def _no_card(count: int) -> str:
    return counted(count, "prisoner in custody gets no card", "prisoners in custody get no card")


def _sources(campaign: Settings, output: Path | None) -> list[Path]:
    """The assignments files to read: the output itself and the campaign's, if any."""
    paths = [output, campaign.assignments_path]
    unique = dict.fromkeys(p.resolve() for p in paths if p is not None and p.is_file())
    return list(unique)


def _explicit_pairs(
    campaign: Settings, output: Path | None, senders: People, prisoners: People
) -> list[Pairing]:
    """The wave's hand-written pairs (rows without a reason), validated."""
    pairs: dict[tuple[str, str], Pairing] = {}
    for path in _sources(campaign, output):
        table = read_table(path)
        explicit_pairs = read_assignments(
            table, senders, prisoners, campaign.wave, explicit_only=True
        )
        for p in explicit_pairs.pairings:
            pairs.setdefault((p.sender.id, p.prisoner.id), p)
    return list(pairs.values())


def _earlier(campaign: Settings, output: Path | None, ledger: Ledger | None) -> _Earlier:
    """Tallies and pairs of earlier waves: from the ledger, else the assignments files."""
    if ledger is not None:
        cards = ledger.earlier_cards(campaign.name, campaign.wave)
        if cards:
            own = campaign.office  # godchildren are this office's senders' own
            return _Earlier(
                _tallies_before(ledger, campaign),
                [(wave, sender, prisoner) for wave, office, sender, prisoner in cards
                 if office == own],
            )  # fmt: skip
    history = [row for path in _sources(campaign, output) for row in _file_history(path)]
    return _Earlier({}, [row for row in history if row[0] != campaign.wave])


def _tallies_before(ledger: Ledger, campaign: Settings) -> dict[str, Tally]:
    """The ledger's tallies per prisoner, every office's, without this wave's cards.

    The wave's own pairs are counted apart (:meth:`Ledger.others_in_wave`); leaving this
    office's out makes a rerun after printing deal the same pairs.
    """
    this_wave = ledger.wave_codes(campaign.name, campaign.wave)
    made: dict[str, int] = {}
    sent: dict[str, int] = {}
    for card in ledger.standings(campaign.name):  # one stream, not a query a card
        pid = card.prisoner_id
        if pid not in made:  # every prisoner with a card, in the order first met
            made[pid] = sent[pid] = 0
        if card.code in this_wave or card.void:
            continue
        made[pid] += 1
        sent[pid] += card.went_out
    return {pid: Tally(generated=made[pid], sent=sent[pid]) for pid in made}


def _file_history(path: Path) -> Iterator[tuple[str, str, str]]:
    table = read_table(path)
    columns = assignment_columns(table)
    if "wave" not in columns:
        return
    for row in table.rows:
        cell = {name: row.cells.get(header, "").strip() for name, header in columns.items()}
        if cell["wave"] and cell["sender_id"] and cell["prisoner_id"]:
            yield cell["wave"], cell["sender_id"], cell["prisoner_id"]


def _write(output: Path, wave: str, pairings: tuple[Pairing, ...], bom: bool) -> None:
    """Rows kept as they were (other waves', hand-written ones), then the wave's new rows."""
    header = list(ASSIGNMENT_COLUMNS)
    verbatim: set[tuple[str, str]] = set()
    kept: list[list[str]] = []
    if output.is_file():
        table = read_table(output)
        columns = assignment_columns(table)
        mapped = {columns[n] for n in ASSIGNMENT_COLUMNS if n in columns}  # message stays
        header += [h for h in table.headers if h not in header and h not in mapped]
        kept, verbatim = _kept_rows(table, columns, wave, header)
    fresh = [p for p in pairings if (p.sender.id, p.prisoner.id) not in verbatim]
    rows = kept + [row + [""] * (len(header) - len(row)) for row in assignment_rows(fresh, wave)]
    try:
        with staged(output) as tmp:
            with open_csv(tmp, bom) as handle:
                write_csv(handle, header, rows)
            publish(tmp, output)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", file=output.name)) from exc


def _edits_replaced(
    output: Path, wave: str, pairs: WavePairs, senders: People, prisoners: People
) -> list[Problem]:
    """A warning for each row ``assign`` wrote for the wave that was changed by hand since.

    Such a row (its ids no longer match the names beside them) is replaced by the new
    pairing like every generated row: said, never silent.
    """
    if not output.is_file():
        return []
    table = read_table(output)
    columns = assignment_columns(table)
    dealt = {(p.sender.id, p.prisoner.id) for p in pairs.pairings}
    replaced = []  # the wave's generated rows the new pairing does not deal again
    for row in table.rows:
        cell = {name: row.cells.get(header, "").strip() for name, header in columns.items()}
        for who in ("sender_name", "prisoner_name"):  # as assign writes them, beside the ids
            cell[who] = row.cells.get(who, "").strip()
        pair = (cell.get("sender_id", ""), cell.get("prisoner_id", ""))
        if cell.get("wave", "") == wave and not is_kept(cell) and pair not in dealt:
            replaced.append((row.number, cell))
    if not replaced:
        return []
    names = {"sender": {s.id: s.name for s in senders.records},
             "prisoner": {p.id: p.name for p in prisoners.records}}  # fmt: skip
    found = []
    for number, cell in replaced:
        changed = [who for who in ("sender", "prisoner") if cell[f"{who}_name"]
                   and cell[f"{who}_name"] != names[who].get(cell[f"{who}_id"])]  # fmt: skip
        if changed:
            found.append(
                Problem(
                    f"this row of wave {wave}, written by assign, was changed by hand "
                    f"({cell['sender_id']} to {cell['prisoner_id']}); the new pairing replaces "
                    "it: to keep a pair, clear its reason (a hand-written row) and run assign "
                    "again",
                    file=output.name,
                    row=number,
                    column=f"{changed[0]}_id",
                    warning=True,
                )
            )
    return found


def _kept_rows(
    table: Table, columns: dict[str, str], wave: str, header: list[str]
) -> tuple[list[list[str]], set[tuple[str, str]]]:
    """The rows a rerun of ``assign`` keeps, with the pairs of the hand-written ones.

    Other waves' rows and the hand-written rows of this wave (or of every wave) are kept as they
    were; the rows ``assign`` wrote for this wave go.
    """
    by_ours = {name: columns.get(name, name) for name in header}
    rows, verbatim = [], set()
    for row in table.rows:
        cell = {name: row.cells.get(head, "").strip() for name, head in columns.items()}
        if cell.get("wave", "") in ("", wave):
            if not is_kept(cell):
                continue
            verbatim.add((cell["sender_id"], cell["prisoner_id"]))
        rows.append([row.cells.get(by_ours[name], "") for name in header])
    return rows, verbatim
