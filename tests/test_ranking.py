"""In_expB2 as khabar scores it (search/scoring/formula.py, weighting.py)."""

from __future__ import annotations

from math import log2

import pytest

from khabar.indexer.schema import ALL
from khabar.search.scoring.formula import DFR_C, dfr_gain, in_exp_b2, length_norm
from khabar.search.scoring.weighting import average_length, length_norms, term_gain, term_stats


def test_more_occurrences_score_higher_with_diminishing_returns():
    norm = length_norm(300, 300.0)
    scores = [in_exp_b2(2.0, tf, norm) for tf in (1, 2, 4, 8)]
    assert scores == sorted(scores)
    gains = [b - a for a, b in zip(scores, scores[1:])]
    assert gains == sorted(gains, reverse=True)
    assert scores[-1] < 2.0  # bounded by the term's gain


def test_longer_articles_count_each_occurrence_less():
    assert length_norm(100, 300.0) > length_norm(300, 300.0) > length_norm(3000, 300.0)
    assert length_norm(300, 300.0) == pytest.approx(log2(1 + DFR_C))


def test_an_empty_length_is_treated_as_one_word():
    assert length_norm(0, 300.0) == length_norm(1, 300.0)


def test_rare_words_weigh_more_than_common_ones():
    # 9k articles: a name in 12 of them (15 times), a common word in 4,000 (9,000 times).
    rare, common = dfr_gain(9000, 12, 15), dfr_gain(9000, 4000, 9000)
    assert rare > 5 * common > 0
    # In_expB2's gain worked by hand: (F+1)/n · log2((N+1)/(n_e+0.5)), n_e = N(1-((N-1)/N)^F).
    expected_ne = 9000 * (1 - (8999 / 9000) ** 15)
    assert rare == pytest.approx(16 / 12 * log2(9001 / (expected_ne + 0.5)))
    assert rare == pytest.approx(12.24, abs=0.01)


def test_a_terms_gain_comes_from_the_whole_index(bundled_index):
    """Statistics summed over every segment, as Whoosh's own doc_frequency and frequency give them."""
    from khabar.search.searchers import shared_searcher

    searcher = shared_searcher(bundled_index)
    for word in ("رومشکان", "کرونا", "ایران", "نبودهرگز"):
        holding, total = term_stats(searcher, ALL, word)
        assert (holding, total) == (searcher.doc_frequency(ALL, word), searcher.frequency(ALL, word))
        assert term_gain(searcher, ALL, word) == pytest.approx(
            dfr_gain(searcher.doc_count_all(), holding or 1, total or 1))
    assert term_stats(searcher, ALL, "کرونا")[0] > 50


def test_each_articles_length_norm_is_the_formulas(bundled_index):
    """The norms kept per segment (worked out once per distinct length) are length_norm's, article by article."""
    from khabar.search.scoring.segments import field_lengths
    from khabar.search.searchers import shared_searcher

    searcher = shared_searcher(bundled_index)
    average = average_length(searcher, ALL)
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        lengths = field_lengths(reader, ALL)
        assert len(set(lengths)) > 10
        assert length_norms(searcher, reader, ALL) == [length_norm(length, average) for length in lengths]


def test_the_bundled_corpus_ranks_a_rare_word_above_a_common_one(bundled_index):
    """Two words, one in few articles: articles with the rare word come first."""
    from khabar.search.engine import search

    rare_only = {hit.id for hit in search(bundled_index, "رومشکان", limit=50).hits}
    both = search(bundled_index, "رومشکان ایران", limit=5)
    assert rare_only and both.hits[0].id in rare_only
