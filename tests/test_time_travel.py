"""Every release is a DuckLake snapshot: query any release in SQL; the warehouse holds the latest.

The shared fixture keeps its DuckLake catalog and data files in folders of their own (the
catalog-location setting), so these tests also show the setting is honoured.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import polars as pl
import pytest

from posture import release
from posture.release_tools import release_dir
from posture.gazetteer.gazetteer import load_gazetteer
from posture.schema import PLACES, PUBLISHED_TABLES
from posture.warehouse import WarehouseLayout, attach_lake, attach_lake_sql, write_table
from tests.conftest import MOVED_PLACE, REPO
from tests.pipeline_runs import materialize_all


def _releases(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int, dict]]:
    return [(v, s, json.loads(c)) for v, s, c in con.execute(
        "SELECT version, lake_snapshot_id, row_counts FROM main.dataset_versions ORDER BY version").fetchall()]


def _sorted(frame: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    return frame.sort(list(key), nulls_last=True)


def test_each_release_is_a_snapshot_and_old_snapshots_keep_their_rows(two_releases):
    layout = two_releases.layout
    with duckdb.connect(str(two_releases.warehouse), read_only=True) as con:
        releases = _releases(con)
        assert [r[0] for r in releases] == [1, 2]
        attach_lake(con, layout, read_only=True)
        for version, snapshot, counts in releases:
            folder = release_dir(layout, version)
            for table in PUBLISHED_TABLES:
                as_of = con.execute(f"SELECT * FROM lake.{table.name} AT (VERSION => {snapshot})").pl()
                published = pl.read_parquet(folder / f"{table.name}.parquet")
                assert as_of.height == counts[table.name], (version, table.name)
                assert _sorted(as_of, table.key).equals(_sorted(published, table.key)), (version, table.name)

        # the README's query: release number -> snapshot -> rows as of that release
        movements = {}
        for v in (1, 2):
            con.execute(f"SET VARIABLE release_snapshot = "
                        f"(SELECT lake_snapshot_id FROM main.dataset_versions WHERE version = {v})")
            movements[v] = con.execute("SELECT count(*) FROM lake.movement_reports "
                                       "AT (VERSION => getvariable('release_snapshot'))").fetchone()[0]
        assert movements[1] == releases[0][2]["movement_reports"] < movements[2] == releases[1][2]["movement_reports"]
        old_lat, new_lat = (con.execute(f"""
            SELECT lat FROM lake.places AT (VERSION => {releases[v - 1][1]}) WHERE place_id = ?""",
                                        [MOVED_PLACE]).fetchone()[0] for v in (1, 2))
        assert old_lat != new_lat

        # the working warehouse keeps the latest release's tables for quick queries
        latest = release_dir(layout, 2)
        for table in PUBLISHED_TABLES:
            main = con.execute(f"SELECT * FROM main.{table.name}").pl()
            assert _sorted(main, table.key).equals(
                _sorted(pl.read_parquet(latest / f"{table.name}.parquet"), table.key)), table.name
        assert con.execute("SELECT lat FROM main.places WHERE place_id = ?", [MOVED_PLACE]).fetchone()[0] == new_lat


def test_the_catalog_setting_puts_the_lake_where_it_says(two_releases):
    layout = two_releases.layout
    catalog = layout.lake_catalog_uri.removeprefix("ducklake:")
    assert catalog.endswith("catalogs/posture.ducklake")
    assert (layout.root.parent / "catalogs" / "posture.ducklake").is_file()
    assert not (layout.root / "lake.ducklake").exists(), "the default catalog beside the warehouse was used"
    assert list((layout.root.parent / "lake_data").rglob("*.parquet")), "no data files in the lake data path"
    assert not (layout.root / "lake_files").exists()
    # a reader needs only the catalog: the data path is stored in it
    with duckdb.connect() as con:
        attach_lake(con, WarehouseLayout.for_database(two_releases.warehouse, lake_catalog=catalog), read_only=True)
        snapshots = con.execute("SELECT count(*) FROM lake.snapshots() WHERE commit_message LIKE 'release %'"
                                ).fetchone()[0]
    assert snapshots == 2


@pytest.mark.parametrize("catalog", [
    "postgres:dbname=posture host=db.internal user=posture password='s3cret'",
    "sqlite:/srv/lake/metadata.sqlite",
    "ducklake:postgres:dbname=posture",
])
def test_catalog_strings_reach_ducklake_untouched(tmp_path, catalog):
    layout = WarehouseLayout.for_database(tmp_path / "w.duckdb", lake_catalog=catalog, lake_data="s3://bucket/posture")
    expected = catalog if catalog.startswith("ducklake:") else f"ducklake:{catalog}"
    assert layout.lake_catalog_uri == expected
    assert layout.lake_data_path == "s3://bucket/posture/"
    assert layout.lake_catalog_file is None
    sql = attach_lake_sql(layout)
    assert sql.startswith("ATTACH IF NOT EXISTS '" + expected.replace("'", "''") + "' AS lake")
    assert "DATA_PATH 's3://bucket/posture/'" in sql


def test_default_lake_is_beside_the_warehouse(tmp_path):
    layout = WarehouseLayout.for_database(tmp_path / "w.duckdb")
    assert layout.lake_catalog_uri == f"ducklake:{(tmp_path / 'lake.ducklake').resolve().as_posix()}"
    assert layout.lake_data_path == (tmp_path / "lake_files").resolve().as_posix() + "/"
    assert layout.lake_catalog_file == (tmp_path / "lake.ducklake").resolve()


def _publish_one_more_article(inbox, warehouse) -> None:
    shutil.copy(REPO / "tests" / "fixtures" / "articles" / "en-practice-convoy.txt", inbox)
    assert materialize_all(inbox, warehouse).success


def _tables_by_file(layout: WarehouseLayout, old: int, new: int) -> tuple[set[str], set[str]]:
    """(tables whose release file changed, tables whose file has the same bytes) from ``old`` to ``new``."""
    files = [json.loads((release_dir(layout, v) / "manifest.json").read_text())["files"] for v in (old, new)]
    same = {name.removesuffix(".parquet") for name, entry in files[1].items()
            if files[0].get(name, {}).get("sha256") == entry["sha256"]}
    return {t.name for t in PUBLISHED_TABLES} - same, same


def _created_in_snapshot(con: duckdb.DuckDBPyConnection, snapshot: int) -> set[str]:
    changes = con.execute("SELECT changes FROM lake.snapshots() WHERE snapshot_id = ?", [snapshot]).fetchone()[0]
    return {name.removeprefix("main.") for name in changes.get("tables_created", [])}


def _assert_lake_holds(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout, version: int) -> None:
    snapshot = con.execute("SELECT lake_snapshot_id FROM main.dataset_versions WHERE version = ?",
                           [version]).fetchone()[0]
    for table in PUBLISHED_TABLES:
        released = _sorted(pl.read_parquet(release_dir(layout, version) / f"{table.name}.parquet"), table.key)
        as_of = con.execute(f"SELECT * FROM lake.{table.name} AT (VERSION => {snapshot})").pl()
        assert _sorted(as_of, table.key).equals(released), (version, table.name)


def _assert_lake_and_warehouse_hold_latest(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> None:
    latest = con.execute("SELECT max(version) FROM main.dataset_versions").fetchone()[0]
    _assert_lake_holds(con, layout, latest)
    for table in PUBLISHED_TABLES:
        released = _sorted(pl.read_parquet(release_dir(layout, latest) / f"{table.name}.parquet"), table.key)
        assert _sorted(con.execute(f"SELECT * FROM main.{table.name}").pl(), table.key).equals(released), table.name


def _rows_of_changed_keys(old: pl.DataFrame, new: pl.DataFrame, key: tuple[str, ...]) -> tuple[int, int]:
    """(rows of ``new``, rows of ``old``) of every key whose rows are not the same in both."""
    columns = old.columns
    differing = pl.concat([old.join(new, on=columns, how="anti", nulls_equal=True),
                           new.join(old, on=columns, how="anti", nulls_equal=True)]).select(key).unique()
    return tuple(frame.join(differing, on=list(key), how="semi").height for frame in (new, old))


def test_a_release_writes_to_the_lake_and_the_published_tables_only_the_rows_that_changed(
        sample_inbox, warehouse, monkeypatch):
    assert materialize_all(sample_inbox, warehouse).success
    loaded_whole = []
    monkeypatch.setattr(release, "load_parquet_table", lambda con, schema, table, path: loaded_whole.append(table.name))
    _publish_one_more_article(sample_inbox, warehouse)
    assert not loaded_whole, "a published table was loaded whole"
    layout = WarehouseLayout.for_database(warehouse)
    changed, same = _tables_by_file(layout, 1, 2)
    assert changed and same, "the new article should change some tables and leave others as they were"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        attach_lake(con, layout, read_only=True)
        snapshot = con.execute("SELECT lake_snapshot_id FROM main.dataset_versions WHERE version = 2").fetchone()[0]
        assert not _created_in_snapshot(con, snapshot), "a table was written whole"
        inserted_somewhere = False
        for table in PUBLISHED_TABLES:
            old, new = (pl.read_parquet(release_dir(layout, v) / f"{table.name}.parquet") for v in (1, 2))
            expected_inserts, expected_deletes = _rows_of_changed_keys(old, new, table.key)
            written = dict(con.execute("SELECT change_type, count(*) FROM ducklake_table_changes('lake', 'main', ?, ?, ?) "
                                       "GROUP BY ALL", [table.name, snapshot, snapshot]).fetchall())
            assert (written.get("insert", 0), written.get("delete", 0)) == (expected_inserts, expected_deletes), table.name
            assert table.name in changed or not written, table.name
            inserted_somewhere |= expected_inserts > 0
        assert inserted_somewhere
        _assert_lake_and_warehouse_hold_latest(con, layout)


def test_a_lake_snapshot_after_the_latest_release_makes_the_next_release_rewrite_every_table(
        sample_inbox, warehouse):
    assert materialize_all(sample_inbox, warehouse).success
    layout = WarehouseLayout.for_database(warehouse)
    # what a publish killed just after its lake commit leaves: a newer snapshot, in no release
    with duckdb.connect(str(warehouse)) as con:
        attach_lake(con, layout)
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE OR REPLACE TABLE lake.places AS SELECT * REPLACE (lat + 1 AS lat) FROM lake.places")
        con.execute("CALL lake.set_commit_message('posture', 'release 2')")
        con.execute("COMMIT")
    _publish_one_more_article(sample_inbox, warehouse)
    changed, same = _tables_by_file(layout, 1, 2)
    assert "places" in same
    with duckdb.connect(str(warehouse), read_only=True) as con:
        attach_lake(con, layout, read_only=True)
        snapshot = con.execute("SELECT lake_snapshot_id FROM main.dataset_versions WHERE version = 2").fetchone()[0]
        assert _created_in_snapshot(con, snapshot) == {t.name for t in PUBLISHED_TABLES}
        _assert_lake_and_warehouse_hold_latest(con, layout)


def test_a_copied_warehouse_folder_uses_its_own_lake_files(sample_inbox, tmp_path):
    original = tmp_path / "original" / "warehouse.duckdb"
    assert materialize_all(sample_inbox, original).success
    copy = tmp_path / "copy" / "warehouse.duckdb"
    shutil.copytree(original.parent, copy.parent)
    shutil.rmtree(original.parent)  # the folder it came from is gone: nothing may be read from there
    layout = WarehouseLayout.for_database(copy)
    _publish_one_more_article(sample_inbox, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        attach_lake(con, layout, read_only=True)
        _assert_lake_holds(con, layout, 1)
        _assert_lake_and_warehouse_hold_latest(con, layout)
    assert not original.parent.exists()


def test_the_lake_writes_a_table_a_row_group_of_the_release_at_a_time(tmp_path, monkeypatch):
    # DuckLake's own default (122,880 rows) held every article of a 100k release at once
    monkeypatch.setattr(release, "ROW_GROUP_ROWS", 2048)  # DuckDB's smallest Parquet row group
    source = tmp_path / "articles.parquet"
    rows = 3 * 2048 + 5
    layout = WarehouseLayout.for_database(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(layout.database)) as con:
        con.execute(f"COPY (SELECT range AS n, repeat('body ', 40) AS body FROM range({rows})) TO '{source}'")
        attach_lake(con, layout)
        release._commit_to_lake(con, {"articles": source}, 1)
        files = [f for (f,) in con.execute("SELECT data_file FROM ducklake_list_files('lake', 'articles')").fetchall()]
        groups = con.execute("SELECT row_group_id, any_value(row_group_num_rows) FROM parquet_metadata(?) "
                             "GROUP BY ALL ORDER BY ALL", [files]).fetchall()
        assert [n for _, n in groups] == [2048, 2048, 2048, 5]
        assert con.execute("SELECT count(*), sum(n) FROM lake.articles").fetchone() == (rows, rows * (rows - 1) // 2)


@pytest.mark.parametrize("lake_columns_differ", [False, True])
def test_a_changed_table_goes_to_the_lake_as_its_changed_rows_unless_the_lake_table_has_other_columns(
        tmp_path, lake_columns_differ):
    places = PLACES.frame(load_gazetteer().rows()).head(4)
    moved = places.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.col("lat") + 1).otherwise(pl.col("lat"))
                                .alias("lat"))
    layout = WarehouseLayout.for_database(tmp_path / "warehouse.duckdb")
    new_file = tmp_path / "places.parquet"
    moved.write_parquet(new_file)
    with duckdb.connect(str(layout.database)) as con:
        write_table(con, "main", PLACES, places)  # the published table: the latest release's rows
        attach_lake(con, layout)
        dropped = " EXCLUDE (lon)" if lake_columns_differ else ""
        con.execute(f"CREATE TABLE lake.places AS SELECT *{dropped} FROM read_parquet(?)", [str(new_file)])
        con.execute("DELETE FROM lake.places")
        con.execute(f"INSERT INTO lake.places SELECT *{dropped} FROM main.places")
        changed = release._changed_keys(con, PLACES, release._file_rows(new_file))
        assert changed is not None and changed.to_pylist() == [{"place_id": places["place_id"][1]}]
        snapshot = release._commit_to_lake(con, {"places": new_file}, 2, {"places": changed})
        written = dict(con.execute("SELECT change_type, count(*) FROM ducklake_table_changes('lake', 'main', 'places', "
                                   "?, ?) GROUP BY ALL", [snapshot, snapshot]).fetchall())
        assert _created_in_snapshot(con, snapshot) == ({"places"} if lake_columns_differ else set())
        if not lake_columns_differ:
            assert written == {"insert": 1, "delete": 1}  # the moved place only
        held = con.execute("SELECT * FROM lake.places").pl()
        assert _sorted(held, PLACES.key).equals(_sorted(moved, PLACES.key))
