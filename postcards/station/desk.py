"""The campaign desk's JSON API: settings, lists, columns, check, pairs, previews, print runs.

The station only turns requests into calls of its :class:`Backend` and the answers into
JSON; the backend (:class:`postcards.jobs.desk.CampaignDesk`, given by ``serve``) holds
every rule, running the jobs the command line runs.  A problem is answered with the text
the command line prints (``text``) and its parts; input the backend refuses is a 400
``{"problems": […]}``, a ledger that cannot be reached a 503, as on every route.  The
routes sit behind the station's guard (Host, token, origin, body size); a list upload
may be larger than a scan (:data:`~postcards.inputs.spreadsheets.MAX_UPLOAD`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from postcards.errors import ConflictError, LedgerError, PostcardsError, Problem
from postcards.inputs.people import LISTS
from postcards.inputs.spreadsheets import MAX_UPLOAD
from postcards.progress import Progress
from postcards.station.desk_pages import desk_pages
from postcards.station.guard import Refusal, json_body, text_field
from postcards.station.print_jobs import Busy, PrintJobs

T = TypeVar("T")


class Backend(Protocol):
    """What the desk asks of its campaign (see :class:`postcards.jobs.desk.CampaignDesk`)."""

    def settings(self) -> dict[str, Any]: ...  # noqa: D102
    def save_settings(  # noqa: D102
        self, changes: dict[str, Any], before: Any = None
    ) -> dict[str, Any]: ...
    def list_report(self, what: str) -> dict[str, Any]: ...  # noqa: D102
    def upload_list(self, what: str, filename: str, data: bytes) -> dict[str, Any]: ...  # noqa: D102
    def save_columns(  # noqa: D102
        self, what: str, columns: dict[str, Any], before: Any = None
    ) -> dict[str, Any]: ...
    def check(self) -> dict[str, Any]: ...  # noqa: D102
    def assign(self, options: dict[str, Any]) -> dict[str, Any]: ...  # noqa: D102
    def pairs(self, sender: str, prisoner: str, office: str | None) -> list[dict]: ...  # noqa: D102
    def edit_pair(  # noqa: D102
        self, sender: str, prisoner: str, message: str, before: str | None = None
    ) -> dict[str, Any]: ...
    def preview(self, sender: str, prisoner: str, side: str) -> bytes: ...  # noqa: D102
    def print_run(  # noqa: D102
        self, options: dict[str, Any]
    ) -> Callable[[Progress], tuple[dict[str, Path], list[Problem]]]: ...
    def poster(self, kind: str, count: str, suffix: str) -> bytes: ...  # noqa: D102
    def view(self) -> tuple[str, Any, dict[str, Any]]: ...  # noqa: D102


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as the API answers it: its parts and the command line's line."""
    return {"file": problem.file, "row": problem.row, "column": problem.column,
            "message": problem.message, "severity": "warning" if problem.warning else "error",
            "text": str(problem)}  # fmt: skip


def jsonable(value: Any) -> Any:
    """``value`` with its problems as :func:`problem_json` and its paths as file names."""
    if isinstance(value, Problem):
        return problem_json(value)
    if isinstance(value, Path):
        return value.name
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _backend(request: Request) -> Backend:
    backend = request.app.state.station.desk
    if backend is None:
        raise Refusal(404, "the desk needs a campaign folder: start serve with campaign.toml")
    return backend


async def _call(request: Request, work: Callable[[Backend], T], refresh: bool = False) -> T:
    """``work(backend)`` in a worker thread; refused input is a 400 with its problems.

    A change made from values someone has changed since is a 409.

    ``refresh``: the station's name, directory and scope are read again after it (a
    changed list or name shows on the dashboard).
    """
    backend = _backend(request)
    try:
        result = await run_in_threadpool(work, backend)
    except LedgerError:
        raise  # 503, as on every route
    except ConflictError as error:
        raise Refused(error.problems, 409) from None
    except PostcardsError as error:
        raise Refused(error.problems) from None
    if refresh:
        station = request.app.state.station
        view = await run_in_threadpool(backend.view)
        station.campaign, station.directory, station.scope = view
        station.cached.counts = (-1, -1)  # the figures are made again with the new names
    return result


class Refused(Exception):
    """Input the backend refused: a 400 (or a 409) with every problem."""

    def __init__(self, problems: list[Problem], status: int = 400):
        super().__init__(problems)
        self.problems, self.status = problems, status


