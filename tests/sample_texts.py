"""Real texts for properties that must hold on whole articles: every bundled article (practice sets
and sample corpora) and a few generated ones, folded as the extractor reads them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from posture.text.normalize import normalise_for_matching

TESTS = Path(__file__).parent


@cache
def folded_articles() -> tuple[tuple[str, str], ...]:
    """(language, folded text) of each article."""
    from bench.generate import World, generate_article

    paths = sorted([*(TESTS / "fixtures").glob("practice*/*.txt"), *(TESTS.parent / "corpus").rglob("*.txt")])
    texts = [(p.name[:2] if p.name[:2] in ("ar", "en") else "ar", p.read_text(encoding="utf-8")) for p in paths]
    world = World()
    texts += [(lang, generate_article(world, 11, i, lang).text) for i in range(40) for lang in ("ar", "en")]
    return tuple((lang, normalise_for_matching(text).text) for lang, text in texts)
