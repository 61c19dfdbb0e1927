"""Working with published releases: find them, compare two by key, export one.

Exports: Parquet or CSV files per table, or GeoJSON (movements as LineStrings from origin to
destination, Points when one place is known; force-level claims as Points of their area),
each with a Frictionless ``datapackage.json`` describing every file from the code's own table
definitions, with its sha256.
"""

from __future__ import annotations

import json
import shutil
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from posture.release import sha256_file
from posture.schema import CONTRACT_VERSION, TABLES
from posture.warehouse import WarehouseLayout, registered

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
    """How one table changed between two releases, by key.

    ``changed`` rows have the same key and another value in at least one column both releases
    have; a column only one release has (``columns_added`` / ``columns_removed``) does not count.
    With ``rows``, the keys of the rows added and removed, and each changed row's key with its
    old and new values of the columns that changed (at most ``limit`` of each kind).
    """

    table: str
    key: tuple[str, ...]
    added: int
    removed: int
    changed: int
    unchanged: int
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()
    rows: dict[str, list] | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        data["key"], data["columns_added"], data["columns_removed"] = \
            list(self.key), list(self.columns_added), list(self.columns_removed)
        if self.rows is None:
            del data["rows"]
        return data


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _table_key(table: str, *manifests: dict) -> tuple[str, ...]:
    for manifest in manifests:
        entry = manifest["files"].get(f"{table}.parquet", {})
        if entry.get("key"):
            return tuple(entry["key"])
    if table in TABLES:
        return TABLES[table].key
    raise ValueError(f"cannot compare table {table!r}: neither release's manifest names its key")


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path.as_posix()}')").fetchall()]


def _quoted(names) -> list[str]:
    return ['"' + n.replace('"', '""') + '"' for n in names]


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO strings)."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def _diff_table(con: duckdb.DuckDBPyConnection, old: Path, new: Path, table: str, key: tuple[str, ...],
                rows: bool, limit: int | None, among_changed_keys: bool = False) -> TableDiff:
    """The diff of one table; ``among_changed_keys``: only the rows of the keys registered as
    ``changed_keys`` compared (see ``diff_releases``)."""
    old_file, new_file = old / f"{table}.parquet", new / f"{table}.parquet"
    either = old_file if old_file.exists() else new_file
    old_cols = _columns(con, old_file) if old_file.exists() else []
    new_cols = _columns(con, new_file) if new_file.exists() else []
    # A table only one release has is compared with an empty table of the same columns.
    old_sql = f"SELECT * FROM read_parquet('{(old_file if old_file.exists() else either).as_posix()}')" + \
        ("" if old_file.exists() else " LIMIT 0")
    new_sql = f"SELECT * FROM read_parquet('{(new_file if new_file.exists() else either).as_posix()}')" + \
        ("" if new_file.exists() else " LIMIT 0")
    if not old_file.exists():
        old_cols = new_cols
    if not new_file.exists():
        new_cols = old_cols
    common = [c for c in new_cols if c in old_cols and c not in key]
    keys = _quoted(key)
    new_rows = None  # rows of the whole new file, when only some of them are compared
    if among_changed_keys and old_file.exists() and new_file.exists():
        new_rows = con.execute(f"SELECT count(*) FROM ({new_sql})").fetchone()[0]  # (from the Parquet footer)
        within = f" WHERE ({', '.join(keys)}) IN (SELECT {', '.join(keys)} FROM changed_keys)"
        old_sql, new_sql = old_sql + within, new_sql + within
    on = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in keys)
    differs = " OR ".join(f"a.{c} IS DISTINCT FROM b.{c}" for c in _quoted(common)) or "false"
    joined = f"""
        WITH a AS ({old_sql}), b AS ({new_sql})
        SELECT {", ".join(f"coalesce(b.{k}, a.{k}) AS {k}" for k in keys)},
               a.{keys[0]} IS NULL AS only_new, b.{keys[0]} IS NULL AS only_old,
               a.{keys[0]} IS NOT NULL AND b.{keys[0]} IS NOT NULL AND ({differs}) AS differs
               {"".join(f", a.{c} AS {_quoted(['old:' + n])[0]}, b.{c} AS {_quoted(['new:' + n])[0]}"
                        for c, n in zip(_quoted(common), common)) if rows else ""}
        FROM a FULL OUTER JOIN b ON {on}"""
    added, removed, changed, total, compared_new = con.execute(
        f"SELECT count(*) FILTER (only_new), count(*) FILTER (only_old), count(*) FILTER (differs), count(*), "
        f"count(*) FILTER (NOT only_old) FROM ({joined})").fetchone()
    outside = 0 if new_rows is None else new_rows - compared_new  # left out of the comparison: unchanged
    details = None
    if rows:
        cap = "" if limit is None else f" LIMIT {int(limit)}"
        order = ", ".join(keys)

        # the changed rows joined once more, kept apart (few), and listed from there; none: no join at all
        con.execute(f"CREATE OR REPLACE TEMP TABLE release_diff AS SELECT * FROM ({joined}) "
                    f"WHERE {'only_new OR only_old OR differs' if added + removed + changed else 'false'}")

        def keyed(condition: str) -> list[tuple]:
            return con.execute(f"SELECT * FROM release_diff WHERE {condition} ORDER BY {order}{cap}").fetchall()

        width = len(key) + 3
        details = {
            "added": [dict(zip(key, map(_plain, r[:len(key)]))) for r in keyed("only_new")],
            "removed": [dict(zip(key, map(_plain, r[:len(key)]))) for r in keyed("only_old")],
            "changed": [
                {"key": dict(zip(key, map(_plain, r[:len(key)]))),
                 "changes": {name: {"old": _plain(r[width + 2 * i]), "new": _plain(r[width + 2 * i + 1])}
                             for i, name in enumerate(common) if r[width + 2 * i] != r[width + 2 * i + 1]}}
                for r in keyed("differs")],
        }
    return TableDiff(table, key, added, removed, changed, total - added - removed - changed + outside,
                     tuple(c for c in new_cols if c not in old_cols),
                     tuple(c for c in old_cols if c not in new_cols), details)


