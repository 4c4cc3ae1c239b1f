"""Records with named fields (JSON, JSON Lines, CSV, feed dumps) -> articles.

Each article field is looked up under the names below, first name first;
names meet whatever their case and punctuation (``pubDate``, ``pub_date`` and
``Pub Date`` are one name). The user's own names (``--field body=text``, or a
``.khabar.toml`` beside the files, see :func:`fields_for`) come before them.

=========== =====================================================================
article     record fields, in order
=========== =====================================================================
title       title, headline, titr, subject
body        body, text, content, content_text, content_html, content_encoded,
            articleBody, paragraphs, full_text, main_text, story, article
lead        abstract, summary, description, lead, brief, excerpt, teaser,
            intro, subtitle — put before the body (or the body when there is none)
keywords    keywords, tags, tag, keyword, news_keywords, labels, topics
            then category, categories, cat, subcat, subcategory, section
date        date, published, pubDate, published_at, publish_date,
            datePublished, date_published, publication_date, datetime,
            created_at, created, issued, utcdate, then updated, modified
            (a ``time`` field is joined to a date without one)
url         url, link, href, permalink, canonical, canonical_url, source_url,
            article_url, news_url, then guid when it is a web address
source      source, site, website, publisher, agency, news_agency, site_name,
            outlet, domain, feed; else the site of the url (``farsnews.ir``)
id          id, docid, doc_id, news_id, article_id, uuid
=========== =====================================================================

A list is read item by item, a Python list written as text (``"['a', 'b']"``,
as pandas exports write them) as its items, HTML (``<p>…</p>``) as its text.
A record field that none of these names nor the user's claims is never
dropped in silence: the reader names it once per file ("fields not read:
code, label"). Row numbers (a column with no name, ``Unnamed: 0``, ``index``)
are not fields.
"""

from __future__ import annotations

import ast
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from khabar.indexer.article import Article, Note, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date
from khabar.indexer.readers.markup import html_to_text, looks_like_html
from khabar.indexer.readers.sites import date_from_url, host_name

__all__ = [
    "ALIASES", "ARTICLE_FIELDS", "FieldError", "RecordReader", "fields_for", "norm", "parse_field_options",
]

ARTICLE_FIELDS = ("title", "body", "lead", "keywords", "categories", "date", "updated", "time",
                  "url", "guid", "source", "id")

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "titr", "subject"),
    "body": ("body", "text", "content", "content_text", "content_html", "content_encoded", "articleBody",
             "paragraphs", "full_text", "main_text", "story", "article"),
    "lead": ("abstract", "summary", "description", "lead", "brief", "excerpt", "teaser", "intro", "subtitle"),
    "keywords": ("keywords", "tags", "tag", "keyword", "news_keywords", "labels", "topics"),
    "categories": ("category", "categories", "cat", "subcat", "subcategory", "section"),
    "date": ("date", "published", "pubDate", "published_at", "publish_date", "datePublished", "date_published",
             "publication_date", "datetime", "created_at", "created", "issued", "utcdate"),
    "updated": ("updated", "modified", "updated_at", "date_modified", "dateModified"),
    "time": ("time",),
    "url": ("url", "link", "href", "permalink", "canonical", "canonical_url", "source_url", "article_url",
            "news_url"),
    "guid": ("guid",),
    "source": ("source", "site", "website", "publisher", "agency", "news_agency", "site_name", "outlet",
               "domain", "feed"),
    "id": ("id", "docid", "doc_id", "news_id", "article_id", "uuid"),
}
# Columns that number rows and hold no data of the article.
_ROW_NUMBERS = frozenset({"", "unnamed0", "index", "rowid", "row"})
# The names --field accepts on its left.
_USER_FIELDS = {"title": "title", "body": "body", "lead": "lead", "summary": "lead", "keywords": "keywords",
                "tags": "keywords", "categories": "categories", "date": "date", "url": "url",
                "source": "source", "id": "id"}
_MAX_LITERAL = 1_000_000
_TIME_ONLY = re.compile(r"^\s*[0-9۰-۹٠-٩]{1,2}\s*:\s*[0-9۰-۹٠-٩]{2}(?:\s*:\s*[0-9۰-۹٠-٩]{2})?\s*$")
_HAS_TIME = re.compile(r"[0-9۰-۹٠-٩]{1,2}\s*:\s*[0-9۰-۹٠-٩]{2}")
_WEB = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)


