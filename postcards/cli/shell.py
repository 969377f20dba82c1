"""The shell every command shares: the ``postcards`` group, its options, errors, progress.

Exit status: 0 on success, 1 when the inputs are wrong (every problem is listed as
``file:row: column: message``), 2 on a usage error.  Heavy modules are imported inside
the commands so that ``postcards --help`` starts at once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from postcards.campaign_file import load_campaign
from postcards.config import CAMPAIGN_FILE, Settings, default_campaign, office_problem
from postcards.errors import PostcardsError, Problem
from postcards.version import VERSION
from postcards.wording import counted


def resolve_campaign(path: str | None) -> Settings:
    """The campaign -c names (a folder or its file), else the current folder's, else defaults."""
    if path is None:
        default = Path.cwd() / CAMPAIGN_FILE
        return load_campaign(default) if default.is_file() else default_campaign()
    target = Path(path)
    if target.is_dir():
        target = target / CAMPAIGN_FILE
    return load_campaign(target)


def print_problems(problems: list[Problem], err: bool = True) -> None:
    """Print each problem as ``file:row: column: message``, on stderr unless ``err`` is off.

    A line this command has shown already is not shown again: ``demo`` reads the lists in
    each of its steps (assign, cards, sheets), and each step finds the same warnings.
    """
    shown = _shown_lines()
    for problem in problems:
        line = str(problem)
        if line not in shown:
            shown.add(line)
            click.echo(line, err=err)


def _shown_lines() -> set[str]:
    """The problem lines printed so far by this run of a command.

    Kept in the click context's ``meta``, which lives as long as the command line being run:
    a second command (another ``CliRunner.invoke``) starts with none shown.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None:  # called outside a command: nothing to remember it by
        return set()
    return ctx.meta.setdefault("postcards.shown_problems", set())


def count_errors(problems: list[Problem]) -> int:
    """How many distinct error lines (not warnings) ``problems`` show: the count a summary gives."""
    return len({str(p) for p in problems if not p.warning})


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a library error into its message and exit status."""
    try:
        yield
    except PostcardsError as exc:
        print_problems(exc.problems)
        count = count_errors(exc.problems)
        if count > 1:
            click.echo(f"{counted(count, 'problem')}; nothing was written.", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a file we could not read or write: say which, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"{where}{exc.strerror or exc}", err=True)
        sys.exit(1)


def guard_outputs(
    campaign: Settings,
    outputs: list[Path],
    suffixes: tuple[str, ...] = (),
    assignments: bool = True,
) -> None:
    """Refuse, before any work, outputs that are unsafe or impossible to write.

    Refused are outputs that would replace an input, the ledger or the design, that end otherwise
    than the command writes, or that cannot be written.
    """
    from postcards.jobs.outputs import check_outputs, protected_paths

    with reported_errors():
        check_outputs(outputs, protected_paths(campaign, outputs, assignments), suffixes)


class Phases:
    """What a long job is doing, said from its first second.

    The first phase runs before anything is counted (reading, checking, planning); each later one is
    a pass the library counts; a count that starts again marks the next pass.
    """

    def __init__(self, label: str, names: tuple[str, ...]):
        self.label, self.names, self.phase, self.last = label, names, 0, 0

    @property
    def description(self) -> str:
        """The label and the current phase, as the progress bar shows them."""
        return f"{self.label}: {self.names[self.phase]}"

    def update(self, done: int, total: int) -> str:
        """The description after the library reports ``done`` of ``total``."""
        if (self.phase == 0 or done <= self.last) and self.phase < len(self.names) - 1:
            self.phase += 1
        self.last = done
        return self.description


@contextmanager
def progress_bar(
    label: str, phases: tuple[str, ...] = ("reading, checking and planning", "drawing")
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; silent in a pipe.

    The bar is labelled with what is being done from the start.  It is redrawn when the
    library reports progress, at most a few times a second (and at each new pass and at
    the end), never by a thread of its own: ``cards --jobs`` forks its workers while the
    bar is up, and a thread running at a fork may leave the child a lock held forever.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    state = Phases(label, phases)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[pace]}"))  # fmt: skip
    every = 0.25  # seconds: the bar is redrawn at most this often (and at a pass's start and end)
    bar = Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False)
    with bar:
        task = bar.add_task(state.description, total=None, pace=pace(0, 0, 0.0))
        started = [time.monotonic()]
        drawn = [time.monotonic()]

        def report(done: int, total: int) -> None:
            phase = state.phase
            description = state.update(done, total)
            if state.phase != phase:  # a new pass: its rate and time left start afresh
                started[0] = time.monotonic()
            now = time.monotonic()
            shown = pace(done, total, now - started[0], label)
            bar.update(task, completed=done, total=total, description=description, pace=shown)
            if state.phase != phase or done >= total or now - drawn[0] >= every:
                drawn[0] = now
                bar.refresh()

        yield report


def pace(done: int, total: int, elapsed: float, unit: str = "cards") -> str:
    """The elapsed time; once a pass is under way, also its rate and the time it has left.

    For example ``0:00:04 · 2,350 cards/s · 0:00:03 left``.
    """
    shown = _clock(elapsed)
    if done and elapsed > 0:
        rate = done / elapsed
        left = (total - done) / rate if total > done else 0.0
        shown += f" · {rate:,.0f} {unit}/s · {_clock(left)} left"
    return shown


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _same_campaign(path: str) -> Path:
    """A -c value as the campaign.toml it names, to compare two of them."""
    target = Path(path).resolve()
    return target / CAMPAIGN_FILE if target.is_dir() else target


