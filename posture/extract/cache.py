"""Per-article extraction results kept in the warehouse, keyed by (article id, extractor version).

A run extracts only articles whose results are missing for the current extractor version;
a new version of the code, lexicons or gazetteer re-extracts everything. Results are stored as
JSON so the cache outlives changes to the table layout.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from posture.extract.extractor import ExtractionTables

CACHE_TABLE = "staging.extraction_cache"
_DATE_COLUMNS = ("event_date", "ref_date")


@dataclass(frozen=True)
class CacheOutcome:
    tables: ExtractionTables
    extracted: int  # articles the extractor ran on
    reused: int  # articles whose results came from the cache


def extractor_version(code_version: str, extra_gazetteers: Iterable[Path]) -> str:
    """The code version plus the content of any user gazetteer, which changes what is extracted."""
    digest = hashlib.sha256(code_version.encode())
    for path in sorted(Path(p) for p in extra_gazetteers):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return f"{code_version}/{digest.hexdigest()[:12]}"


def _encode(tables: ExtractionTables) -> str:
    return json.dumps(tables.__dict__, sort_keys=True, ensure_ascii=False, default=str)


def _decode(payload: str) -> ExtractionTables:
    raw = json.loads(payload)
    for rows in raw.values():
        for row in rows:
            for column in _DATE_COLUMNS:
                if row.get(column):
                    row[column] = date.fromisoformat(row[column])
    return ExtractionTables(**raw)


def extract_with_cache(
    con: duckdb.DuckDBPyConnection,
    articles: list[dict],
    version: str,
    extract: Callable[[dict], ExtractionTables],
) -> CacheOutcome:
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute(f"CREATE TABLE IF NOT EXISTS {CACHE_TABLE} (article_id VARCHAR, extractor_version VARCHAR, "
                "payload VARCHAR, PRIMARY KEY (article_id, extractor_version))")
    con.execute(f"DELETE FROM {CACHE_TABLE} WHERE extractor_version <> ?", [version])
    cached = dict(con.execute(f"SELECT article_id, payload FROM {CACHE_TABLE}").fetchall())
    tables = ExtractionTables()
    fresh: list[tuple[str, str, str]] = []
    for article in sorted(articles, key=lambda a: a["article_id"]):
        payload = cached.get(article["article_id"])
        if payload is None:
            payload = _encode(extract(article))
            fresh.append((article["article_id"], version, payload))
        tables.extend(_decode(payload))
    if fresh:
        con.executemany(f"INSERT OR REPLACE INTO {CACHE_TABLE} VALUES (?, ?, ?)", fresh)
    return CacheOutcome(tables, extracted=len(fresh), reused=len(articles) - len(fresh))
