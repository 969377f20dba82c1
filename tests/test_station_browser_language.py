"""The station's languages in a real Chromium: pages and the scripts' messages in Russian
and English, times in the browser's time zone, the language menu, and every page at 390
and 1280 px without sideways scrolling.

Skips when Chromium is not installed, unless POSTCARDS_REQUIRE_CHROMIUM=1 (CI): then it
fails (as tests/test_station_browser.py).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import web
from test_station_browser import _station, launched, wedge

from postcards.codes import format_code, new_code
from postcards.ledger.model import LedgerCard
from postcards.station.language import catalogue

RU = catalogue("ru")


def make_cards() -> list[LedgerCard]:
    rng = random.Random(2424)
    return [
        LedgerCard(new_code(rng), "spring", "1", f"S{i % 3}", f"P{i}", "ru",
                   f"Ганна Сяргееўна Шчыткевіч-Мацулевіч {i % 3}",
                   f"Аляксандр Францавіч Бяляцкі-Мураўёў {i}",
                   office=("Бундэстаг Федэратыўнай Рэспублікі" if i % 2 else "Сейм"))
        for i in range(8)
    ]  # fmt: skip


CARDS = make_cards()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with contextmanager(_station)(tmp_path_factory.mktemp("languages"), CARDS) as url:
        for card in CARDS[:3]:
            web.post(f"{url}/api/scans", json={"code": card.code, "by": "Марина"})
        web.post(f"{url}/api/scans", json={"code": CARDS[1].code, "status": "returned"})
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


def context(browser, base: str, locale: str, width: int = 1280, zone: str = "Asia/Tokyo"):
    """A browser whose language is ``locale`` (its Accept-Language) in time zone ``zone``."""
    return browser.new_context(base_url=base, locale=locale, timezone_id=zone,
                               viewport={"width": width, "height": 800})  # fmt: skip


def test_pages_and_scripts_speak_russian(browser, base) -> None:
    """A Russian browser gets Russian pages; what the scripts show (an answer, the waiting
    message, the live dashboard) is Russian too; times are the browser's, in Tokyo."""
    from playwright.sync_api import expect

    browser_context = context(browser, base, "ru-RU")
    page = browser_context.new_page()
    try:
        page.goto(f"/cards/{CARDS[0].code}")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.locator("h2").first.inner_text() == RU["card.history"]
        # Generated at 09:30 UTC: 18:30 in Tokyo, in Russian ("1 мар. 2025 г., 18:30").
        generated = page.locator("#card time").first
        expect(generated).to_have_text(re.compile(r"^1 мар\.? 2025.*18:30$"))
        assert generated.get_attribute("datetime") == "2025-03-01T09:30:00Z"

        page.goto("/scan")
        assert page.locator("#answer .headline").inner_text() == RU["scan.ready"]
        wedge(page, CARDS[0].code)  # sent already: a repeat
        answer = page.locator("#answer")
        expect(answer).to_have_class(re.compile(r"\brepeat\b"))
        code = format_code(CARDS[0].code)
        expect(answer.locator(".headline")).to_have_text(f"{code}: уже отправлена")
        assert "отсканировал(а) Марина" in answer.inner_text()
        assert page.locator("#recent .badge").inner_text() == RU["scan.badge_repeat"]
        page.context.set_offline(True)
        wedge(page, CARDS[5].code)
        expect(answer).to_contain_text("Ждут отправки: 1 · станция недоступна")
        expect(answer).to_contain_text(RU["scan.unreachable_help"])
        page.context.set_offline(False)
        expect(answer.locator(".headline")).to_have_text(
            f"{format_code(CARDS[5].code)}: отправлена", timeout=8000
        )
        assert "отправитель: Ганна" in answer.inner_text()

        page.goto("/")
        expect(page.locator("#live")).to_have_text(RU["dashboard.live"])
        page.select_option("#office", label="Сейм")
        expect(page.locator("#shown")).to_have_text("Только офис Сейм")
        last = page.locator("#last li").first
        expect(last).to_contain_text("отправитель: Ганна")
        expect(last.locator("time")).to_have_text(re.compile(r"\d{4} г\., \d\d:\d\d$"))
        shown = re.sub(
            r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b|HTML|XLSX|CSV",
            "",
            page.locator("main").inner_text(),
        )  # card codes, download formats
        assert re.findall(r"[A-Za-z]{2,}", shown) == []
    finally:
        browser_context.close()


def test_an_english_browser_gets_english(browser, base) -> None:
    browser_context = context(browser, base, "en-US", zone="America/New_York")
    page = browser_context.new_page()
    try:
        page.goto(f"/cards/{CARDS[0].code}")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h2").first.inner_text() == "History"
        # 09:30 UTC is 4:30 AM in New York.
        assert page.locator("#card time").first.inner_text() == "Mar 1, 2025, 4:30 AM"
    finally:
        browser_context.close()


def test_the_language_menu_switches_and_remembers(browser, base) -> None:
    """A Russian browser chooses Deutsch in the menu: the page comes back in German, the
    office chosen stays, the address has no ?lang=, and the next page is German too; the
    cookie is SameSite=Strict and HttpOnly."""
    from playwright.sync_api import expect

    browser_context = context(browser, base, "ru-RU")
    page = browser_context.new_page()
    try:
        page.goto("/?office=%D0%A1%D0%B5%D0%B9%D0%BC")
        expect(page.locator("#shown")).to_have_text("Только офис Сейм")
        with page.expect_navigation():
            page.select_option("#language select", "de")
        assert page.locator("html").get_attribute("lang") == "de"
        expect(page.locator("#shown")).to_have_text("Nur Büro Сейм")
        assert page.url == f"{base}/?office=%D0%A1%D0%B5%D0%B9%D0%BC"
        page.click("header nav a[href='/scan']")
        assert page.locator("#answer .headline").inner_text() == "Bereit"
        (cookie,) = [c for c in browser_context.cookies() if c["name"] == "postcards_lang"]
        assert cookie["value"] == "de" and cookie["sameSite"] == "Strict" and cookie["httpOnly"]
    finally:
        browser_context.close()


def pages() -> list[str]:
    return ["/", "/?office=%D0%A1%D0%B5%D0%B9%D0%BC", "/scan", f"/cards/{CARDS[1].code}",
            f"/cards/{new_code(random.Random(5))}", "/nowhere"]  # fmt: skip


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_no_page_scrolls_sideways(browser, base, locale: str, width: int) -> None:
    """Each page (the scan page with a long answer shown) fits the window's width, and
    each table fits its box: nothing to scroll sideways on a phone or a laptop."""
    browser_context = context(browser, base, locale, width)
    page = browser_context.new_page()
    try:
        for path in pages():
            page.goto(path)
            if path == "/scan":
                wedge(page, CARDS[2].code)
                page.locator("#answer.repeat").wait_for(timeout=5000)
            page.wait_for_timeout(100)
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], (path, widths)
            tables = page.evaluate(
                "Array.from(document.querySelectorAll('.table'), t => [t.scrollWidth, t.clientWidth])"
            )
            assert all(scroll <= client for scroll, client in tables), (path, tables)
    finally:
        browser_context.close()
