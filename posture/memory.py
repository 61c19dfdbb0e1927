"""Handing memory that a finished step no longer uses back to the operating system.

Every step of a run executes in one process (one writer for the DuckDB file), so what one step
leaves resident is where the next one starts. Freed memory stays resident in three places unless
asked for: the C library's heap (Python objects, numpy and pandas buffers), Arrow's memory pool
and DuckDB's buffer pool (see ``posture.warehouse.evict_cached_blocks``). Measured at 100k
articles, the three hold 300 to 700 MB after a step. Memory held only by garbage in reference
cycles is a fourth place: a step's frames can sit in cycles that reference counting never frees.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """Free the garbage in reference cycles, then ``return_free_heap``: at a step's end.

    What survives the collection at a step's end lives as long as the run (code, the run's
    context, caches): it is frozen, so the next collections skip it. Without that, each full
    collection walked every object of Dagster, GE and the code, ~0.25 s, 14 steps a run
    (measured). A frozen object that later turns into cyclic garbage stays until the run ends
    (``unfrozen_afterwards``) or the process does: never freeze within a step."""
    gc.collect()
    gc.freeze()
    return return_free_heap()


def return_free_heap() -> bool:
    """Empty Arrow's pool of unused memory and return the free pages of the C heap to the OS;
    whether the C heap could be trimmed (glibc only). Cheap, and safe within a step."""
    if "pyarrow" in sys.modules:  # (never imported just for this)
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@contextmanager
def unfrozen_afterwards() -> Iterator[None]:
    """Around a run in a process that goes on after it (the tests run many in one): the objects
    ``release_freed_memory`` froze take part in collections again, so what the run left in
    reference cycles (a connection, a frame) is freed."""
    try:
        yield
    finally:
        gc.unfreeze()
