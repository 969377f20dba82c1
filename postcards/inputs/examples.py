"""An untouched ``postcards init`` folder is not a campaign: its lists are the examples.

``init`` copies the bundled sample campaign (fictional senders and prisoners, a URL at
example.org) to show what goes where.  Printing it as it is would put fictional names on
real cards, so ``check`` and ``cards`` say so, and pass it only with ``--example``.  The
lists are recognised by their content (the same bytes as the bundled examples), not by a
marker a user could delete without replacing them; the bundled samples folder itself is
the demo and passes.  Once the lists are the campaign's own, the sample's name, hashtag
and campaign-wide return address are refused too: they would key the ledger, go on
posters and bring returned cards to the wrong building.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from postcards.campaign_file import load_campaign
from postcards.config import CAMPAIGN_FILE
from postcards.errors import Problem, display_name
from postcards.inputs.reading import read_prisoners, read_senders
from postcards.inputs.spreadsheets import read_table
from postcards.order import folded
from postcards.resources import bundled
from postcards.return_addresses import FROM_CAMPAIGN, TABLE, ReturnAddresses, parliament_key
from postcards.wording import counted

#: Domains reserved for examples (RFC 2606): a URL there is a placeholder.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")


@dataclass(frozen=True)
class CampaignIdentity:
    """What makes a campaign its own rather than ``init``'s sample: what this check reads.

    Attributes:
        root: the campaign folder (the bundled samples folder is the demo, examples on purpose).
        senders_path: the senders file (None: a DataFrame, or none given).
        prisoners_path: the prisoners file (likewise).
        config_name: ``campaign.toml`` as messages name it.
        name: ``[campaign] name``.
        hashtag: ``[campaign] hashtag``.
        url: ``[campaign] url``.
        return_address: the campaign-wide return address.
        returns: who chooses each card's return address (sender, parliament, campaign).
    """

    root: Path
    senders_path: Path | None
    prisoners_path: Path | None
    config_name: str
    name: str
    hashtag: str
    url: str
    return_address: tuple[str, ...]
    returns: ReturnAddresses


def example_problems(
    campaign: CampaignIdentity, url: bool = True, pairings: Iterable = ()
) -> list[Problem]:
    """The lists that are still ``init``'s examples, the sample's settings, the placeholder URL.

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
    config = campaign.config_name
    if not problems:
        listed = list(pairings)
        problems += example_rows(listed, campaign)
        if not problems:  # the lists are the campaign's own: so must its name and addresses be
            problems += example_settings(campaign, listed, config)
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


def example_rows(pairings: Iterable, campaign: CampaignIdentity) -> list[Problem]:
    """The example's fictional people still among the cards to print.

    A list edited by adding rows below init's examples differs from them but still holds them.
    """
    senders, prisoners = _example_people()
    sender_ids, prisoner_ids = {i for i, _ in senders}, {i for i, _ in prisoners}
    found: dict[str, set[int]] = {"senders": set(), "prisoners": set()}
    for pairing in pairings:  # an id is in memory; a name may be on disk: read only if needed
        sender, prisoner = pairing.sender, pairing.prisoner
        if sender.id in sender_ids and (sender.id, sender.name) in senders:
            found["senders"].add(sender.row)
        if prisoner.id in prisoner_ids and (prisoner.id, prisoner.name) in prisoners:
            found["prisoners"].add(prisoner.row)
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


def example_settings(campaign: CampaignIdentity, pairings: Sequence, config: str) -> list[Problem]:
    """``init``'s sample name, hashtag and campaign-wide return address, kept with real lists.

    The sample's return address (the European Parliament's) is refused only on cards of
    senders of other parliaments: for an MEP it is the right building, and so is every
    entry of the sample's ``[return_addresses]``, which is never refused.
    """
    sample = _sample_campaign()
    problems = []
    for key, value, what, fix in (
        ("name", campaign.name, sample.name, "give your campaign its own name (the ledger "
         "keeps cards by campaign name)"),
        ("hashtag", campaign.hashtag, sample.hashtag, "put your campaign's hashtag, or "
         "delete the line"),
    ):  # fmt: skip
        if value and folded(value) == folded(what):
            problems.append(
                Problem(
                    f"{value!r} is the sample campaign's {key} (postcards init): {fix} "
                    "(--example takes the example as it is)",
                    file=config,
                    column=f"campaign.{key}",
                )
            )
    return problems + _sample_return_address(campaign, pairings, config)


def _sample_return_address(
    campaign: CampaignIdentity, pairings: Sequence, config: str
) -> list[Problem]:
    """The sample's campaign-wide return address on cards of senders it does not house."""
    sample = _sample_campaign()
    if _folded(campaign.return_address) != _folded(sample.return_address):
        return []
    houses = {  # the parliaments at that address, by the sample's own table
        parliament_key(key): key
        for key, lines in sample.return_addresses.items()
        if _folded(lines) == _folded(sample.return_address)
    }
    cards: dict[str, int] = Counter(pairing.sender.id for pairing in pairings)
    senders = {pairing.sender.id: pairing.sender for pairing in pairings}  # each looked at once
    returns, elsewhere = campaign.returns, Counter[str]()
    for sender_id, sender in senders.items():
        chosen = returns.choose(sender.return_address, sender.parliament)
        if (
            chosen
            and chosen.source == FROM_CAMPAIGN
            and parliament_key(sender.parliament) not in houses
        ):
            elsewhere[sender.parliament or "no parliament given"] += cards[sender_id]
    if not elsewhere:
        return []
    shown = ", ".join(f"{p}: {n}" for p, n in sorted(elsewhere.items()))
    outside = " or ".join(houses.values()) or "that building"
    return [
        Problem(
            f"the sample's return address ({', '.join(sample.return_address)}) would be "
            f"printed on {counted(sum(elsewhere.values()), 'card')} of senders who do not "
            f"sit in {outside} ({shown}), whose returned cards would go to the wrong "
            f"building: put your office's address here, or give their parliaments' "
            f"addresses in [{TABLE}] (--example takes the example as it is)",
            file=config,
            column="campaign.return_address",
        )
    ]


def _folded(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(map(folded, lines))


@dataclass(frozen=True)
class _Sample:
    """What ``init``'s sample campaign says, as far as this check compares it."""

    name: str
    hashtag: str
    return_address: tuple[str, ...]
    return_addresses: dict[str, tuple[str, ...]]


@cache
def _sample_campaign() -> _Sample:
    sample = load_campaign(bundled("samples") / CAMPAIGN_FILE)
    return _Sample(sample.name, sample.hashtag, sample.return_address, sample.return_addresses)


def _rows(rows: set[int]) -> str:
    shown = sorted(rows)
    return ", ".join(map(str, shown[:10])) + (f" … ({len(shown)} rows)" if len(shown) > 10 else "")


@cache
def _example_people() -> tuple[frozenset, frozenset]:
    """(id, name) of every sender and prisoner of the bundled example lists."""
    samples = load_campaign(bundled("samples") / CAMPAIGN_FILE)
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
