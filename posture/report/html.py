"""A static HTML report of one release: a Leaflet map, the troop-numbers timeline and tables
whose evidence shows the exact sentence each row was read from.

It reads only the release folder (Parquet files + ``manifest.json``), so the same release gives
the same bytes on any machine. It opens from disk without a network: Leaflet is copied beside
the page and the country outlines are drawn as a layer; only the optional map tiles come from
the network.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template

import duckdb
import polars as pl

from posture.schema import TABLES
from posture.visual import style
from posture.visual.charts import render_movement_map, render_troop_timeline
from posture.visual.data import MovementMapData, movement_map_data, troop_timeline
from posture.visual.outlines import focus_bounds, outlines

ASSETS_DIR = Path(__file__).resolve().parent.parent / "data" / "report"
LEAFLET = "leaflet-1.9.4"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


@dataclass(frozen=True)
class ReleaseData:
    version: int
    manifest: dict
    frames: dict[str, pl.DataFrame]


def load_release(folder: Path) -> ReleaseData:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    frames = {}
    for name, table in TABLES.items():
        path = folder / f"{name}.parquet"
        if path.exists():
            frame = con.execute(f"SELECT * FROM read_parquet('{path.as_posix()}')").pl()
        else:
            frame = table.frame([])
        frames[name] = frame.sort(list(table.key), nulls_last=True)
    return ReleaseData(int(manifest.get("version") or folder.name.lstrip("v")), manifest, frames)


# ---------------------------------------------------------------- evidence


def highlight(body: str, start: int, end: int, mentions: list[tuple[int, int, str]]) -> str:
    """``body[start:end]`` as HTML, each mention (absolute offsets, label) wrapped in <mark>."""
    out, at = [], start
    for m_start, m_end, label in sorted(mentions):
        if m_start < at or m_end > end:
            continue  # outside the evidence or overlapping an earlier mention
        out.append(html.escape(body[at:m_start]))
        out.append(f'<mark class="{html.escape(label)}" title="{html.escape(label)}">'
                   f"{html.escape(body[m_start:m_end])}</mark>")
        at = m_end
    out.append(html.escape(body[at:end]))
    return "".join(out)


def _date(value, precision) -> str:
    if value is None:
        return ""
    return f"{value.isoformat()} ({precision})" if precision and precision != "day" else value.isoformat()


def _count(asset: dict) -> str:
    if asset["count"] is not None:
        return f"{asset['count']:,}" + ("" if asset["qualifier"] == "exact" else f" ({asset['qualifier']})")
    if asset["count_min"] is not None or asset["count_max"] is not None:
        return f"{asset['count_min'] or ''}–{asset['count_max'] or ''} ({asset['qualifier']})"
    return asset["qualifier"]


def movement_rows(release: ReleaseData) -> list[dict]:
    f = release.frames
    bodies = dict(zip(f["articles"]["article_id"].to_list(), f["articles"]["body"].to_list()))
    titles = dict(zip(f["articles"]["article_id"].to_list(), f["articles"]["title"].to_list()))
    names = dict(zip(f["places"]["place_id"].to_list(), f["places"]["name_en"].to_list()))
    places: dict[str, list[dict]] = {}
    for row in f["movement_places"].iter_rows(named=True):
        places.setdefault(row["movement_id"], []).append(row)
    assets: dict[str, list[dict]] = {}
    for row in f["movement_assets"].iter_rows(named=True):
        assets.setdefault(row["movement_id"], []).append(row)
    rows = []
    for m in f["movement_reports"].sort("event_date", "movement_id", nulls_last=True).iter_rows(named=True):
        mine = places.get(m["movement_id"], [])
        body = bodies.get(m["article_id"], "")
        mentions = [(p["mention_start"], p["mention_end"], p["role"]) for p in mine]
        for a in assets.get(m["movement_id"], []):
            at = body.find(a["mention_text"], m["evidence_start"], m["evidence_end"]) if a["mention_text"] else -1
            if at >= 0:
                mentions.append((at, at + len(a["mention_text"]), "asset"))

        def named(role: str) -> str:
            return ", ".join(sorted(names.get(p["place_id"], p["place_id"]) for p in mine if p["role"] == role))

        rows.append({
            "id": m["movement_id"], "date": _date(m["event_date"], m["event_date_precision"]),
            "actor": m["actor_name"] or m["actor"] if m["actor"] == "other" else m["actor"],
            "type": m["movement_type"], "origins": named("origin"), "destinations": named("destination"),
            "locations": ", ".join(filter(None, (named("location"), named("via")))),
            "assets": "; ".join(f"{a['asset_type']} {_count(a)}" for a in assets.get(m["movement_id"], [])),
            "source": m["attributed_to"] or "", "article": titles.get(m["article_id"], ""),
            "article_id": m["article_id"],
            "evidence": highlight(body, m["evidence_start"], m["evidence_end"], mentions),
        })
    return rows


def claim_rows(release: ReleaseData) -> list[dict]:
    f = release.frames
    bodies = dict(zip(f["articles"]["article_id"].to_list(), f["articles"]["body"].to_list()))
    published = dict(zip(f["articles"]["article_id"].to_list(), f["articles"]["published_date"].to_list()))
    names = dict(zip(f["places"]["place_id"].to_list(), f["places"]["name_en"].to_list()))
    rows = []
    for c in f["force_levels"].sort("actor", "metric", "ref_date", "claim_id", nulls_last=True).iter_rows(named=True):
        value = "" if c["value"] is None else f"{c['value']:,}"
        rows.append({
            "id": c["claim_id"], "actor": c["actor"], "metric": c["metric"], "value": value,
            "qualifier": c["qualifier"], "status": c["status"],
            "date": _date(c["ref_date"], c["ref_date_precision"])
                    or (f"published {published[c['article_id']].isoformat()}" if published.get(c["article_id"]) else ""),
            "area": names.get(c["area_place_id"], c["area_place_id"] or ""), "source": c["attributed_to"] or "",
            "evidence": highlight(bodies.get(c["article_id"], ""), c["evidence_start"], c["evidence_end"], []),
        })
    return rows


# ---------------------------------------------------------------- map data


def _round(value: float) -> float:
    return round(value, 5)


def map_features(data: MovementMapData, movements: list[dict]) -> dict:
    """Routes, sites and places as GeoJSON for the Leaflet layer (popups list the movements)."""
    by_id = {m["id"]: m for m in movements}

    def summary(ids) -> list[dict]:
        return [{"id": i, "date": by_id[i]["date"], "actor": by_id[i]["actor"], "assets": by_id[i]["assets"],
                 "source": by_id[i]["source"]} for i in ids if i in by_id]

    features = []
    for route in data.routes:
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
            [_round(route.origin.lon), _round(route.origin.lat)],
            [_round(route.destination.lon), _round(route.destination.lat)]]},
            "properties": {"layer": "route", "type": route.movement_type, "from": route.origin.name,
                           "to": route.destination.name, "reports": route.reports,
                           "area": route.to_or_from_area, "colour": style.movement_colour(route.movement_type),
                           "weight": round(style.route_width(route.reports) * 1.6, 2),
                           "movements": summary(route.movement_ids)}})
    for site in data.sites:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            _round(site.place.lon), _round(site.place.lat)]},
            "properties": {"layer": "site", "type": site.movement_type, "name": site.place.name,
                           "reports": len(site.movement_ids), "colour": style.movement_colour(site.movement_type),
                           "movements": summary(site.movement_ids)}})
    for place in data.places:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            _round(place.lon), _round(place.lat)]},
            "properties": {"layer": "place", "name": place.name, "place_id": place.place_id, "kind": place.kind,
                           "feature_type": place.feature_type}})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- page


def _table(columns: list[tuple[str, str]], rows: list[dict], raw: tuple[str, ...] = ("evidence",)) -> str:
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key, "")
            content = value if key in raw else html.escape(str(value))
            attrs = ' dir="auto" class="evidence"' if key in raw else (' class="id"' if key == "id" else "")
            cells.append(f"<td{attrs}>{content}</td>")
        body.append(f'<tr id="{html.escape(str(row.get("id", "")))}">' + "".join(cells) + "</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{len(columns)}" class="empty">none in this release</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _json_for_script(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _checks_line(checks: dict) -> str:
    passed = sum(1 for c in checks.values() if c.get("success"))
    return f"validation: {passed} of {len(checks)} suites passed"


def render_page(release: ReleaseData, tiles: str | None) -> str:
    movements = movement_rows(release)
    claims = claim_rows(release)
    data = movement_map_data(release.frames["movement_reports"], release.frames["movement_places"],
                             release.frames["places"])
    articles = [{"id": a["article_id"], "title": a["title"], "published": a["published_date"] or "",
                 "language": a["language"], "outlet": a["outlet"] or "", "source": a["source_uri"]}
                for a in release.frames["articles"].sort("published_date", "article_id", nulls_last=True).iter_rows(named=True)]
    manifest = release.manifest
    counts = manifest.get("row_counts", {})
    lon_min, lat_min, lon_max, lat_max = focus_bounds()
    payload = {"outlines": outlines(), "features": map_features(data, movements),
               "bounds": [[lat_min, lon_min], [lat_max, lon_max]],
               "tiles": tiles or "", "tilesAttribution": OSM_ATTRIBUTION if tiles == OSM_TILES else ""}
    template = Template((ASSETS_DIR / "template.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=f"Posture release {release.version}",
        version=release.version,
        sha=html.escape(manifest.get("content_sha256", "")),
        code_version=html.escape(str(manifest.get("code_version", ""))),
        contract=html.escape(str(manifest.get("contract_version", ""))),
        checks=html.escape(_checks_line(manifest.get("checks", {}))),
        counts=html.escape(", ".join(f"{k} {v}" for k, v in sorted(counts.items()))),
        leaflet=LEAFLET,
        movement_count=len(movements), claim_count=len(claims), article_count=len(articles),
        route_count=len(data.routes),
        movements=_table([("date", "date"), ("actor", "actor"), ("type", "type"), ("origins", "from"),
                          ("destinations", "to"), ("locations", "at / via"), ("assets", "what moved"),
                          ("source", "according to"), ("evidence", "evidence (places and assets marked)"),
                          ("id", "movement_id")], movements),
        claims=_table([("actor", "actor"), ("metric", "metric"), ("value", "value"), ("qualifier", "qualifier"),
                       ("status", "status"), ("date", "as of / target"), ("area", "area"),
                       ("source", "according to"), ("evidence", "evidence"), ("id", "claim_id")], claims),
        articles=_table([("published", "published"), ("title", "title"), ("language", "language"),
                         ("outlet", "outlet"), ("source", "source_uri"), ("id", "article_id")], articles,
                        raw=()),
        legend="".join(f'<span class="swatch" style="background:{c}"></span>{html.escape(t)} '
                       for t, c in style.MOVEMENT_COLOURS.items()),
        data=_json_for_script(payload),
    )


def build_report(release_folder: Path, out: Path, tiles: str | None = OSM_TILES) -> Path:
    """Write ``index.html``, the chart PNGs and Leaflet into ``out``; returns the page."""
    release = load_release(release_folder)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ASSETS_DIR / LEAFLET, out / LEAFLET, dirs_exist_ok=True)
    f = release.frames
    (out / "timeline.png").write_bytes(render_troop_timeline(troop_timeline(f["force_levels"], f["articles"],
                                                                            f["places"])))
    (out / "map.png").write_bytes(render_movement_map(movement_map_data(f["movement_reports"], f["movement_places"],
                                                                        f["places"])))
    page = out / "index.html"
    page.write_text(render_page(release, tiles), encoding="utf-8")
    return page
