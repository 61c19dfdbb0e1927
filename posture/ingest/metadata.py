"""Reading an article's metadata from its text: date line, dateline, outlet, language.

The word lists (month and weekday names, agency names, stopwords) live in ``posture/data/ingest/``.
Matching uses ``posture.text.normalize.fold``, so spelling variants (أيار / ايار, Eastern Arabic
digits, upper / lower case) need one entry only.

``parse_plain_article`` reads the layout of a plain-text article (title on the first line, optional
subtitle, a date line in the head, an optional dateline opening the first paragraph); it is used
for ``.txt`` / ``.md`` files and for the text of JSON records, feed items and HTML pages.
"""

from __future__ import annotations

import csv
import email.utils
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path

import numpy as np

from posture.text.normalize import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ingest"

# Head of an article: how many non-empty lines after the title may hold the date line, and how
# long a date line may be (longer lines are sentences that mention a date, not date lines).
HEAD_LINES = 8
MAX_DATE_LINE_CHARS = 80
# How many non-empty lines after the head may open with a dateline.
DATELINE_SEARCH_LINES = 3
# A first line this long is a paragraph, not a headline (a record whose text has no title).
MIN_PARAGRAPH_TITLE_CHARS = 200

# Years outside this range are typos or references, not publication years.
MIN_YEAR, MAX_YEAR = 1950, 2099


# ----------------------------------------------------------------------------- data files


def _data_lines(name: str) -> list[str]:
    """Non-empty lines of a data file, without '#' comment lines."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _data_rows(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated data file with a header line (comment lines skipped)."""
    lines = [line for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


@cache
def load_stopwords(language: str) -> tuple[str, ...]:
    """The stopword list of a language (as written in ``stopwords/<language>.txt``)."""
    return tuple(_data_lines(f"stopwords/{language}.txt"))


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    scripts: tuple[str, ...]
    distinctive_letters: re.Pattern[str] | None
    aliases: tuple[str, ...]
    stopwords: frozenset[str]


@cache
def language_profiles() -> tuple[LanguageProfile, ...]:
    return tuple(
        LanguageProfile(
            code=row["language"],
            scripts=tuple(s for s in row["scripts"].split(",") if s),
            distinctive_letters=re.compile(f"[{re.escape(row['distinctive_letters'])}]") if row["distinctive_letters"] else None,
            aliases=tuple(a.strip().lower() for a in row["aliases"].split(",") if a.strip()),
            stopwords=frozenset(w.lower() for w in load_stopwords(row["language"])),
        )
        for row in _data_rows("languages.tsv")
    )


@dataclass(frozen=True)
class _Scripts:
    """The writing systems of scripts.tsv, as a lookup from code point to script."""

    names: tuple[str, ...]
    defaults: tuple[str, ...]  # the language assumed for each script
    edges: np.ndarray  # sorted code points where a range starts or ends (one past its last)
    script_of_bin: np.ndarray  # for each gap between edges: the script's index, or -1 (no script)

    def letter_counts(self, text: str) -> np.ndarray:
        """How many of the text's characters are letters of each script, in one vectorised pass
        (a regex per script cost a quarter of reading a plain-text article)."""
        code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        scripts = self.script_of_bin[np.searchsorted(self.edges, code_points, side="right")]
        return np.bincount(scripts + 1, minlength=len(self.names) + 1)[1:]


@cache
def _scripts() -> _Scripts:
    names: list[str] = []
    defaults: list[str] = []
    ranges: list[tuple[int, int, int]] = []
    for row in _data_rows("scripts.tsv"):
        if row["script"] not in names:
            names.append(row["script"])
            defaults.append(row["default_language"])
        ranges.append((int(row["first"], 16), int(row["last"], 16) + 1, names.index(row["script"])))
    edges: list[int] = []
    script_of_bin = [-1]  # below the first range
    for first, end, script in sorted(ranges):
        if edges and first < edges[-1]:
            raise ValueError(f"scripts.tsv: the range starting at {first:04X} overlaps the one before it")
        edges += [first, end]  # (where two ranges adjoin, the gap between them is empty: never found)
        script_of_bin += [script, -1]
    return _Scripts(tuple(names), tuple(defaults), np.array(edges, dtype=np.uint32), np.array(script_of_bin))


# ----------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int  # span in the folded text the match was found in
    end: int


def _alternation(names: list[str]) -> str:
    # longest first, so that "تشرين الاول" wins over a shorter name and "sept" over "sep"
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


@cache
def _month_numbers() -> dict[str, int]:
    return {fold(row["name"]): int(row["month"]) for row in _data_rows("months.tsv")}


@cache
def _weekday_pattern() -> re.Pattern[str]:
    names = [fold(row["name"]) for row in _data_rows("weekdays.tsv")]
    return re.compile(rf"(?<!\w)(?:{_alternation(names)})(?!\w)\.?")


@cache
def _filler_pattern() -> re.Pattern[str]:
    words = [fold(w) for w in _data_lines("date_line_words.txt")]
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)")


