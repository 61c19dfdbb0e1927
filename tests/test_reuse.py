"""Reuse of validations, linking, charts and release files: only when what they were made from is identical.

A validation is skipped only when the suite, its settings and every row of the frame it checks
equal what an earlier real GE validation saw; a changed row validates again and can fail.
Linking is skipped only when its input tables and its last outputs are unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from posture import code_version
from posture import release
from posture.release import RELEASE_FINGERPRINTS, publish_release, sha256_file, staged_fingerprint
from posture.validation import (VALIDATION_CACHE, checked_columns, load_suites, render_query, validate_suite,
                                validate_suite_cached)
from posture.vocab import vocabularies
from posture.visual.chart_cache import chart_key, drawn_png, keep
from posture.schema import PUBLISHED_TABLES, TABLES
from posture.warehouse import STAGING, WarehouseLayout, content_fingerprint, read_table, replace_table_if_changed
from tests.conftest import SAMPLE
from pipelines.resources import LinkingSettings
from tests.pipeline_runs import materialize_all, posture_env

SUITES = {suite.check_id: suite for suite in load_suites()}
PARAMETERS = {"max_shrink_fraction": 0.5}
MOVEMENTS = SUITES["movement_reports_valid_and_traceable"]
SHRINK_PLACES = SUITES["published_tables_do_not_shrink:places"]


@pytest.fixture(scope="module")
def published_warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cache")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE, inbox)
    warehouse = root / "warehouse" / "w.duckdb"
    assert materialize_all(inbox, warehouse).success
    return warehouse


@pytest.fixture
def copy(published_warehouse, tmp_path) -> Path:
    """A private copy of the warehouse and everything beside it (releases, lake)."""
    target = tmp_path / "warehouse"
    shutil.copytree(published_warehouse.parent, target)
    return target / published_warehouse.name


@pytest.fixture
def con(copy):
    with duckdb.connect(str(copy)) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {STAGING}.{VALIDATION_CACHE}")
        yield connection


def test_the_fingerprint_ignores_row_order_and_sees_one_changed_value(con):
    query = f"SELECT * FROM {STAGING}.movement_reports"
    first = content_fingerprint(con, query)
    assert content_fingerprint(con, query + " ORDER BY movement_id DESC") == first
    con.execute(f"UPDATE {STAGING}.movement_reports SET confidence = confidence / 2 "
                f"WHERE movement_id = (SELECT min(movement_id) FROM {STAGING}.movement_reports)")
    assert content_fingerprint(con, query) != first


def test_a_validation_is_reused_only_for_identical_content(con, tmp_path):
    report = tmp_path / "reports" / "first.html"
    first = validate_suite_cached(con, MOVEMENTS, STAGING, "run-1", PARAMETERS, html_report=report)
    assert first.success and first.reused_from_run is None and report.is_file()

    again_report = tmp_path / "reports" / "again.html"
    again = validate_suite_cached(con, MOVEMENTS, STAGING, "run-2", PARAMETERS, html_report=again_report)
    assert again.reused_from_run == "run-1"  # honest about where the outcome comes from
    assert again.summary() == first.summary() and again.row_count == first.row_count
    assert again.content_fingerprint == first.content_fingerprint
    assert again_report.read_text(encoding="utf-8") == report.read_text(encoding="utf-8")

    # one row broken: validated again by GE, and the check fails naming it
    movement = con.execute(f"SELECT min(movement_id) FROM {STAGING}.movement_reports").fetchone()[0]
    con.execute(f"UPDATE {STAGING}.movement_reports SET actor = 'martians' WHERE movement_id = ?", [movement])
    broken = validate_suite_cached(con, MOVEMENTS, STAGING, "run-3", PARAMETERS)
    assert broken.reused_from_run is None and not broken.success
    failed = {o.expectation: o for o in broken.failed}
    assert failed["expect_column_values_to_be_in_set(actor)"].unexpected_count == 1
    assert broken.summary() == validate_suite(con, MOVEMENTS, STAGING, PARAMETERS).summary()

    # the same broken content again: the failure is reused, so it still blocks
    assert not validate_suite_cached(con, MOVEMENTS, STAGING, "run-4", PARAMETERS).success


def test_a_suite_that_had_unexpected_rows_is_validated_once_with_their_ids(con, monkeypatch):
    """Rows GE flagged last time will most likely be there again: the next validation asks GE for
    the offending ids at once (one GE validation, not counts first and then ids), same outcome."""
    from great_expectations.datasource.fluent.interfaces import Batch

    calls = []
    real_validate = Batch.validate
    monkeypatch.setattr(Batch, "validate", lambda self, *a, **k: calls.append(1) or real_validate(self, *a, **k))
    first, second = (m for (m,) in con.execute(
        f"SELECT movement_id FROM {STAGING}.movement_reports ORDER BY movement_id LIMIT 2").fetchall())
    con.execute(f"UPDATE {STAGING}.movement_reports SET actor = 'martians' WHERE movement_id = ?", [first])
    validate_suite_cached(con, MOVEMENTS, STAGING, "run-1", PARAMETERS)
    assert len(calls) == 2  # counts, then the ids of the unexpected rows

    calls.clear()
    con.execute(f"UPDATE {STAGING}.movement_reports SET actor = 'martians' WHERE movement_id = ?", [second])
    again = validate_suite_cached(con, MOVEMENTS, STAGING, "run-2", PARAMETERS)
    assert len(calls) == 1
    actor = next(o for o in again.failed if o.expectation == "expect_column_values_to_be_in_set(actor)")
    assert actor.unexpected_count == 2 and {e["movement_id"] for e in actor.examples} == {first, second}
    assert again.outcomes == validate_suite(con, MOVEMENTS, STAGING, PARAMETERS).outcomes


def test_a_change_no_expectation_can_see_reuses_the_validation(con):
    """The fingerprint is of the columns GE gets: another known source leaves ``source_known`` true,
    and no expectation reads ``attributed_to`` itself, so GE would see the very same frame."""
    first = validate_suite_cached(con, MOVEMENTS, STAGING, "run-1", PARAMETERS)
    columns = con.sql(render_query(MOVEMENTS, STAGING, con)).columns
    assert "attributed_to" in columns and "attributed_to" not in checked_columns(MOVEMENTS, columns)
    source = vocabularies().as_parameters()["sources"][0]
    con.execute(f"UPDATE {STAGING}.movement_reports SET attributed_to = ? WHERE movement_id = "
                f"(SELECT min(movement_id) FROM {STAGING}.movement_reports)", [source])
    again = validate_suite_cached(con, MOVEMENTS, STAGING, "run-2", PARAMETERS)
    assert again.reused_from_run == "run-1" and again.summary() == first.summary()


def test_a_changed_setting_validates_again(con):
    con.execute(f"DELETE FROM {STAGING}.places WHERE rowid % 5 <> 0")  # 80 % of the places gone
    blocked = validate_suite_cached(con, SHRINK_PLACES, STAGING, "run-1", PARAMETERS)
    assert not blocked.success
    allowed = validate_suite_cached(con, SHRINK_PLACES, STAGING, "run-2", {"max_shrink_fraction": 1.0})
    assert allowed.success and allowed.reused_from_run is None
    assert validate_suite_cached(con, SHRINK_PLACES, STAGING, "run-3", PARAMETERS).reused_from_run is None


def test_a_validation_stored_by_another_version_of_the_code_is_validated_again_not_read(con):
    """Going back to an older version (or on to a newer one) must not trip over the form in which
    the other version stored its outcome: it is another suite fingerprint, so it is not reused."""
    first = validate_suite_cached(con, MOVEMENTS, STAGING, "run-1", PARAMETERS)
    stored = json.loads(first.to_json())
    stored["field_of_another_version"] = 1
    stored["outcomes"][0]["field_of_another_version"] = 1
    con.execute(f"UPDATE {STAGING}.{VALIDATION_CACHE} SET suite_fingerprint = 'another version', outcome = ? "
                "WHERE check_id = ?", [json.dumps(stored), MOVEMENTS.check_id])
    again = validate_suite_cached(con, MOVEMENTS, STAGING, "run-2", PARAMETERS)
    assert again.reused_from_run is None and again.summary() == first.summary()
    assert validate_suite_cached(con, MOVEMENTS, STAGING, "run-3", PARAMETERS).reused_from_run == "run-2"


def test_a_changed_release_is_compared_again(con):
    """The shrink rule's frame holds the latest release's counts: a new release is new content."""
    first = validate_suite_cached(con, SHRINK_PLACES, STAGING, "run-1", PARAMETERS)
    con.execute("UPDATE main.dataset_versions SET row_counts = json_object('places', 100000)")
    shrunk = validate_suite_cached(con, SHRINK_PLACES, STAGING, "run-2", PARAMETERS)
    assert first.success and shrunk.reused_from_run is None and not shrunk.success


def test_unchanged_staging_is_known_by_its_fingerprint_and_publishes_nothing(sample_inbox, warehouse):
    assert materialize_all(sample_inbox, warehouse).success  # its own: a copied lake keeps its first data path
    with duckdb.connect(str(warehouse)) as con:
        _publish_unchanged_then_changed(con, WarehouseLayout.for_database(warehouse))


def _publish_unchanged_then_changed(con, layout: WarehouseLayout) -> None:
    (latest,) = [p for p in layout.releases_dir.iterdir() if p.name.startswith("v")]
    fingerprint = staged_fingerprint(con, STAGING, code_version())
    assert con.execute(f"SELECT version, content_sha256 FROM {STAGING}.{RELEASE_FINGERPRINTS} "
                       "WHERE staged_fingerprint = ?", [fingerprint]).fetchone() == \
        con.execute("SELECT version, content_sha256 FROM main.dataset_versions").fetchone()
    before = {p.name: p.stat().st_mtime_ns for p in latest.iterdir()}
    outcome = publish_release(con, layout, STAGING, code_version(), {})
    assert not outcome.published and outcome.release_path == latest
    assert not (layout.releases_dir / ".incoming").exists()
    assert {p.name: p.stat().st_mtime_ns for p in latest.iterdir()} == before

    # one staged value changed: another fingerprint, and a new release
    con.execute(f"UPDATE {STAGING}.places SET name_en = name_en || ' (corrected)' "
                f"WHERE place_id = (SELECT min(place_id) FROM {STAGING}.places)")
    changed = staged_fingerprint(con, STAGING, code_version())
    assert changed != fingerprint
    republished = publish_release(con, layout, STAGING, code_version(), {})
    assert republished.published and republished.version == outcome.version + 1
    assert not publish_release(con, layout, STAGING, code_version(), {}).published


def _release_file(layout: WarehouseLayout, version: int, table: str) -> Path:
    return layout.releases_dir / f"v{version:04d}" / f"{table}.parquet"


def test_a_table_staged_as_for_the_latest_release_gets_that_file_and_a_changed_one_a_new_file(con, copy):
    layout = WarehouseLayout.for_database(copy)
    con.execute(f"UPDATE {STAGING}.places SET name_en = name_en || ' (corrected)' "
                f"WHERE place_id = (SELECT min(place_id) FROM {STAGING}.places)")
    outcome = publish_release(con, layout, STAGING, code_version(), {})
    assert outcome.published and outcome.version == 2
    for table in PUBLISHED_TABLES:
        old, new = _release_file(layout, 1, table.name), _release_file(layout, 2, table.name)
        assert (old.stat().st_ino == new.stat().st_ino) == (table.name != "places"), table.name  # the same file
    corrected = pl.read_parquet(_release_file(layout, 2, "places")).filter(pl.col("name_en").str.ends_with("(corrected)"))
    assert corrected.height == 1


def test_a_latest_release_file_that_lost_its_bytes_is_written_again_from_staging(con, copy):
    layout = WarehouseLayout.for_database(copy)
    damaged = _release_file(layout, 1, "articles")
    manifest = json.loads((damaged.parent / "manifest.json").read_text())
    original = manifest["files"]["articles.parquet"]["sha256"]
    damaged.write_bytes(b"not the release's bytes")
    con.execute(f"UPDATE {STAGING}.places SET name_en = name_en || ' (corrected)' "
                f"WHERE place_id = (SELECT min(place_id) FROM {STAGING}.places)")
    assert publish_release(con, layout, STAGING, code_version(), {}).published
    rewritten = _release_file(layout, 2, "articles")
    assert rewritten.stat().st_ino != damaged.stat().st_ino
    assert sha256_file(rewritten) == original  # the same rows give the same bytes again


def test_release_files_have_fixed_row_groups_and_bytes_whatever_order_the_rows_were_staged_in(
        con, tmp_path, monkeypatch):
    monkeypatch.setattr(release, "ROW_GROUP_ROWS", 64)
    table = TABLES["places"]
    first, second = tmp_path / "first.parquet", tmp_path / "second.parquet"
    rows = release.write_table_parquet(con, STAGING, table, first)
    con.execute(f"CREATE TEMP TABLE staged_rows AS SELECT * FROM {STAGING}.{table.name}")
    con.execute(f"DELETE FROM {STAGING}.{table.name}")
    con.execute(f"INSERT INTO {STAGING}.{table.name} SELECT * FROM staged_rows ORDER BY place_id DESC")
    assert release.write_table_parquet(con, STAGING, table, second) == rows > 2 * 64
    assert first.read_bytes() == second.read_bytes()
    metadata = pq.ParquetFile(first).metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == \
        [64] * (rows // 64) + ([rows % 64] if rows % 64 else [])
    assert pl.read_parquet(first).equals(read_table(con, STAGING, table))  # the published order and types


def test_a_chart_is_drawn_again_only_when_its_data_changed(tmp_path):
    drawn = []

    def render(label: str):
        def draw() -> bytes:
            drawn.append(label)
            return f"png of {label}".encode()
        return draw

    path = tmp_path / "charts" / "map.png"
    first = drawn_png(path, chart_key("map", ("route", 1)), render("one"))
    assert (first.png, first.reused) == (b"png of one", False) and not path.exists()  # written once kept
    keep(first)
    again = drawn_png(path, chart_key("map", ("route", 1)), render("again"))
    assert (again.png, again.reused) == (b"png of one", True) and drawn == ["one"]
    changed = drawn_png(path, chart_key("map", ("route", 2)), render("two"))
    assert (changed.png, changed.reused) == (b"png of two", False) and path.read_bytes() == b"png of one"
    keep(changed)
    assert path.read_bytes() == b"png of two"


def _linking_run(result) -> tuple[bool, dict]:
    """Whether the run linked again, and the movement_events metadata it showed."""
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key.to_user_string() == "staging/movement_events":
            return materialization.metadata["linked_again"].value, materialization.metadata
    raise AssertionError("movement_events was not materialised")


def test_linking_runs_again_only_when_its_inputs_or_outputs_changed(sample_inbox, warehouse):
    assert _linking_run(materialize_all(sample_inbox, warehouse))[0]
    with duckdb.connect(str(warehouse)) as con:
        events = con.execute(f"SELECT * FROM {STAGING}.movement_events ORDER BY event_id").fetchall()

    linked_again, metadata = _linking_run(materialize_all(sample_inbox, warehouse))
    assert not linked_again and metadata["dagster/row_count"].value == len(events)
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute(f"SELECT * FROM {STAGING}.movement_events ORDER BY event_id").fetchall() == events
        # an output edited since (not by linking): linked again, and put right
        con.execute(f"UPDATE {STAGING}.movement_events SET n_reports = n_reports + 1")
    assert _linking_run(materialize_all(sample_inbox, warehouse))[0]
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute(f"SELECT * FROM {STAGING}.movement_events ORDER BY event_id").fetchall() == events

    # a new input article: linked again
    shutil.copy(SAMPLE.parent.parent / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt", sample_inbox)
    assert _linking_run(materialize_all(sample_inbox, warehouse))[0]


def test_a_changed_linking_rule_links_again(sample_inbox, warehouse):
    assert _linking_run(materialize_all(sample_inbox, warehouse))[0]
    assert not _linking_run(materialize_all(sample_inbox, warehouse))[0]
    assert _linking_run(materialize_all(sample_inbox, warehouse, linking=LinkingSettings(window_days=0)))[0]
    assert not _linking_run(materialize_all(sample_inbox, warehouse, linking=LinkingSettings(window_days=0)))[0]


FINGERPRINTS_SCRIPT = """
import sys, duckdb
from assets.linking import linking_inputs_fingerprint
from pipelines.resources import LinkingSettings
from posture import code_version
from posture.release import staged_fingerprint
from posture.validation import load_suites, render_query, suite_fingerprint
with duckdb.connect(sys.argv[1], read_only=True) as con:
    print(linking_inputs_fingerprint(con, LinkingSettings().rules))
    print(staged_fingerprint(con, "staging", code_version()))
    for suite in load_suites():
        print(suite.check_id, suite_fingerprint(suite, render_query(suite, "staging", con), {"max_shrink_fraction": 0.5}))
