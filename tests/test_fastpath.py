"""The fast path for words and phrases ranks exactly as Whoosh's matcher tree does."""

from __future__ import annotations

import pytest

from conftest import write_articles
import khabar.search.engine as engine
from khabar.search.scoring import dense
from khabar.indexer.update import update_index
from khabar.search.engine import search


@pytest.fixture
def index_dir(tmp_path, news_folder):
    # Two runs and a deletion: several segments, one with deleted documents.
    extra = [{"title": f"خبر بورس {n}", "body": f"شاخص بورس تهران امروز {n} واحد بالا رفت و کرونا", "id": f"b{n}",
              "date": f"1399/03/{n + 1:02d}"} for n in range(6)]
    write_articles(news_folder / "bourse.jsonl", extra)
    update_index(tmp_path / "ix", [news_folder])
    (news_folder / "tabnak_data_1347.txt").unlink()
    extra[0]["body"] += " و دوباره بورس"
    write_articles(news_folder / "bourse.jsonl", extra)
    update_index(tmp_path / "ix", None)
    return tmp_path / "ix"


@pytest.fixture(params=["per-posting", "dense"])
def scoring(request, monkeypatch):
    """Both of the fast path's scorers: per posting, and numpy arrays for long lists."""
    if request.param == "dense":
        monkeypatch.setattr(dense, "DENSE_MIN_POSTINGS", 0)
    else:  # per posting, whether numpy is loaded or not
        monkeypatch.setattr(dense, "DENSE_LOADED_MIN_POSTINGS", dense.DENSE_MIN_POSTINGS)
    return request.param


def whoosh_path(monkeypatch, *args, **options):
    with monkeypatch.context() as patch:
        patch.setattr(engine, "fast_query", lambda query, day_range: None)
        return search(*args, **options)


@pytest.mark.parametrize("text, start, end", [
    ("بورس", None, None), ("بورس تهران کرونا", None, None), ("کرونا", "1399/03/02", "1399/03/04"),
    ("تعاونی دانش بنیان", None, None), ("واکسن کرونا آمریکا", "1398", "1399"), ("رومشکان", "1402", None),
])
def test_same_hits_totals_and_scores(index_dir, monkeypatch, scoring, text, start, end):
    fast = search(index_dir, text, date_from=start, date_to=end, limit=50)
    slow = whoosh_path(monkeypatch, index_dir, text, date_from=start, date_to=end, limit=50)
    assert fast.total == slow.total
    assert [hit.id for hit in fast.hits] == [hit.id for hit in slow.hits]
    assert [round(hit.score, 6) for hit in fast.hits] == [round(hit.score, 6) for hit in slow.hits]


def test_only_plain_word_queries_take_the_fast_path(index_dir, monkeypatch):
    taken: list[bool] = []
    real = engine.fast_query

    def spy(query, day_range):
        found = real(query, day_range)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(engine, "fast_query", spy)
    for text in ("بورس تهران", '"بورس تهران"', "بورس -کرونا", "title:بورس", "بورس AND تهران", '"بورس تهران"~3'):
        search(index_dir, text, expand=False)
    assert taken == [True, True, True, True, False, False]


@pytest.mark.parametrize("text, start, end", [
    ('"به گزارش"', None, None), ('"در حال حاضر"', None, None), ('"ستاد ملی مقابله با کرونا"', None, None),
    ('"ویروس کرونا" ماسک', None, None), ('"ویروس کرونا" -چین', None, None), ("کرونا -ماسک -چین", None, None),
    ('title:کرونا', None, None), ('title:"ویروس کرونا" بورس', None, None), ('"ویروس کرونا"', "1398/12", "1399/01"),
    ('"ویروس کرونا" "سهام عدالت"', None, None), ('"کرونا کرونا"', None, None), ("مجلس -\"ویروس کرونا\"", "1398", None),
])
def test_phrases_and_exclusions_rank_as_whoosh_does(bundled_index, monkeypatch, scoring, text, start, end):
    fast = search(bundled_index, text, date_from=start, date_to=end, limit=100)
    slow = whoosh_path(monkeypatch, bundled_index, text, date_from=start, date_to=end, limit=100)
    assert fast.total == slow.total
    assert fast.total > 0 or text == '"کرونا کرونا"'
    assert [hit.id for hit in fast.hits] == [hit.id for hit in slow.hits]
    assert [round(hit.score, 6) for hit in fast.hits] == [round(hit.score, 6) for hit in slow.hits]