class FieldError(UnreadableArticle):
    """A field mapping that cannot be used (``--field body`` without a name, a broken ``.khabar.toml``)."""


def norm(name: object) -> str:
    """A field name as names are compared: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", str(name)).lower()


def parse_field_options(options: Iterable[str]) -> dict[str, list[str]]:
    """``["body=text", "keywords=tags,label"]`` -> ``{"body": ["text"], "keywords": ["tags", "label"]}``.

    Raises :class:`FieldError` naming the option that cannot be used.
    """
    mapping: dict[str, list[str]] = {}
    for option in options:
        target, sep, names = option.partition("=")
        field = _USER_FIELDS.get(target.strip().lower())
        found = [name.strip() for name in names.split(",") if name.strip()]
        if not sep or field is None or not found:
            known = ", ".join(sorted(set(_USER_FIELDS)))
            raise FieldError(f"--field {option}: expected ARTICLE_FIELD=RECORD_FIELD, e.g. body=text "
                             f"(article fields: {known})")
        mapping.setdefault(field, []).extend(found)
    return mapping


CONFIG_NAME = ".khabar.toml"


def fields_for(path: Path, given: Mapping[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The field names for the files of ``path``'s folder: ``given`` (``--field``) first,
    then the ``[fields]`` of the nearest ``.khabar.toml`` in that folder or above it.

    A ``.khabar.toml``::

        [fields]
        body = "matn"               # or a list: ["matn", "text"]
        keywords = ["tags", "label"]
    """
    mapping = {key: list(value) for key, value in (given or {}).items()}
    for key, names in _config_fields(str(Path(path).absolute().parent)).items():
        mapping.setdefault(key, []).extend(name for name in names if name not in mapping.get(key, []))
    return mapping


@lru_cache(maxsize=256)
def _config_fields(folder: str) -> dict[str, list[str]]:
    here = Path(folder)
    for candidate in (here, *here.parents):
        config = candidate / CONFIG_NAME
        try:
            raw = config.read_bytes()
        except OSError:
            continue
        try:
            table = tomllib.loads(raw.decode("utf-8")).get("fields", {})
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise FieldError(f"{config}: not a TOML file ({error})") from None
        if not isinstance(table, dict):
            raise FieldError(f"{config}: [fields] must be a table, e.g. body = \"text\"")
        options = []
        for key, value in table.items():
            values = value if isinstance(value, list) else [value]
            options.append(f"{key}={','.join(str(v) for v in values)}")
        try:
            return parse_field_options(options)
        except FieldError as error:
            raise FieldError(f"{config}: {str(error).removeprefix('--field ')}") from None
    return {}


# ---------------------------------------------------------------- values


def text_of(value: object) -> str:
    """A text value: strings stripped, numbers as their digits, else empty.

    A float that is not finite (``NaN``, ``Infinity``) names nothing, and
    neither does the text ``nan`` that pandas writes for a missing value.
    """
    if isinstance(value, str):
        value = value.strip()
        return "" if value.lower() in ("nan", "none", "null") else value
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dict):  # {"name": …}, {"term": …} (feeds), {"@value": …}
        for key in ("name", "term", "value", "@value", "label", "text"):
            if key in value:
                return text_of(value[key])
    return ""


def items_of(value: object) -> list[str]:
    """A list value as its text items; a Python or JSON list written as text as its items."""
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in (items_of(item) if isinstance(item, list) else [text_of(item)])
                if text]
    text = text_of(value)
    if text.startswith("[") and text.endswith("]") and len(text) <= _MAX_LITERAL:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            parsed = None
        if isinstance(parsed, (list, tuple)):
            return items_of(list(parsed))
        inner = text[1:-1].strip()
        return [inner.strip("'\"")] if inner else []
    return [text] if text else []


