"""Run the code location's assets and checks in process, as `posture run` and the UI do."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.definitions import defs
from pipelines.resources import LinkingSettings, PostureSettings, StagingIOManager


def materialize_all(inbox: Path, warehouse: Path, gazetteers: list[Path] = (),
                    instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    database = str(warehouse)
    resources = {
        "settings": PostureSettings(inbox=str(inbox), warehouse=database,
                                    extra_gazetteers=":".join(str(g) for g in gazetteers)),
        "linking": LinkingSettings(),
        "io_manager": StagingIOManager(database=database),
        "duckdb": DuckDBResource(database=database),
    }
    assets = list(defs.assets or []) + list(defs.asset_checks or [])
    return dg.materialize(assets, resources=resources, raise_on_error=False, instance=instance)
