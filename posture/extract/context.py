"""Article-level context shared by the movement and force-level readers.

Resolves what a sentence refers to: which gazetteer place a name means (by the noun before
it, by the governorate around it, or by what was named before for "the base"/"القاعدتين"),
which actor a clause is about, which source a sentence is attributed to, and which date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from posture.extract.dates import DateMention
from posture.extract.document import Document, Sentence
from posture.extract.matcher import PLACE, Mention
from posture.gazetteer.gazetteer import Gazetteer, Place

# The word that ends a time phrase measured to an event named next ("بعد يومين من [إخراج]", "two days before [the]")
_EVENT_OF = frozenset(("من", "of", "before", "after"))
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
    # "المنطقة", "the area": whatever was named just before in the sentence (see LOCAL_REFERENTS)
    "area": ("region", "town", "city", "village", "mountain", "governorate", "dam", "military_base", "air_base",
             "airport", "oil_field", "gas_field", "border_crossing", "outpost"),
}
_LOCATED_WITHIN = 6  # tokens between a place noun and the name that says where it is
# Nouns for an area refer back only to a place named earlier in their own sentence.
LOCAL_REFERENTS = ("area",)
# A noun refers back to the last place of exactly its kind when one was named ("المطار" -> the airport).
EXACT_REFERENT = {"airport": ("airport",), "crossing": ("border_crossing",)}
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
        self._resolved = self._resolve_actor_anaphora()

    # ------------------------------------------------------------ places

    def _noun_before(self, mention: Mention) -> Mention | None:
        """The place noun right before a name (قاعدة حميميم, محافظة الحسكة, the city of ...)."""
        for m in reversed(self.doc.within(self.doc.mentions, 0, mention.start)):
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
        named_at: list[int] = []  # where each place of the history was named
        locating: set[int] = set()  # indexes of history places that only locate the one before
        admin1_names = {p.admin1 for m in doc.places() for pid in m.place_ids
                        if (p := self.gazetteer.get(pid)).place_kind == "admin1" and p.admin1}
        # where a noun's thing was said to be ("نقطة المراقبة التابعة له في مدينة مورك"): what "النقطة" means later
        located: dict[str, Place] = {}
        open_nouns: list[Mention] = []
        for m in doc.mentions:
            if m.category == PLACE and (self._adjective_reading(m) or self._compound_modifier(m)):
                continue  # "آلية تركية": the adjective, not Turkey; "the Britain-based monitor"
            if m.category == PLACE:
                candidates = [self.gazetteer.get(pid) for pid in m.place_ids]
                sentence = doc.sentence_of(m.start)
                near = {p.admin1 for other in doc.in_sentence(doc.places(), sentence) if other is not m
                        for pid in other.place_ids if (p := self.gazetteer.get(pid)).place_kind == "admin1"}
                noun = self._noun_before(m)
                place = self._named_with_noun(m, noun, candidates) or self._choose(candidates, noun, near & admin1_names)
                self.places_at[m.start] = [PlaceRef(place.place_id, m)]
                history.append(place)
                named_at.append(m.start)
                if self._after_locator(m):
                    locating.add(len(history) - 1)  # "بريف دير الزور": it locates, it is not a place of its own
                for noun in open_nouns:
                    if doc.sentence_of(noun.start) == sentence and doc.tokens_between(noun.end, m.start) <= _LOCATED_WITHIN:
                        located[noun.feature("kind") or ""] = place
                open_nouns = []
            elif m.category == "cues" and m.value == "pronoun_place" and not any(
                    a.category == "assets" and (a.start, a.end) == (m.start, m.end) for a in doc.near(m)):
                # (not "آلية", a vehicle, folded like "إليه", to it)
                sentence_start = doc.sentence_of(m.start).start
                local = [p for i, (p, at) in enumerate(zip(history, named_at)) if at >= sentence_start and i not in locating]
                count = 2 if m.feature("number") == "dual" else 1
                if local:
                    self.places_at[m.start] = [PlaceRef(p.place_id, m) for p in local[-count:]]
            elif m.category == "cues" and m.value == "place_noun" and not self._refers_back(m) and \
                    m.feature("number") != "pl":
                open_nouns.append(m)
            if m.category == "cues" and m.value == "place_noun" and self._refers_back(m):
                kind = m.feature("kind") or ""
                wanted = NOUN_FEATURES.get(kind, ())
                count = 2 if m.dual else 1
                pool = history
                if kind in LOCAL_REFERENTS:  # "المنطقة", "the area": only a place named just before, in the sentence
                    sentence_start = doc.sentence_of(m.start).start
                    pool = [p for i, (p, at) in enumerate(zip(history, named_at)) if at >= sentence_start
                            and i not in locating]  # (not "غربي نينوى", which only locates Sinjar)
                found: list[Place] = []
                exact = [p for p in reversed(pool) if p.feature_type in EXACT_REFERENT.get(kind, ())]
                for place in exact or reversed(pool):  # "المطار": the airport named before, not the air base
                    if place.feature_type in wanted and place not in found:
                        found.append(place)
                    if len(found) == count:
                        break
                if not found and kind in located and kind not in LOCAL_REFERENTS:
                    found = [located[kind]]  # "دخل إلى محيط النقطة": the point said to be in Morek
                if found:
                    self.places_at[m.start] = [PlaceRef(p.place_id, m) for p in found]

    def _named_with_noun(self, name: Mention, noun: Mention | None, candidates: list[Place]) -> Place | None:
        """"the airport of Qamishli", "مطار قامشلو": when the name alone means only the town, the place
        the gazetteer knows as the name with that noun."""
        if noun is None or any(p.feature_type in NOUN_FEATURES.get(noun.feature("kind") or "", ()) for p in candidates):
            return None
        between = self.doc.text[noun.end:name.start].split()
        if between not in ([], ["of"], ["of", "the"]):
            return None  # "the Qayyarah base to Erbil": the noun is another place's
        noun_text = self.doc.text[noun.core_start:noun.core_end]
        for form in (f"{name.value} {noun_text}", f"{noun_text} {name.value}"):
            found = self.gazetteer.by_folded_name(form)
            if found:
                return found[0]
        return None

    def _after_locator(self, name: Mention) -> bool:
        return any(c.category == "cues" and c.value == "locator" and c.end <= name.start and
                   self.doc.tokens_between(c.end, name.start) == 0 for c in self.doc.near(name))

    def _compound_modifier(self, name: Mention) -> bool:
        """A name hyphened to the word after it ("Britain-based", "Iran-backed", "the Syria-Iraq border"):
        part of a compound modifier, not a place of its own."""
        text = self.doc.text
        return name.end + 1 < len(text) and text[name.end] == "-" and text[name.end + 1].isalpha()

    def _adjective_reading(self, name: Mention) -> bool:
        """A name that is also a nationality adjective (تركية, سورية), right after the noun it describes."""
        if not any(a.category == "actors" and a.feature("kind") in ("adj", "metonym") and
                   (a.start, a.end) == (name.start, name.end) for a in self.doc.near(name)):  # "رتلاً روسياً"
            return False
        return any(m.end <= name.start and self.doc.tokens_between(m.end, name.start) == 0 and
                   (m.category in ("assets", "triggers", "actors") or (m.category == "cues" and m.value == "place_noun"))
                   for m in self.doc.near(name))  # (and "قاعدة تركية": a Turkish base)

    def _refers_back(self, noun: Mention) -> bool:
        """A definite place noun with no name after it ("the base", "القاعدتين") refers back."""
        if noun.feature("number") == "pl" or noun.feature("kind") == "governorate":
            return False  # "القواعد الأميركية": no single place to point back to
        if not self.doc.definite(noun) or (noun.suffix and noun.suffix not in self.doc.morph.dual_suffixes):
            return False  # "قاعدتها": a possessed noun
        for m in self.doc.near(noun):
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
        return [self._resolved[m.start] if m.start in self._resolved else m
                for m in self.doc.in_sentence(self.doc.mentions, sentence)
                if m.category == "actors" and (m.value != "-" or m.start in self._resolved)]

    def _resolve_actor_anaphora(self) -> dict[int, Mention]:
        """"الجيش", "the army": the last actor named before with the same head noun ("الجيش السوري")."""
        resolved: dict[int, Mention] = {}
        named: list[Mention] = []
        for m in self.doc.mentions:
            if m.category != "actors":
                continue
            head = m.feature("head")
            if m.value == "-" and head:
                earlier = next((n for n in reversed(named) if head in n.entry.surface.split()), None) if named else None
                if earlier is not None:
                    resolved[m.start] = replace(m, value=earlier.value)
            elif m.entry is not None:
                named.append(m)
        return resolved

    def is_adversary(self, m: Mention) -> bool:
        """"ضد خلايا داعش", "against Islamic State": the actor is the target, not the mover."""
        return any(c.category == "cues" and c.value == "adversary_marker" and c.end <= m.start
                   and self.doc.tokens_between(c.end, m.start) <= 1 for c in self.doc.near(m))

    def in_sentences(self, m: Mention) -> bool:
        """Inside a sentence of the body or head, not in a dateline ("دمشق -")."""
        sentence = self.doc.sentence_of(m.start)
        return sentence.start <= m.start < sentence.end

    def main_actor(self) -> str | None:
        """The actor the article is mostly about (most mentioned; first on ties)."""
        if not hasattr(self, "_main_actor"):
            counts: dict[str, int] = {}
            for m in self.doc.mentions:
                if m.category == "actors" and m.value != "-" and not self.is_adversary(m) and self.in_sentences(m) \
                        and not self._used_as_place(m):
                    counts[m.value] = counts.get(m.value, 0) + 1
            self._main_actor = max(counts, key=lambda a: counts[a]) if counts else None
        return self._main_actor

    def _used_as_place(self, m: Mention) -> bool:
        """"into Iraq", "إلى العراق": a country name after a preposition is where, not who."""
        if not any(p.category == PLACE and (p.start, p.end) == (m.start, m.end) for p in self.doc.near(m)):
            return False
        return any(c.category == "cues" and c.value.startswith("prep_") and c.end <= m.start and
                   self.doc.tokens_between(c.end, m.start) == 0 for c in self.doc.near(m))

    def _modifies_a_locator(self, m: Mention) -> bool:
        """"the Syrian-Iraqi border", "الحدود العراقية": a nationality that says where, not who."""
        if m.feature("kind") != "adj":
            return False
        return any(c.category == "cues" and c.value == "locator" and self.gap(c, m) == 0 and
                   (c.start >= m.end) == (not self.doc.morph.adjective_after_noun) for c in self.doc.near(m))

    def in_closed_clause(self, m: Mention, position: int) -> bool:
        """Whether a mention lies in a subordinate clause that closes before ``position`` ("عقب الانسحاب
        الأميركي من مناطق شمال شرقي سوريا، ... عدد جنودها", "after the Americans left, ..."): a clause word
        before it with no comma between, and a comma between it and the position."""
        if m.start >= position or not self.doc.clause_comma(m.end, position):
            return False
        sentence = self.doc.sentence_of(m.start)
        return any(c.category == "cues" and c.value == "clause_break" and c.end <= m.start and
                   not self.doc.clause_comma(c.end, m.start) for c in self.doc.within(self.doc.mentions, sentence.start, m.start))

    def relative_antecedent(self, trigger: Mention, sentence: Sentence) -> Mention | None:
        """The actor right before a relative pronoun that opens the trigger's clause."""
        mentions = self.doc.in_sentence(self.doc.mentions, sentence)
        pronoun = next((c for c in mentions if c.category == "cues" and c.value == "clause_break" and c.feature("relative")
                        and c.end <= trigger.start and self.doc.tokens_between(c.end, trigger.start) == 0), None)
        if pronoun is None:
            return None
        return next((a for a in reversed(self.actor_mentions(sentence)) if a.end <= pronoun.start and
                     self.doc.tokens_between(a.end, pronoun.start) <= 1), None)

    def _describes_a_settlement(self, m: Mention) -> bool:
        """"the mostly Kurdish city of Qamishli", "المدينة الكردية": a people's town, not a force acting."""
        if m.feature("kind") != "adj":
            return False
        return any(c.category == "cues" and c.value == "place_noun" and c.feature("kind") in ("city", "town", "village")
                   and self.gap(c, m) == 0 and (c.start >= m.end) == (not self.doc.morph.adjective_after_noun)
                   for c in self.doc.near(m))

    def _owns_a_base(self, m: Mention) -> bool:
        """"sent from Iraq to coalition bases": whose bases the convoy went to says whose convoy it is."""
        return any(c.category == "cues" and c.value == "place_noun" and c.feature("kind") == "base" and
                   c.start >= m.end and self.doc.tokens_between(m.end, c.start) == 0 for c in self.doc.near(m))

    def _passive_agent(self, m: Mention) -> bool:
        return self.doc.text[max(0, m.start - 3):m.start] == "by "

    def actor_near(self, trigger: Mention, sentence: Sentence, window: tuple[int, int] | None = None,
                   sentence_wide: bool = True) -> tuple[str | None, Mention | None]:
        """The actor of a clause: the subject-side actor mention closest to the trigger in the window
        (before it in English, after an Arabic verb or noun first), else in the sentence when
        ``sentence_wide``, else the article's main actor; (None, None) when nothing fits."""
        position = trigger.start
        antecedent = self.relative_antecedent(trigger, sentence)
        if antecedent is not None:
            return antecedent.value, antecedent  # "القوات الروسية التي انتشرت في ...", "Russian troops, who moved in"
        candidates = [m for m in self.actor_mentions(sentence) if not self.is_adversary(m)
                      and not self._modifies_a_locator(m) and not self._describes_a_settlement(m)]
        if not self.doc.morph.verb_first and trigger.feature("pos") == "verb":
            # an English verb's subject comes before it; after it, only the agent of a passive
            candidates = [m for m in candidates if m.end <= position or self._passive_agent(m) or self._owns_a_base(m)]
        # not an actor inside a relative clause after the trigger ("وصل إلى حقل العمر حيث تتمركز قوات التحالف")
        candidates = [m for m in candidates if m.end <= position or not any(
            c.category == "cues" and c.value in ("clause_break", "locative_relative") and trigger.end <= c.start < m.start
            for c in self.doc.in_sentence(self.doc.mentions, sentence))]
        if window:
            inside = [m for m in candidates if window[0] <= m.start < window[1]]
            if not inside and not sentence_wide:
                return None, None
            candidates = inside or candidates
        if candidates:
            subject_after = self.doc.morph.verb_first

            def distance(m: Mention) -> tuple[int, int]:
                after = m.start >= position
                gap = self.doc.tokens_between(min(m.end, position), max(m.start, position))
                side_penalty = 0 if after == subject_after else 2
                return (gap + side_penalty + (3 if m.feature("kind") == "metonym" else 0), m.start)
            best = min(candidates, key=distance)
            return best.value, best
        if not sentence_wide:
            return None, None
        return self.main_actor(), None

    def states_a_presence(self, trigger: Mention) -> bool:
        """"Russia had deployed around 7,500 soldiers in Syria", "تنشر 900 جندي في سوريا": a deploy verb whose
        object is a counted force *in* a country or governorate (not sent *to* it) states a force level."""
        if trigger.value != "deployment" or trigger.feature("pos") != "verb":
            return False
        quantity = next((q for q in self.doc.within(self.doc.quantities, trigger.end, trigger.end + 40)
                         if self.doc.tokens_between(trigger.end, q.start) <= 1), None)
        if quantity is None:
            return False
        after = [m for m in self.doc.near(trigger) if m.start >= quantity.end]
        prep = next((m for m in after if m.category == "cues" and m.value.startswith("prep_")), None)
        if prep is None or prep.value != "prep_location" or self.doc.tokens_between(quantity.end, prep.start) > 3:
            return False
        place = next((m for m in after if m.category == PLACE and m.start >= prep.end), None)
        return place is not None and any(self.gazetteer.get(pid).place_kind in ("country", "admin1") for pid in place.place_ids)

    def describes_an_asset(self, m: Mention) -> bool:
        """"Two U.S. military cargo planes": a force name used as the adjective of the vehicle after it."""
        return any(n.category == "assets" and n.value != "troops" and n.start >= m.end and
                   self.doc.tokens_between(m.end, n.start) == 0 for n in self.doc.near(m))

    def counts_a_force(self, m: Mention) -> bool:
        """"عدد القوات", "عدد العسكريين الأميركيين", "the number of U.S. troops": the size of a force
        is what the sentence gives, not a load (not "عدداً من الجنود", a number of soldiers)."""
        if m.category != "cues":
            return False
        if m.value == "troop_count":
            return True
        if m.value != "count_noun":
            return False
        return any(n.start >= m.end and self.doc.tokens_between(m.end, n.start) == 0 and (
            (n.category == "cues" and n.value == "troop_noun") or (n.category == "actors" and n.feature("kind") == "force")
            or (n.category == "assets" and n.value == "troops")) for n in self.doc.near(m))

    # ------------------------------------------------------------ sources

    def gap(self, a: Mention, b) -> int:
        """Word tokens between two spans, whichever comes first (0 when they touch or overlap)."""
        if a.end <= b.start:
            return self.doc.tokens_between(a.end, b.start)
        if b.end <= a.start:
            return self.doc.tokens_between(b.end, a.start)
        return 0

    def _speech_nearby(self, mention: Mention) -> bool:
        """A reporting verb within a few words of the name ("the coalition said", "أكدت وزارة الدفاع")."""
        sentence = self.doc.sentence_of(mention.start)
        mentions = self.doc.in_sentence(self.doc.mentions, sentence)
        return any(m.category == "cues" and m.value == "speech" and self.gap(m, mention) <= 2 and
                   (not self._is_also_a_trigger(m, mentions) or self.quotes(m, mentions)) for m in mentions)

    @staticmethod
    def _is_also_a_trigger(cue: Mention, mentions: list[Mention]) -> bool:
        return any(t.category == "triggers" and (t.start, t.end) == (cue.start, cue.end) for t in mentions)

    def quotes(self, verb: Mention, mentions: list[Mention]) -> bool:
        """"نقل المرصد عن مصادره", "نقلت رويترز": a transfer verb used for quoting, followed by its
        source or by عن (not "نقلت مروحيات تابعة للتحالف معدات": helicopters moved equipment)."""
        for m in mentions:
            if m.start < verb.end or self.gap(verb, m) > 0:
                continue
            if m.category == "sources" and not m.feature("speech") and not m.feature("anaphoric"):
                return True
            if m.category == "cues" and m.value == "report_from":
                return True
        return False

    def reports(self, m: Mention) -> bool:
        """Whether a source mention names who reports (not a name that is only an actor here)."""
        return m.category == "sources" and ((m.start, m.value) in self._named_sources or
                                            (m.feature("anaphoric") is not None and
                                             (m.feature("reports") is not None or self._speech_nearby(m))))

    def _collect_sources(self) -> list[tuple[int, str]]:
        named = []
        for m in self.doc.mentions:
            if m.category != "sources" or m.feature("anaphoric"):
                continue
            if m.feature("speech") and not self._speech_nearby(m):
                continue
            if self._addressee(m):
                continue  # "وقال المصدر لوكالة شفق نيوز", "local sources told North Press": who was told
            named.append((m.start, m.value))
        return named

    def _addressee(self, m: Mention) -> bool:
        """A source told by another source named before it in the sentence ("قالت مصادر خاصة لنورث برس",
        "ذكرت مصادر أهلية لمراسل سانا", "the sources told North Press"): not the one who reports it."""
        before = self.doc.word_before(m.start)
        told = m.prefix.startswith(("ل", "ول")) or before.startswith("ل") or before == "told"
        if not told:
            return False
        mentions = self.doc.in_sentence(self.doc.mentions, self.doc.sentence_of(m.start))
        return any(o.category == "sources" and o.end <= m.start and self.doc.tokens_between(o.end, m.start) <= 4 and any(
            (v.category == "cues" and v.value == "speech" and v.end <= o.start and self.doc.tokens_between(v.end, o.start) == 0)
            or before == "told" for v in mentions) for o in mentions)  # the teller is the subject of a reporting verb

    def source_near(self, position: int, sentence: Sentence) -> str | None:
        """The source of a figure: a source named after it in its own clause ("..., فيما يبلغ عدد الجنود
        نحو 900 جندي، بحسب تصريحات البنتاغون"), else the sentence's source. (A source before the figure
        may be inside what is reported: "ذكرت الصحيفة أن البنتاغون يستعد لإغلاق 3 من أصل 8 قواعد".)"""
        mentions = self.doc.in_sentence(self.doc.mentions, sentence)
        breaks = [c.start for c in mentions if c.category == "cues" and c.value == "clause_break"]
        trailing = [m for m in mentions if m.category == "sources" and (m.start, m.value) in self._named_sources
                    and m.start > position and not any(position < b < m.start for b in breaks)]
        earlier = [m for m in mentions if m.category == "sources" and (m.start, m.value) in self._named_sources
                   and m.start < position]
        if trailing and earlier:
            return trailing[0].value
        # a figure told in a clause of its own by a source named in that clause ("ولم تعلن الوزارة ...، فيما نقلت
        # وكالة تاس عن مصدر أن مصير القاعدتين"), before what it said
        clause_start = max([b for b in breaks if b < position], default=sentence.start)
        if clause_start > sentence.start:
            own = [m for m in earlier if m.start > clause_start and
                   any(w in self.doc.morph.complementizers for w in self.doc.text[m.end:position].split())]
            if own:
                return own[0].value  # the one who says it, before "أن"/"that"
        return self.source_of(sentence)

    def source_of(self, sentence: Sentence) -> str | None:
        """The first source a sentence names; "the source"/"التقرير" means the last one named before;
        "كما ..." goes on with the previous sentence's source."""
        for m in self.doc.in_sentence(self.doc.mentions, sentence):
            if m.category != "sources":
                continue
            if m.feature("anaphoric"):
                if not (m.feature("reports") or self._speech_nearby(m)):
                    continue  # "موقف الوزارة": the ministry is talked about, not quoted
                earlier = self._outer_source_before(sentence)
                if earlier:
                    return earlier
                if m.value != "-":
                    return m.value
                continue
            if (m.start, m.value) in self._named_sources:
                return m.value
        if self._unnamed_speaker(sentence):
            return self._outer_source_before(sentence)
        if self._continues_report(sentence) and sentence.index > 0:
            return self.source_of(self.doc.sentences[sentence.index - 1])
        if self._list_item(sentence):
            for earlier in reversed(self.doc.sentences[max(0, sentence.index - 4):sentence.index]):
                found = self.source_of(earlier)
                if found:
                    return found  # "رصد المرصد ... ثلاثة أرتال" then "ودخل الرتل الأول ..."
        return None

    def _list_item(self, sentence: Sentence) -> bool:
        """"ودخل الرتل الأول", "أما الرتل الثاني", "The second convoy": an item of a list told before."""
        return any(m.category == "cues" and m.value == "list_item" and any(
            t.category == "triggers" and t.feature("convoy") and self.gap(t, m) == 0
            for t in self.doc.in_sentence(self.doc.mentions, sentence)) for m in self.doc.in_sentence(self.doc.mentions, sentence))

    def _continues_report(self, sentence: Sentence) -> bool:
        """"كما وصلت تعزيزات ...": a sentence that opens by adding to what the one before reported."""
        return any(m.category == "cues" and m.value == "continuation" and self.doc.tokens_between(sentence.start, m.start) == 0
                   for m in self.doc.in_sentence(self.doc.mentions, sentence))

    def _unnamed_speaker(self, sentence: Sentence) -> bool:
        """"وأضاف أن ...", "وأوضح أن": a reporting verb opening the sentence with no speaker named."""
        words = self.doc.text[sentence.start:sentence.end].split()
        return len(words) > 1 and any(w in self.doc.morph.complementizers for w in words[1:3]) and any(
            m.category == "cues" and m.value == "speech" and self.doc.tokens_between(sentence.start, m.start) == 0
            for m in self.doc.in_sentence(self.doc.mentions, sentence))

    def _outer_source_before(self, sentence: Sentence) -> str | None:
        """The first source named by the last earlier sentence that names one (the reporter,
        not the officials it quotes): what "the report", "المصدر" refer back to."""
        earlier = [(start, value) for start, value in self._named_sources if start < sentence.start]
        if not earlier:
            return None
        last_sentence = self.doc.sentence_of(earlier[-1][0])
        return next(value for start, value in earlier if start >= last_sentence.start)

    # ------------------------------------------------------------ dates

    def date_near(self, position: int, sentence: Sentence) -> DateMention | None:
        dates = self.doc.in_sentence(self.doc.dates, sentence)
        if not dates:
            return None
        return min(dates, key=lambda d: (self.doc.tokens_between(min(d.end, position), max(d.start, position)),
                                         d.start))

    def dates_the_report(self, d: DateMention) -> bool:
        """"said on Thursday", "أفاد المرصد، اليوم الاثنين، بأن": the day it was told, not the day it happened."""
        sentence = self.doc.sentence_of(d.start)
        for m in self.doc.in_sentence(self.doc.mentions, sentence):
            if m.end <= d.start and self.doc.tokens_between(m.end, d.start) <= 3 and (
                    (m.category == "cues" and m.value == "speech") or m.category == "sources"):
                between = [t for t in self.doc.in_sentence(self.doc.mentions, sentence)
                           if t.category == "triggers" and m.end <= t.start < d.start]
                if not between:
                    return True
        return False

    def event_date(self, trigger: Mention, sentence: Sentence, clause: tuple[int, int]
                   ) -> tuple[DateMention | None, bool]:
        """The date of a movement: the nearest date that tells when it happened, one inside the trigger's
        own clause first ("هبطت ... منذ مطلع الأسبوع، فيما غادرت ... قبل ثلاثة أيام"), else the date it
        was reported; and whether it is the latter."""
        dates = self.doc.in_sentence(self.doc.dates, sentence)
        # a date that introduces another movement is that one's ("وذلك بعد يومين من إخراج رتل آخر")
        others = [m for m in self.doc.in_sentence(self.doc.mentions, sentence)
                  if m.category == "triggers" and m.start != trigger.start]
        dates = [d for d in dates if not (self.doc.text[d.start:d.end].split()[-1] in _EVENT_OF and any(
            o.start >= d.end and self.doc.tokens_between(d.end, o.start) == 0 for o in others))]
        dates = [d for d in dates if clause[0] <= d.start < clause[1]] or dates
        if not dates:
            return None, False
        told = {d.start for d in dates if self.dates_the_report(d)}
        happened = [d for d in dates if d.start not in told]
        pool = happened or dates
        best = min(pool, key=lambda d: (self.doc.tokens_between(min(d.end, trigger.start), max(d.start, trigger.start)),
                                        d.start))
        return best, best.start in told
