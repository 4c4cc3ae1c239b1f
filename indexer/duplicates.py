"""Near-duplicate articles: MinHash signatures of an article's word shingles.

The same story is republished by other agencies, or kept under a second URL
after its headline was edited: word for word, or with small edits. Each
article's body is folded (:func:`indexer.persian.folding.fold`: letter
variants, digits, marks), split into words as the tokenizer splits them, and
cut into overlapping runs of :data:`SHINGLE_WORDS` words. The share of
shingles two articles have in common (their Jaccard similarity) is estimated
by :data:`PERMUTATIONS` MinHash values, stored as one fixed-width column per
article (:class:`SignatureField`): written while the article is indexed, in
the worker processes that analyse it, and carried along by Whoosh when
segments merge or articles are deleted, so that no side file has to be kept
in step with incremental runs.

Copies are found among a set of articles (a search's matches,
:mod:`search.collapse`) by LSH: signatures cut into :data:`BANDS` bands of
:data:`ROWS` values; articles sharing any band and alike enough by their
signatures are candidates (:func:`candidate_pairs`), and
:func:`same_story` decides on their text.

MinHash here is numpy (multiply-shift hashing of 64-bit shingle hashes):
``datasketch``'s ``MinHash.update_batch`` gives the same estimates but took
longer per article on the corpora (docs/benchmarks.md), and a dependency for
twenty lines was not worth it.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN

from .persian.folding import fold
from .persian.tokenizer import WORD_PATTERN

SHINGLE_WORDS = 3
PERMUTATIONS = 64
BANDS, ROWS = 16, 4  # BANDS * ROWS == PERMUTATIONS
# The share of word 3-shingles (Jaccard similarity) from which two articles
# may be one story, and from which they are copies whatever else differs:
# chosen on tests/fixtures/duplicates/pairs.tsv (docs/duplicates.md).
THRESHOLD = 0.65
NEAR_EXACT = 0.95
# Signatures this alike (estimated) are compared in full: below THRESHOLD by
# about three standard errors of a 64-value estimate, so few true pairs are lost.
CANDIDATE_SIMILARITY = 0.55
_RUN_PAIRS_MAX = 200
# Texts with fewer shingles than this get no signature: a one-line text shares
# its few shingles with too many others to tell a copy from a template.
MIN_SHINGLES = 8

SIGNATURE_BYTES = PERMUTATIONS * 4
NO_SIGNATURE = bytes(SIGNATURE_BYTES)  # the column's default: never a copy of anything

_MASK64 = np.uint64(2**64 - 1)
_MULTIPLIERS = np.random.default_rng(0x6B686162).integers(
    1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd, fixed: signatures last
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return [folded for word in WORD_PATTERN.findall(text) if (folded := fold(word))]


def word_codes(text: str) -> list[int]:
    """A stable 32-bit hash of each folded word of ``text``, in order.

    Folding a whole article (``str.translate`` over a dict) and matching the
    tokenizer's pattern took most of the time of a signature; the text is split
    at white space instead, and each distinct piece is folded, split into words
    (at punctuation and ZWNJ) and hashed once per process (crc32: stable across
    processes, where ``hash`` is not).
    """
    cache = _PIECE_CODES
    found: list[int] = []
    for piece in text.split():
        codes = cache.get(piece)
        if codes is None:
            if len(cache) >= _PIECE_CODES_MAX:
                cache.clear()
            codes = cache[piece] = tuple(zlib.crc32(word.encode()) for word in _WORD.findall(fold(piece)))
        found += codes
    return found


_WORD = re.compile(r"[^\W_]+")
_PIECE_CODES: dict[str, tuple[int, ...]] = {}
_PIECE_CODES_MAX = 1_000_000


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of ``text``'s runs of :data:`SHINGLE_WORDS` words."""
    found = word_codes(text)
    if len(found) < SHINGLE_WORDS:
        return np.zeros(0, dtype=np.uint64)
    hashed = np.array(found, dtype=np.uint64)
    count = len(found) - SHINGLE_WORDS + 1
    with np.errstate(over="ignore"):
        mixed = np.zeros(count, dtype=np.uint64)
        for i in range(SHINGLE_WORDS):  # order matters: each position has its own multiplier
            mixed ^= (hashed[i:i + count] + np.uint64(i + 1)) * _MIX[i]
    return np.unique(mixed)


