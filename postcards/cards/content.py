"""The content check: will a prison censor let this card through?

A card with a word the censor stops never arrives, and nobody learns why.  Before
anything is printed, everything on a card a censor reads (the message, template or
personal, the front headline, the sender block and the return address) is checked for:

- the message's language: the destination must accept it (Russian or Belarusian for Belarus);
- risky words from an editable list (``templates/risky-words.toml`` or the campaign's
  ``[check] risky_words``), every language's list on every part, with word forms
  (``свобод*``);
- Latin-script words or abbreviations in a Cyrillic message or headline (not in the
  sender block or return address, which are legitimately Latin for a foreign sender).

A risky word stops the run unless ``[check] risky = "warn"`` or ``--allow-risky``; the
language and script findings are warnings; ``--strict`` makes every finding an error.
The checks are pure functions of the text, run once per distinct text; :class:`ContentCheck`
reports each distinct finding once, with the cards it touches.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from postcards.cards.addressing import country_line
from postcards.errors import InputError, Problem, display_name
from postcards.resources import bundled

if TYPE_CHECKING:
    from postcards.cards.plans import CardPlan, PlacedText

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
_UNSEEN = object()
_TOPICS_KEPT = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")


@dataclass(frozen=True)
class ContentFinding:
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
    _topics: dict[str, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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
        """Risky words from a parsed TOML table; every malformed entry is reported at once."""
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
        """The topic a word falls under, or None for a word that is not on the list.

        Each word is looked up once: names and titles recur on thousands of cards, and
        each lookup scans every stem.
        """
        known = self._topics.get(word, _UNSEEN)
        if known is _UNSEEN:
            if len(self._topics) >= _TOPICS_KEPT:
                self._topics.clear()  # bounded: memory stays flat however many cards
            known = self._topics[word] = self._lookup(fold(word))
        return known  # type: ignore[return-value]  # _UNSEEN is never stored

    def _lookup(self, folded: str) -> str | None:
        if folded in self.exact:
            return self.exact[folded]
        for stem, topic in self.prefixes:
            if folded.startswith(stem):
                return topic
        return None


def words(text: str) -> list[str]:
    """The words of a text, hyphenated words kept whole."""
    return _WORD.findall(text)


def risky_findings(text: str, risky: RiskyWords) -> list[ContentFinding]:
    """Each risky word of the text once, in order, with its topic."""
    found: dict[str, ContentFinding] = {}
    for word in words(text):
        parts = re.split(r"[-‐]", word) if "-" in word or "‐" in word else []
        for candidate in (word, *parts):
            topic = risky.topic(candidate)
            if topic is not None and fold(word) not in found:
                found[fold(word)] = ContentFinding("risky", word, topic)
    return list(found.values())


def is_cyrillic(text: str) -> bool:
    """True when most letters of the text are Cyrillic."""
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("CYRILLIC" in unicodedata.name(c, "") for c in letters)
    return bool(letters) and cyrillic * 2 > len(letters)


def latin_findings(text: str, language: str) -> list[ContentFinding]:
    """Latin-script words and abbreviations (EU, OK, Brussels) in a Cyrillic message."""
    if language not in CYRILLIC_LANGUAGES and not is_cyrillic(text):
        return []
    found: dict[str, ContentFinding] = {}
    for word in words(text):
        if any("LATIN" in unicodedata.name(c, "") for c in word):
            found.setdefault(word, ContentFinding("latin", word))
    return list(found.values())


def language_findings(language: str, country_line: str) -> list[ContentFinding]:
    """The message language against what the destination's prisons accept."""
    if country_line not in ACCEPTED_LANGUAGES:
        return []
    country, accepted = ACCEPTED_LANGUAGES[country_line]
    if language in accepted:
        return []
    names = " or ".join(LANGUAGE_NAMES.get(lang, lang) for lang in accepted)
    return [ContentFinding("language", language, f"prisons in {country} pass cards in {names}")]


def check_message(
    text: str, language: str, country_line: str, risky: RiskyWords
) -> list[ContentFinding]:
    """Everything a censor may stop in one message, language first."""
    script: list[ContentFinding] = []
    if (
        language in CYRILLIC_LANGUAGES and any(c.isalpha() for c in text) and not is_cyrillic(text)
    ):  # one finding, not one per word of the text
        name = LANGUAGE_NAMES.get(language, language)
        script = [ContentFinding("script", language, f"mostly in Latin script, not {name}")]
    return (
        language_findings(language, country_line)
        + risky_findings(text, risky)
        + (script or latin_findings(text, language))
    )


#: The parts of a card the check reads, as findings name them.
PARTS = ("message", "headline", "sender block", "return address")


@dataclass(frozen=True)
class _Key:
    """One distinct finding: what, where on the card, and from which source."""

    part: str
    finding: ContentFinding
    source: str


#: Texts whose findings are remembered; a forgotten one is only checked again.
_SEEN_KEPT = 1024


