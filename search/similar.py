"""More like this: the articles closest to one article, its own copies first.

The article's distinctive words are its query: the index terms of its title
and body, weighed by Bo1 against the whole index as feedback weighs the words
of its best hits (:func:`search.scoring.feedback.bo1_weights`); a word no
other article holds cannot find anything and is passed over. The best
``SIMILAR_TERMS`` are searched as one OR through the engine's In_expB2
ranking, each word weighted by how often the article uses it, the most used
at 1 (the query term frequency of DFR models, as Terrier weighs a query's
words). The article itself is left out of the results.

Chosen on the Hamshahri judgments, taking each judged article as the query and
the other articles judged for its topic as the related ones (P@10 / AP@100 over
2,242 articles): 10, 20, 30, 50 words 0.754 / 0.559, 0.791 / 0.598,
0.804 / 0.612, 0.815 / 0.622, the ranking's time growing with the words'
postings (30 words about twice 20); the same 30 words unweighted 0.785 / 0.573,
weighted by their Bo1 weight 0.763 / 0.573. Feedback (``expand``, on as for
search) then reorders the best of them: 0.822 / 0.642, for some 20-30 ms more
on a 9k-article index. The proximity bonus is not used: the words were not
typed in an order.

A copy of the article (the same story under another URL or slug, lightly
edited) holds its words as often as it does, so it scores like the article
and comes first: in the 76 labelled copy pairs of ir-news and
farsnews-varzesh3, each copy was first or second (after a third copy) both ways.
:func:`own_copies` puts the copies the index knows of first whatever their score.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from whoosh.query import NumericRange, Or, Query, Term

from khabar.indexer.safe_text import without_surrogates
from khabar.indexer.schema import ALL, BODY, JALALI_DAY
from khabar.search.articles import NoSuchArticle, find_article
from khabar.search.engine import Hit, SearchResults, plain_ranked
from khabar.search.query.dates import day_bounds, jalali_range
from khabar.search.scoring.feedback import (FEEDBACK_DOCS, RERANK_DEPTH, article_terms, bo1_weights, feedback_terms,
                                            reorder)
from khabar.search.scoring.segments import searchable_whole
from khabar.search.scoring.weighting import term_stats
from khabar.search.searchers import shared_searcher
from khabar.search.snippets import SnippetMarks, snippet

SIMILAR_TERMS = 30
COPY_DEPTH = 100  # how far down the ranking an article's copies are looked for


def similar(
    index_dir: Path,
    article_id: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 10,
    page: int = 1,
    marks: SnippetMarks | None = None,
    expand: bool = True,
) -> SearchResults:
    """The articles most like ``article_id`` (any id form ``show`` takes), best first,
    the article's own copies (:func:`own_copies`) before the others and the
    article itself left out; the query is its distinctive words, strongest first.
    ``expand`` reorders the best of them with the words they share, as for search.

    Raises NoSuchArticle, InvalidDate or IndexMissing.
    """
    day_range = jalali_range(date_from, date_to)
    searcher = shared_searcher(index_dir)
    docnum = article_number(searcher, index_dir, article_id)
    words = distinctive_words(searcher, docnum)
    first = (page - 1) * limit
    wanted = max(first + limit, COPY_DEPTH, RERANK_DEPTH if expand else 0)
    total, best = ranked_like(searcher, docnum, words, day_range, wanted)
    if expand and searchable_whole(searcher):  # as search: feedback reads segments whole
        best = with_feedback(searcher, best, {word for word, _ in words})
    best = copies_first(best, own_copies(searcher, docnum, [found for _, found in best[:COPY_DEPTH]]))
    terms = frozenset(word for word, _ in words)
    marks = marks or SnippetMarks()
    hits = [Hit.from_stored(stored := searcher.stored_fields(found), score=score,
                            snippet=snippet(stored.get(BODY) or "", terms, marks))
            for score, found in best[first : first + limit]]
    return SearchResults(" ".join(word for word, _ in words), total, hits, page, limit)


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
    uses it, the most used at 1."""
    occurrences = article_terms(searcher, docnum)
    shared = {term: tf for term, tf in occurrences.items() if term_stats(searcher, ALL, term)[0] > 1}
    chosen = [term for term, _ in bo1_weights(searcher, shared)[:count]]
    most = max((occurrences[term] for term in chosen), default=1)
    return [(term, occurrences[term] / most) for term in chosen]


def ranked_like(searcher, docnum: int, words: list[tuple[str, float]], day_range: NumericRange | None,
                wanted: int) -> tuple[int, list[tuple[float, int]]]:
    """``(total, [(score, docnum), ...])``: the ``wanted`` best articles holding any of
    ``words`` inside the date range, article ``docnum`` left out."""
    if not words:
        return 0, []
    # One more than wanted: the article itself is usually among them. It holds
    # every one of its words, so it is a match wherever the date range lets it be.
    total, best = plain_ranked(searcher, words_query(words), day_range, wanted + 1)
    itself = day_range is None or inside(searcher.stored_fields(docnum).get(JALALI_DAY), day_range)
    return total - itself, [(score, found) for score, found in best if found != docnum][:wanted]


def inside(day: int | None, day_range: NumericRange) -> bool:
    """Whether an article's Jalali day (None: undated) lies inside the range."""
    low, high = day_bounds(day_range)
    return low <= (day or 0) <= high


def with_feedback(searcher, best: list[tuple[float, int]], asked: set[str]) -> list[tuple[float, int]]:
    """``best`` with its first ``RERANK_DEPTH`` reordered by the words its best hits share, as search does."""
    words = feedback_terms(searcher, [docnum for _, docnum in best[:FEEDBACK_DOCS]], asked)
    return reorder(searcher, best[:RERANK_DEPTH], words) + best[RERANK_DEPTH:]


def copies_first(best: list[tuple[float, int]], copies: Sequence[int]) -> list[tuple[float, int]]:
    """``best`` with the articles ``copies`` moved to the front, in that order."""
    place = {docnum: i for i, docnum in enumerate(copies)}
    ahead = sorted((scored for scored in best if scored[1] in place), key=lambda scored: place[scored[1]])
    return ahead + [scored for scored in best if scored[1] not in place]


def own_copies(searcher, docnum: int, candidates: Sequence[int]) -> list[int]:
    """The copies of article ``docnum`` among ``candidates`` (its best-ranked
    look-alikes), to be listed first: those a search puts in one story with it
    (:mod:`search.collapse`), best-ranked first."""
    from khabar.search.collapse import stories

    story = stories(searcher, [docnum, *candidates]).page(0, 1)
    return story[0][1:] if story else []


def words_query(words: list[tuple[str, float]]) -> Query:
    """An OR of weighted index terms of the combined field (already analysed: not parsed again)."""
    return Or([Term(ALL, word, boost=weight) for word, weight in words])
