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


@cache
def load_morphology(language: str) -> Morphology:
    raw = json.loads((LEXICON_DIR / language / "morphology.json").read_text(encoding="utf-8"))
    raw.pop("_comment", None)
    return Morphology(**{k: (frozenset(v) if isinstance(v, list) else v) for k, v in raw.items()})


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


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    def __init__(self, lexicon: Lexicon, place_forms: list[tuple[str, str]]):
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
                candidates.append(Mention(p.category, p.value, p.entry, p.place_ids, token_start, token_end,
                                          core_start, core_end, prefix, suffix, dual, future))
        return _resolve_overlaps(candidates)


def _resolve_overlaps(candidates: list[Mention]) -> list[Mention]:
    """Keep the longest hits; among equal spans keep every category (a word can be two things)."""
    ranked = sorted(candidates, key=lambda c: (-(c.core_end - c.core_start), len(c.suffix), c.start, c.category))
    taken: list[Mention] = []
    occupied: list[tuple[int, int, int, int]] = []  # (start, end, core_start, core_end)
    for c in ranked:
        clash = False
        for (s, e, cs, ce) in occupied:
            if c.core_start < ce and cs < c.core_end:
                same_word = (c.core_start, c.core_end) == (cs, ce)
                if not same_word:
                    clash = True
                    break
        if clash:
            continue
        # Same word matched twice in one category (e.g. with and without an ending): keep the first.
        if any(t.category == c.category and (t.core_start, t.core_end) == (c.core_start, c.core_end) and
               t.value == c.value for t in taken):
            continue
        taken.append(c)
        occupied.append((c.start, c.end, c.core_start, c.core_end))
    return sorted(taken, key=lambda m: (m.start, m.category))
