"""Plain-text articles (``.txt``, ``.md``): the whole file is the body, its first line the title.

A Markdown file may open with a front-matter block (``---`` lines around ``key: value`` lines, as
static-site generators write); its ``title``, ``date``, ``url``, ``outlet`` and ``language`` are
used as metadata and the block itself is not part of the body.
"""

from __future__ import annotations

import re

from posture.ingest.formats.common import assemble_article
from posture.ingest.metadata import parse_date_value
from posture.ingest.records import InputResult

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<block>(?:[^\n]*\n){0,40}?)---[ \t]*(?:\n|\Z)")
_FRONT_MATTER_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")
_FRONT_MATTER_KEYS = {
    "title": "title",
    "date": "published",
    "published": "published",
    "published_date": "published",
    "url": "url",
    "link": "url",
    "outlet": "outlet",
    "source": "outlet",
    "language": "language",
    "lang": "language",
}


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """(metadata, rest of the text) when the text opens with a front-matter block."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("block").splitlines():
        parsed = _FRONT_MATTER_LINE.match(line)
        if parsed and parsed.group("key").lower() in _FRONT_MATTER_KEYS:
            value = parsed.group("value").strip().strip("'\"")
            fields.setdefault(_FRONT_MATTER_KEYS[parsed.group("key").lower()], value)
    return fields, text[match.end() :]


def read_plain_text(text: str, source_uri: str) -> InputResult:
    """One article from the decoded text of a ``.txt`` / ``.md`` file."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fields, rest = _front_matter(text)
    return assemble_article(
        source_uri,
        rest,
        title=fields.get("title") or None,
        published=parse_date_value(fields.get("published")),
        url=fields.get("url"),
        outlet=fields.get("outlet"),
        language=fields.get("language"),
        missing_text_detail="The file has a front-matter block but no article text after it.",
    )
