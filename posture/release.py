"""Publishing a release: Parquet files + manifest, a DuckLake snapshot, and the published tables.

A release is immutable. Its content hash covers only the table files, which are written
deterministically (rows sorted by key, fixed Parquet options), so the same inputs and code
give the same hash on any machine; an unchanged hash publishes nothing new.

Order of a publish, chosen so that a crash at any point leaves the last release intact and
a release folder ``releases/vNNNN`` exists only once its release is committed:
1. the Parquet files and ``manifest.json`` are written to ``releases/.incoming``;
2. the tables are committed to the DuckLake catalog in one transaction (one snapshot);
3. the published tables and the ``dataset_versions`` row change in one DuckDB transaction;
4. ``releases/.incoming`` is renamed to ``releases/vNNNN``.
Until step 3 commits, analysts see the previous release everywhere (a snapshot left by a crash
after step 2 is in the lake but in no ``dataset_versions`` row, and the next release supersedes
it). A crash between 3 and 4 is finished by the next run (``recover_interrupted_publish``).

Before any file is written, the staged tables' fingerprint (each table's row count and hash sum,
computed in DuckDB, with the code and Parquet writer versions) is compared with the one recorded
beside the latest release (``staging.release_fingerprints``): equal, the Parquet files would be
the latest release's bytes again, so nothing is read, written or hashed.

Each table has its own such fingerprint (``staging.release_files``): a table staged as it was
for the latest release gets that release's file again (a hard link, its hash checked), not read
and written anew; the others are written from DuckDB one row group at a time, so no table is ever
whole in Python memory.

Steps 2 and 3 rewrite only the tables whose file differs from the latest release's (same code):
the others already hold those bytes' rows, in the lake (when its newest snapshot is the latest
release's) and in the published tables (written only here, with their ``dataset_versions`` row).
A few new reports usually change a few tables, so the rest of the lake and warehouse is left alone;
and of a table that changed, the lake and the published table get only the rows of the keys that
changed (``_changed_keys``), so a release costs and adds what is new, not a copy of every changed
table (a published table's rows are then in no particular order: the release files are the
sorted, byte-exact form).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version as package_version
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from posture.fault_injection import (LAKE_COMMITTED, PUBLISH_STARTED, RELEASE_FILES_WRITTEN, TABLES_COMMITTED,
                                     fault_point)
from posture.schema import ARTICLES, CONTRACT_VERSION, DATASET_VERSIONS, PUBLISHED_TABLES, TABLES, Table
from posture.warehouse import (
    PUBLISHED,
    WarehouseLayout,
    attach_lake,
    load_parquet_table,
    order_by_sql,
    registered,
    sql_string,
    table_exists,
    tables_fingerprint,
    transaction,
)

INCOMING = ".incoming"  # the release being written; renamed to vNNNN once committed
RELEASE_FINGERPRINTS = "release_fingerprints"  # in the staging schema: staged content -> release it gave
RELEASE_FILES = "release_files"  # in the staging schema: each release's tables, by the fingerprint they were staged with
ROW_GROUP_ROWS = 10_000  # rows per Parquet row group, and what the release holds of a table at a time


@dataclass(frozen=True)
class ReleaseOutcome:
    version: int
    content_sha256: str
    published: bool  # False when the content equals the latest release
    release_path: Path
    row_counts: dict[str, int]
    lake_snapshot_id: int | None
    # of each table found changed since the latest release, the keys whose rows differ (None: compared whole)
    changed_keys: dict[str, pa.Table | None] = field(default_factory=dict)


class ReleaseStateError(Exception):
    """The warehouse and its release folders disagree in a way no crash can explain."""


def release_folder_name(version: int) -> str:
    return f"v{version:04d}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk, so a power cut cannot undo a rename the warehouse relies on."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_table_parquet(con: duckdb.DuckDBPyConnection, schema: str, table: Table, path: Path) -> int:
    """Write ``schema.table`` in the published order with fixed options, so equal rows give equal
    bytes; return its row count. DuckDB sorts, then hands the rows over a row group at a time (at
    100k articles, every body read into polars, sorted and converted was the release's peak)."""
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    reader = con.execute(f"SELECT {columns} FROM {schema}.{table.name} ORDER BY {order_by_sql(table.sort_order)}"
                         ).to_arrow_reader(ROW_GROUP_ROWS)
    target = table.arrow_schema
    rows = 0
    with pq.ParquetWriter(path, target, compression="zstd", compression_level=3, use_dictionary=True,
                          write_statistics=True) as writer:
        # groups of exactly ROW_GROUP_ROWS rows, however DuckDB sizes its batches: the same bytes every time
        pending = pa.Table.from_batches([], schema=reader.schema)
        for batch in reader:
            pending = pa.concat_tables([pending, pa.Table.from_batches([batch])])
            while pending.num_rows >= ROW_GROUP_ROWS:
                writer.write_table(pending.slice(0, ROW_GROUP_ROWS).cast(target), row_group_size=ROW_GROUP_ROWS)
                pending, rows = pending.slice(ROW_GROUP_ROWS), rows + ROW_GROUP_ROWS
        if pending.num_rows or not rows:
            writer.write_table(pending.cast(target), row_group_size=ROW_GROUP_ROWS)
            rows += pending.num_rows
    _fsync(path)
    return rows


def content_sha256(file_hashes: dict[str, str]) -> str:
    """Hash of the release: the sorted (file name, file sha256) pairs."""
    lines = "".join(f"{name}  {digest}\n" for name, digest in sorted(file_hashes.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def input_fingerprint(con: duckdb.DuckDBPyConnection, schema: str) -> str:
    """Hash of the accepted articles' ids and source uris, in sorted order."""
    rows = con.execute(f"SELECT article_id, source_uri FROM {schema}.{ARTICLES.name}").fetchall()
    lines = sorted(f"{a}\t{s}" for a, s in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def ensure_dataset_versions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DATASET_VERSIONS.ddl(f"{PUBLISHED}.{DATASET_VERSIONS.name}").replace(
        "CREATE OR REPLACE TABLE", "CREATE TABLE IF NOT EXISTS"))


def _latest_release(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None]:
    ensure_dataset_versions(con)
    row = con.execute(
        f"SELECT version, content_sha256 FROM {PUBLISHED}.dataset_versions ORDER BY version DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def recover_interrupted_publish(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> str | None:
    """Finish or discard a publish that a crash interrupted; say what was done (None: nothing).

    A committed release whose folder is still ``.incoming`` (crash between steps 3 and 4) gets
    its folder; an uncommitted ``.incoming`` (crash before step 3) is removed.
    """
    version, digest = _latest_release(con)
    incoming = layout.releases_dir / INCOMING
    final = layout.releases_dir / release_folder_name(version)
    if version and not (final / "manifest.json").exists():
        manifest = incoming / "manifest.json"
        if not manifest.exists() or json.loads(manifest.read_text())["content_sha256"] != digest:
            raise ReleaseStateError(
                f"release {version} is in {layout.database} but its folder {final} is missing; restore the "
                f"folder from a backup, or rebuild it with `posture run` on the same inputs into a new warehouse")
        shutil.rmtree(final, ignore_errors=True)
        incoming.rename(final)
        _fsync(layout.releases_dir)
        return f"release {version}: folder {final.name} completed after an interrupted publish"
    if incoming.exists():
        shutil.rmtree(incoming)
        return "removed the files of a publish interrupted before it committed"
    return None


def _manifest_of(layout: WarehouseLayout, version: int) -> dict | None:
    """Release ``version``'s manifest (None without that release or its manifest)."""
    path = layout.releases_dir / release_folder_name(version) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if version and path.exists() else None


def _tables_as_latest_release(manifest: dict | None, code_version: str, file_hashes: dict[str, str]) -> set[str]:
    """The tables whose new file has the bytes of the latest release's file (its ``manifest``), made
    by the same code."""
    if manifest is None or manifest.get("code_version") != code_version:
        return set()
    return {file.removesuffix(".parquet") for file, digest in file_hashes.items()
            if manifest["files"].get(file, {}).get("sha256") == digest}


def _lake_holds_release(con: duckdb.DuckDBPyConnection, version: int) -> bool:
    """Whether the lake's newest snapshot is release ``version``'s (not one a crash left after it,
    nor another catalog's)."""
    recorded = con.execute(f"SELECT lake_snapshot_id FROM {PUBLISHED}.dataset_versions WHERE version = ?",
                           [version]).fetchone()
    newest = con.execute("SELECT snapshot_id, commit_message FROM lake.snapshots() "
                         "ORDER BY snapshot_id DESC LIMIT 1").fetchone()
    return bool(recorded and newest and newest == (recorded[0], f"release {version}"))


def _commit_to_lake(con: duckdb.DuckDBPyConnection, files: dict[str, Path], version: int,
                    changed_keys: dict[str, pa.Table | None] | None = None) -> int:
    """Make these lake tables hold the release files' rows in one transaction, i.e. one DuckLake
    snapshot; return its id. ``changed_keys``: given when the lake holds the latest release, as
    the published tables do; a table with its changed keys there gets only their rows written
    (``_write_changed_rows``), the others are replaced whole."""
    with transaction(con):
        # DuckLake's default row group (122,880 rows) is every article at 100k: its Parquet writer held
        # all their bodies at once (lake.articles at 100k: +550 MB, 2.8 s; in 10,000 rows: +125 MB, 0.6 s)
        con.execute("CALL lake.set_option('parquet_row_group_size', ?)", [ROW_GROUP_ROWS])
        for name, path in files.items():  # DuckDB reads the file itself: no copy of the table in Python
            rows = _file_rows(path)
            keys = (changed_keys or {}).get(name)
            if keys is None or _shape(con, f"lake.{name}") != _shape(con, rows) or \
                    not _write_changed_rows(con, f"lake.{name}", TABLES[name], rows, keys):
                con.execute(f"CREATE OR REPLACE TABLE lake.{name} AS SELECT * FROM {rows}")
        con.execute("CALL lake.set_commit_message('posture', ?)", [f"release {version}"])
    return int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])


def _file_rows(path: Path) -> str:
    return f"read_parquet({sql_string(str(path))})"


def _shape(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple] | None:
    """The (name, type) of each column of a table or query; None for a table that does not exist."""
    try:
        return con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})").fetchall()
    except duckdb.CatalogException:
        return None


