"""Scoring the common query shapes without Whoosh's matcher tree.

Most queries are words and quoted phrases, perhaps with ``-excluded`` words
and a Jalali date range. Whoosh scores them through a tree of Python matcher
objects, ~10 µs a posting, and a phrase walks span objects for every
document holding all its words. Here each term's posting blocks are read as
arrays and scored in one loop, with field lengths and Jalali days from
per-segment lists; a phrase checks the positions of only the documents that
hold all of its words. Scores are the numbers Whoosh gives for the same query
(:class:`search.ranking.KhabarInExpB2`; a phrase scores the sum of its words, as
Whoosh's span queries do), hits and totals too — ``tests/test_fastpath.py``
compares both paths. Any other query goes through Whoosh.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndNot, NumericRange, Or, Query, Term

from .filters import jalali_days
from .phrases import ExactNear
from .ranking import field_lengths, length_norm, term_gain

# A clause is one word, or a phrase: words at fixed distances from the first.
Clause = tuple[tuple[Term, int], ...]


@dataclass(frozen=True, slots=True)
class FastQuery:
    clauses: list[Clause]  # documents matching any clause, scored by their sum
    excluded: list[Clause]  # documents matching any of these are left out
    day_range: NumericRange | None


def fast_query(query: Query) -> FastQuery | None:
    """The plan for a query of words and phrases (``-excluded``, a Jalali range), or None."""
    day_range = None
    if isinstance(query, And) and len(query.subqueries) == 2 and isinstance(query.subqueries[1], NumericRange):
        query, day_range = query.subqueries
        if day_range.fieldname != "jalali_day":
            return None
    excluded: list[Clause] | None = []
    if isinstance(query, AndNot):
        query, negative = query.a, query.b
        excluded = _clauses(negative)
        if excluded is None:
            return None
    clauses = _clauses(query)
    if clauses is None:
        return None
    return FastQuery(clauses, excluded, day_range)


def _clauses(query: Query) -> list[Clause] | None:
    if isinstance(query, Or):
        if query.scale or query.minmatch:
            return None
        found: list[Clause] = []
        for child in query.subqueries:
            clause = _clause(child)
            if clause is None:
                return None
            found.append(clause)
        return found
    clause = _clause(query)
    return None if clause is None else [clause]


def _clause(query: Query) -> Clause | None:
    if type(query) is Term:
        return ((query, 0),) if isinstance(query.text, str) else None
    if type(query) is ExactNear and query.ordered and query.slop == query.mindist and type(query.b) is Term:
        head = _clause(query.a)
        if head is None or head[0][0].fieldname != query.b.fieldname:
            return None
        return (*head, (query.b, head[-1][1] + query.slop))
    return None


def ranked(searcher, plan: FastQuery, wanted: int) -> tuple[int, list] | None:
    """``(total matching, [(score, docnum), ...] best first, at most ``wanted``)``.

    None when a segment's field lengths cannot be read in bulk: the caller
    then searches through Whoosh.
    """
    fieldnames = {term.fieldname for clause in plan.clauses + plan.excluded for term, _ in clause}
    segments = [(subsearcher, offset) for subsearcher, offset in searcher.leaf_searchers()]
    for subsearcher, _ in segments:
        reader = subsearcher.reader()
        for fieldname in fieldnames:
            if field_lengths(reader, fieldname) is None or not reader.schema[fieldname].scorable:
                return None
    gains = {_key(term): _gain(searcher, term) for clause in plan.clauses for term, _ in clause}
    scores: dict[int, float] = {}
    for subsearcher, offset in segments:
        reader = subsearcher.reader()
        postings = _SegmentPostings(reader)
        keep = _keep(subsearcher, plan, postings)
        for clause in plan.clauses:
            norms = _norms(searcher, reader, clause[0][0].fieldname)
            if len(clause) == 1:
                term = clause[0][0]
                for ids, tfs in postings.blocks(term):
                    _add(scores, offset, ids, tfs, gains[_key(term)], norms, keep)
                continue
            docs = _clause_docs(postings, clause, keep)
            for term, _ in clause:
                tf_of = postings.frequencies(term)
                _add(scores, offset, docs, [tf_of[docnum] for docnum in docs], gains[_key(term)], norms, keep)
    best = heapq.nlargest(wanted, ((score, -docnum) for docnum, score in scores.items()))
    return len(scores), [(score, -negated) for score, negated in best]


def _add(scores: dict[int, float], offset: int, ids, tfs, gain: float, norms: list[float], keep) -> None:
    """Add one term's In_expB2 score to the scores of ``ids`` (segment docnums)."""
    get = scores.get
    for docnum, tf in zip(ids, tfs):
        if keep is not None and not keep(docnum):
            continue
        key = docnum + offset
        tfn = tf * norms[docnum]
        scores[key] = get(key, 0.0) + gain * tfn / (tfn + 1)


def _key(term: Term) -> tuple:
    return term.fieldname, term.text, term.boost


def _gain(searcher, term: Term) -> float:
    return term_gain(searcher, term.fieldname, term.text) * term.boost


