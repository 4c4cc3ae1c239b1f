"""BM25 for plain word queries without Whoosh's matcher tree.

A query of plain words on the combined field (the common case: no phrase,
no exclusion, no field prefix) is an OR of terms. Whoosh scores it through
a tree of Python matcher objects, ~10 µs a posting; here each term's posting
blocks are read as arrays and scored in one loop, with field lengths and
Jalali days taken from per-segment lists. Scores are the same numbers
:class:`search.ranking.KhabarBM25` gives (a test compares both paths); any
other query goes through Whoosh.
"""

from __future__ import annotations

import heapq

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, NumericRange, Or, Query, Term

from .ranking import BM25_B, BM25_K1, field_lengths, lucene_idf


def plain_terms(query: Query) -> tuple[list[Term], NumericRange | None] | None:
    """The terms and the optional Jalali range of a plain word query, or None for anything else."""
    day_range = None
    if isinstance(query, And) and len(query.subqueries) == 2 and isinstance(query.subqueries[1], NumericRange):
        query, day_range = query.subqueries
        if day_range.fieldname != "jalali_day":
            return None
    terms = query.subqueries if isinstance(query, Or) else [query]
    if isinstance(query, Or) and (query.scale or query.minmatch):
        return None
    if not all(type(term) is Term and term.fieldname == "all" for term in terms):
        return None
    return list(terms), day_range


def ranked(searcher, terms: list[Term], day_range: NumericRange | None, wanted: int) -> tuple[int, list] | None:
    """``(total matching, [(score, docnum), ...] best first, at most ``wanted``)``.

    None when a segment's field lengths cannot be read in bulk: the caller
    then searches through Whoosh.
    """
    scores: dict[int, float] = {}
    avgfl = searcher.avg_field_length("all") or 1
    segments = [
        (subsearcher.reader(), offset, _days_allowed(subsearcher, day_range))
        for subsearcher, offset in searcher.leaf_searchers()
    ]
    if any(field_lengths(reader, "all") is None for reader, _, _ in segments):
        return None
    for term in terms:
        idf = lucene_idf(searcher, "all", term.text)
        for reader, offset, allowed in segments:
            _score_term(reader, term, idf, avgfl, offset, allowed, scores)
    best = heapq.nlargest(wanted, ((score, -docnum) for docnum, score in scores.items()))
    return len(scores), [(score, -negated) for score, negated in best]


def _score_term(reader, term: Term, idf: float, avgfl: float, offset: int,
                allowed: set[int] | None, scores: dict[int, float]) -> None:
    if ("all", term.text) not in reader:
        return
    lengths = field_lengths(reader, "all")
    k1, b = BM25_K1, BM25_B
    factor = idf * (k1 + 1) * term.boost
    get = scores.get
    for ids, weights in _blocks(reader.postings("all", term.text)):
        for docnum, tf in zip(ids, weights):
            if allowed is not None and docnum not in allowed:
                continue
            length = lengths[docnum] or 1
            score = factor * tf / (tf + k1 * ((1 - b) + b * length / avgfl))
            key = docnum + offset
            scores[key] = get(key, 0.0) + score


def _blocks(matcher):
    """Yield (ids, weights) per posting block, skipping deleted documents."""
    deleted = None
    if isinstance(matcher, FilterMatcher) and matcher._exclude and isinstance(matcher.child, W3LeafMatcher):
        deleted, matcher = matcher._ids, matcher.child
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids, weights = matcher._ids, matcher._weights
            yield _live(ids, weights, deleted)
            if matcher._lastblock:
                break
            matcher._next_block()
    else:  # short posting lists stored inline, or any other matcher: one posting at a time
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield _live(ids, weights, deleted)


def _live(ids, weights, deleted):
    if not deleted:
        return ids, weights
    kept = [(i, w) for i, w in zip(ids, weights) if i not in deleted]
    return [i for i, _ in kept], [w for _, w in kept]


def _days_allowed(subsearcher, day_range: NumericRange | None) -> set[int] | None:
    """The segment's documents inside the Jalali range (the range's own few trie terms)."""
    if day_range is None:
        return None
    return set(day_range.matcher(subsearcher).all_ids())
