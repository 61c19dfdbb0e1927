"""What the maps and the timeline draw, read from the published tables (Polars frames).

Pure functions shared by the Dagster metadata charts and the static HTML report, so both show
the same routes and the same points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

AREA_KINDS = ("admin1", "country")  # drawn at a representative point, not a precise location
# The columns of the published tables that the map and the timeline read: a caller reads no more
# (no evidence text, no article bodies).
CHART_COLUMNS = {
    "movement_reports": ("movement_id", "movement_type"),
    "movement_places": ("movement_id", "role", "place_id"),
    "places": ("place_id", "name_en", "place_kind", "feature_type", "lat", "lon"),
    "force_levels": ("claim_id", "article_id", "actor", "metric", "status", "ref_date", "value", "value_min",
                     "value_max", "qualifier", "area_place_id", "attributed_to"),
    "articles": ("article_id", "published_date"),
}


@dataclass(frozen=True)
class MapPlace:
    place_id: str
    name: str
    kind: str  # point, admin1, country
    feature_type: str
    lat: float
    lon: float

    @property
    def is_area(self) -> bool:
        return self.kind in AREA_KINDS


@dataclass(frozen=True)
class Route:
    """Every reported movement of one type from one place to another."""

    origin: MapPlace
    destination: MapPlace
    movement_type: str
    movement_ids: tuple[str, ...]

    @property
    def reports(self) -> int:
        return len(self.movement_ids)

    @property
    def to_or_from_area(self) -> bool:
        return self.origin.is_area or self.destination.is_area


@dataclass(frozen=True)
class Site:
    """A place where movements were reported without a from-to pair (locations, lone ends)."""

    place: MapPlace
    movement_type: str
    movement_ids: tuple[str, ...]


@dataclass(frozen=True)
class MovementMapData:
    routes: tuple[Route, ...]
    sites: tuple[Site, ...]

    @property
    def places(self) -> tuple[MapPlace, ...]:
        seen: dict[str, MapPlace] = {}
        for route in self.routes:
            seen.setdefault(route.origin.place_id, route.origin)
            seen.setdefault(route.destination.place_id, route.destination)
        for site in self.sites:
            seen.setdefault(site.place.place_id, site.place)
        return tuple(seen[k] for k in sorted(seen))

    @property
    def movement_count(self) -> int:
        ids = {m for r in self.routes for m in r.movement_ids} | {m for s in self.sites for m in s.movement_ids}
        return len(ids)


def _places_by_id(places: pl.DataFrame) -> dict[str, MapPlace]:
    return {
        row["place_id"]: MapPlace(row["place_id"], row["name_en"], row["place_kind"], row["feature_type"],
                                  float(row["lat"]), float(row["lon"]))
        for row in places.select("place_id", "name_en", "place_kind", "feature_type", "lat", "lon").iter_rows(named=True)
    }


def movement_map_data(reports: pl.DataFrame, movement_places: pl.DataFrame, places: pl.DataFrame) -> MovementMapData:
    """Routes origin -> destination (every pair of one movement) and sites, in a stable order."""
    by_id = _places_by_id(places)
    types = dict(zip(reports["movement_id"].to_list(), reports["movement_type"].to_list()))
    roles: dict[str, dict[str, list[str]]] = {}
    for row in movement_places.sort("movement_id", "role", "place_id").iter_rows(named=True):
        if row["movement_id"] in types and row["place_id"] in by_id:
            roles.setdefault(row["movement_id"], {}).setdefault(row["role"], []).append(row["place_id"])

    route_ids: dict[tuple[str, str, str], list[str]] = {}
    site_ids: dict[tuple[str, str], list[str]] = {}
    for movement_id in sorted(roles):
        kind = types[movement_id]
        origins, destinations = roles[movement_id].get("origin", []), roles[movement_id].get("destination", [])
        if origins and destinations:
            for origin in origins:
                for destination in destinations:
                    if origin != destination:
                        route_ids.setdefault((origin, destination, kind), []).append(movement_id)
            lone = roles[movement_id].get("location", [])
        else:
            lone = origins + destinations + roles[movement_id].get("location", [])
        for place_id in lone + roles[movement_id].get("via", []):
            site_ids.setdefault((place_id, kind), []).append(movement_id)

    routes = tuple(Route(by_id[o], by_id[d], kind, tuple(ids)) for (o, d, kind), ids in sorted(route_ids.items()))
    sites = tuple(Site(by_id[p], kind, tuple(ids)) for (p, kind), ids in sorted(site_ids.items()))
    return MovementMapData(routes, sites)


@dataclass(frozen=True)
class TimelinePoint:
    claim_id: str
    actor: str
    status: str  # current, past, planned
    date: dt.date
    dated_by_publication: bool  # no as-of / target date stated: drawn at the article's date
    value: int
    value_min: int | None
    value_max: int | None
    qualifier: str
    area: str | None
    attributed_to: str | None


def troop_timeline(force_levels: pl.DataFrame, articles: pl.DataFrame, places: pl.DataFrame) -> tuple[TimelinePoint, ...]:
    """Troop-number claims with a date: the stated as-of/target date, else the publication date."""
    published = dict(zip(articles["article_id"].to_list(), articles["published_date"].to_list()))
    names = dict(zip(places["place_id"].to_list(), places["name_en"].to_list()))
    points = []
    for row in force_levels.filter(pl.col("metric") == "troops").iter_rows(named=True):
        date = row["ref_date"] or published.get(row["article_id"])
        if date is None or row["value"] is None:
            continue  # nothing to place on a time axis
        points.append(TimelinePoint(
            claim_id=row["claim_id"], actor=row["actor"], status=row["status"], date=date,
            dated_by_publication=row["ref_date"] is None, value=int(row["value"]),
            value_min=row["value_min"], value_max=row["value_max"], qualifier=row["qualifier"],
            area=names.get(row["area_place_id"]) if row["area_place_id"] else None,
            attributed_to=row["attributed_to"]))
    return tuple(sorted(points, key=lambda p: (p.actor, p.date, p.status, p.value, p.claim_id)))
