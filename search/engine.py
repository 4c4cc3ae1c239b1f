"""Running a search against the index and collecting ranked hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from indexer.dates import format_iso_utc, format_jalali, format_jalali_day
from whoosh.query import And, Query

from .fastpath import fast_query, ranked
from .feedback import expand_query
from .filters import jalali_range
from .query import parse_query
from .searchers import shared_searcher
from .snippets import SnippetMarks, has_phrase, query_terms, snippet


@dataclass(slots=True)
class Hit:
    id: str
    url: str
    title: str
    source: str
    date: str  # ISO 8601 UTC, "" when unknown
    jalali_date: str  # YYYY/MM/DD, "" when unknown
    keywords: list[str]
    score: float | None  # None when not ranked by relevance
    snippet: str

    @classmethod
    def from_stored(cls, stored: dict, *, score: float | None, snippet: str) -> Hit:
        """A hit from an article's stored fields."""
        moment: datetime | None = stored.get("date")
        day: int | None = stored.get("jalali_day")  # stored with the date: no calendar conversion per hit
        return cls(
            id=stored["id"],
            url=stored.get("url", ""),
            title=stored.get("title", ""),
            source=stored.get("source", ""),
            date=format_iso_utc(moment) if moment else "",
            jalali_date=(format_jalali_day(day) if day else format_jalali(moment)) if moment else "",
            keywords=list(stored.get("keyword_list") or []),
            score=score,
            snippet=snippet,
        )

    def as_dict(self) -> dict:
        return {
            "id": self.id, "url": self.url, "title": self.title, "source": self.source,
            "date": self.date or None, "jalali_date": self.jalali_date or None,
            "keywords": self.keywords, "score": None if self.score is None else round(self.score, 4),
            "snippet": self.snippet,
        }


@dataclass(slots=True)
class SearchResults:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)


def search(
    index_dir: Path,
    text: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 10,
    page: int = 1,
    sort: str = "relevance",
    marks: SnippetMarks | None = None,
    expand: bool = False,
) -> SearchResults:
    """Ranked hits for ``text``; raises QueryError, InvalidDate or IndexMissing.

    ``expand`` adds words from the best hits (blind relevance feedback).
    """
    date_filter = jalali_range(date_from, date_to)
    searcher = shared_searcher(index_dir)
    asked = parse_query(text, searcher.schema)
    query = asked
    if expand and sort == "relevance":
        query = expand_query(searcher, asked, _within(asked, date_filter))
    query = _within(query, date_filter)
    terms = query_terms(asked)  # mark what was asked, not the expansion
    together = has_phrase(asked)
    marks = marks or SnippetMarks()
    first = (page - 1) * limit
    plan = fast_query(query) if sort == "relevance" else None
    fast = ranked(searcher, plan, wanted=first + limit) if plan is not None else None
    if fast is not None:
        total, best = fast
        hits = [Hit.from_stored(stored := searcher.stored_fields(docnum), score=score,
                                snippet=snippet(stored.get("body") or "", terms, marks, together))
                for score, docnum in best[first:]]
        return SearchResults(text, total, hits)
    options: dict = {}
    if sort == "date":
        options.update(sortedby=newest_first(), reverse=True)
    # One unlimited pass: a top-N search skips blocks by quality and then
    # runs the query again to count the total, which costs more.
    results = searcher.search(query, limit=None, **options)
    total = len(results)
    # The date range is a conjunct scoring a constant: take it out, so that an
    # article's score does not depend on the path or on whether a range was given.
    constant = date_filter.boost if date_filter is not None else 0.0
    hits = [_hit(hit, terms, marks, together, constant) for hit in results[first : first + limit]]
    if sort == "date":  # Whoosh's score is then the sort key, not a relevance score
        for hit in hits:
            hit.score = None
    return SearchResults(text, total, hits)


def newest_first():
    """Sort order for ``--sort date`` and keyword lookups: newest first, undated articles last.

    Whoosh gives an undated article the date column's default, its largest
    value, which sorted newest-first puts it above everything dated.
    """
    from whoosh.sorting import FieldFacet, TranslateFacet

    undated = 2**64 - 1  # the DATETIME column's default

    def key(moment: int) -> int:
        return -1 if moment == undated else moment

    return TranslateFacet(key, FieldFacet("date"))


def _within(query: Query, date_filter: Query | None) -> Query:
    # A conjunct, not ``filter=``: in whoosh3 3.54.0 a filtered search counts
    # its total as if unfiltered. The range scores a constant, so ranking is
    # unchanged.
    return query if date_filter is None else And([query, date_filter])


def _hit(hit, terms: frozenset[str], marks: SnippetMarks, together: bool, constant: float) -> Hit:
    stored = hit.fields()
    return Hit.from_stored(stored, score=float(hit.score or 0.0) - constant,
                           snippet=snippet(stored.get("body") or "", terms, marks, together))