def _take_campaign(ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> None:
    """-c before or after the subcommand means the same.

    Two different ones are a usage error rather than one silently winning.
    """
    root = ctx.find_root()
    root.ensure_object(dict)
    for value in values:
        given = root.obj.get("campaign_path")
        if given is not None and _same_campaign(given) != _same_campaign(value):
            raise click.UsageError(f"-c given twice: {given} and {value}; give one campaign", ctx)
        root.obj["campaign_path"] = value


def _take_office(ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> None:
    """--office before or after the subcommand means the same; two different are an error."""
    root = ctx.find_root()
    root.ensure_object(dict)
    for value in values:
        given = root.obj.get("office")
        if given is not None and given != value:
            raise click.UsageError(f"--office given twice: {given!r} and {value!r}", ctx)
        root.obj["office"] = value


def _take_no_bom(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--no-bom before or after the subcommand means the same."""
    if value:
        root = ctx.find_root()
        root.ensure_object(dict)
        root.obj["no_bom"] = True


def campaign_option(func: Callable) -> Callable:
    """-c/--campaign, --office and --no-bom, accepted before the subcommand and after it."""
    func = click.option(
        "--no-bom",
        is_flag=True,
        expose_value=False,
        callback=_take_no_bom,
        help="Write CSV files without the UTF-8 byte order mark (Excel on Windows needs it "
        "to show Cyrillic; some tools do not want it).",
    )(func)
    func = click.option(
        "--office",
        expose_value=False,
        multiple=True,
        callback=_take_office,
        help="The office that prints, as [campaign] office: each office's sender ids are its own "
        "on a shared ledger.",
    )(func)
    return click.option(
        "-c",
        "--campaign",
        type=click.Path(),
        expose_value=False,
        multiple=True,
        callback=_take_campaign,
        help="campaign.toml or its folder (default: ./campaign.toml when present).",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@campaign_option
@click.version_option(VERSION, prog_name="postcards")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Print-ready solidarity postcards from spreadsheets, with tracking."""
    ctx.ensure_object(dict).setdefault("campaign_path", None)


def campaign_from(ctx: click.Context, name_check: bool = True, **inputs: str | None) -> Settings:
    """The campaign -c names, refused when renamed with its cards left under the old name.

    Unless ``name_check`` is off, a renamed campaign whose ledger holds the old name's cards is
    refused (see postcards.ledger.renaming).
    """
    obj = ctx.find_root().obj
    with reported_errors():
        campaign = resolve_campaign(obj["campaign_path"])
    office = obj.get("office")
    if office is not None:
        problem = office_problem(office)
        if problem:
            raise click.UsageError(f"--office {problem}", ctx)
        campaign = replace(campaign, office=office)
    campaign = with_bom_choice(ctx, campaign)
    if name_check:
        check_name(campaign)
    paths = {f"{k}_path": Path(v) for k, v in inputs.items() if v}
    return campaign.with_inputs(**paths)


def with_bom_choice(ctx: click.Context, campaign: Settings) -> Settings:
    """The campaign with --no-bom applied: its CSV outputs start without a byte order mark."""
    return replace(campaign, csv_bom=False) if ctx.find_root().obj.get("no_bom") else campaign


def job_campaign(
    ctx: click.Context,
    senders: str | None,
    prisoners: str | None,
    assignments: str | None,
    wave: str | None = None,
) -> Settings:
    """The campaign a job command runs on, with --senders/--prisoners/--assignments/--wave.

    The job itself checks the rename, the office and the outputs, as it does for the API.
    """
    campaign = campaign_from(
        ctx, name_check=False, senders=senders, prisoners=prisoners, assignments=assignments
    )
    return with_wave(campaign, wave)


def check_name(campaign: Settings) -> None:
    """A renamed campaign whose own ledger holds the old name's cards is refused."""
    from postcards.ledger.renaming import check_campaign_name

    with reported_errors():
        check_campaign_name(campaign)


def input_options(func: Callable) -> Callable:
    """--senders, --prisoners, --assignments: input files instead of campaign.toml's."""
    for name in ("assignments", "prisoners", "senders"):
        func = click.option(
            f"--{name}",
            type=click.Path(dir_okay=False),
            help=f"The {name} spreadsheet (CSV, XLSX, XLS, ODS).",
        )(func)
    return func


def card_options(func: Callable) -> Callable:
    """Add the options that choose the wave, the card size and the sheet layout."""
    func = click.option(
        "--start-at",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Leave slots 1 to N-1 of the first sheet empty (partly used stock).",
    )(func)
    func = click.option(
        "--layout",
        default=None,
        help="single, a4-2up, a4-4up, letter-2up, sra3-8up or a [layouts.NAME] of campaign.toml.",
    )(func)
    func = click.option(
        "--not-a-postcard",
        is_flag=True,
        help="Allow a size outside the postal limits for postcards.",
    )(func)
    func = click.option("--size", help="A6, 4x6in, 5x7in, DL or WIDTHxHEIGHTmm.")(func)
    func = click.option("--wave", help="The sending round (default: campaign.toml's).")(func)
    return func


def with_wave(campaign: Settings, wave: str | None) -> Settings:
    """The campaign with --wave applied, when given."""
    return replace(campaign, wave=wave) if wave else campaign


def example_option(func: Callable) -> Callable:
    """--example: postcards init's example lists and URL pass (else they are errors)."""
    return click.option(
        "--example",
        is_flag=True,
        help="Accept postcards init's example lists (and, for check, "
        "its example.org URL) as they are; otherwise they are "
        "errors: fictional people on real cards.",
    )(func)


def strict_option(func: Callable) -> Callable:
    """--strict: every content-check finding stops the run (risky words already do)."""
    return click.option(
        "--strict",
        is_flag=True,
        help="Make content-check findings (risky words, Latin-script words, "
        "a language the prison does not accept) errors.",
    )(func)
