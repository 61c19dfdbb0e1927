"""Quantities: one row per phenomenon, Arabic and English (contract sections 3 and 4.5)."""

import pytest

from posture.extract.extractor import Extractor
from posture.extract.numbers import digits_value, find_quantities
from posture.gazetteer.gazetteer import load_gazetteer
from posture.text.normalize import normalise_for_matching


@pytest.fixture(scope="module")
def gazetteer_extractor() -> Extractor:
    return Extractor(load_gazetteer())


def quantities(text: str, lang: str) -> list[tuple[str, int | None, int | None, int | None, str]]:
    """(text as written, value, min, max, qualifier) of each quantity found in ``text``."""
    folded = normalise_for_matching(text)
    found = []
    for q in find_quantities(folded.text, lang):
        start, end = folded.to_original(q.start, q.end)
        found.append((text[start:end], q.value, q.value_min, q.value_max, q.qualifier))
    return found


EXACT = [
    # digit groups
    ("ar", "وصل 2,000 جندي", "2,000", 2000),
    ("ar", "وصل 2.000 جندي", "2.000", 2000),
    ("ar", "وصل ٢٠٠٠ جندي", "٢٠٠٠", 2000),
    ("ar", "وصل ٢٬٠٠٠ جندي", "٢٬٠٠٠", 2000),
    ("ar", "وصل ۲۰۰۰ جندي", "۲۰۰۰", 2000),
    ("ar", "وصل 2000 جندي", "2000", 2000),
    ("en", "2,000 troops arrived", "2,000", 2000),
    ("en", "1,250,000 rounds", "1,250,000", 1250000),
    ("ar", "وصل الـ900 جندي", "900", 900),
    ("ar", "وصل و40 آلية", "40", 40),
    # decimals with a thousand word
    ("ar", "وصل 1.4 ألف جندي", "1.4 ألف", 1400),
    ("ar", "وصل ١٫٤ ألف جندي", "١٫٤ ألف", 1400),
    ("ar", "2.5 مليون دولار", "2.5 مليون", 2500000),
    ("en", "2.2 thousand troops", "2.2 thousand", 2200),
    ("en", "1.5 million rounds", "1.5 million", 1500000),
    # Arabic number words: units, construct forms, duals of numbers, tens, hundreds, thousands
    ("ar", "ثلاث مدرعات", "ثلاث", 3),
    ("ar", "ثلاثة جنود", "ثلاثة", 3),
    ("ar", "وثلاثة جنود", "وثلاثة", 3),
    ("ar", "عشرين دبابة", "عشرين", 20),
    ("ar", "عشرون دبابة", "عشرون", 20),
    ("ar", "مئتي آلية", "مئتي", 200),
    ("ar", "مائتا آلية", "مائتا", 200),
    ("ar", "ألفين جندي", "ألفين", 2000),
    ("ar", "ألفي جندي", "ألفي", 2000),
    ("ar", "ألف جندي", "ألف", 1000),
    ("ar", "مئة شاحنة", "مئة", 100),
    ("ar", "ثلاثمئة شاحنة", "ثلاثمئة", 300),
    ("ar", "ثلاث مئة شاحنة", "ثلاث مئة", 300),
    ("ar", "ثلاثة آلاف جندي", "ثلاثة آلاف", 3000),
    ("ar", "عشرة آلاف جندي", "عشرة آلاف", 10000),
    ("ar", "عشرين ألف جندي", "عشرين ألف", 20000),
    ("ar", "مئتي ألف لاجئ", "مئتي ألف", 200000),
    # compounds
    ("ar", "خمسة وعشرين جنديا", "خمسة وعشرين", 25),
    ("ar", "خمس وعشرون شاحنة", "خمس وعشرون", 25),
    ("ar", "مئة وخمسين آلية", "مئة وخمسين", 150),
    ("ar", "ثلاثة آلاف وخمسمئة عنصر", "ثلاثة آلاف وخمسمئة", 3500),
    ("ar", "ألفين وخمسمائة عنصر", "ألفين وخمسمائة", 2500),
    ("ar", "خمسة وعشرين ألف جندي", "خمسة وعشرين ألف", 25000),
    ("ar", "ألف ومئتي جندي", "ألف ومئتي", 1200),
    ("ar", "خمسة عشر رتلا", "خمسة عشر", 15),
    ("ar", "إحدى عشرة طائرة", "إحدى عشرة", 11),
    ("ar", "اثنا عشر جنديا", "اثنا عشر", 12),
    # English words
    ("en", "two helicopters landed", "two", 2),
    ("en", "twenty-five vehicles", "twenty-five", 25),
    ("en", "twenty five vehicles", "twenty five", 25),
    ("en", "a dozen tanks", "a dozen", 12),
    ("en", "two dozen trucks", "two dozen", 24),
    ("en", "half a dozen trucks", "half a dozen", 6),
    ("en", "a couple of helicopters", "a couple of", 2),
    ("en", "one hundred and fifty soldiers", "one hundred and fifty", 150),
    ("en", "three thousand troops", "three thousand", 3000),
    ("en", "a hundred troops", "a hundred", 100),
    ("en", "two hundred fifty troops", "two hundred fifty", 250),
]


