"""The ``postcards`` command: parses options, calls the library, prints what it returns.

Exit status: 0 on success, 1 when the inputs are wrong (every problem is listed as
``file:row: column: message``), 2 on a usage error.  Heavy modules are imported inside
the commands so that ``postcards --help`` starts at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from postcards.config import Settings, default_campaign, load_campaign
from postcards.errors import PostcardsError, Problem
from postcards.wording import counted

CAMPAIGN_FILE = "campaign.toml"


def _resolve_campaign(path: str | None) -> Settings:
    if path is None:
        default = Path.cwd() / CAMPAIGN_FILE
        return load_campaign(default) if default.is_file() else default_campaign()
    target = Path(path)
    if target.is_dir():
        target = target / CAMPAIGN_FILE
    return load_campaign(target)


def _print_problems(problems: list[Problem], err: bool = True) -> None:
    for problem in problems:
        click.echo(str(problem), err=err)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn a library error into its message and exit status."""
    try:
        yield
    except PostcardsError as exc:
        _print_problems(exc.problems)
        count = len([p for p in exc.problems if not p.warning])
        if count > 1:
            click.echo(f"{counted(count, 'problem')}; nothing was written.", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a file we could not read or write: say which, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"{where}{exc.strerror or exc}", err=True)
        sys.exit(1)


def _guard(campaign: Settings, outputs: list[Path], suffixes: tuple[str, ...] = (),
           assignments: bool = True) -> None:
    """Before any work: refuse outputs that would replace an input, the ledger or the
    design, that end otherwise than the command writes, or that cannot be written."""
    from postcards.jobs.outputs import check_outputs, protected_paths

    with _errors():
        check_outputs(outputs, protected_paths(campaign, outputs, assignments), suffixes)


class _Phases:
    """What a long job is doing, said from its first second: the first phase runs before
    anything is counted (reading, checking, planning), each later one is a pass the
    library counts; a count that starts again marks the next pass."""

    def __init__(self, label: str, names: tuple[str, ...]):
        self.label, self.names, self.phase, self.last = label, names, 0, 0

    @property
    def description(self) -> str:
        return f"{self.label}: {self.names[self.phase]}"

    def update(self, done: int, total: int) -> str:
        """The description after the library reports ``done`` of ``total``."""
        if (self.phase == 0 or done <= self.last) and self.phase < len(self.names) - 1:
            self.phase += 1
        self.last = done
        return self.description


