"""Reading the two lists for a job: what every command checks before it does anything."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from postcards.config import Settings
from postcards.errors import InputError, PostcardsError, Problem
from postcards.inputs.freshness import freshness_problems
from postcards.inputs.people import LISTS, People, Prisoner, Sender
from postcards.inputs.reading import custody_problems, load_prisoners, load_senders
from postcards.ledger.book import Ledger
from postcards.ledger.targets import ledger_exists
from postcards.pairing.fair import Pairing
from postcards.printing.imposition import Imposition


@dataclass
class CheckReport:
    """What ``check`` found: problems that stop a print run, warnings, and the counts."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    senders: int = 0
    prisoners: int = 0
    in_custody: int = 0
    excluded: Counter = field(default_factory=Counter)
    pairings: tuple[Pairing, ...] = ()
    languages: Counter = field(default_factory=Counter)
    imposition: Imposition | None = None
    pairs_from: Path | None = None  # the assignments file the pairs came from, if any
    freshness: list[Problem] = field(default_factory=list)  # the list's news since last wave
    # the office's pairs before this run recorded its own (None: nothing recorded)
    recorded_before: tuple[tuple[str, str], ...] | None = None
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when nothing but warnings was found."""
        return not self.problems

    def add(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        """Add problems to the errors or the warnings, each once."""
        # A set, not a scan of the lists: a content finding on 10,000 cards is 10,000
        # problems, and scanning made adding them quadratic (24 s).
        for problem in problems:
            target = self.warnings if problem.warning else self.problems
            if problem not in self._seen:
                self._seen.add(problem)
                target.append(problem)


def require_lists(campaign: Settings) -> list[Problem]:
    """A problem for each list that neither campaign.toml nor an option names."""
    return [_no_list(what) for what in LISTS if campaign.list_source(what) is None]


def _no_list(what: str) -> Problem:
    return Problem(
        f"no {what} spreadsheet: set [inputs] {what} in campaign.toml or pass --{what} FILE"
    )


def campaign_senders(campaign: Settings, spooled: bool = True) -> People[Sender]:
    """The campaign's senders (the API's DataFrame, else the file), read as every job reads them.

    ``spooled``: the rows kept out of memory (see :func:`postcards.inputs.reading.read_senders`).

    Raises:
        InputError: no senders list is given, or it cannot be read as a table.
    """
    source = campaign.list_source("senders")
    if source is None:
        raise InputError(_no_list("senders"))
    return load_senders(source, campaign.sender_columns, campaign.config_name,
                        campaign.sender_header_row, campaign.input_limits, spooled)  # fmt: skip


def campaign_prisoners(campaign: Settings, spooled: bool = True) -> People[Prisoner]:
    """The campaign's prisoners, read as :func:`campaign_senders` reads the senders.

    Raises:
        InputError: no prisoners list is given, or it cannot be read as a table.
    """
    source = campaign.list_source("prisoners")
    if source is None:
        raise InputError(_no_list("prisoners"))
    return load_prisoners(source, campaign.prisoner_columns, campaign.config_name,
                          campaign.prisoner_header_row, campaign.input_limits, spooled)  # fmt: skip


def read_people(
    campaign: Settings, report: CheckReport, spooled: bool = True
) -> tuple[People, People] | None:
    """Senders and prisoners, their problems added to ``report``; None when a list is unreadable.

    ``spooled``: the rows kept out of memory (see :func:`postcards.inputs.reading.read_senders`).
    """
    people: list[People] = []
    for load in (campaign_senders, campaign_prisoners):
        try:
            result = load(campaign, spooled)
        except PostcardsError as exc:
            report.add(exc.problems)
            continue
        report.add(result.problems)
        people.append(result)
    if len(people) == 2:
        report.add(custody_problems(people[1]))
    return (people[0], people[1]) if len(people) == 2 else None


def no_cards(campaign: Settings, prisoners: People, from_file: bool = True) -> Problem:
    """The problem to report when the wave has no card: a mistake, not a success.

    A wave no row names, or caps of 0, give no card.  ``from_file``: the pairs come from the
    campaign's assignments file, if it has one.
    """
    if from_file and campaign.assignments_path is not None:
        return Problem(
            f"no card to print: no row is for wave {campaign.wave}; pair "
            "senders with prisoners for it (postcards assign)",
            file=campaign.assignments_path.name,
        )
    return Problem(
        f"no card to print in wave {campaign.wave}: the senders' cards caps leave none; raise them",
        file=prisoners.file,
    )


def existing_ledger(campaign: Settings, shared: bool = False) -> Ledger | None:
    """The campaign's ledger, or None before anything was printed (reading creates none).

    ``shared``: a ledger shared by offices (:func:`~postcards.ledger.renaming.is_shared`)
    is created if need be, so that the first offices pairing at once see each other.
    """
    url = campaign.database_url
    if not ledger_exists(url) and not shared:
        return None
    return Ledger.open(url)


def open_existing(campaign: Settings, report: CheckReport) -> Ledger | None:
    """:func:`existing_ledger`, its problem (an unreachable server …) put in ``report``."""
    try:
        return existing_ledger(campaign)
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def list_date(campaign: Settings) -> dt.date | None:
    """The list's snapshot date: ``[campaign] list_date``, else the file's date."""
    if campaign.list_date:
        return dt.date.fromisoformat(campaign.list_date)
    path = campaign.prisoners_path
    if path is None or not Path(path).is_file():
        return None
    return dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC).date()


def list_freshness(
    campaign: Settings, prisoners: People, ledger: Ledger | None, report: CheckReport
) -> None:
    """Releases, transfers and new names since the last wave's list, as warnings."""
    try:
        found = freshness_problems(
            prisoners, ledger, campaign.name, list_date(campaign), campaign.list_max_age_days
        )
        report.freshness += [p for p in found if p.warning]  # also a list of their own
        report.add(found)
    except PostcardsError as exc:
        report.add(exc.problems)


