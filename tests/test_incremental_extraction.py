"""Incremental extraction through real Dagster runs: a new article costs one extraction, a new
extractor version re-extracts everything, and reused results equal fresh ones."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from bench.generate import write_corpus
from posture.extract.extractor import Extractor
from tests.conftest import REPO
from tests.pipeline_runs import materialize_all

CORPUS_SIZE = 200  # "hundreds": small enough for the suite, big enough to show the cost is per new article
VERSION_CORPUS_SIZE = 50
NEW_ARTICLE = REPO / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt"
USER_GAZETTEER = REPO / "tests" / "fixtures" / "gazetteer" / "user_places.csv"


def _metadata(result, asset: str) -> dict[str, object]:
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key.to_user_string() == asset:
            return {k: v.value for k, v in materialization.metadata.items()}
    raise AssertionError(f"the run did not materialise {asset}")


def _extraction_metadata(result) -> dict[str, object]:
    return _metadata(result, "staging/movement_reports")


def _release_hash(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT content_sha256 FROM dataset_versions ORDER BY version DESC LIMIT 1").fetchone()[0]


@pytest.fixture
def counted_extractions(monkeypatch) -> Counter:
    """How often the extractor ran on each article (runs this small extract in this process)."""
    calls: Counter = Counter()
    extract = Extractor.extract

    def counting(self, article_id, *args, **kwargs):
        calls[article_id] += 1
        return extract(self, article_id, *args, **kwargs)

    monkeypatch.setattr(Extractor, "extract", counting)
    return calls


def test_one_new_article_is_the_only_one_extracted(tmp_path, counted_extractions):
    inbox = tmp_path / "inbox"
    write_corpus(CORPUS_SIZE, seed=5, out=inbox)
    warehouse = tmp_path / "w" / "warehouse.duckdb"

    first = materialize_all(inbox, warehouse)
    assert first.success
    assert _extraction_metadata(first)["articles_extracted"] == CORPUS_SIZE
    assert sum(counted_extractions.values()) == CORPUS_SIZE

    counted_extractions.clear()
    shutil.copy(NEW_ARTICLE, inbox / NEW_ARTICLE.name)
    second = materialize_all(inbox, warehouse)
    assert second.success
    metadata = _extraction_metadata(second)
    assert (metadata["articles_extracted"], metadata["articles_from_cache"]) == (1, CORPUS_SIZE)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (new_id,) = con.execute("SELECT article_id FROM articles WHERE source_uri = ?", [NEW_ARTICLE.name]).fetchone()
    assert counted_extractions == Counter({new_id: 1})
    # and only the events its reports can join were clustered again
    reports_before, reports_now = (_extraction_metadata(run)["dagster/row_count"] for run in (first, second))
    linking = _metadata(second, "staging/movement_events")
    assert linking["reports_changed"] == reports_now - reports_before > 0
    assert reports_now - reports_before <= linking["reports_clustered_again"] < reports_now / 4

    # the incremental release is byte-identical to one built from scratch on the same inputs
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    assert materialize_all(inbox, fresh).success
    assert _release_hash(warehouse) == _release_hash(fresh)

    # nothing new: nothing extracted
    counted_extractions.clear()
    third = materialize_all(inbox, warehouse)
    assert _extraction_metadata(third)["articles_extracted"] == 0 and not counted_extractions


def test_a_new_extractor_version_re_extracts_every_article(tmp_path, counted_extractions):
    inbox = tmp_path / "inbox"
    write_corpus(VERSION_CORPUS_SIZE, seed=6, out=inbox)
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    first = materialize_all(inbox, warehouse)
    assert _extraction_metadata(first)["articles_extracted"] == VERSION_CORPUS_SIZE

    # a user gazetteer changes what the extractor can find, hence its version
    counted_extractions.clear()
    second = materialize_all(inbox, warehouse, gazetteers=[USER_GAZETTEER])
    assert second.success
    before, after = _extraction_metadata(first), _extraction_metadata(second)
    assert after["extractor_version"] != before["extractor_version"]
    assert (after["articles_extracted"], after["articles_from_cache"]) == (VERSION_CORPUS_SIZE, 0)
    assert len(counted_extractions) == VERSION_CORPUS_SIZE and set(counted_extractions.values()) == {1}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = con.execute("SELECT DISTINCT extractor_version FROM staging.extraction_cache").fetchall()
    assert versions == [(after["extractor_version"],)]  # results of the old version are gone
