"""``khabar serve`` through Starlette's test client: every page and API route, bad input,
hostile article text, and the API equal to the command line's ``--json``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import tomllib
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from markupsafe import escape

pytest.importorskip("starlette", reason="the web extras (starlette, jinja2, uvicorn) are not installed")
pytest.importorskip("httpx", reason="Starlette's test client needs httpx (the test extra)")

from starlette.testclient import TestClient  # noqa: E402

from khabar import cli  # noqa: E402
from khabar.indexer.errors import IndexUnavailable  # noqa: E402
from khabar.search.articles import StoredArticle, find_article  # noqa: E402
from khabar.search.engine import Hit, SearchResults, search  # noqa: E402
from khabar.search.web import app as web  # noqa: E402
from khabar.search.web import display  # noqa: E402
from khabar.search.web import facets as facets_module  # noqa: E402
from khabar.search.web.facets import Bar, Facets, facet_counts, search_source  # noqa: E402

from conftest import REPO, write_articles  # noqa: E402

SEED_QUERY = "تعاونی دانش بنیان"
SEED_TITLE = "مدیر کل تعاون، کار و رفاه اجتماعی لرستان"


@pytest.fixture(scope="module")
def client(bundled_index) -> TestClient:
    return TestClient(web.create_app(bundled_index), base_url="http://127.0.0.1")


def cli_json(index_dir: Path, *arguments: str) -> str:
    result = CliRunner().invoke(cli.main, [*arguments, "--json", "--index", str(index_dir)])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its <script> elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [found for name, found in self.tags
                if name == tag and all(found.get(key) == value for key, value in attrs.items())]

    def hrefs(self) -> list[str]:
        return [attrs["href"] for name, attrs in self.tags if name == "a" and attrs.get("href")]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- pages --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", f"/?q={SEED_QUERY}", "/?q=کرونا&sort=date&page=2", "/keywords",
                                  "/keywords?top=5&by=month", "/keywords?by=source", "/keywords?k=کرونا",
                                  "/stats"])
def test_every_page_is_persian_right_to_left_and_locked_down(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fa" dir="rtl">' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    page = Tags(response.text)
    assert page.script_text == []  # no inline script anywhere
    assert not [attrs for _, attrs in page.tags if "style" in attrs]  # nor an inline style the CSP would block
    assert page.find("link", rel="stylesheet", href="/static/khabar.css")


def test_the_seed_article_comes_first_with_its_jalali_date(client):
    response = client.get("/", params={"q": SEED_QUERY, "from": "1401/12", "to": "1401/12"})
    assert response.status_code == 200
    first = response.text.split('<li class="result">')[1]
    assert SEED_TITLE in first
    assert "۲۴ اسفند ۱۴۰۱" in first  # Jalali, in Persian digits
    assert '<bdi class="gregorian" dir="ltr">2023-03-15</bdi>' in first  # the Gregorian date beside it
    assert "<mark>" in first and "پیام آذری" in first
    assert "۱ خبر یافت شد" in visible_text(response.text)


@pytest.mark.parametrize("date_from, date_to", [("۱۴۰۱/۱۲", "۱۴۰۱/۱۲"), ("1401-12-01", "1401/12/29"),
                                                ("اسفند ۱۴۰۱", "۲۹ اسفند ۱۴۰۱"), ("1401", "")])
def test_date_fields_take_any_digit_form_and_month_or_year_shorthand(client, date_from, date_to):
    response = client.get("/", params={"q": SEED_QUERY, "from": date_from, "to": date_to})
    assert response.status_code == 200
    assert SEED_TITLE in response.text.split('<li class="result">')[1]
    assert f'name="from" value="{date_from}"' in response.text  # shown again as typed


def test_results_page_paginates_with_persian_numbers(client):
    total = search(client.app.state.site.index_dir, "کرونا").total
    response = client.get("/", params={"q": "کرونا", "page": 2})
    page = Tags(response.text)
    assert len(page.find("li", **{"class": "result"})) == 10
    assert f"{display.fa_number(total)} خبر یافت شد؛ ۱۱ تا ۲۰" in visible_text(response.text)
    assert any("page=3" in href for href in page.hrefs())
    assert page.find("a", rel="prev") and page.find("a", rel="next")
    beyond = client.get("/", params={"q": "کرونا", "page": 999})
    assert beyond.status_code == 200 and "این صفحه خالی است" in beyond.text


def test_article_page_has_the_full_text_and_keyword_links(client, bundled_index):
    found = search(bundled_index, SEED_QUERY, date_from="1401/12", date_to="1401/12").hits[0]
    response = client.get("/article", params={"id": found.id})
    assert response.status_code == 200
    text = response.text
    assert f"<h1>{found.title}</h1>" in text
    assert "۲۴ اسفند ۱۴۰۱" in text and "2023-03-15" in text
    page = Tags(text)
    keyword_links = [href for href in page.hrefs() if href.startswith("/keywords?k=")]
    assert [parse_qs(urlsplit(href).query)["k"][0] for href in keyword_links] == found.keywords
    external = page.find("a", **{"class": "url"})
    assert external and external[0]["href"] == found.url and external[0]["dir"] == "ltr"
    assert "noreferrer" in external[0]["rel"]
    assert len(page.find("p")) > 5  # the body's paragraphs
    similar = text.split('<section class="similar"')[1]  # khabar similar's articles, linked
    assert "خبرهای مشابه" in similar and similar.count('<li class="result">') == web.SIMILAR_ON_PAGE


def test_keyword_lookup_and_top_keywords_by_month(client, bundled_index):
    lookup = client.get("/keywords", params={"k": "کرونا"})
    assert lookup.status_code == 200 and "کلیدواژهٔ <bdi>کرونا</bdi>" in lookup.text
    by_month = client.get("/keywords", params={"top": 3, "by": "month"})
    assert by_month.status_code == 200
    assert "ماه به ماه" in by_month.text and "آبان ۱۳۹۸" in by_month.text
    counts = json.loads(cli_json(bundled_index, "keywords", "--top", "3", "--by", "month"))["keywords"]
    for row in counts[:5]:
        assert f"<bdi>{escape(row['keyword'])}</bdi>" in by_month.text


def test_stats_page_describes_the_index(client, bundled_index):
    response = client.get("/stats")
    text = visible_text(response.text)
    assert "۳۰۱" in text and "۱۲ آبان ۱۳۹۸ تا ۲۴ اسفند ۱۴۰۱" in text
    assert "عصر ایران" in text and "۱۰۶" in text
    assert f'dir="ltr" class="path">{bundled_index}</bdi>' in response.text


def test_every_page_links_its_json_twin(client):
    for path, api in [(f"/?q={SEED_QUERY}", "/api/search?q="), ("/stats", "/api/stats"),
                      ("/keywords", "/api/keywords?top=20"), ("/keywords?k=کرونا", "/api/keywords?k=")]:
        page = Tags(client.get(path).text)
        twin = page.find("a", **{"class": "api"})
        assert twin and twin[0]["href"].startswith(api), path
        assert client.get(twin[0]["href"]).status_code == 200


# --- the JSON API is the command line's --json ---------------------------------------------------

SEARCHES = [
    {"q": SEED_QUERY},
    {"q": SEED_QUERY, "from": "1401/12", "to": "1401/12"},
    {"q": "کرونا", "limit": "5", "page": "3"},
    {"q": '"ویروس کرونا"', "sort": "date"},
    {"q": "title:کرونا OR keywords:ماسک", "from": "۱۳۹۹/۰۱"},
    {"q": "کرونا -ماسک", "to": "1398"},
    {"q": "واژه‌ای-که-نیست"},
]


@pytest.mark.parametrize("params", SEARCHES, ids=lambda params: " ".join(params.values()))
def test_api_search_is_exactly_the_cli_json(client, bundled_index, params):
    arguments = ["search", params["q"]]
    for name in ("from", "to", "limit", "page", "sort"):
        if name in params:
            arguments += [f"--{name}", params[name]]
    response = client.get("/api/search", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text + "\n" == cli_json(bundled_index, *arguments)


@pytest.mark.parametrize("params, arguments", [
    ({"k": ["کرونا", "دانش‌بنیان"]}, ["keywords", "کرونا", "دانش‌بنیان"]),
    ({"k": "كرونا", "from": "1399/01", "limit": "3"}, ["keywords", "كرونا", "--from", "1399/01", "--limit", "3"]),
    ({"top": "10"}, ["keywords", "--top", "10"]),
    ({"top": "3", "by": "month"}, ["keywords", "--top", "3", "--by", "month"]),
    ({"top": "2", "by": "source", "to": "1399"}, ["keywords", "--top", "2", "--by", "source", "--to", "1399"]),
])
def test_api_keywords_is_exactly_the_cli_json(client, bundled_index, params, arguments):
    response = client.get("/api/keywords", params=params)
    assert response.status_code == 200
    assert response.text + "\n" == cli_json(bundled_index, *arguments)


def test_api_show_and_stats_are_exactly_the_cli_json(client, bundled_index):
    for hit in search(bundled_index, SEED_QUERY, limit=3).hits:
        response = client.get("/api/show", params={"id": hit.id})
        assert response.status_code == 200
        assert response.text + "\n" == cli_json(bundled_index, "show", hit.id)
    assert client.get("/api/stats").text + "\n" == cli_json(bundled_index, "stats")


def test_api_facets_counts_every_match(client, bundled_index):
    data = client.get("/api/facets", params={"q": "کرونا"}).json()
    assert data["total"] == search(bundled_index, "کرونا").total
    assert sum(row["count"] for row in data["sources"]) == data["total"]
    assert sum(row["count"] for row in data["timeline"]) + data["undated"] == data["total"]


# --- bad input: the page with the reason and 400, never a 500 -------------------------------------

@pytest.mark.parametrize("params, reason", [
    ({"q": '"تعاونی'}, "a quote (\") is not closed"),
    ({"q": "(تعاونی"}, "not closed"),
    ({"q": "foo:بار"}, "foo"),
    ({"q": "تعاونی", "from": "1401/13/40"}, "1401/13/40"),
    ({"q": "تعاونی", "from": "1401/12/29", "to": "1401/12/01"}, "after"),
    ({"q": "تعاونی", "to": "فردا"}, "not a recognised date"),
    ({"q": "تعاونی", "limit": "0"}, "limit must be a whole number from 1 to 1000"),
    ({"q": "تعاونی", "limit": "بسیار"}, "limit"),
    ({"q": "تعاونی", "page": "-1"}, "page"),
    ({"q": "تعاونی", "sort": "random"}, "sort must be one of relevance, date"),
])
def test_bad_input_gives_the_page_with_one_line_and_400(client, params, reason):
    page = client.get("/", params=params)
    assert page.status_code == 400
    assert '<html lang="fa" dir="rtl">' in page.text and "Traceback" not in page.text
    error = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text, re.S)
    assert error and reason in error.group(1).replace("&#34;", '"') and "\n" not in error.group(1).strip()
    assert 'name="q" type="search" value="' in page.text  # the form is there to correct it
    api = client.get("/api/search", params=params)
    assert api.status_code == 400 and reason in api.json()["error"]


@pytest.mark.parametrize("path, status", [
    ("/api/search", 400),  # no query: the CLI's "the query is empty"
    ("/api/keywords", 400), ("/api/keywords?top=3&k=x", 400), ("/api/keywords?by=month&k=x", 400),
    ("/api/keywords?top=0", 400), ("/api/keywords?k=%20&k=‌", 400),
    ("/api/search?q=x&source=تابناک", 400),  # the CLI has no source filter: not silently ignored
    ("/api/show", 400), ("/api/show?id=no-such-article", 404), ("/article?id=no-such-article", 404),
    ("/article", 400), ("/keywords?top=x", 400), ("/keywords?from=1401/13", 400), ("/no-such-page", 404),
])
def test_other_bad_requests_say_why(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if path.startswith("/api/"):
        assert response.json()["error"]
    else:
        assert '<p class="error" role="alert">' in response.text


def test_an_empty_query_shows_the_form_only(client):
    for path in ("/", "/?q=", "/?q=%20%20"):
        response = client.get(path)
        assert response.status_code == 200 and '<li class="result">' not in response.text


def test_the_server_only_reads(client):
    for method in ("post", "put", "delete", "patch"):
        response = client.request(method, "/api/search?q=x")
        assert response.status_code == 405
    assert client.post("/").status_code == 405


def test_other_host_names_are_refused(client):
    """A page on another site cannot reach the local server through DNS rebinding."""
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8080"}).status_code == 200


def test_no_index_is_503_not_500(tmp_path):
    missing = TestClient(web.create_app(tmp_path / "none"), base_url="http://127.0.0.1")
    for path in ("/?q=x", "/stats", "/keywords", "/article?id=x"):
        response = missing.get(path)
        assert response.status_code == 503, path
        assert '<p class="error" role="alert">' in response.text
    assert missing.get("/api/search?q=x").status_code == 503
    assert "index" in missing.get("/api/stats").json()["error"]


def test_a_bug_is_a_page_without_a_traceback(bundled_index, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(web, "index_stats", broken)
    client = TestClient(web.create_app(bundled_index), base_url="http://127.0.0.1", raise_server_exceptions=False)
    for path in ("/stats", "/api/stats"):
        response = client.get(path)
        assert response.status_code == 500
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert "unsafe-inline" not in response.headers["content-security-policy"]


# --- hostile article text --------------------------------------------------------------------------

HOSTILE = [
    {"id": "hostile-1", "url": "javascript:alert(1)", "source": "<b onmouseover=alert(2)>منبع</b>",
     "title": "<script>alert('title')</script> کرونا تیتر",
     "body": "کرونا <img src=x onerror=alert(3)> و <script>alert('body')</script> \" onmouseover=\"alert(4)\n"
             "بند دوم <a href='javascript:alert(5)'>پیوند</a> کرونا",
     "keywords": ["<script>alert('kw')</script>", "\" onerror=\"alert(6)", "کرونا"], "date": "1401/12/20 10:00"},
    {"id": "hostile-2\"><script>alert(7)</script>", "url": "https://example.com/a\"onmouseover=\"alert(8)",
     "source": "منبع", "title": "کرونا دوم \"><svg onload=alert(9)>", "body": "متن کرونا", "date": "1401/12/21 10:00"},
    {"id": "hostile-3", "url": " JaVaScRiPt:alert(10)", "source": "منبع", "title": "کرونا سوم",
     "body": "کرونا", "date": "1401/11/21 10:00"},
    {"id": "hostile-4", "url": "data:text/html,<script>alert(11)</script>", "source": "منبع",
     "title": "کرونا چهارم", "body": "کرونا", "date": "1401/10/21 10:00"},
    {"id": "hostile-5", "url": "//evil.example/protocol-relative", "source": "منبع", "title": "کرونا پنجم",
     "body": "کرونا", "keywords": ["javascript:alert(12)"], "date": "1401/10/22 10:00"},
]


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory) -> TestClient:
    from khabar.indexer.update import update_index

    folder = tmp_path_factory.mktemp("hostile")
    write_articles(folder / "news" / "hostile.jsonl", HOSTILE)
    update_index(folder / "ix", [folder / "news"])
    return TestClient(web.create_app(folder / "ix"), base_url="http://127.0.0.1")


def assert_inert(html: str) -> None:
    """No markup from an article: no script but ours, no event handler, no javascript:/data: link."""
    page = Tags(html)
    assert page.script_text == []
    assert [attrs.get("src") for tag, attrs in page.tags if tag == "script"] == ["/static/khabar.js"]
    for tag, attrs in page.tags:
        assert tag not in ("img", "svg", "b", "iframe", "object"), (tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "//")), (tag, attrs)


def test_hostile_text_is_escaped_on_every_page(hostile_client):
    results = hostile_client.get("/", params={"q": "کرونا"})
    assert results.status_code == 200 and "۵ خبر یافت شد" in visible_text(results.text)
    assert_inert(results.text)
    stored = hostile_client.app.state.site.index_dir
    for article in HOSTILE:  # whatever the readers kept of the markup is shown as text
        assert str(escape(find_article(stored, article["id"]).title)) in results.text
    for article in HOSTILE:
        page = hostile_client.get("/article", params={"id": article["id"]})
        assert page.status_code == 200, article["id"]
        assert_inert(page.text)
    for path in ("/keywords", "/keywords?by=source", "/keywords?k=کرونا", "/stats", "/?q=کرونا&source=منبع",
                 "/?q=کرونا&source=<b onmouseover=alert(2)>منبع</b>"):
        page = hostile_client.get(path)
        assert page.status_code == 200, path
        assert_inert(page.text)


HOSTILE_TEXT = "<script>alert(1)</script><img src=x onerror=alert(2)>\"' onmouseover=alert(3) &amp;"


def test_hostile_text_from_the_library_is_escaped(bundled_index, monkeypatch):
    """Whatever the readers let through: every field of a hit or an article is escaped by the templates."""
    hit = Hit(id=HOSTILE_TEXT, url="javascript:alert(4)", title=HOSTILE_TEXT, source=HOSTILE_TEXT,
              date="2023-03-15T05:21:00Z", jalali_date="1401/12/24", keywords=[HOSTILE_TEXT],
              score=1.0, snippet=f"{display.MARK_START}{HOSTILE_TEXT}{display.MARK_END} {HOSTILE_TEXT}")
    article = StoredArticle(id=HOSTILE_TEXT, url="javascript:alert(5)", title=HOSTILE_TEXT, source=HOSTILE_TEXT,
                            date="2023-03-15T05:21:00Z", jalali_date="1401/12/24", keywords=[HOSTILE_TEXT],
                            body=f"{HOSTILE_TEXT}\n{HOSTILE_TEXT}")
    monkeypatch.setattr(web, "search", lambda *args, **kwargs: SearchResults(HOSTILE_TEXT, 1, [hit]))
    monkeypatch.setattr(web, "facet_counts", lambda *args, **kwargs: Facets(1, [(HOSTILE_TEXT, 1)], [Bar("1401/12", 1)]))
    monkeypatch.setattr(web, "find_article", lambda *args: article)
    monkeypatch.setattr(web, "similar_articles", lambda *args: [hit])
    client = TestClient(web.create_app(bundled_index), base_url="http://127.0.0.1")
    monkeypatch.setattr(web, "search_source", lambda *args, **kwargs: SearchResults(HOSTILE_TEXT, 1, [hit]))
    for path, params in (("/", {"q": HOSTILE_TEXT}), ("/", {"q": "x", "source": HOSTILE_TEXT}),
                         ("/article", {"id": "x"})):
        response = client.get(path, params=params)
        assert response.status_code == 200
        assert response.text.count('<li class="result">') == 1
        assert_inert(response.text)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in response.text
        assert "&amp;amp;" in response.text  # escaped once, as text


def test_only_http_urls_become_links(hostile_client):
    for article in HOSTILE:
        page = Tags(hostile_client.get("/article", params={"id": article["id"]}).text)
        links = page.find("a", **{"class": "url"})
        if article["url"].startswith("https://"):
            assert links[0]["href"] == article["url"]  # the quote is escaped, not an attribute's end
        else:
            assert links == [], article["url"]


def test_link_url_accepts_http_and_https_only():
    assert display.link_url("https://www.isna.ir/news/1") == "https://www.isna.ir/news/1"
    assert display.link_url("HTTP://example.com") == "HTTP://example.com"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "vbscript:x",
                "//evil.example", "/relative", "http:///nohost", "https://exa mple.com", "http://a.com/\nb", "", None):
        assert display.link_url(bad) is None, bad


def test_snippet_marks_are_the_only_markup():
    html = display.snippet_html("a <b>x</b> \x02کرونا\x03 & \x02\"q\"\x03")
    assert html == 'a &lt;b&gt;x&lt;/b&gt; <mark>کرونا</mark> &amp; <mark>&#34;q&#34;</mark>'
    assert display.snippet_html("\x02unclosed") == "<mark>unclosed</mark>"
    assert display.snippet_html("stray\x03 end") == "stray end"


# --- facets, the timeline and the source filter ----------------------------------------------------

@pytest.mark.parametrize("query, date_from, date_to", [
    ("کرونا", None, None), (SEED_QUERY, None, None), ('"ویروس کرونا"', "1398/12", "1399/02"),
    ("title:کرونا OR keywords:ماسک", None, None), ("کرونا -ماسک", "1399", None), ("ایران AND NOT بورس", None, None),
])
def test_facets_count_the_same_matches_as_the_engine(bundled_index, query, date_from, date_to):
    facets = facet_counts(bundled_index, query, date_from=date_from, date_to=date_to)
    assert facets.total == search(bundled_index, query, date_from=date_from, date_to=date_to).total
    assert sum(count for _, count in facets.sources) == facets.total
    everywhere = search(bundled_index, query).total
    assert sum(bar.count for bar in facets.timeline) + facets.undated == everywhere  # the timeline ignores dates
    months = [bar.period for bar in facets.timeline]
    assert months == sorted(months) and len(set(months)) == len(months)


def test_timeline_months_are_consecutive_and_the_chosen_ones_marked(bundled_index):
    facets = facet_counts(bundled_index, SEED_QUERY, date_from="1401/12", date_to="1401/12")
    assert facets.by == "month"
    assert facets.timeline[0].period <= "1398/08" and facets.timeline[-1].period == "1401/12"
    assert len(facets.timeline) == (1401 - 1398) * 12 + 12 - int(facets.timeline[0].period[5:]) + 1
    assert [bar.period for bar in facets.timeline if bar.selected] == ["1401/12"]
    assert facets.total == 1 and facets.sources == [("پیام آذری", 1)]


def test_clicking_a_month_filters_to_it(client, bundled_index):
    page = Tags(client.get("/", params={"q": "کرونا"}).text)
    [month] = page.find("a", **{"data-period": "1399/01"})
    params = {name: values[0] for name, values in parse_qs(urlsplit(month["href"]).query).items()}
    assert params == {"q": "کرونا", "from": "1399/01", "to": "1399/01"}
    filtered = client.get(month["href"])
    expected = search(bundled_index, "کرونا", date_from="1399/01", date_to="1399/01")
    assert f"{display.fa_number(expected.total)} خبر یافت شد" in visible_text(filtered.text)
    assert display.fa_number(expected.total) in month["title"]
    marked = [attrs for tag, attrs in Tags(filtered.text).tags if tag == "li" and "selected" in attrs.get("class", "")]
    assert len(marked) == 1  # the month stays in view, marked


def test_a_timeline_of_many_years_is_drawn_by_year(tmp_path):
    from khabar.indexer.update import update_index

    articles = [{"id": f"y{year}", "title": "سال", "body": "خبر سال", "source": "منبع", "date": f"{year}/05/05"}
                for year in (1380, 1390, 1400)]
    write_articles(tmp_path / "news" / "years.jsonl", articles)
    update_index(tmp_path / "ix", [tmp_path / "news"])
    facets = facet_counts(tmp_path / "ix", "خبر")
    assert facets.by == "year"
    assert [(bar.period, bar.count) for bar in facets.timeline][:2] == [("1380", 1), ("1381", 0)]
    assert len(facets.timeline) == 21


def test_source_filter_keeps_the_engine_order(client, bundled_index, monkeypatch):
    monkeypatch.setattr(facets_module, "SOURCE_SCAN", 7)  # without counts: many small steps through the ranking
    everything = search(bundled_index, "کرونا", limit=1000).hits
    wanted = [hit.id for hit in everything if hit.source == "تابناک"]
    facets = facet_counts(bundled_index, "کرونا", source="تابناک")
    assert facets.total == len(wanted)
    matches = sum(count for _, count in facets.sources)
    for known in ({"matches": matches}, {}):  # a first guess of how far to look, or none
        pages = [search_source(bundled_index, "کرونا", "تابناک", total=facets.total, limit=4, page=page, **known)
                 for page in range(1, len(wanted) // 4 + 3)]
        assert [hit.id for page in pages for hit in page.hits] == wanted
    rare = [hit.id for hit in everything if hit.source == "مشرق نیوز"]  # fewer, found further down
    found = search_source(bundled_index, "کرونا", "مشرق نیوز", total=len(rare), matches=matches, limit=50)
    assert [hit.id for hit in found.hits] == rare
    response = client.get("/", params={"q": "کرونا", "source": "تابناک"})
    text = visible_text(response.text)
    assert f"{display.fa_number(len(wanted))} خبر یافت شد" in text
    sources = re.findall(r'<a class="source" href="[^"]*"><bdi>([^<]*)</bdi>', response.text)
    assert sources and set(sources) == {"تابناک"}
    assert '<option value="تابناک" selected>' in response.text


# --- seams for issue 15: folded copies and similar articles -----------------------------------------

def test_copies_of_a_story_fold_under_it(bundled_index, monkeypatch):
    original = web.search

    def collapsing(*args, **kwargs):  # the bundled sample holds no copies: two hits made copies of the first
        results = original(*args, **kwargs)
        results.hits[0].duplicates = [{"id": hit.id, "url": hit.url, "source": hit.source, "jalali_date": hit.jalali_date}
                                       for hit in results.hits[1:3]]
        del results.hits[1:3]
        results.stories = results.total - 2
        return results

    monkeypatch.setattr(web, "search", collapsing)
    client = TestClient(web.create_app(bundled_index), base_url="http://127.0.0.1")
    response = client.get("/", params={"q": "کرونا"})
    assert '<details class="copies">' in response.text and "۲ نسخهٔ دیگر از همین خبر" in response.text
    assert response.text.count('<details class="copies">') == 1
    copies = response.text.split('<details class="copies">')[1].split("</details>")[0]
    assert copies.count('<a href="/article?id=') == 2
    total = search(bundled_index, "کرونا").total
    heading = response.text.split('id="results-heading"')[1].split("</h2>")[0]
    assert f"{display.fa_number(total - 2)} خبر ({display.fa_number(total)} نسخه) یافت شد" in heading


def test_similar_articles_are_listed_when_the_library_finds_them(bundled_index, monkeypatch):
    hits = search(bundled_index, "کرونا", limit=2).hits
    monkeypatch.setattr(web, "similar_articles", lambda index_dir, article: hits)
    client = TestClient(web.create_app(bundled_index), base_url="http://127.0.0.1")
    response = client.get("/article", params={"id": hits[0].id})
    section = response.text.split('<section class="similar"')[1]
    assert "خبرهای مشابه" in section and section.count('<li class="result">') == 2


# --- display helpers ------------------------------------------------------------------------------

def test_display_forms():
    assert display.fa_digits("1401/12/24") == "۱۴۰۱/۱۲/۲۴"
    assert display.fa_number(12345) == "۱۲٬۳۴۵"
    assert display.jalali_long("1401/12/24") == "۲۴ اسفند ۱۴۰۱"
    assert display.gregorian("1401/12/24") == "2023-03-15"
    assert display.gregorian("1399/01/01") == "2020-03-20"
    assert display.month_label("1399/07") == "مهر ۱۳۹۹" and display.month_label("1400") == "۱۴۰۰"
    assert display.jalali_moment("2023-03-15T05:21:00Z") == "۲۴ اسفند ۱۴۰۱، ساعت ۰۸:۵۱"
    assert display.size(3_774_873) == "۳٫۶ مگابایت" and display.size(10) == "۱۰ بایت"
    assert display.jalali_long(None) == "" and display.gregorian("") == ""


# --- serving ---------------------------------------------------------------------------------------

def test_serve_answers_over_http_and_stops(bundled_index):
    server = web.make_server(bundled_index, host="127.0.0.1", port=0)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        with urllib.request.urlopen(server.url + "api/stats", timeout=10) as response:
            assert json.load(response)["articles"] == 301
            assert response.headers["Server-Timing"].startswith("app;dur=")
    finally:
        server.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_warm_up_searches_once_and_survives_an_unusable_index(tmp_path, bundled_index, monkeypatch):
    frozen: list[bool] = []
    monkeypatch.setattr(web.gc, "freeze", lambda: frozen.append(True))
    web.warm_up(bundled_index)
    web.warm_up(tmp_path / "none")  # the first request reports it instead
    assert frozen == [True, True]


def test_serve_says_no_index_and_port_in_use_before_starting(tmp_path, bundled_index):
    with pytest.raises(IndexUnavailable):
        web.make_server(tmp_path / "none", port=0)
    first = web.make_server(bundled_index, port=0)
    port = int(first.url.rsplit(":", 1)[1].strip("/"))
    first.listener.listen()
    try:
        with pytest.raises(OSError) as refused:
            web.make_server(bundled_index, port=port)
        assert refused.value.filename == f"127.0.0.1:{port}"
    finally:
        first.listener.close()


@pytest.fixture
def no_warm_up(monkeypatch):
    """serve() freezes the garbage collector for its process: not for the test process."""
    warmed: list[Path] = []
    monkeypatch.setattr(web, "warm_up", warmed.append)
    return warmed


def test_serve_warns_when_it_listens_beyond_this_machine(bundled_index, monkeypatch, no_warm_up):
    said: list[str] = []
    monkeypatch.setattr(web.Server, "run", lambda self: self.listener.close())
    web.serve(bundled_index, host="0.0.0.0", port=0, echo=said.append)
    assert "warning" in said[0] and "0.0.0.0" in said[0]
    assert said[1].startswith("khabar: serving ") and "http://127.0.0.1:" in said[1]
    said.clear()
    web.serve(bundled_index, host="127.0.0.1", port=0, echo=said.append)
    assert len(said) == 2 and "warning" not in said[0] and said[1] == "khabar: stopped"
    assert web.is_loopback("localhost") and web.is_loopback("::1") and web.is_loopback("127.0.0.2")
    assert not web.is_loopback("0.0.0.0") and not web.is_loopback("192.168.1.5")
    assert no_warm_up == [bundled_index, bundled_index]


def test_ctrl_c_stops_serving_without_a_failure(bundled_index, monkeypatch, no_warm_up):
    said: list[str] = []

    def interrupted(self):
        self.listener.close()
        raise KeyboardInterrupt  # what uvicorn raises again after its graceful shutdown

    monkeypatch.setattr(web.Server, "run", interrupted)
    web.serve(bundled_index, port=0, echo=said.append)
    assert said[-1] == "khabar: stopped"


def test_static_files_and_the_bundled_font(client):
    css = client.get("/static/khabar.css")
    assert css.status_code == 200 and "Vazirmatn" in css.text
    assert "unsafe-inline" not in css.headers["content-security-policy"]
    font = client.get("/static/fonts/Vazirmatn-wght.woff2")
    assert font.status_code == 200 and font.content[:4] == b"wOF2"
    assert "SIL OPEN FONT LICENSE" in client.get("/static/fonts/OFL.txt").text
    assert client.get("/static/khabar.js").status_code == 200


def test_templates_and_static_files_are_package_data():
    """Every file the application reads is named by pyproject's package-data, so a wheel carries it."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["khabar"]
    named = {path for pattern in patterns for path in REPO.glob(pattern) if path.is_file()}
    web_dir = REPO / "search" / "web"
    needed = {path for folder in ("templates", "static") for path in (web_dir / folder).rglob("*") if path.is_file()}
    assert needed and needed <= named, sorted(str(path) for path in needed - named)


