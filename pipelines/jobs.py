"""Jobs: one job runs the whole path from inbox to release."""

import dagster as dg

from posture.memory import release_freed_memory


@dg.success_hook(required_resource_keys={"duckdb"})
def return_freed_memory(context: dg.HookContext) -> None:
    """Every step runs in the run's one process: what a finished step no longer uses goes back to
    the OS before the next step starts, so the run's peak is that of its largest step alone."""
    context.resources.duckdb.evict_cached_blocks()
    release_freed_memory()


posture_job = dg.define_asset_job(
    name="posture_job",
    selection=dg.AssetSelection.all(),
    hooks={return_freed_memory},
    description="Read the inbox, extract, validate the staged tables and publish a release if every check passes.",
)
