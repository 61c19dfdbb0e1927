"""Movement reports as the linker sees them: actor family, reference dates, places by role,
counted assets and the source that vouches for each report.

Built from the staged tables (``movement_reports`` with its places and assets, ``articles``,
``places``, ``near_duplicates``), passed in as Polars frames.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import polars as pl

from posture.scoring import period_end
from posture.text.normalize import fold
from posture.vocab import vocabularies

LEXICONS_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicons"
ROLES = ("origin", "destination", "location", "via")


@dataclass(frozen=True, slots=True)  # (slots: one per gazetteer place, no dict each)
class Place:
    place_id: str
    name_en: str
    place_kind: str  # point, admin1, country
    feature_type: str
    admin1: str | None
    country_code: str
    lat: float
    lon: float

    @property
    def is_region(self) -> bool:
        """A broad area given as a representative point ("northeast Syria"): its extent is unknown."""
        return self.place_kind == "point" and self.feature_type == "region"

    @property
    def names_its_governorate(self) -> bool:
        """A city named like its governorate ("to Hasakah", "to Erbil"): news often means the governorate."""
        return self.feature_type == "city" and self.name_en == self.admin1

    @property
    def specificity(self) -> int:
        """3 for a site (base, field, town), 2 for a governorate, 1 for a region, 0 for a country."""
        if self.place_kind == "point":
            return 1 if self.is_region else 3
        return 2 if self.place_kind == "admin1" else 0

    def contains(self, other: "Place") -> bool:
        """Whether ``other`` is a more specific place inside this one (a region's extent is unknown:
        with a governorate it holds that governorate's places, without one its country's)."""
        if other.specificity <= self.specificity or other.country_code != self.country_code:
            return False
        if self.place_kind == "admin1" or (self.is_region and self.admin1):
            return other.admin1 == self.admin1
        return True


def bounds(value: int | None, low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """The range a stated figure allows: its own bounds when it has any ("more than 100" is 101..,
    open above), else the figure itself."""
    if low is None and high is None:
        return value, value
    return low, high


@dataclass(frozen=True, slots=True)  # (slots: hundreds of thousands at 100k articles)
class AssetCount:
    asset_type: str
    count: int | None  # as stated
    low: int | None  # lower bound (see ``bounds``)
    high: int | None  # upper bound; None: unbounded ("more than 100")

    @property
    def counted(self) -> bool:
        return self.low is not None or self.high is not None


@dataclass(frozen=True, slots=True)  # (slots: one per movement report, 175k at 100k articles)
class Report:
    movement_id: str
    article_id: str
    actor: str
    actor_name: str | None
    family: str | None
    movement_type: str
    event_date: date | None
    event_date_precision: str | None
    published_date: date | None
    language: str
    outlet: str | None
    attributed_to: str | None
    source_key: str  # who vouches for it: a named source, else the outlet, else the story
    places: dict[str, tuple[Place, ...]]  # by role
    assets: dict[str, AssetCount]  # by asset type
    # derived from the dates above when the report is made (the linker reads them for every pair)
    reference_precision: str | None = field(init=False, compare=False)
    date_start: date | None = field(init=False, compare=False)  # first day the report's date can mean
    date_end: date | None = field(init=False, compare=False)  # last day of that period (inclusive)

    def __post_init__(self) -> None:
        if self.event_date is not None:
            precision, start = self.event_date_precision or "day", self.event_date
        elif self.published_date is not None:
            precision, start = "day", self.published_date  # no event date: the publication day
        else:
            precision, start = None, None
        object.__setattr__(self, "reference_precision", precision)
        object.__setattr__(self, "date_start", start)
        object.__setattr__(self, "date_end", None if start is None else
                           period_end(start, precision) - timedelta(days=1))

    @property
    def date_basis(self) -> str | None:
        if self.event_date is not None:
            return "event_date"
        return "published_date" if self.published_date is not None else None

    def named(self, role: str) -> tuple[Place, ...]:
        return self.places.get(role, ())


@cache
def _source_surfaces() -> dict[str, str]:
    """Folded source names of every language's lexicon -> source id, to read outlets as sources."""
    surfaces: dict[str, str] = {}
    for path in sorted(LEXICONS_DIR.glob("*/sources.tsv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader((ln for ln in handle if ln.strip() and not ln.startswith("#")), delimiter="\t"):
                if len(row) >= 2 and row[1].strip():
                    surfaces.setdefault(fold(row[0]), row[1].strip())
    return surfaces


@cache  # (outlets are few, reports many)
def outlet_source(outlet: str) -> str:
    """The source id of an outlet: a contract source when the outlet is one (Reuters -> reuters), else ``outlet:<name>``."""
    folded = fold(outlet)
    known = _source_surfaces().get(folded)
    if known is None and folded.replace(" ", "_") in vocabularies().sources:
        known = folded.replace(" ", "_")
    return known or "outlet:" + "_".join(folded.split())


def story_ids(article_ids: list[str], near_duplicates: pl.DataFrame) -> dict[str, str]:
    """Each article's story: near-duplicate articles (syndicated copies) share the smallest id of their group."""
    parent = {a: a for a in article_ids}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in near_duplicates.select("article_id_a", "article_id_b").iter_rows():
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)
    return {a: root(a) for a in article_ids}


def source_key(attributed_to: str | None, outlet: str | None, story: str, generic: frozenset[str]) -> str:
    """Who vouches for a report. Two reports with the same key are not independent.

    A named attribution (sohr, centcom, other:flightradar24) is the source, whoever printed it;
    an unnamed one ("local sources", none) makes the outlet the source; with no outlet, the story
    (an article and its near-duplicate copies).
    """
    if attributed_to and attributed_to not in generic:
        return attributed_to
    if outlet:
        return outlet_source(outlet)
    return "story:" + story


# the columns of the staged tables the linker reads: never the article bodies or the evidence text
PLACE_FIELDS = tuple(f.name for f in fields(Place))
ARTICLE_COLUMNS = ("article_id", "published_date", "language", "outlet")
REPORT_COLUMNS = ("movement_id", "article_id", "actor", "actor_name", "movement_type", "event_date",
                  "event_date_precision", "attributed_to")


def build_reports(
    movement_reports: pl.DataFrame,
    movement_places: pl.DataFrame,
    movement_assets: pl.DataFrame,
    articles: pl.DataFrame,
    places: pl.DataFrame,
    near_duplicates: pl.DataFrame,
    generic_sources: frozenset[str],
) -> list[Report]:
    """The linker's view of every staged movement report, sorted by movement id."""
    # rows as tuples, in the order the dataclasses list their fields (named rows cost a dict each)
    gazetteer = {row[0]: Place(*row) for row in places.select(PLACE_FIELDS).iter_rows()}
    article_rows = {row[0]: row for row in articles.select(ARTICLE_COLUMNS).iter_rows()}
    stories = story_ids(sorted(article_rows), near_duplicates)

    places_by_movement: dict[str, dict[str, list[Place]]] = defaultdict(lambda: defaultdict(list))
    for movement_id, role, place_id in movement_places.sort("movement_id", "role", "place_id").select(
            "movement_id", "role", "place_id").iter_rows():
        places_by_movement[movement_id][role].append(gazetteer[place_id])
    assets_by_movement: dict[str, dict[str, AssetCount]] = defaultdict(dict)
    for movement_id, asset_type, count, low, high in movement_assets.sort("movement_id", "asset_type").select(
            "movement_id", "asset_type", "count", "count_min", "count_max").iter_rows():
        assets_by_movement[movement_id][asset_type] = AssetCount(asset_type, count, *bounds(count, low, high))

    family = vocabularies().family
    reports = []
    for (movement_id, article_id, actor, actor_name, movement_type, event_date, event_date_precision,
         attributed_to) in movement_reports.sort("movement_id").select(REPORT_COLUMNS).iter_rows():
        _, published_date, language, outlet = article_rows[article_id]
        reports.append(Report(
            movement_id=movement_id, article_id=article_id, actor=actor, actor_name=actor_name,
            family=family(actor), movement_type=movement_type, event_date=event_date,
            event_date_precision=event_date_precision, published_date=published_date, language=language,
            outlet=outlet, attributed_to=attributed_to,
            source_key=source_key(attributed_to, outlet, stories[article_id], generic_sources),
            places={role: tuple(ps) for role, ps in places_by_movement[movement_id].items()},
            assets=dict(assets_by_movement[movement_id]),
        ))
    return reports
