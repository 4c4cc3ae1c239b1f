"""XML files: feeds (``feeds.py``) and the research collections Hamshahri2 and TNews, streamed.

Which one a file is, its first element says: ``<rss>``, ``<feed>`` or
``<rdf:RDF>`` a feed; ``<HAMSHAHRI2>`` (or a bare ``<DOC>``) Hamshahri2;
``<TNews>`` (or a bare ``<NEWS>``) TNews. XML of any other kind holds no
articles khabar knows, and is ignored.

**Hamshahri2** (CLEF's Persian collection, University of Tehran; 318,000
documents, 1.4 GB): ``<DOC>`` elements with ``DOCID``, ``ISSUE`` (the
paper's issue line, a Jalali date in Arabic letters: "يكشنبه 3 تير 1375،
23 ژوئن 1996، …"), ``DATE calender="Persian"`` (``1375/04/03``) and
``calender="Western"``, ``CAT`` (Persian and English), ``TITLE`` and
``TEXT`` in CDATA. The id is ``DOCID``; the date the Persian ``DATE``, then
the ``ISSUE`` line, the Western ``DATE``, the date in the id; the Persian
categories are keywords; the source is همشهری. ``TEXT`` is wrapped at about
70 characters: lines are joined into paragraphs, a short line or an ``o``
bullet starting a new one.

**TNews** (SLS's crawl of Iranian sites, 2014): ``<NEWS>`` elements with
``NEWSID``, ``URL``, ``UTCDATE`` (UTC), ``CATEGORY``, ``PRETITLE``,
``TITLE``, ``POSTTITLE``, ``BRIEF`` and ``DESCRIPTION`` (which may hold
HTML). Its files close ``</TNews>`` before the news items and carry control
bytes XML does not allow; both are read past. The id is ``tnews-NEWSID``.

Both are parsed with lxml's pull parser, a megabyte at a time, each record
cleared once read: memory stays flat however large the file. A record that
is broken (no title and no text, a date that cannot be read) is a problem
naming its number and id; XML broken past repair ends the file there, the
records before it kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from khabar.indexer.article import Article, NotAnArticle, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date, dates_in
from khabar.indexer.readers.markup import html_to_text, looks_like_html
from khabar.indexer.readers.sites import hamshahri_date, host_name
from khabar.indexer.readers.stream import Context, Item, article_items, guarded

__all__ = ["read_xml", "root_element"]

_CHUNK = 1 << 20
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)\s*)*",
    re.DOTALL | re.IGNORECASE,
)
_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)")
# Bytes XML 1.0 does not allow (TNews has ESC, BS and SUB in its text).
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 13))
_FEED_ROOTS = {"rss", "feed", "rdf:rdf", "rdf", "channel"}
HAMSHAHRI_SOURCE = "همشهری"


def root_element(head: bytes) -> str:
    """The name of the first element (lower case), after the prolog, or ``""``."""
    prolog = _PROLOG.match(head)
    match = _ROOT.search(head, prolog.end() if prolog else 0)
    return match.group(1).decode("ascii", errors="replace").lower() if match else ""


def read_xml(stream, head: bytes, context: Context) -> Iterator[Item]:
    root = root_element(head)
    if root in _FEED_ROOTS:
        from khabar.indexer.readers.feeds import read_feed

        return read_feed(stream, head, context)
    if root in ("hamshahri2", "hamshahri", "doc", "docs"):
        return guarded(_records(stream, head, "DOC", _hamshahri_article),
                       empty="Hamshahri2 XML without documents", what="bad document")
    if root in ("tnews", "news"):
        return guarded(_records(stream, head, "NEWS", _tnews_article),
                       empty="TNews XML without news items", what="bad news item")
    if not root:
        raise UnreadableArticle("not XML: no element in it")
    raise NotAnArticle(f"XML of another kind (<{root}>), not a feed or a news collection", ".xml")


def _chunks(stream, head: bytes) -> Iterator[bytes]:
    """The file's bytes after its prolog, inside one root of our own, without control bytes.

    One root: TNews closes its root before its records, which XML cannot
    have; inside ``<khabar-root>`` the old root and the records are siblings.
    """
    first = stream.read(max(len(head), _CHUNK))
    prolog = _PROLOG.match(first)
    yield b"<khabar-root>"
    yield first[prolog.end() if prolog else 0:].translate(None, _CONTROLS)
    while chunk := stream.read(_CHUNK):
        yield chunk.translate(None, _CONTROLS)
    yield b"</khabar-root>"


def _records(stream, head: bytes, tag: str, convert) -> Iterator[Item]:
    declared = _ENCODING.search(head[:200])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    if encoding.lower().replace("_", "-") in ("utf-16", "utf-16le", "utf-16be"):
        raise UnreadableArticle("UTF-16 XML collections are not read: convert the file to UTF-8")
    parser = etree.XMLPullParser(events=("end",), tag=tag, recover=True, huge_tree=True, resolve_entities=False,
                                 no_network=True, remove_comments=True, encoding=encoding)
    number = 0
    for chunk in _chunks(stream, head):
        try:
            parser.feed(chunk)
        except etree.XMLSyntaxError as error:
            yield f"#{number + 1}", f"XML broken after record {number} ({error}): the rest of the file is not read"
            return
        for _event, element in parser.read_events():
            number += 1
            yield from _one(number, element, convert)
            # Free what was read: the record, and the records before it.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    try:
        parser.close()
    except etree.XMLSyntaxError:
        pass
    for _event, element in parser.read_events():
        number += 1
        yield from _one(number, element, convert)


def _one(number: int, element, convert) -> Iterator[Item]:
    key = f"#{number}"
    try:
        article = convert(element)
    except UnreadableArticle as error:
        ident = _text(element, "DOCID") or _text(element, "NEWSID")
        label = f"record {number}" + (f" ({ident})" if ident else "")
        yield key, f"{label}: {error}"
        return
    label = f"record {number} ({article.id})" if article.id else f"record {number}"
    yield from article_items(key, label, article)


def _text(element, tag: str) -> str:
    child = element.find(tag)
    if child is None:
        return ""
    return "".join(child.itertext()).strip()


def _all(element, tag: str) -> list:
    return element.findall(tag)


# ---------------------------------------------------------------- Hamshahri2

_SHORT_LINE = 50


def hamshahri_paragraphs(text: str) -> str:
    """Hamshahri2's hard-wrapped text as paragraphs: a line shorter than about 50
    characters ends one, a line starting with the ``o`` bullet starts one."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if line.startswith("o ") and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line.removeprefix("o ").strip() if line.startswith("o ") else line)
        if len(line) < _SHORT_LINE:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(p for p in paragraphs if p)


