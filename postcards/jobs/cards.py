"""The print run, end to end: inputs -> check -> pairs -> plans -> PDF, manifest, ledger.

These functions take a :class:`Settings` and return data; the CLI only calls them and
shows what they return.  Nothing is written unless everything checks out; the cards are
committed in the ledger (with a pending print run) once the PDF and manifest are complete
as temporary files, before they are renamed into place (see :mod:`postcards.printing.settling`).
"""

from __future__ import annotations

import contextlib
import pickle
import tempfile
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from postcards.cards.plans import CardPlan, CardPlanner
from postcards.cards.reprint import already_sent, select
from postcards.codes import CodeList, fresh_codes
from postcards.config import Settings
from postcards.errors import InputError, Problem
from postcards.files import open_csv, publish, remove_stale_parts, staged
from postcards.inputs.freshness import Snapshot
from postcards.inputs.people import People
from postcards.jobs.assign import undo_pairs
from postcards.jobs.check import (
    check_examples,
    content_check,
    prepare,
    print_order,
    print_settings,
)
from postcards.jobs.lists import (
    CheckReport,
    existing_ledger,
    few_full_collections,
    list_date,
)
from postcards.jobs.manifest import Manifest
from postcards.jobs.offices import ledger_senders, renamed_problem
from postcards.jobs.outputs import check_outputs, named_images, protected_paths
from postcards.jobs.planning import CardChecks, Checked, RunChecks
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard, RunFile
from postcards.ledger.renaming import is_shared
from postcards.ledger.targets import shown_url
from postcards.pairing.fair import Pairing
from postcards.printing.parallel import default_jobs
from postcards.printing.run import CardOptions, Places, PrintRun, card_outputs
from postcards.printing.settling import kill_point, run_files, settle
from postcards.printing.shop_checks import font_problems
from postcards.printing.signing import write_signing_sheets
from postcards.printing.ticket import plan_ticket, ticket_files, write_ticket
from postcards.progress import Progress


@dataclass(frozen=True)
class CardsResult:
    """What ``cards`` wrote and recorded, for the command to report."""

    pdf: Path
    manifest: Path
    cards: int
    new_in_ledger: int
    ledger: str
    files: tuple[Path, ...] = ()
    sheets: int = 0
    signing: Path | None = None  # the signing sheets, with [qr] placement = "sheet"
    already_sent: int = 0  # printed cards that had gone out before: duplicates in the post
    warnings: tuple[Problem, ...] = ()  # what the checks found that does not stop printing
    ticket: Path | None = None  # the job ticket beside the print file


@few_full_collections()
def make_cards(
    campaign: Settings,
    out: Path,
    options: CardOptions = CardOptions(),
    progress: Progress | None = None,
) -> tuple[CheckReport, CardsResult]:
    """``postcards cards``: render the cards (or sheets), write the manifest, record the cards.

    Every rule holds here, whichever shell calls it: the outputs may not replace an input,
    the ledger or the design; a renamed campaign, an office the shared ledger needs, or a
    sender the ledger knows as someone else stops the run.

    Raises:
        UsageError: an output would replace an input, or is not a .pdf.
        InputError: with every problem found; nothing is written then.
    """
    outputs = card_outputs(print_settings(campaign), out, options.duplex)
    # the photos and signatures are guarded once the lists are read (see _print_planned)
    check_outputs(outputs, protected_paths(campaign, outputs, images=False), (".pdf",))
    with existing_ledger(campaign, is_shared(campaign)) or contextlib.nullcontext() as ledger:
        renamed = renamed_problem(campaign, ledger) if ledger is not None else []
        if renamed:
            raise InputError(renamed)
        return _print_run(campaign, out, options, progress, ledger)


def _print_run(
    campaign: Settings,
    out: Path,
    options: CardOptions,
    progress: Progress | None,
    ledger: Ledger | None,
) -> tuple[CheckReport, CardsResult]:
    """:func:`make_cards` with the campaign's ledger open (None before the first run).

    The cards are planned, checked and drawn as they go, a chunk at a time, into
    temporary files: nothing per card is kept but the manifest's and the ledger's rows.
    A problem found on any card (or by the checks that look at all of them) removes the
    temporary files and records nothing, as if nothing had been drawn.
    """
    if ledger is not None:
        settle(ledger, campaign.name)  # a run killed before its files were in place
    # on a shared ledger the pairs are recorded as they are chosen, for the other offices
    record = ledger is not None and is_shared(campaign)
    report, planner = prepare(campaign, options, ledger, record=record)
    try:
        return _print_planned(campaign, out, options, progress, ledger, report, planner)
    except BaseException:
        undo_pairs(campaign, ledger, report.recorded_before)
        raise


