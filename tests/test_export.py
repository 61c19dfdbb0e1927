"""`posture export`: Parquet, CSV or GeoJSON with a Frictionless datapackage.json.

The data package is validated with the ``frictionless`` library (offline): fully for CSV (data
against the schema, sha256 and byte counts); for Parquet the descriptor is validated by
frictionless and the hashes and columns by the test, because frictionless reads Parquet
through pandas, which turns a missing integer into NaN and then reports a type error.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import duckdb
import frictionless
import pytest

from pipelines.cli import main as posture
from posture.release_tools import release_dir
from posture.schema import TABLES

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString"}


def _export(two_releases, fmt: str, out: Path) -> dict:
    assert posture(["export", "--release", "2", "--format", fmt, "--out", str(out),
                    "--warehouse", str(two_releases.warehouse)]) == 0
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(two_releases) -> dict:
    return json.loads((release_dir(two_releases.layout, 2) / "manifest.json").read_text())


def _check_package_fields(package: dict, out: Path, manifest: dict) -> None:
    assert list(frictionless.Package.metadata_validate(package)) == []
    assert package["licenses"] and all(lic.get("name") or lic.get("path") for lic in package["licenses"])
    assert package["sources"] and all(source["title"] for source in package["sources"])
    assert package["content_sha256"] == manifest["content_sha256"]
    for resource in package["resources"]:
        path = out / resource["path"]
        assert resource["hash"] == f"sha256:{_sha256(path)}"
        assert resource["bytes"] == path.stat().st_size


def test_csv_export_validates_with_frictionless(two_releases, tmp_path):
    out = tmp_path / "csv"
    package = _export(two_releases, "csv", out)
    manifest = _manifest(two_releases)
    _check_package_fields(package, out, manifest)
    assert {r["name"] for r in package["resources"]} == {f.removesuffix(".parquet") for f in manifest["files"]}
    for resource in package["resources"]:
        assert [f["name"] for f in resource["schema"]["fields"]] == TABLES[resource["name"]].column_names
        assert resource["schema"]["primaryKey"] == list(TABLES[resource["name"]].key)

    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "type", "note"])
    rows = {task.name: task.stats.get("rows", 0) for task in report.tasks}
    assert rows == {name: count for name, count in manifest["row_counts"].items()}

    # frictionless notices a changed file: the descriptor's sha256 is checked
    places = out / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("Conoco", "Konoko", 1), encoding="utf-8")
    tampered = frictionless.validate(out / "datapackage.json")
    assert not tampered.valid
    assert {"hash-count"} <= {e[0] for e in tampered.flatten(["type"])}


def test_parquet_export_is_the_release_files_described(two_releases, tmp_path):
    out = tmp_path / "parquet"
    package = _export(two_releases, "parquet", out)
    manifest = _manifest(two_releases)
    _check_package_fields(package, out, manifest)
    with duckdb.connect() as con:
        for resource in package["resources"]:
            assert resource["hash"] == f"sha256:{manifest['files'][resource['path']]['sha256']}"
            columns = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{(out / resource['path']).as_posix()}')"
                                  ).fetchall()
            assert [c[0] for c in columns] == [f["name"] for f in resource["schema"]["fields"]]


def _positions(geometry: dict) -> list[list[float]]:
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [coordinates]
    if geometry["type"] in ("MultiPoint", "LineString"):
        return coordinates
    return [position for line in coordinates for position in line]  # MultiLineString


def _assert_rfc7946_feature_collection(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection" and isinstance(collection["features"], list)
    assert "crs" not in collection  # RFC 7946 removed it: coordinates are WGS84 lon/lat
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["id"], (str, int))
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        assert geometry["type"] in GEOMETRY_TYPES and "crs" not in geometry
        if geometry["type"] == "LineString":
            assert len(geometry["coordinates"]) >= 2
        if geometry["type"] == "MultiLineString":
            assert all(len(line) >= 2 for line in geometry["coordinates"])
        for position in _positions(geometry):
            assert len(position) == 2 and all(isinstance(x, float | int) and math.isfinite(x) for x in position)
            lon, lat = position
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        # flat properties: QGIS and kepler.gl show them as attribute columns
        assert all(v is None or isinstance(v, (str, int, float, bool)) for v in feature["properties"].values())


def test_geojson_export_is_rfc7946_with_lon_lat_positions(two_releases, tmp_path):
    out = tmp_path / "geojson"
    package = _export(two_releases, "geojson", out)
    _check_package_fields(package, out, _manifest(two_releases))
    assert frictionless.validate(out / "datapackage.json").valid
    assert {r["mediatype"] for r in package["resources"]} == {"application/geo+json"}

    movements = json.loads((out / "movements.geojson").read_text(encoding="utf-8"))
    claims = json.loads((out / "force_levels.geojson").read_text(encoding="utf-8"))
    for collection in (movements, claims):
        _assert_rfc7946_feature_collection(collection)

    folder = release_dir(two_releases.layout, 2)
    with duckdb.connect() as con:
        def parquet(table: str) -> str:
            return f"read_parquet('{(folder / f'{table}.parquet').as_posix()}')"

        place_lon_lat = {pid: [lon, lat] for pid, lon, lat in
                         con.execute(f"SELECT place_id, lon, lat FROM {parquet('places')}").fetchall()}
        placed = {m for (m,) in con.execute(f"SELECT DISTINCT movement_id FROM {parquet('movement_places')}").fetchall()}
        with_area = {c for (c,) in con.execute(
            f"SELECT claim_id FROM {parquet('force_levels')} WHERE area_place_id IS NOT NULL").fetchall()}
    assert {f["id"] for f in movements["features"]} == placed
    assert {f["id"] for f in claims["features"]} == with_area

    lines = [f for f in movements["features"] if f["geometry"]["type"] == "LineString"]
    assert lines, "the sample corpus has convoys from one place to another"
    for feature in lines:
        properties = feature["properties"]
        origin, destination = properties["origins_place_ids"], properties["destinations_place_ids"]
        # positions are [longitude, latitude] of the origin, then of the destination
        assert feature["geometry"]["coordinates"] == [place_lon_lat[origin], place_lon_lat[destination]]
    for feature in claims["features"]:
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == place_lon_lat[feature["properties"]["area_place_id"]]


def test_export_of_a_missing_release_is_a_readable_error(two_releases, tmp_path, capsys):
    code = posture(["export", "--release", "7", "--format", "csv", "--out", str(tmp_path / "x"),
                    "--warehouse", str(two_releases.warehouse)])
    assert code == 2
    assert "release 7 is not in" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_exports_are_deterministic(two_releases, tmp_path, fmt):
    first, second = _export(two_releases, fmt, tmp_path / "a"), _export(two_releases, fmt, tmp_path / "b")
    assert [r["hash"] for r in first["resources"]] == [r["hash"] for r in second["resources"]]
