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


@pytest.fixture(scope="session")
def sample_release(tmp_path_factory):
    """One `posture run` of the sample corpus, shared by the analyst-tool tests (read-only use).

    Returns the warehouse path and what the run printed (stdout, stderr) and returned.
    """
    import contextlib
    import io
    import types

    from pipelines.cli import main

    root = tmp_path_factory.mktemp("sample_release")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE, inbox)
    warehouse = root / "warehouse" / "warehouse.duckdb"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", "--input", str(inbox), "--warehouse", str(warehouse)])
    return types.SimpleNamespace(warehouse=warehouse, inbox=inbox, code=code, stdout=out.getvalue(),
                                 stderr=err.getvalue())
