"""Shared fixtures: real DuckDB files in temporary folders, real Dagster runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "corpus" / "sample"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture
def sample_inbox(tmp_path: Path) -> Path:
    """A copy of the bundled sample corpus (the seed article and its gold file)."""
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    return inbox


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "warehouse.duckdb"
