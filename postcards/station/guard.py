"""Who may use the station and what it takes in.

In front of every route: the Host header must name this station (DNS rebinding), then a
token or a same-origin browser; every answer is marked ``nosniff`` and, but for the
static files, ``no-store``.  A request body is JSON of a sane size and depth, and its text
fields hold no lone surrogates, control or invisible characters.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse

from postcards.inputs.spreadsheets import MAX_UPLOAD
from postcards.invisible import describe, invisible_chars

MAX_BODY = 64 * 1024
"""A scan is a few hundred bytes; anything over this is refused unread (413)."""

UPLOADS = "/api/lists/"
"""The paths whose bodies are uploads, held to :data:`MAX_UPLOAD` instead."""

MAX_DEPTH = 8
"""A scan is one flat object; JSON nested deeper is refused (400) before it is parsed."""

TOKEN_COOKIE = "postcards_token"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
"""The loopback names the station always answers to (with its port)."""


class Refusal(Exception):
    """Bad input: answered with ``status`` and a JSON ``reason``."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Guard:
    """Host, token, origin and body-size checks in front of every route.

    The Host header must be a loopback name, one of ``hosts`` or the address the request
    came in on, with the port it came in on; anything else is answered 421 before any
    data (a page of another site whose name was re-pointed at the station).

    The token may come as ``Authorization: Bearer T``, the cookie, or ``?token=T`` (a
    page fetched so is redirected to itself without it and gets the cookie, so the token
    does not stay in the address bar or the history).
    """

    def __init__(self, app, token: str, hosts: Iterable[str] = ()):
        self.app, self.token = app, token
        self.hosts = frozenset(_bare(name) for name in (*LOOPBACK, *hosts))

    async def __call__(self, scope, receive, send) -> None:
        """Pass requests to this station that carry the token; mark every answer."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        send = _marked(send, private=not scope["path"].startswith("/static/"))
        request = Request(scope)
        wrong = self._misdirected(scope, request.headers.get("host", ""))
        if wrong:
            return await _answer(scope, receive, send, 421, wrong)
        if self.token:
            given = _given_token(request).encode()
            if not secrets.compare_digest(given, self.token.encode()):
                why = "a token is required: open the join URL the station printed"
                return await _answer(scope, receive, send, 401, why)
            if request.query_params.get("token") and request.method == "GET":
                query = urlencode([(k, v) for k, v in request.query_params.multi_items()
                                   if k != "token"])  # fmt: skip
                path = local_path(scope["path"]).replace("?", "%3F").replace("#", "%23")
                target = path + (f"?{query}" if query else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(
                    TOKEN_COOKIE,
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
            upload = scope["path"].startswith(UPLOADS)
            if length.isdigit() and int(length) > (MAX_UPLOAD if upload else MAX_BODY):
                why = f"the upload is over {MAX_UPLOAD // 2**20} MB" if upload else ""
                why = why or "the request is over 64 KB"
                return await _answer(scope, receive, send, 413, why)
        await self.app(scope, receive, send)

    def _misdirected(self, scope, host: str) -> str:
        """Why the Host header names another place than this station, or ''."""
        refused = (f"misdirected request: this station does not answer to {host[:100]!r}; "
                   "open the address the station printed")  # fmt: skip
        if not host:
            return "misdirected request: no Host header; open the address the station printed"
        match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[^\[\]:]+)(?::(\d{1,5}))?", host)
        if match is None:
            return refused
        name, port = _bare(match[1]), match[2]
        address, own_port = scope.get("server") or (None, None)
        if own_port is not None:
            default = 443 if scope.get("scheme") == "https" else 80
            if (int(port) if port else default) != own_port:
                return refused
        if name in self.hosts or _same_address(name, address):
            return ""
        return refused


def local_path(path: str) -> str:
    r"""``path`` when it is a path on this station, else ``/``.

    A path that a browser would read as another site's (``//host``, ``/\\host``), or one
    holding a scheme, a control character or a backslash, becomes ``/``.
    """
    if (
        not path.startswith("/")
        or path.startswith("//")
        or "://" in path
        or "\\" in path
        or not path.isprintable()
    ):
        return "/"
    return path


def _bare(name: str) -> str:
    """A host name as compared: lower case, no brackets, no final dot."""
    return name.strip("[]").rstrip(".").lower()


def _same_address(name: str, address: str | None) -> bool:
    """True when ``name`` is the IP address ``address`` (the request came in on it)."""
    if not address:
        return False
    try:
        given, own = ipaddress.ip_address(name), ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(own, ipaddress.IPv6Address) and own.ipv4_mapped is not None:
        return given == own.ipv4_mapped or given == own
    return given == own


def _given_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE, "")


def _cross_origin(request: Request) -> str:
    """Why a state-changing request is refused as coming from another site, or ''."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return "a request from another site is refused"
    origin = request.headers.get("origin")
    if origin is None:
        return ""  # not a browser (a script with the token), or an old one
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return "" if origin == own else f"a request from {origin} is refused"


def _marked(send, private: bool):
    """``send``, adding ``nosniff`` to every answer and ``no-store`` to the private ones."""

    async def marked(message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["X-Content-Type-Options"] = "nosniff"
            if private:
                headers["Cache-Control"] = "no-store"
        await send(message)

    return marked


async def _answer(scope, receive, send, status: int, reason: str) -> None:
    await JSONResponse({"reason": reason}, status_code=status)(scope, receive, send)


# --- what a request brings -------------------------------------------------------------


async def json_body(request: Request, example: str = '{"code": "…"}') -> dict[str, Any]:
    """The request's JSON object, read up to :data:`MAX_BODY` and :data:`MAX_DEPTH` deep.

    Raises:
        Refusal: 413 for a body over the size, 400 for one that is not a JSON object,
            nested too deep, or cut off.
    """
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise Refusal(413, "the request is over 64 KB")
    except ClientDisconnect:
        raise Refusal(400, "the request was cut off") from None
    if _depth(body) > MAX_DEPTH:
        why = f"the body is nested deeper than {MAX_DEPTH} levels"
        raise Refusal(400, f"{why}; send an object like {example}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refusal(400, f"the body is not JSON; send {example}") from None
    if not isinstance(data, dict):
        raise Refusal(400, f"the body must be a JSON object: {example}")
    return data


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def _depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets in strings skipped)."""
    depth = deepest = 0
    for byte in _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def text_field(data: dict[str, Any], key: str, default: str = "", limit: int = 200) -> str:
    """The text ``data[key]`` (``default`` when absent or null), without surrounding space.

    Raises:
        Refusal: 400, naming the field: not text, over ``limit`` characters, or holding a
            lone surrogate, a control character or an invisible one.
    """
    value = data.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        raise Refusal(400, f"{key!r} must be text")
    if len(value) > limit:
        raise Refusal(400, f"{key!r} is longer than {limit} characters")
    value = value.strip()
    surrogate = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
    if surrogate is not None:
        raise Refusal(400, f"{key!r} contains a lone surrogate (U+{ord(surrogate):04X}), "
                           "which is not text")  # fmt: skip
    hidden = [c for c in dict.fromkeys(value) if c in "\n\t"] + invisible_chars(value)
    if hidden:
        names = ", ".join(describe(c) for c in hidden)
        raise Refusal(400, f"{key!r} contains an invisible {names}; send it without")
    return value
