"""Word tables of a language: ``numbers.tsv`` and ``time.tsv`` in ``posture/data/lexicons/<lang>/``.

Each line is ``surface<TAB>kind<TAB>value`` (value optional); ``#`` starts a comment line. Surfaces
are folded like text (``posture.text.normalize.fold``) and lose a trailing abbreviation dot
("feb." -> "feb"), so a table key is what the tokenizer sees. A surface may have several kinds
("آلاف" is a multiplier after a number and a vague amount alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate, compress
from operator import itemgetter, not_

from posture.extract.lexicon import LEXICON_DIR
from posture.text.normalize import fold

Phrase = tuple[str, str, int, str]  # (surface, value, next token, proclitic)
Reading = tuple[tuple[str, ...], str, str]  # (the other words, surface, proclitic) of a phrase a word opens

# Memos of what a word reads as: a word's readings depend on the word alone, and news repeats its
# words, so they are computed once per word, not once per token. Dropped whole when this large.
_MEMO_LIMIT = 200_000
_NO_READINGS: dict[str, tuple[Reading, ...]] = {}


@dataclass(frozen=True)
class WordTable:
    kinds: dict[str, dict[str, str]]  # kind -> folded surface -> value
    # kind -> first word -> (the other words, surface), longest first: a phrase lookup is one dict get
    index: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = field(default_factory=dict)
    # first word -> (kind, the other words, surface) for every kind, in the order of ``index``
    by_first: dict[str, list[tuple[str, tuple[str, ...], str]]] = field(default_factory=dict)
    _readings: dict = field(default_factory=dict, compare=False, repr=False)
    _surface_sets: dict = field(default_factory=dict, compare=False, repr=False)
    _kinds_opened: dict = field(default_factory=dict, compare=False, repr=False)

    def get(self, kind: str) -> dict[str, str]:
        return self.kinds.get(kind, {})

    def surfaces(self, kind: str) -> frozenset[str]:
        found = self._surface_sets.get(kind)
        if found is None:
            found = self._surface_sets[kind] = frozenset(self.get(kind))
        return found

    def readings(self, word: str, prefixes: tuple[str, ...]) -> dict[str, tuple[Reading, ...]]:
        """kind -> the phrases ``word`` can open (read as itself or without one of ``prefixes``),
        longest first; among equally long ones, in the order of ``forms_of`` and of the table."""
        memo = self._readings
        found = memo.get((word, prefixes))
        if found is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            grouped: dict[str, list[Reading]] = {}
            for form, prefix in forms_of(word, prefixes):
                for kind, rest, surface in self.by_first.get(form, ()):
                    grouped.setdefault(kind, []).append((rest, surface, prefix))
            found = {kind: tuple(sorted(items, key=lambda r: -len(r[0]))) for kind, items in grouped.items()} \
                if grouped else _NO_READINGS
            memo[(word, prefixes)] = found
        return found

    def kinds_opened(self, word: str, after: str | None, prefixes: tuple[str, ...]) -> frozenset[str]:
        """The kinds of the readings of ``word`` that are one word long or go on with ``after``."""
        memo = self._kinds_opened
        found = memo.get((word, after, prefixes))
        if found is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            found = memo[(word, after, prefixes)] = frozenset(
                kind for kind, readings in self.readings(word, prefixes).items()
                if any(not rest or rest[0] == after for rest, _, _ in readings))
        return found


@cache  # like the tables themselves (``word_table``), looked up once per process
def table_language(lang: str, name: str) -> str:
    """``lang`` when it has the table, else English (the fallback language of the extractor)."""
    return lang if (LEXICON_DIR / lang / name).exists() else "en"


@cache
def word_table(lang: str, name: str) -> WordTable:
    kinds: dict[str, dict[str, str]] = {}
    path = LEXICON_DIR / table_language(lang, name) / name
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if not line.strip() or line.startswith("#"):
            continue
        surface, kind, value = (line.split("\t") + ["", ""])[:3]
        key = " ".join(w.rstrip(".") if len(w) > 2 else w for w in fold(surface).split())
        if key:
            kinds.setdefault(kind.strip(), {})[key] = value.strip()
    index: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
    for kind, entries in kinds.items():
        by_kind = index.setdefault(kind, {})
        for key in entries:
            first, *rest = key.split()
            by_kind.setdefault(first, []).append((tuple(rest), key))
        for candidates in by_kind.values():
            candidates.sort(key=lambda c: -len(c[0]))
    by_first: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
    for kind, by_kind in index.items():
        for first, candidates in by_kind.items():
            by_first.setdefault(first, []).extend((kind, rest, key) for rest, key in candidates)
    return WordTable(kinds, index, by_first)


@lru_cache(maxsize=_MEMO_LIMIT)
def forms_of(word: str, prefixes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(form, prefix) readings of a word: itself, then without each proclitic (لل+X reads as ال+X)."""
    found = [(word, "")]
    for p in prefixes:
        if p and word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p):]
            found.append((rest, p))
            if p.endswith("ل") and rest.startswith("ل"):
                found.append(("ا" + rest, p))
    return tuple(found)


@lru_cache(maxsize=_MEMO_LIMIT)
def has_form_in(word: str, prefixes: tuple[str, ...], words: frozenset[str]) -> bool:
    """Whether a reading of ``word`` (``forms_of``) is one of ``words``."""
    return any(form in words for form, _ in forms_of(word, prefixes))


