"""`posture diff A B`: rows added, removed and changed per table by key; also on each release in Dagster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.cli import main as posture
from posture.release_tools import diff_json, diff_releases, release_dir
from posture.schema import TABLES
from tests.conftest import MOVED_PLACE
from tests.pipeline_runs import release_metadata


def _keys(folder: Path, table: str) -> set[tuple]:
    key = ", ".join(TABLES[table].key)
    with duckdb.connect() as con:
        return set(con.execute(f"SELECT {key} FROM read_parquet('{(folder / f'{table}.parquet').as_posix()}')"
                               ).fetchall())


def _expected_counts(old: Path, new: Path) -> dict[str, tuple[int, int]]:
    """(added, removed) per table, from the key sets of the two release folders."""
    manifest = json.loads((new / "manifest.json").read_text())
    return {name.removesuffix(".parquet"): (len(_keys(new, t) - _keys(old, t)), len(_keys(old, t) - _keys(new, t)))
            for name in manifest["files"] for t in [name.removesuffix(".parquet")]}


def test_diff_counts_rows_by_key_and_names_changed_values(two_releases):
    old, new = release_dir(two_releases.layout, 1), release_dir(two_releases.layout, 2)
    diffs = {d.table: d for d in diff_releases(old, new, rows=True)}
    expected = _expected_counts(old, new)
    assert set(diffs) == set(expected)
    for table, (added, removed) in expected.items():
        d = diffs[table]
        assert (d.added, d.removed) == (added, removed), table
        assert d.added + d.changed + d.unchanged == json.loads((new / "manifest.json").read_text())["row_counts"][table]
        assert len(d.rows["added"]) == added and len(d.rows["removed"]) == removed
    assert diffs["articles"].added == 1 and diffs["movement_reports"].added >= 1

    places = diffs["places"]
    assert places.changed == 1 and places.added == places.removed == 0
    (change,) = places.rows["changed"]
    assert change["key"] == {"place_id": MOVED_PLACE}
    assert set(change["changes"]) == {"lat"}  # only the column that changed
    assert change["changes"]["lat"]["old"] != change["changes"]["lat"]["new"]

    same = diff_releases(new, new)
    assert all(d.added == d.removed == d.changed == 0 for d in same)


def test_diff_command_prints_summary_rows_and_json(two_releases, capsys):
    warehouse = str(two_releases.warehouse)
    assert posture(["diff", "1", "2", "--warehouse", warehouse]) == 0
    summary = capsys.readouterr().out
    assert summary.startswith("release 1 -> 2")
    assert "places" in summary and MOVED_PLACE not in summary  # the summary has counts, not rows

    assert posture(["diff", "1", "2", "--warehouse", warehouse, "--rows"]) == 0
    rows = capsys.readouterr().out
    assert f"~ place_id={MOVED_PLACE}  lat:" in rows
    assert "+ article_id=" in rows

    assert posture(["diff", "1", "2", "--warehouse", warehouse, "--rows", "--json", "--table", "places"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["old"], data["new"]) == (1, 2)
    (places,) = data["tables"]
    assert places["table"] == "places" and places["key"] == ["place_id"]
    assert places["rows"]["changed"][0]["key"] == {"place_id": MOVED_PLACE}

    assert posture(["diff", "1", "9", "--warehouse", warehouse]) == 2
    assert "release 9 is not in" in capsys.readouterr().err


def test_a_diff_among_given_keys_compares_their_rows_and_counts_the_rest_unchanged(two_releases):
    old, new = release_dir(two_releases.layout, 1), release_dir(two_releases.layout, 2)
    full = {d.table: d for d in diff_releases(old, new, rows=True)}
    table = "movement_assets"
    key = TABLES[table].key
    differing = [r for kind in ("added", "removed") for r in full[table].rows[kind]] + \
        [r["key"] for r in full[table].rows["changed"]]
    assert differing  # (the second release added rows to it)
    with duckdb.connect() as con:  # the differing keys and one key whose rows are the same
        same = con.execute(f"SELECT {', '.join(key)} FROM read_parquet('{(old / f'{table}.parquet').as_posix()}') "
                           f"ORDER BY ALL LIMIT 1").fetchone()
    given = pa.Table.from_pylist([*differing, dict(zip(key, same))])
    among = {d.table: d for d in diff_releases(old, new, rows=True, changed_keys={table: given})}
    assert among == full
    # keys left out are taken as unchanged: given none, nothing differs, and every row is counted
    nothing = next(d for d in diff_releases(old, new, changed_keys={table: given.slice(0, 0)}) if d.table == table)
    assert (nothing.added, nothing.removed, nothing.changed) == (0, 0, 0)
    assert nothing.unchanged == full[table].unchanged + full[table].added + full[table].changed


def test_diff_limit_caps_listed_rows_but_not_counts(two_releases):
    old, new = release_dir(two_releases.layout, 1), release_dir(two_releases.layout, 2)
    assets = next(d for d in diff_releases(old, new, rows=True, limit=1) if d.table == "movement_assets")
    assert assets.added > 1 and len(assets.rows["added"]) == 1


def test_each_release_carries_its_diff_as_dagster_metadata(two_releases):
    metadata = release_metadata(two_releases.second_run)
    assert metadata["status"].value == "published" and metadata["release"].value == 2
    diff = metadata["diff"].value
    assert (diff["old"], diff["new"]) == (1, 2)
    expected = _expected_counts(release_dir(two_releases.layout, 1), release_dir(two_releases.layout, 2))
    assert {t["table"]: (t["added"], t["removed"]) for t in diff["tables"]} == expected
    assert MOVED_PLACE in metadata["diff_from_previous"].value  # the Markdown lists keyed rows
    # compared on the keys the release step found changed: the same answer as comparing every row
    full = diff_releases(release_dir(two_releases.layout, 1), release_dir(two_releases.layout, 2))
    assert diff == diff_json(1, 2, full)
    # each published table says how it changed
    for event in two_releases.second_run.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        table = materialization.asset_key.to_user_string()
        if table in expected:
            assert materialization.metadata["rows_added"].value == expected[table][0], table


def test_tables_with_the_same_file_are_diffed_from_the_manifests_with_the_same_answer(two_releases, tmp_path):
    old, new = release_dir(two_releases.layout, 1), release_dir(two_releases.layout, 2)
    files = [json.loads((f / "manifest.json").read_text())["files"] for f in (old, new)]
    assert any(files[0][name]["sha256"] == entry["sha256"] for name, entry in files[1].items()), \
        "the fixture's releases should share some files"
    # copies whose manifests name no file hashes: every table is compared row by row
    unhashed = []
    for folder in (old, new):
        copy = tmp_path / folder.name
        shutil.copytree(folder, copy)
        manifest = json.loads((copy / "manifest.json").read_text())
        for entry in manifest["files"].values():
            del entry["sha256"]
        (copy / "manifest.json").write_text(json.dumps(manifest))
        unhashed.append(copy)
    assert diff_releases(old, new, rows=True) == diff_releases(*unhashed, rows=True)


def _release_folder(folder: Path, tables: dict[str, str]) -> Path:
    """A release folder of these tables (name: the SELECT of its rows), keyed by ``id``, with a
    manifest that names no file hashes (so each table is compared row by row)."""
    folder.mkdir()
    with duckdb.connect() as con:
        for name, rows in tables.items():
            con.execute(f"COPY ({rows}) TO '{(folder / f'{name}.parquet').as_posix()}' (FORMAT parquet)")
    (folder / "manifest.json").write_text(json.dumps({"files": {f"{name}.parquet": {"key": ["id"]}
                                                                for name in tables}}))
    return folder


def test_a_changed_value_is_found_whether_or_not_a_column_changed_type(tmp_path):
    def rows(n_type: str, values: str) -> str:
        return f"SELECT id, n::{n_type} AS n, body FROM (VALUES {values}) AS t(id, n, body)"

    old = _release_folder(tmp_path / "v1", {
        "retyped": rows("INTEGER", "('a', 1, 'first'), ('b', 2, 'second'), ('c', 3, 'third')"),
        "same_types": rows("INTEGER", "('a', 1, 'first'), ('c', 3, 'third'), ('d', 4, 'fourth')")})
    new = _release_folder(tmp_path / "v2", {
        "retyped": rows("BIGINT", "('a', 1, 'first'), ('b', 5, 'second'), ('c', 3, 'third')"),
        "same_types": rows("INTEGER", "('a', 1, 'first'), ('c', 3, 'third, told again'), ('e', 5, 'fifth')")})
    diffs = {d.table: d for d in diff_releases(old, new, rows=True)}
    retyped, same_types = diffs["retyped"], diffs["same_types"]
    assert (retyped.added, retyped.removed, retyped.changed, retyped.unchanged) == (0, 0, 1, 2)
    assert retyped.rows["changed"] == [{"key": {"id": "b"}, "changes": {"n": {"old": 2, "new": 5}}}]
    assert (same_types.added, same_types.removed, same_types.changed, same_types.unchanged) == (1, 1, 1, 1)
    assert same_types.rows == {"added": [{"id": "e"}], "removed": [{"id": "d"}], "changed": [
        {"key": {"id": "c"}, "changes": {"body": {"old": "third", "new": "third, told again"}}}]}