def _changed_keys(con: duckdb.DuckDBPyConnection, table: Table, new_rows: str) -> pa.Table | None:
    """The keys whose rows differ between the published table and the query ``new_rows`` (a key's
    rows compared together: a key need not be unique), found in DuckDB between two local sources.
    None when the table is better replaced whole: it is not published yet or has other columns,
    most keys changed (new code, say), or a key column may be NULL (``IN`` would miss its rows)."""
    published = f"{PUBLISHED}.{table.name}"
    published_shape = _shape(con, published)
    if any(c.nullable for c in table.columns if c.name in table.key) or \
            published_shape is None or published_shape != _shape(con, new_rows):
        return None
    key = ", ".join(f'"{k}"' for k in table.key)
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    # each key's rows in one hash: the sum of DuckDB's hash of each row, and their count
    per_key = f"SELECT {key}, sum(hash({columns})::HUGEINT) AS h, count(*) AS n FROM {{}} GROUP BY ALL"
    keys = con.execute(
        f"SELECT {key} FROM ({per_key.format(published)}) AS a FULL JOIN ({per_key.format(new_rows)}) AS b "
        f"USING ({key}) WHERE a.h IS DISTINCT FROM b.h OR a.n IS DISTINCT FROM b.n").to_arrow_table()
    total = con.execute(f"SELECT count(*) FROM {new_rows}").fetchone()[0]
    return None if keys.num_rows * 2 > max(total, 1) else keys


