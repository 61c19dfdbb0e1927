"""Time expressions in folded Arabic and English text, resolved against the publication date.

Words are data (``posture/data/lexicons/<lang>/time.tsv``). Resolution rules:
- a weekday (الجمعة, "on Friday") is the latest such day on or before publication;
- اليوم/today, أمس/yesterday, "قبل يومين" count days back from publication;
- "last week"/الأسبوع الماضي, "this month", "last year" give a week, month or year;
- a month without a year (نيسان الماضي, "in April") is the latest such month not after
  publication (the next one after publication with المقبل/next);
- early/mid/late + month (منتصف أبريل, "late August") is that month (precision month);
  + year (أواخر العام الماضي, "late 2023") is the year's first, second or last quarter;
- explicit dates (2025/05/03, 23 تموز, "Feb. 11", "October 15, 2019", الثامن عشر من أيار) are days;
- "less than 48 hours" (before an event told relative to publication) is the week of that day.
Coarse dates are the first day of their period; a week is its Monday.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from posture.extract.lexicon import LEXICON_DIR
from posture.text.normalize import fold

_TOKEN = re.compile(r"\d+|[^\W\d_]+\.?", re.UNICODE)
_PROCLITICS = ("", "و", "ب", "ل", "ف", "وب", "يوم", "ويوم")
_AMBIGUOUS_MONTHS = {"may", "march", "mar."}  # also ordinary words: only with a day or year
_DAY_PREFIXES = {"فجر", "مساء", "صباح", "ليل", "ليله", "يوم", "on", "late", "early", "ظهر"}


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: date
    precision: str  # day, week, month, quarter, year
    relative: bool


@cache
def _table(lang: str) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    path = LEXICON_DIR / lang / "time.tsv"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if not line.strip() or line.startswith("#"):
            continue
        surface, kind, value = (line.split("\t") + ["", ""])[:3]
        table.setdefault(kind, {})[fold(surface)] = value
    return table


def month_words(lang: str) -> set[str]:
    """Month names as single tokens ("oct." also as "oct"), for telling a day number from a count."""
    words = set(_table(lang).get("month", {}))
    return words | {w.rstrip(".") for w in words}


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def period_contains(start: date, precision: str, other: date) -> bool:
    if precision == "day":
        return other == start
    if precision == "week":
        return start <= other < start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[precision]
    index = start.month - 1 + months
    return start <= other < date(start.year + index // 12, index % 12 + 1, 1)


def _month_before(published: date, month: int, future: bool) -> date:
    year = published.year
    if future:
        return date(year + (month <= published.month), month, 1)
    return date(year - (month > published.month), month, 1)


class _Scanner:
    def __init__(self, text: str, lang: str, published: date | None):
        self.text, self.published = text, published
        self.t = _table(lang)
        self.tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.max_words = max((len(k.split()) for kind in self.t.values() for k in kind), default=1)

    def word(self, i: int, kind: str) -> tuple[str, int] | None:
        """A word or phrase of ``kind`` at token i, allowing proclitics on its first word."""
        table = self.t.get(kind, {})
        for n in range(min(self.max_words, len(self.tokens) - i), 0, -1):
            words = [w for w, _, _ in self.tokens[i:i + n]]
            for p in _PROCLITICS:
                if p and not words[0].startswith(p):
                    continue
                head = words[0][len(p):]
                for candidate in (head, "ال" + head if p.endswith(("ب", "ل")) and not head.startswith("ال") else None):
                    if candidate and " ".join([candidate, *words[1:]]) in table:
                        return table[" ".join([candidate, *words[1:]])], i + n
        return None

    def digits(self, i: int, low: int, high: int) -> int | None:
        if i < len(self.tokens) and self.tokens[i][0].isdigit():
            value = int(self.tokens[i][0])
            if low <= value <= high:
                return value
        return None

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.tokens[i][1], self.tokens[j - 1][2]

    def marker(self, j: int) -> tuple[bool, int]:
        """(future, next token) after an optional الماضي / المقبل."""
        if self.word(j, "past_marker"):
            return False, j + 1
        if self.word(j, "future_marker"):
            return True, j + 1
        return False, j

    def at(self, i: int) -> tuple[DateMention | None, int]:
        p = self.published
        # 2025/05/03 or 2025-05-03
        if self.digits(i, 1900, 2100) and i + 2 < len(self.tokens):
            m = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", self.text[self.tokens[i][1]:self.tokens[i][1] + 10])
            if m:
                try:
                    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    return DateMention(self.tokens[i][1], self.tokens[i][1] + m.end(), d, "day", False), i + 3
                except ValueError:
                    pass
        # early/mid/late + month or year
        token = self.tokens[i][0]
        part = self.word(i, "part")
        j = part[1] if part else i
        if not part and token.startswith(("mid-", "early-", "late-")):
            part, j = (token.split("-")[0], i), i  # "mid-april": handled by the month below
        if part:
            kind = part[0]
            month = self.word(j, "month") or (self.t.get("month", {}).get(token.split("-", 1)[-1]), j + 1)
            if month and month[0]:
                year = self.digits(month[1], 1900, 2100)
                future, end = self.marker(month[1] + (year is not None))
                if year:
                    d = date(year, int(month[0]), 1)
                elif p:
                    d = _month_before(p, int(month[0]), future)
                else:
                    return None, i + 1
                return DateMention(*self.span(i, end), d, "month", year is None), end
            period = self.word(j, "relative_period")
            year = self.digits(j, 1900, 2100)
            if (period and period[0].startswith("year")) or year:
                y = year if year else (p.year + int(period[0].split(":")[1]) if p else None)
                if y is None:
                    return None, i + 1
                quarter_month = {"early": 1, "mid": 4, "late": 10}[kind]
                end = j + 1 if year else period[1]
                return DateMention(*self.span(i, end), date(y, quarter_month, 1), "quarter", year is None), end
        # day + month [+ year]: "23 تموز", "الثامن عشر من أيار الماضي", "15 October 2019"
        day = self.digits(i, 1, 31)
        ordinal = None if day else self.word(i, "ordinal")
        if day or ordinal:
            j = i + 1 if day else ordinal[1]
            if not day and j < len(self.tokens) and self.tokens[j][0] == "من":
                j += 1
            month = self.word(j, "month")
            if month:
                year = self.digits(month[1], 1900, 2100)
                future, end = self.marker(month[1] + (year is not None))
                return self.day(i, end, day or int(ordinal[0]), int(month[0]), year, future)
        # month + day [, year]: "Feb. 11", "October 15, 2019"
        month = self.word(i, "month")
        if month:
            day = self.digits(month[1], 1, 31)
            if day and not (month[1] + 1 < len(self.tokens) and self.tokens[month[1] + 1][0] in ("th",)):
                year = self.digits(month[1] + 1, 1900, 2100)
                return self.day(i, month[1] + 1 + (year is not None), day, int(month[0]), year, False)
            year = self.digits(month[1], 1900, 2100)
            if year:
                return DateMention(*self.span(i, month[1] + 1), date(year, int(month[0]), 1), "month", False), month[1] + 1
            if token.rstrip(".") in _AMBIGUOUS_MONTHS or p is None:
                return None, i + 1
            future, end = self.marker(month[1])
            return DateMention(*self.span(i, end), _month_before(p, int(month[0]), future), "month", True), end
        if p is None:
            return None, i + 1
        weekday = self.word(i, "weekday")
        if weekday:
            start = i - 1 if i and self.tokens[i - 1][0] in _DAY_PREFIXES else i
            d = p - timedelta(days=(p.weekday() - int(weekday[0])) % 7)
            return DateMention(*self.span(start, weekday[1]), d, "day", True), weekday[1]
        relative = self.word(i, "relative_day")
        if relative:
            return DateMention(*self.span(i, relative[1]), p - timedelta(days=int(relative[0])), "day", True), relative[1]
        period = self.word(i, "relative_period")
        if period:
            unit, offset = period[0].split(":")
            return DateMention(*self.span(i, period[1]), *_shift(p, unit, int(offset)), True), period[1]
        hours = self.digits(i, 1, 240)
        if hours and i + 1 < len(self.tokens) and self.word(i + 1, "hours"):
            d = p - timedelta(days=-(-hours // 24))
            return DateMention(*self.span(i, i + 2), week_start(d), "week", True), i + 2
        if self.word(i, "year_word"):
            year = self.digits(i + 1, 1900, 2100)
            if year:
                return DateMention(*self.span(i, i + 2), date(year, 1, 1), "year", False), i + 2
        return None, i + 1

    def day(self, i: int, end: int, day: int, month: int, year: int | None, future: bool
            ) -> tuple[DateMention | None, int]:
        if year is None:
            if self.published is None:
                return None, end
            first = _month_before(self.published, month, future)
            year = first.year
            if not future and date(year, month, min(day, 28)) > self.published:
                year -= 1
        day = min(day, calendar.monthrange(year, month)[1])
        return DateMention(*self.span(i, end), date(year, month, day), "day", False), end

    def scan(self) -> list[DateMention]:
        found, i = [], 0
        while i < len(self.tokens):
            mention, nxt = self.at(i)
            if mention:
                found.append(mention)
            i = max(nxt, i + 1)
        return found


def _shift(published: date, unit: str, offset: int) -> tuple[date, str]:
    if unit == "week":
        return week_start(published) + timedelta(weeks=offset), "week"
    if unit == "month":
        index = published.year * 12 + published.month - 1 + offset
        return date(index // 12, index % 12 + 1, 1), "month"
    return date(published.year + offset, 1, 1), "year"


def find_dates(folded: str, lang: str, published: date | None) -> list[DateMention]:
    """Every time expression in ``folded`` text, sorted and non-overlapping."""
    return _Scanner(folded, lang if (LEXICON_DIR / lang / "time.tsv").exists() else "en", published).scan()
