"""Where things live on disk next to the DuckDB warehouse, and how tables are written."""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from posture.schema import Table

STAGING = "staging"  # extracted, not yet validated
PUBLISHED = "main"  # the latest release: what analysts query


# DuckLake catalog strings that name a catalog database other than a local DuckDB file; they are
# handed to DuckLake untouched (``ducklake:postgres:dbname=posture host=...``).
LAKE_CATALOG_SCHEMES = ("postgres:", "sqlite:", "mysql:", "duckdb:")


@dataclass(frozen=True)
class WarehouseLayout:
    """The warehouse file and what lives beside it: releases, validation reports, the DuckLake lake.

    ``lake_catalog`` and ``lake_data`` move the DuckLake catalog and its data files elsewhere
    (empty: beside the warehouse). The catalog is a file path or a DuckLake catalog string
    (``postgres:dbname=posture host=db``, ``sqlite:/srv/lake.sqlite``, ``ducklake:...``); the
    data path may be a folder or an object-store URL (``s3://bucket/posture/``).
    """

    database: Path
    lake_catalog: str = ""
    lake_data: str = ""

    @property
    def root(self) -> Path:
        return self.database.parent

    @property
    def releases_dir(self) -> Path:
        return self.root / "releases"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def lake_catalog_uri(self) -> str:
        """The DuckLake ATTACH target: ``ducklake:`` + the catalog database."""
        catalog = self.lake_catalog.strip()
        if not catalog:
            return f"ducklake:{(self.root / 'lake.ducklake').as_posix()}"
        if catalog.startswith("ducklake:"):
            return catalog
        if catalog.startswith(LAKE_CATALOG_SCHEMES):
            return f"ducklake:{catalog}"
        return f"ducklake:{Path(catalog).resolve().as_posix()}"

    @property
    def lake_catalog_file(self) -> Path | None:
        """The catalog's DuckDB file, when the catalog is one (not PostgreSQL, SQLite, ...)."""
        target = self.lake_catalog_uri.removeprefix("ducklake:")
        return None if target.startswith(LAKE_CATALOG_SCHEMES) else Path(target)

    @property
    def lake_data_path(self) -> str:
        """Where DuckLake writes its Parquet files, ending in ``/``."""
        data = self.lake_data.strip() or (self.root / "lake_files").as_posix()
        if "://" not in data:
            data = Path(data).resolve().as_posix()
        return data if data.endswith("/") else data + "/"

    @property
    def lake_beside_warehouse(self) -> bool:
        """Whether the lake is the default one, catalog and data files beside the warehouse: it then
        moves with the warehouse's folder."""
        return not self.lake_catalog.strip() and not self.lake_data.strip()

    @classmethod
    def for_database(cls, database: str | Path, lake_catalog: str = "", lake_data: str = "") -> "WarehouseLayout":
        return cls(Path(database).resolve(), lake_catalog, lake_data)


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def attach_lake_sql(layout: WarehouseLayout, alias: str = "lake", read_only: bool = False) -> str:
    """The ATTACH statement for the release lake (requires the ducklake extension to be loaded).

    The catalog stores its data path as an absolute path. For the lake beside the warehouse, the
    path beside the warehouse overrides it: a moved or copied warehouse folder reads and writes its
    own lake files, not those of the folder it came from.
    """
    options = ["READ_ONLY"] if read_only else []
    if not read_only or layout.lake_beside_warehouse:
        options.append(f"DATA_PATH {sql_string(layout.lake_data_path)}")
    if layout.lake_beside_warehouse:
        options.append("OVERRIDE_DATA_PATH true")
    return f"ATTACH IF NOT EXISTS {sql_string(layout.lake_catalog_uri)} AS {alias} ({', '.join(options)})"


def attach_lake(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout, alias: str = "lake",
                read_only: bool = False) -> None:
    """Attach the DuckLake lake that holds every release as a snapshot, as ``alias``.

    The extension comes from the bundled duckdb-extension-ducklake wheel: nothing is downloaded.
    """
    from duckdb_extensions import import_extension

    import_extension("ducklake", con=con)
    con.execute("LOAD ducklake")
    if not read_only:
        if layout.lake_catalog_file is not None:
            layout.lake_catalog_file.parent.mkdir(parents=True, exist_ok=True)
        if "://" not in layout.lake_data_path:
            Path(layout.lake_data_path).mkdir(parents=True, exist_ok=True)
    con.execute(attach_lake_sql(layout, alias, read_only))


def _create_empty(con: duckdb.DuckDBPyConnection, schema: str, table: Table) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(table.ddl(f"{schema}.{table.name}"))


