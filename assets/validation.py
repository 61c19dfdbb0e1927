"""Blocking checks: one per Great Expectations suite in ``expectations/``.

A failing check stops the release, so the published tables keep the last good release.
The tables a suite joins (articles for evidence offsets, places for foreign keys) are all
upstream of the table it checks, so they are written before the check runs. A release-scope
suite (a table shrinking since the last release) is one check per published table.
Each check's summary is also kept in ``staging.validation_results`` for the release manifest, and
GE's HTML page of each validation is written to ``reports/<run id>/<suite>.html`` beside the
warehouse (outside the release files) and linked from the check's metadata.
"""


import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import check_results_markdown
from pipelines.resources import PostureSettings
from posture.validation import Suite, SuiteOutcome, load_suites, validate_suite
from posture.warehouse import STAGING

VALIDATION_RESULTS = f"{STAGING}.validation_results"
VALIDATION_RESULTS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {VALIDATION_RESULTS} "
    "(check_id VARCHAR PRIMARY KEY, suite VARCHAR, table_name VARCHAR, success BOOLEAN, summary VARCHAR)"
)


def record_check_result(con, name: str, table: str, success: bool, summary: dict, check_id: str | None = None) -> None:
    """Keep a check's summary in ``staging.validation_results``: the release manifest lists them all."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STAGING}")
    con.execute(VALIDATION_RESULTS_DDL)
    con.execute(f"INSERT OR REPLACE INTO {VALIDATION_RESULTS} VALUES (?, ?, ?, ?, ?)",
                [check_id or name, name, table, success, json.dumps(summary)])


def _run_suite(context: dg.AssetCheckExecutionContext, settings: PostureSettings, duckdb: DuckDBResource,
               suite: Suite) -> tuple[SuiteOutcome, str]:
    """Validate, record the summary for the manifest, write the HTML report; return the outcome and its path."""
    report = settings.layout.reports_dir / context.run.run_id / f"{suite.check_id.replace(':', '.')}.html"
    with duckdb.get_connection() as con:
        outcome = validate_suite(con, suite, STAGING, settings.suite_parameters, html_report=report)
        record_check_result(con, suite.name, suite.table, outcome.success, outcome.summary(), suite.check_id)
    return outcome, str(report)


def _metadata(suite: Suite, outcome: SuiteOutcome, report: str) -> dict[str, object]:
    metadata: dict[str, object] = {
        "rows_checked": outcome.row_count,
        "expectations": len(outcome.outcomes),
        "failed_expectations": len(outcome.failed),
        "warnings": len(outcome.warnings),
        "suite_file": suite.path_hint,
        "validation_report": dg.MetadataValue.path(report),
        "results": check_results_markdown(outcome),
    }
    for label, outcomes in (("failed", outcome.failed), ("warning", outcome.warnings)):
        for o in outcomes:
            metadata[f"{label}: {o.expectation}"] = dg.MetadataValue.json(
                {"unexpected_count": o.unexpected_count, "examples": o.examples})
    if outcome.failed:
        metadata["report"] = dg.MetadataValue.md(f"```\n{outcome.report()}\n```")
    if outcome.warnings:
        metadata["warning_report"] = dg.MetadataValue.md(f"```\n{outcome.warning_report()}\n```")
    return metadata


def build_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey([STAGING, suite.table]),
        name=suite.name,
        description=suite.description,
        blocking=True,
    )
    def _check(context: dg.AssetCheckExecutionContext, settings: PostureSettings,
               duckdb: DuckDBResource) -> dg.AssetCheckResult:
        outcome, report = _run_suite(context, settings, duckdb, suite)
        metadata = _metadata(suite, outcome, report)
        if suite.scope == "release":
            row = outcome.rows[0]
            metadata.update({"staged_rows": row["staged_rows"], "published_rows": row["published_rows"],
                             "shrink_percent": round(100 * row["shrink_fraction"], 1),
                             "max_shrink_percent": settings.max_shrink_percent})
        return dg.AssetCheckResult(passed=outcome.success, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata=metadata)

    return _check


validation_checks = [build_check(suite) for suite in load_suites()]
