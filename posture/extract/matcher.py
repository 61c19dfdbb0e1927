"""One pass of a multi-pattern matcher over folded text, with Arabic clitics handled as rules.

Every lexicon surface and gazetteer name goes into one Aho-Corasick automaton. A raw hit
counts only when it sits on word boundaries, allowing around it the clitics that the
language's ``morphology.json`` permits for that part of speech (و/ف/ب/ل/ك/ال before Arabic
nouns, possessive and dual endings after them, plural endings after English nouns).
Overlapping hits are resolved longest first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import ahocorasick

from posture.extract.lexicon import LEXICON_DIR, Entry, Lexicon
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
        return self.entry.feature(key, default) if self.entry else default


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

        self._automaton = ahocorasick.Automaton()
        for key, items in patterns.items():
            self._automaton.add_word(key, (key, tuple(items)))
        self._automaton.make_automaton()

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

    def find(self, text: str) -> list[Mention]:
        candidates: list[Mention] = []
        n = len(text)
        for end_index, (key, items) in self._automaton.iter(text):
            core_start, core_end = end_index - len(key) + 1, end_index + 1
            token_start = core_start
            while token_start > 0 and _is_word_char(text[token_start - 1]):
                token_start -= 1
            token_end = core_end
            if _is_word_char(key[-1]):
                while token_end < n and _is_word_char(text[token_end]):
                    token_end += 1
            prefix, suffix = text[token_start:core_start], text[core_end:token_end]
            if not _is_word_char(key[0]) and prefix:
                continue
            if len(prefix) > 4 or len(suffix) > 4:
                continue
            for p in items:
                ok_prefix, future = self._prefix_ok(prefix, p)
                if not ok_prefix:
                    continue
                ok_suffix, dual = self._suffix_ok(suffix, p)
                if not ok_suffix:
                    continue
                dual = dual or p.dual_form
                candidates.append(Mention(p.category, p.value, p.entry, p.place_ids, token_start, token_end,
                                          core_start, core_end, prefix, suffix, dual, future, p.common))
        return _resolve_overlaps(candidates)


def _resolve_overlaps(candidates: list[Mention]) -> list[Mention]:
    """Keep the longest hits; among equal spans keep every category (a word can be two things)."""
    ranked = sorted(candidates, key=lambda c: (-(c.core_end - c.core_start), len(c.suffix), c.start, c.category))
    taken: list[Mention] = []
    owner: dict[int, tuple[int, int]] = {}  # character -> core span of the hit that holds it
    kept_values: set[tuple[int, int, str, str]] = set()
    for c in ranked:
        span = (c.core_start, c.core_end)
        if any(owner.get(i, span) != span for i in range(c.core_start, c.core_end)):
            continue  # overlaps a longer hit (or an equal-length one on another span)
        # Same word matched twice in one category (e.g. with and without an ending): keep the first.
        if (*span, c.category, c.value) in kept_values:
            continue
        kept_values.add((*span, c.category, c.value))
        taken.append(c)
        for i in range(c.core_start, c.core_end):
            owner[i] = span
    return sorted(taken, key=lambda m: (m.start, m.category))
