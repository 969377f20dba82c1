"""The print run, end to end: inputs -> check -> pairs -> plans -> PDF, manifest, ledger.

These functions take a :class:`Settings` and return data; the CLI only calls them and
shows what they return.  Nothing is written unless everything checks out; the cards are
committed in the ledger (with a pending print run) once the PDF and manifest are complete
as temporary files, before they are renamed into place (see :mod:`postcards.printing.settling`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from postcards.cards.plans import CardPlan
from postcards.cards.reprint import already_sent, select
from postcards.codes import new_code
from postcards.config import Settings
from postcards.errors import InputError, Problem
from postcards.files import publish, remove_stale_parts, staged, write_csv
from postcards.inputs.freshness import snapshot
from postcards.inputs.people import People
from postcards.jobs.check import check_examples, content_check, plan_all, prepare, print_order
from postcards.jobs.lists import (
    CheckReport,
    Progress,
    existing_ledger,
    few_full_collections,
    list_date,
)
from postcards.ledger.book import Ledger
from postcards.ledger.engines import shown_url
from postcards.ledger.model import LedgerCard, RunFile
from postcards.pairing.fair import Pairing
from postcards.printing.run import CardOptions, Place, PrintRun
from postcards.printing.settling import kill_point, run_files, settle
from postcards.printing.shop_checks import font_problems
from postcards.printing.signing import write_signing_sheets

MANIFEST_COLUMNS = [
    "code",
    "wave",
    "sender_id",
    "sender_name",
    "prisoner_id",
    "prisoner_name",
    "language",
    "front_page",
    "back_page",
    "sheet",
    "slot",
]


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


@few_full_collections()
def make_cards(
    campaign: Settings,
    out: Path,
    options: CardOptions = CardOptions(),
    progress: Progress | None = None,
) -> tuple[CheckReport, CardsResult]:
    """``postcards cards``: render the cards (or sheets), write the manifest, record the cards.

    Raises:
        InputError: with every problem found; nothing is written then.
    """
    with existing_ledger(campaign) or contextlib.nullcontext() as ledger:
        return _print_run(campaign, out, options, progress, ledger)


def _print_run(
    campaign: Settings,
    out: Path,
    options: CardOptions,
    progress: Progress | None,
    ledger: Ledger | None,
) -> tuple[CheckReport, CardsResult]:
    """:func:`make_cards` with the campaign's ledger open (None before the first run)."""
    if ledger is not None:
        settle(ledger, campaign.name)  # a run killed before its files were in place
    report, planner = prepare(campaign, options, ledger)
    check_examples(campaign, options, report, url=False)
    if planner is None or report.imposition is None or report.problems:
        raise InputError(report.problems)
    pairings, statuses = _selected(campaign, ledger, print_order(report.pairings), options)
    codes = _codes(ledger, campaign, pairings)
    content = content_check(campaign, options, report)
    plans = plan_all(planner, pairings, codes, report, content=content)
    if report.problems:
        raise InputError(report.problems)
    out = out.resolve()
    manifest = out.with_suffix(".manifest.csv")
    run = PrintRun(campaign, planner, report.imposition, options)
    files = run.files(out)
    signing = out.with_suffix(".signing.pdf") if campaign.qr_placement == "sheet" else None
    outputs = [*files, manifest, *([signing] if signing else [])]
    remove_stale_parts(outputs)
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(staged(path)) for path in outputs]
        places = run.render(plans, temps[: len(files)], progress)
        problems = [
            p
            for tmp, path in zip(temps, files, strict=False)
            for p in font_problems(tmp, path.name)
        ]
        if problems:
            raise InputError(problems)
        _write_manifest(temps[len(files)], plans, places)
        if signing:
            write_signing_sheets(planner, plans, temps[-1])
        pairs = list(zip(temps, outputs, strict=True))
        new = _record(ledger, campaign, plans, planner.prisoners, pairs)
    sheets = max((place.sheet for place in places), default=0)
    return report, CardsResult(
        files[0],
        manifest,
        len(plans),
        new,
        shown_url(campaign.database_url),
        tuple(files),
        sheets,
        signing,
        already_sent(codes, statuses),
    )


