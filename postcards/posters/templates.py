"""Poster texts: ``templates/posters/poster.<language>.j2``, one Jinja2 block per text.

Each language's file holds every text a poster prints (headline, count, dates …) as a
named block, so a translator sees the whole poster in one file.  The blocks run in the
same sandbox as the card messages; an undefined field stops the run.  Plural forms are
chosen in Python (:func:`plural_index`) because the rules differ by language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from postcards.errors import Problem, TemplateError
from postcards.page.text import normalize_text, render_bounded, render_failure, template_environment

#: The languages of the bundled poster texts (``templates/posters/poster.<language>.j2``).
POSTER_LANGUAGES = ("en", "de", "fr", "pl", "lt", "be", "ru")


def plural_index(language: str, n: int) -> int:
    """Which form to use for ``n``: 0 one, 1 few/other, 2 many (CLDR's cardinal rules)."""
    if language in ("ru", "be", "pl"):
        if n % 10 == 1 and n % 100 != 11 and (language != "pl" or n == 1):
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    if language == "lt":
        if 11 <= n % 100 <= 19:
            return 2
        return 0 if n % 10 == 1 else 1 if n % 10 else 2
    if language == "fr":
        return 0 if n in (0, 1) else 1
    return 0 if n == 1 else 1


class PosterTexts:
    """The poster texts of one language, from a folder of ``poster.<lang>.j2`` files."""

    def __init__(self, folder: Path, language: str, campaign: dict[str, str]):
        self.folder, self.language = folder, language
        self.name = f"poster.{language}.j2"
        if not (folder / self.name).is_file():
            have = ", ".join(sorted(p.name.split(".")[1] for p in folder.glob("poster.*.j2")))
            raise TemplateError(
                Problem(
                    f"no poster texts for language {language!r} in {folder}; languages there: "
                    f"{have or 'none'}",
                    column="--language",
                )
            )
        self.env = template_environment(folder)
        self.campaign = campaign
        self._template = self._load()

    def _load(self) -> Any:
        from jinja2 import TemplateSyntaxError

        try:
            return self.env.get_template(self.name)
        except TemplateSyntaxError as exc:
            raise TemplateError(
                Problem(f"template syntax error: {exc.message}", file=self.name, row=exc.lineno)
            ) from None

    def plural(self, n: int, *forms: str) -> str:
        """The form of a word for ``n`` in this language (the last form when fewer given)."""
        return forms[min(plural_index(self.language, int(n)), len(forms) - 1)]

    def has(self, block: str) -> bool:
        """Whether the template has ``block`` (a campaign's own templates may predate it)."""
        return block in self._template.blocks

    def __call__(self, block: str, **fields: Any) -> str:
        """One text, e.g. ``texts("count", count=125)``.

        Raises:
            TemplateError: the block is missing or reads a field it was not given.
        """
        from jinja2 import UndefinedError
        from jinja2.exceptions import SecurityError

        render = self._template.blocks.get(block)
        if render is None:
            raise TemplateError(
                Problem(
                    f"no block {block!r}; add {{% block {block} %}}…{{% endblock %}}",
                    file=self.name,
                )
            )
        context = self._template.new_context(
            {"campaign": self.campaign, "language": self.language, "plural": self.plural, **fields}
        )
        try:
            return normalize_text(render_bounded(render(context)))
        except (UndefinedError, SecurityError) as exc:
            raise TemplateError(Problem(f"block {block!r}: {exc}", file=self.name)) from None
        except Exception as exc:  # a missing include, a runaway loop: no traceback
            why = render_failure(exc)
            if why is None:
                raise
            raise TemplateError(Problem(f"block {block!r}: {why}", file=self.name)) from None
