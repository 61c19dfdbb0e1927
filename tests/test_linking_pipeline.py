"""Linking end to end through Dagster on a real DuckDB file: the linking corpus is extracted, linked,
checked and published, and `posture eval` scores the linking against its links.gold.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from assets.linking import linking_checks
from pipelines.cli import main as posture
from pipelines.definitions import defs
from pipelines.resources import LinkingSettings, PostureSettings, StagingIOManager
from tests.conftest import REPO
from tests.pipeline_runs import materialize_all

LINKING_CORPUS = REPO / "corpus" / "linking"
LINKING_TABLES = ("movement_events", "movement_event_reports", "movement_event_places", "movement_event_assets",
                  "force_level_series", "force_level_latest")


@pytest.fixture(scope="module")
def linked_warehouse(tmp_path_factory) -> tuple[Path, Path, dg.ExecuteInProcessResult]:
    root = tmp_path_factory.mktemp("linking")
    inbox = root / "inbox"
    shutil.copytree(LINKING_CORPUS, inbox)
    warehouse = root / "warehouse" / "warehouse.duckdb"
    return inbox, warehouse, materialize_all(inbox, warehouse)


def test_linking_tables_are_checked_and_in_the_release(linked_warehouse):
    _, warehouse, result = linked_warehouse
    assert result.success
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    for check in ("events_keep_one_actor_family", "events_within_date_window", "reports_in_exactly_one_event",
                  "movement_events_consistent", "force_level_series_cover_claims_in_order"):
        assert evaluations[check], check
    assert all(evaluations.values())

    with duckdb.connect(str(warehouse), read_only=True) as con:
        path, counts = con.sql("SELECT release_path, row_counts FROM main.dataset_versions").fetchone()
        reports = con.sql("SELECT count(*) FROM main.movement_reports").fetchone()[0]
        members = con.sql("SELECT count(*), count(DISTINCT movement_id) FROM main.movement_event_reports").fetchone()
        bilingual = con.sql("SELECT count(*) FROM main.movement_events WHERE languages = 'ar, en' AND corroborated").fetchone()[0]
        checks = json.loads(con.sql("SELECT checks FROM main.dataset_versions").fetchone()[0])
    manifest = json.loads((warehouse.parent / path / "manifest.json").read_text())
    for table in LINKING_TABLES:
        assert f"{table}.parquet" in manifest["files"] and json.loads(counts)[table] == manifest["row_counts"][table]
    assert "events_within_date_window" in checks
    assert members == (reports, reports)  # every report in exactly one event
    assert bilingual >= 4  # the corpus tells five movements in both languages


def test_posture_eval_scores_linking_on_the_linking_corpus(linked_warehouse, capsys):
    inbox, warehouse, _ = linked_warehouse
    assert posture(["eval", "--gold", str(inbox), "--warehouse", str(warehouse), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)["linking"]
    # the target of the linking work: pairwise precision and recall of at least 0.9 on this corpus
    assert figures["link_pairwise_precision"] >= 0.9 and figures["link_pairwise_recall"] >= 0.9
    assert figures["link_gold_events"] == 5
    assert posture(["eval", "--gold", str(inbox), "--warehouse", str(warehouse)]) == 0
    assert "pairwise precision" in capsys.readouterr().out


def test_a_linking_check_blocks_on_an_event_that_mixes_families(linked_warehouse, tmp_path):
    _, warehouse, _ = linked_warehouse
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        target = con.sql("SELECT min(event_id) FROM staging.movement_events WHERE actor_family = 'russia'").fetchone()[0]
        con.execute("UPDATE staging.movement_event_reports SET event_id = ? WHERE movement_id IN "
                    "(SELECT movement_id FROM staging.movement_reports WHERE actor = 'sdf')", [target])
    database = str(copy)
    resources = {"settings": PostureSettings(inbox=str(tmp_path), warehouse=database), "linking": LinkingSettings(),
                 "io_manager": StagingIOManager(database=database), "duckdb": DuckDBResource(database=database)}
    result = dg.materialize([*defs.assets, *defs.asset_checks], resources=resources, raise_on_error=False,
                            selection=dg.AssetSelection.checks(*linking_checks))
    outcome = {e.check_name: e for e in result.get_asset_check_evaluations()}
    failed = outcome["events_keep_one_actor_family"]
    assert not failed.passed and failed.metadata["offending_ids"].value == [target]
    assert target in failed.metadata["report"].value
    assert outcome["reports_in_exactly_one_event"].passed
