"""The campaign desk's pages in a real Chromium (Debian's, driven by playwright): an office
taken from `postcards init` to a downloaded PDF whose QR codes decode, a broken upload that
keeps the previous list, every desk page at a phone's and a desktop's width, buttons
pressed before a page is ready, and answers that come after newer ones.

Skips when Chromium is not installed, unless POSTCARDS_REQUIRE_CHROMIUM=1 (CI): then
it fails.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import DATA, decode_qr, read_manifest, run
from test_desk import NAME, Desk, german_senders, ready
from test_station_browser import launched

from postcards.jobs.desk import CampaignDesk
from postcards.ledger.book import Ledger
from postcards.station.app import Station, create_app
from postcards.station.desk_pages import PAGES
from postcards.station.server import background

TOKEN = "desk-browser-token-0123"
SHOTS = os.environ.get("POSTCARDS_DESK_SHOTS")  # a folder: each page's screenshot saved there
WAIT = 60_000  # ms: a print run, a check or a preview on a busy machine


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


@contextmanager
def desk(folder: Path) -> Iterator[str]:
    """``postcards serve`` with its desk on ``folder``, a token required; yields its URL."""
    ledger = Ledger.open(folder / "tracking.db")
    station = Station(ledger, "new campaign", token=TOKEN,
                      desk=CampaignDesk((folder / "campaign.toml").resolve()))  # fmt: skip
    try:
        with background(create_app(station)) as url:
            yield url
    finally:
        ledger.close()


@contextmanager
def opened(browser, url: str, width: int = 1280, locale: str = "en-GB"):
    """A page that has the station's token (as the join URL gives it), then the desk."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, accept_downloads=True, locale=locale
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/desk?token={TOKEN}")
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def upload(page, what: str, name: str, data: bytes) -> None:
    box = page.locator(f'[data-list="{what}"]')
    box.locator('input[type="file"]').set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )


