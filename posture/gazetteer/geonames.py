"""Reading a GeoNames dump (``SY.txt``, ``IQ.txt``, ``allCountries.txt``, or a ``.zip`` of one).

A dump has one place per line and 19 tab-separated columns (see ``GEONAMES_COLUMNS``). Which
features are kept, and as what, is data: ``geonames_feature_codes.csv``. Governorates of Syria
and Iraq come from the admin1 code column through ``geonames_admin1.csv``; when the dump holds
the ADM1 rows themselves, their names are resolved against the gazetteer's governorate
spellings first, so a dump whose codes differ from the table still lands on the right names.

ADM1 and country rows are not added as new places: their names and alternate names extend the
bundled governorate or country row (so each governorate stays one admin1 row). Every other kept
row becomes a place ``geonames_<id>`` whose aliases are its name, ASCII name and the alternate
names written in Latin or Arabic script.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from posture.gazetteer.gazetteer import (DATA_DIR, Gazetteer, GazetteerError, Place, skip_comments,
                                         merge_places)
from posture.vocab import vocabularies

FEATURE_CODES_FILE = DATA_DIR / "geonames_feature_codes.csv"
ADMIN1_CODES_FILE = DATA_DIR / "geonames_admin1.csv"

GEONAMES_COLUMNS = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
                    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone",
                    "modification_date")
CITY_POPULATION = 100_000
TOWN_POPULATION = 10_000
SETTLEMENT_TYPES = ("city", "town", "village")
COORD_SOURCE = "geonames"

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN_OR_ARABIC = re.compile(r"^[\sA-Za-z\u00c0-\u024f\u1e00-\u1eff'’`\-.()\u0600-\u06ff]+$")
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,5}$")  # airport codes, postal-like tokens


@dataclass(frozen=True)
class FeatureRule:
    place_kind: str
    feature_type: str


@cache
def feature_rules() -> dict[tuple[str, str], FeatureRule]:
    """(feature class, feature code or '*') -> what the row becomes."""
    with FEATURE_CODES_FILE.open(encoding="utf-8", newline="") as f:
        return {(r["feature_class"], r["feature_code"]): FeatureRule(r["place_kind"], r["feature_type"])
                for r in csv.DictReader(skip_comments(f))}


@cache
def admin1_codes() -> dict[tuple[str, str], str]:
    """(country code, GeoNames admin1 code) -> canonical governorate name."""
    with ADMIN1_CODES_FILE.open(encoding="utf-8", newline="") as f:
        return {(r["country_code"], r["admin1_code"]): r["admin1"] for r in csv.DictReader(skip_comments(f))}


def rule_for(feature_class: str, feature_code: str) -> FeatureRule | None:
    rules = feature_rules()
    return rules.get((feature_class, feature_code)) or rules.get((feature_class, "*"))


def _lines(path: Path) -> list[str]:
    """The dump's text lines; a .zip is read from its first .txt member."""
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = sorted(n for n in archive.namelist() if n.lower().endswith(".txt")
                                 and not n.lower().startswith("readme"))
                if not members:
                    raise GazetteerError(path, None, None, "the zip holds no .txt GeoNames dump")
                raw = archive.read(members[0])
        except zipfile.BadZipFile:
            raise GazetteerError(path, None, None, "not a readable zip file; unzip it or download it again") from None
    else:
        raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise GazetteerError(path, line, None, "the dump is not UTF-8; GeoNames dumps are UTF-8, download it again") from None


def _alias_names(name: str, asciiname: str, alternates: str) -> tuple[str, ...]:
    names = [name, asciiname]
    for alt in alternates.split(","):
        alt = alt.strip()
        if len(alt) < 3 or "http" in alt or _CODE_LIKE.match(alt) or not _LATIN_OR_ARABIC.match(alt):
            continue
        names.append(alt)
    return tuple(dict.fromkeys(n for n in names if n))


