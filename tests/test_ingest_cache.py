"""The ingestion cache on a real DuckDB file: files read before are not parsed again, and the
outcome is the one reading them again gives, for every awkward input."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from posture import code_version
from posture.ingest.batch import ingest_folder
from posture.ingest.cache import IngestCache
from posture import processes
from posture.processes import WorkerPool
from tests.conftest import REPO
from tests.pipeline_runs import materialize_all

AWKWARD = REPO / "tests" / "fixtures" / "awkward"
MAX_BYTES = 5_000_000


def test_cached_reading_gives_what_reading_gives(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(AWKWARD, inbox)
    uncached = ingest_folder(inbox, max_bytes=MAX_BYTES)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        first_cache = IngestCache(con, code_version())
        first = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=first_cache)
        second_cache = IngestCache(con, code_version())
        second = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=second_cache)
        assert first_cache.read_hits == 0 and first_cache.read_misses > 20
        assert (second_cache.read_hits, second_cache.read_misses) == (first_cache.read_misses, 0)
        assert first == uncached and second == uncached

        # an edited file is read again, the others come from the cache
        edited = inbox / "nested" / "deeper" / "turkish_reinforcements.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nA line added later.\n", encoding="utf-8")
        third_cache = IngestCache(con, code_version())
        third = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=third_cache)
        assert third_cache.read_misses == 1
        assert third == ingest_folder(inbox, max_bytes=MAX_BYTES)

        # another code version reads everything again
        other = IngestCache(con, code_version() + "-other")
        ingest_folder(inbox, max_bytes=MAX_BYTES, cache=other)
        assert other.read_hits == 0


def test_worker_processes_read_and_sign_what_one_process_does(tmp_path, monkeypatch):
    """Every awkward input (rejections, encodings, feeds, duplicates) parsed and signed in two
    spawned workers gives the batch of reading in process, in the same order."""
    inbox = tmp_path / "inbox"
    shutil.copytree(AWKWARD, inbox)
    in_workers = []
    real_map = WorkerPool.map

    def recording_map(self, func, items):
        results = real_map(self, func, items)
        in_workers.append(self._pool is not None)
        return results

    monkeypatch.setattr(processes, "MIN_ITEMS", 1)
    monkeypatch.setattr(WorkerPool, "map", recording_map)
    with duckdb.connect(str(tmp_path / "a.duckdb")) as con:
        pooled = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version()), workers=2)
    assert in_workers and all(in_workers)  # files parsed and bodies signed in the workers
    monkeypatch.undo()
    with duckdb.connect(str(tmp_path / "b.duckdb")) as con:
        alone = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version()), workers=1)
    assert pooled == alone and len(pooled.articles) > 10 and pooled.rejected


def test_a_pool_below_its_threshold_starts_no_process(monkeypatch):
    monkeypatch.setattr(processes, "MIN_ITEMS", 5)
    with WorkerPool(2) as pool:
        assert pool.map(len, ["ab", "c"]) == [2, 1] and pool._pool is None
    monkeypatch.setattr(processes, "MIN_ITEMS", 1)
    with pytest.raises(ZeroDivisionError), WorkerPool(2) as pool:
        pool.map(_reciprocal, [1, 0])  # an error in a worker reaches the caller


def _reciprocal(x: int) -> float:
    return 1 / x


def test_a_second_run_reads_no_file_again(tmp_path, sample_inbox):
    warehouse = tmp_path / "w" / "warehouse.duckdb"

    def files(result):
        for event in result.get_asset_materialization_events():
            materialization = event.step_materialization_data.materialization
            if materialization.asset_key.to_user_string() == "staging/articles":
                return materialization.metadata["files_read"].value, materialization.metadata["files_from_cache"].value
        raise AssertionError("no staging/articles materialisation")

    assert files(materialize_all(sample_inbox, warehouse)) == (1, 0)
    assert files(materialize_all(sample_inbox, warehouse)) == (0, 1)
