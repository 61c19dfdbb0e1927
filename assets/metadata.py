"""Metadata every materialisation carries: row count, column schema and a Markdown preview;
charts for the movement and force-level tables; Great Expectations results for the checks."""


import json
from pathlib import Path

import dagster as dg
import polars as pl

from posture.schema import Table
from posture.warehouse import read_table
from posture.validation import SuiteOutcome
from posture.visual.chart_cache import Chart, chart_key, data_uri, drawn_png, keep
from posture.visual.data import movement_map_data, troop_timeline

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 60


def column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.sql_type,
                description=c.description,
                constraints=dg.TableColumnConstraints(nullable=c.nullable, unique=(table.key == (c.name,))),
            )
            for c in table.columns
        ]
    )


def _escape(value: object) -> str:
    return ("" if value is None else str(value)).replace("\n", " ").replace("|", "\\|")


def _cell(value: object) -> str:
    text = _escape(value)
    return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"


def markdown_preview(frame: pl.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    head = frame.head(rows)
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in head.iter_rows()]
    return "\n".join(lines)


def table_metadata(table: Table, frame: pl.DataFrame) -> dict[str, object]:
    return {
        "dagster/row_count": frame.height,
        "dagster/column_schema": column_schema(table),
        "preview": dg.MetadataValue.md(markdown_preview(frame)),
    }


def staging_out(table: Table) -> dg.AssetOut:
    """An output stored as ``staging.<table>``, described from the table definition."""
    return dg.AssetOut(
        key_prefix=["staging"],
        description=table.description,
        metadata={"dagster/column_schema": column_schema(table)},
        kinds={"duckdb", "polars"},
        owners=["team:posture"],
        is_required=True,
    )


def staging_spec(table: Table, deps: list[dg.AssetKey], group_name: str) -> dg.AssetSpec:
    """A table an asset writes to ``staging.<table>`` itself (not through the IO manager)."""
    return dg.AssetSpec(
        key=["staging", table.name],
        description=table.description,
        metadata={"dagster/column_schema": column_schema(table)},
        kinds={"duckdb", "polars"},
        owners=["team:posture"],
        deps=deps,
        group_name=group_name,
    )


def stored_table_metadata(con, schema: str, table: Table) -> dict[str, object]:
    """``table_metadata`` of a stored table, read without loading it: its count and first rows."""
    return {
        "dagster/row_count": con.execute(f"SELECT count(*) FROM {schema}.{table.name}").fetchone()[0],
        "dagster/column_schema": column_schema(table),
        "preview": dg.MetadataValue.md(markdown_preview(read_table(con, schema, table, limit=PREVIEW_ROWS))),
    }


def image_markdown(png: bytes, alt: str, path: Path) -> dg.MarkdownMetadataValue:
    """The chart inline (a base64 data URI the UI renders) and where the same PNG was written."""
    return dg.MetadataValue.md(f"![{alt}]({data_uri(png)})\n\n`{path}`")


def draw_release_charts(frames: dict[str, pl.DataFrame], charts_dir: Path) -> dict[str, tuple[Chart, dict]]:
    """The movement map (shown on ``movement_reports``) and the troop timeline (on ``force_levels``),
    by table, each with the counts shown beside it. Nothing is written yet: ``release_chart_metadata``
    keeps a chart once the release it shows is published.

    Each PNG is drawn again only when its data changed (``posture.visual.chart_cache``); matplotlib
    is imported only then.
    """
    data = movement_map_data(frames["movement_reports"], frames["movement_places"], frames["places"])
    points = troop_timeline(frames["force_levels"], frames["articles"], frames["places"])
    return {
        "movement_reports": (drawn_png(charts_dir / "movement_map.png", chart_key("movement_map", data),
                                       lambda: _charts().render_movement_map(data)), {"routes": len(data.routes)}),
        "force_levels": (drawn_png(charts_dir / "troop_timeline.png", chart_key("troop_timeline", points),
                                   lambda: _charts().render_troop_timeline(points)), {"troop_claims": len(points)}),
    }


_CHART_LABELS = {"movement_reports": ("map", "movement map"), "force_levels": ("timeline", "troop numbers timeline")}


def release_chart_metadata(table_name: str, charts: dict[str, tuple[Chart, dict]]) -> dict[str, object]:
    """A published table's chart, written beside the warehouse, as metadata (none for most tables)."""
    if table_name not in charts:
        return {}
    chart, counts = charts[table_name]
    keep(chart)
    name, alt = _CHART_LABELS[table_name]
    return {name: image_markdown(chart.png, alt, chart.path), f"{name}_file": dg.MetadataValue.path(str(chart.path)),
            f"{name}_redrawn": not chart.reused, **counts}


def _charts():
    from posture.visual import charts  # imports matplotlib (~0.6 s): only when a chart is drawn

    return charts


def check_results_markdown(outcome: SuiteOutcome) -> dg.MarkdownMetadataValue:
    """Every expectation of a Great Expectations suite with its result, as a Markdown table."""
    lines = [f"**{outcome.suite}** on `{outcome.table}`: {outcome.row_count} rows, "
             f"{len(outcome.outcomes) - len(outcome.failed) - len(outcome.warnings)} of {len(outcome.outcomes)} "
             f"expectations passed, {len(outcome.warnings)} warned",
             "", "| expectation | result | unexpected | offending rows |", "|---|---|---|---|"]
    for o in outcome.outcomes:
        examples = "; ".join(_cell(json.dumps(e, ensure_ascii=False, default=str)) for e in o.examples[:3])
        lines.append(f"| `{_escape(o.expectation)}` | {'pass' if o.success else ('warning' if o.severity != 'critical' else '**FAIL**')} | "
                     f"{o.unexpected_count} of {o.element_count} | {examples} |")
    return dg.MetadataValue.md("\n".join(lines))