def _selected(
    campaign: Settings,
    ledger: Ledger | None,
    pairings: list[Pairing],
    options: CardOptions,
) -> tuple[list[Pairing], dict[str, set[str]]]:
    """The cards this run prints (all, or a reprint's) and their codes' statuses.

    The statuses are every status each of the wave's codes has had, from the ledger.
    """
    selection = options.selection
    if ledger is None:
        return select(pairings, selection, {}, {}, {}, campaign.wave), {}
    codes = ledger.codes_for(campaign.name, campaign.wave)
    statuses: dict[str, set[str]] = {}
    for event in ledger.events(campaign.name):
        statuses.setdefault(event.code, set()).add(event.status)
    cards = {
        code: card
        for code in selection.codes
        if (card := ledger.card(code)) is not None and card.campaign == campaign.name
    }
    return select(pairings, selection, codes, cards, statuses, campaign.wave), statuses


def _codes(ledger: Ledger | None, campaign: Settings, pairings: list[Pairing]) -> list[str]:
    """Each card's code: the ledger's for a reprint, else a new random one."""
    known = ledger.codes_for(campaign.name, campaign.wave) if ledger else {}
    taken = set(known.values())
    return [known.get((p.sender.id, p.prisoner.id)) or _fresh(ledger, taken) for p in pairings]


def _fresh(ledger: Ledger | None, taken: set[str]) -> str:
    while True:
        code = new_code()
        if code not in taken and (ledger is None or not ledger.code_exists(code)):
            taken.add(code)
            return code


def _record(
    ledger: Ledger | None,
    campaign: Settings,
    plans: list[CardPlan],
    prisoners: People,
    pairs: list[tuple[Path, Path]],
) -> int:
    """Commit the cards with a pending print run, rename the files into place, complete the run.

    This order survives a kill at any point (see :mod:`postcards.printing.settling`).
    """
    cards = [
        LedgerCard(
            p.code,
            campaign.name,
            p.wave,
            p.sender.id,
            p.prisoner.id,
            p.language,
            p.sender.name,
            p.prisoner.name,
            p.text,
        )
        for p in plans
    ]
    files = run_files(pairs)
    kill_point("after-temps")
    if ledger is None:  # the first print run makes the ledger
        with Ledger.open(campaign.database_url) as created:
            return _commit(created, campaign, cards, files, prisoners, pairs)
    return _commit(ledger, campaign, cards, files, prisoners, pairs)


def _commit(
    ledger: Ledger,
    campaign: Settings,
    cards: list[LedgerCard],
    files: list[RunFile],
    prisoners: People,
    pairs: list[tuple[Path, Path]],
) -> int:
    """Pending run, files into place, complete: see :func:`_record`."""
    run_id, new = ledger.begin_print_run(campaign.name, campaign.wave, cards, files)
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
    ledger.mark_reprinted(campaign.name, campaign.wave)
    _record_list(ledger, campaign, prisoners)
    return new


def _record_list(ledger: Ledger, campaign: Settings, prisoners: People) -> None:
    """Hook: keep the prisoner list this wave used, for the next list's comparison."""
    date = list_date(campaign)
    ledger.record_list(
        campaign.name, snapshot(prisoners, campaign.wave, date.isoformat() if date else "")
    )


def _write_manifest(path: Path, plans: list[CardPlan], places: list[Place]) -> None:
    rows = [
        [
            p.code,
            p.wave,
            p.sender.id,
            p.sender.name,
            p.prisoner.id,
            p.prisoner.name,
            p.language,
            at.front_page,
            at.back_page,
            at.sheet,
            at.slot,
        ]
        for p, at in zip(plans, places, strict=True)
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_csv(handle, MANIFEST_COLUMNS, rows)
