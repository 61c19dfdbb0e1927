"""Folding keeps a map back to body offsets; the matcher applies Arabic clitic rules from data."""

import pytest

from posture.extract.lexicon import Entry, Lexicon
from posture.extract.matcher import PLACE, Matcher
from posture.text.normalize import canonical_text, fold, normalise_for_matching


def test_canonical_text_is_nfc_unix_and_trimmed():
    assert canonical_text("\ufeff  a\r\nb\rc  ") == "a\nb\nc"


@pytest.mark.parametrize("raw, folded", [
    ("أإآٱ", "اااا"), ("مستشفى", "مستشفي"), ("قاعدة", "قاعده"), ("مـــدرعات", "مدرعات"),
    ("يُقدَّر", "يقدر"), ("٢٠٢٠", "2020"), ("۱۴۰۰", "1400"), ("U.S. Troops", "u.s. troops"),
    ('حقلي "العمر"', "حقلي العمر"), ("«كونيكو»", "كونيكو"),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_offsets_map_back_to_the_original():
    body = 'انسحبت القوات من حقل "العُمَر" النفطي'
    folded = normalise_for_matching(body)
    start = folded.text.index("العمر")
    o_start, o_end = folded.to_original(start, start + len("العمر"))
    assert body[o_start:o_end] == "العُمَر"


def _matcher(entries, places=()):
    lexicon = Lexicon("ar", [Entry(c, fold(s), v, f) for c, s, v, f in entries])
    return Matcher(lexicon, [(fold(n), pid) for n, pid in places])


@pytest.mark.parametrize("text, expected", [
    ("بالحسكة", ("hasakah", "ب")),
    ("والحسكة", ("hasakah", "و")),
    ("للحسكة", ("hasakah", "لل")),
    ("وبالحسكة", ("hasakah", "وب")),
    ('و"كونيكو"', ("conoco", "")),  # the quote splits the conjunction off: it stands alone
])
def test_proclitics_on_names(text, expected):
    m = _matcher([], [("الحسكة", "hasakah"), ("كونيكو", "conoco")])
    found = [x for x in m.find(normalise_for_matching(text).text) if x.category == PLACE]
    assert [(x.place_ids[0], x.prefix) for x in found] == [expected]


def test_names_are_not_found_inside_other_words():
    m = _matcher([], [("عمر", "omar")])
    assert not m.find(normalise_for_matching("المعمرون").text)


@pytest.mark.parametrize("text, dual", [("مروحيتين", True), ("مروحية", False), ("المروحيات", False),
                                        ("قاعدتي", True), ("قاعدتها", False)])
def test_feminine_nouns_take_endings_and_duals(text, dual):
    m = _matcher([("assets", "مروحية", "helicopter", (("number", "sg"),)),
                  ("assets", "مروحيات", "helicopter", (("number", "pl"),)),
                  ("cues", "قاعدة", "place_noun", ())])
    found = m.find(normalise_for_matching(text).text)
    assert len(found) == 1 and found[0].dual is dual


def test_future_prefix_only_on_verbs():
    m = _matcher([("triggers", "تنسحب", "withdrawal", (("pos", "verb"),))])
    found = m.find(normalise_for_matching("ستنسحب").text)
    assert found and found[0].future


def test_longest_match_wins_across_categories():
    m = _matcher([("actors", "قوات سوريا الديمقراطية", "sdf", ())], [("سوريا", "syria")])
    found = m.find(normalise_for_matching("انتشرت قوات سوريا الديمقراطية").text)
    assert [(x.category, x.value) for x in found] == [("actors", "sdf")]
