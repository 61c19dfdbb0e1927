"""The published tables: one definition that creates the DuckDB tables, types the Polars
frames, orders the release files and describes the columns in the Dagster UI.

Column names and meanings follow ``data-contract.md`` section 3; columns marked ``extension``
are additions the contract allows (new columns, never renamed ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa

CONTRACT_VERSION = 1


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # DuckDB type
    description: str
    nullable: bool = True

    @property
    def polars_type(self) -> pl.DataType:
        return _POLARS_TYPES[self.sql_type]


_ARROW_TYPES: dict[str, pa.DataType] = {  # as polars hands them to Arrow
    "VARCHAR": pa.large_string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
}

_POLARS_TYPES: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "DATE": pl.Date(),
    "INTEGER": pl.Int32(),
    "BIGINT": pl.Int64(),
    "DOUBLE": pl.Float64(),
    "BOOLEAN": pl.Boolean(),
}


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique key; rows are published sorted by it

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.polars_type for c in self.columns}

    @property
    def arrow_schema(self) -> pa.Schema:
        """The release files' schema: fixed by the contract, whatever types a reader produced."""
        return pa.schema([pa.field(c.name, _ARROW_TYPES[c.sql_type], nullable=c.nullable) for c in self.columns])

    @property
    def sort_order(self) -> list[str]:
        """The order rows are published in: by key, then by every other column (one order even
        when the key is not unique)."""
        return [*self.key, *(c for c in self.column_names if c not in self.key)]

    def ddl(self, qualified_name: str) -> str:
        cols = ", ".join(
            f'"{c.name}" {c.sql_type}{"" if c.nullable else " NOT NULL"}' for c in self.columns
        )
        return f"CREATE OR REPLACE TABLE {qualified_name} ({cols})"

    def frame(self, rows: list[dict]) -> pl.DataFrame:
        """A typed frame of ``rows`` (missing keys become nulls), sorted by the key."""
        # built column by column: a list of values per column, not a second dict per row
        frame = pl.DataFrame({c: [row.get(c) for row in rows] for c in self.column_names}, schema=self.polars_schema)
        return frame.sort(list(self.key), nulls_last=True)


def _c(name: str, sql_type: str, description: str, nullable: bool = True) -> Column:
    return Column(name, sql_type, description, nullable)


_EVIDENCE = (
    _c("evidence_text", "VARCHAR", "the sentence(s) the row was read from", False),
    _c("evidence_start", "INTEGER", "offset of evidence_text in articles.body", False),
    _c("evidence_end", "INTEGER", "end offset: body[start:end] == evidence_text", False),
    _c("confidence", "DOUBLE", "0..1: how complete the extracted frame is", False),
)

ARTICLES = Table(
    "articles",
    "One row per accepted article; the text every offset points into.",
    (
        _c("article_id", "VARCHAR", "sha256 of the normalised text (NFC, Unix newlines, trimmed)", False),
        _c("source_uri", "VARCHAR", "path relative to the input folder (#line=N / #item=N for records), or URL", False),
        _c("outlet", "VARCHAR", "publishing outlet when known"),
        _c("title", "VARCHAR", "headline", False),
        _c("published_date", "DATE", "publication date; NULL when no date was found anywhere"),
        _c("dateline", "VARCHAR", "place named in the dateline, as written"),
        _c("language", "VARCHAR", "ISO 639-1 code", False),
        _c("body", "VARCHAR", "the article text; character offsets point into it", False),
        _c("date_source", "VARCHAR", "extension: where published_date came from (metadata, date_line)"),
    ),
    ("article_id",),
)

REJECTED_INPUTS = Table(
    "rejected_inputs",
    "Inputs that could not be used, with the reason.",
    (
        _c("source_uri", "VARCHAR", "the input (file, or record of a file)", False),
        _c("reason", "VARCHAR", "short reason code (empty, binary, undecodable, too_large, ...)", False),
        _c("detail", "VARCHAR", "what was wrong and what to do", False),
    ),
    ("source_uri",),
)

DUPLICATE_INPUTS = Table(
    "duplicate_inputs",
    "Inputs whose normalised text equals an accepted article.",
    (
        _c("source_uri", "VARCHAR", "the duplicate input", False),
        _c("article_id", "VARCHAR", "the accepted article it duplicates", False),
    ),
    ("source_uri",),
)

NEAR_DUPLICATES = Table(
    "near_duplicates",
    "Pairs of accepted articles that tell the same story with small edits (syndicated copies).",
    (
        _c("article_id_a", "VARCHAR", "the article with the smaller id (FK articles)", False),
        _c("article_id_b", "VARCHAR", "the other article (FK articles)", False),
        _c("similarity", "DOUBLE", "Jaccard similarity of word 5-grams, 0..1", False),
    ),
    ("article_id_a", "article_id_b"),
)