def _hamshahri_article(element) -> Article:
    doc_id = _text(element, "DOCID") or _text(element, "DOCNO")
    title = " ".join(_text(element, "TITLE").split())
    body = hamshahri_paragraphs(_text(element, "TEXT"))
    if not title and not body:
        raise UnreadableArticle("no TITLE or TEXT")
    dates = {(d.get("calender") or d.get("calendar") or "").lower(): "".join(d.itertext()).strip()
             for d in _all(element, "DATE")}
    date, problem = None, ""
    for text in (dates.get("persian", ""), dates.get("western", ""), dates.get("", "")):
        if text:
            date, why = article_date(text)
            problem = problem or why
            if date is not None:
                break
    if date is None:
        issue = _text(element, "ISSUE")
        date = next(dates_in(issue), None) if issue else None
    if date is None:
        date = hamshahri_date(doc_id)
    keywords = [
        "".join(cat.itertext()).strip()
        for cat in _all(element, "CAT")
        if (cat.get("{http://www.w3.org/XML/1998/namespace}lang") or "fa").lower().startswith("fa")
    ]
    return Article(
        title=title,
        body=body,
        keywords=split_keywords(*(part for keyword in keywords for part in keyword.split("."))),
        date=date,
        source=HAMSHAHRI_SOURCE,
        id=doc_id,
        problems=[problem] if problem and date is None else [],
    )


# ---------------------------------------------------------------- TNews


def _plain(text: str) -> str:
    if looks_like_html(text):
        text = html_to_text(text)
    return "\n\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _tnews_article(element) -> Article:
    news_id = _text(element, "NEWSID")
    title = " ".join(_plain(_text(element, "TITLE")).split())
    pretitle = " ".join(_plain(_text(element, "PRETITLE")).split())
    posttitle = " ".join(_plain(_text(element, "POSTTITLE")).split())
    brief = _plain(_text(element, "BRIEF"))
    body = _plain(_text(element, "DESCRIPTION"))
    parts = [part for part in (pretitle, brief) if part and part not in body[: 4 * len(part) + 200]]
    if posttitle and posttitle not in body:
        parts.insert(0, posttitle)
    body = "\n\n".join([*parts, body] if body else parts)
    if not title and not body:
        raise UnreadableArticle("no TITLE or DESCRIPTION")
    date, problem = None, ""
    if when := _text(element, "UTCDATE"):
        # UTC, without a zone written: "2014-09-23T03:48:23.977".
        date, problem = article_date(when if when.endswith("Z") or "+" in when[10:] else when + "Z")
    category = _text(element, "CATEGORY")
    url = _text(element, "URL")
    return Article(
        title=title,
        body=body,
        keywords=split_keywords(category),
        date=date,
        source=host_name(url),
        url=url,
        id=f"tnews-{news_id}" if news_id else "",
        problems=[problem] if problem else [],
    )
