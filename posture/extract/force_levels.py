"""Force-level claims: how many troops or bases an actor has, had, or plans to have, and where.

A claim is anchored on a number that counts troops ("نحو 900 جندي", "1,000 U.S. troops",
"عدد العسكريين ... نحو 2500") or bases ("21 قاعدة", "القاعدتين", "eight small operating bases"),
or on a full withdrawal ("الانسحاب الكامل", "all coming out", a claim of 0). Its status comes
from the grammar around it: a change "from X to Y" / "reduce to Y" (X current, Y planned), a
raise in the past tense (past), past cues (كان, had hovered, compared with), plan cues (will,
المقبلة) or, by default, current. Numbers that size a movement ("600 troops would be pulled
out") or count casualties are not force levels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from posture.extract.context import ArticleContext
from posture.extract.document import Document, Sentence
from posture.extract.matcher import PLACE, Mention
from posture.extract.dates import next_period_start
from posture.extract.numbers import Quantity, bounds

NOUN_WINDOW = 2  # tokens between a number and the noun it counts
TRIGGER_WINDOW = 4  # tokens between a troop number and a movement verb that makes it a movement size
CUE_WINDOW = 8  # tokens before a number that its status cues may sit
PAST_WINDOW = 4  # a past tense further away tells about something else ("no decision had been taken on ... the two bases")
COUNTED_NOUN_CUES = ("place_noun", "base_noun", "troop_noun", "casualty", "attack", "nationality")


@dataclass
class Claim:
    actor: str | None
    metric: str  # troops, bases, base_closures
    value: int | None
    value_min: int | None
    value_max: int | None
    qualifier: str
    status: str
    area_place_id: str | None
    ref_date: object | None  # DateMention
    source: str | None
    evidence: tuple[int, int]  # folded span of the sentence
    anchor: int  # folded offset of the number


class ForceLevelReader:
    def __init__(self, doc: Document, ctx: ArticleContext):
        self.doc, self.ctx = doc, ctx
        self._main_country = self._most_named_country()
        self._last_metric: str | None = None  # what the last sentence with a figure counted

    def _most_named_country(self) -> str | None:
        counts: dict[str, int] = {}
        for m in self.doc.places():
            for ref in self.ctx.place_refs(m):
                place = self.ctx.place(ref.place_id)
                if place.place_kind == "country":
                    counts[place.place_id] = counts.get(place.place_id, 0) + 1
        return max(sorted(counts), key=lambda k: counts[k]) if counts else None

    # ------------------------------------------------------------ helpers

    def _mentions(self, sentence: Sentence) -> list[Mention]:
        return self.doc.in_sentence(self.doc.mentions, sentence)

    def _cues_before(self, mentions: list[Mention], position: int, names: tuple[str, ...],
                     window: int = CUE_WINDOW) -> list[Mention]:
        return [m for m in mentions if m.category == "cues" and m.value in names and m.end <= position
                and self.doc.tokens_between(m.end, position) <= window]

    def _cues_in(self, mentions: list[Mention], names: tuple[str, ...]) -> list[Mention]:
        return [m for m in mentions if m.category == "cues" and m.value in names]

    def _noun_after(self, q: Quantity, mentions: list[Mention]) -> Mention | None:
        if any(m.category == "triggers" and m.feature("convoy") and m.start >= q.end and
               self.doc.tokens_between(q.end, m.start) <= NOUN_WINDOW + self._adjectives(q.end, m.start) + 1
               for m in mentions):
            return None  # "three Turkish military convoys": convoys are counted
        for m in mentions:
            if m.start >= q.end and self.doc.tokens_between(q.end, m.start) <= NOUN_WINDOW and (
                    (m.category == "cues" and m.value in ("attack", "casualty")) or
                    (m.category == "assets" and m.value != "troops") or
                    (m.category == "triggers" and m.feature("convoy"))):
                return None  # "150 attacks on U.S. bases", "20 trucks", "ثلاثة أرتال": the number counts the nearer noun
            if m.start >= q.end and self.doc.tokens_between(q.end, m.start) <= NOUN_WINDOW + self._adjectives(q.end, m.start):
                if m.category == "cues" and m.value in ("troop_noun", "base_noun") and not m.feature("unit"):
                    return m  # not "3 brigades": units are not a head count
                if m.category == "actors" and m.feature("kind") == "force" and not self.ctx.describes_an_asset(m):
                    return m
                if m.category == "assets" and m.value == "troops":
                    return m
            if m.start >= q.end and self.doc.tokens_between(q.end, m.start) > NOUN_WINDOW + 2:
                break
        return None

    def _adjectives(self, start: int, end: int) -> int:
        return sum(self.doc.tokens_between(m.start, m.end) for m in self.doc.within(self.doc.mentions, start, end)
                   if m.category == "actors" and m.feature("kind") == "adj" and m.end <= end)

    def _metric_of_noun(self, noun: Mention) -> str:
        return "bases" if noun.category == "cues" and noun.value == "base_noun" else "troops"

    def _sizes_a_movement(self, q: Quantity, mentions: list[Mention]) -> bool:
        if any(m.category == "cues" and m.feature("period") for m in mentions):
            return False  # "had deployed 7,000 fighters in Syria at the peak of the war"
        if self._cues_before(mentions, q.start, ("all_of",), window=2):
            return False  # "all of the nearly 1,000 troops withdrawing": the whole force
        moving = any(m.category == "triggers" and not m.feature("presence") for m in mentions)
        if moving and any(m.category == "cues" and (m.value == "unit_size" or (m.value == "cargo" and not m.feature("weak")))
                          for m in self._cues_before(mentions, q.start, ("unit_size", "cargo"), window=3)):
            return True  # "وعلى متنها نحو 120 عنصراً", "ويبلغ قوامها نحو ألفي مقاتل": what moved
        if self._cues_before(mentions, q.start, ("change_down", "change_up_past", "change_down_past")) or any(
                m.end <= q.start and self.ctx.counts_a_force(m) for m in mentions):
            return False
        noun = self._noun_after(q, mentions)
        for m in mentions:
            if m.category == "triggers" and not m.feature("presence") and not m.feature("convoy") and \
                    not self._kept_by(q, m) and not self.ctx.states_a_presence(m):
                # the gap is counted from the noun the figure counts ("around 200 special forces troops were seen moving")
                gap = self._gap_past_apposition(q, m)
                if noun is not None and m.start >= noun.end:
                    gap = min(gap, self.doc.tokens_between(noun.end, m.start))
                if gap <= TRIGGER_WINDOW and not self._relative_clause_between(q, m):
                    return True
        return False

    def _places_of_a_movement(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"pulled back from two observation posts", "انسحبت من ثلاث نقاط": the bases a movement left or
        reached, right after its verb (and, where the subject follows the verb, its subject) and preposition,
        are where it went, not a count of bases held."""
        prep = next((m for m in mentions if m.category == "cues" and m.value in ("prep_origin", "prep_destination")
                     and m.end <= q.start and self.doc.tokens_between(m.end, q.start) == 0), None)
        return prep is not None and any(
            m.category == "triggers" and m.feature("pos") == "verb" and not m.feature("presence") and
            m.end <= prep.start and not self.doc.clause_comma(m.end, prep.start) and
            self.doc.tokens_between(m.end, prep.start) <= (3 if self.doc.morph.verb_first else 1) for m in mentions)

    def _kept_by(self, q: Quantity, trigger: Mention) -> bool:
        """"leaving roughly 200 troops in eastern Syria": the object of "leave" stays; it is a force level
        (where the object follows the verb; after an Arabic verb comes its subject)."""
        return trigger.feature("obj") == "origin" and not self.doc.morph.verb_first and q.start >= trigger.end and \
            self.doc.tokens_between(trigger.end, q.start) <= 1

    def _gap_past_apposition(self, q: Quantity, m: Mention) -> int:
        """Tokens between a number and a trigger, not counting an aside between commas ("Some two hundred
        coalition troops, most of them American, were flown out")."""
        gap = self._gap(q, m)
        start, end = (q.end, m.start) if m.start >= q.end else (m.end, q.start)
        text = self.doc.text[start:end]
        first, last = text.find(","), text.rfind(",")
        if first != -1 and last > first:
            gap -= self.doc.tokens_between(start + first, start + last)
        return gap

    def _gap(self, q: Quantity, m: Mention) -> int:
        """Tokens between a number and a mention, on whichever side the mention is."""
        if m.start >= q.end:
            return self.doc.tokens_between(q.end, m.start)
        if m.end <= q.start:
            return self.doc.tokens_between(m.end, q.start)
        return 0

    def _clause_span(self, q: Quantity, mentions: list[Mention]) -> tuple[int, int]:
        """A figure's own clause: the sentence cut at a "while"/"whereas" clause, a contrast or a semicolon
        ("سينخفض من نحو ألفي جندي إلى أقل من ألف، بينما قدّرت مصادر العدد الحالي بما بين 1200 و1500": the
        future of the first clause is not the second figure's)."""
        sentence = self.doc.sentence_of(q.start)
        cuts = [m.start for m in mentions if m.category == "cues" and
                ((m.value == "clause_break" and (m.feature("while") or m.feature("time"))) or m.value == "contrast")]
        cuts += [i for i in range(sentence.start, sentence.end) if self.doc.text[i] == ";"]
        return (max([c for c in cuts if c < q.start], default=sentence.start),
                min([c for c in cuts if c > q.end], default=sentence.end))

    def _own_clause(self, q: Quantity, mentions: list[Mention]) -> list[Mention]:
        start, end = self._clause_span(q, mentions)
        return [m for m in mentions if start <= m.start < end]

    def _status(self, q: Quantity, mentions: list[Mention], sentence: Sentence) -> str:
        mentions = self._own_clause(q, mentions)
        if self._cues_before(mentions, q.number_start, ("change_up_past", "change_down_past"), window=CUE_WINDOW + 4):
            return self._past_change_status(q, mentions, sentence)
        if self._from_figure_of_change(q, mentions):
            # "from 2,000 to 1,400": the figure when it was said; said in a month or year over ("said in April
            # that it would cut ... from about 2,000") it is a figure of that time
            return "past" if self._said_date(q, mentions) is not None else "current"
        if self._to_before(q, mentions) and (
                self._cues_before(mentions, q.number_start, ("change_down",), window=CUE_WINDOW + 4) or
                (self._cues_before(mentions, q.number_start, ("change_down",), window=TRIGGER_WINDOW * 4) and
                 any(self._from_figure_of_change(other, mentions) for other in self._clause_quantities(q, mentions)))):
            return "planned"  # "would cut the number of its troops in Iraq from about 2,500 to fewer than 2,000"
        if self._remains(q, mentions):
            return "current"  # "Of the eight sites held at the start of the year, four are still in use"
        if self._dated_past_copula(q, mentions, sentence) or self._count_in_the_past(q, mentions):
            return "past"
        if [p for p in self._cues_before(mentions, q.number_start, ("past",), window=PAST_WINDOW)
                if not any(m.category == "cues" and m.value == "modal" and p.end <= m.start < q.number_start
                           for m in mentions)] or any(
                m.category == "cues" and m.value == "past" and m.feature("follows") and m.start >= q.end and
                self.doc.tokens_between(q.end, m.start) <= CUE_WINDOW and self._follows_this_figure(q, m)
                for m in mentions):
            return "past"  # "had hovered around 900", "4,000 troops ... at the height of its intervention"
        if self._cues_before(mentions, q.number_start, ("planned",), window=CUE_WINDOW + 4) or \
                (not self._determined(q) and self._projected(q, mentions)) or \
                any(m.category == "cues" and m.value == "planned" and m.start >= q.end and
                    self.doc.tokens_between(q.end, m.start) <= 4 for m in mentions):
            return "planned"
        if any(m.future for m in mentions if m.end <= q.number_start):
            return "planned"
        if self._dated_before_report(q, mentions, sentence):
            return "past"
        return "current"

    def _clause_quantities(self, q: Quantity, mentions: list[Mention]) -> list[Quantity]:
        start, end = self._clause_span(q, mentions)
        return self.doc.within(self.doc.quantities, start, end)

    def _from_figure_of_change(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"cut their number to fewer than 1,000, from about 2,000", "سينخفض من نحو ألفي جندي إلى أقل من ألف":
        the figure a change starts from, with the figure it goes to in the same clause."""
        return self._from_before(q, mentions) and any(
            other is not q and self._to_before(other, mentions) for other in self._clause_quantities(q, mentions))

    def _said_date(self, q: Quantity, mentions: list[Mention]):
        """A date of a month, quarter or year over before the report, before the figure in its clause."""
        published = self.doc.published
        start, _ = self._clause_span(q, mentions)
        return next((d for d in self.doc.within(self.doc.dates, start, q.start) if published is not None and
                     d.precision in ("year", "quarter", "month") and self._ended_before(d, published)), None)

    def _dated_before_report(self, q: Quantity, mentions: list[Mention], sentence: Sentence) -> bool:
        """"بلغ عدد القوات ذروته في عام 2017 بنحو 2000 جندي", "at its peak in 2021 kept as many as 500 troops":
        a figure whose own clause dates it to a year, quarter or month over before the report (not the day it
        was said, "the Pentagon acknowledged in December"; not "since 2019"; not a figure "now")."""
        published = self.doc.published
        if published is None or any(m.category == "cues" and m.value == "current" and m.feature("now") for m in mentions):
            return False
        start, end = self._clause_span(q, mentions)
        quantities = self.doc.within(self.doc.quantities, start, end)
        for d in self.doc.within(self.doc.dates, start, end):
            if d.precision not in ("year", "quarter", "month") or not self._ended_before(d, published) or \
                    self.ctx.dates_the_report(d) or self._opens_a_period(d):
                continue
            if self.doc.clause_comma(min(q.end, d.end), max(q.start, d.start)) or self._relative_clause_between(q, d):
                continue
            nearest = min(quantities, key=lambda x: self.doc.tokens_between(min(x.end, d.start), max(x.start, d.end)))
            if nearest == q:
                return True
        return False

    def _opens_a_period(self, d) -> bool:
        """"since 2019", "منذ 2014": a date right after a ``since`` cue is where a period begins."""
        return any(m.category == "cues" and m.feature("since") and not self.doc.text[m.end:d.start].strip()
                   for m in self.doc.within(self.doc.mentions, max(0, d.start - 30), d.start))

    def _follows_this_figure(self, q: Quantity, cue: Mention) -> bool:
        """A status cue after a figure ("4,000 troops at the height of its intervention") is that figure's, not
        when another figure comes between or the figure's clause closed before it ("نحو ثلاثة آلاف، ...، بعدما
        كانوا يتجاوزون عشرة آلاف في ذروة الحرب"; "which has about 5,200 troops in Iraq, said it had")."""
        if self.doc.clause_comma(q.end, cue.start):
            return False
        return not any(q.end <= other.start < cue.start for other in self.doc.within(self.doc.quantities, q.end, cue.start))

    def _count_in_the_past(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"وكان عدد العسكريين الروس في سوريا يُقدّر بنحو 7500": a past verb before the count the figure gives."""
        for count in mentions:
            if count.category == "cues" and count.value in ("count_noun", "troop_count") and count.end <= q.start and \
                    not self.doc.clause_comma(count.end, q.start) and self.doc.tokens_between(count.end, q.start) <= CUE_WINDOW:
                if self._cues_before(mentions, count.start, ("past",), window=1):
                    return True
        return False

    def _dated_past_copula(self, q: Quantity, mentions: list[Mention], sentence: Sentence) -> bool:
        """"About 2,000 U.S. troops were in Syria in 2017": a past "were" after the figure, with a date before
        the report."""
        copula = any(m.category == "cues" and m.value == "past" and m.feature("copula") and m.start >= q.end and
                     self.doc.tokens_between(q.end, m.start) <= 3 for m in mentions)
        published = self.doc.published
        return copula and published is not None and any(
            d.date < published and d.precision in ("year", "quarter", "month") and d.date.year < published.year
            for d in self.doc.in_sentence(self.doc.dates, sentence))

    def _projected(self, q: Quantity, mentions: list[Mention]) -> bool:
        """A figure a modal governs: "considering leaving roughly 200 troops", "قد يخفض قواته إلى أقل من
        2000", or "some 600 troops are expected to remain" (a plan modal right after it)."""
        before = any(m.category == "cues" and m.value == "modal" and m.feature("scope") is None and m.end <= q.number_start
                     and not self._not_after(m) and self.doc.tokens_between(m.end, q.number_start) <= CUE_WINDOW
                     and not self._relative_clause_between(q, m) for m in mentions)
        after = any(m.category == "cues" and m.value == "modal" and m.feature("plan") and m.start >= q.end and
                    self.doc.tokens_between(q.end, m.start) <= 4 and not self.doc.clause_comma(q.end, m.start)
                    for m in mentions)
        return before or after

    def _determined(self, q: Quantity) -> bool:
        """"its roughly 1,000 troops", "the roughly 2,500 American troops now in Iraq": a force that exists,
        whatever is weighed or planned for it."""
        return self.doc.word_before(q.start) in self.doc.morph.determiners

    def _past_change_status(self, q: Quantity, mentions: list[Mention], sentence: Sentence) -> str:
        """A change told in the past tense: "from X" is the figure before it (past); what it rose or fell
        to is the figure now when the sentence compares it with the figure before ("من 83 موقعاً إلى 105",
        "تراجع إلى أقل من 500، بعدما كان يتجاوز ألفي") and the change is not dated before the report ("fell to
        around 900 by 2020"); a change with no figure before it tells an earlier time ("رفعت عدد قواتها إلى
        2000", "climbed past 2,000")."""
        if self._from_before(q, mentions) or not self._to_before(q, mentions) or not self._compared(q, mentions, sentence):
            return "past"
        published = self.doc.published
        quantities = self.doc.in_sentence(self.doc.quantities, sentence)
        for d in self.doc.in_sentence(self.doc.dates, sentence):
            nearest = min(quantities, key=lambda x: self.doc.tokens_between(min(x.end, d.start), max(x.start, d.end)))
            if published is not None and self._ended_before(d, published) and nearest == q and \
                    not self._baseline_date(d, mentions):
                return "past"
        return "current"

    def _compared(self, q: Quantity, mentions: list[Mention], sentence: Sentence) -> bool:
        """Another figure of the sentence is the one before the change ("from 110", "بعدما كان يتجاوز ألفي")."""
        return any(other is not q and (self._from_before(other, mentions) or
                                       self._cues_before(mentions, other.number_start, ("past",), window=3))
                   for other in self.doc.in_sentence(self.doc.quantities, sentence))

    @staticmethod
    def _ended_before(d, published) -> bool:
        """Whether a date's whole period lies before the report ("in 2020", "late last year"; not "this year")."""
        return next_period_start(d.date, d.precision) <= published

    def _from_before(self, q: Quantity, mentions: list[Mention]) -> bool:
        return any(m.category == "cues" and m.value == "prep_origin" and m.end <= q.start and
                   self.doc.tokens_between(m.end, q.start) == 0 for m in mentions)

    def _baseline_date(self, d, mentions: list[Mention]) -> bool:
        """"مقارنة بمطلع عام 2021", "compared with early 2021": the date of the figure compared with."""
        return any(m.category == "cues" and m.value == "past" and m.end <= d.start and
                   self.doc.tokens_between(m.end, d.start) <= 1 for m in mentions)

    def _to_before(self, q: Quantity, mentions: list[Mention]) -> bool:
        """Whether the number is the target of a change: "إلى أقل من ألف", "to fewer than 1,000", "down to"."""
        for m in mentions:
            if m.category == "cues" and (m.value == "prep_destination" or m.value == "change_down") and \
                    m.end <= q.start and self.doc.tokens_between(m.end, q.start) <= 1:
                return True
        return self.doc.text[max(0, q.start - 6):q.start].rstrip().endswith(("الي", "to", "الى"))

    def _area(self, q: Quantity, sentence: Sentence) -> str | None:
        best: tuple[int, str] | None = None
        for m in self.doc.in_sentence(self.doc.mentions, sentence):
            refs = self.ctx.place_refs(m) if m.category in (PLACE, "cues") else []
            for ref in refs:
                place = self.ctx.place(ref.place_id)
                gap = self.doc.tokens_between(min(m.end, q.start), max(m.start, q.end))
                rank = gap + (0 if place.place_kind in ("country", "admin1") else 2)
                if best is None or rank < best[0]:
                    best = (rank, ref.place_id)
        return best[1] if best else self._main_country

    def _casualties(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"50 هجوماً", "four service members suffered injuries", "killed more than 50 fighters"."""
        return any(m.category == "cues" and m.value in ("casualty", "attack") and self._gap(q, m) <= 5
                   for m in mentions)

    # ------------------------------------------------------------ claims of one sentence

    def claims_of_sentence(self, sentence: Sentence) -> list[Claim]:
        mentions = self._mentions(sentence)
        quantities = self.doc.in_sentence(self.doc.quantities, sentence)
        claims: list[Claim] = []
        source = self.ctx.source_of(sentence)
        troop_context = any(self.ctx.counts_a_force(m) for m in mentions) or (
            self._last_metric == "troops" and any(self._bare_count_noun(m, mentions) for m in mentions))
        base_context = any(self._counts_bases(m, mentions) for m in mentions)
        anchored: list[tuple[Quantity, str]] = []
        for q in quantities:
            if q.value is None and q.qualifier == "vague":
                continue
            noun = self._noun_after(q, mentions)
            metric = self._metric_of_noun(noun) if noun else None
            if metric is None and anchored and self._part_of_previous(q, mentions):
                metric = anchored[-1][1]  # "23 قاعدة ونقطة، 17 منها في الحسكة", "eight bases, three of which"
            if metric is None and self._troop_noun_before(q, mentions):
                metric = "troops"
            if metric is None and self._bare(q, mentions) and self._target_of_force_cut(q, mentions):
                metric = "troops"  # "قد يخفض قواته في العراق إلى أقل من 2000"
            if metric is None and self._bare(q, mentions) and (anchored or self._last_metric) and self._remains(q, mentions):
                metric = anchored[-1][1] if anchored else self._last_metric  # "fewer than 4,000 now remain"
            if metric is None and troop_context and self._bare(q, mentions):
                metric = "troops"
            if metric is None and base_context and self._bare(q, mentions):
                metric = "bases"  # "the number of Russian sites fell from 110 to 105"
            if metric is None and self._bare(q, mentions):
                metric = self._metric_of_range_end(q, quantities, mentions)  # "from roughly 1,500 to about 900 troops"
            if metric is None and anchored and self._bare(q, mentions) and \
                    self._cues_before(mentions, q.start, ("past", "change_up_past", "change_down", "change_down_past",
                                                           "planned", "prep_destination", "prep_origin", "count_noun"),
                                      window=3):
                metric = anchored[-1][1]
            if metric is None and anchored and self._bare(q, mentions) and self._coordinated_figure(q, anchored[-1][0]):
                metric = anchored[-1][1]  # "around 900 troops in Syria and 2,500 in Iraq"
            if metric is None:
                continue
            if metric == "troops" and (self._sizes_a_movement(q, mentions) or self._casualties(q, mentions)):
                continue
            if metric == "bases" and self._places_of_a_movement(q, mentions):
                continue
            if self._of_several_forces(q, mentions) or self._not_a_level(q, mentions):
                continue  # "830 foreign military sites", "63,000 servicemen gained combat experience"
            if anchored and q.qualifier == "exact" and anchored[-1][0].qualifier == "approx" and \
                    self._coordinated_figure(q, anchored[-1][0]):
                q = replace(q, qualifier="approx")  # "approximately 900 in Syria and 2,500 in Iraq"
            q = self._verb_qualifier(q, mentions)
            anchored.append((q, metric))
        duals = self._dual_bases(sentence, mentions, quantities)
        anchored += [(q, "bases") for q in duals]
        closures = self._cues_in(mentions, ("closure",))
        parts, totals = self._closed_of_total(closures, anchored, [q for q in quantities if q.value is not None] + duals,
                                              mentions)
        for q, metric in anchored:
            if q in parts:
                continue
            status = "current" if q in totals else self._status(q, mentions, sentence)
            claims.append(self._claim(q, metric, status, sentence, source))
        claims.extend(self._claim(q, "base_closures", "planned", sentence, source) for q in parts)
        claims.extend(self._full_withdrawals(sentence, mentions, source) or
                      self._whole_force_leaving(anchored, sentence, mentions, source))
        # "كان عدد العسكريين ... نحو 7500 قبل سقوط النظام، موزعين على أكثر من 100 موقع": a figure added after a
        # comma with no time of its own has the time of the one before
        remaining = {q.start for q, _ in anchored if self._remains(q, mentions)}
        for before, claim in zip(claims, claims[1:]):
            if before.status == "past" and claim.status == "current" and self.doc.clause_comma(before.anchor, claim.anchor) \
                    and claim.anchor not in remaining \
                    and not any(m.category == "cues" and m.value == "current" and before.anchor < m.start < claim.anchor
                                for m in mentions):
                claim.status, claim.ref_date = "past", claim.ref_date or before.ref_date
        # "from 2,000 to 1,400": the first of a change is the current figure, the second the target
        for i, claim in enumerate(claims[:-1]):
            nxt = claims[i + 1]
            if claim.metric == nxt.metric == "troops" and claim.status == nxt.status == "planned" and \
                    self._change_pair(claim, nxt):
                claim.status = "current"
        return claims

    def _part_of_previous(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"17 منها", "three of them", "of which": a part of the figure told just before."""
        return any(m.category == "cues" and m.value == "of_them" and m.start >= q.end and
                   self.doc.tokens_between(q.end, m.start) == 0 for m in mentions)

    def _target_of_force_cut(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"يخفض قواته في العراق إلى أقل من 2000", "cut its forces to 2,000": the target of a cut of troops (or
        the figure it starts from: "cut its forces from about 2,500 to fewer than 2,000")."""
        if not (self._to_before(q, mentions) or self._from_figure_of_change(q, mentions)):
            return False
        def troops(m: Mention) -> bool:
            return (m.category == "cues" and m.value == "troop_noun") or (m.category == "actors" and m.feature("kind") == "force")

        for cue in self._cues_before(mentions, q.start, ("change_down", "change_down_past"), window=CUE_WINDOW + 4):
            if any(m.start >= cue.end and m.end <= q.start and troops(m) for m in mentions):
                return True
            # "consolidate its forces and cut their number to fewer than 1,000": the count of the troops just named
            if any(m.category == "cues" and m.value == "count_noun" and m.start >= cue.end and m.end <= q.start and
                   self.doc.tokens_between(cue.end, m.start) == 0 for m in mentions) and \
                    any(troops(m) and m.end <= cue.start and self.doc.tokens_between(m.end, cue.start) <= CUE_WINDOW
                        for m in mentions):
                return True
        return False

    def _remains(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"fewer than 4,000 now remain", "لا يزال 900": a bare figure that something remains."""
        return any(m.category == "cues" and m.value == "current" and m.feature("remain") and m.start >= q.end
                   and self.doc.tokens_between(q.end, m.start) <= 1 for m in mentions)

    def _of_several_forces(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"830 foreign military sites", "بلغ عدد المواقع العسكرية الأجنبية ... نحو 830": forces of several
        states, no one actor (the word right after the figure, or before it in its clause)."""
        return any(m.category == "cues" and m.value == "multi_actor" and (
            (m.start >= q.end and self._gap(q, m) <= 3) or (m.end <= q.start and not self.doc.clause_comma(m.end, q.start)))
            for m in mentions)

    def _not_a_level(self, q: Quantity, mentions: list[Mention]) -> bool:
        """"more than 63,000 servicemen had gained combat experience": a count over the years, not a level."""
        return any(m.category == "cues" and m.value == "cumulative" and self._gap(q, m) <= 6 for m in mentions)

    def _verb_qualifier(self, q: Quantity, mentions: list[Mention]) -> Quantity:
        """"ويتجاوز عدد القوات ... 100 ألف عنصر": a verb of exceeding whose subject is the count."""
        if q.qualifier != "exact" or q.value is None:
            return q
        for cue in self._cues_before(mentions, q.start, ("exceeds",), window=CUE_WINDOW + 4):
            right_before = self.doc.tokens_between(cue.end, q.start) == 0  # "كانوا يتجاوزون عشرة آلاف"
            if (right_before or any(self.ctx.counts_a_force(m) or (m.category == "cues" and m.value == "count_noun")
                                    for m in mentions if cue.end <= m.start < q.start)) and \
                    not self.doc.clause_comma(cue.end, q.start):
                low, high = bounds(q.value, "more_than")
                return replace(q, qualifier="more_than", value_min=low, value_max=high)
        return q

    def _counts_bases(self, m: Mention, mentions: list[Mention]) -> bool:
        """"the number of Russian sites", "عدد المواقع الروسية": the count of a force's bases."""
        return m.category == "cues" and m.value == "count_noun" and any(
            n.category == "cues" and n.value == "base_noun" and n.start >= m.end and
            self.doc.tokens_between(m.end, n.start) <= 1 + self._adjectives(m.end, n.start) for n in mentions)

    def _bare_count_noun(self, m: Mention, mentions: list[Mention]) -> bool:
        """"the number fell to 900", "العدد تراجع": a count noun with no noun of its own, after troops were counted."""
        if m.category != "cues" or m.value != "count_noun":
            return False
        return not any(n.start >= m.end and self.doc.tokens_between(m.end, n.start) == 0 and
                       n.category in ("assets", "actors", PLACE) or
                       (n.category == "cues" and n.value in ("troop_noun", "base_noun", "place_noun") and n.start >= m.end
                        and self.doc.tokens_between(m.end, n.start) == 0) for n in mentions)

    def _closed_of_total(self, closures: list[Mention], anchored: list[tuple[Quantity, str]], candidates: list[Quantity],
                         mentions: list[Mention]) -> tuple[list[Quantity], list[Quantity]]:
        """Bases to be closed, and the totals they are part of: "إغلاق 3 من أصل 8 قواعد" (3 closures of 8
        bases), "Two of the coalition's four bases will be handed over", "Of the eight bases, three are
        being shut", "will close 3 bases" (3 closures, no total)."""
        if not closures:
            return [], []
        base_counts = [q for q, metric in anchored if metric == "bases"]
        totals = [q for q in base_counts for o in self._cues_in(mentions, ("of_total",))
                  if o.end <= q.start and self.doc.tokens_between(o.end, q.start) <= 3]
        if totals:
            parts = [q for q in candidates if q not in totals and q.number_start < totals[0].start and
                     not any(q.start <= t.start < q.end for t in totals)]
            if not parts:  # "Of the eight bases ..., three are being shut": the part comes after
                parts = [q for q in candidates if q not in totals and q.start > totals[0].end and
                         any(self._gap(q, c) <= 4 for c in closures)]
            return parts[:1], totals[:1]
        near = [q for q in base_counts if any(self._gap(q, c) <= 4 for c in closures)]
        return near, []

    def _dual_bases(self, sentence: Sentence, mentions: list[Mention], quantities: list[Quantity]) -> list[Quantity]:
        """"مستقبل القاعدتين العسكريتين الروسيتين": a dual base noun counts two bases, unless the sentence
        tells a movement (then "القاعدتين" is where it went) or a number already counts the noun."""
        bases = [m for m in mentions
                 if m.category == "cues" and m.value == "base_noun" and (m.dual or m.feature("number") == "dual")]
        if not bases:  # (most sentences: the movement test below is the costly part)
            return []
        # (not a verb that quotes, "نقلت وكالة تاس عن مصدر", nor a denied one, "لم تعلن عن أي انسحاب")
        if any(m.category == "triggers" and not m.feature("presence") and not self.ctx.quotes(m, mentions) and not any(
                c.category == "cues" and c.value in ("negation", "modal") and c.end <= m.start and
                self.doc.tokens_between(c.end, m.start) <= 4 for c in mentions) for m in mentions):
            return []
        duals = []
        for m in bases:
            if any(p.category == PLACE and p.start >= m.end and self.doc.tokens_between(m.end, p.start) == 0 for p in mentions):
                continue  # "قاعدتي التيفور وتدمر": the two bases named, not counted
            if not any(q.end <= m.start and self.doc.tokens_between(q.end, m.start) == 0 for q in quantities):
                duals.append(Quantity(m.start, m.end, 2, 2, 2, "exact", m.start, m.end))
        return duals

    def _change_pair(self, first: Claim, second: Claim) -> bool:
        between = self.doc.text[first.anchor:second.anchor]
        return self.doc.tokens_between(first.anchor, second.anchor) <= 6 and any(
            w in between for w in (" الي ", " to ", " down to ", " الى "))

    def _metric_of_range_end(self, q: Quantity, quantities: list[Quantity], mentions: list[Mention]) -> str | None:
        """"from 1,500 to 900 troops", "من 2000 إلى 1400 جندي": the first number counts what the second does."""
        for nxt in quantities:
            if nxt.start < q.end or self.doc.tokens_between(q.end, nxt.start) > 2:
                continue
            if any(m.category == "cues" and m.value in ("prep_destination", "change_down") and q.end <= m.start < nxt.start
                   for m in mentions):
                noun = self._noun_after(nxt, mentions)
                return self._metric_of_noun(noun) if noun else None
        return None

    def _coordinated_figure(self, q: Quantity, previous: Quantity) -> bool:
        """A number joined by "and"/"و" to a figure a few words before it, with no noun of its own."""
        return self.doc.tokens_between(previous.end, q.start) <= 6 and (
            self.doc.word_before(q.start) in self.doc.morph.coordinators or
            any(self.doc.text[q.start:q.number_start].startswith(p) for p in self.doc.morph.coordinator_proclitics if p))

    def _troop_noun_before(self, q: Quantity, mentions: list[Mention]) -> bool:
        return any(m.category == "cues" and m.value == "troop_noun" and m.end <= q.start
                   and self.doc.tokens_between(m.end, q.start) <= 2 and "of" in self.doc.text[m.end:q.start]
                   for m in mentions)

    def _bare(self, q: Quantity, mentions: list[Mention]) -> bool:
        """A number with no noun of its own after it ("نحو 2500،", "past 2,000 following"):
        it counts what the sentence is about."""
        rest = self.doc.text[q.end:self.doc.sentence_of(q.start).end].lstrip()
        if not rest or not rest[0].isalnum():
            return True
        # the next word is a particle or a time phrase ("at the start of", "following"), not a noun it counts
        return any(m.category == "cues" and m.value not in COUNTED_NOUN_CUES and m.start >= q.end
                   and self.doc.tokens_between(q.end, m.start) == 0 for m in mentions)

    def _actor_for(self, q: Quantity, sentence: Sentence) -> str | None:
        """Whose force a number counts: the nearest actor before it in the sentence (the subject,
        or the adjective of the counted noun), or one right after its noun in the same clause
        ("3500 عنصر هم قوام التحالف", "1,000 U.S. troops")."""
        best: tuple[int, int, str] | None = None
        for m in self.ctx.actor_mentions(sentence):
            if self.ctx.in_closed_clause(m, q.start) or self.ctx.is_adversary(m):
                continue  # "بعد طرد داعش منه، ويقدّر عدد مقاتليها", "formed to fight the Islamic State": not whose figure it is
            if m.end <= q.start:
                gap = self.doc.tokens_between(m.end, q.start)
            elif m.start >= q.end:
                gap = self.doc.tokens_between(q.end, m.start)
                if gap > 4 or self.doc.clause_comma(q.end, m.start):
                    continue
            else:
                gap = 0
            rank = (gap + (4 if m.feature("kind") == "metonym" else 0), m.start)
            if best is None or rank < best[:2]:
                best = (*rank, m.value)
        if best:
            return best[2]
        return self.ctx.main_actor()

    def _date_for(self, q: Quantity, status: str, sentence: Sentence):
        """The date of a figure: the nearest in the sentence, not across a relative clause ("الذي أنشئ
        عام 2014"), and for a past figure not the day of the report ("500 remain today, compared with 2,000")."""
        published = self.doc.published
        dates = [d for d in self.doc.in_sentence(self.doc.dates, sentence) if not self._relative_clause_between(q, d)
                 and not (status == "past" and published is not None and d.date >= published)
                 # a figure as of now can't be dated later than the report: "from 2,000 to 1,000 by the end
                 # of the year" dates the target, not the current figure
                 and not (status == "current" and published is not None and d.date > published)]
        if not dates:
            return None
        return min(dates, key=lambda d: (self.doc.tokens_between(min(d.end, q.start), max(d.start, q.end)), d.start))

    def _relative_clause_between(self, q, other) -> bool:
        """A relative clause opens or closes between a number and another mention ("الذي أنشئ عام 2014",
        "Moscow, which has some 4,000 troops in Syria, is redeploying")."""
        start, end = (q.end, other.start) if q.end <= other.start else (other.end, q.start)
        if any(m.category == "cues" and m.value == "clause_break" for m in self.doc.within(self.doc.mentions, start, end)):
            return True
        sentence = self.doc.sentence_of(q.start)
        opener = [m for m in self.doc.within(self.doc.mentions, sentence.start, q.start)
                  if m.category == "cues" and m.value == "clause_break" and not self.doc.clause_comma(m.end, q.start)]
        return bool(opener) and other.start >= q.end and self.doc.clause_comma(q.end, other.start)

    def _claim(self, q: Quantity, metric: str, status: str, sentence: Sentence, source: str | None) -> Claim:
        source = self.ctx.source_near(q.start, sentence)
        actor = self._actor_for(q, sentence)
        date = self._date_for(q, status, sentence)
        if date is None and status == "past":
            mentions = self._mentions(sentence)
            if self._from_figure_of_change(q, self._own_clause(q, mentions)):
                date = self._said_date(q, mentions)  # "said in April that it would cut ..., from about 2,000"
        return Claim(actor, metric, q.value, q.value_min, q.value_max, q.qualifier, status,
                     self._area(q, sentence), date, source, (sentence.start, sentence.end), q.start)

    def _full_withdrawals(self, sentence: Sentence, mentions: list[Mention], source: str | None) -> list[Claim]:
        claims = []
        for cue in self._cues_in(mentions, ("full_withdrawal",)):
            if cue.feature("needs_all") and not self._cues_before(mentions, cue.start, ("all_of",), window=6):
                continue  # "coming home" alone; "all of them will be coming home" is the whole force
            if cue.feature("needs_trigger") and not any(
                    m.category == "triggers" and m.value == "withdrawal" and m.end <= cue.start and
                    self.doc.tokens_between(m.end, cue.start) <= CUE_WINDOW and not self.doc.clause_comma(m.end, cue.start)
                    for m in mentions):
                continue  # "بالكامل" tells a full withdrawal only after a verb of leaving ("غادرت ... بالكامل")
            blocked = [m for m in mentions if m.category == "cues" and m.value in ("negation",) and m.start < cue.start]
            hypothetical = [m for m in mentions if m.category == "cues" and m.value == "modal" and m.start < cue.start
                            and m.feature("plan") is None and not self._not_after(m) and not self._reported_future(m, mentions)]
            if blocked or hypothetical:
                continue
            completed = bool(self._cues_in(mentions, ("completion",)))
            status = "current" if completed else "planned"
            actor = self._actor_for(Quantity(cue.start, cue.end, 0, 0, 0, "exact", cue.start, cue.end), sentence)
            area = None
            for m in mentions:
                if m.category == PLACE and m.start > cue.start:
                    refs = self.ctx.place_refs(m)
                    if refs and self.ctx.place(refs[0].place_id).place_kind == "country":
                        area = refs[0].place_id
                        break
            claims.append(Claim(actor, "troops", 0, 0, 0, "exact", status, area or self._main_country,
                                self.ctx.date_near(cue.start, sentence), source, (sentence.start, sentence.end),
                                cue.start))
        return claims[:1]

    def _whole_force_leaving(self, anchored: list[tuple[Quantity, str]], sentence: Sentence, mentions: list[Mention],
                             source: str | None) -> list[Claim]:
        """"all of the nearly 1,000 troops withdrawing from northern Syria were expected to move": the whole
        force leaves, a claim of 0 (planned when a modal or plan word governs the sentence)."""
        for q, metric in anchored:
            if metric != "troops" or not self._cues_before(mentions, q.start, ("all_of",), window=2):
                continue
            if not any(m.category == "triggers" and m.value == "withdrawal" and m.start >= q.end and
                       self._gap(q, m) <= TRIGGER_WINDOW for m in mentions):
                continue
            planned = any(m.category == "cues" and m.value in ("modal", "planned") for m in mentions) or \
                any(m.future for m in mentions)
            zero = Quantity(q.start, q.end, 0, 0, 0, "exact", q.start, q.end)
            claim = self._claim(zero, "troops", "planned" if planned else "current", sentence, source)
            claim.anchor = q.start + 1  # not the figure's own id
            return [claim]
        return []

    def _reported_future(self, modal: Mention, mentions: list[Mention]) -> bool:
        """"Trump announced that all U.S. forces would come home": a future told by a reporting verb is a plan."""
        return any(v.category == "cues" and v.value == "speech" and v.end <= modal.start and
                   any(w in self.doc.morph.complementizers for w in self.doc.text[v.end:modal.start].split()[:2])
                   for v in mentions)

    def _not_after(self, cue: Mention) -> bool:
        blockers = [b for b in (cue.feature("not_after") or "").split("|") if b]
        before = self.doc.text[max(0, cue.start - 30):cue.start]
        return any(b in before for b in blockers)

    # ------------------------------------------------------------ the article

    def read(self) -> list[Claim]:
        claims: list[Claim] = []
        seen: set[tuple] = set()
        for sentence in self.doc.sentences:
            if sentence.in_head:
                continue
            found = self.claims_of_sentence(sentence)
            if found:
                self._last_metric = found[-1].metric if found[-1].metric != "base_closures" else "bases"
            for claim in found:
                # the same figure from another source is another claim (the report vs the paper it cites)
                key = (_family(claim.actor), claim.metric, claim.value, claim.status,
                       "exact_or_approx" if claim.qualifier in ("exact", "approx") else claim.qualifier, claim.source)
                if key in seen:
                    continue  # a claim repeated in one article is one row
                seen.add(key)
                claims.append(claim)
        return claims


def _family(actor: str | None) -> str | None:
    from posture.vocab import vocabularies

    return vocabularies().family(actor)
