"""Blind relevance feedback reorders matches by words their best hits share (search/scoring/feedback.py)."""

from __future__ import annotations

import pytest

from khabar.indexer.persian.analyzer import PersianAnalyzer
from khabar.indexer.schema import ALL, BODY, TITLE
from khabar.search.engine import search
from khabar.search.query.parse import parse_query
from khabar.search.scoring.feedback import FEEDBACK_DOCS, FEEDBACK_WEIGHT, feedback_terms, reorder
from khabar.search.searchers import shared_searcher


@pytest.mark.parametrize("text", ["بورس", "واکسن کرونا", "ستاد ملی مقابله"])
def test_feedback_words_are_shared_by_half_of_the_best_hits(bundled_index, text):
    searcher = shared_searcher(bundled_index)
    query = parse_query(text, searcher.schema)
    top = [hit.docnum for hit in searcher.search(query, limit=FEEDBACK_DOCS)]
    asked = {word for _, word in query.iter_all_terms()}
    terms = feedback_terms(searcher, top, asked)
    assert terms and not asked & {term for term, _ in terms}
    analyzer = PersianAnalyzer()
    texts = [analyzer.term_positions(f"{stored.get(TITLE, '')}\n{stored.get(BODY, '')}")
             for stored in map(searcher.stored_fields, top)]
    for term, _ in terms:
        assert sum(term in found for found in texts) * 2 >= len(top), term
    weights = [weight for _, weight in terms]
    assert weights == sorted(weights, reverse=True)


def test_reordering_adds_each_articles_score_for_the_feedback_words(bundled_index):
    from khabar.search.scoring.formula import in_exp_b2, length_norm
    from khabar.search.scoring.weighting import term_gain

    searcher = shared_searcher(bundled_index)
    best = [(1.0, hit.docnum) for hit in searcher.search(parse_query("بورس", searcher.schema), limit=30)]
    assert reorder(searcher, best, []) == best
    word = "سهام"  # the only feedback word, at full weight
    rescored = dict((docnum, score) for score, docnum in reorder(searcher, best, [(word, 3.0)]))
    average = searcher.avg_field_length(ALL)
    gain = term_gain(searcher, ALL, word) * FEEDBACK_WEIGHT
    for _, docnum in best:
        tf = _tf(searcher, docnum, word)
        length = searcher.doc_field_length(docnum, ALL)
        expected = 1.0 + (in_exp_b2(gain, tf, length_norm(length, average)) if tf else 0.0)
        assert rescored[docnum] == pytest.approx(expected, rel=0.02)  # lengths are stored in one byte
    assert any(score > 1.0 for score in rescored.values()) and any(score == 1.0 for score in rescored.values())


def _tf(searcher, docnum: int, word: str) -> float:
    matcher = searcher.postings(ALL, word)
    matcher.skip_to(docnum)
    return matcher.weight() if matcher.is_active() and matcher.id() == docnum else 0.0


def test_pages_follow_the_reordered_ranking(bundled_index):
    twenty = search(bundled_index, "واکسن کرونا", limit=20)
    second = search(bundled_index, "واکسن کرونا", limit=10, page=2)
    assert [hit.id for hit in second.hits] == [hit.id for hit in twenty.hits[10:]]


def test_a_word_of_one_article_is_never_a_feedback_word(bundled_index):
    searcher = shared_searcher(bundled_index)
    top = [hit.docnum for hit in searcher.search(parse_query("بورس", searcher.schema), limit=4)]
    analyzer = PersianAnalyzer()
    only_first = set(analyzer.term_positions(searcher.stored_fields(top[0])[BODY]))
    for docnum in top[1:]:
        only_first -= set(analyzer.term_positions(searcher.stored_fields(docnum)[BODY]))
    assert only_first
    assert not only_first & {term for term, _ in feedback_terms(searcher, top, {"بورس"})}


@pytest.mark.parametrize("text", ["بورس", "بورس -کرونا", "بورس AND تهران", "title:کرونا", '"ویروس کرونا"'])
def test_feedback_never_adds_or_drops_an_article(bundled_index, text):
    with_feedback = search(bundled_index, text, limit=300)
    without = search(bundled_index, text, limit=300, expand=False)
    assert with_feedback.total == without.total > 0
    assert {hit.id for hit in with_feedback.hits} == {hit.id for hit in without.hits}


def test_feedback_changes_the_order(bundled_index):
    with_feedback = search(bundled_index, "واکسن کرونا", limit=50)
    without = search(bundled_index, "واکسن کرونا", limit=50, expand=False)
    assert [hit.id for hit in with_feedback.hits] != [hit.id for hit in without.hits]


def test_too_few_hits_give_no_feedback_words(bundled_index):
    searcher = shared_searcher(bundled_index)
    top = [hit.docnum for hit in searcher.search(parse_query("کرونا", searcher.schema), limit=1)]
    assert feedback_terms(searcher, top, {"کرونا"}) == []


def test_frequencies_from_the_blocks_that_hold_them_equal_the_whole_lists(bundled_index):
    """Feedback reads only the posting blocks that can hold its few hundred articles:
    the frequencies it gets are the whole list's, for any set of articles."""
    import random

    from whoosh.query import Term

    from khabar.search.scoring.postings import SegmentPostings

    searcher = shared_searcher(bundled_index)
    frequent = [term for _, term in searcher.reader().most_frequent_terms(ALL, 5)]
    chooser = random.Random(14)
    longest = 0
    for word in [*frequent, "سهام", "ناموجودترین"]:
        for subsearcher, _ in searcher.leaf_searchers():
            reader = subsearcher.reader()
            whole = SegmentPostings(reader).whole(Term(ALL, word))
            longest = max(longest, len(whole.ids))
            count = reader.doc_count_all()
            for size in (0, 1, 3, 40, count):
                docnums = sorted(chooser.sample(range(count), min(size, count)))
                got = SegmentPostings(reader).frequencies(Term(ALL, word), docnums)  # nothing read before
                assert got == [whole.tf(docnum) for docnum in docnums]
    assert longest > 128  # lists of more than one block
