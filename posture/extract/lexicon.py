"""Lexicons: each language's words as data, one engine for all.

Every file ``posture/data/lexicons/<lang>/<category>.tsv`` has three tab-separated columns:
``surface``, ``value`` and optional ``features`` (``key=value;key=value``). Lines starting
with ``#`` are comments. Surfaces are folded (``posture.text.normalize.fold``) at load time,
so they match however the article spells hamza, ta marbuta, digits or case.

Categories: ``actors``, ``assets``, ``sources``, ``triggers``, ``cues``. Places come from the
gazetteer, not from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from posture.text.normalize import fold

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicons"
CATEGORIES = ("actors", "assets", "sources", "triggers", "cues")


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    category: str
    surface: str  # folded
    value: str
    features: tuple[tuple[str, str], ...] = ()

    def feature(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.features:
            if k == key:
                return v
        return default

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.features)


@dataclass
class Lexicon:
    language: str
    entries: list[Entry] = field(default_factory=list)

    def by_category(self) -> dict[str, list[Entry]]:
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries:
            grouped[e.category].append(e)
        return grouped


def _parse_features(text: str, where: str) -> tuple[tuple[str, str], ...]:
    features = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not key:
            raise LexiconError(f"{where}: empty feature name in {text!r}")
        features.append((key.strip(), value.strip() if sep else "1"))
    return tuple(features)


def read_lexicon_file(path: Path, category: str) -> list[Entry]:
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{path}:{number}"
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise LexiconError(f"{where}: expected 'surface<TAB>value[<TAB>features]', got {line!r}")
        surface = fold(cells[0])
        features = _parse_features(cells[2], where) if len(cells) > 2 else ()
        entries.append(Entry(category, surface, cells[1].strip(), features))
    return entries


@cache
def load_lexicon(language: str) -> Lexicon:
    folder = LEXICON_DIR / language
    lexicon = Lexicon(language)
    for category in CATEGORIES:
        path = folder / f"{category}.tsv"
        if path.exists():
            lexicon.entries.extend(read_lexicon_file(path, category))
    return lexicon


@cache  # like the lexicons themselves, read once per process
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LEXICON_DIR.iterdir() if (p / "triggers.tsv").exists()))