PLACES = Table(
    "places",
    "The gazetteer: every place an extracted row can point at.",
    (
        _c("place_id", "VARCHAR", "stable slug", False),
        _c("name_en", "VARCHAR", "canonical English name", False),
        _c("name_ar", "VARCHAR", "canonical Arabic name"),
        _c("place_kind", "VARCHAR", "point, admin1 or country", False),
        _c("feature_type", "VARCHAR", "military_base, oil_field, airport, city, governorate, ...", False),
        _c("admin1", "VARCHAR", "canonical English governorate name"),
        _c("country_code", "VARCHAR", "ISO 3166-1 alpha-2", False),
        _c("lat", "DOUBLE", "WGS84 latitude", False),
        _c("lon", "DOUBLE", "WGS84 longitude", False),
    ),
    ("place_id",),
)

MOVEMENT_REPORTS = Table(
    "movement_reports",
    "One row per movement of forces or equipment that one article reports.",
    (
        _c("movement_id", "VARCHAR", "deterministic id", False),
        _c("article_id", "VARCHAR", "the article (FK articles)", False),
        _c("actor", "VARCHAR", "actor id (contract 4.1)", False),
        _c("actor_name", "VARCHAR", "extension: the actor as written when actor is 'other'"),
        _c("movement_type", "VARCHAR", "withdrawal, deployment, airlift, patrol, other", False),
        _c("event_date", "DATE", "first day of the event's period"),
        _c("event_date_precision", "VARCHAR", "day, week, month, quarter, year"),
        _c("attributed_to", "VARCHAR", "source id (contract 4.4)"),
        *_EVIDENCE,
    ),
    ("movement_id",),
)

MOVEMENT_PLACES = Table(
    "movement_places",
    "Places of each movement: origins, destinations, locations and waypoints.",
    (
        _c("movement_id", "VARCHAR", "FK movement_reports", False),
        _c("role", "VARCHAR", "origin, destination, location, via", False),
        _c("place_id", "VARCHAR", "FK places", False),
        _c("mention_text", "VARCHAR", "the place as written", False),
        _c("mention_start", "INTEGER", "offset of the mention in articles.body", False),
        _c("mention_end", "INTEGER", "end offset of the mention", False),
    ),
    ("movement_id", "role", "place_id"),
)

MOVEMENT_ASSETS = Table(
    "movement_assets",
    "What moved: asset types with counts as stated.",
    (
        _c("movement_id", "VARCHAR", "FK movement_reports", False),
        _c("asset_type", "VARCHAR", "contract 4.3", False),
        _c("count", "BIGINT", "the number as stated (lower bound of a range); NULL when vague"),
        _c("count_min", "BIGINT", "lower bound implied by the qualifier"),
        _c("count_max", "BIGINT", "upper bound implied by the qualifier"),
        _c("qualifier", "VARCHAR", "contract 4.5", False),
        _c("mention_text", "VARCHAR", "the asset as written", False),
    ),
    ("movement_id", "asset_type"),
)

FORCE_LEVELS = Table(
    "force_levels",
    "One row per force-level claim (troops, bases, base closures) that one article makes.",
    (
        _c("claim_id", "VARCHAR", "deterministic id", False),
        _c("article_id", "VARCHAR", "FK articles", False),
        _c("actor", "VARCHAR", "actor id", False),
        _c("area_place_id", "VARCHAR", "FK places: where the force is counted"),
        _c("metric", "VARCHAR", "troops, bases, base_closures", False),
        _c("value", "BIGINT", "the number as stated"),
        _c("value_min", "BIGINT", "lower bound implied by the qualifier"),
        _c("value_max", "BIGINT", "upper bound implied by the qualifier"),
        _c("qualifier", "VARCHAR", "contract 4.5", False),
        _c("status", "VARCHAR", "current, past, planned", False),
        _c("ref_date", "DATE", "as-of or target date"),
        _c("ref_date_precision", "VARCHAR", "day, week, month, quarter, year"),
        _c("attributed_to", "VARCHAR", "source id"),
        *_EVIDENCE,
    ),
    ("claim_id",),
)

