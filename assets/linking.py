"""Linking: movement reports of several articles merged into movement events; force-level timelines."""

import hashlib
from collections.abc import Callable

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from assets.metadata import staging_out, staging_spec, stored_table_metadata, table_metadata
from assets.validation import record_check_result
from pipelines.resources import LinkingSettings
from posture.linking.checks import (
    LinkCheckOutcome,
    events_keep_one_actor_family,
    events_within_window,
    reports_in_exactly_one_event,
)
from posture.linking.incremental import relink
from posture.linking.force_levels import force_level_latest, force_level_series
from posture.linking.reports import ARTICLE_COLUMNS, REPORT_COLUMNS, build_reports
from posture.linking.store import read_previous_linking, record_linking_state, write_events, write_linking_state
from posture import code_version
from posture.schema import (
    ARTICLES,
    FORCE_LEVEL_LATEST,
    FORCE_LEVEL_SERIES,
    MOVEMENT_ASSETS,
    MOVEMENT_EVENT_ASSETS,
    MOVEMENT_EVENT_PLACES,
    MOVEMENT_EVENT_REPORTS,
    MOVEMENT_EVENTS,
    MOVEMENT_PLACES,
    MOVEMENT_REPORTS,
    NEAR_DUPLICATES,
    PLACES,
)
from posture.warehouse import (
    STAGING,
    read_table,
    record_step_fingerprint,
    step_fingerprint,
    tables_fingerprint,
)

EVENTS_KEY = dg.AssetKey([STAGING, MOVEMENT_EVENTS.name])


def _staged(*names: str, columns: dict[str, tuple[str, ...]] | None = None) -> dict[str, dg.AssetIn]:
    """Inputs from staged tables; ``columns`` names the only columns read of some of them."""
    return {name: dg.AssetIn(key=[STAGING, name], metadata={"columns": list(columns[name])}
                             if columns and name in columns else None) for name in names}


def cluster_size_histogram(sizes: dict[int, int]) -> str:
    """Markdown table: how many events have 1, 2, 3, ... reports."""
    widest = max(sizes.values(), default=0)
    lines = ["| reports per event | events | |", "|---:|---:|---|"]
    for size in sorted(sizes):
        bar = "█" * max(1, round(20 * sizes[size] / widest)) if widest else ""
        lines.append(f"| {size} | {sizes[size]} | {bar} |")
    return "\n".join(lines)


LINK_INPUTS = (MOVEMENT_REPORTS, MOVEMENT_PLACES, MOVEMENT_ASSETS, ARTICLES, PLACES, NEAR_DUPLICATES)
LINK_OUTPUTS = (MOVEMENT_EVENTS, MOVEMENT_EVENT_REPORTS, MOVEMENT_EVENT_PLACES, MOVEMENT_EVENT_ASSETS)
LINK_COLUMNS = {ARTICLES.name: ARTICLE_COLUMNS, MOVEMENT_REPORTS.name: REPORT_COLUMNS}  # no bodies, no evidence
LINKING_STEP = "link_movement_events"


def _step_key(inputs: str, outputs: str) -> str:
    """What linking's step fingerprint records: its inputs, and its outputs as it left them."""
    return hashlib.sha256(f"{inputs}\n{outputs}".encode()).hexdigest()


def linking_inputs_fingerprint(con, rules) -> str:
    """What linking is a function of: the columns it reads of its input tables, the posture code and every rule."""
    return tables_fingerprint(con, STAGING, LINK_INPUTS, code_version(), rules.canonical(), columns=LINK_COLUMNS)


