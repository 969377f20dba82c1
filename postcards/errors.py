"""One error hierarchy for the whole library.

Every problem a user can fix is a :class:`Problem` that names the file, the row (as a
spreadsheet shows it: the header is row 1), the column and what to do.  Library code
raises a :class:`PostcardsError` carrying one or many problems; the CLI prints them as
``file:row: column: message`` and exits 1.  Nothing in the library prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs, located as precisely as we can.

    Attributes:
        message: what is wrong and, where it helps, what to do about it.
        file: the file's name as the user knows it (usually the base name), if any.
        row: the 1-based row as a spreadsheet shows it (header = 1), if any.
        column: the column header or field name, if any.
        warning: True for something worth knowing that does not stop a print run.
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.row is None else f"{self.file}:{self.row}"
            where += ": "
        column = f"{self.column}: " if self.column else ""
        prefix = "warning: " if self.warning else ""
        return f"{where}{column}{prefix}{self.message}"


def display_name(path: str | Path) -> str:
    """The name we show for a file in messages: its base name."""
    return Path(path).name


class PostcardsError(Exception):
    """Base class: something the user can fix; carries one or more problems."""

    exit_code = 1

    def __init__(self, problems: Problem | str | list[Problem]):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(dict.fromkeys(problems))  # each once, in order
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(PostcardsError):
    """A spreadsheet, campaign.toml or assignments file is wrong."""


class TemplateError(PostcardsError):
    """A message template or design is wrong (syntax, unknown field)."""


class LayoutError(PostcardsError):
    """Something does not fit: text in its box, a card on its sheet, a size."""


class FontError(PostcardsError):
    """A character that no bundled font can print."""


class LedgerError(PostcardsError):
    """The tracking ledger cannot be opened, read or written."""


class ConflictError(PostcardsError):
    """A change made from values someone else has changed since they were read.

    Two people at the desk (or a desk and a text editor) edit one campaign: the change
    that comes second names what it started from, and is refused where that is no longer
    so, rather than replacing the other's words unseen (HTTP 409 at the desk).
    """


class UsageError(PostcardsError):
    """The command was called wrongly (exit 2, like click's own usage errors)."""

    exit_code = 2


class OutputError(PostcardsError):
    """An output cannot be written where asked: exit 1, for the user must choose another place.

    Causes are a full disk, a read-only or missing place, or a folder in the way; the exit code is
    that of bad input.
    """
