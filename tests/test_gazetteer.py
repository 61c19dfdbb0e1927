"""The gazetteer: the bundled places, their matching forms, user CSVs, GeoNames dumps, errors."""

from __future__ import annotations

import csv
import html
import json
import math
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from posture.gazetteer.gazetteer import (BUNDLED_PLACES, CSV_COLUMNS, DATA_DIR, TABLE_COLUMNS, GazetteerError,
                                         distance_km, feature_types, load_gazetteer, skip_comments)
from posture.text.normalize import fold
from posture.visual.outlines import outlines, polygons
from posture.vocab import vocabularies
from tests.conftest import SHARED_CORPUS

FIXTURES = Path(__file__).parent / "fixtures" / "gazetteer"
POINT_MATCH_KM = 25.0



@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _data_table(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(skip_comments(f)))


def _country_boxes() -> dict[str, tuple[float, float, float, float]]:
    """country_code -> (lat_min, lat_max, lon_min, lon_max), from country_boxes.csv."""
    return {r["country_code"]: tuple(float(r[k]) for k in ("lat_min", "lat_max", "lon_min", "lon_max"))
            for r in _data_table("country_boxes.csv")}


def _bundled_rows() -> list[dict]:
    with BUNDLED_PLACES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- the bundled data


def test_bundled_file_has_the_contract_header_and_enough_unique_slugs():
    with BUNDLED_PLACES.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert tuple(header) == CSV_COLUMNS
    rows = _bundled_rows()
    ids = [r["place_id"] for r in rows]
    assert len(rows) >= 300
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_]*", i) for i in ids)


def test_bundled_kinds_types_governorates_and_coordinates_are_valid():
    vocab = vocabularies()
    kinds_to_types = {"admin1": {"governorate"}, "country": {"country"}}
    for row in _bundled_rows():
        pid, kind, country = row["place_id"], row["place_kind"], row["country_code"]
        assert kind in vocab.place_kinds, pid
        assert row["feature_type"] in feature_types(), pid
        assert row["feature_type"] in kinds_to_types.get(kind, set(feature_types()) - {"governorate", "country"}), pid
        assert row["name_en"] and row["name_ar"], pid
        if country in vocab.admin1 and row["admin1"]:
            assert row["admin1"] in vocab.admin1[country], pid
        if kind == "country":
            assert row["admin1"] == "", pid
        if kind == "point" and country in vocab.admin1 and row["feature_type"] not in ("region", "mountain"):
            assert row["admin1"], f"{pid}: a point in {country} names its governorate"
        lat, lon = float(row["lat"]), float(row["lon"])
        assert re.fullmatch(r"-?\d+\.\d{4}", row["lat"]) and re.fullmatch(r"-?\d+\.\d{4}", row["lon"]), pid
        lat_min, lat_max, lon_min, lon_max = _country_boxes()[country]
        assert lat_min <= lat <= lat_max and lon_min <= lon <= lon_max, f"{pid} ({lat}, {lon}) is outside {country}"
        assert row["coord_source"], pid
        for actor in filter(None, row["operated_by"].split("|")):
            assert actor in vocab.actor_families, pid


def test_every_governorate_of_the_contract_is_one_admin1_row(gazetteer):
    admin1_rows = [p for p in gazetteer.places.values() if p.place_kind == "admin1"]
    for country, names in vocabularies().admin1.items():
        for name in names:
            rows = [p for p in admin1_rows if p.admin1 == name]
            assert len(rows) == 1, name
            assert rows[0].country_code == country and rows[0].name_en == name
            assert gazetteer.admin1_place(name) is rows[0]
    assert len(admin1_rows) == sum(len(v) for v in vocabularies().admin1.values())


# ---------------------------------------------------------------- coordinates and where they were checked

COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
SOURCE_KINDS = ("geonames", "ourairports", "airportsdata", "dev-gold")  # a second source confirmed the point
OUTLINE_SLACK_KM = 3.0  # the outlines are simplified to ~1 km, and border posts stand on the line
CROSSING_TO_BORDER_KM = 8.0  # a crossing's post stands at most a few km from the border line
CAPITAL_KM = 1.0
_RELATIVE = re.compile(r"relative: (?:(?P<km>\d+\.\d) km (?P<dir>[NSEW]+) of|at) (?P<anchor>[a-z0-9_]+)")


