"""The campaign desk's API (issue 24) with Starlette's TestClient on real files: a campaign
fresh from `init` taken through the whole office flow, a broken upload that changes nothing,
and the refusals of the station's guard on the new routes."""

from __future__ import annotations

import io
import re
import threading
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, decode_qr, read_manifest, run
from PIL import Image

from postcards.codes import format_code
from postcards.errors import ConflictError
from postcards.jobs.desk import CampaignDesk
from postcards.ledger.book import Ledger
from postcards.station.app import Station, create_app

with warnings.catch_warnings():  # starlette 1.x asks for httpx2 in its TestClient; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TOKEN = "desk-token-0123456789"
NAME = "Solidarität aus Berlin"


def german_senders(*extra: list[str]) -> bytes:
    """A Bundestag office's list: German headers, a column no field reads."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kennung", "Vorname", "Nachname", "Parlament", "Land", "Sprache", "Wahlkreis"])
    sheet.append(["B1", "Anna", "Schmidt", "Bundestag", "Germany", "de", "Berlin-Mitte"])
    sheet.append(["B2", "Jonas", "Weber", "Bundestag", "Germany", "de", "Köln I"])
    for row in extra:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


class Desk:
    """A station with its desk on a campaign folder, and a client with the token."""

    def __init__(self, folder: Path, token: str = TOKEN, desk: CampaignDesk | None = None):
        self.folder = folder
        self.ledger = Ledger.open(folder / "tracking.db")  # as serve opens it: made if need be
        self.desk = desk or CampaignDesk((folder / "campaign.toml").resolve())
        station = Station(self.ledger, "new campaign", token=token, desk=self.desk)
        self.client = TestClient(create_app(station), base_url="http://localhost")
        self.client.headers["Authorization"] = f"Bearer {token}"

    def upload(self, what: str, name: str, data: bytes):
        return self.client.put(f"/api/lists/{what}", files={"file": (name, data)})

    def wait(self, job: str) -> dict:
        for _ in range(600):
            state = self.client.get(f"/api/print/{job}").json()
            if state["state"] != "running":
                return state
            time.sleep(0.1)
        raise AssertionError("the print run did not end")


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Desk]:
    """A campaign folder as `postcards init` makes it, served with its desk."""
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    desk = Desk(folder)
    yield desk
    desk.ledger.close()


def ready(desk: Desk) -> None:
    """The office's own lists, mapping, name, hashtag and web address, through the API."""
    assert desk.upload("senders", "Abgeordnete.xlsx", german_senders()).status_code == 200
    prisoners = (DATA / "campaign" / "prisoners.csv").read_bytes()
    assert desk.upload("prisoners", "list.csv", prisoners).status_code == 200
    mapping = {"name": ["Vorname", "Nachname"], "other": ["Wahlkreis"]}
    assert desk.client.put("/api/columns/senders", json=mapping).status_code == 200
    settings = {"campaign": {"name": NAME, "hashtag": "#SolidaritaetBerlin",
                             "url": "https://standbyyou.eu"}}  # fmt: skip
    assert desk.client.put("/api/settings", json=settings).json() == {"ok": True, "problems": []}


