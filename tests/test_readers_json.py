"""JSON arrays of articles, streamed, with fields found by the alias table (fields.py).

Fixtures: excerpts of the FarsNews/Varzesh3 and Hamshahri feed dumps (see
tests/fixtures/json/README.md); records made here for the shapes around them.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.dates import format_jalali
from khabar.indexer.readers import iter_file, read_file
from khabar.indexer.readers.fields import FieldError, parse_field_options

FIXTURES = Path(__file__).parent / "fixtures" / "json"


def write(tmp_path: Path, value: object, name: str = "dump.json") -> Path:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_farsnews_records_abstract_paragraphs_tags_link_and_dates_from_the_news_id():
    result = read_file(FIXTURES / "fars-news.json")
    assert result.problems == []  # title, abstract, paragraphs, cat, subcat, tags, link: all read
    assert [key for key, _ in result.articles] == ["#1", "#2", "#3"]
    first, second, third = (article for _, article in result.articles)
    assert first.url == "https://www.farsnews.ir/news/8707060255"
    assert format_jalali(first.date) == "1387/07/06"  # 87 07 06 0255: the id names the day
    assert format_jalali(third.date) == "1391/12/22"  # fourteen digits since 1390
    assert first.source == "farsnews.ir"
    assert first.body.startswith("خبرگزاري فارس: رئيس اداره كل دفاتر")  # the abstract, then the paragraphs
    assert "به گزارش فارس به نقل از وزارت ارتباطات" in first.body.split("\n\n")[1]
    assert third.keywords[:4] == ["محیط زیست", "علی آقافرهادی", "یوزپلنگ", "شکارچی"]
    assert second.keywords == ["politics", "others"]  # cat and subcat


def test_a_field_no_name_claims_is_named_once_and_can_be_mapped(tmp_path):
    result = read_file(FIXTURES / "varzesh3.json")
    assert len(result.articles) == 3
    assert result.problems == [result.problems[0]] and result.problems[0].startswith("fields not read: code")
    mapped = read_file(FIXTURES / "varzesh3.json", fields=parse_field_options(["id=code"]))
    assert [article.id for _, article in mapped.articles] == ["1392980", "1254257", "1203575"]
    assert mapped.problems == []


def test_a_khabar_toml_beside_the_files_maps_fields(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "v.json").write_bytes((FIXTURES / "varzesh3.json").read_bytes())
    (tmp_path / ".khabar.toml").write_text('[fields]\nid = "code"\n', encoding="utf-8")
    result = read_file(folder / "v.json")
    assert [article.id for _, article in result.articles][0] == "1392980" and result.problems == []


def test_field_options_are_checked():
    assert parse_field_options(["body=matn", "keywords=tags,label", "tags=x"]) == {
        "body": ["matn"], "keywords": ["tags", "label", "x"]}
    for bad in (["body"], ["colour=x"], ["body="]):
        with pytest.raises(FieldError, match="--field"):
            parse_field_options(bad)


def test_feed_dump_summary_is_the_body_and_tags_are_keywords():
    result = read_file(FIXTURES / "hamshahri-feed.json")
    _, first = result.articles[0]
    assert first.title == "پرترافیک‌ترین جاده‌های ایران پس از پایان ممنوعیت ترددهای بین‌استانی"
    assert first.body.startswith("رئیس مرکز اطلاعات و کنترل ترافیک پلیس راهور")
    assert first.keywords == ["اجتماع > سفر"] and first.date is None
    assert first.url.startswith("https://www.hamshahrionline.ir/news/503910/")


def test_broken_records_inside_a_good_file_are_named_by_number(tmp_path):
    good = {"title": "خبر یک", "body": "متن خبر یک"}
    path = write(tmp_path, [good, 42, {"link": "https://a.ir/2", "tags": ["x"]}, ["not", "a", "record"],
                            {"title": "خبر پنج", "published": "9999-12-31"}, {"title": "خبر شش", "text": "متن"}])
    result = read_file(path)
    assert [(key, article.title) for key, article in result.articles] == [("#1", "خبر یک"), ("#5", "خبر پنج"), ("#6", "خبر شش")]
    assert result.problems == [
        "record 2: not a JSON object", "record 3: no title or body", "record 4: not a JSON object",
        "record 5: date 9999-12-31 is outside the years of news (Jalali 1200-1499, 1821-03-21 to 2121-03-20); "
        "indexed undated",
    ]


def test_json_cut_short_keeps_the_records_before_the_cut(tmp_path):
    records = [{"title": f"خبر {n}", "body": "متن " * 20, "url": f"https://a.ir/{n}"} for n in range(1, 6)]
    text = json.dumps(records, ensure_ascii=False)
    path = write(tmp_path, text[: text.index("خبر 4") + 3])
    items = list(iter_file(path))
    assert [value.url for _, value in items if isinstance(value, Article)] == [f"https://a.ir/{n}" for n in (1, 2, 3)]
    assert "JSON breaks off after record 3" in items[-1][1] and items[-1][0] == "#4"


def test_nothing_readable_is_one_reason(tmp_path):
    with pytest.raises(UnreadableArticle, match="no readable article: record 1: not a JSON object"):
        read_file(write(tmp_path, [1, 2, 3]))
    with pytest.raises(UnreadableArticle, match="JSON file has no articles"):
        read_file(write(tmp_path, []))
    with pytest.raises(UnreadableArticle, match="not a JSON array or object"):
        read_file(write(tmp_path, '"just a string"'))


def test_wrappers_a_json_feed_a_single_object_and_concatenated_objects(tmp_path):
    wrapped = read_file(write(tmp_path, {"count": 2, "articles": [{"title": "یک", "content": "<p>متن <b>یک</b></p>"},
                                                                   {"headline": "دو", "summary": "متن دو"}]}))
    assert [(a.title, a.body) for _, a in wrapped.articles] == [("یک", "متن یک"), ("دو", "متن دو")]
    feed = read_file(write(tmp_path, {"version": "https://jsonfeed.org/version/1.1", "title": "خبرگزاری نمونه",
                                      "items": [{"id": "1", "url": "https://n.ir/1", "title": "عنوان",
                                                 "content_html": "<p>بند یک</p><p>بند دو</p>",
                                                 "date_published": "2023-03-15T08:51:00+03:30",
                                                 "tags": ["الف", "ب"]}]}))
    [(_, item)] = feed.articles
    assert (item.source, item.body, item.keywords, item.date) == (
        "خبرگزاری نمونه", "بند یک\n\nبند دو", ["الف", "ب"], datetime(2023, 3, 15, 5, 21))
    single = read_file(write(tmp_path, {"title": "تنها", "body": "متن", "tags": ["x", "y"]}))
    assert [(k, a.title, a.keywords) for k, a in single.articles] == [("#1", "تنها", ["x", "y"])]
    lines = read_file(write(tmp_path, '{"title": "یک"}\n{"title": "دو"}\n'))
    assert [a.title for _, a in lines.articles] == ["یک", "دو"]


def test_python_lists_written_as_text_are_read_as_lists(tmp_path):
    # pandas writes list columns as their repr: "['a', 'b']".
    path = write(tmp_path, [{"title": "t", "paragraphs": "['بند یک', 'بند دو']", "tags": "['برچسب یک', 'دو']"}])
    [(_, article)] = read_file(path).articles
    assert article.body == "بند یک\n\nبند دو" and article.keywords == ["برچسب یک", "دو"]


def test_a_large_array_streams_in_flat_memory(tmp_path):
    record = {"title": "عنوان خبر", "abstract": "خلاصه", "paragraphs": ["بند " * 200] * 3, "tags": ["الف"],
              "link": ""}
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for number in range(2500):
            record["link"] = f"https://a.ir/{number}"
            out.write(("," if number else "") + json.dumps(record, ensure_ascii=False))
        out.write("]")
    size = path.stat().st_size
    assert size > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _, value in iter_file(path) if isinstance(value, Article))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2500
    assert peak < size / 10, f"peak {peak} bytes for a {size}-byte file"
