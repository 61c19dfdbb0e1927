"""Run the code location's assets and checks in process, as `posture run` and the UI do."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from pipelines.resources import LinkingSettings, PostureSettings, StagingIOManager, WarehouseResource

REPO = Path(__file__).resolve().parent.parent


def materialize_all(inbox: Path, warehouse: Path, gazetteers: list[Path] = (),
                    instance: dg.DagsterInstance | None = None, linking: LinkingSettings | None = None,
                    **settings: object) -> dg.ExecuteInProcessResult:
    """``settings`` are further PostureSettings fields (lake_catalog, max_shrink_percent, ...)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    database = str(warehouse)
    resources = {
        "settings": PostureSettings(inbox=str(inbox), warehouse=database,
                                    extra_gazetteers=":".join(str(g) for g in gazetteers), **settings),
        "linking": linking or LinkingSettings(),
        "io_manager": StagingIOManager(database=database),
        "duckdb": WarehouseResource(database=database),
    }
    assets = list(defs.assets or []) + list(defs.asset_checks or [])
    return dg.materialize(assets, resources=resources, raise_on_error=False, instance=instance)


def release_metadata(result: dg.ExecuteInProcessResult) -> dict:
    """The metadata of the run's ``dataset_versions`` materialisation (the release)."""
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key.to_user_string() == "dataset_versions":
            return materialization.metadata
    raise AssertionError("the run materialised no release")


def posture_argv(*args: str) -> list[str]:
    """The command line of `posture ARGS` in a fresh Python process running this checkout's code."""
    return [sys.executable, "-m", "pipelines.cli", *args]


def posture_env(**variables: str) -> dict[str, str]:
    """The environment of such a process: this one's, minus any posture settings, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTURE_")}
    return {**env, "PYTHONPATH": str(REPO), **variables}


def release_file_hashes(warehouse: Path) -> dict[str, str]:
    """sha256 of every file under the warehouse's releases/ folder, by relative path."""
    root = warehouse.parent / "releases"
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}
