"""``postcards check``: everything a print run depends on, read, paired, planned and checked."""

from __future__ import annotations

import contextlib
from collections import Counter
from urllib.parse import urlsplit

from postcards.cards.addressing import return_problems
from postcards.cards.content import ContentCheck
from postcards.cards.design import Design, load_design
from postcards.cards.plans import CardPlanner
from postcards.cards.risky_words import risky_words_for
from postcards.cards.settings import CardSettings
from postcards.codes import PLACEHOLDER_CODE
from postcards.config import Settings
from postcards.errors import InputError, PostcardsError, Problem
from postcards.inputs.examples import CampaignIdentity, example_problems
from postcards.inputs.people import People, Prisoner
from postcards.inputs.spreadsheets import read_table
from postcards.jobs.assign import WavePlan, plan_wave
from postcards.jobs.lists import (
    CheckReport,
    list_freshness,
    no_cards,
    no_collections,
    open_existing,
    read_people,
    require_lists,
)
from postcards.jobs.offices import office_problems, renamed_problem
from postcards.jobs.planning import iter_plans
from postcards.ledger.book import Ledger
from postcards.ledger.renaming import new_on_shared_ledger
from postcards.order import natural_key
from postcards.page.geometry import CardSize, parse_size
from postcards.page.layouts import SINGLE, find_layout
from postcards.pairing.assignments import assignments_file, read_assignments, unused_file
from postcards.pairing.fair import Pairing, WavePairs
from postcards.printing.imposition import Imposition, impose
from postcards.printing.preflight import design_problems
from postcards.printing.run import CardOptions, PrintSettings, profile_problems
from postcards.printing.settling import interrupted_warnings, settle
from postcards.progress import Progress
from postcards.wording import counted


def _pair(
    campaign: Settings,
    senders: People,
    prisoners: People,
    report: CheckReport,
    ledger: Ledger | None,
    record: bool,
) -> WavePlan | None:
    try:
        path = assignments_file(campaign.assignments_path, campaign.root)
        if path is not None:
            table = read_table(path, campaign.input_limits)
            pairs = read_assignments(table, senders, prisoners, campaign.wave)
            if pairs.pairings or campaign.assignments_path is not None:
                report.pairs_from = path
                return WavePlan(pairs)
            report.add([unused_file(table, campaign.wave)])
        return plan_wave(campaign, senders, prisoners, ledger=ledger, record=record)
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def _card_size(campaign: Settings, options: CardOptions, report: CheckReport) -> CardSize | None:
    try:
        size = parse_size(options.size or campaign.size)
    except PostcardsError as exc:
        report.add(exc.problems)
        return None
    problem = size.postcard_problem()
    if problem and not options.not_a_postcard:
        report.add([problem])
    return size


def _summarise(report: CheckReport, senders: People, prisoners: People, pairs: WavePairs) -> None:
    records: tuple[Prisoner, ...] = prisoners.records
    report.senders, report.prisoners = len(senders.records), len(records)
    report.in_custody = sum(p.in_custody for p in records)
    report.excluded = Counter(p.status for p in records if not p.in_custody)
    report.pairings = pairs.pairings
    if pairs.uncovered:
        names = ", ".join(p.id for p in pairs.uncovered[:10])
        report.add(
            [
                Problem(
                    f"{counted(len(pairs.uncovered), 'prisoner', 'prisoners')} in custody "
                    f"{'gets' if len(pairs.uncovered) == 1 else 'get'} no card ({names}"
                    f"{'…' if len(pairs.uncovered) > 10 else ''}): the senders' Cards caps are "
                    f"used up; raise them or add senders",
                    file=prisoners.file,
                    warning=True,
                )
            ]
        )


def _url_warning(campaign: Settings, strict: bool = False) -> list[Problem]:
    if campaign.qr_content == "url" and campaign.qr_placement == "card":
        domain = urlsplit(campaign.qr_url).hostname or campaign.qr_url
        return [
            Problem(
                f"the cards carry a URL QR code naming {domain}; a prison censor "
                f"may withhold a card that names its organisers; use content = "
                f'"code" or placement = "sheet"',
                column="qr.content",
                file="campaign.toml",
                warning=not strict,
            )
        ]
    return []


def prepare(
    campaign: Settings,
    options: CardOptions = CardOptions(),
    ledger: Ledger | None = None,
    spooled: bool = True,
    record: bool = False,
) -> tuple[CheckReport, CardPlanner | None]:
    """Read, validate and pair everything a print run depends on.

    ``ledger`` is the campaign's, open, when there is one: earlier waves' tallies, other
    offices' pairs and the last wave's list come from it, and the list's senders are
    checked against it (office, identity).  ``spooled``: the lists' rows are kept out of
    memory, as a print run needs; ``check`` keeps them in memory (100,000 rows: 180 MB,
    20 % faster).  ``record``: pairs dealt here are recorded on the ledger as the office's
    choice (``cards``; ``report.recorded_before`` says how to undo it); else nothing is
    written.
    """
    report = CheckReport()
    report.add(list(campaign.warnings) + _url_warning(campaign, options.strict))
    report.add(require_lists(campaign) + profile_problems(print_settings(campaign), options))
    if report.problems:
        return report, None
    size = _card_size(campaign, options, report)
    design = _load_design(campaign, report)
    people = read_people(campaign, report, spooled)
    if people is None or size is None or design is None or report.problems:
        return report, None
    senders, prisoners = people
    report.add(office_problems(campaign, senders, ledger))
    report.add(return_problems(campaign.returns, senders, campaign.config_name))
    if report.problems:
        return report, None
    list_freshness(campaign, prisoners, ledger, report)
    report.imposition = _impose(campaign, options, size, report)
    if report.imposition is not None:
        on_card = campaign.qr_module_mm if campaign.qr_placement == "card" else None
        report.add(design_problems(design, size, report.imposition.bleed_mm, on_card))
    wave = _pair(campaign, senders, prisoners, report, ledger, record and not report.problems)
    if wave is None or report.imposition is None:
        return report, None
    report.recorded_before = wave.recorded_before
    _summarise(report, senders, prisoners, wave.pairs)
    if not wave.pairs.pairings and not report.problems:
        report.add([no_cards(campaign, prisoners)])
    return report, CardPlanner(card_settings(campaign), design, size, senders, prisoners)


