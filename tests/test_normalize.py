"""Arabic and English folding for matching, with offsets back to the original text: one row per phenomenon."""

import pytest

from posture.extract.lexicon import Entry, Lexicon
from posture.extract.matcher import PLACE, Matcher
from posture.text.normalize import fold, normalise_for_matching

FOLDING = [
    # (phenomenon, written, folded)
    ("hamza on alef", "أميركية", "اميركيه"),
    ("hamza under alef", "إدلب", "ادلب"),
    ("madda", "آليات", "اليات"),
    ("wasla", "ٱلقاعدة", "القاعده"),
    ("hamza on waw", "مؤقتة", "موقته"),
    ("hamza on ya", "رئيس", "رييس"),
    ("alef maqsura", "مستشفى", "مستشفي"),
    ("ta marbuta", "قاعدة", "قاعده"),
    ("tatweel", "مـــدرعات", "مدرعات"),
    ("tatweel after lam", "للـقاعدة", "للقاعده"),
    ("harakat and shadda", "يُقَدَّر", "يقدر"),
    ("tanween", "عدداً", "عددا"),
    ("superscript alef", "هٰذا", "هذا"),
    ("Eastern Arabic digits", "٢٠٢٠", "2020"),
    ("Persian digits", "۱۴۰۰", "1400"),
    ("Arabic thousands separator", "٢٬٠٠٠", "2,000"),
    ("Arabic decimal separator", "١٫٤", "1.4"),
    ("Arabic percent sign", "٥٪", "5%"),
    ("Persian kaf and ya", "کرکوک یک", "كركوك يك"),
    ("Persian gaf, pe, che, zhe, ve", "گ پ چ ژ ڤ", "ك ب ج ز ف"),
    ("lam-alef ligature", "ﻻ", "لا"),
    ("presentation forms", "ﺍﻟﺤﺴﻜﺔ", "الحسكه"),
    ("double quotes around a name", 'حقلي "العمر"', "حقلي العمر"),
    ("quotes glued to a conjunction", 'و"كونيكو"', "و كونيكو"),
    ("guillemets", "«كونيكو»", "كونيكو"),
    ("curly quotes", "“Conoco”", "conoco"),
    ("brackets", "(قسد)", "قسد"),
    ("ornate brackets", "﴿قسد﴾", "قسد"),
    ("Arabic comma, semicolon, question mark", "،؛؟", ",;?"),
    ("dashes", "2025–2026", "2025-2026"),
    ("no-break and thin spaces", "نحو\u00a0200\u2009شاحنة", "نحو 200 شاحنه"),
    ("zero-width and bidi marks", "قا\u200cعدة\u200f", "قاعده"),
    ("byte order mark", "\ufeffقاعدة", "قاعده"),
    ("English case", "U.S. Troops", "u.s. troops"),
    ("curly apostrophe", "Hamas’s", "hamas's"),
]


@pytest.mark.parametrize("phenomenon, written, folded", FOLDING, ids=[row[0] for row in FOLDING])
def test_fold(phenomenon, written, folded):
    assert fold(written) == folded


@pytest.mark.parametrize("phenomenon, written, folded", FOLDING, ids=[row[0] for row in FOLDING])
def test_every_folded_character_maps_back_into_the_original(phenomenon, written, folded):
    text = f"قبل {written} بعد"
    n = normalise_for_matching(text)
    assert len(n.origin) == len(n.text)
    assert list(n.origin) == sorted(n.origin) and all(0 <= o < len(text) for o in n.origin)
    # the words around the folded part map back to themselves
    start = n.text.index("بعد")
    assert text[slice(*n.to_original(start, start + 3))] == "بعد"


def test_every_character_of_the_presentation_blocks_folds_without_failing():
    """Symbols and unassigned points of the Arabic presentation-form blocks have no plain letters
    (NFKC keeps them): they stay as they are, and the text around them still maps back."""
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        text = f"قبل {chr(code)} بعد"
        n = normalise_for_matching(text)
        start = n.text.index("بعد")
        assert text[slice(*n.to_original(start, start + 3))] == "بعد", hex(code)
    assert fold("\ufbb2") == "\ufbb2"  # ARABIC SYMBOL DOT ABOVE: its own NFKC


