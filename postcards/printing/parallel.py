"""Rendering in worker processes: chunks of a print run, drawn apart, joined in order.

A print run is cut into chunks of a fixed number of sheets, whatever ``--jobs`` is, so
each chunk's bytes are the same whether one process draws them all or several share
them: the joined PDF is byte-identical for any ``--jobs``.  Results come back in print
order, with only a few chunks in flight, so memory stays flat however long the run.

Workers are forked from the process that planned the cards, so the design, the fonts and
the forms are theirs without being sent; only the chunk's plans go out and its bytes come
back.  Ctrl-C (or any error) stops every worker and the exception goes up as it was, so
the caller's temporary files are removed as after any failure.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from postcards.errors import PostcardsError, Problem

T = TypeVar("T")
R = TypeVar("R")

#: The drawing function of the current run, set before the workers are forked.
_WORK: list[Callable] = []


class WorkerError(PostcardsError):
    """A worker process died (killed, out of memory): the run stops, nothing is written."""


def default_jobs() -> int:
    """The cores this process may use: ``--jobs``'s default."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def in_order(chunks: Iterable[T], work: Callable[[T], R], jobs: int) -> Iterator[R]:
    """``work(chunk)`` for every chunk, in order, drawn by ``jobs`` processes.

    One job works in this process.  Otherwise at most two chunks per
    worker are in flight, so the chunks may be a generator that plans as it goes.
    """
    if jobs <= 1:
        yield from map(work, chunks)
        return
    _WORK[:] = [work]
    # The workers share the parent's objects until they write to them; a collection in a
    # worker would touch them all (and copy every page), so the parent's are frozen.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_quiet_worker)
    pending: deque[Future] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        pool.shutdown(wait=True)
    except BrokenProcessPool:
        _stop(pool, pending)
        raise WorkerError(
            Problem(
                "a process drawing the cards ended before its work was done (killed, or out "
                "of memory); nothing was written; run again, or with --jobs 1"
            )
        ) from None
    except BaseException:
        _stop(pool, pending)
        raise
    finally:
        _WORK.clear()
        gc.unfreeze()


def _work(chunk: object) -> object:
    return _WORK[0](chunk)


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them all and cleans up once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor, pending: deque[Future]) -> None:
    """End the workers now, not after their chunks, and never wait on them.

    The executor keeps its workers and its queues private; they are reached here because
    waiting on a killed worker would wait forever, and so would exiting: the queue's feeder
    thread blocks on a full pipe that nobody reads any more, and the executor's own thread
    on half a result that will never be finished.
    """
    for future in pending:
        future.cancel()
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    queue = getattr(pool, "_call_queue", None)
    if queue is not None:  # its feeder may be writing a chunk that nobody will read
        queue.cancel_join_thread()
        queue._reader.close()  # the write fails at once, and the feeder thread ends
    results = getattr(pool, "_result_queue", None)
    if results is not None:  # a worker killed while sending its pages left half a message:
        results._writer.close()  # with every writer gone, the reader sees the end, not a wait
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)
