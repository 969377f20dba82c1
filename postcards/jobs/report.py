"""``postcards track report``: the ledger's coverage, with the names from the campaign's lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from postcards.config import Settings
from postcards.errors import InputError, PostcardsError, Problem
from postcards.inputs.people import People, Prisoner, Sender
from postcards.jobs.lists import campaign_prisoners, campaign_senders
from postcards.jobs.outputs import Protected, check_outputs, named_images, protected_paths
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import TABLES, Directory, Report, build_report
from postcards.ledger.report_files import REPORT_SUFFIXES, write_report


def report_outputs(out: Path, table: str | None = None) -> list[Path]:
    """The files ``track report -o`` writes: a CSV without a table is a file per table."""
    if out.suffix.lower() != ".csv" or table:
        return [out]
    return [out, *(out.with_name(f"{out.stem}.{t}.csv") for t in TABLES)]


def write_campaign_report(
    campaign: Settings,
    ledger: Ledger,
    out: Path,
    table: str | None = None,
    office: str | None = None,
) -> tuple[Report, list[Path]]:
    """``postcards track report -o``: the report written as CSV, XLSX or HTML, by suffix.

    The lists are read once, for the report and for the photos and signatures no output
    may replace (an office writing today's report over yesterday's read them twice).

    Raises:
        UsageError: an output would replace an input or the ledger, or has another suffix.
        InputError: ``office`` has no cards of the campaign.
    """
    outputs = report_outputs(out, table)
    check_outputs(outputs, protected_paths(campaign, outputs, images=False), REPORT_SUFFIXES)
    _check_office(campaign, ledger, office)
    directory, images = _directory_and_images(campaign, outputs)
    check_outputs(outputs, images)
    report = build_report(ledger, campaign.name, directory, office)
    return report, write_report(report, out, table, campaign.csv_bom)


def _directory_and_images(
    campaign: Settings, outputs: list[Path]
) -> tuple[Directory, list[Protected]]:
    """The report's directory and the photos and signatures the lists name, from one read.

    A list the report did not read (it stopped at an unreadable one) is read for its
    images all the same.  The lists themselves are let go here, before the report is
    counted.
    """
    lists = _read_lists(campaign)
    given = (("senders", lists.senders), ("prisoners", lists.prisoners))
    read = {name: people for name, people in given if people is not None}
    return _directory(campaign, lists), named_images(campaign, outputs, read)


def campaign_report(campaign: Settings, ledger: Ledger, office: str | None = None) -> Report:
    """The campaign's coverage (every office's cards, or ``office``'s alone).

    Raises:
        InputError: ``office`` has no cards of the campaign (a misspelt office would
            otherwise report zero everywhere); the message names the offices there are.
    """
    _check_office(campaign, ledger, office)
    return build_report(ledger, campaign.name, read_directory(campaign), office)


def _check_office(campaign: Settings, ledger: Ledger, office: str | None) -> None:
    """Refuse an office with no cards of the campaign, before the lists are read."""
    if office is None:
        return
    offices = ledger.offices(campaign.name)
    if office not in offices:
        shown = ", ".join(repr(o) for o in offices if o) or "none named"
        raise InputError(
            Problem(
                f"--office {office!r}: no cards of campaign {campaign.name!r} were printed "
                f"by that office; the offices on the ledger: {shown}",
                file=ledger.name,
            )
        )


def read_directory(campaign: Settings) -> Directory:
    """The senders' parliaments and the prisoners in custody, read leniently.

    A report from the ledger alone is still worth having, so a problem becomes a warning.
    """
    return _directory(campaign, _read_lists(campaign))


@dataclass(frozen=True)
class _Lists:
    """The lists as the report reads them: None where a list is not given or not read."""

    senders: People[Sender] | None = None
    prisoners: People[Prisoner] | None = None
    warnings: tuple[Problem, ...] = ()


def _read_lists(campaign: Settings) -> _Lists:
    """Both lists; one that cannot be read is a warning, and the next is not read."""
    senders = prisoners = None
    try:
        if campaign.list_source("senders") is not None:
            senders = campaign_senders(campaign)
        if campaign.list_source("prisoners") is not None:
            prisoners = campaign_prisoners(campaign)
    except PostcardsError as error:
        warnings = tuple(Problem(f"{p}; the report uses the ledger alone", warning=True)
                         for p in error.problems)  # fmt: skip
        return _Lists(senders, None, warnings)
    return _Lists(senders, prisoners)


def _directory(campaign: Settings, lists: _Lists) -> Directory:
    """What the report takes of the lists: each sender's parliament, the prisoners in custody."""
    parliaments = {s.id: s.parliament for s in lists.senders or ()}
    prisoners = {p.id: p.name for p in lists.prisoners or () if p.in_custody}
    return Directory(parliaments, prisoners, lists.warnings, campaign.office)