@cache
def _byline_pattern() -> re.Pattern[str]:
    words = [fold(w) for w in _data_lines("byline_words.txt")]
    # at the start of the line or after a separator: "By Staff Writer · Sept. 18, 2020", "15 October 2019 | By ..."
    return re.compile(rf"(?:^|[|·•/,\-–—]\s*)\W*(?:{_alternation(words)})(?!\w)")


@cache
def _date_patterns() -> tuple[re.Pattern[str], ...]:
    month = f"(?:{_alternation(list(_month_numbers()))})"
    # "شباط/فبراير", "شباط (فبراير)" (brackets are folded to spaces): a second name may follow
    month_pair = rf"(?P<m>{month})(?!\w)\.?(?:\s*[/-]?\s*{month}(?!\w)\.?)?"
    year = r"(?P<y>(?:19|20)\d\d)(?!\d)"
    day = r"(?<!\d)(?P<d>[0-3]?\d)"
    return (
        # 20 شباط 2020, 15 October 2019, 3rd of May 2021
        re.compile(rf"{day}(?:st|nd|rd|th|er)?\s*(?:of\s+)?{month_pair},?\s*(?:سنه\s*|عام\s*)?{year}"),
        # October 15, 2019 / Sept. 18, 2020
        re.compile(rf"(?<!\w)(?P<m>{month})(?!\w)\.?\s*(?P<d>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?,?\s*{year}"),
        # 2025/05/03, 2019-10-15, 2019-10-15T10:00:00Z
        re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*(?P<sep>[-/.])\s*(?P<m>[01]?\d)\s*(?P=sep)\s*(?P<d>[0-3]?\d)(?!\d)"),
        # 03/05/2025, 03.05.2025 (day first; month first only when the day can't be a month)
        re.compile(r"(?<!\d)(?P<d>[0-3]?\d)\s*(?P<sep>[-/.])\s*(?P<m>[01]?\d)\s*(?P=sep)\s*(?P<y>(?:19|20)\d\d)(?!\d)"),
    )


def _make_date(year: str, month: str, day: str) -> date | None:
    y, d = int(year), int(day)
    m = int(month) if month.isdigit() else _month_numbers().get(month.rstrip("."))
    if m is None or not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        # 05/13/2025: month-first numeric dates are read when day-first can't be right
        if month.isdigit() and m > 12 and d <= 12:
            try:
                return date(y, d, m)
            except ValueError:
                return None
        return None


def find_dates(folded_text: str) -> list[DateMatch]:
    """Every full date (day, month, year) in a text already passed through ``fold``, in order."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in _date_patterns():
        for match in pattern.finditer(folded_text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value = _make_date(match.group("y"), match.group("m"), match.group("d"))
            if value is not None:
                found.append(DateMatch(value, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def find_date(text: str) -> date | None:
    """The first full date written anywhere in ``text`` (any supported language or format)."""
    dates = find_dates(fold(text))
    return dates[0].value if dates else None


_ISO_DATE = re.compile(r"^\s*((?:19|20)\d\d)-(\d\d)-(\d\d)(?:$|[T ]|\s)")
# a time next to the date (folded text is lower case): "21:14", "t10:00:00z", "10:00 +03:00", "10:00 a.m."
_TIME = re.compile(r"t?\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s*[ap]\.?m\.?)?(?:z|\s*[+-]\d{2}:?\d{2})?(?!\w)")


def parse_date_value(value: object) -> date | None:
    """A publication date given as metadata: ISO 8601, RFC 2822 (feeds), a Unix time, or text.

    A date-time keeps the calendar date as the publisher wrote it (no time-zone conversion).
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        seconds = float(value)
        if 1e12 <= seconds < 4.2e12:  # milliseconds
            seconds /= 1000
        if 1e8 <= seconds < 4.2e9:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).date()
        return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 200:
        return None
    iso = _ISO_DATE.match(text)
    if iso:
        return _make_date(*iso.groups())
    if re.search(r"\d{1,2}:\d{2}", text) and re.search(r"[A-Za-z]{3}", text):
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
        if parsed is not None and MIN_YEAR <= parsed.year <= MAX_YEAR:
            return parsed.date()
    return find_date(text)


