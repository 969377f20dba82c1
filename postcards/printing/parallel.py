"""Rendering in worker processes: chunks of a print run, drawn apart, joined in order.

A print run is cut into chunks of a fixed number of sheets, whatever ``--jobs`` is, so
each chunk's bytes are the same whether one process draws them all or several share
them: the joined PDF is byte-identical for any ``--jobs``.  Results come back in print
order, with only a few chunks in flight, so memory stays flat however long the run.

Workers are forked from the process that planned the cards, so the design, the fonts and
the forms are theirs without being sent; only the chunk's plans go out and its bytes come
back.  Ctrl-C (or any error) stops every worker and the exception goes up as it was, so
the caller's temporary files are removed as after any failure; SIGTERM does the same, as
:class:`SystemExit` (status 143), while the run draws.  Workers die with their parent: a
parent killed outright (``kill -9``) takes them with it at once, through the kernel's
parent-death signal on Linux (elsewhere a worker looks for its parent twice a second).
No thread runs in the parent when the workers are forked (a thread's locks would be
copied held): the pool forks them before its own threads start, and the caller must not
run any (the command line's progress bar is redrawn from the progress callback).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from multiprocessing.connection import Connection
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


def in_order(
    chunks: Iterable[T],
    work: Callable[[T], R],
    jobs: int,
    meanwhile: Iterator[object] | None = None,
) -> Generator[R, None, None]:
    """``work(chunk)`` for every chunk, in order, drawn by ``jobs`` processes.

    One job works in this process.  Otherwise at most two chunks per
    worker are in flight, so the chunks may be a generator that plans as it goes.  The
    caller closes the generator when it stops early (an error while writing, Ctrl-C), so
    that the workers stop then, not when it is collected.

    ``meanwhile``: work of the caller's in small steps, a step taken whenever the result
    due next is not ready (with workers only: the caller takes what is left after).
    """
    with _terminated_as_exit():
        if jobs <= 1:
            yield from map(work, chunks)
        else:
            yield from _in_workers(chunks, work, jobs, meanwhile)


def _in_workers(
    chunks: Iterable[T], work: Callable[[T], R], jobs: int, meanwhile: Iterator[object] | None
) -> Iterator[R]:
    _WORK[:] = [work]
    # The workers share the parent's objects until they write to them; a collection in a
    # worker would touch them all (and copy every page), so the parent's are frozen.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_quiet_worker, initargs=(os.getpid(),)
    )
    pending: deque[Future] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= 2 * jobs:
                yield _when_done(pending.popleft(), meanwhile)
        while pending:
            yield _when_done(pending.popleft(), meanwhile)
        pool.shutdown(wait=True)
    except BrokenProcessPool:
        _stop(pool)
        raise WorkerError(
            Problem(
                "a process drawing the cards ended before its work was done (killed, or out "
                "of memory); nothing was written; run again, or with --jobs 1"
            )
        ) from None
    except BaseException:
        _stop(pool)
        raise
    finally:
        _WORK.clear()
        gc.unfreeze()


def _when_done(future: Future[R], meanwhile: Iterator[object] | None) -> R:
    """The future's result; until it is ready, steps of the ``meanwhile`` work."""
    if meanwhile is not None:
        while not future.done() and next(meanwhile, _NO_STEP) is not _NO_STEP:
            pass
    return future.result()


_NO_STEP = object()


def _work(chunk: object) -> object:
    return _WORK[0](chunk)


@contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM, while the run draws, raises :class:`SystemExit` (status 143) as Ctrl-C would.

    The exception stops the workers and goes up through the caller's cleanup, so nothing is
    left, where the signal's default would end the process with its temporary files in place.
    Only where the signal is the process's to take: in the main thread, when nobody else
    handles it.  A second SIGTERM during the cleanup is ignored; after it, the default is back.
    """
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    raised: list[int] = []

    def terminate(signum: int, frame: object) -> None:
        if not raised:
            raised.append(signum)
            raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _quiet_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them all and cleans up once.

    A SIGTERM sent to a worker ends it (the parent then stops the run).  A worker dies with
    its parent, so that a parent killed outright leaves none behind: a worker waits on a
    queue whose writing end it holds itself, and would wait forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, copied by fork
    if not _parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the worker could ask to follow it
        os._exit(1)


#: ``prctl``'s option that sends a process a signal when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _parent_death_signal() -> bool:
    """Ask the kernel for SIGKILL when the parent dies (Linux); False where it cannot.

    Strictly, when the parent's thread that forked ends: the pool forks its workers in the
    thread that first submits work, the one reading :func:`in_order`'s results.
    """
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return False
    return bool(prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)


def _watch_parent(parent: int) -> None:
    """Where the kernel will not tell: end the worker within half a second of its parent."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now, not after their chunks, and never wait on them.

    The executor keeps its workers and its queues private; they are reached here because
    waiting on a killed worker would wait forever, and so would exiting: the queue's feeder
    thread blocks on a full pipe that nobody reads any more, and the executor's own thread
    on half a result that will never be finished.  The pending futures are left to the
    pool's own thread, which fails them when it sees the workers dead (Python 3.11's
    cannot fail a future cancelled here: its thread would die with the pipes open).
    """
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    manager = getattr(pool, "_executor_manager_thread", None)
    _join(manager, timeout=1)  # it sees the workers dead and tears the pool down itself
    queue = getattr(pool, "_call_queue", None)
    results = getattr(pool, "_result_queue", None)
    # What the pool's thread did not close (it waits on half a message from a worker killed
    # while sending, say) is closed here, under the lock it closes them under (3.12+).
    with getattr(pool, "_shutdown_lock", nullcontext()):
        if queue is not None:  # its feeder may be writing a chunk that nobody will read
            queue.cancel_join_thread()
            _close(queue._reader)  # the write fails at once, and the feeder thread ends
        if results is not None:  # with every writer of the results gone, the pool's
            _close(results._writer)  # thread reads the end, not a wait
    pool.shutdown(wait=False)
    for process in processes:
        process.join(timeout=5)
    # The pool's threads end now that their pipes are closed: wait for them, so that no
    # thread of a stopped run is still alive when the next run (or anything) forks.
    _join(getattr(queue, "_thread", None))
    _join(manager)


def _close(connection: Connection) -> None:
    if not connection.closed:
        connection.close()


def _join(thread: threading.Thread | None, timeout: float = 5) -> None:
    if thread is not None and thread is not threading.current_thread():
        thread.join(timeout)
