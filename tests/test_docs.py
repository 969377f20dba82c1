"""The README documents the whole command line: every command and every option.

As sqlite-utils' tests/test_docs.py does for its docs: the commands are read from click's
own tree (``postcards.cli.main``), so a new command or option fails here until the README
names it.  (The README's examples are run by tests/test_api.py and tests/test_cli.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from postcards.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            if not sub.hidden:
                yield from _commands(sub, (*path, name))


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


COMMANDS = list(_commands(main))
OPTIONS = sorted(
    {
        (" ".join(path) or "postcards", name)
        for path in COMMANDS
        for param in _command(path).params
        if isinstance(param, click.Option) and not param.hidden
        for name in (*param.opts, *param.secondary_opts)
    }
)


@pytest.mark.parametrize("path", [p for p in COMMANDS if p], ids=" ".join)
def test_every_command_is_shown_run_in_the_readme(path: tuple[str, ...]) -> None:
    """``postcards``, perhaps options (``-c samples``), then the command's words, on a line."""
    shown = re.compile(r"postcards\b[^\n`]*?\s" + r"\s+".join(map(re.escape, path)) + r"(?![\w-])")
    assert shown.search(README), f"README.md shows no `postcards … {' '.join(path)}`"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "postcards")
def test_every_command_has_its_help(path: tuple[str, ...]) -> None:
    assert (_command(path).help or "").strip(), f"{' '.join(path)} has no help text"


@pytest.mark.parametrize(("command", "option"), OPTIONS, ids=[f"{c} {o}" for c, o in OPTIONS])
def test_every_option_is_in_the_readme(command: str, option: str) -> None:
    """Each spelling, long and short (``--jobs`` and ``-j``), as a word of its own."""
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README), (
        f"README.md does not mention {option} (of {command})"
    )


def test_the_walk_finds_the_commands_and_their_options() -> None:
    """The tree is walked, not just its top: a subcommand and a short option are found."""
    assert ("track", "scan") in COMMANDS and ("cards",) in COMMANDS
    assert ("cards", "-j") in OPTIONS and ("cards", "--jobs") in OPTIONS
    assert ("serve", "--port") in OPTIONS