def _norms(searcher, reader, fieldname: str) -> list[float]:
    """Per document of a segment, its length normalisation (kept on the reader)."""
    average = searcher.avg_field_length(fieldname) or 1
    cache = reader.__dict__.setdefault("_khabar_norms", {})
    key = (fieldname, average)
    if key not in cache:
        cache[key] = [length_norm(length, average) for length in field_lengths(reader, fieldname)]
    return cache[key]


def _keep(subsearcher, plan: FastQuery, postings: _SegmentPostings):
    """Whether a document of the segment may be counted (date range, exclusions); None: all may."""
    inside = _days_allowed(subsearcher, plan.day_range)
    dropped: set[int] = set()
    for clause in plan.excluded:
        dropped.update(_clause_docs(postings, clause))
    if not dropped:
        return inside
    if inside is None:
        return lambda docnum: docnum not in dropped
    return lambda docnum: docnum not in dropped and inside(docnum)


class _SegmentPostings:
    """One segment's postings of the query's terms, each read once."""

    def __init__(self, reader):
        self.reader = reader
        self._blocks: dict[tuple[str, str], list[tuple]] = {}
        self._maps: dict[tuple[str, str], tuple[dict, dict]] = {}

    def blocks(self, term: Term) -> list[tuple]:
        """``[(ids, frequencies), ...]`` per posting block."""
        key = (term.fieldname, term.text)
        if key not in self._blocks:
            self._blocks[key] = list(_blocks(self.reader.postings(*key))) if key in self.reader else []
        return self._blocks[key]

    def _map(self, term: Term) -> tuple[dict, dict]:
        # Phrase words only: their encoded positions are read as well.
        key = (term.fieldname, term.text)
        if key not in self._maps:
            frequencies: dict[int, float] = {}
            values: dict[int, bytes] = {}
            if key in self.reader:
                for ids, tfs, encoded in _blocks(self.reader.postings(*key), values=True):
                    frequencies.update(zip(ids, tfs))
                    values.update(zip(ids, encoded))
            self._maps[key] = (frequencies, values)
        return self._maps[key]

    def frequencies(self, term: Term) -> dict[int, float]:
        return self._map(term)[0]

    def positions(self, term: Term, docnum: int) -> list[int]:
        field = self.reader.schema[term.fieldname]
        return field.format.decode_positions(self._map(term)[1][docnum])


def _clause_docs(postings: _SegmentPostings, clause: Clause, keep=None):
    """The documents of a segment matching a clause (of those ``keep`` allows)."""
    if len(clause) == 1:
        return postings.frequencies(clause[0][0]).keys()
    # Rarest word first, then only documents holding every word have their positions read.
    by_size = sorted(clause, key=lambda placed: len(postings.frequencies(placed[0])))
    docs = set(postings.frequencies(by_size[0][0]))
    for term, _ in by_size[1:]:
        docs &= postings.frequencies(term).keys()
    return [docnum for docnum in sorted(docs)
            if (keep is None or keep(docnum)) and _phrase_in(postings, clause, docnum)]


def _phrase_in(postings: _SegmentPostings, clause: Clause, docnum: int) -> bool:
    first, _ = clause[0]
    others = [(set(postings.positions(term, docnum)), offset) for term, offset in clause[1:]]
    return any(all(start + offset in found for found, offset in others)
               for start in postings.positions(first, docnum))


def _blocks(matcher, values: bool = False):
    """Yield (ids, weights[, values]) per posting block, skipping deleted documents."""
    deleted = None
    if isinstance(matcher, FilterMatcher) and matcher._exclude and isinstance(matcher.child, W3LeafMatcher):
        deleted, matcher = matcher._ids, matcher.child
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            block = [matcher._ids, matcher._weights]
            if values:
                matcher._read_values()
                block.append(matcher._values)
            yield _live(block, deleted)
            if matcher._lastblock:
                break
            matcher._next_block()
    else:  # short posting lists stored inline, or any other matcher: one posting at a time
        block = ([], [], [])
        while matcher.is_active():
            block[0].append(matcher.id())
            block[1].append(matcher.weight())
            if values:
                block[2].append(matcher.value())
            matcher.next()
        yield _live(list(block if values else block[:2]), deleted)


def _live(block: list, deleted) -> tuple:
    if not deleted:
        return tuple(block)
    kept = [i for i, docnum in enumerate(block[0]) if docnum not in deleted]
    return tuple([part[i] for i in kept] for part in block)


def _days_allowed(subsearcher, day_range: NumericRange | None):
    """Whether a document of the segment lies inside the Jalali range; None for no range."""
    if day_range is None:
        return None
    days = jalali_days(subsearcher.reader())
    if days is None:
        inside = set(day_range.matcher(subsearcher).all_ids())
        return inside.__contains__
    low = max(day_range.start or 1, 1)  # 0 is an undated document: never inside a range
    high = day_range.end if day_range.end is not None else float("inf")
    return lambda docnum: low <= days[docnum] <= high
