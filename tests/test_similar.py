"""``khabar similar ID``: articles like one article, its own copies first (search/similar.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, shared_corpus

from khabar import cli

SIMILAR = FIXTURES / "similar"
KIM, KIM_ROOZNO = "asriran_1_data_975.txt", "roozno_data_1011.txt"  # one story, word for word
SCHENGEN, SCHENGEN_EDITED = "asriran_1_data_80.txt", "asriran_1_data_85.txt"  # two slugs of one news number
NORTH_KOREA = ("roozno_data_609.txt", "asriran_1_data_108.txt", "tabnak_data_1128.txt")  # other news of Kim's country
PAIRS = REPO / "tests" / "fixtures" / "duplicates" / "pairs.tsv"


def article_id(name: str) -> str:
    """An IR-News file's id in the index: the URL on its first line."""
    with (SIMILAR / name).open(encoding="utf-8") as file:
        return file.readline().split("###")[2]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    """The fixture articles beside the bundled corpus, for word weights from ~300 articles."""
    from khabar.indexer.update import update_index

    index_dir = tmp_path_factory.mktemp("similar") / "ix"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))  # conftest's lexicon cache
        update_index(index_dir, [SIMILAR, REPO / "corpus"])
    return index_dir


def similar(index_dir: Path, *arguments: str):
    return CliRunner().invoke(cli.main, ["similar", "--index", str(index_dir), *arguments])


