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

    counted = _Counting(stream)
    iterator = ArchiveIterator(counted, arc2warc=True, ensure_http_headers=False)
    number = 0
    end = 0
    for record in iterator:
        number += 1
        items = list(_page(number, record))  # a page at most: read before the record is known whole
        end = iterator.get_record_offset() + iterator.get_record_length()
        missing = getattr(record.raw_stream, "limit", 0) or 0
        if missing > 0:  # the file ends before the record does
            yield f"#{number}", f"record {number} is cut short ({missing} bytes missing): not read"
            return
        yield from items
    # warcio ends quietly where a file is cut inside a record: say so.
    if counted.count - end > _SLACK:
        yield f"#{number + 1}", (f"the archive ends inside a record after record {number} "
                                 f"({counted.count - end} bytes not read: cut short?)")


_SLACK = 64  # newlines and padding a writer may leave after the last record


class _Counting:
    """A stream that counts the bytes read from it."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self.count += len(data)
        return data


def _page(number: int, record) -> Iterator[Item]:
    """The page a record holds, or nothing when it is no HTML page (see the module doc)."""
    from khabar.indexer.readers.html import read_html

    if record.rec_type == "response":
        http = record.http_headers
        if http is None or (http.get_statuscode() or "") != "200":
            return
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return
    if not _is_html(content_type):
        return
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    label = f"record {number}" + (f" ({uri})" if uri else "")
    data = record.content_stream().read(MAX_SINGLE_ARTICLE + 1)
    if len(data) > MAX_SINGLE_ARTICLE:
        yield f"#{number}", f"{label}: larger than {MAX_SINGLE_ARTICLE >> 20} MB, not read"
        return
    charset = _CHARSET.search(content_type)
    try:
        article = read_html(data, path=uri, charset=charset.group(1) if charset else None)
    except UnreadableArticle as error:
        yield f"#{number}", f"{label}: {error}"
        return
    if uri:
        article.url = uri
    if article.date is None:
        fetched, _ = article_date(record.rec_headers.get_header("WARC-Date") or "")
        if fetched is not None:
            article.date = fetched
            article.problems = []
    yield from article_items(f"#{number}", label, article)
