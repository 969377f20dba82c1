"""`postcards check` and `cards` on bad input: one broken file per failure mode.

Each must produce its exact message and exit 1, and leave no PDF and no ledger change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import DATA, run

BROKEN = DATA / "broken"

CASES = {
    "missing-column.csv": "missing-column.csv:1: name: no column holds the name (or given- and "
    "family-name columns); the columns are 'id', 'name_dative', 'birth_year', 'institution', "
    "'address', 'postcode', 'city', 'region', 'country', 'language', 'status': map one in "
    "campaign.toml under [prisoners.columns] (name = \"…\"), or name it 'name'",
    "duplicate-id.csv": "duplicate-id.csv:4: id: duplicate id P1 (also on row 2); every row needs its own id",
    "empty-name.csv": "empty-name.csv:5: name: empty",
    "unknown-glyph.csv": "unknown-glyph.csv:5: institution: no bundled font has the character '漢' "
    "(U+6F22 CJK UNIFIED IDEOGRAPH-6F22); replace it, or add a font that has it to the "
    "design's fallbacks",
    "long-address.csv": "long-address.csv:2: institution: the address of the card from Łukasz Wiśniewski to "
    "Иванов Сергей Петрович does not fit its 64 × 60 mm box even at 7 pt; shorten it",
    "no-prisoners.csv": "no-prisoners.csv: no prisoners: the sheet has a header row but no rows below it; "
    "add one row per prisoner",
    "none-in-custody.csv": "none-in-custody.csv: no prisoner in custody: every row's status is released, "
    "deceased or unknown, so there is no card to print; check the status column",
    "bad-postcode.csv": "bad-postcode.csv:3: postcode: '22003' is not a Belarusian postcode; it has 6 digits, "
    "like 213410",
    "birth-year.csv": f"birth-year.csv:3: birth_year: 1850 is not a plausible year of birth "
    f"(1900–{dt.date.today().year - 14}); correct it",
    "latin-address.csv": "latin-address.csv:3: address: 'ul. Volodarskogo, 2' is written only in Latin "
    "letters; Belarusian post and prison censors need the address in Cyrillic "
    "(e.g. ул. Заводская, 22; г. Горки)",
    "no-institution.csv": "no-institution.csv:3: institution: empty: a prisoner in custody in Belarus needs the "
    "institution (e.g. ИК № 9, СИЗО № 1); the post sorts by it",
    "invisible-control.csv": "invisible-control.csv:3: name: contains an invisible right-to-left override "
    "(U+202E); remove it",
}


def _ledger_state(folder: Path) -> str | None:
    db = folder / "tracking.db"
    return hashlib.sha256(db.read_bytes()).hexdigest() if db.exists() else None


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_prisoner_list_is_refused_with_its_message(printed: Path, name: str) -> None:
    before = _ledger_state(printed)
    out = printed / "out" / "cards.pdf"
    result = run("-c", printed, "cards", "--prisoners", BROKEN / name, "-o", out)
    assert result.exit_code == 1
    assert CASES[name] in result.stderr.splitlines()
    assert not out.exists() and not out.with_suffix(".manifest.csv").exists()
    assert not (printed / "out").exists() or not list((printed / "out").iterdir())
    assert _ledger_state(printed) == before

    checked = run("-c", printed, "check", "--prisoners", BROKEN / name)
    assert checked.exit_code == 1
    assert CASES[name] in checked.stdout.splitlines()
    assert "no bundled font" not in checked.stdout or name == "unknown-glyph.csv"


def test_latin_city_is_reported_too_and_released_rows_only_warn(campaign: Path) -> None:
    lines = (BROKEN / "latin-address.csv").read_text(encoding="utf-8").splitlines()
    released = lines[2].replace("220030", "2200").replace("in_custody", "released")
    released = released.replace("Петрова Анна", "Петрова Алена")  # another person
    (campaign / "p.csv").write_text(
        "\n".join([*lines, released.replace("P2", "P3")]) + "\n", encoding="utf-8"
    )
    checked = run("-c", campaign, "check", "--prisoners", campaign / "p.csv")
    out = checked.stdout.splitlines()
    assert (
        "p.csv:3: city: 'Minsk' is written only in Latin letters; Belarusian post and "
        "prison censors need the address in Cyrillic (e.g. ул. Заводская, 22; г. Горки)" in out
    )
    assert (
        "p.csv:4: postcode: warning: '2200' is not a Belarusian postcode; it has 6 "
        "digits, like 213410" in out
    )
    assert (
        "p.csv:4: city: warning: 'Minsk' is written only in Latin letters; Belarusian "
        "post and prison censors need the address in Cyrillic (e.g. ул. Заводская, 22; "
        "г. Горки)" in out
    )
    assert "2 problems: fix them before printing." in out


def test_a_missing_birth_year_warns_about_namesakes(campaign: Path) -> None:
    checked = run("-c", campaign, "check", "--prisoners", BROKEN / "no-institution.csv")
    assert checked.exit_code == 1  # (the institution)
    text = (BROKEN / "bad-postcode.csv").read_text(encoding="utf-8").replace(",1992,", ",,")
    (campaign / "p.csv").write_text(text, encoding="utf-8")
    checked = run("-c", campaign, "check", "--prisoners", campaign / "p.csv")
    assert (
        "p.csv:3: birth_year: warning: empty: namesakes in one institution cannot be "
        "told apart without the year of birth; add it" in checked.stdout.splitlines()
    )


@pytest.mark.parametrize("command", ["check", "cards", "assign"])
def test_a_header_only_senders_list_is_an_error_and_writes_nothing(
    printed: Path, command: str
) -> None:
    before = _ledger_state(printed)
    out = printed / "out" / ("a.csv" if command == "assign" else "cards.pdf")
    args = [] if command == "check" else ["-o", out]
    result = run("-c", printed, command, "--senders", BROKEN / "no-senders.csv", *args)
    assert result.exit_code == 1
    assert (
        "no-senders.csv: no senders: the sheet has a header row but no rows below it; "
        "add one row per sender"
    ) in (result.stdout + result.stderr).splitlines()
    assert not out.exists()
    assert _ledger_state(printed) == before


def test_a_wave_with_no_card_is_an_error(printed: Path) -> None:
    (printed / "pairs.csv").write_text(
        "sender_id,prisoner_id,wave\nS1,P1,OTHER\n", encoding="utf-8"
    )
    before = _ledger_state(printed)
    for command in ("check", "cards"):
        args = ["-o", printed / "x.pdf"] if command == "cards" else []
        result = run("-c", printed, command, "--assignments", printed / "pairs.csv", *args)
        assert result.exit_code == 1
        assert (
            "pairs.csv: no card to print: no row is for wave T1; pair senders with "
            "prisoners for it (postcards assign)"
        ) in (result.stdout + result.stderr)
    assert not (printed / "x.pdf").exists()
    assert _ledger_state(printed) == before
    senders = printed / "senders.csv"
    senders.write_text(
        senders.read_text(encoding="utf-8")
        .replace(",pl,\n", ",pl,0\n")
        .replace(",lt,\n", ",lt,0\n"),
        encoding="utf-8",
    )
    result = run("-c", printed, "assign", "-o", printed / "a.csv")
    assert result.exit_code == 1
    assert (
        "prisoners.csv: no card to print in wave T1: the senders' cards caps leave none; raise them"
    ) in result.stderr
    assert not (printed / "a.csv").exists()


def test_unknown_template_field_is_refused_with_its_line(printed: Path) -> None:
    shutil.copytree(BROKEN / "unknown-field", printed / "templates" / "nickname")
    toml = printed / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('size = "A6"', 'size = "A6"\ndesign = "nickname"'),
        encoding="utf-8",
    )
    before = _ledger_state(printed)
    result = run("-c", printed, "cards", "-o", printed / "out.pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "message.ru.j2:1: unknown field 'nickname'; fix the template or add the column to "
        "the spreadsheet"
    )
    assert not (printed / "out.pdf").exists()
    assert _ledger_state(printed) == before


def test_no_ledger_is_created_when_the_first_run_fails(campaign: Path) -> None:
    result = run(
        "-c",
        campaign,
        "cards",
        "--prisoners",
        BROKEN / "empty-name.csv",
        "-o",
        campaign / "cards.pdf",
    )
    assert result.exit_code == 1
    assert not (campaign / "tracking.db").exists()


def test_every_problem_is_listed_not_just_the_first(campaign: Path) -> None:
    bad = campaign / "prisoners.csv"
    text = bad.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("Кавалёў Алесь Пятровіч", "")  # row 3: empty name
    text[4] = text[4].replace("P4,", "P1,")  # row 5: duplicate id
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "prisoners.csv:3: name: empty" in lines
    assert (
        "prisoners.csv:5: id: duplicate id P1 (also on row 2); every row needs its own id" in lines
    )
    assert "2 problems: fix them before printing." in lines


def test_check_says_what_will_be_printed(campaign: Path) -> None:
    result = run("-c", campaign, "check")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == [
        "senders: 2",
        "prisoners: 5, 4 in custody; no card for 1 released",
        "cards: 4 in wave T1 (be 1, ru 3), size A6",
        "ok: ready to print",
    ]


def test_a_size_that_is_not_a_postcard_needs_the_flag(campaign: Path) -> None:
    result = run("-c", campaign, "cards", "--size", "5x7in", "-o", campaign / "c.pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "size: 5x7in (177.8 × 127 mm) is not a postcard size: the postal limits are "
        "140–235 × 90–120 mm with the long side at least 1.4 × the short one; choose A6, "
        "4x6in or DL, or pass --not-a-postcard"
    )
    assert not (campaign / "c.pdf").exists()
    ok = run(
        "-c", campaign, "cards", "--size", "5x7in", "--not-a-postcard", "-o", campaign / "c.pdf"
    )
    assert ok.exit_code == 0, ok.stderr


def test_missing_input_file_is_named(campaign: Path) -> None:
    result = run("-c", campaign, "check", "--senders", campaign / "nope.xlsx")
    assert result.exit_code == 1
    assert "nope.xlsx: file not found" in result.stdout.splitlines()


def test_without_inputs_says_how_to_give_them(tmp_path: Path) -> None:
    result = run("check", cwd=tmp_path)
    assert result.exit_code == 1
    assert (
        "no senders spreadsheet: set [inputs] senders in campaign.toml or pass --senders FILE"
    ) in result.stdout


def test_inputs_given_as_options_without_campaign_toml(tmp_path: Path) -> None:
    folder = DATA / "campaign"
    result = run(
        "cards",
        "--senders",
        folder / "senders.csv",
        "--prisoners",
        folder / "prisoners.csv",
        "-o",
        "out/cards.pdf",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "cards.pdf").exists()
    assert (tmp_path / "tracking.db").exists()


def test_a_wrong_campaign_toml_value_is_located(campaign: Path) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[qr]\nplacement = "envelope"\n', encoding="utf-8"
    )
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "campaign.toml: qr.placement: expected one of card, sheet, found 'envelope'"
    ]


def test_an_unknown_layout_names_the_layouts(campaign: Path) -> None:
    result = run("-c", campaign, "cards", "--layout", "a5-16up", "-o", campaign / "c.pdf")
    assert result.exit_code == 1
    assert (
        "layout: unknown layout 'a5-16up'; use one of single, a4-2up, a4-4up, letter-2up, sra3-8up"
    ) in result.stderr
    assert not (campaign / "c.pdf").exists()


def test_signature_images_stay_inside_the_campaign_folder(campaign: Path) -> None:
    from PIL import Image

    Image.new("RGB", (600, 150), "white").save(campaign / "sig.png")
    senders = campaign / "senders.csv"
    lines = senders.read_text(encoding="utf-8").splitlines()
    lines[0] += ",signature"
    lines[1] += ",../../etc/passwd"
    lines[2] += ",sig.png"
    senders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("-c", campaign, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "senders.csv:2: signature: '../../etc/passwd' is outside the campaign folder; put the "
        "image in the campaign folder and give its relative path"
    )
    lines[1] = lines[1].replace("../../etc/passwd", "missing.png")
    senders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("-c", campaign, "check").stdout.splitlines()[0] == (
        f"senders.csv:2: signature: image 'missing.png' not found in {campaign}"
    )
    lines[1] = lines[1].replace("missing.png", "sig.png")
    senders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("-c", campaign, "cards", "-o", campaign / "c.pdf").exit_code == 0
