"""The plain-text readers: print view, IR-News dataset dump, JSON Lines."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.readers.irnews import looks_like_irnews, read_irnews, source_name
from khabar.indexer.readers.jsonl import read_jsonl
from khabar.indexer.readers.printview import read_printview

FIXTURES = Path(__file__).parent / "fixtures" / "text"
SEED_FIRST_PARAGRAPH = (
    "پیام آذری - مدیر کل تعاون، کار و رفاه اجتماعی لرستان گفت: با توجه به پیگیری های صورت گرفته"
)
SEED_LAST_PARAGRAPH_END = "تشکیل و حمایت از تعاونی ها در این مناطق است."


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- print view ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_printview(fixture_text("seed.txt"))


def test_seed_header_fields(seed: Article) -> None:
    assert seed.source == "پیام آذری"
    assert seed.title == (
        "مدیر کل تعاون، کار و رفاه اجتماعی لرستان: منطقه رومشکان با تشکیل تعاونی های"
        " دانش بنیان توسعه می یابد"
    )


def test_seed_date_is_publication_not_print_date(seed: Article) -> None:
    # 24 Esfand 1401 08:51 Tehran (+03:30); the printed date 27 Esfand 08:54:38 loses.
    assert seed.date == datetime(2023, 3, 15, 5, 21)


def test_seed_keywords_and_url(seed: Article) -> None:
    assert seed.keywords == ["پیگیری مصوبات سفر معاون وزیر کار به رومشکان", "لرستان", "علی جهانی"]
    assert seed.url.startswith("http://www.Azari-Online.ir/Fa/News/546150/مدیر-کل-تعاون")
    assert seed.url.endswith("توسعه-می-یابد")


def test_seed_body_is_only_the_article(seed: Article) -> None:
    assert seed.body.startswith(SEED_FIRST_PARAGRAPH)
    assert seed.body.endswith(SEED_LAST_PARAGRAPH_END)
    assert len(seed.body.split("\n")) == 9  # the nine paragraphs, blank line dropped
    for chrome in ("وزارت رفاه", "27 اسفند", "24 اسفند 1401", "کد خبر", "کلیدواژه",
                   "نظرات بینندگان", "http", "بستن", "چاپ"):
        assert chrome not in seed.body, chrome
    assert seed.id == ""


def printview_variant(**replace: str) -> str:
    text = fixture_text("seed.txt")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_printview_crlf_persian_digits_no_keywords() -> None:
    text = fixture_text("seed.txt")
    lines = text.split("\n")
    lines = [line for line in lines if not line.startswith("کلیدواژه")]
    text = "\r\n".join(lines).replace("24 اسفند 1401 08:51", "۲۴ اسفند ۱۴۰۱ ۰۸:۵۱")
    text = text.replace("شنبه 27 اسفند 1401 - 08:54:38", "  شنبه ۲۷ اسفند ۱۴۰۱ - ۰۸:۵۴:۳۸  ")
    article = read_printview(text)
    assert article.keywords == []
    assert article.date == datetime(2023, 3, 15, 5, 21)
    assert article.source == "پیام آذری"
    assert article.title.startswith("مدیر کل تعاون، کار و رفاه اجتماعی لرستان")
    assert "\r" not in article.body and "\r" not in article.title and "\r" not in article.url
    assert article.body.startswith(SEED_FIRST_PARAGRAPH)
    assert article.body.endswith(SEED_LAST_PARAGRAPH_END)


def test_printview_keyword_label_variants() -> None:
    for label in ("کلیدواژه‌ها:", "برچسب ها :", "تگ ها:", "كليدواژه ها:", "ڪليدواژه ها:", "كلمات كليدى:"):
        text = (
            "خبرگزاری نمونه\nعنوان خبر\n1402/01/05 10:00\nسیاسی\nمتن خبر اول.\nمتن خبر دوم.\n"
            f"{label} یک، دو ,سه ،  چهار\nhttps://example.ir/news/1\n"
        )
        article = read_printview(text)
        assert article.keywords == ["یک", "دو", "سه", "چهار"], label
        assert article.body == "متن خبر اول.\nمتن خبر دوم.", label
        assert article.url == "https://example.ir/news/1"


def test_printview_printed_date_used_without_publication_line() -> None:
    text = printview_variant(**{"24 اسفند 1401 08:51\n": ""})
    article = read_printview(text)
    assert article.date == datetime(2023, 3, 18, 5, 24, 38)  # 27 Esfand 08:54:38 Tehran
    assert article.body.endswith(SEED_LAST_PARAGRAPH_END)


def test_printview_without_header_date_or_footer() -> None:
    article = read_printview("\n\nعنوان تنها\nپاراگراف اول.\n\nپاراگراف دوم.\n")
    assert article.title == "عنوان تنها"
    assert article.body == "پاراگراف اول.\nپاراگراف دوم."
    assert article.date is None and article.keywords == [] and article.url == ""


def test_printview_source_without_header_date() -> None:
    article = read_printview("منبع خبر\nچرا قیمت‌ها بالا رفت؟\nبند اول.\nبند دوم.")
    assert (article.source, article.title) == ("منبع خبر", "چرا قیمت‌ها بالا رفت؟")
    assert article.body == "بند اول.\nبند دوم."


def test_printview_date_inside_body_stays_in_body() -> None:
    text = "منبع\nعنوان\n1402/01/05 10:00\nسرویس\nبند اول.\n1402/01/04\nبند آخر.\nکد خبر : 12\n"
    article = read_printview(text)
    assert article.body == "بند اول.\n1402/01/04\nبند آخر."
    assert article.date == datetime(2023, 3, 25, 6, 30)


def test_printview_blank_text_is_unreadable() -> None:
    with pytest.raises(UnreadableArticle):
        read_printview(" \r\n\n\t\n")


# --- IR-News dataset ------------------------------------------------------------


def test_irnews_tabnak_with_arabic_letters() -> None:
    text = fixture_text("tabnak_data_1347.txt")
    assert looks_like_irnews(text.split("\n", 1)[0])
    article = read_irnews(text)
    assert article.source == "تابناک"
    assert article.title == "آزمایش واکسن کرونا در آمریکا"
    assert article.url == "https://www.tabnak.ir/fa/news/966465/آزمایش-واکسن-کرونا-در-آمریکا"
    assert article.date == datetime(2020, 3, 17, 13, 37)  # 17:07 Tehran, +03:30
    assert article.keywords == ["آسپرین", "ویروس کرونا", "واکسن", "کرونا ویروس", "ویروس", "ویدیو"]
    assert article.body.startswith("دانشمندان آمریکایی اولین نمونه از واکسن")
    assert "ویژگي‌های ژنتیکی" in article.body  # Arabic yeh kept; folding is the analyser's job
    assert article.body.endswith("تا آماده استفاده عموم شود.")
    assert "\t" not in article.body and "@@@" not in article.body
    assert "2\t" not in article.body and not article.body[0].isdigit()


def test_irnews_arabic_kaf_and_two_sentences() -> None:
    article = read_irnews(fixture_text("tabnak_data_1399.txt"))
    assert article.title == "افطار با طعم استقامت در مسیر الهی"
    assert "همانند كسى است كه" in article.body
    assert article.keywords == ["اذان مغرب", "بسته ویدیویی", "ماه رمضان"]
    assert article.body.count("روزه") >= 2
    assert not article.body.startswith("2")


def test_irnews_sobhane_nan_title_uses_first_sentence() -> None:
    article = read_irnews(fixture_text("sobhane2_88.txt"))
    assert article.source == "صبحانه آنلاین"
    assert article.title == (
        "بانک مرکزی نرخ رسمی ۴۷ ارز را اعلام کرد که بر این اساس نرخ ۱۱ ارز ثابت ماند،"
        " ۲۱ ارز کاهش و ۱۵ ارز افزایش یافت."
    )
    assert article.title != "nan"
    assert article.body == article.title
    assert article.keywords == ["بانک مرکزی", "نرخ ارز", "بازار ارز"]
    assert article.date == datetime(2019, 11, 12, 6, 39)


def test_irnews_mashregh() -> None:
    article = read_irnews(fixture_text("mashregh_1.txt"))
    assert article.source == "مشرق نیوز"
    assert article.title == "راز رگبار سردرگم پمپئو"
    assert article.keywords[0] == "مایک پمپئو" and len(article.keywords) == 5
    assert "بی محابا رگبار می بندد." in article.body
    assert article.body.endswith("به اندازه کفش حاج قاسم ارزش ندارند.")


def test_irnews_source_names() -> None:
    assert source_name("asriran_1_data") == "عصر ایران"
    assert source_name("asriran_2_data") == "عصر ایران"
    assert source_name("roozno_data") == "روزنو"
    assert source_name("sobhane1") == "صبحانه آنلاین"
    assert source_name("mashreghnews") == "مشرق نیوز"
    assert source_name("newsite_data") == "newsite_data"


def test_irnews_bad_tags_and_date_are_tolerated() -> None:
    text = (
        "tabnak_data###عنوان###https://x.ir/1###[]###not a date###۱###['a', __import__('os')]\n"
        "1\n1\tجمله اول.\n"
    )
    article = read_irnews(text)
    assert article.date is None
    assert "a" in article.keywords
    assert all("import" not in k or k.startswith("__import__") for k in article.keywords)
    assert article.body == "جمله اول."


def test_looks_like_irnews() -> None:
    assert not looks_like_irnews("پیام آذری")
    assert not looks_like_irnews("a###b###c")
    assert looks_like_irnews(
        "\ufeffasriran_1_data###t###https://www.asriran.com/x###['a']###2020-01-07 15:32:00###۱###[]"
    )
    with pytest.raises(UnreadableArticle):
        read_irnews("a###b\n1\n1\tx\n")


# --- JSON Lines -----------------------------------------------------------------


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)


def test_jsonl_fields_and_line_numbers() -> None:
    text = jsonl(
        {"title": "خبر یک", "body": "متن یک", "keywords": ["الف", " ب ", ""], "date": "2023-03-15T08:51:00+03:30",
         "url": "https://a.ir/1", "source": "منبع", "id": "n-1"},
        "",
        "   ",
        {"title": "خبر دو", "body": "متن دو", "keywords": "الف، ب,ج", "date": "۲۴ اسفند ۱۴۰۱ ۰۸:۵۱", "id": 7},
    )
    results = read_jsonl(text)
    assert [n for n, _ in results] == [1, 4]
    first, second = (item for _, item in results)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first == Article(title="خبر یک", body="متن یک", keywords=["الف", "ب"],
                            date=datetime(2023, 3, 15, 5, 21), source="منبع",
                            url="https://a.ir/1", id="n-1")
    assert second.keywords == ["الف", "ب", "ج"]
    assert second.date == datetime(2023, 3, 15, 5, 21)
    assert second.id == "7" and second.url == "" and second.source == ""


def test_jsonl_bad_lines_do_not_stop_good_ones() -> None:
    text = jsonl(
        {"title": "خوب", "body": "یک"},
        "{not json",
        "[1, 2]",
        {"url": "https://a.ir/no-text", "title": "  "},
        {"title": "", "body": "فقط متن"},
    ) + "\r\n"
    results = read_jsonl(text)
    kinds = [(n, type(item).__name__) for n, item in results]
    assert kinds == [(1, "Article"), (2, "UnreadableArticle"), (3, "UnreadableArticle"),
                     (4, "UnreadableArticle"), (5, "Article")]
    assert str(results[1][1]) == "line 2: not valid JSON"
    assert str(results[2][1]).startswith("line 3:")
    assert str(results[3][1]) == "line 4: no title or body"
    assert results[4][1].body == "فقط متن"


def test_jsonl_bad_date_keeps_article_and_reports() -> None:
    [(number, article)] = read_jsonl(jsonl({"title": "t", "body": "b", "date": "31 اسفند 1401"}))
    assert number == 1
    assert isinstance(article, Article) and article.date is None and article.title == "t"
    assert article.problems == [
        "date '31 اسفند 1401' cannot be read (Esfand has only 29 days, so day 31 does not exist); indexed undated"
    ]


def test_jsonl_unicode_line_separator_inside_string() -> None:
    text = '{"title": "a\u2028b", "body": "c\u2029d"}\n{"title": "second"}'
    results = read_jsonl(text)
    assert [n for n, _ in results] == [1, 2]
    assert all(isinstance(item, Article) for _, item in results)


# --- keywords: one splitter for every reader ---------------------------------------


def test_split_keywords_separators_whitespace_and_repeats() -> None:
    assert split_keywords("الف، ب,ج ;  د؛ه٬و", " الف ", "ز\u200cح\n ط", "", "،،") == [
        "الف", "ب", "ج", "د", "ه", "و", "ز\u200cح ط",
    ]


KEYWORD_LINE = "بانک مرکزی، نرخ ارز,بازار ارز؛ دلار; سکه٬طلا ، بانک مرکزی"
KEYWORDS = ["بانک مرکزی", "نرخ ارز", "بازار ارز", "دلار", "سکه", "طلا"]


def test_every_reader_splits_a_keyword_line_alike() -> None:
    from khabar.indexer.readers.html import read_html

    body = "متن خبر که به اندازه کافی بلند است تا متن خبر باشد."
    printview = read_printview(f"منبع\nعنوان\n1402/01/05 10:00\n{body}\nکلیدواژه ها: {KEYWORD_LINE}\n")
    [(_, jsonl_line)] = read_jsonl(jsonl({"title": "t", "body": body, "keywords": KEYWORD_LINE}))
    html = read_html(f"<html><head><meta name='keywords' content='{KEYWORD_LINE}'></head>"
                     f"<body><p>{body}</p></body></html>".encode())
    irnews = read_irnews(f"tabnak###t###https://a.ir/1###[]###2020-01-01###1###['{KEYWORD_LINE}']\n1\t{body}\n")
    irnews_cut = read_irnews(f"tabnak###t###https://a.ir/1###[]###2020-01-01###1###['{KEYWORD_LINE}\n1\t{body}\n")
    for article in (printview, jsonl_line, html, irnews, irnews_cut):
        assert article.keywords == KEYWORDS


def test_keyword_list_items_are_split_too() -> None:
    # The index joins tags with "," (KEYWORD(commas=True)): a comma left inside a keyword splits it there.
    from khabar.indexer.readers.html import read_html

    items = ["نرخ ارز, دلار", "سکه؛ طلا", "نرخ ارز"]
    expected = ["نرخ ارز", "دلار", "سکه", "طلا"]
    [(_, line)] = read_jsonl(jsonl({"title": "t", "body": "b", "keywords": items}))
    assert line.keywords == expected
    tags = repr(items)
    assert read_irnews(f"tabnak###t###https://a.ir/1###[]###2020-01-01###1###{tags}\n1\tجمله.\n").keywords == expected
    ld = json.dumps({"@type": "NewsArticle", "headline": "t", "articleBody": "متن خبر به اندازه کافی بلند.",
                     "keywords": items}, ensure_ascii=False)
    page = f"<html><head><script type='application/ld+json'>{ld}</script></head><body></body></html>"
    assert read_html(page.encode()).keywords == expected
