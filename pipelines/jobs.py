"""Jobs: one job runs the whole path from inbox to release."""

from contextlib import closing

import dagster as dg

from pipelines.resources import DUCKDB_CONFIG, warehouse_connection
from posture.memory import release_freed_memory
from posture.warehouse import evict_cached_blocks


@dg.success_hook(required_resource_keys={"settings"})
def return_freed_memory(context: dg.HookContext) -> None:
    """Every step runs in the run's one process: what a finished step no longer uses goes back to
    the OS before the next step starts, so the run's peak is that of its largest step alone."""
    # a connection of its own, to the database the run holds open (never a resource that opens one)
    with closing(warehouse_connection(context.resources.settings.warehouse)) as con:
        evict_cached_blocks(con, DUCKDB_CONFIG["memory_limit"])
    release_freed_memory()


posture_job = dg.define_asset_job(
    name="posture_job",
    selection=dg.AssetSelection.all(),
    hooks={return_freed_memory},
    description="Read the inbox, extract, validate the staged tables and publish a release if every check passes.",
)
