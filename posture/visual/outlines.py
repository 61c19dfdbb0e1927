"""The country and governorate outlines shipped in ``posture/data/geo/`` (Natural Earth)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

OUTLINES_PATH = Path(__file__).resolve().parent.parent / "data" / "geo" / "outlines.geojson"


@cache
def outlines() -> dict:
    """The GeoJSON FeatureCollection: countries (``kind: country``) and ``admin1_boundary`` lines."""
    return json.loads(OUTLINES_PATH.read_text(encoding="utf-8"))


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """A Polygon or MultiPolygon as a list of polygons (each a list of rings)."""
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def lines(geometry: dict) -> list[list[list[float]]]:
    return [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]


def focus_bounds() -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of Syria and Iraq."""
    points = [pt for f in outlines()["features"] if f["properties"].get("focus")
              for polygon in polygons(f["geometry"]) for pt in polygon[0]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)