def test_the_office_flow_in_the_browser(browser, tmp_path: Path) -> None:
    started = time.perf_counter()
    folder = tmp_path / "office"
    assert run("init", folder).exit_code == 0
    with desk(folder) as url, opened(browser, url) as page:
        # Lists: the office's German list and the prisoners, each replacing init's example
        page.click('nav.tabs a[href="/desk/lists"]')
        senders = page.locator('[data-list="senders"]')
        senders.locator("[data-role=unread] li").first.wait_for()
        upload(page, "senders", "Abgeordnete.xlsx", german_senders())
        status = senders.locator("[data-role=status]")
        status.filter(has_text="the previous file is kept as senders.20").wait_for(timeout=WAIT)
        assert senders.locator("[data-role=unread]").inner_text() == "Wahlkreis"
        upload(
            page, "prisoners", "Gefangene.csv", (DATA / "campaign" / "prisoners.csv").read_bytes()
        )
        prisoners = page.locator('[data-list="prisoners"]')
        prisoners.locator("[data-role=status]").filter(
            has_text="prisoners.csv is the list now"
        ).wait_for(timeout=WAIT)
        # the mapping changed in its menus: Wahlkreis kept for the templates
        other = senders.locator('tr[data-field="other"] select').first
        other.select_option("Wahlkreis")
        senders.locator("text=Save the columns").click()
        status.filter(has_text="The columns are saved").wait_for(timeout=WAIT)
        assert senders.locator("[data-role=unread]").inner_text() == "Every column is read."
        toml = (folder / "campaign.toml").read_text(encoding="utf-8")
        assert 'other = ["Wahlkreis"]' in toml and '"Vorname"' in toml

        # Campaign: init's sample name, flagged by its field now that the lists are the
        # office's own, replaced; the address of two parliaments it has no senders in deleted
        page.click('nav.tabs a[href="/desk"]')
        name_error = page.locator('[id="error-campaign.name"]')
        name_error.wait_for(state="visible", timeout=WAIT)
        assert "sample campaign's name" in name_error.inner_text()
        assert page.get_attribute('[id="campaign.name"]', "aria-invalid") == "true"
        page.fill('[id="campaign.name"]', NAME)
        page.fill('[id="campaign.hashtag"]', "#SolidaritaetBerlin")
        page.fill('[id="campaign.url"]', "https://standbyyou.eu")
        for parliament in ("Sejm RP", "Seimas"):
            page.get_by_label(f"Return address for {parliament}").fill("")
        page.click("text=Save settings")
        page.locator("#saved").filter(has_text="Saved in campaign.toml").wait_for(timeout=WAIT)
        toml = (folder / "campaign.toml").read_text(encoding="utf-8")
        assert f'name = "{NAME}"' in toml and '"Sejm RP"' not in toml
        assert "# A postcards campaign. Every path is relative" in toml  # comments kept
        page.wait_for_load_state("networkidle")  # the settings checked again
        assert name_error.is_hidden()

        # Check: nothing stops the print run now
        page.click('nav.tabs a[href="/desk/check"]')
        page.locator("#verdict").filter(has_text="Ready to print.").wait_for(timeout=WAIT)
        assert "2 senders" in page.inner_text("#summary")

        # Pairs: the wave paired, one sender's cards, a message edited in place
        page.click('nav.tabs a[href="/desk/pairs"]')
        page.click("text=Pair the wave")
        page.locator("#assigned").filter(has_text="4 pairs written to assignments.csv").wait_for(
            timeout=WAIT
        )
        page.locator("#by-sender").select_option("B2")
        page.locator("#shown").filter(has_text="2 cards shown").wait_for(timeout=WAIT)
        row = page.locator("#pairs tbody tr").first
        row.locator("textarea").fill("Держитесь! Скоро свобода.")
        row.locator("button", has_text="Save").click()
        row.locator(".findings .bad").first.wait_for(timeout=WAIT)
        assert "свобода" in row.locator(".findings").inner_text().lower()
        words = "Держитесь! Мы помним о вас и пишем вам из Берлина."
        row.locator("textarea").fill(words)
        row.locator("button", has_text="Save").click()
        row.locator(".findings").filter(has_text="Nothing to change").wait_for(timeout=WAIT)
        rows = read_manifest(folder / "assignments.csv")
        assert [r["message"] for r in rows if r["sender_id"] == "B2" and r["message"]] == [words]

        # Preview: that card, front and back, drawn
        row.locator("a", has_text="Preview").click()
        for side in ("#front", "#back"):
            page.locator(side).wait_for(state="visible", timeout=WAIT)
            assert page.eval_on_selector(side, "image => image.naturalWidth") > 500

        # Print: a run with progress, then the PDF downloaded
        page.click('nav.tabs a[href="/desk/print"]')
        page.click("#start")
        link = page.locator('#files a[data-kind="file"]')
        link.wait_for(timeout=WAIT)
        assert page.eval_on_selector("#progress", "bar => bar.value === bar.max")
        with page.expect_download() as pdf:
            link.click()
        with page.expect_download() as manifest:
            page.click('#files a[data-kind="manifest"]')
        saved, listed = tmp_path / "cards.pdf", tmp_path / "cards.manifest.csv"
        pdf.value.save_as(saved)
        manifest.value.save_as(listed)
        assert page.locator('#files a[data-kind="ticket"]').count() == 1
    elapsed = time.perf_counter() - started
    print(f"\nthe office flow in the browser, from init to a downloaded PDF: {elapsed:.1f} s")
    cards = read_manifest(listed)
    assert len(cards) == 4
    for card in cards:  # each card's QR code, read back from the downloaded PDF
        assert decode_qr(saved, int(card["back_page"]) - 1) == [card["code"]]
    with Ledger.open(folder / "tracking.db") as ledger:
        assert {c.code for c in ledger.cards(NAME)} == {c["code"] for c in cards}


