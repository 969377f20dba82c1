"""The print run, end to end: inputs -> check -> pairs -> plans -> PDF, manifest, ledger.

These functions take a :class:`Campaign` and return data; the CLI only calls them and
shows what they return.  Nothing is written unless everything checks out, and the ledger
is changed only when the PDF and manifest are complete.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .assign import Pairing, Plan, read_assignments, spread
from .cards import CardPlan, CardPlanner
from .codes import new_code
from .config import Campaign
from .design import Design, load_design
from .errors import InputError, PostcardsError, Problem
from .files import publish, staged, write_csv
from .geometry import CardSize, Page, parse_size
from .ledger import Ledger, LedgerCard, is_sqlite, shown_url, sqlite_path
from .people import People, Prisoner, read_prisoners, read_senders
from .sources import read_table

#: Called as progress(done, total): planning, then drawing, each counts the cards.
Progress = Callable[[int, int], None]
PLACEHOLDER_CODE = "000000000"
MANIFEST_COLUMNS = ["code", "wave", "sender_id", "sender_name", "prisoner_id",
                    "prisoner_name", "language", "front_page", "back_page", "slot"]


@dataclass(frozen=True)
class CardOptions:
    """What the command line may change about a print run."""

    size: str | None = None
    not_a_postcard: bool = False


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

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        for problem in problems:
            target = self.warnings if problem.warning else self.problems
            if problem not in target:
                target.append(problem)


@dataclass(frozen=True)
class CardsResult:
    pdf: Path
    manifest: Path
    cards: int
    new_in_ledger: int
    ledger: str
    signing: Path | None = None  # the signing sheets, with [qr] placement = "sheet"


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
    for path, reader, columns in (
            (campaign.senders_path, read_senders, campaign.sender_columns),
            (campaign.prisoners_path, read_prisoners, campaign.prisoner_columns)):
        try:
            result = reader(read_table(path), columns, config)
        except PostcardsError as exc:
            report.add(exc.problems)
            continue
        report.add(result.problems)
        people.append(result)
    return (people[0], people[1]) if len(people) == 2 else None


def _pair(campaign: Campaign, senders: People, prisoners: People,
          report: CheckReport) -> Plan | None:
    try:
        if campaign.assignments_path is not None:
            table = read_table(campaign.assignments_path)
            return read_assignments(table, senders, prisoners, campaign.wave)
        return spread(list(senders.records), list(prisoners.records))
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
            f"{len(plan.uncovered)} prisoners in custody get no card ({names}"
            f"{'…' if len(plan.uncovered) > 10 else ''}): the senders' Cards caps are "
            f"used up; raise them or add senders", file=prisoners.file, warning=True)])


def _url_warning(campaign: Campaign) -> list[Problem]:
    if campaign.qr_content == "url" and campaign.qr_placement == "card":
        domain = urlsplit(campaign.qr_url).hostname or campaign.qr_url
        return [Problem(f"the cards carry a URL QR code naming {domain}; a prison censor "
                        f"may withhold a card that names its organisers; use content = "
                        f'"code" or placement = "sheet"', column="qr.content",
                        file="campaign.toml", warning=True)]
    return []


def prepare(campaign: Campaign, options: CardOptions = CardOptions(),
            ) -> tuple[CheckReport, CardPlanner | None]:
    """Read, validate and pair everything a print run depends on, without writing."""
    report = CheckReport()
    report.add(list(campaign.warnings) + _url_warning(campaign))
    report.add(_require(campaign))
    if report.problems:
        return report, None
    size = _card_size(campaign, options, report)
    design = _load_design(campaign, report)
    people = _read_people(campaign, report)
    if people is None or size is None or design is None or report.problems:
        return report, None
    senders, prisoners = people
    plan = _pair(campaign, senders, prisoners, report)
    if plan is None:
        return report, None
    _summarise(report, senders, prisoners, plan)
    return report, CardPlanner(campaign, design, size, senders, prisoners)


def _load_design(campaign: Campaign, report: CheckReport) -> Design | None:
    try:
        design = load_design(campaign.design, campaign.root)
        design.fonts  # noqa: B018 - loads and checks the font files now
        return design
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def plan_all(planner: CardPlanner, pairings: list[Pairing], codes: list[str],
             report: CheckReport, progress: Progress | None = None) -> list[CardPlan]:
    """Plan every card, collecting every card's problems into ``report``."""
    plans = []
    for done, (pairing, code) in enumerate(zip(pairings, codes, strict=True), 1):
        try:
            plans.append(planner.plan(pairing, code))
            report.languages[plans[-1].language] += 1
        except PostcardsError as exc:
            report.add(exc.problems)
        if progress:
            progress(done, len(pairings))
    return plans