@pytest.mark.parametrize("body, folded_word, original", [
    ('انسحبت القوات من حقل "العُمَر" النفطي', "العمر", "العُمَر"),
    ("وصلت مـــدرعات أمريكية", "مدرعات", "مـــدرعات"),
    ("رتل من ٢٠٠ شاحنة", "200", "٢٠٠"),
    ("قاعدة ﺣﻤﻴﻤﻴﻢ الجوية", "حميميم", "ﺣﻤﻴﻤﻴﻢ"),
    ("على ﻻئحة", "لاي", "ﻻئ"),
])
def test_a_folded_match_maps_back_to_the_exact_original_text(body, folded_word, original):
    n = normalise_for_matching(body)
    start = n.text.index(folded_word)
    o_start, o_end = n.to_original(start, start + len(folded_word))
    assert body[o_start:o_end] == original


def _matcher(entries, places):
    lexicon = Lexicon("ar", [Entry(c, fold(s), v, f) for c, s, v, f in entries])
    return Matcher(lexicon, [(fold(n), pid) for n, pid in places])


PLACES = [("الحسكة", "hasakah"), ("كونيكو", "conoco"), ("العمر", "omar"), ("دير الزور", "deir_ez_zor"),
          ("قاعدة حميميم", "hmeimim")]
NOUNS = [("cues", "قاعدة", "base", ()), ("cues", "ريف", "countryside", ()), ("cues", "القوات", "forces", ())]

PROCLITICS = [
    # (written, category, value, proclitic)
    ("والحسكة", PLACE, "hasakah", "و"),
    ("فالحسكة", PLACE, "hasakah", "ف"),
    ("بالحسكة", PLACE, "hasakah", "ب"),
    ("كالحسكة", PLACE, "hasakah", "ك"),
    ("للحسكة", PLACE, "hasakah", "لل"),
    ("وبالحسكة", PLACE, "hasakah", "وب"),
    ("وللحسكة", PLACE, "hasakah", "ولل"),
    ("ودير الزور", PLACE, "deir_ez_zor", "و"),
    ("بدير الزور", PLACE, "deir_ez_zor", "ب"),
    ("لدير الزور", PLACE, "deir_ez_zor", "ل"),
    ("بقاعدة حميميم", PLACE, "hmeimim", "ب"),
    ('و"كونيكو"', PLACE, "conoco", ""),  # the quote splits the conjunction off
    ("و«العمر»", PLACE, "omar", ""),
    ("بقاعدة", "cues", "base", "ب"),
    ("وبقاعدة", "cues", "base", "وب"),
    ("للقاعدة", "cues", "base", "لل"),
    ("والقاعدة", "cues", "base", "وال"),
    ("بريف", "cues", "countryside", "ب"),
    ("وبريف", "cues", "countryside", "وب"),
    ("فالقوات", "cues", "forces", "ف"),
    ("وللقوات", "cues", "forces", "ولل"),
]


@pytest.mark.parametrize("written, category, value, prefix", PROCLITICS, ids=[row[0] for row in PROCLITICS])
def test_proclitics_on_names_and_nouns(written, category, value, prefix):
    m = _matcher(NOUNS, PLACES)
    found = m.find(normalise_for_matching(written).text)
    got = [(x.category, x.place_ids[0] if x.category == PLACE else x.value, x.prefix) for x in found]
    assert got == [(category, value, prefix)]


@pytest.mark.parametrize("written", ["المعمرون", "الحسكاوي", "ريفيات", "كونيكوات"])
def test_names_and_nouns_are_not_found_inside_other_words(written):
    assert not _matcher(NOUNS, PLACES).find(normalise_for_matching(written).text)
