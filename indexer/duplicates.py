"""Near-duplicate articles: MinHash signatures of an article's word shingles.

The same story is republished by other agencies, or kept under a second URL
after its headline was edited: word for word, or with small edits. Each
article's body is split into words (:func:`words`: folded as index terms are,
:func:`indexer.persian.folding.fold`, and split at punctuation and ZWNJ) and
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
signatures are candidates (:func:`signature_groups`), and
:func:`same_story` decides on their text.

MinHash here is numpy (64-bit shingle hashes permuted by odd multipliers):
``datasketch``'s ``MinHash.update_batch`` over the same shingles took about
twice as long per article (docs/duplicates.md), and a dependency for twenty
lines was not worth it. numpy is imported where signatures are made or compared,
not with the module: every command that opens an index imports it for its
column (:class:`SignatureField`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

from typing import TYPE_CHECKING

from whoosh.columns import FixedBytesColumn
from whoosh.fields import COLUMN

from .persian.folding import fold
from .persian.pieces import CODES, folded_words, piece_words
from .text_memo import TextMemo

if TYPE_CHECKING:
    import numpy as np

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



@lru_cache(maxsize=1)
def _multipliers() -> np.ndarray:
    """The permutations' odd multipliers, fixed: stored signatures must stay comparable."""
    import numpy as np

    return np.random.default_rng(0x6B686162).integers(
        1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


@lru_cache(maxsize=1)
def _mix() -> tuple:
    import numpy as np

    return np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (:func:`indexer.persian.pieces.folded_words`).

    Folding a whole article (``str.translate`` over a dict) and matching the
    pattern took most of the time of a comparison; the text is split at white
    space instead, and each distinct piece is folded and split once per process.
    """
    return _by_piece(text, _PIECE_WORDS, lambda piece: tuple(folded_words(piece)))


def word_codes(text: str) -> list[int]:
    """A stable 32-bit code of each of :func:`words`, read from the pieces the
    index's other fields analyse (:func:`indexer.persian.pieces.piece_words`):
    an article's body is split and looked up once for all of them."""
    return list(chain.from_iterable(piece_words(text, CODES)))  # joined in C: no Python code per word


def _by_piece(text: str, cache: dict[str, tuple], make) -> list:
    """``make(piece)`` of each white-space piece of ``text``, joined; each distinct piece made once per process."""
    found: list = []
    for piece in text.split():
        made = cache.get(piece)
        if made is None:
            if len(cache) >= _CACHED_MAX:
                cache.clear()
            made = cache[piece] = make(piece)
        found += made
    return found


_PIECE_WORDS: dict[str, tuple[str, ...]] = {}
_CACHED_MAX = 200_000  # pieces kept per process (~50 MB at most)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of ``text``'s runs of :data:`SHINGLE_WORDS` words."""
    import numpy as np

    found = word_codes(text)
    if len(found) < SHINGLE_WORDS:
        return np.zeros(0, dtype=np.uint64)
    hashed = np.array(found, dtype=np.uint64)
    count = len(found) - SHINGLE_WORDS + 1
    with np.errstate(over="ignore"):
        mixed = np.zeros(count, dtype=np.uint64)
        for i in range(SHINGLE_WORDS):  # order matters: each position has its own multiplier
            mixed ^= (hashed[i:i + count] + np.uint64(i + 1)) * _mix()[i]
    # np.unique's, sorted then each value once: numpy 2's unique hashes first (~100 µs an
    # article, as long as the rest of the signature), a sort of ~700 values takes ~10.
    mixed.sort()
    distinct = np.empty(count, dtype=bool)
    distinct[0] = True
    np.not_equal(mixed[1:], mixed[:-1], out=distinct[1:])
    return mixed[distinct]


def signature(text: str) -> bytes:
    """The MinHash signature of ``text`` (:data:`SIGNATURE_BYTES` bytes), or
    :data:`NO_SIGNATURE` when it has too few shingles to compare."""
    import numpy as np

    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return NO_SIGNATURE
    with np.errstate(over="ignore"):
        # Multiplying by an odd number permutes the 64-bit hashes: one random
        # permutation per multiplier, its minimum kept to 32 bits.
        permuted = _multipliers()[:, None] * hashes[None, :]
    values = (permuted.min(axis=1) >> np.uint64(32)).astype(">u4")
    values[values == 0] = 1  # all zeros means "no signature"
    return values.tobytes()


def signatures(raw: bytes, count: int) -> np.ndarray:
    """``count`` stored signatures (a column's bytes) as a ``(count, PERMUTATIONS)`` array."""
    import numpy as np

    return np.frombuffer(raw, dtype=">u4", count=count * PERMUTATIONS).reshape(count, PERMUTATIONS)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signatures ``a`` and ``b`` (row by row)."""
    return (a == b).mean(axis=-1)


def signature_groups(sigs: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, float]]]:
    """``(first, pairs)`` for rows of signatures: ``first[i]`` is the first row
    holding row ``i``'s signature (``i`` itself for the first, and for a row
    without one: all zeros, never a copy), copies word for word; ``pairs`` are
    ``(i, j, estimated similarity)`` of first rows that may be one story, the most
    alike first: they share an LSH band and are at least
    :data:`CANDIDATE_SIMILARITY` alike by their values. :func:`same_story`
    decides those. Joined transitively, copies and pairs make the groups that
    comparing every two rows would.
    """
    import numpy as np

    first_of = np.arange(len(sigs))
    has = np.flatnonzero(sigs.any(axis=1))
    if len(has) < 2:
        return first_of, []
    rows = np.ascontiguousarray(sigs[has])
    # Each row's bytes as one value, compared whole: equal values are equal signatures, with
    # no hash to collide (a key made with _multipliers imported numpy.random, ~40 ms a process).
    whole = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first, which = np.unique(whole, return_index=True, return_inverse=True)
    earliest = first[which.ravel()]  # np.unique gives each value's first row
    copy = earliest != np.arange(len(rows))
    first_of[has[copy]] = has[earliest[copy]]
    distinct = np.flatnonzero(~copy)  # one row per signature, in their order
    pairs = [(int(has[distinct[i]]), int(has[distinct[j]]), alike)
             for i, j, alike in _banded_pairs(rows[distinct])] if len(distinct) >= 2 else []
    pairs.sort(key=lambda pair: -pair[2])
    return first_of, pairs


def candidate_pairs(sigs: np.ndarray) -> list[tuple[int, int, float]]:
    """:func:`signature_groups` as pairs ``(i, j, estimated similarity)``, the most
    alike first: each copy word for word with its first row (1.0), then the rest."""
    first_of, pairs = signature_groups(sigs)
    copies = [(int(first), int(row), 1.0) for row, first in enumerate(first_of) if first != row]
    return copies + pairs


def _banded_pairs(rows: np.ndarray) -> list[tuple[int, int, float]]:
    """Pairs of distinct signatures sharing a band, at least CANDIDATE_SIMILARITY alike."""
    import numpy as np

    count = len(rows)
    values = rows.astype(np.uint64).reshape(count, BANDS, ROWS)
    firsts, seconds = [], []
    with np.errstate(over="ignore"):
        keys = np.zeros((count, BANDS), dtype=np.uint64)
        for row in range(ROWS):  # a band's values as one 64-bit key (a collision only adds a candidate)
            keys ^= (values[:, :, row] + np.uint64(row + 1)) * _mix()[row % 3]
    for band in range(BANDS):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        equal = ordered[1:] == ordered[:-1]
        neighbours = np.flatnonzero(equal)
        if len(neighbours) == 0:
            continue
        firsts.append(order[neighbours])
        seconds.append(order[neighbours + 1])
        # Runs of three or more (a template's shared band): every pair in them,
        # up to _RUN_PAIRS_MAX; neighbours alone join a longer run's group.
        starts = np.flatnonzero(np.r_[True, ~equal])
        lengths = np.diff(np.r_[starts, count])
        for start, length in zip(starts[lengths > 2], lengths[lengths > 2]):
            if length * (length - 1) // 2 <= _RUN_PAIRS_MAX:
                i, j = np.triu_indices(length, 2)  # neighbours (offset 1) are in already
                firsts.append(order[start + i])
                seconds.append(order[start + j])
    if not firsts:
        return []
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    # Each pair once, as one number, sorted (np.unique, along an axis or of values
    # alone, imports numpy.ma: ~45 ms of a search process).
    codes = np.sort(np.minimum(a, b).astype(np.int64) * count + np.maximum(a, b))
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    pairs = np.stack([codes // count, codes % count], axis=1)
    estimated = similarity(rows[pairs[:, 0]], rows[pairs[:, 1]])
    alike = np.flatnonzero(estimated >= CANDIDATE_SIMILARITY)
    return [(int(pairs[k, 0]), int(pairs[k, 1]), float(estimated[k])) for k in alike]


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
    (shingles_a, words_a, numbers_a), (shingles_b, words_b, numbers_b) = _body_features(body_a), _body_features(body_b)
    if len(shingles_a) < MIN_SHINGLES or len(shingles_b) < MIN_SHINGLES:
        return False  # as for signatures: too short to tell a copy from a template
    shared = len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
    if shared >= NEAR_EXACT:
        return True
    if shared < THRESHOLD:
        return False
    if numbers_a - numbers_b and numbers_b - numbers_a:
        return False
    named_a, named_b = set(words(title_a)) & words_a, set(words(title_b)) & words_b
    return not (named_a - words_b and named_b - words_a)


@lru_cache(maxsize=256)  # an article is compared with each of its candidates
def _body_features(body: str) -> tuple[frozenset[tuple[str, ...]], frozenset[str], frozenset[str]]:
    """A body's shingles (runs of :data:`SHINGLE_WORDS` words), its words and its numbers, as sets.

    Numbers are read whole (``۲۸٫۵`` is one, not 28 and 5): split, two price reports
    «dollar 28.5, euro 30» and «dollar 28, euro 30.5» would name the same figures."""
    found = words(body)
    return (frozenset(zip(*(found[i:] for i in range(SHINGLE_WORDS)))), frozenset(found),
            frozenset(_NUMBER.findall(fold(body))))


# A number as the tokenizer reads one (indexer/persian/tokenizer.py), digits Latin once folded.
_NUMBER = re.compile(r"\d+(?:[.٫,٬]\d+)*")


class SignatureField(COLUMN):
    """A column holding each article's MinHash signature, worked out from the
    text given for it when the article is written (no terms, nothing stored)."""

    def __init__(self) -> None:
        super().__init__(FixedBytesColumn(SIGNATURE_BYTES, default=NO_SIGNATURE))

    def to_column_value(self, value) -> bytes:
        if isinstance(value, bytes) and len(value) == SIGNATURE_BYTES:
            return value  # already a signature (Whoosh copying a column)
        return _remembered_signature(value or "")


# A body met again (a copy under another id) is not shingled again: ~11 % of a writer's
# CPU per article. 10,000 bodies' signatures, ~370 bytes each with their digests: ~4 MB a
# process, enough to span the news set's 8.8k articles between two copies of the benchmark's
# replicated corpus as one of two writers sees them.
_remembered_signature = TextMemo(signature, 10_000)
