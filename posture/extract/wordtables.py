"""Word tables of a language: ``numbers.tsv`` and ``time.tsv`` in ``posture/data/lexicons/<lang>/``.

Each line is ``surface<TAB>kind<TAB>value`` (value optional); ``#`` starts a comment line. Surfaces
are folded like text (``posture.text.normalize.fold``) and lose a trailing abbreviation dot
("feb." -> "feb"), so a table key is what the tokenizer sees. A surface may have several kinds
("آلاف" is a multiplier after a number and a vague amount alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from posture.extract.lexicon import LEXICON_DIR
from posture.text.normalize import fold

Phrase = tuple[str, str, int, str]  # (surface, value, next token, proclitic)


@dataclass(frozen=True)
class WordTable:
    kinds: dict[str, dict[str, str]]  # kind -> folded surface -> value
    # kind -> first word -> (the other words, surface), longest first: a phrase lookup is one dict get
    index: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = field(default_factory=dict)

    def get(self, kind: str) -> dict[str, str]:
        return self.kinds.get(kind, {})


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
        by_first = index.setdefault(kind, {})
        for key in entries:
            first, *rest = key.split()
            by_first.setdefault(first, []).append((tuple(rest), key))
        for candidates in by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))
    return WordTable(kinds, index)


class Tokens:
    """Word and number tokens of folded text, with phrase lookup that allows proclitics."""

    PATTERN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)

    def __init__(self, text: str, proclitics: tuple[str, ...] = ()):
        self.text = text
        self.items = [(m.group(), m.start(), m.end()) for m in self.PATTERN.finditer(text)]
        self.words = [w for w, _, _ in self.items]
        self.digit = [w[0].isdigit() for w in self.words]
        # joined[i]: token i follows token i-1 with only spaces between (words of one phrase)
        self.joined = [i > 0 and text[self.items[i - 1][2]:self.items[i][1]].strip() == ""
                       for i in range(len(self.items))]
        # longest first, so that "وب" is tried before "و"
        self.proclitics = tuple(sorted(proclitics, key=len, reverse=True))
        self._forms: dict[tuple[int, tuple[str, ...] | None], list[tuple[str, str]]] = {}

    def __len__(self) -> int:
        return len(self.items)

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def start(self, i: int) -> int:
        return self.items[i][1] if i < len(self.items) else len(self.text)

    def end(self, i: int) -> int:
        return self.items[i][2]

    def gap(self, i: int) -> str:
        """The text between token i-1 and token i."""
        if i <= 0 or i >= len(self.items):
            return ""
        return self.text[self.items[i - 1][2]:self.items[i][1]]

    def is_digits(self, i: int) -> bool:
        return 0 <= i < len(self.digit) and self.digit[i]

    def forms(self, i: int, prefixes: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
        """(form, prefix) readings of token i: itself, then without each proclitic (لل+X reads as ال+X)."""
        cached = self._forms.get((i, prefixes))
        if cached is not None:
            return cached
        w = self.word(i)
        found = [(w, "")]
        for p in self.proclitics if prefixes is None else prefixes:
            if p and w.startswith(p) and len(w) - len(p) >= 2:
                rest = w[len(p):]
                found.append((rest, p))
                if p.endswith("ل") and rest.startswith("ل"):
                    found.append(("ا" + rest, p))
        self._forms[(i, prefixes)] = found
        return found

    def phrase(self, i: int, table: WordTable, kind: str, prefixes: tuple[str, ...] | None = None
               ) -> Phrase | None:
        """(surface, value, next token, proclitic) of the longest phrase of ``kind`` at token i.
        Words of a phrase are separated by spaces only; the first may carry a proclitic."""
        if i >= len(self.items) or self.digit[i]:
            return None
        by_first = table.index.get(kind)
        if not by_first:
            return None
        best: tuple[int, str, str] | None = None
        for form, prefix in self.forms(i, prefixes):
            for rest, key in by_first.get(form, ()):
                if best is not None and len(rest) <= best[0]:
                    break
                if self._follows(i, rest):
                    best = (len(rest), key, prefix)
                    break
        if best is None:
            return None
        return best[1], table.kinds[kind][best[1]], i + 1 + best[0], best[2]

    def _follows(self, i: int, rest: tuple[str, ...]) -> bool:
        n = len(self.items)
        for k, w in enumerate(rest, start=i + 1):
            if k >= n or self.digit[k] or not self.joined[k] or self.words[k] != w:
                return False
        return True
