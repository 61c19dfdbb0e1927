"""Extraction: movement reports and force-level claims read from each article."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.gazetteer import places
from assets.metadata import staging_out, table_metadata
from pipelines.resources import PostureSettings
from posture import code_version
from posture.extract.cache import OUTPUT_TABLES, ExtractorSpec, extract_incrementally, extractor_version

PROGRESS_EVERY = 5_000  # articles between progress lines in the run log


@dg.multi_asset(
    outs={table.name: staging_out(table) for table in OUTPUT_TABLES},
    # The articles are read from the warehouse in batches (not loaded as one frame), so only
    # the articles the cache lacks are ever held in memory, a batch at a time.
    deps=[dg.AssetKey(["staging", "articles"]), places],
    group_name="extraction",
)
def extract_reports(context: dg.AssetExecutionContext, settings: PostureSettings, duckdb: DuckDBResource):
    """Read movements (with places and assets) and force-level claims from every new or changed article."""
    gazetteer_paths = settings.gazetteer_paths
    version = extractor_version(code_version(), gazetteer_paths)
    spec = ExtractorSpec(tuple(str(p) for p in gazetteer_paths))
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] // PROGRESS_EVERY != (done[0] - count) // PROGRESS_EVERY:
            context.log.info(f"extracted {done[0]} articles")

    with duckdb.get_connection() as con:
        outcome = extract_incrementally(con, version, spec, settings.extract_workers, progress)
    context.log.info(f"extracted {outcome.extracted} articles with {outcome.workers} process(es), "
                     f"reused {outcome.reused}")
    for table in OUTPUT_TABLES:
        frame = outcome.frames[table.name]
        metadata = table_metadata(table, frame)
        metadata.update({"articles_extracted": outcome.extracted, "articles_from_cache": outcome.reused,
                         "extract_processes": outcome.workers, "extractor_version": version})
        yield dg.Output(frame, output_name=table.name, metadata=metadata)