MOVEMENT_EVENTS = Table(
    "movement_events",
    "Derived: one row per real movement, merging the reports of several articles that describe it.",
    (
        _c("event_id", "VARCHAR", "'ev_' + movement_id of the anchor report; stable when later reports join", False),
        _c("anchor_movement_id", "VARCHAR", "the member published first (ties: smallest movement_id)", False),
        _c("actor", "VARCHAR", "consensus actor: the one most members give (ties: first by id)", False),
        _c("actor_family", "VARCHAR", "the actor family every member shares (contract 4.1)", False),
        _c("movement_type", "VARCHAR", "consensus movement type", False),
        _c("event_date", "DATE", "consensus event date: most common among the most precisely dated members"),
        _c("event_date_precision", "VARCHAR", "precision of event_date"),
        _c("date_start", "DATE", "earliest first day of the members' dates (event date, else publication date)"),
        _c("date_end", "DATE", "latest last day of the members' dates"),
        _c("span_days", "INTEGER", "days between the latest start and the earliest end of the members' dates (0: they share a day)", False),
        _c("first_published", "DATE", "publication date of the first report"),
        _c("last_published", "DATE", "publication date of the last report"),
        _c("origin_place_id", "VARCHAR", "best-supported consensus origin (all in movement_event_places)"),
        _c("destination_place_id", "VARCHAR", "best-supported consensus destination"),
        _c("location_place_id", "VARCHAR", "best-supported consensus location"),
        _c("asset_type", "VARCHAR", "the counted asset most members mention"),
        _c("count", "BIGINT", "median of the counts members state for asset_type"),
        _c("count_min", "BIGINT", "lowest lower bound a member gives for asset_type"),
        _c("count_max", "BIGINT", "highest upper bound a member gives for asset_type (NULL: unbounded)"),
        _c("n_reports", "INTEGER", "member reports", False),
        _c("n_articles", "INTEGER", "distinct articles of the members", False),
        _c("n_sources", "INTEGER", "distinct independent sources (named attribution, else outlet, else story)", False),
        _c("sources", "VARCHAR", "those sources, sorted, comma-separated", False),
        _c("languages", "VARCHAR", "languages of the members, sorted, comma-separated", False),
        _c("corroborated", "BOOLEAN", "two or more independent sources", False),
    ),
    ("event_id",),
)

MOVEMENT_EVENT_REPORTS = Table(
    "movement_event_reports",
    "Derived: which movement reports make up each movement event (every report is in exactly one).",
    (
        _c("event_id", "VARCHAR", "FK movement_events", False),
        _c("movement_id", "VARCHAR", "FK movement_reports; unique", False),
        _c("article_id", "VARCHAR", "FK articles", False),
        _c("published_date", "DATE", "the article's publication date"),
        _c("language", "VARCHAR", "the article's language", False),
        _c("outlet", "VARCHAR", "the article's outlet"),
        _c("attributed_to", "VARCHAR", "the report's source id"),
        _c("source_key", "VARCHAR", "the independent source it counts as: its named attribution (or the one its article names "
           "for this event), else the outlet (outlet:<name>, or the source id of an agency), else story:<article_id>", False),
        _c("is_anchor", "BOOLEAN", "the member the event_id derives from", False),
    ),
    ("event_id", "movement_id"),
)

MOVEMENT_EVENT_PLACES = Table(
    "movement_event_places",
    "Derived: every place the members of an event name, by role, with how many name it and the consensus.",
    (
        _c("event_id", "VARCHAR", "FK movement_events", False),
        _c("role", "VARCHAR", "origin, destination, location, via", False),
        _c("place_id", "VARCHAR", "FK places", False),
        _c("n_reports", "INTEGER", "members naming this place in this role", False),
        _c("consensus", "BOOLEAN", "among the most specific places named by at least half as many members as the best-supported one", False),
    ),
    ("event_id", "role", "place_id"),
)

MOVEMENT_EVENT_ASSETS = Table(
    "movement_event_assets",
    "Derived: what moved in each event, with the range of counts across its reports.",
    (
        _c("event_id", "VARCHAR", "FK movement_events", False),
        _c("asset_type", "VARCHAR", "contract 4.3", False),
        _c("n_reports", "INTEGER", "members mentioning this asset type", False),
        _c("count", "BIGINT", "median of the stated counts (the lower middle one); NULL when none is stated"),
        _c("count_min", "BIGINT", "lowest lower bound across the members"),
        _c("count_max", "BIGINT", "highest upper bound across the members (NULL: unbounded or uncounted)"),
    ),
    ("event_id", "asset_type"),
)

