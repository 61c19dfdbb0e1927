"""Word tables of a language: ``numbers.tsv`` and ``time.tsv`` in ``posture/data/lexicons/<lang>/``.

Each line is ``surface<TAB>kind<TAB>value`` (value optional); ``#`` starts a comment line. Surfaces
are folded like text (``posture.text.normalize.fold``) and lose a trailing abbreviation dot
("feb." -> "feb"), so a table key is what the tokenizer sees. A surface may have several kinds
("آلاف" is a multiplier after a number and a vague amount alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from posture.extract.lexicon import LEXICON_DIR
from posture.text.normalize import fold


@dataclass(frozen=True)
class WordTable:
    kinds: dict[str, dict[str, str]]  # kind -> folded surface -> value
    max_words: int  # longest phrase, in words

    def get(self, kind: str) -> dict[str, str]:
        return self.kinds.get(kind, {})

    def words(self, kind: str) -> set[str]:
        return set(self.kinds.get(kind, {}))


def table_language(lang: str, name: str) -> str:
    """``lang`` when it has the table, else English (the fallback language of the extractor)."""
    return lang if (LEXICON_DIR / lang / name).exists() else "en"


@cache
def word_table(lang: str, name: str) -> WordTable:
    kinds: dict[str, dict[str, str]] = {}
    path = LEXICON_DIR / table_language(lang, name) / name
    longest = 1
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if not line.strip() or line.startswith("#"):
            continue
        surface, kind, value = (line.split("\t") + ["", ""])[:3]
        key = " ".join(w.rstrip(".") if len(w) > 2 else w for w in fold(surface).split())
        if not key:
            continue
        kinds.setdefault(kind.strip(), {})[key] = value.strip()
        longest = max(longest, len(key.split()))
    return WordTable(kinds, longest)


class Tokens:
    """Word and number tokens of folded text, with phrase lookup that allows proclitics."""

    PATTERN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)

    def __init__(self, text: str, proclitics: tuple[str, ...] = ()):
        self.text = text
        self.items = [(m.group(), m.start(), m.end()) for m in self.PATTERN.finditer(text)]
        # longest first, so that "وب" is tried before "و"
        self.proclitics = tuple(sorted(proclitics, key=len, reverse=True))

    def __len__(self) -> int:
        return len(self.items)

    def word(self, i: int) -> str:
        return self.items[i][0] if 0 <= i < len(self.items) else ""

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
        return 0 <= i < len(self.items) and self.items[i][0][0].isdigit()

    def forms(self, i: int, prefixes: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
        """(form, prefix) readings of token i: itself, then without each proclitic (لل+X reads as ال+X)."""
        w = self.word(i)
        found = [(w, "")]
        for p in self.proclitics if prefixes is None else prefixes:
            if p and w.startswith(p) and len(w) - len(p) >= 2:
                rest = w[len(p):]
                found.append((rest, p))
                if p.endswith("ل") and rest.startswith("ل"):
                    found.append(("ا" + rest, p))
        return found

    def phrase(self, i: int, table: dict[str, str], max_words: int, prefixes: tuple[str, ...] | None = None
               ) -> tuple[str, str, int, str] | None:
        """(surface, value, next token, proclitic) of the longest phrase of ``table`` at token i.
        Words of a phrase are separated by spaces only; the first may carry a proclitic."""
        if i >= len(self.items) or self.is_digits(i):
            return None
        n = 1
        while n < max_words and i + n < len(self.items) and not self.is_digits(i + n) and \
                self.gap(i + n).strip() == "":
            n += 1
        for size in range(n, 0, -1):
            rest = " ".join(w for w, _, _ in self.items[i + 1:i + size])
            for form, prefix in self.forms(i, prefixes):
                key = f"{form} {rest}" if rest else form
                if key in table:
                    return key, table[key], i + size, prefix
        return None
