"""``khabar show ID`` and ``khabar stats``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from khabar import cli
from cli_corpus import build_index
from khabar.search.articles import StoredArticle, find_article, index_stats


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_index(tmp_path_factory)


def run(index_dir, *arguments: str):
    return CliRunner().invoke(cli.main, [*arguments, "--index", str(index_dir)])


def test_find_article_gives_the_whole_article(index_dir):
    article = find_article(index_dir, "made-2")
    assert isinstance(article, StoredArticle)
    assert article.as_dict() == {
        "id": "made-2", "url": "https://example.com/2", "title": "خبر دوم", "source": "نمونه",
        "date": "2023-01-25T05:30:00Z", "jalali_date": "1401/11/05", "keywords": ["دانش بنیان", "کرونا", "1401"],
        "body": "متن خبر دوم.",
    }
    assert find_article(index_dir, "made-404") is None


def test_index_stats(index_dir):
    stats = index_stats(index_dir)
    assert stats.articles == 8 and stats.undated == 0
    assert (stats.first_jalali_date, stats.last_jalali_date) == ("1398/08/21", "1401/12/24")
    assert stats.sources[:2] == [{"source": "تابناک", "count": 2}, {"source": "نمونه", "count": 2}]
    assert sum(row["count"] for row in stats.sources) == 8
    assert stats.size_bytes > 0 and stats.schema_version >= 1 and stats.updated.endswith("Z")
    assert stats.roots and stats.roots[0].endswith("news")


def test_show_table_keeps_paragraphs_and_strips_control_characters(index_dir):
    result = run(index_dir, "show", "made-1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "عنوان قرمز باتب"
    assert lines[1] == "1401/12/20 · 2023-03-11T06:30:00Z · نمونه"
    assert "keywords: دانش‌بنیان، كرونا، ۱۴۰۱" in lines
    assert lines[-2:] == ["بند اول با تب.", "بند دوم."]
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_show_json_is_the_article_object(index_dir, fmt):
    result = run(index_dir, "show", "made-2", "--format", fmt)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1
    assert json.loads(result.stdout)["jalali_date"] == "1401/11/05"


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_show_delimited_is_a_header_and_one_row(index_dir, fmt):
    result = run(index_dir, "show", "made-1", "--format", fmt)
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t" if fmt == "tsv" else ","))
    assert rows[0] == ["id", "url", "title", "source", "date", "jalali_date", "keywords", "body"]
    assert len(rows) == 2 and rows[1][-1] == "بند اول با تب. بند دوم."
    assert rows[1][6] == "دانش‌بنیان, كرونا, ۱۴۰۱"


def test_show_unknown_id_exits_1(index_dir):
    result = run(index_dir, "show", "made-404")
    assert result.exit_code == 1 and result.stdout == "" and "made-404" in result.stderr


@pytest.mark.parametrize("command", [["show", "made-1"], ["stats"]])
def test_missing_index_exits_3(tmp_path, command):
    result = run(tmp_path / "none", *command)
    assert result.exit_code == 3 and "khabar index" in result.stderr


def test_stats_table(index_dir):
    result = run(index_dir, "stats")
    assert result.exit_code == 0
    assert result.stdout.startswith("8 articles\n")
    assert "dates:          1398/08/21 – 1401/12/24" in result.stdout
    assert "  2  نمونه" in result.stdout and "schema version:" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_stats_json(index_dir, fmt):
    data = json.loads(run(index_dir, "stats", "--format", fmt).stdout)
    assert set(data) == {"index", "articles", "undated", "first_jalali_date", "last_jalali_date", "sources",
                         "size_bytes", "schema_version", "updated", "roots"}


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_stats_delimited_is_field_value_rows(index_dir, fmt):
    rows = dict(csv.reader(io.StringIO(run(index_dir, "stats", "--format", fmt).stdout),
                           delimiter="\t" if fmt == "tsv" else ","))
    assert rows["field"] == "value" and rows["articles"] == "8" and rows["source:نمونه"] == "2"


def test_stats_of_an_empty_index_exits_1(tmp_path):
    from khabar.indexer.update import update_index

    (tmp_path / "empty").mkdir()
    update_index(tmp_path / "ix", [tmp_path / "empty"])
    result = run(tmp_path / "ix", "stats", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["articles"] == 0


def test_show_streams_a_huge_body_in_bounded_chunks():
    """A few-MB body is cleaned and written a piece at a time (show once held it whole, several times:
    6-9 s and 1 GB for a 200 MB article), and the pieces are the article's cleaned paragraphs."""
    from khabar.search.render.terminal import Style
    from khabar.search.render.views import BODY_CHUNK_CHARS, article_chunks

    paragraph = "بند خبر \x1b]0;pwned\x07با متن بلند " * 40
    long_line = "واژه " * 60_000  # one paragraph longer than a chunk
    article = StoredArticle(id="big", url="https://example.com/big", title="خبر بزرگ", source="آزمون",
                            date=None, jalali_date=None, keywords=["بزرگ"],
                            body="\n\n".join([paragraph] * 4000 + [long_line, "پایان."]))
    chunks = list(article_chunks(article, "table", Style()))
    assert len(chunks) > 10 and max(map(len, chunks)) <= BODY_CHUNK_CHARS
    assert chunks[0] == "خبر بزرگ\nno date · آزمون\nhttps://example.com/big\nkeywords: بزرگ\n"
    lines = "\n".join(chunks[1:]).split("\n")
    assert lines[:4000] == [paragraph.replace("\x1b]0;pwned\x07", "").strip()] * 4000
    assert " ".join(lines[4000:-1]) == long_line.strip() and lines[-1] == "پایان."
    assert not any("\x1b" in chunk or "\x07" in chunk for chunk in chunks)
