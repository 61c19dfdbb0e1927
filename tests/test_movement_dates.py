"""Which date a movement takes: its own clause's, else the date its story goes on from."""

from datetime import date

import pytest

from posture.extract.extractor import Extractor
from posture.gazetteer.gazetteer import load_gazetteer

THURSDAY = date(2020, 2, 20)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_gazetteer())


def movement_dates(extractor: Extractor, body: str, lang: str, published: date) -> list[tuple[str, str | None]]:
    tables = extractor.extract("a1", body, lang, published)
    return [(m["evidence_text"][:25], m["event_date"] and m["event_date"].isoformat())
            for m in sorted(tables.movement_reports, key=lambda m: m["evidence_start"])]


def test_each_movement_of_a_sentence_takes_the_date_of_its_own_clause(extractor):
    body = ("هبطت 4 طائرات شحن روسية في قاعدة حميميم منذ مطلع الأسبوع الجاري، "
            "فيما غادرت قافلة تضم عشرات الشاحنات ميناء طرطوس قبل ثلاثة أيام باتجاه حميميم.")
    found = movement_dates(extractor, body, "ar", date(2025, 3, 4))
    assert [d for _, d in found] == ["2025-03-03", "2025-03-01"]


def test_a_dateless_sentence_goes_on_from_the_lead(extractor):
    body = ("إدلب - دفع الجيش التركي، اليوم الخميس، برتل عسكري جديد إلى ريف إدلب عبر معبر كفرلوسين.\n\n"
            "ولم تقتصر التحركات على ذلك، إذ أقام الأتراك موقعاً آخر في بلدة سراقب بعد وصول ٥٠ آلية.")
    found = movement_dates(extractor, body, "ar", THURSDAY)
    assert len(found) == 2 and all(d == "2020-02-20" for _, d in found)


def test_a_dateless_sentence_goes_on_from_the_last_date_of_its_paragraph(extractor):
    body = ("The convoy of 40 trucks left the Conoco gas field late on Wednesday. "
            "Twelve armored vehicles then arrived at the Qasrak base.")
    found = movement_dates(extractor, body, "en", date(2025, 3, 7))
    assert [d for _, d in found][-1] == "2025-03-05"


def test_another_source_does_not_inherit_the_lead_date(extractor):
    body = ("The convoy of 40 trucks left the Conoco gas field on Wednesday, local sources said.\n\n"
            "U.S. Central Command said six armored vehicles had arrived at the Qasrak base.")
    found = movement_dates(extractor, body, "en", date(2025, 3, 7))
    assert found[0][1] == "2025-03-05" and found[-1][1] is None
