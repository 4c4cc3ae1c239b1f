"""WARC web archives: every HTML response is a page, every other record passed over.

The archives are built here with warcio, as Heritrix and wget write them: the
modelled pages of tests/fixtures/html_older and tests/fixtures/html (real
article text in page markup, see their READMEs), each with the request that
fetched it, beside a stylesheet, an image, a redirect, a 404 and a revisit.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.readers import iter_file, read_file

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = {
    "https://www.tabnak.ir/fa/news/953251/": FIXTURES / "html_older" / "publine_tiam.html",
    "https://www.tabnak.ir/fa/news/962921/": FIXTURES / "html_older" / "publine_code_gregorian.html",
    "http://old.example.ir/news.php?id=963922": FIXTURES / "html_older" / "table_cp1256.html",
    "https://www.tabnak.ir/fa/print/953654": FIXTURES / "html_older" / "print_tiam.html",
    "https://www.mehrnews.com/news/4874574/": FIXTURES / "html" / "mehr_jsonld.html",
}
FETCHED = "2023-05-02T10:11:12Z"


def _record(writer: WARCWriter, uri: str, status: str, content_type: str | None, body: bytes,
            extra: list[tuple[str, str]] = ()) -> None:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers + list(extra), protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": FETCHED}))
    request = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "example")], is_http_request=True)
    writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=request))


def build_warc(path: Path, *, gzip: bool, pages: dict[str, Path] = PAGES) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "khabar tests"}))
        _record(writer, "https://www.tabnak.ir/client/themes/fa/main/css/style.css", "200 OK", "text/css",
                b"body { direction: rtl }")
        _record(writer, "https://www.tabnak.ir/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        _record(writer, "https://www.tabnak.ir/fa/news/953251", "301 Moved Permanently", "text/html",
                b"<html><body>Moved</body></html>", [("Location", "https://www.tabnak.ir/fa/news/953251/")])
        _record(writer, "https://www.tabnak.ir/missing", "404 Not Found", "text/html; charset=utf-8",
                "<html><body><h1>صفحه پیدا نشد</h1><p>صفحه‌ای که خواستید پیدا نشد. شاید نشانی را اشتباه نوشته‌اید.</p></body></html>".encode())
        for uri, page in pages.items():
            charset = "windows-1256" if "cp1256" in page.name else "utf-8"
            _record(writer, uri, "200 OK", f"text/html; charset={charset}", page.read_bytes())
        _record(writer, "https://www.tabnak.ir/api/news.json", "200 OK", "application/json", b'{"title": "x"}')
        writer.write_record(writer.create_revisit_record(
            "https://www.tabnak.ir/fa/news/953251/", digest="sha1:AAAA", refers_to_uri="https://www.tabnak.ir/fa/news/953251/",
            refers_to_date=FETCHED))
    return path


@pytest.mark.parametrize("name,gzip", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_a_warc_indexes_exactly_its_pages_with_urls_from_the_records(tmp_path, name, gzip):
    result = read_file(build_warc(tmp_path / name, gzip=gzip))
    assert sorted(article.url for _, article in result.articles) == sorted(PAGES)
    assert result.problems == []  # CSS, images, redirects, requests, errors, revisits: no word
    by_url = {article.url: article for _, article in result.articles}
    tiam = by_url["https://www.tabnak.ir/fa/news/953251/"]
    assert tiam.title == "سلطان قاچاق سوخت بازداشت شد"
    assert tiam.date == datetime(2020, 1, 20, 15, 23)  # the page's own date, not the fetch
    assert tiam.keywords == ["سلطان قاچاق", "قاچاق سوخت", "قاچاق کالا و ارز"]
    assert "احزابي در كنست" in by_url["http://old.example.ir/news.php?id=963922"].title  # windows-1256 page
    assert all(key.startswith("#") for key, _ in result.articles)


def test_a_page_without_a_date_of_its_own_takes_the_fetch_date(tmp_path):
    page = tmp_path / "undated.html"
    page.write_text("<html><head><title>خبر بی‌تاریخ</title></head><body><article><h1>خبر بی‌تاریخ</h1>"
                    "<p>این خبر تاریخی در صفحه ندارد و تنها زمان دریافت آن در بایگانی ثبت شده است.</p>"
                    "</article></body></html>", encoding="utf-8")
    result = read_file(build_warc(tmp_path / "a.warc.gz", gzip=True, pages={"https://example.ir/n/1": page}))
    [(_, article)] = result.articles
    assert article.date == datetime(2023, 5, 2, 10, 11, 12)


def test_an_html_page_that_is_no_article_is_named_with_its_record(tmp_path):
    front = tmp_path / "front.html"
    front.write_text("<html><body><nav><a href='/a'>الف</a> <a href='/b'>ب</a></nav></body></html>", encoding="utf-8")
    pages = dict(PAGES) | {"https://www.tabnak.ir/": front}
    result = read_file(build_warc(tmp_path / "a.warc", gzip=False, pages=pages))
    assert len(result.articles) == len(PAGES)
    [problem] = result.problems
    assert "(https://www.tabnak.ir/)" in problem and problem.startswith("record ")


def test_a_warc_without_pages_is_unreadable(tmp_path):
    path = build_warc(tmp_path / "a.warc", gzip=False, pages={})
    with pytest.raises(UnreadableArticle, match="no HTML page"):
        read_file(path)


@pytest.mark.parametrize("name,gzip", [("cut.warc", False), ("cut.warc.gz", True)])
def test_a_warc_cut_short_keeps_the_pages_before_the_cut_and_says_so(tmp_path, name, gzip):
    data = build_warc(tmp_path / f"whole-{name}", gzip=gzip).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: int(len(data) * 0.8)])  # inside the last page
    items = list(iter_file(cut))
    articles = [value for _, value in items if isinstance(value, Article)]
    assert [a.url for a in articles] == list(PAGES)[:-1]
    assert isinstance(items[-1][1], str) and "cut short" in items[-1][1]
