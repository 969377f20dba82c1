"""The content check: risky words, Latin-script words, languages, URL QR codes, --strict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run

from postcards.cards.content import (
    ContentFinding,
    check_message,
    language_findings,
    latin_findings,
    risky_findings,
)
from postcards.cards.risky_words import RiskyWords, risky_words_for
from postcards.errors import InputError

BUNDLED = risky_words_for(None)
BELARUS = "REPUBLIC OF BELARUS"

RU = (
    "Желаю Вам свободы и сил в борьбе. Этот режим не вечен, и войны кончаются. "
    "Политзаключённые не забыты, приговор будет пересмотрен, а Лукашенко уйдёт."
)
BE = (
    "Жадаю Вам свабоды і сіл у барацьбе. Гэты рэжым не вечны, і вайна скончыцца. "
    "Палітвязні не забытыя, прысуд перагледзяць, а Лукашэнка сыдзе."
)


def _words(findings: list[ContentFinding]) -> dict[str, str]:
    return {f.word: f.detail for f in findings}


def test_every_risky_word_is_flagged_in_russian_forms() -> None:
    assert _words(risky_findings(RU, BUNDLED)) == {
        "свободы": "freedom",
        "борьбе": "fight",
        "режим": "regime",
        "войны": "war",
        "Политзаключённые": "case",
        "приговор": "case",
        "Лукашенко": "regime",
    }


def test_every_risky_word_is_flagged_in_belarusian_forms() -> None:
    assert _words(risky_findings(BE, BUNDLED)) == {
        "свабоды": "freedom",
        "барацьбе": "fight",
        "рэжым": "regime",
        "вайна": "war",
        "Палітвязні": "case",
        "прысуд": "case",
        "Лукашэнка": "regime",
    }


@pytest.mark.parametrize("language", ["ru", "be", "en"])
def test_the_bundled_messages_are_left_alone(language: str) -> None:
    text = (
        (ROOT / "templates" / "solidarity" / f"message.{language}.j2")
        .read_text(encoding="utf-8")
        .split("#}", 1)[1]
    )
    assert risky_findings(text, BUNDLED) == []
    assert latin_findings(text, language) == []


def test_a_word_without_a_star_matches_only_itself() -> None:
    assert risky_findings("Судьба любит терпеливых. Суд", BUNDLED) == [
        ContentFinding("risky", "Суд", "case")
    ]
    assert risky_findings("политзаключенный", BUNDLED)  # ё and е are the same


def test_latin_script_words_in_a_cyrillic_message_are_flagged() -> None:
    text = "Привет из Брюсселя! EU и Europarlament с Вами, OK?"
    assert [f.word for f in latin_findings(text, "ru")] == ["EU", "Europarlament", "OK"]
    assert latin_findings("Dear friend, greetings from the EU", "en") == []


def test_the_language_must_be_one_the_destination_accepts() -> None:
    assert language_findings("ru", BELARUS) == []
    assert language_findings("be", BELARUS) == []
    [english] = language_findings("en", BELARUS)
    assert english.detail == "prisons in Belarus pass cards in Russian or Belarusian"
    assert language_findings("en", "LITHUANIA") == []
    assert check_message("Dear friend", "en", BELARUS, BUNDLED)[0].kind == "language"


def test_a_broken_risky_words_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text('[ru]\nwar = "война"\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        RiskyWords.load(path)
    assert (
        str(error.value.problems[0]) == "words.toml: ru.war: expected a list of words like "
        '["режим*"]'
    )


# --- through the commands -----------------------------------------------------------------


def _risky_design(campaign: Path) -> None:
    """A copy of the bundled design whose Russian message wishes freedom."""
    folder = campaign / "templates" / "risky"
    shutil.copytree(ROOT / "templates" / "solidarity", folder)
    message = folder / "message.ru.j2"
    message.write_text(
        message.read_text(encoding="utf-8").replace("здоровья, сил", "свободы, здоровья, сил, OK"),
        encoding="utf-8",
    )
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('size = "A6"', 'size = "A6"\ndesign = "risky"'),
        encoding="utf-8",
    )


def test_a_risky_word_stops_check_and_cards_one_line_per_finding(campaign: Path) -> None:
    _risky_design(campaign)
    result = run("-c", campaign, "check")
    assert result.exit_code == 1, result.stdout
    lines = result.stdout.splitlines()
    risky = [line for line in lines if "свободы" in line]
    assert risky == [  # one line for the three Russian-language cards, not three
        'message.ru.j2: content: the word "свободы" (freedom, risky-words.toml) in the '
        "message on 3 cards: Łukasz Wiśniewski → Иванов Сергей Петрович (P1), "
        'Łukasz Wiśniewski → O\'Brien <Bob> & "Co" (P3), Jūratė Kazlauskienė → '
        "Петрова Анна Ивановна (P4); reword it, or print anyway with --allow-risky"
    ]
    latin = [line for line in lines if '"OK"' in line]
    assert len(latin) == 1 and latin[0].startswith("message.ru.j2: content: warning: ")
    assert "1 problem: fix it before printing." in lines

    strict = run("-c", campaign, "check", "--strict")
    assert "2 problems: fix them before printing." in strict.stdout.splitlines()
    printed = run("-c", campaign, "cards", "-o", campaign / "cards.pdf")
    assert printed.exit_code == 1
    assert "3 cards" in (printed.stdout + printed.stderr)
    assert not (campaign / "cards.pdf").exists() and not (campaign / "tracking.db").exists()
    allowed = run("-c", campaign, "cards", "--allow-risky", "-o", campaign / "cards.pdf")
    assert allowed.exit_code == 0, allowed.stdout + allowed.stderr
    assert 'warning: the word "свободы"' in (allowed.stdout + allowed.stderr)
    assert (campaign / "cards.pdf").exists()
    strict_allowed = run(
        "-c", campaign, "cards", "--allow-risky", "--strict", "-o", campaign / "strict.pdf"
    )
    assert strict_allowed.exit_code == 1 and not (campaign / "strict.pdf").exists()


def test_risky_warn_in_campaign_toml_prints_and_other_values_are_refused(campaign: Path) -> None:
    _risky_design(campaign)
    toml = campaign / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text + '\n[check]\nrisky = "warn"\n', encoding="utf-8")
    result = run("-c", campaign, "check")
    assert result.exit_code == 0, result.stdout
    assert any(
        line.startswith('message.ru.j2: content: warning: the word "свободы"')
        for line in result.stdout.splitlines()
    )
    assert run("-c", campaign, "cards", "-o", campaign / "cards.pdf").exit_code == 0
    toml.write_text(text + '\n[check]\nrisky = "maybe"\n', encoding="utf-8")
    bad = run("-c", campaign, "check")
    assert bad.exit_code == 1
    assert "check.risky: expected one of error, warn, found 'maybe'" in bad.stdout + bad.stderr


def test_a_campaign_may_bring_its_own_list(campaign: Path) -> None:
    (campaign / "words.toml").write_text('[ru]\nhealth = ["здоровь*"]\n', encoding="utf-8")
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[check]\nrisky_words = "words.toml"\n',
        encoding="utf-8",
    )
    lines = run("-c", campaign, "check").stdout.splitlines()
    assert (
        sum('"здоровья" (health, words.toml) in the message on 3 cards' in line for line in lines)
        == 1
    )


def test_an_english_card_to_belarus_warns(campaign: Path) -> None:
    pairs = campaign / "pairs.csv"
    pairs.write_text("sender_id,prisoner_id,language\nS1,P1,en\n", encoding="utf-8")
    lines = run("-c", campaign, "check", "--assignments", pairs).stdout.splitlines()
    assert lines[0] == (
        "message.en.j2: content: warning: the message is in English; prisons in "
        "Belarus pass cards in Russian or Belarusian, on 1 card: Łukasz Wiśniewski → "
        "Иванов Сергей Петрович (P1)"
    )


def test_a_url_qr_on_the_card_names_its_domain_and_strict_stops_it(campaign: Path) -> None:
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[qr]\ncontent = "url"\n'
        'url = "https://solidarity.example.org/c/{code}"\n',
        encoding="utf-8",
    )
    result = run("-c", campaign, "check")
    assert result.exit_code == 0
    assert "naming solidarity.example.org" in result.stdout
    assert run("-c", campaign, "check", "--strict").exit_code == 1
