"""A print run's record in the ledger, kept in step with its files through a kill.

The order that keeps the ledger and the files agreeing, whatever moment the process dies:

1. every file is written to a temporary ``.part`` beside its final name;
2. the cards are committed in the ledger together with a print run marked "pending",
   naming each file it will put in place and the SHA-256 of its content;
3. the files are renamed into place;
4. the run is marked "complete".

A PDF in place therefore never carries a code the ledger does not know (a scan of it would
be refused as unknown).  A run killed between 2 and 4 is settled by the next ``cards`` or
``check``: when all its files are in place with the recorded content it is complete;
otherwise it is "interrupted" and reported until a complete run of the same wave prints
its cards.  Its cards are kept (events are append-only): the codes stay reserved, so that
rerun prints the very same codes and bytes.
"""

from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path

from postcards.errors import Problem
from postcards.ledger.book import Ledger
from postcards.ledger.model import PrintRunRecord, RunFile

#: A test seam, read only here: ``POSTCARDS_TEST_KILL_AT=after-commit`` makes ``cards``
#: kill itself with SIGKILL at that point, so tests can check what a kill leaves.
KILL_AT_VARIABLE = "POSTCARDS_TEST_KILL_AT"
KILL_POINTS = ("after-temps", "after-commit", "after-first-rename", "after-rename")


def kill_point(name: str) -> None:
    """A test seam: die here, as ``kill -9`` would, when ``POSTCARDS_TEST_KILL_AT`` names it.

    It does nothing unless that variable is set to this very point, which no user has a
    reason to do: then it is one dictionary look-up.  It stays in the shipped code because a
    kill must land between two real steps of :func:`postcards.jobs.cards` (files written,
    ledger committed, files renamed) in a separate process, where a test cannot patch.
    ``tests/test_runs.py`` drives it; ``tests/test_settling.py`` checks it is inert.

    Args:
        name: one of :data:`KILL_POINTS`, the step the print run has just finished.
    """
    assert name in KILL_POINTS, name
    if os.environ.get(KILL_AT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in blocks (a PDF of 10,000 cards is large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_files(pairs: list[tuple[Path, Path]]) -> list[RunFile]:
    """The files a run will put in place: final path and the hash of its temporary file."""
    return [RunFile(str(final), sha256(tmp)) for tmp, final in pairs]


def in_place(record: PrintRunRecord) -> bool:
    """True when every file of the run is at its final path with the recorded content."""
    for file in record.files:
        path = Path(file.path)
        try:
            if not path.is_file() or sha256(path) != file.sha256:
                return False
        except OSError:
            return False
    return True


def settle(ledger: Ledger, campaign: str) -> None:
    """Close the pending runs a killed ``cards`` left.

    They are complete when their files are in place, else interrupted.  An interrupted run whose
    files have since appeared (a run still renaming when another office's ``check`` looked) is
    complete after all.
    """
    for status in ("pending", "interrupted"):
        for record in ledger.print_runs(campaign, status):
            if in_place(record):
                ledger.settle_print_run(record.id, "complete")
            elif status == "pending":
                ledger.settle_print_run(record.id, "interrupted")


def interrupted_warnings(ledger: Ledger, campaign: str) -> list[Problem]:
    """A warning for each run whose files never all reached their place."""
    return [Problem(
        f"the print run of {record.started_at} (wave {record.wave}, {record.cards} cards, "
        f"{record.files[0].path if record.files else 'no files'}) was "
        f"interrupted before its files were in place: its {record.new_cards} new cards "
        "are in the ledger as generated but were never printed; run `postcards cards` "
        f"for wave {record.wave} again, it prints them with the same codes",
        file=ledger.name, warning=True)
        for record in ledger.print_runs(campaign, "interrupted")]  # fmt: skip
