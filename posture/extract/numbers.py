"""Quantities in folded Arabic and English text: digits, number words, vague amounts, qualifiers.

The words of each language are data (``posture/data/lexicons/<lang>/numbers.tsv``); this
module is the engine. Spans are offsets into the folded text
(``posture.text.normalize.normalise_for_matching``).

Bounds implied by a qualifier: exact -> [v, v]; approx -> [0.9 v, 1.1 v]; less_than -> [0, v-1];
more_than -> [v+1, -]; at_least -> [v, -]; at_most -> [0, v]; range "X to Y" -> [X, Y] with value X;
vague (dozens, عشرات) -> the range the data file gives, value NULL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from posture.extract.lexicon import LEXICON_DIR
from posture.text.normalize import fold

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_PROCLITICS = ("و", "ب", "ل", "ف", "ك", "وب")
_YEAR_CUES = {"عام", "العام", "سنه", "السنه", "منذ", "in", "since", "year", "of", "late", "early", "mid", "by",
              "before", "after", "اواخر", "مطلع", "اوائل", "منتصف", "بدايه", "نهايه", "until", "during", "حتي"}


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: int | None
    value_min: int | None
    value_max: int | None
    qualifier: str
    number_start: int
    number_end: int
    upper: "Quantity | None" = None


@dataclass(frozen=True)
class _Words:
    units: dict[str, int]
    multipliers: dict[str, int]
    vague: dict[str, tuple[int | None, int | None]]
    qualifiers: dict[str, str]
    range_start: set[str]
    range_join: set[str]
    months: set[str]
    max_phrase: int


@cache
def _words(lang: str) -> _Words:
    units, multipliers, vague, qualifiers, range_start, range_join = {}, {}, {}, {}, set(), set()
    path = LEXICON_DIR / lang / "numbers.tsv"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if not line.strip() or line.startswith("#"):
            continue
        surface, kind, value = (line.split("\t") + ["", ""])[:3]
        key = fold(surface)
        if kind == "unit":
            units[key] = int(value)
        elif kind == "multiplier":
            multipliers[key] = int(value)
        elif kind == "vague":
            low, _, high = value.partition("..")
            vague[key] = (int(low) if low else None, int(high) if high else None)
        elif kind == "qualifier":
            qualifiers[key] = value
        elif kind == "range_start":
            range_start.add(key)
        elif kind == "range_join":
            range_join.add(key)
    from posture.extract.dates import month_words

    phrases = [*units, *multipliers, *vague, *qualifiers]
    return _Words(units, multipliers, vague, qualifiers, range_start, range_join, month_words(lang),
                  max(len(p.split()) for p in phrases) if phrases else 1)


def _bounds(value: int, qualifier: str) -> tuple[int | None, int | None]:
    return {
        "exact": (value, value),
        "approx": (round(value * 0.9), round(value * 1.1)),
        "less_than": (0, max(value - 1, 0)),
        "more_than": (value + 1, None),
        "at_least": (value, None),
        "at_most": (0, value),
    }.get(qualifier, (value, value))


class _Scanner:
    def __init__(self, text: str, lang: str):
        self.text = text
        self.words = _words(lang)
        self.tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]

    def phrase(self, i: int, table) -> tuple[str, int] | None:
        """The longest phrase of ``table`` starting at token i (with a proclitic on its first word)."""
        for n in range(min(self.words.max_phrase, len(self.tokens) - i), 0, -1):
            words = [t[0] for t in self.tokens[i:i + n]]
            candidates = [" ".join(words)]
            candidates += [" ".join([words[0][len(p):], *words[1:]]) for p in _PROCLITICS
                           if words[0].startswith(p) and len(words[0]) > len(p) + 1]
            for c in candidates:
                if c in table:
                    return c, i + n
        return None

    def is_digits(self, i: int) -> bool:
        return i < len(self.tokens) and self.tokens[i][0][0].isdigit()

    def digits_value(self, token: str) -> float:
        if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", token) and not re.fullmatch(r"\d+\.\d{3}", token.replace(",", "")):
            return int(re.sub(r"[,.]", "", token))
        if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", token):
            return int(token.replace(".", ""))
        return float(token.replace(",", "")) if "." in token.replace(",", "") else int(token.replace(",", ""))

    def not_a_count(self, i: int) -> bool:
        """Dates, times, percentages, model names (S-400, Il-76), years after 'in'/'عام'."""
        token, start, end = self.tokens[i]
        before, after = self.text[max(0, start - 2):start], self.text[end:end + 2]
        if any(c in after[:1] for c in "/:%") or any(c in before[-1:] for c in "/:") or after.startswith("-"):
            return True
        if before.endswith("-") and start >= 2 and self.text[start - 2].isalpha():
            return True
        prev = self.tokens[i - 1][0] if i else ""
        nxt = self.tokens[i + 1][0] if i + 1 < len(self.tokens) else ""
        if prev in self.words.months or nxt in self.words.months or \
                (nxt and nxt[0] in "وبلف" and nxt[1:] in self.words.months):
            return True
        if re.fullmatch(r"(19|20)\d\d", token) and (prev in _YEAR_CUES or self.text[max(0, start - 2):start] == ", "):
            return True
        return after.strip()[:3] in ("بال", "pct") or nxt in ("بالمئه", "بالمائه", "percent", "في المئه")

    def number(self, i: int) -> tuple[int, int] | None:
        """(value, next token) of a number at token i: digits with an optional multiplier word,
        or a run of number words (خمسة وعشرون, one hundred and fifty, ثلاثة آلاف)."""
        if self.is_digits(i):
            if self.not_a_count(i):
                return None
            value = self.digits_value(self.tokens[i][0])
            j = i + 1
            hit = self.phrase(j, self.words.multipliers) if j < len(self.tokens) else None
            if hit:
                value *= self.words.multipliers[hit[0]]
                j = hit[1]
            return int(round(value)), j
        total, current, j, found = 0, 0, i, False
        while j < len(self.tokens):
            hit = self.phrase(j, self.words.units)
            if hit and not (found and not self._joined(j)):
                current += self.words.units[hit[0]]
                j, found = hit[1], True
                continue
            hit = self.phrase(j, self.words.multipliers)
            if hit and (found or not self._joined(j)):
                m = self.words.multipliers[hit[0]]
                if not found and hit[0] in ("الاف",):  # آلاف alone is vague, handled elsewhere
                    break
                current = max(current, 1) * m
                if m >= 1000:
                    total, current = total + current, 0
                j, found = hit[1], True
                continue
            if found and self.tokens[j][0] in ("و", "and") and j + 1 < len(self.tokens) and \
                    (self.phrase(j + 1, self.words.units) or self.phrase(j + 1, self.words.multipliers)):
                j += 1
                continue
            break
        return (total + current, j) if found else None

    def _joined(self, j: int) -> bool:
        """Whether token j continues a number with a conjunction (وعشرون) rather than starting one."""
        return self.tokens[j][0].startswith("و") and self.tokens[j][0][1:] in self.words.units

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.tokens[i][1], self.tokens[j - 1][2]

    def scan(self) -> list[Quantity]:
        found: list[Quantity] = []
        i = 0
        while i < len(self.tokens):
            q, nxt = self.at(i)
            if q is not None:
                found.append(q)
                i = nxt
            else:
                i += 1
        return found

    def at(self, i: int) -> tuple[Quantity | None, int]:
        w = self.words
        # "between 30 and 40", "من 30 إلى 40": a range when the second is larger
        starter = self.phrase(i, w.range_start)
        if starter:
            first = self.number(starter[1])
            if first and first[1] < len(self.tokens) and self.tokens[first[1]][0] in w.range_join:
                second = self.number(first[1] + 1)
                if second and second[0] > first[0]:
                    start, end = self.span(i, second[1])
                    n_start, n_end = self.span(starter[1], first[1])
                    upper = Quantity(*self.span(first[1] + 1, second[1]), second[0], second[0], second[0], "exact",
                                     *self.span(first[1] + 1, second[1]))
                    return Quantity(start, end, first[0], first[0], second[0], "range", n_start, n_end, upper), second[1]
        qualifier = "exact"
        j = i
        hit = self.phrase(i, w.qualifiers)
        if hit and (self.number(hit[1]) is not None):
            qualifier, j = w.qualifiers[hit[0]], hit[1]
        vague = self.phrase(j, w.vague)
        if vague and qualifier == "exact" and not self.number(j):
            low, high = w.vague[vague[0]]
            start, end = self.span(i, vague[1])
            return Quantity(start, end, None, low, high, "vague", start, end), vague[1]
        parsed = self.number(j)
        if parsed is None:
            return None, i + 1
        value, k = parsed
        # "X to Y" without a starter word: a range when Y is larger
        if k + 1 < len(self.tokens) and self.tokens[k][0] in ("to", "الي", "-") and self.is_digits(k + 1) \
                and self.tokens[k][0] != "الي":
            second = self.number(k + 1)
            if second and second[0] > value and qualifier == "exact":
                start, end = self.span(i, second[1])
                upper = Quantity(*self.span(k + 1, second[1]), second[0], second[0], second[0], "exact",
                                 *self.span(k + 1, second[1]))
                return Quantity(start, end, value, value, second[0], "range", *self.span(j, k), upper), second[1]
        low, high = _bounds(value, qualifier)
        start, end = self.span(i, k)
        return Quantity(start, end, value, low, high, qualifier, *self.span(j, k)), k


def find_quantities(folded: str, lang: str) -> list[Quantity]:
    """Every quantity in ``folded`` text, sorted by position and non-overlapping."""
    return _Scanner(folded, lang if (LEXICON_DIR / lang / "numbers.tsv").exists() else "en").scan()
