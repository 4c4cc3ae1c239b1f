"""Running a search against the index and collecting ranked hits."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from itertools import islice
from typing import NamedTuple, TypeVar

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
from khabar.search.suggest import FEW_RESULTS


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


# Totals are exact up to this many matches; past it, where counting is a pass of its own
# (a query Whoosh answers, which skips blocks that cannot reach its top), "more than"
# (``total_relation`` "gte"). Elasticsearch's track_total_hits default: enough for any
# page a person reads, and a count that stops there costs ~1 µs a match at most.
TOTAL_EXACT = 10_000


class Ranking(NamedTuple):
    """A first pass's answer: ``total`` matches (exactly, or at least for ``relation``
    "gte"), and the best of them as ``(score, docnum)``, best first."""
    total: int
    best: list
    relation: str = "eq"


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
    # (counting stopped past TOTAL_EXACT, or past the hits ranked if more).
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
    copy_records: bool = True,
) -> SearchResults:
    """Ranked hits for ``text``; raises QueryError, InvalidDate or IndexMissing.

    Articles where the query's words stand close together rank higher
    (:mod:`search.scoring.proximity`); ``expand`` then reorders the matches with the
    words their best hits share (blind relevance feedback, :mod:`search.scoring.feedback`).
    ``limit`` None (or 0) is every match, as :class:`StreamedHits`, on page 1.
    ``collapse`` shows each story once (:mod:`search.collapse`): its best-ranked
    copy, with the others in its ``duplicates``; pages are then pages of stories.
    Each copy in ``duplicates`` is read from columns, not its stored fields (at 1M a
    story has ~114 copies): with ``copy_records`` False, ``{"source"}`` alone, from one
    column (all the table view shows of them).
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
        # Only a query that found little is corrected (search.suggest decides); one that
        # found plenty does not load the corrector.
        if results.total < FEW_RESULTS:
            from khabar.search.suggest.corrector import suggested

            results.suggestion = suggested(searcher, text, results.total, day_range)
        return results

    def dated(wanted: int) -> Ranking:
        # Sorted by date, every match is visited: the count is exact.
        results = searcher.search(within(asked, day_range), limit=wanted, sortedby=newest_first(), reverse=True)
        return Ranking(len(results), [(None, docnum) for _key, docnum in results.top_n])  # sorted by key, no score

    def relevant(wanted: int) -> Ranking:
        wanted = max(wanted, RERANK_DEPTH) if expand else wanted
        if searchable_whole(searcher):
            return _ranked(searcher, asked, day_range, wanted, expand, bounded=not every)
        # another codec: Whoosh alone, as the bonus and feedback read segments whole
        return _whoosh_ranked(searcher, asked, day_range, {}, wanted, bounded=not every)

    order = dated if sort == "date" else relevant
    if collapse:
        with shared_postings(searcher):  # a ranking again for more stories reads no list twice
            collapsed = _collapsed(searcher, text, order, first, limit, hit, page, copy_records)
        return with_suggestion(collapsed)
    found = order(searcher.doc_count_all() if every else first + limit)
    shown = found.best if every else found.best[first : first + limit]
    return with_suggestion(SearchResults(text, found.total, _hits(shown, hit, every), page, limit,
                                         total_relation=found.relation))


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


def _collapsed(searcher, text: str, order: Callable[[int], Ranking], first: int, limit: int | None,
               hit: Callable[[float | None, int], Hit], page: int, copy_records: bool = True) -> SearchResults:
    """A page of stories (every story with ``limit`` None): each story's best-ranked copy, the
    others among the grouped matches in its ``duplicates``. ``order(wanted)`` gives ``(total,
    the best wanted matches as (score, docnum), best first)``; the best :data:`COLLAPSE_DEPTH`
    (or more, see :func:`_grouped_best`) are grouped, all of them for every story."""
    from khabar.search.collapse import copy_records as column_copy_records, copy_sources

    found, told = _grouped_best(searcher, order, None if limit is None else first + limit)
    scores = dict((docnum, score) for score, docnum in found.best)

    def story_hit(members: list[int]) -> Hit:
        best, *copies = members
        found = hit(scores[best], best)
        found.duplicates = (column_copy_records(searcher, copies) if copy_records  # no stored fields read
                            else [{"source": source} for source in copy_sources(searcher, copies)])
        return found

    shown = told.page(first, limit)
    hits = StreamedHits(shown, story_hit) if limit is None else [story_hit(members) for members in shown]
    every_match = found.relation == "eq" and len(found.best) >= found.total
    return SearchResults(text, found.total, hits, page, limit, stories=told.count, total_relation=found.relation,
                         stories_relation="eq" if every_match else "gte")


