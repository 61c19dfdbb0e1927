"""Jobs: one job runs the whole path from inbox to release."""

import dagster as dg

posture_job = dg.define_asset_job(
    name="posture_job",
    selection=dg.AssetSelection.all(),
    description="Read the inbox, extract, validate the staged tables and publish a release if every check passes.",
)
