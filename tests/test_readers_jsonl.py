"""JSON Lines with the field names other tools write: nothing dropped without a word.

Before, only title/body/keywords/date/url/source/id were read, and a dump
converted from any of the shared corpora (link, tags, abstract, paragraphs,
summary) lost its body, URL and keywords in silence.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from khabar.indexer.readers import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "json"


def test_a_dump_converted_to_json_lines_keeps_body_url_and_keywords(tmp_path):
    records = json.loads((FIXTURES / "fars-news.json").read_text(encoding="utf-8"))
    path = tmp_path / "fars.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    result = read_file(path)
    assert result.problems == []
    assert [key for key, _ in result.articles] == ["#L1", "#L2", "#L3"]
    for (_, article), record in zip(result.articles, records):
        assert article.url == record["link"]
        assert " ".join(article.body.split()).startswith(" ".join(record["abstract"].split())[:30])
        assert all(tag in article.keywords for tag in record["tags"])
        assert article.date is not None  # from the FarsNews id in the link


def test_other_names_for_every_field(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text(json.dumps({
        "Headline": "عنوان", "Summary": "خلاصه خبر", "content": "متن کامل خبر", "Tags": "الف، ب",
        "pubDate": "۲۴ اسفند ۱۴۰۱ ۰۸:۵۱", "Link": "https://n.ir/1", "site_name": "نمونه", "docid": "n-1",
    }, ensure_ascii=False) + "\n" + json.dumps({"title": "دو", "summary": "فقط خلاصه", "published_at": 1678858260})
        + "\n", encoding="utf-8")
    result = read_file(path)
    (_, first), (_, second) = result.articles
    assert (first.title, first.body, first.keywords, first.url, first.source, first.id) == (
        "عنوان", "خلاصه خبر\n\nمتن کامل خبر", ["الف", "ب"], "https://n.ir/1", "نمونه", "n-1")
    assert first.date == datetime(2023, 3, 15, 5, 21)
    assert second.body == "فقط خلاصه" and second.date == datetime(2023, 3, 15, 5, 31)  # seconds since 1970
    assert result.problems == []


def test_fields_nothing_claims_are_named_once_per_file(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"title": "a", "matn": "b", "nevisande": "c"}\n{"title": "d", "matn": "e"}\n', encoding="utf-8")
    result = read_file(path)
    assert result.problems == [
        "fields not read: matn, nevisande (to read one, name it: --field body=NAME, or in .khabar.toml; "
        "see the field table in the README)"]
    mapped = read_file(path, fields={"body": ["matn"]})
    assert [a.body for _, a in mapped.articles] == ["b", "e"]
    assert mapped.problems[0].startswith("fields not read: nevisande")