def signature(text: str) -> bytes:
    """The MinHash signature of ``text`` (:data:`SIGNATURE_BYTES` bytes), or
    :data:`NO_SIGNATURE` when it has too few shingles to compare."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return NO_SIGNATURE
    with np.errstate(over="ignore"):
        # Multiplying by an odd number permutes the 64-bit hashes: one random
        # permutation per multiplier, its minimum kept to 32 bits.
        permuted = _MULTIPLIERS[:, None] * hashes[None, :]
    values = (permuted.min(axis=1) >> np.uint64(32)).astype(">u4")
    values[values == 0] = 1  # all zeros means "no signature"
    return values.tobytes()


def signatures(raw: bytes, count: int) -> np.ndarray:
    """``count`` stored signatures (a column's bytes) as a ``(count, PERMUTATIONS)`` array."""
    return np.frombuffer(raw, dtype=">u4", count=count * PERMUTATIONS).reshape(count, PERMUTATIONS)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signatures ``a`` and ``b`` (row by row)."""
    return (a == b).mean(axis=-1)


def candidate_pairs(sigs: np.ndarray) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of rows of ``sigs`` that may be one story:
    they share an LSH band and their signatures are at least
    :data:`CANDIDATE_SIMILARITY` alike. Rows without a signature (all zeros)
    pair with nothing. :func:`same_story` decides.
    """
    has = np.flatnonzero(sigs.any(axis=1))
    if len(has) < 2:
        return []
    kept = np.ascontiguousarray(sigs[has])
    banded = kept.reshape(len(has), BANDS, ROWS)
    firsts, seconds = [], []
    for band in range(BANDS):
        keys = np.ascontiguousarray(banded[:, band, :]).view(np.dtype((np.void, ROWS * 4))).ravel()
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1  # positions whose key is the one before
        if len(repeated) == 0:
            continue
        # A run of equal keys: every pair in it (runs are copies of one text,
        # a handful; a run past _RUN_PAIRS_MAX pairs each member with its
        # run's first and its neighbour only, enough to join the group).
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        lengths = np.diff(np.r_[starts, len(ordered)])
        for start, length in zip(starts[lengths > 1], lengths[lengths > 1]):
            members = order[start:start + length]
            if length * (length - 1) // 2 <= _RUN_PAIRS_MAX:
                i, j = np.triu_indices(length, 1)
                firsts.append(members[i])
                seconds.append(members[j])
            else:
                firsts += [np.repeat(members[0], length - 1), members[:-1]]
                seconds += [members[1:], members[1:]]
    if not firsts:
        return []
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    a, b = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    alike = similarity(kept[pairs[:, 0]], kept[pairs[:, 1]]) >= CANDIDATE_SIMILARITY
    return [(int(has[i]), int(has[j])) for i, j in pairs[alike]]


def same_story(first: tuple[str, str], second: tuple[str, str]) -> bool:
    """Whether two articles, ``(title, body)`` each, are one story: their bodies
    share at least :data:`THRESHOLD` of their shingles, and, unless they are
    copies word for word (:data:`NEAR_EXACT`), neither has facts the other lacks:

    - numbers: a daily price report, a sale notice or the day's statistics is
      the template of yesterday's with other figures; a copy keeps the figures
      (an update may add some, on one side only);
    - the words of its title found in its body: recipes, results and notices
      that share a template name their own dish, team or product there.
    """
    title_a, body_a = first
    title_b, body_b = second
    shingles_a, shingles_b = set(shingle_hashes(body_a).tolist()), set(shingle_hashes(body_b).tolist())
    if len(shingles_a) < MIN_SHINGLES or len(shingles_b) < MIN_SHINGLES:
        return False  # as for signatures: too short to tell a copy from a template
    shared = len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
    if shared >= NEAR_EXACT:
        return True
    if shared < THRESHOLD:
        return False
    words_a, words_b = set(words(body_a)), set(words(body_b))
    numbers_a, numbers_b = _numbers(words_a), _numbers(words_b)
    if numbers_a - numbers_b and numbers_b - numbers_a:
        return False
    named_a, named_b = set(words(title_a)) & words_a, set(words(title_b)) & words_b
    return not (named_a - words_b and named_b - words_a)


def _numbers(found: set[str]) -> set[str]:
    return {word for word in found if any(char.isdigit() for char in word)}


class SignatureField(COLUMN):
    """A column holding each article's MinHash signature, worked out from the
    text given for it when the article is written (no terms, nothing stored)."""

    def __init__(self) -> None:
        super().__init__(FixedBytesColumn(SIGNATURE_BYTES, default=NO_SIGNATURE))

    def to_column_value(self, value) -> bytes:
        if isinstance(value, bytes) and len(value) == SIGNATURE_BYTES:
            return value  # already a signature (Whoosh copying a column)
        return signature(value or "")
