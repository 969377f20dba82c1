"""``postcards track report``: the ledger's coverage, with the names from the campaign's lists."""

from __future__ import annotations

from pathlib import Path

from postcards.config import Settings
from postcards.errors import InputError, PostcardsError, Problem
from postcards.jobs.lists import campaign_prisoners, campaign_senders
from postcards.jobs.outputs import check_outputs, protected_paths
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

    Raises:
        UsageError: an output would replace an input or the ledger, or has another suffix.
        InputError: ``office`` has no cards of the campaign.
    """
    outputs = report_outputs(out, table)
    check_outputs(outputs, protected_paths(campaign, outputs), REPORT_SUFFIXES)
    report = campaign_report(campaign, ledger, office)
    return report, write_report(report, out, table, campaign.csv_bom)


def campaign_report(campaign: Settings, ledger: Ledger, office: str | None = None) -> Report:
    """The campaign's coverage (every office's cards, or ``office``'s alone).

    Raises:
        InputError: ``office`` has no cards of the campaign (a misspelt office would
            otherwise report zero everywhere); the message names the offices there are.
    """
    if office is not None:
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
    return build_report(ledger, campaign.name, read_directory(campaign), office)


def read_directory(campaign: Settings) -> Directory:
    """The senders' parliaments and the prisoners in custody, read leniently.

    A report from the ledger alone is still worth having, so a problem becomes a warning.
    """
    parliaments: dict[str, str] = {}
    prisoners: dict[str, str] = {}
    warnings: list[Problem] = []
    try:
        if campaign.list_source("senders") is not None:
            parliaments = {s.id: s.parliament for s in campaign_senders(campaign)}
        if campaign.list_source("prisoners") is not None:
            custody = (p for p in campaign_prisoners(campaign) if p.in_custody)
            prisoners = {p.id: p.name for p in custody}
    except PostcardsError as error:
        warnings = [Problem(f"{p}; the report uses the ledger alone", warning=True)
                    for p in error.problems]  # fmt: skip
    return Directory(parliaments, prisoners, tuple(warnings), campaign.office)