def write_table(con: duckdb.DuckDBPyConnection, schema: str, table: Table, frame: pl.DataFrame) -> None:
    """Replace ``schema.table`` with ``frame``, typed by the table definition (even when empty)."""
    _create_empty(con, schema, table)
    insert_rows(con, schema, table, frame)


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, data) -> Iterator[None]:
    """``data`` (an Arrow table or anything DuckDB can register) readable in SQL as ``name`` for a while."""
    con.register(name, data)
    try:
        yield
    finally:
        con.unregister(name)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def insert_rows(con: duckdb.DuckDBPyConnection, schema: str, table: Table, frame: pl.DataFrame) -> None:
    """Add the rows of ``frame`` to ``schema.table`` (through Arrow, in the table's column order)."""
    if frame.height:
        arrow_frame = frame.select(table.column_names).to_arrow()  # noqa: F841 (read by DuckDB)
        con.execute(f"INSERT INTO {schema}.{table.name} SELECT * FROM arrow_frame")


def load_parquet_table(con: duckdb.DuckDBPyConnection, schema: str, table: Table, path: Path) -> None:
    """Replace ``schema.table`` with the rows of a Parquet file, in file order, read by DuckDB
    itself (no copy in Python), typed by the table definition."""
    _create_empty(con, schema, table)
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    con.execute(f"INSERT INTO {schema}.{table.name} SELECT {columns} FROM read_parquet({sql_string(str(path))})")


def replace_table_if_changed(con: duckdb.DuckDBPyConnection, schema: str, table: Table, frame: pl.DataFrame) -> bool:
    """Give ``schema.table`` the rows of ``frame``, writing only what changed. Whether it wrote.

    When the table already has the contract's columns (names, types, nullability), the frame's
    values are cast to the column types as an insert would cast them and compared with the
    stored rows: the same rows leave the table untouched; otherwise only the difference is
    written (``_write_difference``: one new article is one row, not the table of bodies again).
    """
    expected = [(c.name, c.sql_type, c.nullable) for c in table.columns]
    stored = con.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index", [schema, table.name]).fetchall()
    if stored == expected:
        target = f"{schema}.{table.name}"
        columns = ", ".join(f'"{c}"' for c in table.column_names)
        casts = ", ".join(f'CAST("{c.name}" AS {c.sql_type}) AS "{c.name}"' for c in table.columns)
        with registered(con, "posture_candidate_rows", frame.select(table.column_names).to_arrow()):
            candidate = f"SELECT {casts} FROM posture_candidate_rows"
            wanted = content_fingerprint(con, candidate)
            if wanted == content_fingerprint(con, f"SELECT {columns} FROM {target}"):
                return False
            if _write_difference(con, target, columns, candidate, frame.height) and \
                    content_fingerprint(con, f"SELECT {columns} FROM {target}") == wanted:
                return True
    write_table(con, schema, table, frame)  # (and when the difference did not give the frame's rows)
    return True


