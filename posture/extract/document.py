"""An article prepared for extraction: folded text, sentences, and everything found in it."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

from posture.extract.dates import DateMention, find_dates
from posture.extract.matcher import PLACE, Matcher, Mention, Morphology, load_morphology
from posture.extract.numbers import Quantity, find_quantities
from posture.text.normalize import NormalisedText, normalise_for_matching

# A sentence ends at . ! ? ؟ or a line break, except after a known abbreviation or inside a number.
# (A semicolon only separates clauses: the second often refers back to the first's subject, "it climbed".)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:u\.s|u\.n|u\.k|col|capt|gen|lt|maj|sgt|adm|brig|cmdr|mr|mrs|ms|dr|st|no|vs|jan|feb|mar|apr|jun|jul|"
    r"aug|sep|sept|oct|nov|dec|inc|corp|co|jr|sr)|\b[a-z])$"
)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_CLAUSE_COMMA = re.compile(r",(?!\d)")  # a comma between clauses, not the one in "2,000"
_WORD = re.compile(r"\S+")
# A line is part of the head (title, subtitle, date line, kicker) until the first long line or dateline.
_HEAD_MAX_LINE = 200
_DATELINE = re.compile(r"^(?:[^\n.!?\-–—]{2,60}?\s[-–—]\s){1,2}")
_LONE_DATELINE = re.compile(r"[^\W\d_]+(?: [^\W\d_]+){0,2} ?[-–—] ?[^\W\d_]+(?: [^\W\d_]+){0,2}")  # الحسكة-سانا
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DATE_LINE_WORDS = 8  # a date line is short: "الاثنين، 12 أيلول 2022", "October 21, 2019"
_PARAGRAPH_WORDS = 10  # after the date line, a line this long is the first paragraph


def _start(item) -> int:
    return item.start


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int  # folded offsets
    end: int
    paragraph: int
    in_head: bool


@dataclass
class Document:
    article_id: str
    language: str
    published: date | None
    body: str
    folded: NormalisedText
    sentences: list[Sentence]
    mentions: list[Mention]
    quantities: list[Quantity]
    dates: list[DateMention]
    _token_starts: list[int] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)
    _places: list[Mention] | None = None

    @property
    def text(self) -> str:
        return self.folded.text

    def tokens_between(self, start: int, end: int) -> int:
        """How many word tokens lie in the folded span [start, end)."""
        if end <= start:
            return 0
        return bisect_right(self._token_starts, end - 1) - bisect_right(self._token_starts, start - 1)

    def sentence_of(self, position: int) -> Sentence:
        if not self._sentence_starts:
            self._sentence_starts = [s.start for s in self.sentences]
        return self.sentences[max(0, bisect_right(self._sentence_starts, position) - 1)]

    def within(self, items, start: int, end: int):
        """The items (sorted by start: mentions, quantities, dates) that start in [start, end)."""
        return items[bisect_left(items, start, key=_start):bisect_left(items, end, key=_start)]

    def in_sentence(self, items, sentence: Sentence):
        return self.within(items, sentence.start, sentence.end)

    def near(self, mention) -> list[Mention]:
        """The mentions of the sentence a mention is in: where its neighbours are looked for."""
        return self.in_sentence(self.mentions, self.sentence_of(mention.start))

    def original_span(self, start: int, end: int) -> tuple[int, int, str]:
        """Folded span -> (start, end, text) in the body, trimmed of surrounding spaces and quotes."""
        o_start, o_end = self.folded.to_original(start, end)
        text = self.body[o_start:o_end]
        stripped = text.strip(" \n\t\"'«»“”")
        o_start += text.find(stripped) if stripped else 0
        return o_start, o_start + len(stripped), stripped

    @property
    def morph(self) -> Morphology:
        return load_morphology(self.language)

    def word_before(self, position: int) -> str:
        """The word right before a folded offset ("" at the start of the text)."""
        words = self.text[max(0, position - 30):position].split()
        return words[-1] if words else ""

    def clause_comma(self, start: int, end: int) -> bool:
        """Whether a comma that separates clauses lies in [start, end)."""
        return _CLAUSE_COMMA.search(self.text, start, max(start, end)) is not None

    def last_clause_join(self, start: int, end: int) -> int | None:
        """Where the last coordinated clause in [start, end) begins: after its comma, or at its joiner
        ("and", "then", "ثم", a word with و)."""
        best = None
        for comma in _CLAUSE_COMMA.finditer(self.text, start, max(start, end)):
            best = comma.end()
        morph = self.morph
        for word in _WORD.finditer(self.text, start, max(start, end)):
            w = word.group()
            if w in morph.clause_joiners or (len(w) > 2 and w[0] in morph.clause_joiners and w[0] in morph.coordinator_proclitics):
                best = max(best or 0, word.start())
        return best

    def joined_to_previous(self, mention: Mention) -> bool:
        """A name or figure joined to the one before it: "X and Y", "X, Y", "X والحسكة"."""
        if any(mention.prefix.startswith(p) for p in self.morph.coordinator_proclitics if p):
            return True
        return self.word_before(mention.start) in self.morph.coordinators or \
            self.text[:mention.start].rstrip().endswith(",")

    def definite(self, mention: Mention) -> bool:
        """"the convoy", "الانسحاب", "بالقاعدة": a noun with the definite article."""
        core = self.text[mention.core_start:mention.core_end]
        if self.word_before(mention.start) in self.morph.definite_articles or \
                core.split(" ", 1)[0] in self.morph.definite_articles:  # "the city" as one entry
            return True
        return any(mention.prefix.endswith(a) or core.startswith(a) for a in self.morph.article_prefixes)

    def places(self) -> list[Mention]:
        if self._places is None:
            self._places = [m for m in self.mentions if m.category == PLACE]
        return self._places


def _head_end(text: str) -> int:
    """Offset where the body starts: the first long line, the first line opening with a dateline, the
    line after a dateline that stands alone ("الحسكة-سانا", "قامشلو – نورث برس"), or, after the date line,
    the first line long enough to be a paragraph (a kicker such as "إعادة تموضع" is short)."""
    offset = 0
    seen_date_line = False
    title_seen = False
    for line in text.split("\n"):
        words = len(line.split())
        if len(line) >= _HEAD_MAX_LINE or _DATELINE.match(line) or (seen_date_line and words >= _PARAGRAPH_WORDS):
            return offset
        offset += len(line) + 1
        if _LONE_DATELINE.fullmatch(line.strip()):
            return offset
        if title_seen and _YEAR.search(line) and words <= _DATE_LINE_WORDS:
            seen_date_line = True  # (a year in the title, "Iran Update, November 14, 2023", is not the date line)
        title_seen = title_seen or bool(line.strip())
    return 0  # no recognisable head: treat everything as body


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of each non-empty line; each line is a paragraph."""
    head_end = _head_end(text)
    sentences: list[Sentence] = []
    offset = 0
    paragraph = 0
    for line in text.split("\n"):
        if line.strip():
            dateline = _DATELINE.match(line) if offset >= head_end else None
            cursor = dateline.end() if dateline else 0  # "دير الزور (سوريا) -" names where it was written
            if dateline and _LONE_DATELINE.fullmatch(line.strip()):
                cursor = len(line)  # "قامشلو – نورث برس": the place and the outlet, no sentence
            for match in _SENTENCE_END.finditer(line):
                end = match.start()
                if _ABBREVIATION.search(line[max(cursor, end - 6):end]):
                    continue
                if end > 0 and line[end - 1].isdigit() and line[match.end():match.end() + 1].isdigit():
                    continue
                _add_sentence(sentences, text, offset + cursor, offset + match.end(), paragraph, head_end)
                cursor = match.end()
            _add_sentence(sentences, text, offset + cursor, offset + len(line), paragraph, head_end)
            paragraph += 1
        offset += len(line) + 1
    return sentences


