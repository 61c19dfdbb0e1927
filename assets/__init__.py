"""Dagster assets: thin wrappers that call ``posture`` and describe what they produced."""
