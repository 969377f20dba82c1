"""The risky words a prison censor may stop, as the content check looks them up.

``templates/risky-words.toml`` (or the campaign's ``[check] risky_words``) lists them per
language and topic; a word ending in ``*`` matches every word it starts.  Words are
compared folded (:func:`fold`) and each is looked up once.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from postcards.errors import InputError, Problem, display_name
from postcards.resources import bundled

_UNSEEN = object()
_TOPICS_KEPT = 20_000


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


def risky_words_for(path: Path | None) -> RiskyWords:
    """The campaign's list, or the bundled ``templates/risky-words.toml``."""
    if path is None:
        path = bundled("templates") / "risky-words.toml"
    return RiskyWords.load(path)
