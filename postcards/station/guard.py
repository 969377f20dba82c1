"""Who may use the station: a token or a same-origin browser, and bodies of a sane size."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

MAX_BODY = 64 * 1024
"""A scan is a few hundred bytes; anything over this is refused unread (413)."""

COOKIE = "postcards_token"


class Refusal(Exception):
    """Bad input: answered with ``status`` and a JSON ``reason``."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Guard:
    """Token, origin and body-size checks in front of every route.

    The token may come as ``Authorization: Bearer T``, the cookie, or ``?token=T`` (a
    page fetched so is redirected to itself without it and gets the cookie, so the token
    does not stay in the address bar or the history).
    """

    def __init__(self, app, token: str):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send) -> None:
        """Pass requests that carry the token; a GET with it in the URL is given a cookie."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        if self.token:
            given = _given_token(request)
            if not (given and secrets.compare_digest(given, self.token)):
                return await _answer(
                    scope,
                    receive,
                    send,
                    401,
                    "a token is required: open the join URL the station printed",
                )
            if request.query_params.get("token") and request.method == "GET":
                query = urlencode([(k, v) for k, v in request.query_params.multi_items()
                                   if k != "token"])  # fmt: skip
                target = request.url.path + (f"?{query}" if query else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(
                    COOKIE,
                    self.token,
                    httponly=True,
                    samesite="strict",
                    secure=request.url.scheme == "https",
                )
                return await response(scope, receive, send)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            why = _cross_origin(request)
            if why:
                return await _answer(scope, receive, send, 403, why)
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BODY:
                return await _answer(scope, receive, send, 413, "the request is over 64 KB")
        await self.app(scope, receive, send)


def _given_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get(COOKIE, "")


def _cross_origin(request: Request) -> str:
    """Why a state-changing request is refused as coming from another site, or ''."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return "a request from another site is refused"
    origin = request.headers.get("origin")
    if origin is None:
        return ""  # not a browser (a script with the token), or an old one
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return "" if origin == own else f"a request from {origin} is refused"


async def _answer(scope, receive, send, status: int, reason: str) -> None:
    await JSONResponse({"reason": reason}, status_code=status)(scope, receive, send)