"""


def test_every_fingerprint_is_the_same_in_another_process(published_warehouse):
    """Runs are separate processes, each with its own string hash seed: a fingerprint that followed
    it (a set's repr) would never match the one stored by the run before, and nothing would be reused."""
    printed = [subprocess.run([sys.executable, "-c", FINGERPRINTS_SCRIPT, str(published_warehouse)], check=True,
                              capture_output=True, text=True, env=posture_env(PYTHONHASHSEED=seed)).stdout
               for seed in ("1", "2")]
    assert printed[0] == printed[1] and len(printed[0].splitlines()) == 2 + len(SUITES)


def test_the_articles_suite_leaves_the_bodies_in_duckdb(con):
    """At 100k articles the bodies are hundreds of MB: the suite validates their lengths instead
    (the evidence spans are compared with the body in the SQL of the tables that quote it)."""
    suite = SUITES["articles_unique_and_accounted_for"]
    frame = con.sql(render_query(suite, STAGING, con)).pl()
    bodies = con.execute(f"SELECT source_uri, length(body) FROM {STAGING}.articles").fetchall()
    assert "body" not in frame.columns and sorted(zip(frame["source_uri"], frame["body_length"])) == sorted(bodies)
    assert validate_suite(con, suite, STAGING, PARAMETERS).success


def test_a_staged_table_is_written_again_only_when_its_rows_or_columns_changed(con):
    places = TABLES["places"]
    frame = read_table(con, STAGING, places)
    assert not replace_table_if_changed(con, STAGING, places, frame)
    assert not replace_table_if_changed(con, STAGING, places, frame.reverse())  # order is no change

    first = frame["place_id"].min()
    corrected = frame.with_columns(name_en=pl.when(pl.col("place_id") == first).then(pl.col("name_en") + " (corrected)")
                                   .otherwise(pl.col("name_en")))
    assert replace_table_if_changed(con, STAGING, places, corrected)
    assert read_table(con, STAGING, places).equals(corrected)
    assert replace_table_if_changed(con, STAGING, places, frame.head(frame.height - 1))
    assert read_table(con, STAGING, places).height == frame.height - 1

    # the same values in a column of another type than the contract's: rewritten with the contract's type
    replace_table_if_changed(con, STAGING, places, frame)
    con.execute(f"ALTER TABLE {STAGING}.places ALTER lat TYPE VARCHAR")
    assert replace_table_if_changed(con, STAGING, places, frame)
    assert con.execute("SELECT data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = 'places' "
                       "AND column_name = 'lat'", [STAGING]).fetchone() == ("DOUBLE",)


def test_a_changed_staged_table_gets_only_its_changed_rows_written(con):
    places = TABLES["places"]
    frame = read_table(con, STAGING, places)
    replace_table_if_changed(con, STAGING, places, frame)
    table = f"{STAGING}.places"

    def row_ids() -> dict[str, int]:
        return dict(con.execute(f"SELECT place_id, rowid FROM {table}").fetchall())

    before = row_ids()
    gone, edited = sorted(before)[:2]
    added = frame.filter(pl.col("place_id") == gone).with_columns(place_id=pl.lit("test:new_place"))
    changed = pl.concat([
        frame.filter(pl.col("place_id") != gone).with_columns(
            name_en=pl.when(pl.col("place_id") == edited).then(pl.lit("Edited")).otherwise(pl.col("name_en"))),
        added])
    assert replace_table_if_changed(con, STAGING, places, changed)
    assert read_table(con, STAGING, places).equals(read_table(con, STAGING, places).clear().vstack(
        changed.sort(list(places.key))))
    after = row_ids()
    # the rows that did not change are the rows stored before (a rewrite would number them anew)
    assert {pid: after[pid] for pid in before if pid not in (gone, edited)} == \
        {pid: rid for pid, rid in before.items() if pid not in (gone, edited)}
    assert gone not in after and after["test:new_place"] not in before.values()

    # a row given twice is stored twice (the table written whole)
    twice = pl.concat([changed, changed.head(1)])
    assert replace_table_if_changed(con, STAGING, places, twice)
    assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == twice.height


def _tables_marked(warehouse: Path) -> set[str]:
    with duckdb.connect(str(warehouse)) as con:
        return {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ? "
                                              "AND comment = 'mark'", [STAGING]).fetchall()}


