"""Force-level timelines: every claim of one actor, area and metric in time order, and the
latest current figure with the spread of what sources claim around it.

A claim's time (``as_of_date``) is its ``ref_date`` (the as-of date of a current or past figure,
the target date of a planned one), else the publication date of its article.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl

from posture.linking.reports import ARTICLE_COLUMNS, bounds, source_key, story_ids
from posture.linking.rules import LinkingRules


def series_id(actor: str, area_place_id: str | None, metric: str) -> str:
    """``actor/area/metric``, e.g. ``us/syria/troops`` (``-`` when the claim names no area)."""
    return f"{actor}/{area_place_id or '-'}/{metric}"


def force_level_series(force_levels: pl.DataFrame, articles: pl.DataFrame, near_duplicates: pl.DataFrame,
                       rules: LinkingRules) -> list[dict]:
    """Rows of force_level_series: each claim with its series, position and source, in time order."""
    article_rows = {row["article_id"]: row for row in articles.select(ARTICLE_COLUMNS).iter_rows(named=True)}
    stories = story_ids(sorted(article_rows), near_duplicates)
    by_series: dict[str, list[dict]] = defaultdict(list)
    for claim in force_levels.iter_rows(named=True):
        article = article_rows[claim["article_id"]]
        if claim["ref_date"] is not None:
            as_of, precision, basis = claim["ref_date"], claim["ref_date_precision"] or "day", "ref_date"
        elif article["published_date"] is not None:
            as_of, precision, basis = article["published_date"], "day", "published_date"
        else:
            as_of = precision = basis = None
        by_series[series_id(claim["actor"], claim["area_place_id"], claim["metric"])].append({
            "claim_id": claim["claim_id"], "actor": claim["actor"], "area_place_id": claim["area_place_id"],
            "metric": claim["metric"], "status": claim["status"],
            "as_of_date": as_of, "as_of_precision": precision, "date_basis": basis,
            "published_date": article["published_date"],
            "value": claim["value"], "value_min": claim["value_min"], "value_max": claim["value_max"],
            "qualifier": claim["qualifier"], "attributed_to": claim["attributed_to"],
            "source_key": source_key(claim["attributed_to"], article["outlet"], stories[claim["article_id"]],
                                     rules.generic_sources),
            "article_id": claim["article_id"], "language": article["language"],
        })
    rows = []
    for sid, claims in by_series.items():
        claims.sort(key=lambda c: (c["as_of_date"] is None, c["as_of_date"] or date.min,
                                   c["published_date"] is None, c["published_date"] or date.min, c["claim_id"]))
        for seq, claim in enumerate(claims, start=1):
            rows.append({"series_id": sid, "seq": seq, **claim})
    return rows


def force_level_latest(series_rows: list[dict], rules: LinkingRules) -> list[dict]:
    """Rows of force_level_latest: per series, the latest current claim and the current claims
    made within ``latest_window_days`` before it (what sources said at about that time)."""
    current: dict[str, list[dict]] = defaultdict(list)
    for row in series_rows:
        if row["status"] == "current" and row["as_of_date"] is not None:
            current[row["series_id"]].append(row)
    out = []
    for sid, claims in sorted(current.items()):
        latest = claims[-1]  # series rows are in time order
        window_start = latest["as_of_date"] - timedelta(days=rules.latest_window_days)
        recent = [c for c in claims if c["as_of_date"] >= window_start]
        ranges = [bounds(c["value"], c["value_min"], c["value_max"]) for c in recent]
        lows = [low for low, _ in ranges if low is not None]
        highs = [high for _, high in ranges]
        values = sorted({c["value"] for c in recent if c["value"] is not None})
        out.append({
            "series_id": sid, "actor": latest["actor"], "area_place_id": latest["area_place_id"],
            "metric": latest["metric"], "latest_claim_id": latest["claim_id"],
            "as_of_date": latest["as_of_date"], "value": latest["value"], "value_min": latest["value_min"],
            "value_max": latest["value_max"], "qualifier": latest["qualifier"],
            "attributed_to": latest["attributed_to"], "window_start": window_start,
            "n_claims": len(recent), "n_sources": len({c["source_key"] for c in recent}),
            "claimed_min": min(lows) if lows else None,
            "claimed_max": None if not highs or None in highs else max(highs),  # None: open above
            "values_claimed": ", ".join(str(v) for v in values),
        })
    return out
