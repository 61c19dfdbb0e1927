"""Near-duplicate articles: the same report republished with small edits.

Method (deterministic, independent of the data set, no comparison of all pairs):

1. each body is folded (case, Arabic letter forms, diacritics, digits) and cut into word 5-gram
   shingles, each hashed to 64 bits from the CRC-32 of its words (stable across runs and machines);
2. a MinHash signature of ``NUM_PERMUTATIONS`` values is computed with fixed permutations
   (constants derived from a fixed seed, never from the data);
3. locality-sensitive hashing: the signature is cut into ``BANDS`` bands of ``ROWS`` values;
   articles sharing a band are candidates (at Jaccard 0.8 a pair is a candidate with probability
   above 0.999; pairs far below the threshold rarely are);
4. every candidate pair is checked with the exact Jaccard similarity of the shingle sets, and kept
   when it is at least ``THRESHOLD``.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

THRESHOLD = 0.8
SHINGLE_WORDS = 5
BANDS = 16
ROWS = 4
NUM_PERMUTATIONS = BANDS * ROWS
_SEED = 20250503  # fixed: the permutations must be the same on every run and machine

_rng = np.random.default_rng(_SEED)
# Multipliers combining the hashes of the words of a shingle, and the MinHash permutations
# h(x) = (a*x + b) mod 2**64, high 32 bits (multiply-shift hashing; odd a).
_SHINGLE_MULTIPLIERS = _rng.integers(1, 1 << 63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)
_PERM_A = _rng.integers(1, 1 << 63, size=NUM_PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_PERM_B = _rng.integers(0, 1 << 63, size=NUM_PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)

# Folding for comparison only: Arabic letter variants, diacritics and tatweel, Eastern digits.
_FOLD_TABLE = str.maketrans(
    {
        **dict.fromkeys("أإآٱ", "ا"),
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **dict.fromkeys([chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"], None),
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_WORD = re.compile(r"\w+")


def shingles(body: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word ``size``-grams of a folded body.

    Words are hashed with CRC-32 (stable across runs and machines, unlike Python's ``hash``); a
    shingle's hash combines its words' hashes with fixed multipliers. A text shorter than ``size``
    words is one shingle.
    """
    words = _WORD.findall(body.casefold().translate(_FOLD_TABLE))
    if not words:
        return np.empty(0, dtype=np.uint64)
    word_hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    width = min(size, len(words))
    count = len(words) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for k in range(width):
        combined += word_hashes[k : k + count] * _SHINGLE_MULTIPLIERS[k]  # wraps mod 2**64
    return np.unique(combined)


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (``NUM_PERMUTATIONS`` values) of a non-empty array of shingle hashes."""
    permuted = (np.multiply.outer(shingle_hashes, _PERM_A) + _PERM_B) >> _SHIFT
    return permuted.min(axis=0)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def find_near_duplicates(articles: Iterable[tuple[str, str]], threshold: float = THRESHOLD) -> list[tuple[str, str, float]]:
    """Pairs (id_a, id_b, similarity) of distinct articles whose bodies are near-duplicates.

    ``articles`` are (article_id, body) pairs; an id given twice is read once (first body wins).
    Pairs have id_a < id_b, similarity is the exact Jaccard similarity of word 5-gram shingles
    (rounded to 6 decimals), and the list is sorted: the same input gives the same output.
    """
    shingle_sets: dict[str, np.ndarray] = {}
    for article_id, body in articles:
        if article_id not in shingle_sets:
            shingle_sets[article_id] = shingles(body)

    buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    for article_id in sorted(shingle_sets):
        hashes = shingle_sets[article_id]
        if not len(hashes):
            continue
        signature = minhash(hashes)
        for band in range(BANDS):
            key = signature[band * ROWS : (band + 1) * ROWS].tobytes()
            buckets[(band, key)].append(article_id)

    candidates: set[tuple[str, str]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                candidates.add((first, second) if first < second else (second, first))

    pairs = []
    for id_a, id_b in sorted(candidates):
        similarity = jaccard(shingle_sets[id_a], shingle_sets[id_b])
        if similarity >= threshold:
            pairs.append((id_a, id_b, round(similarity, 6)))
    return pairs
