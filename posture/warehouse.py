"""Where things live on disk next to the DuckDB warehouse, and how tables are written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from posture.schema import Table

STAGING = "staging"  # extracted, not yet validated
PUBLISHED = "main"  # the latest release: what analysts query


@dataclass(frozen=True)
class WarehouseLayout:
    """The warehouse file and the folders beside it."""

    database: Path

    @property
    def root(self) -> Path:
        return self.database.parent

    @property
    def releases_dir(self) -> Path:
        return self.root / "releases"

    @property
    def lake_catalog(self) -> Path:
        return self.root / "lake.ducklake"

    @property
    def lake_data(self) -> Path:
        return self.root / "lake_files"

    @classmethod
    def for_database(cls, database: str | Path) -> "WarehouseLayout":
        return cls(Path(database).resolve())


def write_table(con: duckdb.DuckDBPyConnection, schema: str, table: Table, frame: pl.DataFrame) -> None:
    """Replace ``schema.table`` with ``frame``, typed by the table definition (even when empty)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(table.ddl(f"{schema}.{table.name}"))
    if frame.height:
        arrow_frame = frame.select(table.column_names).to_arrow()  # noqa: F841 (read by DuckDB)
        con.execute(f"INSERT INTO {schema}.{table.name} SELECT * FROM arrow_frame")


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: Table) -> pl.DataFrame:
    """``schema.table`` as a typed frame sorted by key."""
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    frame = con.execute(f"SELECT {columns} FROM {schema}.{table.name}").pl()
    return frame.cast(table.polars_schema).sort(list(table.key), nulls_last=True)
