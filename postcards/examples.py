"""An untouched ``postcards init`` folder is not a campaign: its lists are the examples.

``init`` copies the bundled sample campaign (fictional senders and prisoners, a URL at
example.org) to show what goes where.  Printing it as it is would put fictional names on
real cards, so ``check`` and ``cards`` say so, and pass it only with ``--example``.  The
lists are recognised by their content (the same bytes as the bundled examples), not by a
marker a user could delete without replacing them; the bundled samples folder itself is
the demo and passes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from .config import Campaign
from .errors import Problem, display_name
from .resources import bundled

#: Domains reserved for examples (RFC 2606): a URL there is a placeholder.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")


def example_problems(campaign: Campaign, url: bool = True) -> list[Problem]:
    """The lists that are still ``init``'s examples and, with ``url``, a placeholder
    ``[campaign] url`` (posters print it; cards never do)."""
    samples = bundled("samples").resolve()
    if campaign.root.resolve() == samples:
        return []  # the demo campaign, examples on purpose
    problems = []
    for what, path in (("senders", campaign.senders_path),
                       ("prisoners", campaign.prisoners_path)):
        if path is not None and _same_file(path, samples / path.name):
            problems.append(Problem(
                f"this is the example {what} list of postcards init (fictional people), "
                f"unchanged: put your campaign's {what} in it (--example takes the example "
                "as it is)", file=display_name(path)))
    config = display_name(campaign.source or "campaign.toml")
    host = (urlsplit(campaign.url).hostname or "").lower()
    if url and any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        problems.append(Problem(
            f"{campaign.url} is a placeholder ({host}); put your campaign's web address "
            "(--example takes the example as it is)", file=config, column="campaign.url"))
    return problems


def _same_file(path: Path, example: Path) -> bool:
    try:
        return (path.is_file() and example.is_file()
                and path.stat().st_size == example.stat().st_size
                and path.read_bytes() == example.read_bytes())
    except OSError:
        return False
