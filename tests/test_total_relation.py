"""Totals exact up to a bound, "more than N" past it; story counts that say when they are of the best matches only.

A query that Whoosh answers (here words of two fields joined by AND) takes
Whoosh's own top hits, which skip what cannot reach them, and is counted
without scores up to ``TOTAL_EXACT``; past it the total is reported as at
least that (``total_relation`` "gte", as Elasticsearch's ``relation``), in
the JSON record, the ``--stdin`` records and rows, the table's footer and the
web page. The bound is set low here so that the bundled sample passes it.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

import khabar.search.engine as engine
from khabar import cli
from khabar.search.engine import search
from khabar.search.web import app as web

QUERY = "body:ایران AND title:ایران"  # no pair of one field: no proximity bonus, Whoosh's top hits


def run(index_dir, *arguments: str, stdin: str | None = None):
    result = CliRunner().invoke(cli.main, ["search", *arguments, "--index", str(index_dir)], input=stdin)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def low_bound(monkeypatch):
    monkeypatch.setattr(engine, "TOTAL_EXACT", 5)


def ranked(results) -> list[tuple[str, float]]:
    return [(hit.id, hit.score) for hit in results.hits]


@pytest.mark.parametrize("expand", [True, False])
def test_past_the_bound_the_total_is_more_than_it_with_the_same_hits(bundled_index, monkeypatch, expand):
    exact = search(bundled_index, QUERY, collapse=False, expand=expand, limit=3)
    monkeypatch.setattr(engine, "RERANK_DEPTH", 3)  # feedback's depth below the matches: a top that fills
    exact_shallow = search(bundled_index, QUERY, collapse=False, expand=expand, limit=3)
    monkeypatch.setattr(engine, "TOTAL_EXACT", 5)
    bounded = search(bundled_index, QUERY, collapse=False, expand=expand, limit=3)
    assert exact.total > 5 and exact.total_relation == "eq"
    assert (bounded.total, bounded.total_relation) == (5, "gte")
    assert ranked(bounded) == ranked(exact_shallow)
    if not expand:
        assert ranked(bounded) == ranked(exact)


def test_under_the_bound_the_total_is_exact(bundled_index, monkeypatch):
    monkeypatch.setattr(engine, "RERANK_DEPTH", 3)
    whole = search(bundled_index, QUERY, collapse=False, limit=3, expand=False)
    monkeypatch.setattr(engine, "TOTAL_EXACT", whole.total)
    at_bound = search(bundled_index, QUERY, collapse=False, limit=3, expand=False)
    assert (at_bound.total, at_bound.total_relation) == (whole.total, "eq")


def test_every_match_is_counted_exactly_whatever_the_bound(bundled_index, low_bound):
    every = search(bundled_index, QUERY, limit=0, expand=False)
    assert every.total_relation == "eq" and every.total == len(list(every.hits)) > 5
    assert every.stories_relation == "eq"


def test_the_json_record_footer_and_stdin_say_more_than(bundled_index, low_bound):
    document = json.loads(run(bundled_index, QUERY, "--json", "--no-expand", "--no-collapse", "--limit", "3").stdout)
    assert (document["total"], document["total_relation"]) == (5, "gte")
    table = run(bundled_index, QUERY, "--no-expand", "--no-collapse", "--limit", "3", "--color", "never")
    assert "more than 5 found, showing 1–3" in table.stderr
    lines = run(bundled_index, "--stdin", "--format", "jsonl", "--no-expand", "--no-collapse", "--limit", "3",
                stdin=f"{QUERY}\nبورس\n").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [record["total_relation"] for record in records] == ["gte", "eq"]
    rows = list(csv.DictReader(io.StringIO(run(bundled_index, "--stdin", "--format", "tsv", "--no-expand",
                                               "--no-collapse", "--limit", "3", stdin=f"{QUERY}\n").stdout),
                               delimiter="\t"))
    assert {(row["total"], row["total_relation"]) for row in rows} == {("5", "gte")}


def test_stories_of_the_best_matches_only_are_at_least_that_many(bundled_index, monkeypatch):
    document = json.loads(run(bundled_index, "ایران", "--json").stdout)
    assert document["stories_relation"] == "eq" and document["stories"] == document["total"]
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 20)  # the bundled sample has no copies: 20 stories
    monkeypatch.setattr(engine, "MATCHES_PER_STORY", 1)
    monkeypatch.setattr(engine, "RERANK_DEPTH", 20)
    document = json.loads(run(bundled_index, "ایران", "--json").stdout)
    assert (document["stories"], document["stories_relation"]) == (20, "gte") and document["total"] > 20
    table = run(bundled_index, "ایران", "--color", "never")
    assert f"at least 20 stories, {document['total']} articles found" in table.stderr
    no_collapse = json.loads(run(bundled_index, "ایران", "--json", "--no-collapse").stdout)
    assert no_collapse["stories"] is None and no_collapse["stories_relation"] is None


def test_the_web_page_says_more_than(bundled_index, low_bound, monkeypatch):
    monkeypatch.setattr(engine, "RERANK_DEPTH", 3)
    monkeypatch.setattr(engine, "COLLAPSE_DEPTH", 3)  # three stories wanted, from the best three
    monkeypatch.setattr(engine, "MATCHES_PER_STORY", 1)
    client = TestClient(web.create_app(bundled_index), base_url="http://127.0.0.1")
    heading = client.get("/", params={"q": QUERY, "limit": 3}).text.split('id="results-heading"')[1].split("</h2>")[0]
    assert "دست‌کم ۳ خبر (بیش از ۵ نسخه)" in heading
    exact = client.get("/", params={"q": "بورس"}).text.split('id="results-heading"')[1].split("</h2>")[0]
    assert "بیش از" not in exact and "دست‌کم" not in exact
