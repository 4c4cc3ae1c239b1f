"""Sorted posting-list sets without numpy's general-purpose set functions
(search/scoring/dense.py ``sorted_common``, ``sorted_distinct``): the phrase,
the proximity bonus and the many-word ranking intersect ascending lists of
document numbers and position codes, and take each article of a phrase's
position codes once. The same numbers as ``np.intersect1d`` and ``np.unique``,
checked on the bundled corpus's own postings, both where one list is much
shorter (looked up in the other) and where they are alike (merged)."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh.query import Term

from khabar.indexer.schema import ALL
from khabar.search.scoring.dense import LOOKUP_RATIO, position_codes, sorted_common, sorted_distinct
from khabar.search.scoring.postings import SegmentPostings
from khabar.search.searchers import shared_searcher


def _lists(index_dir):
    """Every term's posting list of the bundled index's first segment with at least two postings."""
    reader = shared_searcher(index_dir).leaf_searchers()[0][0].reader()
    postings = SegmentPostings(reader)
    words = [text for text in reader.lexicon(ALL) if reader.doc_frequency(ALL, text) >= 2]
    return [postings.whole(Term(ALL, word if isinstance(word, str) else word.decode("utf-8"))) for word in words]


def test_intersections_are_numpys_for_lists_short_and_long(bundled_index):
    lists = sorted(_lists(bundled_index), key=lambda found: len(found.ids))
    longest = np.frombuffer(lists[-1].ids, dtype=np.uint32)
    looked_up = merged = 0
    for found in lists[::7]:
        ids = np.frombuffer(found.ids, dtype=np.uint32)
        for a, b in ((ids, longest), (longest, ids), (ids.astype(np.int64), longest)):
            expected = np.intersect1d(a, b, assume_unique=True).astype(np.int64)
            got = sorted_common(np, a, b)
            assert got.dtype == np.int64 and np.array_equal(got, expected)
        if len(ids) * LOOKUP_RATIO <= len(longest):
            looked_up += 1
        else:
            merged += 1
    assert looked_up and merged  # both ways were checked
    assert len(sorted_common(np, longest[:0], longest)) == 0


def test_each_article_of_position_codes_once_as_unique_gives(bundled_index):
    checked = 0
    for found in _lists(bundled_index)[::11]:
        docs = np.frombuffer(found.ids, dtype=np.uint32).astype(np.int64)
        codes = position_codes(np, found, docs, 0)
        assert np.array_equal(sorted_distinct(np, codes >> 32), np.unique(codes >> 32))
        checked += len(docs) > 1
    assert checked
    empty = np.zeros(0, dtype=np.int64)
    assert np.array_equal(sorted_distinct(np, empty), np.unique(empty))


@pytest.mark.parametrize("text", ['"سهام عدالت"', "واکسن کرونا آمریکا", "بورس تهران"])
def test_phrases_and_pairs_rank_the_same_with_numpys_sets(bundled_index, monkeypatch, text):
    from khabar.search import engine
    from khabar.search.scoring import dense, proximity

    def ranking():
        found = engine.search(bundled_index, text, limit=20, collapse=False)
        return found.total, [(hit.id, hit.score) for hit in found.hits]

    monkeypatch.setattr(dense, "DENSE_MIN_POSTINGS", 0)  # the numpy paths, on a small index
    monkeypatch.setattr(dense, "DENSE_LOADED_MIN_POSTINGS", 0)
    monkeypatch.setattr(proximity, "PAIR_DENSE_MIN_POSTINGS", 0)
    calls = []
    for module in (dense, proximity):
        for name in ("sorted_common", "sorted_distinct"):
            real = getattr(module, name)
            monkeypatch.setattr(module, name, lambda *args, real=real: calls.append(1) or real(*args))
    mine = ranking()
    assert calls  # the numpy paths ran
    general = lambda np_, a, b: np.intersect1d(a, b, assume_unique=True).astype(np.int64)  # noqa: E731
    for module in (dense, proximity):
        monkeypatch.setattr(module, "sorted_common", general)
        monkeypatch.setattr(module, "sorted_distinct", lambda np_, values: np.unique(values))
    assert ranking() == mine
