"""Writing output files safely: atomically, and with spreadsheet-safe cells.

A print run must never leave a half-written PDF under its final name: everything is
written to a temporary file in the same folder and moved into place in one rename.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; removed on error, left for :func:`publish`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def publish(tmp: Path, path: Path) -> None:
    """Move a finished temporary file to its final name in one atomic rename."""
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(handle: IO[str], header: list[str], rows: list[list[object]]) -> None:
    """UTF-8 CSV with formula-safe cells."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def remove_stale_parts(paths: list[Path]) -> list[Path]:
    """Remove the temporary files (:func:`staged`) that a killed run left beside these
    outputs; a run that dies cannot clean up after itself.  Returns what was removed."""
    removed = []
    for path in paths:
        for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
                removed.append(part)
    return removed