@dg.multi_asset(
    # written here, not through the IO manager: when neither the inputs nor the last outputs changed,
    # nothing is read or written, and the fingerprint of the outputs is taken once they are stored
    specs=[staging_spec(table, [dg.AssetKey([STAGING, t.name]) for t in LINK_INPUTS], "linking")
           for table in LINK_OUTPUTS],
)
def link_movement_events(context: dg.AssetExecutionContext, linking: LinkingSettings, duckdb: DuckDBResource):
    """Merge the movement reports of several articles that describe the same movement into movement events."""
    rules = linking.rules
    with duckdb.get_connection() as con:
        # linking is a function of its input tables and rules: the same inputs, and outputs left as
        # that linking wrote them, give the same events without linking again
        inputs = linking_inputs_fingerprint(con, rules)
        outputs_before = tables_fingerprint(con, STAGING, LINK_OUTPUTS)
        reused = step_fingerprint(con, STAGING, LINKING_STEP) == _step_key(inputs, outputs_before)
        clustered_again = changed = 0
        if not reused:
            staged = {table.name: read_table(con, STAGING, table, columns=LINK_COLUMNS.get(table.name))
                      for table in LINK_INPUTS}
            reports = build_reports(staged["movement_reports"], staged["movement_places"], staged["movement_assets"],
                                    staged["articles"], staged["places"], staged["near_duplicates"],
                                    rules.generic_sources)
            del staged
            # only the connected components of the candidate pairs that changed are clustered again
            relinking = relink(reports, rules, read_previous_linking(con, STAGING, outputs_before, PLACES, rules))
            del reports
            linked, replaced = relinking.linked, None if relinking.everything else relinking.replaced_reports
            clustered_again, changed = len(linked.memberships), len(relinking.changed | relinking.removed)
            write_linking_state(con, STAGING, relinking)
            del relinking  # (its pairs and signatures: let go before the events' frames are built)
            write_events(con, STAGING, [(MOVEMENT_EVENTS, linked.events), (MOVEMENT_EVENT_REPORTS, linked.memberships),
                                        (MOVEMENT_EVENT_PLACES, linked.places), (MOVEMENT_EVENT_ASSETS, linked.assets)],
                         MOVEMENT_EVENT_REPORTS, replaced)
            del linked
            outputs_now = tables_fingerprint(con, STAGING, LINK_OUTPUTS)
            record_linking_state(con, STAGING, outputs_now, PLACES, rules)
            record_step_fingerprint(con, STAGING, LINKING_STEP, _step_key(inputs, outputs_now))
        metadata = {table.name: stored_table_metadata(con, STAGING, table) for table in LINK_OUTPUTS}
        sizes = dict(con.execute(f"SELECT n_reports, count(*) FROM {STAGING}.{MOVEMENT_EVENTS.name} "
                                 "GROUP BY n_reports").fetchall())
        corroborated = con.execute(f"SELECT count(*) FILTER (corroborated) FROM {STAGING}.{MOVEMENT_EVENTS.name}"
                                   ).fetchone()[0]
    context.log.info(f"{sum(size * n for size, n in sizes.items())} reports -> {sum(sizes.values())} events; "
                     f"sizes {sorted(sizes.items())}" + ("; inputs unchanged, not linked again" if reused else ""))
    metadata[MOVEMENT_EVENTS.name].update({
        "cluster_sizes": dg.MetadataValue.md(cluster_size_histogram(sizes)),
        "reports_linked": sum(size * n for size, n in sizes.items() if size > 1),
        "corroborated_events": corroborated,
        "window_days": rules.window_days,
        "linked_again": not reused,
        "reports_changed": changed,  # new, changed or gone since the last linking
        "reports_clustered_again": clustered_again,  # the reports of the components those touched
    })
    for table in LINK_OUTPUTS:
        yield dg.MaterializeResult(asset_key=[STAGING, table.name], metadata=metadata[table.name])


@dg.multi_asset(
    outs={table.name: staging_out(table) for table in (FORCE_LEVEL_SERIES, FORCE_LEVEL_LATEST)},
    ins=_staged("force_levels", "articles", "near_duplicates", columns={"articles": ARTICLE_COLUMNS}),
    group_name="linking",
)
def force_level_timelines(context: dg.AssetExecutionContext, linking: LinkingSettings, force_levels: pl.DataFrame,
                          articles: pl.DataFrame, near_duplicates: pl.DataFrame):
    """Every force-level claim per actor, area and metric in time order, and the latest current figure with its spread."""
    rules = linking.rules
    series = force_level_series(force_levels, articles, near_duplicates, rules)
    latest = force_level_latest(series, rules)
    for table, rows in ((FORCE_LEVEL_SERIES, series), (FORCE_LEVEL_LATEST, latest)):
        frame = table.frame(rows)
        metadata = table_metadata(table, frame)
        if table is FORCE_LEVEL_SERIES:
            metadata["series"] = frame["series_id"].n_unique()
        yield dg.Output(frame, output_name=table.name, metadata=metadata)


def _link_check(name: str, description: str,
                run: Callable[[object, LinkingSettings], LinkCheckOutcome]) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=EVENTS_KEY, name=name, description=description, blocking=True)
    def _check(duckdb: DuckDBResource, linking: LinkingSettings) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            outcome = run(con, linking)
            record_check_result(con, name, MOVEMENT_EVENTS.name, outcome.passed,
                                {"success": outcome.passed, "rows": outcome.checked, "offending": outcome.offending})
        metadata: dict[str, object] = {"checked": outcome.checked, "offending": outcome.offending,
                                       "offending_ids": dg.MetadataValue.json(outcome.examples)}
        if not outcome.passed:
            metadata["report"] = dg.MetadataValue.md(
                f"```\n{outcome.detail}: {outcome.offending} of {outcome.checked}\n"
                + "\n".join(f"  {i}" for i in outcome.examples) + "\n```")
        return dg.AssetCheckResult(passed=outcome.passed, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)

    return _check


linking_checks = [
    _link_check("events_keep_one_actor_family", "No movement event mixes actor families.",
                lambda con, linking: events_keep_one_actor_family(con, STAGING)),
    _link_check("events_within_date_window",
                "No movement event spans more days than the linking window allows.",
                lambda con, linking: events_within_window(con, STAGING, linking.window_days)),
    _link_check("reports_in_exactly_one_event", "Every movement report belongs to exactly one movement event.",
                lambda con, linking: reports_in_exactly_one_event(con, STAGING)),
]