def date_from_date_line(line: str) -> date | None:
    """The date of a line that is a date line ("السبت 2025/05/03", "October 15, 2019"), else None.

    A date line is short and holds little besides the date: weekday names, a time, words such as
    "Published" / "نشر في", or a byline ("By Staff Writer · Sept. 18, 2020").
    """
    if len(line) > MAX_DATE_LINE_CHARS:
        return None
    folded = fold(line)
    dates = find_dates(folded)
    if not dates:
        return None
    first = dates[0]
    rest = folded[: first.start] + " " + folded[first.end :]
    rest = _TIME.sub(" ", rest)
    rest = _weekday_pattern().sub(" ", rest)
    rest = _filler_pattern().sub(" ", rest)
    leftover = re.findall(r"[^\W\d_]+", rest)
    if _byline_pattern().search(folded):
        # "by" and a name of a few words may stand next to the date
        return first.value if len(leftover) <= 6 else None
    if len(leftover) == 1 and leftover[0] in folded[: first.start]:
        return first.value  # "حلب 2025/04/04", "Aleppo, 4 April 2025": the place it was filed from, then the day
    return first.value if not leftover else None


# ----------------------------------------------------------------------------- datelines


@dataclass(frozen=True)
class Dateline:
    place: str  # as written: "دير الزور", "BEIRUT", "MOSCOW/BEIRUT"
    credit: str | None  # the agency or credit next to it: "Reuters", "وكالات", None
    outlet: str | None  # the outlet that credit names ("Reuters", "AFP"), None for generic credits


def _fold_source(name: str) -> str:
    return " ".join(fold(name).replace(".", " ").split())


@cache
def _dateline_sources() -> dict[str, str | None]:
    return {_fold_source(row["name"]): (row["outlet"] or None) for row in _data_rows("dateline_sources.tsv")}


def outlet_for_credit(credit: str) -> tuple[bool, str | None]:
    """Whether ``credit`` is a known agency / credit, and the outlet it names (None if generic)."""
    key = _fold_source(credit)
    sources = _dateline_sources()
    return (key in sources, sources.get(key))