@pytest.mark.parametrize("lang, text, surface, value", EXACT)
def test_exact_counts(lang, text, surface, value):
    found = quantities(text, lang)
    assert len(found) == 1, found
    written, v, low, high, qualifier = found[0]
    assert (v, low, high) == (value, value, value)
    if surface is not None:
        assert written == surface
    assert qualifier in ("exact", "approx")


QUALIFIED = [
    # (lang, text, value, min, max, qualifier)
    ("ar", "نحو 200 شاحنة", 200, 180, 220, "approx"),
    ("ar", "بنحو 900 جندي", 900, 810, 990, "approx"),
    ("ar", "حوالي 300 جندي", 300, 270, 330, "approx"),
    ("ar", "حوالى 300 جندي", 300, 270, 330, "approx"),
    ("ar", "قرابة 300 جندي", 300, 270, 330, "approx"),
    ("ar", "ما يقارب 400 جندي", 400, 360, 440, "approx"),
    ("ar", "يناهز ألفي جندي", 2000, 1800, 2200, "approx"),
    ("ar", "زهاء ألف جندي", 1000, 900, 1100, "approx"),
    ("ar", "200 شاحنة تقريبا", 200, 180, 220, "approx"),
    ("ar", "أكثر من 500 جندي", 500, 501, None, "more_than"),
    ("ar", "بأكثر من 500 جندي", 500, 501, None, "more_than"),
    ("ar", "ما يزيد عن 600 جندي", 600, 601, None, "more_than"),
    ("ar", "ما يزيد على 600 جندي", 600, 601, None, "more_than"),
    ("ar", "أقل من ألف جندي", 1000, 0, 999, "less_than"),
    ("ar", "ما لا يقل عن 50 آلية", 50, 50, None, "at_least"),
    ("ar", "50 آلية على الأقل", 50, 50, None, "at_least"),
    ("ar", "ما يصل إلى 3000 جندي", 3000, 0, 3000, "at_most"),
    ("ar", "قرابة الألف جندي", 1000, 900, 1100, "approx"),
    ("ar", "تقليص القوات حتى 2000 جندي", 2000, 0, 2000, "at_most"),
    ("ar", "يتجاوز ١٠ آلاف جندي", 10000, 10001, None, "more_than"),
    ("ar", "ألف ونيف جندي", 1000, 1001, None, "more_than"),
    ("en", "100-odd troops", 100, 101, None, "more_than"),
    ("en", "about 200 trucks", 200, 180, 220, "approx"),
    ("en", "nearly 300 troops", 300, 270, 330, "approx"),
    ("en", "some 400 troops", 400, 360, 440, "approx"),
    ("en", "roughly 2,000 troops", 2000, 1800, 2200, "approx"),
    ("en", "about 1.4 thousand troops", 1400, 1260, 1540, "approx"),
    ("en", "200 or so troops", 200, 180, 220, "approx"),
    ("en", "over 500 troops", 500, 501, None, "more_than"),
    ("en", "more than 600 troops", 600, 601, None, "more_than"),
    ("en", "under 700 troops", 700, 0, 699, "less_than"),
    ("en", "fewer than 1,000 troops", 1000, 0, 999, "less_than"),
    ("en", "at least 900 troops", 900, 900, None, "at_least"),
    ("en", "50 fighters or more", 50, 50, None, "at_least"),
    ("en", "up to 1,000 troops", 1000, 0, 1000, "at_most"),
    ("en", "as many as 1,000 troops", 1000, 0, 1000, "at_most"),
    # ranges: the value is the lower bound
    ("ar", "بين 30 و40 آلية", 30, 30, 40, "range"),
    ("ar", "ما بين 30 و 40 آلية", 30, 30, 40, "range"),
    ("ar", "من 30 إلى 40 شاحنة", 30, 30, 40, "range"),
    ("ar", "30 إلى 40 شاحنة", 30, 30, 40, "range"),
    ("ar", "ما بين عشرة وعشرين آلية", 10, 10, 20, "range"),
    ("ar", "بين ألفين وثلاثة آلاف جندي", 2000, 2000, 3000, "range"),
    ("en", "from 30 to 40 vehicles", 30, 30, 40, "range"),
    ("en", "between 30 and 40 trucks", 30, 30, 40, "range"),
    ("en", "30-40 tanks", 30, 30, 40, "range"),
    ("en", "two or three helicopters", 2, 2, 3, "range"),
    ("en", "between two and three thousand troops", 2000, 2000, 3000, "range"),
    # vague amounts with the contract's bounds
    ("ar", "عشرات الآليات", None, 20, 99, "vague"),
    ("ar", "العشرات من الآليات", None, 20, 99, "vague"),
    ("ar", "مئات الجنود", None, 200, 999, "vague"),
    ("ar", "آلاف الجنود", None, 2000, 9999, "vague"),
    ("ar", "عشرات الآلاف من اللاجئين", None, 20000, 99999, "vague"),
    ("ar", "بضعة آلاف جندي", None, 3000, 9999, "vague"),
    ("ar", "عدة شاحنات", None, 2, None, "vague"),
    ("ar", "عدداً من الشاحنات", None, 2, None, "vague"),
    ("ar", "العديد من الحاويات", None, 2, None, "vague"),
    ("ar", "عدد قليل من الشاحنات", None, 2, None, "vague"),
    ("en", "dozens of vehicles", None, 20, 99, "vague"),
    ("en", "hundreds of troops", None, 200, 999, "vague"),
    ("en", "several hundred soldiers", None, 200, 999, "vague"),
    ("en", "tens of thousands of people", None, 20000, 99999, "vague"),
    ("en", "several trucks", None, 2, None, "vague"),
    ("en", "a few trucks", None, 2, None, "vague"),
]