def diff_releases(old: Path, new: Path, rows: bool = False, limit: int | None = None,
                  changed_keys: dict[str, pa.Table | None] | None = None) -> list[TableDiff]:
    """Rows added, removed and changed (same key, other values) per table of two release folders.

    ``changed_keys``: for a table, the keys whose rows may differ, when already known (the release
    step found them): only their rows are compared, the others are counted as unchanged."""
    old_manifest, new_manifest = _manifest(old), _manifest(new)
    tables = sorted({name.removesuffix(".parquet") for name in (*old_manifest["files"], *new_manifest["files"])})
    diffs = []
    with duckdb.connect() as con:
        for table in tables:
            unchanged = _unchanged_table(table, old_manifest, new_manifest, rows)
            if unchanged:
                diffs.append(unchanged)
                continue
            key = _table_key(table, new_manifest, old_manifest)
            keys = (changed_keys or {}).get(table)
            with registered(con, "changed_keys", keys) if keys is not None else nullcontext():
                diffs.append(_diff_table(con, old, new, table, key, rows, limit, among_changed_keys=keys is not None))
    return diffs


def _unchanged_table(table: str, old_manifest: dict, new_manifest: dict, rows: bool) -> TableDiff | None:
    """The diff of a table whose file has the same bytes in both releases, from the manifests
    alone (None: the files differ, or a manifest lacks what it takes)."""
    old_file, new_file = (m["files"].get(f"{table}.parquet", {}) for m in (old_manifest, new_manifest))
    if not old_file.get("sha256") or old_file["sha256"] != new_file.get("sha256") or "rows" not in new_file:
        return None
    return TableDiff(table, _table_key(table, new_manifest, old_manifest), 0, 0, 0, new_file["rows"],
                     rows={"added": [], "removed": [], "changed": []} if rows else None)


def diff_json(old_version: int, new_version: int, diffs: list[TableDiff]) -> dict:
    return {"old": old_version, "new": new_version, "tables": [d.as_json() for d in diffs]}


