"""``postcards init``, ``assign``, ``poster`` and ``demo``: setting up and showing a campaign."""

from __future__ import annotations

import os
from pathlib import Path

import click

from postcards.campaign_file import load_campaign
from postcards.cli.printing import print_summary, run_cards
from postcards.cli.shell import (
    campaign_option,
    guard_outputs,
    input_options,
    job_campaign,
    main,
    print_problems,
    reported_errors,
    resolve_campaign,
    with_bom_choice,
)
from postcards.cli.tracking import write_report_file
from postcards.config import CAMPAIGN_FILE, Settings
from postcards.errors import PostcardsError
from postcards.wording import counted


@main.command()
@campaign_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default="postcards-demo",
    show_default=True,
    help="Folder for the demo's files.",
)
@click.pass_context
def demo(ctx: click.Context, output: str) -> None:
    """Run the whole pipeline on the bundled sample campaign."""
    from dataclasses import replace

    from postcards.files import make_folder
    from postcards.jobs.assign import assign_wave
    from postcards.printing.run import CardOptions
    from postcards.resources import bundled

    out = Path(output).resolve()
    with reported_errors():
        campaign = load_campaign(bundled("samples") / CAMPAIGN_FILE)
    campaign = with_bom_choice(ctx, replace(campaign, database=f"sqlite:///{out / 'tracking.db'}"))
    _guard_demo(ctx, campaign, out)
    with reported_errors():
        make_folder(out)
        (out / DEMO_MARK).write_text("files written by postcards demo\n", encoding="utf-8")
    click.echo(f"campaign: {campaign.name} (samples in {campaign.root})")
    with reported_errors():
        assigned = assign_wave(campaign, out / "assignments.csv")
    print_problems(assigned.report.warnings)
    click.echo(_assign_summary(assigned))
    campaign = replace(campaign, assignments_path=assigned.output)
    report, result = run_cards(campaign, out / "cards.pdf", CardOptions())
    print_summary(report, campaign, None)
    click.echo(f"{counted(result.cards, 'card')} -> {result.pdf}")
    click.echo(f"manifest -> {result.manifest}")
    click.echo(f"job ticket -> {result.ticket}")
    click.echo(f"ledger -> {out / 'tracking.db'} ({counted(result.new_in_ledger, 'new card')})")
    _, sheets = run_cards(campaign, out / "sheets-a4-2up.pdf", CardOptions(layout="a4-2up"))
    click.echo(
        f"{counted(sheets.cards, 'card')} on {counted(sheets.sheets, 'A4 sheet')}, "
        f"two-sided -> {sheets.pdf}"
    )
    click.echo(f"job ticket -> {sheets.ticket}")
    for name in ("poster.pdf", "poster.png"):
        _make_poster(campaign, _poster_options(count="assigned", dpi=100), out / name)
    _demo_report(campaign, out / "report.html")


#: The file that marks a folder as the demo's own, so that a rerun may write over it.
DEMO_MARK = ".postcards-demo"

DEMO_FILES = (
    "assignments.csv",
    "cards.pdf",
    "cards.manifest.csv",
    "cards.ticket.pdf",
    "sheets-a4-2up.pdf",
    "sheets-a4-2up.manifest.csv",
    "sheets-a4-2up.ticket.pdf",
    "poster.pdf",
    "poster.png",
    "report.html",
)


def _guard_demo(ctx: click.Context, samples: Settings, out: Path) -> None:
    """The demo writes its own ledger and files, never into a campaign folder.

    It never writes over the samples or the current campaign's files (its ledger above all).
    """
    from postcards.jobs.outputs import check_outputs, protected_paths

    if (out / CAMPAIGN_FILE).exists():
        raise click.UsageError(
            f"{out} holds {CAMPAIGN_FILE}: the demo would write its "
            "ledger and files into a campaign; choose a new folder"
        )
    outputs = [out / name for name in DEMO_FILES]
    guard_outputs(samples, outputs)
    theirs = [path.name for path in outputs if os.path.lexists(path)]
    if theirs and not (out / DEMO_MARK).is_file():
        raise click.UsageError(
            f"{out} holds {', '.join(theirs)}, which postcards demo did not write: the demo "
            "would replace them; choose a new folder"
        )
    try:
        current = resolve_campaign(ctx.obj["campaign_path"])
    except PostcardsError:
        return  # a campaign.toml that cannot be read: nothing known to protect
    if current.source is None:
        return  # no campaign.toml: a tracking.db here may be an earlier demo's own
    outputs.append(out / "tracking.db")
    existing = [p for p in protected_paths(current, outputs) if os.path.lexists(p.path)]
    with reported_errors():
        check_outputs(outputs, existing)


def _demo_report(campaign: Settings, output: Path) -> None:
    """The demo's `track report` step: coverage from the ledger the demo just filled."""
    from postcards.ledger.book import Ledger

    with reported_errors(), Ledger.open(campaign.database_url) as ledger:
        write_report_file(campaign, ledger, output)


# Posters -----------------------------------------------------------------------------------
POSTER_KINDS = ("godparents", "wall", "prisoner", "share")


def _poster_options(**chosen):
    from postcards.jobs.poster import PosterOptions

    return PosterOptions(**{k: v for k, v in chosen.items() if v is not None})


