"""Message templates (Jinja2, sandboxed) and fitting text into boxes.

Templates render plain text: cards are drawn line by line, never through a markup
parser, so a name like ``Ann <Bob> & "Co"`` prints exactly as written and a field can
never inject formatting.  An undefined field stops the run (StrictUndefined) instead of
printing a blank on 500 cards.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from postcards.errors import LayoutError, Problem, TemplateError
from postcards.page.fonts import FontSet

#: Leading as a multiple of the font size.
LEADING = 1.22


#: What one render may produce and take: a card's message is a few hundred words, so a
#: template past these limits is a runaway (``{{ "x" * 10**9 }}``, nested loops) that
#: would exhaust memory or hang the print run.
MAX_OUTPUT_CHARS = 100_000
RENDER_SECONDS = 2.0


class RenderError(TemplateError):
    """A template that failed while rendering: the print run names the card it stopped.

    Causes are a missing include, a runaway, or an error in an expression.
    """


class RenderLimit(Exception):
    """A template went past :data:`MAX_OUTPUT_CHARS` or :data:`RENDER_SECONDS`."""


def template_environment(folder: Path) -> Any:
    """The sandboxed Jinja2 environment every template runs in (messages, posters).

    It is immutable, strict about undefined fields, and with string repetition, powers and
    ``range()`` capped (see :func:`render_bounded` for the output and time limits).
    """
    from jinja2 import FileSystemLoader, StrictUndefined

    return _bounded_environment_class()(
        loader=FileSystemLoader(str(folder)),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def _bounded_environment_class() -> type:
    """The sandbox subclass, built on first use so that importing this module stays cheap."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                _check_repeat(left, right)
                _check_repeat(right, left)
            elif operator == "**" and _huge_power(left, right):
                raise RenderLimit(f"{left} ** {right} is too large a number")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox


def _huge_power(base: Any, exponent: Any) -> bool:
    """True for an integer power of more than 4,096 bits (10**10**6 would take minutes)."""
    return (
        isinstance(base, int)
        and isinstance(exponent, int)
        and abs(base) > 1
        and exponent * abs(base).bit_length() > 4096
    )


def _check_repeat(sequence: Any, times: Any) -> None:
    if not (isinstance(sequence, str | list | tuple) and isinstance(times, int)):
        return
    if len(sequence) * times > MAX_OUTPUT_CHARS:
        what = "a text" if isinstance(sequence, str) else "a list"
        raise RenderLimit(
            f"repeating {what} of {len(sequence)} {times:,} times makes "
            f"more than {MAX_OUTPUT_CHARS:,}"
        )


def render_bounded(chunks: Any) -> str:
    """Join a template's output chunks, stopping past the size or time limit.

    The chunks come from ``template.generate(...)`` or a block's render function; the limits are
    :data:`MAX_OUTPUT_CHARS` and :data:`RENDER_SECONDS`.

    The time limit is an interval timer, which only the main thread can set; elsewhere
    only the size limits apply.

    Raises:
        RenderLimit: the output or the time ran out.
    """
    import signal
    import threading

    timed = threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _out_of_time)
        signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        out, size = [], 0
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise RenderLimit(f"its output passed {MAX_OUTPUT_CHARS:,} characters")
            out.append(chunk)
        return "".join(out)
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _out_of_time(_signum: int, _frame: object) -> None:
    raise RenderLimit(f"it ran for more than {RENDER_SECONDS:g} s (a loop too long?)")


def render_failure(exc: BaseException) -> str | None:
    """What went wrong in a template, as a message says it; None for an error of ours."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    if isinstance(exc, RenderLimit):
        return f"the template was stopped: {exc}; make it shorter"
    if isinstance(exc, TemplateNotFound):
        return f"it includes {exc.name!r}, which is not in the design's folder"
    if isinstance(exc, TemplateSyntaxError):
        return f"template syntax error: {exc.message}"
    if isinstance(exc, OverflowError):
        return f"the template was stopped: {exc}"
    if isinstance(exc, JinjaError | ArithmeticError | TypeError | ValueError | LookupError):
        return _explain(exc)
    return None


class MessageTemplates:
    """The ``message.<lang>.j2`` files of one design, compiled once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = template_environment(folder)
        self._compiled: dict[str, Any] = {}
        self._failed: dict[str, Problem] = {}

    def languages(self) -> list[str]:
        """Languages with a message template in this design."""
        return sorted(p.name.split(".")[1] for p in self.folder.glob("message.*.j2"))

    def _template(self, language: str) -> Any:
        from jinja2 import TemplateSyntaxError

        if language not in self._compiled:
            name = f"message.{language}.j2"
            if not (self.folder / name).is_file():
                have = ", ".join(self.languages()) or "none"
                raise TemplateError(
                    Problem(
                        f"no message template for language {language!r} in {self.folder}; "
                        f"languages there: {have}",
                        file=name,
                    )
                )
            try:
                self._compiled[language] = self.env.get_template(name)
            except TemplateSyntaxError as exc:
                raise TemplateError(
                    Problem(f"template syntax error: {exc.message}", file=name, row=exc.lineno)
                ) from None
        return self._compiled[language]

    def uses(self, language: str) -> set[str]:
        """The top-level names a language's template reads (prisoner, sender …)."""
        from jinja2 import meta

        name = f"message.{language}.j2"
        self._template(language)  # reports a missing template or a syntax error first
        source = self.env.loader.get_source(self.env, name)[0]
        return meta.find_undeclared_variables(self.env.parse(source))

    def render(self, language: str, context: dict[str, Any]) -> str:
        """The message text for one card.

        Raises:
            TemplateError: naming the template, its line and the field it could not find.
        """
        from jinja2 import UndefinedError

        template = self._template(language)
        name = f"message.{language}.j2"
        if language in self._failed:  # a runaway fails alike on every card: once is enough
            raise RenderError(self._failed[language])
        try:
            text = render_bounded(template.generate(context))
        except UndefinedError as exc:
            raise TemplateError(
                Problem(
                    f"{_explain(exc)}; fix the template or add the column to the spreadsheet",
                    file=name,
                    row=_template_line(template.filename),
                )
            ) from None
        except Exception as exc:
            why = render_failure(exc)
            if why is None:
                raise
            problem = Problem(why, file=name, row=_template_line(template.filename))
            if isinstance(exc, RenderLimit | OverflowError):
                self._failed[language] = problem
            raise RenderError(problem) from None
        return normalize_text(text)


