"""What every format reader shares: rejection codes, HTML-snippet stripping, building the record.

A format reader finds the main text and whatever metadata its format carries (title, date, url,
outlet, language); ``assemble_article`` turns that into an ``ArticleRecord`` in one way for all
formats: canonical body that starts with the title line, date from metadata else from the date
line, dateline and language read from the body.
"""

from __future__ import annotations

import html
import re
from datetime import date

from posture.ingest.metadata import detect_language, normalise_language_code, parse_plain_article
from posture.ingest.records import ArticleRecord, InputResult, Rejection
from posture.text.normalize import canonical_text, fold


class Reason:
    """Stable rejection codes (``Rejection.reason``)."""

    EMPTY = "empty"  # no bytes, or only white space
    BINARY = "binary"  # PDF, image, archive, NUL bytes
    UNDECODABLE = "undecodable"  # not text in any encoding we know
    TOO_LARGE = "too_large"  # bigger than max_bytes (not read)
    UNSUPPORTED_FORMAT = "unsupported_format"  # extension we don't read
    MALFORMED_JSON = "malformed_json"
    MALFORMED_XML = "malformed_xml"
    UNSAFE_XML = "unsafe_xml"  # entity declarations / external references (XXE, billion laughs)
    NOT_A_FEED = "not_a_feed"  # XML that is neither RSS nor Atom
    NOT_AN_ARTICLE = "not_an_article"  # a JSON value that is not an object
    NO_TEXT = "no_text"  # a record or page without article text
    UNSUPPORTED_LANGUAGE = "unsupported_language"  # letters of a script the detector doesn't know
    OUTSIDE_ROOT = "outside_root"  # a symbolic link leading out of the input folder
    NOT_A_REGULAR_FILE = "not_a_regular_file"  # fifo, socket, device
    UNREADABLE = "unreadable"  # permissions, broken link, I/O error
    READ_ERROR = "read_error"  # a bug in a reader: should not happen, reported instead of raised


# ----------------------------------------------------------------------------- HTML snippets

_BLOCK_END = re.compile(r"</\s*(?:p|div|li|h[1-6]|blockquote|tr|table|section|article|ul|ol|pre|figure)\s*>", re.IGNORECASE)
_BLOCK_START = re.compile(r"<\s*(?:p|div|li|h[1-6]|blockquote|tr|table|section|article|ul|ol|pre|figure)(?:\s[^>]*)?>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_INVISIBLE_START = re.compile(r"<!--|<\s*(script|style|noscript|template|iframe|svg)\b", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*(?:p|br|div|span|a|b|i|em|strong|h[1-6]|ul|ol|li|img|blockquote|figure)\b[^<>]*>", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether a text field carries HTML markup (feed descriptions, some JSON exports)."""
    return _LOOKS_LIKE_HTML.search(text) is not None


def html_snippet_to_text(snippet: str) -> str:
    """Plain text of an HTML fragment, with paragraphs separated by blank lines.

    For feed items and JSON fields (small, trusted-as-text fragments); whole saved pages go
    through trafilatura instead. Scripts, styles and comments are dropped with their content.
    """
    text = _remove_invisible(snippet)
    text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK_START.sub("\n\n", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return join_paragraphs(text.split("\n\n"))


def _remove_invisible(snippet: str) -> str:
    """Drop comments and script/style/... elements with their content, in one pass.

    A scan rather than one lazy regex, which would take quadratic time on many unclosed openings;
    an unclosed comment or script hides the rest of the snippet, as it does in a browser.
    """
    kept: list[str] = []
    position = 0
    while (opening := _INVISIBLE_START.search(snippet, position)) is not None:
        kept.append(snippet[position : opening.start()])
        if opening.group(1) is None:
            end = snippet.find("-->", opening.end())
            position = -1 if end < 0 else end + 3
        else:
            closing = re.compile(rf"</\s*{opening.group(1)}\s*>", re.IGNORECASE).search(snippet, opening.end())
            position = -1 if closing is None else closing.end()
        if position < 0:
            return " ".join(kept)
        kept.append(" ")
    kept.append(snippet[position:])
    return "".join(kept)


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs with inner white space tidied, separated by one blank line."""
    tidy = []
    for paragraph in paragraphs:
        lines = [" ".join(line.split()) for line in paragraph.replace("\r", "\n").split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            tidy.append(joined)
    return "\n\n".join(tidy)


# ----------------------------------------------------------------------------- records


def one_line(text: str) -> str:
    return " ".join(text.split())


def web_address(url: str | None) -> str | None:
    """An http(s) address, else None (a "file:///etc/passwd" in a record is not where it was published)."""
    url = one_line(url) if url else ""
    return url if re.match(r"https?://[^\s/]+", url, re.IGNORECASE) else None


def _starts_with_title(text: str, title: str) -> bool:
    first_line = text.split("\n", 1)[0]
    return fold(first_line) == fold(title)


def assemble_article(
    source_uri: str,
    main_text: str,
    *,
    title: str | None = None,
    published: date | None = None,
    url: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
    missing_text_detail: str = "The input has no article text.",
) -> InputResult:
    """Build the record of one input from its main text and metadata.

    ``title`` is put in front of the text (separated by a blank line) unless the text already starts
    with it; without a title, the text's first line is the title (plain-text layout).
    """
    text = canonical_text(main_text)
    if not text:
        return Rejection(source_uri, Reason.NO_TEXT, missing_text_detail)
    title_line = one_line(canonical_text(title)) if title else ""
    if title_line and not _starts_with_title(text, title_line):
        text = f"{title_line}\n\n{text}"
    body = canonical_text(text)

    layout = parse_plain_article(body)
    if published is not None:
        published_date, date_source = published, "metadata"
    elif layout.published_date is not None:
        published_date, date_source = layout.published_date, "date_line"
    else:
        published_date, date_source = None, None

    detected = normalise_language_code(language) or detect_language(body)
    if detected is None and any(ch.isalpha() for ch in body):
        return Rejection(
            source_uri,
            Reason.UNSUPPORTED_LANGUAGE,
            "The text is written in a script the language detector does not know; give the record a \"language\" field.",
        )
    if detected is None:
        return Rejection(
            source_uri,
            Reason.NO_TEXT,
            "The text has no letters (only digits, punctuation or symbols), so it can't be an article.",
        )
    return ArticleRecord(
        source_uri=source_uri,
        body=body,
        title=layout.title,
        published_date=published_date,
        language=detected,
        outlet=(one_line(outlet) or None) if outlet else layout.dateline_outlet,
        dateline=layout.dateline,
        url=web_address(url),
        date_source=date_source,
    )
