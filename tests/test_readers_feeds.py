"""RSS 2.0 and Atom feeds (feedparser): each item an article.

Fixtures: Mehr's real feed (MIT fixture, content CC BY 4.0) and two modelled feeds
with IR-News text (tests/fixtures/feeds/README.md).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import UnreadableArticle
from khabar.indexer.readers import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SHARED = Path(__file__).parent.parent.parent / "shared" / "corpora"


def test_rss_items_rfc822_dates_categories_and_photo_items_with_a_title_only():
    result = read_file(FIXTURES / "mehr.xml")
    assert result.problems == []
    titles = [article.title for _, article in result.articles]
    assert titles[0] == "آسفالت محور گردشگری گریت- سرکانه به مراحل پایانی رسید"
    _, first = result.articles[0]
    assert first.date == datetime(2026, 10, 19, 19, 30, 10)  # Mon, 19 Oct 2026 19:30:10 GMT
    assert first.keywords == ["استانها > لرستان"]
    assert first.source == "خبرگزاری مهر"
    assert first.url.startswith("https://www.mehrnews.com/news/6983317/")
    assert first.body.startswith("خرم‌آباد- معاون اداره‌کل راهداری")
    _, photo = result.articles[1]
    assert photo.body == "" and photo.title  # a photo item: its title is all there is


def test_atom_entries_content_published_and_category_terms():
    result = read_file(FIXTURES / "tabnak-atom.xml")
    (_, first), (_, second) = result.articles
    assert first.date == datetime(2020, 2, 29, 16, 48)  # 20:18+03:30
    assert first.keywords == ["قیمت سکه", "سکه و طلا", "سکه تمام بهار آزادی"]
    assert first.source == "تابناک"
    assert first.body.count("\n\n") == 2  # the summary is the content's first paragraph: not twice
    assert second.url == "https://www.tabnak.ir/fa/news/964312/مقابله-با-کرونا-محور-رایزنی-مقامات-قطری-و-ایتالیایی"


def test_content_encoded_a_jalali_pub_date_a_guid_and_an_empty_item():
    result = read_file(FIXTURES / "tabnak-jalali.xml")
    assert [key for key, _ in result.articles] == ["#1", "#3"]
    assert result.problems == ["item 2: no title or text"]
    (_, first), (_, third) = result.articles
    assert first.date == datetime(2020, 1, 22, 6, 3)  # ۱۳۹۸/۱۱/۰۲ - ۰۹:۳۳ Tehran
    assert "alert" not in first.body and len(first.body.split("\n\n")) == 4
    assert first.keywords == ["اجتماعی", "هواشناسی"]
    assert third.url.startswith("https://www.tabnak.ir/fa/news/962692/")  # from its guid


def test_a_feed_without_items_is_unreadable(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
                    encoding="utf-8")
    with pytest.raises(UnreadableArticle, match="feed has no items"):
        read_file(path)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not there")
def test_the_ten_shared_feeds_give_their_30_items():
    results = [read_file(path) for path in sorted((SHARED / "rss-feeds").glob("*.xml"))]
    assert sum(len(r.articles) for r in results) == 30
    assert all(r.problems == [] for r in results)
    assert all(article.date is not None for r in results for _, article in r.articles)