async def refused(request: Request, error: Refused) -> JSONResponse:
    """The answer to :class:`Refused`: its problems, and the first as the ``reason``."""
    shown = jsonable(error.problems)
    reason = shown[0]["text"] if shown else "refused"
    return JSONResponse({"reason": reason, "problems": shown}, status_code=error.status)


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(jsonable(data), status_code=status)


def _list_name(request: Request) -> str:
    what = request.path_params["what"]
    if what not in LISTS:
        raise Refusal(404, f"no list {what[:40]!r}: the lists are senders and prisoners")
    return what


async def get_settings(request: Request) -> JSONResponse:
    """``GET /api/settings``: the campaign form's values, parliaments and choices."""
    return _json(await _call(request, lambda b: b.settings()))


async def put_settings(request: Request) -> JSONResponse:
    """``PUT /api/settings``: ``{"campaign": {…}, "cards": {…}}`` saved to campaign.toml.

    ``"before"``, the same shape: what the page showed of the settings it changes; one
    changed since is a 409, and nothing is saved.
    """
    data = await json_body(request, '{"campaign": {"name": "…"}}')
    before = data.pop("before", None)
    return _json(await _call(request, lambda b: b.save_settings(data, before), refresh=True))


async def get_list(request: Request) -> JSONResponse:
    """``GET /api/lists/{what}``: the list's headers and the fields they are read as."""
    what = _list_name(request)
    return _json(await _call(request, lambda b: b.list_report(what)))


async def put_list(request: Request) -> JSONResponse:
    """``PUT /api/lists/{what}``, multipart ``file``: the campaign's new list."""
    what = _list_name(request)
    _backend(request)
    filename, data = await _upload(request)
    return _json(await _call(request, lambda b: b.upload_list(what, filename, data), True))


