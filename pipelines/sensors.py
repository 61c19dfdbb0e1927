"""Sensors: start a run when files in the inbox change."""


import os

import dagster as dg

from pipelines.jobs import posture_job
from pipelines.resources import PostureSettings
from posture.ingest.batch import inbox_fingerprint


@dg.sensor(job=posture_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED)
def inbox_sensor(context: dg.SensorEvaluationContext, settings: PostureSettings):
    """Run the pipeline when files are added to, changed in or removed from POSTURE_INBOX."""
    inbox = settings.inbox
    if not os.path.isdir(inbox):
        return dg.SkipReason(f"the inbox {inbox} is not a folder: set POSTURE_INBOX")
    fingerprint = inbox_fingerprint(inbox)
    if fingerprint == context.cursor:
        return dg.SkipReason("no new or changed files in the inbox")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
