"""``postcards poster``: what a poster shows, gathered from the campaign, then drawn.

The count of participating senders comes from the ledger (``sent``: senders with at
least one card that went out) or from the current pairing (``assigned``: senders with a
card in this wave's plan).  Prisoners come from the list (those in custody); photos are
checked here, so the planners in :mod:`postcards.posters.kinds` stay pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from postcards.cards.design import Design, load_design
from postcards.config import Settings
from postcards.errors import InputError, PostcardsError, Problem, UsageError
from postcards.inputs.people import People, Prisoner, Sender
from postcards.inputs.photos import check_photo, photo_path
from postcards.jobs.check import prepare
from postcards.jobs.lists import campaign_prisoners, campaign_senders
from postcards.jobs.offices import renamed_problem
from postcards.jobs.outputs import check_outputs, named_images, protected_paths
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerSender
from postcards.ledger.targets import ledger_exists
from postcards.order import natural_key
from postcards.page.fonts import font_problem
from postcards.page.geometry import CardSize
from postcards.posters.drawing import POSTER_SUFFIXES, output_files, write_poster
from postcards.posters.kinds import (
    PosterContext,
    plan_godparents,
    plan_share,
    plan_wall,
    poster_name,
)
from postcards.posters.plans import KINDS, SHARE_PX, Group, Poster, PosterSize, poster_size
from postcards.posters.portraits import plan_prisoners
from postcards.posters.templates import PosterTexts
from postcards.resources import bundled

COUNTS = ("sent", "assigned")


@dataclass(frozen=True)
class PosterOptions:
    """What the command line may choose about a poster (None: campaign.toml's)."""

    kind: str = "godparents"
    size: str | None = None
    landscape: bool = False
    language: str | None = None
    count: str = "sent"
    dpi: int = 150
    office: str | None = None  # count this office's senders alone (None: every office's)
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class PosterResult:
    """The poster's plan and the files it was written to."""

    poster: Poster
    files: tuple[Path, ...]


def make_poster(campaign: Settings, options: PosterOptions, out: Path) -> PosterResult:
    """``postcards poster``: plan the poster, draw it and write it (PDF, PNG/JPG pages).

    The rename check comes first; the files the pages go to (``NAME-1.png`` …) are checked
    against the campaign's inputs once the plan knows how many there are; every file is
    written atomically.

    Raises:
        UsageError: an output would replace an input, or has another suffix.
        PostcardsError: wrong inputs, a missing template, text that cannot fit.
    """
    # the photos and signatures the lists name are looked for with the pages' files
    check_outputs([out], protected_paths(campaign, [out], images=False), POSTER_SUFFIXES)
    renamed = renamed_problem(campaign)
    if renamed:
        raise InputError(renamed)
    poster, design, read = plan_poster(campaign, options)
    outputs = output_files(poster, out)
    guarded = protected_paths(campaign, outputs, images=False)
    check_outputs(outputs, guarded + named_images(campaign, outputs, read), POSTER_SUFFIXES)
    files = write_poster(poster, design.fonts, design.colours, out, options.dpi, campaign.name)
    return PosterResult(poster, tuple(files))


def plan_poster(
    campaign: Settings, options: PosterOptions
) -> tuple[Poster, Design, dict[str, People]]:
    """The poster's plan (nothing written), its design, and the lists it read.

    The lists are by ``"senders"`` and ``"prisoners"``: the output guard need not read
    them again.
    """
    if options.kind not in KINDS:
        raise UsageError(f"unknown poster kind {options.kind!r}; use {', '.join(KINDS)}")
    if options.count not in COUNTS:
        raise UsageError(f"--count {options.count!r}: use sent or assigned")
    design = load_design(campaign.design, campaign.root)
    ctx = _context(campaign, options, design)
    problems: list[Problem] = []
    if options.kind in ("godparents", "share"):
        senders, read = participants(campaign, options.count, options.office)
        file = read["senders"].file
        if not senders:
            raise InputError(_nobody(options.count))
        groups = parliament_groups(senders, ctx.texts("other"), file, problems)
        _check_fonts(
            design, file, [(s, "name") for s in senders] + [(s, "parliament") for s in senders]
        )
        if options.kind == "share":
            poster = plan_share(len(senders), ctx, _share_sizes(options.size))
        else:
            poster = plan_godparents(_paper(campaign, options), groups, len(senders), ctx)
    else:
        prisoners, people = in_custody(campaign)
        read = {"prisoners": people}
        if not prisoners:
            raise InputError(
                Problem(
                    "no prisoner in custody on the list: a poster of 0 would say nothing",
                    file=people.file,
                )
            )
        photos = checked_photos(campaign.root, prisoners, people, problems)
        _check_fonts(
            design,
            people.file,
            [(p, "name") for p in prisoners] + [(p, "name_latin") for p in prisoners],
        )
        plan = plan_wall if options.kind == "wall" else plan_prisoners
        if options.kind == "wall":
            prisoners = sorted(prisoners, key=lambda p: natural_key(poster_name(p, ctx.language)))
        poster = plan(_paper(campaign, options), prisoners, photos, ctx)
    return replace(poster, problems=tuple(dict.fromkeys(problems))), design, read


def _context(campaign: Settings, options: PosterOptions, design: Design) -> PosterContext:
    language = options.language or campaign.poster_language
    folder = campaign.poster_templates or bundled("templates") / "posters"
    texts = PosterTexts(
        folder, language, {"name": campaign.name, "hashtag": campaign.hashtag, "url": campaign.url}
    )
    motif = design.front(CardSize("reference", *design.reference)).motif
    return PosterContext(
        design.fonts,
        texts,
        campaign.hashtag,
        campaign.url,
        campaign.name,
        language,
        options.today,
        motif if motif and motif.is_file() else None,
    )


def _paper(campaign: Settings, options: PosterOptions) -> PosterSize:
    return poster_size(options.size or campaign.poster_size, options.landscape)


def _share_sizes(size: str | None) -> tuple[tuple[int, int], ...]:
    if size is None:
        return SHARE_PX
    for width, height in SHARE_PX:
        if size.strip().lower() == f"{width}x{height}":
            return ((width, height),)
    names = ", ".join(f"{w}x{h}" for w, h in SHARE_PX)
    raise UsageError(
        f"--size {size!r} for share images: use {names} (or leave it out for all three)"
    )


def _without_errors(people: People) -> People:
    """The list, if reading it found no error (a poster prints from it as it is)."""
    errors = [p for p in people.problems if not p.warning]
    if errors:
        raise InputError(errors)
    return people


def _nobody(count: str) -> Problem:
    """Why a poster would count 0 senders, and what to do instead."""
    if count == "assigned":
        return Problem(
            "no sender is paired with a prisoner in this wave, so the poster "
            "would count 0; run `postcards assign` first",
            column="--count",
        )
    return Problem(
        "no sender has a card sent yet (the ledger records none), so the poster "
        "would count 0; use --count assigned to count the senders paired in "
        "this wave, or scan the cards that went out (`postcards track scan`)",
        column="--count",
    )


def participants(
    campaign: Settings, count: str, office: str | None = None
) -> tuple[list[Sender], dict[str, People]]:
    """The senders a poster counts, and the lists read to find them.

    The senders' list, and for ``assigned`` the prisoners' too.  A sender counts with a
    card sent (ledger: every office's, or ``office``'s alone), or assigned (this office's
    plan for the wave).
    """
    if count == "assigned":
        report, planner = prepare(campaign)
        if planner is None:
            raise InputError(report.problems)
        ids = {pairing.sender.id for pairing in report.pairings}
        read = {"senders": planner.senders, "prisoners": planner.prisoners}
        return [s for s in planner.senders.records if s.id in ids], read
    senders = _without_errors(campaign_senders(campaign))
    counted = _senders_with_cards_sent(campaign, list(senders.records), office)
    return counted, {"senders": senders}


def _senders_with_cards_sent(
    campaign: Settings, senders: list[Sender], office: str | None
) -> list[Sender]:
    """Senders the ledger has a card out for, each office's by its own ids.

    This office's senders come from its list; another office's (or one no longer in the
    list) as the ledger recorded them, with their name and parliament.
    """
    url = campaign.database_url
    if not ledger_exists(url):
        return []  # no ledger yet: nothing has been sent
    with Ledger.open(url) as ledger:
        tallies = ledger.tallies(campaign.name, by="sender", office=office)
        sent = {key for key, tally in tallies.items() if tally.sent > 0}
        known = {(s.office, s.sender_id): s for s in ledger.ledger_senders(campaign.name, office)}
        names = {(c.office, c.sender_id): c.sender_name for c in ledger.cards(campaign.name)}
    own = [s for s in senders if (campaign.office, s.id) in sent]
    gone = sorted(sent - {(campaign.office, s.id) for s in own},
                  key=lambda key: (natural_key(key[0]), natural_key(key[1])))  # fmt: skip
    return own + [_recorded(key, known.get(key), names.get(key, "")) for key in gone]


def _recorded(key: tuple[str, str], record: LedgerSender | None, name: str) -> Sender:
    """A sender the poster knows from the ledger alone (row 0: not in this office's list)."""
    office, sid = key
    return Sender(
        id=sid,
        name=(record.name if record else name) or sid,
        row=0,
        parliament=record.parliament if record else "",
        extra={"office": office},
    )


def parliament_groups(
    senders: list[Sender], other: str, file: str, problems: list[Problem]
) -> list[Group]:
    """Senders grouped by parliament (alphabetical), by surname; no parliament: ``other``."""
    by_parliament: dict[str, list[Sender]] = {}
    for sender in senders:
        if not sender.parliament:
            office = sender.extra.get("office", "")
            problems.append(
                Problem(
                    f"no parliament for {sender.name}"
                    + (f" (office {office!r}, on the ledger)" if office else "")
                    + f"; listed under {other!r}: give the parliament in the senders list",
                    file=file if sender.row else None,
                    row=sender.row or None,
                    column="parliament",
                    warning=True,
                )
            )
        by_parliament.setdefault(sender.parliament, []).append(sender)
    keys = sorted((k for k in by_parliament if k), key=natural_key)
    keys += [""] if "" in by_parliament else []
    return [Group(key or other, _by_surname(by_parliament[key])) for key in keys]


def _by_surname(senders: list[Sender]) -> tuple[str, ...]:
    """Names in order of family name where the list gives it (``Dr. Anna Zimmermann`` by Z)."""
    ordered = sorted(senders, key=lambda s: (natural_key(s.family_name or s.name), s.name))
    return tuple(s.name for s in ordered)


def in_custody(campaign: Settings) -> tuple[list[Prisoner], People]:
    """The prisoners in custody, in list order, and the list they come from."""
    people = _without_errors(campaign_prisoners(campaign))
    return [p for p in people.records if p.in_custody], people


def checked_photos(
    root: Path, prisoners: list[Prisoner], people: People, problems: list[Problem]
) -> dict[str, Path | None]:
    """Each prisoner's usable photo; unusable ones are reported and print as initials.

    Raises:
        InputError: a photo path leads outside the campaign folder.
    """
    photos: dict[str, Path | None] = {}
    refused: list[Problem] = []
    for prisoner in prisoners:
        try:
            path = photo_path(root, prisoner, people)
        except PostcardsError as exc:
            refused += exc.problems
            continue
        problem = check_photo(path, prisoner, people) if path else None
        if problem:
            problems.append(problem)
        photos[prisoner.id] = None if problem else path
    if refused:
        raise InputError(refused)
    return photos


def _check_fonts(
    design: Design, file: str, fields: Sequence[tuple[Sender | Prisoner, str]]
) -> None:
    problems = []
    for record, name in fields:
        for char in design.fonts.missing(getattr(record, name)):
            problems.append(font_problem(char, file, record.row or None, name))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
