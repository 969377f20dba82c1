"""The dashboard's figures (the whole campaign's, or one office's cards alone) and its downloads.

Several dashboards poll the figures every second or two, so they are rebuilt only when the
ledger has new cards or events, and then once for each office filter asked for: a poll
does not hold up the scans.  The list of offices (what the dashboard offers to choose
from) is always the whole campaign's, whichever office is shown.

A download (a report, the archive) is built in a temporary folder of its own, sent, and
removed when the answer ends; a HEAD builds nothing.
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse, Response

from postcards.codes import format_code
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import Directory, build_report
from postcards.station.guard import Refusal

#: How many of the latest scans the dashboard lists.
LAST_SCANS = 12


@dataclass
class FigureCache:
    """The figures made at the ledger's ``counts`` (cards, events), per office filter.

    The key None is the whole campaign; a name is that office's cards alone.  Only offices
    the ledger has cards of are kept, so the cache stays as small as the campaign's list
    of offices.
    """

    counts: tuple[int, int] = (-1, -1)
    shown: dict[str | None, dict[str, Any]] = field(default_factory=dict)


def figures(
    ledger: Ledger,
    campaign: str,
    directory: Directory,
    cache: FigureCache,
    office: str | None = None,
) -> dict[str, Any]:
    """What the dashboard shows, for the campaign or one office (called under the lock).

    Raises:
        Refusal: 400, the ledger has no cards of ``office`` in the campaign.
    """
    counts = (ledger.count_cards(), ledger.count_events())
    if cache.counts != counts:
        cache.counts, cache.shown = counts, {}
    if None not in cache.shown:
        cache.shown[None] = _figures(ledger, campaign, directory, None)
    if office is None:
        return cache.shown[None]
    if office not in cache.shown:
        check_office(ledger, campaign, office)
        shown = _figures(ledger, campaign, directory, office)
        shown["offices"] = cache.shown[None]["offices"]  # to choose another from
        cache.shown[office] = shown
    return cache.shown[office]


def check_office(ledger: Ledger, campaign: str, office: str | None) -> None:
    """Refuse (400) an office the ledger has no cards of in the campaign; None is the campaign.

    Raises:
        Refusal: 400, naming the offices there are.
    """
    if office is None:
        return
    offices = ledger.offices(campaign)
    if office not in offices:
        known = ", ".join(repr(name) if name else "'' (unnamed)" for name in offices)
        raise Refusal(400, f"no cards of office {office!r} in campaign {campaign!r}; "
                           f"its offices: {known or 'none yet'}")  # fmt: skip


def _figures(
    ledger: Ledger, campaign: str, directory: Directory, office: str | None
) -> dict[str, Any]:
    report = build_report(ledger, campaign, directory, office)
    events = [e for e in ledger.events(campaign, office) if e.status != "generated"]
    cards = {c.code: c for c in ledger.cards(campaign, office)} if events else {}
    last = []
    for event in reversed(events[-LAST_SCANS:]):
        card = cards.get(event.code)
        last.append(
            {
                "code": format_code(event.code),
                "status": event.status,
                "at": event.at,
                "by": event.by,
                "prisoner_name": card.prisoner_name if card else "",
                "sender_name": card.sender_name if card else "",
                "office": card.office if card else "",
            }
        )
    return {
        "campaign": campaign,
        "office": office,
        "cards": sum(report.totals.values()),
        "by_status": report.totals,
        "prisoners": len(report.prisoners),
        "prisoners_without_sent": [{"prisoner_id": p.prisoner_id, "prisoner_name":
                                    p.prisoner_name, "cards": p.generated}
                                   for p in report.unreached],
        "parliaments": [{"parliament": p.parliament, "senders": p.senders,
                         "generated": p.generated, "sent": p.sent, "returned": p.returned}
                        for p in report.parliaments],
        "offices": [{"office": o.office, "senders": o.senders, "generated": o.generated,
                     "sent": o.sent, "returned": o.returned} for o in report.offices],
        "last_scans": last,
        "events": len(events),
    }  # fmt: skip


# --- downloads -------------------------------------------------------------------------


class Download(FileResponse):
    """A file built for one download in a folder of its own, removed when the answer ends.

    Removed in a ``finally`` rather than a background task, which is skipped when sending
    fails: a download sent whole, cut off by the browser or failed leaves nothing behind.
    """

    def __init__(self, folder: Path, path: Path, filename: str):
        super().__init__(path, filename=filename)
        self.folder = folder

    async def __call__(self, scope, receive, send) -> None:
        """Send the file, then remove its folder whatever happened."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def built(write: Callable[[Path], Path]) -> Callable[[], tuple[Path, Path]]:
    """``write`` run in a new temporary folder: the folder and the file, or no folder at all.

    Raises:
        Refusal: 503, the temporary folder cannot be written (a full disk).
    """

    def build() -> tuple[Path, Path]:
        folder = None
        try:
            folder = Path(tempfile.mkdtemp(prefix="postcards-station-"))
            return folder, write(folder)
        except BaseException as error:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            if isinstance(error, OSError):
                why = error.strerror or str(error)
                raise Refusal(503, f"the download could not be written: {why}") from None
            raise

    return build


def headers_only(filename: str) -> Response:
    """The answer to a HEAD of a download: its type and name, nothing built."""
    response = Response(
        media_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    del response.headers["content-length"]  # not known without building it
    return response
