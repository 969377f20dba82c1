"""A list uploaded from the desk: read first, then put in place with the previous one kept.

The upload is written into a private folder inside the campaign folder under the name it
will have (``senders.xlsx``: only its suffix comes from the browser, never its path) and
read there with the campaign's column mapping.  A file that cannot be read as a table
changes nothing.  One that can is the campaign's list from then on, even with problems in
its rows or columns (mapping its German headers is the next step): the previous file is
kept beside it as ``senders.2027-01-12T10-04.xlsx``, never overwritten, and ``[inputs]``
names the new file when its name changed (``senders.csv`` to ``senders.xlsx``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from postcards.config import Settings
from postcards.errors import InputError, Problem, UsageError, display_name
from postcards.inputs.columns import (
    OTHER,
    PRISONER_FIELDS,
    SENDER_FIELDS,
    ColumnMap,
    header_names,
    map_columns,
)
from postcards.inputs.people import LISTS
from postcards.inputs.reading import custody_problems, read_prisoners, read_senders
from postcards.inputs.spreadsheets import (
    CSV_SUFFIXES,
    MAX_UPLOAD,
    ODS_SUFFIXES,
    XLS_SUFFIXES,
    XLSX_SUFFIXES,
    read_table,
)
from postcards.jobs.campaign_edits import point_input

SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES + XLS_SUFFIXES + ODS_SUFFIXES


@dataclass(frozen=True)
class ListReport:
    """A list as the desk shows it: each header with the field it is read as, and problems.

    Attributes:
        file: the list's file name in the campaign folder.
        rows: data rows below the header.
        columns: (header, field) for each column; the field is ``other`` for a column kept
            for templates only, empty for a column nothing reads.
        unread: the headers nothing reads (each also named in a warning).
        problems: what reading the list found, as ``check`` words it.
        kept: the previous file's new name, when an upload replaced one.
        fields: the fields a column may be mapped to, ``other`` last (the desk's menus).
    """

    file: str
    rows: int
    columns: tuple[tuple[str, str], ...]
    unread: tuple[str, ...]
    problems: tuple[Problem, ...]
    kept: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


def list_path(campaign: Settings, what: str) -> Path:
    """The campaign's senders or prisoners file.

    Raises:
        UsageError: ``what`` is not a list's name.
        InputError: campaign.toml names no such list.
    """
    if what not in LISTS:
        raise UsageError(f"{what!r} is not a list; use senders or prisoners")
    path = campaign.senders_path if what == "senders" else campaign.prisoners_path
    if path is None:
        raise InputError(Problem(f"no {what} list yet: upload one", column=f"inputs.{what}"))
    return path


def list_report(
    campaign: Settings, what: str, path: Path | None = None, columns: ColumnMap | None = None
) -> ListReport:
    """Read the list (``path``, else the campaign's) with ``columns`` (else the campaign's).

    Raises:
        InputError: the file cannot be read as a table (missing, not a spreadsheet, over
            the limits, no header row).
    """
    path = path or list_path(campaign, what)
    senders = what == "senders"
    fields = SENDER_FIELDS if senders else PRISONER_FIELDS
    if columns is None:
        columns = campaign.sender_columns if senders else campaign.prisoner_columns
    header_row = campaign.sender_header_row if senders else campaign.prisoner_header_row
    config = campaign.config_name
    known = header_names(fields, columns)
    table = read_table(path, campaign.input_limits, header_row, known)
    mapped, _ = map_columns(table, fields, columns, config, what)
    people = (read_senders if senders else read_prisoners)(table, columns, config, spooled=False)
    field_of = {h: f for f, h in mapped.single.items()}
    field_of |= {h: f for f, hs in mapped.parts.items() for h in hs}
    field_of |= dict.fromkeys(mapped.other, OTHER)
    problems = list(people.problems) + ([] if senders else custody_problems(people))
    return ListReport(
        display_name(path),
        len(list(table.rows)),
        tuple((h, field_of.get(h, "")) for h in table.headers),
        tuple(h for h in table.headers if h not in mapped.used()),
        tuple(problems),
        fields=(*fields, OTHER),
    )


def upload_list(campaign: Settings, what: str, filename: str, data: bytes) -> ListReport:
    """Make ``data`` (a file called ``filename`` in the browser) the campaign's ``what`` list.

    Raises:
        UsageError: no campaign.toml, or ``what`` is not a list's name.
        InputError: the file is of an unknown type, too large, or cannot be read as a
            table; the campaign's list is unchanged then.
    """
    if campaign.source is None:
        raise UsageError("lists are uploaded into a campaign folder: start with campaign.toml")
    if what not in LISTS:
        raise UsageError(f"{what!r} is not a list; use senders or prisoners")
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    shown = display_name(filename.replace("\\", "/")) or "the upload"
    if suffix not in SUFFIXES:
        kind = f'"{suffix}"' if suffix else "(no extension)"
        raise InputError(Problem(f"unsupported file type {kind}; use {', '.join(SUFFIXES)}",
                                 file=shown))  # fmt: skip
    if len(data) > MAX_UPLOAD:
        raise InputError(Problem(f"over {MAX_UPLOAD // 2**20} MB", file=shown))
    root = campaign.root
    final = root / f"{what}{suffix}"
    with tempfile.TemporaryDirectory(dir=root, prefix=".upload-") as folder:
        temp = Path(folder) / final.name
        temp.write_bytes(data)
        os.chmod(temp, 0o600)
        report = list_report(campaign, what, temp)  # unreadable: InputError, nothing changed
        previous = campaign.senders_path if what == "senders" else campaign.prisoners_path
        kept = _keep(root, [p for p in (previous, final) if p is not None])
        os.replace(temp, final)
    if previous is not None and previous != final and previous.parent == root:
        previous.unlink(missing_ok=True)  # kept under its dated name
    if previous != final:
        point_input(campaign.source, what, final.name)
    return replace(report, kept=kept)


def _keep(root: Path, files: list[Path]) -> tuple[str, ...]:
    """Each file (in the campaign folder) linked to a dated name beside it, never overwriting.

    ``senders.2027-01-12T10-04.xlsx``; a second in the same minute gets ``-2``, ``-3``…
    """
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H-%M")
    kept = []
    for path in dict.fromkeys(files):
        if path.parent != root or not path.is_file():
            continue
        for number in range(1, 1000):
            extra = "" if number == 1 else f"-{number}"
            target = root / f"{path.stem}.{stamp}{extra}{path.suffix}"
            with contextlib.suppress(FileExistsError):
                _link(path, target)
                kept.append(target.name)
                break
    return tuple(kept)


def _link(path: Path, target: Path) -> None:
    """A second name for ``path``, or a copy where the folder takes no links.

    Raises:
        FileExistsError: ``target`` is there already (nothing is ever overwritten).
    """
    try:
        os.link(path, target)
    except FileExistsError:
        raise
    except OSError:
        with open(path, "rb") as source, open(target, "xb") as copy:
            shutil.copyfileobj(source, copy)


def report_json(report: ListReport) -> dict[str, Any]:
    """The report as the desk's API answers it."""
    return {
        "file": report.file,
        "rows": report.rows,
        "columns": [{"header": h, "field": f} for h, f in report.columns],
        "unread": list(report.unread),
        "kept": list(report.kept),
        "fields": list(report.fields),
        "problems": list(report.problems),
    }