def _coord_source_kind(value: str) -> str | None:
    for row in _data_table("coord_sources.csv"):
        if re.fullmatch(row["pattern"], value):
            return row["kind"]
    return None


def _compass_index(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Which of the 16 compass points the direction from the first point to the second is."""
    phi1, phi2, dlmb = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dlmb) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlmb)
    return int(((math.degrees(math.atan2(y, x)) + 360 + 11.25) % 360) // 22.5)


def _km_to_ring(lat: float, lon: float, ring: list[list[float]]) -> float:
    """Shortest distance from a point to a polygon ring, on a local flat projection (km)."""
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        ax, ay, bx, by = (x1 - lon) * kx, (y1 - lat) * ky, (x2 - lon) * kx, (y2 - lat) * ky
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, -(ax * dx + ay * dy) / ((dx * dx + dy * dy) or 1.0)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def _inside_ring(lat: float, lon: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _country_outlines() -> dict[str, list]:
    return {f["properties"]["iso_a2"]: polygons(f["geometry"]) for f in outlines()["features"]
            if f["properties"].get("kind") == "country"}


def _outline_verdict(lat: float, lon: float, country_polygons: list) -> tuple[bool, float]:
    """(inside the country's outline, km to its outline)."""
    inside = any(_inside_ring(lat, lon, poly[0]) and not any(_inside_ring(lat, lon, h) for h in poly[1:])
                 for poly in country_polygons)
    return inside, min(_km_to_ring(lat, lon, ring) for poly in country_polygons for ring in poly)


def _in_outline_box(lat: float, lon: float) -> bool:
    lon_min, lat_min, lon_max, lat_max = outlines()["bbox"]
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def test_every_coord_source_is_in_the_documented_vocabulary():
    unknown = [(r["place_id"], r["coord_source"]) for r in _bundled_rows() if _coord_source_kind(r["coord_source"]) is None]
    assert unknown == []


def test_coord_source_kinds_fit_the_place_kind():
    for row in _bundled_rows():
        kind = _coord_source_kind(row["coord_source"])
        if row["place_kind"] == "country":
            assert kind == "centroid-approx", row["place_id"]
        elif row["place_kind"] == "admin1":
            assert kind in ("capital", "centroid-approx"), row["place_id"]
        else:
            assert kind != "capital", row["place_id"]


def test_relative_placements_state_the_true_distance_and_direction_from_a_confirmed_place():
    rows = {r["place_id"]: r for r in _bundled_rows()}
    relative = [r for r in rows.values() if _coord_source_kind(r["coord_source"]) == "relative"]
    assert relative
    for row in relative:
        claim = _RELATIVE.match(row["coord_source"])
        anchor = rows.get(claim["anchor"])
        assert anchor is not None, f"{row['place_id']}: no place {claim['anchor']}"
        assert _coord_source_kind(anchor["coord_source"]) in SOURCE_KINDS, f"{row['place_id']}: {anchor['place_id']}"
        a_lat, a_lon, lat, lon = (float(anchor["lat"]), float(anchor["lon"]), float(row["lat"]), float(row["lon"]))
        km = distance_km(a_lat, a_lon, lat, lon)
        if claim["km"] is None:
            assert km <= 0.5, row["place_id"]
            continue
        assert km == pytest.approx(float(claim["km"]), abs=0.1), row["place_id"]
        # the stated compass point, or a neighbour of it when the bearing is near the boundary
        stated, true = COMPASS.index(claim["dir"]), _compass_index(a_lat, a_lon, lat, lon)
        assert min((stated - true) % 16, (true - stated) % 16) <= 1, row["place_id"]


def test_governorates_placed_at_their_capital_sit_on_a_confirmed_town_of_that_governorate():
    rows = _bundled_rows()
    towns = [r for r in rows if r["feature_type"] in ("city", "town")
             and _coord_source_kind(r["coord_source"]) in SOURCE_KINDS]
    for row in rows:
        if row["coord_source"] == "capital":
            lat, lon = float(row["lat"]), float(row["lon"])
            assert any(t["admin1"] == row["admin1"]
                       and distance_km(lat, lon, float(t["lat"]), float(t["lon"])) <= CAPITAL_KM
                       for t in towns), row["place_id"]


def test_points_lie_inside_their_country_outline():
    """Within the map outlines (Natural Earth), a point lies in its country, or on its border.

    Regions are skipped: their point only represents an area (the Golan Heights are Syria's in the
    data, while Natural Earth draws them in Israel)."""
    countries = _country_outlines()
    outside = []
    for row in _bundled_rows():
        lat, lon, country = float(row["lat"]), float(row["lon"]), row["country_code"]
        if row["place_kind"] != "point" or row["feature_type"] == "region" or not _in_outline_box(lat, lon):
            continue
        inside, km = _outline_verdict(lat, lon, countries[country])
        if not inside and km > OUTLINE_SLACK_KM:
            outside.append((row["place_id"], country, round(km, 1)))
    assert outside == []


def test_border_crossings_lie_on_a_border_of_their_country():
    countries = _country_outlines()
    crossings = [r for r in _bundled_rows() if r["feature_type"] == "border_crossing"]
    assert len(crossings) >= 10
    for row in crossings:
        lat, lon = float(row["lat"]), float(row["lon"])
        if _in_outline_box(lat, lon):
            _, km = _outline_verdict(lat, lon, countries[row["country_code"]])
            assert km <= CROSSING_TO_BORDER_KM, f"{row['place_id']} is {km:.1f} km from a border"


@pytest.mark.parametrize("code, arabic", [
    ("SY", "سوريا"), ("IQ", "العراق"), ("TR", "تركيا"), ("JO", "الأردن"), ("LB", "لبنان"), ("IL", "إسرائيل"),
    ("IR", "إيران"), ("KW", "الكويت"), ("SA", "السعودية"), ("QA", "قطر"), ("LY", "ليبيا"), ("RU", "روسيا"),
    ("US", "الولايات المتحدة"), ("EG", "مصر"), ("CY", "قبرص"), ("BH", "البحرين"), ("AE", "الإمارات"),
    ("DE", "ألمانيا"),
])
def test_involved_countries_have_a_country_row_found_by_their_arabic_name(gazetteer, code, arabic):
    country = gazetteer.country_place(code)
    assert country is not None and country.feature_type == "country"
    assert country in gazetteer.find(arabic)


# ---------------------------------------------------------------- names and matching forms


@pytest.mark.parametrize("written, place_id", [
    # Arabic spellings as news write them (hamza, ta marbuta and spacing are folded)
    ("كونوكو", "conoco_gas_field"), ("كونيكو", "conoco_gas_field"), ("معمل كونوكو", "conoco_gas_field"),
    ("العمر", "omar_oil_field"), ("حميميم", "hmeimim_airbase"), ("خراب الجير", "kharab_al_jir"),
    ("قسرك", "qasrak_base"), ("حرير", "harir_airbase"), ("التنف", "al_tanf_base"), ("كفرلوسين", "kafr_lusin_crossing"),
    ("كفر لوسين", "kafr_lusin_crossing"), ("بزابور", "bzabour"), ("بسنقول", "bsanqoul"), ("النبي أيوب", "nabi_ayyub"),
    ("عين العرب", "kobani"), ("البو كمال", "albu_kamal"), ("مطار التيفور", "t4_airbase"), ("ديريك", "malikiyah"),
    ("إقليم كردستان", "kurdistan_region"), ("شرق الفرات", "east_of_euphrates"), ("البادية", "badia"),
    ("سهل الغاب", "ghab_plain"), ("منفذ القائم", "qaim_crossing"), ("قاعدة التقدم", "taqaddum_airbase"),
    # English transliterations, with hyphen and apostrophe variants
    ("Koniko", "conoco_gas_field"), ("Conoco gas plant", "conoco_gas_field"), ("al-Omar", "omar_oil_field"),
    ("al Omar", "omar_oil_field"), ("Khmeimim", "hmeimim_airbase"), ("Rmelan landing zone", "kharab_al_jir"),
    ("Dayrik", "malikiyah"), ("Derik", "malikiyah"), ("Dadat", "aoun_al_dadat"), ("Ayn al-Arab", "kobani"),
    ("Tiyas", "t4_airbase"), ("T4", "t4_airbase"), ("Bashur", "harir_airbase"), ("Camp Victory", "victory_base"),
    ("Maarrat al-Numan", "maarat_al_numan"), ("Maarat al Numan", "maarat_al_numan"), ("Q-West", "qayyarah_airbase"),
    ("Semalka", "semalka_crossing"), ("Faysh Khabur crossing", "semalka_crossing"), ("Tower 22", "tower_22"),
])
def test_a_written_name_finds_its_place(gazetteer, written, place_id):
    assert place_id in [p.place_id for p in gazetteer.find(written)]


@pytest.mark.parametrize("written, place_ids", [
    ("الحسكة", ["hasakah_city", "hasakah_governorate"]),
    ("دير الزور", ["deir_ez_zor_city", "deir_ez_zor_governorate"]),
    ("ديرالزور", ["deir_ez_zor_city", "deir_ez_zor_governorate"]),
    ("Erbil", ["erbil_city", "erbil_governorate"]),
    ("الشدادي", ["shaddadi", "shaddadi_base"]),
])
def test_an_ambiguous_name_lists_every_candidate(gazetteer, written, place_ids):
    assert [p.place_id for p in gazetteer.by_folded_name(fold(written))] == place_ids


@pytest.mark.parametrize("word", ["القائم", "التقدم", "بلد", "الباب", "العديد", "تشرين", "Hit", "Victory"])
def test_ordinary_words_are_not_matched_alone(gazetteer, word):
    assert gazetteer.find(word) == []
    assert fold(word) not in {form for form, _ in gazetteer.surface_forms()}


def test_adjectives_are_not_country_names(gazetteer):
    for adjective in ("السورية", "العراقية", "التركية", "الأمريكية", "Syrian", "Iraqi", "Turkish", "American"):
        assert gazetteer.find(adjective) == [], adjective


def test_surface_forms_are_folded_sorted_and_point_at_known_places(gazetteer):
    forms = gazetteer.surface_forms()
    assert forms == sorted(forms)
    assert len(forms) == len(set(forms))
    assert all(form == fold(form) and pid in gazetteer for form, pid in forms)
    assert ("العمر", "omar_oil_field") in forms and ("al omar", "omar_oil_field") in forms


@pytest.mark.parametrize("spelling, canonical", [
    ("Deir Ezzor", "Deir ez-Zor"), ("دير الزور", "Deir ez-Zor"), ("Al-Hasakah", "Hasakah"), ("الحسكة", "Hasakah"),
    ("Salahuddin", "Saladin"), ("Ninawa", "Nineveh"), ("Arbil", "Erbil"), ("Sweida", "As-Suwayda"),
    ("Rural Damascus", "Rif Dimashq"), ("Nowhere", None),
])
def test_governorate_spellings_resolve_to_the_canonical_name(gazetteer, spelling, canonical):
    assert gazetteer.resolve_admin1(spelling) == canonical


def test_distance_is_haversine():
    assert distance_km(35.0, 40.0, 35.0, 40.0) == 0.0
    assert distance_km(35.0, 40.0, 36.0, 40.0) == pytest.approx(111.2, abs=0.1)  # one degree of latitude
    assert distance_km(33.5138, 36.2765, 33.3152, 44.3661) == pytest.approx(
        distance_km(33.3152, 44.3661, 33.5138, 36.2765))
    assert 740 < distance_km(33.5138, 36.2765, 33.3152, 44.3661) < 770  # Damascus - Baghdad


def test_rows_are_the_places_table(gazetteer):
    rows = gazetteer.rows()
    assert [r["place_id"] for r in rows] == sorted(r["place_id"] for r in rows)
    assert all(tuple(r) == TABLE_COLUMNS for r in rows)
    syria = next(r for r in rows if r["place_id"] == "syria")
    assert syria["admin1"] is None and syria["country_code"] == "SY" and syria["place_kind"] == "country"


def test_loading_is_deterministic():
    first, second = load_gazetteer(), load_gazetteer()
    assert first.rows() == second.rows()
    assert first.surface_forms() == second.surface_forms()


# ---------------------------------------------------------------- the dev gold files


def _gold_files() -> list[Path]:
    return sorted(SHARED_CORPUS.glob("*/*.gold.json"))


def _article_text(gold: Path) -> str:
    stem = gold.name.removesuffix(".gold.json")
    article = next(p for p in sorted(gold.parent.glob(stem + ".*")) if not p.name.endswith(".gold.json"))
    text = article.read_text(encoding="utf-8")
    if article.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style).*?</\1>", " ", text)))
    return fold(text)


def _gold_places(gold: Path) -> list[dict]:
    raw = json.loads(gold.read_text(encoding="utf-8"))
    places = []
    for movement in raw.get("movements", []):
        for role in ("origins", "destinations", "locations"):
            places += movement.get(role) or []
    places += [claim["area"] for claim in raw.get("force_levels", []) if claim.get("area")]
    return places


@pytest.mark.skipif(not _gold_files(), reason="the shared dev corpus is not next to the repository")
@pytest.mark.parametrize("gold", _gold_files(), ids=lambda p: p.name)
def test_every_gold_place_has_a_gazetteer_place_named_in_the_article(gazetteer, gold):
    text = _article_text(gold)
    for place in _gold_places(gold):
        if place["kind"] == "point":
            near = [p for _, p in gazetteer.within_km(place["lat"], place["lon"], POINT_MATCH_KM)]
            named = [p for p in near if any(v in text for v in _forms(p))]
            assert named, f"{place['name']}: no place within {POINT_MATCH_KM} km is named in {gold.name}"
        elif place["kind"] == "admin1":
            assert gazetteer.admin1_place(place["name"]) is not None, place
        else:
            assert gazetteer.country_place(place["country_code"]) is not None, place


def _forms(place) -> list[str]:
    return [fold(a) for a in place.aliases]


# ---------------------------------------------------------------- user CSV


def test_a_user_csv_adds_places_and_extends_existing_ones():
    base = load_gazetteer()
    merged = load_gazetteer([FIXTURES / "user_places.csv"])
    assert len(merged) == len(base) + 1

    new = merged.get("tal_hamis")
    assert (new.admin1, new.country_code, new.lat, new.lon) == ("Hasakah", "SY", 36.75, 41.4)  # Al-Hasakah resolved
    assert [p.place_id for p in merged.find("Tell Hamis")] == ["tal_hamis"]

    omar = merged.get("omar_oil_field")
    assert (omar.lat, omar.lon) == (34.97, 40.56)  # the user's coordinates replace the bundled ones
    assert omar.operated_by == base.get("omar_oil_field").operated_by  # not given: kept
    assert omar in merged.find("Omar CPF") and omar in merged.find("محطة العمر")  # new aliases added
    assert omar in merged.find("al-Omar") and omar in merged.find("العمر")  # old aliases kept


def test_out_of_range_coordinates_load_and_are_left_to_the_blocking_check(tmp_path):
    path = tmp_path / "far.csv"
    path.write_text(",".join(CSV_COLUMNS[:9]) + "\nnowhere,Nowhere,لا مكان,point,town,Hasakah,SY,999.0,40.0\n",
                    encoding="utf-8")
    assert load_gazetteer([path]).get("nowhere").lat == 999.0


HEADER = ",".join(CSV_COLUMNS[:9])


@pytest.mark.parametrize("content, line, column, fragment", [
    (HEADER + "\ntal_x,Tal X,تل,point,town,Hasakah,SY,abc,40.0\n", 2, "lat", "'abc' is not a number"),
    (HEADER + "\ntal_x,Tal X,تل,point,town,Hasakah,SY,36.0,\n", 2, "lon", "is not a number"),
    (HEADER + "\ntal_x,Tal X,تل,spot,town,Hasakah,SY,36.0,40.0\n", 2, "place_kind", "use one of point, admin1, country"),
    (HEADER + "\ntal_x,Tal X,تل,point,hamlet,Hasakah,SY,36.0,40.0\n", 2, "feature_type", "not a known feature type"),
    (HEADER + "\ntal_x,Tal X,تل,point,town,Deir Ezor,SY,36.0,40.0\n", 2, "admin1", "did you mean 'Deir ez-Zor'"),
    (HEADER + "\ntal_x,Tal X,تل,point,town,Hasakah,Syria,36.0,40.0\n", 2, "country_code", "ISO 3166-1 alpha-2"),
    (HEADER + "\nTal X,Tal X,تل,point,town,Hasakah,SY,36.0,40.0\n", 2, "place_id", "lowercase letters"),
    (HEADER + "\ntal_x,,تل,point,town,Hasakah,SY,36.0,40.0\n", 2, "name_en", "English name is empty"),
    (HEADER + "\ntal_x,Tal X,تل,point,town,Hasakah,SY,36.0,40.0\ntal_x,Tal X,تل,point,town,Hasakah,SY,36.0,40.0\n",
     3, "place_id", "already defined on line 2"),
    (HEADER + ",operated_by\ntal_x,Tal X,تل,point,town,Hasakah,SY,36.0,40.0,nato\n", 2, "operated_by",
     "'nato' is not an actor id"),
    ("place_id,name_en,place_kind\ntal_x,Tal X,point\n", 1, "name_ar", "the header lacks column(s) name_ar"),
    (HEADER + "\ntal_x,Tal X,تل,point,town,Hasakah,SY,36.0,40.0,extra\n", 2, None, "more fields than the header"),
])
def test_a_bad_user_row_names_file_line_column_and_fix(tmp_path, content, line, column, fragment):
    path = tmp_path / "mine.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer([path])
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert fragment in str(error) and "mine.csv" in str(error) and f"line {line}" in str(error)


def test_unreadable_files_say_why(tmp_path):
    with pytest.raises(GazetteerError, match="file not found"):
        load_gazetteer([tmp_path / "missing.csv"])
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes((HEADER + "\ntal_x,Tal X,,point,town,Hasakah,SY,36.0,40.0\n").encode() + "\nÿ".encode("latin-1"))
    with pytest.raises(GazetteerError, match="not UTF-8"):
        load_gazetteer([latin1])


# ---------------------------------------------------------------- GeoNames


def test_a_geonames_dump_adds_points_and_extends_governorate_and_country_rows():
    base = load_gazetteer()
    merged = load_gazetteer([FIXTURES / "SY_sample.txt"])
    assert sorted(set(merged.places) - set(base.places)) == ["geonames_9990002", "geonames_9990003", "geonames_9990004"]

    village = merged.get("geonames_9990002")
    assert (village.name_en, village.name_ar, village.feature_type) == ("Al Kishmah", "الكشمة", "village")
    assert (village.admin1, village.country_code, village.lat, village.lon) == ("Deir ez-Zor", "SY", 34.95, 40.6)
    assert village.coord_source == "geonames"
    assert village in merged.find("al-Kishma") and village in merged.find("الكشمة")
    assert merged.find("OSKM") == []  # code-like alternate names are not names

    assert merged.get("geonames_9990003").feature_type == "city"  # 150,000 people
    assert merged.get("geonames_9990003").admin1 == "Hasakah"
    assert merged.get("geonames_9990004").feature_type == "air_base"

    governorate = merged.admin1_place("Deir ez-Zor")
    assert governorate.place_id == "deir_ez_zor_governorate"  # still one admin1 row
    assert governorate in merged.find("Muhafazat Dayr az Zawr")
    assert merged.country_place("SY") in merged.find("Suriyah")


def test_a_zipped_geonames_dump_reads_like_the_text(tmp_path):
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "SY_sample.txt", "SY.txt")
    assert load_gazetteer([archive]).rows() == load_gazetteer([FIXTURES / "SY_sample.txt"]).rows()


def test_a_geonames_dump_with_a_broken_line_says_where(tmp_path):
    dump = tmp_path / "IQ.txt"
    shutil.copy(FIXTURES / "SY_sample.txt", dump)
    with dump.open("a", encoding="utf-8") as f:
        f.write("9990009\tBroken\tBroken\n")
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer([dump])
    assert caught.value.line == 7 and "expected 19 tab-separated GeoNames columns, found 3" in str(caught.value)


def test_a_geonames_dump_with_a_bad_coordinate_names_the_column(tmp_path):
    fields = (FIXTURES / "SY_sample.txt").read_text(encoding="utf-8").splitlines()[1].split("\t")
    fields[4] = "north"
    dump = tmp_path / "SY.txt"
    dump.write_text("\t".join(fields) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer([dump])
    assert (caught.value.line, caught.value.column) == (1, "latitude")