@dataclass(frozen=True)
class _Tokenized:
    words: list[str]
    starts: list[int]
    ends: list[int]
    gaps: list[str]  # gaps[i]: the text between token i-1 and token i ("" for the first)
    digit: list[bool]
    joined: list[bool]  # token i follows token i-1 with only spaces between (words of one phrase)


_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*|[^\W\d_]+)", re.UNICODE)


def split_tokens(pattern: re.Pattern, text: str) -> tuple[list[str], list[str], list[int], list[int]]:
    """(tokens, gaps, starts, ends) of the matches of ``pattern`` (one capturing group) in ``text``:
    gaps[i] is the text before token i (gaps[len(tokens)] the text after the last). One regex pass;
    the offsets are sums of lengths."""
    parts = pattern.split(text)  # gap, token, gap, token, ..., gap
    offsets = list(accumulate(map(len, parts)))  # offsets[k]: where parts[k] ends
    return parts[1::2], parts[0::2], offsets[0:-1:2], offsets[1::2]


@lru_cache(maxsize=2)
def _tokenize(text: str) -> _Tokenized:
    """The tokens of a text, made once for the scanners that read it in turn (dates, then numbers)."""
    words, gaps, starts, ends = split_tokens(_TOKEN, text)
    gaps = gaps[:len(words)]
    if gaps:
        gaps[0] = ""
    joined = list(map(not_, map(str.strip, gaps)))
    if joined:
        joined[0] = False
    return _Tokenized(words, starts, ends, gaps, list(map(str.isdigit, map(itemgetter(0), words))), joined)


_OPENS: dict[tuple[tuple[str, ...], frozenset[str]], dict[str, bool]] = {}


class Tokens:
    """Word and number tokens of folded text, with phrase lookup that allows proclitics."""

    PATTERN = _TOKEN  # (one capturing group: see ``split_tokens``)

    def __init__(self, text: str, proclitics: tuple[str, ...] = ()):
        self.text = text
        tokenized = _tokenize(text)
        self.words, self.starts, self.ends = tokenized.words, tokenized.starts, tokenized.ends
        self.gaps, self.digit, self.joined = tokenized.gaps, tokenized.digit, tokenized.joined
        self.n = len(self.words)
        # longest first, so that "وب" is tried before "و"
        self.proclitics = tuple(sorted(proclitics, key=len, reverse=True))

    def __len__(self) -> int:
        return self.n

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < self.n else ""

    def start(self, i: int) -> int:
        return self.starts[i] if i < self.n else len(self.text)

    def end(self, i: int) -> int:
        return self.ends[i]

    def gap(self, i: int) -> str:
        """The text between token i-1 and token i."""
        if i <= 0 or i >= self.n:
            return ""
        return self.gaps[i]

    def is_digits(self, i: int) -> bool:
        return 0 <= i < self.n and self.digit[i]

    def has_form(self, i: int, words: frozenset[str], prefixes: tuple[str, ...] | None = None) -> bool:
        """Whether a reading of token i (``forms_of``) is one of ``words``."""
        return has_form_in(self.word(i), self.proclitics if prefixes is None else prefixes, words)

    def openers(self, words: frozenset[str], prefixes: tuple[str, ...] | None = None) -> list[int]:
        """The tokens that are digits or have a reading in ``words``: where a scan can start something."""
        prefixes = self.proclitics if prefixes is None else prefixes
        memo = _OPENS.setdefault((prefixes, words), {})  # word -> whether it opens
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        for w in set(self.words).difference(memo):
            memo[w] = w[0].isdigit() or has_form_in(w, prefixes, words)
        return list(compress(range(self.n), map(memo.__getitem__, self.words)))

    def next_word(self, i: int) -> str | None:
        """The word after token i when a phrase can go on to it (only spaces between, not digits)."""
        return self.words[i + 1] if i + 1 < self.n and self.joined[i + 1] and not self.digit[i + 1] else None

    def kinds_at(self, i: int, table: WordTable, prefixes: tuple[str, ...] | None = None) -> frozenset[str]:
        """The kinds of ``table`` that may have a phrase at token i: those of its readings that are one
        word long or go on with the next word (``phrase`` finds no other)."""
        if not 0 <= i < self.n or self.digit[i]:
            return frozenset()
        return table.kinds_opened(self.words[i], self.next_word(i), self.proclitics if prefixes is None else prefixes)

    def phrase(self, i: int, table: WordTable, kind: str, prefixes: tuple[str, ...] | None = None
               ) -> Phrase | None:
        """(surface, value, next token, proclitic) of the longest phrase of ``kind`` at token i.
        Words of a phrase are separated by spaces only; the first may carry a proclitic."""
        if not 0 <= i < self.n or self.digit[i]:
            return None
        readings = table.readings(self.words[i], self.proclitics if prefixes is None else prefixes).get(kind)
        if readings is None:
            return None
        after = self.next_word(i)  # (most readings fail there)
        for rest, surface, prefix in readings:
            if not rest or (rest[0] == after and self._follows(i + 1, rest)):
                return surface, table.kinds[kind][surface], i + 1 + len(rest), prefix
        return None

    def _follows(self, i: int, rest: tuple[str, ...]) -> bool:
        """Whether the words after token i are rest[1:] (rest[0] is token i), each after spaces only."""
        n = self.n
        for k in range(i + 1, i + len(rest)):
            if k >= n or self.digit[k] or not self.joined[k] or self.words[k] != rest[k - i]:
                return False
        return True
