"""More like this: the articles closest to one article, its own copies first.

The article's distinctive words are its query: every index term of its title
and body weighed by Bo1 against the whole index, the way feedback weighs the
words of its best hits (:func:`search.scoring.feedback.bo1_weights`), the best
``SIMILAR_TERMS`` of them searched as one OR through the engine's In_expB2
ranking. A word no other article holds cannot find anything and is passed
over. The article itself is left out of the results.

Neither the proximity bonus nor feedback is used: the words are not typed
in an order, and the article itself is a better judge of what is relevant than
the results' own best hits would be.

A copy of the article (the same story under another URL or slug) holds its
words as often as it does, so it scores like the article itself and comes
first; copies the index already knows of (:func:`known_copies`) are put
first whatever their score.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from whoosh.query import NumericRange, Or, Query, Term

from khabar.indexer.errors import EXIT_NOTHING_FOUND, KhabarError
from khabar.indexer.safe_text import without_surrogates
from khabar.indexer.schema import ALL, BODY
from khabar.search.articles import find_article
from khabar.search.engine import Hit, SearchResults, plain_ranked
from khabar.search.query.dates import jalali_range
from khabar.search.scoring.feedback import article_terms, bo1_weights
from khabar.search.scoring.weighting import term_stats
from khabar.search.searchers import shared_searcher
from khabar.search.snippets import SnippetMarks, snippet

SIMILAR_TERMS = 20


class NoSuchArticle(KhabarError):
    """``similar`` was given an id no article has (exit status 1, as for ``show``)."""

    exit_status = EXIT_NOTHING_FOUND

    def __init__(self, article_id: str) -> None:
        super().__init__(f"no article with id {article_id!r}")


def similar(
    index_dir: Path,
    article_id: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 10,
    page: int = 1,
    marks: SnippetMarks | None = None,
    copies: Sequence[str] | None = None,
) -> SearchResults:
    """The articles most like ``article_id`` (any id form ``show`` takes), best first,
    without the article itself; the query is its distinctive words, strongest first.

    ``copies`` are ids put first (in that order) when they lie inside the date
    range; by default the article's :func:`known_copies`. Raises NoSuchArticle,
    InvalidDate or IndexMissing.
    """
    day_range = jalali_range(date_from, date_to)
    searcher = shared_searcher(index_dir)
    docnum = article_number(searcher, index_dir, article_id)
    words = distinctive_words(searcher, docnum)
    if copies is None:
        copies = known_copies(searcher, docnum)
    first = (page - 1) * limit
    total, best = ranked_like(searcher, docnum, words, day_range, first + limit,
                              [searcher.document_number(id=copy) for copy in copies])
    terms = frozenset(word for word, _ in words)
    marks = marks or SnippetMarks()
    hits = [Hit.from_stored(stored := searcher.stored_fields(found), score=score,
                            snippet=snippet(stored.get(BODY) or "", terms, marks))
            for score, found in best[first : first + limit]]
    return SearchResults(" ".join(word for word, _ in words), total, hits)


def article_number(searcher, index_dir: Path, article_id: str) -> int:
    """The document number of the article ``show`` would show for ``article_id``; raises NoSuchArticle."""
    # A result's id as given is found in the open searcher; any other form
    # show accepts goes through show's own lookup (which opens the index again).
    docnum = searcher.document_number(id=without_surrogates(article_id.strip()))
    if docnum is None:
        article = find_article(index_dir, article_id)
        docnum = None if article is None else searcher.document_number(id=article.id)
    if docnum is None:
        raise NoSuchArticle(article_id)
    return docnum


def distinctive_words(searcher, docnum: int, count: int = SIMILAR_TERMS) -> list[tuple[str, float]]:
    """The article's ``count`` index terms of highest Bo1 weight that some other
    article holds too, each with its weight in the query: how often the article
    uses it, the most used at 1 (a query's term frequency, as In_expB2 weighs a word typed twice)."""
    from khabar.indexer.persian.analyzer import PersianAnalyzer

    occurrences = article_terms(searcher, docnum, PersianAnalyzer())
    shared = {term: tf for term, tf in occurrences.items() if term_stats(searcher, ALL, term)[0] > 1}
    chosen = [term for term, _ in bo1_weights(searcher, shared)[:count]]
    most = max((occurrences[term] for term in chosen), default=1)
    return [(term, occurrences[term] / most) for term in chosen]


def ranked_like(searcher, docnum: int, words: list[tuple[str, float]], day_range: NumericRange | None, wanted: int,
                copies: Sequence[int | None] = ()) -> tuple[int, list[tuple[float, int]]]:
    """``(total, [(score, docnum), ...])``: the ``wanted`` best articles holding any of
    ``words`` inside the date range, article ``docnum`` left out, ``copies`` first."""
    if not words:
        return 0, []
    copies = [copy for copy in dict.fromkeys(copies) if copy is not None and copy != docnum]
    # One more than wanted, as the article itself is usually among them; all of
    # them when copies are to be found wherever they rank.
    depth = searcher.doc_count_all() if copies else wanted + 1
    total, best = plain_ranked(searcher, words_query(words), day_range, depth)
    others = [(score, found) for score, found in best if found != docnum]
    total -= len(others) < len(best)
    first = {found: (score, found) for score, found in others if found in copies}
    ahead = [first[copy] for copy in copies if copy in first]
    return total, (ahead + [scored for scored in others if scored[1] not in first])[:wanted]


def words_query(words: list[tuple[str, float]]) -> Query:
    """An OR of weighted index terms of the combined field (already analysed: not parsed again)."""
    return Or([Term(ALL, word, boost=weight) for word, weight in words])


def known_copies(searcher, docnum: int) -> list[str]:
    """The ids of the copies of an article that indexing found (none yet: the index does not record them)."""
    return []
