"""Ingestion: every input file becomes an article, a rejection or a duplicate."""


from importlib.metadata import version

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import staging_out, table_metadata
from pipelines.resources import DUCKDB_CONFIG, KEEP_POOL_BELOW, PostureSettings
from posture import code_version
from posture.ingest.batch import ingest_folder
from posture.ingest.cache import IngestCache
from posture.memory import return_free_heap
from posture.schema import ARTICLES, DUPLICATE_INPUTS, NEAR_DUPLICATES, REJECTED_INPUTS
from posture.warehouse import evict_cached_blocks


READER_LIBRARIES = ("trafilatura", "charset-normalizer", "defusedxml", "lxml")


def reader_version() -> str:
    """What reading a file depends on besides its bytes: our code and the libraries that parse it."""
    return "+".join([code_version(), *(f"{name}=={version(name)}" for name in READER_LIBRARIES)])


@dg.multi_asset(
    outs={
        "articles": staging_out(ARTICLES),
        "rejected_inputs": staging_out(REJECTED_INPUTS),
        "duplicate_inputs": staging_out(DUPLICATE_INPUTS),
        "near_duplicates": staging_out(NEAR_DUPLICATES),
    },
    group_name="ingestion",
)
def read_inbox(context: dg.AssetExecutionContext, settings: PostureSettings, duckdb: DuckDBResource):
    """Read every article file under the inbox; reject unusable inputs, set aside exact duplicates, link near-duplicates."""
    with duckdb.get_connection() as con:
        # files read by an earlier run (same bytes, name, code and reader libraries) are not parsed again
        cache = IngestCache(con, reader_version())
        batch = ingest_folder(settings.inbox_path, max_bytes=settings.max_input_bytes, cache=cache,
                              workers=settings.ingest_workers)
        # reading leaves memory freed but held (at 100k new files ≈ 0.6 GB: the results encoded for
        # the cache, the workers' replies) and DuckDB's cached blocks: handed back before the frames
        # are built on top of the rows, not after the step (its peak 1.9 GB at 100k, sampled)
        evict_cached_blocks(con, DUCKDB_CONFIG["memory_limit"], keep_below=KEEP_POOL_BELOW)
    return_free_heap()
    context.log.info(f"inputs under {settings.inbox_path}: {batch.summary()}; "
                     f"{cache.read_hits} files known from earlier runs, {cache.read_misses} read")
    files_read, files_from_cache = cache.read_misses, cache.read_hits
    frames = [(table, table.frame(rows)) for table, rows in (
        (ARTICLES, batch.articles), (REJECTED_INPUTS, batch.rejected),
        (DUPLICATE_INPUTS, batch.duplicates), (NEAR_DUPLICATES, batch.near_duplicates))]
    del batch  # the rows as Python objects are no longer needed while the frames are written
    for table, frame in frames:
        metadata = table_metadata(table, frame)
        if table is ARTICLES:
            metadata.update({"files_read": files_read, "files_from_cache": files_from_cache})
        yield dg.Output(frame, output_name=table.name, metadata=metadata)
