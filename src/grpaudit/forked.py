"""Work in forked processes: each inherits what it reads, nothing is pickled on the way in (only its
result comes back).

Used for the rules of a partitioned audit, part by part (``run_all``, ``partition``),
and for the Excel workbook, written cell by cell in Python, beside the other
report formats (``beside``).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

# What the forked processes run: set before the pool forks, so it is inherited, never pickled.
_TASKS: Sequence[Callable[[], Any]] = ()


def _run(i: int, parent: int) -> Any:
    _die_with(parent)
    return _TASKS[i]()


def _die_with(parent: int) -> None:
    """End this process when ``parent`` ends (Linux): a killed audit must not leave a worker that goes
    on writing and then moves a report into place."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)       # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return                      # not Linux: the worker ends when it next talks to the pool
    if os.getppid() != parent:      # the parent died before the line above
        os._exit(1)


def available() -> bool:
    """Whether processes can be forked here (Linux, macOS; not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def _pool(tasks: Sequence[Callable[[], Any]], workers: int) -> Iterator[ProcessPoolExecutor]:
    global _TASKS
    _TASKS = tasks
    pool = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("fork"))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)      # after an error, the tasks not started yet are not run
        _TASKS = ()


def run_all(tasks: Sequence[Callable[[], Any]], workers: int) -> list:
    """Each task's result, in task order, the tasks run in at most ``workers`` forked processes."""
    with _pool(tasks, min(workers, len(tasks))) as pool:
        return list(pool.map(_run, range(len(tasks)), [os.getpid()] * len(tasks)))


@contextmanager
def beside(task: Callable[[], Any]) -> Iterator[Future]:
    """Run ``task()`` in a forked process while the ``with`` block runs in this one.

    Leaving the block waits for the task; its result is the future's, and an
    exception it raised is raised here (after the block's own, if both fail).
    """
    with _pool([task], 1) as pool:
        future = pool.submit(_run, 0, os.getpid())      # forks now, with the task set
        yield future
        future.result()
