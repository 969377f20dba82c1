"""``postcards report``: the ledger's coverage, with the names from the campaign's lists."""

from __future__ import annotations

from postcards.config import Settings
from postcards.errors import PostcardsError, Problem
from postcards.inputs.reading import load_prisoners, load_senders
from postcards.ledger.coverage import Directory


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
    return Directory(parliaments, prisoners, tuple(warnings))
