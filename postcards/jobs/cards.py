"""The print run, end to end: inputs -> check -> pairs -> plans -> PDF, manifest, ledger.

These functions take a :class:`Campaign` and return data; the CLI only calls them and
shows what they return.  Nothing is written unless everything checks out; the cards are
committed in the ledger (with a pending print run) once the PDF and manifest are complete
as temporary files, before they are renamed into place (see :mod:`postcards.printing.settling`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from postcards.cards.content import ContentCheck, risky_words_for
from postcards.cards.design import Design, load_design
from postcards.cards.plans import CardPlan, CardPlanner
from postcards.cards.reprint import Selection, already_sent, select
from postcards.codes import PLACEHOLDER_CODE, format_code, new_code
from postcards.config import Campaign
from postcards.errors import InputError, PostcardsError, Problem
from postcards.files import publish, remove_stale_parts, staged, write_csv
from postcards.inputs.people import People, Prisoner, custody_problems, load_prisoners, load_senders
from postcards.inputs.spreadsheets import read_table
from postcards.ledger.database import Ledger, LedgerCard, ledger_exists, shown_url
from postcards.order import natural_key
from postcards.page.geometry import CardSize, parse_size
from postcards.page.text import RenderError
from postcards.pairing.assignments import assignments_file, read_assignments, unused_file
from postcards.pairing.fair import Pairing, Plan
from postcards.printing.imposition import SINGLE, Imposition, find_layout, impose
from postcards.printing.preflight import (
    card_problems,
    design_problems,
    font_problems,
    image_resolution,
    text_on_rules,
)
from postcards.printing.run import Place, PrintRun
from postcards.printing.settling import interrupted_warnings, kill_point, run_files, settle
from postcards.wording import counted

#: Called as progress(done, total): planning, then drawing, each counts the cards.
Progress = Callable[[int, int], None]
MANIFEST_COLUMNS = ["code", "wave", "sender_id", "sender_name", "prisoner_id",
                    "prisoner_name", "language", "front_page", "back_page", "sheet", "slot"]


@dataclass(frozen=True)
class CardOptions:
    """What the command line may change about a print run."""

    size: str | None = None
    not_a_postcard: bool = False
    layout: str | None = None
    duplex: str | None = None
    start_at: int = 1
    printer: str | None = None
    strict: bool = False  # content-check findings stop the run instead of warning
    selection: Selection = Selection()  # a reprint: --only, --sender, --prisoner
    example: bool = False  # let init's example lists and example.org URL through
    allow_risky: bool = False  # risky words print (as warnings) instead of stopping the run


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
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        # A set, not a scan of the lists: a content finding on 10,000 cards is 10,000
        # problems, and scanning made adding them quadratic (24 s).
        for problem in problems:
            target = self.warnings if problem.warning else self.problems
            if problem not in self._seen:
                self._seen.add(problem)
                target.append(problem)


@dataclass(frozen=True)
class CardsResult:
    pdf: Path
    manifest: Path
    cards: int
    new_in_ledger: int
    ledger: str
    files: tuple[Path, ...] = ()
    sheets: int = 0
    signing: Path | None = None  # the signing sheets, with [qr] placement = "sheet"
    already_sent: int = 0  # printed cards that had gone out before: duplicates in the post


def _require(campaign: Campaign) -> list[Problem]:
    problems = []
    for what, path in (("senders", campaign.senders_path),
                       ("prisoners", campaign.prisoners_path)):
        if path is None:
            problems.append(Problem(f"no {what} spreadsheet: set [inputs] {what} in "
                                    f"campaign.toml or pass --{what} FILE"))
    return problems


def _read_people(campaign: Campaign, report: CheckReport) -> tuple[People, People] | None:
    config = campaign.source.name if campaign.source else "campaign.toml"
    people = []
    for path, reader, columns, header_row in (
            (campaign.senders_path, load_senders, campaign.sender_columns,
             campaign.sender_header_row),
            (campaign.prisoners_path, load_prisoners, campaign.prisoner_columns,
             campaign.prisoner_header_row)):
        try:
            result = reader(path, columns, config, header_row, campaign.input_limits)
        except PostcardsError as exc:
            report.add(exc.problems)
            continue
        report.add(result.problems)
        people.append(result)
    if len(people) == 2:
        report.add(custody_problems(people[1]))
    return (people[0], people[1]) if len(people) == 2 else None


def _pair(campaign: Campaign, senders: People, prisoners: People,
          report: CheckReport) -> Plan | None:
    try:
        path = assignments_file(campaign)
        if path is not None:
            table = read_table(path, campaign.input_limits)
            plan = read_assignments(table, senders, prisoners, campaign.wave)
            if plan.pairings or campaign.assignments_path is not None:
                report.pairs_from = path
                return plan
            report.add([unused_file(table, campaign.wave)])
        from postcards.jobs.assign import plan_wave  # the same fair pairs as `postcards assign`

        return plan_wave(campaign, senders, prisoners).plan
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def _card_size(campaign: Campaign, options: CardOptions, report: CheckReport) -> CardSize | None:
    try:
        size = parse_size(options.size or campaign.size)
    except PostcardsError as exc:
        report.add(exc.problems)
        return None
    problem = size.postcard_problem()
    if problem and not options.not_a_postcard:
        report.add([problem])
    return size


def _summarise(report: CheckReport, senders: People, prisoners: People, plan: Plan) -> None:
    records: tuple[Prisoner, ...] = prisoners.records
    report.senders, report.prisoners = len(senders.records), len(records)
    report.in_custody = sum(p.in_custody for p in records)
    report.excluded = Counter(p.status for p in records if not p.in_custody)
    report.pairings = plan.pairings
    if plan.uncovered:
        names = ", ".join(p.id for p in plan.uncovered[:10])
        report.add([Problem(
            f"{counted(len(plan.uncovered), 'prisoner', 'prisoners')} in custody "
            f"{'gets' if len(plan.uncovered) == 1 else 'get'} no card ({names}"
            f"{'…' if len(plan.uncovered) > 10 else ''}): the senders' Cards caps are "
            f"used up; raise them or add senders", file=prisoners.file, warning=True)])


def no_cards(campaign: Campaign, prisoners: People, from_file: bool = True) -> Problem:
    """A wave with no card is a mistake (a wave no row names, caps of 0), not a success;
    ``from_file``: the pairs come from the campaign's assignments file, if it has one."""
    if from_file and campaign.assignments_path is not None:
        return Problem(f"no card to print: no row is for wave {campaign.wave}; pair "
                       "senders with prisoners for it (postcards assign)",
                       file=campaign.assignments_path.name)
    return Problem(f"no card to print in wave {campaign.wave}: the senders' cards caps "
                   "leave none; raise them", file=prisoners.file)