def _key_text(key: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def _value_text(value: Any, width: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def format_diff(old_version: int, new_version: int, diffs: list[TableDiff]) -> str:
    width = max([20, *(len(d.table) + 2 for d in diffs)])
    lines = [f"release {old_version} -> {new_version}",
             f"{'table':<{width}}{'added':>8}{'removed':>9}{'changed':>9}{'same':>8}"]
    lines += [f"{d.table:<{width}}{d.added:>8}{d.removed:>9}{d.changed:>9}{d.unchanged:>8}" for d in diffs]
    for d in diffs:
        if d.columns_added or d.columns_removed:
            lines.append(f"{d.table}: columns added {list(d.columns_added)}, removed {list(d.columns_removed)}")
    for d in diffs:
        if not d.rows or not (d.rows["added"] or d.rows["removed"] or d.rows["changed"]):
            continue
        lines.append("")
        lines.append(f"{d.table} (key {', '.join(d.key)}):")
        lines += [f"  + {_key_text(k)}" for k in d.rows["added"]]
        lines += [f"  - {_key_text(k)}" for k in d.rows["removed"]]
        for row in d.rows["changed"]:
            changes = "; ".join(f"{c}: {_value_text(v['old'])} -> {_value_text(v['new'])}"
                                for c, v in row["changes"].items())
            lines.append(f"  ~ {_key_text(row['key'])}  {changes}")
        shown = {kind: len(d.rows[kind]) for kind in ("added", "removed", "changed")}
        totals = {"added": d.added, "removed": d.removed, "changed": d.changed}
        if shown != totals:
            lines.append(f"  (showing {shown['added']} of {d.added} added, {shown['removed']} of {d.removed} "
                         f"removed, {shown['changed']} of {d.changed} changed; raise --limit to see more)")
    return "\n".join(lines)


# ---------------------------------------------------------------- export


def _schema(con: duckdb.DuckDBPyConnection, parquet: Path, table: str) -> dict:
    """The Table Schema of a release file: its own columns, described by the code's table definition.

    The columns come from the file, so a release written by older code (fewer columns) is
    described as it is; types and descriptions come from ``posture.schema``.
    """
    definition = TABLES.get(table)
    known = {c.name: c for c in definition.columns} if definition else {}
    fields = []
    for name, duckdb_type, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet.as_posix()}')").fetchall():
        column = known.get(name)
        field = {"name": name, "type": FRICTIONLESS_TYPES.get(column.sql_type if column else duckdb_type, "any")}
        if column is not None:
            field["description"] = column.description
            if not column.nullable:
                field["constraints"] = {"required": True}
        fields.append(field)
    return {"fields": fields, "primaryKey": list(definition.key if definition else ()), "missingValues": [""]}


def _resource(path: Path, out: Path, fmt: str, description: str, schema: dict | None) -> dict:
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
    if schema is not None:
        resource["schema"] = schema
        resource["profile"] = "tabular-data-resource"
    return resource


def _names(places: list[dict], role: str, field: str) -> str | None:
    """The places of one role as one property value: ``a; b`` (GeoJSON properties stay flat)."""
    return "; ".join(p[field] for p in places if p["role"] == role) or None


def _movement_geometry(places: list[dict]) -> dict | None:
    """A line from each origin to each destination; else the places themselves as points.

    One line is a LineString, several (two origins, two destinations) a MultiLineString; a line
    whose ends are one point is drawn as that point. Positions are [longitude, latitude].
    """
    def position(place: dict) -> list[float]:
        return [place["lon"], place["lat"]]

    origins = [position(p) for p in places if p["role"] == "origin"]
    destinations = [position(p) for p in places if p["role"] == "destination"]
    lines = [[o, d] for o in origins for d in destinations if o != d]
    if len(lines) == 1:
        return {"type": "LineString", "coordinates": lines[0]}
    if lines:
        return {"type": "MultiLineString", "coordinates": lines}
    points = list(dict.fromkeys(tuple(position(p)) for p in places))
    if not points:
        return None
    if len(points) == 1:
        return {"type": "Point", "coordinates": list(points[0])}
    return {"type": "MultiPoint", "coordinates": [list(p) for p in points]}


def _geojson_movements(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    rows = con.execute(f"""
        SELECT m.movement_id, m.article_id, a.source_uri, a.outlet, CAST(a.published_date AS VARCHAR),
               m.actor, m.movement_type, CAST(m.event_date AS VARCHAR), m.event_date_precision, m.attributed_to,
               m.confidence, m.evidence_text,
               (SELECT list(struct_pack(role := mp.role, place_id := mp.place_id, lon := p.lon, lat := p.lat,
                                        name := p.name_en) ORDER BY mp.role, mp.place_id)
                FROM read_parquet('{_parquet(folder, "movement_places")}') mp
                JOIN read_parquet('{_parquet(folder, "places")}') p USING (place_id)
                WHERE mp.movement_id = m.movement_id),
               (SELECT string_agg(a.asset_type || coalesce(':' || a.count, ''), '; ' ORDER BY a.asset_type)
                FROM read_parquet('{_parquet(folder, "movement_assets")}') a WHERE a.movement_id = m.movement_id)
        FROM read_parquet('{_parquet(folder, "movement_reports")}') m
        LEFT JOIN read_parquet('{_parquet(folder, "articles")}') a USING (article_id)
        ORDER BY m.movement_id""").fetchall()
    features = []
    for (movement_id, article_id, source_uri, outlet, published, actor, kind, event_date, precision, source,
         confidence, evidence, places, assets) in rows:
        places = places or []
        geometry = _movement_geometry(places)
        if geometry is None:
            continue  # no place, nothing to draw
        properties = {
            "movement_id": movement_id, "article_id": article_id, "source_uri": source_uri, "outlet": outlet,
            "published_date": published, "actor": actor, "movement_type": kind, "event_date": event_date,
            "event_date_precision": precision, "attributed_to": source, "confidence": confidence,
            "assets": assets, "evidence_text": evidence,
        }
        for role, plural in (("origin", "origins"), ("destination", "destinations"), ("via", "via"),
                             ("location", "locations")):
            properties[plural] = _names(places, role, "name")
            properties[f"{plural}_place_ids"] = _names(places, role, "place_id")
        features.append({"type": "Feature", "id": movement_id, "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _geojson_force_levels(con: duckdb.DuckDBPyConnection, folder: Path) -> dict:
    cursor = con.execute(f"""
        SELECT f.claim_id, f.article_id, a.source_uri, a.outlet, CAST(a.published_date AS VARCHAR), f.actor,
               f.metric, f.value, f.value_min, f.value_max, f.qualifier, f.status, CAST(f.ref_date AS VARCHAR),
               f.ref_date_precision, f.attributed_to, f.confidence, f.area_place_id, p.name_en AS area,
               p.place_kind AS area_kind, f.evidence_text, p.lon, p.lat
        FROM read_parquet('{_parquet(folder, "force_levels")}') f
        JOIN read_parquet('{_parquet(folder, "places")}') p ON p.place_id = f.area_place_id
        LEFT JOIN read_parquet('{_parquet(folder, "articles")}') a USING (article_id)
        ORDER BY f.claim_id""")
    names = [d[0] for d in cursor.description][:-2]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": row[0], "geometry": {"type": "Point", "coordinates": [row[-2], row[-1]]},
         "properties": dict(zip(names, row[:-2]))} for row in cursor.fetchall()]}


def _sources(con: duckdb.DuckDBPyConnection, folder: Path) -> list[dict]:
    outlets = [row[0] for row in con.execute(
        f"SELECT DISTINCT outlet FROM read_parquet('{_parquet(folder, 'articles')}') "
        "WHERE outlet IS NOT NULL ORDER BY outlet").fetchall()]
    return [{"title": "News reports; each row names its article (articles.source_uri, articles.outlet)"},
            *({"title": outlet} for outlet in outlets)]


def export_release(folder: Path, version: int, out: Path, fmt: str) -> Path:
    """Write the release's tables in ``fmt`` into ``out`` with a datapackage.json; return its path."""
    if fmt not in ("parquet", "csv", "geojson"):
        raise ValueError(f"unknown export format {fmt!r}: use parquet, csv or geojson")
    out.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(folder)
    resources = []
    con = duckdb.connect()
    if fmt == "geojson":
        for name, build, what in (("movements", _geojson_movements, "movement reports with a place"),
                                  ("force_levels", _geojson_force_levels, "force-level claims with an area")):
            path = out / f"{name}.geojson"
            path.write_text(json.dumps(build(con, folder), ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                            encoding="utf-8")
            resources.append(_resource(path, out, "geojson",
                                       f"{what} of release {version}: RFC 7946 FeatureCollection, WGS84", None))
    else:
        for name in sorted(manifest["files"]):
            table = name.removesuffix(".parquet")
            path = out / f"{table}.{fmt}"
            if fmt == "parquet":
                shutil.copyfile(folder / name, path)
            else:
                con.execute(f"COPY (SELECT * FROM read_parquet('{_parquet(folder, table)}')) "
                            f"TO '{path.as_posix()}' (HEADER, DELIMITER ',')")
            description = TABLES[table].description if table in TABLES else table
            resources.append(_resource(path, out, fmt, description, _schema(con, folder / name, table)))
    package = {
        "profile": "data-package",
        "id": f"urn:sha256:{manifest['content_sha256']}",
        "name": f"posture-release-{version}",
        "title": f"Posture dataset, release {version}",
        "description": "Movements of armed forces and force-level claims in Syria and Iraq read from news "
                       "reports; every row quotes the sentence it was read from.",
        "version": str(version),
        "licenses": [LICENSE],
        "sources": _sources(con, folder),
        "contract_version": CONTRACT_VERSION,
        "code_version": manifest["code_version"],
        "content_sha256": manifest["content_sha256"],
        "resources": resources,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path
