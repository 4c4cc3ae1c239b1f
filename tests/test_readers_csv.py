"""Tables of articles: CSV with a sniffed delimiter, TSV, a header that names the columns.

The fixture is modelled on the FarsNews 2023 export (tests/fixtures/csv/README.md);
the export itself is read by path when ../shared is there.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import NotAnArticle
from khabar.indexer.dates import format_jalali
from khabar.indexer.readers import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
SHARED = Path(__file__).parent.parent.parent / "shared" / "corpora"


def test_scraped_whitespace_persian_digit_dates_and_a_time_on_the_line_before():
    result = read_file(FIXTURES / "farsnews-shape.csv")
    keys = [key for key, _ in result.articles]
    assert keys == ["#2", "#3", "#5", "#6"]  # row 1 holds only its number; row 4 is broken
    _, first = result.articles[0]
    assert first.title == "قیمت سکه و طلا امروز شنبه 10 اسفند 98/ سقوط قیمت ها در آغاز هفته"
    assert first.date == datetime(2020, 2, 29, 16, 48)  # ۲۰:۱۸ on the line before ۱۳۹۸-۱۲-۱۰, Tehran
    assert "\xa0" not in first.body and "  " not in first.body
    assert result.problems[:2] == [
        "row 4 (line 14): 3 cells where the header has 5",
        "row 6: date '۱۶:۲۶ ۱۳۹۸-۱۲-۳۱' cannot be read (Esfand has only 29 days, so day 31 does not exist); "
        "indexed undated",
    ]
    assert result.problems[2].startswith("fields not read: label")


def test_tsv_and_a_sniffed_semicolon(tmp_path):
    tsv = tmp_path / "a.tsv"
    tsv.write_text("title\tbody\tlink\tkeywords\n"
                   "عنوان یک\tمتن, با ویرگول\thttps://n.ir/1\tالف، ب\n", encoding="utf-8")
    [(_, article)] = read_file(tsv).articles
    assert (article.body, article.url, article.keywords) == ("متن, با ویرگول", "https://n.ir/1", ["الف", "ب"])
    semi = tmp_path / "b.csv"
    semi.write_text("Title;Text;Date\nعنوان;متن خبر، با ویرگول فارسی;1401/12/24 08:51\n", encoding="utf-8")
    [(_, article)] = read_file(semi).articles
    assert article.title == "عنوان" and format_jalali(article.date) == "1401/12/24"


def test_windows_1256_table(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes("title,text\r\nعنوان خبر قديمي,متن خبر به رمزگذاري ويندوز\r\n".encode("cp1256"))
    [(_, article)] = read_file(path).articles
    assert article.title == "عنوان خبر قديمي"


def test_a_table_of_something_else_is_no_article_file(tmp_path):
    path = tmp_path / "topics.tsv"
    path.write_text("1\tقیمت نان در بازار شهر\n2\tآلودگی هوای تهران\n", encoding="utf-8")
    with pytest.raises(NotAnArticle) as caught:
        read_file(path)
    assert caught.value.kind == ".tsv" and "names no title or text column" in str(caught.value)
    # Named by the user, the same column is read.
    headed = tmp_path / "q.csv"
    headed.write_text("qid,query\n1,قیمت نان در بازار شهر\n", encoding="utf-8")
    [(_, article)] = read_file(headed, fields={"title": ["query"]}).articles
    assert article.title == "قیمت نان در بازار شهر"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not there")
def test_the_farsnews_2023_export_gives_its_243_articles():
    result = read_file(SHARED / "farsnews-2023" / "farsnews.csv")
    assert len(result.articles) == 243
    assert all(article.date is not None for _, article in result.articles)
    dates = sorted(format_jalali(article.date) for _, article in result.articles)
    assert (dates[0], dates[-1]) == ("1402/05/01", "1402/06/04")
    # Row 31 holds a label and no-break spaces, no title or text: named, not indexed.
    assert result.problems[0] == "row 32 (line 244): no title or body"
