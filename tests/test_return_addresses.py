"""Return addresses per sender (issue 22): the sender's column, else their parliament's entry
in [return_addresses], else the campaign's; read back from the cards and the manifest.

The broken tables (a value that is not a list of lines, two keys for one parliament, a
sender left without any) are in tests/data/settings/return-addresses-*, each with its
message.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, page_texts, read_manifest, run

from postcards.campaign_file import load_campaign
from postcards.cards.content import card_texts
from postcards.inputs.reading import read_senders
from postcards.inputs.spreadsheets import read_table
from postcards.jobs.check import prepare, print_order
from postcards.return_addresses import ReturnAddresses, parliament_key

SEJM = '"Sejm RP" = ["Kancelaria Sejmu RP", "ul. Wiejska 4/6/8", "00-902 Warszawa", "POLAND"]'


def _append(campaign: Path, text: str) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + text, encoding="utf-8")


def _senders(campaign: Path, text: str) -> None:
    (campaign / "senders.csv").write_text(text, encoding="utf-8")


def _backs(campaign: Path, tmp_path: Path) -> dict[str, str]:
    """Each sender's card back, as the PDF reads, from a `cards` run (one back per sender)."""
    out = tmp_path / "cards.pdf"
    result = run("-c", campaign, "cards", "-o", out)
    assert result.exit_code == 0, result.stderr
    pages = page_texts(out)
    return {
        row["sender_id"]: pages[int(row["back_page"]) - 1]
        for row in read_manifest(out.with_suffix(".manifest.csv"))
    }


def test_the_sender_column_then_the_parliament_then_the_campaign(
    campaign: Path, tmp_path: Path
) -> None:
    """S1 has its own address; S3 (Sejm RP) gets the table's; S2 (Seimas, no entry), ours."""
    _senders(
        campaign,
        "id,name,title,parliament,country,language,cards,return_address\n"
        'S1,Łukasz Wiśniewski,Poseł na Sejm,Sejm RP,Poland,pl,,"Biuro Poselskie\nul. Długa 5\n'
        '80-831 Gdańsk\nPOLAND"\n'
        "S2,Jūratė Kazlauskienė,Seimo narė,Seimas,Lithuania,lt,,\n"
        "S3,Anna Zielińska,Posłanka na Sejm,Sejm RP,Poland,pl,,\n",
    )
    _append(campaign, f"\n[return_addresses]\n{SEJM}\n")
    backs = _backs(campaign, tmp_path)
    assert "Biuro Poselskie ul. Długa 5 80-831 Gdańsk POLAND" in backs["S1"]
    assert "Wiejska" not in backs["S1"] and "Brussels" not in backs["S1"]
    assert "Kancelaria Sejmu RP ul. Wiejska 4/6/8 00-902 Warszawa POLAND" in backs["S3"]
    assert "Brussels" not in backs["S3"]
    assert "Rue Wiertz 60 1047 Brussels BELGIUM" in backs["S2"]
    manifest = {
        r["sender_id"]: r["return_address"] for r in read_manifest(tmp_path / "cards.manifest.csv")
    }
    assert manifest["S3"] == "Kancelaria Sejmu RP / ul. Wiejska 4/6/8 / 00-902 Warszawa / POLAND"
    assert manifest["S2"] == "Rue Wiertz 60 / 1047 Brussels / BELGIUM"


def test_a_parliament_matches_whatever_its_case_spaces_and_accents(
    campaign: Path, tmp_path: Path
) -> None:
    """The senders list writes "SEIMAS" with an NFD accent-free name, the key "  seimas ";
    "Dáil Éireann" decomposed in the list matches the key composed."""
    dail = unicodedata.normalize("NFD", "Dáil  Éireann")
    _senders(
        campaign,
        "id,name,title,parliament,country,language,cards\n"
        "S1,Łukasz Wiśniewski,Poseł na Sejm,sejm  rp,Poland,pl,\n"
        f"S2,Úna Ní Bhraonáin,TD,{dail},Ireland,en,\n",
    )
    _append(
        campaign,
        f"\n[return_addresses]\n{SEJM}\n"
        '"Dáil Éireann" = ["Dáil Éireann", "Leinster House, Kildare Street", '
        '"Dublin 2, D02 XR20", "IRELAND"]\n',
    )
    checked = run("-c", campaign, "check")
    assert checked.exit_code == 0 and "warning" not in checked.stdout, checked.stdout
    backs = _backs(campaign, tmp_path)
    assert "ul. Wiejska 4/6/8" in backs["S1"]
    assert "Leinster House, Kildare Street Dublin 2, D02 XR20 IRELAND" in backs["S2"]
    assert not any("Brussels" in back for back in backs.values())


def test_parliament_key_folds_case_spaces_and_composition() -> None:
    composed, decomposed = (
        "Poslanecká sněmovna",
        unicodedata.normalize("NFD", "POSLANECKÁ  sněmovna"),
    )
    assert composed != decomposed and parliament_key(composed) == parliament_key(decomposed)
    returns = ReturnAddresses(("Campaign", "Office"), {"Poslanecká sněmovna": ("PSP",)})
    assert returns.choose((), decomposed).lines == ("PSP",)
    assert returns.choose(("Own",), decomposed).source == "sender"
    assert returns.choose((), "Senát").lines == ("Campaign", "Office")
    assert ReturnAddresses().choose((), "Senát") is None  # none configured: no block, as before


