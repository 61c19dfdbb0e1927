"""The release: publish checked staging tables as the next immutable dataset version."""


import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import column_schema, markdown_preview, published_charts
from pipelines.resources import PostureSettings
from posture import code_version
from posture.release import publish_release
from posture.release_tools import diff_releases, format_diff, release_dir
from posture.schema import DATASET_VERSIONS, PUBLISHED_TABLES
from posture.warehouse import PUBLISHED, STAGING, read_table

RELEASE_KEY = dg.AssetKey("dataset_versions")

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
    with duckdb.get_connection() as con:
        checks = {row[0]: {"table": row[1], **json.loads(row[2])} for row in con.execute(
            f"SELECT suite, table_name, summary FROM {STAGING}.check_results ORDER BY suite").fetchall()}
        outcome = publish_release(con, settings.layout, STAGING, code_version(), checks)
        frames = {t.name: read_table(con, PUBLISHED, t) for t in (*PUBLISHED_TABLES, DATASET_VERSIONS)}
    status = "published" if outcome.published else "unchanged"
    diff_md = "first release"
    if outcome.published and outcome.version > 1:
        previous = release_dir(settings.layout, outcome.version - 1)
        diff_md = "```\n" + format_diff(outcome.version - 1, outcome.version,
                                         diff_releases(previous, outcome.release_path)) + "\n```"
    context.log.info(f"release {outcome.version} {status} ({outcome.content_sha256[:12]})")
    for table in PUBLISHED_TABLES:
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={"dagster/row_count": frames[table.name].height, "release": outcome.version,
                      "preview": dg.MetadataValue.md(markdown_preview(frames[table.name])),
                      **published_charts(table.name, frames, settings.layout.root / "charts")},
        )
    yield dg.MaterializeResult(
        asset_key=RELEASE_KEY,
        metadata={
            "dagster/row_count": frames["dataset_versions"].height,
            "release": outcome.version,
            "status": status,
            "content_sha256": outcome.content_sha256,
            "release_path": dg.MetadataValue.path(str(outcome.release_path)),
            "lake_snapshot_id": outcome.lake_snapshot_id if outcome.lake_snapshot_id is not None else -1,
            "row_counts": dg.MetadataValue.json(outcome.row_counts),
            "diff_from_previous": dg.MetadataValue.md(diff_md if outcome.published else "no new release"),
            "preview": dg.MetadataValue.md(markdown_preview(frames["dataset_versions"].drop("checks"))),
        },
    )
