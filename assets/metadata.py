"""Metadata every materialisation carries: row count, column schema and a Markdown preview."""


import dagster as dg
import polars as pl

from posture.schema import Table

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


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ").replace("|", "\\|")
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
