"""Scoring the common query shapes (:mod:`search.scoring.plan`) without Whoosh's matcher tree.

Whoosh scores words and phrases through a tree of Python matcher objects,
~10 µs a posting, and a phrase walks span objects for every document holding
all its words. Here each term's posting blocks are read as arrays and scored
in one loop, with field lengths and Jalali days from per-segment lists; a
phrase checks the positions of only the documents that hold all of its
words. Scores are the numbers Whoosh gives for the same query
(:class:`search.scoring.weighting.KhabarInExpB2`; a phrase scores the sum of
its words, as Whoosh's span queries do), hits and totals too, before the
proximity bonus that both paths add the same way — ``tests/test_fastpath.py``
compares them. Long lists go to the numpy scorer, :mod:`search.scoring.dense`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from whoosh.query import NumericRange, Term

from khabar.indexer.codec import CompactPositions
from khabar.search.query.dates import day_bounds
from khabar.search.scoring import dense
from khabar.search.scoring.formula import in_exp_b2
from khabar.search.scoring.plan import Clause, FastQuery, term_key
from khabar.search.scoring.postings import PostingList, SegmentPostings, postings_of, search_memo
from khabar.search.scoring.segments import jalali_days
from khabar.search.scoring.weighting import length_norms, term_gain, term_stats


def ranked(searcher, plan: FastQuery, wanted: int, bonus: dict[int, float] | None = None) -> tuple[int, list] | None:
    """``(total matching, [(score, docnum), ...] best first, at most ``wanted``)``.

    ``bonus`` (by docnum) is added to the score of each matching document
    that has one (:func:`search.scoring.proximity.pair_bonus`). The caller has
    made sure every segment can be read whole
    (:func:`search.scoring.segments.searchable_whole`).

    None when a field of the plan is not scored: the caller then searches
    through Whoosh.
    """
    path = counting_path(searcher, plan)
    if path is None:
        return None
    # A search that ranks again for more matches (a page of stories) takes them from the
    # first ranking's scores: the same scores, and the same order, as scoring again.
    memo = search_memo(searcher)
    key = ("first pass", plan.key(), id(bonus) if bonus else None)
    if memo is not None and key in memo and memo[key][0] is (bonus or None):
        return memo[key][1].best(wanted)
    found = _scored(searcher, plan, path, bonus)
    if memo is not None:
        memo[key] = (bonus or None, found)  # the bonus held, so that its id is not reused
    return found.best(wanted)


class _SparseScores:
    """Every match's score by docnum, from which any number of best is taken."""

    def __init__(self, scores: dict[int, float]) -> None:
        self.scores = scores

    def best(self, wanted: int) -> tuple[int, list]:
        best = heapq.nlargest(wanted, ((score, -docnum) for docnum, score in self.scores.items()))
        return len(self.scores), [(score, -negated) for score, negated in best]


def _scored(searcher, plan: FastQuery, path: str, bonus: dict[int, float] | None):
    """Every match of ``plan`` scored (the bonus added), by ``path``; ``.best(wanted)`` ranks them."""
    segments = [(subsearcher, offset) for subsearcher, offset in searcher.leaf_searchers()]
    gains = {term_key(term): _gain(searcher, term) for clause in plan.clauses for term, _ in clause}
    if path == "dense":
        return dense.DenseScores(*dense.scored_dense(searcher, plan, gains, segments, bonus))
    scores: dict[int, float] = {}
    for subsearcher, offset in segments:
        reader = subsearcher.reader()
        postings = postings_of(reader)
        keep = _keep(subsearcher, plan, postings)
        for clause in plan.clauses:
            norms = length_norms(searcher, reader, clause[0][0].fieldname)
            _add_clause(scores, offset, postings, clause, gains, norms, keep)
    for key, score in (bonus or {}).items():
        if key in scores:
            scores[key] += score
    return _SparseScores(scores)


def matched(searcher, plan: FastQuery) -> list[tuple[object, list[int]]] | None:
    """Each segment's reader with its documents matching ``plan`` (ascending), not
    scored: the set :func:`ranked` counts as its total, found by the same path (long
    lists with numpy), or None where :func:`ranked` is None. For counts per month or
    source (:mod:`search.coverage`); the caller has made sure, as for :func:`ranked`,
    that every segment can be read whole."""
    path = counting_path(searcher, plan)
    if path is None:
        return None
    if path == "dense":
        return dense.matched_dense(searcher, plan)
    found = []
    for subsearcher, _offset in searcher.leaf_searchers():
        postings = postings_of(subsearcher.reader())
        keep = _keep(subsearcher, plan, postings)
        docs: set[int] = set()
        for clause in plan.clauses:
            docs.update(_clause_docs(postings, clause, keep))
        dropped, inside = keep  # a word's documents come unfiltered (_clause_docs)
        found.append((subsearcher.reader(), sorted(docnum for docnum in docs if docnum not in dropped
                                                   and (inside is None or inside(docnum)))))
    return found


