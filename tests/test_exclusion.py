"""Excluded words leave out every article that holds them, on every path a search takes.

whoosh3's AndNotMatcher kept a segment's first candidate when the excluded
word's postings started before it; the fast path did not, so totals differed
between ``--sort relevance`` (fast path) and ``--sort date`` (Whoosh). On the
bundled corpus «ویروس -کرونا» found 2 by relevance and 3 by date.
"""

from __future__ import annotations

import pytest
from whoosh.matching import ListMatcher

from khabar.search.engine import search
from khabar.search.query.excluding import ExcludingMatcher

# Pairs of common words of the bundled corpus, each excluding the other.
EXCLUSIONS = ["ویروس -کرونا", "مجلس -دولت", "دولت -مجلس", "ایران -آمریکا", "آمریکا -ایران", "سهام -بورس"]


def ids(results) -> set[str]:
    return {hit.id for hit in results.hits}


@pytest.mark.parametrize("query", EXCLUSIONS)
def test_date_order_finds_what_relevance_finds(bundled_index, query):
    by_relevance = search(bundled_index, query, limit=0)
    by_date = search(bundled_index, query, limit=0, sort="date")
    assert by_relevance.total > 0
    assert ids(by_date) == ids(by_relevance)


@pytest.mark.parametrize("query", EXCLUSIONS)
def test_no_match_holds_the_excluded_word(bundled_index, query):
    wanted, excluded = query.split(" -")
    every = ids(search(bundled_index, wanted, limit=0))
    holding = ids(search(bundled_index, excluded, limit=0))
    assert ids(search(bundled_index, query, limit=0, sort="date")) == every - holding


def test_the_andnot_operator_means_the_same(bundled_index):
    minus = search(bundled_index, "مجلس -دولت", limit=0, sort="date")
    operator = search(bundled_index, "مجلس ANDNOT دولت", limit=0, sort="date")
    assert ids(operator) == ids(minus)


def test_matcher_skips_an_excluded_first_candidate():
    # Excluded postings start before the first candidate (doc 0 < 2) and hold it (2).
    matcher = ExcludingMatcher(ListMatcher([2, 5, 7]), ListMatcher([0, 2, 7]))
    assert list(matcher.all_ids()) == [5]
    matcher.reset()
    assert list(matcher.all_ids()) == [5]
