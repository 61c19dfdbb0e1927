"""Quantities in folded Arabic and English text: digits, number words, vague amounts, qualifiers.

The words of each language are data (``posture/data/lexicons/<lang>/numbers.tsv``, its kinds are
described at its top); this module is the engine. Spans are offsets into the folded text
(``posture.text.normalize.normalise_for_matching``).

Rules:
- digits: 2000, 2,000, 2.000 and ٢٠٠٠ are 2000 (a dot or comma before exactly three digits groups
  thousands); a decimal counts only before a multiplier word (1.4 ألف, 2.2 thousand);
- number words add up in groups that a multiplier closes (ثلاثة آلاف وخمسمئة = 3500, one hundred
  and fifty = 150, twenty-five = 25); a unit 1..9 before عشر/عشرة is a teen (خمسة عشر = 15);
  a part joined by a conjunction must be smaller than what it joins, except an Arabic unit
  before its tens (خمسة وعشرون = 25);
- a vague word (عشرات, dozens) is an amount with the bounds the data gives, value NULL; before a
  multiplier the bounds scale (عشرات الآلاف, several hundred);
- a qualifier before (نحو, more than) or after (تقريبا, or more) sets the contract qualifier;
- "بين X و Y", "from X to Y", "X to Y", "X-Y", "X or Y" are a range when Y > X (value X);
- not counts: a date or time expression (23 تموز, عام 2014, 1:23), a percentage, an amount of
  money, digits glued to letters (30th, M4, F-16, 1990s), a label number (resolution 2254),
  a number word inside an ordinal (الحادي والعشرين).

Bounds implied by a qualifier: exact -> [v, v]; approx -> [0.9 v, 1.1 v]; less_than -> [0, v-1];
more_than -> [v+1, -]; at_least -> [v, -]; at_most -> [0, v]; range -> [X, Y].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from posture.extract.wordtables import Tokens, WordTable, table_language, word_table

_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_DECIMAL = re.compile(r"\d+[.,]\d{1,2}|\d+[.,]\d{4,}")
_STARTING_KINDS = ("unit", "multiplier", "vague", "qualifier", "range_start")


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
    upper: "Quantity | None" = None  # the second number of a range


@dataclass(frozen=True)
class _Number:
    value: float
    start: int  # token span [start, end)
    end: int
    multiplier: int  # the last multiplier applied (1 when none)


@dataclass(frozen=True)
class _Words:
    table: WordTable
    proclitics: tuple[str, ...]
    articles: tuple[str, ...]
    starters: frozenset[str]  # first words of what a quantity can start with

    def kind(self, name: str) -> dict[str, str]:
        return self.table.get(name)


@cache
def _words(lang: str) -> _Words:
    table = word_table(lang, "numbers.tsv")
    starters = frozenset(w for kind in _STARTING_KINDS for w in table.index.get(kind, {}))
    return _Words(table, tuple(table.get("proclitic")), tuple(table.get("article")), starters)


def bounds(value: int, qualifier: str) -> tuple[int | None, int | None]:
    return {
        "exact": (value, value),
        "approx": (round(value * 0.9), round(value * 1.1)),
        "less_than": (0, max(value - 1, 0)),
        "more_than": (value + 1, None),
        "at_least": (value, None),
        "at_most": (0, value),
    }.get(qualifier, (value, value))


def digits_value(token: str) -> float | None:
    """2,000 / 2.000 -> 2000; 1.4 -> 1.4; 1,5 -> 1.5 (a decimal comma); None when malformed."""
    if _THOUSANDS.fullmatch(token):
        return int(re.sub(r"[.,]", "", token))
    if token.isdigit():
        return int(token)
    if _DECIMAL.fullmatch(token):
        return float(token.replace(",", "."))
    return None


def _magnitude(value: int) -> int:
    """The place value of the last non-zero digit: 3000 -> 1000, 150 -> 10, 25 -> 1."""
    if value <= 0:
        return 10 ** 12
    m = 1
    while value % (m * 10) == 0:
        m *= 10
    return m


class _Scanner:
    def __init__(self, text: str, lang: str, excluded: list[tuple[int, int]]):
        self.w = _words(lang)
        self.t = Tokens(text, self.w.proclitics)
        self.text = text
        # tokens inside a time expression ("23 تموز", "عام 2014") are never part of a count
        self.in_time = [any(a < e and s < b for a, b in excluded) for _, s, e in self.t.items]

    def phrase(self, i: int, kind: str, prefixes: tuple[str, ...] | None = None):
        return self.t.phrase(i, self.w.table, kind, prefixes)

    # ------------------------------------------------------------ what is not a count

    def _digits_not_a_count(self, i: int) -> bool:
        t, text = self.t, self.text
        start, end = t.start(i), t.end(i)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if before in ":/" or after in ":/" or before in self.w.kind("currency_sign"):
            return True
        if before == "-" and start >= 2 and text[start - 2].isalpha():
            return True  # F-16, إيل-76
        if t.gap(i) == "" and i > 0 and not t.is_digits(i - 1) and t.word(i - 1) not in self.w.articles \
                and t.word(i - 1) not in self.w.proclitics:
            return True  # M4 (while ب2000 and الـ900 are counts)
        if i + 1 < len(t) and t.gap(i + 1) == "" and not t.is_digits(i + 1):
            return True  # 30th, 1990s
        if i > 0 and t.gap(i).strip() in ("", ".") and \
                any(form in self.w.kind("not_count_before") for form, _ in t.forms(i - 1)):
            return True  # اللواء 46, واللواء 46: a label
        return self._ratio_after(end, i + 1)

    def _ratio_after(self, end: int, nxt: int) -> bool:
        rest = self.text[end:end + 3].lstrip()
        if any(rest.startswith(s) for s in self.w.kind("not_count_after") if not s[0].isalpha()):
            return True
        return self.phrase(nxt, "not_count_after", ()) is not None if nxt < len(self.t) else False

    def _word_not_a_count(self, i: int, j: int) -> bool:
        """A run of number words [i, j) next to an ordinal word, or an English "twenty-first"."""
        ordinals = self.w.kind("ordinal")
        if self.t.word(i - 1) in ordinals and self.t.gap(i).strip() == "":
            return True
        return j < len(self.t) and self.t.gap(j) == "-" and self.t.word(j) in ordinals

    # ------------------------------------------------------------ numbers

    def number(self, i: int) -> _Number | None:
        """A number at token i: digits with an optional multiplier word, or a run of number words."""
        if i >= len(self.t) or self.in_time[i]:
            return None
        if self.t.is_digits(i):
            return self._digits(i)
        return self._words_run(i)

    def _digits(self, i: int) -> _Number | None:
        if self._digits_not_a_count(i):
            return None
        value = digits_value(self.t.word(i))
        if value is None:
            return None
        hit = self.phrase(i + 1, "multiplier", ())
        if hit and self.t.gap(i + 1).strip() == "":
            m = int(hit[1])
            return _Number(value * m, i, hit[2], m)
        if value != int(value):
            return None  # 1.5 with no multiplier measures something; it counts nothing
        return _Number(value, i, i + 1, 1)

    def _words_run(self, i: int) -> _Number | None:
        teen, conj = self.w.kind("teen_base"), self.w.kind("conjunction")
        total, current, j, found, last_multiplier = 0, 0, i, False, 1
        before_addend: tuple[int, int, int] | None = None  # (total, current, j) before a joined part
        while j < len(self.t) and not self.in_time[j]:
            gap = self.t.gap(j).strip() if found else ""
            if gap not in ("", "-"):
                break
            k, joined = j, False
            if found and self.t.word(j) in conj:  # "and fifty", "و 20"
                k, joined = j + 1, True
            if found and not joined and self.t.word(j) in teen and 1 <= current % 100 <= 9:
                current += int(teen[self.t.word(j)])  # خمسة عشر
                j += 1
                continue
            hit = self.phrase(k, "unit")
            if hit:
                joined = joined or hit[3] in conj  # "وعشرين"
                value = int(hit[1])
                if found:
                    if hit[3] and not joined:
                        break  # "ب" + number: a new phrase
                    arabic_tens = joined and 1 <= current % 100 <= 9 and value % 10 == 0 and 20 <= value <= 90
                    if not (value < _magnitude(current) or arabic_tens):
                        break  # two numbers side by side, or "عشرة وعشرين"
                if found:
                    before_addend = (total, current, j)
                current += value
                j, found = hit[2], True
                continue
            m_hit = self.phrase(k, "multiplier")
            if m_hit and not found and (self.phrase(k, "vague") or self.t.is_digits(k - 1)):
                break  # "آلاف" alone is vague; "million" after "$2" is not a number of its own
            if m_hit:
                m = int(m_hit[1])
                if (joined or m_hit[3] in conj) and current:
                    break  # "مئة وألف" is not one number
                if found and m_hit[3] and m_hit[3] not in conj:
                    break
                if current >= m and before_addend:
                    total, current, j = before_addend  # "ألفين وثلاثة آلاف": the part opened a new number
                    break
                current = max(current, 1) * m
                if m >= 1000:
                    total, current = total + current, 0
                j, found, last_multiplier = m_hit[2], True, m
                continue
            break
        if not found or self._word_not_a_count(i, j):
            return None
        return _Number(total + current, i, j, last_multiplier)

    # ------------------------------------------------------------ quantities

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.t.start(i), self.t.end(j - 1)

    def quantity(self, n: _Number, start_token: int, qualifier: str, end_token: int | None = None) -> Quantity:
        value = int(round(n.value))
        low, high = bounds(value, qualifier)
        return Quantity(*self.span(start_token, end_token or n.end), value, low, high, qualifier,
                        *self.span(n.start, n.end))

    def range_of(self, start_token: int, first: _Number, second: _Number) -> Quantity | None:
        low = first.value
        if first.multiplier == 1 and second.multiplier > 1 and low * second.multiplier <= second.value:
            low *= second.multiplier  # "between two and three thousand"
        if second.value <= low:
            return None
        upper = self.quantity(second, second.start, "exact")
        start, end = self.span(start_token, second.end)
        return Quantity(start, end, int(low), int(low), int(second.value), "range",
                        *self.span(first.start, first.end), upper)

    def _joined_second(self, first: _Number, kind: str) -> _Number | None:
        k = first.end
        if k < len(self.t) and self.t.gap(k).strip() == "-" and kind == "range_bare":
            return self.number(k)
        if k < len(self.t) and self.t.word(k) in self.w.kind(kind):
            return self.number(k + 1)
        if kind == "range_join" and k < len(self.t):  # "و40" is split by the tokenizer; "وعشرين" is not
            hit = self.phrase(k, "unit")
            if hit and hit[3] in self.w.kind(kind):
                return self._words_run(k)
        return None

    def at(self, i: int) -> tuple[Quantity | None, int]:
        if not self.t.is_digits(i) and not any(
                form in self.w.starters for form, _ in self.t.forms(i, self.w.proclitics + self.w.articles)):
            return None, i + 1
        starter = self.phrase(i, "range_start")
        if starter:
            first = self.number(starter[2])
            second = self._joined_second(first, "range_join") if first else None
            q = self.range_of(i, first, second) if second else None
            if q:
                return q, second.end
        qualifier, j, n = "exact", i, None
        hit = self.phrase(i, "qualifier")
        if hit:
            n = self.number(hit[2]) or self._definite_multiplier(hit[2])
            if n or self.phrase(hit[2], "vague"):
                qualifier, j = hit[1], hit[2]
        vague = self.phrase(j, "vague", self.w.proclitics + self.w.articles)
        if vague and not n and not self.number(j):
            return self._vague(i, j, vague)
        n = n or self.number(j)
        if n is None:
            return None, i + 1
        second = self._joined_second(n, "range_bare")
        if second and qualifier == "exact":
            q = self.range_of(i, n, second)
            if q:
                return q, second.end
        after = self.phrase(n.end, "qualifier_after")
        if after and qualifier == "exact" and self.t.gap(n.end).strip() in ("", "-"):
            return self.quantity(n, i, after[1], after[2]), after[2]
        if qualifier == "exact":
            after = self._qualifier_after_noun(n.end)
            if after:
                qualifier = after
        return self.quantity(n, i, qualifier), n.end

    def _definite_multiplier(self, k: int) -> _Number | None:
        """"قرابة الألف جندي": after a qualifier, a multiplier with the article counts itself."""
        hit = self.phrase(k, "multiplier", self.w.articles) if k < len(self.t) else None
        if hit and hit[3] and not self.phrase(k, "vague", self.w.articles):
            return _Number(int(hit[1]), k, hit[2], int(hit[1]))
        return None

    def _qualifier_after_noun(self, k: int) -> str | None:
        """"200 شاحنة تقريبا", "50 fighters or more": the qualifier follows the counted noun."""
        for step in (1, 2):
            if k + step >= len(self.t) or any(self.t.gap(x).strip() for x in range(k, k + step + 1)):
                return None
            hit = self.phrase(k + step, "qualifier_after")
            if hit:
                return hit[1]
        return None

    def _vague(self, i: int, j: int, vague: tuple[str, str, int]) -> tuple[Quantity, int]:
        low_text, _, high_text = vague[1].partition("..")
        low, high = int(low_text or 0) or None, int(high_text) if high_text else None
        end = vague[2]
        prefixes = tuple(self.w.proclitics) + tuple(self.w.articles)
        m_hit = self.phrase(end, "multiplier", prefixes) if end < len(self.t) else None
        if m_hit and self.t.gap(end).strip() == "":
            m = int(m_hit[1])
            low, high = (low or 2) * m, ((high + 1) * m - 1) if high else 10 * m - 1
            end = m_hit[2]
        start, stop = self.span(i, end)
        return Quantity(start, stop, None, low, high, "vague", *self.span(j, end)), end

    def scan(self) -> list[Quantity]:
        found: list[Quantity] = []
        i = 0
        while i < len(self.t):
            q, nxt = self.at(i)
            if q is not None:
                found.append(q)
            i = max(nxt, i + 1)
        return found


def find_quantities(folded: str, lang: str) -> list[Quantity]:
    """Every quantity in ``folded`` text, sorted by position and non-overlapping."""
    from posture.extract.dates import time_expression_spans

    lang = table_language(lang, "numbers.tsv")
    return _Scanner(folded, lang, time_expression_spans(folded, lang)).scan()
