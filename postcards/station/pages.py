"""The station's HTML pages: one template folder, one security policy, the request's language.

The dashboard, the scan page, a card's page and the desk's pages are Jinja2 templates
with autoescaping, rendered in the language the request asks for
(:mod:`postcards.station.language`) and sent with the same headers: a
Content-Security-Policy that lets a page load only the station's own scripts, styles
and images (the camera's stream and the QR decoder's WebAssembly included), and no
referrer, so a card's code in a URL never leaves the station.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from postcards.station.language import page_context

#: The station's package folder: its ``templates/`` and ``static/`` files.
HERE = Path(__file__).parent

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
       "connect-src 'self'; frame-ancestors 'none'")  # fmt: skip

_TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"),
                         autoescape=select_autoescape(default=True))  # fmt: skip


def render_page(
    request: Request, template: str, words_for: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """``template`` filled with ``context`` and page ``words_for``'s words, with its headers."""
    words = page_context(request, words_for)
    html = _TEMPLATES.get_template(template).render(**words, **context)
    headers = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer",
               "Content-Language": words["lang"]}  # fmt: skip
    return HTMLResponse(html, status_code=status, headers=headers)
