"""Time expressions in folded Arabic and English text, resolved against the publication date.

Words are data (``posture/data/lexicons/<lang>/time.tsv``, its kinds are described at its top);
this module is the grammar. Resolution rules (contract section 3: a coarse date is the first
day of its period, a week is its ISO week, starting on Monday):
- explicit dates are days: 2025/05/03, 2025-05-03, 03/05/2025, "23 تموز", "الثامن عشر من أيار",
  "April 16", "April 16th", "16 April 2025", "Oct. 7, 2023"; a month with a year is a month
  ("April 2025", "نيسان من العام الماضي"); a year after عام/in/since is a year; a quarter is a quarter;
- a day or month without a year is the latest such day or month not after publication (the
  next one with المقبل/next; strictly before it with الماضي/last);
- a weekday (الجمعة, "on Friday") is the latest such day on or before publication (strictly
  before with الماضي/last, after with المقبل/next); with an explicit date beside it, that date;
- اليوم/today, أمس/yesterday, أول أمس count days back from publication;
- "last week"/الأسبوع الماضي, "this month", "last year" are that week, month or year;
- early/mid/late + month ("mid-April", منتصف أبريل) is that month (precision month); + year
  ("late last year", أواخر العام الماضي, "late 2023") is its first, second or last quarter;
- "N units ago"/قبل N unit/منذ N unit count back from publication; "N units later/earlier",
  "the next day"/اليوم التالي count from the date told just before (the anchor): the result
  is as coarse as the anchor ("late October 2019 ... a month later" is November 2019, a month);
- "[less than] N hours" before or after an event told relative to publication is the week of
  the day N hours before publication.
Expressions that cannot be resolved (no publication date, "two days before the meeting") still
mark their span, so that their numbers are not read as counts.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from posture.extract.wordtables import Tokens, WordTable, table_language, word_table

PRECISIONS = ("day", "week", "month", "quarter", "year")
_YEAR_RANGE = (1900, 2100)
_BARE_YEAR_RANGE = (1900, 2050)  # a year after a plain preposition (في 2019, in 2019)
_ISO = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?!\d)")
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
_QUARTER_START = {"early": 1, "mid": 4, "late": 10}
_STARTING_KINDS = ("part", "quarter", "ordinal", "month", "month_word", "weekday", "anchor_day", "relative_day",
                   "relative_period", "offset_before", "year_word", "year_cue", "count_word")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: date
    precision: str  # day, week, month, quarter, year
    relative: bool  # resolved from the publication date or from the date told before


@dataclass(frozen=True)
class _Hit:
    start: int  # folded offsets
    end: int
    next_token: int
    date: date | None  # None when it cannot be resolved
    precision: str
    relative: bool
    rule: str = ""  # the rule that read it


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def period_start(d: date, precision: str) -> date:
    """The first day of the period of ``precision`` that contains ``d``."""
    if precision == "week":
        return week_start(d)
    if precision == "month":
        return d.replace(day=1)
    if precision == "quarter":
        return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    if precision == "year":
        return date(d.year, 1, 1)
    return d


def next_period_start(d: date, precision: str) -> date:
    """The first day after the period of ``precision`` that starts at (or contains) ``d``."""
    start = period_start(d, precision)
    if precision == "quarter":
        return shift(start, "month", 3)
    if precision in ("week", "month", "year"):
        return shift(start, precision, 1)
    return start + timedelta(days=1)


def period_contains(start: date, precision: str, other: date) -> bool:
    return period_start(other, precision) == start


def shift(d: date, unit: str, n: int) -> date:
    """``d`` moved by n days, weeks, months or years (a month's last day when the day is past it)."""
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    months = n * (12 if unit == "year" else 1)
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return clamped_date(year, month + 1, d.day)


def clamped_date(year: int, month: int, day: int) -> date:
    """The date, or the month's last day when the day is past it (31 April -> 30 April)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def coarser(a: str, b: str) -> str:
    return a if PRECISIONS.index(a) >= PRECISIONS.index(b) else b


@cache
def _words(lang: str) -> WordTable:
    return word_table(lang, "time.tsv")


@cache
def _starters(lang: str) -> frozenset[str]:
    """Every word an expression can start with: the first words of the kinds that open one, number
    words and qualifiers (a token that is none of them, nor digits, starts nothing)."""
    numbers, time = word_table(lang, "numbers.tsv"), _words(lang)
    return frozenset([*(w for kind in _STARTING_KINDS for w in time.index.get(kind, {})),
                      *numbers.index.get("unit", {}), *numbers.index.get("qualifier", {})])


class _Scanner:
    def __init__(self, text: str, lang: str, published: date | None):
        self.lang, self.published = lang, published
        self.w = _words(lang)
        self.numbers = word_table(lang, "numbers.tsv")
        self.t = Tokens(text, tuple(self.w.get("proclitic")))
        self.text = text
        self.anchor: tuple[date, str] | None = None  # the last date told
        self.starters = _starters(lang)
        self.previous: _Hit | None = None  # the last expression read

    # ------------------------------------------------------------ lookups

    def phrase(self, i: int, kind: str, table: WordTable | None = None):
        return self.t.phrase(i, table or self.w, kind)

    def value(self, i: int, kind: str) -> tuple[str, int] | None:
        """(value, next token) of a phrase of ``kind`` at token i, when it follows token i-1 closely."""
        if i >= len(self.t) or self.t.gap(i).strip() not in ("", "-", ","):
            return None
        hit = self.phrase(i, kind)
        return (hit[1], hit[2]) if hit else None

    def digits(self, i: int, low: int, high: int) -> int | None:
        word = self.t.word(i)
        if word.isdigit() and low <= int(word) <= high:
            return int(word)
        return None

    def prefix_start(self, i: int, kind: str) -> int:
        """The first token of a phrase of ``kind`` that ends right before token i ("late on" Friday)."""
        for back in range(min(3, i), 0, -1):
            hit = self.phrase(i - back, kind)
            if hit and hit[2] == i and self.t.gap(i).strip() == "":
                return i - back
        return i

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.t.start(i), self.t.end(j - 1)

    def hit(self, i: int, j: int, d: date | None, precision: str, relative: bool) -> _Hit:
        return _Hit(*self.span(i, j), j, d, precision, relative)

    # ------------------------------------------------------------ pieces

    def count(self, i: int) -> tuple[int, int] | None:
        """(number, next token): digits, a number word (ثلاثة, two) or "a"/"an"."""
        n = self.digits(i, 1, 999)
        if n is not None:
            return n, i + 1
        hit = self.phrase(i, "unit", self.numbers) or self.phrase(i, "count_word")
        return (int(hit[1]), hit[2]) if hit else None

    def marker(self, j: int) -> tuple[int | None, int]:
        """(direction, next token) of a past (-1) or future (+1) marker after a name (نيسان الماضي)."""
        for kind, direction in (("past_marker", -1), ("future_marker", 1)):
            hit = self.phrase(j, kind) if j < len(self.t) and self.t.gap(j).strip() == "" else None
            if hit and hit[1] == "after":
                return direction, hit[2]
        return None, j

    def marker_before(self, i: int) -> tuple[int | None, int]:
        """(direction, first token) of a marker before a name ("last April", "next Friday")."""
        for kind, direction in (("past_marker", -1), ("future_marker", 1)):
            start = self.prefix_start(i, kind)
            if start < i and self.phrase(start, kind)[1] == "before":
                return direction, start
        return None, i

    def year_ref(self, j: int, comma: bool = False) -> tuple[int | None, int, bool] | None:
        """(year, next token, relative) of a year after a day, month or part: 2025, عام 2025, من العام
        الماضي, of last year ("Oct. 7, 2023" with ``comma``). The year is None when it is relative and
        there is no publication date."""
        allowed = ("", "-", ",") if comma else ("", "-")
        starts = (j + 1, j) if self.value(j, "of_word") else (j,)
        for start in starts:
            if start >= len(self.t) or self.t.gap(start).strip() not in allowed:
                continue
            word = self.phrase(start, "year_word")
            at = word[2] if word else start
            year = self.digits(at, *_YEAR_RANGE)
            if year is not None and (at == start or self.t.gap(at).strip() == ""):
                return year, at + 1, False
            period = self.phrase(start, "relative_period")
            if period and period[1].startswith("year:"):
                offset = int(period[1].split(":")[1])
                return (self.published.year + offset if self.published else None), period[2], True
        return None

    def month_at(self, j: int) -> tuple[int, int, bool] | None:
        """(month, next token, ambiguous) of a month name at j, with "شهر" before it and a second
        name after it (نيسان/أبريل, أبريل (نيسان)). ``ambiguous``: the name is also an ordinary word."""
        named = j < len(self.t) and self.phrase(j, "month_word") and self.phrase(j + 1, "month")
        hit = self.phrase(j + 1 if named else j, "month")
        if not hit:
            return None
        month, nxt = int(hit[1]), hit[2]
        again = self.phrase(nxt, "month") if nxt < len(self.t) and self.t.gap(nxt).strip() in ("", "/") else None
        if again and int(again[1]) == month:
            nxt = again[2]
        return month, nxt, hit[0] in self.w.get("ambiguous") and not named

    def month_date(self, month: int, direction: int | None) -> date | None:
        """The first day of the latest such month not after publication (see the module rules)."""
        p = self.published
        if p is None:
            return None
        if direction == 1:
            return date(p.year + (month <= p.month), month, 1)
        if direction == -1:
            return date(p.year - (month >= p.month), month, 1)
        return date(p.year - (month > p.month), month, 1)

    def day_date(self, day: int, month: int, direction: int | None) -> date | None:
        """A day of a month told without a year: the latest such day not after publication (the
        next one with a future marker)."""
        first = self.month_date(month, direction if direction == 1 else None)
        if first is None:
            return None
        d = clamped_date(first.year, month, day)
        if direction != 1 and d > self.published:
            d = clamped_date(first.year - 1, month, day)
        return d

    # ------------------------------------------------------------ rules

    def numeric(self, i: int) -> _Hit | None:
        if not self.t.is_digits(i):
            return None
        start = self.t.start(i)
        raw = self.text[start:start + 10]
        parts = None
        m = _ISO.match(raw)
        if m:
            parts = int(m.group(1)), int(m.group(3)), int(m.group(4))
        else:
            m = _DMY.match(raw)
            if m:
                first, second = int(m.group(1)), int(m.group(3))
                if self.lang == "en" and first <= 12 < second:
                    first, second = second, first  # 4/16/2025
                parts = int(m.group(4)), second, first
        if not parts:
            return None
        try:
            d = date(*parts)
        except ValueError:
            return None
        end = start + m.end()
        nxt = next((k for k in range(i, len(self.t)) if self.t.start(k) >= end), len(self.t))
        return _Hit(start, end, nxt, d, "day", False)

    def with_part(self, i: int) -> _Hit | None:
        part = self.phrase(i, "part")
        if not part:
            return None
        kind, j = part[1], part[2]
        if j >= len(self.t) or self.t.gap(j).strip() not in ("", "-"):
            return None
        month = self.month_at(j)
        if month:
            year = self.year_ref(month[1])
            if year:
                d = date(year[0], month[0], 1) if year[0] else None
                return self.hit(i, year[1], d, "month", year[2])
            direction, end = self.marker(month[1])
            return self.hit(i, end, self.month_date(month[0], direction), "month", True)
        period = self.phrase(j, "relative_period")
        if period:
            unit, offset = period[1].split(":")
            if unit == "year":
                d = date(self.published.year + int(offset), _QUARTER_START[kind], 1) if self.published else None
                return self.hit(i, period[2], d, "quarter", True)
            return self.relative_period_hit(i, period[2], unit, int(offset))
        year = self.year_ref(j)
        if year:
            d = date(year[0], _QUARTER_START[kind], 1) if year[0] else None
            return self.hit(i, year[1], d, "quarter", year[2])
        this_year = self.phrase(j, "part_year")
        if this_year:
            d = date(self.published.year, _QUARTER_START[kind], 1) if self.published else None
            return self.hit(i, this_year[2], d, "quarter", True)
        this_month = self.phrase(j, "part_month")
        if this_month:
            return self.relative_period_hit(i, this_month[2], "month", 0)
        return None

    def day_of_month(self, i: int) -> tuple[int, int] | None:
        """(day, next token): 23, 16th, الثامن عشر."""
        day = self.digits(i, 1, 31)
        if day is not None and self.t.gap(i + 1) == "" and self.phrase(i + 1, "ordinal_suffix"):
            return day, i + 2
        if day is not None:
            return day, i + 1
        hit = self.phrase(i, "ordinal")
        return (int(hit[1]), hit[2]) if hit else None

    def day_month(self, i: int) -> _Hit | None:
        day = self.day_of_month(i)
        if not day:
            return None
        j = day[1]
        if self.value(j, "of_word") and (self.month_at(j + 1) or self.phrase(j + 1, "month_word")):
            j += 1
        month = self.month_at(j) if j < len(self.t) and self.t.gap(j).strip() == "" else None
        if not month:
            return self.day_of_relative_month(i, day[0], j)
        year = self.year_ref(month[1])
        if month[2] and not year and not self._cued(i):
            return None
        if year:
            d = clamped_date(year[0], month[0], day[0]) if year[0] else None
            return self.hit(i, year[1], d, "day", year[2])
        direction, end = self.marker(month[1])
        return self.hit(i, end, self.day_date(day[0], month[0], direction), "day", True)

    def _cued(self, i: int) -> bool:
        """A month cue or day prefix right before token i (في آب, "on May 5")."""
        return any(self.prefix_start(i, kind) < i for kind in ("month_cue", "day_prefix", "part"))

    def day_of_relative_month(self, i: int, day: int, j: int) -> _Hit | None:
        """"الأول من الشهر الجاري", "the 15th of last month": that day of a month told relative to publication."""
        period = self.phrase(j + 1, "relative_period") if self.value(j, "of_word") else None
        if not period or not period[1].startswith("month:"):
            return None
        d = None
        if self.published:
            first = shift(self.published.replace(day=1), "month", int(period[1].split(":")[1]))
            d = clamped_date(first.year, first.month, day)
        return self.hit(i, period[2], d, "day", True)

    def month_first(self, i: int) -> _Hit | None:
        month = self.month_at(i)
        if not month:
            return None
        direction, first = self.marker_before(i)
        j = month[1]
        day = self.day_of_month(j) if j < len(self.t) and self.t.gap(j).strip() in ("", ".") and \
            self.t.is_digits(j) else None  # "Oct. 7"
        ambiguous = month[2]
        if day:  # "May 5": a name of a month before a day is the month
            year = self.year_ref(day[1], comma=True)
            if year:
                d = clamped_date(year[0], month[0], day[0]) if year[0] else None
                return self.hit(first, year[1], d, "day", year[2])
            return self.hit(first, day[1], self.day_date(day[0], month[0], direction), "day", True)
        year = self.year_ref(j)
        if year:
            return self.hit(first, year[1], date(year[0], month[0], 1) if year[0] else None, "month", year[2])
        after, end = self.marker(j)
        direction = direction or after
        if ambiguous and direction is None and not self._cued(first):
            return None
        return self.hit(first, end, self.month_date(month[0], direction), "month", True)

    def quarter(self, i: int) -> _Hit | None:
        hit = self.phrase(i, "quarter")
        if not hit:
            return None
        year = self.year_ref(hit[2])
        if year:
            d = date(year[0], int(hit[1]) * 3 - 2, 1) if year[0] else None
            return self.hit(i, year[1], d, "quarter", year[2])
        d = date(self.published.year, int(hit[1]) * 3 - 2, 1) if self.published else None
        return self.hit(i, hit[2], d, "quarter", True)

    def weekday(self, i: int) -> _Hit | None:
        hit = self.phrase(i, "weekday")
        if not hit:
            return None
        first = self.prefix_start(i, "day_prefix")
        direction, first_marker = self.marker_before(first)
        after, end = self.marker(hit[2])
        direction = direction or after
        explicit = None
        if end < len(self.t) and self.t.gap(end).strip() in ("", ","):
            explicit = self.numeric(end) or self.day_month(end) or self.month_first(end)
        if explicit:  # "الخميس ٢٠ شباط ٢٠٢٠", "Thursday, Feb. 20"
            return _Hit(self.t.start(min(first, first_marker)), explicit.end, explicit.next_token,
                        explicit.date, explicit.precision, explicit.relative)
        start, wd, d = min(first, first_marker), int(hit[1]), None
        pair = self.weekday_before(start, hit[3])
        if pair and (pair.weekday() + 1) % 7 == wd:  # "ليل السبت - الأحد", "Saturday and Sunday"
            d = pair + timedelta(days=1)
        elif self.published:
            p = self.published
            back = (p.weekday() - wd) % 7
            if direction == -1 and back == 0:
                back = 7
            d = p + timedelta(days=(wd - p.weekday()) % 7 or 7) if direction == 1 else p - timedelta(days=back)
        return self.hit(start, end, d, "day", True)

    def weekday_before(self, start: int, proclitic: str) -> date | None:
        """The date of a weekday told just before the one at ``start`` and joined to it (by "-", "و", "and")."""
        last = self.previous
        if last is None or last.rule != "weekday" or last.date is None:
            return None
        between = self.text[last.end:self.t.start(start)].strip()
        joiners = self.w.get("day_joiner")
        return last.date if between in joiners or (between == "" and proclitic in joiners) else None

    def relative_day(self, i: int) -> _Hit | None:
        hit = self.phrase(i, "relative_day")
        if not hit:
            return None
        d = self.published - timedelta(days=int(hit[1])) if self.published else None
        return self.hit(self.prefix_start(i, "day_prefix"), hit[2], d, "day", True)

    def anchor_day(self, i: int) -> _Hit | None:
        hit = self.phrase(i, "anchor_day")
        if not hit:
            return None
        base = self.anchor or ((self.published, "day") if self.published else None)
        d = period_start(shift(base[0], "day", int(hit[1])), base[1]) if base else None
        return self.hit(self.prefix_start(i, "day_prefix"), hit[2], d, base[1] if base else "day", True)

    def relative_period_hit(self, i: int, j: int, unit: str, offset: int) -> _Hit:
        d = period_start(shift(self.published, unit, offset), unit) if self.published else None
        return self.hit(i, j, d, unit, True)

    def relative_period(self, i: int) -> _Hit | None:
        hit = self.phrase(i, "relative_period")
        if not hit:
            return None
        unit, offset = hit[1].split(":")
        return self.relative_period_hit(i, hit[2], unit, int(offset))

    def offset(self, i: int) -> _Hit | None:
        """قبل يومين, منذ ثلاثة أسابيع, بعد ذلك بأسبوع; "two days ago", "a month later"."""
        before = self.phrase(i, "offset_before")
        j = before[2] if before else i
        count = self.count(j)
        k = count[1] if count else j
        unit = self.phrase(k, "unit") if k < len(self.t) else None
        if not unit or (count and self.t.gap(k).strip()):
            return None
        name, implied = unit[1].split(":")
        n = count[0] if count else (int(implied) if implied else None)
        if n is None or self.digits(unit[2], *_YEAR_RANGE) is not None:
            return None  # "أيام" alone; "منذ عام 2014" is a year
        after = None if before else self.phrase(unit[2], "offset_after")
        if not (before or after):
            return None
        direction = (before or after)[1]
        end = (after or unit)[2]
        if before and direction.startswith("pub") and self.phrase(end, "event_of"):
            return self.hit(i, end, None, "day", True)  # "قبل يومين من لقاء": measured from another event
        if direction.startswith("since"):
            if not self.phrase(end, "event_of"):
                return self.hit(i, end, None, "day", True)  # "بعد يومين": later than something unnamed
            # "بعد يومين من إخراج رتل آخر": the event told next happened that long before now
            return self.resolve_offset(i, self.phrase(end, "event_of")[2], "pub:-1", name, n)
        return self.resolve_offset(i, end, direction, name, n)

    def resolve_offset(self, i: int, end: int, direction: str, unit: str, n: int) -> _Hit:
        base_kind, sign = direction.split(":")
        base = self.anchor if base_kind == "anchor" and self.anchor else \
            ((self.published, "day") if self.published else None)
        if base is None:
            return self.hit(i, end, None, "day", True)
        precision = coarser(base[1], "day" if unit == "week" else unit)
        d = period_start(shift(base[0], unit, n * int(sign)), precision)
        return self.hit(i, end, d, precision, True)

    def hours(self, i: int) -> _Hit | None:
        """"بعد أقل من 48 ساعة من", "less than 48 hours earlier", "قبل 48 ساعة", "48 hours ago"."""
        qualifier = self.phrase(i, "qualifier", self.numbers)
        before = None if qualifier else self.phrase(i, "offset_before")
        j = (qualifier or before)[2] if (qualifier or before) else i
        count = self.count(j)
        unit = self.phrase(count[1], "hours") if count and count[1] < len(self.t) else None
        if not unit:
            return None
        end = unit[2]
        after = self.phrase(end, "offset_after") if end < len(self.t) else None
        if not (qualifier or before or after):
            return None  # "ثلاث ساعات" is a duration, not a time
        days = -(-count[0] // 24)
        if before and before[1].startswith("pub") and self.phrase(end, "event_of"):
            return self.hit(i, end, None, "day", True)  # "قبل 48 ساعة من الهجوم"
        if (before and before[1].startswith("pub")) or (after and after[1].startswith("pub")):
            return self.resolve_offset(i, after[2] if after else end, "pub:-1", "day", round(count[0] / 24))
        base = self.anchor if after and self.anchor else ((self.published, "day") if self.published else None)
        d = week_start(base[0] - timedelta(days=days)) if base else None
        return self.hit(i, after[2] if after else end, d, "week", True)

    def year(self, i: int) -> _Hit | None:
        word = self.phrase(i, "year_word")
        if word and self.t.gap(word[2]).strip() == "":
            year = self.digits(word[2], *_YEAR_RANGE)
            if year is not None:
                return self.hit(i, word[2] + 1, date(year, 1, 1), "year", False)
        cue = self.phrase(i, "year_cue")
        if cue and cue[2] < len(self.t) and self.t.gap(cue[2]).strip() == "":
            year = self.digits(cue[2], *_BARE_YEAR_RANGE)
            last = cue[2] + 1 >= len(self.t)
            after = "" if last else self.t.gap(cue[2] + 1)
            if year is not None and (last or (after != "" and (cue[1] != "strict" or after.strip()))):
                return self.hit(cue[2], cue[2] + 1, date(year, 1, 1), "year", False)
        return None

    # ------------------------------------------------------------ the text

    RULES = ("numeric", "with_part", "quarter", "day_month", "month_first", "weekday", "anchor_day",
             "relative_day", "hours", "offset", "relative_period", "year")

    def at(self, i: int) -> _Hit | None:
        """The longest expression starting at token i (the first rule's on a tie)."""
        if not self.t.is_digits(i) and not any(form in self.starters for form, _ in self.t.forms(i)):
            return None
        best = None
        for rule in self.RULES:
            found = getattr(self, rule)(i)
            if found and (best is None or found.end > best.end):
                best = _Hit(*(found.start, found.end, found.next_token, found.date, found.precision,
                              found.relative), rule)
        return best

    def scan(self) -> list[_Hit]:
        found: list[_Hit] = []
        i = 0
        while i < len(self.t):
            hit = self.at(i)
            if hit is None:
                i += 1
                continue
            if found and hit.start < found[-1].end:  # a lookback reached into the last expression
                hit = _Hit(found[-1].end, hit.end, hit.next_token, hit.date, hit.precision, hit.relative, hit.rule)
            found.append(hit)
            self.previous = hit
            if hit.date is not None:
                self.anchor = (hit.date, hit.precision)
            i = max(hit.next_token, i + 1)
        return found


def find_dates(folded: str, lang: str, published: date | None) -> list[DateMention]:
    """Every resolvable time expression in ``folded`` text, sorted and non-overlapping."""
    hits = _Scanner(folded, table_language(lang, "time.tsv"), published).scan()
    return [DateMention(h.start, h.end, h.date, h.precision, h.relative) for h in hits if h.date is not None]


def time_expression_spans(folded: str, lang: str) -> list[tuple[int, int]]:
    """Spans of every time expression, resolvable or not (their numbers are not counts)."""
    return [(h.start, h.end) for h in _Scanner(folded, table_language(lang, "time.tsv"), None).scan()]