def _explain(exc: Exception) -> str:
    message = str(exc)
    if "has no attribute" in message:
        field = message.rsplit("has no attribute", 1)[1].strip(" '\"")
        return f"unknown field {field!r}"
    return message


def _template_line(filename: str | None) -> int | None:
    """The template line Jinja was rendering, found in the live traceback."""
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def normalize_text(text: str) -> str:
    """Trim each line, fold runs of blank lines into one, drop leading/trailing blanks."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


Line = tuple[str, str]  # (text, font style)
#: A line measured whole this much inside its box fits however its words' widths are
#: summed (float rounding is far below it).
_SLACK_PT = 1e-6


@dataclass(frozen=True, slots=True)
class FittedText:
    """Lines at one font size, ready to draw from the top of their box."""

    lines: tuple[Line, ...]
    size: float
    leading: float


def fit_text(
    paragraphs: list[Line],
    fonts: FontSet,
    width_pt: float,
    height_pt: float,
    max_size: float,
    min_size: float,
) -> FittedText:
    """Wrap paragraphs into the box, shrinking from ``max_size`` down to ``min_size``.

    Each paragraph keeps its own style; an empty paragraph is a blank line.

    Raises:
        LayoutError: when the text does not fit even at ``min_size``.
    """
    fitted = _fit(
        tuple(paragraphs), fonts, round(width_pt, 3), round(height_pt, 3), max_size, min_size
    )
    if fitted is None:
        first = paragraphs[0][0] if paragraphs else ""
        raise LayoutError(
            f"the text does not fit its {width_pt / 72 * 25.4:.0f} × "
            f"{height_pt / 72 * 25.4:.0f} mm box even at {min_size:g} pt: {first[:60]!r}"
        )
    return fitted


@lru_cache(maxsize=1024)
def _fit(
    paragraphs: tuple[Line, ...],
    fonts: FontSet,
    width_pt: float,
    height_pt: float,
    max_size: float,
    min_size: float,
) -> FittedText | None:
    size = max_size
    while size >= min_size - 1e-9:
        lines = _wrap_all(paragraphs, fonts, size, width_pt)
        if lines is not None and len(lines) * size * LEADING <= height_pt + 1e-6:
            return FittedText(tuple(lines), size, size * LEADING)
        size = round(size - 0.5, 2)
    return None


def _wrap_all(
    paragraphs: tuple[Line, ...], fonts: FontSet, size: float, width_pt: float
) -> list[Line] | None:
    lines: list[Line] = []
    for paragraph in paragraphs:
        text, style = paragraph
        if _as_written(text, fonts, style, size, width_pt):
            lines.append(paragraph)  # the paragraph itself is the line: nothing copied
            continue
        wrapped = _greedy(text, fonts, style, size, width_pt)
        if wrapped is None:
            return None
        lines += [(line, style) for line in wrapped]
    return lines


def _as_written(text: str, fonts: FontSet, style: str, size: float, width_pt: float) -> bool:
    """Whether a paragraph is one line as written.

    It is measured whole, which is cheaper than word by word and gives the same line.
    """
    return fonts.width(text, style, size) <= width_pt - _SLACK_PT and " ".join(text.split()) == text


def wrap(text: str, fonts: FontSet, style: str, size: float, width_pt: float) -> list[str] | None:
    """Greedy word wrap of one paragraph; None when a single word is wider than the box."""
    if _as_written(text, fonts, style, size, width_pt):
        return [text]
    return _greedy(text, fonts, style, size, width_pt)


def _greedy(
    text: str, fonts: FontSet, style: str, size: float, width_pt: float
) -> list[str] | None:
    lines: list[str] = []
    space = fonts.width(" ", style, size)
    line, line_width = "", 0.0
    for word in text.split():
        word_width = fonts.width(word, style, size)
        if word_width > width_pt:
            return None
        if line and line_width + space + word_width <= width_pt:
            line, line_width = f"{line} {word}", line_width + space + word_width
        else:
            if line:
                lines.append(line)
            line, line_width = word, word_width
    # A paragraph that fits as written keeps its own string: a plan holds no copy of it.
    lines.append(text if not lines and line == text else line)
    return lines