@pytest.mark.parametrize("text", ["کرونا ماسک", '"ویروس کرونا" چین'])
def test_expanded_queries_rank_as_whoosh_does(bundled_index, monkeypatch, scoring, text):
    """--expand ORs the query with weighted words of the best hits."""
    fast = search(bundled_index, text, expand=True, limit=100)
    slow = whoosh_path(monkeypatch, bundled_index, text, expand=True, limit=100)
    assert fast.total == slow.total > 0
    assert [hit.id for hit in fast.hits] == [hit.id for hit in slow.hits]
    assert [round(hit.score, 6) for hit in fast.hits] == [round(hit.score, 6) for hit in slow.hits]


@pytest.mark.parametrize("text, start", [("بورس", "1399"), ("keywords:بورس", None), ("کرونا -بورس", "1398")])
def test_a_segment_without_dates_or_keywords(tmp_path, news_folder, monkeypatch, scoring, text, start):
    """A later run may add a segment where no article has a date or keywords: no column is written."""
    update_index(tmp_path / "ix", [news_folder])
    plain = {"title": "بورس بدون تاریخ", "body": "شاخص بورس تهران و کرونا", "id": "undated"}
    write_articles(news_folder / "undated.jsonl", [plain])
    update_index(tmp_path / "ix", None)
    fast = search(tmp_path / "ix", text, date_from=start, limit=50)
    slow = whoosh_path(monkeypatch, tmp_path / "ix", text, date_from=start, limit=50)
    assert fast.total == slow.total
    assert [hit.id for hit in fast.hits] == [hit.id for hit in slow.hits]


def test_undated_articles_amid_dated_ones_are_outside_an_open_range(tmp_path, monkeypatch, scoring):
    """Whoosh fills the day column of an undated article that precedes dated ones with its
    maximum value: an open-ended --from must not take it for a date."""
    articles = [{"title": f"بورس بی تاریخ {n}", "body": "شاخص بورس تهران", "id": f"u{n}"} for n in range(2)]
    articles += [{"title": f"بورس {n}", "body": "شاخص بورس تهران", "id": f"b{n}", "date": f"1399/02/0{n + 1}"}
                 for n in range(3)]
    update_index(tmp_path / "ix", [write_articles(tmp_path / "news" / "mixed.jsonl", articles).parent])
    fast = search(tmp_path / "ix", "بورس", date_from="1399")
    slow = whoosh_path(monkeypatch, tmp_path / "ix", "بورس", date_from="1399")
    assert fast.total == slow.total == 3
    assert sorted(hit.id for hit in fast.hits) == ["b0", "b1", "b2"]


@pytest.mark.parametrize("text, start", [("بورس", None), ("واکسن کرونا آمریکا", None), ('"ویروس کرونا"', None),
                                         ("کرونا -ماسک", "1398/12"), ("مجلس شورای اسلامی", None)])
def test_once_numpy_is_loaded_shorter_lists_take_it_and_rank_alike(bundled_index, monkeypatch, text, start):
    """numpy from DENSE_LOADED_MIN_POSTINGS postings once a search has loaded it: the same
    hits, scores and totals as per posting, with feedback and stories as a search makes them."""
    import sys

    import numpy  # noqa: F401  (loaded, as grouping stories loads it)

    taken: list[int] = []
    real = dense.scored_dense
    monkeypatch.setattr(dense, "scored_dense", lambda *args, **kwargs: taken.append(1) or real(*args, **kwargs))
    monkeypatch.setattr(dense, "DENSE_LOADED_MIN_POSTINGS", 1)
    loaded = search(bundled_index, text, date_from=start, limit=50)
    assert taken
    taken.clear()
    monkeypatch.setattr(dense, "DENSE_LOADED_MIN_POSTINGS", dense.DENSE_MIN_POSTINGS)
    plain = search(bundled_index, text, date_from=start, limit=50)
    assert not taken
    assert loaded.total == plain.total > 0
    assert [(hit.id, hit.score, hit.duplicates) for hit in loaded.hits] == [
        (hit.id, hit.score, hit.duplicates) for hit in plain.hits]
    # Without numpy loaded the threshold is the import's.
    monkeypatch.setattr(dense, "DENSE_LOADED_MIN_POSTINGS", 1)
    plan = fast_query_of(bundled_index, text)
    assert dense.wanted_for(plan, 1)
    monkeypatch.delitem(sys.modules, "numpy")
    assert not dense.wanted_for(plan, 1)


def fast_query_of(index_dir, text):
    from khabar.search.query.parse import parse_query
    from khabar.search.scoring.plan import fast_query
    from khabar.search.searchers import shared_searcher

    return fast_query(parse_query(text, shared_searcher(index_dir).schema), None)
