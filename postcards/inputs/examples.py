"""An untouched ``postcards init`` folder is not a campaign: its lists are the examples.

``init`` copies the bundled sample campaign (fictional senders and prisoners, a URL at
example.org) to show what goes where.  Printing it as it is would put fictional names on
real cards, so ``check`` and ``cards`` say so, and pass it only with ``--example``.  The
lists are recognised by their content (the same bytes as the bundled examples), not by a
marker a user could delete without replacing them; the bundled samples folder itself is
the demo and passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from postcards.campaign_file import load_campaign
from postcards.config import Settings
from postcards.errors import Problem, display_name
from postcards.inputs.reading import read_prisoners, read_senders
from postcards.inputs.spreadsheets import read_table
from postcards.resources import bundled

#: Domains reserved for examples (RFC 2606): a URL there is a placeholder.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")


def example_problems(
    campaign: Settings, url: bool = True, pairings: Iterable = ()
) -> list[Problem]:
    """The lists that are still ``init``'s examples, and the placeholder URL.

    With ``url``, a placeholder ``[campaign] url`` is named too (posters print it; cards never do).
    """
    samples = bundled("samples").resolve()
    if campaign.root.resolve() == samples:
        return []  # the demo campaign, examples on purpose
    problems = []
    for what, path in (("senders", campaign.senders_path), ("prisoners", campaign.prisoners_path)):
        if path is not None and _same_file(path, samples / path.name):
            problems.append(
                Problem(
                    f"this is the example {what} list of postcards init (fictional people), "
                    f"unchanged: put your campaign's {what} in it (--example takes the example "
                    "as it is)",
                    file=display_name(path),
                )
            )
    if not problems:
        problems += example_rows(pairings, campaign)
    config = display_name(campaign.source or "campaign.toml")
    host = (urlsplit(campaign.url).hostname or "").lower()
    if url and any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        problems.append(
            Problem(
                f"{campaign.url} is a placeholder ({host}); put your campaign's web address "
                "(--example takes the example as it is)",
                file=config,
                column="campaign.url",
            )
        )
    return problems


def example_rows(pairings: Iterable, campaign: Settings) -> list[Problem]:
    """The example's fictional people still among the cards to print.

    A list edited by adding rows below init's examples differs from them but still holds them.
    """
    senders, prisoners = _example_people()
    found: dict[str, set[int]] = {"senders": set(), "prisoners": set()}
    for pairing in pairings:
        if (pairing.sender.id, pairing.sender.name) in senders:
            found["senders"].add(pairing.sender.row)
        if (pairing.prisoner.id, pairing.prisoner.name) in prisoners:
            found["prisoners"].add(pairing.prisoner.row)
    paths = {"senders": campaign.senders_path, "prisoners": campaign.prisoners_path}
    return [
        Problem(
            f"rows {_rows(rows)} are the example {what} of postcards init (fictional "
            f"people): delete them (--example takes the example as it is)",
            file=display_name(paths[what] or what),
        )
        for what, rows in found.items()
        if rows
    ]


def _rows(rows: set[int]) -> str:
    shown = sorted(rows)
    return ", ".join(map(str, shown[:10])) + (f" … ({len(shown)} rows)" if len(shown) > 10 else "")


@cache
def _example_people() -> tuple[frozenset, frozenset]:
    """(id, name) of every sender and prisoner of the bundled example lists."""
    samples = load_campaign(bundled("samples") / "campaign.toml")
    assert samples.senders_path and samples.prisoners_path  # the bundled campaign names both
    senders = read_senders(read_table(samples.senders_path), samples.sender_columns)
    prisoners = read_prisoners(read_table(samples.prisoners_path), samples.prisoner_columns)
    return (
        frozenset((s.id, s.name) for s in senders.records),
        frozenset((p.id, p.name) for p in prisoners.records),
    )


def _same_file(path: Path, example: Path) -> bool:
    try:
        return (
            path.is_file()
            and example.is_file()
            and path.stat().st_size == example.stat().st_size
            and path.read_bytes() == example.read_bytes()
        )
    except OSError:
        return False
