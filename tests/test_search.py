"""Searching: ranking of the seed, query syntax, Persian variants, Jalali filters, snippets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import write_articles
from khabar.indexer.dates import InvalidDate
from khabar.indexer.update import update_index
from khabar.search.engine import search
from khabar.search.query.parse import QueryError
from khabar.search.snippets import SnippetMarks

SEED_URL_PART = "Azari-Online.ir/Fa/News/546150"


@pytest.fixture
def index_dir(tmp_path, news_folder) -> Path:
    extra = [
        {"title": "هیئت دولت و بورس", "body": "جلسه هیئت دولت درباره بازار بورس و سهام عدالت برگزار شد.",
         "date": "1399/03/05 10:00", "keywords": ["بورس", "سهام عدالت"], "source": "آزمون", "id": "x1"},
        {"title": "وزیر به تهران رفت", "body": "وزیر امروز به تهران رفت و درباره بورس سخن گفت.",
         "date": "1399/03/20", "keywords": "سفر، تهران", "source": "آزمون", "id": "x2"},
        {"title": "وزیر تهران", "body": "گفت‌وگو با وزیر تهران.\x1b[31m رنگ \x07 زنگ", "date": "1398/12/01",
         "source": "آزمون", "id": "x3"},
    ]
    write_articles(news_folder / "extra.jsonl", extra)
    update_index(tmp_path / "ix", [news_folder])
    return tmp_path / "ix"


def ids(index_dir, text, **options) -> list[str]:
    return [hit.id for hit in search(index_dir, text, limit=50, **options).hits]


def test_seed_article_comes_first_for_its_query(index_dir):
    results = search(index_dir, "تعاونی دانش بنیان", date_from="1401/12/01", date_to="1401/12/29")
    first = results.hits[0]
    assert SEED_URL_PART in first.url
    assert first.jalali_date == "1401/12/24"
    assert first.date == "2023-03-15T05:21:00Z"
    assert "دانش بنیان" in first.snippet
    assert first.keywords == ["پیگیری مصوبات سفر معاون وزیر کار به رومشکان", "لرستان", "علی جهانی"]


def test_nothing_after_the_seed_date(index_dir):
    assert search(index_dir, "رومشکان", date_from="1402/01/01").total == 0
    assert search(index_dir, "رومشکان").total == 1


@pytest.mark.parametrize("variant", [
    "تعاوني دانش بنيان",  # Arabic ya
    "تعاونی دانش‌بنیان",  # ZWNJ instead of space
    "تعاونی‌های دانش بنیان",
    "تعاونیها دانش بنیان",
])
def test_written_variants_find_the_same_articles(index_dir, variant):
    assert ids(index_dir, variant) == ids(index_dir, "تعاونی دانش بنیان")


def test_persian_and_latin_digits_meet(index_dir):
    assert ids(index_dir, "۴۶ میلیارد") == ids(index_dir, "46 میلیارد")
    assert any(SEED_URL_PART in i for i in ids(index_dir, "۴۶ میلیارد"))


def test_arabic_kaf_meets_persian_kaf(index_dir):
    assert ids(index_dir, "كرونا") == ids(index_dir, "کرونا") != []


def test_phrase_is_exact_across_stopwords(index_dir):
    assert ids(index_dir, '"وزیر تهران"') == ["x3"]
    # The stopword keeps its place: the phrase with it finds the other article.
    assert ids(index_dir, '"وزیر به تهران"') == ["x2"]
    assert "x2" in ids(index_dir, '"وزیر تهران"~3')
    # The seed's phrase with a stopword inside.
    assert any(SEED_URL_PART in i for i in ids(index_dir, '"تعاونی های دانش بنیان و تعاونی های بانوان"'))
    assert set(ids(index_dir, "وزیر تهران")) >= {"x2", "x3"}


def test_exclusion_or_and_field_prefixes(index_dir):
    assert "x1" in ids(index_dir, "بورس")
    assert "x1" not in ids(index_dir, "بورس -هیئت")
    assert set(ids(index_dir, "title:بورس")) == {"x1"}
    assert set(ids(index_dir, "keywords:تهران")) == {"x2"}
    assert {"x1", "x3"} <= set(ids(index_dir, "هیئت OR گفت‌وگو"))


def test_hits_holding_every_word_rank_first(index_dir):
    ranked = ids(index_dir, "بورس سهام عدالت")
    assert ranked[0] == "x1"


@pytest.mark.parametrize("start, end, expected", [
    ("1399/03/01", "1399/03/10", {"x1"}),
    ("1399/03", "1399/03", {"x1", "x2"}),
    ("۱۳۹۹", "١٣٩٩", {"x1", "x2"}),
    (None, "1398", {"x3"}),
])
def test_jalali_date_filters(index_dir, start, end, expected):
    found = set(ids(index_dir, "وزیر OR بورس OR هیئت", date_from=start, date_to=end))
    assert found == expected


@pytest.mark.parametrize("start, end", [("1401/13/40", None), ("1401/12/30", None), ("1400", "1399"), ("فردا", None)])
def test_impossible_dates_are_rejected(index_dir, start, end):
    with pytest.raises(InvalidDate) as info:
        search(index_dir, "بورس", date_from=start, date_to=end)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "و از به", "!!!", '(("', "-بورس", '""'])
def test_queries_with_nothing_to_search_get_a_message(index_dir, text):
    with pytest.raises(QueryError):
        search(index_dir, text)


def test_sort_by_date_puts_newest_first(index_dir):
    hits = search(index_dir, "بورس OR وزیر", sort="date", limit=10).hits
    days = [hit.jalali_date for hit in hits]
    assert days == sorted(days, reverse=True)


def test_pages_do_not_overlap(index_dir):
    first = [h.id for h in search(index_dir, "وزیر OR بورس OR کرونا", page=1, limit=2).hits]
    second = [h.id for h in search(index_dir, "وزیر OR بورس OR کرونا", page=2, limit=2).hits]
    assert first and second and not set(first) & set(second)


def test_snippet_marks_original_words_and_drops_control_characters(index_dir):
    hit = search(index_dir, "تهران گفت‌وگو", marks=SnippetMarks("[", "]")).hits
    x3 = next(h for h in hit if h.id == "x3")
    assert "[تهران]" in x3.snippet
    assert "\x1b" not in x3.snippet and "\x07" not in x3.snippet


def test_expand_keeps_every_plain_hit_and_marks_only_asked_words(index_dir):
    plain = ids(index_dir, "بورس")
    expanded = search(index_dir, "بورس", expand=True, limit=50, marks=SnippetMarks("[", "]"))
    assert set(plain) <= {hit.id for hit in expanded.hits}
    assert expanded.total >= len(plain)
    marked = {part.split("]")[0] for hit in expanded.hits for part in hit.snippet.split("[")[1:]}
    assert marked <= {"بورس"}


def test_expand_respects_the_date_filter(index_dir):
    found = search(index_dir, "بورس", expand=True, date_from="1399/03/01", date_to="1399/03/10").hits
    assert {hit.id for hit in found} == {"x1"}


def test_a_phrase_is_shown_in_its_snippet(bundled_index):
    """The phrase may sit deep in an article whose opening has its words apart."""
    marks = SnippetMarks("[", "]")
    results = search(bundled_index, '"ستاد ملی مقابله با کرونا"', limit=20, marks=marks)
    assert results.total >= 3
    for hit in results.hits:
        assert "[ستاد] [ملی] [مقابله] با [کرونا]" in hit.snippet, hit.id


def test_not_excludes_like_minus(bundled_index):
    """«بورس NOT کرونا» is «بورس -کرونا», not «بورس OR (anything without کرونا)»."""
    minus = search(bundled_index, "بورس -کرونا", limit=500)
    for text in ("بورس NOT کرونا", "بورس AND NOT کرونا"):
        spelled = search(bundled_index, text, limit=500)
        assert spelled.total == minus.total < search(bundled_index, "بورس", limit=500).total
        assert [hit.id for hit in spelled.hits] == [hit.id for hit in minus.hits]
    with pytest.raises(QueryError):
        search(bundled_index, "NOT کرونا")


def test_sort_by_date_newest_first_undated_last_and_no_score(tmp_path):
    articles = [{"title": "بورس بی تاریخ", "body": "شاخص بورس", "id": "undated"}]
    articles += [{"title": f"بورس {n}", "body": "شاخص بورس تهران", "id": f"d{n}", "date": f"1399/02/0{n + 1}"}
                 for n in range(3)]
    update_index(tmp_path / "ix", [write_articles(tmp_path / "news" / "mixed.jsonl", articles).parent])
    results = search(tmp_path / "ix", "بورس", sort="date")
    assert [hit.id for hit in results.hits] == ["d2", "d1", "d0", "undated"]
    # Ranked by date, not relevance: there is no relevance score to report.
    assert all(hit.as_dict()["score"] is None for hit in results.hits)
    assert all(hit.as_dict()["score"] > 0 for hit in search(tmp_path / "ix", "بورس").hits)


@pytest.mark.parametrize("text", ["کرونا", '"ویروس کرونا"~3'])  # the fast path, and Whoosh's matchers
def test_a_date_range_does_not_change_an_articles_score(bundled_index, text):
    # Without feedback: its words come from the best hits inside the range, so they may differ.
    everything = {hit.id: hit.score for hit in search(bundled_index, text, limit=500, expand=False).hits}
    dated = search(bundled_index, text, date_from="1399/01", limit=500, expand=False)
    assert dated.hits
    for hit in dated.hits:
        assert hit.score == pytest.approx(everything[hit.id])


@pytest.mark.parametrize("text, problem", [
    ('"ویروس کرونا', "quote"), ('کرونا "ستاد ملی" "ماسک', "quote"),
    ("(کرونا OR ماسک", "'(' is not closed"), ("کرونا) ماسک", "')' has no '('"),
    ("foo:کرونا", "no field 'foo:'"), ("Foo:کرونا", "no field 'Foo:'"),
])
def test_malformed_syntax_is_named_not_searched(bundled_index, text, problem):
    """Whoosh's parser would search these as something else (plain words, or a field that finds nothing)."""
    with pytest.raises(QueryError, match=re.escape(problem)):
        search(bundled_index, text)


