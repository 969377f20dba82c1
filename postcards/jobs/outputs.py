"""Where a command may write: never over an input, the ledger or the design.

``postcards cards -o tracking.db`` once recorded the cards and then replaced the ledger
with the PDF; ``-o prisoners.csv`` replaced the list.  Every command that writes calls
:func:`check_outputs` with all the files it will write (derived ones too: the manifest,
fronts and backs, signing sheets, poster pages) and the files it must never touch
(:func:`protected_paths`), before any work.  Paths are compared once resolved (a symlink
leads to its target) and, for files that exist, by device and inode (a hard link is the
same file under another name).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from postcards.cards.design import find_design
from postcards.config import Settings
from postcards.errors import OutputError, PostcardsError, Problem, UsageError
from postcards.inputs.people import People
from postcards.inputs.reading import read_prisoners, read_senders
from postcards.inputs.spreadsheets import read_table
from postcards.ledger.targets import is_sqlite, sqlite_path
from postcards.resources import bundled

#: Files SQLite keeps beside a ledger while it is open.
LEDGER_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Protected:
    """A file no output may replace, and what it is (for the message)."""

    path: Path
    what: str


def protected_paths(
    campaign: Settings,
    outputs: Sequence[Path] = (),
    assignments: bool = True,
    images: bool = True,
) -> list[Protected]:
    """The campaign's files an output must never replace.

    ``campaign.toml``, the senders, prisoners and (when ``assignments``) assignments
    files, the SQLite ledger and its companions, the risky-words list and every file of
    the design; and the photos and signatures the lists name, read only when one of
    ``outputs`` exists already (a file that does not exist cannot be a photo).  A job
    that reads the lists anyway passes ``images=False`` and asks :func:`named_images`
    with the lists it read, before it writes anything: 100,000 rows are then read once.
    """
    found = [
        Protected(path, what)
        for path, what in (
            (campaign.source, "the campaign file"),
            (campaign.senders_path, "the senders list"),
            (campaign.prisoners_path, "the prisoners list"),
            (campaign.assignments_path if assignments else None, "the assignments file"),
            (campaign.risky_words or _bundled_risky_words(), "the risky-words list"),
        )
        if path is not None
    ]
    found += _ledger(campaign) + _design(campaign)
    if images:
        found += named_images(campaign, outputs, {})
    return found


def named_images(
    campaign: Settings, outputs: Sequence[Path], read: Mapping[str, People | None]
) -> list[Protected]:
    """The signatures and photos the lists name, when one of ``outputs`` exists.

    ``read``: the lists the command has read already, by ``"senders"`` and
    ``"prisoners"`` (None: it could not be read, and names none); a list not in it is read
    here, its unreadable rows skipped (the command itself reports them).  A list without
    a signature (or photo) column names none, and is not gone through.
    """
    if not any(os.path.lexists(path) for path in outputs):
        return []
    found = []
    for which, field, what in (("senders", "signature", "a signature"),
                               ("prisoners", "photo", "a photo")):  # fmt: skip
        people = read[which] if which in read else _read_leniently(campaign, which)
        if people is not None and field in people.columns:
            found += [
                Protected(campaign.root / getattr(record, field), what)
                for record in people.records
                if getattr(record, field, "")
            ]
    return found


def check_outputs(
    outputs: Iterable[Path], protected: Iterable[Protected], suffixes: Sequence[str] = ()
) -> None:
    """Refuse, before any work, outputs that are unsafe or impossible to write.

    Refused are outputs that would replace a protected file or that do not end as the command
    writes, and outputs that cannot be written there.

    ``outputs`` starts with the file the user named (``-o``), then those derived from it;
    ``suffixes`` are the extensions the named one may have (none: any).

    Raises:
        UsageError: the named output has another extension than ``suffixes``, or an output
            is (or links to) a protected file; both paths are named.
        OutputError: an output is a folder, or its folder cannot be made or written.
    """
    outputs, protected = list(outputs), list(protected)
    for output in outputs:
        for guarded in protected:
            if same_file(output, guarded.path):
                raise UsageError(
                    f"{output} would replace {guarded.what} {guarded.path}; "
                    "choose another name for the output"
                )
    if outputs and suffixes and outputs[0].suffix.lower() not in suffixes:
        raise UsageError(
            f"-o {outputs[0]}: this command writes {_either(suffixes)} files; name the output so"
        )
    for output in outputs:
        _check_place(output)


def same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name one file.

    That is the same path once symlinks are resolved, or, for existing files, the same device and
    inode (a hard link).
    """
    try:
        if Path(a).resolve() == Path(b).resolve():
            return True
        first, second = os.stat(a), os.stat(b)
    except (OSError, RuntimeError):
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _check_place(output: Path) -> None:
    """The output is not a folder, and the nearest existing folder above it is writable."""
    if output.is_dir():
        raise OutputError(Problem(f"cannot write {output}: it is a folder; give a file name"))
    for parent in Path(os.path.abspath(output)).parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(
                    Problem(
                        f"cannot write {output}: {parent} is a file, not a "
                        "folder; choose another place"
                    )
                )
            if not os.access(parent, os.W_OK | os.X_OK):
                raise OutputError(
                    Problem(
                        f"cannot write {output}: the folder {parent} is "
                        "not writable; choose another place"
                    )
                )
            return


def _either(suffixes: Sequence[str]) -> str:
    names = list(dict.fromkeys(suffixes))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _bundled_risky_words() -> Path:
    return bundled("templates") / "risky-words.toml"


def _ledger(campaign: Settings) -> list[Protected]:
    url = campaign.database_url
    try:
        if not is_sqlite(url):
            return []
        path = sqlite_path(url)
    except PostcardsError:
        return []  # a wrong URL is reported by the command that opens the ledger
    return [Protected(path, "the ledger")] + [
        Protected(path.with_name(path.name + tail), "the ledger's journal")
        for tail in LEDGER_COMPANIONS
    ]


def _design(campaign: Settings) -> list[Protected]:
    try:
        folder = find_design(campaign.design, campaign.root)
    except PostcardsError:
        return []  # a missing design is reported by the command that loads it
    files = [Protected(p, "a file of the design") for p in folder.rglob("*") if p.is_file()]
    if campaign.poster_templates is not None and campaign.poster_templates.is_dir():
        files += [
            Protected(p, "a poster template")
            for p in campaign.poster_templates.rglob("*")
            if p.is_file()
        ]
    return files


def _read_leniently(campaign: Settings, which: str) -> People | None:
    """The senders or prisoners list as far as it reads (None: not given, or unreadable)."""
    path, reader, columns = (
        (campaign.senders_path, read_senders, campaign.sender_columns)
        if which == "senders"
        else (campaign.prisoners_path, read_prisoners, campaign.prisoner_columns)
    )
    try:
        return reader(read_table(path), columns) if path else None
    except (PostcardsError, OSError):
        return None
