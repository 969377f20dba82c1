"""The station in six languages: complete catalogues, the language a request gets (the
browser's Accept-Language, the menu's cookie), and no English left on a Russian page."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import web

from postcards.codes import format_code, new_code
from postcards.ledger.book import Ledger
from postcards.ledger.model import LedgerCard
from postcards.station.app import Station, create_app
from postcards.station.language import NAMES, catalogue, from_header, placeholders
from postcards.station.server import background

STATION = Path(__file__).parent.parent / "postcards" / "station"
ENGLISH = catalogue("en")
AT = "2025-03-01T09:30:00Z"


@pytest.mark.parametrize("language", sorted(set(NAMES) - {"en"}))
def test_every_catalogue_has_the_english_keys_and_no_other(language: str) -> None:
    keys = set(catalogue(language))
    assert sorted(set(ENGLISH) - keys) == [], "missing"
    assert sorted(keys - set(ENGLISH)) == [], "not in en.toml"


@pytest.mark.parametrize("language", sorted(set(NAMES) - {"en"}))
def test_every_placeholder_is_in_every_translation(language: str) -> None:
    translated = catalogue(language)
    wrong = {key: (sorted(placeholders(english)), sorted(placeholders(translated[key])))
             for key, english in ENGLISH.items()
             if placeholders(english) != placeholders(translated[key])}  # fmt: skip
    assert wrong == {}


def test_every_message_is_used_and_every_key_used_exists() -> None:
    """Templates call ``t("page.key")``, ``t.markup(…)`` and ``t.status(s)``; scripts
    ``words.t("scan.key")`` for keys of their page's table, which the page sends them."""
    templates = {p.stem: p.read_text() for p in (STATION / "templates").glob("*.html")}
    scripts = {p.stem: p.read_text() for p in (STATION / "static").glob("*.js")
               if p.name != "zxing-reader.js"}  # fmt: skip
    used = set()
    for text in templates.values():
        used |= set(re.findall(r"""\bt(?:\.markup)?\(\s*["']([\w.]+)["']""", text))
    for page, text in scripts.items():
        keys = set(re.findall(r"""\bwords\.t\(\s*(?:[^"'()]*\?\s*)?["']([\w.]+)["']""", text))
        keys |= set(re.findall(r"""["']((?:scan|card|dashboard)\.\w*[a-z])["']""", text))
        assert {k.split(".")[0] for k in keys} <= {page}, f"{page}.js uses another page's words"
        used |= keys
    used = {key for key in used if not key.endswith("_")}  # a prefix ("scan.badge_" + kind)
    assert sorted(used - set(ENGLISH)) == [], "used but in no catalogue"
    # Built from a prefix: each card status (t.status, words.status), the scan badges.
    dynamic = ("status.", "scan.badge_")
    assert 'words.t("scan.badge_" + kind)' in scripts["scan"]
    unused = {k for k in ENGLISH if k not in used and not k.startswith(dynamic)}
    assert sorted(unused) == []


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ru-RU,ru;q=0.9", "ru"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("xx-YY,tlh;q=0.9", "en"),  # nothing the station has: English
        ("", "en"),
        ("*", "en"),
        ("de;q=0.5, fr;q=0.8", "fr"),  # by quality, not by order
        ("pl, lt", "pl"),  # equal quality: by order
        ("ru;q=0, de", "de"),  # q=0: not acceptable
        ("LT-lt", "lt"),
        ("en-GB,ru;q=0.9", "en"),
        ("ru;q=abc, de;q=0.1", "de"),  # a broken quality passes that range over
    ],
)
def test_accept_language_chooses_the_language(header: str, language: str) -> None:
    assert from_header(header) == language


# --- on a running station ----------------------------------------------------------------

TOKEN = "a-token-of-sixteen-chars"


def make_cards() -> list[LedgerCard]:
    """Cards whose every field is in Cyrillic or digits (so English on a page is ours)."""
    rng = random.Random(24)
    return [
        LedgerCard(new_code(rng), "весна", "1", f"С{i}", f"П{i}", "ru", f"Ганна {i}",
                   f"Алесь {i}", office=("сейм" if i % 2 else "бундэстаг"))
        for i in range(6)
    ]  # fmt: skip


