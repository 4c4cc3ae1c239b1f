"""In_expB2 as khabar scores it (search/ranking.py)."""

from __future__ import annotations

from math import log2

import pytest

from search.ranking import DFR_C, in_exp_b2, length_norm


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