def read_geonames(path: Path, known: Gazetteer) -> list[Place]:
    """Places of a GeoNames dump; ADM1 and country rows come back as extended bundled rows."""
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(GEONAMES_COLUMNS):
            raise GazetteerError(path, number, None, f"expected {len(GEONAMES_COLUMNS)} tab-separated GeoNames "
                                                     f"columns, found {len(fields)}; pass an unmodified dump such as "
                                                     "SY.txt, or a places CSV with a .csv name")
        rows.append((number, fields))

    codes = dict(admin1_codes())
    admin1_rows: dict[str, Place] = {}  # canonical name -> extended governorate row
    country_rows: dict[str, Place] = {}
    for number, fields in rows:  # ADM1 rows first: they say which code is which governorate
        row = dict(zip(GEONAMES_COLUMNS, fields))
        if (row["feature_class"], row["feature_code"]) != ("A", "ADM1"):
            continue
        aliases = _alias_names(row["name"], row["asciiname"], row["alternatenames"])
        canonical = next((c for c in (known.resolve_admin1(a) for a in aliases) if c), None)
        if canonical is None or canonical not in vocabularies().admin1.get(row["country_code"], ()):
            continue  # a governorate of another country: nothing to attach it to
        codes[(row["country_code"], row["admin1_code"])] = canonical
        base = admin1_rows.get(canonical) or known.admin1_place(canonical)
        if base is not None:
            admin1_rows[canonical] = merge_places(base, _with_aliases(base, aliases))

    places: list[Place] = list(admin1_rows.values())
    for number, fields in rows:
        row = dict(zip(GEONAMES_COLUMNS, fields))
        rule = rule_for(row["feature_class"], row["feature_code"])
        if rule is None or rule.place_kind == "admin1":
            continue
        aliases = _alias_names(row["name"], row["asciiname"], row["alternatenames"])
        if rule.place_kind == "country":
            base = country_rows.get(row["country_code"]) or known.country_place(row["country_code"])
            if base is not None:
                country_rows[row["country_code"]] = merge_places(base, _with_aliases(base, aliases))
            continue
        lat = _number(row["latitude"], path, number, "latitude")
        lon = _number(row["longitude"], path, number, "longitude")
        if not row["geonameid"].strip().isdigit():
            raise GazetteerError(path, number, "geonameid", f"'{row['geonameid']}' is not a GeoNames id (digits)")
        places.append(Place(
            place_id=f"geonames_{row['geonameid'].strip()}",
            name_en=row["name"].strip() or row["asciiname"].strip(),
            name_ar=next((a for a in aliases if _ARABIC.search(a)), ""),
            place_kind="point",
            feature_type=_settlement_type(rule.feature_type, row["population"]),
            admin1=codes.get((row["country_code"], row["admin1_code"])),
            country_code=row["country_code"].strip().upper(),
            lat=lat, lon=lon, aliases=aliases, operated_by=(), coord_source=COORD_SOURCE,
        ))
    places.extend(country_rows.values())
    return sorted(places, key=lambda p: p.place_id)


def _with_aliases(base: Place, aliases: tuple[str, ...]) -> Place:
    """A copy of a bundled row that only adds spellings (used to extend it)."""
    return replace(base, aliases=aliases)


def _settlement_type(feature_type: str, population: str) -> str:
    """Populated places by size: a PPL of 250,000 people is a city, whatever its code."""
    if feature_type not in SETTLEMENT_TYPES:
        return feature_type
    people = int(population) if population.strip().isdigit() else 0
    if people >= CITY_POPULATION:
        return "city"
    if people >= TOWN_POPULATION and feature_type == "village":
        return "town"
    return feature_type


def _number(text: str, path: Path, line: int, column: str) -> float:
    try:
        return round(float(text), 6)
    except ValueError:
        raise GazetteerError(path, line, column, f"'{text}' is not a number; is this an unmodified GeoNames dump?") from None