CARDS = make_cards()


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ledger = Ledger.open(tmp_path_factory.mktemp("language") / "tracking.db")
    ledger.record_generated(CARDS, by="печать", at=AT)
    try:
        with background(create_app(Station(ledger, "весна"))) as base:
            marks = [
                (CARDS[0], "sent"),
                (CARDS[1], "void"),
                (CARDS[2], "sent"),
                (CARDS[2], "returned"),
            ]
            for card, status in marks:
                body = {"code": card.code, "status": status, "by": "Марина", "note": "переезд"}
                answer = web.post(f"{base}/api/scans", json=body).json()
                assert answer["result"] == "recorded", answer
            yield base
    finally:
        ledger.close()


def get(base: str, path: str, language: str = "", **headers: str) -> httpx.Response:
    if language:
        headers["Accept-Language"] = language
    return web.get(f"{base}{path}", headers=headers)


def test_a_page_is_in_the_browsers_language(station: str) -> None:
    russian = get(station, "/", "ru-RU,ru;q=0.9")
    assert russian.headers["content-language"] == "ru"
    assert '<html lang="ru">' in russian.text and "Сводка · весна" in russian.text
    assert '<option value="ru" lang="ru" selected>Русский</option>' in russian.text
    for header in ("xx-YY", ""):
        english = get(station, "/scan", header)
        assert english.headers["content-language"] == "en"
        assert '<html lang="en">' in english.text and "Scan or type a card code" in english.text
    assert "Kartencode scannen" in get(station, "/scan", "de-AT,de;q=0.9").text


def test_the_menus_choice_is_a_cookie_and_wins(station: str) -> None:
    chosen = get(station, "/scan?lang=de", "ru-RU,ru;q=0.9")
    assert chosen.status_code == 303 and chosen.headers["location"] == "/scan"
    cookie = chosen.headers["set-cookie"]
    assert cookie.startswith("postcards_lang=de;")
    assert "samesite=strict" in cookie.lower() and "httponly" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain HTTP on localhost
    page = get(station, "/scan", "ru-RU,ru;q=0.9", cookie="postcards_lang=de")
    assert page.headers["content-language"] == "de" and "Kartencode" in page.text
    # A cookie naming no language of the station's: the browser's language again.
    assert get(station, "/", "ru", cookie="postcards_lang=xx").headers["content-language"] == "ru"
    # An unknown language sets nothing; the dashboard's office stays in the address.
    unknown = get(station, "/?office=%D1%81%D0%B5%D0%B9%D0%BC&lang=xx")
    assert unknown.status_code == 303 and "set-cookie" not in unknown.headers
    assert unknown.headers["location"] == "/?office=%D1%81%D0%B5%D0%B9%D0%BC"
    # The menu sends the office again (hidden fields), never a token.
    menu = get(station, "/?office=сейм", "ru").text
    assert '<input type="hidden" name="office" value="сейм">' in menu
    # The API and static files do not take ?lang=.
    assert web.get(f"{station}/api/coverage?lang=ru").status_code == 200
    assert web.get(f"{station}/static/words.js?lang=ru").status_code == 200


def test_the_language_menu_keeps_the_token_out_of_addresses(tmp_path: Path) -> None:
    """With a token, ``?token=T&lang=ru`` goes to a cookie first (the guard), then the
    language; no redirect names the token, and pages keep their headers."""
    ledger = Ledger.open(tmp_path / "tracking.db")
    ledger.record_generated(CARDS[:1], at=AT)
    try:
        with background(create_app(Station(ledger, "весна", token=TOKEN))) as base:
            assert web.get(f"{base}/scan?lang=ru").status_code == 401  # no token: nothing
            first = web.get(f"{base}/scan?token={TOKEN}&lang=ru")
            assert first.status_code == 303 and first.headers["location"] == "/scan?lang=ru"
            with httpx.Client(base_url=base) as client:
                client.cookies.set("postcards_token", TOKEN)
                second = client.get("/scan?lang=ru")
                assert second.status_code == 303 and second.headers["location"] == "/scan"
                assert TOKEN not in second.headers["set-cookie"]
                client.cookies.set("postcards_lang", "ru")
                page = client.get("/scan")
                assert page.headers["content-language"] == "ru" and TOKEN not in page.text
                assert page.headers["referrer-policy"] == "no-referrer"
                assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
                assert page.headers["cache-control"] == "no-store"
    finally:
        ledger.close()


