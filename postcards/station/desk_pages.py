"""The campaign desk's pages: one per step of the workflow, filled from the desk's JSON API.

Plain HTML forms and tables; a small script (``static/desk.js``) fills them from
:mod:`postcards.station.desk`'s routes and sends the changes back.

The pages hold no campaign data of their own: each asks the API, so a page shows exactly
what the command line would.  Every word on them is a message of the desk's catalogue
(``messages/desk.en.toml``, keys ``desk.…``, read as the station's other catalogues are:
tables as dotted keys, ``{name}`` placeholders); the script gets its messages from a JSON
block in the page (``#words``), as the station's other scripts do.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

HERE = Path(__file__).parent
CATALOGUE = HERE / "messages" / "desk.en.toml"
PLACEHOLDER = re.compile(r"\{(\w+)\}")

#: The desk's pages, in the order of the work (desk.html names them in its tabs).
PAGES = {
    "/desk": "desk_campaign.html",
    "/desk/lists": "desk_lists.html",
    "/desk/check": "desk_check.html",
    "/desk/pairs": "desk_pairs.html",
    "/desk/preview": "desk_preview.html",
    "/desk/print": "desk_print.html",
    "/desk/posters": "desk_posters.html",
}

#: The station's Content-Security-Policy (a test keeps it equal to the dashboard's).
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
       "connect-src 'self'; frame-ancestors 'none'")  # fmt: skip

_TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"),
                         autoescape=select_autoescape(default=True))  # fmt: skip


@cache
def catalogue() -> dict[str, str]:
    """The desk's messages as flat keys: ``desk.lists.upload``."""
    with open(CATALOGUE, "rb") as file:
        return _flat(tomllib.load(file))


def _flat(tables: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tables.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


class Words:
    """The desk's messages as a template uses them: ``t("desk.key", name=…)``."""

    def __init__(self, messages: Mapping[str, str]):
        self.messages = messages

    def __call__(self, key: str, **values: Any) -> str:
        """The message ``key`` with its ``{name}`` placeholders filled (escaped later)."""
        return PLACEHOLDER.sub(lambda m: str(values[m[1]]), self.messages[key])

    def markup(self, key: str, **values: Any) -> Markup:
        """The message escaped, its placeholders filled with markup or escaped text."""
        escaped = {k: escape(v) for k, v in values.items()}
        text = str(escape(self.messages[key]))
        return Markup(PLACEHOLDER.sub(lambda m: str(escaped[m[1]]), text))


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A desk page: the station's layout, the desk's tabs, its words for the script."""
    station = request.app.state.station
    messages = catalogue()
    html = _TEMPLATES.get_template(template).render(
        t=Words(messages), desk_words=messages, here=request.url.path,
        campaign=station.campaign, ready=station.desk is not None, **context,
    )  # fmt: skip
    headers = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}
    return HTMLResponse(html, headers=headers)


def _page(template: str):
    async def page(request: Request) -> HTMLResponse:
        return render(request, template)

    page.__doc__ = f"The desk's page {template}."
    return page


def desk_pages() -> list[Route]:
    """The desk's page routes."""
    return [Route(path, _page(template)) for path, template in PAGES.items()]