def _print_planned(
    campaign: Settings,
    out: Path,
    options: CardOptions,
    progress: Progress | None,
    ledger: Ledger | None,
    report: CheckReport,
    planner: CardPlanner | None,
) -> tuple[CheckReport, CardsResult]:
    """The run once its pairs are chosen: a failure here puts the office's pairs back."""
    check_examples(campaign, options, report, url=False)
    if planner is None or report.imposition is None or report.problems:
        raise InputError(report.problems)
    guarded = card_outputs(print_settings(campaign), out, options.duplex)
    read = {"senders": planner.senders, "prisoners": planner.prisoners}
    check_outputs(guarded, named_images(campaign, guarded, read))
    pairings, statuses = _selected(campaign, ledger, print_order(report.pairings), options)
    codes = _codes(ledger, campaign, pairings)
    content = content_check(campaign, options, report)
    out = out.resolve()
    manifest = out.with_suffix(".manifest.csv")
    run = PrintRun(print_settings(campaign), planner, report.imposition, options, pairings)
    files = run.files(out)
    signing = out.with_suffix(".signing.pdf") if campaign.qr_placement == "sheet" else None
    ticket = out.with_suffix(".ticket.pdf")
    outputs = [*files, manifest, ticket, *([signing] if signing else [])]
    remove_stale_parts(outputs)
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(staged(path)) for path in outputs]
        checks = CardChecks(planner, pairings, codes, content, rows=True, plans=bool(signing))
        listed = _list_used(campaign, planner.prisoners, temps[0].parent)  # hashed as they draw
        stack.callback(listed.close)
        with open_csv(temps[len(files)], campaign.csv_bom) as handle:  # written as they draw
            places = run.places(len(pairings), len(files))
            kept = _Kept(campaign, temps[0].parent, Manifest(handle, places, campaign.office))
            stack.callback(kept.close)
            _drawn(run, checks, kept, temps[: len(files)], progress, options, report,
                   listed.steps(), places)  # fmt: skip
        problems = [
            p
            for tmp, path in zip(temps, files, strict=False)
            for p in font_problems(tmp, path.name)
        ]
        if problems:
            raise InputError(problems)
        prints = ticket_files(list(zip(temps, files, strict=False)))
        job = plan_ticket(run, kept.count, places.sheets, prints)
        write_ticket(job, planner.fonts, temps[len(files) + 1])
        if signing:
            write_signing_sheets(planner, kept.plans, temps[-1])
        pairs = list(zip(temps, outputs, strict=True))
        new = _record(ledger, campaign, kept, planner, pairs, listed)
    return report, CardsResult(
        files[0],
        manifest,
        kept.count,
        new,
        shown_url(campaign.database_url),
        tuple(files),
        places.sheets,
        signing,
        already_sent(codes, statuses),
        ticket=ticket,
    )


def _drawn(
    run: PrintRun,
    checks: CardChecks,
    kept: _Kept,
    temps: list[Path],
    progress: Progress | None,
    options: CardOptions,
    report: CheckReport,
    meanwhile: Iterator[object],
    places: Places,
) -> None:
    """Plan, check and draw the cards: a card's problem stops the run, after all checks.

    Every card is still checked, so that every problem is reported at once.
    """
    found = RunChecks(checks.planner, checks.content, report)

    def checked(chunk: object) -> None:
        assert isinstance(chunk, Checked)
        found.add(chunk)
        kept.add(chunk)

    jobs = options.jobs or default_jobs()
    drawn = run.render(checks, len(checks.pairings), temps, progress, jobs, checked, meanwhile,
                       places)  # fmt: skip
    found.finish()
    if report.problems or drawn is None:
        raise InputError(report.problems or [Problem("a card could not be planned")])


