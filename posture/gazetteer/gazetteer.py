"""The gazetteer: every place an extracted row can point at.

The bundled list (``posture/data/gazetteer/places.csv``) is read first, then each extra file a
user passes, in order:

* a **user CSV** with the same header as the bundled file (``aliases_en``, ``aliases_ar``,
  ``operated_by`` and ``coord_source`` may be left out). A row whose ``place_id`` is new adds a
  place. A row whose ``place_id`` already exists **replaces** that place's names, kind, type,
  governorate, country and coordinates, and **extends** it: its aliases are added to the
  aliases already known, and its ``operated_by`` replaces the old list only when it is not
  empty. So a user can correct a coordinate or add a spelling without copying the whole row.
* a **GeoNames dump** (``SY.txt``, ``IQ.txt``, ``allCountries.txt`` or a ``.zip`` holding one),
  read by ``posture.gazetteer.geonames``.

Rows a user can fix raise :class:`GazetteerError` naming the file, line, column and the fix.
Values that parse but are implausible (a latitude of 999) are loaded as they are and stopped
by the blocking ``places_have_valid_kinds_and_coordinates`` check, whose report shows them.

Matching forms: every name and alias, folded with ``posture.text.normalize.fold`` and with
hyphen and apostrophe spelling variants added ("al-Omar" also as "al omar"). Forms listed in
``common_words.txt`` (ordinary words that are also place names, like القائم "the existing")
are not matched on their own; the place's other names and multi-word aliases still are.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from posture.text.normalize import fold
from posture.vocab import vocabularies

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
BUNDLED_PLACES = DATA_DIR / "places.csv"
FEATURE_TYPES_FILE = DATA_DIR / "feature_types.csv"
COMMON_WORDS_FILE = DATA_DIR / "common_words.txt"

CSV_COLUMNS = ("place_id", "name_en", "name_ar", "place_kind", "feature_type", "admin1", "country_code",
               "lat", "lon", "aliases_en", "aliases_ar", "operated_by", "coord_source")
REQUIRED_COLUMNS = CSV_COLUMNS[:9]
TABLE_COLUMNS = REQUIRED_COLUMNS  # the columns of the `places` table
LIST_SEPARATOR = "|"
EARTH_RADIUS_KM = 6371.0088
# Forms shorter than this are never matched: one letter is never a place name.
MIN_FORM_LENGTH = 2

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_CSV_HEADER = re.compile(r"(^|,)\s*place_id\s*(,|$)")


class GazetteerError(ValueError):
    """A gazetteer file a user can fix: says where (file, line, column) and what to do."""

    def __init__(self, path: Path | str, line: int | None, column: str | None, problem: str):
        self.path = str(path)
        self.line = line
        self.column = column
        self.problem = problem
        where = self.path + (f", line {line}" if line is not None else "")
        where += f", column '{column}'" if column else ""
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Place:
    place_id: str
    name_en: str
    name_ar: str
    place_kind: str  # point | admin1 | country
    feature_type: str  # military_base, oil_field, city, governorate, ... (feature_types.csv)
    admin1: str | None  # canonical governorate name (contract section 6) for SY and IQ
    country_code: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    aliases: tuple[str, ...]  # every surface form: names and aliases, en and ar, as written
    operated_by: tuple[str, ...]  # actor ids whose forces use the place (bases)
    coord_source: str = ""  # where the coordinates were checked

    def row(self) -> dict:
        """The place as a row of the `places` table."""
        return {
            "place_id": self.place_id, "name_en": self.name_en, "name_ar": self.name_ar or None,
            "place_kind": self.place_kind, "feature_type": self.feature_type, "admin1": self.admin1,
            "country_code": self.country_code, "lat": self.lat, "lon": self.lon,
        }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------- reference data


@cache
def feature_types() -> dict[str, str]:
    """Known feature types and what each means (``feature_types.csv``)."""
    with FEATURE_TYPES_FILE.open(encoding="utf-8", newline="") as f:
        return {row["feature_type"]: row["description"] for row in csv.DictReader(skip_comments(f))}


@cache
def common_words() -> frozenset[str]:
    """Folded forms that are ordinary words as well as place names: never matched alone."""
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line) for line in (ln.split("#", 1)[0].strip() for ln in lines) if line)


def skip_comments(lines: Iterable[str]) -> Iterable[str]:
    return (line for line in lines if not line.lstrip().startswith("#"))


def spelling_variants(folded: str) -> list[str]:
    """A folded form plus the ways news writes it with or without hyphens and apostrophes."""
    variants = [folded]
    for candidate in (folded.replace("-", " "), folded.replace("'", ""), folded.replace("'", "").replace("-", " ")):
        candidate = " ".join(candidate.split())
        if candidate not in variants:
            variants.append(candidate)
    return variants


# ---------------------------------------------------------------- the gazetteer


class Gazetteer:
    def __init__(self, places: Iterable[Place]):
        self.places: dict[str, Place] = {p.place_id: p for p in sorted(places, key=lambda p: p.place_id)}
        ignored = common_words()
        by_form: dict[str, set[str]] = {}
        for place in self.places.values():
            for form in place.aliases:
                for variant in spelling_variants(fold(form)):
                    if len(variant) >= MIN_FORM_LENGTH and variant not in ignored:
                        by_form.setdefault(variant, set()).add(place.place_id)
        self._ids_by_form = {form: tuple(sorted(ids)) for form, ids in sorted(by_form.items())}
        # ordinary words that are also names: matched only where the sentence says a place comes
        common: dict[str, set[str]] = {}
        for place in self.places.values():
            for form in place.aliases:
                for variant in spelling_variants(fold(form)):
                    if len(variant) >= MIN_FORM_LENGTH and variant in ignored:
                        common.setdefault(variant, set()).add(place.place_id)
        self._ids_by_common_form = {form: tuple(sorted(ids)) for form, ids in sorted(common.items())}
        self._admin1_rows = {p.admin1: p for p in self.places.values() if p.place_kind == "admin1" and p.admin1}
        self._country_rows = {p.country_code: p for p in self.places.values() if p.place_kind == "country"}
        # Every spelling of a governorate (its row's names and aliases) -> canonical name.
        self._admin1_by_form: dict[str, str] = {}
        for country, names in sorted(vocabularies().admin1.items()):
            for name in names:
                self._admin1_by_form.setdefault(fold(name), name)
        for name, row in sorted(self._admin1_rows.items()):
            for form in row.aliases:
                for variant in spelling_variants(fold(form)):
                    self._admin1_by_form.setdefault(variant, name)

    def __len__(self) -> int:
        return len(self.places)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def get(self, place_id: str) -> Place:
        try:
            return self.places[place_id]
        except KeyError:
            raise KeyError(f"no place with id {place_id!r} in the gazetteer") from None

    def surface_forms(self) -> list[tuple[str, str]]:
        """(folded form, place_id) for every matchable form, sorted by form then id."""
        return [(form, pid) for form, ids in self._ids_by_form.items() for pid in ids]

    def common_word_forms(self) -> list[tuple[str, str]]:
        """(folded form, place_id) for names that are also ordinary words (القائم, الباب): the extractor
        reads them as places only right after a preposition of direction or a plural place noun."""
        return [(form, pid) for form, ids in self._ids_by_common_form.items() for pid in ids]

    def by_folded_name(self, folded: str) -> list[Place]:
        """Every place a folded form can mean (several for an ambiguous name), sorted by id."""
        return [self.places[pid] for pid in self._ids_by_form.get(folded, ())]

    def find(self, name: str) -> list[Place]:
        """Places a name as written can mean (folds it first)."""
        return self.by_folded_name(fold(name))

    def admin1_place(self, admin1_name: str) -> Place | None:
        """The governorate row of a canonical admin1 name (any known spelling is accepted)."""
        canonical = self.resolve_admin1(admin1_name)
        return self._admin1_rows.get(canonical) if canonical else None

    def country_place(self, country_code: str) -> Place | None:
        return self._country_rows.get(country_code.strip().upper())

    def resolve_admin1(self, name: str) -> str | None:
        """The canonical governorate name for a spelling ("Deir Ezzor", "الحسكة"), or None."""
        if name in self._admin1_rows:
            return name
        return self._admin1_by_form.get(fold(name))

    def within_km(self, lat: float, lon: float, km: float) -> list[tuple[float, Place]]:
        """Point places within ``km`` of a point, nearest first."""
        found = [(distance_km(lat, lon, p.lat, p.lon), p) for p in self.places.values() if p.place_kind == "point"]
        return sorted(((d, p) for d, p in found if d <= km), key=lambda item: (item[0], item[1].place_id))

    def rows(self) -> list[dict]:
        """Rows of the `places` table, sorted by place_id."""
        return [p.row() for p in self.places.values()]


# ---------------------------------------------------------------- loading


def load_gazetteer(extra_paths: Sequence[Path | str] = ()) -> Gazetteer:
    """The bundled places, then each extra user CSV or GeoNames dump in the order given."""
    from posture.gazetteer import geonames  # imported here: geonames builds on this module

    places: dict[str, Place] = {}
    for place in read_places_csv(BUNDLED_PLACES):
        places[place.place_id] = place
    for raw_path in extra_paths:
        path = Path(raw_path)
        current = Gazetteer(places.values())
        if detect_format(path) == "geonames":
            new_places = geonames.read_geonames(path, current)
        else:
            new_places = read_places_csv(path, current)
        for place in new_places:
            old = places.get(place.place_id)
            places[place.place_id] = merge_places(old, place) if old else place
    return Gazetteer(places.values())


def merge_places(old: Place, new: Place) -> Place:
    """A later row for an existing place: its fields replace, its aliases extend."""
    names = tuple(n for n in (new.name_en, new.name_ar) if n)
    aliases = tuple(dict.fromkeys(names + old.aliases + new.aliases))
    return replace(new, aliases=aliases, operated_by=new.operated_by or old.operated_by,
                   coord_source=new.coord_source or old.coord_source)


def detect_format(path: Path) -> str:
    """``csv`` (a places file with a header) or ``geonames`` (a tab-separated GeoNames dump)."""
    if not path.is_file():
        raise GazetteerError(path, None, None, "file not found; pass the path of a places CSV or a GeoNames dump")
    if path.suffix.lower() == ".zip":
        return "geonames"
    first_line = _first_line(path).lstrip("\ufeff")
    if _CSV_HEADER.search(first_line):
        return "csv"
    if first_line.count("\t") == 18:  # the 19 columns of a GeoNames dump
        return "geonames"
    if path.suffix.lower() in (".txt", ".tsv"):
        return "geonames"
    if path.suffix.lower() == ".csv":
        return "csv"
    raise GazetteerError(path, 1, None, "unrecognised gazetteer format: expected a CSV whose header starts with "
                                        "place_id, or a tab-separated GeoNames dump (.txt/.tsv/.zip)")


def _first_line(path: Path) -> str:
    with path.open("rb") as f:
        for raw in f:
            if raw.strip():
                return raw.decode("utf-8", errors="replace")
    return ""


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise GazetteerError(path, line, None, "the file is not UTF-8; save it as UTF-8 and try again") from None


def read_places_csv(path: Path, known: Gazetteer | None = None) -> list[Place]:
    """Places of a CSV in the bundled format. ``known`` resolves governorate spellings."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise GazetteerError(path, 1, missing[0], "the header lacks column(s) " + ", ".join(missing)
                             + "; the header must be: " + ",".join(CSV_COLUMNS)
                             + " (the last four are optional)")
    reader.fieldnames = header
    places: list[Place] = []
    first_line_of: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        if None in row:
            raise GazetteerError(path, line, None, f"the row has more fields than the header's {len(header)}; "
                                                   "quote values that contain commas")
        place = place_from_row(row, path, line, known)
        if place.place_id in first_line_of:
            raise GazetteerError(path, line, "place_id", f"'{place.place_id}' is already defined on line "
                                                         f"{first_line_of[place.place_id]}; give each place one row")
        first_line_of[place.place_id] = line
        places.append(place)
    return places