@pytest.mark.parametrize("lang, text, value, low, high, qualifier", QUALIFIED)
def test_qualified_and_vague_amounts(lang, text, value, low, high, qualifier):
    found = quantities(text, lang)
    assert len(found) == 1, found
    assert found[0][1:] == (value, low, high, qualifier)


def test_a_range_keeps_its_upper_number():
    folded = normalise_for_matching("between 30 and 40 trucks").text
    (q,) = find_quantities(folded, "en")
    assert q.upper is not None and q.upper.value == 40 and folded[q.upper.start:q.upper.end] == "40"


def test_a_falling_change_is_two_numbers_not_a_range():
    found = quantities("خفض عدد الجنود من 2000 إلى 1400 جندي", "ar")
    assert [(f[1], f[4]) for f in found] == [(2000, "exact"), (1400, "exact")]


NOT_COUNTS = [
    ("en", "the 30th Armored Brigade"), ("en", "the 2nd Brigade"), ("en", "F-16 jets"),
    ("en", "an M4 highway"), ("en", "S-400 systems"), ("en", "5 percent"), ("en", "10% of them"),
    ("en", "$2 million"), ("en", "at 10:30"), ("en", "the 1990s"), ("en", "resolution no. 2254"),
    ("en", "on April 16"), ("en", "in 2019"), ("en", "Oct. 7, 2023"), ("en", "the twenty-first century"),
    ("ar", "طائرات إيل-76"), ("ar", "5 بالمئة"), ("ar", "5 في المئة"), ("ar", "٥٪ من"),
    ("ar", "عند الساعة 1:23"), ("ar", "في 23 تموز"), ("ar", "الثامن عشر من أيار"), ("ar", "عام 2014"),
    ("ar", "منذ 2019"), ("ar", "القرن الحادي والعشرين"), ("ar", "القرار رقم 2254"),
    ("ar", "2025/05/03"), ("ar", "قبل ثلاثة أيام"), ("ar", "بعد أقل من 48 ساعة"),
    ("ar", "عناصر اللواء 93"), ("ar", "على الطريق 4"), ("ar", "مطار T4"), ("en", "Highway 4"), ("en", "in 1948"),
]


