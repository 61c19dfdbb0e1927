"""Blocking checks: one per Great Expectations suite in ``expectations/``.

A failing check stops the release, so the published tables keep the last good release.
The tables a suite joins (articles for evidence offsets, places for foreign keys) are all
upstream of the table it checks, so they are written before the check runs.
Each check's summary is also kept in ``staging.check_results`` for the release manifest.
"""


import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import check_results_markdown
from posture.validation import Suite, load_suites, validate_suite
from posture.warehouse import STAGING

CHECK_RESULTS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {STAGING}.check_results "
    "(suite VARCHAR PRIMARY KEY, table_name VARCHAR, success BOOLEAN, summary VARCHAR)"
)


def record_check_result(con, name: str, table: str, success: bool, summary: dict) -> None:
    """Keep a check's summary in ``staging.check_results``: the release manifest lists them all."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STAGING}")
    con.execute(CHECK_RESULTS_DDL)
    con.execute(f"INSERT OR REPLACE INTO {STAGING}.check_results VALUES (?, ?, ?, ?)",
                [name, table, success, json.dumps(summary)])


def build_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey([STAGING, suite.table]),
        name=suite.name,
        description=suite.description,
        blocking=True,
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            outcome = validate_suite(con, suite, STAGING)
            record_check_result(con, suite.name, suite.table, outcome.success, outcome.summary())
        metadata: dict[str, object] = {
            "rows_checked": outcome.row_count,
            "expectations": len(outcome.outcomes),
            "failed_expectations": len(outcome.failed),
            "suite_file": suite.path_hint,
            "results": check_results_markdown(outcome),
        }
        for failed in outcome.failed:
            metadata[f"failed: {failed.expectation}"] = dg.MetadataValue.json(
                {"unexpected_count": failed.unexpected_count, "examples": failed.examples})
        if not outcome.success:
            metadata["report"] = dg.MetadataValue.md(f"```\n{outcome.report()}\n```")
        return dg.AssetCheckResult(passed=outcome.success, severity=dg.AssetCheckSeverity.ERROR,
                                   metadata=metadata)

    return _check


validation_checks = [build_check(suite) for suite in load_suites()]
