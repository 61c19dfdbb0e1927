"""Where things live on disk next to the DuckDB warehouse, and how tables are written."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


class WarehouseBusy(Exception):
    """Another process is writing to the warehouse."""


@contextmanager
def writer_lock(layout: WarehouseLayout, wait_seconds: float = 0.0) -> Iterator[None]:
    """One writer at a time: an exclusive lock on ``<warehouse>.lock``, waited for up to ``wait_seconds``.

    The lock is released by the operating system if the process dies, so a killed run never
    leaves the warehouse locked.
    """
    layout.root.mkdir(parents=True, exist_ok=True)
    path = layout.database.with_suffix(layout.database.suffix + ".lock")
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise WarehouseBusy(
                        f"{layout.database} is being written by {holder}; wait for it to finish or pass "
                        "--wait SECONDS to queue behind it") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"posture run (pid {os.getpid()})")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
