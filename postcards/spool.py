"""Values kept out of memory: pickled into an anonymous file, read back by their number.

A list of 100,000 prisoners held as Python objects costs about 600 bytes a row, and every
stage of a print run (pairing, planning, the ledger) would carry them to its end.  A
:class:`Spool` keeps them in a temporary file instead, and memory holds an offset a row:
the first megabyte stays in memory (a campaign of a few thousand rows never touches the
disk), the rest goes to the file a megabyte at a time.

The file has no name from the start (``tempfile.TemporaryFile``: ``O_TMPFILE`` on Linux,
mode 0600), so nobody else can open it, and nothing is left behind by a crash or a kill:
it goes when the process does.  Reads use ``pread``, which keeps no file position, so a
forked process may read the same spool.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class Spool:
    """An append-only sequence of values, in a temporary file past the first megabyte."""

    def __init__(self, folder: Path | None = None, memory: int = 1 << 20) -> None:
        """Start an empty spool; its file goes in ``folder`` (the system's default if None)."""
        self._folder, self._memory = folder, memory
        self._ends = array("Q")  # where each value's bytes end, counted from the start
        self._pending = bytearray()  # the bytes not yet written to the file
        self._written = 0
        self._file: IO[bytes] | None = None
        self._last: tuple[int, Any] = (-1, None)

    def add(self, value: Any) -> int:
        """Keep ``value`` (pickled now: later changes to it are not kept); its number."""
        self._pending += pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._ends.append(self._written + len(self._pending))
        if len(self._pending) >= self._memory:
            self._flush()
        return len(self._ends) - 1

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> Any:
        """The value numbered ``index``, as it was when added.

        The last one read is kept, so reading the fields of one record one by one costs one read.
        """
        last = self._last
        if last[0] == index:
            return last[1]
        start = self._ends[index - 1] if index else 0
        end = self._ends[index]
        if start >= self._written:
            data = bytes(self._pending[start - self._written : end - self._written])
        else:
            assert self._file is not None
            data = os.pread(self._file.fileno(), end - start, start)
        value = pickle.loads(data)
        self._last = (index, value)
        return value

    def __iter__(self) -> Iterator[Any]:
        for index in range(len(self._ends)):
            yield self[index]

    def _flush(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self._folder)  # noqa: SIM115 - closed below
            weakref.finalize(self, self._file.close)
        self._file.seek(0, os.SEEK_END)
        self._file.write(self._pending)
        self._file.flush()
        self._written += len(self._pending)
        self._pending = bytearray()
