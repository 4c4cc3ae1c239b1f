"""Blind relevance feedback: reorder results with the words their best hits share.

The top ``FEEDBACK_DOCS`` hits of a first pass are taken as relevant. Bo1
(divergence from randomness) weighs each of their words by how much more
often it occurs in them than in the whole index, and the best
``FEEDBACK_TERMS`` add to the score of the articles holding them, the
strongest at ``FEEDBACK_WEIGHT`` of a query word.

Only words found in at least half of those hits (and in two at least) qualify. Without that rule a
single long article among them picks the words (an article on arms
inspectors steered a Hamshahri topic on insecurity after a war to weapons), and on the
Hamshahri judgments feedback helped only from exactly 3 documents. With it,
5 to 20 documents all gain (docs/ranking.md).

The added words only reorder the first pass's best ``RERANK_DEPTH`` matches:
they never bring in an article the query does not match, so totals,
``-excluded`` words, ``AND`` and fields keep their meaning, and the first
pass is not run again. Reordering 300 or all 1000 of an evaluation run's
hits scores the same; 100 loses 0.2 MAP points.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from math import log2

from whoosh.query import Term

from khabar.indexer.schema import ALL, BODY, TITLE
from khabar.search.scoring.formula import in_exp_b2
from khabar.search.scoring.postings import postings_of
from khabar.search.scoring.weighting import length_norms, term_gain, term_stats

FEEDBACK_DOCS = 10
RERANK_DEPTH = 300
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.2
CANDIDATES = 30  # words weighed by Bo1, the most frequent in the feedback articles
FIELD = ALL


def feedback_terms(searcher, docnums: list[int], asked: set[str]) -> list[tuple[str, float]]:
    """The best Bo1 words of the articles ``docnums``, strongest first, not in ``asked``."""
    from khabar.indexer.persian.analyzer import PersianAnalyzer

    if len(docnums) < 2:
        return []
    analyzer = PersianAnalyzer()
    occurrences: Counter[str] = Counter()
    holding: Counter[str] = Counter()  # in how many of the articles
    for docnum in docnums:
        counts = article_terms(searcher, docnum, analyzer)
        holding.update(counts.keys())
        occurrences.update(counts)
    needed = max(2, (len(docnums) + 1) // 2)
    shared = [(count, term) for term, count in occurrences.items() if holding[term] >= needed and term not in asked]
    # Each index-wide frequency is a lookup in every segment: only the words
    # these articles use most are weighed (on 16x, 75 lookups took 100 ms).
    shared = sorted(shared, reverse=True)[:CANDIDATES]
    return bo1_weights(searcher, {term: count for count, term in shared})[:FEEDBACK_TERMS]


def article_terms(searcher, docnum: int, analyzer) -> Counter[str]:
    """How often each index term occurs in the article ``docnum``: its stored
    title and body analysed again (the index keeps no term vectors)."""
    stored = searcher.stored_fields(docnum)
    positions = analyzer.term_positions(f"{stored.get(TITLE, '')}\n{stored.get(BODY, '')}")
    return Counter({term: len(where) for term, where in positions.items()})


def bo1_weights(searcher, occurrences: dict[str, int]) -> list[tuple[str, float]]:
    """Each term's Bo1 weight for ``occurrences`` (its count in the chosen
    articles), strongest first (ties: alphabetical); terms the index does not hold are left out."""
    documents = searcher.doc_count_all() or 1
    weights = []
    for term, count in occurrences.items():
        share = term_stats(searcher, FIELD, term)[1] / documents  # Bo1's expected occurrences per article
        if share > 0:
            weights.append((count * log2((1 + share) / share) + log2(1 + share), term))
    weights.sort(key=lambda found: (-found[0], found[1]))
    return [(term, weight) for weight, term in weights]


def reorder(searcher, best: list[tuple[float, int]], terms: list[tuple[str, float]]) -> list[tuple[float, int]]:
    """``best`` (``(score, docnum)``, from a first pass) with each article's
    score for ``terms`` added, the strongest word at ``FEEDBACK_WEIGHT`` of a
    query word; best first again (ties: lower docnum first). Every segment
    must be readable whole (:func:`search.scoring.segments.searchable_whole`)."""
    if not terms or not best:
        return best
    strongest = terms[0][1]
    segments = list(searcher.leaf_searchers())
    starts = [offset for _, offset in segments]
    members: dict[int, list[tuple[int, int]]] = {}  # segment → (place in best, its docnum)
    for place, (_, docnum) in enumerate(best):
        segment = bisect_right(starts, docnum) - 1
        members.setdefault(segment, []).append((place, docnum - starts[segment]))
    added = [0.0] * len(best)
    for segment, found in members.items():
        reader = segments[segment][0].reader()
        norms = length_norms(searcher, reader, FIELD)
        postings = postings_of(reader)
        found.sort(key=lambda member: member[1])
        docnums = [docnum for _, docnum in found]
        for term, weight in terms:
            gain = term_gain(searcher, FIELD, term) * FEEDBACK_WEIGHT * weight / strongest
            # Only the blocks that can hold these few hundred articles are read.
            for (place, docnum), tf in zip(found, postings.frequencies(Term(FIELD, term), docnums)):
                if tf:
                    added[place] += in_exp_b2(gain, tf, norms[docnum])
    rescored = [(score + extra, docnum) for (score, docnum), extra in zip(best, added)]
    rescored.sort(key=lambda scored: (-scored[0], scored[1]))
    return rescored