def _make_poster(campaign: Settings, options, output: Path) -> None:
    """Plan the poster, check the files its pages go to (NAME-1.png …), then draw it."""
    from postcards.jobs.poster import make_poster

    with reported_errors():
        result = make_poster(campaign, options, output)
    poster, written = result.poster, result.files
    print_problems(list(poster.problems))
    pages, files = len(poster.pages), [str(f) for f in written]
    shown = ", ".join(files) if len(files) <= 3 else f"{files[0]} … {files[-1]}"
    click.echo(
        f"{poster.kind} poster ({poster.count} counted, {counted(pages, 'page')}) -> {shown}"
    )


@main.command()
@campaign_option
@input_options
@click.option(
    "--per-prisoner",
    type=click.IntRange(min=1),
    default=None,
    help="Cards for each prisoner in custody (default 1).",
)
@click.option(
    "--per-sender",
    type=click.IntRange(min=1),
    default=None,
    help="Prisoners for each sender instead (within the cards column's cap).",
)
@click.option("--wave", help="The sending round (default: campaign.toml's).")
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Break ties in a shuffled order; the same seed gives the same pairs.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="The assignments file (default: [inputs] assignments, else "
    "assignments.csv in the campaign folder).",
)
@click.pass_context
def assign(
    ctx: click.Context,
    senders: str | None,
    prisoners: str | None,
    assignments: str | None,
    per_prisoner: int | None,
    per_sender: int | None,
    wave: str | None,
    seed: int | None,
    output: str | None,
) -> None:
    """Pair senders with prisoners fairly and write assignments.csv for `cards`."""
    from postcards.jobs.assign import AssignOptions, assign_wave

    campaign = job_campaign(ctx, senders, prisoners, assignments, wave)
    target = Path(output) if output else None
    with reported_errors():
        result = assign_wave(campaign, target, AssignOptions(per_prisoner, per_sender, seed))
    print_problems(result.report.warnings, err=False)
    for note in result.notes:
        click.echo(f"godparenthood: {note}")
    click.echo(_assign_summary(result))
    if not result.printed_next:
        click.echo(
            f"next: postcards cards --assignments {result.output} "
            f"(or set [inputs] assignments in campaign.toml)"
        )
    else:
        click.echo("next: postcards cards (it prints these pairs)")


def _assign_summary(result) -> str:
    """One line: how many cards, for whom, from whom, and where they were written."""
    from collections import Counter

    pairings = result.pairs.pairings
    per_sender = Counter(p.sender.id for p in pairings)
    low, high = min(per_sender.values(), default=0), max(per_sender.values(), default=0)
    spread = f"{low}" if low == high else f"{low}–{high}"
    extra = ", ".join(
        part
        for part in (
            f"{result.explicit} explicit" if result.explicit else "",
            counted(result.kept, "godchild kept", "godchildren kept") if result.kept else "",
        )
        if part
    )
    return (
        f"assignments: {counted(len(pairings), 'card')} for "
        f"{len({p.prisoner.id for p in pairings})} of "
        f"{counted(result.in_custody, 'prisoner')} in custody from {len(per_sender)} of "
        f"{counted(result.senders, 'sender')} ({spread} each"
        + (f"; {extra}" if extra else "")
        + f") -> {result.output}"
    )


@main.command()
@campaign_option
@input_options
@click.option(
    "--kind",
    type=click.Choice(POSTER_KINDS),
    default="godparents",
    show_default=True,
    help="What the poster shows.",
)
@click.option(
    "--size",
    help="A4, A3, A2, A1, A0, Letter or Tabloid (default: campaign.toml's "
    "[posters] size, else A3); share: 1080x1080, 1080x1350 or 1200x675 "
    "(default: all three).",
)
@click.option("--landscape", is_flag=True, help="Turn the paper to landscape.")
@click.option(
    "--language", help="en, de, fr, pl, lt, be or ru (default: [posters] language, else en)."
)
@click.option(
    "--count",
    "count",
    type=click.Choice(["sent", "assigned"]),
    default="sent",
    show_default=True,
    help="Count senders with a card sent (ledger) or assigned in this wave's pairing.",
)
@click.option(
    "--dpi",
    type=click.IntRange(36, 1200),
    default=150,
    show_default=True,
    help="Resolution of PNG/JPG posters.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default="poster.pdf",
    show_default=True,
    help="FILE.pdf, FILE.png or FILE.jpg.",
)
@click.pass_context
def poster(
    ctx: click.Context,
    senders: str | None,
    prisoners: str | None,
    assignments: str | None,
    kind: str,
    size: str | None,
    landscape: bool,
    language: str | None,
    count: str,
    dpi: int,
    output: str,
) -> None:
    """Print a campaign poster or social images from the senders, prisoners and ledger."""
    campaign = job_campaign(ctx, senders, prisoners, assignments)
    options = _poster_options(
        kind=kind,
        size=size,
        landscape=landscape,
        language=language,
        count=count,
        dpi=dpi,
        office=ctx.find_root().obj.get("office"),  # --office NAME: that office's senders alone
    )
    _make_poster(campaign, options, Path(output))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a new campaign folder with campaign.toml and example spreadsheets."""
    from postcards.files import copy_file
    from postcards.resources import bundled

    target = Path(directory)
    names = (CAMPAIGN_FILE, "senders.xlsx", "prisoners.csv")
    for name in names:
        if os.path.lexists(target / name):
            raise click.UsageError(f"{target / name} exists already; choose another folder")
    with reported_errors():
        for name in names:
            copy_file(bundled("samples") / name, target / name)
    click.echo(f"created {target / CAMPAIGN_FILE}, senders.xlsx and prisoners.csv")
    click.echo(
        f"next: put your campaign's lists, name, hashtag, web address and return "
        f"addresses in them (check refuses the examples), then run: postcards -c {target} check"
    )