def _url_warning(campaign: Campaign, strict: bool = False) -> list[Problem]:
    if campaign.qr_content == "url" and campaign.qr_placement == "card":
        domain = urlsplit(campaign.qr_url).hostname or campaign.qr_url
        return [Problem(f"the cards carry a URL QR code naming {domain}; a prison censor "
                        f"may withhold a card that names its organisers; use content = "
                        f'"code" or placement = "sheet"', column="qr.content",
                        file="campaign.toml", warning=not strict)]
    return []


def prepare(campaign: Campaign, options: CardOptions = CardOptions(),
            ) -> tuple[CheckReport, CardPlanner | None]:
    """Read, validate and pair everything a print run depends on, without writing."""
    report = CheckReport()
    report.add(list(campaign.warnings) + _url_warning(campaign, options.strict))
    report.add(_require(campaign))
    if report.problems:
        return report, None
    size = _card_size(campaign, options, report)
    design = _load_design(campaign, report)
    people = _read_people(campaign, report)
    if people is None or size is None or design is None or report.problems:
        return report, None
    senders, prisoners = people
    _list_freshness(campaign, prisoners, report)
    report.imposition = _impose(campaign, options, size, report)
    if report.imposition is not None:
        report.add(design_problems(design, size, campaign, report.imposition.bleed_mm))
    plan = _pair(campaign, senders, prisoners, report)
    if plan is None or report.imposition is None:
        return report, None
    _summarise(report, senders, prisoners, plan)
    if not plan.pairings and not report.problems:
        report.add([no_cards(campaign, prisoners)])
    return report, CardPlanner(campaign, design, size, senders, prisoners)


def _impose(campaign: Campaign, options: CardOptions, size: CardSize,
            report: CheckReport) -> Imposition | None:
    """The layout fitted to the card size; a card that does not fit is a problem."""
    try:
        layout = find_layout(options.layout or campaign.layout, campaign.layouts)
        if layout.single:
            return Imposition(SINGLE, size, campaign.bleed_mm, False, ())
        imposition = impose(layout, size, campaign.bleed_mm)
        imposition.sheets(0, options.start_at)  # checks --start-at against the slots
        return imposition
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def _list_freshness(campaign: Campaign, prisoners: People, report: CheckReport) -> None:
    """Hook: releases, transfers and new names since the last wave's list (warnings)."""
    from postcards.inputs.freshness import freshness_problems

    try:
        report.add(freshness_problems(campaign, prisoners))
    except PostcardsError as exc:
        report.add(exc.problems)


