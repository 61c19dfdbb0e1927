"""Per-article extraction results kept in the warehouse, keyed by (article id, extractor version).

A run extracts only the articles that have no results for the current extractor version; a new
version of the code, lexicons or gazetteer re-extracts everything.

    outcome = extract_incrementally(con, version, ExtractorSpec(gazetteer_paths), workers=2)
    outcome.frames["movement_reports"]  # every current article's rows, fresh or reused

Layout, chosen so that a run touches only new work in Python and everything else in SQL:

- ``staging.extraction_cache`` lists the articles extracted by a version (one row per article,
  also for articles that yield no rows, so they are not extracted again);
- ``staging.extraction_cache_<table>`` holds the rows of each output table with the article
  they came from and the version; reused rows are selected there, never decoded one by one.

New articles are read from ``staging.articles`` in batches and extracted by a pool of worker
processes (one per core by default); their rows are written to the cache through Arrow every
few batches, so memory holds a few batches of bodies and rows, not the corpus. The DuckDB file is only
ever written by the calling process: the workers get article texts and return rows.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from posture.extract.extractor import Extractor
from posture.gazetteer.gazetteer import load_gazetteer
from posture.processes import requested_workers, spawned_pool
from posture.schema import Column, FORCE_LEVELS, MOVEMENT_ASSETS, MOVEMENT_PLACES, MOVEMENT_REPORTS, Table

if TYPE_CHECKING:  # (only the writing process holds a connection: a worker need not load DuckDB)
    import duckdb

CACHE_SCHEMA = "staging"
CACHE_INDEX = f"{CACHE_SCHEMA}.extraction_cache"
OUTPUT_TABLES: tuple[Table, ...] = (MOVEMENT_REPORTS, MOVEMENT_PLACES, MOVEMENT_ASSETS, FORCE_LEVELS)
ARTICLES_TABLE = "staging.articles"

BATCH_ARTICLES = 250  # articles per task sent to a worker
WRITE_ARTICLES = 2_500  # articles whose results are written to the cache in one transaction
MIN_ARTICLES_PER_WORKER = 2 * BATCH_ARTICLES  # fewer new articles than this: extract in process


def cache_table(table: Table) -> str:
    return f"{CACHE_SCHEMA}.extraction_cache_{table.name}"


@dataclass(frozen=True)
class CacheOutcome:
    frames: dict[str, pl.DataFrame]  # output table name -> rows of every current article, sorted by key
    extracted: int  # articles the extractor ran on
    reused: int  # articles whose results came from the cache
    workers: int  # processes that extracted (1: in process)


@dataclass(frozen=True)
class ExtractorSpec:
    """What a worker process needs to build the same extractor as the caller."""

    gazetteer_paths: tuple[str, ...] = ()

    def build(self) -> Extractor:
        return Extractor(load_gazetteer([Path(p) for p in self.gazetteer_paths]))


def extractor_version(code_version: str, extra_gazetteers: Iterable[Path]) -> str:
    """The code version plus the content of any user gazetteer, which changes what is extracted."""
    digest = hashlib.sha256(code_version.encode())
    for path in sorted(Path(p) for p in extra_gazetteers):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return f"{code_version}/{digest.hexdigest()[:12]}"


# ------------------------------------------------------------------------------ cache tables


def _cache_columns(table: Table) -> list[tuple[str, str]]:
    return [("article_id", "VARCHAR"), ("extractor_version", "VARCHAR"),
            *((c.name, c.sql_type) for c in table.columns if c.name != "article_id")]


def _ensure_table(con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]]) -> None:
    """Create ``name`` with ``columns``; an older layout of the cache is dropped and rebuilt."""
    schema, table = name.split(".")
    found = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema, table]).fetchall()
    if found and [tuple(c) for c in found] != columns:
        con.execute(f"DROP TABLE {name}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {name} ("
                + ", ".join(f'"{c}" {t}' for c, t in columns) + ")")


def prepare_cache(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Create the cache tables and drop every result of another extractor version."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {CACHE_SCHEMA}")
    _ensure_table(con, CACHE_INDEX, [("article_id", "VARCHAR"), ("extractor_version", "VARCHAR")])
    for table in OUTPUT_TABLES:
        _ensure_table(con, cache_table(table), _cache_columns(table))
    for name in (CACHE_INDEX, *(cache_table(t) for t in OUTPUT_TABLES)):
        # asked first: a DELETE that removes nothing still costs a pass over the stored results
        if con.execute(f"SELECT EXISTS (SELECT 1 FROM {name} WHERE extractor_version <> ?)", [version]).fetchone()[0]:
            con.execute(f"DELETE FROM {name} WHERE extractor_version <> ?", [version])


def _pending_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        f"SELECT article_id FROM {ARTICLES_TABLE} a WHERE NOT EXISTS "
        f"(SELECT 1 FROM {CACHE_INDEX} c WHERE c.article_id = a.article_id) ORDER BY article_id").fetchall()]


def _batches(con: duckdb.DuckDBPyConnection, ids: list[str]) -> Iterator[list[tuple]]:
    """(article_id, body, language, published_date) of ``ids``, ``BATCH_ARTICLES`` at a time."""
    for start in range(0, len(ids), BATCH_ARTICLES):
        chunk = ids[start:start + BATCH_ARTICLES]
        yield con.execute(
            f"SELECT article_id, body, language, published_date FROM {ARTICLES_TABLE} "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY article_id", [chunk]).fetchall()


class _CacheWriter:
    """Writes batches' results (rows tagged with their article id) to the cache tables, several
    batches per INSERT and transaction: one INSERT per batch and table cost the writing process
    more CPU than reading the articles for the workers. A crash loses at most the rows not yet
    written, which the next run extracts again."""

    def __init__(self, con: duckdb.DuckDBPyConnection, version: str):
        self.con, self.version = con, version
        self._reset()

    def _reset(self) -> None:
        self.article_ids: list[str] = []
        self.frames: dict[str, list[pl.DataFrame]] = {t.name: [] for t in OUTPUT_TABLES}

    def add(self, article_ids: list[str], frames: dict[str, pl.DataFrame]) -> None:
        self.article_ids += article_ids
        for table in OUTPUT_TABLES:
            if frames[table.name].height:
                self.frames[table.name].append(frames[table.name])
        if len(self.article_ids) >= WRITE_ARTICLES:
            self.flush()

    def flush(self) -> None:
        if not self.article_ids:
            return
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in OUTPUT_TABLES:
                if self.frames[table.name]:
                    arrow_rows = pl.concat(self.frames[table.name]).with_columns(  # noqa: F841 (read by DuckDB)
                        extractor_version=pl.lit(self.version, pl.String())).select(
                        [n for n, _ in _cache_columns(table)]).to_arrow()
                    self.con.execute(f"INSERT INTO {cache_table(table)} SELECT * FROM arrow_rows")
            index = pl.DataFrame({"article_id": self.article_ids, "extractor_version": self.version},
                                 schema={"article_id": pl.String(), "extractor_version": pl.String()})
            arrow_index = index.to_arrow()  # noqa: F841 (read by DuckDB)
            self.con.execute(f"INSERT INTO {CACHE_INDEX} SELECT * FROM arrow_index")
        except BaseException:
            self.con.execute("ROLLBACK")  # all of these batches or none: an article is never half cached
            raise
        self.con.execute("COMMIT")
        self._reset()


def _current_frames(con: duckdb.DuckDBPyConnection, version: str) -> dict[str, pl.DataFrame]:
    """The cached rows of every article now in ``staging.articles``, typed and sorted by key."""
    frames = {}
    for table in OUTPUT_TABLES:
        columns = ", ".join(f'c."{name}"' for name in table.column_names)
        order = ", ".join(f'c."{k}" NULLS LAST' for k in table.key)
        frame = con.execute(
            f"SELECT {columns} FROM {cache_table(table)} c SEMI JOIN {ARTICLES_TABLE} a "
            f"ON a.article_id = c.article_id WHERE c.extractor_version = ? ORDER BY {order}", [version]).pl()
        frames[table.name] = frame.cast(table.polars_schema)
    return frames


# ------------------------------------------------------------------------------ extraction

_worker_extractor: Extractor | None = None  # one per worker process, built once


def _start_worker(spec: ExtractorSpec) -> None:
    global _worker_extractor
    _worker_extractor = spec.build()


def extract_batch(extractor: Extractor, batch: list[tuple]) -> dict[str, pl.DataFrame]:
    """Rows of each output table for a batch of articles, tagged with their article id, as typed
    frames (built here, in the worker, so the writing process only inserts them)."""
    rows: dict[str, list[dict]] = {t.name: [] for t in OUTPUT_TABLES}
    for article_id, body, language, published in batch:
        tables = extractor.extract(article_id, body, language, published)
        for table in OUTPUT_TABLES:
            rows[table.name].extend({**row, "article_id": article_id} for row in getattr(tables, table.name))
    return {table.name: pl.DataFrame(rows[table.name], schema=_row_schema(table)) for table in OUTPUT_TABLES}


def _row_schema(table: Table) -> dict[str, pl.DataType]:
    return {name: Column(name, sql_type, "").polars_type
            for name, sql_type in _cache_columns(table) if name != "extractor_version"}


def _extract_in_worker(batch: list[tuple]) -> dict[str, pl.DataFrame]:
    assert _worker_extractor is not None
    return extract_batch(_worker_extractor, batch)


def worker_count(requested: int, pending: int) -> int:
    """Processes to use: ``requested`` (0 = one per core), fewer when there is little to do."""
    return max(1, min(requested_workers(requested), pending // MIN_ARTICLES_PER_WORKER))


def extract_incrementally(
    con: duckdb.DuckDBPyConnection,
    version: str,
    spec: ExtractorSpec,
    workers: int = 0,
    on_batch: Callable[[int], None] | None = None,
) -> CacheOutcome:
    """Extract the articles of ``staging.articles`` that the cache lacks for ``version``; return
    the rows of all of them. ``on_batch`` is told how many articles each finished batch had."""
    prepare_cache(con, version)
    pending = _pending_ids(con)
    total = con.execute(f"SELECT count(*) FROM {ARTICLES_TABLE}").fetchone()[0]
    processes = worker_count(workers, len(pending))

    writer = _CacheWriter(con, version)

    def finished(batch: list[tuple], frames: dict[str, pl.DataFrame]) -> None:
        writer.add([a[0] for a in batch], frames)
        if on_batch:
            on_batch(len(batch))

    if processes == 1:
        extractor = spec.build() if pending else None
        for batch in _batches(con, pending):
            finished(batch, extract_batch(extractor, batch))
    else:
        # spawn: workers start clean (no copy of the caller's threads, locks or DuckDB handles).
        # At most two batches per worker are in flight, so memory holds a few batches of bodies;
        # results are stored in the order the batches were sent (FIFO), by this process only.
        with spawned_pool(processes, _start_worker, (spec,)) as pool:
            in_flight: deque = deque()
            for batch in _batches(con, pending):
                in_flight.append((batch, pool.apply_async(_extract_in_worker, (batch,))))
                while len(in_flight) >= 2 * processes:
                    sent, result = in_flight.popleft()
                    finished(sent, result.get())
            while in_flight:
                sent, result = in_flight.popleft()
                finished(sent, result.get())
    writer.flush()
    return CacheOutcome(_current_frames(con, version), extracted=len(pending),
                        reused=total - len(pending), workers=processes)