def test_the_framework_is_imported_by_serve_alone():
    """``khabar --help`` and the other commands start without Starlette, Jinja2 or uvicorn."""
    code = ("import sys; import khabar.cli, khabar.search.web; "
            "print(sorted(m for m in ('starlette', 'jinja2', 'uvicorn') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the command (cli.py adds it: these run once it is there) ----------------------------------------

@pytest.fixture
def serve_command(monkeypatch, no_warm_up):
    if "serve" not in cli.main.commands:
        pytest.skip("cli.py has no serve command yet")
    said: list[str] = []
    monkeypatch.setattr(web.Server, "run", lambda self: (said.append(self.url), self.listener.close()))
    return said


def test_khabar_serve_with_no_index_serves_the_bundled_corpus(serve_command):
    result = CliRunner().invoke(cli.main, ["serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert "building the index" in result.stderr and "khabar: serving " in result.stderr
    assert result.stdout == "" and serve_command and serve_command[0].startswith("http://127.0.0.1:")


def test_khabar_serve_exit_statuses(serve_command, tmp_path, bundled_index):
    missing = CliRunner().invoke(cli.main, ["serve", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 3 and "no index" in missing.stderr
    taken = web.make_server(bundled_index, port=0)
    taken.listener.listen()
    port = taken.url.rsplit(":", 1)[1].strip("/")
    try:
        busy = CliRunner().invoke(cli.main, ["serve", "--index", str(bundled_index), "--port", port])
    finally:
        taken.listener.close()
    assert busy.exit_code == 4 and f"127.0.0.1:{port}" in busy.stderr and "Traceback" not in busy.output
    wide = CliRunner().invoke(cli.main, ["serve", "--index", str(bundled_index), "--host", "0.0.0.0", "--port", "0"])
    assert wide.exit_code == 0 and "warning" in wide.stderr