def print_settings(campaign: Settings) -> PrintSettings:
    """What a print run reads of the campaign, once: the run never sees the rest."""
    return PrintSettings(
        name=campaign.name,
        wave=campaign.wave,
        office=campaign.office,
        duplex=campaign.duplex,
        crop_marks=campaign.crop_marks,
        back_offset_mm=campaign.back_offset_mm,
        printers=campaign.printers,
        qr_placement=campaign.qr_placement,
        print_profile=campaign.print_profile,
        list_date=campaign.list_date,
    )


def card_settings(campaign: Settings) -> CardSettings:
    """What planning reads of the campaign, once: the planner never sees the rest."""
    return CardSettings(
        name=campaign.name,
        wave=campaign.wave,
        language=campaign.language,
        root=campaign.root,
        returns=campaign.returns,
        hashtag=campaign.hashtag,
        url=campaign.url,
        qr_placement=campaign.qr_placement,
        qr_content=campaign.qr_content,
        qr_url=campaign.qr_url,
        qr_module_mm=campaign.qr_module_mm,
    )


def _impose(
    campaign: Settings, options: CardOptions, size: CardSize, report: CheckReport
) -> Imposition | None:
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


def content_check(
    campaign: Settings, options: CardOptions, report: CheckReport
) -> ContentCheck | None:
    """Hook: the content check of every card's message (risky words, language, script)."""
    try:
        mode = "warn" if options.allow_risky else campaign.risky
        senders = campaign.senders_path.name if campaign.senders_path else "senders"
        return ContentCheck(risky_words_for(campaign.risky_words), options.strict, mode, senders)
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def _load_design(campaign: Settings, report: CheckReport) -> Design | None:
    try:
        design = load_design(campaign.design, campaign.root)
        design.fonts  # noqa: B018 - loads and checks the font files now
        languages = design.messages.languages()
        if campaign.language not in languages:  # else only a row without one finds out
            report.add(
                [
                    Problem(
                        f"no message template for {campaign.language!r} in design "
                        f"{design.name}; use one of {', '.join(languages)}",
                        file="campaign.toml",
                        column="cards.language",
                    )
                ]
            )
        return design
    except PostcardsError as exc:
        report.add(exc.problems)
        return None


def print_order(pairings: tuple[Pairing, ...]) -> list[Pairing]:
    """Cards grouped by sender, so each member signs one stack; then by prisoner.

    The senders are sorted once, then each one's few cards: 100,000 cards sort without a
    natural key held for each at once.
    """
    stacks: dict[str, list[Pairing]] = {}
    for pairing in pairings:
        stacks.setdefault(pairing.sender.id, []).append(pairing)
    ordered: list[Pairing] = []
    for sender in sorted(stacks, key=natural_key):
        ordered += sorted(stacks.pop(sender), key=lambda p: natural_key(p.prisoner.id))
    return ordered


@no_collections()
def check(
    campaign: Settings, options: CardOptions = CardOptions(), progress: Progress | None = None
) -> CheckReport:
    """Everything a print run depends on, checked: ``postcards check``."""
    failed = CheckReport()
    ledger = open_existing(campaign, failed)
    with ledger or contextlib.nullcontext():
        if ledger is not None:
            renamed = renamed_problem(campaign, ledger)
            if renamed:
                raise InputError(renamed)
            failed.add(new_on_shared_ledger(campaign, ledger))
            settle(ledger, campaign.name)  # the print runs a kill left pending
            failed.add(interrupted_warnings(ledger, campaign.name))
        report, planner = prepare(campaign, options, ledger, spooled=False)
    report.add(failed.problems + failed.warnings)
    check_examples(campaign, options, report)
    if planner is not None:
        pairings = print_order(report.pairings)
        content = content_check(campaign, options, report)
        for _plan in iter_plans(
            planner, pairings, [PLACEHOLDER_CODE] * len(pairings), report, progress, content
        ):
            pass  # each plan is checked as it is made, and dropped
    return report


def check_examples(
    campaign: Settings, options: CardOptions, report: CheckReport, url: bool = True
) -> None:
    """``postcards init``'s example lists (and URL, for posters) are errors unless ``--example``."""
    if not options.example:
        report.add(example_problems(_identity(campaign), url, report.pairings))


def _identity(campaign: Settings) -> CampaignIdentity:
    """What the example check reads of the campaign's settings."""
    return CampaignIdentity(
        campaign.root, campaign.senders_path, campaign.prisoners_path,
        campaign.config_name, campaign.name, campaign.hashtag,
        campaign.url, campaign.return_address, campaign.returns,
    )  # fmt: skip