def counting_path(searcher, plan: FastQuery) -> str | None:
    """Which path finds (and scores) ``plan``'s matches, the one choice :func:`ranked` and
    :func:`matched` share: "dense" (numpy, for long lists), "sparse" (per posting), or None
    when a field of the plan is not scored (the caller then goes through Whoosh)."""
    fieldnames = plan.fieldnames()
    if not all(searcher.schema[name].scorable for name in fieldnames):
        return None
    if dense.wanted_for(plan, _postings_count(searcher, plan)) and all(
            isinstance(searcher.schema[name].format, CompactPositions) for name in fieldnames):
        return "dense"
    return "sparse"


def _postings_count(searcher, plan: FastQuery) -> int:
    return sum(term_stats(searcher, term.fieldname, term.text)[0]
               for clause in [*plan.clauses, *plan.excluded] for term, _ in clause)


def _add_clause(scores: dict[int, float], offset: int, postings: SegmentPostings, clause: Clause,
                gains: dict, norms: list[float], keep: _Keep) -> None:
    """Add a word's or a phrase's score to the segment's documents matching it."""
    if len(clause) == 1:
        found = postings.whole(clause[0][0])
        _add(scores, offset, found.ids, found.tfs, gains[term_key(clause[0][0])], norms, keep)
        return
    docs = _clause_docs(postings, clause, keep)
    for term, _ in clause:
        tf_of = postings.whole(term).tf
        _add(scores, offset, docs, [tf_of(docnum) for docnum in docs], gains[term_key(term)], norms, _KEEP_ALL)


def _add(scores: dict[int, float], offset: int, ids, tfs, gain: float, norms: list[float], keep: _Keep) -> None:
    """Add one term's In_expB2 score to the scores of ``ids`` (segment docnums)."""
    get = scores.get
    dropped, inside = keep
    for docnum, tf in zip(ids, tfs):
        if docnum in dropped or (inside is not None and not inside(docnum)):
            continue
        key = docnum + offset
        scores[key] = get(key, 0.0) + in_exp_b2(gain, tf, norms[docnum])


def _gain(searcher, term: Term) -> float:
    return term_gain(searcher, term.fieldname, term.text) * term.boost


# Which documents of a segment may be counted: none of ``dropped`` (deleted or
# excluded), and only those ``inside`` the Jalali range when there is one.
_Keep = tuple[set[int] | frozenset[int], Callable[[int], bool] | None]
_KEEP_ALL: _Keep = (frozenset(), None)


def _keep(subsearcher, plan: FastQuery, postings: SegmentPostings) -> _Keep:
    reader = subsearcher.reader()
    dropped = set(reader.deleted_docs_set) if reader.has_deletions() else set()
    for clause in plan.excluded:
        dropped.update(_clause_docs(postings, clause))
    return dropped, _days_allowed(subsearcher, plan.day_range)


def _clause_docs(postings: SegmentPostings, clause: Clause, keep: _Keep = _KEEP_ALL) -> list[int]:
    """The documents of a segment matching a clause (of those ``keep`` allows), ascending."""
    # Rarest word first, then only documents holding every word have their positions read.
    lists = [postings.whole(term) for term, _ in clause]
    if len(clause) == 1 and keep is _KEEP_ALL:  # a word's ids: ascending already
        return list(lists[0].ids)
    docs = set(min(lists, key=lambda found: len(found.ids)).ids)
    for found in lists:
        docs.intersection_update(found.ids)
    if len(clause) == 1:
        return sorted(docs)
    dropped, inside = keep
    docs -= dropped
    offsets = [offset for _, offset in clause]
    return [docnum for docnum in sorted(docs)
            if (inside is None or inside(docnum)) and _phrase_in(lists, offsets, docnum)]


def _phrase_in(lists: list[PostingList], offsets: list[int], docnum: int) -> bool:
    others = [(set(found.positions(docnum)), offset) for found, offset in zip(lists[1:], offsets[1:])]
    return any(all(start + offset in found for found, offset in others)
               for start in lists[0].positions(docnum))


def _days_allowed(subsearcher, day_range: NumericRange | None):
    """Whether a document of the segment lies inside the Jalali range; None for no range."""
    if day_range is None:
        return None
    days = jalali_days(subsearcher.reader())
    low, high = day_bounds(day_range)
    return lambda docnum: low <= days[docnum] <= high
