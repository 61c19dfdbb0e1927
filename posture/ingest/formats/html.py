"""Saved news pages (``.html``, ``.htm``).

The main text comes from trafilatura, which leaves out scripts, styles, navigation, footers,
"related" asides and tag lists. Metadata comes from the page head:

* title: ``og:title``, else the first ``<h1>`` (inside ``<article>`` when there is one), else
  ``<title>``; a " | Site name" suffix is removed;
* publication date: ``article:published_time`` and similar meta tags, JSON-LD ``datePublished``,
  ``<time datetime>``; else the date line of the extracted text;
* outlet: ``og:site_name``, else the JSON-LD publisher; url: canonical link or ``og:url``.

When trafilatura finds nothing (very short or broken pages) a simple fallback keeps the ``<p>``
paragraphs that are not inside navigation, header, footer or aside elements.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from posture.ingest.formats.common import Reason, assemble_article, join_paragraphs, one_line
from posture.ingest.formats.text import read_plain_text
from posture.ingest.metadata import parse_date_value
from posture.ingest.records import InputResult, Rejection

# trafilatura reports pages it finds nothing in at WARNING level; a rejection says it instead
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<\s*(?:!doctype|html|head|body|title|meta|p|div|article|h1|span|br|main|section)\b", re.IGNORECASE)

# Meta tags (property or name, lower case) that carry the publication date, best first.
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " ｜ ")
# Containers whose text is not article text: never (invisible), or unless they hold prose (see _is_boilerplate).
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg")
_BOILERPLATE_TAGS = ("nav", "footer", "aside", "form", "iframe", "button", "select")
_BOILERPLATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|menu|footer|header|related|share|social|tags?|breadcrumbs?|cookie|comments?|sidebar|newsletter|subscribe|advert|ads?|promo|ticker)(?:$|[\s_-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    published: date | None
    outlet: str | None
    url: str | None


def read_html(page: str, source_uri: str) -> InputResult:
    """One article from the decoded text of a saved HTML page."""
    page = _XML_DECLARATION.sub("", page, count=1)
    if not _ANY_TAG.search(page[:20000]):
        # a ".html" file that is plain text after all: read it in the plain layout
        return read_plain_text(page, source_uri)
    document = _parse_document(page)
    metadata = page_metadata(document) if document is not None else PageMetadata(None, None, None, None)
    text = extract_main_text(page, document)
    if not text:
        return Rejection(
            source_uri,
            Reason.NO_TEXT,
            "No article text was found in this HTML page (only navigation, scripts or markup); save the article page itself.",
        )
    return assemble_article(
        source_uri,
        text,
        title=metadata.title,
        published=metadata.published,
        url=metadata.url,
        outlet=metadata.outlet,
    )


def _parse_document(page: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError, TypeError):
        return None


def extract_main_text(page: str, document: lxml.html.HtmlElement | None) -> str:
    """The article text of a page, paragraphs separated by blank lines ('' when there is none)."""
    try:
        extracted = trafilatura.extract(
            page,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=False,
            output_format="txt",
        )
    except Exception:  # trafilatura on hostile markup: fall back rather than fail the input
        extracted = None
    lines = extracted.split("\n") if extracted else []
    if document is not None:
        # trafilatura falls back to navigation text on pages with no article: drop any line that
        # is exactly the text of a navigation / footer / aside / tag-list block of the page
        boilerplate = _boilerplate_texts(document)
        lines = [line for line in lines if one_line(line) not in boilerplate]
    text = join_paragraphs(lines)
    if text:
        return text
    return _fallback_paragraphs(document) if document is not None else ""


def _is_boilerplate(element: lxml.html.HtmlElement) -> bool:
    """Whether an element is navigation, footer, aside, tag list, share bar, ... (not the story).

    Tags and class names are weak evidence on their own: old sites wrap the whole page in a
    <form>, templates name the story block "article-body share-enabled". A block with several
    paragraphs of prose in it is never boilerplate (scripts and styles always are).
    """
    if element.tag in _INVISIBLE_TAGS:
        return True
    if element.tag == "header":  # a page header, not the header of the article
        candidate = not any(ancestor.tag == "article" for ancestor in element.iterancestors())
    else:
        classes = f"{element.get('class', '')} {element.get('id', '')}"
        candidate = element.tag in _BOILERPLATE_TAGS or _BOILERPLATE_CLASS.search(classes) is not None
    return candidate and not _has_prose(element)


def _has_prose(element: lxml.html.HtmlElement) -> bool:
    long_paragraphs = sum(1 for p in element.iter("p") if len(p.text_content().strip()) >= 80)
    return long_paragraphs >= 2


def _boilerplate_texts(document: lxml.html.HtmlElement) -> set[str]:
    """Texts (one line each) of boilerplate blocks and of every element inside them."""
    texts: set[str] = set()
    stack = [document]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if _is_boilerplate(element):
            for inner in element.iter():  # its whole subtree; no need to look inside it again
                if isinstance(inner.tag, str) and (text := one_line(inner.text_content())):
                    texts.add(text)
        else:
            stack.extend(element)
    return texts


def _fallback_paragraphs(document: lxml.html.HtmlElement) -> str:
    body = document.find("body")
    root = body if body is not None else document
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            if element.getparent() is not None:  # comments, processing instructions
                element.drop_tree()
            continue
        if _is_boilerplate(element) and element.getparent() is not None:
            element.drop_tree()
    paragraphs = [element.text_content() for element in root.iter("p", "h2", "h3", "blockquote", "li")]
    if not any(p.strip() for p in paragraphs):
        paragraphs = [root.text_content()]
    return join_paragraphs(paragraphs)


# ----------------------------------------------------------------------------- metadata


def _meta_values(document: lxml.html.HtmlElement) -> dict[str, str]:
    """content of every <meta property=...> / <meta name=...> / itemprop, by lower-case key (first wins)."""
    values: dict[str, str] = {}
    for meta in document.iter("meta"):
        content = meta.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                values.setdefault(key, content.strip())
    return values


def _json_ld_objects(document: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts (lists and @graph flattened)."""
    found: list[dict[str, Any]] = []

    def walk(value: Any, depth: int = 0) -> None:
        if depth > 8:
            return
        if isinstance(value, dict):
            found.append(value)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                walk(value.get(key), depth + 1)
        elif isinstance(value, list):
            for item in value[:50]:
                walk(item, depth + 1)

    for script in document.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            walk(json.loads(script.text))
        except (ValueError, RecursionError):
            continue
    return found


