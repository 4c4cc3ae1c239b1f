"""Running a search against the index and collecting ranked hits."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from khabar.indexer.dates import format_iso_utc, format_jalali, format_jalali_day
from khabar.indexer.schema import BODY, DATE, JALALI_DAY, KEYWORD_LIST, SOURCE, TITLE, UNDATED_DATE_COLUMN, URL
from whoosh.query import NumericRange, Query

from khabar.search.query.dates import jalali_range, within
from khabar.search.query.parse import parse_query
from khabar.search.scoring.feedback import FEEDBACK_DOCS, RERANK_DEPTH, feedback_terms, reorder
from khabar.search.scoring.plan import fast_query
from khabar.search.scoring.postings import shared_postings
from khabar.search.scoring.proximity import pair_bonus, word_pairs
from khabar.search.scoring.segments import searchable_whole
from khabar.search.scoring.sparse import ranked
from khabar.search.searchers import shared_searcher
from khabar.search.snippets import SnippetMarks, has_phrase, query_terms, snippet
from khabar.search.suggest.corrector import suggested


T = TypeVar("T")


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
    # The story's other copies among the matches (search/collapse.py): id, url, source, jalali_date.
    duplicates: list[dict] = field(default_factory=list)

    @classmethod
    def from_stored(cls, stored: dict, *, score: float | None, snippet: str) -> Hit:
        """A hit from an article's stored fields."""
        moment: datetime | None = stored.get(DATE)
        day: int | None = stored.get(JALALI_DAY)  # stored with the date: no calendar conversion per hit
        return cls(
            id=stored["id"],
            url=stored.get(URL, ""),
            title=stored.get(TITLE, ""),
            source=stored.get(SOURCE, ""),
            date=format_iso_utc(moment) if moment else "",
            jalali_date=(format_jalali_day(day) if day else format_jalali(moment)) if moment else "",
            keywords=list(stored.get(KEYWORD_LIST) or []),
            score=score,
            snippet=snippet,
        )

    def copy_record(self) -> dict:
        """What a result lists of this article when it is another copy of the result's story."""
        return {"id": self.id, "url": self.url, "source": self.source, "jalali_date": self.jalali_date or None}

    def as_dict(self) -> dict:
        return {
            "id": self.id, "url": self.url, "title": self.title, "source": self.source,
            "date": self.date or None, "jalali_date": self.jalali_date or None,
            "keywords": self.keywords, "score": None if self.score is None else round(self.score, 4),
            "snippet": self.snippet,
        }


class StreamedHits:
    """Every match of a search, made one hit at a time as it is iterated (``--limit 0``).

    Only what makes each hit is held (ranked docnums, or a story's docnums):
    each article's stored fields and snippet are read when its turn comes, so
    that an export of every match writes as it goes and its memory does not
    grow with the articles' text. ``len`` is known.
    """

    def __init__(self, ranked: Sequence[T], make: Callable[[T], Hit]) -> None:
        self._ranked = ranked
        self._make = make

    def __len__(self) -> int:
        return len(self._ranked)

    def __iter__(self) -> Iterator[Hit]:
        return (self._make(found) for found in self._ranked)


@dataclass(slots=True)
class SearchResults:
    query: str
    total: int
    hits: list[Hit] | StreamedHits = field(default_factory=list)
    page: int = 1
    limit: int | None = 10  # None: every match (``--limit 0``), on one page
    stories: int | None = None  # the matches as stories, copies counted once; None when not collapsed
    suggestion: str | None = None  # a corrected query when this one found little (search.suggest)
    # As Elasticsearch's ``relation``: "eq", ``total`` is exact; "gte", there are more
    # (``total`` is TOTAL_EXACT: counting stopped there).
    total_relation: str = "eq"
    # "eq", ``stories`` counts the stories of every match; "gte", of the best
    # matches only (:data:`COLLAPSE_DEPTH`): the matches make at least that many.
    stories_relation: str = "eq"