def similar_json(index_dir: Path, *arguments: str) -> dict:
    result = similar(index_dir, *arguments, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def result_ids(index_dir: Path, name: str, *arguments: str) -> list[str]:
    return [hit["id"] for hit in similar_json(index_dir, article_id(name), *arguments)["results"]]


@pytest.mark.parametrize("expand", ["--expand", "--no-expand"])
@pytest.mark.parametrize(("name", "copy"), [(KIM, KIM_ROOZNO), (KIM_ROOZNO, KIM)])
def test_a_copy_word_for_word_comes_first(index_dir, name, copy, expand):
    found = result_ids(index_dir, name, expand)
    assert found[0] == article_id(copy)
    assert article_id(name) not in found


@pytest.mark.parametrize(("name", "copy"), [(SCHENGEN, SCHENGEN_EDITED), (SCHENGEN_EDITED, SCHENGEN)])
def test_a_story_under_a_second_slug_is_in_the_top_three(index_dir, name, copy):
    assert article_id(copy) in result_ids(index_dir, name)[:3]


def test_news_on_the_same_subject_follows_the_copy(index_dir):
    found = result_ids(index_dir, KIM, "--limit", "5")
    assert {article_id(name) for name in NORTH_KOREA} <= set(found[1:])


@pytest.mark.parametrize("dates", [[], ["--from", "1399/03"], ["--to", "1398/12/24"]])
@pytest.mark.parametrize("name", [KIM, KIM_ROOZNO, SCHENGEN, SCHENGEN_EDITED, *NORTH_KOREA])
def test_the_article_itself_is_never_a_result_nor_counted(index_dir, name, dates):
    record = similar_json(index_dir, article_id(name), "--limit", "1000", *dates)
    found = [hit["id"] for hit in record["results"]]
    assert article_id(name) not in found
    assert record["total"] == len(found) > 0  # every match fits in 1000: the total counts them, not the article


def test_the_query_is_the_articles_own_words_that_others_hold(index_dir):
    from khabar.indexer.persian.analyzer import PersianAnalyzer
    from khabar.indexer.schema import ALL
    from khabar.search.scoring.weighting import term_stats
    from khabar.search.searchers import shared_searcher
    from khabar.search.similar import SIMILAR_TERMS

    words = similar_json(index_dir, article_id(KIM))["query"].split()
    searcher = shared_searcher(index_dir)
    stored = searcher.document(id=article_id(KIM))
    terms = PersianAnalyzer().term_positions(f"{stored['title']}\n{stored['body']}")
    assert len(words) == len(set(words)) == SIMILAR_TERMS
    assert set(words) <= set(terms)
    assert all(term_stats(searcher, ALL, word)[0] > 1 for word in words)
    assert "کیم" in words  # the name the story is about, not a common word


@pytest.mark.parametrize("fmt", ["json", "jsonl", "tsv", "csv"])
def test_machine_formats_are_those_of_search(index_dir, fmt):
    from khabar.search.render.formats import SEARCH_FIELDS as RESULT_FIELDS

    result = similar(index_dir, article_id(KIM), "--format", fmt, "--limit", "3")
    assert result.exit_code == 0 and result.stderr == ""
    if fmt == "json":
        record = json.loads(result.stdout)
        # similar's results are not stories (its copies come first instead): a search's
        # record without collapsing, and without a did-you-mean for the one word.
        searched = CliRunner().invoke(cli.main, ["search", "--index", str(index_dir), "--json", "--limit", "3",
                                                 "--page", "1", "--no-collapse", "کیم"])
        asked = json.loads(searched.stdout)
        asked.pop("suggestion", None)
        assert list(record) == list(asked) and "query" in record and "total" in record
        assert all(record[key] == asked[key] for key in record if key not in ("query", "total", "results"))
        rows = record["results"]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        reader = csv.reader(result.stdout.splitlines(), delimiter="\t" if fmt == "tsv" else ",")
        header, *lines = list(reader)
        assert tuple(header) == RESULT_FIELDS
        rows = [dict(zip(header, line)) for line in lines]
    assert len(rows) == 3 and all(tuple(row) == RESULT_FIELDS for row in rows)
    assert rows[0]["id"] == article_id(KIM_ROOZNO)


def test_the_table_lists_the_copy_first(index_dir):
    result = similar(index_dir, article_id(KIM), "--limit", "2", "--color", "never")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. کیم جونگ اون") and article_id(KIM_ROOZNO) in lines[1]
    assert any(line.startswith("2. ") for line in lines)


def test_from_and_to_keep_the_results_inside_the_range(index_dir):
    found = similar_json(index_dir, article_id(KIM), "--from", "1398/12", "--to", "1398/12", "--limit", "1000")
    days = [hit["jalali_date"] for hit in found["results"]]
    assert days and all(day.startswith("1398/12/") for day in days)
    ids = [hit["id"] for hit in found["results"]]
    assert article_id("roozno_data_609.txt") == ids[0]  # 1398/12/24; the copy of 1399/03/02 is outside
    assert found["total"] == len(ids)


def test_pages_follow_one_ranking(index_dir):
    six = result_ids(index_dir, SCHENGEN, "--limit", "6")
    assert result_ids(index_dir, SCHENGEN, "--limit", "3", "--page", "2") == six[3:]


def test_an_unknown_id_is_named_as_show_names_it(index_dir):
    result = similar(index_dir, "https://example.com/none")
    shown = CliRunner().invoke(cli.main, ["show", "--index", str(index_dir), "https://example.com/none"])
    assert result.exit_code == shown.exit_code == 1 and result.stdout == ""
    said = "khabar: no article with id 'https://example.com/none'"
    assert result.stderr.startswith(said) and shown.stderr.startswith(said) and result.stderr.count("\n") == 1


def test_a_result_id_with_spaces_around_it_is_found(index_dir):
    assert result_ids(index_dir, KIM)[0] == similar_json(index_dir, f" {article_id(KIM)}\n")["results"][0]["id"]


@pytest.mark.parametrize("form", [
    lambda url: quote(url, safe=":/"),  # as a browser copies it
    lambda url: url.replace("https://", "http://"),
    lambda url: url + "/",
])
def test_an_article_is_found_by_any_form_show_takes(index_dir, form):
    named = form(article_id(KIM))
    shown = CliRunner().invoke(cli.main, ["show", "--index", str(index_dir), "--json", named])
    result = similar(index_dir, named, "--json")
    assert result.exit_code == shown.exit_code
    if shown.exit_code == 0:
        assert json.loads(result.stdout)["results"][0]["id"] == article_id(KIM_ROOZNO)


def test_nothing_inside_the_range_is_exit_status_1(index_dir):
    result = similar(index_dir, article_id(KIM), "--from", "1390", "--to", "1390", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["total"] == 0


@pytest.mark.parametrize("dates", [["--from", "1401/13/40"], ["--from", "1399", "--to", "1398"]])
def test_a_bad_date_is_a_usage_error(index_dir, dates):
    result = similar(index_dir, article_id(KIM), *dates)
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1


def test_no_index_is_exit_status_3(tmp_path):
    result = similar(tmp_path / "none", "https://example.com/none")
    assert result.exit_code == 3 and result.stdout == "" and result.stderr.startswith("khabar: ")


def test_the_library_raises_no_such_article(index_dir):
    from khabar.indexer.errors import KhabarError
    from khabar.search.similar import NoSuchArticle, similar as find_similar

    with pytest.raises(NoSuchArticle) as raised:
        find_similar(index_dir, "no such id")
    assert isinstance(raised.value, KhabarError) and raised.value.exit_status == 1


def test_copies_the_index_knows_of_go_first_in_their_order():
    from khabar.search.similar import copies_first

    best = [(9.0, 4), (8.0, 7), (7.0, 2), (6.0, 5)]
    assert copies_first(best, [5, 2]) == [(6.0, 5), (7.0, 2), (9.0, 4), (8.0, 7)]
    assert copies_first(best, [3]) == best  # a copy the ranking did not find is not made up


@pytest.fixture(scope="module")
def news_index(tmp_path_factory) -> Path:
    """ir-news and farsnews-varzesh3 indexed whole, as the labelled pairs come from them."""
    from khabar.indexer.update import update_index

    corpora = [shared_corpus("ir-news/Dataset"), shared_corpus("farsnews-varzesh3")]
    if not PAIRS.is_file():
        pytest.skip(f"needs {PAIRS} (the labelled duplicate pairs)")
    index_dir = tmp_path_factory.mktemp("similar-news") / "ix"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
        update_index(index_dir, corpora)
    return index_dir


def test_every_labelled_copy_is_in_the_top_three_both_ways(news_index):
    from khabar.search.similar import similar as find_similar

    with PAIRS.open(encoding="utf-8", newline="") as file:
        pairs = [(row["id_a"], row["id_b"]) for row in csv.DictReader(file, delimiter="\t") if row["label"] == "same"]
    assert len(pairs) >= 25
    missed = []
    for first, second in pairs:
        for article, copy in ((first, second), (second, first)):
            found = [hit.id for hit in find_similar(news_index, article, limit=3).hits]
            if copy not in found:
                missed.append((article, copy, found))
    assert not missed, missed


def test_the_copies_own_copies_names_come_first(index_dir, monkeypatch):
    from khabar.search import similar as module
    from khabar.search.searchers import shared_searcher

    searcher = shared_searcher(index_dir)
    named = searcher.document_number(id=article_id("tabnak_data_1128.txt"))
    seen = []

    def copies(searcher, docnum: int, candidates) -> list[int]:
        seen.append((docnum, list(candidates)))
        return [named]

    monkeypatch.setattr(module, "own_copies", copies)
    found = result_ids(index_dir, KIM, "--limit", "3")
    assert found[:2] == [article_id("tabnak_data_1128.txt"), article_id(KIM_ROOZNO)]
    (docnum, candidates), = seen
    assert docnum == searcher.document_number(id=article_id(KIM)) and docnum not in candidates
    assert len(candidates) == module.COPY_DEPTH and named in candidates


@pytest.mark.parametrize(("name", "copy"), [(KIM, KIM_ROOZNO), (SCHENGEN, SCHENGEN_EDITED)])
def test_own_copies_names_the_copy_wherever_it_ranks(index_dir, name, copy):
    # The copy last among the candidates: it is found as one story with the article (word
    # for word by signature, the edited one on its text), not by its place in the ranking.
    from khabar.search.searchers import shared_searcher
    from khabar.search.similar import own_copies

    searcher = shared_searcher(index_dir)
    number = {found: searcher.document_number(id=article_id(found)) for found in (name, copy, *NORTH_KOREA)}
    candidates = [number[other] for other in NORTH_KOREA] + [number[copy]]
    assert own_copies(searcher, number[name], candidates) == [number[copy]]
    assert own_copies(searcher, number[name], candidates[:-1]) == []
