"""Personal messages (the assignments file's ``message`` column) and the content check
over the whole card, through the commands, read back from the PDFs and the ledger."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, page_texts, read_manifest, run
from pypdf import PdfReader

from postcards.ledger.book import Ledger

OWN = "Дорогой Сергей!\nПомним о вас каждый день.\nДо встречи, Лукаш"
TEMPLATE_WORD = "Здравствуйте"  # the bundled Russian template's greeting


def _assignments(campaign: Path, rows: list[dict[str, str]], name: str = "pairs.csv") -> Path:
    path = campaign / name
    headers = ["sender_id", "prisoner_id", "message", "translation"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, headers)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _back(pdf: Path, manifest_row: dict[str, str], raw: bool = False) -> str:
    page = PdfReader(pdf).pages[int(manifest_row["back_page"]) - 1]
    return page.extract_text() if raw else " ".join(page.extract_text().split())


def _cards(campaign: Path, pairs: Path, *extra: str) -> tuple[int, str, Path]:
    out = campaign / "out" / "cards.pdf"
    result = run("-c", campaign, "cards", "--assignments", pairs, "-o", out, *extra)
    return result.exit_code, result.stdout + result.stderr, out


@pytest.fixture
def personal(campaign: Path) -> tuple[Path, Path, dict[str, dict[str, str]]]:
    """The test campaign printed with a personal message for P1 and an empty one for P4:
    the campaign, the PDF and the manifest rows by prisoner."""
    pairs = _assignments(
        campaign,
        [
            {"sender_id": "S1", "prisoner_id": "P1", "message": OWN},
            {"sender_id": "S2", "prisoner_id": "P4", "message": ""},
        ],
    )
    code, output, out = _cards(campaign, pairs)
    assert code == 0, output
    rows = {r["prisoner_id"]: r for r in read_manifest(out.with_suffix(".manifest.csv"))}
    return campaign, out, rows


def test_a_personal_message_is_printed_and_an_empty_one_prints_the_template(personal) -> None:
    _, out, rows = personal
    back = _back(out, rows["P1"], raw=True)
    lines = [line.strip() for line in back.splitlines()]
    for line in OWN.split("\n"):  # its line breaks kept
        assert line in lines
    assert TEMPLATE_WORD not in back
    assert TEMPLATE_WORD in _back(out, rows["P4"])
    assert "Помним о вас" not in _back(out, rows["P4"])


def test_the_ledger_and_the_archive_keep_the_personal_message(personal, tmp_path: Path) -> None:
    campaign, _, rows = personal
    with Ledger.open(campaign / "tracking.db") as ledger:
        assert ledger.card(rows["P1"]["code"]).message == OWN
        assert TEMPLATE_WORD in ledger.card(rows["P4"]["code"]).message
    assert run("-c", campaign, "track", "mark", rows["P1"]["code"], "--status",
               "sent").exit_code == 0  # fmt: skip
    assert run("-c", campaign, "track", "export", "--texts", tmp_path / "a").exit_code == 0
    text = " ".join(page_texts(tmp_path / "a" / "P1.pdf"))
    assert " ".join(OWN.split()) in text


def test_a_message_too_long_names_the_assignments_row(campaign: Path) -> None:
    pairs = _assignments(
        campaign,
        [
            {"sender_id": "S1", "prisoner_id": "P1", "message": ""},
            {"sender_id": "S2", "prisoner_id": "P4", "message": "Держитесь! " * 400},
        ],
    )
    code, output, out = _cards(campaign, pairs)
    assert code == 1
    assert (
        "pairs.csv:3: message: the personal message for Петрова Анна Ивановна does not "
        "fit" in output
    )
    assert not out.exists()


def test_a_reprint_keeps_the_latest_message_until_the_card_went_out(personal) -> None:
    campaign, _, rows = personal
    pairs = _assignments(
        campaign,
        [
            {"sender_id": "S1", "prisoner_id": "P1", "message": "Держитесь, Сергей!"},
            {"sender_id": "S2", "prisoner_id": "P4", "message": ""},
        ],
    )
    code, output, _ = _cards(campaign, pairs)
    assert code == 0, output
    with Ledger.open(campaign / "tracking.db") as ledger:
        assert ledger.card(rows["P1"]["code"]).message == "Держитесь, Сергей!"
    assert run("-c", campaign, "track", "mark", rows["P1"]["code"], "--status",
               "sent").exit_code == 0  # fmt: skip
    pairs = _assignments(
        campaign,
        [
            {"sender_id": "S1", "prisoner_id": "P1", "message": "Другие слова"},
            {"sender_id": "S2", "prisoner_id": "P4", "message": ""},
        ],
    )
    code, output, _ = _cards(campaign, pairs)
    assert code == 1
    assert "went out on" in output and "with another message" in output
    with Ledger.open(campaign / "tracking.db") as ledger:
        assert ledger.card(rows["P1"]["code"]).message == "Держитесь, Сергей!"


def test_the_signing_sheet_shows_the_translation_or_the_message(campaign: Path) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(toml.read_text() + '\n[qr]\nplacement = "sheet"\n')
    pairs = _assignments(
        campaign,
        [
            {
                "sender_id": "S1",
                "prisoner_id": "P1",
                "message": OWN,
                "translation": "Dear Siarhei, we think of you every day.",
            },
            {"sender_id": "S2", "prisoner_id": "P4", "message": "Держитесь, Анна!"},
        ],
    )
    code, output, out = _cards(campaign, pairs)
    assert code == 0, output
    text = " ".join(page_texts(out.with_suffix(".signing.pdf")))
    assert "Dear Siarhei, we think of you every day." in text
    assert "Держитесь, Анна!" in text


def test_assign_keeps_the_message_column(campaign: Path) -> None:
    pairs = campaign / "assignments.csv"
    with open(pairs, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["sender_id", "prisoner_id", "Message"], ["S1", "P1", OWN]])
    assert run("-c", campaign, "assign", "-o", pairs).exit_code == 0
    with open(pairs, encoding="utf-8-sig", newline="") as handle:
        kept = [r for r in csv.DictReader(handle) if r["prisoner_id"] == "P1"]
    assert [r["Message"] for r in kept] == [OWN]
    code, output, out = _cards(campaign, pairs)
    assert code == 0, output
    row = next(
        r for r in read_manifest(out.with_suffix(".manifest.csv")) if r["prisoner_id"] == "P1"
    )
    assert "Помним о вас каждый день." in _back(out, row)


# --- the content check over the whole card ---------------------------------------------


def _ledger_state(campaign: Path) -> list[tuple[str, str]]:
    with Ledger.open(campaign / "tracking.db") as ledger:
        return [(c.code, c.message) for c in ledger.cards("Test campaign")]


def _risky_headline(campaign: Path) -> None:
    folder = campaign / "design"
    shutil.copytree(ROOT / "templates" / "solidarity", folder)
    toml = folder / "design.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('ru = "Вы не одни"', 'ru = "Свобода близко"'),
        encoding="utf-8",
    )
    campaign_toml = campaign / "campaign.toml"
    campaign_toml.write_text(
        campaign_toml.read_text(encoding="utf-8").replace(
            "[cards]\n", '[cards]\ndesign = "design"\n'
        ),
        encoding="utf-8",
    )


def _risky_title(campaign: Path) -> None:
    senders = campaign / "senders.csv"
    senders.write_text(
        senders.read_text(encoding="utf-8").replace(
            "Poseł na Sejm", "Chair of the Subcommittee on Political Prisoners"
        ),
        encoding="utf-8",
    )


def _risky_return_address(campaign: Path) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            '"Rue Wiertz 60"', '"Freedom House, Rue Wiertz 60"'
        ),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "change, part, word, source",
    [
        (None, "message", "свободу", "pairs.csv"),
        (_risky_headline, "headline", "Свобода", "design.toml"),
        (_risky_title, "sender block", "Political", "senders.csv"),
        (_risky_return_address, "return address", "Freedom", "campaign.toml"),
    ],
)
def test_a_risky_word_anywhere_on_the_card_stops_cards(
    campaign: Path, change, part: str, word: str, source: str
) -> None:
    clean = _assignments(
        campaign, [{"sender_id": "S1", "prisoner_id": "P1", "message": ""}], "clean.csv"
    )
    code, output, out = _cards(campaign, clean)
    assert code == 0, output
    before, pdf = _ledger_state(campaign), out.read_bytes()
    message = "Желаем вам свободу и сил" if change is None else "Держитесь!"
    pairs = _assignments(
        campaign,
        [
            {"sender_id": "S1", "prisoner_id": "P1", "message": message},
            {"sender_id": "S2", "prisoner_id": "P4", "message": ""},
        ],
    )
    if change is not None:
        change(campaign)
    code, output, out = _cards(campaign, pairs)
    assert code == 1, output
    finding = f'content: the word "{word}"'
    lines = [line for line in output.splitlines() if finding in line]
    assert len(lines) == 1, output
    assert lines[0].startswith(f"{source}: content: the word")
    assert f"in the {part} on " in lines[0] and "Łukasz Wiśniewski → Иванов Сергей" in lines[0]
    assert out.read_bytes() == pdf and _ledger_state(campaign) == before
    code, output, _ = _cards(campaign, pairs, "--allow-risky")
    assert code == 0, output
    assert f'content: warning: the word "{word}"' in output
    # the return address is Latin for a foreign sender: its script is no finding
    assert "Brussels" not in output and "Wiertz" not in output


def test_a_human_rights_title_is_a_finding_and_a_parliament_name_is_not() -> None:
    from postcards.cards.content import risky_findings
    from postcards.cards.risky_words import risky_words_for

    risky = risky_words_for(None)
    title = "Chair of the Committee on Human Rights, European Parliament"
    assert [f.word for f in risky_findings(title, risky)] == ["Rights"]
    assert risky_findings("Poseł na Sejm, Sejm RP, Seimas, Bundestag", risky) == []


def test_a_finding_on_many_cards_is_one_line_naming_three(tmp_path: Path) -> None:
    folder = tmp_path / "samples"
    shutil.copytree(ROOT / "samples", folder)
    (folder / "words.toml").write_text('[ru]\nhealth = ["здоровь*"]\n', encoding="utf-8")
    toml = folder / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[check]\n", '[check]\nrisky_words = "words.toml"\n'
        ),
        encoding="utf-8",
    )
    result = run("-c", folder, "check")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "здоровья" in line]
    assert len(lines) == 1, result.stdout
    assert " on 33 cards: " in lines[0] and lines[0].count(" → ") == 3
    assert lines[0].endswith("... and 30 more; reword it, or print anyway with --allow-risky")


def test_a_message_typed_into_a_row_assign_wrote_survives_a_rerun(campaign: Path) -> None:
    pairs = campaign / "assignments.csv"
    assert run("-c", campaign, "assign", "-o", pairs).exit_code == 0
    with open(pairs, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["reason"]  # a row assign wrote
    rows[0]["message"] = OWN
    with open(pairs, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*rows[0]])
        writer.writeheader()
        writer.writerows(rows)
    for seed in ("1", "2", "3"):
        assert run("-c", campaign, "assign", "--seed", seed, "-o", pairs).exit_code == 0
    with open(pairs, encoding="utf-8-sig", newline="") as handle:
        after = list(csv.DictReader(handle))
    mine = [r for r in after if r["message"] == OWN]
    assert [(r["sender_id"], r["prisoner_id"]) for r in mine] == [
        (rows[0]["sender_id"], rows[0]["prisoner_id"])
    ]
    assert len(after) == len(rows)  # no second card for that pair or that prisoner


def test_a_personal_message_in_latin_script_on_a_russian_card_is_one_warning(
    campaign: Path,
) -> None:
    pairs = _assignments(
        campaign,
        [{"sender_id": "S1", "prisoner_id": "P1", "message": "Dear Siarhei, stay strong."}],
    )
    result = run("-c", campaign, "check", "--assignments", pairs)
    assert result.exit_code == 0, result.stdout
    lines = [line for line in result.stdout.splitlines() if "content:" in line]
    assert lines == [
        "pairs.csv: content: warning: the message is mostly in Latin script, "
        "not Russian (set the row's language), on 1 card: Łukasz Wiśniewski → "
        "Иванов Сергей Петрович (P1)"
    ]
