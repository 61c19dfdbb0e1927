"""The chart data and the PNG charts: routes, sites and timeline points from small tables."""

from __future__ import annotations

import datetime as dt
import io
import json

from PIL import Image

from posture.schema import ARTICLES, FORCE_LEVELS, MOVEMENT_PLACES, MOVEMENT_REPORTS, PLACES
from posture.visual import style
from posture.visual.charts import render_movement_map, render_troop_timeline
from posture.visual.data import movement_map_data, troop_timeline
from posture.visual.outlines import OUTLINES_PATH, focus_bounds, outlines

PLACE_ROWS = [
    {"place_id": "omar", "name_en": "Omar field", "place_kind": "point", "feature_type": "oil_field",
     "country_code": "SY", "lat": 35.01, "lon": 40.56},
    {"place_id": "conoco", "name_en": "Conoco field", "place_kind": "point", "feature_type": "gas_field",
     "country_code": "SY", "lat": 35.34, "lon": 40.31},
    {"place_id": "qasrak", "name_en": "Qasrak", "place_kind": "point", "feature_type": "military_base",
     "country_code": "SY", "lat": 36.71, "lon": 40.51},
    {"place_id": "iraq", "name_en": "Iraq", "place_kind": "country", "feature_type": "country",
     "country_code": "IQ", "lat": 33.22, "lon": 43.68},
    {"place_id": "raqqa", "name_en": "Raqqa", "place_kind": "admin1", "feature_type": "governorate",
     "country_code": "SY", "lat": 35.95, "lon": 39.01},
]


def _movement(movement_id: str, kind: str) -> dict:
    return {"movement_id": movement_id, "article_id": "a1", "actor": "us", "movement_type": kind,
            "evidence_text": "x", "evidence_start": 0, "evidence_end": 1, "confidence": 1.0}


def _place(movement_id: str, role: str, place_id: str) -> dict:
    return {"movement_id": movement_id, "role": role, "place_id": place_id, "mention_text": place_id,
            "mention_start": 0, "mention_end": 1}


def _map_data():
    reports = MOVEMENT_REPORTS.frame([_movement("m1", "withdrawal"), _movement("m2", "withdrawal"),
                                      _movement("m3", "deployment"), _movement("m4", "patrol")])
    places = MOVEMENT_PLACES.frame([
        # m1: two origins, two destinations -> four routes
        _place("m1", "origin", "omar"), _place("m1", "origin", "conoco"),
        _place("m1", "destination", "qasrak"), _place("m1", "destination", "iraq"),
        # m2: the same omar -> qasrak route again
        _place("m2", "origin", "omar"), _place("m2", "destination", "qasrak"),
        # m3: destination only -> a site; m4: a location -> a site
        _place("m3", "destination", "raqqa"), _place("m4", "location", "raqqa"),
        _place("m4", "location", "unknown_place"),  # not in the gazetteer: ignored
    ])
    return movement_map_data(reports, places, PLACES.frame(PLACE_ROWS))


def test_every_origin_destination_pair_is_a_route_and_repeats_add_up():
    data = _map_data()
    pairs = {(r.origin.place_id, r.destination.place_id): r for r in data.routes}
    assert set(pairs) == {("omar", "qasrak"), ("omar", "iraq"), ("conoco", "qasrak"), ("conoco", "iraq")}
    assert pairs[("omar", "qasrak")].movement_ids == ("m1", "m2") and pairs[("omar", "qasrak")].reports == 2
    assert pairs[("omar", "iraq")].to_or_from_area and not pairs[("omar", "qasrak")].to_or_from_area
    assert {(s.place.place_id, s.movement_type, s.movement_ids) for s in data.sites} == {
        ("raqqa", "deployment", ("m3",)), ("raqqa", "patrol", ("m4",))}
    assert data.movement_count == 4
    assert [p.place_id for p in data.places] == sorted(["omar", "conoco", "qasrak", "iraq", "raqqa"])


def test_route_width_grows_with_reports():
    assert style.route_width(1) < style.route_width(2) < style.route_width(5)


def _png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).convert("RGB")


def _has_colour(image: Image.Image, hex_colour: str, tolerance: int = 40, at_least: int = 30) -> bool:
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    close = sum(count for count, pixel in image.getcolors(maxcolors=1 << 20)
                if all(abs(a - b) <= tolerance for a, b in zip(pixel, target)))
    return close >= at_least


def test_movement_map_draws_routes_in_their_colours_and_is_deterministic():
    data = _map_data()
    first, second = render_movement_map(data), render_movement_map(data)
    assert first == second
    image = _png(first)
    assert image.size == (900, 660)
    assert _has_colour(image, style.MOVEMENT_COLOURS["withdrawal"], at_least=300)
    assert _has_colour(image, style.MOVEMENT_COLOURS["deployment"])
    assert not _has_colour(image, style.MOVEMENT_COLOURS["airlift"], tolerance=10)


