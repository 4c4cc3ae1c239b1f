"""Keyword lookups and counts: spelling variants, order, date ranges, --stdin, --top."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from khabar import cli
from cli_corpus import build_index
from khabar.indexer.persian.folding import keyword_key
from khabar.search.query.dates import jalali_range
from khabar.search.keywords import KeywordError, KeywordIndex, read_keywords


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_index(tmp_path_factory)


@pytest.fixture
def keywords_index(index_dir):
    with KeywordIndex(index_dir) as index:
        yield index


def run(index_dir, *arguments: str, stdin: str | None = None):
    return CliRunner().invoke(cli.main, ["keywords", *arguments, "--index", str(index_dir)], input=stdin)


@pytest.mark.parametrize("variants", [
    ["كرونا", "کرونا", " کرونا "],
    ["دانش‌بنیان", "دانش بنیان", "دانش  بنیان", "دانش\u200c بنیان"],
    ["۱۴۰۱", "1401", "١٤٠١"],
])
def test_written_variants_meet(keywords_index, variants):
    answers = [keywords_index.lookup(variant) for variant in variants]
    ids = {tuple(hit.id for hit in answer.hits) for answer in answers}
    assert len(ids) == 1 and answers[0].total >= 2


def test_newest_first_with_the_search_field_names(keywords_index):
    answer = keywords_index.lookup("کرونا")
    assert [hit.id for hit in answer.hits] == ["made-1", "made-2", "made-3"]
    record = answer.as_dict()
    assert set(record) == {"keyword", "total", "results"}
    assert set(record["results"][0]) == {"id", "url", "title", "source", "date", "jalali_date", "keywords",
                                         "score", "snippet"}
    assert record["results"][0]["score"] is None and record["results"][0]["jalali_date"] == "1401/12/20"


def test_date_range_narrows_and_counts_right(keywords_index):
    answer = keywords_index.lookup("کرونا", date_filter=jalali_range("1401/12", None), limit=1)
    assert answer.total == 1 and [hit.id for hit in answer.hits] == ["made-1"]
    assert keywords_index.lookup("کرونا", date_filter=jalali_range("1401", "1401"), limit=1).total == 2


def test_limit_keeps_the_total(keywords_index):
    answer = keywords_index.lookup("کرونا", limit=1)
    assert answer.total == 3 and len(answer.hits) == 1


def test_an_empty_keyword_is_refused(keywords_index):
    with pytest.raises(KeywordError):
        keywords_index.lookup("\u200c ")


def test_top_counts_folded_keys_and_shows_the_common_written_form(keywords_index):
    counts = keywords_index.top(3)
    assert [(count.keyword, count.count) for count in counts[:2]] == [("دانش بنیان", 3), ("کرونا", 3)]
    assert counts[2].count == 2 and counts[2].keyword in ("1401", "۱۴۰۱")


def test_top_within_a_date_range(keywords_index):
    counts = keywords_index.top(5, date_filter=jalali_range("1401/11", "1401/12"))
    # كرونا and کرونا are written once each here: either may show, counted together.
    assert {keyword_key(count.keyword): count.count for count in counts}["کرونا"] == 2


def test_top_by_month_and_by_source(keywords_index):
    by_month = keywords_index.top(1, by="month", date_filter=jalali_range("1400", None))
    assert [(count.group, count.count) for count in by_month] == [("1400/01", 1), ("1401/11", 1), ("1401/12", 1)]
    by_source = {count.group: count for count in keywords_index.top(1, by="source")}
    assert by_source["نمونه"].count == 2 and by_source["دیگر"].count == 1


def test_read_keywords_skips_blank_lines_and_a_byte_order_mark():
    assert list(read_keywords(["\ufeffکرونا\n", "\n", "  \u200c \n", " ارز \n"])) == ["کرونا", "ارز"]


# --- through the command line -------------------------------------------------------------

def test_table_lists_each_keyword_with_its_articles(index_dir):
    result = run(index_dir, "كرونا", "دانش بنیان", "--limit", "2")
    assert result.exit_code == 0
    assert result.stdout.startswith("كرونا — 3 articles, newest 2 shown\n")
    assert "دانش بنیان — 3 articles" in result.stdout
    assert "1401/12/20 · نمونه · https://example.com/1" in result.stdout
    assert result.stderr == ""


def test_json_is_one_document(index_dir):
    data = json.loads(run(index_dir, "کرونا", "ناموجود", "--json").stdout)
    assert [(item["keyword"], item["total"]) for item in data["keywords"]] == [("کرونا", 3), ("ناموجود", 0)]


def test_jsonl_is_one_result_per_line_with_its_keyword(index_dir):
    result = run(index_dir, "کرونا", "۱۴۰۱", "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(record["keyword"], record["id"]) for record in records] == [
        ("کرونا", "made-1"), ("کرونا", "made-2"), ("کرونا", "made-3"), ("۱۴۰۱", "made-1"), ("۱۴۰۱", "made-2")]


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_delimited_rows_have_a_header_and_the_result_columns(index_dir, fmt):
    result = run(index_dir, "کرونا", "--format", fmt)
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t" if fmt == "tsv" else ","))
    assert rows[0] == ["keyword", "id", "url", "title", "source", "date", "jalali_date", "keywords", "score",
                       "snippet"]
    assert [row[1] for row in rows[1:]] == ["made-1", "made-2", "made-3"]
    assert all(len(row) == 10 for row in rows)


def test_stdin_gives_one_record_per_keyword_in_order(index_dir):
    result = run(index_dir, "--stdin", "--format", "jsonl", stdin="كرونا\n\nناموجود\n۱۴۰۱\n")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(record["keyword"], record["total"]) for record in records] == [("كرونا", 3), ("ناموجود", 0), ("۱۴۰۱", 2)]


@pytest.mark.parametrize("fmt, expected", [
    ("tsv", "keyword\ttotal\tids\nکرونا\t3\tmade-1 made-2 made-3\nناموجود\t0\t\n"),
    ("csv", "keyword,total,ids\nکرونا,3,made-1 made-2 made-3\nناموجود,0,\n"),
])
def test_stdin_delimited_is_one_row_per_keyword(index_dir, fmt, expected):
    assert run(index_dir, "--stdin", "--format", fmt, stdin="کرونا\nناموجود\n").stdout == expected


def test_stdin_json_and_table(index_dir):
    data = json.loads(run(index_dir, "--stdin", "--json", stdin="کرونا\n").stdout)
    assert data["keywords"][0]["total"] == 3
    assert "کرونا — 3 articles" in run(index_dir, "--stdin", stdin="کرونا\n").stdout


def test_stdin_opens_the_index_once(index_dir, monkeypatch):
    from khabar.search import keywords

    opened = []
    real_open = keywords.open_for_search
    monkeypatch.setattr(keywords, "open_for_search", lambda path: opened.append(path) or real_open(path))
    result = run(index_dir, "--stdin", "--format", "jsonl", stdin="کرونا\n" * 200)
    assert len(result.stdout.splitlines()) == 200 and len(opened) == 1


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "tsv", "csv"])
def test_top_in_every_format(index_dir, fmt):
    result = run(index_dir, "--top", "2", "--by", "source", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["by"] == "source" and {"source": "نمونه", "keyword": "دانش بنیان", "count": 2} in data["keywords"]
    elif fmt == "jsonl":
        assert all(set(json.loads(line)) == {"source", "keyword", "count"} for line in result.stdout.splitlines())
    elif fmt == "table":
        assert "نمونه\n" in result.stdout and "  2  دانش بنیان" in result.stdout
    else:
        assert result.stdout.splitlines()[0] == ("source\tkeyword\tcount" if fmt == "tsv" else "source,keyword,count")


def test_top_by_month_names_jalali_months(index_dir):
    records = [json.loads(line) for line in run(index_dir, "--top", "1", "--by", "month", "--format", "jsonl",
                                                "--from", "1401").stdout.splitlines()]
    assert [record["month"] for record in records] == ["1401/11", "1401/12"]


@pytest.mark.parametrize("arguments, status", [
    (["ناموجود"], 1),
    (["کرونا", "--from", "1402"], 1),
    (["--stdin"], 1),
    (["--top", "3", "--from", "1300", "--to", "1300"], 1),
    ([], 2),
    (["کرونا", "--stdin"], 2),
    (["کرونا", "--top", "3"], 2),
    (["کرونا", "--by", "month"], 2),
    (["کرونا", "--from", "1401/13/40"], 2),
    (["\u200c"], 2),
    (["کرونا", "--json", "--format", "csv"], 2),
])
def test_exit_statuses(index_dir, arguments, status):
    result = run(index_dir, *arguments, stdin="")
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    if status == 2:
        assert result.stdout == "" and result.stderr.strip()


def test_stdin_that_is_not_utf8_is_an_input_error(index_dir):
    result = CliRunner().invoke(cli.main, ["keywords", "--stdin", "--index", str(index_dir)], input=b"\xff\xfe\x00\n")
    assert result.exit_code == 2 and "UTF-8" in result.stderr


def test_a_missing_index_exits_3_and_says_how_to_build_one(tmp_path):
    result = run(tmp_path / "none", "کرونا")
    assert result.exit_code == 3 and "khabar index" in result.stderr and result.stdout == ""


def test_counts_are_right_across_segments_and_deletions(tmp_path, news_folder):
    """An index grown in several runs, with an article removed, counts like a fresh one."""
    from khabar.indexer.update import update_index

    later = tmp_path / "later"
    later.mkdir()
    (news_folder / "tabnak_data_1399.txt").rename(later / "tabnak_data_1399.txt")
    update_index(tmp_path / "grown", [news_folder])
    (later / "tabnak_data_1399.txt").rename(news_folder / "tabnak_data_1399.txt")
    update_index(tmp_path / "grown", [news_folder])
    (news_folder / "mashregh_1.txt").unlink()
    update_index(tmp_path / "grown", [news_folder])
    update_index(tmp_path / "fresh", [news_folder])

    def summary(index_dir):
        with KeywordIndex(index_dir) as index:
            return ([(c.group, c.keyword, c.count) for c in index.top(50, by="source")],
                    index.lookup("ماه رمضان").total, index.lookup("توییتر").total)

    assert summary(tmp_path / "grown") == summary(tmp_path / "fresh")
    assert summary(tmp_path / "fresh")[1:] == (1, 0)
