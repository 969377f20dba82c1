"""``postcards track …`` (scan, mark, void, show, report, rename, export) and ``serve``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from postcards.cli.shell import (
    campaign_from,
    campaign_option,
    guard_outputs,
    main,
    print_problems,
    reported_errors,
)
from postcards.config import Settings
from postcards.errors import PostcardsError, Problem
from postcards.wording import counted

#: What staff may record; the same as postcards.ledger.scanning.SCAN_STATUSES, spelled out here so
#: that ``postcards --help`` does not import the ledger.
SCAN_STATUSES = ("printed", "sent", "returned", "reply", "delivered", "void")


def _default_by() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "scanner"


def open_ledger(
    ctx: click.Context,
    must_exist: bool = True,
    outputs: Sequence[Path] = (),
    suffixes: tuple[str, ...] = (),
    name_check: bool = True,
):
    """The campaign and its open ledger; a missing SQLite file is an error, not a new one.

    ``outputs`` are checked first (:func:`guard_outputs`).
    """
    from postcards.ledger.book import Ledger
    from postcards.ledger.targets import ledger_exists, sqlite_path

    campaign = campaign_from(ctx, name_check)
    if outputs:
        guard_outputs(campaign, list(outputs), suffixes)
    url = campaign.database_url
    with reported_errors():
        if must_exist and not ledger_exists(url):
            raise PostcardsError(
                Problem(
                    f"no ledger at {sqlite_path(url)}: print cards first (postcards cards), or "
                    "set [tracking] database in campaign.toml or POSTCARDS_DATABASE"
                )
            )
        return campaign, Ledger.open(url)


@main.group()
@campaign_option
def track() -> None:
    """Record and report what happened to each card (the ledger)."""


def _run_scanner(ctx: click.Context, lines, status: str, by: str | None, note: str) -> None:
    """Record every line, answering each at once.

    A line the ledger cannot record (a full disk, a server gone) is answered "not recorded", with
    the reason, and the next lines are tried: they are recorded once the ledger can write again.
    Exit 1 when any line was refused or not recorded.
    """
    from postcards.ledger.scanning import NOT_RECORDED, REFUSED, Scanner, scan_scope

    campaign, ledger = open_ledger(ctx)
    with ledger, reported_errors():
        scanner = Scanner(
            ledger,
            status=status,
            by=by or _default_by(),
            note=note,
            keep_going=True,
            **scan_scope(campaign),
        )
        try:
            for line in lines:  # bytes from a file or stdin, str from the command line
                outcome = (
                    scanner.scan_bytes(line) if isinstance(line, bytes) else scanner.scan(line)
                )
                if outcome is not None:
                    click.echo(outcome.message)
        except KeyboardInterrupt:  # Ctrl-C at a scanning desk ends the session, tidily
            click.echo("", err=True)
    click.echo(scanner.summary(), err=True)
    if scanner.counts[REFUSED] or scanner.counts[NOT_RECORDED]:
        sys.exit(1)


@track.command()
@campaign_option
@click.argument("source", type=click.File("rb"), default="-")
@click.option(
    "--status",
    type=click.Choice(SCAN_STATUSES),
    default="sent",
    show_default=True,
    help="What each scan records.",
)
@click.option("--by", help="Who scans (default: your login name).")
@click.option("--note", default="", help="A note kept with every event.")
@click.pass_context
def scan(ctx: click.Context, source, status: str, by: str | None, note: str) -> None:
    """Read codes one a line (a USB scanner, stdin or FILE) and record each."""
    if source.isatty():
        click.echo(f"scan cards to mark them {status}; Ctrl-D ends", err=True)
    _run_scanner(ctx, iter(source.readline, b""), status, by, note)


@track.command()
@campaign_option
@click.argument("codes", nargs=-1, required=True)
@click.option(
    "--status", type=click.Choice(SCAN_STATUSES), required=True, help="The status to record."
)
@click.option("--by", help="Who records it (default: your login name).")
@click.option("--note", default="", help="A note kept with every event.")
@click.pass_context
def mark(
    ctx: click.Context, codes: tuple[str, ...], status: str, by: str | None, note: str
) -> None:
    """Record a status for cards by hand."""
    _run_scanner(ctx, codes, status, by, note)


@track.command()
@campaign_option
@click.argument("codes", nargs=-1, required=True)
@click.option("--by", help="Who undoes the void (default: your login name).")
@click.option("--note", default="", help="Why, e.g. 'voided by mistake'.")
@click.pass_context
def unvoid(ctx: click.Context, codes: tuple[str, ...], by: str | None, note: str) -> None:
    """Undo a void made by mistake, while the card has no reprint; its status comes back."""
    from postcards.codes import format_code
    from postcards.ledger.model import current_status
    from postcards.ledger.scanning import scan_scope
    from postcards.ledger.scanning import unvoid as undo

    campaign, ledger = open_ledger(ctx)
    with ledger, reported_errors():
        for code in codes:
            card, _ = undo(ledger, code, by or _default_by(), note, **scan_scope(campaign))
            status = current_status(e.status for e in ledger.history(card.code))
            click.echo(f"{format_code(card.code)}: void undone; {status} again")


@track.command()
@campaign_option
@click.argument("codes", nargs=-1, required=True)
@click.option("--by", help="Who voids them (default: your login name).")
@click.option("--note", default="", help="Why, e.g. 'ink smudge'.")
@click.pass_context
def void(ctx: click.Context, codes: tuple[str, ...], by: str | None, note: str) -> None:
    """Void spoiled cards: scans refuse them, and a reprint gives each a new code."""
    _run_scanner(ctx, codes, "void", by, note)


@track.command()
@campaign_option
@click.argument("code")
@click.pass_context
def show(ctx: click.Context, code: str) -> None:
    """A card and its whole history."""
    from postcards.codes import format_code
    from postcards.ledger.scanning import scan_scope
    from postcards.ledger.scanning import show as show_card

    campaign, ledger = open_ledger(ctx)
    with ledger, reported_errors():
        card, history = show_card(ledger, code, **scan_scope(campaign))
    click.echo(f"card {format_code(card.code)}: campaign {card.campaign}, wave {card.wave}")
    office = f", office {card.office}" if card.office else ""
    click.echo(f"from: {card.sender_name} ({card.sender_id}{office})")
    click.echo(f"to:   {card.prisoner_name} ({card.prisoner_id}), language {card.language}")
    for event in history:
        note = f" ({event.note})" if event.note else ""
        click.echo(f"  {event.at}  {event.status:<9}  {event.by}{note}")


REPORT_TABLES = ("prisoners", "senders", "parliaments", "offices", "totals")  # report.TABLES


@track.command()
@campaign_option
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="report.csv (a file per table: report.prisoners.csv …), report.xlsx "
    "or report.html (default: a summary here).",
)
@click.option(
    "--table",
    type=click.Choice(REPORT_TABLES, case_sensitive=False),
    help="Write only this table to -o (.csv or .xlsx).",
)
@click.pass_context
def report(ctx: click.Context, output: str | None, table: str | None) -> None:
    """Coverage per prisoner, sender, parliament and office; who has had nothing yet.

    With --office NAME, that office's cards alone.
    """
    if table and not output:
        raise click.UsageError("--table needs -o FILE.csv or FILE.xlsx")
    campaign, ledger = open_ledger(ctx)
    office = ctx.find_root().obj.get("office")  # --office NAME: that office's cards alone
    with ledger, reported_errors():
        write_report_file(campaign, ledger, Path(output) if output else None, table, office)


def write_report_file(
    campaign: Settings,
    ledger,
    output: Path | None,
    table: str | None = None,
    office: str | None = None,
) -> list[Path]:
    """Build the report (and write it when asked to), then print its summary."""
    from postcards.jobs.report import campaign_report, write_campaign_report

    paths: list[Path] = []
    if output is None:
        built = campaign_report(campaign, ledger, office)
    else:
        built, paths = write_campaign_report(campaign, ledger, output, table, office)
    print_problems(list(built.warnings))
    if office is not None:
        click.echo(f"office: {office} (its cards alone)")
    totals = ", ".join(f"{status} {n}" for status, n in built.totals.items()) or "no cards"
    click.echo(f"cards: {totals}")
    reached = len(built.prisoners) - len(built.unreached)
    click.echo(
        f"prisoners: {reached} of {len(built.prisoners)} "
        f"{'has' if len(built.prisoners) == 1 else 'have'} had a card sent"
    )
    if output is None:
        for row in built.unreached[:20]:
            click.echo(f"  nothing sent yet: {row.prisoner_id} {row.prisoner_name}")
        more = len(built.unreached) - 20
        if more > 0:
            click.echo(f"  … and {more} more (write the whole report with -o report.html)")
    for path in paths:
        click.echo(f"report -> {path}")
    return paths


@track.command()
@campaign_option
@click.argument("old")
@click.argument("new")
@click.pass_context
def rename(ctx: click.Context, old: str, new: str) -> None:
    """Give the ledger's cards of campaign OLD the name NEW; refused if NEW has cards already.

    Run it after renaming [campaign] name in campaign.toml.
    """
    _, ledger = open_ledger(ctx, name_check=False)
    with ledger, reported_errors():
        moved = ledger.rename_campaign(old, new)
    click.echo(f"{moved} cards of campaign {old!r} now belong to {new!r} in {ledger.name}")


@track.command("claim-office")
@campaign_option
@click.pass_context
def claim_office(ctx: click.Context) -> None:
    """Give the cards this campaign printed without an office to --office NAME.

    For an office that printed alone and names itself when a second office joins the
    ledger; refused when NAME has cards already (two offices would merge).
    """
    campaign, ledger = open_ledger(ctx)
    with ledger:
        if not campaign.office:
            raise click.UsageError("name the office: postcards --office NAME track claim-office")
        with reported_errors():
            moved = ledger.claim_office(campaign.name, campaign.office)
    click.echo(
        f"{counted(moved, 'card')} of campaign {campaign.name!r} printed without an office now "
        f"belong to office {campaign.office!r} in {ledger.name}"
    )
    if campaign.source is not None and ctx.find_root().obj.get("office") is not None:
        click.echo(f'next: set [campaign] office = "{campaign.office}" in {campaign.source}')


@track.command()
@campaign_option
@click.option(
    "--texts",
    "texts",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for the archive: one PDF per prisoner.",
)
@click.pass_context
def export(ctx: click.Context, texts: str) -> None:
    """Write every message sent to each prisoner, to hand over after release."""
    from postcards.cards.design import load_design
    from postcards.ledger.archive import archive_paths, collect, write_archive

    campaign, ledger = open_ledger(ctx)
    with ledger:
        with reported_errors():
            bundles = collect(ledger, campaign.name)
            fonts = load_design(campaign.design, campaign.root).fonts
        guard_outputs(campaign, archive_paths(bundles, Path(texts)))
        with reported_errors():
            written = write_archive(bundles, Path(texts), fonts, campaign.name)
    letters = sum(len(b.letters) for b in bundles)
    click.echo(
        f"{counted(letters, 'message')} to {counted(len(written), 'prisoner')} -> {Path(texts)}"
    )
