"""HTTP from the tests to the stations they start: httpx's functions with one TLS context.

httpx makes a new TLS context for every ``httpx.get``, ``post`` … it is asked, reading
the whole CA bundle each time (25–50 ms; 31 s of the suite's CPU, where the requests go
to plain http:// stations on localhost).  These take the same arguments and give the same
answers, with one context made once with httpx's own trust; a test's ``verify=False``
still wins.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import httpx

_TLS = httpx.create_ssl_context()


def _options(options: dict[str, Any]) -> dict[str, Any]:
    options.setdefault("verify", _TLS)
    return options


def get(url: str, **options: Any) -> httpx.Response:
    """``httpx.get``."""
    return httpx.get(url, **_options(options))


def head(url: str, **options: Any) -> httpx.Response:
    """``httpx.head``."""
    return httpx.head(url, **_options(options))


def post(url: str, **options: Any) -> httpx.Response:
    """``httpx.post``."""
    return httpx.post(url, **_options(options))


def request(method: str, url: str, **options: Any) -> httpx.Response:
    """``httpx.request``."""
    return httpx.request(method, url, **_options(options))


def stream(method: str, url: str, **options: Any) -> AbstractContextManager[httpx.Response]:
    """``httpx.stream``."""
    return httpx.stream(method, url, **_options(options))
