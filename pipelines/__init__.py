"""The Dagster code location (definitions, resources, jobs, sensors) and the ``posture`` CLI."""
