"""The Dagster code location: composes the asset modules and adds the few global settings."""

import dagster as dg

from assets.extraction import extract_reports
from assets.gazetteer import places
from assets.ingestion import read_inbox
from assets.linking import force_level_timelines, link_movement_events, linking_checks
from assets.release import publish
from assets.validation import build_validation_checks
from pipelines.jobs import posture_job
from pipelines.resources import build_resources
from pipelines.sensors import inbox_sensor

STAGING_STEPS = [read_inbox, places, extract_reports, link_movement_events, force_level_timelines]

defs = dg.Definitions(
    assets=[*STAGING_STEPS, publish],
    asset_checks=[*build_validation_checks(STAGING_STEPS), *linking_checks],
    jobs=[posture_job],
    sensors=[inbox_sensor],
    resources=build_resources(),
    # One writer at a time for the DuckDB file: every step of a run executes in one process.
    executor=dg.in_process_executor,
)