def _grouped_best(searcher, order: Callable[[int], Ranking], needed: int | None) -> tuple[Ranking, object]:
    """``(the ranking, its best matches' stories)``: the best matches, enough of them to hold ``needed``
    stories (every match for None), grouped. Starts at :data:`COLLAPSE_DEPTH` (or
    :data:`MATCHES_PER_STORY` for each story wanted, for a deep page) and grows by :data:`COLLAPSE_GROWTH` until the
    stories are there or every match is in."""
    from khabar.search.collapse import stories

    wanted = searcher.doc_count_all() if needed is None else max(COLLAPSE_DEPTH, MATCHES_PER_STORY * needed)
    while True:
        found = order(wanted)
        told = stories(searcher, [docnum for _, docnum in found.best])
        if needed is None or len(found.best) < wanted or told.count >= needed:
            return found, told
        wanted *= COLLAPSE_GROWTH


def _ranked(searcher, asked: Query, day_range: NumericRange | None, wanted: int,
            expand: bool, bounded: bool = False) -> Ranking:
    """The best ``wanted`` matches of ``asked`` inside the date range, with the proximity
    bonus, reordered by feedback if ``expand``; ``bounded``: the total may stop at
    :data:`TOTAL_EXACT` (:func:`_whoosh_ranked`)."""
    with shared_postings(searcher):
        bonus = pair_bonus(searcher, word_pairs(asked, searcher.schema))
        plan = fast_query(asked, day_range)
        found = ranked(searcher, plan, wanted, bonus) if plan is not None else None
        first_pass = Ranking(*found) if found is not None else _whoosh_ranked(searcher, asked, day_range, bonus,
                                                                               wanted, bounded=bounded)
        best = first_pass.best
        if expand:
            asked_words = {word for _field, word in asked.iter_all_terms()}
            words = feedback_terms(searcher, [docnum for _, docnum in best[:FEEDBACK_DOCS]], asked_words)
            best = reorder(searcher, best[:RERANK_DEPTH], words) + best[RERANK_DEPTH:]
    return first_pass._replace(best=best)


def plain_ranked(searcher, query: Query, day_range: NumericRange | None,
                 wanted: int) -> tuple[int, list[tuple[float, int]]]:
    """``(total, [(score, docnum), ...])`` for a query built by code, not typed
    (``similar``'s words): the In_expB2 ranking alone, no proximity bonus or feedback."""
    if not searchable_whole(searcher):
        return _whoosh_ranked(searcher, query, day_range, {}, wanted)[:2]
    with shared_postings(searcher):
        plan = fast_query(query, day_range)
        found = ranked(searcher, plan, wanted) if plan is not None else None
        return found if found is not None else _whoosh_ranked(searcher, query, day_range, {}, wanted)[:2]


def _whoosh_ranked(searcher, asked: Query, day_range: NumericRange | None, bonus: dict[int, float],
                   wanted: int, bounded: bool = False) -> Ranking:
    """:func:`_ranked`'s first pass through Whoosh: each match with its ``bonus`` added.

    Without a bonus and ``bounded``, Whoosh's own top ``wanted`` (it skips the blocks
    whose best score cannot reach them: the same hits), and a count without scores that
    stops past :data:`TOTAL_EXACT`. With a bonus every match is scored: any may gain."""
    query = within(asked, day_range)
    # The date range is a conjunct scoring a constant: take it out, so that an
    # article's score does not depend on the path or on whether a range was given.
    constant = day_range.boost if day_range is not None else 0.0
    top = bounded and not bonus
    results = searcher.search(query, limit=wanted if top else None)
    scored = [(score - constant + bonus.get(docnum, 0.0), docnum) for score, docnum in results.top_n]
    scored.sort(key=lambda found: (-found[0], found[1]))
    if not top or len(scored) < wanted:  # fewer than wanted: the top was never full, nothing was skipped
        return Ranking(len(scored), scored[:wanted])
    if results.has_exact_length():
        return Ranking(len(results), scored)
    bound = max(TOTAL_EXACT, wanted)  # never fewer than the hits ranked (a deep page of stories)
    counted = sum(1 for _ in islice(searcher.docs_for_query(query), bound + 1))
    return Ranking(bound, scored, "gte") if counted > bound else Ranking(counted, scored)


def newest_first():
    """Sort order for ``--sort date`` and keyword lookups: newest first, undated articles last.

    Whoosh gives an undated article the date column's default, its largest
    value, which sorted newest-first puts it above everything dated.
    """
    from whoosh.sorting import FieldFacet, TranslateFacet

    def key(moment: int) -> int:
        return -1 if moment == UNDATED_DATE_COLUMN else moment

    return TranslateFacet(key, FieldFacet(DATE))

