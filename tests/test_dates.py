"""Time expressions resolved against the publication date: one row per phenomenon (contract section 3)."""

from datetime import date

import pytest

from posture.extract.dates import _Scanner, find_dates, period_start, scan_dates, shift, time_expression_spans
from posture.text.normalize import normalise_for_matching
from tests.sample_texts import folded_articles

SATURDAY = date(2025, 5, 3)  # publication dates used below
FRIDAY = date(2025, 4, 18)


def dates(text: str, lang: str, published: date | None) -> list[tuple[str, str, str]]:
    """(text as written, ISO date, precision) of each time expression found in ``text``."""
    folded = normalise_for_matching(text)
    found = []
    for d in find_dates(folded.text, lang, published):
        start, end = folded.to_original(d.start, d.end)
        found.append((text[start:end], d.date.isoformat(), d.precision))
    return found


CASES = [
    # (lang, published, text, expected date, precision, the expression as written or None)
    # weekdays: the latest such day on or before publication
    ("ar", SATURDAY, "انسحب الرتل الجمعة من القاعدة", "2025-05-02", "day", "الجمعة"),
    ("ar", SATURDAY, "انسحب الرتل يوم الجمعة", "2025-05-02", "day", "يوم الجمعة"),
    ("ar", SATURDAY, "انسحب الرتل فجر الخميس", "2025-05-01", "day", "فجر الخميس"),
    ("ar", SATURDAY, "انسحب الرتل السبت", "2025-05-03", "day", "السبت"),
    ("ar", SATURDAY, "انسحب الرتل السبت الماضي", "2025-04-26", "day", "السبت الماضي"),
    ("ar", SATURDAY, "يصل الرتل الاثنين المقبل", "2025-05-05", "day", "الاثنين المقبل"),
    ("ar", SATURDAY, "وصل الرتل الأحد.", "2025-04-27", "day", "الأحد"),
    ("en", FRIDAY, "The convoy left on Friday", "2025-04-18", "day", "on Friday"),
    ("en", FRIDAY, "troops rolled in late on Monday", "2025-04-14", "day", "late on Monday"),
    ("en", FRIDAY, "the convoy left last Friday", "2025-04-11", "day", "last Friday"),
    ("en", FRIDAY, "talks resume next Tuesday", "2025-04-22", "day", "next Tuesday"),
    ("en", FRIDAY, "Thursday's convoy", "2025-04-17", "day", None),
    # days counted from publication
    ("ar", SATURDAY, "انسحب الرتل أمس", "2025-05-02", "day", "أمس"),
    ("ar", SATURDAY, "انسحب الرتل مساء أمس", "2025-05-02", "day", "مساء أمس"),
    ("ar", SATURDAY, "انسحب الرتل بالأمس", "2025-05-02", "day", "بالأمس"),
    ("ar", SATURDAY, "انسحب الرتل اليوم", "2025-05-03", "day", "اليوم"),
    ("ar", SATURDAY, "انسحب الرتل أول أمس", "2025-05-01", "day", "أول أمس"),
    ("ar", SATURDAY, "انسحب الرتل أول من أمس", "2025-05-01", "day", "أول من أمس"),
    ("ar", SATURDAY, "تمركزت القوات قبل ساعات", "2025-05-03", "day", "قبل ساعات"),
    ("ar", SATURDAY, "انسحب الرتل قبل يومين", "2025-05-01", "day", "قبل يومين"),
    ("ar", SATURDAY, "انسحب الرتل قبل ثلاثة أيام", "2025-04-30", "day", "قبل ثلاثة أيام"),
    ("ar", SATURDAY, "انسحب الرتل منذ أسبوع", "2025-04-26", "day", "منذ أسبوع"),
    ("ar", SATURDAY, "انسحب الرتل قبل شهرين", "2025-03-01", "month", "قبل شهرين"),
    ("en", FRIDAY, "the convoy left yesterday", "2025-04-17", "day", "yesterday"),
    ("en", FRIDAY, "the convoy left today", "2025-04-18", "day", "today"),
    ("en", FRIDAY, "the convoy left the day before yesterday", "2025-04-16", "day", "the day before yesterday"),
    ("en", FRIDAY, "the convoy left two days ago", "2025-04-16", "day", "two days ago"),
    ("en", FRIDAY, "the convoy left three weeks ago", "2025-03-28", "day", "three weeks ago"),
    ("en", FRIDAY, "the base closed a year ago", "2024-01-01", "year", "a year ago"),
    # weeks, months and years relative to publication
    ("ar", SATURDAY, "انسحب الرتل الأسبوع الماضي", "2025-04-21", "week", "الأسبوع الماضي"),
    ("ar", SATURDAY, "انسحب الرتل خلال الأسبوع الفائت", "2025-04-21", "week", "الأسبوع الفائت"),
    ("ar", SATURDAY, "انسحب الرتل الشهر الماضي", "2025-04-01", "month", "الشهر الماضي"),
    ("ar", SATURDAY, "منذ مطلع الشهر الجاري", "2025-05-01", "month", "مطلع الشهر الجاري"),
    ("ar", SATURDAY, "انسحب الرتل العام الماضي", "2024-01-01", "year", "العام الماضي"),
    ("ar", SATURDAY, "انسحب الرتل هذا العام", "2025-01-01", "year", "هذا العام"),
    ("ar", SATURDAY, "انسحب الرتل للعام الماضي", "2024-01-01", "year", "للعام الماضي"),
    ("ar", SATURDAY, "انسحب الرتل الأسبوع قبل الماضي", "2025-04-14", "week", "الأسبوع قبل الماضي"),
    ("ar", SATURDAY, "في الأول من الشهر الجاري", "2025-05-01", "day", "الأول من الشهر الجاري"),
    ("ar", SATURDAY, "في 15 من الشهر الماضي", "2025-04-15", "day", "15 من الشهر الماضي"),
    ("ar", SATURDAY, "منذ مطلع الشهر", "2025-05-01", "month", "مطلع الشهر"),
    ("en", FRIDAY, "the convoy left the week before last", "2025-03-31", "week", "the week before last"),
    ("en", FRIDAY, "on the 15th of last month", "2025-03-15", "day", "15th of last month"),
    ("en", FRIDAY, "the convoy left last week", "2025-04-07", "week", "last week"),
    ("en", FRIDAY, "the convoy left earlier this month", "2025-04-01", "month", "this month"),
    ("en", FRIDAY, "the convoy left last month", "2025-03-01", "month", "last month"),
    ("en", FRIDAY, "the convoy left this year", "2025-01-01", "year", "this year"),
    # early / mid / late + month (a month) or + year (a quarter)
    ("ar", SATURDAY, "في منتصف أبريل الماضي", "2025-04-01", "month", "منتصف أبريل الماضي"),
    ("ar", SATURDAY, "في منتصف نيسان", "2025-04-01", "month", "منتصف نيسان"),
    ("ar", SATURDAY, "في مطلع شباط", "2025-02-01", "month", "مطلع شباط"),
    ("ar", SATURDAY, "في أوائل آذار", "2025-03-01", "month", "أوائل آذار"),
    ("ar", SATURDAY, "في أواخر كانون الثاني", "2025-01-01", "month", "أواخر كانون الثاني"),
    ("ar", SATURDAY, "في بداية فبراير الماضي", "2025-02-01", "month", "بداية فبراير الماضي"),
    ("ar", SATURDAY, "أواخر العام الماضي", "2024-10-01", "quarter", "أواخر العام الماضي"),
    ("ar", SATURDAY, "مطلع العام الجاري", "2025-01-01", "quarter", "مطلع العام الجاري"),
    ("ar", SATURDAY, "منذ بداية العام", "2025-01-01", "quarter", "بداية العام"),
    ("ar", SATURDAY, "في منتصف عام 2024", "2024-04-01", "quarter", "منتصف عام 2024"),
    ("ar", SATURDAY, "أواخر الشهر الماضي", "2025-04-01", "month", "أواخر الشهر الماضي"),
    ("en", FRIDAY, "in mid-April", "2025-04-01", "month", "mid-April"),
    ("en", FRIDAY, "in early February", "2025-02-01", "month", "early February"),
    ("en", FRIDAY, "in late August", "2024-08-01", "month", "late August"),
    ("en", FRIDAY, "in late October 2019", "2019-10-01", "month", "late October 2019"),
    ("en", FRIDAY, "at the end of March", "2025-03-01", "month", "the end of March"),
    ("en", FRIDAY, "late last year", "2024-10-01", "quarter", "late last year"),
    ("en", FRIDAY, "early this year", "2025-01-01", "quarter", "early this year"),
    ("en", FRIDAY, "before late 2023", "2023-10-01", "quarter", "late 2023"),
    ("en", FRIDAY, "by mid-2024", "2024-04-01", "quarter", "mid-2024"),
    ("en", FRIDAY, "the end of last year", "2024-10-01", "quarter", "the end of last year"),
    # explicit dates, Levantine and Egyptian month names
    ("ar", SATURDAY, "في 23 تموز", "2024-07-23", "day", "23 تموز"),
    ("ar", SATURDAY, "في 23 أيار", "2024-05-23", "day", "23 أيار"),
    ("ar", SATURDAY, "في 2 أيار", "2025-05-02", "day", "2 أيار"),
    ("ar", date(2025, 5, 29), "في 30 أيار", "2024-05-30", "day", "30 أيار"),
    ("ar", SATURDAY, "الثامن عشر من أيار الماضي", "2024-05-18", "day", "الثامن عشر من أيار الماضي"),
    ("ar", SATURDAY, "الأول من نيسان", "2025-04-01", "day", "الأول من نيسان"),
    ("ar", SATURDAY, "في ٢٠ شباط ٢٠٢٠", "2020-02-20", "day", "٢٠ شباط ٢٠٢٠"),
    ("ar", SATURDAY, "في 20 فبراير 2020", "2020-02-20", "day", "20 فبراير 2020"),
    ("ar", SATURDAY, "في 16 نيسان/أبريل 2025", "2025-04-16", "day", "16 نيسان/أبريل 2025"),
    ("ar", SATURDAY, "في 16 أبريل (نيسان) 2025", "2025-04-16", "day", "16 أبريل (نيسان) 2025"),
    ("ar", SATURDAY, "في 3 تشرين الأول 2024", "2024-10-03", "day", "3 تشرين الأول 2024"),
    ("ar", SATURDAY, "في 3 كانون الأول", "2024-12-03", "day", "3 كانون الأول"),
    ("ar", SATURDAY, "في 5 يونيو", "2024-06-05", "day", "5 يونيو"),
    ("ar", SATURDAY, "في 5 مايو", "2024-05-05", "day", "5 مايو"),
    ("ar", SATURDAY, "السبت 2025/05/03", "2025-05-03", "day", "السبت 2025/05/03"),
    ("ar", SATURDAY, "بتاريخ 2025-04-16", "2025-04-16", "day", "2025-04-16"),
    ("ar", SATURDAY, "بتاريخ 16/04/2025", "2025-04-16", "day", "16/04/2025"),
    ("ar", SATURDAY, "الخميس ٢٠ شباط ٢٠٢٠", "2020-02-20", "day", "الخميس ٢٠ شباط ٢٠٢٠"),
    ("en", FRIDAY, "on April 16", "2025-04-16", "day", "April 16"),
    ("en", FRIDAY, "on April 16th", "2025-04-16", "day", "April 16th"),
    ("en", FRIDAY, "on 16 April 2025", "2025-04-16", "day", "16 April 2025"),
    ("en", FRIDAY, "on the 16th of April", "2025-04-16", "day", "16th of April"),
    ("en", FRIDAY, "on 2025-04-16", "2025-04-16", "day", "2025-04-16"),
    ("en", FRIDAY, "on 4/16/2025", "2025-04-16", "day", "4/16/2025"),
    ("en", FRIDAY, "on Oct. 7, 2023", "2023-10-07", "day", "Oct. 7, 2023"),
    ("en", FRIDAY, "on October 15, 2019", "2019-10-15", "day", "October 15, 2019"),
    ("en", FRIDAY, "on Feb. 11, as part of", "2025-02-11", "day", "Feb. 11"),
    ("en", FRIDAY, "on Thursday, Feb. 20", "2025-02-20", "day", "on Thursday, Feb. 20"),
    ("en", FRIDAY, "on May 5", "2024-05-05", "day", "May 5"),
    ("en", FRIDAY, "on April 30", "2024-04-30", "day", "April 30"),
    ("en", FRIDAY, "from May 1", "2024-05-01", "day", "May 1"),
    # months and years without a day
    ("ar", SATURDAY, "في نيسان الماضي", "2025-04-01", "month", "نيسان الماضي"),
    ("ar", SATURDAY, "في أيار الماضي", "2024-05-01", "month", "أيار الماضي"),
    ("ar", SATURDAY, "في آب الماضي", "2024-08-01", "month", "آب الماضي"),
    ("ar", SATURDAY, "في شهر آب", "2024-08-01", "month", "شهر آب"),
    ("ar", SATURDAY, "في آب", "2024-08-01", "month", "آب"),
    ("ar", SATURDAY, "في تموز المقبل", "2025-07-01", "month", "تموز المقبل"),
    ("ar", SATURDAY, "في نيسان 2024", "2024-04-01", "month", "نيسان 2024"),
    ("ar", SATURDAY, "في أبريل من العام الماضي", "2024-04-01", "month", "أبريل من العام الماضي"),
    ("ar", SATURDAY, "تأسس عام 2014", "2014-01-01", "year", "عام 2014"),
    ("ar", SATURDAY, "منذ 2019", "2019-01-01", "year", "2019"),
    ("ar", SATURDAY, "الانسحاب حتى 2026.", "2026-01-01", "year", "2026"),
    ("ar", SATURDAY, "انسحبت القوات في 2019، ثم عادت", "2019-01-01", "year", "2019"),
    ("ar", SATURDAY, "في الربع الأول من 2025", "2025-01-01", "quarter", "الربع الأول من 2025"),
    ("en", FRIDAY, "in November", "2024-11-01", "month", "November"),
    ("en", FRIDAY, "in March", "2025-03-01", "month", "March"),
    ("en", FRIDAY, "in April 2024", "2024-04-01", "month", "April 2024"),
    ("en", FRIDAY, "next month", "2025-05-01", "month", "next month"),
    ("en", FRIDAY, "in 2019", "2019-01-01", "year", "2019"),
    ("en", FRIDAY, "since 2014", "2014-01-01", "year", "2014"),
    ("en", FRIDAY, "in the first quarter of 2025", "2025-01-01", "quarter", "the first quarter of 2025"),
    # spans measured from another event
    ("ar", SATURDAY, "بعد أقل من 48 ساعة من إرسال رتل", "2025-04-28", "week", "أقل من 48 ساعة"),
    ("ar", SATURDAY, "قبل 48 ساعة", "2025-05-01", "day", "قبل 48 ساعة"),
    ("en", FRIDAY, "48 hours ago", "2025-04-16", "day", "48 hours ago"),
]


