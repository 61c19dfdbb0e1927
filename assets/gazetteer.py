"""The gazetteer: bundled places plus any user CSV or GeoNames dump."""


import dagster as dg
import polars as pl

from assets.metadata import column_schema, table_metadata
from pipelines.resources import PostureSettings
from posture.gazetteer.gazetteer import load_gazetteer
from posture.schema import PLACES


@dg.asset(
    key_prefix=["staging"],
    group_name="reference",
    owners=["team:posture"],
    kinds={"duckdb", "polars"},
    metadata={"dagster/column_schema": column_schema(PLACES)},
)
def places(context: dg.AssetExecutionContext, settings: PostureSettings) -> dg.Output[pl.DataFrame]:
    """Every place an extracted row can point at: bases, fields, crossings, towns, governorates, countries."""
    gazetteer = load_gazetteer(settings.gazetteer_paths)
    frame = PLACES.frame(gazetteer.rows())
    return dg.Output(frame, metadata=table_metadata(PLACES, frame))
