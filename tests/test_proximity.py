"""Query words that stand close together in an article raise its rank (search/scoring/proximity.py)."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh.query import Term

from conftest import write_articles
from khabar.indexer.schema import ALL
from khabar.indexer.update import update_index
from khabar.search.engine import search
from khabar.search.query.parse import parse_query
from khabar.search.scoring import proximity, segments
from khabar.search.scoring.postings import SegmentPostings
from khabar.search.scoring.proximity import pair_bonus, pair_count_arrays, pair_counts, word_pairs
from khabar.search.scoring.segments import live_mask
from khabar.search.searchers import shared_searcher

# A sentence of the bundled ir-news corpus, and the same words in another order:
# «ستاد» and «کرونا» together in the first, «کرونا» before «ستاد» in the second.
TOGETHER = "ستاد ملی مقابله با کرونا چه تصمیماتی اتخاذ کنند"
APART = "کرونا ملی مقابله با ستاد چه تصمیماتی اتخاذ کنند"


@pytest.fixture
def two_articles(tmp_path):
    articles = [{"id": "together", "title": "خبر", "body": TOGETHER, "date": "1399/01/05"},
                {"id": "apart", "title": "خبر", "body": APART, "date": "1399/01/05"}]
    update_index(tmp_path / "ix", [write_articles(tmp_path / "news" / "a.jsonl", articles).parent])
    return tmp_path / "ix"


def pairs_of(index_dir, text):
    searcher = shared_searcher(index_dir)
    return word_pairs(parse_query(text, searcher.schema), searcher.schema)


def test_pairs_are_each_word_and_the_next_in_the_order_typed(bundled_index):
    # «در» is a stopword: آب and تهران still form a pair.
    assert pairs_of(bundled_index, "قیمت آب در تهران") == [(ALL, "قیمت", "اب"), (ALL, "اب", "تهران")]
    # A phrase already holds its words together; excluded words are not wanted near anything.
    assert pairs_of(bundled_index, '"ویروس کرونا" ماسک') == []
    assert pairs_of(bundled_index, "بورس تهران -کرونا") == [(ALL, "بورس", "تهران")]
    assert pairs_of(bundled_index, "کرونا") == []


def test_words_together_rank_above_the_same_words_apart(two_articles, monkeypatch):
    hits = search(two_articles, "ستاد کرونا", expand=False).hits
    assert [hit.id for hit in hits] == ["together", "apart"]
    assert hits[0].score > hits[1].score
    # The same two articles without the bonus: same words, same length, same score.
    monkeypatch.setattr(proximity, "PAIR_WEIGHT", 0.0)
    plain = search(two_articles, "ستاد کرونا", expand=False).hits
    assert plain[0].score == pytest.approx(plain[1].score)
    assert plain[1].score == pytest.approx(hits[1].score)


def test_the_bonus_reorders_but_never_adds_an_article(bundled_index, monkeypatch):
    with_bonus = search(bundled_index, "ویروس کرونا چین", expand=False, limit=300)
    monkeypatch.setattr(proximity, "PAIR_WEIGHT", 0.0)
    without = search(bundled_index, "ویروس کرونا چین", expand=False, limit=300)
    assert with_bonus.total == without.total
    assert {hit.id for hit in with_bonus.hits} == {hit.id for hit in without.hits}
    assert [hit.id for hit in with_bonus.hits] != [hit.id for hit in without.hits]


@pytest.mark.parametrize("first, second", [("ویروس", "کرونا"), ("ستاد", "کرونا"), ("کرونا", "ویروس"), ("وزیر", "بهداشت")])
def test_numpy_and_per_posting_pair_counts_agree(bundled_index, first, second):
    searcher = shared_searcher(bundled_index)
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        postings = SegmentPostings(reader)
        counts = pair_counts(postings, reader, ALL, first, second)
        lead, follow = postings.whole(Term(ALL, first)), postings.whole(Term(ALL, second))
        live = live_mask(reader) if reader.has_deletions() else None
        docs, dense = pair_count_arrays(np, lead, follow, live) if len(lead.ids) and len(follow.ids) else ([], [])
        assert counts == dict(zip(list(map(int, docs)), list(map(int, dense))))
    assert pair_bonus(searcher, [(ALL, first, second)])


def test_no_bulk_field_lengths_means_no_bonus_and_no_crash(bundled_index, monkeypatch):
    """Another codec (no lengths column to read whole): the search goes through Whoosh, unranked by pairs."""
    monkeypatch.setattr(proximity, "PAIR_WEIGHT", 0.0)
    plain = search(bundled_index, "ویروس کرونا", limit=5, expand=False)
    monkeypatch.undo()
    monkeypatch.setattr(segments, "readable_whole", lambda reader: False)
    found = search(bundled_index, "ویروس کرونا", limit=5)
    assert found.total > 0 and len(found.hits) == 5
    assert [hit.id for hit in found.hits] == [hit.id for hit in plain.hits]
