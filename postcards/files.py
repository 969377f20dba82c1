"""Writing output files safely: atomically, privately, and with spreadsheet-safe cells.

A print run must never leave a half-written PDF under its final name: everything is
written to a temporary file in the same folder and moved into place in one rename.  A
file that cannot be written (a full disk, a read-only place) is an :class:`OutputError`
naming it, and leaves nothing behind: no ``.part`` file, no folder we made for it.
Outputs hold prisoners' names and addresses, so they are never readable by everyone:
the user's umask applies, and never more than :data:`PRIVATE_MODE`.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import glob
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from postcards.errors import OutputError, Problem

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The widest mode an output gets (owner read/write, group read): the files hold
#: prisoners' names and addresses.
PRIVATE_MODE = 0o640

#: Errors that say "this place cannot take the file", whatever file was being written.
_PLACE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; removed on error, left for :func:`publish`.

    A missing folder is made (``-o out/cards.pdf`` works in a new campaign) and removed
    again, when still empty, if the file is not finished.

    Raises:
        OutputError: the place cannot take the file (full, read-only, not a folder).
    """
    made = make_folder(path.parent, path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        remove_folders(made)
        raise output_error(path, exc) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
    except BaseException as exc:
        tmp_path.unlink(missing_ok=True)
        remove_folders(made)
        if isinstance(exc, OSError) and str(exc.filename) == str(tmp_path):
            raise output_error(path, exc) from exc
        if isinstance(exc, OSError) and exc.errno in _PLACE_ERRNOS:
            # any of the files being written there may have hit it: name the folder
            raise output_error(path.parent, exc) from exc
        raise


def publish(tmp: Path, path: Path) -> None:
    """Move a finished temporary file to its final name in one atomic rename.

    The file gets a private mode (:func:`private_mode`; no wider than the file it replaces).

    Raises:
        OutputError: the file could not be flushed or moved into place.
    """
    try:
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, private_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(path, exc) from exc


def private_mode(replacing: Path | None = None) -> int:
    """The mode of a new output: the user's umask applied to :data:`PRIVATE_MODE`.

    It is never wider than the file it replaces (a file made private stays private).
    """
    mode = PRIVATE_MODE & ~current_umask()
    if replacing is not None:
        with contextlib.suppress(OSError):
            mode &= stat.S_IMODE(os.stat(replacing).st_mode)
    return mode


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows.

    Linux tells it; elsewhere it is set and set back (the only portable way).
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def copy_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically and privately (as every output)."""
    with staged(target) as tmp:
        shutil.copyfile(source, tmp)
        publish(tmp, target)


def make_folder(folder: Path, output: Path | None = None) -> list[Path]:
    """Make ``folder`` and its missing parents; return those made, deepest first.

    Raises:
        OutputError: a parent is a file, or the place is read-only or full.
    """
    missing = []
    for candidate in [folder, *folder.parents]:
        if candidate.is_dir():
            break
        missing.append(candidate)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        remove_folders([m for m in missing if m.is_dir()])
        raise output_error(output or folder, exc) from exc
    return missing


def remove_folders(folders: list[Path]) -> None:
    """Remove folders we made, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def output_error(path: Path, exc: OSError) -> OutputError:
    """What to tell the user when ``path`` cannot be written."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some space, or write it elsewhere with -o"
    elif exc.errno == errno.ENOTDIR:
        hint = "a part of the path is a file, not a folder; choose another place"
    else:
        hint = "choose another place for it"
    where = f"in {path}" if path.is_dir() else str(path)
    return OutputError(Problem(f"cannot write {where}: {reason}; {hint}"))


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _safe_row(row: Sequence[object]) -> list[str]:
    """:func:`safe_cell` of every cell; a text that starts safely passes in one look.

    A print run's manifest has 1,300,000 cells at 100,000 cards.
    """
    starts = _FORMULA_STARTS
    return [
        v if type(v) is str and not v.startswith(starts) else safe_cell(v)  # noqa: E721
        for v in row
    ]


def open_csv(path: Path, bom: bool = True) -> IO[str]:
    """A new CSV file for :func:`write_csv`, in UTF-8 with a byte order mark unless ``bom`` is off.

    Excel on Windows reads a CSV file without the mark in the computer's code page, which
    turns Cyrillic into mojibake; with it, as UTF-8.  The mark is written once, at the start
    of the file, however many tables follow.  postcards reads its own files either way.
    """
    return open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")  # noqa: SIM115


def write_csv(handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """CSV with formula-safe cells, to a handle :func:`open_csv` gave."""
    csv_rows(handle, header)(rows)


def csv_rows(
    handle: IO[str], header: Sequence[str]
) -> Callable[[Iterable[Sequence[object]]], None]:
    """Write ``header`` now; the function that writes rows after it, formula-safe, as they come."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)

    def write(rows: Iterable[Sequence[object]]) -> None:
        writer.writerows(map(_safe_row, rows))

    return write


def remove_stale_parts(paths: list[Path]) -> list[Path]:
    """Remove the temporary files (:func:`staged`) that a killed run left beside these outputs.

    A run that dies cannot clean up after itself.  Returns what was removed.
    """
    removed = []
    for path in paths:
        for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
                removed.append(part)
    return removed
