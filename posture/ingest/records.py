"""What reading an input folder produces: accepted articles and rejected inputs.

Readers never raise for a bad input: they yield a ``Rejection`` with a reason a person
understands. Exact duplicates are decided later, from ``ArticleRecord.body``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ArticleRecord:
    """One input that reads as an article."""

    source_uri: str  # path relative to the input folder, with #line=N / #item=N for records
    body: str  # canonical text (posture.text.normalize.canonical_text); starts with the title
    title: str
    published_date: date | None
    language: str  # ISO 639-1
    outlet: str | None = None
    dateline: str | None = None
    url: str | None = None
    date_source: str | None = None  # where published_date came from: metadata, date_line, None


@dataclass(frozen=True)
class Rejection:
    """One input that can't be used, and why."""

    source_uri: str
    reason: str  # short, stable code: empty, binary, undecodable, too_large, not_an_article, malformed_json, ...
    detail: str  # a sentence a person understands: what was wrong and what to do


InputResult = ArticleRecord | Rejection