def search(
    index_dir: Path,
    text: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int | None = 10,
    page: int = 1,
    sort: str = "relevance",
    marks: SnippetMarks | None = None,
    expand: bool = True,
    collapse: bool = True,
) -> SearchResults:
    """Ranked hits for ``text``; raises QueryError, InvalidDate or IndexMissing.

    Articles where the query's words stand close together rank higher
    (:mod:`search.scoring.proximity`); ``expand`` then reorders the matches with the
    words their best hits share (blind relevance feedback, :mod:`search.scoring.feedback`).
    ``limit`` None (or 0) is every match, as :class:`StreamedHits`, on page 1.
    ``collapse`` shows each story once (:mod:`search.collapse`): its best-ranked
    copy, with the others in its ``duplicates``; pages are then pages of stories.
    """
    day_range = jalali_range(date_from, date_to)
    searcher = shared_searcher(index_dir)
    asked = parse_query(text, searcher.schema)
    terms = query_terms(asked)  # mark what was asked, not the feedback words
    together = has_phrase(asked)
    marks = marks or SnippetMarks()
    limit = limit or None
    every = limit is None
    page = 1 if every else page
    first = (page - 1) * limit if limit else 0

    def hit(score: float | None, docnum: int) -> Hit:
        stored = searcher.stored_fields(docnum)
        return Hit.from_stored(stored, score=score, snippet=snippet(stored.get(BODY) or "", terms, marks, together))

    def with_suggestion(results: SearchResults) -> SearchResults:
        # Only a query that found little is corrected (search.suggest decides).
        results.suggestion = suggested(searcher, text, results.total, day_range)
        return results

    def dated(wanted: int) -> tuple[int, list[tuple[None, int]]]:
        results = searcher.search(within(asked, day_range), limit=wanted, sortedby=newest_first(), reverse=True)
        return len(results), [(None, docnum) for _key, docnum in results.top_n]  # the score is the sort key here

    def relevant(wanted: int) -> tuple[int, list[tuple[float, int]]]:
        wanted = max(wanted, RERANK_DEPTH) if expand else wanted
        if searchable_whole(searcher):
            return _ranked(searcher, asked, day_range, wanted, expand)
        # another codec: Whoosh alone, as the bonus and feedback read segments whole
        return _whoosh_ranked(searcher, asked, day_range, {}, wanted)

    order = dated if sort == "date" else relevant
    if collapse:
        return with_suggestion(_collapsed(searcher, text, order, first, limit, hit, page))
    total, best = order(searcher.doc_count_all() if every else first + limit)
    shown = best if every else best[first : first + limit]
    return with_suggestion(SearchResults(text, total, _hits(shown, hit, every), page, limit))


def _hits(ranked: list[tuple[float | None, int]], hit: Callable[[float | None, int], Hit],
          streamed: bool) -> list[Hit] | StreamedHits:
    """A page's hits made now; every match's made as they are written."""
    if streamed:
        return StreamedHits(ranked, lambda found: hit(*found))
    return [hit(score, docnum) for score, docnum in ranked]


# Matches grouped into stories for a page: the best COLLAPSE_DEPTH (as many as feedback
# reorders), or as many more as the page's stories need. Grouping every match of a
# broad query read thousands of signatures and verified their pairs on stored text
# (~100 ms in a fresh process); a page of ten stories rarely reaches past the 30th match.
COLLAPSE_DEPTH = RERANK_DEPTH
# A deep page starts from this many matches per story it needs (page 20's ten stories: 600).
MATCHES_PER_STORY = 3
# How much further each extension goes when the best matches make too few stories.
COLLAPSE_GROWTH = 4


def _collapsed(searcher, text: str, order: Callable[[int], tuple[int, list[tuple[float | None, int]]]],
               first: int, limit: int | None, hit: Callable[[float | None, int], Hit], page: int) -> SearchResults:
    """A page of stories (every story with ``limit`` None): each story's best-ranked copy, the
    others among the grouped matches in its ``duplicates``. ``order(wanted)`` gives ``(total,
    the best wanted matches as (score, docnum), best first)``; the best :data:`COLLAPSE_DEPTH`
    (or more, see :func:`_grouped_best`) are grouped, all of them for every story."""
    total, ranked, told = _grouped_best(searcher, order, None if limit is None else first + limit)
    scores = dict((docnum, score) for score, docnum in ranked)

    def story_hit(members: list[int]) -> Hit:
        best, *copies = members
        found = hit(scores[best], best)
        found.duplicates = [Hit.from_stored(searcher.stored_fields(copy), score=None, snippet="").copy_record()
                            for copy in copies]
        return found

    shown = told.page(first, limit)
    hits = StreamedHits(shown, story_hit) if limit is None else [story_hit(members) for members in shown]
    return SearchResults(text, total, hits, page, limit, stories=told.count,
                         stories_relation="eq" if len(ranked) >= total else "gte")


