"""The ingestion cache on a real DuckDB file: files read before are not parsed again, and the
outcome is the one reading them again gives, for every awkward input."""

from __future__ import annotations

import os
import shutil
import time

import duckdb
import pytest

from posture import code_version
from posture.ingest.batch import ingest_folder
from posture.ingest.cache import IngestCache
from posture import processes
from posture.ingest import readers
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


def _opened_files(monkeypatch) -> list[str]:
    """The source_uris whose bytes the readers read from now on."""
    opened: list[str] = []
    real_read = readers._read_bytes

    def recording_read(path, source_uri, max_bytes):
        opened.append(source_uri)
        return real_read(path, source_uri, max_bytes)

    monkeypatch.setattr(readers, "_read_bytes", recording_read)
    return opened


def _a_minute_later() -> int:
    return time.time_ns() + 60 * 10**9


def test_a_file_unchanged_since_it_was_read_is_not_opened_again(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    shutil.copytree(AWKWARD, inbox)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        first = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version(), _a_minute_later))
        opened = _opened_files(monkeypatch)
        again = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version(), _a_minute_later))
        assert opened == [] and again == first

        # the same size, other bytes and the old modification time put back: its status-change
        # time moved, so it is read again, and what it says now is what the batch holds
        edited = inbox / "nested" / "deeper" / "turkish_reinforcements.md"
        before = edited.stat()
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("Turkish", "Russian", 1), encoding="utf-8")
        os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert edited.stat().st_size == before.st_size and edited.stat().st_mtime_ns == before.st_mtime_ns
        changed = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version(), _a_minute_later))
        assert opened == ["nested/deeper/turkish_reinforcements.md"]
        monkeypatch.undo()
        assert changed == ingest_folder(inbox, max_bytes=MAX_BYTES) != first

        # an unchanged file whose results are gone from the cache is read after all
        con.execute("DELETE FROM staging.read_cache")
        opened = _opened_files(monkeypatch)
        assert ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version())) == changed
        assert len(opened) > 20


def test_a_file_changed_moments_before_it_was_read_is_read_again_next_time(tmp_path, monkeypatch):
    """Within one tick of the file system's clock a second change leaves the status as it was:
    a file that recent is not remembered."""
    inbox = tmp_path / "inbox"
    shutil.copytree(AWKWARD, inbox)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        first = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version()))  # now: just copied
        opened = _opened_files(monkeypatch)
        second_cache = IngestCache(con, code_version())
        assert ingest_folder(inbox, max_bytes=MAX_BYTES, cache=second_cache) == first
        assert len(opened) > 20 and second_cache.read_misses == 0  # opened, hashed, and known by their bytes


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


def test_a_grown_inbox_compares_only_its_new_articles_for_near_duplicates(tmp_path, monkeypatch):
    """The pairs found before are kept while both articles stay; a new article is compared with all
    of them; the outcome is what a search from scratch finds."""
    from bench.generate import write_corpus
    from posture.ingest.near_duplicates import NearDuplicateIndex

    inbox = tmp_path / "inbox"
    write_corpus(40, seed=3, out=inbox)
    convoy = (REPO / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt").read_text(encoding="utf-8")
    (inbox / "convoy.txt").write_text(convoy, encoding="utf-8")
    (inbox / "convoy-copy.txt").write_text(convoy + "\nThe ministry declined to comment.\n", encoding="utf-8")
    searched_among: list[int | None] = []
    real_pairs = NearDuplicateIndex.pairs

    def recording_pairs(self, shingles_of, threshold=0.8, among=None):
        searched_among.append(None if among is None else len(among))
        return real_pairs(self, shingles_of, threshold, among)

    monkeypatch.setattr(NearDuplicateIndex, "pairs", recording_pairs)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        first = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version()))
        assert len(first.near_duplicates) == 1 and searched_among == [None]  # everything is new

        # one of the pair gone, a second copy and an unrelated article new
        (inbox / "convoy.txt").unlink()
        (inbox / "convoy-again.txt").write_text(convoy + "\nNo casualties were reported.\n", encoding="utf-8")
        shutil.copy(REPO / "tests" / "fixtures" / "awkward" / "nested" / "deeper" / "turkish_reinforcements.md",
                    inbox / "turkish.md")
        second = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version()))
        assert searched_among[1:] == [2]  # the two new articles
        assert second.near_duplicates == ingest_folder(inbox, max_bytes=MAX_BYTES).near_duplicates
        assert len(second.near_duplicates) == 1  # the two copies, now that the original is gone

        searched_among.clear()
        third = ingest_folder(inbox, max_bytes=MAX_BYTES, cache=IngestCache(con, code_version()))
        assert third.near_duplicates == second.near_duplicates and searched_among == [0]  # nothing new
