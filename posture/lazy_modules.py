"""Modules a library imports eagerly but uses rarely, loaded only when something reads from them.

``import great_expectations`` imports ``scipy.stats`` and ``altair`` for one expectation
(KL divergence) and two KS-test metrics that our suites don't use: ≈ 40 % of GE's import time,
paid by every run that validates. Inside ``deferred(...)``, such a module is a stand-in in
``sys.modules``; the first attribute read from it imports the real module, which then replaces
it everywhere it was bound. Nothing changes for code that does use the module.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


class _DeferredModule(types.ModuleType):
    """Stands in for a module until an attribute is read from it."""

    __spec__ = None  # the import system reads it; None means "not being imported right now"

    def __getattr__(self, attribute: str):  # called only for attributes the stand-in lacks
        if sys.modules.get(self.__name__) is self:  # read inside the block: make way for the real one
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)  # (which also sets it on its parent package)
        self.__dict__.update(real.__dict__)  # later reads through this stand-in go straight to the module
        return getattr(real, attribute)


@contextmanager
def deferred(*names: str) -> Iterator[None]:
    """Imports inside the block that meet ``names`` (not yet imported) get stand-ins instead.

    Stand-ins nothing touched are taken out of ``sys.modules`` afterwards, so a later plain
    ``import`` of the module imports the real one; the code that bound a stand-in keeps it and
    loads the module on first use.
    """
    placed = {}
    for name in names:
        if name not in sys.modules:
            placed[name] = sys.modules[name] = _DeferredModule(name)
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