def _grouped_best(searcher, order: Callable[[int], tuple[int, list]], needed: int | None) -> tuple[int, list, object]:
    """``(total, ranked, their stories)``: the best matches, enough of them to hold ``needed``
    stories (every match for None), grouped. Starts at :data:`COLLAPSE_DEPTH` (or
    :data:`MATCHES_PER_STORY` for each story wanted, for a deep page) and grows by :data:`COLLAPSE_GROWTH` until the
    stories are there or every match is in."""
    from khabar.search.collapse import stories

    wanted = searcher.doc_count_all() if needed is None else max(COLLAPSE_DEPTH, MATCHES_PER_STORY * needed)
    while True:
        total, ranked = order(wanted)
        told = stories(searcher, [docnum for _, docnum in ranked])
        if needed is None or len(ranked) >= total or told.count >= needed:
            return total, ranked, told
        wanted *= COLLAPSE_GROWTH


def _ranked(searcher, asked: Query, day_range: NumericRange | None, wanted: int,
            expand: bool) -> tuple[int, list[tuple[float, int]]]:
    """``(total, [(score, docnum), ...])``: the best ``wanted`` matches of ``asked``
    inside the date range, with the proximity bonus, reordered by feedback if ``expand``."""
    with shared_postings(searcher):
        bonus = pair_bonus(searcher, word_pairs(asked, searcher.schema))
        plan = fast_query(asked, day_range)
        found = ranked(searcher, plan, wanted, bonus) if plan is not None else None
        total, best = found if found is not None else _whoosh_ranked(searcher, asked, day_range, bonus, wanted)
        if expand:
            asked_words = {word for _field, word in asked.iter_all_terms()}
            words = feedback_terms(searcher, [docnum for _, docnum in best[:FEEDBACK_DOCS]], asked_words)
            best = reorder(searcher, best[:RERANK_DEPTH], words) + best[RERANK_DEPTH:]
    return total, best


def plain_ranked(searcher, query: Query, day_range: NumericRange | None,
                 wanted: int) -> tuple[int, list[tuple[float, int]]]:
    """``(total, [(score, docnum), ...])`` for a query built by code, not typed
    (``similar``'s words): the In_expB2 ranking alone, no proximity bonus or feedback."""
    if not searchable_whole(searcher):
        return _whoosh_ranked(searcher, query, day_range, {}, wanted)
    with shared_postings(searcher):
        plan = fast_query(query, day_range)
        found = ranked(searcher, plan, wanted) if plan is not None else None
        return found if found is not None else _whoosh_ranked(searcher, query, day_range, {}, wanted)


def _whoosh_ranked(searcher, asked: Query, day_range: NumericRange | None, bonus: dict[int, float],
                   wanted: int) -> tuple[int, list[tuple[float, int]]]:
    """:func:`_ranked`'s first pass through Whoosh: each match with its ``bonus`` added."""
    # One unlimited pass: a top-N search skips blocks by quality and then
    # runs the query again to count the total, which costs more.
    results = searcher.search(within(asked, day_range), limit=None)
    # The date range is a conjunct scoring a constant: take it out, so that an
    # article's score does not depend on the path or on whether a range was given.
    constant = day_range.boost if day_range is not None else 0.0
    scored = [(score - constant + bonus.get(docnum, 0.0), docnum) for score, docnum in results.top_n]
    scored.sort(key=lambda found: (-found[0], found[1]))
    return len(scored), scored[:wanted]


def newest_first():
    """Sort order for ``--sort date`` and keyword lookups: newest first, undated articles last.

    Whoosh gives an undated article the date column's default, its largest
    value, which sorted newest-first puts it above everything dated.
    """
    from whoosh.sorting import FieldFacet, TranslateFacet

    def key(moment: int) -> int:
        return -1 if moment == UNDATED_DATE_COLUMN else moment

    return TranslateFacet(key, FieldFacet(DATE))

