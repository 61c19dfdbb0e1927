"""Resources: the paths the pipeline reads and writes, and the DuckDB warehouse.

Paths come from ``POSTURE_INBOX`` / ``POSTURE_WAREHOUSE`` (see ``.env`` for the defaults the
UI uses); nothing is read at import time.
"""


import os
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import polars as pl
from dagster._core.storage.db_io_manager import DbTypeHandler, TableSlice
from dagster_duckdb import DuckDBIOManager, DuckDBResource

from posture.schema import TABLES
from posture.warehouse import WarehouseLayout, read_table, write_table


class PostureSettings(dg.ConfigurableResource):
    """Where articles come from, where the warehouse lives, and input limits."""

    inbox: str
    warehouse: str
    extra_gazetteers: str = ""  # os.pathsep-separated user CSVs or GeoNames dumps
    max_input_bytes: int = 5_000_000
    extract_workers: int = 0  # processes extracting new articles; 0 = one per core

    @property
    def inbox_path(self) -> Path:
        return Path(self.inbox)

    @property
    def layout(self) -> WarehouseLayout:
        return WarehouseLayout.for_database(self.warehouse)

    @property
    def gazetteer_paths(self) -> list[Path]:
        return [Path(p) for p in self.extra_gazetteers.split(os.pathsep) if p.strip()]


class ContractTableHandler(DbTypeHandler[pl.DataFrame]):
    """Stores Polars frames as tables typed by ``posture.schema`` (created even when empty)."""

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: pl.DataFrame, connection):
        write_table(connection, table_slice.schema, TABLES[table_slice.table], obj)

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> pl.DataFrame:
        return read_table(connection, table_slice.schema, TABLES[table_slice.table])

    @property
    def supported_types(self):
        return [pl.DataFrame]


class StagingIOManager(DuckDBIOManager):
    """Passes Polars frames between assets through typed tables of the DuckDB warehouse."""

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [ContractTableHandler()]

    @staticmethod
    def default_load_type() -> type | None:
        return pl.DataFrame


# DuckDB's buffer pool may otherwise take most of the machine's memory; past this it spills to
# disk. Every connection a run opens to the warehouse must use the same settings.
DUCKDB_CONFIG = {"memory_limit": "512MB"}


def build_resources() -> dict[str, object]:
    warehouse = dg.EnvVar("POSTURE_WAREHOUSE")
    return {
        "settings": PostureSettings(
            inbox=dg.EnvVar("POSTURE_INBOX"),
            warehouse=warehouse,
            extra_gazetteers=dg.EnvVar("POSTURE_GAZETTEERS"),
        ),
        "io_manager": StagingIOManager(database=warehouse, connection_config=DUCKDB_CONFIG),
        "duckdb": DuckDBResource(database=warehouse, connection_config=DUCKDB_CONFIG),
    }