def _text_of(element: lxml.html.HtmlElement | None) -> str:
    return one_line(element.text_content()) if element is not None else ""


def _first(document: lxml.html.HtmlElement, xpath: str) -> lxml.html.HtmlElement | None:
    found = document.xpath(xpath)
    return found[0] if found else None


def strip_site_suffix(title: str, site_name: str | None) -> str:
    """'Headline | Site' -> 'Headline'; a ' - Site' suffix only when it is the site's name."""
    title = one_line(title)
    if site_name:
        for separator in _TITLE_SEPARATORS:
            suffix, prefix = separator + site_name, site_name + separator
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
            if title.startswith(prefix) and len(title) > len(prefix):
                return title[len(prefix) :].strip()
    for separator in (" | ", " ｜ ", " :: "):
        if separator in title:
            parts = [p.strip() for p in title.split(separator) if p.strip()]
            return max(parts, key=len) if parts else title
    return title


def _published_from_page(document: lxml.html.HtmlElement, meta: dict[str, str], json_ld: list[dict[str, Any]]) -> date | None:
    for key in _DATE_META:
        if key in meta and (value := parse_date_value(meta[key])) is not None:
            return value
    for obj in json_ld:
        if (value := parse_date_value(obj.get("datePublished"))) is not None:
            return value
    # <time> of the article itself, not of the "related" list: inside <article>/<main> first
    for xpath in ("//article//time[@datetime]", "//main//time[@datetime]", "//time[@pubdate][@datetime]", "//time[@datetime]"):
        for element in document.xpath(xpath)[:3]:
            if (value := parse_date_value(element.get("datetime"))) is not None:
                return value
    # a <time> of the article without a datetime attribute: its text ("السبت 24 يوليو 2021")
    for element in document.xpath("//article//time")[:3]:
        if (value := parse_date_value(_text_of(element))) is not None:
            return value
    return None


def page_metadata(document: lxml.html.HtmlElement) -> PageMetadata:
    meta = _meta_values(document)
    json_ld = _json_ld_objects(document)

    outlet = meta.get("og:site_name") or meta.get("application-name")
    if not outlet:
        for obj in json_ld:
            publisher = obj.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                outlet = publisher["name"]
                break

    h1 = _first(document, "//article//h1")
    if h1 is None:  # (an lxml element with no children is falsy: compare with None)
        h1 = _first(document, "//h1")
    title_element = _first(document, "//title")
    candidates = [meta.get("og:title"), _text_of(h1), _text_of(title_element), meta.get("twitter:title")]
    title = next((strip_site_suffix(c, outlet) for c in candidates if c and c.strip()), None)

    canonical = _first(document, "//link[@rel='canonical'][@href]")
    url = meta.get("og:url") or (canonical.get("href") if canonical is not None else None)

    return PageMetadata(
        title=title,
        published=_published_from_page(document, meta, json_ld),
        outlet=one_line(outlet) if outlet else None,
        url=url.strip() if url else None,
    )
