"""Scoring extracted tables against gold annotations, exactly as data-contract.md section 5 says.

Pure functions over plain dicts: ``load_gold`` reads the gold files, ``load_predictions``
reads the published tables of a warehouse, ``score`` pairs and counts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from posture.gazetteer.gazetteer import distance_km
from posture.vocab import vocabularies

POINT_MATCH_KM = 25.0
LINKS_FILE = "links.gold.json"  # linking gold (posture.scoring_links), not an article's gold
ROLE_SLOTS = {"origins": "origin", "destinations": "destination", "locations": "location"}
SCALAR_SLOTS = ("date", "actor", "type", "attributed_to")


# ---------------------------------------------------------------- loading


@dataclass
class ArticleGold:
    name: str  # gold file name without .gold.json, relative to the gold folder
    language: str
    movements: list[dict]
    force_levels: list[dict]


@dataclass
class ArticlePrediction:
    article_id: str
    source_uri: str
    language: str
    movements: list[dict] = field(default_factory=list)  # with origins/destinations/locations as place dicts
    force_levels: list[dict] = field(default_factory=list)


def load_gold(folder: Path) -> list[ArticleGold]:
    golds = []
    for path in sorted(folder.rglob("*.gold.json")):
        if path.name == LINKS_FILE:
            continue
        raw = json.loads(path.read_text(encoding="utf-8"))
        name = path.relative_to(folder).as_posix().removesuffix(".gold.json")
        golds.append(ArticleGold(name, raw.get("language", "?"), raw.get("movements", []),
                                 raw.get("force_levels", [])))
    return golds


def _stem(source_uri: str) -> str:
    path = source_uri.split("#", 1)[0]
    head, _, tail = path.rpartition("/")
    stem = tail.rsplit(".", 1)[0] if "." in tail else tail
    return f"{head}/{stem}" if head else stem


def load_predictions(con: duckdb.DuckDBPyConnection, schema: str = "main") -> dict[str, ArticlePrediction]:
    """Published rows per article, keyed by the source_uri stem that gold file names use."""
    def rows(sql: str) -> list[dict]:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    places = {p["place_id"]: p for p in rows(f"SELECT * FROM {schema}.places")}
    by_article: dict[str, ArticlePrediction] = {}
    for a in rows(f"SELECT article_id, source_uri, language FROM {schema}.articles"):
        by_article[a["article_id"]] = ArticlePrediction(a["article_id"], a["source_uri"], a["language"])
    movement_places: dict[str, list[dict]] = defaultdict(list)
    for mp in rows(f"SELECT * FROM {schema}.movement_places ORDER BY movement_id, role, place_id"):
        movement_places[mp["movement_id"]].append(mp)
    movement_assets: dict[str, list[dict]] = defaultdict(list)
    for ma in rows(f"SELECT * FROM {schema}.movement_assets ORDER BY movement_id, asset_type"):
        movement_assets[ma["movement_id"]].append(ma)
    for m in rows(f"SELECT * FROM {schema}.movement_reports ORDER BY movement_id"):
        movement = {
            "id": m["movement_id"], "actor": m["actor"], "type": m["movement_type"],
            "date": m["event_date"], "date_precision": m["event_date_precision"],
            "attributed_to": m["attributed_to"], "evidence": m["evidence_text"],
            "origins": [], "destinations": [], "locations": [], "vias": [],
            "assets": [{"type": a["asset_type"], "count": a["count"], "qualifier": a["qualifier"]}
                       for a in movement_assets[m["movement_id"]]],
        }
        for mp in movement_places[m["movement_id"]]:
            slot = {"origin": "origins", "destination": "destinations", "location": "locations", "via": "vias"}[mp["role"]]
            movement[slot].append(places[mp["place_id"]])
        by_article[m["article_id"]].movements.append(movement)
    for f in rows(f"SELECT * FROM {schema}.force_levels ORDER BY claim_id"):
        f["area"] = places.get(f["area_place_id"]) if f["area_place_id"] else None
        by_article[f["article_id"]].force_levels.append(f)
    return {_stem(p.source_uri): p for p in by_article.values()}


# ---------------------------------------------------------------- matching rules (section 5.2)


def place_matches(gold: dict, predicted: dict) -> bool:
    kind = gold.get("kind")
    if kind == "point":
        return distance_km(gold["lat"], gold["lon"], predicted["lat"], predicted["lon"]) <= POINT_MATCH_KM
    if kind == "admin1":
        return predicted.get("admin1") == gold.get("name")
    if kind == "country":
        return predicted.get("country_code") == gold.get("country_code")
    return False


def _inside(general: dict, specific: dict) -> bool:
    if general["place_kind"] == "admin1":
        return specific["place_kind"] == "point" and specific.get("admin1") == general.get("admin1")
    if general["place_kind"] == "country":
        return specific["place_kind"] != "country" and specific.get("country_code") == general.get("country_code")
    return False


def scored_places(places: list[dict]) -> list[dict]:
    """Drop admin1/country places when the same role holds a more specific place inside them."""
    return [p for p in places if not any(q is not p and _inside(p, q) for q in places)]


def _match_sets(gold: list, predicted: list, equal) -> tuple[int, int, int]:
    """One-to-one greedy matching of two lists; returns (tp, fp, fn)."""
    remaining = list(predicted)
    tp = 0
    for g in gold:
        for i, p in enumerate(remaining):
            if equal(g, p):
                tp += 1
                del remaining[i]
                break
    return tp, len(predicted) - tp, len(gold) - tp


def date_matches(gold_date: str | None, gold_precision: str | None, predicted: Any) -> bool:
    if gold_date is None or predicted is None:
        return False
    g = date.fromisoformat(str(gold_date))
    p = predicted if isinstance(predicted, date) else date.fromisoformat(str(predicted))
    return g <= p < period_end(g, gold_precision or "day")


def period_end(start: date, precision: str) -> date:
    if precision == "day":
        return start + timedelta(days=1)
    if precision == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[precision]
    month_index = start.month - 1 + months
    return date(start.year + month_index // 12, month_index % 12 + 1, 1)


def _asset_equal(g: dict, p: dict) -> bool:
    return g.get("type") == p.get("type") and g.get("count") == p.get("count")


def _family(actor: str | None) -> str | None:
    return vocabularies().family(actor)


def _slot_agreement(g: dict, p: dict) -> int:
    agree = 0
    for slot in ROLE_SLOTS:
        gp, pp = g.get(slot) or [], scored_places(p.get(slot) or [])
        tp, fp, fn = _match_sets(gp, pp, place_matches)
        agree += int(fp == 0 and fn == 0)
    tp, fp, fn = _match_sets(g.get("assets") or [], p.get("assets") or [], _asset_equal)
    agree += int(fp == 0 and fn == 0)
    agree += int(date_matches(g.get("date"), g.get("date_precision"), p.get("date")))
    agree += int(g.get("actor") == p.get("actor"))
    agree += int(g.get("type") == p.get("type"))
    agree += int(g.get("attributed_to") == p.get("attributed_to"))
    return agree


def movements_can_pair(g: dict, p: dict) -> bool:
    if _family(g.get("actor")) != _family(p.get("actor")):
        return False
    gold_places = [x for slot in (*ROLE_SLOTS, "vias", "via") for x in (g.get(slot) or [])]
    predicted_places = [x for slot in (*ROLE_SLOTS, "vias") for x in (p.get(slot) or [])]
    if gold_places:
        return any(place_matches(gp, pp) for gp in gold_places for pp in predicted_places)
    gold_types = {a.get("type") for a in g.get("assets") or []}
    return bool(gold_types & {a.get("type") for a in p.get("assets") or []})


def _qualifier_class(q: str | None) -> str | None:
    return "exact_or_approx" if q in ("exact", "approx") else q


def claims_can_pair(g: dict, p: dict) -> bool:
    return (_family(g.get("actor")) == _family(p.get("actor")) and g.get("metric") == p.get("metric")
            and g.get("value") == p.get("value") and g.get("status") == p.get("status")
            and _qualifier_class(g.get("qualifier")) == _qualifier_class(p.get("qualifier")))


def _pair(golds: list[dict], preds: list[dict], can_pair, agreement) -> list[tuple[int, int]]:
    candidates = [(-agreement(g, p), gi, pi) for gi, g in enumerate(golds) for pi, p in enumerate(preds)
                  if can_pair(g, p)]
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


# ---------------------------------------------------------------- counting (section 5.3)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        return f1_score(self.precision, self.recall)


def f1_score(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean of precision and recall; None when either is undefined."""
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class Scores:
    movements: Counts = field(default_factory=Counts)
    slots: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    force_levels: Counts = field(default_factory=Counts)
    claim_accuracy: dict[str, Accuracy] = field(default_factory=lambda: defaultdict(Accuracy))
    articles: int = 0

    def figures(self) -> dict[str, float | int | None]:
        out: dict[str, float | int | None] = {"articles": self.articles}
        for name, c in (("movement", self.movements), ("force_level", self.force_levels)):
            out[f"{name}_precision"], out[f"{name}_recall"], out[f"{name}_f1"] = c.precision, c.recall, c.f1
            out[f"{name}_tp"], out[f"{name}_fp"], out[f"{name}_fn"] = c.tp, c.fp, c.fn
        for slot in (*ROLE_SLOTS, "assets", *SCALAR_SLOTS):
            out[f"slot_{slot}_f1"] = self.slots[slot].f1
        for slot in ("qualifier", "ref_date", "attributed_to"):
            out[f"force_level_{slot}_accuracy"] = self.claim_accuracy[slot].value
        return out


