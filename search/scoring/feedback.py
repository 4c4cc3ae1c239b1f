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

An article's words and their counts are read from the forward index
(indexer/forward.py), not by analysing its stored text again: the feedback
articles' words, and the reordered articles' counts of the chosen words
unless their posting blocks are fewer to read (a small index).

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

from khabar.indexer.forward import Needles, decode
from khabar.indexer.schema import ALL, FORWARD
from khabar.search.scoring.formula import in_exp_b2
from khabar.search.scoring.postings import postings_of, search_memo
from khabar.search.scoring.segments import kept, term_info, value_reads
from khabar.search.scoring.weighting import length_norms, term_gain, term_stats

FEEDBACK_DOCS = 10
RERANK_DEPTH = 300
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.2
CANDIDATES = 30  # words weighed by Bo1, the most frequent in the feedback articles
FIELD = ALL
# Reordering reads each article's counts of the words from the forward index,
# or from the words' posting blocks where that reads less: on the 1x news set
# a block cost about what two forward values do (175 and 90 µs, 2 busy cores).
BLOCK_COST = 2.0
POSTINGS_PER_BLOCK = 128  # indexer.codec's blocks


def feedback_terms(searcher, docnums: list[int], asked: set[str]) -> list[tuple[str, float]]:
    """The best Bo1 words of the articles ``docnums``, strongest first, not in ``asked``."""
    if len(docnums) < 2:
        return []
    return _remembered(searcher, ("feedback terms", tuple(docnums), frozenset(asked)),
                       lambda: _feedback_terms(searcher, docnums, asked))


def _remembered(searcher, key: tuple, compute):
    """``compute()``, once per search (:func:`search.scoring.postings.search_memo`): a search
    that ranks again for more matches (a page of stories) has the same best matches to
    reorder, and the same words to reorder them with."""
    memo = search_memo(searcher)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return list(memo[key])


def _feedback_terms(searcher, docnums: list[int], asked: set[str]) -> list[tuple[str, float]]:
    occurrences: Counter[str] = Counter()
    holding: Counter[str] = Counter()  # in how many of the articles
    for docnum in docnums:
        counts = article_terms(searcher, docnum)
        holding.update(counts.keys())
        occurrences.update(counts)
    needed = max(2, (len(docnums) + 1) // 2)
    shared = [(count, term) for term, count in occurrences.items() if holding[term] >= needed and term not in asked]
    # Each index-wide frequency is a lookup in every segment: only the words
    # these articles use most are weighed (on 16x, 75 lookups took 100 ms).
    shared = sorted(shared, reverse=True)[:CANDIDATES]
    return bo1_weights(searcher, {term: count for count, term in shared})[:FEEDBACK_TERMS]


def article_terms(searcher, docnum: int) -> Counter[str]:
    """How often each index term occurs in the title and body of the article
    ``docnum`` (its keywords left out), from the forward index."""
    counts, keywords = decode(forward_value(searcher, docnum))
    if not keywords:
        return Counter(counts)
    return Counter({term: count - keywords.get(term, 0) for term, count in counts.items()
                    if count > keywords.get(term, 0)})


def _blocks_to_read(reader, terms: list[tuple[str, float]], articles: int) -> int:
    """About how many posting blocks the words' counts in ``articles`` articles of one segment take."""
    blocks = 0
    for term, _ in terms:
        info = term_info(reader, FIELD, term)
        if info is not None:
            blocks += min(articles, -(-info.doc_frequency() // POSTINGS_PER_BLOCK))
    return blocks


def forward_value(searcher, docnum: int) -> bytes:
    """The article ``docnum``'s forward index value (indexer.forward)."""
    segments = searcher.leaf_searchers()
    segment = bisect_right([offset for _, offset in segments], docnum) - 1
    subsearcher, offset = segments[segment]
    return forward_values(subsearcher.reader())(docnum - offset)


def forward_column(reader):
    """A segment's forward index column, its values as written (kept on the segment)."""
    return kept(reader, FORWARD, lambda: reader.column_reader(FORWARD, translate=False))


def forward_values(reader):
    """``forward_column(reader)[docnum]`` as a function, each value read at once
    (:func:`search.scoring.segments.value_reads`; kept on the segment)."""
    return kept(reader, ("forward values",), lambda: value_reads(forward_column(reader)))


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
    return _remembered(searcher, ("reorder", tuple(best), tuple(terms)), lambda: _reorder(searcher, best, terms))


def _reorder(searcher, best: list[tuple[float, int]], terms: list[tuple[str, float]]) -> list[tuple[float, int]]:
    strongest = terms[0][1]
    segments = list(searcher.leaf_searchers())
    starts = [offset for _, offset in segments]
    members: dict[int, list[tuple[int, int]]] = {}  # segment → (place in best, its docnum)
    for place, (_, docnum) in enumerate(best):
        segment = bisect_right(starts, docnum) - 1
        members.setdefault(segment, []).append((place, docnum - starts[segment]))
    added = [0.0] * len(best)
    needles = Needles(term for term, _ in terms)
    gains = [term_gain(searcher, FIELD, term) * FEEDBACK_WEIGHT * weight / strongest for term, weight in terms]
    for segment, found in members.items():
        reader = segments[segment][0].reader()
        norms = length_norms(searcher, reader, FIELD)
        found.sort(key=lambda member: member[1])
        if _blocks_to_read(reader, terms, len(found)) * BLOCK_COST > len(found):
            # Each article's counts from its forward index value: a cost per
            # article, where the words' posting lists grow with the index.
            value = forward_values(reader)
            for place, docnum in found:
                score = 0.0
                for gain, tf in zip(gains, needles.counts(value(docnum))):
                    if tf:
                        score += in_exp_b2(gain, tf, norms[docnum])
                added[place] = score
            continue
        postings = postings_of(reader)
        docnums = [docnum for _, docnum in found]
        for term, gain in zip(needles.terms, gains):
            # Only the blocks that can hold these few hundred articles are read.
            for (place, docnum), tf in zip(found, postings.frequencies(Term(FIELD, term), docnums)):
                if tf:
                    added[place] += in_exp_b2(gain, tf, norms[docnum])
    rescored = [(score + extra, docnum) for (score, docnum), extra in zip(best, added)]
    rescored.sort(key=lambda scored: (-scored[0], scored[1]))
    return rescored
