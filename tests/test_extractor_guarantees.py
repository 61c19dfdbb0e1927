"""What the blocking checks assert of an article's rows holds where the rows are made: a misread
date or a movement told twice costs a row its date or its copy, never the whole release."""

import copy
from datetime import date

import pytest

from posture.extract.context import ArticleContext
from posture.extract.extractor import Extractor, _distinct
from posture.extract.movements import MovementReader
from posture.gazetteer.gazetteer import load_gazetteer

PUBLISHED = date(2025, 5, 3)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_gazetteer())


@pytest.mark.parametrize("language, text", [
    ("en", "BEIRUT - A U.S. convoy of 30 trucks left the Conoco gas field for the Shaddadi base on 20 May 2025."),
    ("ar", "دير الزور - انسحب رتل أميركي يضم 30 شاحنة من حقل كونيكو باتجاه قاعدة الشدادي في 20 أيار 2025."),
])
def test_a_movement_dated_after_its_report_keeps_no_date(extractor, language, text):
    (movement,) = extractor.extract("a", text, language, PUBLISHED).movement_reports
    assert movement["event_date"] is None and movement["event_date_precision"] is None
    (same,) = extractor.extract("a", text, language, date(2025, 5, 21)).movement_reports
    assert same["event_date"] == date(2025, 5, 20)


def test_a_movement_told_twice_is_one_row_with_what_both_tellings_say(extractor):
    text = "BEIRUT - A U.S. convoy of 30 trucks left the Conoco gas field for the Shaddadi base on Friday."
    doc = extractor.prepare("a", text, "en", PUBLISHED)
    (frame,) = MovementReader(doc, ArticleContext(doc, extractor.gazetteer)).read()
    retold = copy.deepcopy(frame)
    retold.assets = {"helicopter": copy.copy(frame.assets["truck"])}
    kept = _distinct([frame, retold], PUBLISHED)
    assert kept == [frame] and set(frame.assets) == {"truck", "helicopter"}
    elsewhere = copy.deepcopy(retold)
    elsewhere.places = elsewhere.places[:1]
    assert len(_distinct([frame, elsewhere], PUBLISHED)) == 2