def test_a_key_no_sender_matches_is_a_warning_naming_the_list_s_parliaments(
    campaign: Path,
) -> None:
    _append(
        campaign,
        f"\n[return_addresses]\n{SEJM}\n"
        '"Seimass" = ["Lietuvos Respublikos Seimas", "Gedimino pr. 53", "LT-01109 Vilnius", '
        '"LITHUANIA"]\n',
    )
    result = run("-c", campaign, "check")
    assert result.exit_code == 0, result.stdout
    warnings = [line for line in result.stdout.splitlines() if "return_addresses" in line]
    assert warnings == [
        'campaign.toml: return_addresses."Seimass": warning: no sender\'s parliament is '
        '"Seimass" (did you mean "Seimas"?); senders.csv has Seimas, Sejm RP. A misspelt '
        "name sends its parliament's cards to the campaign's return address: correct it, or "
        "delete the entry no sender sits in"
    ]


def test_two_parliaments_never_share_a_return_block(campaign: Path) -> None:
    """The planner keeps placed blocks by their text: each parliament's is its own."""
    _senders(
        campaign,
        "id,name,title,parliament,country,language,cards\n"
        "S1,Łukasz Wiśniewski,Poseł na Sejm,Sejm RP,Poland,pl,\n"
        "S2,Jūratė Kazlauskienė,Seimo narė,Seimas,Lithuania,lt,\n",
    )
    _append(
        campaign,
        f"\n[return_addresses]\n{SEJM}\n"
        '"Seimas" = ["Lietuvos Respublikos Seimas", "Gedimino pr. 53", "LT-01109 Vilnius", '
        '"LITHUANIA"]\n',
    )
    report, planner = prepare(load_campaign(campaign / "campaign.toml"))
    assert planner is not None, report.problems
    plans = [planner.plan(p, "K7M2QX9DR") for p in print_order(report.pairings)]
    first = {p.sender.id: p.return_block.text.lines[0][0] for p in plans}
    assert first == {"S1": "Kancelaria Sejmu RP", "S2": "Lietuvos Respublikos Seimas"}
    sources = {(p.sender.id, t[2]) for p in plans for t in card_texts(p, "senders.csv")
               if t[0] == "return address"}  # fmt: skip
    assert sources == {("S1", "campaign.toml [return_addresses]"),
                       ("S2", "campaign.toml [return_addresses]")}  # fmt: skip


@pytest.mark.parametrize("own, source", [(True, "senders.csv"), (False, "campaign.toml")])
def test_the_content_check_names_where_the_return_address_comes_from(
    campaign: Path, own: bool, source: str
) -> None:
    if own:
        _senders(
            campaign,
            "id,name,title,parliament,country,language,cards,return_address\n"
            "S1,Łukasz Wiśniewski,Poseł na Sejm,Sejm RP,Poland,pl,,Freedom St 1\n"
            "S2,Jūratė Kazlauskienė,Seimo narė,Seimas,Lithuania,lt,,Freedom St 1\n",
        )
    report, planner = prepare(load_campaign(campaign / "campaign.toml"))
    assert planner is not None, report.problems
    plan = planner.plan(report.pairings[0], "K7M2QX9DR")
    assert [t[2] for t in card_texts(plan, "senders.csv") if t[0] == "return address"] == [source]


def test_a_return_address_from_the_table_that_does_not_fit_names_its_key(
    campaign: Path,
) -> None:
    long = ", ".join(f'"Line {n} of a return address far too long for its box"' for n in range(30))
    _append(campaign, f'\n[return_addresses]\n"Sejm RP" = [{long}]\n')
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    fit = [line for line in result.stdout.splitlines() if "does not fit" in line]
    assert fit[0] == (
        'campaign.toml: return_addresses."Sejm RP": the return address of the card from '
        "Łukasz Wiśniewski to Иванов Сергей Петрович does not fit its 46 × 16 mm box even "
        "at 5.5 pt; shorten it"
    )
    assert all(line.startswith('campaign.toml: return_addresses."Sejm RP": ') for line in fit)


def test_every_sample_parliament_has_its_own_return_address() -> None:
    """A parliament added to samples/make_samples.py without its entry would silently get
    the campaign's (Brussels) address: the bug of issue 22."""
    samples = load_campaign(ROOT / "samples" / "campaign.toml")
    assert samples.senders_path is not None
    senders = read_senders(read_table(samples.senders_path), samples.sender_columns).records
    chosen = {s.parliament: samples.returns.choose(s.return_address, s.parliament) for s in senders}
    assert {p: c.source if c else None for p, c in chosen.items()} == dict.fromkeys(
        chosen, "parliament"
    )
    assert len({c.lines for c in chosen.values() if c}) == len(chosen) == 6