def test_the_office_flow_through_the_desk(fresh: Desk) -> None:
    client, folder = fresh.client, fresh.folder
    uploaded = fresh.upload("senders", "Abgeordnete.xlsx", german_senders())
    assert uploaded.status_code == 200
    answer = uploaded.json()
    assert answer["file"] == "senders.xlsx" and answer["rows"] == 2
    assert {"header": "Vorname", "field": "name"} in answer["columns"]
    assert answer["unread"] == ["Wahlkreis"]
    assert answer["problems"][0]["severity"] == "warning"
    assert answer["problems"][0]["text"].startswith(
        "senders.xlsx:1: warning: 1 column not read: 'Wahlkreis'"
    )
    (kept,) = answer["kept"]  # init's example list, kept beside the new one
    assert (
        kept.startswith("senders.20")
        and (folder / kept).read_bytes() != (folder / "senders.xlsx").read_bytes()
    )

    prisoners = (DATA / "campaign" / "prisoners.csv").read_bytes()
    answer = fresh.upload("prisoners", "Gefangene.csv", prisoners).json()
    assert answer["file"] == "prisoners.csv" and answer["rows"] == 5 and answer["problems"] == []
    assert (folder / "prisoners.csv").read_bytes() == prisoners

    mapping = {"name": ["Vorname", "Nachname"], "other": ["Wahlkreis"]}
    mapped = client.put("/api/columns/senders", json=mapping).json()
    assert mapped["unread"] == [] and mapped["problems"] == []
    assert {"header": "Wahlkreis", "field": "other"} in mapped["columns"]
    toml = (folder / "campaign.toml").read_text(encoding="utf-8")
    assert '[senders.columns]\nname = ["Vorname", "Nachname"]\nother = ["Wahlkreis"]' in toml
    assert "# A postcards campaign. Every path is relative" in toml  # comments kept

    # init's sample name, hashtag and URL are still there: check says so, as the CLI does
    checked = client.get("/api/check").json()
    assert not checked["ok"]
    cli = run("-c", folder, "check")
    shown = [line for line in cli.stdout.splitlines() if line.startswith("campaign.toml: ")]
    assert sorted(p["text"] for p in checked["problems"]) == sorted(shown) and len(shown) == 4
    settings = {"campaign": {"name": NAME, "hashtag": "#SolidaritaetBerlin",
                             "url": "https://standbyyou.eu"},
                "return_addresses": {"Sejm RP": None, "Seimas": None}}  # fmt: skip
    assert client.put("/api/settings", json=settings).json()["ok"] is True
    toml = (folder / "campaign.toml").read_text(encoding="utf-8")
    assert f'name = "{NAME}"           # yours: cards are kept per campaign name' in toml
    assert '"Sejm RP"' not in toml and '"Bundestag" = ["Deutscher Bundestag"' in toml

    checked = client.get("/api/check").json()
    assert checked["ok"], checked["problems"]
    assert checked["summary"]["senders"] == 2 and checked["summary"]["cards"] == 4
    assert run("-c", folder, "check").exit_code == 0  # the CLI agrees

    assigned = client.post("/api/assign", json={"seed": 7}).json()
    assert assigned["pairs"] == 4 and assigned["file"] == "assignments.csv"
    pairs = client.get("/api/pairs").json()["pairs"]
    assert len(pairs) == 4 and {p["sender_name"] for p in pairs} == {"Anna Schmidt", "Jonas Weber"}
    mine = client.get("/api/pairs", params={"sender": "B2"}).json()["pairs"]
    assert mine == [p for p in pairs if p["sender_id"] == "B2"] and len(mine) == 2
    pair = mine[0]
    where = f"/api/pairs/{pair['sender_id']}/{pair['prisoner_id']}"

    risky = client.put(where, json={"message": "Держитесь! Скоро свобода."}).json()
    assert risky["pair"]["message"] == "Держитесь! Скоро свобода."
    (finding,) = risky["findings"]
    assert finding["severity"] == "error" and "свобода" in finding["message"].lower()
    assert "assignments.csv" in finding["text"]
    long = client.put(where, json={"message": "Держитесь, мы помним о вас. " * 60}).json()
    assert any("does not fit" in f["message"] for f in long["findings"])
    words = "Держитесь! Мы помним о вас и пишем вам из Берлина."
    kind = client.put(where, json={"message": words}).json()
    assert kind["findings"] == [] and kind["pair"]["message"] == words
    rows = read_manifest(folder / "assignments.csv")
    assert [r["message"] for r in rows if r["prisoner_id"] == pair["prisoner_id"]] == [words]

    preview = client.get("/api/preview", params={"sender": pair["sender_id"],
                                                 "prisoner": pair["prisoner_id"], "side": "back"})  # fmt: skip
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).width > 500
    assert fresh.ledger.count_cards() == 0  # a preview records nothing

    started = client.post("/api/print", json={})
    assert started.status_code == 202
    state = fresh.wait(started.json()["job"])
    assert state["state"] == "done", state["problems"]
    assert state["done"] == state["total"] == 4
    assert set(state["files"]) == {"file", "manifest", "ticket"}
    job = started.json()["job"]
    pdf = client.get(f"/api/print/{job}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/print/{job}/ticket").content.startswith(b"%PDF")
    manifest = client.get(f"/api/print/{job}/manifest")
    assert manifest.headers["content-type"].startswith("text/csv")
    saved = folder / "cards.pdf"
    saved.write_bytes(pdf.content)
    (folder / "cards.manifest.csv").write_bytes(manifest.content)
    cards = read_manifest(folder / "cards.manifest.csv")
    assert {(c["sender_id"], c["prisoner_id"]) for c in cards} == {
        (p["sender_id"], p["prisoner_id"]) for p in pairs
    }
    for card in cards:  # each card's QR code, read back from the printed page
        assert decode_qr(saved, int(card["back_page"]) - 1) == [card["code"]]
    with Ledger.open(folder / "tracking.db") as ledger:
        assert {c.code for c in ledger.cards(NAME)} == {c["code"] for c in cards}
    codes = {
        (p["sender_id"], p["prisoner_id"]): p["code"]
        for p in client.get("/api/pairs").json()["pairs"]
    }
    assert codes == {(c["sender_id"], c["prisoner_id"]): format_code(c["code"]) for c in cards}


