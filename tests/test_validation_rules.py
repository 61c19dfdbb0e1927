"""The cross-table and release-to-release rules of expectations/, run by real GE on a real warehouse.

One pipeline run stages the sample corpus; each test breaks a copy of its staging tables in one
way and checks that the suite guarding that rule fails, naming the offending rows (and that the
rule leaves well-formed rows alone).
"""

from __future__ import annotations

import gc
import json
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.cli import main as posture
from posture.schema import PUBLISHED_TABLES
from posture.validation import Suite, checked_columns, load_suites, render_query, validate_suite
from posture.vocab import vocabularies
from posture.warehouse import STAGING
from tests.conftest import SAMPLE
from tests.pipeline_runs import materialize_all

SUITES = {suite.check_id: suite for suite in load_suites()}
DEFAULT_PARAMETERS = {"max_shrink_fraction": 0.5}


@pytest.fixture(scope="module")
def staged_warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staged")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE, inbox)
    warehouse = root / "w.duckdb"
    assert materialize_all(inbox, warehouse).success
    return warehouse


@pytest.fixture
def con(staged_warehouse, tmp_path):
    """A connection to a private copy of the staged warehouse, to break as a test likes."""
    copy = tmp_path / "w.duckdb"
    shutil.copy(staged_warehouse, copy)
    with duckdb.connect(str(copy)) as connection:
        yield connection


def _suite_for(table: str) -> Suite:
    (suite,) = [s for s in SUITES.values() if s.table == table and s.scope == "table"]
    return suite


def _validate(con, table: str):
    return validate_suite(con, _suite_for(table), STAGING, DEFAULT_PARAMETERS)


def _failed(outcome) -> dict[str, list[dict]]:
    return {o.expectation: o.examples for o in outcome.failed}


def _a_movement(con, with_date: bool = False) -> tuple[str, str]:
    """(movement_id, article published_date) of a staged movement."""
    return con.execute(f"""
        SELECT m.movement_id, CAST(a.published_date AS VARCHAR) FROM {STAGING}.movement_reports m
        JOIN {STAGING}.articles a USING (article_id)
        WHERE a.published_date IS NOT NULL {"AND m.event_date IS NOT NULL" if with_date else ""}
        ORDER BY m.movement_id LIMIT 1""").fetchone()


def test_the_unbroken_sample_passes_every_suite(con):
    for suite in SUITES.values():
        outcome = validate_suite(con, suite, STAGING, DEFAULT_PARAMETERS)
        assert outcome.success, outcome.report()


def test_ge_holds_only_the_columns_a_suite_checks(con):
    """Evidence text nobody checks stays in DuckDB; row-condition and id columns come along."""
    movements, assets = _suite_for("movement_reports"), _suite_for("movement_assets")
    movement_columns = con.sql(render_query(movements, STAGING, con)).columns
    kept = checked_columns(movements, movement_columns)
    assert "evidence_text" in movement_columns and "evidence_text" not in kept
    assert {"movement_id", "evidence_matches_body", "actor"} <= set(kept)
    asset_columns = checked_columns(assets, con.sql(render_query(assets, STAGING, con)).columns)
    assert "asset_type" in asset_columns and "mention_text" not in asset_columns
    conditioned = Suite("s", "t", "", ("id",), "", {"expectations": [{
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "count", "row_condition": 'asset_type=="truck"', "condition_parser": "pandas"}}]})
    assert checked_columns(conditioned, ["id", "truck", "asset_type", "mention_text", "count"]) == \
        ["id", "asset_type", "count"]  # a name in the condition is read; a quoted value is not a column
    about_columns = Suite("s", "t", "", ("id",), "", {"expectations": [
        {"type": "expect_table_columns_to_match_set", "kwargs": {"column_set": ["id", "count"]}}]})
    assert checked_columns(about_columns, ["id", "count"]) == ["id", "count"]
    shrink = SUITES["published_tables_do_not_shrink:places"]
    assert checked_columns(shrink, ["table_name", "staged_rows"]) == ["table_name", "staged_rows"]


