"""The campaign desk's API (issue 24) with Starlette's TestClient on real files: a campaign
fresh from `init` taken through the whole office flow, a broken upload that changes nothing,
and the refusals of the station's guard on the new routes."""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, decode_qr, read_manifest, run
from PIL import Image

from postcards.codes import format_code
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
