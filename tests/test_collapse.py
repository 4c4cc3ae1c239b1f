"""Republished stories collapse: each story once in a search, its copies in ``duplicates``, in every format."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, doc_count
from khabar import cli
from khabar.indexer.update import update_index
from khabar.search import collapse
from khabar.search.engine import search

NEWS = FIXTURES / "duplicates" / "news"
OIL = "وزیر نفت"  # matches the story republished by tabnak (oil-*) only


def record(name: str) -> dict:
    return json.loads((NEWS / f"{name}.jsonl").read_text(encoding="utf-8"))


def url(name: str) -> str:
    return record(name)["url"]


@pytest.fixture
def index_dir(duplicates_index) -> Path:
    return duplicates_index


def run(index_dir: Path, *arguments: str, stdin: str | None = None):
    result = CliRunner().invoke(cli.main, ["search", *arguments, "--index", str(index_dir)], input=stdin)
    assert result.exit_code == 0, result.output
    return result


def test_a_republished_story_is_shown_once_with_its_copy(index_dir):
    document = json.loads(run(index_dir, OIL, "--json").stdout)
    assert (document["total"], document["stories"]) == (2, 1)
    [result] = document["results"]
    [copy] = result["duplicates"]
    assert {result["id"], copy["id"]} == {url("oil-asriran"), url("oil-tabnak")}
    assert set(copy) == {"id", "url", "source", "jalali_date"}
    assert copy["jalali_date"] == result["jalali_date"] == "1398/11/14"
    assert {result["source"], copy["source"]} == {"عصر ایران", "تابناک"}


def test_the_best_ranked_copy_is_shown(index_dir):
    every = json.loads(run(index_dir, OIL, "--json", "--no-collapse").stdout)
    collapsed = json.loads(run(index_dir, OIL, "--json").stdout)
    assert collapsed["results"][0]["id"] == every["results"][0]["id"]
    assert collapsed["results"][0]["duplicates"][0]["id"] == every["results"][1]["id"]


def test_no_collapse_shows_every_copy(index_dir):
    document = json.loads(run(index_dir, OIL, "--json", "--no-collapse").stdout)
    assert document["total"] == 2 and document["stories"] is None
    assert [result["duplicates"] for result in document["results"]] == [[], []]


def test_two_slugs_of_one_news_number_collapse(index_dir):
    document = json.loads(run(index_dir, "زلزله آلبانی", "--json").stdout)
    assert (document["total"], document["stories"]) == (2, 1)
    assert document["results"][0]["duplicates"][0]["source"] == "عصر ایران"


@pytest.mark.parametrize("query, names", [
    ("قیمت دلار یورو امروز", ("dollar-19-esfand", "dollar-20-esfand")),  # daily price reports
    ("طرز تهیه ترشی", ("pickle-haft-bijar", "pickle-piaz")),  # one intro, two recipes
])
def test_near_misses_are_separate_stories(index_dir, query, names):
    document = json.loads(run(index_dir, query, "--json").stdout)
    ids = {result["id"] for result in document["results"]}
    assert {url(name) for name in names} <= ids
    for result in document["results"]:
        assert not {copy["id"] for copy in result["duplicates"]} & {url(name) for name in names}


def test_jsonl_results_carry_their_duplicates(index_dir):
    lines = [json.loads(line) for line in run(index_dir, OIL, "--format", "jsonl").stdout.splitlines()]
    assert len(lines) == 1 and lines[0]["duplicates"][0]["id"] in {url("oil-asriran"), url("oil-tabnak")}


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_delimited_results_have_a_duplicates_column_of_ids(index_dir, fmt):
    out = run(index_dir, OIL, "--format", fmt).stdout
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t" if fmt == "tsv" else ","))
    assert len(rows) == 1
    assert {rows[0]["id"], rows[0]["duplicates"]} == {url("oil-asriran"), url("oil-tabnak")}
    every = list(csv.DictReader(io.StringIO(run(index_dir, OIL, "--format", fmt, "--no-collapse").stdout),
                                delimiter="\t" if fmt == "tsv" else ","))
    assert [row["duplicates"] for row in every] == ["", ""]


def test_the_table_says_where_else_and_counts_stories_and_articles(index_dir):
    table = run(index_dir, OIL, "--color", "never")
    shown = json.loads(run(index_dir, OIL, "--json").stdout)["results"][0]
    other = ({"عصر ایران", "تابناک"} - {shown["source"]}).pop()
    assert f"also in: {other}" in table.stdout
    # The footer is for people: stderr (the table alone is on stdout).
    assert "1 story, 2 articles found" in table.stderr and "found" not in table.stdout
    every = run(index_dir, OIL, "--color", "never", "--no-collapse")
    assert "also in" not in every.stdout and "2 found" in every.stderr


def test_pages_are_pages_of_stories(index_dir):
    query = f"{OIL} OR زلزله"
    every = json.loads(run(index_dir, query, "--json", "--no-collapse").stdout)
    assert every["total"] == 4
    first = json.loads(run(index_dir, query, "--json", "--limit", "1").stdout)
    second = json.loads(run(index_dir, query, "--json", "--limit", "1", "--page", "2").stdout)
    third = json.loads(run(index_dir, query, "--json", "--limit", "1", "--page", "3").stdout)
    assert first["stories"] == second["stories"] == 2 and first["total"] == 4
    shown = [first["results"][0], second["results"][0]]
    stories = [{result["id"], *(copy["id"] for copy in result["duplicates"])} for result in shown]
    assert stories[0].isdisjoint(stories[1]) and all(len(story) == 2 for story in stories)
    assert third["results"] == []


def test_newest_first_collapses_too(index_dir):
    document = json.loads(run(index_dir, f"{OIL} OR زلزله", "--json", "--sort", "date").stdout)
    assert (document["total"], document["stories"]) == (4, 2)
    assert [result["jalali_date"] for result in document["results"]] == ["1398/11/14", "1398/09/07"]


def test_stdin_collapses_every_line_and_no_collapse_applies_to_all(index_dir):
    lines = run(index_dir, "--stdin", "--format", "jsonl", stdin=f"{OIL}\nزلزله آلبانی\n").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["total"], r["stories"], len(r["results"])) for r in records] == [(2, 1, 1), (2, 1, 1)]
    assert all(r["results"][0]["duplicates"] for r in records)
    every = [json.loads(line) for line in
             run(index_dir, "--stdin", "--no-collapse", "--format", "jsonl", stdin=f"{OIL}\n").stdout.splitlines()]
    assert (every[0]["stories"], len(every[0]["results"])) == (None, 2)
    rows = list(csv.DictReader(io.StringIO(run(index_dir, "--stdin", "--format", "tsv", stdin=f"{OIL}\n").stdout),
                               delimiter="\t"))
    assert [(row["total"], row["stories"]) for row in rows] == [("2", "1")]
    assert rows[0]["duplicates"] in {url("oil-asriran"), url("oil-tabnak")}
    table = run(index_dir, "--stdin", "--color", "never", stdin=f"{OIL}\n")
    assert "also in: " in table.stdout and "1 story, 2 articles found" in table.stderr


def copy_news(folder: Path, *names: str) -> Path:
    news = folder / "news"
    news.mkdir(exist_ok=True)
    for name in names:
        shutil.copyfile(NEWS / f"{name}.jsonl", news / f"{name}.jsonl")
    return news


def story_of(index_dir: Path, query: str = OIL) -> list[tuple[str, list[str]]]:
    results = search(index_dir, query)
    return [(hit.id, [copy["id"] for copy in hit.duplicates]) for hit in results.hits]


# Signatures read a row at a time (a few matches in a big segment) or a segment's whole column.
ROWS_OR_WHOLE = pytest.mark.parametrize("row_read_cost", [0, 10**9], ids=["rows", "whole-column"])


@ROWS_OR_WHOLE
def test_stories_are_the_same_from_rows_or_whole_columns(index_dir, row_read_cost, monkeypatch):
    queries = [OIL, "زلزله آلبانی", "قیمت دلار یورو امروز", "طرز تهیه ترشی", f"{OIL} OR زلزله"]
    expected = [run(index_dir, query, "--json").stdout for query in queries]
    monkeypatch.setattr(collapse, "ROW_READ_COST", row_read_cost)
    assert [run(index_dir, query, "--json").stdout for query in queries] == expected
    assert json.loads(expected[0])["stories"] == 1


@ROWS_OR_WHOLE
def test_incremental_runs_keep_the_stories_right(tmp_path, row_read_cost, monkeypatch):
    monkeypatch.setattr(collapse, "ROW_READ_COST", row_read_cost)
    index = tmp_path / "ix"
    news = copy_news(tmp_path, "oil-asriran", "quake-slug1")
    update_index(index, [news])
    assert story_of(index) == [(url("oil-asriran"), [])]
    # A copy indexed later joins the story.
    copy_news(tmp_path, "oil-tabnak")
    update_index(index, [news])
    [(shown, copies)] = story_of(index)
    assert {shown, *copies} == {url("oil-asriran"), url("oil-tabnak")}
    # The original deleted: the copy stands alone.
    (news / "oil-asriran.jsonl").unlink()
    update_index(index, [news])
    assert doc_count(index) == 2
    assert story_of(index) == [(url("oil-tabnak"), [])]
    # Both again, then the copy rewritten into another article under the same title.
    copy_news(tmp_path, "oil-asriran")
    update_index(index, [news])
    assert len(story_of(index)) == 1
    changed = record("oil-tabnak") | {"body": record("dollar-19-esfand")["body"]}
    (news / "oil-tabnak.jsonl").write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    update_index(index, [news])
    assert sorted(story_of(index, "واکنش وزیر نفت")) == sorted([(url("oil-asriran"), []), (url("oil-tabnak"), [])])
