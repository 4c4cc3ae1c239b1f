"""Web archives (WARC, and the older ARC): every HTML page in them is an article.

Read with warcio, record by record, as a stream: ``.warc`` and ``.warc.gz``
(each record compressed on its own, as Heritrix, wget ``--warc-file``,
browsertrix and the Internet Archive write them), any size.

- a ``response`` record with HTTP status 200 and an HTML body
  (``text/html``, ``application/xhtml+xml``), or a ``resource`` record of
  HTML, is a page for the HTML reader (``html.py``, with the HTTP header's
  charset when the page declares none);
- its URL is the record's ``WARC-Target-URI``; its date the page's own,
  else the record's ``WARC-Date`` (when the page was fetched);
- every other record is passed over without a word: requests, metadata,
  ``warcinfo``, revisits, redirects and errors (3xx, 4xx, 5xx), and
  responses that are no HTML (CSS, scripts, images, JSON);
- an HTML page that holds no article (a section front, a search page) is a
  problem naming its record number and URL.

Keys ``#N``: the record's place in the file, counting every record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from khabar.indexer.article import UnreadableArticle
from khabar.indexer.dates import article_date
from khabar.indexer.readers.stream import MAX_SINGLE_ARTICLE, Context, Item, article_items, guarded

__all__ = ["read_warc"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def read_warc(stream, context: Context) -> Iterator[Item]:
    return guarded(_items(stream, context), empty="the web archive holds no HTML page", what="page problem")


def _is_html(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def _items(stream, context: Context) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    from khabar.indexer.readers.html import read_html

    number = 0
    for record in ArchiveIterator(stream, arc2warc=True, ensure_http_headers=False):
        number += 1
        if record.rec_type == "response":
            http = record.http_headers
            if http is None or (http.get_statuscode() or "") != "200":
                continue
            content_type = http.get_header("Content-Type") or ""
        elif record.rec_type == "resource":
            content_type = record.rec_headers.get_header("Content-Type") or ""
        else:
            continue
        if not _is_html(content_type):
            continue
        uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
        label = f"record {number}" + (f" ({uri})" if uri else "")
        data = record.content_stream().read(MAX_SINGLE_ARTICLE + 1)
        if len(data) > MAX_SINGLE_ARTICLE:
            yield f"#{number}", f"{label}: larger than {MAX_SINGLE_ARTICLE >> 20} MB, not read"
            continue
        charset = _CHARSET.search(content_type)
        try:
            article = read_html(data, path=uri, charset=charset.group(1) if charset else None)
        except UnreadableArticle as error:
            yield f"#{number}", f"{label}: {error}"
            continue
        if uri:
            article.url = uri
        if article.date is None:
            fetched, _ = article_date(record.rec_headers.get_header("WARC-Date") or "")
            if fetched is not None:
                article.date = fetched
                article.problems = []
        yield from article_items(f"#{number}", label, article)