def test_unexpected_rows_are_named_even_when_the_expectation_passes(tmp_path):
    """A ``mostly`` expectation passes with a few unexpected rows; they are still its examples."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA s; CREATE TABLE s.t AS SELECT i AS id, i = 3 AS odd_one FROM range(10) r(i)")
        suite = Suite("mostly_clean", "t", "SELECT * FROM {schema}.t", ("id",), "", {
            "name": "mostly_clean", "expectations": [{"type": "expect_column_values_to_be_in_set",
                                                      "kwargs": {"column": "odd_one", "value_set": [False],
                                                                 "mostly": 0.8}}]})
        outcome = validate_suite(con, suite, "s")
    (expectation,) = outcome.outcomes
    assert outcome.success and expectation.success
    assert expectation.unexpected_count == 1 and expectation.examples == [{"id": 3, "odd_one": True}]


def test_a_validated_frame_is_let_go_after_its_validation(con):
    """GE would keep every batch's frame for the life of the process: a run validates ~20 suites."""
    def live_frames() -> int:
        gc.collect()
        return sum(isinstance(o, pd.DataFrame) for o in gc.get_objects())

    before = live_frames()
    for n in range(3):  # suites never validated before in this process
        outcome = validate_suite(con, replace(_suite_for("movement_reports"), name=f"let_go_{n}"), STAGING,
                                 DEFAULT_PARAMETERS)
        assert outcome.row_count > 0
    assert live_frames() <= before


def test_a_movement_needs_a_place_or_an_asset_and_should_have_a_place(con):
    movement, _ = _a_movement(con)
    con.execute(f"DELETE FROM {STAGING}.movement_places WHERE movement_id = ?", [movement])
    placeless = _validate(con, "movement_reports")
    assert placeless.success, "a movement with assets but no place is allowed (gold files may name none)"
    (warning,) = placeless.warnings
    assert warning.expectation == "expect_column_values_to_be_in_set(has_place)"
    assert [e["movement_id"] for e in warning.examples] == [movement]

    con.execute(f"DELETE FROM {STAGING}.movement_assets WHERE movement_id = ?", [movement])
    empty = _validate(con, "movement_reports")
    assert not empty.success
    assert [e["movement_id"] for e in _failed(empty)["expect_column_values_to_be_in_set(has_place_or_asset)"]] == \
        [movement]
    assert movement in empty.report()


def test_every_place_id_resolves(con):
    movement, _ = _a_movement(con)
    con.execute(f"UPDATE {STAGING}.movement_places SET place_id = 'atlantis' WHERE movement_id = ?", [movement])
    failed = _failed(_validate(con, "movement_places"))
    assert {e["place_id"] for e in failed["expect_column_values_to_be_in_set(place_exists)"]} == {"atlantis"}

    claim = con.execute(f"SELECT min(claim_id) FROM {STAGING}.force_levels").fetchone()[0]
    con.execute(f"UPDATE {STAGING}.force_levels SET area_place_id = 'atlantis' WHERE claim_id = ?", [claim])
    failed = _failed(_validate(con, "force_levels"))
    assert [e["claim_id"] for e in failed["expect_column_values_to_be_in_set(area_resolves)"]] == [claim]


def test_movement_dates_are_not_after_publication_plus_one_day(con):
    movement, published = _a_movement(con)
    con.execute(f"UPDATE {STAGING}.movement_reports SET event_date = DATE '{published}' + 1, "
                "event_date_precision = 'day' WHERE movement_id = ?", [movement])
    assert _validate(con, "movement_reports").success, "the day after publication is allowed (time zones)"
    con.execute(f"UPDATE {STAGING}.movement_reports SET event_date = DATE '{published}' + 2 WHERE movement_id = ?",
                [movement])
    failed = _failed(_validate(con, "movement_reports"))
    assert [e["movement_id"] for e in failed["expect_column_values_to_be_in_set(date_not_after_publication)"]] == \
        [movement]