# --- what the desk refuses -------------------------------------------------------------------


def test_a_broken_upload_keeps_the_previous_list(fresh: Desk) -> None:
    folder = fresh.folder
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    broken = fresh.upload("senders", "senders.xlsx", b"PK\x03\x04 not a workbook at all")
    assert broken.status_code == 400
    (problem,) = broken.json()["problems"]
    assert problem["file"] == "senders.xlsx" and problem["severity"] == "error"
    assert broken.json()["reason"] == problem["text"]
    unknown = fresh.upload("senders", "senders.exe", b"MZ")
    assert unknown.status_code == 400 and 'unsupported file type ".exe"' in unknown.json()["reason"]
    empty = fresh.upload("prisoners", "prisoners.csv", b"")
    assert empty.status_code == 400
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before  # the same lists, campaign.toml untouched, nothing kept or left over
    assert [p.name for p in folder.iterdir() if p.is_dir()] == []


def test_an_upload_of_another_kind_moves_the_campaign_to_it(fresh: Desk) -> None:
    """senders.xlsx replaced by a CSV: [inputs] names senders.csv, both old files kept, dated,
    a second upload in the same minute never overwriting the first one's."""
    folder = fresh.folder
    example = (folder / "senders.xlsx").read_bytes()
    first = (DATA / "campaign" / "senders.csv").read_bytes()
    answer = fresh.upload("senders", "Senders (2).CSV", first).json()
    assert answer["file"] == "senders.csv" and answer["problems"] == []
    toml = (folder / "campaign.toml").read_text(encoding="utf-8")
    assert 'senders = "senders.csv"                 # CSV, XLSX or ODS' in toml
    assert not (folder / "senders.xlsx").exists()
    (kept_xlsx,) = answer["kept"]
    assert (folder / kept_xlsx).read_bytes() == example and kept_xlsx.endswith(".xlsx")
    second = first.replace(b"S2,", b"S3,")
    kept_csv = fresh.upload("senders", "s.csv", second).json()["kept"]
    third = fresh.upload("senders", "s.csv", first).json()["kept"]
    assert (folder / kept_csv[0]).read_bytes() == first and (
        folder / third[0]
    ).read_bytes() == second
    assert len({kept_xlsx, *kept_csv, *third}) == 3
    assert (folder / "senders.csv").read_bytes() == first


def test_settings_are_validated_as_the_file_is(fresh: Desk) -> None:
    client, toml = fresh.client, fresh.folder / "campaign.toml"
    before = toml.read_bytes()
    cases = [
        ({"cards": {"sise": "A6"}}, "[cards] sise", "unknown setting; did you mean size?"),
        ({"cards": {"duplex": "both"}}, "cards.duplex", "expected one of long-edge"),
        (
            {"cards": {"crop_marks": "yes"}},
            "cards.crop_marks",
            "expected true or false, found 'yes'",
        ),
        ({"campagne": {"name": "x"}}, "[campagne]", "unknown section"),
        ({"tracking": {"database": "sqlite:////tmp/x.db"}}, "[tracking]", "POSTCARDS_DATABASE"),
        ({"inputs": {"senders": "../../etc/passwd"}}, "[inputs]", "upload a list"),
        ({"campaign": {"name": {"first": "x"}}}, "campaign.name", "expected text, a number"),
        (
            {"return_addresses": {"Bundestag": "Platz der Republik 1"}},
            "return_addresses.Bundestag",
            "a list of address lines",
        ),
        (
            {"return_addresses": {"Bundestag": ["", "x"]}},
            'return_addresses."Bundestag"',
            "each non-empty text",
        ),
    ]
    for body, column, words in cases:
        answer = client.put("/api/settings", json=body)
        assert answer.status_code == 400, body
        columns = [p["column"] for p in answer.json()["problems"]]
        assert column in columns, (body, columns)
        if words:
            assert any(words in p["message"] for p in answer.json()["problems"]), answer.json()
    assert toml.read_bytes() == before  # nothing written by any of them
    deleted = client.put(
        "/api/settings", json={"campaign": {"hashtag": None}, "cards": {"size": "DL"}}
    )
    assert deleted.status_code == 200
    text = toml.read_text(encoding="utf-8")
    assert "hashtag =" not in text and 'size = "DL"' in text
    assert "# A printer's measured front/back offset" in text  # the comments stay


