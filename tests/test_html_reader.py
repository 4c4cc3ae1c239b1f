"""Tests for indexer.readers.html.read_html.

The fixture pages in tests/fixtures/html/ are written by hand in the shapes
Persian news CMSs use (each says at its top which shape and where its real
article text comes from).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.readers.html import read_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def read(name: str) -> Article:
    path = FIXTURES / name
    return read_html(path.read_bytes(), path=str(path))


def paragraphs(article: Article) -> list[str]:
    return article.body.split("\n\n")


# ---------------------------------------------------------------- JSON-LD (Mehr-like)

MEHR_SENTENCES = [
    "مدیر اداره نظام‌های پرداخت بانک مرکزی از افزایش سقف کارت به کارت به ۱۰ میلیون تومان در ابزارهای خودپرداز، کیوسک، اینترنت بانک و همراه بانک خبر داد.",
    "سقف کارت به کارت در نرم افزارهای پرداخت سازان همچنان تا اطلاع ثانوی ۳ میلیون تومان است.",
    "گفتنی است، که پیش از این سقف عملیات کارت به کارت در ابزارهای خودپرداز، کیوسک، اینترنت بانک و همراه بانک از ۳ میلیون تومان به صورت روزانه به ۵ میلیون تومان افزایش پیدا کرده بود که این میزان با تمهیدات جدید افزایش پیدا کرده است.",
]


def test_jsonld_title():
    assert read("mehr_jsonld.html").title == "بانک مرکزی: سقف کارت به کارت ۱۰ میلیون تومان شد"


def test_jsonld_keywords_list_beats_site_wide_meta_keywords():
    assert read("mehr_jsonld.html").keywords == ["بانک مرکزی", "کارت به کارت"]


def test_jsonld_date_published_in_utc():
    assert read("mehr_jsonld.html").date == datetime(2020, 3, 9, 9, 19)


def test_jsonld_publisher_name_is_source():
    assert read("mehr_jsonld.html").source == "عصر ایران"


def test_jsonld_main_entity_of_page_is_url():
    assert read("mehr_jsonld.html").url == (
        "https://www.asriran.com/fa/news/717859/بانک-مرکزی-سقف-کارت-به-کارت-۱۰-میلیون-تومان-شد"
    )


def test_broken_jsonld_block_is_skipped():
    # The page's first JSON-LD block is cut off; the second one is used.
    assert read("mehr_jsonld.html").date is not None


def test_body_from_cms_container_starts_with_the_lead():
    assert paragraphs(read("mehr_jsonld.html"))[0] == MEHR_SENTENCES[0]


def test_body_has_the_article_paragraphs_in_order():
    body = paragraphs(read("mehr_jsonld.html"))
    assert body[-2:] == MEHR_SENTENCES[1:]
    assert len(body) == 4


@pytest.mark.parametrize("furniture", [
    "سیاسی",                                 # main menu
    "آگهی",                                  # inline ad
    "اسکریپت",                               # <script> in head and body
    "line-height",                           # <style>
    "اشتراک در تلگرام",                      # share buttons
    "اخبار مرتبط", "جزئیات پرداخت قبوض برق",   # related news
    "نظرات", "هنوز نظری",                    # comments
    "کلیه حقوق",                             # footer
    "۱۹ اسفند",                              # date line in the header
])
def test_body_leaves_out_page_furniture(furniture):
    assert furniture not in read("mehr_jsonld.html").body


def test_body_does_not_repeat_the_title():
    assert "سقف کارت به کارت ۱۰ میلیون تومان شد" not in read("mehr_jsonld.html").body


# ---------------------------------------------------------------- JSON-LD @graph (Tasnim-like)


def test_graph_article_body_is_used_with_its_line_breaks():
    assert paragraphs(read("tasnim_graph.html")) == [
        "بر اساس ارزیابی کمیسیون کروناویروس چین کرونا ویروس دست کم تا ماه ژوئن (خرداد تیر) ادامه خواهد داشت.",
        "به گزارش روز نو ، ژونگ نانشان، رئیس کمیسیون ویژه کمیته دولتی در امور بهداشت و درمان چین، احتمال داد که کرونا ویروس حداقل تا ماه ژوئن در سراسر جهان گسترش خواهد یافت.",
        'به گزارش روزنامه شنیمین شیبا او، ژونگ نانشان: "براساس پیش بینی، همه گیری در سراسر جهان تا حداقل ژوئن گسترش خواهد یافت. تأکید بر مبارزه با کروناویروس در آینده ممکن است از صدور (بیماری از چین) به ورود آن تغییر یابد."',
    ]


def test_graph_headline_beats_og_title_with_site_name():
    assert read("tasnim_graph.html").title == "چین: کرونا تا تیرماه در جهان گسترش خواهد یافت"


def test_graph_keywords_comma_string_split_on_persian_comma_and_deduplicated():
    assert read("tasnim_graph.html").keywords == ["چین", "کرونا ویروس"]


def test_graph_date():
    assert read("tasnim_graph.html").date == datetime(2020, 3, 10, 7, 41)


def test_graph_publisher_in_a_list():
    assert read("tasnim_graph.html").source == "روز نو"


def test_graph_url_beats_og_url():
    assert read("tasnim_graph.html").url == (
        "http://roozno.com//fa/news/417611/چین-کرونا-تا-تیرماه-در-جهان-گسترش-خواهد-یافت"
    )


# ---------------------------------------------------------------- OpenGraph (Hamshahri-like)


def test_og_title_without_site_name_suffix():
    assert read("hamshahri_og.html").title == "آزمون از اولویت‌های ناپولی خارج شد"


def test_news_keywords_split_trimmed_deduplicated():
    assert read("hamshahri_og.html").keywords == ["آزمون", "ناپولی"]


def test_time_datetime_with_offset():
    assert read("hamshahri_og.html").date == datetime(2020, 5, 31, 4, 47)


def test_og_site_name():
    assert read("hamshahri_og.html").source == "عصر ایران"


def test_absolute_og_url_beats_relative_canonical():
    assert read("hamshahri_og.html").url == (
        "https://www.asriran.com/fa/news/731044/آزمون-از-اولویت‌های-ناپولی-خارج-شد"
    )


def test_whitespace_normalised_inside_paragraphs():
    assert (
        "در جدیدترین خبر در این زمینه سایت «MondoNapoli» ایتالیا خبر داد: جیانتولی، مدیر باشگاه ناپولی "
        "به آزمون علاقه دارد و گتوسو نیز با او در این زمینه موافقت است."
    ) in paragraphs(read("hamshahri_og.html"))


def test_og_page_body_paragraph_count():
    body = paragraphs(read("hamshahri_og.html"))
    assert body[0] == "یک رسانه ایتالیایی خبر داد مهاجم ایرانی زنیت از اولویت های ناپولی خارج شد."
    assert body[-1] == "در شرایط کنونی آزمون از اولویت های ناپولی خارج شد."
    assert len(body) == 6


@pytest.mark.parametrize("furniture", [
    "صفحه اصلی", "بیشتر بخوانید", "اخبار مرتبط", "خانه آسیه", "لامبورگینی", "تمام حقوق", "خرداد ۱۳۹۹",
])
def test_og_page_body_leaves_out_furniture(furniture):
    assert furniture not in read("hamshahri_og.html").body


# ---------------------------------------------------------------- microdata (Tabnak-like)


def test_microdata_headline():
    assert read("microdata.html").title == "نرخ بیکاری در سومین اقتصاد بزرگ جهان"


def test_microdata_jalali_date_published():
    assert read("microdata.html").date == datetime(2020, 5, 30, 9, 5)


def test_microdata_keywords():
    assert read("microdata.html").keywords == ["نرخ بیکاری", "ژاپن", "بیکاری"]


def test_microdata_publisher_name():
    assert read("microdata.html").source == "تابناک"


def test_canonical_link_is_url():
    assert read("microdata.html").url == (
        "https://www.tabnak.ir/fa/news/981427/نرخ-بیکاری-در-سومین-اقتصاد-بزرگ-جهان"
    )


def test_microdata_article_body_split_at_br():
    body = paragraphs(read("microdata.html"))
    assert body[0] == "نرخ بیکاری سومین اقتصاد بزرگ جهان به ۲.۶ درصد رسید."
    assert body[2] == (
        "طبق اعلام مرکز آمار ژاپن، در ماه آوریل ۶۱۰ هزار نفر از شاغلین کار قبلی خود را ترک کرده‌اند "
        "و ۲۵۰ هزار نفر نیز اخراج شده‌اند."
    )
    assert len(body) == 3


def test_microdata_body_leaves_out_links_and_copyright():
    body = read("microdata.html").body
    assert "اقتصادی" not in body and "کلیه حقوق" not in body


# ---------------------------------------------------------------- content-density fallback


BARE_SENTENCES = [
    "فرصت تبلیغات یازدهمین دوره انتخابات مجلس شورای اسلامی و میان‌دوره‌ای خبرگان رهبری به پایان رسید.",
    "به گزارش ایسنا، با پایان روز ۳۰ بهمن، مهلت یک هفته‌ای تبلیغات انتخاباتی به پایان رسید و هرگونه تبلیغات تخلف محسوب می‌شود.",
    "یازدهمین دوره انتخابات مجلس شورای اسلامی و میان‌دوره‌ای پنجمین دوره خبرگان رهبری روز دوم اسفند برگزار می‌شود.",
]


def test_density_fallback_finds_the_article_paragraphs():
    body = paragraphs(read("bare_density.html"))
    assert body[:2] == BARE_SENTENCES[:2]
    assert body[-1] == BARE_SENTENCES[2]
    assert len(body) == 4


@pytest.mark.parametrize("furniture", [
    "صفحه اصلی", "ورزشی",                    # top menu
    "آخرین عناوین", "پرسپولیس",              # right link column
    "پربیننده‌ترین", "بورس‌های منطقه‌ای",     # left link column
    "درباره ما", "استفاده از مطالب",          # footer
    "عصر ایران",                             # logo
])
def test_density_fallback_leaves_out_link_columns_and_footer(furniture):
    assert furniture not in read("bare_density.html").body


def test_h1_is_the_title_when_there_is_no_metadata():
    assert read("bare_density.html").title == "پایان مهلت تبلیغات انتخابات مجلس"


def test_page_without_metadata_has_no_date_source_url_or_keywords():
    article = read("bare_density.html")
    assert (article.date, article.source, article.url, article.keywords) == (None, "", "", [])


# ---------------------------------------------------------------- encodings


CP1256_FIRST = "دو نفر که پسربچه‌اي 10ساله را ربوده بودند، دستگير شدند و کودک از چنگ آنها آزاد شد."
CP1256_LAST = (
    "سردار جاويدان با اشاره به تحويل پسربچه 10ساله به خانواده‌اش، تصريح کرد: متهمان دستگيرشده "
    "در بازجويي‌ها انگيزه خود را از اين کار اختلافات مالي با پدر فرد ربوده‌شده عنوان کردند."
)


def test_declared_windows_1256_page_body():
    body = paragraphs(read("cp1256_declared.html"))
    assert (body[0], body[-1], len(body)) == (CP1256_FIRST, CP1256_LAST, 8)


def test_declared_windows_1256_page_title_keeps_arabic_yeh_and_zwnj():
    assert read("cp1256_declared.html").title == "آزادي پسر 10ساله از دست آدم\u200cربايان"


def test_declared_windows_1256_page_keywords():
    assert read("cp1256_declared.html").keywords == ["آدم ربايي", "پليس آگاهي"]


def test_undeclared_windows_1256_page_body():
    body = paragraphs(read("cp1256_undeclared.html"))
    assert (body[0], body[-1], len(body)) == (CP1256_FIRST, CP1256_LAST, 8)


def test_title_tag_fallback_strips_site_name():
    assert read("cp1256_undeclared.html").title == "آزادي پسر 10ساله از دست آدم\u200cربايان"


def test_utf8_bom_page_title_has_no_bom():
    assert read("utf8_bom.html").title == "جزئیات پرداخت قبوض برق اعلام شد"


def test_utf8_bom_page_body_despite_wrong_charset_declaration():
    body = paragraphs(read("utf8_bom.html"))
    assert body[0] == (
        "پس از شیوع ویروس کرونا وزیر نیرو وعده همکاری با مشترکان برای پرداخت قبوض آب و برق را داد "
        "که اکنون جزئیات آن اعلام شده است."
    )
    assert len(body) == 5


def test_unparsable_date_is_left_empty():
    assert read("utf8_bom.html").date is None


# ---------------------------------------------------------------- broken pages


def test_truncated_page_keeps_the_text_that_is_there():
    body = paragraphs(read("truncated.html"))
    assert body == [
        "گاهی کابل شبکه یا درگاه اتصال، سرعت ارتباط را محدود می‌کند و اجازه نمی‌دهد از تمام ظرفیت اینترنت پرسرعت خود استفاده کنید.",
        "بررسی سرعت اتصال اترنت می‌تواند به شناسایی این محدودیت، به‌ویژه در",
    ]


def test_truncated_page_metadata():
    article = read("truncated.html")
    assert (article.title, article.date, article.source) == (
        "راهی ساده برای استفاده از حداکثر سرعت اینترنت", datetime(2026, 10, 19, 19, 12, 1), "تابناک",
    )


def test_listing_page_is_not_an_article():
    with pytest.raises(UnreadableArticle, match="no article body"):
        read("no_article.html")


def test_page_with_nothing_in_it():
    with pytest.raises(UnreadableArticle, match="no title and no body"):
        read_html(b"<html><head></head><body><div></div></body></html>")


def test_binary_file():
    with pytest.raises(UnreadableArticle, match="binary"):
        read_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")


def test_empty_file():
    with pytest.raises(UnreadableArticle, match="empty file"):
        read_html(b"")


@pytest.mark.parametrize("data", [
    b"<",
    b"<html><body><p>",
    b"<div><p><a href='x'><script>var a = '",
    b"<?xml version='1.0' encoding='utf-8'?><html><body><p>" + "متن".encode() + b"</p>",
    b"<html>" + b"<div>" * 5000 + b"<p>" + "متن".encode(),
    b"\xef\xbb\xbf<!DOCTYPE html><title>\xd8</title>",
    b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": 5, "keywords": {"a": 1}, '
    b'"publisher": [null], "datePublished": [], "articleBody": null}</script>',
])
def test_broken_html_gives_article_or_unreadable_only(data):
    try:
        article = read_html(data)
    except UnreadableArticle as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(article, Article)


def test_article_wrapped_in_unclosed_tags_still_read():
    data = (
        "<html><head><title>خبر</title><body><div class=\"news-text\"><p>"
        "سقف کارت به کارت در نرم افزارهای پرداخت سازان همچنان تا اطلاع ثانوی ۳ میلیون تومان است."
        "<p>گفتنی است"
    ).encode()
    assert paragraphs(read_html(data)) == [
        "سقف کارت به کارت در نرم افزارهای پرداخت سازان همچنان تا اطلاع ثانوی ۳ میلیون تومان است.",
        "گفتنی است",
    ]


def test_photo_page_with_only_a_lead_uses_the_description():
    # mehr.xml item: photo news has no text but its description.
    data = (
        '<html><head><meta property="og:type" content="article">'
        '<meta property="og:title" content="آسفالت محور گردشگری گریت- سرکانه به مراحل پایانی رسید">'
        '<meta property="og:description" content="خرم‌آباد- معاون اداره‌کل راهداری و حمل‌ونقل جاده‌ای لرستان، '
        'گفت: آسفالت محور گردشگری گریت- سرکانه به مراحل پایانی رسید.">'
        "</head><body><nav><a href='/'>صفحه نخست</a></nav></body></html>"
    ).encode()
    article = read_html(data)
    assert article.title == "آسفالت محور گردشگری گریت- سرکانه به مراحل پایانی رسید"
    assert article.body == (
        "خرم‌آباد- معاون اداره‌کل راهداری و حمل‌ونقل جاده‌ای لرستان، گفت: آسفالت محور گردشگری گریت- سرکانه به مراحل پایانی رسید."
    )
