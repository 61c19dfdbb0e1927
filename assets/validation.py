"""Blocking checks: one per Great Expectations suite in ``expectations/``.

A failing check stops the release, so the published tables keep the last good release.
The tables a suite joins (articles for evidence offsets, places for foreign keys) are all
upstream of the table it checks, so they are written before the check runs. A release-scope
suite (a table shrinking since the last release) is one check per published table. The checks of
the tables one step stages run in one op (``validate_<step>``), each still its own blocking check.
A validation whose suite, settings and rows equal a previous one's is not run again: its outcome
and HTML page are reused and the check's metadata says from which run (``validated_in_run``).
Each check's summary is also kept in ``staging.validation_results`` for the release manifest, and
GE's HTML page of each validation is written to ``reports/<run id>/<suite>.html`` beside the
warehouse (outside the release files) and linked from the check's metadata.
"""


import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import check_results_markdown
from pipelines.resources import PostureSettings
from posture.validation import Suite, SuiteOutcome, load_suites, validate_suite_cached
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
        outcome = validate_suite_cached(con, suite, STAGING, context.run.run_id, settings.suite_parameters,
                                        html_report=report)
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
        "content_fingerprint": outcome.content_fingerprint,
        # honest about reuse: the same rows, suite and settings were validated by GE in that run
        "validated_in_run": outcome.reused_from_run or "this run",
        "reused_validation": outcome.reused_from_run is not None,
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


def _check_result(suite: Suite, outcome: SuiteOutcome, report: str, settings: PostureSettings) -> dg.AssetCheckResult:
    metadata = _metadata(suite, outcome, report)
    if suite.scope == "release":
        row = outcome.rows[0]
        metadata.update({"staged_rows": row["staged_rows"], "published_rows": row["published_rows"],
                         "shrink_percent": round(100 * row["shrink_fraction"], 1),
                         "max_shrink_percent": settings.max_shrink_percent})
    return dg.AssetCheckResult(asset_key=dg.AssetKey([STAGING, suite.table]), check_name=suite.name,
                               passed=outcome.success, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)


def _suite_checks(step: str, suites: list[Suite]) -> dg.AssetChecksDefinition:
    """The checks of every table one step stages, run by one op (a Dagster step costs more than a
    cached validation); each is still its own blocking check on its own table."""
    specs = {dg.AssetCheckKey(dg.AssetKey([STAGING, s.table]), s.name): s for s in suites}

    @dg.multi_asset_check(
        name=f"validate_{step}",
        specs=[dg.AssetCheckSpec(s.name, asset=key.asset_key, description=s.description, blocking=True)
               for key, s in specs.items()],
        can_subset=True,
    )
    def _checks(context: dg.AssetCheckExecutionContext, settings: PostureSettings, duckdb: DuckDBResource):
        for key, suite in specs.items():
            if key in context.selected_asset_check_keys:
                outcome, report = _run_suite(context, settings, duckdb, suite)
                yield _check_result(suite, outcome, report, settings)

    return _checks


def build_validation_checks(producers: list[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    """One check op per step that stages tables, holding the suites of those tables."""
    suites = load_suites()
    checks, covered = [], set()
    for producer in producers:
        tables = {key.path[-1] for key in producer.keys if key.path[0] == STAGING}
        mine = [s for s in suites if s.table in tables]
        covered |= {s.check_id for s in mine}
        if mine:
            checks.append(_suite_checks(producer.node_def.name, mine))
    orphans = sorted(s.check_id for s in suites if s.check_id not in covered)
    if orphans:
        raise ValueError(f"suites whose table no asset stages: {orphans}; check meta.table in expectations/")
    return checks
