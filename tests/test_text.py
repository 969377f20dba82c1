"""Templates and fitting text: sandboxed, strict, literal, and shrunk to fit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run

from postcards.cards.design import load_design
from postcards.errors import LayoutError, TemplateError
from postcards.page import text as page_text
from postcards.page.fonts import describe_char
from postcards.page.text import MessageTemplates, fit_text, normalize_text


@pytest.fixture(scope="module")
def fonts():
    return load_design("solidarity").fonts


def test_bundled_messages_render_in_three_languages() -> None:
    messages = load_design("solidarity").messages
    assert messages.languages() == ["be", "en", "ru"]
    assert messages.render("be", {"prisoner": {}, "sender": {}}).startswith("Добры дзень!")


def test_fields_render_as_plain_text_and_sandbox_refuses_internals(tmp_path: Path) -> None:
    (tmp_path / "message.en.j2").write_text("Hi {{ prisoner.name }}!", encoding="utf-8")
    (tmp_path / "message.xx.j2").write_text("{{ prisoner.__class__.__mro__ }}", encoding="utf-8")
    messages = MessageTemplates(tmp_path)
    assert (
        messages.render("en", {"prisoner": {"name": "<b>Ann</b> & 'Bo'"}})
        == "Hi <b>Ann</b> & 'Bo'!"
    )
    with pytest.raises(TemplateError):
        messages.render("xx", {"prisoner": {}})


def test_a_missing_language_names_the_languages_there(tmp_path: Path) -> None:
    (tmp_path / "message.ru.j2").write_text("Привет", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        MessageTemplates(tmp_path).render("de", {})
    assert f"no message template for language 'de' in {tmp_path}; languages there: ru" in str(
        caught.value
    )


def test_normalize_text_folds_blank_lines_and_spaces() -> None:
    assert normalize_text("\n\n  a   b \n\n\n\nc\n\n") == "a b\n\nc"


def test_text_shrinks_to_fit_then_refuses(fonts) -> None:
    words = [("слово " * 30, "regular")]
    roomy = fit_text(words, fonts, 300, 200, 12, 6)
    tight = fit_text(words, fonts, 150, 60, 12, 6)
    assert roomy.size == 12 and tight.size < 12
    assert len(tight.lines) * tight.leading <= 60
    for line, _style in tight.lines:
        assert fonts.width(line, "regular", tight.size) <= 150
    with pytest.raises(LayoutError, match="does not fit"):
        fit_text(words, fonts, 100, 20, 12, 6)


def test_fallback_font_prints_what_the_main_font_lacks(fonts) -> None:
    text = "Tbilisi თბილისი"
    assert fonts.missing(text) == []
    runs = fonts.runs(text, "regular")
    assert runs[0] == ("PTSans-Regular", "Tbilisi ")
    assert runs[1] == ("DejaVuSans", "თბილისი")
    assert fonts.missing("漢字 ok 漢") == ["漢", "字"]
    assert describe_char("漢") == "'漢' (U+6F22 CJK UNIFIED IDEOGRAPH-6F22)"


def test_bundled_fonts_cover_belarusian_ukrainian_and_central_european(fonts) -> None:
    letters = "ЎўІіЁёҐґЄєЇїĄąĆćĘęŁłŃńŚśŹźŻżČčĖėĮįŠšŲųŪūŽžĚěŘřŮůŤťĎďŇňÄäÖöÜüßÁáÉéÍíÓóÚú№«»—"
    for style in ("regular", "bold", "italic", "bold-italic"):
        face = fonts.face(style)
        assert [c for c in letters if not face.has(c)] == [], style


# --- runaway and broken templates: a clear message, nothing written -------------------


def _counted_renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Each message render from now on: the characters it took in, and what stopped it."""
    renders: list[tuple[int, str]] = []
    bounded = page_text.render_bounded

    def counted(chunks):
        taken = [0]

        def counting():
            for chunk in chunks:
                taken[0] += len(chunk)
                yield chunk

        try:
            result = bounded(counting())
        except BaseException as exc:
            renders.append((taken[0], type(exc).__name__))
            raise
        renders.append((taken[0], ""))
        return result

    monkeypatch.setattr(page_text, "render_bounded", counted)
    return renders


RUNAWAY = {
    '{% include "nope.j2" %}': "it includes 'nope.j2', which is not in the design's folder",
    '{{ "x" * 10**9 }}': "repeating a text of 1 1,000,000,000 times makes more than 100,000",
    "{% for i in range(10**9) %}x{% endfor %}": "Range too big",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}": "it ran for more than 2 s",
    '{% for i in range(90000) %}{{ "x" * 90000 }}{% endfor %}': "its output passed 100,000 characters",
}


@pytest.mark.parametrize("template", RUNAWAY)
def test_a_runaway_template_stops_with_a_message_and_writes_nothing(
    campaign: Path, template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "templates" / "solidarity", campaign / "d")
    toml = campaign / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[cards]\n", '[cards]\ndesign = "d"\n'),
        encoding="utf-8",
    )
    out = campaign / "out" / "cards.pdf"
    assert run("-c", campaign, "cards", "-o", out).exit_code == 0
    before = (out.read_bytes(), (campaign / "tracking.db").read_bytes())
    (campaign / "d" / "message.ru.j2").write_text(template, encoding="utf-8")
    renders = _counted_renders(monkeypatch)
    # one job: the cards are planned in the process that draws them, here this one
    result = run("-c", campaign, "cards", "-o", out, "--jobs", "1")
    # The work is bounded, not timed: a template stopped by a limit is run once for the
    # whole run (the cards after it fail alike without running it again), no card's
    # message more than once, and no render takes in more than the output limit and one
    # chunk (the time limit is the interval timer's, its message checked below).
    stopped = [why for _, why in renders if why in ("RenderLimit", "OverflowError")]
    assert len(stopped) <= 1 and len(renders) <= 4, renders  # the campaign has 4 cards
    assert max(taken for taken, _ in renders) <= page_text.MAX_OUTPUT_CHARS + 90_000, renders
    assert result.exit_code == 1
    assert "message.ru.j2" in result.stderr and RUNAWAY[template] in result.stderr
    assert "(the card from " in result.stderr  # names the card it stopped
    assert before == (out.read_bytes(), (campaign / "tracking.db").read_bytes())
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "cards.manifest.csv", "cards.pdf", "cards.ticket.pdf"]  # fmt: skip
