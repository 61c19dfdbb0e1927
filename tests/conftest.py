"""Shared fixtures: real DuckDB files in temporary folders, real Dagster runs."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from posture.warehouse import WarehouseLayout

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


@dataclass(frozen=True)
class TwoReleases:
    """A warehouse with two releases; the DuckLake catalog and data files live away from it."""

    warehouse: Path
    layout: "WarehouseLayout"
    second_run: object  # the dg.ExecuteInProcessResult that published release 2


MOVED_PLACE = "conoco_gas_field"  # release 2 corrects this place's coordinates


@pytest.fixture(scope="session")
def two_releases(tmp_path_factory) -> TwoReleases:
    """Release 1: the sample corpus. Release 2: one more article and a gazetteer correction."""
    from posture.warehouse import WarehouseLayout
    from tests.pipeline_runs import materialize_all

    root = tmp_path_factory.mktemp("two_releases")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE, inbox)
    warehouse = root / "warehouse" / "warehouse.duckdb"
    lake = {"lake_catalog": str(root / "catalogs" / "posture.ducklake"), "lake_data": str(root / "lake_data")}
    assert materialize_all(inbox, warehouse, **lake).success

    shutil.copy(REPO / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt", inbox)
    correction = root / "correction.csv"
    correction.write_text("place_id,name_en,name_ar,place_kind,feature_type,admin1,country_code,lat,lon\n"
                          f"{MOVED_PLACE},Conoco gas field,حقل كونيكو,point,gas_field,Deir ez-Zor,SY,35.4400,40.3094\n",
                          encoding="utf-8")
    second = materialize_all(inbox, warehouse, gazetteers=[correction], **lake)
    assert second.success
    return TwoReleases(warehouse, WarehouseLayout.for_database(warehouse, **lake), second)


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
