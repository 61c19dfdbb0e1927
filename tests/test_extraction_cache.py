"""The extraction cache on a real DuckDB file: the worker pool gives the rows extraction in
process gives, and a cache of an older layout is rebuilt rather than misread."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

import posture.extract.cache as cache
from bench.generate import write_corpus
from posture.ingest.batch import ingest_folder
from posture.schema import ARTICLES
from posture.warehouse import write_table


def _warehouse_with_articles(tmp_path, n: int) -> duckdb.DuckDBPyConnection:
    inbox = tmp_path / "inbox"
    write_corpus(n, seed=9, out=inbox)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_table(con, "staging", ARTICLES, ARTICLES.frame(ingest_folder(inbox, max_bytes=1_000_000).articles))
    return con


def test_worker_pool_gives_the_rows_of_extraction_in_process(tmp_path, monkeypatch):
    con = _warehouse_with_articles(tmp_path, 24)
    spec = cache.ExtractorSpec()
    alone = cache.extract_incrementally(con, "v-alone", spec, workers=1)
    assert (alone.extracted, alone.workers) == (24, 1)

    # small batches so that 24 articles keep two processes busy
    monkeypatch.setattr(cache, "BATCH_ARTICLES", 5)
    monkeypatch.setattr(cache, "MIN_ARTICLES_PER_WORKER", 6)
    monkeypatch.setattr(cache, "WRITE_ARTICLES", 12)  # two writes: 15 articles, then the last 9
    batches: list[int] = []
    pooled = cache.extract_incrementally(con, "v-pooled", spec, workers=2, on_batch=batches.append)
    assert (pooled.extracted, pooled.reused, pooled.workers) == (24, 0, 2)
    assert batches == [5, 5, 5, 5, 4]
    assert alone.frames["movement_reports"].height > 0
    for name, frame in alone.frames.items():
        assert pooled.frames[name].equals(frame), name


def test_an_interrupted_extraction_keeps_what_it_wrote_and_extracts_only_the_rest(tmp_path, monkeypatch):
    con = _warehouse_with_articles(tmp_path, 24)
    alone = cache.extract_incrementally(con, "v-alone", cache.ExtractorSpec(), workers=1)
    monkeypatch.setattr(cache, "BATCH_ARTICLES", 5)
    monkeypatch.setattr(cache, "WRITE_ARTICLES", 10)

    seen: list[int] = []

    def interrupt_after_three_batches(n: int) -> None:
        seen.append(n)
        if len(seen) == 3:  # 15 articles extracted, 10 written: the third batch is not
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.extract_incrementally(con, "v2", cache.ExtractorSpec(), workers=1, on_batch=interrupt_after_three_batches)
    resumed = cache.extract_incrementally(con, "v2", cache.ExtractorSpec(), workers=1)
    assert (resumed.extracted, resumed.reused) == (14, 10)
    for name, frame in alone.frames.items():
        assert resumed.frames[name].equals(frame), name


def test_an_old_cache_layout_is_rebuilt(tmp_path):
    con = _warehouse_with_articles(tmp_path, 3)
    con.execute("CREATE TABLE staging.extraction_cache (article_id VARCHAR, extractor_version VARCHAR, payload VARCHAR)")
    con.execute("INSERT INTO staging.extraction_cache SELECT article_id, 'v1', '{}' FROM staging.articles")
    outcome = cache.extract_incrementally(con, "v1", cache.ExtractorSpec(), workers=1)
    assert outcome.extracted == 3  # the old rows said nothing usable: extracted again
    assert cache.extract_incrementally(con, "v1", cache.ExtractorSpec(), workers=1).extracted == 0
    assert isinstance(outcome.frames["force_levels"], pl.DataFrame)