class Visible(HTMLParser):
    """The text a person sees on a page: text outside scripts and styles, and the
    attributes a browser shows (placeholders, labels, titles, the void's second word)."""

    SHOWN = ("placeholder", "aria-label", "title", "data-confirm", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        if tag == "input" and ("type", "hidden") in attrs:
            return
        if tag != "option":  # an option's value is a key (sent, ru): its text is shown
            self.parts += [value or "" for name, value in attrs if name in self.SHOWN]

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


# Latin words a Russian page may show: the program's name, the language menu (each
# language in itself), the download formats, the Enter key and the --tls option.
ALLOWED = {"postcards", "English", "Deutsch", "Français", "Lietuvių", "Polski", "ZIP", "HTML",
           "XLSX", "CSV", "Enter", "tls", "QR",
           # the desk's commands, files and option values, kept as written in every language
           "serve", "check", "campaign", "toml", "FOLDER", "ODS", "PDF", "other", "single",
           "a4-2up", "up", "long", "short", "edge", "unsent", "ru", "be"}  # fmt: skip


def english_left(text: str) -> list[str]:
    """English messages (their words between placeholders) and Latin words in ``text``."""
    found = []
    for key, message in ENGLISH.items():
        for fragment in re.split(r"\{\w+\}", message):
            fragment = fragment.strip(" ·:()")
            if len(re.findall(r"[A-Za-z]", fragment)) >= 3 and re.search(
                rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", text
            ):
                found.append(f"{key}: {fragment!r}")
    words = set(re.findall(r"[A-Za-zÀ-ž]{2,}", text)) - ALLOWED
    return found + sorted(f"word {w!r}" for w in words)


DESK_PAGES = ("/desk", "/desk/lists", "/desk/check", "/desk/pairs", "/desk/preview",
              "/desk/print", "/desk/posters")  # fmt: skip


def test_no_english_is_left_on_a_russian_page(station: str) -> None:
    """Every page (and the 404s) in Russian: no English message of the catalogue, and no
    Latin word but the few allowed; the card codes and the station's reasons (the same
    as ``track scan``'s, in English) are taken out first."""
    unknown = new_code(random.Random(99))
    reason = web.get(f"{station}/api/cards/{unknown}").json()["reason"]
    office_reason = web.get(f"{station}/api/coverage?office=нигде").json()["reason"]
    pages = ["/", "/?office=сейм", "/scan", "/nowhere", f"/cards/{unknown}",
             "/?office=нигде", *(f"/cards/{card.code}" for card in CARDS[:4]),
             *DESK_PAGES]  # fmt: skip
    for path in pages:
        page = get(station, path, "ru-RU,ru;q=0.9")
        assert page.headers["content-language"] == "ru", path
        text = visible(page.text)
        for shown in (reason, office_reason, *(format_code(c.code) for c in CARDS)):
            text = text.replace(shown, "")
        text = text.replace(format_code(unknown), "").replace(" · ru", "")  # a card's language
        assert english_left(text) == [], path
    # The checker itself finds English: the same pages in English are full of it.
    assert len(english_left(visible(get(station, "/", "en").text))) > 20
    assert "Отменить аннулирование" in get(station, f"/cards/{CARDS[1].code}", "ru").text


def test_the_scripts_get_their_pages_words(station: str) -> None:
    """The scripts' messages come in the page (a JSON block), in the page's language,
    with the statuses and that page's table only, escaped as JSON in HTML."""
    page = get(station, "/scan", "ru").text
    block = re.search(r'<script type="application/json" id="words">(.*?)</script>', page, re.S)
    assert block is not None
    import json

    words = json.loads(block[1])
    assert words["scan.waiting"] == catalogue("ru")["scan.waiting"]
    assert words["status.sent"] == "отправлена"
    assert {key.split(".")[0] for key in words} == {"scan", "status"}
    assert "</" not in block[1]  # a message cannot close the block