async def _upload(request: Request) -> tuple[str, bytes]:
    """The multipart field ``file``: its name in the browser and its bytes.

    Raises:
        Refusal: 413 over :data:`MAX_UPLOAD` (counted as it comes, whatever the headers
            said), 400 for a body that is not a form with one file called ``file``.
    """
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPLOAD:
                raise Refusal(413, f"the upload is over {MAX_UPLOAD // 2**20} MB")
    except ClientDisconnect:
        raise Refusal(400, "the upload was cut off") from None
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Refusal(400, "send the list as multipart/form-data with a field called file")

    async def stream() -> AsyncGenerator[bytes, None]:
        yield bytes(body)

    try:
        form = await MultiPartParser(request.headers, stream(), max_files=1, max_fields=4).parse()
    except MultiPartException as error:
        raise Refusal(400, f"the form cannot be read: {error.message}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Refusal(400, "no file in the form: send the list as a field called file")
    data = await upload.read()
    await form.close()
    return upload.filename or "", data


async def put_columns(request: Request) -> JSONResponse:
    """``PUT /api/columns/{what}``: ``{"name": ["Vorname", "Nachname"], "other": […]}``.

    ``"before"``: the columns the page showed; columns changed since are a 409.
    """
    what = _list_name(request)
    data = await json_body(request, '{"name": ["Vorname", "Nachname"]}')
    before = data.pop("before", None)
    return _json(await _call(request, lambda b: b.save_columns(what, data, before), refresh=True))


async def get_check(request: Request) -> JSONResponse:
    """``GET /api/check``: what ``postcards check`` finds."""
    return _json(await _call(request, lambda b: b.check()))


async def post_assign(request: Request) -> JSONResponse:
    """``POST /api/assign``: ``{}`` or ``{"per_prisoner"|"per_sender", "seed"}``."""
    data = await json_body(request, "{}")
    return _json(await _call(request, lambda b: b.assign(data)))


def _ids(request: Request, *names: str) -> list[str]:
    return [text_field(dict(request.query_params), name) for name in names]


async def get_pairs(request: Request) -> JSONResponse:
    """``GET /api/pairs?sender=&prisoner=&office=``: the wave's cards."""
    sender, prisoner = _ids(request, "sender", "prisoner")
    office = request.query_params.get("office")
    found = await _call(request, lambda b: b.pairs(sender, prisoner, office))
    return _json({"pairs": found})


async def put_pair(request: Request) -> JSONResponse:
    """``PUT /api/pairs/{sender}/{prisoner}`` ``{"message"}``: saved, with its findings.

    ``"before"``: the message the page showed; a message changed since is a 409.
    """
    sender, prisoner = request.path_params["sender"], request.path_params["prisoner"]
    data = await json_body(request, '{"message": "…"}')
    unknown = sorted(set(data) - {"message", "before"})
    if unknown:  # a misspelt "message" would otherwise put the template's back unseen
        raise Refusal(400, f'unknown key {unknown[0]!r}: send {{"message", "before"}}')
    if "message" not in data:
        raise Refusal(400, "no 'message': send \"\" for the template's message")
    message, before = data["message"], data.get("before")
    if not isinstance(message, str):
        raise Refusal(400, "'message' must be text")
    if before is not None and not isinstance(before, str):
        raise Refusal(400, "'before' must be text: the message the page showed")
    return _json(await _call(request, lambda b: b.edit_pair(sender, prisoner, message, before)))


async def get_preview(request: Request) -> Response:
    """``GET /api/preview?sender&prisoner&side=front|back``: the card's face as PNG."""
    sender, prisoner, side = _ids(request, "sender", "prisoner", "side")
    png = await _call(request, lambda b: b.preview(sender, prisoner, side or "front"))
    return Response(png, media_type="image/png")


async def get_poster(request: Request) -> Response:
    """``GET /api/poster?kind=godparents|share&count=sent|assigned&format=png|pdf|zip``.

    The godparents poster (PNG to look at, PDF to print) or the share images (the first
    as PNG, all of them in a ZIP).
    """
    kind, count, suffix = _ids(request, "kind", "count", "format")
    kind, suffix = kind or "godparents", suffix or "png"
    data = await _call(request, lambda b: b.poster(kind, count or "sent", suffix))
    if suffix in ("pdf", "zip"):
        name = "poster.pdf" if suffix == "pdf" else "share-images.zip"
        saved = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(data, media_type=f"application/{suffix}", headers=saved)
    return Response(data, media_type="image/png")


async def post_print(request: Request) -> JSONResponse:
    """``POST /api/print``: 202 ``{"job"}``; 409 while another run draws."""
    data = await json_body(request, '{"layout": "a4-2up"}')
    work = await _call(request, lambda b: b.print_run(data))
    try:
        job = request.app.state.prints.start(work)
    except Busy as busy:
        raise Refusal(409, f"print run {busy.job} is drawing; wait for it to end") from None
    return _json({"job": job.id, "state": job.state}, 202)


def _job(request: Request):
    job = request.app.state.prints.get(request.path_params["job"])
    if job is None:
        raise Refusal(404, "no such print run")
    return job


async def get_print(request: Request) -> JSONResponse:
    """``GET /api/print/{job}``: state, cards done of total, files, problems."""
    _backend(request)
    return _json(_job(request).shown())


async def get_print_file(request: Request) -> Response:
    """``GET /api/print/{job}/{kind}``: the PDF (``file``), ``manifest``, ``ticket``."""
    _backend(request)
    job, kind = _job(request), request.path_params["kind"]
    path = job.files.get(kind) if job.state == "done" else None
    if path is None or not path.is_file():
        raise Refusal(404, f"print run {job.id} has no {kind[:20]!r} file")
    media = "text/csv" if path.suffix == ".csv" else "application/pdf"
    return FileResponse(path, media_type=media, filename=path.name)


def desk_routes() -> list[Route]:
    """The desk's pages and its API's routes."""
    return [
        *desk_pages(),
        Route("/api/settings", get_settings, methods=["GET"]),
        Route("/api/settings", put_settings, methods=["PUT"]),
        Route("/api/lists/{what}", get_list, methods=["GET"]),
        Route("/api/lists/{what}", put_list, methods=["PUT"]),
        Route("/api/columns/{what}", put_columns, methods=["PUT"]),
        Route("/api/check", get_check, methods=["GET"]),
        Route("/api/assign", post_assign, methods=["POST"]),
        Route("/api/pairs", get_pairs, methods=["GET"]),
        Route("/api/pairs/{sender}/{prisoner}", put_pair, methods=["PUT"]),
        Route("/api/preview", get_preview, methods=["GET"]),
        Route("/api/poster", get_poster, methods=["GET"]),
        Route("/api/print", post_print, methods=["POST"]),
        Route("/api/print/{job}", get_print, methods=["GET"]),
        Route("/api/print/{job}/{kind}", get_print_file, methods=["GET"]),
    ]


def new_print_jobs() -> PrintJobs:
    """The runs of one station."""
    return PrintJobs()
