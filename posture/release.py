"""Publishing a release: Parquet files + manifest, a DuckLake snapshot, and the published tables.

A release is immutable. Its content hash covers only the table files, which are written
deterministically (rows sorted by key, fixed Parquet options), so the same inputs and code
give the same hash on any machine; an unchanged hash publishes nothing new.

Order of a publish, chosen so that a crash at any point leaves the last release intact:
1. the Parquet files are written to a temporary folder, then renamed into ``releases/vNNNN``
   (a leftover folder of a crashed publish is replaced by the next one);
2. the tables are committed to the DuckLake catalog in one transaction (one snapshot);
3. the published tables and the ``dataset_versions`` row change in one DuckDB transaction.
Until step 3 commits, analysts see the previous release everywhere.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from posture.schema import CONTRACT_VERSION, DATASET_VERSIONS, PUBLISHED_TABLES, TABLES
from posture.warehouse import PUBLISHED, WarehouseLayout, read_table, write_table


@dataclass(frozen=True)
class ReleaseOutcome:
    version: int
    content_sha256: str
    published: bool  # False when the content equals the latest release
    release_path: Path
    row_counts: dict[str, int]
    lake_snapshot_id: int | None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def content_sha256(file_hashes: dict[str, str]) -> str:
    """Hash of the release: the sorted (file name, file sha256) pairs."""
    lines = "".join(f"{name}  {digest}\n" for name, digest in sorted(file_hashes.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def input_fingerprint(article_ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(article_ids)).encode()).hexdigest()


def _latest_release(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None]:
    con.execute(DATASET_VERSIONS.ddl(f"{PUBLISHED}.{DATASET_VERSIONS.name}").replace(
        "CREATE OR REPLACE TABLE", "CREATE TABLE IF NOT EXISTS"))
    row = con.execute(
        f"SELECT version, content_sha256 FROM {PUBLISHED}.dataset_versions ORDER BY version DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def _attach_lake(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> None:
    from duckdb_extensions import import_extension  # installs the bundled ducklake wheel offline

    import_extension("ducklake", con=con)
    con.execute("LOAD ducklake")
    layout.lake_data.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"ATTACH IF NOT EXISTS 'ducklake:{layout.lake_catalog.as_posix()}' AS lake "
        f"(DATA_PATH '{layout.lake_data.as_posix()}/')"
    )


def _commit_to_lake(con: duckdb.DuckDBPyConnection, staged: dict[str, pl.DataFrame], version: int) -> int:
    """Replace the lake tables in one transaction, i.e. one DuckLake snapshot; return its id."""
    con.execute("BEGIN TRANSACTION")
    for name, frame in staged.items():
        arrow_frame = frame.to_arrow()  # noqa: F841 (read by DuckDB)
        con.execute(f"CREATE OR REPLACE TABLE lake.{name} AS SELECT * FROM arrow_frame")
    con.execute(
        "CALL lake.set_commit_message('posture', ?)", [f"release {version}"]
    )
    con.execute("COMMIT")
    return int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])


def publish_release(
    con: duckdb.DuckDBPyConnection,
    layout: WarehouseLayout,
    staging_schema: str,
    code_version: str,
    checks: dict,
    now: datetime | None = None,
) -> ReleaseOutcome:
    """Publish the staged tables as a new release unless their content equals the latest one."""
    staged = {t.name: read_table(con, staging_schema, t) for t in PUBLISHED_TABLES}
    row_counts = {name: frame.height for name, frame in staged.items()}
    latest_version, latest_hash = _latest_release(con)

    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    tmp = layout.releases_dir / ".incoming"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    file_hashes = {}
    for name, frame in staged.items():
        write_parquet(frame, tmp / f"{name}.parquet")
        file_hashes[f"{name}.parquet"] = sha256_file(tmp / f"{name}.parquet")
    digest = content_sha256(file_hashes)

    if digest == latest_hash:
        shutil.rmtree(tmp)
        return ReleaseOutcome(latest_version, digest, False, layout.releases_dir / f"v{latest_version:04d}",
                              row_counts, None)

    version = latest_version + 1
    manifest = {
        "version": version,
        "content_sha256": digest,
        "contract_version": CONTRACT_VERSION,
        "code_version": code_version,
        "input_fingerprint": input_fingerprint(staged["articles"]["article_id"].to_list()),
        "row_counts": row_counts,
        "files": {name: {"sha256": h, "table": name.removesuffix(".parquet")} for name, h in sorted(file_hashes.items())},
        "checks": checks,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    final = layout.releases_dir / f"v{version:04d}"
    shutil.rmtree(final, ignore_errors=True)  # leftover of a publish that crashed before step 3
    tmp.rename(final)

    _attach_lake(con, layout)
    snapshot_id = _commit_to_lake(con, staged, version)

    published_at = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    con.execute("BEGIN TRANSACTION")
    for name, frame in staged.items():
        write_table(con, PUBLISHED, TABLES[name], frame)
    con.execute(
        f"INSERT INTO {PUBLISHED}.dataset_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [version, digest, manifest["input_fingerprint"], code_version, CONTRACT_VERSION,
         json.dumps(row_counts, sort_keys=True), json.dumps(checks, sort_keys=True),
         final.relative_to(layout.root).as_posix(), snapshot_id, published_at],
    )
    con.execute("COMMIT")
    return ReleaseOutcome(version, digest, True, final, row_counts, snapshot_id)
