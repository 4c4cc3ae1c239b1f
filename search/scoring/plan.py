"""What the fast path scores: a query of words and phrases, as clauses.

Most queries are words and quoted phrases, perhaps with ``-excluded`` words
and a Jalali date range. :func:`fast_query` recognises that shape in the
parsed query and returns its plan, which :mod:`search.scoring.sparse` (per
posting) or :mod:`search.scoring.dense` (numpy arrays) scores; for any other
query it returns None and the search goes through Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query import AndNot, NumericRange, Or, Query, Term

from khabar.indexer.schema import JALALI_DAY
from khabar.search.query.phrases import ExactNear

# A clause is one word, or a phrase: words at fixed distances from the first.
Clause = tuple[tuple[Term, int], ...]


@dataclass(frozen=True, slots=True)
class FastQuery:
    clauses: list[Clause]  # documents matching any clause, scored by their sum
    excluded: list[Clause]  # documents matching any of these are left out
    day_range: NumericRange | None  # on the Jalali day (search.query.dates.jalali_range)

    def key(self) -> tuple:
        """What identifies the plan's matches and scores (its clauses' terms and offsets, its range)."""
        clauses = tuple(tuple((term_key(term), offset) for term, offset in clause) for clause in self.clauses)
        excluded = tuple(tuple((term_key(term), offset) for term, offset in clause) for clause in self.excluded)
        days = None if self.day_range is None else (self.day_range.start, self.day_range.end)
        return clauses, excluded, days

    def fieldnames(self) -> set[str]:
        return {term.fieldname for clause in [*self.clauses, *self.excluded] for term, _ in clause}


def fast_query(query: Query, day_range: NumericRange | None) -> FastQuery | None:
    """The plan for a query of words and phrases (``-excluded``) inside ``day_range``, or None."""
    if day_range is not None and day_range.fieldname != JALALI_DAY:
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


def term_key(term: Term) -> tuple:
    """What identifies a term's score in a plan: its field, text and boost."""
    return term.fieldname, term.text, term.boost


def _clauses(query: Query) -> list[Clause] | None:
    if isinstance(query, Or):
        if query.scale or query.minmatch:
            return None
        found: list[Clause] = []
        for child in query.subqueries:
            if isinstance(child, Or):  # nested ORs: one flat sum
                nested = _clauses(child)
                if nested is None or child.boost != 1.0:
                    return None
                found += nested
                continue
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
