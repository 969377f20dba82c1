"""The content check: will a prison censor let this card through?

A card with a word the censor stops never arrives, and nobody learns why.  Before
anything is printed, every card's rendered message is checked for:

- its language: the destination must accept it (Russian or Belarusian for Belarus);
- risky words from an editable list (``templates/risky-words.toml`` or the campaign's
  ``[check] risky_words``), per language, with word forms (``свобод*``);
- Latin-script words or abbreviations in a Cyrillic message.

Findings are warnings; ``--strict`` makes them errors.  The checks are pure functions
of the text; :class:`ContentCheck` turns them into problems per card, once per distinct
message (a message naming nobody is the same on every card of a language).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, Problem, display_name

if TYPE_CHECKING:
    from .cards import CardPlan

#: Languages each destination's prisons pass, keyed by the address block's country line,
#: with the country's short name for messages.
ACCEPTED_LANGUAGES = {"REPUBLIC OF BELARUS": ("Belarus", ("ru", "be"))}
LANGUAGE_NAMES = {
    "ru": "Russian",
    "be": "Belarusian",
    "en": "English",
    "uk": "Ukrainian",
    "pl": "Polish",
    "lt": "Lithuanian",
    "de": "German",
    "fr": "French",
}
CYRILLIC_LANGUAGES = ("ru", "be", "uk")
_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")


@dataclass(frozen=True)
class Finding:
    """One thing on a card a censor may stop: ``kind`` is risky, latin or language."""

    kind: str
    word: str
    detail: str = ""


def fold(word: str) -> str:
    """The form in which words are compared: NFC, case-folded, ё as е."""
    return unicodedata.normalize("NFC", word).casefold().replace("ё", "е")


@dataclass(frozen=True)
class RiskyWords:
    """Word patterns by topic; a pattern ending in ``*`` matches every word it starts."""

    exact: dict[str, str]  # folded word -> topic
    prefixes: tuple[tuple[str, str], ...]  # (folded stem, topic), longest first
    source: str = ""

    @classmethod
    def load(cls, path: Path) -> RiskyWords:
        """Read a risky-words TOML file: ``[language] topic = ["word", "stem*"]``.

        Raises:
            InputError: the file is missing, not TOML, or a value is not a list of words.
        """
        name = display_name(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(
                Problem("file not found; check [check] risky_words in campaign.toml", file=name)
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(Problem(f"not valid UTF-8 TOML: {exc}", file=name)) from None
        return cls.from_dict(data, name)

    @classmethod
    def from_dict(cls, data: dict, name: str = "") -> RiskyWords:
        exact: dict[str, str] = {}
        prefixes: list[tuple[str, str]] = []
        problems = []
        for language, topics in data.items():
            for topic, words in topics.items() if isinstance(topics, dict) else ():
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    problems.append(
                        Problem(
                            'expected a list of words like ["режим*"]',
                            file=name,
                            column=f"{language}.{topic}",
                        )
                    )
                    continue
                for word in words:
                    folded = fold(word.strip())
                    if folded.endswith("*"):
                        prefixes.append((folded.rstrip("*"), topic))
                    elif folded:
                        exact[folded] = topic
            if not isinstance(topics, dict):
                problems.append(
                    Problem(
                        "expected a table of topics, like [ru] war = [...]",
                        file=name,
                        column=language,
                    )
                )
        if problems:
            raise InputError(problems)
        prefixes.sort(key=lambda item: (-len(item[0]), item[0]))
        return cls(exact, tuple(p for p in prefixes if p[0]), name)

    def topic(self, word: str) -> str | None:
        """The topic a word falls under, or None for a word that is not on the list."""
        folded = fold(word)
        if folded in self.exact:
            return self.exact[folded]
        for stem, topic in self.prefixes:
            if folded.startswith(stem):
                return topic
        return None


def words(text: str) -> list[str]:
    """The words of a text, hyphenated words kept whole."""
    return _WORD.findall(text)


def risky_findings(text: str, risky: RiskyWords) -> list[Finding]:
    """Each risky word of the text once, in order, with its topic."""
    found: dict[str, Finding] = {}
    for word in words(text):
        for candidate in (word, *re.split(r"[-‐]", word)):
            topic = risky.topic(candidate)
            if topic is not None and fold(word) not in found:
                found[fold(word)] = Finding("risky", word, topic)
    return list(found.values())


def is_cyrillic(text: str) -> bool:
    """True when most letters of the text are Cyrillic."""
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("CYRILLIC" in unicodedata.name(c, "") for c in letters)
    return bool(letters) and cyrillic * 2 > len(letters)


def latin_findings(text: str, language: str) -> list[Finding]:
    """Latin-script words and abbreviations (EU, OK, Brussels) in a Cyrillic message."""
    if language not in CYRILLIC_LANGUAGES and not is_cyrillic(text):
        return []
    found: dict[str, Finding] = {}
    for word in words(text):
        if any("LATIN" in unicodedata.name(c, "") for c in word):
            found.setdefault(word, Finding("latin", word))
    return list(found.values())


def language_findings(language: str, country_line: str) -> list[Finding]:
    """The message language against what the destination's prisons accept."""
    if country_line not in ACCEPTED_LANGUAGES:
        return []
    country, accepted = ACCEPTED_LANGUAGES[country_line]
    if language in accepted:
        return []
    names = " or ".join(LANGUAGE_NAMES.get(lang, lang) for lang in accepted)
    return [Finding("language", language, f"prisons in {country} pass cards in {names}")]


