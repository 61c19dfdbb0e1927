"""Worker processes for CPU-bound work that splits into independent items (parsing new files,
signing new articles).

The pool starts only when a call has enough items to pay for starting it, so a re-run with
nothing new starts no process. Workers are spawned, not forked: they start clean, without a copy
of the caller's threads, locks or DuckDB handles. Results come back in input order, so the
outcome is the one of doing the work in process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from multiprocessing.pool import Pool
from typing import Any, TypeVar

MIN_ITEMS = 200  # fewer items than this are done in process: starting workers would cost more
T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def requested_workers(requested: int) -> int:
    """A workers setting: ``requested`` processes, 0 meaning one per core."""
    return requested if requested > 0 else available_cores()


@contextmanager
def spawned_pool(processes: int, initializer: Callable[..., Any] | None = None,
                 initargs: tuple = ()) -> Iterator[Pool]:
    """A pool of spawned processes that is closed and joined when the block ends: its workers
    finish and exit by themselves. ``with Pool(...)`` terminates instead, by SIGTERM, and a process
    started with SIGTERM ignored (under ``nohup``-like supervisors) passes that on to its workers:
    the one waiting for work then never exits, and the join waits for ever. Terminated only when
    the block raises."""
    pool = multiprocessing.get_context("spawn").Pool(processes, initializer, initargs)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()


class WorkerPool:
    """``map`` in ``workers`` processes (0 = one per core), or in process for fewer than ``MIN_ITEMS``."""

    def __init__(self, workers: int = 0):
        self.workers = requested_workers(workers)
        self._pool: Pool | None = None
        self._started = ExitStack()  # the pool, once a call starts it

    def map(self, func: Callable[[T], R], items: list[T]) -> list[R]:
        """``[func(item) for item in items]``; ``func`` must be a module-level function."""
        if self.workers <= 1 or len(items) < MIN_ITEMS:
            return [func(item) for item in items]
        if self._pool is None:
            self._pool = self._started.enter_context(spawned_pool(self.workers))
        return self._pool.map(func, items, chunksize=max(1, len(items) // (4 * self.workers)))

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self._pool = None
        self._started.__exit__(*exc_info)  # (closed and joined, or terminated after an error)