def test_the_guard_stands_in_front_of_the_desk(fresh: Desk, tmp_path: Path) -> None:
    toml = fresh.folder / "campaign.toml"
    before = toml.read_bytes()
    stranger = TestClient(fresh.client.app, base_url="http://localhost")
    assert stranger.get("/api/check").status_code == 401
    assert stranger.put("/api/settings", json={"campaign": {"name": "x"}}).status_code == 401
    assert (
        stranger.put("/api/lists/senders", files={"file": ("s.csv", b"id,name\n")}).status_code
        == 401
    )
    rebound = fresh.client.get("/api/pairs", headers={"Host": "evil.example"})
    assert rebound.status_code == 421
    cross = fresh.client.put("/api/settings", json={"campaign": {"name": "x"}},
                             headers={"Origin": "http://evil.example"})  # fmt: skip
    assert cross.status_code == 403 and "evil.example" in cross.json()["reason"]
    sent = fresh.client.put("/api/lists/senders", files={"file": ("s.csv", b"id,name\n")},
                            headers={"Sec-Fetch-Site": "cross-site"})  # fmt: skip
    assert sent.status_code == 403
    assert toml.read_bytes() == before


def test_uploads_are_held_to_20_mb(fresh: Desk) -> None:
    from postcards.inputs.spreadsheets import MAX_UPLOAD

    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    said = fresh.client.put("/api/lists/senders", content=b"x" * (MAX_UPLOAD + 1), headers=headers)
    assert said.status_code == 413 and "20 MB" in said.json()["reason"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        for _ in range(21):
            yield b"x" * 2**20

    streamed = fresh.client.put("/api/lists/senders", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    scan_sized = fresh.client.put("/api/settings", content=b"{" + b" " * 70000 + b"}",
                                  headers={"Content-Type": "application/json"})  # fmt: skip
    assert scan_sized.status_code == 413  # JSON calls keep the station's 64 KB


def test_list_names_cannot_leave_the_campaign_folder(fresh: Desk, tmp_path: Path) -> None:
    data = (DATA / "campaign" / "prisoners.csv").read_bytes()
    for path in ("/api/lists/..%2F..%2Fevil", "/api/lists/campaign.toml", "/api/lists/..",
                 "/api/columns/..%2Fcampaign"):  # fmt: skip
        answer = fresh.client.put(path, files={"file": ("p.csv", data)})
        assert answer.status_code in (404, 405), path
    answer = fresh.upload("prisoners", "../../../evil/p.csv", data)
    assert answer.status_code == 200 and answer.json()["file"] == "prisoners.csv"
    assert (fresh.folder / "prisoners.csv").read_bytes() == data
    assert not (tmp_path / "evil").exists() and not (tmp_path / "p.csv").exists()
    windows = fresh.upload("prisoners", "..\\..\\p.csv", data)
    assert windows.json()["file"] == "prisoners.csv"


def test_a_mapping_that_names_no_column_is_refused(fresh: Desk) -> None:
    fresh.upload("senders", "a.xlsx", german_senders())
    toml = fresh.folder / "campaign.toml"
    before = toml.read_bytes()
    wrong = fresh.client.put("/api/columns/senders", json={"name": ["Vornahme", "Nachname"]})
    assert wrong.status_code == 400
    (problem,) = wrong.json()["problems"]
    assert (
        problem["column"] == "senders.columns.name"
        and "'Vornahme' not in senders.xlsx" in problem["message"]
    )
    field = fresh.client.put("/api/columns/senders", json={"nmae": "Vorname"})
    assert field.status_code == 400 and "not a field" in field.json()["reason"]
    assert toml.read_bytes() == before


class HeldDesk(CampaignDesk):
    """A desk whose print runs wait until let go."""

    def __init__(self, source: Path):
        super().__init__(source)
        self.go = threading.Event()

    def print_run(self, options):
        work = super().print_run(options)

        def held(progress):
            self.go.wait(60)
            return work(progress)

        return held


def test_one_print_run_at_a_time(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    held = HeldDesk((folder / "campaign.toml").resolve())
    desk = Desk(folder, desk=held)
    try:
        ready(desk)
        first = desk.client.post("/api/print", json={})
        assert first.status_code == 202
        second = desk.client.post("/api/print", json={"layout": "a4-2up"})
        assert second.status_code == 409 and first.json()["job"] in second.json()["reason"]
        assert desk.client.get(f"/api/print/{first.json()['job']}").json()["state"] == "running"
        bad = desk.client.post("/api/print", json={"colour": "red"})
        assert bad.status_code == 400 and "'colour'" in bad.json()["reason"]
        held.go.set()
        assert desk.wait(first.json()["job"])["state"] == "done"
        again = desk.client.post("/api/print", json={"layout": "a4-2up"})
        assert again.status_code == 202  # the first has ended
        assert desk.wait(again.json()["job"])["state"] == "done"
        assert desk.client.get("/api/print/nonsense").status_code == 404
    finally:
        held.go.set()
        desk.ledger.close()


def test_a_failed_print_run_writes_and_records_nothing(fresh: Desk) -> None:
    ready(fresh)
    client, folder = fresh.client, fresh.folder
    client.post("/api/assign", json={"seed": 3})
    pair = client.get("/api/pairs").json()["pairs"][0]
    message = {"message": "Свобода политзаключённым!"}
    client.put(f"/api/pairs/{pair['sender_id']}/{pair['prisoner_id']}", json=message)
    job = client.post("/api/print", json={}).json()["job"]
    state = fresh.wait(job)
    assert state["state"] == "failed" and state["files"] == {}
    cli = run("-c", folder, "cards", "-o", folder / "cards.pdf")
    assert cli.exit_code == 1

    def masked(lines: list[str]) -> list[str]:  # each run draws its own codes
        return [re.sub(r"\(\w{4}-\w{4}-\w\)", "(CODE)", line) for line in lines]

    shown = [
        line for line in cli.stderr.splitlines() if line.startswith("assignments.csv: content:")
    ]
    assert len(shown) == 2
    assert masked([p["text"] for p in state["problems"]]) == masked(shown)
    assert client.get(f"/api/print/{job}/file").status_code == 404
    assert not (folder / "prints").exists() or not any((folder / "prints").rglob("*"))
    assert fresh.ledger.count_cards() == 0 and not (folder / "cards.pdf").exists()


def test_the_desk_needs_a_campaign_folder(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "tracking.db") as ledger:
        client = TestClient(create_app(Station(ledger, "bare")), base_url="http://localhost")
        answer = client.get("/api/check")
        assert answer.status_code == 404 and "campaign.toml" in answer.json()["reason"]
        assert client.get("/desk").status_code == 200


def test_serve_starts_on_a_folder_fresh_from_init(tmp_path: Path) -> None:
    """No ledger yet: the station starts, its desk answers, the dashboard shows nothing."""
    import os
    import signal
    import subprocess
    import sys

    import web
    from conftest import _free_port, wait_for_server

    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "POSTCARDS_DATABASE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "postcards", "serve", "--port", str(port)],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(f"{base}/api/coverage", process)
        assert web.get(f"{base}/api/coverage").json()["cards"] == 0
        assert 'id="settings"' in web.get(f"{base}/desk").text  # the campaign form
        checked = web.get(f"{base}/api/check", timeout=60).json()
        assert not checked["ok"] and "example senders list" in checked["problems"][0]["text"]
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "station for Stand by You (sample)" in out


def test_the_settings_form_and_the_poster_are_read_through_the_api(fresh: Desk) -> None:
    """What the desk's pages read: the campaign form's values and choices, the fields a
    column may be mapped to, the godparents poster (PNG to look at, PDF to download)."""
    client = fresh.client
    settings = client.get("/api/settings").json()
    assert settings["campaign"]["wave"] == "2026-12" and settings["cards"]["size"] == "A6"
    assert settings["return_addresses"]["Bundestag"][0] == "Deutscher Bundestag"
    assert "Bundestag" in settings["parliaments"] and "a4-2up" in settings["choices"]["layout"]
    assert client.get("/api/lists/senders").json()["fields"][-1] == "other"
    ready(fresh)
    assert client.get("/api/settings").json()["campaign"]["name"] == NAME
    nobody = client.get("/api/poster", params={"count": "sent"})
    assert nobody.status_code == 400 and "sent" in nobody.json()["reason"]  # no card sent yet
    png = client.get("/api/poster", params={"count": "assigned"})
    assert png.status_code == 200 and Image.open(io.BytesIO(png.content)).format == "PNG"
    pdf = client.get("/api/poster", params={"count": "assigned", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF") and "poster.pdf" in pdf.headers["content-disposition"]
    assert client.get("/api/poster", params={"format": "svg"}).status_code == 400
    share = {"kind": "share", "count": "assigned"}
    first = client.get("/api/poster", params=share)
    assert Image.open(io.BytesIO(first.content)).size == (1080, 1080)
    packed = client.get("/api/poster", params={**share, "format": "zip"})
    assert "share-images.zip" in packed.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(packed.content)) as archive:
        sizes = [Image.open(archive.open(name)).size for name in archive.namelist()]
    assert sizes == [(1080, 1080), (1080, 1350), (1200, 675)]  # each network's own shape
    assert client.get("/api/poster", params={**share, "format": "pdf"}).status_code == 400
    assert client.get("/api/poster", params={"kind": "wall"}).status_code == 400
    assert not list(fresh.folder.glob("poster*"))  # nothing left in the campaign folder
    assert not list(fresh.folder.glob("share*"))


def test_the_desk_pages_are_served_with_the_station_s_headers(fresh: Desk) -> None:
    from postcards.station.desk_pages import PAGES

    dashboard = fresh.client.get("/")
    for path in PAGES:
        page = fresh.client.get(path)
        assert page.status_code == 200 and 'href="/desk"' in page.text
        assert (
            page.headers["content-security-policy"] == dashboard.headers["content-security-policy"]
        )
        assert '<script type="application/json" id="words">' in page.text


def test_every_desk_message_is_used_and_every_key_used_exists() -> None:
    """The desk's words are all in messages/desk.en.toml, as the station's catalogues hold
    theirs: templates call ``t("desk.key")``, desk.js ``words.t("desk.key")``."""
    from postcards.station.language import catalogue
    from postcards.station.pages import HERE

    desk = {key for key in catalogue("en") if key.startswith("desk.")}

    texts = [p.read_text() for p in (HERE / "templates").glob("desk*.html")]
    script = (HERE / "static" / "desk.js").read_text()
    used = set()
    for text in texts:
        used |= set(re.findall(r"""\bt(?:\.markup)?\(\s*["'](desk\.[\w.]+)["']""", text))
    used |= set(re.findall(r"""\bwords\.t\(\s*["'](desk\.[\w.]+)["']""", script))
    assert sorted(used - desk) == [], "used but not in desk.en.toml"
    assert sorted(desk - used) == [], "in desk.en.toml but never used"
    assert not re.search(r"""textContent\s*=\s*["'`][A-Za-z]""", script)  # no English in the script


def test_the_lists_news_since_the_last_wave_come_apart(campaign: Path) -> None:
    """Releases, transfers, new names and cards to reprint: their own list on the check."""
    from test_freshness import _edit_list

    assert run("-c", campaign, "cards", "-o", campaign / "w1.pdf").exit_code == 0
    _edit_list(campaign / "prisoners.csv")
    office = Desk(campaign)
    try:
        saved = office.client.put("/api/settings", json={"campaign": {"wave": "T2"}})
        assert saved.json()["ok"] is True
        answer = office.client.get("/api/check").json()
    finally:
        office.ledger.close()
    news = [(p["row"], p["severity"], p["message"].split(" (")[0]) for p in answer["freshness"]]
    assert news == [
        (2, "warning", "Иванов Сергей Петрович"),
        (3, "warning", "Кавалёў Алесь Пятровіч"),
        (7, "warning", "Новикова Ольга Петровна"),
    ]
    assert "reprint the 1 card(s)" in answer["freshness"][1]["message"]
    shown = {p["message"] for p in answer["problems"]}
    assert not shown & {p["message"] for p in answer["freshness"]}  # once, in their own list
    assert answer["ok"] is True


def test_the_desk_and_the_command_line_print_at_once(tmp_path: Path) -> None:
    """A desk's print run and `postcards cards` on the same campaign at the same moment.

    Each card keeps one code, whichever run drew it: no pair gets two, no code two pairs.
    Both runs draw fresh codes for the same new pairs, so the one that records second
    either finds the first's codes (it started after them) or stops with the code to
    reprint with, writing no PDF; which one depends on timing, so either is accepted.
    """
    import csv
    import subprocess
    import sys

    folder = tmp_path / "new"
    assert run("init", folder).exit_code == 0
    held = HeldDesk((folder / "campaign.toml").resolve())
    desk = Desk(folder, desk=held)
    out = folder / "cli" / "cards.pdf"
    try:
        ready(desk)
        assert desk.client.post("/api/assign", json={}).status_code == 200
        job = desk.client.post("/api/print", json={}).json()["job"]
        command = [sys.executable, "-m", "postcards", "-c", str(folder), "cards", "-o", str(out)]
        cli = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        held.go.set()  # both draw now
        _, errors = cli.communicate(timeout=120)
        state = desk.wait(job)
        manifests = []
        if state["state"] == "done":
            response = desk.client.get(f"/api/print/{job}/manifest")
            manifests.append(
                list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            )
        else:
            assert _lost_the_race(" ".join(map(str, state["problems"]))), state["problems"]
        if cli.returncode == 0:
            with open(out.with_suffix(".manifest.csv"), encoding="utf-8-sig") as handle:
                manifests.append(list(csv.DictReader(handle)))
        else:
            assert _lost_the_race(errors), errors
            assert not out.exists()
        recorded = {c.code: (c.sender_id, c.prisoner_id) for c in desk.ledger.cards(NAME)}
    finally:
        held.go.set()
        desk.ledger.close()
    assert manifests, "neither run printed"
    assert len(recorded) == 4 and len(set(recorded.values())) == 4  # one code a pair
    for rows in manifests:
        assert len(rows) == 4
        assert {r["code"]: (r["sender_id"], r["prisoner_id"]) for r in rows} == recorded


def _lost_the_race(message: str) -> bool:
    """The second run's stop: the pair's card, recorded by the other run as this one drew,
    and the code to reprint it with."""
    return (
        "already have card" in message
        and "recorded while this print run was drawing" in message
        and "reprint it with that code" in message
    )


def test_two_pages_changing_one_setting_do_not_replace_each_other(fresh: Desk) -> None:
    """Two people at the desk, each page filled in from the same settings: the one who
    saves second is refused where the first changed the same setting (a 409 naming it and
    its value now), and saved where the first changed nothing."""
    client, toml = fresh.client, fresh.folder / "campaign.toml"
    shown = client.get("/api/settings").json()  # both pages show these
    first = {"campaign": {"name": "Briefe nach Belarus"},
             "before": {"campaign": {"name": shown["campaign"]["name"]}}}  # fmt: skip
    assert client.put("/api/settings", json=first).status_code == 200
    kept = toml.read_bytes()
    second = {"campaign": {"name": "Postkarten aus Berlin"}, "cards": {"size": "DL"},
              "before": {"campaign": {"name": shown["campaign"]["name"]},
                         "cards": {"size": shown["cards"]["size"]}}}  # fmt: skip
    refused = client.put("/api/settings", json=second)
    assert refused.status_code == 409
    (problem,) = refused.json()["problems"]
    assert problem["column"] == "campaign.name" and problem["file"] == "campaign.toml"
    assert "'Briefe nach Belarus'" in problem["message"] and "reload" in problem["message"]
    assert toml.read_bytes() == kept  # nothing of the refused change, the size neither
    other = {"campaign": {"hashtag": "#Berlin"},
             "before": {"campaign": {"hashtag": shown["campaign"]["hashtag"]}}}  # fmt: skip
    assert client.put("/api/settings", json=other).status_code == 200
    now = client.get("/api/settings").json()["campaign"]
    assert (now["name"], now["hashtag"]) == ("Briefe nach Belarus", "#Berlin")  # both kept
    # a parliament's return address, changed on one page, deleted on the other
    was = shown["return_addresses"].get("Bundestag")
    address = {"return_addresses": {"Bundestag": ["Platz der Republik 1", "11011 Berlin"]},
               "before": {"return_addresses": {"Bundestag": was}}}  # fmt: skip
    assert client.put("/api/settings", json=address).status_code == 200
    deleted = {"return_addresses": {"Bundestag": None},
               "before": {"return_addresses": {"Bundestag": was}}}  # fmt: skip
    refused = client.put("/api/settings", json=deleted)
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["column"] == 'return_addresses."Bundestag"'
    assert "Platz der Republik 1" in toml.read_text(encoding="utf-8")
    # a client that sends no before saves as before (the last save wins)
    assert client.put("/api/settings", json={"campaign": {"name": "X"}}).status_code == 200


@pytest.mark.parametrize(
    ("before", "column"),
    [
        ("Old name", "before"),  # not an object of sections
        ({"campaign": "Old name"}, "before"),
        ({"campaign": {"hashtag": "#old"}}, "before.campaign.hashtag"),  # not changed
        ({"qr": {"url": "https://x"}}, "before.qr.url"),  # not shown by the form
    ],
)
def test_a_before_that_cannot_be_checked_is_refused(fresh: Desk, before, column: str) -> None:
    toml = fresh.folder / "campaign.toml"
    kept = toml.read_bytes()
    body = {"campaign": {"name": "Briefe"}, "qr": {"url": "https://y.example"}, "before": before}
    answer = fresh.client.put("/api/settings", json=body)
    assert answer.status_code == 400
    assert column in [p["column"] for p in answer.json()["problems"]]
    assert toml.read_bytes() == kept


def test_two_pages_writing_one_card_s_message_do_not_replace_each_other(fresh: Desk) -> None:
    """A message written on one page is not overwritten from another page that showed the
    card before it: that save is a 409 quoting the message there now."""
    ready(fresh)
    client = fresh.client
    assert client.post("/api/assign", json={"seed": 7}).status_code == 200
    pair = client.get("/api/pairs").json()["pairs"][0]
    where = f"/api/pairs/{pair['sender_id']}/{pair['prisoner_id']}"
    first = "Держитесь! Мы помним о вас."
    saved = client.put(where, json={"message": first, "before": pair["message"]})
    assert saved.status_code == 200 and saved.json()["pair"]["message"] == first
    refused = client.put(where, json={"message": "Мы с вами.", "before": pair["message"]})
    assert refused.status_code == 409
    (problem,) = refused.json()["problems"]
    assert first in problem["message"] and problem["file"] == "assignments.csv"
    rows = read_manifest(fresh.folder / "assignments.csv")
    assert [r["message"] for r in rows if r["prisoner_id"] == pair["prisoner_id"]
            and r["sender_id"] == pair["sender_id"]] == [first]  # fmt: skip
    # from the message now, the change is saved; a before that is not text is refused
    again = client.put(where, json={"message": "Мы с вами.", "before": first + "\n"})
    assert again.status_code == 200
    assert client.put(where, json={"message": "x", "before": 1}).status_code == 400
    # a misspelt key, or no message at all, is refused: it would put the template's back
    for body in ({"mesage": "Держитесь!"}, {"message": "x", "befor": "Мы с вами."}, {}):
        refused = client.put(where, json=body)
        assert refused.status_code == 400, body
        assert "message" in refused.json()["reason"]
    saved = [r["message"] for r in read_manifest(fresh.folder / "assignments.csv")
             if (r["sender_id"], r["prisoner_id"]) == (pair["sender_id"], pair["prisoner_id"])]  # fmt: skip
    assert saved == ["Мы с вами."]


def test_two_saves_at_the_same_moment_keep_one_name(fresh: Desk) -> None:
    """Two pages press Save at the same moment, each from the name both showed: one name
    is saved, the other save is refused, whichever comes first."""
    shown = fresh.desk.settings()["campaign"]["name"]
    start = threading.Barrier(8)
    outcomes: dict[str, str] = {}

    def save(name: str) -> None:
        start.wait()
        change = {"campaign": {"name": name}}
        try:
            fresh.desk.save_settings(change, {"campaign": {"name": shown}})
            outcomes[name] = "saved"
        except ConflictError:
            outcomes[name] = "refused"

    names = [f"Kampagne {n}" for n in range(8)]
    threads = [threading.Thread(target=save, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (winner,) = [name for name, outcome in outcomes.items() if outcome == "saved"]
    assert sorted(outcomes.values()) == ["refused"] * 7 + ["saved"]
    assert fresh.desk.settings()["campaign"]["name"] == winner


def test_columns_mapped_from_a_list_replaced_meanwhile_are_refused(fresh: Desk) -> None:
    """One page shows the senders list's columns; meanwhile another page uploads the
    office's own list, or saves other columns: the first page's mapping, made from columns
    the list no longer has as shown, is refused (409) and campaign.toml keeps the other's."""
    client, toml = fresh.client, fresh.folder / "campaign.toml"
    shown = client.get("/api/lists/senders").json()["columns"]  # init's example list
    assert fresh.upload("senders", "Abgeordnete.xlsx", german_senders()).status_code == 200
    kept = toml.read_bytes()
    stale = {"name": [shown[0]["header"]], "before": shown}
    refused = client.put("/api/columns/senders", json=stale)
    assert refused.status_code == 409
    (problem,) = refused.json()["problems"]
    assert problem["column"] == "senders.columns" and "reload the page" in problem["message"]
    assert toml.read_bytes() == kept
    # from the columns shown now, the mapping is saved; then a page still showing those
    now = client.get("/api/lists/senders").json()["columns"]
    mapping = {"name": ["Vorname", "Nachname"], "other": ["Wahlkreis"]}
    assert client.put("/api/columns/senders", json={**mapping, "before": now}).status_code == 200
    again = {"name": ["Nachname"], "before": now}  # made from the columns before that save
    assert client.put("/api/columns/senders", json=again).status_code == 409
    assert 'other = ["Wahlkreis"]' in toml.read_text(encoding="utf-8")
    wrong = client.put("/api/columns/senders", json={"name": ["Nachname"], "before": "Vorname"})
    assert wrong.status_code == 400 and wrong.json()["problems"][0]["column"] == "before"
