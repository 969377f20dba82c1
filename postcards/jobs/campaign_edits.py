"""campaign.toml changed from the desk, its comments and layout kept (tomlkit).

Every change is written to a temporary file beside campaign.toml and read back with
:func:`~postcards.campaign_file.load_campaign`, exactly as every command reads the file;
it is moved into place only when it reads without an error.  The file on disk is thus
always one the commands accept, and a refused change names each wrong setting with the
words ``check`` would use (``campaign.toml: cards.size: …``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.toml_document import TOMLDocument

from postcards.campaign_file import load_campaign
from postcards.config import Settings
from postcards.errors import InputError, Problem, display_name
from postcards.files import publish, staged
from postcards.return_addresses import TABLE

#: The sections the desk's settings call may change (``[return_addresses]``: any parliament).
EDITABLE = ("campaign", "cards", "qr", "check", "posters", "print", TABLE)

#: The sections it may not, and where they are changed instead.
ELSEWHERE = {
    "inputs": "upload a list (PUT /api/lists/senders or /prisoners)",
    "senders": "map its columns with PUT /api/columns/senders",
    "prisoners": "map its columns with PUT /api/columns/prisoners",
    "tracking": "the ledger is chosen in campaign.toml or POSTCARDS_DATABASE only",
    "layouts": "edit campaign.toml itself",
    "printers": "edit campaign.toml itself",
}

Value = str | int | float | bool


def edit_campaign(source: Path, change: Callable[[TOMLDocument], None]) -> Settings:
    """Apply ``change`` to campaign.toml, keeping it only when it reads without an error.

    Returns:
        The campaign as read from the new file.

    Raises:
        InputError: the new text is not a campaign file every command accepts (each
            problem names campaign.toml); the file is left as it was.
    """
    name = display_name(source)
    try:
        document = tomlkit.parse(source.read_text(encoding="utf-8"))
        change(document)
        text = tomlkit.dumps(document)
    except (TOMLKitError, ValueError, TypeError) as error:
        raise InputError(Problem(f"cannot be changed: {error}", file=name)) from None
    with staged(source) as temp:
        temp.write_text(text, encoding="utf-8")
        try:
            load_campaign(temp)
        except InputError as error:
            shown = [_named(p, temp.name, name) for p in error.problems]
            raise InputError(shown) from None
        publish(temp, source)
    return load_campaign(source)


def _named(problem: Problem, temporary: str, name: str) -> Problem:
    """A problem of the temporary file, naming campaign.toml instead."""
    if problem.file != temporary:
        return problem
    message = problem.message.replace(temporary, name)
    return dataclasses.replace(problem, file=name, message=message)


def save_settings(source: Path, changes: Mapping[str, Any]) -> Settings:
    """``{"campaign": {"name": …}, "cards": {…}}`` written into campaign.toml.

    A key set to null is deleted (back to its default); ``[return_addresses]`` takes a
    parliament's lines, or null to delete its entry.  Sections other than
    :data:`EDITABLE` are refused; keys are checked by ``load_campaign`` (an unknown one
    is named, with the nearest valid one).

    Raises:
        InputError: a section the desk does not edit, a value that is not text, a number,
            true/false or a list of them, or a setting campaign.toml refuses.
    """
    problems = _shape_problems(changes, display_name(source))
    if problems:
        raise InputError(problems)

    def change(document: TOMLDocument) -> None:
        for section, values in changes.items():
            table = _table(document, section)
            for key, value in values.items():
                if value is None:
                    if key in table:
                        del table[key]
                else:
                    table[key] = value

    return edit_campaign(source, change)


def _table(document: TOMLDocument, section: str) -> Any:
    """The document's ``[section]`` table, added at the end when missing."""
    if section not in document:
        document.add(section, tomlkit.table())
    return document[section]


def _shape_problems(changes: Mapping[str, Any], name: str) -> list[Problem]:
    """What the desk cannot write, before anything is: sections and the kinds of values."""
    problems = []
    for section, values in changes.items():
        where = f"[{section}]"
        if section in ELSEWHERE:
            message = f"not changed with the settings: {ELSEWHERE[section]}"
            problems.append(Problem(message, file=name, column=where))
        elif section not in EDITABLE:
            shown = ", ".join(f"[{s}]" for s in EDITABLE)
            message = f"unknown section; the settings the desk changes are in {shown}"
            problems.append(Problem(message, file=name, column=where))
        elif not isinstance(values, dict):
            message = 'expected an object of settings, like {"name": "…"}'
            problems.append(Problem(message, file=name, column=where))
        else:
            problems += [
                Problem(f"expected {kind}, found {value!r}", file=name, column=f"{section}.{key}")
                for key, value in values.items()
                if (kind := _wrong_value(section, value))
            ]
    return problems