@pytest.mark.parametrize("status, blocks", [("current", True), ("past", True), ("planned", False)])
def test_claim_dates_after_publication_block_unless_planned(con, status, blocks):
    claim, published = con.execute(f"""
        SELECT f.claim_id, CAST(a.published_date AS VARCHAR) FROM {STAGING}.force_levels f
        JOIN {STAGING}.articles a USING (article_id) ORDER BY f.claim_id LIMIT 1""").fetchone()
    con.execute(f"UPDATE {STAGING}.force_levels SET status = ?, ref_date = DATE '{published}' + 30, "
                "ref_date_precision = 'day' WHERE claim_id = ?", [status, claim])
    outcome = _validate(con, "force_levels")
    assert outcome.success is not blocks
    if blocks:
        assert [e["claim_id"] for e in _failed(outcome)["expect_column_values_to_be_in_set(date_not_after_publication)"]
                ] == [claim]


def _set_asset(con, movement: str, asset_type: str, count: int) -> None:
    con.execute(f"DELETE FROM {STAGING}.movement_assets WHERE movement_id = ? AND asset_type = ?", [movement, asset_type])
    con.execute(f"INSERT INTO {STAGING}.movement_assets VALUES (?, ?, ?, ?, ?, 'exact', ?)",
                [movement, asset_type, count, count, count, f"{count} {asset_type}"])


def test_counts_must_be_plausible_for_their_asset_type(con):
    movement, _ = _a_movement(con)
    _set_asset(con, movement, "troops", 500)
    assert _validate(con, "movement_assets").success, "500 troops is a plausible movement"
    _set_asset(con, movement, "helicopter", 5000)
    failed = _failed(_validate(con, "movement_assets"))
    examples = failed['expect_column_values_to_be_between(largest_count where asset_type=="helicopter")']
    assert examples == [{"largest_count": 5000, "movement_id": movement, "asset_type": "helicopter"}]
    assert len(failed) == 1

    _set_asset(con, movement, "helicopter", 0)
    assert "expect_column_values_to_be_between(smallest_stated_count)" in _failed(_validate(con, "movement_assets"))
    # "fewer than 170 trucks" is 0..169: its lower bound of 0 is what the words say, not an empty convoy
    con.execute(f"DELETE FROM {STAGING}.movement_assets WHERE movement_id = ? AND asset_type = 'helicopter'", [movement])
    con.execute(f"INSERT INTO {STAGING}.movement_assets VALUES (?, 'truck', 170, 0, 169, 'less_than', 'trucks')",
                [movement])
    assert _validate(con, "movement_assets").success


def test_every_asset_type_and_metric_has_a_plausible_range_in_the_suites():
    def ranged(suite: Suite, column: str) -> set[str]:
        return {e["kwargs"]["row_condition"].split('"')[1] for e in suite.raw["expectations"]
                if e["kwargs"].get("column") == column and "row_condition" in e["kwargs"]}

    assert ranged(_suite_for("movement_assets"), "largest_count") == set(vocabularies().as_parameters()["asset_types"])
    assert ranged(_suite_for("force_levels"), "largest_value") == set(vocabularies().as_parameters()["metrics"])


def test_a_movement_reported_twice_in_one_article_is_a_duplicate(con):
    movement, _ = _a_movement(con)
    con.execute(f"INSERT INTO {STAGING}.movement_reports SELECT * REPLACE ('twin' AS movement_id) "
                f"FROM {STAGING}.movement_reports WHERE movement_id = ?", [movement])
    con.execute(f"INSERT INTO {STAGING}.movement_places SELECT * REPLACE ('twin' AS movement_id) "
                f"FROM {STAGING}.movement_places WHERE movement_id = ?", [movement])
    failed = _failed(_validate(con, "movement_reports"))
    assert {e["movement_id"] for e in failed["expect_column_values_to_be_unique(same_movement_key)"]} == \
        {movement, "twin"}

    # the same movement at another place is another movement
    con.execute(f"UPDATE {STAGING}.movement_places SET place_id = 'tanf_base' WHERE movement_id = 'twin'")
    assert "expect_column_values_to_be_unique(same_movement_key)" not in _failed(_validate(con, "movement_reports"))