def test_a_broken_upload_keeps_the_previous_list(browser, tmp_path: Path) -> None:
    folder = tmp_path / "office"
    assert run("init", folder).exit_code == 0
    before = (folder / "senders.xlsx").read_bytes()
    with desk(folder) as url, opened(browser, url) as page:
        page.goto(f"{url}/desk/lists")
        senders = page.locator('[data-list="senders"]')
        shown = senders.locator("[data-role=file]")
        shown.filter(has_text="senders.xlsx").wait_for()
        rows = shown.inner_text()  # "senders.xlsx, 27 rows": init's example
        upload(page, "senders", "senders.xlsx", b"PK\x03\x04 not a workbook at all")
        status = senders.locator("[data-role=status]")
        status.filter(has_text="was not taken").wait_for(timeout=WAIT)
        assert status.inner_text() == (
            "senders.xlsx was not taken: the list in use is still senders.xlsx."
        )
        error = senders.locator(".problems.error tbody tr")
        assert error.count() == 1 and error.locator("td").first.inner_text() == "senders.xlsx"
        assert shown.inner_text() == rows  # the page shows the list still in use
    assert (folder / "senders.xlsx").read_bytes() == before


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign made ready through the API, its wave paired, one card with its own words."""
    folder = tmp_path_factory.mktemp("paired") / "office"
    assert run("init", folder).exit_code == 0
    office = Desk(folder)
    try:
        ready(office)
        office.client.put("/api/settings", json={"return_addresses": {"Sejm RP": None}})
        assert office.client.post("/api/assign", json={}).status_code == 200
        message = {"message": "Держитесь! Мы помним о вас и пишем вам из Берлина."}
        assert office.client.put("/api/pairs/B1/P1", json=message).status_code == 200
    finally:
        office.ledger.close()
    return folder


@pytest.mark.parametrize(("width", "locale"), [(390, "ru-RU"), (1280, "en-GB"), (390, "de-DE")])
def test_every_desk_page_fits_without_sideways_scrolling(
    browser, paired: Path, width: int, locale: str
) -> None:
    """Every desk page with what it shows filled in: no page is wider than the window, in
    English, and in the longer words of Russian and German on a phone."""
    with desk(paired) as url, opened(browser, url, width, locale) as page:
        for path in PAGES:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            if path == "/desk/posters":
                page.locator("#count").select_option("assigned")
                page.click('form button[type="submit"]')
                page.locator("#image").wait_for(state="visible", timeout=WAIT)
            if path == "/desk/preview":
                page.locator("#back").wait_for(state="visible", timeout=WAIT)
            if path == "/desk/pairs":
                assert page.locator("#pairs tbody tr").count() == 4
            assert page.locator("html").get_attribute("lang") == locale[:2], path
            wider = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert wider <= 0, f"{path} is {wider} px too wide at {width} px"
            if SHOTS:
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


def test_a_button_is_pressed_only_once_its_page_can_take_it(browser, paired: Path) -> None:
    """A desk page's answers may be slow (a busy station): until a form's handler is
    attached and what it sends is loaded, its button is disabled, since the browser would
    otherwise submit the form itself (the page reloads, nothing starts, or an empty form is
    saved).  Start needs nothing loaded: pressed while the menus still load, the run is
    asked for, the campaign's own settings in it."""
    with desk(paired) as url, opened(browser, url) as page:

        def unanswered(route) -> None:  # the station's answer does not come
            pass

        page.route("**/api/settings", unanswered)
        page.route("**/api/lists/senders", unanswered)
        page.goto(url + "/desk")
        save = page.locator('#settings button[type="submit"]')
        page.wait_for_function("() => document.readyState === 'complete'")
        assert save.is_disabled()  # the form is still empty
        page.goto(url + "/desk/lists")
        mapping = page.locator('[data-list="senders"] form button[type="submit"]')
        page.wait_for_function("() => document.readyState === 'complete'")
        assert mapping.is_disabled()  # no menus yet: saving would map nothing
        asked: list = []
        page.route("**/api/print", lambda route: (asked.append(route.request), route.abort()))
        page.goto(url + "/desk/print")
        assert page.locator("#print-size option").count() == 1  # the menus are not loaded
        page.click("#start")
        page.locator("#state").filter(has_text="did not start").wait_for(timeout=WAIT)
        assert [r.method for r in asked] == ["POST"] and asked[0].post_data_json == {"only": []}
        assert page.url == url + "/desk/print"  # not submitted by the browser, not reloaded
        page.unroute("**/api/settings")
        page.goto(url + "/desk")
        save.wait_for(state="visible")
        page.wait_for_function(
            "() => !document.querySelector('#settings button[type=submit]').disabled"
        )
        assert page.locator('[name="campaign.name"]').input_value() != ""


# Counts the station's answers (JSON or an image) a page has finished drawing: the count
# goes up in a task queued once the answer is read, so every step the page takes with it
# has run.
ANSWERS_DRAWN = """
window.answersDrawn = 0;
for (const kind of ["json", "blob"]) {
  const read = Response.prototype[kind];
  Response.prototype[kind] = async function () {
    const data = await read.call(this);
    setTimeout(() => window.answersDrawn++, 0);
    return data;
  };
}
"""


def drawn(page, count: int) -> None:
    """Wait until the page has drawn ``count`` answers since it was opened."""
    page.wait_for_function("count => window.answersDrawn >= count", arg=count)


def test_the_last_choice_is_shown_whatever_order_the_answers_come_in(browser, paired: Path) -> None:
    """The station answers a page's questions at once, so a slow answer may come after a
    newer one: every card, then one sender's, chosen quickly, with every card's answer
    coming last.  The table shows the sender's cards, as the menu says, not every card."""
    with desk(paired) as url, opened(browser, url) as page:
        page.add_init_script(ANSWERS_DRAWN)
        held: list = []
        holding = [False]

        def every_card_held(route) -> None:
            if holding[0] and "sender=&" in route.request.url:
                held.append(route)
            else:
                route.continue_()

        page.route("**/api/pairs?*", every_card_held)
        page.goto(url + "/desk/pairs")
        drawn(page, 1)
        every = page.locator("#pairs tbody tr").count()
        page.select_option("#by-sender", "B2")
        drawn(page, 2)
        mine = page.locator("#pairs tbody tr").count()
        assert 0 < mine < every
        shown = page.inner_text("#shown")
        holding[0] = True
        page.select_option("#by-sender", "")  # every card: its answer is held
        page.select_option("#by-sender", "B2")  # the sender's cards again: answered
        drawn(page, 3)
        assert len(held) == 1
        held[0].continue_()  # every card's answer comes last
        drawn(page, 4)
        assert page.input_value("#by-sender") == "B2"
        assert page.inner_text("#shown") == shown
        senders = page.locator("#pairs tbody tr td:first-child").all_inner_texts()
        assert len(senders) == mine and all(s.endswith("(B2)") for s in senders)


