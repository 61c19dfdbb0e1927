"""The release: publish checked staging tables as the next immutable dataset version."""


import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import PREVIEW_ROWS, column_schema, draw_release_charts, markdown_preview, release_chart_metadata
from assets.validation import VALIDATION_RESULTS
from pipelines.resources import DUCKDB_CONFIG, PUBLISH_MEMORY_LIMIT, PostureSettings
from posture import code_version
from posture.release import publish_release
from posture.release_tools import diff_json, diff_releases, format_diff, release_dir
from posture.schema import DATASET_VERSIONS, PUBLISHED_TABLES, TABLES
from posture.visual.data import CHART_COLUMNS
from posture.warehouse import PUBLISHED, STAGING, lowered_memory_limit, read_table

RELEASE_KEY = dg.AssetKey("dataset_versions")
DIFF_ROWS_SHOWN = 10  # keyed rows per kind of change in the release's diff metadata

published_specs = [
    dg.AssetSpec(
        key=table.name,
        deps=[dg.AssetKey([STAGING, table.name])],
        description=f"Published (latest release): {table.description}",
        group_name="published",
        owners=["team:posture"],
        kinds={"duckdb"},
        metadata={"dagster/column_schema": column_schema(table)},
    )
    for table in PUBLISHED_TABLES
]
release_spec = dg.AssetSpec(
    key=RELEASE_KEY,
    deps=[dg.AssetKey([STAGING, table.name]) for table in PUBLISHED_TABLES],
    description=DATASET_VERSIONS.description,
    group_name="published",
    owners=["team:posture"],
    kinds={"duckdb", "parquet", "ducklake"},
    metadata={"dagster/column_schema": column_schema(DATASET_VERSIONS)},
)


@dg.multi_asset(specs=[*published_specs, release_spec], can_subset=False)
def publish(context: dg.AssetExecutionContext, settings: PostureSettings, duckdb: DuckDBResource):
    """Publish the checked staging tables as a release (Parquet + manifest, DuckLake snapshot, tables)."""
    with duckdb.get_connection() as con, lowered_memory_limit(con, PUBLISH_MEMORY_LIMIT, DUCKDB_CONFIG["memory_limit"]), \
            ThreadPoolExecutor(max_workers=1) as drawing:
        # the charts show the checked staging tables, which the release publishes as they are: they
        # are drawn while the release is written (DuckDB and Arrow leave the interpreter to them),
        # and kept only once it is. Of the tables drawn, only the columns drawn.
        frames = {name: read_table(con, STAGING, TABLES[name], columns=columns) for name, columns in CHART_COLUMNS.items()}
        drawn = drawing.submit(draw_release_charts, frames, settings.layout.root / "charts")
        checks = {row[0]: {"table": row[1], **json.loads(row[2])} for row in con.execute(
            f"SELECT check_id, table_name, summary FROM {VALIDATION_RESULTS} ORDER BY check_id").fetchall()}
        outcome = publish_release(con, settings.layout, STAGING, code_version(), checks)
        counts = {t.name: con.execute(f"SELECT count(*) FROM {PUBLISHED}.{t.name}").fetchone()[0]
                  for t in (*PUBLISHED_TABLES, DATASET_VERSIONS)}
        previews = {t.name: read_table(con, PUBLISHED, t, limit=PREVIEW_ROWS) for t in (*PUBLISHED_TABLES, DATASET_VERSIONS)}
        status = "published" if outcome.published else "unchanged"
        diff_md, diff = ("first release", {}) if outcome.published else ("no new release", {})
        if outcome.published and outcome.version > 1:
            previous = release_dir(settings.layout, outcome.version - 1)
            diffs = diff_releases(previous, outcome.release_path, rows=True, limit=DIFF_ROWS_SHOWN,
                                  changed_keys=outcome.changed_keys)
            diff_md = "```\n" + format_diff(outcome.version - 1, outcome.version, diffs) + "\n```"
            diff = diff_json(outcome.version - 1, outcome.version, [replace(d, rows=None) for d in diffs])
        charts = drawn.result()
    context.log.info(f"release {outcome.version} {status} ({outcome.content_sha256[:12]})")
    changes = {t["table"]: t for t in diff.get("tables", [])}
    for table in PUBLISHED_TABLES:
        change = changes.get(table.name)
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={"dagster/row_count": counts[table.name], "release": outcome.version,
                      **({f"rows_{kind}": change[kind] for kind in ("added", "removed", "changed")}
                         if change else {}),
                      "preview": dg.MetadataValue.md(markdown_preview(previews[table.name])),
                      **release_chart_metadata(table.name, charts)},
        )
    yield dg.MaterializeResult(
        asset_key=RELEASE_KEY,
        metadata={
            "dagster/row_count": counts["dataset_versions"],
            "release": outcome.version,
            "status": status,
            "content_sha256": outcome.content_sha256,
            "release_path": dg.MetadataValue.path(str(outcome.release_path)),
            "lake_snapshot_id": outcome.lake_snapshot_id if outcome.lake_snapshot_id is not None else -1,
            "row_counts": dg.MetadataValue.json(outcome.row_counts),
            "diff_from_previous": dg.MetadataValue.md(diff_md),
            "diff": dg.MetadataValue.json(diff),
            "validation_reports": dg.MetadataValue.path(str(settings.layout.reports_dir / context.run_id)),
            "preview": dg.MetadataValue.md(markdown_preview(previews["dataset_versions"].drop("checks"))),
        },
    )