@pytest.mark.parametrize("text", [
    "ساعت 10:30 کرونا", "ساعت ۱۰:۳۰ کرونا", "title:کرونا", "keywords:بورس", "body:بورس",
    '"ستاد ملی" (کرونا OR ماسک)', '"foo:bar" کرونا', "کرونا: ماسک",
])
def test_well_formed_syntax_with_colons_and_brackets_is_searched(bundled_index, text):
    assert search(bundled_index, text).total > 0


@pytest.mark.parametrize("text, field", [
    ('date:"x"', "date"), ("date:1401", "date"), ("jalali_day:14011220", "jalali_day"),
    ("id:made-1", "id"), ("path:news", "path"), ("file_hash:ab12", "file_hash"), ("file_stamp:1", "file_stamp"),
    ("source:تابناک", "source"), ("url:example", "url"), ("tags:کرونا", "tags"), ("keyword_list:کرونا", "keyword_list"),
    ("all:کرونا", "all"), ("text:کرونا", "text"), ("foo:", "foo"), ("کرونا foo:", "foo"),
    ("ftp:x", "ftp"), ("(کرونا OR id:x)", "id"),
])
def test_only_the_documented_fields_are_fields(bundled_index, text, field):
    """Internal fields (id:, path:, date:, ...) are not searchable, and any other name is named, not searched."""
    with pytest.raises(QueryError, match=re.escape(f"there is no field '{field}:'")):
        search(bundled_index, text)


