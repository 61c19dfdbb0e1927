"""JSON articles: a ``.json`` file holding one object or an array of objects, and ``.jsonl`` files
holding one object per line.

An object is an article when it has ``text`` or ``body`` (``content`` is accepted too); optional
``title`` (or ``headline``), ``published`` (or ``date``, ``published_at``, ``datePublished``,
``pubDate``), ``url`` (or ``link``), ``outlet`` (or ``source``, ``site_name``, ``publisher``) and
``language`` (or ``lang``). Other fields, ``id`` included, are ignored: an input is named by its
path and position, never by what it says about itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from posture.ingest.formats.common import Reason, assemble_article, html_snippet_to_text, looks_like_html
from posture.ingest.metadata import parse_date_value
from posture.ingest.records import InputResult, Rejection

TEXT_FIELDS = ("text", "body", "content")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("published", "published_at", "publishedAt", "published_date", "datePublished", "date", "pubDate")
URL_FIELDS = ("url", "link")
OUTLET_FIELDS = ("outlet", "source", "site_name", "publisher")
LANGUAGE_FIELDS = ("language", "lang")


def _first_field(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    """A string field; a list of strings is read as paragraphs; a {"name": ...} object as its name."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def record_to_article(record: Any, source_uri: str) -> InputResult:
    """One JSON value (an object from a file, an array element or a line) as an article."""
    if not isinstance(record, dict):
        kind = type(record).__name__ if record is not None else "null"
        kind = {"str": "a string", "list": "an array", "int": "a number", "float": "a number", "bool": "a boolean"}.get(kind, kind)
        return Rejection(
            source_uri,
            Reason.NOT_AN_ARTICLE,
            f"The JSON value is {kind}, not an object; an article is an object with a \"text\" or \"body\" field.",
        )
    raw_text = _first_field(record, TEXT_FIELDS)
    # the text must be a string (or a list of paragraph strings); numbers and objects are not text
    text = _as_text(raw_text) if isinstance(raw_text, (str, list)) else None
    if not text or not text.strip():
        detail = (
            "The object has no \"text\" or \"body\" field with the article text."
            if raw_text is None
            else "The object's \"text\"/\"body\" field is not a string (or is empty)."
        )
        return Rejection(source_uri, Reason.NO_TEXT, detail)
    if looks_like_html(text):
        text = html_snippet_to_text(text)
    title = _as_text(_first_field(record, TITLE_FIELDS))
    return assemble_article(
        source_uri,
        text,
        title=title,
        published=parse_date_value(_first_field(record, DATE_FIELDS)),
        url=_as_text(_first_field(record, URL_FIELDS)),
        outlet=_as_text(_first_field(record, OUTLET_FIELDS)),
        language=_as_text(_first_field(record, LANGUAGE_FIELDS)),
        missing_text_detail="The object's text is empty once its markup is removed.",
    )


def _loads(text: str) -> Any:
    """json.loads that reports nesting bombs and giant numbers as ValueError, like other bad JSON."""
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError("the JSON is nested too deeply") from exc


def _json_problem(exc: ValueError, where: str, single_line: bool = False) -> str:
    if isinstance(exc, json.JSONDecodeError):
        position = f"column {exc.colno}" if single_line else f"line {exc.lineno}, column {exc.colno}"
        return f"{where} is not valid JSON ({exc.msg}, {position})."
    return f"{where} is not valid JSON ({exc})."


def read_json(text: str, source_uri: str) -> Iterator[InputResult]:
    """A ``.json`` file: one object (the file is the input) or an array (each element is one, #item=N)."""
    try:
        value = _loads(text)
    except ValueError as exc:
        yield Rejection(source_uri, Reason.MALFORMED_JSON, _json_problem(exc, "The file"))
        return
    if not isinstance(value, list):
        yield record_to_article(value, source_uri)
        return
    if not value:
        yield Rejection(source_uri, Reason.EMPTY, "The JSON array is empty: there is no article in it.")
        return
    for number, element in enumerate(value, start=1):
        uri = f"{source_uri}#item={number}"
        try:
            yield record_to_article(element, uri)
        except Exception as exc:  # a bug for one record must not hide the others
            yield Rejection(uri, Reason.READ_ERROR, f"Unexpected error while reading this record: {type(exc).__name__}: {exc}")


def read_jsonl(text: str, source_uri: str) -> Iterator[InputResult]:
    """A ``.jsonl`` file: each non-blank line is one input (#line=N, counting every line from 1)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    produced = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        produced += 1
        uri = f"{source_uri}#line={number}"
        try:
            value = _loads(line)
        except ValueError as exc:
            yield Rejection(uri, Reason.MALFORMED_JSON, _json_problem(exc, f"Line {number}", single_line=True))
            continue
        try:
            yield record_to_article(value, uri)
        except Exception as exc:  # a bug for one record must not hide the others
            yield Rejection(uri, Reason.READ_ERROR, f"Unexpected error while reading this record: {type(exc).__name__}: {exc}")
    if produced == 0:
        yield Rejection(source_uri, Reason.EMPTY, "The JSON Lines file has only blank lines.")
