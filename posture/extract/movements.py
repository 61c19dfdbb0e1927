"""Movement frames: who moved what, from where, to where, when, according to whom.

Each sentence is read clause by clause around its movement triggers. Places take their role
from the preposition before them (من/from -> origin, إلى/to -> destination, في/in -> a role
that depends on the trigger), from the trigger's own object (غادر X: X is the origin), or
from coordination with the place before. Frames told over several sentences (the convoy in
one, its cargo or destination in the next; the same convoy retold in the lead and the body)
are merged; frames that a denial, plan or hypothesis governs are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from posture.extract.context import ArticleContext, PlaceRef
from posture.extract.document import Document, Sentence
from posture.extract.matcher import PLACE, Mention, load_morphology
from posture.extract.numbers import Quantity

ORIGIN, DESTINATION, LOCATION, VIA = "origin", "destination", "location", "via"
_CLAUSE_COMMA = re.compile(r",(?!\d)")
_NEXT_WORD = re.compile(r"\s*(\w+)")
_OF_PLACE = re.compile(r"\s+(?:district|province|region|governorate|area)?\s*of\s+(?:the\s+)?"
                       r"(?:(?:northern|southern|eastern|western|central|north|south|east|west)\s+)?")
_PASSIVE = re.compile(r"\s+(?:(?:were|was|been|being|have|has|had|also)\s+)+")  # "contingents were also withdrawn"
_MODEL = re.compile(r"\b[^\W\d_]{1,4}-?\d{2,4}\b")  # An-124, Il-76, Mi-35, C-130
PREP_ROLES = {"prep_origin": ORIGIN, "prep_destination": DESTINATION, "prep_location": "in",
              "prep_via": VIA, "prep_near": "near"}
AIRCRAFT = {"cargo_aircraft", "helicopter"}
GROUND_VEHICLES = {"truck", "military_vehicle", "armored_vehicle", "tank", "fuel_tanker"}
MAX_TOKENS_NUMBER_TO_NOUN = 1
MODALITY_WINDOW = 8  # tokens between a denial/plan word and the movement word it governs
OBJECT_WINDOW = 7  # tokens between a transfer verb and the forces it moves ("سحبت في الأسابيع الماضية عدداً من قواتها")
# How far apart (in sentences) two frames may be and still tell one movement: the next sentence,
# or, when the later one refers back ("the convoy", "هذه القوات"), one sentence further.
NEXT_SENTENCE, ANAPHORIC_REACH = 1, 2
# Types that one movement can be told as: a cargo plane landing with reinforcements.
COMPATIBLE_TYPES = {frozenset(("deployment", "airlift")), frozenset(("withdrawal", "airlift"))}


@dataclass
class AssetSlot:
    asset_type: str
    count: int | None
    count_min: int | None
    count_max: int | None
    qualifier: str
    mention_text: str


@dataclass
class Frame:
    trigger: Mention
    movement_type: str
    direction: str
    actor: str | None
    actor_explicit: bool
    actor_is_force: bool  # the actor named is a body of troops ("القوات الأميركية", "U.S. forces")
    force_moved: bool = False  # ... and those troops are what moved (not "the army sent a convoy")
    actor_text: str = ""
    places: list[tuple[str, PlaceRef]] = field(default_factory=list)  # (role, place)
    assets: dict[str, AssetSlot] = field(default_factory=dict)
    date: object | None = None  # DateMention
    date_is_report: bool = False  # the date is when it was reported ("said on Thursday"), not when it moved
    source: str | None = None
    sentences: list[int] = field(default_factory=list)
    evidence: tuple[int, int] = (0, 0)  # folded span
    is_new: bool = False
    anaphoric: bool = False
    joint: bool = False  # "دورية مشتركة", "the two countries' patrols": one movement for each force named
    definite: bool = False  # told with a definite movement noun ("the departure", "الانسحاب"): may refer back
    in_head: bool = False
    by_air: bool = False  # "جواً", "by air": carried by aircraft
    back_in: bool = False  # a return into the place the force had left ("withdrew ..., but returned in 2014")
    distinct: bool = False  # told as another movement at the same time ("..., while a convoy left"): never merged

    def role_ids(self, role: str) -> set[str]:
        return {ref.place_id for r, ref in self.places if r == role}

    def has_point_place(self, ctx: ArticleContext) -> bool:
        """Whether the frame names a specific place (a base, a town), not only areas."""
        return any(ctx.place(ref.place_id).place_kind == "point" and not _is_area(ctx.place(ref.place_id))
                   for _, ref in self.places)


class MovementReader:
    def __init__(self, doc: Document, ctx: ArticleContext):
        self.doc, self.ctx = doc, ctx

    # ------------------------------------------------------------ triggers

    def _cues(self, sentence: Sentence, *names: str) -> list[Mention]:
        return [m for m in self.doc.in_sentence(self.doc.mentions, sentence)
                if m.category == "cues" and m.value in names]

    def _triggers(self, sentence: Sentence) -> list[Mention]:
        mentions = self.doc.in_sentence(self.doc.mentions, sentence)
        found = [m for m in mentions if m.category == "triggers" and not m.feature("presence")
                 and not self._reports(m, mentions) and not self._sizes_a_force(m, mentions)
                 and not self._figurative(m, mentions) and not self._attacked(m, mentions)
                 and not self._leaves_someone(m, mentions) and not self._in_compound(m)
                 and not self.ctx.states_a_presence(m)]
        if any(m.category == "cues" and m.feature("period") for m in mentions):
            return []  # "had deployed 7,000 fighters at the peak of the war": a force level over a period
        verbs = [m for m in found if not m.feature("convoy")]
        if verbs:
            # a definite convoy noun in a clause of its own ("أن الرتل الذي ضم ...، وذلك بعد يومين من إخراج رتل
            # آخر") tells the convoy named before; the verb's clause tells another
            own = [m for m in found if m.feature("convoy") and self.doc.definite(m) and
                   all(self._other_clause(m, v) for v in verbs)]
            return sorted(verbs + own, key=lambda m: m.start)
        return found[:1]  # a convoy noun alone tells one movement

    def _other_clause(self, a: Mention, b: Mention) -> bool:
        """Whether a clause of time or a joined clause (", وذلك بعد", ", while") separates two mentions."""
        first, second = (a, b) if a.start < b.start else (b, a)
        between = self.doc.within(self.doc.mentions, first.end, second.start)
        if any(c.category == "cues" and c.value == "clause_break" and (c.feature("time") or c.feature("while"))
               for c in between):
            return True
        return self.doc.last_clause_join(first.end, second.start) is not None and self.doc.clause_comma(first.end, second.start)

    def _in_compound(self, trigger: Mention) -> bool:
        """"prepare-to-deploy orders", "pre-deployment": a verb hyphened into a modifier moves nothing."""
        text = self.doc.text
        return trigger.start >= 2 and text[trigger.start - 1] == "-" and text[trigger.start - 2].isalpha()

    def _reports(self, trigger: Mention, mentions: list[Mention]) -> bool:
        """"ونقل المرصد عن مصادره", "نقلت رويترز": a transfer verb used for reporting what a source said."""
        return self.ctx.quotes(trigger, mentions)

    def _sizes_a_force(self, trigger: Mention, mentions: list[Mention]) -> bool:
        """"shrinking the deployment", "تقليص الانتشار": the noun names the force a change applies to."""
        return trigger.feature("pos") == "noun" and any(
            m.category == "cues" and m.value in ("change_down", "change_up_past") and m.end <= trigger.start
            and self.doc.tokens_between(m.end, trigger.start) <= 1 for m in mentions)

    def _leaves_someone(self, trigger: Mention, mentions: list[Mention]) -> bool:
        """"The move leaves the U.S. with five bases": the verb's object is a party, not a place it left
        (only where the object follows the verb; after an Arabic verb comes its subject)."""
        if not trigger.feature("obj") or self.doc.morph.verb_first:
            return False
        following = [m for m in mentions if m.start >= trigger.end and self.doc.tokens_between(trigger.end, m.start) <= 1]
        actors = [m for m in following if m.category == "actors"]
        return bool(actors) and not any(m.category == PLACE and (m.start, m.end) == (a.start, a.end)
                                        for a in actors for m in following)

    def _attacked(self, trigger: Mention, mentions: list[Mention]) -> bool:
        """"warplanes struck a convoy", "استهدف رتلاً": the convoy is the target of an attack being told."""
        return trigger.feature("pos") == "noun" and any(
            m.category == "cues" and m.value == "attack" and m.end <= trigger.start and
            self.doc.tokens_between(m.end, trigger.start) <= 2 for m in mentions)

    def _figurative(self, trigger: Mention, mentions: list[Mention]) -> bool:
        """"وصول الحكومة إلى السلطة", "came to power": motion towards something that is not a place."""
        preps = [m for m in mentions if m.category == "cues" and m.value == "prep_destination"
                 and m.start >= trigger.end and self.doc.tokens_between(trigger.end, m.start) <= 3]
        return any(g.category == "cues" and g.value == "abstract_goal" and g.start >= p.end
                   and self.doc.tokens_between(p.end, g.start) == 0 for p in preps for g in mentions)

    def _governed_by_modality(self, trigger: Mention, clause_start: int, sentence: Sentence) -> bool:
        """A denial, plan, possibility or future shortly before the trigger, in its clause; or a denial
        or rumour anywhere before it in the sentence ("نفت ... صحة تقارير تحدثت عن سحب", "Rumours that
        ... had left"), unless a "but" comes between."""
        if trigger.future:
            return True
        in_sentence = self.doc.in_sentence(self.doc.mentions, sentence)
        for m in in_sentence:
            if m.category != "cues":
                continue
            if m.value == "habitual" and not any(  # "تستقبل رحلات شحن بشكل دوري": a habit, on either side
                    c.category == "cues" and c.value == "contrast" and
                    min(m.end, trigger.end) <= c.start < max(m.start, trigger.start) for c in in_sentence):
                return True
            if m.value in ("negation", "modal") and m.feature("scope") == "sentence" \
                    and m.start < trigger.start and not any(
                        c.category == "cues" and c.value == "contrast" and m.end <= c.start < trigger.start
                        for c in in_sentence):
                return True
        for m in self.doc.within(self.doc.mentions, clause_start, trigger.start):
            if m.category == "cues" and m.value in ("negation", "modal") and clause_start <= m.start < trigger.start \
                    and self.doc.tokens_between(m.end, trigger.start) <= MODALITY_WINDOW \
                    and not self.doc.clause_comma(m.end, trigger.start):
                blockers = (m.feature("not_after") or "").split("|")
                before = self.doc.text[max(0, m.start - 30):m.start]
                if any(b and b in before for b in blockers):
                    continue
                return True
        return False

    # ------------------------------------------------------------ assets

    def _quantity_before(self, mention: Mention) -> Quantity | None:
        sentence = self.doc.sentence_of(mention.start)
        for q in self.doc.within(self.doc.quantities, sentence.start, mention.start):
            if q.end <= mention.start and self.doc.tokens_between(q.end, mention.start) <= MAX_TOKENS_NUMBER_TO_NOUN + \
                    self._adjective_tokens(q.end, mention.start) + self._model_tokens(q.end, mention.start):
                return q
        return None

    def _model_tokens(self, start: int, end: int) -> int:
        """Tokens of a model designation between a number and its noun ("two An-124 heavy transport aircraft")."""
        return sum(self.doc.tokens_between(m.start(), m.end()) for m in _MODEL.finditer(self.doc.text, start, end))

    def _adjective_tokens(self, start: int, end: int) -> int:
        return sum(self.doc.tokens_between(m.start, m.end) for m in self.doc.within(self.doc.mentions, start, end)
                   if m.category == "actors" and m.end <= end)

    def _asset(self, mention: Mention) -> AssetSlot:
        text = self.doc.original_span(mention.start, mention.end)[2]
        q = self._quantity_before(mention)
        if q is not None:
            return AssetSlot(mention.value, q.value, q.value_min, q.value_max, q.qualifier, text)
        if mention.dual:
            return AssetSlot(mention.value, 2, 2, 2, "exact", text)
        if mention.feature("number") == "sg" and self._one(mention):
            return AssetSlot(mention.value, 1, 1, 1, "exact", text)
        return AssetSlot(mention.value, None, None, None, "vague", text)

    def _one(self, noun: Mention) -> bool:
        """Whether a singular noun counts one: always in Arabic; after a determiner in English
        ("a lightly armored vehicle"), not bare ("deployed Sentinel radar")."""
        determiners = load_morphology(self.doc.language).singular_determiners
        if not determiners:
            return True
        words = self.doc.text[max(0, noun.start - 40):noun.start].split()[-4:]
        return any(w in determiners for w in words)

    def _counts_a_force(self, asset: Mention, items: list[Mention]) -> bool:
        """"رفعت عدد قواتها إلى 2000 جندي", "عدد الجنود ... 900 جندي": troops counted as a force level."""
        return asset.value == "troops" and any(m.end <= asset.start and self.ctx.counts_a_force(m) for m in items)

    # ------------------------------------------------------------ places

    def _assign_roles(self, frame: Frame, items: list[Mention], trigger: Mention) -> None:
        """Walk the clause left to right, giving each place the role its context implies."""
        role: str | None = None
        last_role: str | None = None
        keep_role = False
        locator_next = False
        after_source: Mention | None = None  # the source just named ("مصادر أهلية في ..." places the source)
        placed_before = False
        last_placed: list[tuple[str, PlaceRef]] = []  # the places of the last name placed
        last_place_end: int | None = None
        in_clause_break = False  # inside a relative or subordinate clause, up to its comma
        along: int | None = None  # after "على امتداد", "along": من X حتى Y is an extent, up to the next comma
        last_role_before_break: str | None = None
        clause_break_end = 0
        quantity_spans = [(q.start, q.end) for q in self.doc.within(self.doc.quantities, items[0].start, items[-1].end)] \
            if items else []
        for m in items:
            if m is trigger or (m.category == "triggers" and m.start == trigger.start):
                role, keep_role, locator_next = trigger.feature("obj"), False, False
                after_source, in_clause_break = None, False
                continue
            if m.category == "sources":
                if self.ctx.reports(m):
                    after_source = m
                continue
            if in_clause_break and self.doc.clause_comma(clause_break_end, m.start):
                in_clause_break, role = False, last_role_before_break  # "، الذي تقوده واشنطن، من قاعدتي ..."
            if m.category == "cues" and m.value == "pronoun_place" and self.ctx.place_refs(m):
                role = m.feature("role")  # "منهما": from the two places just named
            if m.category == "cues" and not (m.value in ("place_noun", "pronoun_place") and self.ctx.place_refs(m)):
                if any(s <= m.start < e for s, e in quantity_spans):
                    continue  # نحو in "نحو 200" is a qualifier, not a direction
                if m.value == "prep_origin" and self._partitive(m, items):
                    continue  # "وحدات من قوات الكوماندوز", "units of the army": a part of, not a place
                if m.value in PREP_ROLES and any(c.category == "cues" and c.value == "speech" and c.end <= m.start and
                                                  self.doc.tokens_between(c.end, m.start) == 0 for c in items):
                    continue  # "مشيراً إلى أن", "أشار إلى": what was said, not where anything went
                if m.value == "prep_near" and any(a.category == "cues" and a.value == "place_noun" and
                                                  a.feature("kind") == "area" and a.end <= m.start and
                                                  self.doc.tokens_between(a.end, m.start) == 0 for a in items):
                    role = last_role or role  # "and the area around the al-Hol camp": that place's surroundings
                    placed_before = False
                    continue
                if m.value == "prep_near" and placed_before and last_place_end is not None and \
                        self.doc.tokens_between(last_place_end, m.start) <= 1:
                    locator_next = True  # "the Kharab al-Jir airfield near Rmelan": Rmelan only locates it
                    continue
                if m.value == "prep_near" and not placed_before and (role in (ORIGIN, DESTINATION, VIA) or
                                                                      last_role in (ORIGIN, DESTINATION)):
                    role = role if role in (ORIGIN, DESTINATION, VIA) else last_role  # "headed to Turkish positions near Ariha"
                    continue
                if in_clause_break:
                    continue
                if along is not None and self.doc.clause_comma(along, m.start):
                    along = None
                if m.value == "extent":
                    along = m.end
                    role = LOCATION
                    continue
                if m.value in PREP_ROLES:
                    new_role = PREP_ROLES[m.value]
                    if along is not None and new_role in (ORIGIN, DESTINATION, "in"):
                        new_role = LOCATION  # "على امتداد الشريط الحدودي من القائم وحتى منفذ الوليد"
                    if keep_role and new_role == "in":
                        keep_role = False  # "قواعد تقع في X": X keeps the role of the bases
                        continue
                    keep_role = False
                    if after_source and self.ctx.gap(after_source, m) > 0:
                        after_source = None  # the preposition does not follow the source's name
                    if new_role == "in" and last_role in (ORIGIN, DESTINATION) and not after_source:
                        role = "modifier"  # "from the fields in Deir ez-Zor": locates the origin
                    else:
                        role = new_role
                    if new_role in (ORIGIN, DESTINATION, VIA):
                        placed_before = False  # a new argument: "من مدينة الباب إلى ريف منبج"
                    locator_next = False
                elif m.value == "locator":
                    locator_next = True
                elif m.value == "locative_relative":
                    keep_role = True
                    if in_clause_break:  # "قواعدها التي تقع في الحسكة": the relative clause says where they are
                        in_clause_break, role = False, last_role_before_break
                elif m.value == "speech" and m.start > trigger.start and self._opens_report(m):
                    # "..., مشيراً إلى أن قطعات الجيش ستتولى مسك الحدود حتى ربيعة", "adding that ...": what was
                    # said next is another proposition
                    last_role_before_break, clause_break_end = last_role, m.end
                    role, last_role, locator_next, in_clause_break = "skip", None, False, True
                elif m.value == "modal" and m.start > trigger.start and not m.feature("scope"):
                    # "توجه نحو خراب الجير، على أن يتوزع جزء منه على الشدادي", "تمهيداً لشحنها إلى روسيا"
                    last_role_before_break, clause_break_end = last_role, m.end
                    role, last_role, locator_next, in_clause_break = "skip", None, False, True
                elif m.value == "place_noun" and "ب" in m.prefix and placed_before and last_role in (ORIGIN, DESTINATION) \
                        and m.feature("kind") in ("area", "governorate"):
                    locator_next = True  # "إلى قضاء أقجة قلعة بولاية شانلي أورفة": the province locates the town
                elif m.value == "clause_break" and m.feature("between") and any(
                        p.category == PLACE and p.start >= m.end and self.doc.tokens_between(m.end, p.start) == 0 for p in items):
                    role = "in"  # "on the M4 highway between Saraqeb and Ariha": the stretch it covered
                elif m.value == "clause_break":
                    # a relative or subordinate clause ("التي تكشف سهل الغاب", "as Moscow scales back its
                    # presence in Syria"): its places are not the movement's
                    last_role_before_break, clause_break_end = last_role, m.end
                    role, last_role, locator_next, in_clause_break = "skip", None, False, True
                elif m.value == "place_noun" and role in (ORIGIN, DESTINATION):
                    last_role = role  # "من حقول النفط في ...": the noun carries the role
                    nationality = self._nationality_after(m, items) if m.suffix else None
                    if nationality:  # "من قواعدها السورية": the bases are in that country (not "قاعدة تركية")
                        frame.places.append((role, nationality))
                        placed_before = True
                continue
            refs = self.ctx.place_refs(m) if (m.category == PLACE or m.category == "cues") else []
            if not refs:
                continue
            if after_source and role in ("in", None):
                after_source = None
                continue  # "مصادر أهلية في دير الزور": where the source is, not the convoy
            if m.category == PLACE and (role is None or role == trigger.feature("obj")) and \
                    self._names_the_actor(m, items):
                continue  # "Turkey sent a convoy", "غادرت روسيا": the state that acts, not a place
            if self._after_border(m, items):
                continue  # "toward Syria's border with Iraq": a border names no place the convoy reached
            if placed_before and last_place_end is not None and _OF_PLACE.fullmatch(self.doc.text[last_place_end:m.start]):
                locator_next = True  # "the Reyhanli district of (southern) Hatay province"
            if locator_next:
                if placed_before and not self._only_areas(last_placed):
                    continue  # "بريف الحسكة", "northwest of Manbij": only locates the place before
                if placed_before:  # "مواقع في عمق البادية جنوب مدينة الميادين": the town says more than the desert
                    frame.places = [pr for pr in frame.places if pr not in last_placed]
                    attached_role = last_placed[0][0] if last_placed else role
                    role = attached_role
                locator_next = False
            attached = role
            if m.category == PLACE and "ب" in m.prefix and attached in (None, ORIGIN, DESTINATION, "modifier") and \
                    not self._coordinated(m):
                if placed_before and last_role in (ORIGIN, DESTINATION) and \
                        self.ctx.place(self.ctx.broad_alternative(refs[0]).place_id).place_kind == "point" and \
                        any(self.ctx.place(r.place_id).place_kind == "point" for _, r in last_placed):
                    continue  # "في بلدة قوقفين بجبل الزاوية": the mountain only locates the village
                if attached != "modifier":
                    attached = "modifier" if last_role in (ORIGIN, DESTINATION) else "in"
            if self._coordinated(m) and last_role:
                attached = last_role
            if attached == "skip" or in_clause_break or self._names_a_border(m):
                continue  # inside a relative clause ("التي تكشف سهل الغاب"), or "Syria's border with Iraq"
            final = self._final_role(attached, frame.direction, last_role)
            last_placed = []
            for ref in refs:
                if attached == "modifier":
                    ref = self.ctx.broad_alternative(ref)
                frame.places.append((final, ref))
                last_placed.append((final, ref))
            last_role, placed_before, last_place_end = final, True, m.end
            keep_role = False

    def _opens_report(self, verb: Mention) -> bool:
        """A reporting verb followed by what it reports ("مشيراً إلى أن", "adding that")."""
        return any(w in self.doc.morph.complementizers for w in self.doc.text[verb.end:verb.end + 20].split()[:2])

    def _only_areas(self, placed: list[tuple[str, PlaceRef]]) -> bool:
        return bool(placed) and all(_is_area(self.ctx.place(ref.place_id)) for _, ref in placed)

    def _names_the_actor(self, place: Mention, items: list[Mention]) -> bool:
        """A name that is also an actor (Russia, تركيا), with no preposition before it."""
        if not any(a.category == "actors" and (a.start, a.end) == (place.start, place.end) for a in items):
            return False
        before = [m for m in items if m.end <= place.start and self.doc.tokens_between(m.end, place.start) == 0]
        return not any(m.category == "cues" and m.value in PREP_ROLES for m in before)

    def _nationality_after(self, noun: Mention, items: list[Mention]) -> PlaceRef | None:
        """The country a nationality adjective names right after (Arabic) or before (English) a place noun."""
        for m in items:
            if m.category == "cues" and m.value == "nationality" and self.ctx.gap(noun, m) == 0 and \
                    (m.start >= noun.end) == self.doc.morph.adjective_after_noun:
                place_id = m.feature("place")
                if place_id and place_id in self.ctx.gazetteer:
                    return PlaceRef(place_id, m)
        return None

    def _partitive(self, prep: Mention, items: list[Mention]) -> bool:
        """من/of right before a force ("وحدات من قوات الكوماندوز"): a part of it, not where it came from."""
        return any(m.start >= prep.end and self.doc.tokens_between(prep.end, m.start) == 0 and
                   ((m.category == "actors" and m.feature("kind") in ("force", "org")) or
                    (m.category == "cues" and m.value == "troop_noun")) for m in items)

    def _border_locator(self, m: Mention, side: str) -> bool:
        """A border word and the side of it a name stands on: "before" ("Syria's border"), "after"
        ("الحدود مع العراق"), or "both" ("Syria's border with Iraq")."""
        return m.category == "cues" and m.value == "locator" and m.feature("border") in (side, "both")

    def _names_a_border(self, m: Mention) -> bool:
        """"Syria's border", "the Iraq border": the name says whose border it is."""
        return any(self._border_locator(c, "before") and c.start >= m.end and self.doc.tokens_between(m.end, c.start) <= 1
                   for c in self.doc.near(m))  # one token: the possessive "'s"

    def _after_border(self, m: Mention, items: list[Mention]) -> bool:
        """"border with Iraq", "الحدود مع العراق": the other side of a border, not where the convoy went."""
        return any(self._border_locator(c, "after") and c.end <= m.start and self.doc.tokens_between(c.end, m.start) == 0
                   for c in items)

    def _coordinated(self, m: Mention) -> bool:
        """A name joined to the one before by و / and / a comma."""
        return self.doc.joined_to_previous(m)

    @staticmethod
    def _final_role(role: str | None, direction: str, last_role: str | None) -> str:
        if role in (ORIGIN, DESTINATION, VIA, LOCATION):
            return role
        if role == "modifier" and last_role in (ORIGIN, DESTINATION):
            return last_role
        if direction == "in":
            return DESTINATION
        if direction == "out":
            return ORIGIN
        if direction == "return":
            return DESTINATION
        return LOCATION

    # ------------------------------------------------------------ one sentence

    def frames_of_sentence(self, sentence: Sentence) -> list[Frame]:
        triggers = self._triggers(sentence)
        if not triggers:
            return []
        items = sorted(self.doc.in_sentence(self.doc.mentions, sentence), key=lambda m: (m.start, m.category))
        frames: list[Frame] = []
        governed_before = False
        for i, trigger in enumerate(triggers):
            clause_start = triggers[i - 1].end if i else sentence.start
            clause_end = triggers[i + 1].start if i + 1 < len(triggers) else sentence.end
            if i + 1 < len(triggers) and not self.doc.morph.verb_first:
                # "planes took off from X, while a convoy of 25 vehicles left": the next clause's subject
                # comes before its verb
                join = self._joiner_before(trigger.end, triggers[i + 1])
                clause_end = join if join is not None else clause_end
            clause_end = self._coordinated_clause_after(trigger, clause_end)
            window_start = sentence.start if i == 0 else self._clause_start(clause_start, trigger)
            # the noun object of a denied or planned verb is governed too ("قد ترسل تركيا تعزيزات")
            object_of_governed = governed_before and trigger.feature("pos") == "noun" and window_start == trigger.start
            governed_before = object_of_governed or self._governed_by_modality(trigger, clause_start, sentence)
            if governed_before or self._civilian(trigger, items, (window_start, clause_end)):
                continue
            frame = self._frame(trigger, sentence, items, (window_start, clause_end), frames[-1] if frames else None)
            if frames and self._continues(trigger, triggers[i - 1]):
                self._merge(frames[-1], frame)  # "abandoned their bases ..., driving off toward ..."
                continue
            if frames and self._purpose(trigger):
                frame.assets.clear()  # "deployed Bradleys to bolster troops": the troops are served, not moved
                frame.force_moved = False
                self._merge(frames[-1], frame)
                continue
            frames.append(frame)
        self._share_subject(frames, triggers, items)
        frames = self._join_placeless(frames)
        frames = self._join_halves(frames)
        frames = self._type_from_noun(frames)
        self._reverse_trips(frames)
        self._share_origin(frames)
        return self._split_joint(frames, sentence, items)

    def _join_halves(self, frames: list[Frame]) -> list[Frame]:
        """"reached Reyhanli after setting off from Kirikhan": a subordinate clause that tells where the same
        convoy came from (or went) completes the main clause's movement."""
        joined: list[Frame] = []
        for frame in frames:
            main = next((f for f in reversed(joined) if self._halves(f, frame)), None)
            if main is None:
                joined.append(frame)
            else:
                self._merge(main, frame)
                main.movement_type = main.trigger.value if main.trigger.value != "other" else frame.movement_type
        return joined

    def _halves(self, main: Frame, sub: Frame) -> bool:
        if main.actor and sub.actor and _family(main.actor) != _family(sub.actor):
            return False
        if not self._opens_subordinate(sub.trigger):
            return False
        mo, md, so, sd = main.role_ids(ORIGIN), main.role_ids(DESTINATION), sub.role_ids(ORIGIN), sub.role_ids(DESTINATION)
        return (md and not mo and so and not sd) or (mo and not md and sd and not so)

    def _opens_subordinate(self, trigger: Mention) -> bool:
        """The trigger opens a clause of time right after its subordinator ("after setting off", "بعد خروجه")."""
        return any(c.category == "cues" and c.value == "clause_break" and c.feature("time") and
                   c.end <= trigger.start and self.doc.tokens_between(c.end, trigger.start) == 0
                   for c in self.doc.near(trigger))

    def _type_from_noun(self, frames: list[Frame]) -> list[Frame]:
        """"crossed from Syria into Iraq ..., part of the pullout", "crossed into Iraq ... as troops continued
        their withdrawal from northeast Syria": a crossing, open in type, is the movement the sentence names
        with a typed noun, for the same force and places that agree."""
        kept = list(frames)
        for frame in frames:
            if frame.movement_type != "other" or frame.trigger.feature("obj") != "via" or frame not in kept:
                continue
            for noun in [f for f in kept if f is not frame and f.trigger.feature("pos") == "noun"
                         and f.movement_type in ("withdrawal", "deployment")]:
                if noun.actor and frame.actor and _family(noun.actor) != _family(frame.actor):
                    continue
                if self._places_agree(noun.role_ids(ORIGIN), frame.role_ids(ORIGIN) or noun.role_ids(ORIGIN)) or \
                        self._places_agree(frame.role_ids(ORIGIN), noun.role_ids(ORIGIN)):
                    frame.movement_type = noun.movement_type
                    noun_places = [(r, ref) for r, ref in noun.places
                                   if not any(_inside(self.ctx.place(ref.place_id), self.ctx.place(x.place_id))
                                              for k, x in frame.places if k == r)]
                    noun.places = noun_places
                    self._merge(frame, noun)
                    kept.remove(noun)
                    break
        return kept

    def _share_origin(self, frames: list[Frame]) -> None:
        """"أقلعت الطائرات من المطار ..., فيما غادر رتل بري باتجاه تل تمر": a movement told at the same time
        ("while", "فيما") with no origin of its own left from where the one before it did."""
        for before, frame in zip(frames, frames[1:]):
            if before.actor and frame.actor and _family(before.actor) != _family(frame.actor):
                continue
            if frame.role_ids(ORIGIN) or not before.role_ids(ORIGIN) or not self._simultaneous(before.trigger, frame.trigger):
                continue
            frame.places = [(ORIGIN, ref) for role, ref in before.places if role == ORIGIN] + frame.places
            frame.is_new = frame.distinct = True  # another convoy, not a retelling of the first

    def _joiner_before(self, start: int, trigger: Mention) -> int | None:
        """Where the clause of a later verb starts when its subject is before it: a "while"/time word or a
        joined clause between the two verbs."""
        for c in self.doc.within(self.doc.mentions, start, trigger.start):
            if c.category == "cues" and c.value == "clause_break" and (c.feature("while") or c.feature("time")):
                return c.start
        return None

    def _coordinated_clause_after(self, trigger: Mention, end: int) -> int:
        """Where the trigger's clause ends before ``end``: at a semicolon, or at a comma followed by a new
        clause -- a joined word that names nothing we know, i.e. a verb ("، وحوّلته إلى قاعدة تضم مروحيات"),
        or "and" + a new subject ("..., and U.S. aircraft then destroyed the ammunition")."""
        text = self.doc.text
        semicolon = text.find(";", trigger.end, end)
        if semicolon != -1:
            end = semicolon
        morph = self.doc.morph
        for comma in _CLAUSE_COMMA.finditer(text, trigger.end, end):
            word = _NEXT_WORD.match(text, comma.end())
            if word is None:
                continue
            w, at = word.group(1), word.start(1)
            known = [m for m in self.doc.within(self.doc.mentions, at, at + len(w) + 1) if m.start == at]
            if morph.verb_first and len(w) > 3 and w[0] in morph.coordinator_proclitics and not known and \
                    not self.doc.within(self.doc.quantities, at, at + len(w)):
                return comma.start()
            if not morph.verb_first and w in morph.clause_joiners:
                after = _NEXT_WORD.match(text, word.end())
                nxt = [m for m in self.doc.mentions if after and m.start == after.start(1)]
                if any(m.category == "actors" for m in nxt):
                    return comma.start()
        return end

    def _join_placeless(self, frames: list[Frame]) -> list[Frame]:
        """A trigger with no place of its own tells the movement of the sentence's trigger next to it
        ("عدة رحلات ... أقلعت من قاعدة حميميم", "deployed radar ... and deployed Bradleys to ...")."""
        joined: list[Frame] = []
        for frame in frames:
            partner = None if frame.is_new else next((before for before in reversed(joined) if (not before.places or not frame.places)
                            and not (frame.direction == "return" and before.direction == "out")  # "withdrew ..., but returned"
                            and _types_compatible(before.movement_type, frame.movement_type)
                            and (not before.actor or not frame.actor
                                 or _family(before.actor) == _family(frame.actor))), None)
            if partner is None:
                joined.append(frame)
            elif frame.places and not partner.places:
                # the trigger that names the places leads ("newly arrived troops ... flew back to Jordan")
                self._merge(frame, partner)
                frame.sentences = partner.sentences
                joined[joined.index(partner)] = frame
            else:
                self._merge(partner, frame)
        return joined

    def _frame(self, trigger: Mention, sentence: Sentence, items: list[Mention], window: tuple[int, int],
               previous: Frame | None) -> Frame:
        actor, actor_mention = self.ctx.actor_near(trigger, sentence, window, sentence_wide=previous is None)
        if actor_mention is None and previous is not None:
            actor = previous.actor  # "X had taken control ... and had begun deploying": the same subject
        is_force = actor_mention is not None and actor_mention.feature("kind") == "force" and \
            not self.ctx.describes_an_asset(actor_mention)  # "U.S. military cargo planes": the planes moved
        if actor_mention is None and previous is not None:
            is_force = previous.actor_is_force
        frame = Frame(
            trigger=trigger,
            movement_type=trigger.value,
            direction=trigger.feature("dir") or "move",
            actor=actor,
            actor_explicit=actor_mention is not None or (previous is not None and previous.actor_explicit),
            actor_is_force=is_force,
            # the troops moved only when named in the trigger's own clause, the verb is not "sent" and
            # no convoy is what moved ("رتل عسكري تابع للقوات الأميركية")
            force_moved=is_force and not trigger.feature("causative") and actor_mention is not None
            and window[0] <= actor_mention.start < window[1] and not any(
                m.category == "triggers" and m.feature("convoy") and window[0] <= m.start < window[1] for m in items),
            actor_text=self.doc.original_span(actor_mention.start, actor_mention.end)[2] if actor_mention else
            (previous.actor_text if previous else ""),
            sentences=[sentence.index],
            evidence=(sentence.start, sentence.end),
            in_head=sentence.in_head,
        )
        clause_items = [m for m in items if window[0] <= m.start < window[1]]
        self._assign_roles(frame, clause_items, trigger)
        clause_items = [m for m in clause_items if not self._inside_closed_clause(m, clause_items, trigger)
                        and not self._after_hypothetical(m, clause_items, trigger)]
        for m in clause_items:
            if m.category == "assets" and not self._counts_a_force(m, clause_items) and not self._casualties(m, items):
                slot = self._asset(m)
                existing = frame.assets.get(slot.asset_type)
                if existing is None or (existing.count is None and slot.count is not None):
                    frame.assets[slot.asset_type] = slot
            elif m.category == "cues" and m.value == "new" and self._marks_new(m, clause_items):
                frame.is_new = True
            elif m.category == "cues" and m.value == "anaphor" and self._points_at_movement(m, clause_items):
                frame.anaphoric = True
            elif m.category == "cues" and m.value == "by_air":
                frame.by_air = True
        for m in clause_items:
            if m.category == "actors" and m.feature("kind") == "force" and not self._counts_a_force(m, clause_items) \
                    and not self.ctx.describes_an_asset(m) and not self._casualties(m, items):
                q = self._quantity_before(m)
                if q is not None and "troops" not in frame.assets:
                    text = self.doc.original_span(m.start, m.end)[2]
                    frame.assets["troops"] = AssetSlot("troops", q.value, q.value_min, q.value_max, q.qualifier, text)
        if is_force and actor_mention is not None and not trigger.feature("causative") and \
                self.ctx.relative_antecedent(trigger, sentence) is actor_mention:
            frame.force_moved = True  # "القوات الروسية التي انتشرت في مطار القامشلي"
        if self._forces_moved(trigger, clause_items):
            frame.force_moved = True
            frame.assets.setdefault("troops", AssetSlot("troops", None, None, None, "vague", ""))
        frame.definite = self._definite(trigger)
        frame.joint = trigger.feature("joint") is not None or any(
            m.category == "cues" and m.value == "joint" and self.ctx.gap(m, trigger) <= 2 for m in clause_items)
        frame.date, frame.date_is_report = self.ctx.event_date(trigger, sentence, window)
        frame.source = self.ctx.source_of(sentence)
        return frame

    def _civilian(self, trigger: Mention, items: list[Mention], window: tuple[int, int]) -> bool:
        """"a United Nations aid convoy", "غادرت عشرات العائلات", "قافلة مساعدات": civilians or aid moving."""
        movers = [trigger] + [m for m in items if window[0] <= m.start < window[1] and
                              (m.category == "assets" or (m.category == "triggers" and m.feature("convoy")))]
        if any(c.category == "cues" and c.value == "civilian" and window[0] <= c.start < window[1] and
               any(q.end <= c.start and self.doc.tokens_between(q.end, c.start) <= 1
                   for q in self.doc.within(self.doc.quantities, window[0], c.start)) for c in items):
            return True  # "نقلت القوات 150 من معتقلي داعش": what is counted and moved are detainees
        return any(c.category == "cues" and c.value == "civilian" and window[0] <= c.start < window[1] and
                   any(self.ctx.gap(c, mover) <= 2 for mover in movers) for c in items)

    def _split_joint(self, frames: list[Frame], sentence: Sentence, items: list[Mention]) -> list[Frame]:
        """"دورية مشتركة روسية تركية", "the two countries' patrols": one movement for each force."""
        result = []
        for frame in frames:
            families: dict[str, str] = {}
            if frame.joint:
                for m in self.ctx.actor_mentions(sentence):
                    if not self.ctx.is_adversary(m):
                        families.setdefault(_family(m.value), m.value)
            if len(families) < 2:
                result.append(frame)
                continue
            for actor in families.values():
                copy = replace(frame, actor=actor, actor_explicit=True, places=list(frame.places),
                               assets=dict(frame.assets), sentences=list(frame.sentences))
                result.append(copy)
        return result

    def _marks_new(self, cue: Mention, items: list[Mention]) -> bool:
        """"another convoy", "رتل عسكري جديد": "new" next to what moves, not to a place ("a second site")."""
        for m in items:
            if m is cue or self.ctx.gap(cue, m) > 1:
                continue
            if m.category == "cues" and m.value == "place_noun":
                return False
            if m.category in ("triggers", "assets") or (m.category == "cues" and m.value == "troop_noun"):
                return True
        return False

    def _casualties(self, asset: Mention, items: list[Mention]) -> bool:
        """"مقتل 12 مقاتلاً", "four service members suffered injuries", "هجمات بطائرات مسيرة", "a drone
        attack": people hurt and weapons that struck, not what moved."""
        return any(m.category == "cues" and ((m.value == "casualty" and self.ctx.gap(m, asset) <= 3) or
                                             (m.value == "attack" and self.ctx.gap(m, asset) == 0 and
                                              not self.doc.clause_comma(min(m.end, asset.end), max(m.start, asset.start))))
                   for m in items)

    def _forces_moved(self, trigger: Mention, items: list[Mention]) -> bool:
        """"سحبت ... عدداً كبيراً من قواتها", "withdrew its forces", "نقلت لواءين": forces as the verb's object;
        "Smaller contingents were also withdrawn": the subject of a passive."""
        for m in items:
            if m.category == "cues" and m.value == "troop_noun" and m.feature("object") and m.end <= trigger.start and \
                    _PASSIVE.fullmatch(self.doc.text[m.end:trigger.start]):
                return True
        for m in items:
            if not (m.category == "cues" and m.value == "troop_noun" and m.feature("object") and m.start >= trigger.end
                    and self.doc.tokens_between(trigger.end, m.start) <= OBJECT_WINDOW):
                continue
            if any(a.category == "actors" and a.start <= m.start < a.end for a in items):
                continue  # part of a force's name ("قوات سوريا الديمقراطية")
            if "ل" in m.prefix:
                continue  # "رتل عسكري جديد لقوات التحالف": whose convoy it is, not what moved
            before = [c for c in items if c.end <= m.start and self.doc.tokens_between(c.end, m.start) == 0]
            if any(c.category == "cues" and c.value in PREP_ROLES and c.value != "prep_origin" for c in before):
                continue  # "إلى قواتها": where it went, not what moved
            if any(self.ctx.counts_a_force(c) for c in items if c.end <= m.start):
                continue  # "عدد قواتها": a force level
            return True
        return False

    def _inside_closed_clause(self, m: Mention, items: list[Mention], trigger: Mention) -> bool:
        """"Moscow, which has some 4,000 troops in Syria, is redeploying units": a relative clause that
        closes before the trigger describes its subject; its troops and places are not what moved."""
        if m.start >= trigger.start or not self.doc.clause_comma(m.end, trigger.start):
            return False
        for c in items:
            if c.category == "cues" and c.value == "clause_break" and c.end <= m.start and \
                    not self.doc.clause_comma(c.end, m.start):
                # unless the clause tells the load ("The convoy, which included armored vehicles, headed ...")
                return not any(k.category == "cues" and k.value == "cargo" and not k.feature("weak") and
                               c.end <= k.start < m.start for k in items)
        return False

    def _after_hypothetical(self, m: Mention, items: list[Mention], trigger: Mention) -> bool:
        """"دخل رتل ... بهدف المساعدة في نقل ما تبقى من معدات": what a purpose or plan after the trigger
        names, up to the next comma, is not what moved."""
        return any(c.category == "cues" and c.value == "modal" and not c.feature("scope") and trigger.end <= c.start
                   and c.end <= m.start and not self.doc.clause_comma(c.end, m.start) for c in items)

    def _continues(self, trigger: Mention, previous: Mention) -> bool:
        """A bare motion verb after another trigger goes on telling the same movement ("سحبت ... قواتها من
        ريف حمص، ونقلت معظمها إلى حميميم"); a transfer told in a clause of its own ("فيما نُقل جزء من المعدات
        جواً إلى الكويت", "while ...") is another movement."""
        if trigger.value != "other" or trigger.feature("dir") != "move" or trigger.feature("convoy"):
            return False
        breaks = [c for c in self.doc.within(self.doc.mentions, previous.end, trigger.start)
                  if c.category == "cues" and c.value == "clause_break"]
        if any(c.feature("while") for c in breaks):
            return False  # "..., while a convoy of thirty armoured vehicles drove north": another movement
        return not trigger.feature("causative") or not breaks

    def _purpose(self, trigger: Mention) -> bool:
        """"deployed X to bolster troops", "استخدمت طائرات لنقل": an infinitive of purpose of the movement before."""
        if trigger.feature("pos") != "verb":
            return False
        morph = self.doc.morph
        return trigger.prefix in morph.infinitive_proclitics or self.doc.word_before(trigger.start) in morph.infinitive_markers

    def _clause_start(self, after: int, trigger: Mention) -> int:
        """Where the clause of a later trigger starts: at its own conjunction ("وحطت"), else after the
        last comma or conjunction before it."""
        if self.doc.morph.verb_first and any(trigger.prefix.startswith(c) for c in self.doc.morph.coordinator_proclitics):
            return trigger.start
        boundary = self.doc.last_clause_join(after, trigger.start)
        # a subordinate clause ("... and the Albu Kamal area after the police left") starts at its conjunction
        breaks = [m.start for m in self.doc.within(self.doc.mentions, after, trigger.start)
                  if m.category == "cues" and m.value == "clause_break"]
        if breaks and (boundary is None or breaks[-1] > boundary):
            boundary = breaks[-1]
        # no join: what lies between is the object of the trigger before ("غادر المطار ... متجهاً نحو")
        return boundary if boundary is not None else trigger.start

    def _share_subject(self, frames: list[Frame], triggers: list[Mention], items: list[Mention]) -> None:
        """What the sentence's subject names ("عدداً من الشاحنات وصل ... ثم عاد") moved in every verb
        coordinated with the first, not in a subordinate clause ("a reinforcement that comes after ...")."""
        if not frames:
            return
        first = frames[0].trigger
        subject_assets = [m for m in items if m.category == "assets" and m.start < first.start]
        for frame in frames[1:]:
            if frame.trigger.feature("pos") != "verb" or any(
                    m.category == "cues" and m.value == "clause_break" and first.end <= m.start < frame.trigger.start
                    for m in items):
                continue
            for m in subject_assets:
                slot = self._asset(m)
                frame.assets.setdefault(slot.asset_type, slot)

    def _simultaneous(self, first: Mention, second: Mention) -> bool:
        return any(c.category == "cues" and c.value == "clause_break" and c.feature("while") and
                   first.end <= c.start < second.start for c in self.doc.within(self.doc.mentions, first.end, second.start))

    def _reverse_trips(self, frames: list[Frame]) -> None:
        """"arrived in X ... only to be withdrawn", "وصل إلى X ثم عاد": leaving from where it had arrived."""
        for before, frame in zip(frames, frames[1:]):
            if before.actor and frame.actor and _family(before.actor) != _family(frame.actor):
                continue  # another force left ("fighters moved in after the Russian police left")
            if frame.direction in ("out", "return") and not frame.role_ids(ORIGIN) and before.direction != "out":
                frame.places += [(ORIGIN, ref) for role, ref in before.places if role == DESTINATION]
            elif frame.direction == "return" and before.direction == "out" and not frame.places:
                frame.places += [(DESTINATION, ref) for role, ref in before.places if role == ORIGIN]
                frame.movement_type, frame.back_in = "deployment", True  # "withdrew from Iraq in 2011, but returned in 2014"
                frame.force_moved = frame.force_moved or before.force_moved  # the same forces went back
                for asset_type, slot in before.assets.items():
                    frame.assets.setdefault(asset_type, replace(slot))

    def _points_at_movement(self, anaphor: Mention, items: list[Mention]) -> bool:
        """"هذه المراكب", "هذه القوات", "the convoy": a demonstrative right before what moved."""
        if anaphor.feature("names_it"):  # "the convoy", "the move": the phrase itself names the movement
            return True
        return any(m.start >= anaphor.end and self.doc.tokens_between(anaphor.end, m.start) == 0 and
                   (m.category in ("assets", "triggers") or (m.category == "cues" and m.value == "troop_noun")
                    or (m.category == "actors" and m.feature("kind") == "force")) for m in items)

    def cargo_sentence(self, sentence: Sentence) -> dict[str, AssetSlot]:
        """Assets of a sentence with no trigger that describes a load ("كانت تحمل ...", "The convoy was
        carrying ..."); not a passing "with" ("900 troops, along with hundreds of contractors")."""
        if not [c for c in self._cues(sentence, "cargo") if not c.feature("weak")] and not self._cues(sentence, "anaphor"):
            return {}
        assets: dict[str, AssetSlot] = {}
        for m in self.doc.in_sentence(self.doc.mentions, sentence):
            if m.category == "assets":
                slot = self._asset(m)
                assets.setdefault(slot.asset_type, slot)
        return assets

    # ------------------------------------------------------------ the article

    def read(self) -> list[Frame]:
        frames: list[Frame] = []
        for sentence in self.doc.sentences:
            if sentence.in_head:
                continue
            new_frames = self.frames_of_sentence(sentence)
            if not new_frames and frames and frames[-1].sentences[-1] >= sentence.index - 1:
                cargo = self.cargo_sentence(sentence)
                for asset_type, slot in cargo.items():
                    frames[-1].assets.setdefault(asset_type, slot)
                continue
            for frame in new_frames:
                if frame.direction == "return" and frames and not frame.role_ids(ORIGIN):
                    frame.places += [(ORIGIN, ref) for role, ref in frames[-1].places if role == DESTINATION]
                self._settle_type(frame)
                earlier = self._earlier_telling(frames, frame)
                if earlier is not None:
                    self._merge(earlier, frame)
                else:
                    frames.append(frame)
        kept: list[Frame] = []
        told: Frame | None = None  # the movement told just before, kept or not ("واصل الجيش التركي، الثلاثاء،
        # إرسال تعزيزات إلى الحدود" gives its day to the convoys the next sentences detail)
        for frame in frames:
            self._settle_type(frame, final=True)
            self._finish(frame)
            twin = next((k for k in kept if self._retold(k, frame)), None) if self._substantial(frame) else None
            if twin is not None:
                self._merge(twin, frame)  # a key-points line and the paragraph that tells the same movement
                continue
            if self._substantial(frame):
                if frame.date is None and told is not None and told.date is not None and \
                        frame.sentences[0] - told.sentences[-1] <= NEXT_SENTENCE and \
                        (frame.source in (None, told.source) or (told.source is None and told not in kept)):
                    # told right after a dated movement with no date of its own ("وتزامن ذلك مع ..."), by the
                    # same source: another source's report may be of another time
                    frame.date, frame.date_is_report = told.date, told.date_is_report
                kept.append(frame)
            if frame.date is not None or self._substantial(frame):
                told = frame
        return kept

    def _retold(self, first: Frame, later: Frame) -> bool:
        """Whether a later frame, anywhere in the article, tells the same movement again: the same force,
        the same origins and destinations (a specific place among them) and no other day."""
        if first.actor and later.actor and _family(first.actor) != _family(later.actor):
            return False
        if later.distinct or first.distinct or later.is_new or not (_types_compatible(first.movement_type, later.movement_type) or
                                "other" in (first.trigger.value, later.trigger.value)):
            return False  # (a move open in type, "transferred from A to B", is whatever the other telling says)
        if first.role_ids(ORIGIN) != later.role_ids(ORIGIN) or first.role_ids(DESTINATION) != later.role_ids(DESTINATION):
            return False
        if not later.has_point_place(self.ctx) or not (later.role_ids(ORIGIN) or later.role_ids(DESTINATION)):
            return False
        return first.date is None or later.date is None or first.date.date == later.date.date

    def _earlier_telling(self, frames: list[Frame], frame: Frame) -> Frame | None:
        """The frame told just before that ``frame`` continues or retells, if any."""
        refers_back = frame.anaphoric or frame.definite
        siblings = [f for f in frames if frame.sentences[0] in f.sentences]
        if siblings and not refers_back:
            # the sentence already tells a movement: a second one in it ("وصل ... ثم عاد") continues
            # that story, not one told before
            return next((f for f in reversed(siblings) if self._same_movement(f, frame)), None)
        reach = ANAPHORIC_REACH if refers_back else NEXT_SENTENCE
        for previous in reversed(frames):
            if frame.sentences[0] - previous.sentences[-1] > reach:
                break
            if self._same_movement(previous, frame):
                return previous
        return None

    def _definite(self, trigger: Mention) -> bool:
        """"confirmed the departure", "عملية الانسحاب": a definite movement noun names one already told."""
        return trigger.feature("pos") == "noun" and self.doc.definite(trigger)

    def _substantial(self, frame: Frame) -> bool:
        """Enough to be a movement: a specific place, or an area with something that moved,
        or no place but equipment counted."""
        if frame.trigger.feature("convoy") and not frame.assets and any(
                q.value is not None and q.value >= 2 and q.end <= frame.trigger.start and
                self.doc.tokens_between(q.end, frame.trigger.start) == 0 for q in self.doc.quantities):
            return False  # "حركة ثلاثة أرتال عسكرية", "three convoys": a list of movements told next, not one
        if frame.has_point_place(self.ctx):
            return True
        if frame.trigger.feature("needs_place") and not frame.places:
            return False
        if frame.trigger.feature("needs_point"):
            return False  # "انتشار القوات في سوريا" is a presence; only "انتشار ... في بلدة X" moved (above)
        moved = [a for a in frame.assets.values() if a.asset_type != "troops" or a.count is not None]
        if frame.places:
            return bool(moved) or frame.force_moved
        return any(a.count is not None and a.count >= 2 for a in moved)

    def _settle_type(self, frame: Frame, final: bool = False) -> None:
        """The movement type from the places when the trigger leaves it open ("نقل", "convoy"); a frame
        with no place yet stays open (its next sentence may tell where it went) until ``final``."""
        if frame.direction == "return" and not frame.role_ids(ORIGIN) and not frame.back_in:
            frame.movement_type = "withdrawal"
        if frame.movement_type == "other" and (frame.places or final):
            origins = [self.ctx.place(r.place_id) for role, r in frame.places if role == ORIGIN]
            destinations = [r for role, r in frame.places if role == DESTINATION]
            if any(p.place_kind == "point" for p in origins):
                frame.movement_type = "withdrawal"
            elif destinations or origins:
                frame.movement_type = "deployment" if destinations else "withdrawal"
            else:
                frame.movement_type = "deployment" if frame.direction in ("in", "move") else "withdrawal"
        # carried by aircraft: a cargo plane landing, helicopters ferrying equipment (not a truck convoy),
        # or anything moved "by air" ("نُقل جزء من المعدات جواً")
        if (frame.by_air or set(frame.assets) & AIRCRAFT and not set(frame.assets) & GROUND_VEHICLES) and \
                frame.movement_type in ("deployment", "withdrawal"):
            frame.movement_type = "airlift"

    def _same_movement(self, previous: Frame, frame: Frame) -> bool:
        """Whether ``frame`` continues or retells ``previous``."""
        if frame.distinct or previous.distinct:
            return False
        same_sentence = frame.sentences[0] == previous.sentences[-1]
        if frame.anaphoric and frame.trigger.value in ("other", previous.movement_type):
            return True  # "the departing troops were relocating to Jordan", "نقل هذه القوات نحو أربيل"
        if previous.actor and frame.actor and _family(previous.actor) != _family(frame.actor):
            return False
        prev_o, prev_d = previous.role_ids(ORIGIN), previous.role_ids(DESTINATION)
        o, d = frame.role_ids(ORIGIN), frame.role_ids(DESTINATION)
        # "arrived at al-Qaim" then "moved from Jurf al-Sakhar towards al-Qaim": a move open in type, to or from the
        # same place, is the same movement
        open_type = "other" in (previous.trigger.value, frame.trigger.value) and bool(
            frame.role_ids(ORIGIN) & previous.role_ids(ORIGIN) or frame.role_ids(DESTINATION) & previous.role_ids(DESTINATION))
        if previous.movement_type != frame.movement_type and "other" not in (previous.movement_type, frame.movement_type) \
                and not open_type:
            # a plane landing with the reinforcements just told, at the same place
            compatible = _types_compatible(previous.movement_type, frame.movement_type)
            if not (compatible and (self._same_or_within_area(prev_o, o) or self._same_or_within_area(prev_d, d) or
                                    (same_sentence and not frame.places))):
                return False
        if frame.is_new:
            return bool(o or d) and o == prev_o and d == prev_d
        if frame.date is not None and previous.date is not None and not frame.date_is_report and \
                not previous.date_is_report and frame.date.date != previous.date.date:
            return False  # "مساء الثلاثاء" then "صباح الأربعاء": two flights, not one told twice
        if not frame.places or (same_sentence and not previous.places):
            return True  # the convoy's cargo, date or source told next
        if not o and not d:
            # only where it happened: "escorted the plane as it landed at the base", after the landing there
            return self._places_meet(prev_d | previous.role_ids(LOCATION), frame.role_ids(LOCATION))
        if self._places_agree(prev_o, o) and self._places_agree(prev_d, d) and \
                (self._places_meet(prev_o, o) or self._places_meet(prev_d, d)):
            return True
        # complementary halves told in one sentence ("took off from X and landed in Y"), or in the next one
        # on the same day ("بدأ ... أمس بإخلاء نقطة مورك" then "خرج عدد منها مساءً باتجاه جبل الزاوية")
        same_day = frame.date is not None and previous.date is not None and frame.date.date == previous.date.date \
            and not frame.date_is_report and not previous.date_is_report
        return (same_sentence or same_day) and not (o & prev_o) and (bool(o) != bool(d)) and \
            (bool(prev_o) != bool(prev_d)) and bool(o) != bool(prev_o)

    def _places_meet(self, told: set[str], new: set[str]) -> bool:
        """Whether two frames name the same places in a role: a shared place; a vaguer retelling
        (every new place holds one told before: "from northeast Syria" after "from Dadat"); the
        bases of a governorate told before ("two bases in Deir ez-Zor" -> "Omar and Conoco");
        or two broad regions of one country."""
        if not told or not new:
            return False
        if told & new:
            return True
        told_places = [self.ctx.place(x) for x in told]
        new_places = [self.ctx.place(x) for x in new]
        if all(any(_inside(n, t) for t in told_places) for n in new_places):
            return True
        if any((t.place_kind == "admin1" or _is_area(t)) and _inside(t, n) for t in told_places for n in new_places):
            return True  # "to an airport in northeastern Syria" then "at the airport of Qamishli"
        return all(_is_area(p) for p in told_places + new_places) and \
            len({p.country_code for p in told_places + new_places}) == 1

    def _same_or_within_area(self, told: set[str], new: set[str]) -> bool:
        """A shared place, or one side only a broad region around the other ("deployed helicopters to an
        airport in northeastern Syria" then "landing at the airport of Qamishli")."""
        if told & new:
            return True
        if not told or not new:
            return False
        told_places = [self.ctx.place(x) for x in told]
        new_places = [self.ctx.place(x) for x in new]
        return (all(_is_area(t) for t in told_places) and all(any(_inside(t, n) for t in told_places) for n in new_places)) \
            or (all(_is_area(n) for n in new_places) and all(any(_inside(n, t) for n in new_places) for t in told_places))

    def _places_agree(self, told: set[str], new: set[str]) -> bool:
        """No contradiction in a role: one side is silent, or the two meet."""
        return not told or not new or self._places_meet(told, new)

    def _merge(self, into: Frame, frame: Frame) -> None:
        known = {(role, ref.place_id) for role, ref in into.places}
        for role, ref in frame.places:
            place = self.ctx.place(ref.place_id)
            if any(_inside(place, self.ctx.place(r.place_id)) for k, r in into.places if k == role):
                continue  # a vaguer name for a place already told ("northeast Syria" after "Dadat")
            if (role, ref.place_id) not in known:
                into.places.append((role, ref))
                known.add((role, ref.place_id))
        for asset_type, slot in frame.assets.items():
            existing = into.assets.get(asset_type)
            if existing is None or (existing.count is None and slot.count is not None):
                into.assets[asset_type] = slot
        if frame.date is not None and (into.date is None or (into.date_is_report and not frame.date_is_report)):
            into.date, into.date_is_report = frame.date, frame.date_is_report
        into.source = into.source or frame.source
        if frame.actor_explicit and not into.actor_explicit:
            into.actor, into.actor_explicit = frame.actor, True  # the main-actor guess yields to a named one
        into.actor = into.actor or frame.actor
        if frame.actor_is_force and not into.actor_is_force:
            into.actor_is_force, into.actor_text = True, frame.actor_text
        into.force_moved = into.force_moved or frame.force_moved
        into.joint = into.joint or frame.joint
        into.definite = into.definite or frame.definite
        into.by_air = into.by_air or frame.by_air
        if into.movement_type == "other" or (into.movement_type in ("deployment", "withdrawal") and
                                             frame.movement_type == "airlift"):
            into.movement_type = frame.movement_type  # "handed over the base ...; troops were flown out of it"
        into.sentences.extend(s for s in frame.sentences if s not in into.sentences)

    def _finish(self, frame: Frame) -> None:
        """Keep the most specific places per role; a body of troops that moved alone is 'troops'."""
        by_role: dict[str, list[PlaceRef]] = {}
        for role, ref in frame.places:
            by_role.setdefault(role, []).append(ref)
        kept = []
        for role, refs in by_role.items():
            places = [self.ctx.place(r.place_id) for r in refs]
            area_kept = False
            for ref, place in zip(refs, places):
                if any(_inside(place, other) for other in places if other is not place):
                    continue
                if self._broader_reading_holds(ref, places):
                    continue  # "نحو أربيل" after "قاعدة حرير": the governorate around the base
                if _is_area(place):
                    if area_kept:
                        continue  # one broad region per role is description enough
                    area_kept = True
                kept.append((role, ref))
        # where it went or came from already says where it happened
        moved_between = frame.role_ids(ORIGIN) | frame.role_ids(DESTINATION)
        frame.places = [(role, ref) for role, ref in kept if role != LOCATION or ref.place_id not in moved_between]
        if frame.direction == "in" and not frame.role_ids(DESTINATION):
            for role, ref in list(frame.places):  # "إدخال أرتال عبر معبر كفرلوسين": into the crossing's country
                country = self.ctx.gazetteer.country_place(self.ctx.place(ref.place_id).country_code)
                if role == VIA and country is not None and not frame.role_ids(DESTINATION):
                    frame.places.append((DESTINATION, PlaceRef(country.place_id, ref.mention)))
        if not frame.assets and frame.force_moved:
            frame.assets["troops"] = AssetSlot("troops", None, None, None, "vague", frame.actor_text)

    def _broader_reading_holds(self, ref: PlaceRef, places: list) -> bool:
        """An ambiguous name (city or governorate) whose broad reading holds another place of the role."""
        if ref.mention.category != PLACE or len(ref.mention.place_ids) < 2:
            return False
        broad = self.ctx.place(self.ctx.broad_alternative(ref).place_id)
        return broad.place_id != ref.place_id and any(
            _inside(broad, other) for other in places if other.place_id not in ref.mention.place_ids
            and other.place_id != ref.place_id)


def _types_compatible(a: str, b: str) -> bool:
    """Movement types one movement can be told as ("other" is not settled yet)."""
    return a == b or "other" in (a, b) or frozenset((a, b)) in COMPATIBLE_TYPES


def _is_area(place) -> bool:
    """A broad region ("شمال سوريا", "eastern Syria") rather than a place one can go to."""
    return place.feature_type == "region" and not place.admin1


def _inside(general, specific) -> bool:
    """Whether ``specific`` lies inside the admin1, country or broad region ``general``."""
    if _is_area(general):
        return not _is_area(specific) and specific.country_code == general.country_code
    if general.place_kind == "admin1":
        return specific.place_kind == "point" and specific.admin1 == general.admin1
    if general.place_kind == "country":
        return specific.place_kind != "country" and specific.country_code == general.country_code
    return False


def _family(actor: str) -> str | None:
    from posture.vocab import vocabularies

    return vocabularies().family(actor)
