"""Worker processes: results in print order, few chunks in flight, errors stop them all."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from postcards.printing.parallel import default_jobs, in_order


def _square_with_pid(n: int) -> tuple[int, int]:
    time.sleep(0.002 * (n % 3))  # finish out of order
    return n * n, os.getpid()


def test_results_come_back_in_order_from_other_processes() -> None:
    results = list(in_order(range(40), _square_with_pid, jobs=2))
    assert [square for square, _ in results] == [n * n for n in range(40)]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) == 2


def test_one_job_works_in_this_process() -> None:
    results = list(in_order(range(5), _square_with_pid, jobs=1))
    assert {pid for _, pid in results} == {os.getpid()}


def test_only_a_few_chunks_are_in_flight() -> None:
    """A generator of chunks is pulled only a little ahead of what has been used."""
    pulled: list[int] = []

    def chunks():
        for n in range(30):
            pulled.append(n)
            yield n

    ahead = []
    for square, _ in in_order(chunks(), _square_with_pid, jobs=2):
        done = int(square**0.5)
        ahead.append(len(pulled) - 1 - done)
    assert max(ahead) <= 4


def _fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("chunk 7 cannot be drawn")
    time.sleep(0.01)
    return n


def test_a_worker_error_stops_every_worker_and_goes_up() -> None:
    with pytest.raises(ValueError, match="chunk 7 cannot be drawn"):
        list(in_order(range(100), _fail_on_seven, jobs=2))
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


def test_jobs_default_to_the_cores_there_are() -> None:
    assert default_jobs() == len(os.sched_getaffinity(0))


def _slow_square(n: int) -> int:
    time.sleep(0.02)
    return n * n


def test_the_caller_works_in_steps_while_the_workers_keep_it_waiting() -> None:
    """``meanwhile`` steps run only while a result is not ready; the results are unchanged."""
    steps: list[int] = []

    def meanwhile():
        for step in range(10_000):
            steps.append(step)
            time.sleep(0.001)
            yield

    results = list(in_order(range(12), _slow_square, jobs=2, meanwhile=meanwhile()))
    assert results == [n * n for n in range(12)]
    assert 0 < len(steps) < 10_000  # it waited, and took steps only while it waited
    untouched: list[int] = []
    assert list(in_order(range(3), _slow_square, jobs=1, meanwhile=iter(untouched))) == [0, 1, 4]