def test_a_rerun_replaces_no_staged_table(sample_inbox, warehouse):
    """A table comment is lost when a table is replaced, and is no part of its rows: it shows which
    tables a run wrote."""
    assert materialize_all(sample_inbox, warehouse).success
    with duckdb.connect(str(warehouse)) as con:
        for name in ("articles", "places", "movement_reports", "force_levels"):
            con.execute(f"COMMENT ON TABLE {STAGING}.{name} IS 'mark'")
    assert materialize_all(sample_inbox, warehouse).success
    assert _tables_marked(warehouse) == {"articles", "places", "movement_reports", "force_levels"}

    shutil.copy(SAMPLE.parent.parent / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt", sample_inbox)
    assert materialize_all(sample_inbox, warehouse).success
    # the new article's rows are added to the tables they belong to: no table is replaced whole
    assert _tables_marked(warehouse) == {"articles", "places", "movement_reports", "force_levels"}
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute(f"SELECT count(*) FROM {STAGING}.articles").fetchone()[0] == \
            len([p for p in sample_inbox.iterdir() if p.suffix == ".txt"])


def test_a_table_read_for_some_columns_is_those_columns_of_the_same_rows(con):
    """A column subset is the same rows in the same order, minus the other columns; an unknown column is refused."""
    articles = TABLES["articles"]
    whole = read_table(con, STAGING, articles)
    subset = read_table(con, STAGING, articles, columns=("published_date", "article_id"))
    assert subset.columns == ["article_id", "published_date"]
    assert subset.equals(whole.select("article_id", "published_date"))
    with pytest.raises(ValueError, match="no column"):
        read_table(con, STAGING, articles, columns=("article_id", "bodyy"))