def _add_sentence(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int, head_end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(len(sentences), start, end, paragraph, start < head_end))


_PLACE_SLOT_CUES = ("prep_origin", "prep_destination", "prep_via")


def _place_slots_only(mentions: list[Mention], text: str, folded: NormalisedText, body: str) -> list[Mention]:
    """Names that are also ordinary words ("القائم" the existing, "الباب" the door) count as places only
    right after a preposition of direction ("باتجاه القائم") or a plural place noun ("قواعد القائم والقيارة"),
    or joined by "and" to such a place; elsewhere they are the ordinary word."""
    kept: list[Mention] = []
    for m in mentions:
        if m.category == PLACE and m.common:
            before = [k for k in kept if k.end <= m.start and not text[k.end:m.start].strip()]
            slot = any((k.category == "cues" and (k.value in _PLACE_SLOT_CUES or
                                                  (k.value == "place_noun" and k.feature("number") == "pl")))
                       for k in before)
            joined = m.prefix[:1] in ("و",) and kept and kept[-1].category == PLACE and \
                len(text[kept[-1].end:m.start].split()) == 0
            written = body[folded.to_original(m.core_start, m.core_end)[0]]
            if not (slot or joined) or (written.isascii() and not written.isupper()):
                continue  # (a Latin name must also be written as one: "Hit", not "positions hit by")
        kept.append(m)
    return kept


def prepare(article_id: str, body: str, language: str, published: date | None, matcher: Matcher) -> Document:
    folded = normalise_for_matching(body)
    text = folded.text
    return Document(
        article_id=article_id,
        language=language,
        published=published,
        body=body,
        folded=folded,
        sentences=split_sentences(text),
        mentions=_place_slots_only(matcher.find(text), text, folded, body),
        quantities=find_quantities(text, language),
        dates=find_dates(text, language, published),
        _token_starts=[m.start() for m in _TOKEN.finditer(text)],
    )