def _wrong_value(section: str, value: Any) -> str:
    """What ``value`` should have been, or '' when campaign.toml can hold it."""
    if value is None:
        return ""
    if section == TABLE:
        lines = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return "" if lines else "a list of address lines, or null to delete the entry"
    if isinstance(value, Value) or (
        isinstance(value, list) and all(isinstance(v, Value) for v in value)
    ):
        return ""
    return "text, a number, true or false, or a list of them (null deletes the setting)"


def stale_settings(
    form: Mapping[str, Mapping[str, Any]],
    changes: Mapping[str, Any],
    before: Any,
    name: str = "campaign.toml",
) -> list[Problem]:
    """The changed settings whose value is no longer the one the change was made from.

    ``form`` holds the settings as the desk shows them now (``GET /api/settings``),
    ``before`` what the page showed when it was filled in, for the settings it changes.
    Someone else (another page, a text editor) changed those since: saving would replace
    their value unseen.

    Raises:
        InputError: ``before`` is not an object of sections, or names a setting the
            change does not set or the form does not show (it could not be checked).
    """
    if not isinstance(before, dict) or not all(isinstance(v, dict) for v in before.values()):
        shape = 'expected the values the change was made from, like {"campaign": {"name": "…"}}'
        raise InputError(Problem(shape, file=name, column="before"))
    wrong, stale = [], []
    for section, values in before.items():
        for key, was in values.items():
            column = f'{section}."{key}"' if section == TABLE else f"{section}.{key}"
            changed = changes.get(section)
            if not isinstance(changed, dict) or key not in changed:
                message = "named in before, but the change does not set it"
                wrong.append(Problem(message, file=name, column=f"before.{column}"))
            elif section != TABLE and key not in form.get(section, {}):
                message = "cannot be checked: the desk's form does not show this setting"
                wrong.append(Problem(message, file=name, column=f"before.{column}"))
            elif _plain(now := form.get(section, {}).get(key)) != _plain(was):
                stale.append(Problem(
                    f"changed since this page read it (it is now {_shown(now)}); reload the "
                    "page to see it, then make your change again",
                    file=name, column=column,
                ))  # fmt: skip
    if wrong:
        raise InputError(wrong)
    return stale


def _plain(value: Any) -> Any:
    """A setting as compared: a list as a list, and nothing, '' and [] alike (the default)."""
    if isinstance(value, list | tuple):
        return list(value) or None
    return value if value not in ("", None) else None


def _shown(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "empty"
    return " / ".join(map(repr, value)) if isinstance(value, list) else repr(value)


def save_columns(source: Path, what: str, columns: Mapping[str, Any]) -> Settings:
    """``[senders.columns]`` or ``[prisoners.columns]`` replaced by ``columns`` (none: deleted).

    Raises:
        InputError: a value that is not a header or a list of headers.
    """
    name = display_name(source)
    problems = [
        Problem(
            'expected a header or a list of headers, like ["Vorname", "Nachname"]',
            file=name,
            column=f"{what}.columns.{field}",
        )  # fmt: skip
        for field, value in columns.items()
        if not (isinstance(value, str) and value.strip())
        and not (isinstance(value, list) and value and all(isinstance(v, str) for v in value))
    ]
    if problems:
        raise InputError(problems)

    def change(document: TOMLDocument) -> None:
        if what not in document:
            document.add(what, tomlkit.table(is_super_table=True))
        section = document[what]
        if "columns" in section:
            del section["columns"]
        if columns:
            table = tomlkit.table()
            for field, value in columns.items():
                table[field] = value
            section["columns"] = table

    return edit_campaign(source, change)


def point_input(source: Path, what: str, file: str) -> Settings:
    """``[inputs] senders`` (or ``prisoners``) set to ``file``, relative to campaign.toml."""

    def change(document: TOMLDocument) -> None:
        _table(document, "inputs")[what] = file

    return edit_campaign(source, change)
