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
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from postcards.cards.addressing import country_line
from postcards.cards.risky_words import RiskyWords, fold
from postcards.errors import Problem

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
_WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")


@dataclass(frozen=True)
class ContentFinding:
    """One thing on a card a censor may stop: ``kind`` is risky, latin or language."""

    kind: str
    word: str
    detail: str = ""


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


#: A run's findings so far: each with the cards it touches, in order of first use.
Findings = dict[_Key, "Touched"]

#: Texts whose findings are remembered; a forgotten one is only checked again.
_SEEN_KEPT = 1024
#: Cards a finding names; the others are counted.
_NAMED = 3


@dataclass
class Touched:
    """The cards one finding touches: the first few by name, and how many in all."""

    cards: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, label: str) -> None:
        """One more card."""
        if len(self.cards) < _NAMED:
            self.cards.append(label)
        self.count += 1

    def join(self, later: Touched) -> None:
        """The cards another part of the run found, after these."""
        self.cards += later.cards[: _NAMED - len(self.cards)]
        self.count += later.count


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
        self._cards: Findings = {}

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
                key = _Key(part, finding, source)
                touched = self._cards.get(key)
                if touched is None:
                    touched = self._cards[key] = Touched()
                touched.add(label)

    def take(self) -> Findings:
        """The findings so far, handed over and forgotten: a chunk's, for the run to join."""
        cards, self._cards = self._cards, {}
        return cards

    def merge(self, cards: Findings) -> None:
        """Join findings :meth:`take` handed over (from a later part of the run)."""
        for key, touched in cards.items():
            mine = self._cards.get(key)
            if mine is None:
                self._cards[key] = Touched(list(touched.cards), touched.count)
            else:
                mine.join(touched)

    def emptied(self) -> ContentCheck:
        """A check with the same words and rules and no findings: where a run joins its parts."""
        return ContentCheck(self.risky, self.strict, self.mode, self.senders_file)

    def problems(self) -> list[Problem]:
        """One problem per distinct finding, naming the cards it touches."""
        return [self._problem(key, touched) for key, touched in self._cards.items()]

    def _problem(self, key: _Key, touched: Touched) -> Problem:
        finding = key.finding
        error = self.strict or (finding.kind == "risky" and self.mode == "error")
        more = touched.count - len(touched.cards)
        shown = ", ".join(touched.cards) + (f" ... and {more} more" if more > 0 else "")
        count = f"{touched.count} card" + ("s" if touched.count != 1 else "")
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
