"""What reading the inbox found last time, kept in the warehouse so a run re-reads only new files.

Reading a file (decoding, HTML extraction, metadata, language detection) costs far more than
hashing its bytes, and a corpus grows by a few files a day. The tables, in the warehouse:

- ``staging.read_cache``: the results of reading one input file (its articles and rejections,
  as JSON), keyed by the sha256 of the file's bytes, its source_uri and the size limit; valid for
  one version of the code (any change to the readers makes everything be read again);
- ``staging.signature_cache``: each article's near-duplicate signature (MinHash values and
  shingle count), keyed by article id, i.e. by its text;
- ``staging.near_duplicate_searched`` and ``staging.near_duplicate_pairs``: the articles the last
  near-duplicate search covered and the pairs it found among them, so a run compares only its
  new articles (with all the others);
- ``staging.file_cache``: the read-cache key of each file as it was when read, with its status
  (size, modification and status-change times, inode, device). A file whose status is unchanged
  is not opened again: rewriting a file always moves its status-change time, which no program
  can set back. A file changed less than ``SETTLE_SECONDS`` before it was read is not remembered
  (it might change again within the same tick of the file system's clock): it is read again.

    cache = IngestCache(con, code_version())
    batch = ingest_folder(inbox, max_bytes=..., cache=cache)

Results read from the cache are the results the readers would give: the key covers everything
a reader looks at (the bytes, the name, the size limit, the code).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date

import duckdb
import numpy as np
import pyarrow as pa

from posture.ingest.records import ArticleRecord, InputResult, Rejection
from posture.warehouse import transaction

READ_CACHE = "staging.read_cache"
SIGNATURE_CACHE = "staging.signature_cache"
FILE_CACHE = "staging.file_cache"
SEARCHED = "staging.near_duplicate_searched"
PAIRS = "staging.near_duplicate_pairs"
SETTLE_SECONDS = 5  # coarser than any file system's clock (FAT: 2 s)
RESULTS_PER_BATCH = 2048  # stored results decoded at a time


def _encode(results: list[InputResult]) -> str:
    items = [{"article": asdict(r)} if isinstance(r, ArticleRecord) else {"rejection": asdict(r)} for r in results]
    text = json.dumps(items, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (from a file name): escape it rather than fail
        text = json.dumps(items, ensure_ascii=True, default=str)
    return text


def _decode(payload: str) -> list[InputResult]:
    results: list[InputResult] = []
    for item in json.loads(payload):
        if "article" in item:
            fields = item["article"]
            if fields["published_date"]:
                fields["published_date"] = date.fromisoformat(fields["published_date"])
            results.append(ArticleRecord(**fields))
        else:
            results.append(Rejection(**item["rejection"]))
    return results


class IngestCache:
    """Read results, near-duplicate signatures and file statuses of one code version, in a DuckDB warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection, version: str, clock: Callable[[], int] = time.time_ns):
        self.con, self.version, self.clock = con, version, clock
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        con.execute(f"CREATE TABLE IF NOT EXISTS {READ_CACHE} "
                    "(input_key VARCHAR, version VARCHAR, results VARCHAR)")
        con.execute(f"CREATE TABLE IF NOT EXISTS {SIGNATURE_CACHE} "
                    "(article_id VARCHAR, version VARCHAR, signature BLOB, shingles INTEGER)")
        con.execute(f"CREATE TABLE IF NOT EXISTS {FILE_CACHE} (source_uri VARCHAR, max_bytes BIGINT, "
                    "status VARCHAR, input_key VARCHAR, version VARCHAR, PRIMARY KEY (source_uri, max_bytes))")
        con.execute(f"CREATE TABLE IF NOT EXISTS {SEARCHED} (article_id VARCHAR, version VARCHAR)")
        con.execute(f"CREATE TABLE IF NOT EXISTS {PAIRS} "
                    "(article_id_a VARCHAR, article_id_b VARCHAR, similarity DOUBLE, version VARCHAR)")
        for table in (READ_CACHE, SIGNATURE_CACHE, FILE_CACHE, SEARCHED, PAIRS):
            # asked first: a DELETE that removes nothing still costs a pass over the stored results
            if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE version <> ?)", [version]).fetchone()[0]:
                con.execute(f"DELETE FROM {table} WHERE version <> ?", [version])
        self.read_hits = self.read_misses = 0
        self._files_read: dict[tuple[str, int], tuple[str, str]] = {}  # (uri, size limit): (status, key), to store

    # -- files unchanged since they were read
    @staticmethod
    def _status(info: os.stat_result) -> str:
        return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"

    def unchanged_file_keys(self, files: dict[str, os.stat_result], max_bytes: int) -> dict[str, str]:
        """For those of ``files`` (source_uri: status) unchanged since they were read, and whose
        results are still stored: the key of their bytes."""
        if not files:
            return {}
        rows = self.con.execute(
            f"SELECT f.source_uri, f.status, f.input_key FROM {FILE_CACHE} f WHERE f.version = ? "
            "AND f.max_bytes = ? AND f.source_uri IN (SELECT unnest(?::VARCHAR[])) AND EXISTS "
            f"(SELECT 1 FROM {READ_CACHE} r WHERE r.input_key = f.input_key AND r.version = f.version)",
            [self.version, max_bytes, list(files)]).fetchall()
        return {uri: key for uri, status, key in rows if status == self._status(files[uri])}

    def remember_file(self, source_uri: str, info: os.stat_result, max_bytes: int, key: str) -> None:
        """Note the key of a file just read (stored with the results, by ``store_results``)."""
        if max(info.st_mtime_ns, info.st_ctime_ns) < self.clock() - SETTLE_SECONDS * 10**9:
            self._files_read[(source_uri, max_bytes)] = (self._status(info), key)

    @staticmethod
    def input_key(data: bytes, source_uri: str, max_bytes: int) -> str:
        digest = hashlib.sha256(data)
        digest.update(f"\0{source_uri}\0{max_bytes}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    # -- read results
    def read_results(self, keys: list[str]) -> dict[str, list[InputResult]]:
        """The cached results of those of ``keys`` that are known."""
        if not keys:
            return {}
        # streamed: the stored JSON of a batch at a time, decoded as it comes (at 100k files all of
        # it at once is ~200 MB of strings, on top of DuckDB's copy)
        reader = self.con.execute(
            f"SELECT input_key, results FROM {READ_CACHE} WHERE version = ? "
            "AND input_key IN (SELECT unnest(?::VARCHAR[]))", [self.version, keys]).to_arrow_reader(RESULTS_PER_BATCH)
        found = {key: _decode(payload) for batch in reader
                 for key, payload in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist())}
        self.read_hits += len(found)
        self.read_misses += len(set(keys) - found.keys())
        return found

    def store_results(self, entries: dict[str, list[InputResult]]) -> None:
        """Store the results of files just read, then the keys of those files (in this order: a
        file's key is never stored without its results)."""
        if entries:
            self._insert(READ_CACHE, {"input_key": list(entries), "version": [self.version] * len(entries),
                                      "results": [_encode(results) for results in entries.values()]})
        if self._files_read:
            files, self._files_read = self._files_read, {}
            rows = pa.table({"source_uri": [uri for uri, _ in files], "max_bytes": [limit for _, limit in files],  # noqa: F841
                             "status": [status for status, _ in files.values()],
                             "input_key": [key for _, key in files.values()], "version": [self.version] * len(files)})
            self.con.execute(f"INSERT OR REPLACE INTO {FILE_CACHE} SELECT * FROM rows")

    # -- near-duplicate signatures
    def signatures(self, article_ids: Iterable[str]) -> dict[str, tuple[np.ndarray, int]]:
        ids = list(article_ids)
        if not ids:
            return {}
        rows = self.con.execute(
            f"SELECT article_id, signature, shingles FROM {SIGNATURE_CACHE} WHERE version = ? "
            "AND article_id IN (SELECT unnest(?::VARCHAR[]))", [self.version, ids]).fetchall()
        return {aid: (np.frombuffer(blob, dtype=np.uint64), count) for aid, blob, count in rows}

    def store_signatures(self, entries: dict[str, tuple[np.ndarray, int]]) -> None:
        if entries:
            self._insert(SIGNATURE_CACHE, {
                "article_id": list(entries), "version": [self.version] * len(entries),
                "signature": [values.astype(np.uint64).tobytes() for values, _ in entries.values()],
                "shingles": [count for _, count in entries.values()]})

    def _insert(self, table: str, columns: dict[str, list]) -> None:
        rows = pa.table(columns)  # noqa: F841 (read by DuckDB)
        self.con.execute(f"INSERT INTO {table} SELECT * FROM rows")

    # -- the last near-duplicate search
    def searched_near_duplicates(self) -> tuple[set[str], list[tuple[str, str, float]]]:
        """The articles the last search covered, and the pairs it found among them."""
        searched = {aid for (aid,) in self.con.execute(
            f"SELECT article_id FROM {SEARCHED} WHERE version = ?", [self.version]).fetchall()}
        pairs = self.con.execute(f"SELECT article_id_a, article_id_b, similarity FROM {PAIRS} WHERE version = ?",
                                 [self.version]).fetchall()
        return searched, pairs

    def store_near_duplicates(self, searched: set[str], pairs: list[tuple[str, str, float]],
                              searched_before: set[str]) -> None:
        """Record a search over ``searched`` that found ``pairs``; ``searched_before`` is what
        ``searched_near_duplicates`` gave (the covered articles are changed by difference, in one
        transaction with the pairs)."""
        gone, added = sorted(searched_before - searched), sorted(searched - searched_before)
        with transaction(self.con):
            if gone:
                self.con.execute(f"DELETE FROM {SEARCHED} WHERE version = ? AND article_id IN "
                                 "(SELECT unnest(?::VARCHAR[]))", [self.version, gone])
            if added:
                self._insert(SEARCHED, {"article_id": added, "version": [self.version] * len(added)})
            self.con.execute(f"DELETE FROM {PAIRS} WHERE version = ?", [self.version])
            if pairs:
                self._insert(PAIRS, {"article_id_a": [a for a, _, _ in pairs], "article_id_b": [b for _, b, _ in pairs],
                                     "similarity": [similarity for _, _, similarity in pairs],
                                     "version": [self.version] * len(pairs)})