def _write_changed_rows(con: duckdb.DuckDBPyConnection, target: str, table: Table, new_rows: str,
                        changed_keys: pa.Table) -> bool:
    """Turn ``target``, which holds the published table's rows, into those of ``new_rows``: the
    rows of the changed keys are deleted and written again, the rest are left alone (one new
    article writes its few rows, not the table of bodies again). Whether ``target`` then holds as
    many rows as ``new_rows``; if not (it did not hold the published rows after all), the caller
    replaces it whole in the same transaction, never commits it wrong."""
    key = ", ".join(f'"{k}"' for k in table.key)
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    if changed_keys.num_rows:
        with registered(con, "posture_changed_keys", changed_keys):
            con.execute(f"DELETE FROM {target} WHERE ({key}) IN (SELECT {key} FROM posture_changed_keys)")
            con.execute(f"INSERT INTO {target} SELECT {columns} FROM {new_rows} "
                        f"WHERE ({key}) IN (SELECT {key} FROM posture_changed_keys)")
    counts = con.execute(f"SELECT (SELECT count(*) FROM {target}), (SELECT count(*) FROM {new_rows})").fetchone()
    return counts[0] == counts[1]


def staged_table_fingerprints(con: duckdb.DuckDBPyConnection, staging_schema: str, code_version: str) -> dict[str, str]:
    """What each release file is made from: its table's rows (count and hash sum, in any order)
    and what turns them into bytes (code, pyarrow and DuckDB versions)."""
    writer = (code_version, f"pyarrow=={package_version('pyarrow')}", f"duckdb=={duckdb.__version__}")
    return {t.name: tables_fingerprint(con, staging_schema, [t], *writer) for t in PUBLISHED_TABLES}