def content_check(campaign: Campaign, options: CardOptions,
                  report: CheckReport) -> ContentCheck | None:
    """Hook: the content check of every card's message (risky words, language, script)."""
    try:
        mode = "warn" if options.allow_risky else campaign.risky
        senders = campaign.senders_path.name if campaign.senders_path else "senders"
        return ContentCheck(risky_words_for(campaign.risky_words), options.strict, mode,
                            senders)
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def _load_design(campaign: Campaign, report: CheckReport) -> Design | None:
    try:
        design = load_design(campaign.design, campaign.root)
        design.fonts  # noqa: B018 - loads and checks the font files now
        languages = design.messages.languages()
        if campaign.language not in languages:  # else only a row without one finds out
            report.add([Problem(f"no message template for {campaign.language!r} in design "
                                f"{design.name}; use one of {', '.join(languages)}",
                                file="campaign.toml", column="cards.language")])
        return design
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def plan_all(planner: CardPlanner, pairings: list[Pairing], codes: list[str],
             report: CheckReport, progress: Progress | None = None,
             content: ContentCheck | None = None) -> list[CardPlan]:
    """Plan every card, collecting every card's problems (and, given ``content``, its
    content-check findings) into ``report``."""
    plans, template_failures = [], set()
    for done, (pairing, code) in enumerate(zip(pairings, codes, strict=True), 1):
        try:
            plans.append(planner.plan(pairing, code))
            report.languages[plans[-1].language] += 1
            if content is not None:
                content.add(plans[-1], _label(plans[-1]))
        except RenderError as exc:  # named with the first card it stopped
            report.add([_on_card(problem, pairing) for problem in exc.problems
                        if problem not in template_failures])
            template_failures.update(exc.problems)
        except PostcardsError as exc:
            report.add(exc.problems)
        if progress:
            progress(done, len(pairings))
    report.add(content.problems() if content is not None else [])
    report.add(_preflight(planner, plans))
    return plans


def _on_card(problem: Problem, pairing: Pairing) -> Problem:
    """A template's problem, naming the card it stopped (the first, when it stops all)."""
    return dataclasses.replace(problem, message=f"{problem.message} (the card from "
                               f"{pairing.sender.name} ({pairing.sender.id}) to "
                               f"{pairing.prisoner.name} ({pairing.prisoner.id}))")


def _label(plan: CardPlan) -> str:
    """A card as the content check names it: sender → prisoner (code)."""
    code = plan.prisoner.id if plan.code == PLACEHOLDER_CODE else format_code(plan.code)
    return f"{plan.sender.name} → {plan.prisoner.name} ({code})"


def _preflight(planner: CardPlanner, plans: list[CardPlan]) -> list[Problem]:
    """Per-card preflight; cards alike (same QR size, same signature) are checked once,
    the first named with a count of the others."""
    found: dict[object, tuple[list[Problem], int]] = {}
    for plan in plans:
        key = (plan.qr.matrix.modules if plan.qr else None,
               tuple(text_on_rules(plan, planner.design, planner.size)))
        if key in found:
            found[key] = (found[key][0], found[key][1] + 1)
        else:
            found[key] = (card_problems(plan, planner.design, planner.size), 0)
    problems = [_and_more(problem, more) for found_problems, more in found.values()
                for problem in found_problems]
    signature = planner.design.back(planner.size).signature
    for path in sorted({plan.signature for plan in plans if plan.signature}):
        problems += image_resolution(path, signature.width_mm, signature.height_mm,
                                     "signature")
    return problems


def _and_more(problem: Problem, more: int) -> Problem:
    if not more:
        return problem
    return dataclasses.replace(problem, message=f"{problem.message} (and "
                               f"{counted(more, 'more card')} like it)")


def print_order(pairings: tuple[Pairing, ...]) -> list[Pairing]:
    """Cards grouped by sender, so each member signs one stack."""
    return sorted(pairings, key=lambda p: (natural_key(p.sender.id), natural_key(p.prisoner.id)))


def check(campaign: Campaign, options: CardOptions = CardOptions(),
          progress: Progress | None = None) -> CheckReport:
    """Everything a print run depends on, checked: ``postcards check``."""
    report, planner = prepare(campaign, options)
    _examples(campaign, options, report)
    _settle_runs(campaign, report)
    if planner is not None:
        pairings = print_order(report.pairings)
        content = content_check(campaign, options, report)
        plan_all(planner, pairings, [PLACEHOLDER_CODE] * len(pairings), report, progress,
                 content)
    return report


def _examples(campaign: Campaign, options: CardOptions, report: CheckReport,
              url: bool = True) -> None:
    """``postcards init``'s example lists (and URL, for posters) are errors unless
    ``--example``."""
    if not options.example:
        from postcards.inputs.examples import example_problems

        report.add(example_problems(campaign, url, report.pairings))