@pytest.mark.parametrize("lang, published, text, expected, precision, written", CASES)
def test_time_expressions(lang, published, text, expected, precision, written):
    found = dates(text, lang, published)
    assert len(found) == 1, found
    assert found[0][1:] == (expected, precision)
    if written is not None:
        assert found[0][0] == written


ANCHORED = [
    # (lang, published, text, the date of the last expression, precision)
    ("en", FRIDAY, "a detachment arrived in late October 2019, only to be withdrawn about a month later",
     "2019-11-01", "month"),
    ("en", FRIDAY, "they left on Monday and returned two days later", "2025-04-16", "day"),
    ("en", FRIDAY, "they left on Monday; the following day they returned", "2025-04-15", "day"),
    ("en", FRIDAY, "they left on April 3. Less than 48 hours earlier a convoy arrived", "2025-03-31", "week"),
    ("en", FRIDAY, "fighting on Friday and Saturday", "2025-04-19", "day"),
    ("ar", SATURDAY, "انسحبت القوات ليل السبت - الأحد", "2025-05-04", "day"),
    ("ar", SATURDAY, "وصلت تعزيزات الجمعة والأربعاء", "2025-04-30", "day"),
    ("ar", SATURDAY, "انسحب الرتل الأربعاء وعاد في اليوم التالي", "2025-05-01", "day"),
    ("ar", SATURDAY, "انسحب الرتل في 3 نيسان ثم عاد بعد ذلك بيومين", "2025-04-05", "day"),
    ("ar", SATURDAY, "انسحب الرتل في 3 نيسان وقبل ذلك بأسبوع وصلت تعزيزات", "2025-03-27", "day"),
]