def test_empty_map_and_timeline_still_render():
    empty = movement_map_data(MOVEMENT_REPORTS.frame([]), MOVEMENT_PLACES.frame([]), PLACES.frame([]))
    assert empty.routes == () and empty.sites == ()
    assert _png(render_movement_map(empty)).size == (900, 660)
    assert _png(render_troop_timeline(())).size == (900, 480)


def _claim(claim_id: str, status: str, value: int | None, ref_date=None, metric="troops", actor="us") -> dict:
    return {"claim_id": claim_id, "article_id": "a1", "actor": actor, "area_place_id": "iraq", "metric": metric,
            "value": value, "value_min": value, "value_max": value, "qualifier": "exact", "status": status,
            "ref_date": ref_date, "evidence_text": "x", "evidence_start": 0, "evidence_end": 1, "confidence": 1.0}


def test_timeline_points_use_the_stated_date_else_the_publication_date():
    claims = FORCE_LEVELS.frame([
        _claim("c1", "past", 2500, dt.date(2024, 1, 1)),
        _claim("c2", "current", 2000),
        _claim("c3", "planned", 0, dt.date(2026, 9, 1)),
        _claim("c4", "current", 8, metric="bases"),  # not a troop number
        _claim("c5", "current", None),  # no number: nothing to plot
        _claim("c6", "current", 900, actor="turkey"),
    ])
    articles = ARTICLES.frame([{"article_id": "a1", "source_uri": "a.txt", "title": "t", "language": "en",
                                "body": "x", "published_date": dt.date(2025, 5, 3)}])
    points = troop_timeline(claims, articles, PLACES.frame(PLACE_ROWS))
    assert [(p.claim_id, p.date, p.dated_by_publication) for p in points] == [
        ("c6", dt.date(2025, 5, 3), True),
        ("c1", dt.date(2024, 1, 1), False), ("c2", dt.date(2025, 5, 3), True), ("c3", dt.date(2026, 9, 1), False)]
    assert points[0].area == "Iraq"
    image = _png(render_troop_timeline(points))
    colours = style.actor_colours(["us", "turkey"])
    assert _has_colour(image, colours["us"], tolerance=20, at_least=100)
    assert _has_colour(image, colours["turkey"], tolerance=20, at_least=30)


def test_outlines_cover_syria_and_iraq_and_credit_natural_earth():
    data = outlines()
    countries = {f["properties"]["iso_a2"]: f for f in data["features"] if f["properties"]["kind"] == "country"}
    assert {"SY", "IQ", "TR", "JO", "LB"} <= set(countries)
    assert countries["SY"]["properties"]["focus"] and countries["IQ"]["properties"]["focus"]
    assert any(f["properties"]["kind"] == "admin1_boundary" for f in data["features"])
    lon_min, lat_min, lon_max, lat_max = focus_bounds()
    assert 35 < lon_min < 36.5 and 48 < lon_max < 49 and 29 < lat_min < 30 and 37 < lat_max < 38
    assert OUTLINES_PATH.stat().st_size < 200_000
    readme = (OUTLINES_PATH.parent / "README.md").read_text()
    assert "Natural Earth" in readme and "public domain" in readme
    assert "Natural Earth" in json.loads(OUTLINES_PATH.read_text())["properties"]["source"]


def test_past_the_label_limit_the_places_with_the_most_reports_are_named():
    from posture.visual.charts import LABELLED_PLACES_MAX, _labelled

    many = LABELLED_PLACES_MAX + 10
    place_rows = [{"place_id": f"p{i:03d}", "name_en": f"Place {i:03d}", "place_kind": "point",
                   "feature_type": "town", "country_code": "SY", "lat": 33 + i / 50, "lon": 38 + i / 50}
                  for i in range(many)]
    # place i is the destination of i reports from p000 (p000 itself is in every route)
    reports, places = [], []
    for i in range(1, many):
        for k in range(i):
            movement = f"m{i}_{k}"
            reports.append(_movement(movement, "deployment"))
            places += [_place(movement, "origin", "p000"), _place(movement, "destination", f"p{i:03d}")]
    data = movement_map_data(MOVEMENT_REPORTS.frame(reports), MOVEMENT_PLACES.frame(places),
                             PLACES.frame(place_rows))
    named = {p.place_id for p in _labelled(data)}
    assert len(data.places) == many and len(named) == LABELLED_PLACES_MAX
    assert named == {"p000"} | {f"p{i:03d}" for i in range(many - LABELLED_PLACES_MAX + 1, many)}
    assert render_movement_map(data) == render_movement_map(data)
