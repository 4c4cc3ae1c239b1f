"""A search that ranks again for more matches (a page of stories needs more than the first
ranking's best) takes the first ranking's scores and feedback, not scoring every match again."""

from __future__ import annotations

import pytest

from khabar.search.query.parse import parse_query
from khabar.search.scoring import dense, feedback, sparse
from khabar.search.scoring.plan import fast_query
from khabar.search.scoring.postings import shared_postings
from khabar.search.scoring.proximity import pair_bonus, word_pairs
from khabar.search.searchers import shared_searcher


def counted(monkeypatch, module, name: str) -> list[int]:
    """Calls of ``module.name`` from now on, one item each."""
    calls: list[int] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


@pytest.mark.parametrize("path", ["per-posting", "dense"])
@pytest.mark.parametrize("text", ["بورس تهران", '"ویروس کرونا"', "کرونا -ماسک"])
def test_a_second_ranking_scores_nothing_again_and_ranks_alike(bundled_index, monkeypatch, path, text):
    if path == "dense":
        monkeypatch.setattr(dense, "DENSE_MIN_POSTINGS", 0)
        scoring = counted(monkeypatch, dense, "scored_dense")
    else:
        monkeypatch.setattr(dense, "DENSE_LOADED_MIN_POSTINGS", dense.DENSE_MIN_POSTINGS)
        scoring = counted(monkeypatch, sparse, "length_norms")  # a segment's clause scored per posting
    searcher = shared_searcher(bundled_index)
    asked = parse_query(text, searcher.schema)
    plan = fast_query(asked, None)
    pairs = word_pairs(asked, searcher.schema)
    with shared_postings(searcher):
        bonus = pair_bonus(searcher, pairs)
        first = sparse.ranked(searcher, plan, 3, bonus)
        assert scoring
        scoring.clear()
        second = sparse.ranked(searcher, plan, 40, bonus)
        assert not scoring
    fresh = sparse.ranked(searcher, plan, 40, pair_bonus(searcher, pairs))  # outside a search: scored anew
    assert scoring
    assert second == fresh and len(fresh[1]) > 3
    assert first == (fresh[0], fresh[1][:3])


def test_feedback_is_worked_out_once_per_search(bundled_index, monkeypatch):
    searcher = shared_searcher(bundled_index)
    asked = parse_query("بورس تهران", searcher.schema)
    best = sparse.ranked(searcher, fast_query(asked, None), 40)[1]
    docnums = [docnum for _, docnum in best[:10]]
    words = {word for _, word in asked.iter_all_terms()}
    reading = counted(monkeypatch, feedback, "decode")  # an article's forward index value
    scoring = counted(monkeypatch, feedback, "length_norms")  # a segment's articles reordered
    with shared_postings(searcher):
        terms = feedback.feedback_terms(searcher, docnums, words)
        reordered = feedback.reorder(searcher, best, terms)
        assert terms and reading and scoring
        reading.clear()
        scoring.clear()
        assert feedback.feedback_terms(searcher, docnums, words) == terms
        assert feedback.reorder(searcher, best, terms) == reordered
        assert not reading and not scoring
    assert feedback.feedback_terms(searcher, docnums, words) == terms  # outside a search: worked out anew
    assert feedback.reorder(searcher, best, terms) == reordered
    assert reading and scoring