def _write_difference(con: duckdb.DuckDBPyConnection, target: str, columns: str, candidate: str, rows: int) -> bool:
    """Make ``target`` hold the ``rows`` rows of the query ``candidate`` by deleting the stored rows
    it lacks and inserting its rows not stored (rows compared whole, by DuckDB's hash of their
    columns), in one transaction. False, with nothing written, when most of its rows are new
    (new code, say): writing the table whole is then the cheaper write. A row given twice is
    stored once: the caller compares content fingerprints."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE TEMP TABLE posture_stored_hashes AS SELECT rowid AS r, hash({columns}) AS h FROM {target}")
        con.execute(f"CREATE TEMP TABLE posture_candidate_hashes AS SELECT DISTINCT hash({columns}) AS h "
                    f"FROM ({candidate})")
        new_rows = con.execute("SELECT count(*) FROM posture_candidate_hashes "
                               "WHERE h NOT IN (SELECT h FROM posture_stored_hashes)").fetchone()[0]
        if new_rows * 2 > rows:
            con.execute("ROLLBACK")
            return False
        con.execute(f"DELETE FROM {target} WHERE rowid IN (SELECT r FROM posture_stored_hashes "
                    "WHERE h NOT IN (SELECT h FROM posture_candidate_hashes))")
        con.execute(f"INSERT INTO {target} SELECT {columns} FROM ({candidate}) "
                    f"WHERE hash({columns}) NOT IN (SELECT h FROM posture_stored_hashes)")
        con.execute("DROP TABLE posture_stored_hashes")
        con.execute("DROP TABLE posture_candidate_hashes")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: Table, limit: int | None = None,
               columns: Sequence[str] | None = None) -> pl.DataFrame:
    """``schema.table`` as a typed frame sorted by key, then by every other column.

    The key should be unique (the suites check it); sorting by all columns as well gives one
    order even when it is not, so the release files never depend on the order rows arrived in.
    ``limit``: only the first rows of that order (a preview), chosen by DuckDB.
    ``columns``: only these columns (in the table's order), e.g. articles without their bodies.
    """
    names = [c for c in table.column_names if columns is None or c in columns]
    if columns is not None and len(names) != len(set(columns)):
        raise ValueError(f"{table.name} has no column {sorted(set(columns) - set(names))}")
    order = [c for c in table.sort_order if c in names]
    sql_order = order_by_sql(order)
    head = "" if limit is None else f" ORDER BY {sql_order} LIMIT {int(limit)}"
    selected = ", ".join(f'"{c}"' for c in names)
    frame = con.execute(f"SELECT {selected} FROM {schema}.{table.name}{head}").pl()
    return frame.cast({c: t for c, t in table.polars_schema.items() if c in names}).sort(order, nulls_last=True)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                            [schema, name]).fetchone()[0])


def order_by_sql(columns: Sequence[str]) -> str:
    """An ORDER BY list that sorts as ``read_table`` does (each column ascending, nulls last)."""
    return ", ".join(f'"{c}" NULLS LAST' for c in columns)


EVICTION_LIMIT = "1MB"  # the memory limit set for a moment to empty DuckDB's buffer pool


def buffer_pool_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes DuckDB holds in memory (its buffer pool: cached blocks and what queries hold)."""
    return int(con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone()[0])


def evict_cached_blocks(con: duckdb.DuckDBPyConnection, memory_limit: str, keep_below: int = 0) -> bool:
    """Drop the blocks DuckDB keeps cached in memory (up to its memory limit) and hand them back
    to the OS: lowering the limit for a moment evicts every block no query holds, then
    ``memory_limit`` is set again. Between steps nothing is held; the next step reads what it
    needs from the file. A pool under ``keep_below`` bytes is left as it is (re-reading its
    blocks would cost more than they weigh); whether blocks were evicted."""
    if keep_below and buffer_pool_bytes(con) < keep_below:
        return False
    try:
        con.execute(f"SET memory_limit = '{EVICTION_LIMIT}'")
    except duckdb.Error:
        pass  # (what a query still holds stays; everything else is evicted all the same)
    finally:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return True


@contextmanager
def lowered_memory_limit(con: duckdb.DuckDBPyConnection, limit: str, restored_to: str) -> Iterator[None]:
    """DuckDB's memory limit (of the whole database, every connection) at ``limit`` for a while,
    then ``restored_to``: past it, sorts and inserts spill to disk."""
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{restored_to}'")


def content_fingerprint(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """Row count and the sum of DuckDB's 64-bit hash of every row: equal for the same rows in any order.

    Computed in DuckDB, so checking whether a table changed costs a scan, not a copy into pandas.
    """
    count, total = con.execute(f"SELECT count(*), coalesce(sum(hash(v)::HUGEINT), 0) FROM ({query}) AS v").fetchone()
    return f"{count}:{int(total):x}"


def tables_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, tables: Sequence[Table], *extra: str,
                       columns: Mapping[str, Sequence[str]] | None = None) -> str:
    """One hash of several tables' content fingerprints (a missing table counts as absent) and ``extra``.

    ``columns``: per table name, the only columns that count (what a step reads of that table).
    """
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = ?", [schema]).fetchall()}
    parts = list(extra)
    for table in tables:
        columns_sql = ", ".join(f'"{c}"' for c in (columns or {}).get(table.name, table.column_names))
        parts.append(f"{table.name}\t" + (content_fingerprint(con, f"SELECT {columns_sql} FROM {schema}.{table.name}")
                                           if table.name in present else "absent"))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


STEP_FINGERPRINTS = "step_fingerprints"  # per step: what its inputs and outputs were when it last ran


def step_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, step: str) -> str | None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{STEP_FINGERPRINTS} (step VARCHAR PRIMARY KEY, fingerprint VARCHAR)")
    row = con.execute(f"SELECT fingerprint FROM {schema}.{STEP_FINGERPRINTS} WHERE step = ?", [step]).fetchone()
    return row[0] if row else None


def record_step_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, step: str, fingerprint: str) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{STEP_FINGERPRINTS} (step VARCHAR PRIMARY KEY, fingerprint VARCHAR)")
    con.execute(f"INSERT OR REPLACE INTO {schema}.{STEP_FINGERPRINTS} VALUES (?, ?)", [step, fingerprint])


class WarehouseBusy(Exception):
    """Another process is writing to the warehouse."""


@contextmanager
def writer_lock(layout: WarehouseLayout, wait_seconds: float = 0.0,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One writer at a time: an exclusive lock on ``<warehouse>.lock``, waited for up to ``wait_seconds``.

    ``on_wait`` is told once who holds the lock when this call has to queue behind it. The lock
    is released by the operating system if the process dies, so a killed run never leaves the
    warehouse locked.
    """
    layout.root.mkdir(parents=True, exist_ok=True)
    path = layout.database.with_suffix(layout.database.suffix + ".lock")
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{layout.database} is being written by {holder}; wait for it to finish or pass "
                        "--wait SECONDS to queue behind it") from None
                if on_wait is not None and not told:
                    on_wait(f"{layout.database} is being written by {holder}; waiting up to {wait_seconds:g} s")
                    told = True
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
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