@pytest.mark.parametrize("lang, published, text, expected, precision", ANCHORED)
def test_later_and_earlier_count_from_the_date_told_before(lang, published, text, expected, precision):
    found = dates(text, lang, published)
    assert len(found) == 2, found
    assert found[-1][1:] == (expected, precision)


NOT_DATES = [
    ("en", "they may withdraw"), ("en", "the march to the border"), ("en", "hours of fighting"),
    ("en", "for two weeks"), ("ar", "استمرت المعركة ثلاث ساعات"), ("ar", "الأمين العام للأمم المتحدة"),
    ("ar", "خلال أسبوعين"), ("ar", "مارس ضغوطا على الحكومة"), ("ar", "انتشر في 2000 موقع"),
    ("ar", "نحو 200 شاحنة"),
]


@pytest.mark.parametrize("lang, text", NOT_DATES)
def test_words_that_are_not_dates(lang, text):
    assert dates(text, lang, SATURDAY) == []


def test_without_a_publication_date_only_explicit_dates_resolve():
    text = "انسحب الرتل الجمعة، وفي 23 تموز 2024 وصلت تعزيزات، وقبل يومين غادرت قافلة"
    assert dates(text, "ar", None) == [("23 تموز 2024", "2024-07-23", "day")]
    folded = normalise_for_matching(text).text
    assert len(time_expression_spans(folded, "ar")) == 3  # the unresolved ones still mark their span


