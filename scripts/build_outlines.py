"""Build ``posture/data/geo/outlines.geojson`` from Natural Earth shapefiles (run once, by hand).

Not part of the pipeline: it needs ``pyshp`` and ``shapely``, which the project does not
depend on. See ``posture/data/geo/README.md`` for where the shapefiles come from.

    python -m venv /tmp/geo && /tmp/geo/bin/pip install pyshp shapely
    /tmp/geo/bin/python scripts/build_outlines.py NE_10M_DIR NE_110M_DIR posture/data/geo/outlines.geojson

Country borders and coasts come from the 1:10m lines, noded and polygonised; each land face
is named by the nearest 1:110m country polygon, and the countries are simplified together as a
coverage (neighbours keep exactly the same simplified border). Governorate boundaries are the 1:10m
admin-1 lines inside Syria and Iraq.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapefile
import shapely
from shapely import geometry, ops

BBOX = (34.0, 28.5, 49.0, 38.0)  # lon_min, lat_min, lon_max, lat_max: Syria, Iraq and their borders
FOCUS = ("SY", "IQ")
TOLERANCE = 0.01  # degrees (~1 km): plenty for a map of the whole region
DIGITS = 3
GRID = 1e-6
SNAP = 2e-3  # degrees (~200 m)


def _shapes(path: Path) -> list:
    with open(path.with_suffix(".shp"), "rb") as shp, open(path.with_suffix(".shx"), "rb") as shx:
        shapes = shapefile.Reader(shp=shp, shx=shx).shapes()
        return [geometry.shape(s.__geo_interface__) for s in shapes if s.shapeType != shapefile.NULL]


def _clip(lines: list, box) -> list:
    out = []
    for line in lines:
        if line.intersects(box):
            piece = line.intersection(box)
            out.extend(getattr(piece, "geoms", [piece]))
    return [g for g in out if g.geom_type == "LineString" and g.length > 0]


def _round(geojson: dict) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
        return [walk(c) for c in coords]

    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}


def build(ne10: Path, ne110: Path) -> dict:
    box = geometry.box(*BBOX)
    lines = _clip(_shapes(ne10 / "ne_10m_admin_0_boundary_lines_land") + _shapes(ne10 / "ne_10m_coastline"), box)
    # borders stop just short of the coast or of each other: snap their ends onto what they meet
    everything = geometry.MultiLineString([*lines, box.exterior])
    snapped = [shapely.snap(line, everything, SNAP) for line in [*lines, box.exterior]]
    faces = list(ops.polygonize(shapely.union_all(snapped, grid_size=GRID)))

    countries = shapefile.Reader(str(ne110 / "ne_110m_admin_0_countries"))
    coarse = [(rec["ISO_A2"], rec["NAME"], geometry.shape(shape.__geo_interface__))
              for rec, shape in zip(countries.records(), countries.shapes())]
    land = ops.unary_union([g for g in _shapes(ne10 / "ne_10m_land") if g.intersects(box)]).intersection(box)

    by_country: dict[str, list] = {}
    names: dict[str, str] = {}
    for face in faces:
        point = face.representative_point()
        if not land.contains(point):
            continue  # sea
        # the coarse polygons only name the faces; nearest one when the point falls in a coarse gap
        iso, name, _ = min(coarse, key=lambda c: c[2].distance(point))
        by_country.setdefault(iso, []).append(face)
        names[iso] = name

    isos = sorted(by_country)
    exact = [ops.unary_union(by_country[iso]) for iso in isos]
    # simplifies the shared borders once, so neighbours still meet without gaps or overlaps
    simplified = shapely.coverage_simplify(exact, TOLERANCE)
    features = [{"type": "Feature",
                 "properties": {"kind": "country", "iso_a2": iso, "name": names[iso], "focus": iso in FOCUS},
                 "geometry": _round(geometry.mapping(shape))}
                for iso, shape in zip(isos, simplified)]

    focus = ops.unary_union([exact[isos.index(iso)] for iso in FOCUS]).buffer(-0.005)
    admin1 = [line.intersection(focus) for line in _clip(_shapes(ne10 / "ne_10m_admin_1_states_provinces_lines"), box)
              if line.intersects(focus)]
    admin1 = ops.linemerge(ops.unary_union([g.simplify(TOLERANCE) for g in admin1 if not g.is_empty]))
    features.append({"type": "Feature", "properties": {"kind": "admin1_boundary", "countries": list(FOCUS)},
                     "geometry": _round(geometry.mapping(admin1))})
    return {"type": "FeatureCollection",
            "bbox": list(BBOX),
            "properties": {"source": "Natural Earth 1:10m and 1:110m (public domain)", "simplified_degrees": TOLERANCE},
            "features": features}


if __name__ == "__main__":
    ne10, ne110, out = (Path(a) for a in sys.argv[1:4])
    out.write_text(json.dumps(build(ne10, ne110), separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")