def print_order(pairings: tuple[Pairing, ...]) -> list[Pairing]:
    """Cards grouped by sender, so each member signs one stack."""
    return sorted(pairings, key=lambda p: (p.sender.id, p.prisoner.id))


def check(campaign: Campaign, options: CardOptions = CardOptions(),
          progress: Progress | None = None) -> CheckReport:
    """Everything a print run depends on, checked: ``postcards check``."""
    report, planner = prepare(campaign, options)
    if planner is not None:
        pairings = print_order(report.pairings)
        plan_all(planner, pairings, [PLACEHOLDER_CODE] * len(pairings), report, progress)
    return report


def make_cards(campaign: Campaign, out: Path, options: CardOptions = CardOptions(),
               progress: Progress | None = None) -> tuple[CheckReport, CardsResult]:
    """Render the cards PDF and manifest and record the cards: ``postcards cards``.

    Raises:
        InputError: with every problem found; nothing is written then.
    """
    report, planner = prepare(campaign, options)
    if planner is None:
        raise InputError(report.problems)
    pairings = print_order(report.pairings)
    codes = _codes(campaign, pairings)
    plans = plan_all(planner, pairings, codes, report)
    if report.problems:
        raise InputError(report.problems)
    out = out.resolve()
    manifest = out.with_suffix(".manifest.csv")
    page = Page(planner.size, campaign.bleed_mm)
    signing = out.with_suffix(".signing.pdf") if campaign.qr_placement == "sheet" else None
    with staged(out) as pdf_tmp, staged(manifest) as manifest_tmp, (
            staged(signing) if signing else contextlib.nullcontext()) as signing_tmp:
        from .render import CardRenderer

        CardRenderer(planner.design, page, campaign.name).render(plans, pdf_tmp, progress)
        _write_manifest(manifest_tmp, plans)
        if signing_tmp:
            from .signing import write_signing_sheets

            write_signing_sheets(planner, plans, signing_tmp)
        new = _record(campaign, plans)
        publish(manifest_tmp, manifest)
        if signing_tmp:
            publish(signing_tmp, signing)
        publish(pdf_tmp, out)
    return report, CardsResult(out, manifest, len(plans), new, shown_url(campaign.database_url),
                                       signing)


def _existing_ledger(campaign: Campaign) -> Ledger | None:
    url = campaign.database_url
    if is_sqlite(url) and not sqlite_path(url).exists():
        return None  # no ledger yet: do not create one before anything is printed
    return Ledger.open(url)


def _codes(campaign: Campaign, pairings: list[Pairing]) -> list[str]:
    """Each card's code: the ledger's for a reprint, else a new random one."""
    ledger = _existing_ledger(campaign)
    with ledger or contextlib.nullcontext():
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


def _record(campaign: Campaign, plans: list[CardPlan]) -> int:
    cards = [LedgerCard(p.code, campaign.name, p.wave, p.sender.id, p.prisoner.id,
                        p.language, p.sender.name, p.prisoner.name, p.text) for p in plans]
    with Ledger.open(campaign.database_url) as ledger:
        return ledger.record_generated(cards)


def _write_manifest(path: Path, plans: list[CardPlan]) -> None:
    rows = [[p.code, p.wave, p.sender.id, p.sender.name, p.prisoner.id, p.prisoner.name,
             p.language, 2 * i + 1, 2 * i + 2, 1] for i, p in enumerate(plans)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_csv(handle, MANIFEST_COLUMNS, rows)
