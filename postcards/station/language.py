"""The station's languages: a message catalogue per language, and which one a request gets.

Each language's words are ``messages/<language>.toml`` and, for the desk's pages,
``messages/desk.<language>.toml``: tables of keys (``[scan] ready = "Ready"``), read as
flat keys (``scan.ready``).  A message may hold ``{name}`` placeholders,
filled with values that are data, never markup.  English is the reference: a test checks
that every catalogue has exactly its keys and placeholders.

A page is in the language of the ``postcards_lang`` cookie when it names one the station
has, else the first of the browser's ``Accept-Language`` it has, else English.  The menu on
every page asks for a page with ``?lang=xx``: :class:`LanguageChoice` answers that with the
cookie and a redirect to the same page without it, so the choice is remembered by the
browser alone (no state on the station) and does not stay in the address bar.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import RedirectResponse

from postcards.station.guard import local_path

MESSAGES = Path(__file__).parent / "messages"
DEFAULT = "en"
NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "lt": "Lietuvių",
    "pl": "Polski",
    "ru": "Русский",
}
"""The languages the station speaks, each named in itself (the menu shows these names)."""

LANGUAGE_COOKIE = "postcards_lang"
YEAR = 365 * 24 * 3600
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def catalogue(language: str) -> dict[str, str]:
    """The messages of ``language`` (one of :data:`NAMES`) as flat keys: ``scan.ready``."""
    if language not in NAMES:
        raise ValueError(f"no catalogue for {language!r}; the station has {', '.join(NAMES)}")
    messages: dict[str, str] = {}
    for part in (f"{language}.toml", f"desk.{language}.toml"):  # the station's, the desk's
        with open(MESSAGES / part, "rb") as file:
            messages.update(_flat(tomllib.load(file)))
    return messages


def _flat(tables: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tables.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def placeholders(message: str) -> set[str]:
    """The names of the ``{name}`` placeholders in ``message``."""
    return set(PLACEHOLDER.findall(message))


def fill(message: str, values: Mapping[str, Any]) -> str:
    """``message`` with each ``{name}`` replaced by ``values[name]`` (KeyError when absent).

    Only ``{name}`` is special (as in the scripts' copy of this function): no format
    specifications, and a value holding braces stays as it is.
    """
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]), message)


def from_header(header: str) -> str:
    """The station's language that an ``Accept-Language`` header prefers, else English.

    ``ru-RU,ru;q=0.9,en;q=0.8`` gives ``ru``; a range with ``q=0`` is refused; ``*`` and
    languages the station does not have are passed over.
    """
    wanted: list[tuple[float, int, str]] = []
    for place, part in enumerate(header[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        match = re.search(r"q\s*=\s*([^;\s]*)", params)
        try:
            quality = float(match[1]) if match else 1.0
        except ValueError:
            continue  # a quality that is no number: that range is passed over
        language = tag.strip().split("-")[0].lower()
        if quality > 0 and language in NAMES:
            wanted.append((-quality, place, language))
    return min(wanted)[2] if wanted else DEFAULT


def chosen(request: Request) -> str:
    """The language of the page a request asks for: the cookie's, else the browser's."""
    remembered = request.cookies.get(LANGUAGE_COOKIE, "")
    if remembered in NAMES:
        return remembered
    return from_header(request.headers.get("accept-language", ""))


class Words:
    """The messages of one language, as a page's template and scripts use them."""

    def __init__(self, language: str):
        self.language = language
        self.messages = catalogue(language)

    def __call__(self, key: str, **values: Any) -> str:
        """The message ``key`` with its placeholders filled (escaped later, as any text)."""
        return fill(self.messages[key], values)

    def markup(self, key: str, **values: Any) -> Markup:
        """The message ``key`` escaped, its placeholders filled with markup or escaped text.

        For a message that holds elements (``{recorded} recorded``, the number in a
        ``<b>``): the elements are the template's, the text the catalogue's.
        """
        return Markup(
            fill(str(escape(self.messages[key])), {k: escape(v) for k, v in values.items()})
        )

    def status(self, status: str) -> str:
        """A card status as shown (``sent``); an unknown one as it is."""
        return self.messages.get(f"status.{status}", status)

    def for_script(self, page: str) -> dict[str, str]:
        """The messages a page's script shows: the statuses and its page's table."""
        return {k: v for k, v in self.messages.items() if k.startswith(("status.", f"{page}."))}


def page_context(request: Request, page: str) -> dict[str, Any]:
    """What every page's template gets about languages (``t`` is the translator)."""
    words = Words(chosen(request))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "token")]
    return {
        "t": words,
        "lang": words.language,
        "languages": NAMES,
        "script_words": words.for_script(page),
        "kept_query": kept,  # the menu's form sends them again (?office=…)
    }


class LanguageChoice:
    """Answers ``GET /any/page?lang=xx`` with the language cookie and the page without it.

    The cookie is ``SameSite=Strict`` and HttpOnly (the scripts learn the language from the
    page), ``Secure`` over HTTPS.  A language the station does not have sets nothing.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        """Pass every request on but a page's ``?lang=``."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        request = Request(scope)
        asked = request.query_params.get("lang")
        if asked is None or scope["path"].startswith(("/api/", "/static/", "/download/")):
            return await self.app(scope, receive, send)
        query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
        path = local_path(scope["path"]).replace("?", "%3F").replace("#", "%23")
        response = RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)
        if asked in NAMES:
            secure = request.url.scheme == "https"
            response.set_cookie(LANGUAGE_COOKIE, asked, max_age=YEAR, httponly=True,
                                samesite="strict", secure=secure)  # fmt: skip
        await response(scope, receive, send)
