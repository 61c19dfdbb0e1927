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
from collections.abc import Callable, Collection, Iterable

import numpy as np

THRESHOLD = 0.8
SHINGLE_WORDS = 5
BANDS = 16
ROWS = 4
NUM_PERMUTATIONS = BANDS * ROWS
_PAIRS_PER_STEP = 1 << 15  # pairs compared per vectorised step: bounds the temporary arrays (~16 MB)
PREFILTER = 0.5  # share of equal signature values below which a pair can't be at THRESHOLD (see pairs)
_SEED = 20250503  # fixed: the permutations must be the same on every run and machine

_rng = np.random.default_rng(_SEED)
# Multipliers combining the hashes of the words of a shingle, and the MinHash permutations
# h(x) = (a*x + b) mod 2**64, high 32 bits (multiply-shift hashing; odd a).
_SHINGLE_MULTIPLIERS = _rng.integers(1, 1 << 63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)
_PERM_A = _rng.integers(1, 1 << 63, size=NUM_PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_PERM_B = _rng.integers(0, 1 << 63, size=NUM_PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)

# Folding for comparison only: Arabic letter variants, diacritics and tatweel, Eastern digits. Each
# character folds to one character or to none, so the fold is a lookup by code point, done on the
# whole text at once (str.translate goes through a dict per character: ~40 % of shingling).
_FOLDED = {
    **dict.fromkeys("أإآٱ", "ا"),
    "ى": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
    **dict.fromkeys([chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"], ""),
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
_DROP = np.uint32(0xFFFFFFFF)  # not a code point


def _fold_lookup() -> np.ndarray:
    """Code point -> folded code point (or ``_DROP``), up to the last code point that folds."""
    lookup = np.arange(max(map(ord, _FOLDED)) + 1, dtype=np.uint32)
    for char, folded in _FOLDED.items():
        lookup[ord(char)] = ord(folded) if folded else _DROP
    return lookup


_FOLD_LOOKUP = _fold_lookup()


def fold_for_comparison(text: str) -> str:
    """``text`` with every character in ``_FOLDED`` replaced by its fold (or removed)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    in_table = points < len(_FOLD_LOOKUP)
    folded = np.where(in_table, _FOLD_LOOKUP[np.where(in_table, points, 0)], points)
    return folded[folded != _DROP].tobytes().decode("utf-32-le", "surrogatepass")


_WORD = re.compile(r"\w+")


def shingles(body: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word ``size``-grams of a folded body.

    Words are hashed with CRC-32 (stable across runs and machines, unlike Python's ``hash``); a
    shingle's hash combines its words' hashes with fixed multipliers. A text shorter than ``size``
    words is one shingle.
    """
    words = _WORD.findall(fold_for_comparison(body.casefold()))
    if not words:
        return np.empty(0, dtype=np.uint64)
    word_hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))  # UTF-8
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
    bodies: dict[str, str] = {}
    index = NearDuplicateIndex()
    for article_id, body in articles:
        if article_id not in bodies:
            bodies[article_id] = body
            index.add(article_id, *signature(body))
    return index.pairs(lambda article_id: shingles(bodies[article_id]), threshold)


def signature(body: str) -> tuple[np.ndarray, int]:
    """(MinHash signature, number of shingles) of a body; an empty signature when it has no words."""
    hashes = shingles(body)
    return (minhash(hashes) if len(hashes) else np.empty(0, dtype=np.uint64)), len(hashes)


class NearDuplicateIndex:
    """Signatures of articles (not their text); ``pairs`` finds the near-duplicates among them.

    Cost grows with the number of articles, not with the number of pairs sharing an LSH band:
    articles that share boilerplate (a standard closing paragraph, an agency's background text)
    fall into the same buckets, and comparing every pair of a bucket exactly would grow with the
    square of the corpus. Two filters that keep every pair at the threshold come before the exact
    Jaccard, vectorised over all pairs that share a bucket:

    - size: |A ∩ B| / |A ∪ B| <= min(|A|, |B|) / max(|A|, |B|), so a pair whose sizes differ too
      much can't reach the threshold;
    - signature agreement: the share of equal MinHash values estimates the Jaccard similarity;
      a pair at 0.8 agrees on fewer than ``PREFILTER`` of the 64 values with probability below
      1e-9 (binomial tail), so pairs below it are dropped.

    The shingles of the few pairs left are then computed again from the bodies for the exact
    similarity, so memory holds a signature per article, never every article's shingles.
    """

    def __init__(self) -> None:
        self._signatures: dict[str, np.ndarray] = {}
        self._sizes: dict[str, int] = {}

    def add(self, article_id: str, signature_values: np.ndarray, shingle_count: int) -> None:
        if shingle_count and article_id not in self._signatures:
            self._signatures[article_id] = signature_values
            self._sizes[article_id] = shingle_count

    @property
    def article_ids(self) -> set[str]:
        """The articles indexed (an article without words has no signature and is never a near-duplicate)."""
        return set(self._signatures)

    def pairs(self, shingles_of: Callable[[str], np.ndarray], threshold: float = THRESHOLD,
              among: Collection[str] | None = None) -> list[tuple[str, str, float]]:
        """The near-duplicate pairs of the indexed articles; with ``among``, only those with at least
        one article of ``among`` (the relation is pairwise: the pairs of a grown corpus are the old
        pairs and those of its new articles)."""
        ids = sorted(self._signatures)
        if len(ids) < 2 or (among is not None and not among):
            return []
        # MinHash values are the high 32 bits of a 64-bit hash: uint32 holds them exactly
        signatures = np.stack([self._signatures[i] for i in ids]).astype(np.uint32)
        sizes = np.array([self._sizes[i] for i in ids], dtype=np.int64)
        min_agreement = int(np.ceil(PREFILTER * NUM_PERMUTATIONS))

        fresh = None if among is None else np.isin(np.array(ids, dtype=object), list(among))
        buckets = _band_buckets(signatures, None if fresh is None else np.flatnonzero(fresh))

        survivors: set[tuple[int, int]] = set()
        pending: list[tuple[np.ndarray, np.ndarray]] = []
        pending_pairs = 0

        def compare() -> None:
            """Filter the pending pairs (row_a < row_b) by size and signature agreement."""
            first = np.concatenate([a for a, _ in pending])
            second = np.concatenate([b for _, b in pending])
            agreement = (signatures[first] == signatures[second]).sum(axis=1)
            small = np.minimum(sizes[first], sizes[second])
            large = np.maximum(sizes[first], sizes[second])
            keep = (agreement >= min_agreement) & (small >= threshold * large - 1e-9)
            survivors.update(zip(first[keep].tolist(), second[keep].tolist()))
            pending.clear()

        # pairs sharing a bucket, a bounded number at a time (a bucket of m members has m(m-1)/2)
        for rows in buckets:
            if fresh is None:
                upper_a, upper_b = np.triu_indices(len(rows), 1)
                lefts, rights = rows[upper_a], rows[upper_b]
            else:
                lefts, rights = _pairs_with(rows[fresh[rows]], rows)
            for start in range(0, len(lefts), _PAIRS_PER_STEP):
                pending.append((lefts[start:start + _PAIRS_PER_STEP], rights[start:start + _PAIRS_PER_STEP]))
                pending_pairs += len(pending[-1][0])
                if pending_pairs >= _PAIRS_PER_STEP:
                    compare()
                    pending_pairs = 0
        if pending:
            compare()
        candidates = sorted(survivors)

        computed: dict[int, np.ndarray] = {}

        def exact(row: int) -> np.ndarray:
            if row not in computed:
                computed[row] = shingles_of(ids[row])
            return computed[row]

        pairs = []
        for a, b in candidates:  # rows are in id order: sorted by (id_a, id_b)
            similarity = jaccard(exact(a), exact(b))
            if similarity >= threshold:
                pairs.append((ids[a], ids[b], round(similarity, 6)))
        return pairs


def _pairs_with(news: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row_a, row_b), row_a < row_b, of each of ``news`` with every other of ``rows`` (a pair of
    two of ``news`` comes twice)."""
    first, second = np.repeat(news, len(rows)), np.tile(rows, len(news))
    apart = first != second
    return np.minimum(first, second)[apart], np.maximum(first, second)[apart]


def _band_buckets(signatures: np.ndarray, among_rows: np.ndarray | None = None) -> list[np.ndarray]:
    """The rows (ascending) of every LSH bucket with two members or more: rows whose values in one
    band are all equal; with ``among_rows``, only the buckets holding one of them. Grouped with
    numpy (one sort per band), not row by row in Python."""
    buckets = []
    for band in range(BANDS):
        keys = np.ascontiguousarray(signatures[:, band * ROWS:(band + 1) * ROWS])
        _, bucket_of, sizes = np.unique(keys.view(np.dtype((np.void, keys.dtype.itemsize * ROWS))).ravel(),
                                        return_inverse=True, return_counts=True)
        bucket_of = bucket_of.ravel()
        order = np.argsort(bucket_of, kind="stable")  # rows of one bucket together, ascending
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        wanted = np.arange(len(sizes)) if among_rows is None else np.unique(bucket_of[among_rows])
        buckets.extend(order[starts[b]:starts[b] + sizes[b]] for b in wanted[sizes[wanted] > 1])
    return buckets
