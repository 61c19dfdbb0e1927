"""Hand-built staged rows for the linking tests: articles, movement reports with places and assets.

Frames are typed by ``posture.schema`` and the gazetteer is the bundled one, as in a real run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random
from datetime import date, timedelta
from functools import cache

import polars as pl

from posture.gazetteer.gazetteer import load_gazetteer
from posture.schema import (
    ARTICLES,
    FORCE_LEVELS,
    MOVEMENT_ASSETS,
    MOVEMENT_PLACES,
    MOVEMENT_REPORTS,
    NEAR_DUPLICATES,
    PLACES,
)

@cache
def places_frame() -> pl.DataFrame:
    return PLACES.frame(load_gazetteer().rows())


@dataclass
class Staged:
    articles: list[dict] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    assets: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    near_duplicates: list[dict] = field(default_factory=list)

    def article(self, article_id: str, published: str | None, language: str = "en", outlet: str | None = None) -> str:
        self.articles.append({"article_id": article_id, "source_uri": f"{article_id}.txt", "outlet": outlet,
                              "title": article_id, "published_date": date.fromisoformat(published) if published else None,
                              "language": language, "body": "x" * 10})
        return article_id

    def report(self, movement_id: str, article_id: str, actor: str, movement_type: str, *,
               day: str | None = None, precision: str = "day", source: str | None = None,
               origins: tuple[str, ...] = (), destinations: tuple[str, ...] = (), locations: tuple[str, ...] = (),
               assets: tuple[tuple, ...] = ()) -> str:
        """assets: (asset_type, count, count_min, count_max) tuples."""
        self.reports.append({
            "movement_id": movement_id, "article_id": article_id, "actor": actor, "movement_type": movement_type,
            "event_date": date.fromisoformat(day) if day else None, "event_date_precision": precision if day else None,
            "attributed_to": source, "evidence_text": "x", "evidence_start": 0, "evidence_end": 1, "confidence": 0.9})
        for role, ids in (("origin", origins), ("destination", destinations), ("location", locations)):
            for place_id in ids:
                self.places.append({"movement_id": movement_id, "role": role, "place_id": place_id,
                                    "mention_text": "x", "mention_start": 0, "mention_end": 1})
        for asset_type, count, low, high in assets:
            self.assets.append({"movement_id": movement_id, "asset_type": asset_type, "count": count,
                                "count_min": low, "count_max": high,
                                "qualifier": "exact" if count is not None else "vague", "mention_text": "x"})
        return movement_id

    def claim(self, claim_id: str, article_id: str, value: int, status: str, *, area: str | None = "syria",
              ref_date: str | None = None, source: str | None = None, low: int | None = None,
              high: int | None = None, actor: str = "us", metric: str = "troops", open_above: bool = False) -> None:
        """open_above: a figure with no upper bound ("more than 100": low=101, no value_max)."""
        self.claims.append({
            "claim_id": claim_id, "article_id": article_id, "actor": actor, "area_place_id": area, "metric": metric,
            "value": value, "value_min": low if low is not None else value,
            "value_max": None if open_above else high if high is not None else value,
            "qualifier": "more_than" if open_above else "exact", "status": status,
            "ref_date": date.fromisoformat(ref_date) if ref_date else None,
            "ref_date_precision": "day" if ref_date else None, "attributed_to": source,
            "evidence_text": "x", "evidence_start": 0, "evidence_end": 1, "confidence": 0.9})

    def frames(self, shuffle_seed: int | None = None) -> dict[str, pl.DataFrame]:
        """Typed frames; with ``shuffle_seed`` the rows of every table come in a shuffled order."""
        def typed(table, rows):
            frame = pl.DataFrame([{c: r.get(c) for c in table.column_names} for r in rows],
                                 schema=table.polars_schema, orient="row")
            if shuffle_seed is not None and frame.height > 1:
                frame = frame.sample(fraction=1.0, shuffle=True, seed=shuffle_seed)
            return frame
        return {
            "articles": typed(ARTICLES, self.articles),
            "movement_reports": typed(MOVEMENT_REPORTS, self.reports),
            "movement_places": typed(MOVEMENT_PLACES, self.places),
            "movement_assets": typed(MOVEMENT_ASSETS, self.assets),
            "force_levels": typed(FORCE_LEVELS, self.claims),
            "near_duplicates": typed(NEAR_DUPLICATES, self.near_duplicates),
            "places": places_frame(),
        }


ACTORS = ("us", "us_led_coalition", "russia", "sdf")
TYPES = ("deployment", "withdrawal", "reinforcement", "patrol")


def random_report(s: Staged, rng: random.Random, movement_id: str, article_id: str) -> str:
    """A report of one of four actors and types, dated within twelve days (or not at all), with
    random places and sometimes a truck count: dense enough that many pairs link."""
    place_ids = sorted(places_frame()["place_id"])
    return s.report(movement_id, article_id, rng.choice(ACTORS), rng.choice(TYPES),
                    day=str(date(2025, 10, 1) + timedelta(days=rng.randrange(12))) if rng.random() < 0.8 else None,
                    precision=rng.choice(("day", "day", "day", "month", "year")),
                    origins=tuple(rng.sample(place_ids, rng.choice((0, 1, 1, 2)))),
                    destinations=tuple(rng.sample(place_ids, rng.choice((0, 1, 1, 2)))),
                    locations=tuple(rng.sample(place_ids, rng.choice((0, 0, 1)))),
                    assets=(("truck", c := rng.randrange(5, 60), c, c),) if rng.random() < 0.5 else ())


def random_batch(rng: random.Random, n: int) -> Staged:
    """``n`` random reports, two per article."""
    s = Staged()
    for number in range(n):
        article = s.article(f"a{number // 2}", str(date(2025, 10, 1) + timedelta(days=rng.randrange(12))),
                            rng.choice(("ar", "en")))
        random_report(s, rng, f"m{number:03d}", article)
    return s
