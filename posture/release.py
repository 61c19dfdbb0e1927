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

Steps 2 and 3 rewrite only the tables whose file differs from the latest release's (same code):
the others already hold those bytes' rows, in the lake (when its newest snapshot is the latest
release's) and in the published tables (written only here, with their ``dataset_versions`` row).
A few new reports usually change a few tables, so the rest of the lake and warehouse is left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version as package_version
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from posture.fault_injection import (LAKE_COMMITTED, PUBLISH_STARTED, RELEASE_FILES_WRITTEN, TABLES_COMMITTED,
                                     fault_point)
from posture.schema import CONTRACT_VERSION, DATASET_VERSIONS, PUBLISHED_TABLES, TABLES
from posture.warehouse import (
    PUBLISHED,
    WarehouseLayout,
    attach_lake,
    load_parquet_table,
    read_table,
    sql_string,
    tables_fingerprint,
)

INCOMING = ".incoming"  # the release being written; renamed to vNNNN once committed
RELEASE_FINGERPRINTS = "release_fingerprints"  # in the staging schema: staged content -> release it gave


@dataclass(frozen=True)
class ReleaseOutcome:
    version: int
    content_sha256: str
    published: bool  # False when the content equals the latest release
    release_path: Path
    row_counts: dict[str, int]
    lake_snapshot_id: int | None


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


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write with fixed options so equal frames give equal bytes."""
    pq.write_table(
        frame.to_arrow(),
        path,
        compression="zstd",
        compression_level=3,
        row_group_size=100_000,
        use_dictionary=True,
        write_statistics=True,
    )
    _fsync(path)


def content_sha256(file_hashes: dict[str, str]) -> str:
    """Hash of the release: the sorted (file name, file sha256) pairs."""
    lines = "".join(f"{name}  {digest}\n" for name, digest in sorted(file_hashes.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def input_fingerprint(articles: pl.DataFrame) -> str:
    """Hash of the accepted articles' ids and source uris, in sorted order."""
    lines = sorted(f"{a}\t{s}" for a, s in zip(articles["article_id"], articles["source_uri"]))
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


def _tables_as_latest_release(layout: WarehouseLayout, latest_version: int, code_version: str,
                              file_hashes: dict[str, str]) -> set[str]:
    """The tables whose new file has the bytes of the latest release's file, made by the same code
    (none without a latest release or its manifest)."""
    if not latest_version:
        return set()
    manifest_path = layout.releases_dir / release_folder_name(latest_version) / "manifest.json"
    if not manifest_path.exists():
        return set()
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("code_version") != code_version:
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


def _commit_to_lake(con: duckdb.DuckDBPyConnection, files: dict[str, Path], version: int) -> int:
    """Replace these lake tables with the release files in one transaction, i.e. one DuckLake
    snapshot; return its id."""
    con.execute("BEGIN TRANSACTION")
    for name, path in files.items():  # DuckDB reads the file itself: no copy of the table in Python
        con.execute(f"CREATE OR REPLACE TABLE lake.{name} AS SELECT * FROM read_parquet({sql_string(str(path))})")
    con.execute(
        "CALL lake.set_commit_message('posture', ?)", [f"release {version}"]
    )
    con.execute("COMMIT")
    return int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])


def staged_fingerprint(con: duckdb.DuckDBPyConnection, staging_schema: str, code_version: str) -> str:
    """What the release files are made from: every published table's rows (count and hash sum, in
    any order) and what turns them into bytes (code, polars, pyarrow and DuckDB versions)."""
    return tables_fingerprint(con, staging_schema, PUBLISHED_TABLES, code_version,
                              f"polars=={package_version('polars')}", f"pyarrow=={package_version('pyarrow')}",
                              f"duckdb=={duckdb.__version__}")


def _record_fingerprint(con: duckdb.DuckDBPyConnection, staging_schema: str, fingerprint: str, version: int,
                        digest: str) -> None:
    table = f"{staging_schema}.{RELEASE_FINGERPRINTS}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (staged_fingerprint VARCHAR PRIMARY KEY, version INTEGER, "
                "content_sha256 VARCHAR)")
    con.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", [fingerprint, version, digest])


def _release_of(con: duckdb.DuckDBPyConnection, staging_schema: str, fingerprint: str) -> tuple[int, str] | None:
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                         [staging_schema, RELEASE_FINGERPRINTS]).fetchone()[0]
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
    fingerprint = staged_fingerprint(con, staging_schema, code_version)
    if latest_version and _release_of(con, staging_schema, fingerprint) == (latest_version, latest_hash):
        row_counts = {t.name: con.execute(f"SELECT count(*) FROM {staging_schema}.{t.name}").fetchone()[0]
                      for t in PUBLISHED_TABLES}
        return ReleaseOutcome(latest_version, latest_hash, False,
                              layout.releases_dir / release_folder_name(latest_version), row_counts, None)
    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    incoming = layout.releases_dir / INCOMING
    incoming.mkdir()
    # one table in memory at a time: each is read, written and let go (at 100k articles, holding
    # them all at once was the run's peak memory); what comes after reads the files back
    files = {t.name: incoming / f"{t.name}.parquet" for t in PUBLISHED_TABLES}
    row_counts, file_hashes = {}, {}
    for table in PUBLISHED_TABLES:
        frame = read_table(con, staging_schema, table)
        row_counts[table.name] = frame.height
        if table.name == "articles":
            articles_fingerprint = input_fingerprint(frame)
        write_parquet(frame, files[table.name])
        del frame
        file_hashes[files[table.name].name] = sha256_file(files[table.name])
    digest = content_sha256(file_hashes)

    if digest == latest_hash:
        shutil.rmtree(incoming)
        _record_fingerprint(con, staging_schema, fingerprint, latest_version, latest_hash)
        return ReleaseOutcome(latest_version, digest, False,
                              layout.releases_dir / release_folder_name(latest_version), row_counts, None)

    version = latest_version + 1
    manifest = {
        "version": version,
        "content_sha256": digest,
        "contract_version": CONTRACT_VERSION,
        "code_version": code_version,
        "input_fingerprint": articles_fingerprint,
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

    as_latest = _tables_as_latest_release(layout, latest_version, code_version, file_hashes)
    attach_lake(con, layout)
    lake_as_latest = as_latest if _lake_holds_release(con, latest_version) else set()
    snapshot_id = _commit_to_lake(con, {n: p for n, p in files.items() if n not in lake_as_latest}, version)
    fault_point(LAKE_COMMITTED)

    published_at = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    con.execute("BEGIN TRANSACTION")
    for name, path in files.items():
        if name not in as_latest:
            load_parquet_table(con, PUBLISHED, TABLES[name], path)
    con.execute(
        f"INSERT INTO {PUBLISHED}.dataset_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [version, digest, manifest["input_fingerprint"], code_version, CONTRACT_VERSION,
         json.dumps(row_counts, sort_keys=True), json.dumps(checks, sort_keys=True),
         final.relative_to(layout.root).as_posix(), snapshot_id, published_at],
    )
    con.execute("COMMIT")
    _record_fingerprint(con, staging_schema, fingerprint, version, digest)
    fault_point(TABLES_COMMITTED)
    shutil.rmtree(final, ignore_errors=True)  # an uncommitted folder left by the publish order of older versions
    incoming.rename(final)
    _fsync(layout.releases_dir)
    return ReleaseOutcome(version, digest, True, final, row_counts, snapshot_id)
