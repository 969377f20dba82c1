"""The station's web app: pages, the JSON API, and the guards in front of them.

Every scan goes through :class:`postcards.ledger.scanning.Scanner`, so the station refuses exactly
what ``track scan`` refuses, with the same reasons; but a card of another campaign is refused
without naming its campaign or its people.  A ledger that cannot be read or written is
answered 503 with the reason, on every route.  The ledger is one connection used by
one thread, the station's ledger thread: SQLite serialises writers anyway, and a scan is
a single short transaction.  Pages are Jinja2 templates with autoescaping; what the scripts add
later is set as text, never as HTML.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from postcards.codes import CodeError, format_code
from postcards.errors import LedgerError, PostcardsError
from postcards.ledger.archive import collect, write_archive
from postcards.ledger.book import Ledger
from postcards.ledger.coverage import NO_PARLIAMENT, Directory, build_report
from postcards.ledger.engines import from_driver
from postcards.ledger.model import Event, LedgerCard, current_status
from postcards.ledger.report_files import write_report
from postcards.ledger.scanning import (
    DUPLICATE,
    RECORDED,
    SCAN_STATUSES,
    Scanner,
    scanned_code,
    unvoid,
)
from postcards.station.coverage import (
    Download,
    FigureCache,
    built,
    check_office,
    figures,
    headers_only,
)
from postcards.station.desk import Backend, Refused, desk_routes, new_print_jobs, refused
from postcards.station.guard import Guard, Refusal, json_body, text_field
from postcards.station.language import LanguageChoice
from postcards.station.pages import HERE, render_page

RESULTS = {RECORDED: "recorded", DUPLICATE: "repeat"}
T = TypeVar("T")


@dataclass
class Station:
    """What the app serves: the open ledger, the campaign's name and its directory.

    Attributes:
        ledger: the open ledger (used in ``worker``'s one thread).
        campaign: the campaign's name, as its cards were recorded.
        directory: parliaments and prisoners from the spreadsheets.
        token: required on every request when set (any address but localhost).
        scope: the campaign and ``[qr] url`` a scanned card must belong to, as for
            ``track scan`` (:class:`postcards.ledger.scanning.Scanner`); empty: any card.
        hosts: the names the Host header may give besides the loopback names and the
            address a request came in on (:class:`postcards.station.guard.Guard`).
    """

    ledger: Ledger
    campaign: str
    directory: Directory = field(default_factory=lambda: Directory({}, {}))
    token: str = ""
    fonts: Callable[[], Any] | None = None  # the design's FontSet, for the archive
    worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="postcards-ledger")
    )
    cached: FigureCache = field(default_factory=FigureCache)  # the dashboard's, per office
    scope: dict[str, Any] = field(default_factory=dict)
    hosts: tuple[str, ...] = ()  # names it answers to besides loopback and its own address
    bom: bool = True  # CSV downloads start with the UTF-8 byte order mark (serve --no-bom)
    desk: Backend | None = None  # the campaign desk's work (postcards.station.desk), if any
    serving: bool = False  # a server runs the app (its lifespan began and has not ended)

    async def run(self, work: Callable[[], T]) -> T:
        """Run ledger work in the station's ledger thread, one piece at a time, in order.

        One thread rather than a pool behind a lock: the connection serves one at a time
        anyway, and handing work to one waiting thread costs less on every scan than
        waking a pool's threads to queue on a lock.  Work once handed over is done, even
        when the phone that asked has gone (as with a pool): a scan is recorded or not,
        never half.
        """
        return await asyncio.shield(asyncio.wrap_future(self.worker.submit(work)))


# --- the API ---------------------------------------------------------------------------


async def post_scan(request: Request) -> JSONResponse:
    """Record a scan posted by a phone; answers recorded, repeat or refused."""
    station: Station = request.app.state.station
    data = await json_body(request)
    code = text_field(data, "code")
    if not code:
        raise Refusal(400, 'no code: send {"code": "…"}')
    status = text_field(data, "status", "sent")
    if status not in SCAN_STATUSES:
        raise Refusal(400, f"status {status!r}: use one of {', '.join(SCAN_STATUSES)}")
    nonce, by = text_field(data, "nonce", limit=100), text_field(data, "by", limit=100)
    device, note = text_field(data, "device", limit=100), text_field(data, "note", limit=500)
    note = "; ".join(part for part in (note, f"station {device}" if device else "") if part)
    scanner = Scanner(station.ledger, status=status, by=by or "station", note=note, **station.scope)
    outcome = await station.run(lambda: scanner.scan(code, nonce=nonce))
    assert outcome is not None  # a code that is not empty always has an outcome
    shown = format_code(outcome.code) if outcome.code else ""
    if _foreign(station, outcome.card):  # refused (or a nonce resent): no names of theirs
        return JSONResponse({"result": "refused", "code": shown, "card": None,
                             "reason": f"{shown}: refused: {_OTHER_CAMPAIGN}"})  # fmt: skip
    result = RESULTS.get(outcome.kind, "refused")
    answer: dict[str, Any] = {
        "result": result, "code": shown, "reason": outcome.message,
        "card": _card(outcome.card, None),
    }  # fmt: skip
    if result == "repeat" and outcome.event is not None:
        answer["first"] = {"at": outcome.event.at, "by": outcome.event.by,
                           "status": outcome.event.status}  # fmt: skip
    if result != "refused":
        assert result == "recorded" or outcome.event is not None  # a repeat names the first
        answer["card"]["status"] = status if result == "recorded" else outcome.event.status  # type: ignore[union-attr]
    return JSONResponse(answer)


def _card(card, history) -> dict[str, Any] | None:
    if card is None:
        return None
    shown = {
        "code": format_code(card.code), "campaign": card.campaign, "wave": card.wave,
        "sender_id": card.sender_id, "sender_name": card.sender_name,
        "prisoner_id": card.prisoner_id, "prisoner_name": card.prisoner_name,
        "language": card.language, "office": card.office,
    }  # fmt: skip
    if history is not None:
        shown["status"] = current_status(e.status for e in history)
        shown["events"] = [{"status": e.status, "at": e.at, "by": e.by, "note": e.note}
                           for e in history]  # fmt: skip
    return shown


_OTHER_CAMPAIGN = "a card of another campaign; scan it at that campaign's station"


def _foreign(station: Station, card: LedgerCard | None) -> bool:
    """True for a card of another campaign than the station's (a ledger campaigns share)."""
    campaign = station.scope.get("campaign")
    return card is not None and campaign is not None and card.campaign != campaign


def _lookup(station: Station, text: str) -> tuple[LedgerCard, list[Event]]:
    """A card of the station's campaign and its history (called under the lock).

    Raises:
        Refusal: 400 for a malformed code, 404 for a code of no card or of another
            campaign's card (naming none of its people).
        LedgerError: the ledger cannot be read (answered 503).
    """
    try:
        code = scanned_code(text, station.scope.get("url"))
    except CodeError as error:
        raise Refusal(400, f"{text!r}: {error}") from None
    card = station.ledger.card(code)
    if card is None:
        raise Refusal(404, f"{format_code(code)}: unknown code; no card in "
                           f"{station.ledger.name} has it")  # fmt: skip
    if _foreign(station, card):
        raise Refusal(404, f"{format_code(code)}: {_OTHER_CAMPAIGN}")
    return card, station.ledger.history(code)


async def get_card(request: Request) -> JSONResponse:
    """A card and its history as JSON; 400 for a malformed code, 404 for an unknown one."""
    station: Station = request.app.state.station
    text = request.path_params["code"]
    card, history = await station.run(lambda: _lookup(station, text))
    return JSONResponse(_card(card, history))


async def post_unvoid(request: Request) -> JSONResponse:
    """Undo a void made by mistake (``{"by"?, "note"?}``); 409 when it cannot be undone.

    That is a card that is not void, or whose reprint replaced it.
    """
    station: Station = request.app.state.station
    data = await json_body(request)
    by, note = text_field(data, "by", limit=100), text_field(data, "note", limit=500)
    text = request.path_params["code"]

    def undo() -> tuple[LedgerCard, list[Event]]:
        card, _ = _lookup(station, text)  # another campaign's card: 404, naming no one
        try:
            unvoid(station.ledger, card.code, by or "station", note, **station.scope)
        except LedgerError as error:
            if from_driver(error):  # the ledger cannot write: 503, the phone may retry
                raise
            raise Refusal(409, error.problems[0].message) from None
        return card, station.ledger.history(card.code)

    card, history = await station.run(undo)
    return JSONResponse({"result": "recorded", "card": _card(card, history)})


def coverage(station: Station, office: str | None = None) -> dict[str, Any]:
    """What the dashboard shows, for the campaign or one office (called under the lock).

    Rebuilt only when the ledger has new cards or events (several dashboards poll it), so that a
    poll does not hold up the scans.

    Raises:
        Refusal: 400, the ledger has no cards of ``office``.
    """
    return figures(station.ledger, station.campaign, station.directory, station.cached, office)


def _office(request: Request) -> str | None:
    """The office asked for (``?office=NAME``; an empty name is the unnamed office), or None."""
    office = request.query_params.get("office")
    if office is not None and len(office) > 200:
        raise Refusal(400, "'office' is longer than 200 characters")
    return office


async def get_coverage(request: Request) -> JSONResponse:
    """The dashboard's figures as JSON, for its polling."""
    station: Station = request.app.state.station
    office = _office(request)
    return JSONResponse(await station.run(lambda: coverage(station, office)))


async def download_report(request: Request) -> Response:
    """The campaign report (or ``?office=NAME``'s) as an HTML, XLSX or CSV download."""
    station: Station = request.app.state.station
    suffix = request.path_params["suffix"]
    if suffix not in ("html", "xlsx", "csv"):
        raise HTTPException(404)
    office = _office(request)
    name = "report" if office is None else f"report-{re.sub(r'[^A-Za-z0-9_-]', '_', office)}"
    if request.method == "HEAD":
        await station.run(lambda: check_office(station.ledger, station.campaign, office))
        return headers_only(f"{name}.{suffix}")

    def write(folder: Path) -> Path:
        """One file: a CSV download is the per-prisoner table (who has had nothing yet)."""
        check_office(station.ledger, station.campaign, office)
        report = build_report(station.ledger, station.campaign, station.directory, office)
        table = "prisoners" if suffix == "csv" else None
        return write_report(report, folder / f"report.{suffix}", table, station.bom)[0]

    folder, path = await station.run(built(write))
    return Download(folder, path, f"{name}.{suffix}")


async def download_archive(request: Request) -> Response:
    """Every message sent to each prisoner (one PDF each), zipped."""
    import zipfile

    station: Station = request.app.state.station
    if station.fonts is None:
        raise HTTPException(404)
    if request.method == "HEAD":
        return headers_only("archive.zip")
    fonts = station.fonts

    def write(folder: Path) -> Path:
        bundles = collect(station.ledger, station.campaign)
        written = write_archive(bundles, folder / "archive", fonts(), station.campaign)
        target = folder / "archive.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, f"archive/{path.name}")
        return target

    folder, path = await station.run(built(write))
    return Download(folder, path, "archive.zip")


# --- pages -----------------------------------------------------------------------------


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the language the request asks for (:mod:`postcards.station.language`)."""
    words_for = name.removesuffix(".html")
    return render_page(request, name, words_for, status, statuses=SCAN_STATUSES, **context)


async def dashboard(request: Request) -> HTMLResponse:
    """The dashboard page, with the ledger's figures (``?office=NAME``: that office's)."""
    station: Station = request.app.state.station
    office = _office(request)
    try:
        data = await station.run(lambda: coverage(station, office))
    except Refusal as refusal:
        return _page(request, "notfound.html", refusal.status, campaign=station.campaign,
                     reason=refusal.reason)  # fmt: skip
    return _page(request, "dashboard.html", data=data, archive=station.fonts is not None,
                 no_parliament=NO_PARLIAMENT)  # fmt: skip


async def scan_page(request: Request) -> HTMLResponse:
    """The page phones scan cards with."""
    return _page(request, "scan.html", campaign=request.app.state.station.campaign)


async def card_page(request: Request) -> HTMLResponse:
    """The page of one card and its history; 404 when the code names no card."""
    station: Station = request.app.state.station
    text = request.path_params["code"]
    try:
        card, history = await station.run(lambda: _lookup(station, text))
    except Refusal as refusal:
        return _page(request, "card.html", 404, card=None, error=refusal.reason,
                     campaign=station.campaign)  # fmt: skip
    return _page(request, "card.html", card=_card(card, history), error="",
                 campaign=station.campaign)  # fmt: skip


# --- errors ----------------------------------------------------------------------------


async def _refusal(request: Request, error: Refusal) -> JSONResponse:
    return JSONResponse({"reason": error.reason}, status_code=error.status)


async def _http_error(request: Request, error: HTTPException) -> Response:
    reason = {404: "no such page", 405: "method not allowed"}.get(
        error.status_code, str(error.detail)
    )
    if request.url.path.startswith("/api/") or error.status_code != 404:
        return JSONResponse({"reason": reason}, status_code=error.status_code)
    return _page(request, "notfound.html", 404, campaign=request.app.state.station.campaign)


async def _ledger_error(request: Request, error: PostcardsError) -> JSONResponse:
    """The ledger cannot be read or written (PostgreSQL down, a full disk): 503, saying why.

    Any :class:`~postcards.errors.LedgerError` (and any other error of the library, which a
    user fixes) is answered so, on every route: pages and downloads too.
    """
    return JSONResponse({"reason": str(error)}, status_code=503)


def _closing(station: Station) -> Callable[[Any], Any]:
    """The app's lifespan: when the server stops, the station's ledger thread ends."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        station.serving = True
        yield
        station.serving = False
        station.worker.shutdown(wait=True)

    return lifespan


def create_app(station: Station):
    """The ASGI app for one station, its guards in front."""
    routes = [
        Route("/", dashboard),
        Route("/scan", scan_page),
        Route("/cards/{code}", card_page),
        *desk_routes(),
        Route("/api/scans", post_scan, methods=["POST"]),
        Route("/api/coverage", get_coverage),
        Route("/api/cards/{code}", get_card),
        Route("/api/cards/{code}/unvoid", post_unvoid, methods=["POST"]),
        Route("/download/report.{suffix}", download_report),
        Route("/download/archive.zip", download_archive),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=_closing(station),
        # starlette types its handlers for Exception alone: these take their subclass
        exception_handlers={
            Refusal: _refusal,  # type: ignore[dict-item]
            Refused: refused,  # type: ignore[dict-item]
            HTTPException: _http_error,  # type: ignore[dict-item]
            PostcardsError: _ledger_error,  # type: ignore[dict-item]
        },
    )
    app.state.station, app.state.prints = station, new_print_jobs()
    return Guard(LanguageChoice(app), station.token, station.hosts)
