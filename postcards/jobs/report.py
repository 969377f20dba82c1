"""``postcards track report``: the ledger's coverage, with the names from the campaign's lists."""

from __future__ import annotations

from postcards.config import Settings
from postcards.errors import InputError, PostcardsError, Problem
from postcards.inputs.reading import load_prisoners, load_senders
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import Directory, Report, build_report


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
            senders = load_senders(
                campaign.list_source("senders"),
                campaign.sender_columns,
                header_row=campaign.sender_header_row,
                limits=campaign.input_limits,
            )
            parliaments = {s.id: s.parliament for s in senders.records}
        if campaign.list_source("prisoners") is not None:
            people = load_prisoners(
                campaign.list_source("prisoners"),
                campaign.prisoner_columns,
                header_row=campaign.prisoner_header_row,
                limits=campaign.input_limits,
            )
            prisoners = {p.id: p.name for p in people.records if p.in_custody}
    except PostcardsError as error:
        warnings = [Problem(f"{p}; the report uses the ledger alone", warning=True)
                    for p in error.problems]  # fmt: skip
    return Directory(parliaments, prisoners, tuple(warnings), campaign.office)
