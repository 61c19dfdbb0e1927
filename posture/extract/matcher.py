"""One pass of a multi-pattern matcher over folded text, with Arabic clitics handled as rules.

Every lexicon surface and gazetteer name goes into one Aho-Corasick automaton. A raw hit
counts only when it sits on word boundaries, allowing around it the clitics that the
language's ``morphology.json`` permits for that part of speech (و/ف/ب/ل/ك/ال before Arabic
nouns, possessive and dual endings after them, plural endings after English nouns).
Overlapping hits are resolved longest first.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, fields
from functools import cache

import ahocorasick

from posture.extract.lexicon import LEXICON_DIR, Entry, Lexicon
from posture.extract.wordtables import split_tokens
from posture.text.normalize import fold

PLACE = "place"


@dataclass(frozen=True)
class Morphology:
    proclitics: frozenset[str]
    article_prefixes: frozenset[str]
    lam_article_prefixes: frozenset[str]
    future_prefixes: frozenset[str]
    noun_suffixes: frozenset[str]
    dual_suffixes: frozenset[str]
    verb_suffixes: frozenset[str]
    name_suffixes: frozenset[str]
    ta_marbuta: str
    ta_open: str
    singular_determiners: frozenset[str] = frozenset()  # words that make a singular noun mean one
    construct_dual_endings: frozenset[str] = frozenset()  # a dual head before its genitive (طائرتا / طائرتي)
    coordinators: frozenset[str] = frozenset()  # words that join two names or figures (and, و)
    coordinator_proclitics: frozenset[str] = frozenset()  # ... written on the next word (والحسكة)
    infinitive_markers: frozenset[str] = frozenset()  # a word before a verb of purpose (to)
    infinitive_proclitics: frozenset[str] = frozenset()  # ... written on the verb (لنقل)
    definite_articles: frozenset[str] = frozenset()  # a separate article word (the); Arabic uses article_prefixes
    determiners: frozenset[str] = frozenset()  # words that make a noun phrase name a known thing (the, its)
    complementizers: frozenset[str] = frozenset()  # what opens reported speech (that, أن)
    clause_joiners: frozenset[str] = frozenset()  # words that open a coordinated clause (and, then, ثم)
    verb_first: bool = False  # the subject follows the verb (غادرت القوات القاعدة); else it comes before
    adjective_after_noun: bool = False  # "القوات التركية"; else "Turkish forces"


@cache
def load_morphology(language: str) -> Morphology:
    raw = json.loads((LEXICON_DIR / language / "morphology.json").read_text(encoding="utf-8"))
    raw.pop("_comment", None)
    return Morphology(**{k: (frozenset(fold(w) for w in v) if isinstance(v, list) else v) for k, v in raw.items()})


@dataclass(frozen=True)
class Mention:
    """A lexicon word or place name found in the folded text."""

    category: str  # actors, assets, sources, triggers, cues, or place
    value: str  # the entry's value (actor id, asset type, ...) or the place surface
    entry: Entry | None
    place_ids: tuple[str, ...]  # candidate places for a place mention
    start: int  # token span in the folded text, clitics included
    end: int
    core_start: int  # span of the matched word itself
    core_end: int
    prefix: str  # proclitics before the word
    suffix: str  # endings after the word
    dual: bool = False
    future: bool = False
    common: bool = False  # a place name that is also an ordinary word (القائم): a place only in a place's slot

    def feature(self, key: str, default: str | None = None) -> str | None:
        if self.entry is None:
            return default
        for k, v in self.entry.features:  # (Entry.feature, inlined: the readers ask this very often)
            if k == key:
                return v
        return default


_MENTION_FIELDS = tuple(f.name for f in fields(Mention))


def _mention(values: tuple) -> Mention:
    """``Mention(*values)`` without the frozen dataclass's __init__, which sets each field through
    object.__setattr__ (a fifth of the matcher's time): the same fields, equality and hash."""
    mention = object.__new__(Mention)
    mention.__dict__.update(zip(_MENTION_FIELDS, values))
    return mention


@dataclass(frozen=True)
class _Pattern:
    category: str
    value: str
    entry: Entry | None
    place_ids: tuple[str, ...]
    pos: str  # noun, verb, name, particle
    lam_stripped: bool  # the key is the surface without its leading ال (matches after لل)
    ta_open: bool  # the key ends in open ta: a feminine noun before an ending
    dual_form: bool = False  # the key is the dual of a two-word noun phrase ("طائرتا شحن", "عربتين مدرعتين")
    common: bool = False  # a place name that is also an ordinary word


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_WORD_RUN = re.compile(r"(\w+)")  # \w is exactly _is_word_char


WordRuns = tuple[list[str], list[int], list[int]]


def word_runs(text: str) -> WordRuns:
    """(runs, starts, ends) of the runs of word characters of ``text``, in order."""
    runs, _, starts, ends = split_tokens(_WORD_RUN, text)
    return runs, starts, ends


_MEMO_LIMIT = 100_000  # memoised readings of a word with its clitics, dropped whole when this many


class Matcher:
    def __init__(self, lexicon: Lexicon, place_forms: list[tuple[str, str]],
                 common_forms: list[tuple[str, str]] = ()):
        self.language = lexicon.language
        self.morph = load_morphology(lexicon.language)
        patterns: dict[str, list[_Pattern]] = {}

        def add(key: str, pattern: _Pattern) -> None:
            if key:
                patterns.setdefault(key, []).append(pattern)

        for entry in lexicon.entries:
            pos = entry.feature("pos") or "noun"
            self._add_variants(add, entry.surface, entry.category, entry.value, entry, (), pos)
        place_ids_by_form: dict[str, list[str]] = {}
        for form, place_id in place_forms:
            place_ids_by_form.setdefault(form, []).append(place_id)
        for form, ids in sorted(place_ids_by_form.items()):
            self._add_variants(add, form, PLACE, form, None, tuple(sorted(set(ids))), "name")
        common_ids: dict[str, list[str]] = {}
        for form, place_id in common_forms:
            common_ids.setdefault(form, []).append(place_id)
        for form, ids in sorted(common_ids.items()):
            add(form, _Pattern(PLACE, form, None, tuple(sorted(set(ids))), "name", False, False, common=True))

        # Every key, and the keys that are not one word (a space or a sign in them): the others only
        # ever match inside one token, and are looked for token by token (``_in_word``).
        self._automaton, self._phrase_automaton = ahocorasick.Automaton(), ahocorasick.Automaton()
        for key, items in patterns.items():
            value = (key, tuple(items), _is_word_char(key[0]), _is_word_char(key[-1]))
            self._automaton.add_word(key, value)
            if not _WORD_RUN.fullmatch(key):
                self._phrase_automaton.add_word(key, value)
        self._automaton.make_automaton()
        self._phrase_automaton.make_automaton()
        self._memo: dict[tuple[str, str, str], tuple[tuple[_Pattern, bool, bool], ...]] = {}
        self._words_memo: dict[str, tuple[tuple, ...]] = {}

    def _add_variants(self, add, surface: str, category: str, value: str, entry: Entry | None,
                      place_ids: tuple[str, ...], pos: str) -> None:
        m = self.morph
        add(surface, _Pattern(category, value, entry, place_ids, pos, False, False))
        if m.article_prefixes and surface.startswith("ال") and len(surface) > 3:
            add(surface[2:], _Pattern(category, value, entry, place_ids, pos, True, False))
        if m.ta_marbuta and pos == "noun" and surface.endswith(m.ta_marbuta):
            add(surface[:-1] + m.ta_open, _Pattern(category, value, entry, place_ids, pos, False, True))
        if m.dual_suffixes and pos == "noun" and category == "assets":
            for dual in self._phrase_duals(surface):
                add(dual, _Pattern(category, value, entry, place_ids, pos, False, False, True))
        if pos == "noun" and category != PLACE:
            for definite in self._definite_phrases(surface):
                self._add_variants(add, definite, category, value, entry, place_ids, pos)

    def _definite_phrases(self, surface: str) -> list[str]:
        """The definite forms of an indefinite noun phrase: the article on every word of a noun and its
        adjectives ("كتل إسمنتية" -> "الكتل الإسمنتية") and on the last word of a construct ("ناقلات جنود"
        -> "ناقلات الجنود"). None when the phrase already has an article or the language has none."""
        article = next((a for a in self.morph.article_prefixes if len(a) == 2), None) if self.morph.article_prefixes else None
        words = surface.split(" ")
        if article is None or len(words) < 2 or any(w.startswith(article) for w in words):
            return []
        return [" ".join(article + w for w in words), " ".join(words[:-1] + [article + words[-1]])]

    def _phrase_duals(self, surface: str) -> list[str]:
        """Duals of a two-word phrase whose head is feminine: construct ("طائرتا شحن", "طائرتي شحن":
        only the head changes) and agreement ("عربتين مدرعتين": both words change)."""
        m = self.morph
        words = surface.split(" ")
        if len(words) != 2 or not words[0].endswith(m.ta_marbuta):
            return []
        head, rest = words[0][:-1] + m.ta_open, words[1]
        forms = [f"{head}{ending} {rest}" for ending in m.construct_dual_endings]
        rest_stem = rest[:-1] + m.ta_open if rest.endswith(m.ta_marbuta) else rest
        forms += [f"{head}{ending} {rest_stem}{ending}" for ending in m.dual_suffixes if ending != "ي"]
        return forms

    def _prefix_ok(self, prefix: str, p: _Pattern) -> tuple[bool, bool]:
        """(allowed, future) for the clitics before a hit."""
        m = self.morph
        if p.lam_stripped:
            return prefix in m.lam_article_prefixes, False
        if prefix in m.proclitics:
            return True, False
        if p.pos == "noun" and not p.value.startswith("ال") and \
                (prefix in m.article_prefixes or prefix in m.lam_article_prefixes):
            return True, False  # القاعدة, للقاعدة (ل + ال with its alef dropped)
        if p.pos == "verb" and prefix in m.future_prefixes:
            return True, True
        return False, False

    def _suffix_ok(self, suffix: str, p: _Pattern) -> tuple[bool, bool]:
        """(allowed, dual) for the endings after a hit."""
        m = self.morph
        if p.ta_open:  # قاعدت + ين / ي / ها ...
            if suffix in m.dual_suffixes:
                return True, True
            return suffix in m.noun_suffixes and suffix != "", False
        if p.pos == "noun":
            if suffix in m.noun_suffixes:
                return True, False
            return suffix in m.dual_suffixes, suffix in m.dual_suffixes
        if p.pos == "verb":
            return suffix in m.verb_suffixes, False
        if p.pos == "name":
            return suffix in m.name_suffixes, False
        return suffix == "", False

    def _readings(self, key: str, items: tuple[_Pattern, ...], prefix: str, suffix: str
                  ) -> tuple[tuple[_Pattern, bool, bool], ...]:
        """(pattern, future, dual) of each pattern of ``key`` that its clitics allow, by category (in
        the lexicon's order within one), one per category and value. Memoised: the same word with
        the same clitics reads the same everywhere."""
        found = self._memo.get((key, prefix, suffix))
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            readings = []
            for p in items:
                ok_prefix, future = self._prefix_ok(prefix, p)
                if not ok_prefix:
                    continue
                ok_suffix, dual = self._suffix_ok(suffix, p)
                if ok_suffix:
                    readings.append((p, future, dual or p.dual_form))
            readings.sort(key=lambda r: r[0].category)
            seen: set[tuple[str, str]] = set()
            # the same word matched twice in one category (e.g. with and without an ending): the first
            readings = [r for r in readings if not ((r[0].category, r[0].value) in seen
                                                     or seen.add((r[0].category, r[0].value)))]
            found = self._memo[(key, prefix, suffix)] = tuple(readings)
        return found

    def _in_word(self, word: str) -> tuple[tuple, ...]:
        """(-core length, ending length, category, core start, core end, word length, prefix, suffix,
        readings) of each hit of a key made of word characters inside a run of word characters, which
        is its whole token: the same in every text, memoised (``find`` adds where the word starts)."""
        found = self._words_memo.get(word)
        if found is None:
            if len(self._words_memo) >= _MEMO_LIMIT:
                self._words_memo.clear()
            hits = []
            for end_index, (key, items, _, _) in self._automaton.iter(word):
                core_start, core_end = end_index - len(key) + 1, end_index + 1
                if core_start <= 4 and len(word) - core_end <= 4:
                    prefix, suffix = word[:core_start], word[core_end:]
                    readings = self._readings(key, items, prefix, suffix)
                    if readings:
                        hits.append((core_start - core_end, len(suffix), readings[0][0].category, core_start, core_end,
                                     len(word), prefix, suffix, readings))
            found = self._words_memo[word] = tuple(hits)
        return found

    def find(self, text: str, words: WordRuns | None = None) -> list[Mention]:
        """The mentions in folded ``text``. ``words``: its ``word_runs``, when the caller has them."""
        # A hit sorts as hits rank: longest core first, then shortest ending, position, category, and
        # where it ends (which tells apart any two hits equal in the rest).
        hits: list[tuple] = []
        n = len(text)
        tokens, starts, ends = words or word_runs(text)
        known = self._words_memo.get
        for token, token_start in zip(tokens, starts):  # keys of word characters: within one token
            in_word = known(token)
            for shorter, ending, category, core_start, core_end, length, prefix, suffix, readings in (
                    self._in_word(token) if in_word is None else in_word):
                hits.append((shorter, ending, token_start, category, token_start + core_end, token_start + core_start,
                             token_start + core_end, token_start + length, prefix, suffix, readings))
        phrase_hits = self._phrase_automaton.iter(text) if len(self._phrase_automaton) else ()  # none: no automaton
        for end_index, (key, items, opens_word, closes_word) in phrase_hits:
            # keys with a space or a sign ("u.s.", "al-tanf"): where they sit in their words
            core_start, core_end = end_index - len(key) + 1, end_index + 1
            k = bisect_right(starts, core_start - 1) - 1
            token_start = starts[k] if k >= 0 and ends[k] >= core_start else core_start
            if token_start < core_start and not opens_word:
                continue
            token_end = core_end
            if closes_word:
                k = bisect_right(starts, core_end) - 1
                if k >= 0 and ends[k] > core_end:
                    token_end = ends[k]
            if core_start - token_start > 4 or token_end - core_end > 4:
                continue
            prefix, suffix = text[token_start:core_start], text[core_end:token_end]
            readings = self._readings(key, items, prefix, suffix)
            if readings:
                hits.append((core_start - core_end, token_end - core_end, token_start, readings[0][0].category,
                             core_end, core_start, core_end, token_end, prefix, suffix, readings))
        # by position and category; among equal ones, by rank (then the order of the hit's readings)
        kept = sorted((start, p.category, shorter, ending, last, order, p, future, dual, core_start, core_end, end,
                       prefix, suffix)
                      for shorter, ending, start, _, last, core_start, core_end, end, prefix, suffix, readings
                      in _resolve_overlaps(hits, n) for order, (p, future, dual) in enumerate(readings))
        return [_mention((p.category, p.value, p.entry, p.place_ids, start, end, core_start, core_end, prefix, suffix,
                          dual, future, p.common))
                for start, _, _, _, _, _, p, future, dual, core_start, core_end, end, prefix, suffix in kept]


def _resolve_overlaps(hits: list[tuple], length: int) -> list[tuple]:
    """Keep the longest hits (a hit keeps all its readings: a word can be two things). Each hit is
    (its rank..., core_start, core_end, ...) from ``Matcher.find``."""
    taken: list[tuple] = []
    owner = bytearray(length)  # 1: the character belongs to a hit already kept
    for hit in sorted(hits):
        core_start, core_end = hit[5], hit[6]
        if owner.find(1, core_start, core_end) == -1:  # else it overlaps a longer hit (or an equal one)
            owner[core_start:core_end] = b"\x01" * (core_end - core_start)
            taken.append(hit)
    return taken
