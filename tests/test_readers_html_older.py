"""The HTML reader on older and simpler page shapes: publication lines, print views, tag lists.

The pages in tests/fixtures/html_older are modelled on Persian CMS shapes and
filled with IR-News article text (see the README there): none carries
JSON-LD, OpenGraph or microdata.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.readers.html import read_html

FIXTURES = Path(__file__).parent / "fixtures" / "html_older"


def read(name: str, data: bytes | None = None):
    path = FIXTURES / name
    return read_html(path.read_bytes() if data is None else data, path=str(path))


def test_the_publication_line_gives_the_date_not_the_header_or_the_comments():
    article = read("publine_tiam.html")
    assert article.date == datetime(2020, 1, 20, 15, 23)  # «تاریخ انتشار: ۳۰ دی ۱۳۹۸ - ۱۸:۵۳», Tehran
    assert article.title == "سلطان قاچاق سوخت بازداشت شد"
    assert article.keywords == ["سلطان قاچاق", "قاچاق سوخت", "قاچاق کالا و ارز"]  # .tags_title a
    assert "خبر خوبی بود" not in article.body  # the comment


def test_without_its_publication_line_a_page_has_no_date_rather_than_a_wrong_one():
    page = (FIXTURES / "publine_tiam.html").read_text(encoding="utf-8")
    start = page.index('<div class="news_nav news_pdate_c">')
    page = page[:start] + page[page.index("</div>", start) + 6:]
    article = read("publine_tiam.html", page.encode("utf-8"))
    assert article.date is None  # not the header's «امروز: …», not the comment's date


def test_news_code_and_date_on_one_line_with_a_gregorian_date_beside_it():
    article = read("publine_code_gregorian.html")
    assert article.date == datetime(2020, 3, 1, 15, 33)  # «کد خبر: ۹۶۲۹۲۱ | ۱۳۹۸/۱۲/۱۱ - ۱۹:۰۳ | 2020-03-01»
    assert article.keywords == ["اردوغان", "اسد", "سوریه"]  # ul.tags li
    assert article.title == "اردوغان در سوریه نه راه پس دارد نه پیش/ ناتو هم کمک نخواهد کرد"
    assert not article.body.startswith("کد خبر")


def test_an_old_windows_1256_table_page_without_metadata():
    article = read("table_cp1256.html")
    assert article.date == datetime(2020, 3, 5, 10, 9)  # «تاريخ انتشار : 15 اسفند 1398 - 13:39»
    assert article.title == "احزابي در كنست درصدد منع نتانياهو از تشكيل كابينه جديد هستند"
    assert article.keywords == ["نتانياهو", "كابينه", "اسرائيل"]  # links after «كليدواژه ها:»
    first, last = article.body.split("\n\n")[0], article.body.split("\n\n")[-1]
    assert first.startswith("احزاب مخالف ليكود")  # not the title or the date line
    assert "Copyright" not in last and "كليدواژه" not in last


@pytest.mark.parametrize("name,url", [
    ("print_tiam.html", "https://www.tabnak.ir/fa/news/953654"),
    ("printable_php.html", "https://www.farsnews.ir/printable.php?nn=13981217000412"),
])
def test_print_views_are_articles(name, url):
    article = read(name)
    assert article.url == url
    assert article.title and len(article.body.split("\n\n")) >= 7
    assert article.date is not None


def test_a_print_view_title_body_and_date():
    article = read("print_tiam.html")
    assert article.title == "بارش پراکنده برف و باران در تهران"
    assert article.date == datetime(2020, 1, 22, 6, 3)
    assert article.body.startswith("سازمان هواشناسی")


def test_the_time_may_stand_before_the_date():
    article = read("printable_php.html")
    assert article.date == datetime(2020, 3, 7, 12, 56)  # «ساعت: 16:26 ــ تاریخ: 1398/12/17»
    assert article.keywords == ["قطر", "ایتالیا", "کروناویروس"]  # links after «برچسب‌ها:»
    assert article.title == "مقابله با کرونا محور رایزنی مقامات قطری و ایتالیایی"


def test_a_top_bar_date_is_no_publication_date():
    page = (FIXTURES / "publine_code_gregorian.html").read_text(encoding="utf-8")
    start = page.index('<div class="news-info">')
    page = page[:start] + page[page.index("</div>", start) + 6:]
    assert read("publine_code_gregorian.html", page.encode("utf-8")).date is None