@dataclass
class ArticleReport:
    name: str
    language: str
    found: bool
    unmatched_gold_movements: list[dict]
    unmatched_predicted_movements: list[dict]
    unmatched_gold_claims: list[dict]
    unmatched_predicted_claims: list[dict]
    slot_errors: list[str]
    movement_pairs: list[tuple[int, str]] = field(default_factory=list)  # (gold movement index, predicted movement id)


def _score_scalar(scores: Scores, slot: str, gold_value, predicted_value, correct: bool) -> bool:
    if gold_value is None:
        return True  # a null gold slot is not scored
    scores.slots[slot].add(int(correct), int(not correct and predicted_value is not None), int(not correct))
    return correct


def score_article(gold: ArticleGold, pred: ArticlePrediction | None, scores: Scores) -> ArticleReport:
    scores.articles += 1
    pred_movements = pred.movements if pred else []
    pred_claims = pred.force_levels if pred else []
    errors: list[str] = []

    pairs = _pair(gold.movements, pred_movements, movements_can_pair, _slot_agreement)
    scores.movements.add(len(pairs), len(pred_movements) - len(pairs), len(gold.movements) - len(pairs))
    for gi, pi in pairs:
        g, p = gold.movements[gi], pred_movements[pi]
        label = g.get("evidence", "")[:50]
        for slot in ROLE_SLOTS:
            tp, fp, fn = _match_sets(g.get(slot) or [], scored_places(p.get(slot) or []), place_matches)
            scores.slots[slot].add(tp, fp, fn)
            if fp or fn:
                errors.append(f"{slot}: gold {[x.get('name') for x in g.get(slot) or []]} "
                              f"vs predicted {[x.get('place_id') for x in p.get(slot) or []]} ({label})")
        tp, fp, fn = _match_sets(g.get("assets") or [], p.get("assets") or [], _asset_equal)
        scores.slots["assets"].add(tp, fp, fn)
        if fp or fn:
            errors.append(f"assets: gold {[(a['type'], a.get('count')) for a in g.get('assets') or []]} "
                          f"vs predicted {[(a['type'], a.get('count')) for a in p.get('assets') or []]} ({label})")
        checks = {
            "date": (g.get("date"), p.get("date"), date_matches(g.get("date"), g.get("date_precision"), p.get("date"))),
            "actor": (g.get("actor"), p.get("actor"), g.get("actor") == p.get("actor")),
            "type": (g.get("type"), p.get("type"), g.get("type") == p.get("type")),
            "attributed_to": (g.get("attributed_to"), p.get("attributed_to"), g.get("attributed_to") == p.get("attributed_to")),
        }
        for slot, (gv, pv, ok) in checks.items():
            if not _score_scalar(scores, slot, gv, pv, ok):
                errors.append(f"{slot}: gold {gv} vs predicted {pv} ({label})")

    claim_pairs = _pair(gold.force_levels, pred_claims, claims_can_pair, lambda g, p: 0)
    scores.force_levels.add(len(claim_pairs), len(pred_claims) - len(claim_pairs),
                            len(gold.force_levels) - len(claim_pairs))
    for gi, pi in claim_pairs:
        g, p = gold.force_levels[gi], pred_claims[pi]
        for slot, ok in (("qualifier", g.get("qualifier") == p.get("qualifier")),
                         ("ref_date", g.get("ref_date") is None or date_matches(g.get("ref_date"), g.get("ref_date_precision"), p.get("ref_date"))),
                         ("attributed_to", g.get("attributed_to") == p.get("attributed_to"))):
            if slot != "qualifier" and g.get(slot) is None:
                continue
            acc = scores.claim_accuracy[slot]
            acc.correct, acc.total = acc.correct + int(ok), acc.total + 1
            if not ok:
                errors.append(f"claim {slot}: gold {g.get(slot)} vs predicted {p.get(slot)} ({g.get('evidence', '')[:50]})")

    paired_g = {gi for gi, _ in pairs}
    paired_p = {pi for _, pi in pairs}
    claim_g = {gi for gi, _ in claim_pairs}
    claim_p = {pi for _, pi in claim_pairs}
    return ArticleReport(
        gold.name, gold.language, pred is not None,
        [m for i, m in enumerate(gold.movements) if i not in paired_g],
        [m for i, m in enumerate(pred_movements) if i not in paired_p],
        [c for i, c in enumerate(gold.force_levels) if i not in claim_g],
        [c for i, c in enumerate(pred_claims) if i not in claim_p],
        errors,
        [(gi, pred_movements[pi].get("id")) for gi, pi in sorted(pairs)],
    )


@dataclass
class Evaluation:
    by_language: dict[str, Scores]
    overall: Scores
    reports: list[ArticleReport]

    def figures(self) -> dict[str, dict]:
        out = {lang: s.figures() for lang, s in sorted(self.by_language.items())}
        out["all"] = self.overall.figures()
        return out


def evaluate(golds: list[ArticleGold], predictions: dict[str, ArticlePrediction]) -> Evaluation:
    by_language: dict[str, Scores] = defaultdict(Scores)
    overall = Scores()
    reports = []
    for gold in golds:
        pred = predictions.get(gold.name) or next(
            (p for stem, p in predictions.items() if stem.rsplit("/", 1)[-1] == gold.name.rsplit("/", 1)[-1]), None)
        score_article(gold, pred, by_language[gold.language])
        reports.append(score_article(gold, pred, overall))
    return Evaluation(dict(by_language), overall, reports)
