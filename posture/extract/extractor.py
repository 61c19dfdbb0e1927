"""The extractor: an article in, rows of the movement and force-level tables out.

Pure Python and deterministic: ids are hashes of the article id and the evidence offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from posture.extract.context import ArticleContext
from posture.extract.document import Document, prepare
from posture.extract.force_levels import Claim, ForceLevelReader
from posture.extract.lexicon import available_languages, load_lexicon
from posture.extract.matcher import Matcher
from posture.extract.movements import Frame, MovementReader
from posture.gazetteer.gazetteer import Gazetteer

FALLBACK_LANGUAGE = "en"


@dataclass
class ExtractionTables:
    movement_reports: list[dict] = field(default_factory=list)
    movement_places: list[dict] = field(default_factory=list)
    movement_assets: list[dict] = field(default_factory=list)
    force_levels: list[dict] = field(default_factory=list)

    def extend(self, other: "ExtractionTables") -> None:
        self.movement_reports += other.movement_reports
        self.movement_places += other.movement_places
        self.movement_assets += other.movement_assets
        self.force_levels += other.force_levels

    def summary(self) -> str:
        return (f"{len(self.movement_reports)} movements ({len(self.movement_places)} places, "
                f"{len(self.movement_assets)} assets), {len(self.force_levels)} force-level claims")


def _id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


def _confidence(*present: bool) -> float:
    return round(0.3 + 0.7 * sum(present) / len(present), 3)


# What the blocking checks assert of every article, guaranteed where the rows are made, so that a
# misreading in one article costs that row a date or a duplicate, not the whole release.

def _possible(when, published: date | None) -> bool:
    """A date something has happened (or was counted) by: not after the report, plus a day of time zones."""
    return when is None or published is None or when.date <= published + timedelta(days=1)


def _distinct(frames: list[Frame], published: date | None) -> list[Frame]:
    """One frame per movement of the article: two with the same actor, type, date and places are one
    movement told twice that the reader did not join; the first keeps what the second adds."""
    kept: dict[tuple, Frame] = {}
    for frame in frames:
        if not _possible(frame.date, published):
            frame.date = None  # an event dated after its report is a misread date, not a prophecy
        key = (frame.actor or "other", frame.movement_type, frame.date.date if frame.date else None,
               tuple(sorted({(role, ref.place_id) for role, ref in frame.places})))
        first = kept.setdefault(key, frame)
        for asset_type, slot in frame.assets.items():
            told = first.assets.get(asset_type)
            if told is None or (told.count is None and slot.count is not None):
                first.assets[asset_type] = slot
    return list(kept.values())


class Extractor:
    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self._matchers: dict[str, Matcher] = {}
        self._place_forms = gazetteer.surface_forms()
        self._common_forms = gazetteer.common_word_forms()

    def matcher(self, language: str) -> Matcher:
        lang = language if language in available_languages() else FALLBACK_LANGUAGE
        if lang not in self._matchers:
            self._matchers[lang] = Matcher(load_lexicon(lang), self._place_forms, self._common_forms)
        return self._matchers[lang]

    def prepare(self, article_id: str, body: str, language: str, published: date | None) -> Document:
        lang = language if language in available_languages() else FALLBACK_LANGUAGE
        return prepare(article_id, body, lang, published, self.matcher(lang))

    def extract(self, article_id: str, body: str, language: str, published: date | None) -> ExtractionTables:
        doc = self.prepare(article_id, body, language, published)
        ctx = ArticleContext(doc, self.gazetteer)
        tables = ExtractionTables()
        for frame in _distinct(MovementReader(doc, ctx).read(), doc.published):
            self._movement_rows(doc, frame, tables)
        for claim in ForceLevelReader(doc, ctx).read():
            if claim.status != "planned" and not _possible(claim.ref_date, doc.published):
                claim.ref_date = None
            self._claim_row(doc, claim, tables)
        return tables

    def extract_all(self, articles: Iterable[dict]) -> ExtractionTables:
        tables = ExtractionTables()
        for a in articles:
            tables.extend(self.extract(a["article_id"], a["body"], a["language"], a.get("published_date")))
        return tables

    # ------------------------------------------------------------ rows

    def _movement_rows(self, doc: Document, frame: Frame, tables: ExtractionTables) -> None:
        start, end, evidence = doc.original_span(*frame.evidence)
        movement_id = _id(doc.article_id, "movement", frame.trigger.start, start, frame.actor)
        tables.movement_reports.append({
            "movement_id": movement_id,
            "article_id": doc.article_id,
            "actor": frame.actor or "other",
            "actor_name": None,
            "movement_type": frame.movement_type,
            "event_date": frame.date.date if frame.date else None,
            "event_date_precision": frame.date.precision if frame.date else None,
            "attributed_to": frame.source,
            "evidence_text": evidence,
            "evidence_start": start,
            "evidence_end": end,
            "confidence": _confidence(frame.actor_explicit, bool(frame.places), bool(frame.assets),
                                      frame.source is not None, frame.date is not None),
        })
        seen = set()
        for role, ref in frame.places:
            if (role, ref.place_id) in seen:
                continue
            seen.add((role, ref.place_id))
            m_start, m_end, mention = doc.original_span(ref.mention.core_start, ref.mention.core_end)
            tables.movement_places.append({
                "movement_id": movement_id, "role": role, "place_id": ref.place_id,
                "mention_text": mention, "mention_start": m_start, "mention_end": m_end,
            })
        for slot in frame.assets.values():
            tables.movement_assets.append({
                "movement_id": movement_id, "asset_type": slot.asset_type, "count": slot.count,
                "count_min": slot.count_min, "count_max": slot.count_max, "qualifier": slot.qualifier,
                "mention_text": slot.mention_text or evidence[:40],
            })

    def _claim_row(self, doc: Document, claim: Claim, tables: ExtractionTables) -> None:
        start, end, evidence = doc.original_span(*claim.evidence)
        tables.force_levels.append({
            "claim_id": _id(doc.article_id, "claim", claim.metric, claim.value, claim.status, claim.anchor),
            "article_id": doc.article_id,
            "actor": claim.actor or "other",
            "area_place_id": claim.area_place_id,
            "metric": claim.metric,
            "value": claim.value,
            "value_min": claim.value_min,
            "value_max": claim.value_max,
            "qualifier": claim.qualifier,
            "status": claim.status,
            "ref_date": claim.ref_date.date if claim.ref_date else None,
            "ref_date_precision": claim.ref_date.precision if claim.ref_date else None,
            "attributed_to": claim.source,
            "evidence_text": evidence,
            "evidence_start": start,
            "evidence_end": end,
            "confidence": _confidence(claim.actor is not None, claim.area_place_id is not None,
                                      claim.source is not None),
        })