_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _plain(text: str) -> str:
    """Text, with HTML made text and whitespace tidied inside each line (scraped
    indentation, no-break spaces); line breaks are kept, blank lines squeezed to one."""
    if looks_like_html(text):
        text = html_to_text(text)
    lines = (" ".join(line.split()) for line in _LINE_BREAK.split(text))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _date_value(value: object) -> tuple[datetime | None, str]:
    """A date field: any text ``parse_date`` reads, or seconds (or milliseconds) since 1970."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        seconds = value / 1000 if abs(value) >= 1e11 else value
        try:
            moment = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None, f"date {value} cannot be read (not a time); indexed undated"
        return article_date(moment.isoformat() + "Z")
    text = text_of(value)
    if text.isdigit() and len(text) in (10, 13):
        return _date_value(int(text))
    return article_date(text)


# ---------------------------------------------------------------- records


class RecordReader:
    """Turns the records of one file into articles, remembering which fields it did not read.

    ``fields`` are the user's names (see :func:`fields_for`); ``defaults``
    fill what a record leaves empty (a feed's title as the source).
    """

    def __init__(self, fields: Mapping[str, list[str]] | None = None, *, defaults: Mapping[str, str] | None = None,
                 also_known: Iterable[str] = ()) -> None:
        self._names: dict[str, list[str]] = {}
        for target in ARTICLE_FIELDS:
            names = [*(fields or {}).get(target, []), *ALIASES.get(target, ())]
            self._names[target] = list(dict.fromkeys(norm(name) for name in names))
        self._known = {name for names in self._names.values() for name in names} | _ROW_NUMBERS
        self._known |= {norm(name) for name in also_known}
        self._lookup_cache: dict[tuple[str, ...], dict[str, list[str]]] = {}
        self.defaults = dict(defaults or {})
        self.unread: dict[str, str] = {}  # folded name -> the name as first written

    def _plan(self, keys: tuple[str, ...]) -> dict[str, list[str]]:
        """For a record's keys: article field -> the keys that feed it, in order."""
        plan = self._lookup_cache.get(keys)
        if plan is None:
            folded: dict[str, list[str]] = {}
            for key in keys:
                name = norm(key)
                folded.setdefault(name, []).append(key)
                if name not in self._known:
                    self.unread.setdefault(name, str(key))
            plan = {target: [key for name in names for key in folded.get(name, ())]
                    for target, names in self._names.items()}
            if len(self._lookup_cache) < 64:
                self._lookup_cache[keys] = plan
        return plan

    def article(self, record: Mapping[str, object]) -> Article:
        """One record as an article; raises :class:`UnreadableArticle` when it has no title or body."""
        plan = self._plan(tuple(record))

        def first(target: str) -> str:
            for key in plan[target]:
                if text := text_of(record[key]):
                    return text
            return ""

        title = " ".join(_plain(first("title")).split())
        body_parts: list[str] = []
        for key in plan["body"]:
            items = items_of(record[key])
            if items:
                body_parts = [_plain(item) for item in items]
                break
        body = "\n\n".join(part for part in body_parts if part)
        lead = _plain(first("lead"))
        if lead and lead not in body[: 4 * len(lead) + 200]:
            body = f"{lead}\n\n{body}" if body else lead
        if not title and not body:
            raise UnreadableArticle("no title or body")

        keywords = split_keywords(*(item for target in ("keywords", "categories")
                                    for key in plan[target] for item in items_of(record[key])))
        url = first("url")
        guid = first("guid")
        if not url and _WEB.match(guid):
            url = guid
        date, problem = None, ""
        for target in ("date", "updated"):
            for key in plan[target]:
                value = record[key]
                if value is None or (isinstance(value, str) and text_of(value) == ""):
                    continue  # no date given
                if not isinstance(value, (str, int, float)) or isinstance(value, bool) or (
                        isinstance(value, float) and not math.isfinite(value)):
                    _, why = article_date(value)  # NaN, a list, an object: named, not read
                    problem = problem or why
                    continue
                when = text_of(value)
                time_of_day = first("time")
                if time_of_day and isinstance(value, str) and not _HAS_TIME.search(when) \
                        and _TIME_ONLY.match(time_of_day):
                    value = f"{when} {time_of_day}"
                date, why = _date_value(value)
                problem = problem or why
                if date is not None:
                    break
            if date is not None:
                break
        if date is None:
            date = date_from_url(url)
        return Article(
            title=title,
            body=body,
            keywords=keywords,
            date=date,
            source=first("source") or self.defaults.get("source", "") or host_name(url),
            url=url,
            id=first("id"),
            problems=[problem] if problem and date is None else [],
        )

    def unread_line(self) -> str:
        """One line naming the fields no record had read, or ``""``."""
        if not self.unread:
            return ""
        names = ", ".join(sorted(self.unread.values(), key=str.lower)[:12])
        more = len(self.unread) - 12
        names += f" and {more} more" if more > 0 else ""
        return Note(f"fields not read: {names} (to read one, name it: --field body=NAME, or in .khabar.toml; "
                    f"see the field table in the README)")
