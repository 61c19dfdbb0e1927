"""Readers: every awkward fixture gives its expected outcome; dev and seed articles read right."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from posture.ingest.encoding import DecodeProblem, decode_bytes
from posture.ingest.formats.html import read_html, strip_site_suffix
from posture.ingest.formats.jsonl import record_to_article
from posture.ingest.metadata import (
    date_from_date_line,
    detect_language,
    normalise_language_code,
    parse_date_value,
    parse_dateline,
    parse_plain_article,
)
from posture.ingest.near_duplicates import find_near_duplicates
from posture.ingest.readers import read_folder
from posture.ingest.records import ArticleRecord, Rejection

TESTS = Path(__file__).resolve().parent
AWKWARD = TESTS / "fixtures" / "awkward"
REPO = TESTS.parent
# shared/ sits beside the repository (on developer machines and in CI)
CORPUS = Path(os.environ.get("POSTURE_CORPUS", REPO.parent / "shared" / "corpus"))


def results_by_uri(root: Path, **kwargs) -> dict[str, ArticleRecord | Rejection]:
    results = list(read_folder(root, **kwargs))
    by_uri = {r.source_uri: r for r in results}
    assert len(by_uri) == len(results), "every input gives exactly one result"
    return by_uri


@pytest.fixture(scope="module")
def awkward() -> dict[str, ArticleRecord | Rejection]:
    return results_by_uri(AWKWARD)


# --------------------------------------------------------------------------- the fixture folder

EXPECTED_OUTCOMES = {
    "EXPECTED.md": "article",
    "array.json#item=1": "article",
    "array.json#item=2": "article",
    "array.json#item=3": "not_an_article",
    "binary_junk.txt": "binary",
    "disguised_pdf.txt": "binary",
    "empty.txt": "empty",
    "encodings/article_cp1256.txt": "article",
    "encodings/article_crlf.txt": "article",
    "encodings/article_iso8859_6.txt": "article",
    "encodings/article_utf16.txt": "article",
    "encodings/article_utf8.txt": "article",
    "encodings/article_utf8_bom.txt": "article",
    "english_no_date.txt": "article",
    "feeds/billion_laughs.xml": "unsafe_xml",
    "feeds/not_a_feed.xml": "not_a_feed",
    "feeds/valid.atom#item=1": "article",
    "feeds/valid.rss#item=1": "article",
    "feeds/valid.rss#item=2": "article",
    "feeds/xxe.rss": "unsafe_xml",
    "hostile_record.json": "article",
    "just_a_string.json": "not_an_article",
    "malformed.json": "malformed_json",
    "nested/deeper/turkish_reinforcements.md": "article",
    "no_text.json": "no_text",
    "notes.docx": "unsupported_format",
    "photo.png": "unsupported_format",
    "records.jsonl#line=1": "article",
    "records.jsonl#line=2": "article",
    "records.jsonl#line=3": "malformed_json",
    "records.jsonl#line=5": "no_text",
    "records.jsonl#line=6": "not_an_article",
    "report.pdf": "unsupported_format",
    "script_laden.html": "article",
    "truncated.html": "article",
    "whitespace_only.txt": "empty",
}


def outcome(result: ArticleRecord | Rejection) -> str:
    return "article" if isinstance(result, ArticleRecord) else result.reason


def test_every_fixture_has_its_expected_outcome_in_sorted_order():
    results = list(read_folder(AWKWARD))
    assert [r.source_uri for r in results] == list(EXPECTED_OUTCOMES)
    assert {r.source_uri: outcome(r) for r in results} == EXPECTED_OUTCOMES


def test_expected_md_lists_every_fixture():
    listed = (AWKWARD / "EXPECTED.md").read_text(encoding="utf-8")
    for uri in EXPECTED_OUTCOMES:
        assert f"`{uri}`" in listed or uri.startswith("records.jsonl#line=4")


def test_rejections_explain_themselves(awkward):
    for result in awkward.values():
        if isinstance(result, Rejection):
            assert len(result.detail) > 20 and result.detail[0].isupper()
    assert "line 3" in awkward["malformed.json"].detail
    assert "column" in awkward["records.jsonl#line=3"].detail
    assert "pdftotext" in awkward["report.pdf"].detail


def test_same_arabic_article_in_every_encoding_gives_the_same_body(awkward):
    reference = awkward["encodings/article_utf8.txt"]
    assert isinstance(reference, ArticleRecord)
    assert reference.title == "رتل أميركي يغادر قاعدة الشدادي نحو الحدود العراقية وسط تحليق لطائرات التحالف"
    assert reference.published_date == date(2025, 10, 14) and reference.date_source == "date_line"
    assert (reference.dateline, reference.language) == ("الحسكة", "ar")
    assert "\r" not in reference.body and "\ufeff" not in reference.body
    for name in ("utf8_bom", "utf16", "cp1256", "iso8859_6", "crlf"):
        copy = awkward[f"encodings/article_{name}.txt"]
        assert isinstance(copy, ArticleRecord)
        assert copy.body == reference.body, name
        assert (copy.title, copy.published_date, copy.dateline) == (reference.title, reference.published_date, reference.dateline)


def test_script_laden_html_keeps_only_the_article(awkward):
    page = awkward["script_laden.html"]
    assert isinstance(page, ArticleRecord)
    assert "MUST-NOT-APPEAR" not in page.body
    for boilerplate in ("اقرأ أيضاً", "الوسوم", "جميع الحقوق محفوظة", "موافق", "إعلان ممول"):
        assert boilerplate not in page.body
    assert page.title == "طائرة شحن تهبط في قاعدة خراب الجير"
    assert page.body.startswith(page.title + "\n\nالحسكة - هبطت طائرة شحن عسكرية")
    assert page.body.count(page.title) == 1
    assert "وتضم مهبطاً للطائرات يستقبل رحلات شحن بشكل دوري." in page.body
    assert page.body.count("\n\n") == 3  # title + three paragraphs
    assert (page.published_date, page.date_source) == (date(2025, 3, 9), "metadata")
    assert page.outlet == "موقع الرصد الشرقي"
    assert page.url == "https://east-monitor.example/news/4411"


def test_truncated_html_is_read_as_far_as_it_goes(awkward):
    page = awkward["truncated.html"]
    assert isinstance(page, ArticleRecord)
    assert page.title == "Russian helicopters land at Qamishli airport"
    assert page.body.endswith("more flights were expected in the coming wee")
    assert "Home" not in page.body
    assert (page.published_date, page.outlet, page.dateline) == (date(2019, 11, 14), "Border Monitor", "QAMISHLI")


def test_json_records(awkward):
    arabic = awkward["records.jsonl#line=1"]
    assert isinstance(arabic, ArticleRecord)
    assert arabic.body.startswith("وصول تعزيزات عسكرية روسية إلى مطار القامشلي\n\nالقامشلي - وصلت")
    assert (arabic.language, arabic.outlet, arabic.dateline) == ("ar", "نشرة الجزيرة السورية", "القامشلي")
    assert (arabic.published_date, arabic.date_source, arabic.url) == (date(2019, 11, 18), "metadata", "https://example.org/ar/1")

    untitled = awkward["records.jsonl#line=2"]
    assert isinstance(untitled, ArticleRecord)
    assert untitled.title == "U.S. troops leave Tabqa airbase"
    assert untitled.published_date == date(2019, 11, 18)

    html_text = awkward["array.json#item=2"]
    assert isinstance(html_text, ArticleRecord)
    assert html_text.body == (
        "Iraqi army units deploy along the Syrian border\n\nBAGHDAD - Iraqi army units deployed additional troops "
        "and armored vehicles along the border with Syria near al-Qaim on Sunday, the Joint Operations Command said."
    )
    assert html_text.published_date == date(2024, 1, 8)


def test_hostile_record_is_plain_data(awkward):
    record = awkward["hostile_record.json"]
    assert isinstance(record, ArticleRecord)
    assert record.source_uri == "hostile_record.json"
    assert record.title == "Officials say \"no comment\" on 'Robert'); DROP TABLE articles; --"
    assert "'; DROP TABLE articles; -- as a joke" in record.body
    assert record.url is None  # file:///etc/passwd is not a web address
    assert "root:" not in record.body


def test_feeds(awkward):
    first = awkward["feeds/valid.rss#item=1"]
    assert isinstance(first, ArticleRecord)
    assert first.body == (
        "U.S. convoy leaves Conoco gas field\n\nDEIR EZ-ZOR - A U.S. convoy of about 20 trucks left the Conoco gas "
        "field base on Tuesday, heading north toward Hasakah, local sources said.\n\nThe convoy was escorted by armored vehicles."
    )
    assert (first.published_date, first.outlet, first.dateline, first.url) == (
        date(2025, 10, 14), "Frontier Wire", "DEIR EZ-ZOR", "https://frontier-wire.example/1")
    second = awkward["feeds/valid.rss#item=2"]
    assert isinstance(second, ArticleRecord)
    assert (second.language, second.published_date, second.dateline) == ("ar", date(2025, 10, 15), "حلب")
    atom = awkward["feeds/valid.atom#item=1"]
    assert isinstance(atom, ArticleRecord)
    assert "leaving the al-Tanf garrison" in atom.body and atom.outlet == "Desert Dispatch"
    assert atom.url == "https://desert-dispatch.example/tanf"
    for unsafe in ("feeds/xxe.rss", "feeds/billion_laughs.xml"):
        assert "refused" in awkward[unsafe].detail


def test_plain_text_without_date_is_kept(awkward):
    article = awkward["english_no_date.txt"]
    assert isinstance(article, ArticleRecord)
    assert (article.published_date, article.date_source) == (None, None)
    assert (article.dateline, article.outlet, article.language) == ("BEIRUT", "Reuters", "en")


def test_nested_markdown(awkward):
    article = awkward["nested/deeper/turkish_reinforcements.md"]
    assert isinstance(article, ArticleRecord)
    assert article.title == "Turkish reinforcements reach positions south of Idlib"
    assert article.body.startswith("# Turkish reinforcements")  # the body is the file as written
    assert (article.published_date, article.dateline) == (date(2020, 3, 5), "ANKARA")


def test_reading_is_deterministic():
    assert list(read_folder(AWKWARD)) == list(read_folder(AWKWARD))


# --------------------------------------------------------------------------- machine-dependent inputs


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ARTICLE = "Title of a short report\nMay 3, 2025\n\nBEIRUT - Troops left the base on Saturday, officials said.\n"


def test_symlinks_never_lead_out_of_the_folder(tmp_path):
    outside = write(tmp_path / "outside" / "secret.txt", "Secret title\n\nSecret text that must not be read.")
    root = tmp_path / "inbox"
    write(root / "real.txt", ARTICLE)
    write(root / "sub" / "inner.txt", ARTICLE.replace("Title", "Another title"))
    (root / "link_out.txt").symlink_to(outside)
    (root / "link_in.txt").symlink_to(root / "real.txt")
    (root / "link_broken.txt").symlink_to(root / "missing.txt")
    (root / "link_dir").symlink_to(root / "sub", target_is_directory=True)
    (root / "link_out_dir").symlink_to(tmp_path / "outside", target_is_directory=True)

    results = results_by_uri(root)
    assert {uri: outcome(r) for uri, r in results.items()} == {
        "link_broken.txt": "unreadable",
        "link_in.txt": "article",
        "link_out.txt": "outside_root",
        "link_out_dir": "outside_root",
        "real.txt": "article",
        "sub/inner.txt": "article",
    }
    assert all("Secret" not in getattr(r, "body", "") for r in results.values())


def test_too_large_is_decided_before_reading(tmp_path, monkeypatch):
    write(tmp_path / "big.txt", ARTICLE + "x" * 2000)
    write(tmp_path / "small.txt", ARTICLE)
    opened: list[str] = []
    real_open = open

    def spying_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spying_open)
    results = results_by_uri(tmp_path, max_bytes=1000)
    assert outcome(results["big.txt"]) == "too_large" and "1,000" in results["big.txt"].detail
    assert outcome(results["small.txt"]) == "article"
    assert not any(path.endswith("big.txt") for path in opened)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    assert outcome(results_by_uri(tmp_path)["pipe.txt"]) == "not_a_regular_file"


def test_missing_root_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(read_folder(tmp_path / "nope"))


def test_gold_and_hidden_files_are_not_inputs(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "a.gold.json", json.dumps({"text": "not an input"}))
    write(tmp_path / ".git" / "config.txt", ARTICLE)
    write(tmp_path / ".draft.txt", ARTICLE)
    assert list(results_by_uri(tmp_path)) == ["a.txt"]


# --------------------------------------------------------------------------- dev and seed corpus


def corpus_articles() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and not p.name.endswith(".gold.json"))


CORPUS_FILES = corpus_articles()
needs_corpus = pytest.mark.skipif(not CORPUS_FILES, reason=f"development corpus not found at {CORPUS}")


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, ArticleRecord | Rejection]:
    return results_by_uri(CORPUS)


def gold_of(path: Path) -> dict:
    return json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".gold.json").read_text(encoding="utf-8"))


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_article_metadata_matches_gold(path, corpus_results):
    result = corpus_results[path.relative_to(CORPUS).as_posix()]
    assert isinstance(result, ArticleRecord), result
    gold = gold_of(path)
    assert result.published_date == date.fromisoformat(gold["published_date"])
    assert result.language == gold["language"]
    assert result.body.startswith(result.title)
    evidence = [m["evidence"] for m in gold.get("movements", [])] + [c["evidence"] for c in gold.get("force_levels", [])]
    for quote in evidence:
        assert quote in result.body, quote


@needs_corpus
def test_corpus_datelines(corpus_results):
    datelines = {Path(uri).name: r.dateline for uri, r in corpus_results.items()}
    assert datelines == {
        "000_9839c6f32bc64aaa.txt": "دير الزور",
        "ar-2020-02-20-idlib-turkish-convoy.txt": "إدلب",
        "ar-2021-07-24-harir-drone-attack.html": "أربيل",
        "ar-2024-12-18-hmeimim-libya-air-defense.txt": "دمشق",
        "ar-2025-04-16-pentagon-denies-drawdown.txt": "واشنطن",
        "ar-2025-06-02-omar-conoco-sdf-commandos.txt": "دير الزور",
        "ar-2026-02-05-shaddadi-to-harir.html": "بغداد",
        "en-2019-10-15-manbij-russian-patrols.txt": "MOSCOW/BEIRUT",
        "en-2020-09-18-bradleys-northeast-syria.html": "WASHINGTON",
        "en-2025-04-18-pentagon-syria-consolidation.txt": "WASHINGTON",
        "en-2026-02-12-al-tanf-handover.txt": "WASHINGTON",
    }


# Text of the dev pages' navigation, tickers, tag lists, share bars, "related" asides and footers.
PAGE_BOILERPLATE = (
    "الرئيسية", "عاجل", "الوسوم", "وسوم:", "شارك:", "اقرأ أيضاً", "أسعار صرف الدولار", "جميع الحقوق محفوظة",
    "من نحن", "سياسة الخصوصية", "منتخب الشباب", "We use cookies", "Home", "Newsletters", "More from Defense",
    "Navy unveils", "Army recruiting", "All rights reserved", "Privacy", "By Staff Writer",
)


@needs_corpus
@pytest.mark.parametrize("path", [p for p in CORPUS_FILES if p.suffix == ".html"], ids=lambda p: p.name)
def test_dev_html_body_is_the_article_only(path, corpus_results):
    page = corpus_results[path.relative_to(CORPUS).as_posix()]
    assert isinstance(page, ArticleRecord)
    for text in PAGE_BOILERPLATE:
        assert text not in page.body, text
    assert page.date_source == "metadata" and page.outlet
    assert " | " not in page.title and " - " not in page.title
    assert page.body.count(page.title) == 1
    paragraphs = page.body.split("\n\n")
    assert paragraphs[0] == page.title and len(paragraphs) >= 7  # title + every <p> of the story


# --------------------------------------------------------------------------- metadata tables

DATE_LINES = [
    ("السبت 2025/05/03", date(2025, 5, 3)),
    ("الخميس ٢٠ شباط ٢٠٢٠", date(2020, 2, 20)),
    ("الأربعاء ١٦ نيسان ٢٠٢٥", date(2025, 4, 16)),
    ("الاثنين 2 كانون الثاني 2023", date(2023, 1, 2)),
    ("3 تشرين الأول 2024", date(2024, 10, 3)),
    ("السبت 24 يوليو 2021", date(2021, 7, 24)),
    ("الخميس 5 فبراير 2026 - 21:14", date(2026, 2, 5)),
    ("نشر في 3 أيار/مايو 2025", date(2025, 5, 3)),
    ("12 إبريل 2019", date(2019, 4, 12)),
    ("October 15, 2019", date(2019, 10, 15)),
    ("April 18, 2025", date(2025, 4, 18)),
    ("Sept. 18, 2020", date(2020, 9, 18)),
    ("Thursday, March 5, 2020", date(2020, 3, 5)),
    ("15 October 2019", date(2019, 10, 15)),
    ("By Staff Writer · Sept. 18, 2020", date(2020, 9, 18)),
    ("Published: 2019-10-15T10:00:00Z", date(2019, 10, 15)),
    ("Updated 13/05/2025 10:00 GMT", date(2025, 5, 13)),
    ("15 octobre 2019", date(2019, 10, 15)),
    ("Saturday 3 May 2025 12:41 BST", date(2025, 5, 3)),
    ("Oct. 15, 2019, 10:00 a.m. ET", date(2019, 10, 15)),
    ("15 October 2019 | By John Smith", date(2019, 10, 15)),
    ("الأحد، 12 أكتوبر 2025", date(2025, 10, 12)),
    ("السبت 03 أيار 2025 | 10:30 ص", date(2025, 5, 3)),
    ("دمشق 2025/04/04", date(2025, 4, 4)),  # the place it was filed from, then the day
    ("Aleppo, 4 April 2025", date(2025, 4, 4)),
]

NOT_DATE_LINES = [
    "Talks resume on October 20, 2025",  # a sentence with a date in it
    "وقالت المصادر إن الرتل وصل في 3 أيار 2025",
    "Pentagon says U.S. troop presence in Syria will drop below 1,000",
    "2025/13/45",  # no such date
    "May the troops leave",
    "Troops out by October 20, 2025",  # "by" inside a sentence is not a byline
    "Withdrawal completed 4 April 2025",  # two words before the date: a headline
    "4 April 2025 withdrawal",  # a word after the date
]


@pytest.mark.parametrize(("line", "expected"), DATE_LINES)
def test_date_lines(line, expected):
    assert date_from_date_line(line) == expected


@pytest.mark.parametrize("line", NOT_DATE_LINES)
def test_not_date_lines(line):
    assert date_from_date_line(line) is None


METADATA_DATES = [
    ("2021-07-24T11:40:00+03:00", date(2021, 7, 24)),
    ("2021-07-24T23:40:00-05:00", date(2021, 7, 24)),  # the publisher's calendar day
    ("Tue, 15 Oct 2019 10:00:00 GMT", date(2019, 10, 15)),
    ("Mon, 18 Nov 2019 14:00:00 +0000", date(2019, 11, 18)),
    ("October 15, 2019", date(2019, 10, 15)),
    (1704700800, date(2024, 1, 8)),
    (1704700800000, date(2024, 1, 8)),
    ("yesterday", None),
    ("", None),
    (None, None),
    (True, None),
    ({"date": "2020-01-01"}, None),
]


@pytest.mark.parametrize(("value", "expected"), METADATA_DATES)
def test_metadata_dates(value, expected):
    assert parse_date_value(value) == expected


DATELINES = [
    ("دير الزور (سوريا) - تواصل قوات التحالف", "دير الزور", None),
    ("BEIRUT (Reuters) - The", "BEIRUT", "Reuters"),
    ("WASHINGTON - The Pentagon said", "WASHINGTON", None),
    ("WASHINGTON — The U.S.-led coalition", "WASHINGTON", None),
    ("WASHINGTON—The Pentagon said", "WASHINGTON", None),
    ("MOSCOW/BEIRUT - Russia's Defence Ministry", "MOSCOW/BEIRUT", None),
    ("واشنطن - وكالات - رفضت وزارة الدفاع", "واشنطن", None),
    ("بيروت - أ ف ب - قال مسؤول", "بيروت", "AFP"),
    ("دمشق (رويترز) - قال مسؤول", "دمشق", "Reuters"),
    ("BEIRUT, Oct 15 (Reuters) - Turkish forces", "BEIRUT", "Reuters"),
    ("ERBIL, Iraq (AP) — A drone", "ERBIL", "AP"),
    ("Beirut (AFP) - Troops", "Beirut", "AFP"),
    ("DEIR EZ-ZOR - A convoy", "DEIR EZ-ZOR", None),
    ("دمشق ـ أفادت مصادر", "دمشق", None),
]

NOT_DATELINES = [
    "U.S. Central Command said - in a statement",
    "واشنطن-أنقرة تتفقان على خطة",
    "Government troops rolled into the city - late on Monday",
    "قالت مصادر محلية إن رتلاً غادر القاعدة",
    "Beirut (Lebanon) - troops",  # a place not in capitals needs a known agency
]


@pytest.mark.parametrize(("paragraph", "place", "outlet"), DATELINES)
def test_datelines(paragraph, place, outlet):
    found = parse_dateline(paragraph)
    assert found is not None and (found.place, found.outlet) == (place, outlet)


@pytest.mark.parametrize("paragraph", NOT_DATELINES)
def test_not_datelines(paragraph):
    assert parse_dateline(paragraph) is None


def test_dateline_credit_that_is_prose_is_not_a_credit():
    found = parse_dateline("دمشق - قالت مصادر - إن الرتل غادر")
    assert found is not None and (found.place, found.credit) == ("دمشق", None)


LANGUAGES = [
    ("ar", "قالت مصادر محلية إن رتلا عسكريا غادر القاعدة في ريف الحسكة."),
    ("en", "The convoy left the base in the Hasakah countryside on Monday, officials said."),
    ("fr", "Le convoi a quitté la base dans la campagne de Hassaké lundi, selon des sources locales."),
    ("de", "Der Konvoi hat die Basis am Montag verlassen, wie lokale Quellen mitteilten, und ist nach Norden gefahren."),
    ("es", "El convoy salió de la base en la provincia de Hasaka el lunes, según fuentes locales."),
    ("tr", "Konvoy pazartesi günü Haseke kırsalındaki üssü terk etti ve kuzeye doğru ilerledi, yerel kaynaklara göre."),
    ("ru", "Конвой покинул базу в провинции Хасеке в понедельник, сообщили местные источники."),
    ("fa", "کاروان نظامی آمریکا روز دوشنبه پایگاه خود را در حسکه ترک کرد و به سمت عراق رفت."),
    ("ku", "کاروانێکی سەربازی ئەمریکا لە بنکەکەی حەسەکە دەرچوو و بەرەو عێراق ڕۆیشت."),
    ("ku", "Karwaneke leşkerî ya Amerîkayê ji baregeha li Hesekê derket û ber bi Iraqê ve çû."),
    ("ar", "انسحاب أمام إعادة انتشار"),  # a headline with no stopword: the script decides
    ("el", "Η συνοδεία έφυγε από τη βάση."),
    (None, "12345 — 2025/05/03"),
]


@pytest.mark.parametrize(("expected", "text"), LANGUAGES)
def test_language_detection(expected, text):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ar", "ar"), ("ar-SY", "ar"), ("EN_us", "en"), ("ara", "ar"), ("Arabic", "ar"), ("ckb", "ku"), ("xx-YY", "xx"), ("", None), (3, None), ("english language", None)],
)
def test_language_codes_from_metadata(value, expected):
    assert normalise_language_code(value) == expected


def test_parse_plain_article_on_the_seed_layout():
    text = (
        "واشنطن تعيد رسم خريطتها العسكرية\n\nعنوان فرعي طويل يشرح الخبر\nالسبت 2025/05/03\nانسحاب أمام إعادة انتشار\n\n"
        "دير الزور (سوريا) - تواصل قوات التحالف الدولي تقليص وجودها."
    )
    parsed = parse_plain_article(text)
    assert parsed.title == "واشنطن تعيد رسم خريطتها العسكرية"
    assert (parsed.published_date, parsed.date_line) == (date(2025, 5, 3), "السبت 2025/05/03")
    assert parsed.dateline == "دير الزور"


# --------------------------------------------------------------------------- encodings, HTML, JSON units

ARABIC = "قالت مصادر محلية إن رتلاً عسكرياً غادر القاعدة في ريف الحسكة، وتوجه نحو الحدود مع العراق."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1256", "iso8859_6"])
def test_arabic_encodings_are_decoded(encoding):
    data = ARABIC.encode(encoding)
    if encoding == "utf-16-le":  # without a BOM
        assert decode_bytes(data).text == ARABIC
    else:
        assert decode_bytes(data).text.lstrip("\ufeff") == ARABIC


@pytest.mark.parametrize("word", ["قاعدة", "في الحسكة", "الشدادي"])
@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6"])
def test_short_arabic_in_legacy_encodings(word, encoding):
    assert decode_bytes(word.encode(encoding)).text == word


def test_cyrillic_code_page_is_not_taken_for_arabic():
    text = "Конвой покинул базу в провинции Хасеке в понедельник, сообщили местные источники."
    assert decode_bytes(text.encode("cp1251")).text == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"%PDF-1.7 ...", "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"), (b"abc\x00def\x00", "binary"), (b"\xef\xbb\xbf\xff\xfe", "undecodable")],
)
def test_undecodable_bytes(data, reason):
    with pytest.raises(DecodeProblem) as problem:
        decode_bytes(data)
    assert problem.value.reason == reason


def test_html_title_suffixes():
    assert strip_site_suffix("Headline here | Frontline Ledger", "Frontline Ledger") == "Headline here"
    assert strip_site_suffix("Headline here - Frontline Ledger", "Frontline Ledger") == "Headline here"
    assert strip_site_suffix("Russia - Turkey talks resume", None) == "Russia - Turkey talks resume"
    assert strip_site_suffix("Long headline about troops | World | Site", None) == "Long headline about troops"


def test_html_page_with_only_navigation_has_no_text():
    page = "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav><footer>All rights reserved</footer></body></html>"
    assert outcome(read_html(page, "x.html")) == "no_text"


def test_html_article_body_class_with_share_word_is_kept():
    paragraph = "<p>BAGHDAD - Iraqi forces deployed along the border with Syria on Monday, officials said in a statement.</p>"
    page = f"<html><body><div class='article-body share-enabled'><h1>Iraqi forces deploy</h1>{paragraph}{paragraph.replace('BAGHDAD - ', 'Later, ')}</div></body></html>"
    result = read_html(page, "x.html")
    assert isinstance(result, ArticleRecord) and "Iraqi forces deployed" in result.body


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"text": "Troops leave\n\nBody text here."}, ("article", "Troops leave")),
        ({"title": "Troops leave", "text": "Troops leave\n\nBody text here."}, ("article", "Troops leave")),
        ({"title": "Troops leave", "body": ["First paragraph.", "Second paragraph."]}, ("article", "Troops leave")),
        ({"title": "Troops leave", "text": 42}, ("no_text", None)),
        ({"title": "Troops leave", "text": "   "}, ("no_text", None)),
        ({"text": "!!! 123"}, ("no_text", None)),
        ([1, 2], ("not_an_article", None)),
        (None, ("not_an_article", None)),
    ],
)
def test_json_record_table(record, expected):
    result = record_to_article(record, "r.json")
    assert (outcome(result), getattr(result, "title", None)) == expected
    if isinstance(result, ArticleRecord):
        assert result.body.count("Troops leave") == 1


# --------------------------------------------------------------------------- near duplicates


@needs_corpus
def test_near_duplicates_on_the_corpus(corpus_results):
    articles = [(uri, r.body) for uri, r in corpus_results.items() if isinstance(r, ArticleRecord)]
    assert find_near_duplicates(articles) == []  # different reports are not near-duplicates
    seed = next(body for uri, body in articles if uri.startswith("seed/"))
    edited = seed.replace("الأميركية", "الامريكية", 3).replace("ألف", "الف") + "\n\nفقرة مضافة في آخر الخبر."
    paragraphs = seed.split("\n\n")
    rewritten = "\n\n".join(paragraphs[: len(paragraphs) // 2])  # half the article: not a near-duplicate
    pairs = find_near_duplicates([*articles, ("z-edited", edited), ("z-half", rewritten)])
    assert [(a, b) for a, b, _ in pairs] == [("seed/000_9839c6f32bc64aaa.txt", "z-edited")]
    assert 0.8 <= pairs[0][2] < 1.0


def test_results_come_sorted_by_source_uri(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "a" / "b.txt", ARTICLE)
    write(tmp_path / "a-b.txt", ARTICLE)
    write(tmp_path / "B.txt", ARTICLE)
    assert list(results_by_uri(tmp_path)) == ["B.txt", "a-b.txt", "a.txt", "a/b.txt"]


def test_html_page_wrapped_in_a_form_keeps_its_story():
    story = "".join(
        f"<p>DAMASCUS - Paragraph {n} of the story says that a convoy left the base on Monday, officials said.</p>"
        for n in range(1, 4)
    )
    page = f"<html><body><form id='aspnetForm'><nav><a href='/'>Home</a></nav><h1>Convoy leaves</h1>{story}<footer>All rights reserved</footer></form></body></html>"
    result = read_html(page, "x.html")
    assert isinstance(result, ArticleRecord)
    assert result.body.count("Paragraph") == 3 and "All rights reserved" not in result.body and "Home" not in result.body


FEED_ITEM = "<item><title>Convoy leaves</title><description>A&nbsp;convoy of trucks left the base, officials said.</description></item>"


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        (f"<rss><channel><title>Wire</title>{FEED_ITEM}</channel></rss>".encode(), ["article"]),  # HTML entity in RSS
        (f"<rss><channel>{FEED_ITEM}{FEED_ITEM}</channel></rss>".encode(), ["article", "article"]),
        ("\ufeff<?xml version='1.0' encoding='windows-1256'?><rss><channel><item><title>عنوان الخبر</title>"
         "<description>قالت مصادر محلية إن الرتل غادر القاعدة في الحسكة.</description></item></channel></rss>".encode("utf-8"), ["article"]),
        ("<?xml version='1.0' encoding='windows-1256'?><rss><channel><item><title>عنوان الخبر</title>"
         "<description>قالت مصادر محلية إن الرتل غادر القاعدة في الحسكة.</description></item></channel></rss>".encode("cp1256"), ["article"]),
        (b"<rss><channel><title>No items</title></channel></rss>", ["empty"]),
        (b"<rss><channel><item><title>Only a title</title></item></channel></rss>", ["no_text"]),
        (b"<rss><channel><item><title>x</title><description>cut", ["malformed_xml"]),
        (b"<rss><channel><item><description>&bogus;</description></item></channel></rss>", ["malformed_xml"]),
        (b'<!DOCTYPE rss [<!ENTITY e "x">]><rss><channel><item><description>&e;</description></item></channel></rss>', ["unsafe_xml"]),
        (b"<html><body>not a feed</body></html>", ["not_a_feed"]),
    ],
)
def test_feed_table(tmp_path, feed, expected):
    (tmp_path / "feed.rss").write_bytes(feed)
    assert [outcome(r) for r in read_folder(tmp_path)] == expected


def test_feed_item_text_is_decoded_correctly(tmp_path):
    feed = (
        "<?xml version='1.0' encoding='windows-1256'?><rss><channel><title>وكالة</title><item><title>عنوان الخبر</title>"
        "<description>قالت مصادر محلية إن الرتل غادر القاعدة في الحسكة.</description></item></channel></rss>"
    )
    (tmp_path / "feed.xml").write_bytes(feed.encode("cp1256"))
    (item,) = read_folder(tmp_path)
    assert isinstance(item, ArticleRecord)
    assert item.body == "عنوان الخبر\n\nقالت مصادر محلية إن الرتل غادر القاعدة في الحسكة."
    assert (item.outlet, item.language, item.source_uri) == ("وكالة", "ar", "feed.xml#item=1")


def test_markdown_front_matter_is_metadata_not_body(tmp_path):
    write(
        tmp_path / "post.md",
        "---\ntitle: \"Convoy reaches Rmelan\"\ndate: 2024-01-10\noutlet: Northeast Desk\nurl: https://example.org/post\n---\n"
        "HASAKAH - A coalition convoy reached the Rmelan base on Wednesday, local sources said.\n",
    )
    (article,) = read_folder(tmp_path)
    assert isinstance(article, ArticleRecord)
    assert article.body == "Convoy reaches Rmelan\n\nHASAKAH - A coalition convoy reached the Rmelan base on Wednesday, local sources said."
    assert (article.published_date, article.date_source, article.outlet, article.url, article.dateline) == (
        date(2024, 1, 10), "metadata", "Northeast Desk", "https://example.org/post", "HASAKAH")


# declared right, declared as the other Arabic code page, declared as a Western code page, not declared
@pytest.mark.parametrize(
    "head",
    ["<meta charset='windows-1256'>", "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-6'>", "<meta charset='iso-8859-1'>", ""],
)
@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6"])
def test_legacy_arabic_html_pages(tmp_path, head, encoding):
    story = "قالت مصادر محلية إن رتلاً عسكرياً غادر القاعدة في ريف الحسكة، وتوجه نحو الحدود مع العراق."
    page = f"<html><head>{head}<title>رتل يغادر القاعدة</title></head><body><article><h1>رتل يغادر القاعدة</h1><p>{story}</p></article></body></html>"
    (tmp_path / "page.html").write_bytes(page.encode(encoding))
    (article,) = read_folder(tmp_path)
    assert isinstance(article, ArticleRecord)
    assert article.body == f"رتل يغادر القاعدة\n\n{story}"
