"""Extraction: movement reports and force-level claims read from each article."""


import dagster as dg
import polars as pl

from assets.gazetteer import places
from assets.metadata import staging_out, table_metadata
from pipelines.resources import PostureSettings
from posture.extract.extractor import Extractor
from posture.gazetteer.gazetteer import load_gazetteer
from posture.schema import FORCE_LEVELS, MOVEMENT_ASSETS, MOVEMENT_PLACES, MOVEMENT_REPORTS


@dg.multi_asset(
    outs={
        "movement_reports": staging_out(MOVEMENT_REPORTS),
        "movement_places": staging_out(MOVEMENT_PLACES),
        "movement_assets": staging_out(MOVEMENT_ASSETS),
        "force_levels": staging_out(FORCE_LEVELS),
    },
    ins={"articles": dg.AssetIn(key=["staging", "articles"])},
    deps=[places],
    group_name="extraction",
)
def extract_reports(context: dg.AssetExecutionContext, settings: PostureSettings, articles: pl.DataFrame):
    """Read movements (with places and assets) and force-level claims from every article."""
    extractor = Extractor(load_gazetteer(settings.gazetteer_paths))
    tables = extractor.extract_all(articles.iter_rows(named=True))
    context.log.info(f"extracted from {articles.height} articles: {tables.summary()}")
    for table, rows in ((MOVEMENT_REPORTS, tables.movement_reports), (MOVEMENT_PLACES, tables.movement_places),
                        (MOVEMENT_ASSETS, tables.movement_assets), (FORCE_LEVELS, tables.force_levels)):
        frame = table.frame(rows)
        yield dg.Output(frame, output_name=table.name, metadata=table_metadata(table, frame))
