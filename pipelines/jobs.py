"""Jobs: one job runs the whole path from inbox to release."""

from contextlib import closing

import dagster as dg

from assets.release import publish
from pipelines.resources import DUCKDB_CONFIG, KEEP_POOL_BELOW, warehouse_connection
from posture.memory import release_freed_memory
from posture.warehouse import evict_cached_blocks

FINAL_STEP = publish.node_def.name  # every table is upstream of the release: nothing runs after it


@dg.success_hook(required_resource_keys={"settings"})
def return_freed_memory(context: dg.HookContext) -> None:
    """Every step runs in the run's one process: what a finished step no longer uses goes back to
    the OS before the next step starts, so the run's peak is that of its largest step alone."""
    if context.op.name != FINAL_STEP:  # (after the release the run closes its connections, freeing their blocks)
        # a connection of its own, to the database the run holds open (never a resource that opens one)
        with closing(warehouse_connection(context.resources.settings.warehouse)) as con:
            evict_cached_blocks(con, DUCKDB_CONFIG["memory_limit"], keep_below=KEEP_POOL_BELOW)
    release_freed_memory()


posture_job = dg.define_asset_job(
    name="posture_job",
    selection=dg.AssetSelection.all(),
    hooks={return_freed_memory},
    description="Read the inbox, extract, validate the staged tables and publish a release if every check passes.",
)