@pytest.mark.parametrize("text", ["وقبل يومين من لقاء مرتقب الاثنين", "وقبل 48 ساعة من لقاء مرتقب الاثنين"])
def test_a_span_before_another_event_is_not_resolved_from_publication(text):
    assert [f[0] for f in dates(text, "ar", SATURDAY)] == ["الاثنين"]


@pytest.mark.parametrize("day, precision, start", [
    (date(2025, 5, 3), "week", date(2025, 4, 28)), (date(2025, 5, 3), "month", date(2025, 5, 1)),
    (date(2025, 5, 3), "quarter", date(2025, 4, 1)), (date(2025, 11, 30), "quarter", date(2025, 10, 1)),
    (date(2025, 5, 3), "year", date(2025, 1, 1)), (date(2025, 5, 3), "day", date(2025, 5, 3)),
])
def test_a_coarse_date_is_the_first_day_of_its_period(day, precision, start):
    assert period_start(day, precision) == start


@pytest.mark.parametrize("day, unit, n, expected", [
    (date(2025, 3, 31), "month", -1, date(2025, 2, 28)), (date(2025, 1, 15), "month", -2, date(2024, 11, 15)),
    (date(2024, 2, 29), "year", 1, date(2025, 2, 28)), (date(2025, 5, 3), "week", -1, date(2025, 4, 26)),
])
def test_shifting_dates(day, unit, n, expected):
    assert shift(day, unit, n) == expected


# ------------------------------------------------------------------ the scanner's shortcuts

def _real_texts() -> list[tuple[str, str]]:
    return [*folded_articles(), *((lang, normalise_for_matching(text).text) for lang, _, text, *_ in CASES)]


def test_a_rule_skipped_at_a_token_would_have_found_nothing_there(monkeypatch):
    """The scanner tries at each token only the rules its words can open (``RULE_OPENERS``): trying
    every rule everywhere finds the same expressions."""
    texts = _real_texts()
    assert len(texts) > 100
    fast = [scan_dates(text, lang, published) for lang, text in texts for published in (SATURDAY, None)]
    monkeypatch.setattr(_Scanner, "rules_at", lambda self, i: _Scanner.RULES)
    assert [scan_dates(text, lang, published) for lang, text in texts for published in (SATURDAY, None)] == fast


def test_where_an_expression_lies_does_not_depend_on_the_publication_date():
    """Numbers inside time expressions are not counts: the spans are read once, with the publication
    date, and serve both (``scan_dates``)."""
    for lang, text in _real_texts():
        spans = time_expression_spans(text, lang)
        for published in (SATURDAY, FRIDAY, date(2019, 12, 31), date(2024, 2, 29)):
            assert scan_dates(text, lang, published)[1] == spans