@pytest.mark.parametrize("text", ["title:", "(title:)", "کرونا keywords:"])
def test_a_field_with_nothing_after_it_is_named(bundled_index, text):
    with pytest.raises(QueryError, match="has nothing after it"):
        search(bundled_index, text)


@pytest.mark.parametrize("text", ["title: کرونا", "Note: کرونا", "title:(کرونا ماسک)", 'title:"ویروس کرونا"',
                                  "body:کرونا OR keywords:ماسک"])
def test_documented_fields_and_colons_before_a_space_are_searched(bundled_index, text):
    assert search(bundled_index, text).total > 0


@pytest.mark.parametrize("text", ['date:"x"', "id:x", "foo:", "title:", "ID:x"])
def test_a_bad_field_is_a_usage_error_on_one_line(bundled_index, text):
    from click.testing import CliRunner

    from khabar import cli

    result = CliRunner().invoke(cli.main, ["search", text, "--index", str(bundled_index)])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("khabar: cannot understand the query")


def test_a_query_in_an_error_message_is_cleaned_and_cut_short(bundled_index):
    with pytest.raises(QueryError) as info:
        search(bundled_index, "\x1b]0;pwned\x07foo:x \udcff" + "کرونا " * 100)
    message = str(info.value)
    assert "\x1b" not in message and "\x07" not in message and "\udcff" not in message
    assert "\ufffd" in message and "…" in message and len(message) < 400


def test_a_snippet_reads_a_bounded_prefix_of_a_huge_body(monkeypatch):
    """A 3 MB body whose only match is at its end: the snippet scans at most SCAN_CHARS of it
    (the whole body was scanned: 18 s and 2 GB for a 200 MB article) and shows the opening."""
    from khabar.indexer.persian.terms import index_term
    from khabar.search import snippets

    scanned: list[tuple[int, int]] = []
    matches = snippets._matches

    def recording(body, terms, start, end):
        scanned.append((start, end))
        return matches(body, terms, start, end)

    monkeypatch.setattr(snippets, "_matches", recording)
    marks = SnippetMarks("[", "]")
    filler = "متن بلند خبر درباره بازار و سهام "
    body = filler * (3_000_000 // len(filler)) + "کرونا ماسک"
    terms = frozenset({index_term("کرونا"), index_term("ماسک")})
    for together in (False, True):
        scanned.clear()
        shown = snippets.snippet(body, terms, marks, together=together)
        assert "[" not in shown and shown.startswith("متن بلند خبر")
        assert scanned and max(end for _, end in scanned) <= snippets.SCAN_CHARS + 100
    # Inside the window a match is found and marked, a phrase's words together.
    near = filler * 1000 + "کرونا ماسک " + filler * 90_000
    assert "[کرونا] [ماسک]" in snippets.snippet(near, terms, marks, together=True)
    # A body without a space to end a step at.
    scanned.clear()
    assert "[" not in snippets.snippet("ب" * 3_000_000, terms, marks)
    assert max(end for _, end in scanned) <= snippets.SCAN_CHARS + 100