def check_message(text: str, language: str, country_line: str, risky: RiskyWords) -> list[Finding]:
    """Everything a censor may stop in one message, language first."""
    return (
        language_findings(language, country_line)
        + risky_findings(text, risky)
        + latin_findings(text, language)
    )


class ContentCheck:
    """The content check of a print run: findings per card, as warnings or (strict)
    errors.  Identical messages are checked once."""

    def __init__(self, risky: RiskyWords, strict: bool = False):
        self.risky, self.strict = risky, strict
        self._seen: dict[tuple[str, str, str], list[Finding]] = {}

    def findings(self, text: str, language: str, country_line: str) -> list[Finding]:
        key = (text, language, country_line)
        if key not in self._seen:
            self._seen[key] = check_message(text, language, country_line, self.risky)
        return self._seen[key]

    def card_problems(self, plan: CardPlan) -> list[Problem]:
        """The findings of one planned card, located at its message template."""
        from .cards import country_line

        text = "\n".join(line for line, _style in plan.message.text.lines)
        found = self.findings(text, plan.language, country_line(plan.prisoner.country))
        if not found:
            return []
        card = f"card from {plan.sender.name} to {plan.prisoner.name} ({plan.prisoner.id})"
        return [
            Problem(
                f"{card}: {describe(group, self.risky.source)}",
                file=f"message.{plan.language}.j2",
                column="content",
                warning=not self.strict,
            )
            for group in _groups(found)
        ]


def _groups(found: list[Finding]) -> list[list[Finding]]:
    by_kind: dict[str, list[Finding]] = {}
    for finding in found:
        by_kind.setdefault(finding.kind, []).append(finding)
    return list(by_kind.values())


def describe(group: list[Finding], source: str = "") -> str:
    """One line for the findings of one kind on a card."""
    kind = group[0].kind
    if kind == "language":
        name = LANGUAGE_NAMES.get(group[0].word, group[0].word)
        return f"the message is in {name}; {group[0].detail}"
    if kind == "latin":
        listed = ", ".join(f"«{f.word}»" for f in group)
        return f"Latin-script words in a Cyrillic message: {listed}"
    listed = ", ".join(f"«{f.word}» ({f.detail})" for f in group)
    where = f" from {source}" if source else ""
    return f"words a censor may stop{where}: {listed}"


def risky_words_for(path: Path | None) -> RiskyWords:
    """The campaign's list, or the bundled ``templates/risky-words.toml``."""
    if path is None:
        from .resources import bundled

        path = bundled("templates") / "risky-words.toml"
    return RiskyWords.load(path)