def _settle_runs(campaign: Campaign, report: CheckReport) -> None:
    """Settle the print runs a kill left pending; warn about those never printed."""
    try:
        ledger = _existing_ledger(campaign)
        if ledger is None:
            return
        with ledger:
            settle(ledger, campaign.name)
            report.add(interrupted_warnings(ledger, campaign.name))
    except PostcardsError as exc:
        report.add(exc.problems)


def make_cards(campaign: Campaign, out: Path, options: CardOptions = CardOptions(),
               progress: Progress | None = None) -> tuple[CheckReport, CardsResult]:
    """Render the cards (or sheets), write the manifest and record the cards:
    ``postcards cards``.

    Raises:
        InputError: with every problem found; nothing is written then.
    """
    report, planner = prepare(campaign, options)
    _examples(campaign, options, report, url=False)
    if planner is None or report.imposition is None or report.problems:
        raise InputError(report.problems)
    pairings, statuses = _selected(campaign, print_order(report.pairings), options.selection)
    codes = _codes(campaign, pairings)
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
        problems = [p for tmp, path in zip(temps, files, strict=False)
                    for p in font_problems(tmp, path.name)]
        if problems:
            raise InputError(problems)
        _write_manifest(temps[len(files)], plans, places)
        if signing:
            from postcards.printing.signing import write_signing_sheets

            write_signing_sheets(planner, plans, temps[-1])
        new = _record(campaign, plans, planner.prisoners, list(zip(temps, outputs, strict=True)))
    sheets = max((place.sheet for place in places), default=0)
    return report, CardsResult(files[0], manifest, len(plans), new,
                               shown_url(campaign.database_url), tuple(files), sheets, signing,
                               already_sent(codes, statuses))


def _existing_ledger(campaign: Campaign) -> Ledger | None:
    url = campaign.database_url
    if not ledger_exists(url):
        return None  # no ledger yet: do not create one before anything is printed
    return Ledger.open(url)


def _selected(campaign: Campaign, pairings: list[Pairing], selection: Selection,
              ) -> tuple[list[Pairing], dict[str, set[str]]]:
    """The cards this run prints (all, or a reprint's) and every status each of the
    wave's codes has had, from the ledger."""
    ledger = _existing_ledger(campaign)
    if ledger is None:
        return select(pairings, selection, {}, {}, {}, campaign.wave), {}
    with ledger:
        codes = ledger.codes_for(campaign.name, campaign.wave)
        statuses: dict[str, set[str]] = {}
        for event in ledger.events(campaign.name):
            statuses.setdefault(event.code, set()).add(event.status)
        cards = {code: card for code in selection.codes
                 if (card := ledger.card(code)) is not None and card.campaign == campaign.name}
    return select(pairings, selection, codes, cards, statuses, campaign.wave), statuses


def _codes(campaign: Campaign, pairings: list[Pairing]) -> list[str]:
    """Each card's code: the ledger's for a reprint, else a new random one."""
    ledger = _existing_ledger(campaign)
    with ledger or contextlib.nullcontext():
        if ledger:
            settle(ledger, campaign.name)  # a run killed before its files were in place
        known = ledger.codes_for(campaign.name, campaign.wave) if ledger else {}
        taken = set(known.values())
        return [known.get((p.sender.id, p.prisoner.id)) or _fresh(ledger, taken)
                for p in pairings]


def _fresh(ledger: Ledger | None, taken: set[str]) -> str:
    while True:
        code = new_code()
        if code not in taken and (ledger is None or not ledger.code_exists(code)):
            taken.add(code)
            return code


def _record(campaign: Campaign, plans: list[CardPlan], prisoners: People,
            pairs: list[tuple[Path, Path]]) -> int:
    """Commit the cards with a pending print run, rename the files into place, complete
    the run: the order that survives a kill at any point (see
    :mod:`postcards.printing.settling`)."""
    cards = [LedgerCard(p.code, campaign.name, p.wave, p.sender.id, p.prisoner.id,
                        p.language, p.sender.name, p.prisoner.name, p.text) for p in plans]
    files = run_files(pairs)
    kill_point("after-temps")
    with Ledger.open(campaign.database_url) as ledger:
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


def _record_list(ledger: Ledger, campaign: Campaign, prisoners: People) -> None:
    """Hook: keep the prisoner list this wave used, for the next list's comparison."""
    from postcards.inputs.freshness import list_date, snapshot

    date = list_date(campaign)
    ledger.record_list(campaign.name, snapshot(prisoners, campaign.wave,
                                               date.isoformat() if date else ""))


def _write_manifest(path: Path, plans: list[CardPlan], places: list[Place]) -> None:
    rows = [[p.code, p.wave, p.sender.id, p.sender.name, p.prisoner.id, p.prisoner.name,
             p.language, at.front_page, at.back_page, at.sheet, at.slot]
            for p, at in zip(plans, places, strict=True)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_csv(handle, MANIFEST_COLUMNS, rows)
