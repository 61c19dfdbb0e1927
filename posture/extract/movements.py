"""Movement frames: who moved what, from where, to where, when, according to whom.

Each sentence is read clause by clause around its movement triggers. Places take their role
from the preposition before them (من/from -> origin, إلى/to -> destination, في/in -> a role
that depends on the trigger), from the trigger's own object (غادر X: X is the origin), or
from coordination with the place before. Frames told over several sentences (the convoy in
one, its cargo or destination in the next; the same convoy retold) are merged; frames that
a denial, plan or hypothesis governs are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from posture.extract.context import ArticleContext, PlaceRef
from posture.extract.document import Document, Sentence
from posture.extract.matcher import PLACE, Mention
from posture.extract.numbers import Quantity

ORIGIN, DESTINATION, LOCATION, VIA = "origin", "destination", "location", "via"
PREP_ROLES = {"prep_origin": ORIGIN, "prep_destination": DESTINATION, "prep_location": "in",
              "prep_via": VIA, "prep_near": "near"}
AIRCRAFT = {"cargo_aircraft", "helicopter"}
POINT_FEATURES_OF_POSITIONS = {"military_base", "air_base", "oil_field", "gas_field", "airport", "outpost"}
MAX_TOKENS_NUMBER_TO_NOUN = 1
MODALITY_WINDOW = 8  # tokens between a denial/plan word and the movement word it governs
CLAUSE_JOINS = (",", " ثم ", " then ", " and ", " و")


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
    actor_is_force: bool
    actor_text: str = ""
    places: list[tuple[str, PlaceRef]] = field(default_factory=list)  # (role, place)
    assets: dict[str, AssetSlot] = field(default_factory=dict)
    date: object | None = None  # DateMention
    source: str | None = None
    sentences: list[int] = field(default_factory=list)
    evidence: tuple[int, int] = (0, 0)  # folded span
    is_new: bool = False
    anaphoric: bool = False
    in_head: bool = False

    def role_ids(self, role: str) -> set[str]:
        return {ref.place_id for r, ref in self.places if r == role}

    def has_point_place(self, ctx: ArticleContext) -> bool:
        """Whether the frame names a specific place (a base, a town), not only areas."""
        return any(ctx.place(ref.place_id).place_kind == "point" and not _is_area(ctx.place(ref.place_id))
                   for _, ref in self.places)


class MovementReader:
    def __init__(self, doc: Document, ctx: ArticleContext):
        self.doc, self.ctx = doc, ctx

    # ------------------------------------------------------------ per sentence

    def _cues(self, sentence: Sentence, *names: str) -> list[Mention]:
        return [m for m in self.doc.in_sentence(self.doc.mentions, sentence)
                if m.category == "cues" and m.value in names]

    def _triggers(self, sentence: Sentence) -> list[Mention]:
        found = [m for m in self.doc.in_sentence(self.doc.mentions, sentence)
                 if m.category == "triggers" and not m.feature("presence")]
        verbs = [m for m in found if not m.feature("convoy")]
        if verbs:
            return verbs
        return found[:1]  # a convoy noun alone tells one movement

    def _governed_by_modality(self, trigger: Mention, clause_start: int) -> bool:
        """A denial, plan, possibility or future shortly before the trigger, in its clause."""
        if trigger.future:
            return True
        for m in self.doc.mentions:
            if m.category == "cues" and m.value in ("negation", "modal") and clause_start <= m.start < trigger.start \
                    and self.doc.tokens_between(m.end, trigger.start) <= MODALITY_WINDOW \
                    and "," not in self.doc.text[m.end:trigger.start]:
                blockers = (m.feature("not_after") or "").split("|")
                before = self.doc.text[max(0, m.start - 30):m.start]
                if any(b and b in before for b in blockers):
                    continue
                return True
        return False

    def _quantity_before(self, mention: Mention) -> Quantity | None:
        for q in self.doc.quantities:
            if q.end <= mention.start and self.doc.tokens_between(q.end, mention.start) <= MAX_TOKENS_NUMBER_TO_NOUN + \
                    self._adjective_tokens(q.end, mention.start):
                return q
        return None

    def _adjective_tokens(self, start: int, end: int) -> int:
        return sum(self.doc.tokens_between(m.start, m.end) for m in self.doc.mentions
                   if m.category == "actors" and start <= m.start and m.end <= end)

    def _asset(self, mention: Mention) -> AssetSlot:
        text = self.doc.original_span(mention.start, mention.end)[2]
        q = self._quantity_before(mention)
        if q is not None:
            return AssetSlot(mention.value, q.value, q.value_min, q.value_max, q.qualifier, text)
        if mention.dual:
            return AssetSlot(mention.value, 2, 2, 2, "exact", text)
        if mention.feature("number") == "sg":
            return AssetSlot(mention.value, 1, 1, 1, "exact", text)
        return AssetSlot(mention.value, None, None, None, "vague", text)

    def _counts_a_force(self, asset: Mention, items: list[Mention]) -> bool:
        """"رفعت عدد قواتها إلى 2000 جندي": troops counted as a force level, not as cargo."""
        return asset.value == "troops" and any(
            m.category == "cues" and m.value == "troop_count" and m.end <= asset.start for m in items)

    def _assign_roles(self, frame: Frame, items: list[Mention], trigger: Mention) -> None:
        """Walk the clause left to right, giving each place the role its context implies."""
        role: str | None = None
        last_role: str | None = None
        keep_role = False
        locator_next = False
        after_source = False
        placed_before = False
        quantity_spans = [(q.start, q.end) for q in self.doc.quantities]
        for m in items:
            if m is trigger or (m.category == "triggers" and m.start == trigger.start):
                role, keep_role, locator_next = trigger.feature("obj"), False, False
                after_source = False
                continue
            if m.category == "sources":
                after_source = True
                continue
            if m.category == "cues":
                if any(s <= m.start < e for s, e in quantity_spans):
                    continue  # نحو in "نحو 200" is a qualifier, not a direction
                if m.value in PREP_ROLES:
                    new_role = PREP_ROLES[m.value]
                    if keep_role and new_role == "in":
                        keep_role = False  # "قواعد تقع في X": X keeps the role of the bases
                        continue
                    keep_role = False
                    if new_role == "in" and last_role in (ORIGIN, DESTINATION) and not after_source:
                        role = "modifier"  # "from the fields in Deir ez-Zor": locates the origin
                    else:
                        role = new_role
                    locator_next = False
                elif m.value == "locator":
                    locator_next = True
                elif m.value == "locative_relative":
                    keep_role = True
                elif m.value == "clause_break":
                    role, last_role, locator_next = "skip", None, False
                elif m.value == "place_noun" and role in (ORIGIN, DESTINATION) and not self.ctx.place_refs(m):
                    last_role = role  # "من حقول النفط في ...": the noun carries the role
                continue
            refs = self.ctx.place_refs(m) if (m.category == PLACE or m.category == "cues") else []
            if not refs:
                continue
            if after_source and role in ("in", None):
                after_source = False
                continue  # "مصادر أهلية في دير الزور": where the source is, not the convoy
            if locator_next:
                if placed_before:
                    continue  # "بريف الحسكة", "northwest of Manbij": only locates the place before
                locator_next = False
            attached = role
            if m.category == PLACE and "ب" in m.prefix and attached in (None, ORIGIN, DESTINATION) and \
                    not self._coordinated(m):
                attached = "modifier" if last_role in (ORIGIN, DESTINATION) else "in"
            if self._coordinated(m) and last_role:
                attached = last_role
            if attached == "skip" or self._names_a_border(m):
                continue  # inside a relative clause ("التي تكشف سهل الغاب"), or "Syria's border with Iraq"
            final = self._final_role(attached, frame.direction, last_role)
            for ref in refs:
                if attached == "modifier":
                    ref = self.ctx.broad_alternative(ref)
                frame.places.append((final, ref))
            last_role, placed_before = final, True
            keep_role = False

    def _names_a_border(self, m: Mention) -> bool:
        return any(c.category == "cues" and c.value == "locator" and c.entry is not None and
                   "border" in c.entry.surface and c.start >= m.end and self.doc.tokens_between(m.end, c.start) <= 1
                   for c in self.doc.mentions)

    def _coordinated(self, m: Mention) -> bool:
        """A name joined to the one before by و / and / a comma."""
        if m.prefix.startswith("و"):
            return True
        before = self.doc.text[max(0, m.start - 6):m.start]
        return before.rstrip().endswith((" and", ",", " و", " or"))

    @staticmethod
    def _final_role(role: str | None, direction: str, last_role: str | None) -> str:
        if role in (ORIGIN, DESTINATION, VIA):
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

    def frames_of_sentence(self, sentence: Sentence) -> list[Frame]:
        triggers = self._triggers(sentence)
        if not triggers:
            return []
        items = sorted(self.doc.in_sentence(self.doc.mentions, sentence), key=lambda m: (m.start, m.category))
        frames = []
        for i, trigger in enumerate(triggers):
            clause_start = triggers[i - 1].end if i else sentence.start
            clause_end = triggers[i + 1].start if i + 1 < len(triggers) else sentence.end
            window_start = sentence.start if i == 0 else self._clause_start(clause_start, trigger.start)
            if self._governed_by_modality(trigger, clause_start):
                continue
            actor, actor_mention = self.ctx.actor_near(trigger.start, sentence, (window_start, clause_end))
            frame = Frame(
                trigger=trigger,
                movement_type=trigger.value,
                direction=trigger.feature("dir") or "move",
                actor=actor,
                actor_explicit=actor_mention is not None,
                actor_is_force=actor_mention is not None and actor_mention.feature("kind") == "force",
                actor_text=self.doc.original_span(actor_mention.start, actor_mention.end)[2] if actor_mention else "",
                sentences=[sentence.index],
                evidence=(sentence.start, sentence.end),
                in_head=sentence.in_head,
            )
            clause_items = [m for m in items if window_start <= m.start < clause_end]
            self._assign_roles(frame, clause_items, trigger)
            for m in clause_items:
                if m.category == "assets" and not self._counts_a_force(m, clause_items):
                    slot = self._asset(m)
                    existing = frame.assets.get(slot.asset_type)
                    if existing is None or (existing.count is None and slot.count is not None):
                        frame.assets[slot.asset_type] = slot
                elif m.category == "cues" and m.value == "new":
                    frame.is_new = True
                elif m.category == "cues" and m.value == "anaphor" and self._points_at_movement(m, clause_items):
                    frame.anaphoric = True
            for m in clause_items:
                if m.category == "actors" and m.feature("kind") == "force":
                    q = self._quantity_before(m)
                    if q is not None and "troops" not in frame.assets:
                        text = self.doc.original_span(m.start, m.end)[2]
                        frame.assets["troops"] = AssetSlot("troops", q.value, q.value_min, q.value_max, q.qualifier, text)
            date = self.ctx.date_near(trigger.start, sentence, (window_start, clause_end)) or \
                self.ctx.date_before(sentence)
            frame.date = date
            frame.source = self.ctx.source_of(sentence)
            if frames and trigger.value == "other" and trigger.feature("dir") == "move":
                self._merge(frames[-1], frame)  # "abandoned their bases ..., driving off toward ..."
                continue
            frames.append(frame)
        # what the sentence's subject names ("عدداً من الشاحنات وصل ... ثم عاد") moved in every clause
        subject_assets = [m for m in items if m.category == "assets" and m.start < triggers[0].start]
        for frame in frames[1:]:
            for m in subject_assets:
                slot = self._asset(m)
                frame.assets.setdefault(slot.asset_type, slot)
        return frames

    def _clause_start(self, after: int, trigger_start: int) -> int:
        """Where the clause of a second trigger starts: after the last comma or conjunction before it."""
        between = self.doc.text[after:trigger_start]
        cut = max(between.rfind(j) for j in CLAUSE_JOINS)
        return after + cut + 1 if cut >= 0 else after

    def _points_at_movement(self, anaphor: Mention, items: list[Mention]) -> bool:
        """"هذه المراكب", "the convoy": a demonstrative right before a vehicle or convoy word."""
        if anaphor.entry is not None and " " in anaphor.entry.surface:  # "the convoy"
            return True
        return any((m.category == "assets" or m.category == "triggers") and m.start >= anaphor.end and
                   self.doc.tokens_between(anaphor.end, m.start) == 0 for m in items)

    def cargo_sentence(self, sentence: Sentence) -> dict[str, AssetSlot]:
        """Assets of a sentence with no trigger that describes a load ("كانت تحمل ...")."""
        if not self._cues(sentence, "cargo"):
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
                if frame.movement_type == "other" and frame.anaphoric and frames and \
                        frame.sentences[0] - frames[-1].sentences[-1] <= 1:
                    self._merge(frames[-1], frame)  # "the departing troops were relocating to Jordan"
                    continue
                if frame.direction == "return" and frames and not frame.role_ids(ORIGIN):
                    frame.places += [(ORIGIN, ref) for role, ref in frames[-1].places if role == DESTINATION]
                self._settle_type(frame)
                if frames and self._same_movement(frames[-1], frame):
                    self._merge(frames[-1], frame)
                else:
                    frames.append(frame)
        kept = []
        for frame in frames:
            self._finish(frame)
            if self._substantial(frame):
                kept.append(frame)
        return kept

    def _substantial(self, frame: Frame) -> bool:
        """Enough to be a movement: a specific place, or an area with something that moved,
        or no place but equipment counted."""
        if frame.has_point_place(self.ctx):
            return True
        if frame.trigger.feature("needs_place") and not frame.places:
            return False
        moved = [a for a in frame.assets.values() if a.asset_type != "troops" or a.count is not None]
        if frame.places:
            return bool(moved) or frame.actor_is_force
        return any(a.count is not None and a.count >= 2 for a in moved)

    def _settle_type(self, frame: Frame) -> None:
        if frame.direction == "return" and not frame.role_ids(ORIGIN):
            frame.movement_type = "withdrawal"
        if frame.movement_type == "other":
            origins = [self.ctx.place(r.place_id) for role, r in frame.places if role == ORIGIN]
            destinations = [r for role, r in frame.places if role == DESTINATION]
            if any(p.place_kind == "point" for p in origins):
                frame.movement_type = "withdrawal"
            elif destinations or origins:
                frame.movement_type = "deployment" if destinations else "withdrawal"
            else:
                frame.movement_type = "deployment" if frame.direction in ("in", "move") else "withdrawal"
        if set(frame.assets) & AIRCRAFT and frame.movement_type in ("deployment", "withdrawal") and \
                frame.direction == "move":
            frame.movement_type = "airlift"

    def _same_movement(self, previous: Frame, frame: Frame) -> bool:
        """Whether ``frame`` continues or retells ``previous`` (the sentence just before or the same one)."""
        if frame.sentences[0] - previous.sentences[-1] > 1:
            return False
        if previous.actor and frame.actor and _family(previous.actor) != _family(frame.actor):
            return False
        if previous.movement_type != frame.movement_type:
            return False
        prev_o, prev_d = previous.role_ids(ORIGIN), previous.role_ids(DESTINATION)
        o, d = frame.role_ids(ORIGIN), frame.role_ids(DESTINATION)
        if frame.is_new:
            return bool(o or d) and o == prev_o and d == prev_d
        if frame.source and previous.source and frame.source != previous.source and not frame.anaphoric:
            return False
        if not frame.places:
            return True
        if frame.anaphoric:
            return True
        if (o and o == prev_o) or (d and d == prev_d and not o):
            return True
        # complementary halves told in one sentence: "took off from X and landed in Y"
        return frame.sentences[0] == previous.sentences[-1] and not (o & prev_o) and (bool(o) != bool(d)) and \
            (bool(prev_o) != bool(prev_d)) and bool(o) != bool(prev_o)

    @staticmethod
    def _merge(into: Frame, frame: Frame) -> None:
        known = {(role, ref.place_id) for role, ref in into.places}
        for role, ref in frame.places:
            if (role, ref.place_id) not in known:
                into.places.append((role, ref))
                known.add((role, ref.place_id))
        for asset_type, slot in frame.assets.items():
            existing = into.assets.get(asset_type)
            if existing is None or (existing.count is None and slot.count is not None):
                into.assets[asset_type] = slot
        into.date = into.date or frame.date
        into.source = into.source or frame.source
        into.actor = into.actor or frame.actor
        into.actor_explicit = into.actor_explicit or frame.actor_explicit
        if frame.actor_is_force and not into.actor_is_force:
            into.actor_is_force, into.actor_text = True, frame.actor_text
        if into.movement_type == "other" or (into.movement_type == "deployment" and frame.movement_type == "airlift"):
            into.movement_type = frame.movement_type
        into.sentences.extend(s for s in frame.sentences if s not in into.sentences)

    def _finish(self, frame: Frame) -> None:
        """Keep the most specific places per role; a body of troops that moved alone is 'troops'."""
        by_role: dict[str, list[PlaceRef]] = {}
        for role, ref in frame.places:
            by_role.setdefault(role, []).append(ref)
        kept = []
        for role, refs in by_role.items():
            places = [self.ctx.place(r.place_id) for r in refs]
            for ref, place in zip(refs, places):
                if any(_inside(place, other) for other in places if other is not place):
                    continue
                kept.append((role, ref))
        frame.places = kept
        if not frame.assets and frame.actor_is_force:
            frame.assets["troops"] = AssetSlot("troops", None, None, None, "vague", frame.actor_text)


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