#: New objects between two collections of the young ones during a run (Python's: 700).
YOUNG_OBJECTS = 10_000


@contextlib.contextmanager
def few_full_collections() -> Iterator[None]:
    """Young objects collected now and then, full collections kept for the end of the run.

    A run's records and plans live to its end, and every full collection of Python's
    cyclic garbage collector scans them all: a quarter of a 100,000-card check went
    there.  Young ones are collected after :data:`YOUNG_OBJECTS` new objects, not
    Python's 700: a chunk's plans then die of their own before a collection would scan
    them.  At 100,000 cards the collector took 3.6 s of a run with one job, 0.7 s now;
    with two, each worker (which inherits the setting) took about 1 s, 0.04 s now.  A
    template's cycles die young and are still collected.

    The thresholds are the whole process's: the first run to start keeps the process's
    own, and the last to end puts them back, so two runs at once (the desk's thread and
    the API) leave the collector as they found it, whichever ends first.
    """
    with _COLLECTOR.lock:
        if not _COLLECTOR.runs:
            _COLLECTOR.saved = gc.get_threshold()
            young, middle, _ = _COLLECTOR.saved
            gc.set_threshold(max(young, YOUNG_OBJECTS), middle, 1_000_000)
        _COLLECTOR.runs += 1
    try:
        yield
    finally:
        with _COLLECTOR.lock:
            _COLLECTOR.runs -= 1
            if not _COLLECTOR.runs:
                gc.set_threshold(*_COLLECTOR.saved)


@dataclass
class _Collector:
    """The runs under way in this process, and the thresholds they found."""

    runs: int = 0
    saved: tuple[int, int, int] = (700, 10, 10)
    lock: threading.Lock = field(default_factory=threading.Lock)


_COLLECTOR = _Collector()


@contextlib.contextmanager
def no_collections() -> Iterator[None]:
    """The cyclic garbage collector paused for ``check``, which leaves no cycles.

    ``check`` reads, pairs and plans: none of it leaves cyclic garbage (measured: none per
    card, with a personal template too), so the collector would only scan the live
    records and plans again and again (a tenth of a 100,000-card check).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
