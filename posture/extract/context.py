"""Article-level context shared by the movement and force-level readers.

Resolves what a sentence refers to: which gazetteer place a name means (by the noun before
it, by the governorate around it, or by what was named before for "the base"/"القاعدتين"),
which actor a clause is about, which source a sentence is attributed to, and which date.
"""

from __future__ import annotations

from dataclasses import dataclass

from posture.extract.dates import DateMention
from posture.extract.document import Document, Sentence
from posture.extract.matcher import PLACE, Mention
from posture.gazetteer.gazetteer import Gazetteer, Place

# Which gazetteer feature types a place noun (قاعدة, field, province, ...) selects.
NOUN_FEATURES = {
    "base": ("military_base", "air_base", "airport", "oil_field", "gas_field", "outpost"),
    "field": ("oil_field", "gas_field"),
    "airport": ("airport", "air_base", "military_base"),
    "crossing": ("border_crossing",),
    "governorate": ("governorate",),
    "city": ("city", "town"),
    "town": ("town", "village", "city"),
    "village": ("village", "town"),
    "country": ("country",),
    "port": ("port", "military_base"),
    "area": ("region", "town", "city", "village", "mountain", "governorate"),
}
# Without a noun, an ambiguous name means the most specific kind of place first.
DEFAULT_PRIORITY = ("military_base", "air_base", "oil_field", "gas_field", "airport", "border_crossing",
                    "city", "town", "village", "mountain", "dam", "port", "governorate", "region", "country")
BROAD_PRIORITY = ("governorate", "country", "region", "city", "town", "village")


@dataclass(frozen=True)
class PlaceRef:
    place_id: str
    mention: Mention  # the name, or the noun that refers back ("the base")


def _rank(place: Place, priority: tuple[str, ...]) -> int:
    return priority.index(place.feature_type) if place.feature_type in priority else len(priority)


