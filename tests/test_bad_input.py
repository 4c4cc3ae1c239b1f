"""Bad input never stops an indexing run: each broken date, name or file is named, the rest indexed.

Issue 10, items 4-7 and 16, through the command that failed (``khabar index``),
``article_files`` and ``read_file``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from khabar import cli
from khabar.indexer.readers import read_file

from conftest import FIXTURES, write_articles

TEXT = FIXTURES / "text"
WINDOW = "outside the years of news (Jalali 1200-1499, 1821-03-21 to 2121-03-20); indexed undated"


def index(tmp_path: Path, *paths: Path):
    """``khabar index`` in this process; the result of click's runner."""
    result = CliRunner().invoke(cli.main, ["index", "--index", str(tmp_path / "ix"), *map(str, paths)])
    assert "Traceback" not in result.output, result.output
    return result


def stats(tmp_path: Path) -> dict:
    result = CliRunner().invoke(cli.main, ["stats", "--index", str(tmp_path / "ix"), "--json"])
    return json.loads(result.stdout)


def seed_folder(tmp_path: Path) -> Path:
    """A folder with one good article (the print-view seed)."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "seed.txt").write_bytes((TEXT / "seed.txt").read_bytes())
    return folder


# --- item 4: dates outside the years of news -------------------------------------------------


PAGE = """<html><head><meta property="article:published_time" content="{date}">
<title>خبر آینده</title></head><body><article>
<p>این خبر تاریخی دارد که در سال‌های خبر نیست و باید بی تاریخ نمایه شود.</p></article></body></html>"""
IRNEWS = "tabnak_data###خبر آینده###https://www.tabnak.ir/1###[]###{date}###۱###['آینده']\n1\n1\tجمله نخست خبر.\n"


def test_dates_outside_the_years_of_news_are_named_and_indexed_undated(tmp_path):
    folder = seed_folder(tmp_path)
    write_articles(folder / "feed.jsonl", [
        {"title": "آینده", "body": "متن یک", "date": "9999-12-31", "url": "https://a.ir/1"},
        {"title": "سال یک", "body": "متن دو", "date": "0001-01-01", "url": "https://a.ir/2"},
        {"title": "سال هزار", "body": "متن سه", "date": "1000-01-01", "url": "https://a.ir/3"},
        {"title": "سال منفی", "body": "متن چهار", "date": "-0001-01-01", "url": "https://a.ir/4"},
        {"title": "امروز", "body": "متن پنج", "date": "1401/12/01", "url": "https://a.ir/5"},
    ])
    (folder / "page.html").write_text(PAGE.format(date="9999-12-31T23:59:00+00:00"), encoding="utf-8")
    (folder / "irnews.txt").write_text(IRNEWS.format(date="9999-12-31 23:59:59"), encoding="utf-8")

    result = index(tmp_path, folder)

    assert result.exit_code == 0, result.output
    for where, date in [("feed.jsonl: line 1", "9999-12-31"), ("feed.jsonl: line 2", "0001-01-01"),
                        ("feed.jsonl: line 3", "1000-01-01"), ("feed.jsonl: line 4", "-0001-01-01"),
                        ("page.html", "9999-12-31T23:59:00+00:00"), ("irnews.txt", "9999-12-31 23:59:59")]:
        assert f"{folder / where}: date {date} is {WINDOW}" in result.stderr
    assert "added 8" in result.stderr
    held = stats(tmp_path)
    assert (held["articles"], held["undated"]) == (8, 6)
    assert held["first_jalali_date"] == "1401/12/01" and held["last_jalali_date"] == "1401/12/24"


def test_printview_date_line_outside_the_years_of_news_is_named(tmp_path):
    text = (TEXT / "seed.txt").read_text(encoding="utf-8")
    text = text.replace("شنبه 27 اسفند 1401 - 08:54:38", "9999-12-31").replace("24 اسفند 1401 08:51", "0001/01/01")
    path = tmp_path / "printview.txt"
    path.write_text(text, encoding="utf-8")
    result = read_file(path)
    [(_, article)] = result.articles
    assert article.date is None and article.title.startswith("مدیر کل تعاون")
    assert "0001/01/01" not in article.body  # still read as the footer's date line
    assert result.problems == [f"date 0001/01/01 is {WINDOW}"]
