"""The search table for people: its footer on stderr (stdout holds only results, as ripgrep's
``--stats``), and the id that ``khabar show`` takes shown when it is not the URL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import write_articles
from khabar.indexer.update import update_index
from khabar.search.render.wrap import display_width
from render_checks import WIDTHS, assert_fits, run

QUERY = "تعاونی دانش بنیان"


@pytest.fixture(scope="module")
def no_url_index(tmp_path_factory, bundled_index) -> tuple[Path, dict]:
    """A real article saved without URL or id, deep in folders: its id is where it was read."""
    hit = json.loads(run(bundled_index, "search", QUERY, "--json").stdout)["results"][0]
    article = json.loads(run(bundled_index, "show", hit["id"], "--json").stdout)
    root = tmp_path_factory.mktemp("no-url")
    news = root / "news" / "آرشیو خبرهای استانی" / "۱۴۰۱" / "اسفند" / "لرستان" / "خرم‌آباد" / "رومشکان"
    write_articles(news / "تعاون.jsonl", [{"title": article["title"], "body": article["body"],
                                           "date": article["jalali_date"], "source": article["source"]}])
    update_index(root / "ix", [root / "news"])
    return root / "ix", article


def test_the_footer_goes_to_stderr(bundled_index):
    total = json.loads(run(bundled_index, "search", QUERY, "--json").stdout)["total"]
    result = run(bundled_index, "search", QUERY, "--limit", "5", "--page", "2")
    assert result.exit_code == 0
    assert result.stderr == f"{total} found, showing 6–10\n"
    assert "found, showing" not in result.stdout and re.match(r"6\. ", result.stdout)


def test_machine_formats_write_no_footer(bundled_index):
    for fmt in ("json", "jsonl", "tsv", "csv"):
        result = run(bundled_index, "search", QUERY, "--format", fmt)
        assert result.exit_code == 0 and result.stderr == "" and "found, showing" not in result.stdout


def test_stdin_tables_write_each_footer_to_stderr_in_order(bundled_index):
    queries = [QUERY, "واکسن کرونا", "رومشکان", "ناموجودترین‌واژه"]
    totals = [json.loads(run(bundled_index, "search", query, "--json").stdout)["total"] for query in queries]
    result = run(bundled_index, "search", "--stdin", "--limit", "3", stdin="\n".join(queries) + "\n")
    assert result.exit_code == 0
    expected = [f"{total} found, showing {'1–' + str(min(total, 3)) if total else 'none'}" for total in totals]
    assert result.stderr.splitlines() == expected
    assert "found, showing" not in result.stdout
    assert [line[2:] for line in result.stdout.splitlines() if line.startswith("» ")] == queries


@pytest.mark.parametrize("width", WIDTHS)
def test_an_id_that_is_not_the_url_is_shown_whole_and_show_takes_it(no_url_index, width):
    index_dir, article = no_url_index
    record = json.loads(run(index_dir, "search", QUERY, "--json").stdout)["results"][0]
    assert record["url"] == "" and display_width(record["id"]) > width  # a long path, broken across lines
    out = run(index_dir, "search", QUERY, width=width).stdout
    assert_fits(out, width)
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("id: "))
    indent = len(lines[start]) - len(lines[start].lstrip(" "))
    shown = lines[start][indent + len("id: "):]
    for line in lines[start + 1:]:
        if shown == record["id"] or not record["id"].startswith(shown):
            break
        assert line.startswith(" " * indent)
        shown += line[indent:]  # broken where the line is full, its spaces kept
    assert shown == record["id"]
    shown_article = run(index_dir, "show", shown, "--json")
    assert shown_article.exit_code == 0 and json.loads(shown_article.stdout)["title"] == article["title"]


def test_an_id_that_is_the_url_is_not_repeated(bundled_index):
    out = run(bundled_index, "search", QUERY, width=100).stdout
    assert "id: " not in out


def test_a_long_url_keeps_its_start_beside_the_date(bundled_index):
    results = json.loads(run(bundled_index, "search", QUERY, "--json").stdout)["results"]
    rank, hit = max(enumerate(results, start=1), key=lambda ranked: display_width(ranked[1]["url"]))
    lines = run(bundled_index, "search", QUERY, width=60).stdout.splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith(f"{rank}. "))
    line = next(line for line in lines[title:] if "·" in line)
    assert line.endswith("…") and display_width(line) == 60 and f"{hit['jalali_date']} · {hit['source']} · " in line
