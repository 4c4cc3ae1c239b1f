"""A page of stories made from the best matches only is the page made from every match.

Collapsing groups the best ``COLLAPSE_DEPTH`` matches of a search and goes
further only when they make too few stories for the page; the results
compared here are those of grouping every match (the depth set past the
index's size): the same stories, the same best copy of each with the same
score, on every page, in both orders. The corpus is the bundled sample
(real articles) republished as an archive holds it: some stories twice or
three times under other ids, some with an edited ending.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_articles
import khabar.search.engine as engine
from khabar.indexer.dates import format_iso_utc
from khabar.search.engine import search
from khabar.search.scoring import dense, sparse
from khabar.search.scoring.plan import fast_query
from khabar.search.query.parse import parse_query
from khabar.search.searchers import shared_searcher

QUERIES = ["ایران", "کرونا", "رئیس جمهور", "آمریکا تحریم", '"رئیس جمهور"', "دولت -مجلس"]


@pytest.fixture(scope="module")
def republished(bundled_index, tmp_path_factory) -> Path:
    """The bundled articles, with every third republished word for word and every
    fifth again with its last sentence cut (a near copy)."""
    searcher = shared_searcher(bundled_index)
    stored = [searcher.stored_fields(docnum) for docnum in searcher.reader().all_doc_ids()]
    articles = []
    for n, fields in enumerate(stored):
        article = {"id": fields["id"], "title": fields.get("title", ""), "body": fields.get("body", ""),
                   "date": format_iso_utc(fields["date"]) if fields.get("date") else None}
        articles.append(article)
        if n % 3 == 0:
            articles.append(article | {"id": f"{article['id']}-copy"})
        if n % 5 == 0 and "." in article["body"].rstrip(". "):
            articles.append(article | {"id": f"{article['id']}-edited",
                                       "body": article["body"].rstrip(". ").rsplit(".", 1)[0] + "."})
    folder = tmp_path_factory.mktemp("republished")
    write_articles(folder / "news" / "articles.jsonl", articles)
    from khabar.indexer.update import update_index

    update_index(folder / "ix", [folder / "news"])
    return folder / "ix"


def stories_of(results) -> list[tuple[str, float | None, list[str]]]:
    return [(hit.id, hit.score, [copy["id"] for copy in hit.duplicates]) for hit in results.hits]


@pytest.fixture(autouse=True)
def shallow_feedback(monkeypatch):
    """Feedback reorders the best 20 (not 300, more than most of these queries match),
    whatever the grouping's depth: the first pass then ranks fewer than every match."""
    monkeypatch.setattr(engine, "RERANK_DEPTH", 20)


@pytest.mark.parametrize("expand", [True, False])
@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", QUERIES)
def test_pages_of_stories_from_the_best_matches_equal_those_from_every_match(republished, monkeypatch, text, sort,
                                                                             expand):
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 10**9)
    every = [search(republished, text, page=page, sort=sort, expand=expand) for page in (1, 2, 3)]
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 12)  # fewer than a page needs: extended
    best = [search(republished, text, page=page, sort=sort, expand=expand) for page in (1, 2, 3)]
    assert every[0].total > 30  # a query with more matches than the first grouping holds
    for whole, part in zip(every, best):
        assert [(found, score) for found, score, _ in stories_of(part)] == \
               [(found, score) for found, score, _ in stories_of(whole)]
        # A story's copies are those among the matches grouped: some of every match's.
        for (_, _, some), (_, _, all_copies) in zip(stories_of(part), stories_of(whole)):
            assert set(some) <= set(all_copies)
        assert part.total == whole.total and part.total_relation == "eq"


def test_the_story_count_says_when_it_is_of_the_best_matches_only(republished, monkeypatch):
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 10**9)
    whole = search(republished, "ایران")
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 12)
    part = search(republished, "ایران")
    assert whole.stories_relation == "eq" and whole.stories < whole.total  # copies counted once
    assert part.stories_relation == "gte" and 10 <= part.stories < whole.stories
    every = search(republished, "ایران", limit=0)  # --all: every story, counted exactly
    assert every.stories_relation == "eq" and every.stories == whole.stories


def test_a_page_past_the_first_grouping_is_extended_until_its_stories_are_there(republished, monkeypatch):
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 10**9)
    whole = [search(republished, "کرونا", limit=5, page=page, expand=expand) for page in (1, 4) for expand in (0, 1)]
    asked: list[int] = []
    real = engine._grouped_best
    monkeypatch.setattr(engine, "_grouped_best", lambda searcher, order, needed: real(
        searcher, lambda wanted: (asked.append(wanted), order(wanted))[1], needed))
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 1)
    monkeypatch.setattr(engine, "MATCHES_PER_STORY", 1)  # a copy among the first matches: too few stories
    monkeypatch.setattr(engine, "COLLAPSE_GROWTH", 2)
    part = [search(republished, "کرونا", limit=5, page=page, expand=expand) for page in (1, 4) for expand in (0, 1)]
    assert [[hit.id for hit in found.hits] for found in part] == [[hit.id for hit in found.hits] for found in whole]
    assert all(len(found.hits) == 5 for found in part)
    assert asked[:2] == [5, 10]  # page 1 without feedback: five stories wanted, then twice as many matches


@pytest.mark.parametrize("scorer", ["per-posting", "dense"])
@pytest.mark.parametrize("text", QUERIES)
def test_the_first_pass_best_k_are_the_exhaustive_ranking_s_first_k(republished, monkeypatch, scorer, text):
    if scorer == "dense":
        monkeypatch.setattr(dense, "DENSE_MIN_POSTINGS", 0)
    searcher = shared_searcher(republished)
    plan = fast_query(parse_query(text, searcher.schema), None)
    total, every = sparse.ranked(searcher, plan, searcher.doc_count_all())
    for wanted in (1, 10, 37):
        count, best = sparse.ranked(searcher, plan, wanted)
        assert count == total and best == every[:wanted]