class ContentCheck:
    """The content check of a print run, over the whole card.

    It reads the message, the front headline, the sender block and the return address.

    A risky word is an error unless ``risky`` is "warn" (``--allow-risky``); language and
    Latin-script findings are warnings; ``strict`` makes every finding an error.  Each
    distinct finding is reported once, with the cards it touches.  Identical texts are
    checked once.
    """

    def __init__(
        self,
        risky: RiskyWords,
        strict: bool = False,
        mode: str = "error",
        senders_file: str = "senders",
    ):
        self.risky, self.strict, self.mode = risky, strict, mode
        self.senders_file = senders_file
        self._seen: dict[tuple[str, str, str, str], list[ContentFinding]] = {}
        self._cards: dict[_Key, list[str]] = {}

    def findings(
        self, text: str, language: str, country_line: str, part: str = "message"
    ) -> list[ContentFinding]:
        """A text's findings, computed once per distinct text, language, country and part."""
        key = (text, language, country_line, part)
        if key not in self._seen:
            if len(self._seen) >= _SEEN_KEPT:
                self._seen.clear()  # bounded: each sender's block is a text of its own
            if part == "message":
                found = check_message(text, language, country_line, self.risky)
            elif part == "headline":
                found = risky_findings(text, self.risky) + latin_findings(text, language)
            else:  # legitimately Latin for a foreign sender: only the words count
                found = risky_findings(text, self.risky)
            self._seen[key] = found
        return self._seen[key]

    def add(self, plan: CardPlan, label: str | Callable[[], str]) -> None:
        """Check one planned card; ``label`` names it in the report.

        A function as ``label`` is called only when the card has a finding.
        """
        country = country_line(plan.prisoner.country)
        for part, text, source in card_texts(plan, self.senders_file):
            for finding in self.findings(text, plan.language, country, part):
                if callable(label):
                    label = label()
                self._cards.setdefault(_Key(part, finding, source), []).append(label)

    def problems(self) -> list[Problem]:
        """One problem per distinct finding, naming the cards it touches."""
        return [self._problem(key, cards) for key, cards in self._cards.items()]

    def _problem(self, key: _Key, cards: list[str]) -> Problem:
        finding = key.finding
        error = self.strict or (finding.kind == "risky" and self.mode == "error")
        shown = ", ".join(cards[:3]) + (f" ... and {len(cards) - 3} more" if len(cards) > 3 else "")
        count = f"{len(cards)} card" + ("s" if len(cards) != 1 else "")
        fix = ""
        if error and finding.kind == "risky":
            fix = "; reword it, or print anyway with --allow-risky"
        return Problem(
            f"{describe_one(finding, key.part, self.risky.source)} on {count}: {shown}{fix}",
            file=key.source,
            column="content",
            warning=not error,
        )


def card_texts(plan: CardPlan, senders_file: str = "senders") -> list[tuple[str, str, str]]:
    """(part, text, source file) of everything printed on a card that a censor reads."""
    message_source = plan.message_file or f"message.{plan.language}.j2"
    texts = [
        ("message", plan.text or _text_of(plan.message), message_source),
        ("headline", plan.headline, "design.toml"),
        ("sender block", _text_of(plan.sender_block), senders_file),
    ]
    if plan.return_block is not None and plan.return_address is not None:
        source = plan.return_address.source_file(senders_file)
        texts.append(("return address", _text_of(plan.return_block), source))
    return [t for t in texts if t[1]]


#: The text of fitted blocks seen lately, by id (kept with the block, so an id is never
#: mistaken): a sender's block or the return address is on many cards.
_TEXTS: dict[int, tuple[object, str]] = {}


def _text_of(block: PlacedText) -> str:
    """A block's lines as one text."""
    fitted = block.text
    known = _TEXTS.get(id(fitted))
    if known is not None and known[0] is fitted:
        return known[1]
    text = "\n".join(line for line, _style in fitted.lines)
    if len(_TEXTS) >= 1024:
        _TEXTS.clear()
    _TEXTS[id(fitted)] = (fitted, text)
    return text


def describe_one(finding: ContentFinding, part: str, source: str = "") -> str:
    """One finding, as the report line starts."""
    if finding.kind == "language":
        name = LANGUAGE_NAMES.get(finding.word, finding.word)
        return f"the message is in {name}; {finding.detail},"
    if finding.kind == "script":
        return f"the {part} is {finding.detail} (set the row's language),"
    if finding.kind == "latin":
        return f'the Latin-script word "{finding.word}" in the Cyrillic {part}'
    where = f", {source}" if source else ""
    return f'the word "{finding.word}" ({finding.detail}{where}) in the {part}'


def risky_words_for(path: Path | None) -> RiskyWords:
    """The campaign's list, or the bundled ``templates/risky-words.toml``."""
    if path is None:
        path = bundled("templates") / "risky-words.toml"
    return RiskyWords.load(path)