def test_shrink_rule_compares_with_the_last_release_and_reads_its_threshold(con):
    shrink = SUITES["published_tables_do_not_shrink:movement_assets"]
    published = json.loads(con.execute("SELECT row_counts FROM main.dataset_versions").fetchone()[0])
    assert published["movement_assets"] >= 10, "the sample must be big enough for the rule to judge"
    keep = published["movement_assets"] * 2 // 5  # a 60 % loss
    con.execute(f"DELETE FROM {STAGING}.movement_assets WHERE rowid >= {keep}")
    blocked = validate_suite(con, shrink, STAGING, {"max_shrink_fraction": 0.5})
    assert not blocked.success
    assert blocked.rows == [{"table_name": "movement_assets", "staged_rows": keep,
                             "published_rows": published["movement_assets"],
                             "shrink_fraction": 1 - keep / published["movement_assets"]}]
    assert validate_suite(con, shrink, STAGING, {"max_shrink_fraction": 0.7}).success
    assert validate_suite(con, SUITES["published_tables_do_not_shrink:places"], STAGING,
                          {"max_shrink_fraction": 0.5}).success


def test_the_shrink_rule_exists_for_every_published_table_but_the_input_bookkeeping():
    guarded = {s.table for s in SUITES.values() if s.name == "published_tables_do_not_shrink"}
    exempt = set(SUITES[f"published_tables_do_not_shrink:{next(iter(guarded))}"].raw["meta"]["exempt_tables"])
    assert guarded == {t.name for t in PUBLISHED_TABLES} - exempt
    assert "rejected_inputs" in exempt and "movement_reports" in guarded


def _many_places(folder: Path, count: int) -> Path:
    path = folder / "survey_places.csv"
    rows = [f"survey_point_{i:04d},Survey point {i:04d},,point,town,Hasakah,SY,36.{i:04d},40.{i:04d}"
            for i in range(count)]
    path.write_text("place_id,name_en,name_ar,place_kind,feature_type,admin1,country_code,lat,lon\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_shrinking_table_blocks_publishing_unless_allowed(sample_inbox, warehouse, tmp_path, capsys):
    run = ["run", "--input", str(sample_inbox), "--warehouse", str(warehouse)]
    assert posture([*run, "--gazetteer", str(_many_places(tmp_path, 400))]) == 0
    capsys.readouterr()

    assert posture(run) == 1  # the extra gazetteer is gone: places lose 400 of 752 rows
    err = capsys.readouterr().err
    assert "check published_tables_do_not_shrink failed on staging/places" in err
    assert "--allow-shrink" in err
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM main.dataset_versions").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM main.places").fetchone()[0] > 700

    assert posture([*run, "--allow-shrink"]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM main.dataset_versions").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM main.places").fetchone()[0] < 400


def test_each_check_links_its_html_report_outside_the_release(two_releases):
    suites = {suite.name for suite in SUITES.values()}
    evaluations = [e for e in two_releases.second_run.get_asset_check_evaluations() if e.check_name in suites]
    assert len(evaluations) == len(SUITES)
    releases = two_releases.layout.releases_dir
    for evaluation in evaluations:
        report = Path(evaluation.metadata["validation_report"].value)
        assert report.is_file() and releases not in report.parents
        html = report.read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html") and evaluation.check_name in html
    assert len({Path(e.metadata["validation_report"].value).parent for e in evaluations}) == 1  # one folder per run
