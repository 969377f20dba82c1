"""``postcards check``, ``cards``, ``proof`` and ``calibrate``: the print run's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postcards.cli.shell import (
    campaign_from,
    campaign_option,
    card_options,
    count_errors,
    example_option,
    input_options,
    job_campaign,
    main,
    print_problems,
    progress_bar,
    reported_errors,
    strict_option,
)
from postcards.config import Settings
from postcards.wording import counted


@main.command()
@campaign_option
@input_options
@card_options
@strict_option
@example_option
@click.pass_context
def check(
    ctx: click.Context,
    senders: str | None,
    prisoners: str | None,
    assignments: str | None,
    wave: str | None,
    size: str | None,
    not_a_postcard: bool,
    layout: str | None,
    start_at: int,
    strict: bool,
    example: bool,
) -> None:
    """Validate everything a print run depends on."""
    from postcards.jobs.check import check as run_check
    from postcards.printing.run import CardOptions

    campaign = job_campaign(ctx, senders, prisoners, assignments, wave)
    options = CardOptions(
        size=size,
        not_a_postcard=not_a_postcard,
        layout=layout,
        start_at=start_at,
        strict=strict,
        example=example,
    )
    with reported_errors():
        report = run_check(campaign, options)
    print_problems(report.warnings + report.problems, err=False)
    if not report.ok:
        count = count_errors(report.problems)
        click.echo(
            f"{counted(count, 'problem')}: fix {'it' if count == 1 else 'them'} before printing."
        )
        sys.exit(1)
    print_summary(report, campaign, size)


def print_summary(report, campaign: Settings, size: str | None) -> None:
    """Print what a passing check found: the people, the wave's cards, the layout."""
    excluded = ", ".join(
        f"{n} {status.replace('_', ' ')}" for status, n in sorted(report.excluded.items())
    )
    languages = ", ".join(f"{lang} {n}" for lang, n in sorted(report.languages.items()))
    if campaign.office:
        click.echo(f"office: {campaign.office}")
    click.echo(f"senders: {report.senders}")
    click.echo(
        f"prisoners: {report.prisoners}, {report.in_custody} in custody"
        + (f"; no card for {excluded}" if excluded else "")
    )
    click.echo(
        f"cards: {len(report.pairings)} in wave {campaign.wave}"
        + (f" ({languages})" if languages else "")
        + f", size {size or campaign.size}"
        + _pairs_from(report)
    )
    imposition = report.imposition
    if imposition is not None and not imposition.layout.single:
        turned = ", turned" if imposition.turned else ""
        click.echo(
            f"layout: {imposition.layout.name}, {counted(imposition.per_sheet, 'card')} a "
            f"{imposition.sheet.describe()} sheet{turned}"
        )
    click.echo("ok: ready to print")


@main.command()
@campaign_option
@input_options
@card_options
@click.option(
    "--duplex",
    type=click.Choice(["long-edge", "short-edge", "separate"]),
    help="How sheets are printed two-sided (default: campaign.toml's, long-edge).",
)
@click.option("--printer", help="A [printers.NAME] profile whose back offset to apply.")
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default="cards.pdf",
    show_default=True,
    help="The PDF to write; the manifest goes beside it.",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="unsent|CODE",
    help="Reprint just the wave's unsent cards, or the cards with these codes "
    "(repeat it); they keep their codes.",
)
@click.option(
    "--sender",
    "only_senders",
    multiple=True,
    metavar="ID",
    help="Reprint just this sender's cards (repeat it for several).",
)
@click.option(
    "--prisoner",
    "only_prisoners",
    multiple=True,
    metavar="ID",
    help="Reprint just the cards to this prisoner (repeat it for several).",
)
@strict_option
@example_option
@click.option(
    "--allow-risky",
    is_flag=True,
    help="Print cards with words a censor may stop (each is still reported).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that draw the cards (default: one per core). The PDF is the same.",
)
@click.option(
    "--icc",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="PROFILE.icc",
    help="The print shop's CMYK output profile: write PDF/X-4, colours and images in its "
    "inks (default: campaign.toml's [print] profile, else a plain PDF).",
)
@click.pass_context
def cards(
    ctx: click.Context,
    senders: str | None,
    prisoners: str | None,
    assignments: str | None,
    wave: str | None,
    size: str | None,
    not_a_postcard: bool,
    layout: str | None,
    start_at: int,
    duplex: str | None,
    printer: str | None,
    output: str,
    only: tuple[str, ...],
    only_senders: tuple[str, ...],
    only_prisoners: tuple[str, ...],
    strict: bool,
    example: bool,
    allow_risky: bool,
    jobs: int | None,
    icc: str | None,
) -> None:
    """Render the cards PDF and its manifest, and record the cards in the ledger."""
    from postcards.cards.reprint import Selection
    from postcards.printing.run import CardOptions

    campaign = job_campaign(ctx, senders, prisoners, assignments, wave)
    with reported_errors():
        selection = Selection.parse(only, only_senders, only_prisoners)
    options = CardOptions(
        size=size,
        not_a_postcard=not_a_postcard,
        layout=layout,
        duplex=duplex,
        start_at=start_at,
        printer=printer,
        strict=strict,
        selection=selection,
        example=example,
        allow_risky=allow_risky,
        jobs=jobs,
        icc=Path(icc).resolve() if icc else None,
    )
    report, result = run_cards(campaign, Path(output), options)
    if report.pairs_from:
        click.echo(f"pairs: {report.pairs_from}")
    _print_result(result)