class _Kept:
    """What a print run keeps of each card as it passes: its manifest row and ledger row.

    The manifest's rows are written as they come; the ledger's go to an anonymous
    temporary file beside the output (unlinked at once, never seen under a name) a chunk
    at a time, so 100,000 cards cost no memory, and are read back, in print order, for
    the ledger once everything is drawn.
    """

    def __init__(self, campaign: Settings, folder: Path, manifest: Manifest) -> None:
        self.campaign, self.office, self.folder = campaign.name, campaign.office, folder
        self.manifest = manifest
        self.count = 0
        self.senders: set[str] = set()  # the ids of the run's senders
        self.plans: list[CardPlan] = []  # the cards' plans, for signing sheets (else none)
        self._spool: IO[bytes] | None = None

    def add(self, checked: Checked) -> None:
        """A chunk's cards, in print order after the chunks before it."""
        rows = checked.rows
        if not rows:
            return
        self.count += len(rows)
        self.manifest.add(rows)
        self.senders.update(row[2] for row in rows)
        self.plans += checked.plans
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(dir=self.folder)  # noqa: SIM115 - closed by close()
        pickle.dump(rows, self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def cards(self) -> Iterator[LedgerCard]:
        """Every card recorded, in print order, as the ledger keeps it."""
        if self._spool is None:
            return
        self._spool.seek(0)
        while True:
            try:
                batch = pickle.load(self._spool)
            except EOFError:
                return
            for code, wave, sender, prisoner, language, name, addressee, text, _returned in batch:
                yield LedgerCard(code, self.campaign, wave, sender, prisoner, language, name,
                                 addressee, text, self.office)  # fmt: skip

    def close(self) -> None:
        """Let go of the spool (the file was never visible under a name)."""
        if self._spool is not None:
            self._spool.close()


def _selected(
    campaign: Settings,
    ledger: Ledger | None,
    pairings: list[Pairing],
    options: CardOptions,
) -> tuple[list[Pairing], Mapping[str, AbstractSet[str]]]:
    """The cards this run prints (all, or a reprint's) and their codes' statuses.

    The statuses are every status each of the wave's codes has had, from the ledger.
    """
    selection = options.selection
    if ledger is None:
        return select(pairings, selection, {}, {}, {}, campaign.wave), {}
    codes = ledger.codes_for(campaign.name, campaign.wave, campaign.office)
    statuses = ledger.statuses(campaign.name, campaign.office)
    cards = {
        code: card
        for code in selection.codes
        if (card := ledger.card(code)) is not None and card.campaign == campaign.name
    }
    chosen = select(pairings, selection, codes, cards, statuses, campaign.wave, campaign.office)
    return chosen, statuses


def _codes(ledger: Ledger | None, campaign: Settings, pairings: list[Pairing]) -> CodeList:
    """Each card's code: the ledger's for a reprint, else a new random one no card has."""
    known = ledger.codes_for(campaign.name, campaign.wave, campaign.office) if ledger else {}
    codes = [known.get((p.sender.id, p.prisoner.id), "") for p in pairings]
    new = [index for index, code in enumerate(codes) if not code]
    lookup = ledger.existing_codes if ledger is not None else None
    for index, code in zip(new, fresh_codes(len(new), set(known.values()), lookup), strict=True):
        codes[index] = code
    return CodeList(codes)


def _record(
    ledger: Ledger | None,
    campaign: Settings,
    cards: _Kept,
    planner: CardPlanner,
    pairs: list[tuple[Path, Path]],
    listed: Snapshot,
) -> int:
    """Commit the cards with a pending print run, rename the files into place, complete the run.

    This order survives a kill at any point (see :mod:`postcards.printing.settling`).
    """
    files = run_files(pairs)
    kill_point("after-temps")
    if ledger is None:  # the first print run makes the ledger
        with Ledger.open(campaign.database_url) as created:
            return _commit(created, campaign, cards, files, planner, pairs, listed)
    return _commit(ledger, campaign, cards, files, planner, pairs, listed)


def _commit(
    ledger: Ledger,
    campaign: Settings,
    kept: _Kept,
    files: list[RunFile],
    planner: CardPlanner,
    pairs: list[tuple[Path, Path]],
    listed: Snapshot,
) -> int:
    """Pending run, files into place, complete: see :func:`_record`."""
    senders = (s for s in ledger_senders(campaign, planner.senders) if s.sender_id in kept.senders)
    run_id, new = ledger.begin_print_run(
        campaign.name, campaign.wave, kept.cards(), files, campaign.office, senders
    )
    kill_point("after-commit")
    try:
        for index, (tmp, path) in enumerate(pairs):
            publish(tmp, path)
            if index == 0:
                kill_point("after-first-rename")
    except BaseException:
        ledger.settle_print_run(run_id, "interrupted")
        raise
    kill_point("after-rename")
    ledger.settle_print_run(run_id, "complete")
    ledger.mark_reprinted(campaign.name, campaign.wave, campaign.office)
    ledger.record_list(campaign.name, listed.taken())  # for the next list's comparison
    return new


def _list_used(campaign: Settings, prisoners: People, folder: Path) -> Snapshot:
    """The prisoner list this wave used, as the ledger keeps it, hashed in steps.

    The rows made for the hash wait in ``folder`` for the ledger.
    """
    date = list_date(campaign)
    return Snapshot(prisoners, campaign.wave, date.isoformat() if date else "", folder=folder)