def combined_fingerprint(table_fingerprints: dict[str, str]) -> str:
    """The release's fingerprint: of every table's."""
    lines = "".join(f"{name}\t{fingerprint}\n" for name, fingerprint in sorted(table_fingerprints.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def staged_fingerprint(con: duckdb.DuckDBPyConnection, staging_schema: str, code_version: str) -> str:
    """What the release files are made from, in one hash."""
    return combined_fingerprint(staged_table_fingerprints(con, staging_schema, code_version))


def _record_fingerprints(con: duckdb.DuckDBPyConnection, staging_schema: str, table_fingerprints: dict[str, str],
                         version: int, digest: str) -> None:
    table = f"{staging_schema}.{RELEASE_FINGERPRINTS}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (staged_fingerprint VARCHAR PRIMARY KEY, version INTEGER, "
                "content_sha256 VARCHAR)")
    con.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)",
                [combined_fingerprint(table_fingerprints), version, digest])
    files = f"{staging_schema}.{RELEASE_FILES}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {files} (version INTEGER, table_name VARCHAR, staged_fingerprint VARCHAR, "
                "PRIMARY KEY (version, table_name))")
    con.executemany(f"INSERT OR REPLACE INTO {files} VALUES (?, ?, ?)",
                    [[version, name, fingerprint] for name, fingerprint in sorted(table_fingerprints.items())])


def _reusable_files(con: duckdb.DuckDBPyConnection, staging_schema: str, version: int, manifest: dict | None,
                    table_fingerprints: dict[str, str]) -> dict[str, dict]:
    """The files of release ``version`` (its ``manifest``) whose table is staged as it was for that
    release: table name -> the file's entry in the manifest (sha256, rows)."""
    if manifest is None or not table_exists(con, staging_schema, RELEASE_FILES):
        return {}
    recorded = dict(con.execute(f"SELECT table_name, staged_fingerprint FROM {staging_schema}.{RELEASE_FILES} "
                                "WHERE version = ?", [version]).fetchall())
    files = manifest["files"]
    return {name: files[f"{name}.parquet"] for name, fingerprint in table_fingerprints.items()
            if recorded.get(name) == fingerprint and "rows" in files.get(f"{name}.parquet", {})}


def _reuse_file(source: Path, target: Path, expected_sha256: str) -> bool:
    """Give ``target`` the bytes of ``source`` (a hard link: releases are never modified), if they
    still hash to ``expected_sha256``; whether it did."""
    if not source.is_file() or sha256_file(source) != expected_sha256:
        return False
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)
    return True


def _release_of(con: duckdb.DuckDBPyConnection, staging_schema: str, fingerprint: str) -> tuple[int, str] | None:
    exists = table_exists(con, staging_schema, RELEASE_FINGERPRINTS)
    row = con.execute(f"SELECT version, content_sha256 FROM {staging_schema}.{RELEASE_FINGERPRINTS} "
                      "WHERE staged_fingerprint = ?", [fingerprint]).fetchone() if exists else None
    return (row[0], row[1]) if row else None


