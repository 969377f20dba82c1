"""The campaign desk's pages: one per step of the workflow, filled from the desk's JSON API.

Plain HTML forms and tables; a small script (``static/desk.js``) fills them from
:mod:`postcards.station.desk`'s routes and sends the changes back.

The pages hold no campaign data of their own: each asks the API, so a page shows exactly
what the command line would.  Every word on them is a message of the desk's catalogues
(``messages/desk.<language>.toml``, keys ``desk.…``, read with the station's own by
:mod:`postcards.station.language`, in the language the request asks for); the script gets
its messages from a JSON block in the page (``#words``), as the station's other scripts do.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from postcards.station.pages import render_page

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


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A desk page: the station's layout, the desk's tabs, its words for the script."""
    station = request.app.state.station
    return render_page(
        request, template, "desk", here=request.url.path, campaign=station.campaign,
        ready=station.desk is not None, **context,
    )  # fmt: skip


def _page(template: str):
    async def page(request: Request) -> HTMLResponse:
        return render(request, template)

    page.__doc__ = f"The desk's page {template}."
    return page


def desk_pages() -> list[Route]:
    """The desk's page routes."""
    return [Route(path, _page(template)) for path, template in PAGES.items()]
