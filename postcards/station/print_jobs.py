"""Print runs started from the desk: one at a time, each in a thread, with its progress.

A run is the ``cards`` job (its work is given by the desk's backend); while it draws, the
station goes on answering scans and polls.  A second run asked for while one is drawing
is refused (409): two runs of one campaign would only wait for each other on the ledger.
A failed run has written nothing and recorded nothing (``cards`` sees to that); its
problems are kept for the page that polls it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postcards.errors import PostcardsError, Problem
from postcards.progress import Progress

#: A run's work: given the progress callback, its files by kind and its warnings.
Work = Callable[[Progress], tuple[dict[str, Path], list[Problem]]]

KEPT = 20
"""Finished runs remembered (their files stay in the campaign folder regardless)."""


class Busy(Exception):
    """A run is drawing already."""

    def __init__(self, job: str):
        super().__init__(job)
        self.job = job


@dataclass
class PrintJob:
    """One run: ``running``, then ``done`` with its files or ``failed`` with its problems."""

    id: str
    state: str = "running"
    done: int = 0
    total: int = 0
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def progress(self, done: int, total: int) -> None:
        """Called by the run as it plans and draws."""
        self.done, self.total = done, total

    def shown(self) -> dict[str, Any]:
        """The run as ``GET /api/print/{job}`` answers it."""
        return {"job": self.id, "state": self.state, "done": self.done, "total": self.total,
                "files": {kind: path.name for kind, path in self.files.items()},
                "problems": self.problems}  # fmt: skip


class PrintJobs:
    """The station's print runs."""

    def __init__(self) -> None:
        self.jobs: dict[str, PrintJob] = {}
        self.lock = threading.Lock()

    def start(self, work: Work) -> PrintJob:
        """Start ``work`` in a thread.

        Raises:
            Busy: a run is drawing.
        """
        with self.lock:
            running = next((j for j in self.jobs.values() if j.state == "running"), None)
            if running is not None:
                raise Busy(running.id)
            job = PrintJob(secrets.token_urlsafe(9))
            self.jobs[job.id] = job
            for old in list(self.jobs)[:-KEPT]:
                del self.jobs[old]
        threading.Thread(target=self._run, args=(job, work), daemon=True).start()
        return job

    def get(self, job: str) -> PrintJob | None:
        """The run with this id, or None."""
        return self.jobs.get(job)

    @staticmethod
    def _run(job: PrintJob, work: Work) -> None:
        try:
            files, warnings = work(job.progress)
        except PostcardsError as error:
            job.problems, job.state = error.problems, "failed"
        except Exception as error:  # noqa: BLE001 - said to the page, never lost in a thread
            job.problems = [Problem(f"the print run stopped: {type(error).__name__}: {error}")]
            job.state = "failed"
        else:
            job.files, job.problems, job.state = files, warnings, "done"