class ArticleContext:
    def __init__(self, doc: Document, gazetteer: Gazetteer):
        self.doc = doc
        self.gazetteer = gazetteer
        self.places_at: dict[int, list[PlaceRef]] = {}  # by mention start
        self._resolve_places()
        self._named_sources: list[tuple[int, str]] = self._collect_sources()

    # ------------------------------------------------------------ places

    def _noun_before(self, mention: Mention) -> Mention | None:
        """The place noun right before a name (قاعدة حميميم, محافظة الحسكة, the city of ...)."""
        for m in reversed(self.doc.mentions):
            if m.end > mention.start:
                continue
            if self.doc.tokens_between(m.end, mention.start) > 2:
                return None
            if m.category == "cues" and m.value == "place_noun":
                return m
            if m.category in (PLACE, "triggers", "sources"):
                return None
        return None

    def _choose(self, candidates: list[Place], noun: Mention | None, near_admin1: set[str]) -> Place:
        pool = candidates
        if noun is not None:
            wanted = NOUN_FEATURES.get(noun.feature("kind") or "", ())
            preferred = [p for p in pool if p.feature_type in wanted]
            pool = preferred or pool
        if near_admin1 and len(pool) > 1:
            local = [p for p in pool if p.admin1 in near_admin1]
            pool = local or pool
        return min(pool, key=lambda p: (_rank(p, DEFAULT_PRIORITY), p.place_id))

    def _resolve_places(self) -> None:
        doc = self.doc
        history: list[Place] = []
        admin1_names = {p.admin1 for m in doc.places() for pid in m.place_ids
                        if (p := self.gazetteer.get(pid)).place_kind == "admin1" and p.admin1}
        for m in doc.mentions:
            if m.category == PLACE:
                candidates = [self.gazetteer.get(pid) for pid in m.place_ids]
                sentence = doc.sentence_of(m.start)
                near = {p.admin1 for other in doc.in_sentence(doc.places(), sentence) if other is not m
                        for pid in other.place_ids if (p := self.gazetteer.get(pid)).place_kind == "admin1"}
                place = self._choose(candidates, self._noun_before(m), near & admin1_names)
                self.places_at[m.start] = [PlaceRef(place.place_id, m)]
                history.append(place)
            elif m.category == "cues" and m.value == "place_noun" and self._refers_back(m):
                kind = m.feature("kind") or ""
                wanted = NOUN_FEATURES.get(kind, ())
                found: list[Place] = []
                for place in reversed(history):
                    if place.feature_type in wanted and place not in found:
                        found.append(place)
                    if len(found) == (2 if m.dual else 1):
                        break
                if found:
                    self.places_at[m.start] = [PlaceRef(p.place_id, m) for p in found]

    def _refers_back(self, noun: Mention) -> bool:
        """A definite place noun with no name after it ("the base", "القاعدتين") refers back."""
        if noun.feature("number") == "pl" or noun.feature("kind") in ("area", "governorate"):
            return False  # "القواعد الأميركية", "the region": no single place to point back to
        definite = "ال" in noun.prefix or noun.value.startswith("the ") or self.doc.text[
            noun.core_start:noun.core_end].startswith(("ال", "the "))
        if not definite or noun.suffix not in ("", "ين", "ان", "ي"):
            return False
        for m in self.doc.mentions:
            if m.start >= noun.end and self.doc.tokens_between(noun.end, m.start) <= 1 and m.category == PLACE:
                return False
        return True

    def place_refs(self, mention: Mention) -> list[PlaceRef]:
        return self.places_at.get(mention.start, [])

    def place(self, place_id: str) -> Place:
        return self.gazetteer.get(place_id)

    def broad_alternative(self, ref: PlaceRef) -> PlaceRef:
        """The broadest reading of an ambiguous name ("in Deir ez-Zor" after "oil fields": the governorate)."""
        if ref.mention.category != PLACE or len(ref.mention.place_ids) < 2:
            return ref
        broad = min((self.gazetteer.get(pid) for pid in ref.mention.place_ids),
                    key=lambda p: (_rank(p, BROAD_PRIORITY), p.place_id))
        return PlaceRef(broad.place_id, ref.mention)

    # ------------------------------------------------------------ actors

    def actor_mentions(self, sentence: Sentence) -> list[Mention]:
        return [m for m in self.doc.in_sentence(self.doc.mentions, sentence) if m.category == "actors"]

    def _adversary(self, m: Mention) -> bool:
        """"ضد خلايا داعش", "against Islamic State": the actor is the target, not the mover."""
        return any(c.category == "cues" and c.value == "adversary_marker" and c.end <= m.start
                   and self.doc.tokens_between(c.end, m.start) <= 1 for c in self.doc.mentions)

    def main_actor(self) -> str | None:
        """The actor the article is mostly about (most mentioned; first on ties)."""
        if not hasattr(self, "_main_actor"):
            counts: dict[str, int] = {}
            for m in self.doc.mentions:
                if m.category == "actors" and not self._adversary(m):
                    counts[m.value] = counts.get(m.value, 0) + 1
            self._main_actor = max(counts, key=lambda a: counts[a]) if counts else None
        return self._main_actor

    def actor_near(self, position: int, sentence: Sentence, window: tuple[int, int] | None = None
                   ) -> tuple[str | None, Mention | None]:
        """The actor of a clause: the subject-side actor mention closest to ``position`` in the window
        (before it in English, after an Arabic verb or noun first), else in the sentence, else the
        article's main actor."""
        candidates = [m for m in self.actor_mentions(sentence) if not self._adversary(m)]
        if window:
            inside = [m for m in candidates if window[0] <= m.start < window[1]]
            candidates = inside or candidates
        if candidates:
            subject_after = self.doc.language == "ar"

            def distance(m: Mention) -> tuple[int, int]:
                after = m.start >= position
                gap = self.doc.tokens_between(min(m.end, position), max(m.start, position))
                side_penalty = 0 if after == subject_after else 2
                return (gap + side_penalty + (3 if m.feature("kind") == "metonym" else 0), m.start)
            best = min(candidates, key=distance)
            return best.value, best
        return self.main_actor(), None

    # ------------------------------------------------------------ sources

    def _speech_nearby(self, mention: Mention) -> bool:
        for m in self.doc.mentions:
            if m.category == "cues" and m.value == "speech":
                gap = self.doc.tokens_between(min(m.end, mention.start), max(m.start, mention.end))
                if gap <= 3 and self.doc.sentence_of(m.start) == self.doc.sentence_of(mention.start):
                    return True
        return False

    def _collect_sources(self) -> list[tuple[int, str]]:
        named = []
        for m in self.doc.mentions:
            if m.category != "sources" or m.feature("anaphoric"):
                continue
            if m.feature("speech") and not self._speech_nearby(m):
                continue
            named.append((m.start, m.value))
        return named

    def source_of(self, sentence: Sentence) -> str | None:
        """The first source a sentence names; "the source"/"التقرير" means the last one named before."""
        for m in self.doc.in_sentence(self.doc.mentions, sentence):
            if m.category != "sources":
                continue
            if m.feature("anaphoric"):
                if not self._speech_nearby(m):
                    continue  # "موقف الوزارة": the ministry is talked about, not quoted
                earlier = self._outer_source_before(sentence)
                if earlier:
                    return earlier
                if m.value != "-":
                    return m.value
                continue
            if (m.start, m.value) in self._named_sources:
                return m.value
        return None

    def _outer_source_before(self, sentence: Sentence) -> str | None:
        """The first source named by the last earlier sentence that names one (the reporter,
        not the officials it quotes): what "the report", "المصدر" refer back to."""
        earlier = [(start, value) for start, value in self._named_sources if start < sentence.start]
        if not earlier:
            return None
        last_sentence = self.doc.sentence_of(earlier[-1][0])
        return next(value for start, value in earlier if start >= last_sentence.start)

    # ------------------------------------------------------------ dates

    def date_near(self, position: int, sentence: Sentence, window: tuple[int, int] | None = None
                  ) -> DateMention | None:
        """The date closest to ``position`` in the sentence, one inside the clause ``window`` first."""
        dates = self.doc.in_sentence(self.doc.dates, sentence)
        if window:
            dates = [d for d in dates if window[0] <= d.start < window[1]] or dates
        if not dates:
            return None
        return min(dates, key=lambda d: (self.doc.tokens_between(min(d.end, position), max(d.start, position)),
                                         d.start))

    def date_before(self, sentence: Sentence) -> DateMention | None:
        """The date a sentence that tells none goes on from: the last one told earlier in its
        paragraph, else the lead's news date ("اليوم الخميس", "on Friday") when the lead comes first.
        Not across a change of source: another source's report may be of another time."""
        source = self.source_of(sentence)
        earlier = [d for d in self.doc.dates
                   if d.start < sentence.start and self.doc.sentence_of(d.start).paragraph == sentence.paragraph
                   and not self.doc.sentence_of(d.start).in_head]
        lead = next((s for s in self.doc.sentences if not s.in_head), None)
        if earlier:
            found = earlier[-1]
        elif lead is not None and lead.index < sentence.index:
            news = [d for d in self.doc.in_sentence(self.doc.dates, lead) if d.relative and d.precision == "day"]
            found = news[0] if news else None
        else:
            found = None
        if found is None or source is None or self.source_of(self.doc.sentence_of(found.start)) == source:
            return found
        return None