# The dash after a dateline's place: spaced on at least one side ("دمشق -", "دمشق- "), so that
# "واشنطن-أنقرة" is not read as one; Arabic typesetting also uses a spaced tatweel "ـ".
_AR_DASH = r"(?:\s+[-–—]+\s*|\s*[-–—]+\s+|\s+\u0640+\s+)"
_AR_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_ARABIC_DATELINE = re.compile(
    rf"^(?P<place>[{_AR_LETTERS}][{_AR_LETTERS} /]{{0,40}}?)\s*"
    rf"(?:\((?P<paren>[^()\n]{{1,40}})\)\s*)?"
    rf"{_AR_DASH}"
    rf"(?:(?P<credit>[^-–—\u0640\n]{{1,30}}?){_AR_DASH})?"
    rf"(?=\S)"
)
_ENGLISH_DATELINE = re.compile(
    r"^(?P<place>(?=[A-Z.'’\- /]*[A-Z]{2})[A-Z][A-Z.'’\-]*(?:[ /][A-Z][A-Z.'’\-]*){0,4})"
    r"(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Za-z0-9.]+){0,2}){0,2}\s*"
    r"(?:\((?P<paren>[^()\n]{1,40})\)\s*)?"
    r"(?:\s*[–—]+\s*|\s*-{1,2}\s+|\s+-{1,2}\s*)(?=\S)"
)
# "Beirut (Reuters) -": a place not in capitals is only a dateline with a known agency after it.
_MIXED_CASE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?:[ /-][A-Z][a-z]+){0,2})\s*\((?P<paren>[^()\n]{1,40})\)\s*[-–—]{1,2}\s*(?=\S)"
)


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a paragraph ("BEIRUT (Reuters) -", "واشنطن - وكالات -"), if any."""
    text = paragraph.lstrip("\u200e\u200f\u202a\u202b\u202c\u061c \t")
    for pattern in (_ENGLISH_DATELINE, _MIXED_CASE_DATELINE, _ARABIC_DATELINE):
        match = pattern.match(text)
        if not match:
            continue
        place = match.group("place").strip(" /-.")
        if not place or len(place.split()) > 4:
            continue
        paren = match.groupdict().get("paren")
        credit = match.groupdict().get("credit")
        if pattern is _MIXED_CASE_DATELINE and not outlet_for_credit(paren or "")[0]:
            continue
        found_credit: str | None = None
        outlet: str | None = None
        if paren:  # "(Reuters)" names an agency; "(سوريا)" a country, which is not kept
            known, outlet = outlet_for_credit(paren)
            found_credit = paren.strip() if known else None
        if credit:  # "واشنطن - وكالات -", "بيروت - \"الشرق الأوسط\" -"
            known, credit_outlet = outlet_for_credit(credit.strip(' "«»“”'))
            quoted = re.fullmatch(r'\s*["«“].+["»”]\s*', credit) is not None
            # anything else is prose ("دمشق - قالت مصادر - إن ..."), not a credit
            if known or quoted:
                found_credit = found_credit or credit.strip()
                outlet = outlet or credit_outlet
        return Dateline(place=place, credit=found_credit, outlet=outlet)
    return None


# ----------------------------------------------------------------------------- language

# Arabic harakat, superscript alef and tatweel: stopwords are listed without them (a regex, not
# str.translate: translating every character through a dict cost more than the rest of the detection)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_WORD = re.compile(r"[^\W\d_]+")
# Enough text to decide; longer articles are cut for speed.
_LANGUAGE_SAMPLE_CHARS = 6000


def normalise_language_code(value: object) -> str | None:
    """An ISO 639-1 code from a metadata value ("ar", "ar-SY", "ara", "Arabic"), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace("_", "-")
    if not text:
        return None
    primary = text.split("-")[0]
    for profile in language_profiles():
        if primary == profile.code or primary in profile.aliases or text in profile.aliases:
            return profile.code
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it has no letters.

    The dominant script decides the candidates; among the languages written in it, the one with the
    most stopword hits wins; letters typical of one language (پ چ ژ گ for Persian, ە ێ ۆ for
    Kurdish) decide when stopwords don't. Cheap and offline: no model.
    """
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    scripts = _scripts()
    counts = scripts.letter_counts(sample)
    dominant = int(counts.argmax())  # the first of equal counts, in the order of scripts.tsv
    letters, script, default = int(counts[dominant]), scripts.names[dominant], scripts.defaults[dominant]
    if letters == 0:
        return None
    candidates = [p for p in language_profiles() if script in p.scripts]
    if not candidates:
        return default
    words = Counter(_WORD.findall(_DIACRITICS.sub("", sample).lower()))
    hits = {p.code: sum(words[w] for w in p.stopwords) for p in candidates}
    letter_share = {
        p.code: (len(p.distinctive_letters.findall(sample)) / letters if p.distinctive_letters else 0.0)
        for p in candidates
    }

    def rank(profile: LanguageProfile) -> tuple[int, float, bool, str]:
        return (hits[profile.code], letter_share[profile.code], profile.code == default, profile.code)

    best = max(candidates, key=rank)
    if hits[best.code] == 0:
        # no stopword at all (a headline, a list): only clear letter evidence overrides the default
        typical = max(candidates, key=lambda p: (letter_share[p.code], p.code))
        return typical.code if letter_share[typical.code] > 0.02 else default
    return best.code


# ----------------------------------------------------------------------------- plain layout


@dataclass(frozen=True)
class PlainArticle:
    """What the layout of a plain-text article says about it."""

    title: str
    published_date: date | None  # from the date line
    date_line: str | None  # the line the date was read from
    dateline: str | None  # place in the dateline, as written
    dateline_credit: str | None  # "Reuters", "وكالات", ...
    dateline_outlet: str | None  # outlet named by that credit ("Reuters", "AFP"), None if generic


def clean_title(line: str) -> str:
    """A title as one line: markdown heading marks removed, runs of white space made one space."""
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    return " ".join(line.split())


def parse_plain_article(text: str) -> PlainArticle:
    """Read title, date line and dateline from text in the plain article layout.

    Title: the first non-empty line. Date line: a short line among the next ``HEAD_LINES`` non-empty
    lines that is essentially a date. Dateline: the start of one of the first paragraphs after the
    date line (or after the title when there is none). A first line as long as a paragraph (text
    with no separate headline) may carry the dateline itself.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return PlainArticle("", None, None, None, None, None)
    title = clean_title(lines[0])

    published: date | None = None
    date_line: str | None = None
    after_head = 1
    for position, line in enumerate(lines[1 : 1 + HEAD_LINES], start=1):
        found = date_from_date_line(line)
        if found is not None:
            published, date_line, after_head = found, line, position + 1
            break

    candidates = lines[after_head : after_head + DATELINE_SEARCH_LINES]
    if date_line is None and len(lines[0]) >= MIN_PARAGRAPH_TITLE_CHARS:
        candidates = [lines[0], *candidates]
    dateline = next((found for line in candidates if (found := parse_dateline(line)) is not None), None)
    return PlainArticle(
        title=title,
        published_date=published,
        date_line=date_line,
        dateline=dateline.place if dateline else None,
        dateline_credit=dateline.credit if dateline else None,
        dateline_outlet=dateline.outlet if dateline else None,
    )
