"""RSS (0.9x, 1.0, 2.0) and Atom feeds, read with feedparser: each item an article.

- title: the item's ``title``;
- body: ``content:encoded`` (Atom ``content``) as text, after the item's
  ``description``/``summary`` when the content does not begin with it; an
  item with a title and nothing else (a photo item) is still an article;
- keywords: the item's ``category`` elements (Atom ``category term``);
- date: ``pubDate`` (RFC 822, ``Mon, 19 Oct 2026 19:30:10 GMT``), Atom
  ``published``, ``dc:date``, then ``updated``; a Jalali date written in
  ``pubDate`` (some Iranian feeds do) is read too;
- url: ``link``, else a ``guid`` that is a web address; source: the feed's
  title up to its first `` | `` or `` - `` ("خبرگزاری مهر | اخبار ایران و جهان" ->
  "خبرگزاری مهر").

Keys ``#1``, ``#2``… by item. feedparser reads a feed whole: feeds are small
(a large archive of feed items comes as a JSON dump, which is streamed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date
from khabar.indexer.readers.markup import html_to_text, looks_like_html
from khabar.indexer.readers.sites import date_from_url, host_name
from khabar.indexer.readers.stream import Context, Item, article_items, guarded, read_capped

__all__ = ["read_feed"]

_SITE_SEP = re.compile(r"\s+[|\-–—:]\s+|\s*[|؛]\s*")
_WEB = re.compile(r"^https?://", re.IGNORECASE)
_MAX_FEED = 256 * 1024 * 1024


def read_feed(stream, head: bytes, context: Context) -> Iterator[Item]:
    return guarded(_items(stream), empty="feed has no items", what="bad item")


def _plain(value: str) -> str:
    if looks_like_html(value):
        value = html_to_text(value)
    return "\n\n".join(" ".join(line.split()) for line in value.split("\n") if line.strip())


def _date(entry) -> tuple[object, str]:
    """The item's date: its text read by ``parse_date`` first (feedparser misreads a Jalali
    ``pubDate``), then by feedparser (RFC 822 names its months in English)."""
    problem = ""
    for name in ("published", "created", "updated"):
        raw, parsed = entry.get(name), entry.get(f"{name}_parsed")
        if not raw and not parsed:
            continue
        date, why = article_date(raw) if raw else (None, "")
        if date is None and parsed:
            date, why = article_date("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*parsed[:6]))
        if date is not None:
            return date, ""
        problem = problem or why
    return None, problem


def _article(entry, source: str) -> Article:
    title = " ".join(_plain(entry.get("title", "")).split())
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value", "").strip()]
    body = _plain(contents[0]) if contents else ""
    summary = _plain(entry.get("summary", "") or entry.get("description", ""))
    if summary and summary not in body[: 4 * len(summary) + 200]:
        body = f"{summary}\n\n{body}" if body else summary
    if not title and not body:
        raise UnreadableArticle("no title or text")
    url = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip()
    if not url and _WEB.match(guid):
        url = guid
    keywords = split_keywords(*(tag.get("term") or tag.get("label") or "" for tag in entry.get("tags", [])))
    date, problem = _date(entry)
    if date is None:
        date = date_from_url(url)
    return Article(title=title, body=body, keywords=keywords, date=date, source=source or host_name(url), url=url,
                   problems=[problem] if problem and date is None else [])


def _items(stream) -> Iterator[Item]:
    import feedparser  # imported when a feed is read

    data = read_capped(stream, _MAX_FEED)
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise UnreadableArticle("feed has no items" + (f" ({' '.join(str(reason).split())[:80]})" if reason else ""))
    feed_title = " ".join(_plain(parsed.feed.get("title", "")).split())
    source = next((part.strip() for part in _SITE_SEP.split(feed_title) if part.strip()), "")
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            article = _article(entry, source)
        except UnreadableArticle as error:
            yield f"#{number}", f"item {number}: {error}"
            continue
        yield from article_items(f"#{number}", f"item {number}", article)