def split_list(value: str | None) -> tuple[str, ...]:
    """The items of a ``|``-separated cell, trimmed, without empties or repeats."""
    return tuple(dict.fromkeys(item.strip() for item in (value or "").split(LIST_SEPARATOR) if item.strip()))


def place_from_row(row: dict, path: Path, line: int, known: Gazetteer | None = None) -> Place:
    """One CSV row as a Place, or a GazetteerError saying which cell to fix and how."""
    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    def fail(column: str, problem: str) -> GazetteerError:
        return GazetteerError(path, line, column, problem)

    vocab = vocabularies()
    place_id = cell("place_id")
    if not _SLUG.match(place_id):
        raise fail("place_id", f"'{place_id}' is not a stable slug; use lowercase letters, digits and "
                               "underscores, e.g. 'omar_oil_field'")
    name_en, name_ar = cell("name_en"), cell("name_ar")
    if not name_en:
        raise fail("name_en", "the English name is empty; every place needs one")
    kind = cell("place_kind")
    if kind not in vocab.place_kinds:
        raise fail("place_kind", f"'{kind}' is not a place kind; use one of {', '.join(vocab.place_kinds)}")
    feature = cell("feature_type")
    if feature not in feature_types():
        raise fail("feature_type", f"'{feature}' is not a known feature type; use one of "
                                   + ", ".join(sorted(feature_types())))
    country = cell("country_code").upper()
    if not _COUNTRY_CODE.match(country):
        raise fail("country_code", f"'{cell('country_code')}' is not an ISO 3166-1 alpha-2 code such as SY or IQ")
    admin1 = _admin1_of(cell("admin1") or (name_en if kind == "admin1" else ""), country, known, fail)
    lat, lon = _coordinate(cell("lat"), "lat", fail), _coordinate(cell("lon"), "lon", fail)
    aliases = tuple(dict.fromkeys(n for n in (name_en, name_ar, *split_list(cell("aliases_en")),
                                              *split_list(cell("aliases_ar"))) if n))
    operated_by = split_list(cell("operated_by"))
    unknown = [a for a in operated_by if a not in vocab.actor_families]
    if unknown:
        raise fail("operated_by", f"'{unknown[0]}' is not an actor id; use ids of contract section 4.1 "
                                  f"({', '.join(vocab.actors)}) separated by '|'")
    return Place(place_id, name_en, name_ar, kind, feature, admin1, country, lat, lon, aliases, operated_by,
                 cell("coord_source"))


def _coordinate(text: str, column: str, fail) -> float:
    try:
        value = float(text.replace("\u2212", "-"))
    except ValueError:
        raise fail(column, f"'{text}' is not a number; write decimal degrees (WGS84), e.g. 35.3361") from None
    if not math.isfinite(value):
        raise fail(column, f"'{text}' is not a finite number; write decimal degrees (WGS84)")
    return round(value, 6)


def _admin1_of(value: str, country: str, known: Gazetteer | None, fail) -> str | None:
    """The canonical governorate of a row; SY and IQ names must be one of contract section 6."""
    if not value:
        return None
    canonical_names = vocabularies().admin1.get(country)
    if canonical_names is None:
        return value  # other countries: kept as written
    if value in canonical_names:
        return value
    resolved = known.resolve_admin1(value) if known else None
    if resolved in canonical_names:
        return resolved
    suggestion = difflib.get_close_matches(value, canonical_names, n=1)
    hint = f"did you mean '{suggestion[0]}'? " if suggestion else ""
    raise fail("admin1", f"'{value}' is not a governorate of {country}; {hint}use one of: "
                         + ", ".join(canonical_names))
