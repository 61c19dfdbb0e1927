"""Working with published releases: find them, compare two by key, export one.

Exports: Parquet or CSV files per table, or GeoJSON (movements as LineStrings from origin to
destination, Points when one place is known; force-level claims as Points of their area),
each with a Frictionless ``datapackage.json`` describing every file from the code's own table
definitions, with its sha256.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from posture.release import sha256_file
from posture.schema import CONTRACT_VERSION, TABLES, Table
from posture.warehouse import WarehouseLayout

LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}
FRICTIONLESS_TYPES = {"VARCHAR": "string", "DATE": "date", "INTEGER": "integer", "BIGINT": "integer",
                      "DOUBLE": "number", "BOOLEAN": "boolean"}


class ReleaseNotFound(Exception):
    pass


def release_dir(layout: WarehouseLayout, version: int) -> Path:
    folder = layout.releases_dir / f"v{version:04d}"
    if not (folder / "manifest.json").exists():
        available = sorted(p.name for p in layout.releases_dir.glob("v*") if (p / "manifest.json").exists())
        raise ReleaseNotFound(f"release {version} is not in {layout.releases_dir} "
                              f"(available: {', '.join(available) or 'none; run `posture run` first'})")
    return folder


def _parquet(folder: Path, table: str) -> str:
    return (folder / f"{table}.parquet").as_posix()


# ---------------------------------------------------------------- diff


@dataclass(frozen=True)
class TableDiff:
    table: str
    added: int
    removed: int
    changed: int
    unchanged: int


def diff_releases(old: Path, new: Path) -> list[TableDiff]:
    """Rows added, removed and changed (same key, other values) per table."""
    diffs = []
    con = duckdb.connect()
    for name in sorted(set(json.loads((old / "manifest.json").read_text())["files"]) |
                       set(json.loads((new / "manifest.json").read_text())["files"])):
        table = TABLES[name.removesuffix(".parquet")]
        keys = ", ".join(f'"{k}"' for k in table.key)
        old_sql = f"SELECT * FROM read_parquet('{_parquet(old, table.name)}')" if (old / name).exists() \
            else f"SELECT * FROM read_parquet('{_parquet(new, table.name)}') LIMIT 0"
        new_sql = f"SELECT * FROM read_parquet('{_parquet(new, table.name)}')" if (new / name).exists() \
            else f"SELECT * FROM read_parquet('{_parquet(old, table.name)}') LIMIT 0"
        row = con.execute(f"""
            WITH a AS ({old_sql}), b AS ({new_sql}),
                 joined AS (SELECT to_json(a) AS ra, to_json(b) AS rb,
                                   a.{table.key[0]} IS NULL AS only_b, b.{table.key[0]} IS NULL AS only_a
                            FROM a FULL OUTER JOIN b USING ({keys}))
            SELECT count(*) FILTER (only_b), count(*) FILTER (only_a),
                   count(*) FILTER (NOT only_a AND NOT only_b AND ra <> rb),
                   count(*) FILTER (NOT only_a AND NOT only_b AND ra = rb)
            FROM joined""").fetchone()
        diffs.append(TableDiff(table.name, *row))
    return diffs


def format_diff(old_version: int, new_version: int, diffs: list[TableDiff]) -> str:
    lines = [f"release {old_version} -> {new_version}",
             f"{'table':<20}{'added':>8}{'removed':>9}{'changed':>9}{'same':>8}"]
    lines += [f"{d.table:<20}{d.added:>8}{d.removed:>9}{d.changed:>9}{d.unchanged:>8}" for d in diffs]
    return "\n".join(lines)


# ---------------------------------------------------------------- export


def _schema(table: Table) -> dict:
    return {
        "fields": [{"name": c.name, "type": FRICTIONLESS_TYPES[c.sql_type], "description": c.description,
                    **({"constraints": {"required": True}} if not c.nullable else {})} for c in table.columns],
        "primaryKey": list(table.key),
    }


def _resource(path: Path, out: Path, fmt: str, table: Table | None, description: str) -> dict:
    media = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv", "geojson": "application/geo+json"}
    resource = {
        "name": path.stem.replace(".", "_"),
        "path": path.relative_to(out).as_posix(),
        "format": fmt,
        "mediatype": media[fmt],
        "encoding": "utf-8",
        "hash": f"sha256:{sha256_file(path)}",
        "bytes": path.stat().st_size,
        "description": description,
    }
    if table is not None and fmt != "geojson":
        resource["schema"] = _schema(table)
        resource["profile"] = "tabular-data-resource"
    return resource


def _geojson_movements(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    rows = con.execute(f"""
        SELECT m.movement_id, m.article_id, m.actor, m.movement_type, CAST(m.event_date AS VARCHAR),
               m.event_date_precision, m.attributed_to, m.evidence_text,
               list(struct_pack(role := mp.role, lon := p.lon, lat := p.lat, name := p.name_en)
                    ORDER BY mp.role DESC, mp.place_id) FILTER (mp.place_id IS NOT NULL),
               (SELECT list(struct_pack(asset_type := a.asset_type, count := a.count) ORDER BY a.asset_type)
                FROM read_parquet('{_parquet(folder, "movement_assets")}') a WHERE a.movement_id = m.movement_id)
        FROM read_parquet('{_parquet(folder, "movement_reports")}') m
        LEFT JOIN read_parquet('{_parquet(folder, "movement_places")}') mp USING (movement_id)
        LEFT JOIN read_parquet('{_parquet(folder, "places")}') p USING (place_id)
        GROUP BY ALL ORDER BY m.movement_id""").fetchall()
    features = []
    for (movement_id, article_id, actor, kind, event_date, precision, source, evidence, places, assets) in rows:
        places = places or []
        origins = [p for p in places if p["role"] == "origin"]
        destinations = [p for p in places if p["role"] == "destination"]
        if origins and destinations:
            geometry = {"type": "LineString", "coordinates": [[origins[0]["lon"], origins[0]["lat"]],
                                                              [destinations[0]["lon"], destinations[0]["lat"]]]}
        elif places:
            geometry = {"type": "Point", "coordinates": [places[0]["lon"], places[0]["lat"]]}
        else:
            continue  # no place, nothing to draw
        features.append({"type": "Feature", "id": movement_id, "geometry": geometry, "properties": {
            "movement_id": movement_id, "article_id": article_id, "actor": actor, "movement_type": kind,
            "event_date": event_date, "event_date_precision": precision, "attributed_to": source,
            "origins": [p["name"] for p in origins], "destinations": [p["name"] for p in destinations],
            "assets": [dict(a) for a in assets or []], "evidence_text": evidence}})
    return {"type": "FeatureCollection", "features": features}


def _geojson_force_levels(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    rows = con.execute(f"""
        SELECT f.claim_id, f.article_id, f.actor, f.metric, f.value, f.value_min, f.value_max, f.qualifier,
               f.status, CAST(f.ref_date AS VARCHAR), f.attributed_to, p.name_en, p.lon, p.lat, f.evidence_text
        FROM read_parquet('{_parquet(folder, "force_levels")}') f
        JOIN read_parquet('{_parquet(folder, "places")}') p ON p.place_id = f.area_place_id
        ORDER BY f.claim_id""").fetchall()
    names = ("claim_id", "article_id", "actor", "metric", "value", "value_min", "value_max", "qualifier", "status",
             "ref_date", "attributed_to", "area")
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r[0], "geometry": {"type": "Point", "coordinates": [r[12], r[13]]},
         "properties": {**dict(zip(names, r[:12])), "evidence_text": r[14]}} for r in rows]}


def export_release(folder: Path, version: int, out: Path, fmt: str) -> Path:
    """Write the release's tables in ``fmt`` into ``out`` with a datapackage.json; return its path."""
    if fmt not in ("parquet", "csv", "geojson"):
        raise ValueError(f"unknown export format {fmt!r}: use parquet, csv or geojson")
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    resources = []
    con = duckdb.connect()
    if fmt == "geojson":
        for name, build in (("movements", _geojson_movements), ("force_levels", _geojson_force_levels)):
            path = out / f"{name}.geojson"
            path.write_text(json.dumps(build(con, folder), ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                            encoding="utf-8")
            resources.append(_resource(path, out, "geojson", None, f"{name} of release {version} (RFC 7946)"))
    else:
        for name in sorted(manifest["files"]):
            table = TABLES[name.removesuffix(".parquet")]
            path = out / f"{table.name}.{fmt}"
            if fmt == "parquet":
                shutil.copyfile(folder / name, path)
            else:
                con.execute(f"COPY (SELECT * FROM read_parquet('{_parquet(folder, table.name)}')) "
                            f"TO '{path.as_posix()}' (HEADER, DELIMITER ',')")
            resources.append(_resource(path, out, fmt, table, table.description))
    package = {
        "profile": "data-package",
        "name": f"posture-release-{version}",
        "title": f"Posture dataset, release {version}",
        "version": str(version),
        "licenses": [LICENSE],
        "sources": [{"title": "News reports (see articles.source_uri and outlet)", "path": "articles"}],
        "contract_version": CONTRACT_VERSION,
        "content_sha256": manifest["content_sha256"],
        "resources": resources,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path