@contextmanager
def _progress(
    label: str, phases: tuple[str, ...] = ("reading, checking and planning", "drawing")
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal, labelled with what is being done
    from the start; silent in a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    state = _Phases(label, phases)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(state.description, total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=state.update(done, total))

        yield report


def _same_campaign(path: str) -> Path:
    """A -c value as the campaign.toml it names, to compare two of them."""
    target = Path(path).resolve()
    return target / CAMPAIGN_FILE if target.is_dir() else target


def _take_campaign(ctx: click.Context, _param: click.Parameter,
                   values: tuple[str, ...]) -> None:
    """-c before or after the subcommand means the same; two different ones are a usage
    error rather than one silently winning."""
    root = ctx.find_root()
    root.ensure_object(dict)
    for value in values:
        given = root.obj.get("campaign_path")
        if given is not None and _same_campaign(given) != _same_campaign(value):
            raise click.UsageError(f"-c given twice: {given} and {value}; give one "
                                   "campaign", ctx)
        root.obj["campaign_path"] = value


def campaign_option(func: Callable) -> Callable:
    """-c/--campaign, accepted before the subcommand and after it."""
    return click.option("-c", "--campaign", type=click.Path(), expose_value=False,
                        multiple=True, callback=_take_campaign,
                        help="campaign.toml or its folder (default: ./campaign.toml when "
                             "present).")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@campaign_option
@click.version_option(package_name="postcards")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Print-ready solidarity postcards from spreadsheets, with tracking."""
    ctx.ensure_object(dict).setdefault("campaign_path", None)


def _campaign(ctx: click.Context, name_check: bool = True, **inputs: str | None) -> Settings:
    """The campaign -c names; unless ``name_check`` is off, a renamed campaign whose
    ledger holds the old name's cards is refused (see postcards.ledger.renaming)."""
    with _errors():
        campaign = _resolve_campaign(ctx.find_root().obj["campaign_path"])
    if name_check:
        _check_name(campaign)
    paths = {f"{k}_path": Path(v) for k, v in inputs.items() if v}
    return campaign.with_inputs(**paths)


def _check_name(campaign: Settings) -> None:
    """A renamed campaign whose own ledger holds the old name's cards is refused."""
    from postcards.ledger.renaming import check_campaign_name

    with _errors():
        check_campaign_name(campaign)


def input_options(func: Callable) -> Callable:
    """--senders, --prisoners, --assignments: input files instead of campaign.toml's."""
    for name in ("assignments", "prisoners", "senders"):
        func = click.option(f"--{name}", type=click.Path(dir_okay=False),
                            help=f"The {name} spreadsheet (CSV, XLSX, ODS).")(func)
    return func


def card_options(func: Callable) -> Callable:
    func = click.option("--start-at", type=click.IntRange(min=1), default=1,
                        show_default=True,
                        help="Leave slots 1 to N-1 of the first sheet empty "
                             "(partly used stock).")(func)
    func = click.option("--layout", default=None,
                        help="single, a4-2up, a4-4up, letter-2up, sra3-8up or a "
                             "[layouts.NAME] of campaign.toml.")(func)
    func = click.option("--not-a-postcard", is_flag=True,
                        help="Allow a size outside the postal limits for postcards.")(func)
    func = click.option("--size", help="A6, 4x6in, 5x7in, DL or WIDTHxHEIGHTmm.")(func)
    func = click.option("--wave", help="The sending round (default: campaign.toml's).")(func)
    return func


def _with_wave(campaign: Settings, wave: str | None) -> Settings:
    from dataclasses import replace

    return replace(campaign, wave=wave) if wave else campaign


def example_option(func: Callable) -> Callable:
    """--example: postcards init's example lists and URL pass (else they are errors)."""
    return click.option("--example", is_flag=True,
                        help="Accept postcards init's example lists (and, for check, "
                             "its example.org URL) as they are; otherwise they are "
                             "errors: fictional people on real cards.")(func)


def strict_option(func: Callable) -> Callable:
    """--strict: every content-check finding stops the run (risky words already do)."""
    return click.option("--strict", is_flag=True,
                        help="Make content-check findings (risky words, Latin-script words, "
                             "a language the prison does not accept) errors.")(func)


@main.command()
@campaign_option
@input_options
@card_options
@strict_option
@example_option
@click.pass_context
def check(ctx: click.Context, senders: str | None, prisoners: str | None,
          assignments: str | None, wave: str | None, size: str | None,
          not_a_postcard: bool, layout: str | None, start_at: int, strict: bool,
          example: bool) -> None:
    """Validate everything a print run depends on."""
    from postcards.jobs.check import check as run_check
    from postcards.printing.run import CardOptions

    campaign = _with_wave(_campaign(ctx, senders=senders, prisoners=prisoners,
                                    assignments=assignments), wave)
    options = CardOptions(size=size, not_a_postcard=not_a_postcard, layout=layout,
                          start_at=start_at, strict=strict, example=example)
    from postcards.ledger.renaming import new_on_shared_ledger

    with _errors():
        report = run_check(campaign, options)
        report.add(new_on_shared_ledger(campaign))
    _print_problems(report.warnings + report.problems, err=False)
    if not report.ok:
        click.echo(f"{counted(len(report.problems), 'problem')}: fix "
                   f"{'it' if len(report.problems) == 1 else 'them'} before printing.")
        sys.exit(1)
    _print_summary(report, campaign, size)


def _print_summary(report, campaign: Settings, size: str | None) -> None:
    excluded = ", ".join(f"{n} {status.replace('_', ' ')}"
                         for status, n in sorted(report.excluded.items()))
    languages = ", ".join(f"{lang} {n}" for lang, n in sorted(report.languages.items()))
    click.echo(f"senders: {report.senders}")
    click.echo(f"prisoners: {report.prisoners}, {report.in_custody} in custody"
               + (f"; no card for {excluded}" if excluded else ""))
    click.echo(f"cards: {len(report.pairings)} in wave {campaign.wave}"
               + (f" ({languages})" if languages else "")
               + f", size {size or campaign.size}" + _pairs_from(report))
    imposition = report.imposition
    if imposition is not None and not imposition.layout.single:
        turned = ", turned" if imposition.turned else ""
        click.echo(f"layout: {imposition.layout.name}, {counted(imposition.per_sheet, 'card')} a "
                   f"{imposition.sheet.describe()} sheet{turned}")
    click.echo("ok: ready to print")


@main.command()
@campaign_option
@input_options
@card_options
@click.option("--duplex", type=click.Choice(["long-edge", "short-edge", "separate"]),
              help="How sheets are printed two-sided (default: campaign.toml's, long-edge).")
@click.option("--printer", help="A [printers.NAME] profile whose back offset to apply.")
@click.option("-o", "--output", type=click.Path(), default="cards.pdf",
              show_default=True, help="The PDF to write; the manifest goes beside it.")
@click.option("--only", "only", multiple=True, metavar="unsent|CODE",
              help="Reprint just the wave's unsent cards, or the cards with these codes "
                   "(repeat it); they keep their codes.")
@click.option("--sender", "only_senders", multiple=True, metavar="ID",
              help="Reprint just this sender's cards (repeat it for several).")
@click.option("--prisoner", "only_prisoners", multiple=True, metavar="ID",
              help="Reprint just the cards to this prisoner (repeat it for several).")
@strict_option
@example_option
@click.option("--allow-risky", is_flag=True,
              help="Print cards with words a censor may stop (each is still reported).")
@click.pass_context
def cards(ctx: click.Context, senders: str | None, prisoners: str | None,
          assignments: str | None, wave: str | None, size: str | None, not_a_postcard: bool,
          layout: str | None, start_at: int, duplex: str | None, printer: str | None,
          output: str, only: tuple[str, ...], only_senders: tuple[str, ...],
          only_prisoners: tuple[str, ...], strict: bool, example: bool,
          allow_risky: bool) -> None:
    """Render the cards PDF and its manifest, and record the cards in the ledger."""
    from postcards.cards.reprint import Selection
    from postcards.printing.run import CardOptions

    campaign = _with_wave(_campaign(ctx, name_check=False, senders=senders,
                                    prisoners=prisoners, assignments=assignments), wave)
    with _errors():
        selection = Selection.parse(only, only_senders, only_prisoners)
    options = CardOptions(size=size, not_a_postcard=not_a_postcard, layout=layout,
                          duplex=duplex, start_at=start_at, printer=printer, strict=strict,
                          selection=selection, example=example,
                          allow_risky=allow_risky)
    _guard(campaign, _card_outputs(campaign, Path(output), duplex), (".pdf",))
    _check_name(campaign)  # after the usage checks: it opens the ledger
    report, result = _make_cards(campaign, Path(output), options)
    if report.pairs_from:
        click.echo(f"pairs: {report.pairs_from}")
    _print_result(result)


def _card_outputs(campaign: Settings, output: Path, duplex: str | None) -> list[Path]:
    """Every file `cards -o OUTPUT` may write: the PDF (or fronts and backs), the
    manifest, the signing sheets."""
    outputs = [output, output.with_suffix(".manifest.csv")]
    if (duplex or campaign.duplex) == "separate":
        outputs += [output.with_suffix(".fronts.pdf"), output.with_suffix(".backs.pdf")]
    if campaign.qr_placement == "sheet":
        outputs.append(output.with_suffix(".signing.pdf"))
    return outputs


def _pairs_from(report) -> str:
    """Where the pairs come from, when a file: so no one wonders which pairing prints."""
    return f", pairs from {report.pairs_from}" if report.pairs_from else ""


def _print_result(result) -> None:
    sheets = f" on {counted(result.sheets, 'sheet')}" if result.sheets and result.files else ""
    for path in result.files:
        click.echo(f"{counted(result.cards, 'card')}{sheets} -> {path}")
    click.echo(f"manifest -> {result.manifest}")
    if result.signing:
        click.echo(f"signing sheets -> {result.signing}")
    click.echo(f"ledger: {counted(result.new_in_ledger, 'new card')} recorded in "
               f"{result.ledger}")
    if result.already_sent:
        click.echo(f"note: {result.already_sent} of the cards printed went out already (the "
                   "ledger says sent or later); posting a second copy sends a duplicate",
                   err=True)


def _make_cards(campaign: Settings, output: Path, options):
    from postcards.jobs.cards import make_cards

    with _errors(), _progress("cards") as progress:
        report, result = make_cards(campaign, output, options, progress)
    _print_problems(report.warnings)
    return report, result


@main.command()
@campaign_option
@click.option("--layout", default=None, help="The sheet layout to calibrate (default: "
              "campaign.toml's).")
@click.option("--duplex", type=click.Choice(["long-edge", "short-edge"]),
              help="How the printer turns the sheet (default: campaign.toml's).")
@click.option("--printer", help="Move the backs by this [printers.NAME] profile's "
              "back_offset_mm, to check the correction on a second sheet.")
@click.option("-o", "--output", type=click.Path(), default="calibrate.pdf",
              show_default=True, help="The two-page PDF to print double-sided.")
@click.pass_context
def calibrate(ctx: click.Context, layout: str | None, duplex: str | None,
              printer: str | None, output: str) -> None:
    """A two-sided test sheet from which to read a printer's front/back offset."""
    from postcards.printing.calibration import write_calibration

    campaign = _campaign(ctx, name_check=False)
    _guard(campaign, [Path(output)], (".pdf",))
    with _errors():
        result = write_calibration(campaign, Path(output), layout, duplex, printer)
    click.echo(f"calibration sheet ({result.layout}, {result.sheet}, {result.duplex}) -> "
               f"{result.path}")
    if printer:
        x, y = result.back_offset_mm
        click.echo(f"backs moved by printer {printer!r}: back_offset_mm = [{x:g}, {y:g}]; "
                   "with it right, every cross reads 0")
    click.echo("print it double-sided at 100 % (no 'fit to page'), hold it against the "
               "light and read where each front cross falls on the back's rulers;")
    click.echo("then set [print] back_offset_mm = [x, y] in campaign.toml, or "
               "[printers.NAME] back_offset_mm for one printer of several.")


@main.command()
@click.option("-o", "--output", type=click.Path(file_okay=False), default="postcards-demo",
              show_default=True, help="Folder for the demo's files.")
@click.pass_context
def demo(ctx: click.Context, output: str) -> None:
    """Run the whole pipeline on the bundled sample campaign."""
    from dataclasses import replace

    from postcards.files import make_folder
    from postcards.jobs.assign import assign_wave
    from postcards.printing.run import CardOptions
    from postcards.resources import bundled

    out = Path(output).resolve()
    with _errors():
        campaign = load_campaign(bundled("samples") / CAMPAIGN_FILE)
    campaign = replace(campaign, database=f"sqlite:///{out / 'tracking.db'}")
    _guard_demo(ctx, campaign, out)
    with _errors():
        make_folder(out)
    click.echo(f"campaign: {campaign.name} (samples in {campaign.root})")
    with _errors():
        assigned = assign_wave(campaign, out / "assignments.csv")
    _print_problems(assigned.report.warnings)
    click.echo(_assign_summary(assigned))
    campaign = replace(campaign, assignments_path=assigned.output)
    report, result = _make_cards(campaign, out / "cards.pdf", CardOptions())
    _print_summary(report, campaign, None)
    click.echo(f"{counted(result.cards, 'card')} -> {result.pdf}")
    click.echo(f"manifest -> {result.manifest}")
    click.echo(f"ledger -> {out / 'tracking.db'} ({counted(result.new_in_ledger, 'new card')})")
    _, sheets = _make_cards(campaign, out / "sheets-a4-2up.pdf", CardOptions(layout="a4-2up"))
    click.echo(f"{counted(sheets.cards, 'card')} on {counted(sheets.sheets, 'A4 sheet')}, "
               f"two-sided -> {sheets.pdf}")
    for name in ("poster.pdf", "poster.png"):
        _make_poster(campaign, _poster_options(count="assigned", dpi=100), out / name)
    _demo_report(campaign, out / "report.html")


DEMO_FILES = ("assignments.csv", "cards.pdf", "cards.manifest.csv", "sheets-a4-2up.pdf",
              "sheets-a4-2up.manifest.csv", "poster.pdf", "poster.png", "report.html")


def _guard_demo(ctx: click.Context, samples: Settings, out: Path) -> None:
    """The demo writes its own ledger and files: never into a campaign folder, never over
    the samples or the current campaign's files (its ledger above all)."""
    from postcards.jobs.outputs import check_outputs, protected_paths

    if (out / CAMPAIGN_FILE).exists():
        raise click.UsageError(f"{out} holds {CAMPAIGN_FILE}: the demo would write its "
                               "ledger and files into a campaign; choose a new folder")
    outputs = [out / name for name in DEMO_FILES]
    _guard(samples, outputs)
    try:
        current = _resolve_campaign(ctx.obj["campaign_path"])
    except PostcardsError:
        return  # a campaign.toml that cannot be read: nothing known to protect
    if current.source is None:
        return  # no campaign.toml: a tracking.db here may be an earlier demo's own
    outputs.append(out / "tracking.db")
    existing = [p for p in protected_paths(current, outputs) if os.path.lexists(p.path)]
    with _errors():
        check_outputs(outputs, existing)


def _demo_report(campaign: Settings, output: Path) -> None:
    """The demo's `track report` step: coverage from the ledger the demo just filled."""
    from postcards.ledger.database import Ledger

    with _errors(), Ledger.open(campaign.database_url) as ledger:
        _write_report(campaign, ledger, output)


# Posters -----------------------------------------------------------------------------------
POSTER_KINDS = ("godparents", "wall", "prisoner", "share")
POSTER_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg")


def _poster_options(**chosen):
    from postcards.jobs.poster import PosterOptions

    return PosterOptions(**{k: v for k, v in chosen.items() if v is not None})


def _make_poster(campaign: Settings, options, output: Path) -> None:
    """Plan the poster, check the files its pages go to (NAME-1.png …), then draw it."""
    from postcards.jobs.poster import plan_poster
    from postcards.posters.drawing import output_files, write_poster

    with _errors():
        poster, design = plan_poster(campaign, options)
    _guard(campaign, output_files(poster, output), POSTER_SUFFIXES)
    with _errors():
        written = write_poster(poster, design.fonts, design.colours, output, options.dpi,
                               campaign.name)
    _print_problems(list(poster.problems))
    pages, files = len(poster.pages), [str(f) for f in written]
    shown = ", ".join(files) if len(files) <= 3 else f"{files[0]} … {files[-1]}"
    click.echo(f"{poster.kind} poster ({poster.count} counted, "
               f"{counted(pages, 'page')}) -> {shown}")


# --- assign (issue 4) -------------------------------------------------------------------


@main.command()
@campaign_option
@input_options
@click.option("--per-prisoner", type=click.IntRange(min=1), default=None,
              help="Cards for each prisoner in custody (default 1).")
@click.option("--per-sender", type=click.IntRange(min=1), default=None,
              help="Prisoners for each sender instead (within the cards column's cap).")
@click.option("--wave", help="The sending round (default: campaign.toml's).")
@click.option("--seed", type=int, default=None,
              help="Break ties in a shuffled order; the same seed gives the same pairs.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="The assignments file (default: [inputs] assignments, else "
                   "assignments.csv in the campaign folder).")
@click.pass_context
def assign(ctx: click.Context, senders: str | None, prisoners: str | None,
           assignments: str | None, per_prisoner: int | None, per_sender: int | None,
           wave: str | None, seed: int | None, output: str | None) -> None:
    """Pair senders with prisoners fairly and write assignments.csv for `cards`."""
    from postcards.jobs.assign import AssignOptions, assign_wave

    if per_prisoner and per_sender:
        raise click.UsageError("give --per-prisoner or --per-sender, not both")
    campaign = _with_wave(_campaign(ctx, senders=senders, prisoners=prisoners,
                                    assignments=assignments), wave)
    target = Path(output) if output else (campaign.assignments_path
                                          or campaign.root / "assignments.csv")
    # assign rewrites the assignments file it reads (keeping other waves' rows): that file
    # alone it may replace, and only when it is its own output.
    from postcards.jobs.outputs import same_file

    own = campaign.assignments_path is not None and same_file(target,
                                                              campaign.assignments_path)
    _guard(campaign, [target], (".csv",), assignments=not own)
    with _errors():
        result = assign_wave(campaign, target, AssignOptions(per_prisoner, per_sender, seed))
    _print_problems(result.report.warnings, err=False)
    for note in result.notes:
        click.echo(f"godparenthood: {note}")
    click.echo(_assign_summary(result))
    from postcards.pairing.assignments import assignments_file

    if assignments_file(campaign) != result.output:
        click.echo(f"next: postcards cards --assignments {result.output} "
                   f"(or set [inputs] assignments in campaign.toml)")
    else:
        click.echo("next: postcards cards (it prints these pairs)")


def _assign_summary(result) -> str:
    """One line: how many cards, for whom, from whom, and where they were written."""
    from collections import Counter

    pairings = result.plan.pairings
    per_sender = Counter(p.sender.id for p in pairings)
    low, high = min(per_sender.values(), default=0), max(per_sender.values(), default=0)
    spread = f"{low}" if low == high else f"{low}–{high}"
    extra = ", ".join(part for part in (
        f"{result.explicit} explicit" if result.explicit else "",
        counted(result.kept, "godchild kept", "godchildren kept") if result.kept else "")
        if part)
    return (f"assignments: {counted(len(pairings), 'card')} for "
            f"{len({p.prisoner.id for p in pairings})} of "
            f"{counted(result.in_custody, 'prisoner')} in custody from {len(per_sender)} of "
            f"{counted(result.senders, 'sender')} ({spread} each"
            + (f"; {extra}" if extra else "") + f") -> {result.output}")


@main.command()
@campaign_option
@input_options
@click.option("--kind", type=click.Choice(POSTER_KINDS), default="godparents",
              show_default=True, help="What the poster shows.")
@click.option("--size", help="A4, A3, A2, A1, A0, Letter or Tabloid (default: campaign.toml's "
                             "[posters] size, else A3); share: 1080x1080, 1080x1350 or 1200x675 "
                             "(default: all three).")
@click.option("--landscape", is_flag=True, help="Turn the paper to landscape.")
@click.option("--language", help="en, de, fr, pl, lt, be or ru (default: [posters] language, "
                                 "else en).")
@click.option("--count", "count", type=click.Choice(["sent", "assigned"]), default="sent",
              show_default=True, help="Count senders with a card sent (ledger) or assigned "
                                      "in this wave's pairing.")
@click.option("--dpi", type=click.IntRange(36, 1200), default=150, show_default=True,
              help="Resolution of PNG/JPG posters.")
@click.option("-o", "--output", type=click.Path(), default="poster.pdf",
              show_default=True, help="FILE.pdf, FILE.png or FILE.jpg.")
@click.pass_context
def poster(ctx: click.Context, senders: str | None, prisoners: str | None,
           assignments: str | None, kind: str, size: str | None, landscape: bool,
           language: str | None, count: str, dpi: int, output: str) -> None:
    """Print a campaign poster or social images from the senders, prisoners and ledger."""
    campaign = _campaign(ctx, senders=senders, prisoners=prisoners, assignments=assignments)
    _guard(campaign, [Path(output)], POSTER_SUFFIXES)
    options = _poster_options(kind=kind, size=size, landscape=landscape, language=language,
                              count=count, dpi=dpi)
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
    with _errors():
        for name in names:
            copy_file(bundled("samples") / name, target / name)
    click.echo(f"created {target / CAMPAIGN_FILE}, senders.xlsx and prisoners.csv")
    click.echo(f"next: put your campaign's lists and web address in them (check refuses "
               f"the examples), then run: postcards -c {target} check")


# --- tracking: postcards track … (the ledger: scan, mark, show, void, report, export) ------

#: What staff may record; the same as postcards.ledger.scanning.SCAN_STATUSES, spelled out here so
#: that ``postcards --help`` does not import the ledger.
_SCAN_STATUSES = ("printed", "sent", "returned", "reply", "delivered", "void")


def _default_by() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "scanner"


def _open_ledger(ctx: click.Context, must_exist: bool = True, outputs: list[Path] = (),
                 suffixes: tuple[str, ...] = (), name_check: bool = True):
    """The campaign and its open ledger; a missing SQLite file is an error, not a new one.
    ``outputs`` are checked first (:func:`_guard`)."""
    from postcards.ledger.database import Ledger, ledger_exists, sqlite_path

    campaign = _campaign(ctx, name_check)
    if outputs:
        _guard(campaign, list(outputs), suffixes)
    url = campaign.database_url
    with _errors():
        if must_exist and not ledger_exists(url):
            raise PostcardsError(Problem(
                f"no ledger at {sqlite_path(url)}: print cards first (postcards cards), or "
                "set [tracking] database in campaign.toml or POSTCARDS_DATABASE"))
        return campaign, Ledger.open(url)


def _scan_scope(campaign: Settings) -> dict[str, str | None]:
    """The campaign a scan must belong to and its URL pattern; none without campaign.toml
    (a bare ledger named by POSTCARDS_DATABASE takes any of its cards)."""
    if campaign.source is None:
        return {"campaign": None, "url": None}
    return {"campaign": campaign.name, "url": campaign.qr_url}


@main.group()
@campaign_option
def track() -> None:
    """Record and report what happened to each card (the ledger)."""


def _run_scanner(ctx: click.Context, lines, status: str, by: str | None, note: str) -> None:
    """Record every line, answering each at once; exit 1 when any line was refused."""
    from postcards.ledger.scanning import Scanner

    campaign, ledger = _open_ledger(ctx)
    with ledger, _errors():
        scanner = Scanner(ledger, status=status, by=by or _default_by(), note=note,
                          **_scan_scope(campaign))
        try:
            for line in lines:  # bytes from a file or stdin, str from the command line
                outcome = (scanner.scan_bytes(line) if isinstance(line, bytes)
                           else scanner.scan(line))
                if outcome is not None:
                    click.echo(outcome.message)
        except KeyboardInterrupt:  # Ctrl-C at a scanning desk ends the session, tidily
            click.echo("", err=True)
    click.echo(scanner.summary(), err=True)
    if scanner.counts["refused"]:
        sys.exit(1)


@track.command()
@campaign_option
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--status", type=click.Choice(_SCAN_STATUSES), default="sent", show_default=True,
              help="What each scan records.")
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
@click.option("--status", type=click.Choice(_SCAN_STATUSES), required=True,
              help="The status to record.")
@click.option("--by", help="Who records it (default: your login name).")
@click.option("--note", default="", help="A note kept with every event.")
@click.pass_context
def mark(ctx: click.Context, codes: tuple[str, ...], status: str, by: str | None,
         note: str) -> None:
    """Record a status for cards by hand."""
    _run_scanner(ctx, codes, status, by, note)


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
    from postcards.ledger.scanning import show as show_card

    campaign, ledger = _open_ledger(ctx)
    with ledger, _errors():
        card, history = show_card(ledger, code, **_scan_scope(campaign))
    click.echo(f"card {format_code(card.code)}: campaign {card.campaign}, wave {card.wave}")
    click.echo(f"from: {card.sender_name} ({card.sender_id})")
    click.echo(f"to:   {card.prisoner_name} ({card.prisoner_id}), language {card.language}")
    for event in history:
        note = f" ({event.note})" if event.note else ""
        click.echo(f"  {event.at}  {event.status:<9}  {event.by}{note}")


REPORT_TABLES = ("prisoners", "senders", "parliaments", "totals")  # report.TABLES


@track.command()
@campaign_option
@click.option("-o", "--output", type=click.Path(),
              help="report.csv (a file per table: report.prisoners.csv …), report.xlsx "
                   "or report.html (default: a summary here).")
@click.option("--table", type=click.Choice(REPORT_TABLES, case_sensitive=False),
              help="Write only this table to -o (.csv or .xlsx).")
@click.pass_context
def report(ctx: click.Context, output: str | None, table: str | None) -> None:
    """Coverage per prisoner, sender and parliament; who has had nothing yet."""
    if table and not output:
        raise click.UsageError("--table needs -o FILE.csv or FILE.xlsx")
    target = Path(output) if output else None
    campaign, ledger = _open_ledger(ctx, outputs=_report_outputs(target, table),
                                    suffixes=REPORT_SUFFIXES)
    with ledger, _errors():
        _write_report(campaign, ledger, target, table)


REPORT_SUFFIXES = (".csv", ".xlsx", ".html")


def _report_outputs(target: Path | None, table: str | None) -> list[Path]:
    """The files `track report -o` writes: a CSV without --table is a file per table."""
    if target is None:
        return []
    if target.suffix.lower() != ".csv" or table:
        return [target]
    return [target, *(target.with_name(f"{target.stem}.{t}.csv") for t in REPORT_TABLES)]


def _write_report(campaign: Settings, ledger, output: Path | None,
                  table: str | None = None) -> list[Path]:
    """Build the report, print its summary, and write it when asked to."""
    from postcards.jobs.report import read_directory
    from postcards.ledger.coverage import build_report, write_report

    directory = read_directory(campaign)
    _print_problems(list(directory.warnings))
    built = build_report(ledger, campaign.name, directory)
    totals = ", ".join(f"{status} {n}" for status, n in built.totals.items()) or "no cards"
    click.echo(f"cards: {totals}")
    reached = len(built.prisoners) - len(built.unreached)
    click.echo(f"prisoners: {reached} of {len(built.prisoners)} "
               f"{'has' if len(built.prisoners) == 1 else 'have'} had a card sent")
    if output is None:
        for row in built.unreached[:20]:
            click.echo(f"  nothing sent yet: {row.prisoner_id} {row.prisoner_name}")
        more = len(built.unreached) - 20
        if more > 0:
            click.echo(f"  … and {more} more (write the whole report with -o report.html)")
        return []
    paths = write_report(built, output, table)
    for path in paths:
        click.echo(f"report -> {path}")
    return paths


@track.command()
@campaign_option
@click.argument("old")
@click.argument("new")
@click.pass_context
def rename(ctx: click.Context, old: str, new: str) -> None:
    """Give the ledger's cards of campaign OLD the name NEW (after renaming
    [campaign] name in campaign.toml); refused when NEW has cards already."""
    _, ledger = _open_ledger(ctx, name_check=False)
    with ledger, _errors():
        moved = ledger.rename_campaign(old, new)
    click.echo(f"{moved} cards of campaign {old!r} now belong to {new!r} in {ledger.name}")


@track.command()
@campaign_option
@click.option("--texts", "texts", type=click.Path(file_okay=False), required=True,
              help="Folder for the archive: one PDF per prisoner.")
@click.pass_context
def export(ctx: click.Context, texts: str) -> None:
    """Write every message sent to each prisoner, to hand over after release."""
    from postcards.cards.design import load_design
    from postcards.ledger.archive import archive_paths, collect, write_archive

    campaign, ledger = _open_ledger(ctx)
    with ledger:
        with _errors():
            bundles = collect(ledger, campaign.name)
            fonts = load_design(campaign.design, campaign.root).fonts
        _guard(campaign, archive_paths(bundles, Path(texts)))
        with _errors():
            written = write_archive(bundles, Path(texts), fonts, campaign.name)
    letters = sum(len(b.letters) for b in bundles)
    click.echo(f"{counted(letters, 'message')} to {counted(len(written), 'prisoner')} -> "
               f"{Path(texts)}")


def _design_fonts(campaign: Settings):
    from postcards.cards.design import load_design

    return load_design(campaign.design, campaign.root).fonts


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for phones on the office network.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", help="Token for other addresses (default: a new one, printed).")
@click.option("--tls", is_flag=True,
              help="HTTPS with a self-signed certificate kept in the campaign folder "
                   "(phones give the camera only to secure pages).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None, tls: bool) -> None:
    """The campaign station: scan cards and watch coverage in a browser."""
    from postcards.jobs.report import read_directory
    from postcards.station.app import Station, create_app
    from postcards.station.server import plan as make_plan
    from postcards.station.server import serve as run_server
    from postcards.station.server import terminal_qr

    campaign, ledger = _open_ledger(ctx)
    with ledger, _errors():
        directory = read_directory(campaign)
        _print_problems(list(directory.warnings))
        plan = make_plan(host, port, token, tls, campaign.root)
        station = Station(ledger, campaign.name, directory, plan.token,
                          fonts=lambda: _design_fonts(campaign), scope=_scan_scope(campaign))
        url = plan.join_url()
        click.echo(f"station for {campaign.name} on {ledger.name}")
        click.echo(f"open {url}  (dashboard: {url.replace('/scan', '/', 1)})")
        if plan.fingerprint:
            click.echo(f"certificate SHA-256 fingerprint: {plan.fingerprint}")
        if plan.token:
            click.echo("phones: scan this to join")
            click.echo(terminal_qr(url))
        click.echo("Ctrl-C stops the station")
        run_server(create_app(station), plan)
    click.echo("station stopped; every scan it answered is in the ledger")


if __name__ == "__main__":  # pragma: no cover
    main()
