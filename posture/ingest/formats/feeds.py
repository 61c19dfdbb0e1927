"""RSS and Atom feeds (``.xml``, ``.rss``, ``.atom``): one input per item / entry (#item=N).

The XML is parsed with defusedxml: a feed that declares entities or refers to external ones
(XXE, "billion laughs" expansion) is rejected whole as ``unsafe_xml`` before any item is read.
An item's text is its ``content:encoded`` / Atom ``content``, else its ``description`` /
``summary``, with the HTML markup stripped. The feed's title is the items' outlet.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError, tostring

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from posture.ingest.encoding import DecodeProblem, decode_bytes, declared_xml_encoding
from posture.ingest.formats.common import Reason, assemble_article, html_snippet_to_text, looks_like_html, one_line
from posture.ingest.metadata import parse_date_value
from posture.ingest.records import InputResult, Rejection

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

# Item children, by local name (namespaces ignored), best first.
_CONTENT_NAMES = ("encoded", "content")  # content:encoded (RSS), content (Atom)
_SUMMARY_NAMES = ("description", "summary")
_DATE_NAMES = ("pubDate", "published", "date", "issued", "created", "updated", "modified")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child_text(element: Element, names: tuple[str, ...]) -> str | None:
    for name in names:
        for child in _children(element, name):
            text = _element_text(child)
            if text.strip():
                return text
    return None


def _element_text(element: Element) -> str:
    """Text of a feed element: escaped HTML / CDATA is stripped; inline markup (Atom xhtml) too."""
    if len(element):
        for node in element.iter():  # xhtml children come namespaced: <{http://...xhtml}p> -> <p>
            node.tag = _local(node.tag)
        markup = (element.text or "") + "".join(tostring(child, encoding="unicode") for child in element)
        return html_snippet_to_text(markup)
    text = element.text or ""
    return html_snippet_to_text(text) if looks_like_html(text) else text


def _link(item: Element) -> str | None:
    for link in _children(item, "link"):
        href = link.get("href")  # Atom: <link rel="alternate" href="..."/>
        if href and (link.get("rel") in (None, "alternate")):
            return href.strip()
        if link.text and link.text.strip():
            return link.text.strip()
    guid = _child_text(item, ("guid", "id"))
    return guid.strip() if guid and guid.strip().startswith(("http://", "https://")) else None


_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}


def _html_entities_as_numbers(text: str) -> str:
    """Write HTML entities (&nbsp;, &eacute;) that feeds use without declaring them as numeric
    references, which XML knows. A feed that declares entities is left as is: the safe parser
    must see those declarations to refuse them."""
    if "<!ENTITY" in text:
        return text

    def numeric(match: re.Match[str]) -> str:
        name = match.group(1)
        character = html.entities.html5.get(name + ";")
        if name in _XML_ENTITIES or character is None:
            return match.group(0)
        return "".join(f"&#{ord(ch)};" for ch in character)

    return _NAMED_ENTITY.sub(numeric, text)


def _parse_safely(data: bytes, source_uri: str) -> Element | Rejection:
    try:
        decoded = decode_bytes(data, declared_xml_encoding(data))
    except DecodeProblem as problem:
        return Rejection(source_uri, problem.reason, problem.detail)
    if not decoded.text.strip().strip("\ufeff"):
        return Rejection(source_uri, Reason.EMPTY, "The file holds only white space.")
    # the text is decoded already: drop the declaration so the parser reads it as UTF-8
    text = _XML_DECLARATION.sub("", decoded.text.lstrip("\ufeff"), count=1)
    xml = _html_entities_as_numbers(text).encode("utf-8")
    try:
        return SafeElementTree.fromstring(xml, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        return Rejection(
            source_uri,
            Reason.UNSAFE_XML,
            f"The feed declares or references XML entities ({type(exc).__name__}); such feeds can read local "
            "files or expand without limit, so the whole feed was refused.",
        )
    except ParseError as exc:
        return Rejection(source_uri, Reason.MALFORMED_XML, f"The feed is not well-formed XML ({exc}).")
    except (ValueError, RecursionError) as exc:
        return Rejection(source_uri, Reason.MALFORMED_XML, f"The feed could not be parsed as XML: {exc}.")


def read_feed(data: bytes, source_uri: str) -> Iterator[InputResult]:
    """The items of an RSS (0.9x, 1.0, 2.0) or Atom feed, one input each."""
    root = _parse_safely(data, source_uri)
    if isinstance(root, Rejection):
        yield root
        return
    kind = _local(root.tag)
    if kind == "rss":
        channel = next(iter(_children(root, "channel")), root)
        items = _children(channel, "item") or _children(root, "item")
    elif kind == "RDF":  # RSS 1.0: items are siblings of the channel
        channel = next(iter(_children(root, "channel")), root)
        items = _children(root, "item")
    elif kind == "feed":  # Atom
        channel = root
        items = _children(root, "entry")
    else:
        yield Rejection(
            source_uri,
            Reason.NOT_A_FEED,
            f"The XML document's root element is <{kind}>, not an RSS or Atom feed (<rss>, <rdf:RDF>, <feed>).",
        )
        return
    if not items:
        yield Rejection(source_uri, Reason.EMPTY, "The feed has no items.")
        return
    feed_title = _child_text(channel, ("title",))
    outlet = one_line(feed_title) if feed_title else None
    for number, item in enumerate(items, start=1):
        uri = f"{source_uri}#item={number}"
        try:
            yield _item_to_article(item, uri, outlet)
        except Exception as exc:  # a bug for one item must not hide the others
            yield Rejection(uri, Reason.READ_ERROR, f"Unexpected error while reading this item: {type(exc).__name__}: {exc}")


def _item_to_article(item: Element, source_uri: str, outlet: str | None) -> InputResult:
    text = _child_text(item, _CONTENT_NAMES) or _child_text(item, _SUMMARY_NAMES)
    title = _child_text(item, ("title",))
    published = None
    for name in _DATE_NAMES:
        published = parse_date_value(_child_text(item, (name,)))
        if published is not None:
            break
    return assemble_article(
        source_uri,
        text or "",
        title=one_line(html_snippet_to_text(title)) if title else None,
        published=published,
        url=_link(item),
        outlet=outlet,
        missing_text_detail="The feed item has no content, description or summary text.",
    )
