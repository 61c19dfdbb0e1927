"""Extraction: movement reports and force-level claims read from each article."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from assets.gazetteer import places
from assets.metadata import staging_out, table_metadata
from pipelines.resources import PostureSettings
from posture import code_version
from posture.extract.cache import extract_with_cache, extractor_version
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
def extract_reports(context: dg.AssetExecutionContext, settings: PostureSettings, duckdb: DuckDBResource,
                    articles: pl.DataFrame):
    """Read movements (with places and assets) and force-level claims from every new or changed article."""
    gazetteer_paths = settings.gazetteer_paths
    extractor = Extractor(load_gazetteer(gazetteer_paths))
    version = extractor_version(code_version(), gazetteer_paths)

    def extract(article: dict):
        return extractor.extract(article["article_id"], article["body"], article["language"],
                                 article["published_date"])

    with duckdb.get_connection() as con:
        outcome = extract_with_cache(con, list(articles.iter_rows(named=True)), version, extract)
    tables = outcome.tables
    context.log.info(f"extracted {outcome.extracted} articles, reused {outcome.reused}: {tables.summary()}")
    for table, rows in ((MOVEMENT_REPORTS, tables.movement_reports), (MOVEMENT_PLACES, tables.movement_places),
                        (MOVEMENT_ASSETS, tables.movement_assets), (FORCE_LEVELS, tables.force_levels)):
        frame = table.frame(rows)
        metadata = table_metadata(table, frame)
        metadata.update({"articles_extracted": outcome.extracted, "articles_from_cache": outcome.reused,
                         "extractor_version": version})
        yield dg.Output(frame, output_name=table.name, metadata=metadata)