@pytest.mark.parametrize("lang, text", NOT_COUNTS)
def test_labels_dates_and_ratios_are_not_counts(lang, text):
    assert quantities(text, lang) == []


def test_several_quantities_in_one_sentence_keep_their_order_and_spans():
    text = "ضم الرتل نحو 25 شاحنة وعشرات الآليات و3 مدرعات"
    assert [f[0] for f in quantities(text, "ar")] == ["نحو 25", "وعشرات", "3"]


def test_unknown_language_falls_back_to_english_words():
    assert quantities("about 200 trucks", "xx")[0][1:] == (200, 180, 220, "approx")


@pytest.mark.parametrize("token, value", [("2,000", 2000), ("2.000", 2000), ("1.4", 1.4), ("1,5", 1.5),
                                          ("12", 12), ("1.2.3", None)])
def test_digit_groups(token, value):
    assert digits_value(token) == value


def test_a_dual_noun_counts_two(gazetteer_extractor):
    tables = gazetteer_extractor.extract("a1", "هبطت طائرة شحن برفقة مروحيتين حربيتين في قاعدة حميميم.",
                                         "ar", None)
    counts = {a["asset_type"]: a["count"] for a in tables.movement_assets}
    assert counts.get("helicopter") == 2 and counts.get("cargo_aircraft") == 1


@pytest.mark.parametrize("body, asset_type, count", [
    ("انسحب عشرون جندياً من قاعدة الشدادي.", "troops", 20),
    ("انسحب ما يزيد على مئة وخمسين جنديا من قاعدة التنف.", "troops", 150),
    ("غادر رتل يضم ثلاثين شاحنة قاعدة الشدادي.", "truck", 30),
    ("A convoy of about 40 trucks left the Conoco gas field.", "truck", 40),
    ("Two dozen armored vehicles arrived at the Qasrak base.", "armored_vehicle", 24),
])
def test_a_movement_counts_its_assets(gazetteer_extractor, body, asset_type, count):
    lang = "en" if body.isascii() else "ar"
    tables = gazetteer_extractor.extract("a1", body, lang, None)
    counts = {a["asset_type"]: a["count"] for a in tables.movement_assets}
    assert counts.get(asset_type) == count, tables.movement_assets


def test_a_token_the_scan_skips_would_have_started_no_quantity(monkeypatch):
    """The scan looks for a quantity only at digits and at words whose readings can open one there
    (``Tokens.openers``, ``Tokens.kinds_at``): looking at every token finds the same."""
    from posture.extract import numbers
    from posture.extract.dates import time_expression_spans
    from posture.extract.wordtables import Tokens
    from tests.sample_texts import folded_articles

    texts = [(lang, text, time_expression_spans(text, lang)) for lang, text in folded_articles()]
    fast = [find_quantities(text, lang, spans) for lang, text, spans in texts]
    assert sum(map(len, fast)) > 200
    monkeypatch.setattr(Tokens, "openers", lambda self, words, prefixes=None: list(range(self.n)))
    monkeypatch.setattr(Tokens, "kinds_at", lambda self, i, table, prefixes=None: frozenset(numbers._STARTING_KINDS))
    assert [find_quantities(text, lang, spans) for lang, text, spans in texts] == fast