def _pairs_from(report) -> str:
    """Where the pairs come from, when a file: so no one wonders which pairing prints."""
    return f", pairs from {report.pairs_from}" if report.pairs_from else ""


def _print_result(result) -> None:
    sheets = f" on {counted(result.sheets, 'sheet')}" if result.sheets and result.files else ""
    for path in result.files:
        click.echo(f"{counted(result.cards, 'card')}{sheets} -> {path}")
    click.echo(f"manifest -> {result.manifest}")
    if result.ticket:
        click.echo(f"job ticket -> {result.ticket}")
    if result.signing:
        click.echo(f"signing sheets -> {result.signing}")
    click.echo(f"ledger: {counted(result.new_in_ledger, 'new card')} recorded in {result.ledger}")
    if result.already_sent:
        click.echo(
            f"note: {result.already_sent} of the cards printed went out already (the "
            "ledger says sent or later); posting a second copy sends a duplicate",
            err=True,
        )


def run_cards(campaign: Settings, output: Path, options):
    """Run the cards job under a progress bar and print its warnings; an error exits."""
    from postcards.jobs.cards import make_cards

    with (
        reported_errors(),
        progress_bar("cards", ("reading and checking", "planning and drawing")) as progress,
    ):
        report, result = make_cards(campaign, output, options, progress)
    print_problems(report.warnings)
    return report, result


@main.command()
@campaign_option
@input_options
@card_options
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default="proofs",
    show_default=True,
    help="The folder for the images and the contact sheet.",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="ID",
    help="Just the cards from this sender or to this prisoner (repeat it for several).",
)
@click.option(
    "--dpi", type=click.IntRange(36, 600), default=150, show_default=True, help="Resolution."
)
@example_option
@click.pass_context
def proof(
    ctx: click.Context,
    senders: str | None,
    prisoners: str | None,
    assignments: str | None,
    wave: str | None,
    size: str | None,
    not_a_postcard: bool,
    layout: str | None,
    start_at: int,
    output: str,
    only: tuple[str, ...],
    dpi: int,
    example: bool,
) -> None:
    """Card previews as PNG (front and back) and a contact sheet; records nothing."""
    from postcards.jobs.proof import ProofOptions, make_proofs
    from postcards.printing.run import CardOptions

    if start_at != 1:  # an option taken and not used would be dropped silently
        raise click.UsageError(
            "--start-at: proofs are numbered by their place in the wave's print order; "
            "it is an option of cards (resume a print run)"
        )
    campaign = job_campaign(ctx, senders, prisoners, assignments, wave)
    cards = CardOptions(size=size, not_a_postcard=not_a_postcard, layout=layout,
                        example=example)  # fmt: skip
    with (
        reported_errors(),
        progress_bar("cards", ("reading and checking", "drawing proofs")) as bar,
    ):
        report, result = make_proofs(campaign, Path(output), ProofOptions(only, dpi, cards), bar)
    print_problems(report.warnings)
    click.echo(
        f"{counted(result.cards, 'card')}, {counted(len(result.images), 'image')} -> "
        f"{result.folder}"
    )
    click.echo(f"contact sheet -> {result.contact}")
    click.echo(
        "ledger: nothing recorded (the proofs carry PROOF-0001 … codes, which no scanner takes)"
    )


@main.command()
@campaign_option
@click.option(
    "--layout", default=None, help="The sheet layout to calibrate (default: campaign.toml's)."
)
@click.option(
    "--duplex",
    type=click.Choice(["long-edge", "short-edge"]),
    help="How the printer turns the sheet (default: campaign.toml's).",
)
@click.option(
    "--printer",
    help="Move the backs by this [printers.NAME] profile's "
    "back_offset_mm, to check the correction on a second sheet.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default="calibrate.pdf",
    show_default=True,
    help="The two-page PDF to print double-sided.",
)
@click.pass_context
def calibrate(
    ctx: click.Context, layout: str | None, duplex: str | None, printer: str | None, output: str
) -> None:
    """A two-sided test sheet from which to read a printer's front/back offset."""
    from postcards.jobs.calibrate import make_calibration

    campaign = campaign_from(ctx, name_check=False)
    with reported_errors():
        result = make_calibration(campaign, Path(output), layout, duplex, printer)
    click.echo(
        f"calibration sheet ({result.layout}, {result.sheet}, {result.duplex}) -> {result.path}"
    )
    if printer:
        x, y = result.back_offset_mm
        click.echo(
            f"backs moved by printer {printer!r}: back_offset_mm = [{x:g}, {y:g}]; "
            "with it right, every cross reads 0"
        )
    click.echo(
        "print it double-sided at 100 % (no 'fit to page'), hold it against the "
        "light and read where each front cross falls on the back's rulers;"
    )
    click.echo(
        "then set [print] back_offset_mm = [x, y] in campaign.toml, or "
        "[printers.NAME] back_offset_mm for one printer of several."
    )
