"""One extracted row with everything that explains it: its places, assets, article and the
exact characters it was read from. Shared by ``posture show`` and the HTML report."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

KINDS = {
    # kind on the command line -> (table, key column)
    "movement": ("movement_reports", "movement_id"),
    "claim": ("force_levels", "claim_id"),
    "article": ("articles", "article_id"),
}


class RecordNotFound(Exception):
    """No row (or more than one) has the id the user gave."""


@dataclass(frozen=True)
class Span:
    start: int  # offsets into the article body
    end: int
    label: str  # what the span is: evidence, origin, destination, asset, ...


@dataclass(frozen=True)
class Record:
    kind: str
    row: dict
    article: dict
    places: list[dict]
    assets: list[dict]
    spans: list[Span]  # evidence first, then mentions inside it, by position

    @property
    def evidence(self) -> Span | None:
        return next((s for s in self.spans if s.label == "evidence"), None)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def resolve_id(con: duckdb.DuckDBPyConnection, kind: str, given: str) -> str:
    """The full id of a ``kind`` row from the id or a unique prefix of it."""
    table, key = KINDS[kind]
    matches = [r[0] for r in con.execute(
        f"SELECT {key} FROM main.{table} WHERE starts_with({key}, ?) ORDER BY {key} LIMIT 6", [given]).fetchall()]
    if len(matches) == 1:
        return matches[0]
    listing = f'posture query "SELECT {key} FROM {table}"'
    if not matches:
        raise RecordNotFound(f"no {kind} with id {given!r} in {table}; list the ids with: {listing}")
    shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
    raise RecordNotFound(f"{given!r} matches several {kind} ids ({shown}); give more characters")


def _asset_spans(assets: list[dict], body: str, start: int, end: int) -> list[Span]:
    """Assets carry no offsets: their text is found inside the evidence (first occurrence)."""
    spans = []
    for asset in assets:
        text = asset.get("mention_text") or ""
        at = body.find(text, start, end) if text else -1
        if at >= 0:
            spans.append(Span(at, at + len(text), "asset"))
    return spans


def load_record(con: duckdb.DuckDBPyConnection, kind: str, given_id: str) -> Record:
    table, key = KINDS[kind]
    record_id = resolve_id(con, kind, given_id)
    row = _rows(con, f"SELECT * FROM main.{table} WHERE {key} = ?", [record_id])[0]
    article = row if kind == "article" else _rows(
        con, "SELECT * FROM main.articles WHERE article_id = ?", [row["article_id"]])[0]
    places: list[dict] = []
    assets: list[dict] = []
    spans: list[Span] = []
    if kind == "movement":
        places = _rows(con, """
            SELECT mp.role, mp.place_id, p.name_en, p.name_ar, p.place_kind, p.feature_type, p.admin1,
                   p.country_code, p.lat, p.lon, mp.mention_text, mp.mention_start, mp.mention_end
            FROM main.movement_places mp LEFT JOIN main.places p USING (place_id)
            WHERE mp.movement_id = ? ORDER BY mp.mention_start, mp.role, mp.place_id""", [record_id])
        assets = _rows(con, "SELECT * EXCLUDE (movement_id) FROM main.movement_assets WHERE movement_id = ? "
                            "ORDER BY asset_type", [record_id])
    elif kind == "claim" and row.get("area_place_id"):
        places = _rows(con, "SELECT 'area' AS role, * FROM main.places WHERE place_id = ?", [row["area_place_id"]])
    if kind != "article":
        start, end = row["evidence_start"], row["evidence_end"]
        mentions = [Span(p["mention_start"], p["mention_end"], p["role"]) for p in places
                    if p.get("mention_start") is not None]
        mentions += _asset_spans(assets, article["body"], start, end)
        spans = [Span(start, end, "evidence"), *sorted(mentions, key=lambda s: (s.start, s.end, s.label))]
    return Record(kind, row, article, places, assets, spans)


def context_window(body: str, start: int, end: int, margin: int = 400) -> tuple[int, int]:
    """Whole lines around ``body[start:end]``, about ``margin`` characters either side."""
    left = body.rfind("\n", 0, max(0, start - margin)) + 1
    right = body.find("\n", min(len(body), end + margin))
    return left, len(body) if right < 0 else right