def publish_release(
    con: duckdb.DuckDBPyConnection,
    layout: WarehouseLayout,
    staging_schema: str,
    code_version: str,
    checks: dict,
    now: datetime | None = None,
) -> ReleaseOutcome:
    """Publish the staged tables as a new release unless their content equals the latest one."""
    fault_point(PUBLISH_STARTED)
    recover_interrupted_publish(con, layout)
    latest_version, latest_hash = _latest_release(con)
    table_fingerprints = staged_table_fingerprints(con, staging_schema, code_version)
    fingerprint = combined_fingerprint(table_fingerprints)
    if latest_version and _release_of(con, staging_schema, fingerprint) == (latest_version, latest_hash):
        row_counts = {t.name: con.execute(f"SELECT count(*) FROM {staging_schema}.{t.name}").fetchone()[0]
                      for t in PUBLISHED_TABLES}
        return ReleaseOutcome(latest_version, latest_hash, False,
                              layout.releases_dir / release_folder_name(latest_version), row_counts, None)
    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    incoming = layout.releases_dir / INCOMING
    incoming.mkdir()
    # what comes after reads the files back, never the tables whole
    files = {t.name: incoming / f"{t.name}.parquet" for t in PUBLISHED_TABLES}
    latest_folder = layout.releases_dir / release_folder_name(latest_version)
    latest_manifest = _manifest_of(layout, latest_version)
    reusable = _reusable_files(con, staging_schema, latest_version, latest_manifest, table_fingerprints)
    row_counts, file_hashes = {}, {}
    for table in PUBLISHED_TABLES:
        path, kept = files[table.name], reusable.get(table.name)
        if kept and _reuse_file(latest_folder / path.name, path, kept["sha256"]):
            row_counts[table.name], file_hashes[path.name] = kept["rows"], kept["sha256"]
        else:
            row_counts[table.name] = write_table_parquet(con, staging_schema, table, path)
            file_hashes[path.name] = sha256_file(path)
    digest = content_sha256(file_hashes)

    if digest == latest_hash:
        shutil.rmtree(incoming)
        _record_fingerprints(con, staging_schema, table_fingerprints, latest_version, latest_hash)
        return ReleaseOutcome(latest_version, digest, False,
                              layout.releases_dir / release_folder_name(latest_version), row_counts, None)

    version = latest_version + 1
    manifest = {
        "version": version,
        "content_sha256": digest,
        "contract_version": CONTRACT_VERSION,
        "code_version": code_version,
        "input_fingerprint": input_fingerprint(con, staging_schema),
        "row_counts": row_counts,
        "files": {f"{name}.parquet": {"sha256": file_hashes[f"{name}.parquet"], "table": name,
                                      "key": list(TABLES[name].key), "rows": row_counts[name]}
                  for name in sorted(files)},
        "checks": checks,
    }
    (incoming / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    _fsync(incoming / "manifest.json")
    final = layout.releases_dir / release_folder_name(version)
    fault_point(RELEASE_FILES_WRITTEN)

    as_latest = _tables_as_latest_release(latest_manifest, code_version, file_hashes)
    # what changed in each other table, as against the published one (the latest release's rows)
    changed_keys = {name: _changed_keys(con, TABLES[name], _file_rows(path))
                    for name, path in files.items() if name not in as_latest}
    attach_lake(con, layout)
    lake_holds_latest = _lake_holds_release(con, latest_version)
    lake_as_latest = as_latest if lake_holds_latest else set()
    snapshot_id = _commit_to_lake(con, {n: p for n, p in files.items() if n not in lake_as_latest}, version,
                                  changed_keys if lake_holds_latest else None)
    fault_point(LAKE_COMMITTED)

    published_at = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with transaction(con):
        for name, keys in changed_keys.items():
            if keys is None or not _write_changed_rows(con, f"{PUBLISHED}.{name}", TABLES[name],
                                                       _file_rows(files[name]), keys):
                load_parquet_table(con, PUBLISHED, TABLES[name], files[name])
        con.execute(
            f"INSERT INTO {PUBLISHED}.dataset_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [version, digest, manifest["input_fingerprint"], code_version, CONTRACT_VERSION,
             json.dumps(row_counts, sort_keys=True), json.dumps(checks, sort_keys=True),
             final.relative_to(layout.root).as_posix(), snapshot_id, published_at],
        )
    _record_fingerprints(con, staging_schema, table_fingerprints, version, digest)
    fault_point(TABLES_COMMITTED)
    shutil.rmtree(final, ignore_errors=True)  # an uncommitted folder left by the publish order of older versions
    incoming.rename(final)
    _fsync(layout.releases_dir)
    return ReleaseOutcome(version, digest, True, final, row_counts, snapshot_id, changed_keys)
