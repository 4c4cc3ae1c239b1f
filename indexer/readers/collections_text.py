"""Readers for two research collections distributed as text, streamed a record at a time.

**MirasText** (github.com/miras-tech/MirasText, 2.8 million items of 250
agencies, one huge ``.txt``): one article per line, six fields joined by
``***``::

    content *** description *** keywords *** title *** website *** url

``nan`` (and ``.``) mark an empty field; the description may be a Python
list written as text; the title often carries the site's name ("… | پایگاه
خبری …"), which is dropped. There is no date field: the date is taken from
the publication line the scraped content starts with ("شناسه خبر: 96106
۲۴ مرداد ۱۳۹۶ - ۱۹:۴۰"), when there is one. Keys ``#L12`` (line 12).

**Persica** (ISNA news in eleven categories, as hazm reads it): one field a
line, each but the last of a record ending with ``,``::

    843656,
    title,
    text,
    date,
    time,
    category,
    category-id

Keys ``#1``, ``#2``… by record; the source is ISNA.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date, publication_date
from khabar.indexer.readers.fields import items_of
from khabar.indexer.readers.stream import Context, Item, article_items, guarded, text_stream

__all__ = ["looks_like_mirastext", "looks_like_persica", "read_mirastext", "read_persica", "strip_site_name"]

_MIRAS_FIELDS = 6
_EMPTY = {"", "nan", ".", "-", "none", "[]"}
_URLISH = re.compile(r"^\s*(?:https?://|www\.)", re.IGNORECASE)
_DOMAIN = re.compile(r"^\s*[a-z0-9.-]+\.[a-z]{2,}\s*$", re.IGNORECASE)
# "Title | Site", "Site - Title", "Site: Title"
_SITE_SEP = re.compile(r"\s+[|\-–—]\s+|\s*\|\s*")
_SITE_WORDS = re.compile(r"خبرگزاری|پایگاه|پايگاه|آنلاین|انلاین|نیوز|خبر\s*آنلاین|online|news|سایت|شبکه|روزنامه",
                         re.IGNORECASE)
_PERSICA_ID = re.compile(r"^\s*\d+\s*,\s*$")


def looks_like_mirastext(first_line: str) -> bool:
    parts = first_line.split("***")
    return len(parts) == _MIRAS_FIELDS and (bool(_URLISH.match(parts[5])) or bool(_DOMAIN.match(parts[4])))


def looks_like_persica(lines: list[str]) -> bool:
    lines = [line for line in lines if line.strip()]
    return len(lines) >= 2 and bool(_PERSICA_ID.match(lines[0])) and lines[1].rstrip().endswith(",")


def strip_site_name(title: str, site: str = "") -> str:
    """A title without the site's name before or after it ("عنوان | خبرگزاری …")."""
    parts = [part for part in _SITE_SEP.split(title) if part.strip()]
    if len(parts) < 2:
        return title.strip()
    site_words = {word for word in re.split(r"[.\s]+", site.lower()) if len(word) > 2} - {"www", "com", "ir", "org"}

    def is_site(part: str) -> bool:
        lowered = part.lower()
        return bool(_SITE_WORDS.search(part)) and len(part.split()) <= 6 or any(w in lowered for w in site_words)

    kept = [part for part in parts if not is_site(part)]
    if not kept:
        return title.strip()
    return " - ".join(part.strip() for part in kept) if len(kept) > 1 else kept[0].strip()


def _field(text: str) -> str:
    text = text.strip()
    return "" if text.lower() in _EMPTY else text


def _description(text: str) -> str:
    text = _field(text)
    if text.startswith("["):
        items = items_of(text) if text.endswith("]") else [text.lstrip("[").strip().strip("'\"")]
        text = " ".join(items)
    return " ".join(text.split())


def _miras_article(line: str) -> Article:
    parts = line.split("***")
    if len(parts) != _MIRAS_FIELDS:
        raise UnreadableArticle(f"{len(parts)} fields where MirasText has {_MIRAS_FIELDS} (joined by ***)")
    content, description, keywords, title, website, url = (part.strip() for part in parts)
    content, website, url = _field(content), _field(website), _field(url)
    title = " ".join(strip_site_name(_field(title), website).split())
    body = "\n\n".join(" ".join(paragraph.split()) for paragraph in re.split(r"\n\s*\n", content) if paragraph.strip())
    lead = _description(description)
    if lead and lead not in body[: 4 * len(lead) + 200]:
        body = f"{lead}\n\n{body}" if body else lead
    if not title and not body:
        raise UnreadableArticle("no title or body")
    return Article(
        title=title,
        body=body,
        keywords=split_keywords(_field(keywords)),
        date=publication_date(content[:600]),
        source=website,
        url=url,
    )


def read_mirastext(stream, head: bytes, context: Context) -> Iterator[Item]:
    return guarded(_mirastext_items(stream, head), empty="MirasText file has no articles", what="bad line")


def _mirastext_items(stream, head: bytes) -> Iterator[Item]:
    for number, line in enumerate(text_stream(stream, head, newline="\n"), start=1):
        line = line.rstrip("\r\n").lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            article = _miras_article(line)
        except UnreadableArticle as error:
            yield f"#L{number}", f"line {number}: {error}"
            continue
        yield from article_items(f"#L{number}", f"line {number}", article)


# ---------------------------------------------------------------- Persica

_PERSICA_FIELDS = 7
PERSICA_SOURCE = "ایسنا"


def read_persica(stream, head: bytes, context: Context) -> Iterator[Item]:
    return guarded(_persica_items(stream, head), empty="Persica file has no articles", what="bad record")


def _persica_article(fields: list[str]) -> Article:
    if len(fields) != _PERSICA_FIELDS:
        raise UnreadableArticle(f"{len(fields)} fields where Persica records have {_PERSICA_FIELDS}")
    doc_id, title, body, date_text, time_text, category, category2 = (field.strip() for field in fields)
    title = " ".join(title.split())
    body = "\n\n".join(" ".join(p.split()) for p in body.split("\n") if p.strip())
    if not title and not body:
        raise UnreadableArticle("no title or body")
    date, problem = article_date(f"{date_text} {time_text}".strip()) if date_text else (None, "")
    return Article(
        title=title,
        body=body,
        keywords=split_keywords(*(c.strip(" -") for c in (category, category2) if not c.strip().isdigit())),
        date=date,
        source=PERSICA_SOURCE,
        id=f"persica-{doc_id}" if doc_id.isdigit() else "",
        problems=[problem] if problem else [],
    )


def _persica_items(stream, head: bytes) -> Iterator[Item]:
    fields: list[str] = []
    number = 0
    start = 1
    for line_number, line in enumerate(text_stream(stream, head, newline=None), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        if not fields:
            start = line_number
        if line.endswith(","):
            fields.append(line[:-1])
            if len(fields) <= _PERSICA_FIELDS * 4:
                continue
        else:
            fields.append(line)
        number += 1
        label = f"record {number} (line {start})"
        try:
            article = _persica_article(fields)
        except UnreadableArticle as error:
            yield f"#{number}", f"{label}: {error}"
        else:
            yield from article_items(f"#{number}", label, article)
        fields = []
    if fields:
        number += 1
        yield f"#{number}", f"record {number} (line {start}): cut short ({len(fields)} of {_PERSICA_FIELDS} fields)"
