"""Text normalisation.

Two different normalisations live here and must not be confused:

* ``canonical_text`` is applied once at ingestion. Its output is what the article id hashes
  and what ``articles.body`` stores, so every character offset in the published tables
  points into it.
* ``normalise_for_matching`` folds spelling variants (Arabic letter forms, diacritics,
  digits, case, quotes) so that lexicons match. It returns a ``NormalisedText`` that keeps,
  for every character it produces, the offset of the body character it came from: matches
  found in the folded text are mapped back to exact body offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters removed entirely when matching: Arabic harakat, shadda, sukun, superscript alef,
# Quranic marks, tatweel, and zero-width / bidi formatting marks pasted from web pages.
_DROPPED = set(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6)]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff",
       "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)

# One character in, one character out.
_FOLD = {
    # alef with hamza / madda / wasla -> bare alef
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    # alef maqsura -> ya; ta marbuta -> ha; hamza seats -> their base letter
    "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    # Persian / Urdu / Kurdish letter forms seen in pasted text and in transliterated names
    "ک": "ك", "گ": "ك", "ی": "ي", "ې": "ي", "ێ": "ي", "ە": "ه", "ھ": "ه", "ۀ": "ه", "ہ": "ه",
    "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف", "ڨ": "ق",
    # digits: Arabic-Indic and Extended (Persian) -> ASCII
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    # Arabic decimal and thousands separators, percent sign
    "٫": ".", "٬": ",", "٪": "%",
    # quotes and brackets around names become spaces, so that و"كونيكو" reads as و كونيكو
    '"': " ", "«": " ", "»": " ", "“": " ", "”": " ", "„": " ", "‟": " ", "″": " ", "‹": " ", "›": " ",
    "(": " ", ")": " ", "[": " ", "]": " ", "{": " ", "}": " ", "﴾": " ", "﴿": " ",
    "‘": "'", "’": "'", "ʼ": "'", "`": "'",
    # dashes -> hyphen
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
    # Arabic punctuation -> ASCII punctuation
    "،": ",", "؛": ";", "؟": "?",
    # whitespace variants
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
}


def canonical_text(text: str) -> str:
    """The stored form of an article: NFC, Unix newlines, no BOM, trimmed."""
    text = text.replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return text.strip()


@dataclass(frozen=True)
class NormalisedText:
    """Folded text plus, for each of its characters, the offset in the original text."""

    text: str
    origin: tuple[int, ...]  # origin[i] = offset in the original of text[i]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text to a half-open span of the original."""
        if start >= end:
            pos = self.origin[start] if start < len(self.origin) else self.original_length
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def _is_presentation_form(ch: str) -> bool:
    """Arabic presentation forms (ﻻ, ﺍﻟ...) pasted from PDFs: NFKC gives the plain letters."""
    return "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"


def fold_char(ch: str) -> str:
    """Fold one character for matching ('' when it is dropped; several for a ligature such as ﻻ)."""
    if ch in _DROPPED:
        return ""
    folded = _FOLD.get(ch)
    if folded is not None:
        return folded
    if _is_presentation_form(ch):
        plain = unicodedata.normalize("NFKC", ch)
        if plain != ch:  # (symbols and unassigned points of these blocks have no plain letters)
            return "".join(fold_char(c) for c in plain)
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


class _OneForOne(dict):
    """A ``str.translate`` table of ``fold_char`` for the characters that fold to one character,
    filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_ONE_FOR_ONE = _OneForOne()
# The characters that fold to none or to several: dropped marks and presentation forms.
_NOT_ONE_FOR_ONE = re.compile("[" + "".join(sorted(re.escape(c) for c in _DROPPED)) + "\ufb50-\ufdff\ufe70-\ufeff]")
_SPACE_RUN = re.compile("  +")


def normalise_for_matching(text: str) -> NormalisedText:
    """Fold ``text`` for lexicon matching (``fold_char`` on every character, then runs of spaces
    collapsed to one, so multi-word names match across removed quotes), keeping a map back to
    the original offsets. Whole runs of one-for-one characters are folded by ``str.translate``."""
    pieces: list[str] = []
    origin: list[int] | range = []
    position = 0
    for special in _NOT_ONE_FOR_ONE.finditer(text):
        i = special.start()
        pieces.append(text[position:i].translate(_ONE_FOR_ONE))
        origin.extend(range(position, i))
        folded = fold_char(text[i])
        pieces.append(folded)
        origin.extend([i] * len(folded))
        position = i + 1
    if position:
        pieces.append(text[position:].translate(_ONE_FOR_ONE))
        origin.extend(range(position, len(text)))
        folded = "".join(pieces)
    else:  # nothing dropped or expanded: one character for one
        folded, origin = text.translate(_ONE_FOR_ONE), range(len(text))
    if "  " in folded:
        pieces, kept = [], []
        position = 0
        for run in _SPACE_RUN.finditer(folded):
            pieces.append(folded[position:run.start() + 1])
            kept.extend(origin[position:run.start() + 1])
            position = run.end()
        pieces.append(folded[position:])
        kept.extend(origin[position:])
        folded, origin = "".join(pieces), kept
    return NormalisedText(folded, tuple(origin), len(text))


def fold(text: str) -> str:
    """Fold a lexicon entry or a name the same way as text (no offsets needed)."""
    return " ".join(normalise_for_matching(text).text.split())
