"""End to end through Dagster on a real DuckDB file: ingest, extract, validate, publish."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb

from assets.linking import linking_checks
from posture.validation import load_suites
from tests.conftest import REPO
from tests.pipeline_runs import materialize_all

FIXTURES = REPO / "tests" / "fixtures" / "articles"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _release_status(result) -> str:
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key.to_user_string() == "dataset_versions":
            return materialization.metadata["status"].value
    raise AssertionError("no release materialisation")


def test_seed_article_is_published_as_a_checked_release(sample_inbox, warehouse):
    result = materialize_all(sample_inbox, warehouse)
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    # one check per expectation suite plus the linker's three checks on movement_events
    assert len(evaluations) == len(load_suites()) + len(linking_checks) and all(e.passed for e in evaluations)
    assert _release_status(result) == "published"

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM main.articles").fetchone()[0] == 1
        assert con.sql("SELECT language FROM main.articles").fetchone()[0] == "ar"
        assert con.sql("SELECT count(*) FROM main.movement_reports").fetchone()[0] >= 3
        assert con.sql("SELECT count(*) FROM main.force_levels").fetchone()[0] >= 5
        # every row is traceable to the exact characters it was read from
        mismatches = con.sql("""
            SELECT count(*) FROM main.movement_reports m JOIN main.articles a USING (article_id)
            WHERE substring(a.body, m.evidence_start + 1, m.evidence_end - m.evidence_start) <> m.evidence_text
        """).fetchone()[0]
        assert mismatches == 0
        version, digest, path, snapshot = con.sql(
            "SELECT version, content_sha256, release_path, lake_snapshot_id FROM main.dataset_versions").fetchall()[0]
    assert version == 1
    release = warehouse.parent / path
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["content_sha256"] == digest
    assert manifest["contract_version"] == 1
    for name, entry in manifest["files"].items():
        assert _sha256(release / name) == entry["sha256"]
    assert manifest["row_counts"]["articles"] == 1


def test_unchanged_inputs_publish_no_new_release_and_new_inputs_do(sample_inbox, warehouse):
    assert materialize_all(sample_inbox, warehouse).success
    second = materialize_all(sample_inbox, warehouse)
    assert second.success and _release_status(second) == "unchanged"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM main.dataset_versions").fetchone()[0] == 1

    shutil.copy(FIXTURES / "en-practice-convoy.txt", sample_inbox / "en-practice-convoy.txt")
    third = materialize_all(sample_inbox, warehouse)
    assert third.success and _release_status(third) == "published"
    with duckdb.connect(str(warehouse)) as con:
        rows = con.sql("SELECT version, lake_snapshot_id, row_counts FROM main.dataset_versions ORDER BY version").fetchall()
        assert [r[0] for r in rows] == [1, 2]
        assert con.sql("SELECT count(*) FROM main.articles").fetchone()[0] == 2
        # time travel: each release is a DuckLake snapshot
        con.execute("LOAD ducklake")
        lake = (warehouse.parent / "lake.ducklake").as_posix()
        con.execute(f"ATTACH 'ducklake:{lake}' AS lake (READ_ONLY)")
        for version, snapshot, counts in rows:
            articles = con.sql(f"SELECT count(*) FROM lake.articles AT (VERSION => {snapshot})").fetchone()[0]
            assert articles == json.loads(counts)["articles"] == version


def test_every_practice_article_passes_the_checks_and_is_published(tmp_path):
    """Extraction noise on realistic reports must cost rows, not the release: every bundled practice
    set (articles of the held-out kind, in Arabic and English) goes through every blocking check."""
    inbox = tmp_path / "inbox"
    for folder in sorted((REPO / "tests" / "fixtures").glob("practice*")):
        shutil.copytree(folder, inbox / folder.name)
    result = materialize_all(inbox, tmp_path / "w" / "warehouse.duckdb")
    failed = [(e.check_name, e.metadata.get("report")) for e in result.get_asset_check_evaluations() if not e.passed]
    assert result.success and not failed, failed
    assert _release_status(result) == "published"
