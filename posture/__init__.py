"""Posture: news reports about armed forces in, a validated and versioned dataset out.

This package is the domain logic (reading, extraction, gazetteer, validation, releases,
scoring); it does not import Dagster. The Dagster wiring lives in ``assets/`` and ``pipelines/``.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.1.0"


@cache
def code_version() -> str:
    """Package version plus a hash of this package's code and data files.

    Any change to the extractor, its lexicons or the gazetteer changes it; it is recorded in
    every release and keys the per-article extraction cache.
    """
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".tsv", ".json", ".yaml", ".txt"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