def test_the_card_shown_is_the_card_chosen_last(browser, paired: Path) -> None:
    """A preview takes a moment to draw: one card chosen, then another before the first
    card's front came.  The images shown are the second card's, front and back, when the
    first card's front comes at last."""
    with desk(paired) as url, opened(browser, url) as page:
        page.add_init_script(ANSWERS_DRAWN)
        held: list = []
        holding = [""]  # the sender whose front is held

        def front_held(route) -> None:
            asked = route.request.url
            if holding[0] and f"sender={holding[0]}&" in asked and "side=front" in asked:
                held.append(route)
            else:
                route.continue_()

        page.route("**/api/preview?*", front_held)
        page.goto(url + "/desk/preview")
        drawn(page, 3)  # the pairs, the first card's front and back
        cards = page.locator("#card option").evaluate_all("options => options.map(o => o.value)")
        sender = cards[0].split("\n")[0]  # the card shown first
        first = next(card for card in cards if not card.startswith(sender + "\n"))
        second = cards[0]  # chosen again: another sender's card, drawn anew
        holding[0] = first.split("\n")[0]
        page.select_option("#card", first)  # its front is held
        page.select_option("#card", second)
        drawn(page, 5)  # the second card's front and back
        assert len(held) == 1
        shown = page.eval_on_selector("#front", "image => image.src")
        back = page.eval_on_selector("#back", "image => image.src")
        held[0].continue_()  # the first card's front comes last
        drawn(page, 6)
        assert page.input_value("#card") == second
        assert page.eval_on_selector("#front", "image => image.src") == shown
        assert page.eval_on_selector("#back", "image => image.src") == back
        assert page.inner_text("#status") == ""


def test_two_people_at_the_desk_do_not_replace_each_other(
    browser, paired: Path, tmp_path: Path
) -> None:
    """Two offices' staff on one campaign, each with the page open: the second to save
    the campaign's name, or one card's message, is told by the field that it changed
    meanwhile, and the first one's words stay."""
    paired = Path(shutil.copytree(paired, tmp_path / "office"))  # the others' stays as it is
    with desk(paired) as url, opened(browser, url) as one, opened(browser, url) as two:
        for page in (one, two):
            page.goto(url + "/desk")
            page.wait_for_function(
                "() => !document.querySelector('#settings [type=submit]').disabled"
            )
        one.fill('[id="campaign.name"]', "Briefe nach Belarus")
        one.click("text=Save settings")
        one.locator("#saved").filter(has_text="Saved in campaign.toml").wait_for(timeout=WAIT)
        two.fill('[id="campaign.name"]', "Postkarten aus Berlin")
        two.click("text=Save settings")
        error = two.locator('[id="error-campaign.name"]')
        error.wait_for(state="visible", timeout=WAIT)
        assert "changed since this page read it" in error.inner_text()
        assert "Briefe nach Belarus" in error.inner_text()
        assert two.get_attribute('[id="campaign.name"]', "aria-invalid") == "true"
        toml = (paired / "campaign.toml").read_text(encoding="utf-8")
        assert 'name = "Briefe nach Belarus"' in toml

        for page in (one, two):
            page.goto(url + "/desk/pairs")
            page.locator("#shown").filter(has_text="cards shown").wait_for(timeout=WAIT)
        rows = [page.locator("#pairs tbody tr").first for page in (one, two)]
        rows[0].locator("textarea").fill("Держитесь! Мы помним о вас.")
        rows[0].locator("button", has_text="Save").click()
        rows[0].locator(".note.good").wait_for(timeout=WAIT)
        rows[1].locator("textarea").fill("Мы с вами.")
        rows[1].locator("button", has_text="Save").click()
        rows[1].locator(".findings .bad").first.wait_for(timeout=WAIT)
        assert "Мы помним о вас" in rows[1].locator(".findings").inner_text()
        messages = [r["message"] for r in read_manifest(paired / "assignments.csv")]
        assert "Держитесь! Мы помним о вас." in messages and "Мы с вами." not in messages
