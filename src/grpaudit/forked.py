"""Work in a forked process beside this one: it inherits what it reads, nothing is pickled on the
way in (only its result comes back).

Used where the output of one stage can be written in parallel with another
piece of the same stage: the Excel workbook, written cell by cell in Python,
beside the other report formats.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

# What the forked process runs: set before the fork, so it is inherited, never pickled.
_TASK: Callable[[], Any] | None = None


def _run(parent: int) -> Any:
    _die_with(parent)
    return _TASK()


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
def beside(task: Callable[[], Any]) -> Iterator[Future]:
    """Run ``task()`` in a forked process while the ``with`` block runs in this one.

    Leaving the block waits for the task; its result is the future's, and an
    exception it raised is raised here (after the block's own, if both fail).
    """
    global _TASK
    _TASK = task
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    try:
        future = pool.submit(_run, os.getpid())      # forks now, with _TASK set
        yield future
        future.result()
    finally:
        pool.shutdown(cancel_futures=True)
        _TASK = None