FORCE_LEVEL_SERIES = Table(
    "force_level_series",
    "Derived: every force-level claim per actor, area and metric, in time order (ref_date, else publication date).",
    (
        _c("series_id", "VARCHAR", "actor/area_place_id/metric ('-' for no area)", False),
        _c("seq", "INTEGER", "position in the series: 1 = earliest", False),
        _c("claim_id", "VARCHAR", "FK force_levels; unique", False),
        _c("actor", "VARCHAR", "actor id", False),
        _c("area_place_id", "VARCHAR", "FK places"),
        _c("metric", "VARCHAR", "troops, bases, base_closures", False),
        _c("status", "VARCHAR", "current, past, planned", False),
        _c("as_of_date", "DATE", "ref_date, else the publication date"),
        _c("as_of_precision", "VARCHAR", "precision of as_of_date"),
        _c("date_basis", "VARCHAR", "ref_date or published_date"),
        _c("published_date", "DATE", "the article's publication date"),
        _c("value", "BIGINT", "the number as stated"),
        _c("value_min", "BIGINT", "lower bound implied by the qualifier"),
        _c("value_max", "BIGINT", "upper bound implied by the qualifier"),
        _c("qualifier", "VARCHAR", "contract 4.5", False),
        _c("attributed_to", "VARCHAR", "source id"),
        _c("source_key", "VARCHAR", "the independent source it counts as (as in movement_event_reports)", False),
        _c("article_id", "VARCHAR", "FK articles", False),
        _c("language", "VARCHAR", "the article's language", False),
    ),
    ("series_id", "seq"),
)

FORCE_LEVEL_LATEST = Table(
    "force_level_latest",
    "Derived: per actor, area and metric, the latest current figure and the spread of current claims around it.",
    (
        _c("series_id", "VARCHAR", "FK force_level_series", False),
        _c("actor", "VARCHAR", "actor id", False),
        _c("area_place_id", "VARCHAR", "FK places"),
        _c("metric", "VARCHAR", "troops, bases, base_closures", False),
        _c("latest_claim_id", "VARCHAR", "the latest current claim (FK force_levels)", False),
        _c("as_of_date", "DATE", "its as_of_date", False),
        _c("value", "BIGINT", "its value"),
        _c("value_min", "BIGINT", "its lower bound"),
        _c("value_max", "BIGINT", "its upper bound"),
        _c("qualifier", "VARCHAR", "its qualifier", False),
        _c("attributed_to", "VARCHAR", "its source id"),
        _c("window_start", "DATE", "current claims from this date to as_of_date make up the spread", False),
        _c("n_claims", "INTEGER", "current claims in the window", False),
        _c("n_sources", "INTEGER", "independent sources of those claims", False),
        _c("claimed_min", "BIGINT", "lowest lower bound they claim"),
        _c("claimed_max", "BIGINT", "highest upper bound they claim (NULL when one is open above: \"more than 100\")"),
        _c("values_claimed", "VARCHAR", "the distinct stated values, ascending, comma-separated", False),
    ),
    ("series_id",),
)

# Everything a release publishes, in dependency order.
PUBLISHED_TABLES: tuple[Table, ...] = (
    ARTICLES,
    REJECTED_INPUTS,
    DUPLICATE_INPUTS,
    NEAR_DUPLICATES,
    PLACES,
    MOVEMENT_REPORTS,
    MOVEMENT_PLACES,
    MOVEMENT_ASSETS,
    FORCE_LEVELS,
    MOVEMENT_EVENTS,
    MOVEMENT_EVENT_REPORTS,
    MOVEMENT_EVENT_PLACES,
    MOVEMENT_EVENT_ASSETS,
    FORCE_LEVEL_SERIES,
    FORCE_LEVEL_LATEST,
)
TABLES: dict[str, Table] = {t.name: t for t in PUBLISHED_TABLES}

DATASET_VERSIONS = Table(
    "dataset_versions",
    "One row per published release.",
    (
        _c("version", "INTEGER", "release number 1, 2, ...", False),
        _c("content_sha256", "VARCHAR", "hash of the release's table files", False),
        _c("input_fingerprint", "VARCHAR", "hash of the accepted articles' ids and source uris", False),
        _c("code_version", "VARCHAR", "package version + hash of the code and data files", False),
        _c("contract_version", "INTEGER", "data contract version", False),
        _c("row_counts", "VARCHAR", "JSON: rows per table", False),
        _c("checks", "VARCHAR", "JSON summary of the validation results", False),
        _c("release_path", "VARCHAR", "folder with one Parquet file per table and manifest.json", False),
        _c("lake_snapshot_id", "BIGINT", "extension: DuckLake snapshot holding this release"),
        _c("published_at", "VARCHAR", "UTC time of publishing; the only wall-clock value, outside the hash", False),
    ),
    ("version",),
)
