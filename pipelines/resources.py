"""Resources: the paths the pipeline reads and writes, and the DuckDB warehouse.

Paths come from ``POSTURE_INBOX`` / ``POSTURE_WAREHOUSE`` (see ``.env`` for the defaults the
UI uses), the release lake from ``POSTURE_LAKE_CATALOG`` / ``POSTURE_LAKE_DATA`` (empty: beside
the warehouse), and the shrink guard from ``POSTURE_MAX_SHRINK_PERCENT``; nothing is read at
import time.
"""


import os
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from pydantic import PrivateAttr
from dagster._core.storage.db_io_manager import DbIOManager, DbTypeHandler, TableSlice
from dagster_duckdb import DuckDBIOManager, DuckDBResource
from dagster_duckdb.io_manager import DuckDbClient

from posture.linking.rules import LinkingRules
from posture.schema import TABLES
from posture.warehouse import WarehouseLayout, read_table, replace_table_if_changed


class PostureSettings(dg.ConfigurableResource):
    """Where articles come from, where the warehouse and its release lake live, and input and release limits."""

    inbox: str
    warehouse: str
    extra_gazetteers: str = ""  # os.pathsep-separated user CSVs or GeoNames dumps
    max_input_bytes: int = 5_000_000
    # DuckLake catalog: a file path, or a catalog string passed to DuckLake untouched
    # ("postgres:dbname=posture host=db"); empty = lake.ducklake beside the warehouse.
    lake_catalog: str = ""
    lake_data: str = ""  # folder or object-store URL for the lake's data files; empty = lake_files/ beside the warehouse
    # A published table may lose at most this share of its rows since the last release; 100 allows any.
    max_shrink_percent: int = 50
    extract_workers: int = 0  # processes extracting new articles; 0 = one per core
    ingest_workers: int = 0  # processes parsing new files and signing new articles; 0 = one per core

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def layout(self) -> WarehouseLayout:
        return WarehouseLayout.for_database(self.warehouse, self.lake_catalog, self.lake_data)

    @property
    def suite_parameters(self) -> dict[str, float]:
        """Settings the expectation suites read as ``$PARAMETER``s."""
        return {"max_shrink_fraction": self.max_shrink_percent / 100}

    @property
    def gazetteer_paths(self) -> list[Path]:
        return [Path(p) for p in self.extra_gazetteers.split(os.pathsep) if p.strip()]


_LINKING_DEFAULTS = LinkingRules()


class LinkingSettings(dg.ConfigurableResource):
    """Thresholds of cross-article event linking and of the force-level summary (``posture.linking.rules``)."""

    window_days: int = _LINKING_DEFAULTS.window_days
    point_km: float = _LINKING_DEFAULTS.point_km
    count_tolerance: float = _LINKING_DEFAULTS.count_tolerance
    count_slack: int = _LINKING_DEFAULTS.count_slack
    coarsest_precision: str = _LINKING_DEFAULTS.coarsest_precision
    latest_window_days: int = _LINKING_DEFAULTS.latest_window_days

    @property
    def rules(self) -> LinkingRules:
        return LinkingRules(window_days=self.window_days, point_km=self.point_km,
                            count_tolerance=self.count_tolerance, count_slack=self.count_slack,
                            coarsest_precision=self.coarsest_precision,
                            latest_window_days=self.latest_window_days)


class ContractTableHandler(DbTypeHandler[pl.DataFrame]):
    """Stores Polars frames as tables typed by ``posture.schema`` (created even when empty)."""

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: pl.DataFrame, connection):
        # an unchanged table (a re-run with nothing new) is left as it is: same rows, no write
        replace_table_if_changed(connection, table_slice.schema, TABLES[table_slice.table], obj)

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> pl.DataFrame:
        # an input may ask for some columns only (AssetIn metadata "columns"): articles without bodies
        return read_table(connection, table_slice.schema, TABLES[table_slice.table], columns=table_slice.columns)

    @property
    def supported_types(self):
        return [pl.DataFrame]


class _WholeTableClient(DuckDbClient):
    """dagster-duckdb's client, minus the DELETE of the table before each output: the type handler
    replaces the whole table itself, or keeps it when its rows are the same (no partitions here)."""

    @staticmethod
    def delete_table_slice(context: dg.OutputContext, table_slice: TableSlice, connection) -> None:
        pass


class StagingIOManager(DuckDBIOManager):
    """Passes Polars frames between assets through typed tables of the DuckDB warehouse."""

    def create_io_manager(self, context) -> DbIOManager:
        return DbIOManager(db_client=_WholeTableClient(), database=self.database, schema=self.schema_,
                           type_handlers=self.type_handlers(), default_load_type=self.default_load_type(),
                           io_manager_name="DuckDBIOManager")

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [ContractTableHandler()]

    @staticmethod
    def default_load_type() -> type | None:
        return pl.DataFrame


# DuckDB's buffer pool may otherwise take most of the machine's memory; past this it spills to
# disk. Every connection a run opens to the warehouse must use the same settings.
DUCKDB_CONFIG = {"memory_limit": "512MB"}
# The release step starts where the run's other steps left the process, and its pool fills with
# every staged table (fingerprints, sorted writes, the published load and its checkpoint): at 100k
# articles it was the run's peak. A smaller pool there costs ~1 s of spilling at 100k (measured).
PUBLISH_MEMORY_LIMIT = "256MB"
# A buffer pool this small is kept when memory is handed back: evicting it cost more in re-reads
# than it returned (at 10k articles the pool held 1-60 MB between steps, 245 MB after the release;
# evicting them cost 0.2-0.5 s of a +1 run in a watching process, interleaved runs).
KEEP_POOL_BELOW = 64 * 2**20


def warehouse_connection(database: str, connection_config: dict = DUCKDB_CONFIG) -> duckdb.DuckDBPyConnection:
    """A connection configured as dagster-duckdb connects: DuckDB shares an open database only
    with connections of the same configuration."""
    return duckdb.connect(database, config={"custom_user_agent": "dagster", **connection_config})


class WarehouseResource(DuckDBResource):
    """The warehouse, kept open for the whole run.

    Every step and every IO-manager read or write connects on its own; without a connection held
    open, each of those opens the database file (loads its catalog) and each close checkpoints
    it, ~30 ms apiece and more as the warehouse grows. While this resource holds one connection,
    DuckDB hands the others the same open database.
    """

    _held: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._held = warehouse_connection(self.database, self.connection_config)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None


def build_resources() -> dict[str, object]:
    warehouse = dg.EnvVar("POSTURE_WAREHOUSE")
    return {
        "settings": PostureSettings(
            inbox=dg.EnvVar("POSTURE_INBOX"),
            warehouse=warehouse,
            extra_gazetteers=dg.EnvVar("POSTURE_GAZETTEERS"),
            lake_catalog=dg.EnvVar("POSTURE_LAKE_CATALOG"),
            lake_data=dg.EnvVar("POSTURE_LAKE_DATA"),
            max_shrink_percent=dg.EnvVar.int("POSTURE_MAX_SHRINK_PERCENT"),
        ),
        "linking": LinkingSettings(),
        "io_manager": StagingIOManager(database=warehouse, connection_config=DUCKDB_CONFIG),
        "duckdb": WarehouseResource(database=warehouse, connection_config=DUCKDB_CONFIG),
    }
