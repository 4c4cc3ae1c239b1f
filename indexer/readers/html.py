"""Read one news article out of a saved HTML page.

Every field is taken from the most trusted place that has it:

1. schema.org JSON-LD (``NewsArticle``, ``Article``, ``ReportageNewsArticle``...,
   also inside ``@graph`` or lists; broken JSON-LD is skipped);
2. OpenGraph / ``article:*`` meta tags and ``<link rel=canonical>``;
3. ``<meta name=news_keywords|keywords>``;
4. microdata (``itemprop=headline|datePublished|articleBody|keywords``) and
   ``<time datetime>``;
5. the page itself: the body containers Persian news CMSs use, then a
   content-density pick (the block with the most paragraph text and the least
   link text); the title from ``<h1>``, then ``<title>`` minus the site name;
   the date from the page's publication line ("تاریخ انتشار: ۱۲ آبان ۱۳۹۹ -
   ۱۰:۳۰", "کد خبر: … | ۱۳۹۹/۰۸/۱۲"): only a date after such a marker counts,
   so the header's "today" and the dates of readers' comments are never
   taken; the keywords from the tag list the page shows (``.tags a``,
   ``.tags li``, links after «برچسب‌ها:»).

Print views (``/fa/print/…``, ``printable.php?nn=``, a page that prints
itself on load or whose ``<body>`` is of class ``print``) are a bare title
and body: there "print" in a class names the page, not its furniture, a
``title`` class is the headline, and the address printed on the page is
its URL.

The body is plain text: paragraphs joined with a blank line, whitespace
collapsed inside each paragraph, characters otherwise untouched (no letter
folding; ZWNJ is kept). Navigation, menus, header/footer, related links,
comments, scripts, styles, ads and share buttons are left out.

Whatever the page looks like, :func:`read_html` returns an :class:`Article` or
raises :class:`UnreadableArticle` -- never anything else.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import warnings
from datetime import datetime

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, Tag

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date, dates_in, publication_date
from khabar.indexer.encoding import declared_charset, decode_text

__all__ = ["read_html"]

ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
    "blogposting", "report", "liveblogposting",
})

# Never text: dropped from the tree before anything is extracted.
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object",
              "embed", "canvas", "form", "button", "select", "textarea", "input")
# Page furniture by element name.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "menu", "dialog"})
# Page furniture by class/id: a word of the class or id (split on - and _).
_FURNITURE_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "breadcrumb",
    "breadcrumbs", "header", "footer", "sidebar", "aside", "related", "relateds",
    "share", "sharing", "social", "socials", "comment", "comments", "commentlist",
    "ad", "ads", "advert", "advertise", "advertisement", "banner", "banners",
    "promo", "sponsor", "sponsored", "subscribe", "newsletter", "popup", "modal",
    "cookie", "tags", "tag", "keywords", "print", "toolbar", "pagination", "pager",
    "widget", "most", "popular", "latest", "ticker", "copyright", "rating",
})
_WORD_SPLIT = re.compile(r"[-_\s]+")

# Body containers of Persian news CMSs, most specific first.
_BODY_SELECTORS = (
    "[itemprop~=articleBody]",
    "div.item-text", "div#news-body", "div.news-body", "div.news-text",
    "div#echo-detail", "div.story-body", "div.news_body", "div.newsBody",
    "div.body", "div.text", "div#content-text", "div.content-text",
    "div.story", "div.news-content", "div.article-body", "div.entry-content",
)
# Containers that often hold the whole page: the densest block inside them.
_WRAPPER_SELECTORS = ("article", "div.content", "main")

_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
    "dd", "blockquote", "section", "article", "main", "table", "thead", "tbody",
    "tr", "td", "th", "pre", "figure", "figcaption", "address", "center", "hr",
    "header", "footer", "nav", "aside", "details", "summary", "caption",
})

# The lead ("lead", "summary", "introtext") CMSs print above the body container.
_LEAD_SELECTORS = (
    "p.summary", "div.summary", "p.lead", "div.lead", ".introtext", ".item-summary",
    ".news-lead", "p.subtitle", "[itemprop~=description]:not(meta)",
)

# Separators between a page title and the site name in <title>.
_TITLE_SEP = re.compile(r"\s+[\-–—]\s+|\s*\|\s*")
# A paragraph must have this many characters to make a body on its own.
_MIN_BODY_CHARS = 25
# <title> holds text up to </title>: left open, it swallows the page.
_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_END_OR_TAG = re.compile(r"</title\s*>|<[a-zA-Z/!]", re.IGNORECASE)


def read_html(data: bytes, *, path: str = "", charset: str | None = None) -> Article:
    """Extract the article of an HTML page (bytes as read from the file).

    ``path`` is where the bytes came from; the reader does not need it (the
    indexer falls back to it for the id) but takes it like the other readers.
    ``charset`` is the one the page was served with (a web archive's HTTP
    header), used when the page declares none.
    Raises :class:`UnreadableArticle` (one-line reason) when the page holds no
    article, and never any other exception.
    """
    text = decode_text(data, declared_charset(data) or charset)
    try:
        return _read(text)
    except UnreadableArticle:
        raise
    except (RecursionError, MemoryError) as exc:
        raise UnreadableArticle(f"HTML too deeply nested or too large ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 -- the contract: Article or UnreadableArticle
        reason = str(exc).splitlines()[0] if str(exc) else ""
        raise UnreadableArticle(f"could not read HTML: {type(exc).__name__} {reason}".strip()) from exc


def _read(text: str) -> Article:
    with warnings.catch_warnings():
        # XHTML pages (with an <?xml?> prolog) are still read as HTML.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(_close_title(text), "lxml")
    ld = _json_ld_article(soup)
    meta = _meta_tags(soup)

    for tag in soup.find_all(list(_DROP_TAGS)):
        tag.decompose()
    printable = _is_print_view(soup, meta)
    if printable:
        _unmark_print(soup)

    source = _first(
        _ld_name(ld.get("publisher")) if ld else "",
        meta.get("og:site_name"),
        _itemprop_text(soup, "publisher", inner="name"),
        meta.get("application-name"),
    )
    url = _canonical_url(soup, ld, meta) or (_printed_url(soup) if printable else "")
    date, date_problem = _date(soup, ld, meta)
    keywords = _keywords(soup, ld, meta)

    # Headings are read before the body containers are pruned.
    heading = _h1(soup, source)
    if not heading and (printable or not (ld or "og:title" in meta)):
        heading = _title_block(soup, source)
    micro_headline = _itemprop_text(soup, "headline")
    lead = _lead(soup)
    body = _clean_multiline(_ld_str(ld.get("articleBody"))) if ld else ""
    if not body:
        body = _without_page_lines(_body_from_page(soup), heading)
        if body and lead and lead not in body:
            body = f"{lead}\n\n{body}"

    title = _first(
        _clean_line(_ld_str(ld.get("headline") or ld.get("name"))) if ld else "",
        _strip_site(_clean_line(meta.get("og:title", "")), source),
        micro_headline,
        heading,
        _strip_site(_clean_line(soup.title.get_text() if soup.title else ""), source, guess=True),
    )

    looks_like_article = bool(ld) or meta.get("og:type", "").lower() == "article" \
        or "article:published_time" in meta
    if not body and looks_like_article:
        # Photo and video news: the lead is all the text there is.
        body = _clean_multiline(_first(
            _ld_str(ld.get("description")) if ld else "",
            meta.get("og:description"), meta.get("description"),
        ))
    if not body:
        if not title:
            raise UnreadableArticle("no article: no title and no body text")
        raise UnreadableArticle("no article body found in the page")
    return Article(title=title, body=body, keywords=keywords, date=date,
                   source=source, url=url, problems=[date_problem] if date_problem else [])


def _close_title(text: str) -> str:
    """The page with its ``<title>`` closed before the next tag when it is left open.

    The parser reads a title's content as text up to ``</title>``, so an
    unclosed one took the rest of the page, markup and all, as the title and
    left no body. A title holds no tags: the first one after it ends it.
    """
    opening = _TITLE_OPEN.search(text)
    if opening is None:
        return text
    after = _TITLE_END_OR_TAG.search(text, opening.end())
    if after is None or after.group(0).lower().startswith("</title"):
        return text
    return text[: after.start()] + "</title>" + text[after.start():]


# ---------------------------------------------------------------- JSON-LD


def _json_ld_article(soup: BeautifulSoup) -> dict:
    """The first schema.org article object in the page's JSON-LD, or {}."""
    for script in soup.find_all("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        raw = script.string if script.string is not None else script.get_text()
        raw = raw.strip()
        # Some CMSs wrap the JSON in an HTML comment or CDATA section.
        raw = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$", "", raw)
        try:
            # strict=False: raw newlines inside strings are common in articleBody.
            value = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        found = _find_article(value)
        if found is not None:
            return found
    return {}


def _find_article(value: object, depth: int = 0) -> dict | None:
    if depth > 6:
        return None
    if isinstance(value, list):
        for item in value:
            found = _find_article(item, depth + 1)
            if found is not None:
                return found
        return None
    if not isinstance(value, dict):
        return None
    kinds = value.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(isinstance(k, str) and re.split(r"[/:#]", k)[-1].lower() in ARTICLE_TYPES for k in kinds):
        return value
    for key in ("@graph", "mainEntity", "itemListElement"):
        if key in value:
            found = _find_article(value[key], depth + 1)
            if found is not None:
                return found
    return None


def _ld_str(value: object) -> str:
    """A JSON-LD value as text (first item of a list, @value of an object)."""
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    value = html_lib.unescape(value)
    if "<" in value and ">" in value:  # articleBody with markup in it
        value = "\n\n".join(_paragraphs(BeautifulSoup(value, "lxml")))
    return value


def _ld_name(value: object) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, dict):
        return _clean_line(_ld_str(value.get("name")))
    return _clean_line(_ld_str(value))


def _ld_url(value: object) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or ""
    return value.strip() if isinstance(value, str) else ""


# ---------------------------------------------------------------- meta tags


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """``property``/``name``/``itemprop`` (lower-cased) -> first non-empty content.

    ``article:tag`` collects every value, joined with commas.
    """
    meta: dict[str, str] = {}
    tags: list[str] = []
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if not isinstance(key, str) or not key.strip():
                continue
            key = key.strip().lower()
            if key == "article:tag":
                tags.append(content)
            else:
                meta.setdefault(key, content.strip())
    if tags:
        meta["article:tag"] = ",".join(tags)
    return meta


def _canonical_url(soup: BeautifulSoup, ld: dict, meta: dict[str, str]) -> str:
    link = None
    for tag in soup.find_all("link", href=True):
        rel = tag.get("rel") or []
        rel = rel if isinstance(rel, list) else rel.split()
        if "canonical" in (r.lower() for r in rel):
            link = tag["href"].strip()
            break
    candidates = [
        _ld_url(ld.get("url")) if ld else "",
        _ld_url(ld.get("mainEntityOfPage")) if ld else "",
        meta.get("og:url", ""),
        link or "",
    ]
    candidates = [c for c in candidates if c]
    absolute = [c for c in candidates if re.match(r"(?i)https?://", c)]
    if absolute:
        return absolute[0]
    if candidates:
        return candidates[0]
    return ""


# ---------------------------------------------------------------- dates


def _date(soup: BeautifulSoup, ld: dict, meta: dict[str, str]) -> tuple[datetime | None, str]:
    """``(date, "")`` from the first candidate that is a date; else ``(None, problem)``
    naming the first machine-readable date (JSON-LD, meta, ``content`` and
    ``datetime`` attributes) that could not be used. An element's text is a
    candidate too, but never a problem: it need not be meant as a date."""
    machine = []
    if ld:
        machine += [_ld_str(ld.get("datePublished")), _ld_str(ld.get("dateCreated"))]
    machine += [meta.get(k, "") for k in (
        "article:published_time", "og:article:published_time", "datepublished",
        "pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date",
    )]
    published = soup.find_all(attrs={"itemprop": "datePublished"})
    times = soup.find_all("time")
    machine += [tag.get(attr) for tag in published for attr in ("content", "datetime")]
    machine += [t.get("datetime") for t in times]
    problem = ""
    for text in machine:
        date, why = _date_in(text)
        if date is not None:
            return date, ""
        problem = problem or why
    for tag in published + times:
        date, _ = _date_in(tag.get_text())
        if date is not None:
            return date, ""
    date = _publication_line(soup)
    if date is not None:
        return date, ""
    return None, problem


# Where a page's own date never is: the page header (not an article's), comments.
_NOT_THE_ARTICLE_WORDS = frozenset({"comment", "comments", "commentlist", "comm", "nazar", "nazarat",
                                    "opinion", "opinions", "reply", "replies", "feedback"})
_DATE_WORDS = frozenset({"date", "pdate", "time", "datetime", "publish", "published", "pubdate",
                         "newsdate", "dateline", "tarikh"})


def _words_of(tag: Tag) -> list[str]:
    words: list[str] = []
    for attr in ("class", "id"):
        value = tag.get(attr)
        if isinstance(value, list):
            value = " ".join(value)
        if isinstance(value, str):
            words += _WORD_SPLIT.split(value.lower())
    return words


def _outside_article(tag: Tag) -> bool:
    """In readers' comments, or in the page's own header or footer (not an article's)."""
    node: Tag | None = tag
    while node is not None and node.name not in ("html", "[document]"):
        if node.name in ("header", "footer") and node.find_parent(["article", "main"]) is None:
            return True
        if any(word in _NOT_THE_ARTICLE_WORDS for word in _words_of(node)):
            return True
        node = node.parent
    return False


def _publication_line(soup: BeautifulSoup) -> datetime | None:
    """The date of the page's publication line (see the module doc), or None.

    First a date after a publication marker in the text of any block outside
    comments and the page header; then the date in an element that says by
    its class it is a date (``news_pdate_c``, ``item-date``).
    """
    root = soup.body or soup
    blocks = []
    for text in root.find_all(string=True):
        if type(text) is not NavigableString or not text.strip():
            continue
        blocks.append(text)
    # Text nodes of one line of the page are read together: a marker and its
    # date are often in elements of their own ("<b>تاریخ انتشار:</b> <span>…</span>").
    lines: list[str] = []
    current: list[str] = []
    for text in blocks:
        parent = text.parent
        if parent is not None and _outside_article(parent):
            if current:
                lines.append(" ".join(current))
                current = []
            continue
        current.append(str(text))
        block = parent
        while block is not None and block.name not in _BLOCK_TAGS and block.name not in ("body", "[document]"):
            block = block.parent
        if block is not None and block.name in _BLOCK_TAGS and text is _last_text(block):
            lines.append(" ".join(current))
            current = []
    if current:
        lines.append(" ".join(current))
    for line in lines:
        if len(line) <= 400 and (date := publication_date(line)) is not None:
            return date
    for tag in root.find_all(True):
        if any(word in _DATE_WORDS for word in _words_of(tag)) and not _outside_article(tag) \
                and not _in_page_header(tag):
            text = " ".join(tag.get_text(" ").split())
            if 0 < len(text) <= 120 and not _TODAY.search(text) and (date := next(dates_in(text), None)) is not None:
                return date
    return None


_TODAY = re.compile(r"امروز|today", re.IGNORECASE)
_PAGE_HEADER_WORDS = frozenset({"header", "topbar", "top", "navbar", "menu", "toolbar", "masthead", "today"})


def _in_page_header(tag: Tag) -> bool:
    """In the bar above the page (its class says so) where a site shows today's date."""
    node: Tag | None = tag
    while node is not None and node.name not in ("body", "html", "[document]"):
        if node.name in ("article", "main"):
            return False
        if set(_words_of(node)) & _PAGE_HEADER_WORDS:
            return True
        node = node.parent
    return False


def _last_text(block: Tag):
    for text in reversed(block.find_all(string=True)):
        if type(text) is NavigableString and text.strip():
            return text
    return None


def _date_in(text: object) -> tuple[datetime | None, str]:
    if not isinstance(text, str) or not text.strip():
        return None, ""
    return article_date(text.strip())


# ---------------------------------------------------------------- keywords


def _keywords(soup: BeautifulSoup, ld: dict, meta: dict[str, str]) -> list[str]:
    """Keywords from the first place that has any (see the module doc)."""
    sources: list[list[str]] = []
    if ld:
        value = ld.get("keywords")
        sources.append(value if isinstance(value, list) else [value])
    sources.append([meta.get("article:tag")])
    sources.append([meta.get("news_keywords")])
    sources.append([t.get("content") or t.get_text(",")
                    for t in soup.find_all(attrs={"itemprop": "keywords"})])
    sources.append([a.get_text() for a in soup.find_all("a", rel="tag")])
    sources.append(_tag_list(soup))
    sources.append([meta.get("keywords")])  # often the site's, not the article's: last
    for values in sources:
        words = _split_keywords(values)
        if words:
            return words
    return []


_TAG_WORDS = frozenset({"tags", "tag", "tagstitle", "tagbox", "taglist", "tagslist", "newstags", "posttags",
                        "keywords", "keyword", "labels", "tagcloud", "tags_title", "tags-title"})
_TAG_LABEL = re.compile(r"^\s*(?:برچسب|تگ|کلید\s*واژه|کلیدواژه|کلمات\s*کلیدی|واژه\s*های\s*کلیدی|موضوعات|"
                        r"برچسب\u200cها|tags?|keywords?)(?:\s*\u200c?\s*ها)?\s*[:：]?\s*$", re.IGNORECASE)
_MAX_TAG_WORDS = 8


def _tag_texts(container: Tag) -> list[str]:
    """The tags a list shows: its links, else its list items; never the label before them."""
    items = container.find_all("a") or container.find_all("li")
    texts = [" ".join(item.get_text(" ").split()) for item in items]
    return [text.lstrip("#").strip() for text in texts
            if text and not _TAG_LABEL.match(_fold_label(text)) and len(text.split()) <= _MAX_TAG_WORDS]


def _fold_label(text: str) -> str:
    return text.replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ")


def _tag_list(soup: BeautifulSoup) -> list[str]:
    """The tag list a page shows (``.tags a``, ``.tags li``, links after «برچسب‌ها:»), or []."""
    for tag in soup.find_all(True):
        words = _words_of(tag)
        joined = "".join(words)
        if not (set(words) & _TAG_WORDS or joined in _TAG_WORDS) or _outside_article(tag):
            continue
        texts = _tag_texts(tag)
        if not texts and tag.parent is not None:  # a title element: the list is beside it
            texts = _tag_texts(tag.parent)
        if texts:
            return texts
    for text in soup.find_all(string=True):
        if type(text) is NavigableString and _TAG_LABEL.match(_fold_label(str(text))):
            label = text.parent
            for container in (label, label.parent if label is not None else None):
                if container is not None and (texts := _tag_texts(container)):
                    return texts
    return []


def _split_keywords(values: list) -> list[str]:
    names = (value.get("name") if isinstance(value, dict) else value for value in values)
    return split_keywords(*(html_lib.unescape(name) for name in names if isinstance(name, str)))


# ---------------------------------------------------------------- titles


def _h1(soup: BeautifulSoup, source: str) -> str:
    for h1 in soup.find_all("h1"):
        if _in_furniture(h1):
            continue
        title = _clean_line(h1.get_text(" "))
        if title and title != source:
            return title
    return ""


def _strip_site(title: str, source: str, *, guess: bool = False) -> str:
    """Remove the site name from ``Title - Site`` / ``Site | Title``.

    With ``guess``, when the site name is unknown, a short trailing part after
    the last separator is taken to be the site name.
    """
    if not title:
        return ""
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    if source:
        for i, part in enumerate(parts):
            if source in part:
                kept = parts[:i] if i > 0 else parts[1:]
                return _join_title(title, kept) or title
    if guess:
        # "Title - Site | Site slogan": drop the trailing short parts.
        while len(parts) > 1 and len(parts[-1].split()) <= 4:
            parts = parts[:-1]
        return _join_title(title, parts) or title
    return title


def _join_title(title: str, parts: list[str]) -> str:
    """The span of ``title`` covering ``parts`` (keeps the original separators)."""
    if not parts:
        return ""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else ""


# ---------------------------------------------------------------- print views

_PRINT_ADDRESS = re.compile(r"/print/|printable\.php|/printnews|[?&](?:print|printable)=|/print\.aspx", re.IGNORECASE)
_PRINT_WORDS = frozenset({"print", "printable", "printview", "printpage", "printer"})
_PRINTED_URL = re.compile(r"^\s*(?:(?:لینک|آدرس|نشانی|url)\s*(?:خبر|مطلب)?\s*[:：]\s*)?(https?://\S+)\s*$",
                          re.IGNORECASE)


def _is_print_view(soup: BeautifulSoup, meta: dict[str, str]) -> bool:
    """A page that is a site's print view of an article (see the module doc)."""
    for tag in (soup.body, soup.html):
        if tag is None:
            continue
        if "print" in str(tag.get("onload") or "").lower():
            return True
        if set(_words_of(tag)) & _PRINT_WORDS:
            return True
    links = [meta.get("og:url", "")] + [t.get("href") or "" for t in soup.find_all("link", href=True)
                                        if "canonical" in (t.get("rel") or [])]
    if any(_PRINT_ADDRESS.search(link) for link in links if isinstance(link, str)):
        return True
    main = soup.body.find_all(True, limit=400) if soup.body else []
    return any(set(_words_of(tag)) & {"printbody", "printtitle"} or "".join(_words_of(tag)).startswith("print")
               for tag in main)


def _unmark_print(soup: BeautifulSoup) -> None:
    """"print" taken out of classes and ids: on a print view it names the page, not furniture."""
    for tag in soup.find_all(True):
        for attr in ("class", "id"):
            value = tag.get(attr)
            if value is None:
                continue
            joined = " ".join(value) if isinstance(value, list) else str(value)
            words = [w for w in _WORD_SPLIT.split(joined) if w and w.lower() not in _PRINT_WORDS]
            if attr == "class":
                tag[attr] = words
            else:
                tag[attr] = "-".join(words)


def _printed_url(soup: BeautifulSoup) -> str:
    """The article's address as a print view prints it (a line that is only a web address)."""
    for text in soup.find_all(string=True):
        if type(text) is NavigableString and (match := _PRINTED_URL.match(str(text))):
            return match.group(1)
    for link in soup.find_all("a", href=True):
        href = link["href"].strip()
        if href.startswith(("http://", "https://")) and " ".join(link.get_text().split()) == href:
            return href
    return ""


_TITLE_WORDS = frozenset({"title", "titr", "headline", "newstitle", "printtitle", "head", "caption"})


def _title_block(soup: BeautifulSoup, source: str) -> str:
    """A headline in an element of class ``title`` (print views, table layouts), or a lone ``<h2>``."""
    root = soup.body or soup
    for tag in root.find_all(True):
        words = _words_of(tag)
        if not any(w in _TITLE_WORDS or w.endswith("title") or w.startswith("titr") for w in words) \
                or _in_furniture(tag) or _outside_article(tag):
            continue
        text = _clean_line(tag.get_text(" "))
        if text and text != source and 2 <= len(text.split()) <= 40 and not text.endswith((".", ":")):
            return text
    headings = [h for h in root.find_all("h2") if not _in_furniture(h)]
    if len(headings) == 1:
        return _clean_line(headings[0].get_text(" "))
    return ""


# ---------------------------------------------------------------- microdata


def _itemprop_text(soup: BeautifulSoup, prop: str, *, inner: str | None = None) -> str:
    tag = soup.find(attrs={"itemprop": prop})
    if tag is None:
        return ""
    if inner is not None:
        tag = tag.find(attrs={"itemprop": inner}) if isinstance(tag, Tag) else None
        if tag is None:
            return ""
    value = tag.get("content") if tag.name == "meta" else None
    return _clean_line(value if isinstance(value, str) else tag.get_text(" "))


# ---------------------------------------------------------------- body


def _lead(soup: BeautifulSoup) -> str:
    for selector in _LEAD_SELECTORS:
        try:
            tag = soup.select_one(selector)
        except Exception:  # noqa: BLE001 -- soupsieve on odd trees
            continue
        if tag is not None:
            text = _clean_line(tag.get_text(" "))
            if text:
                return text
    return ""


def _body_from_page(soup: BeautifulSoup) -> str:
    for selector in _BODY_SELECTORS + _WRAPPER_SELECTORS:
        try:
            containers = soup.select(selector)
        except Exception:  # noqa: BLE001 -- soupsieve on odd trees
            continue
        best = ""
        for container in containers:
            if _gone(container) or _in_furniture(container):
                continue
            if selector in _WRAPPER_SELECTORS:
                text = _densest_block(container)
            else:
                _prune(container)
                text = "\n\n".join(_paragraphs(container))
            if len(text) > len(best):
                best = text
        if len(best) >= _MIN_BODY_CHARS:
            return best
    return _densest_block(soup.body or soup)


_EDGE = 3  # paragraphs at each end of a body that may be the page's title or date line
# A tag line, a copyright line: page furniture that a table layout puts in the body's block.
_EDGE_LINE = re.compile(r"^(?:(?:برچسب|تگ|کلید\s*واژه|کلیدواژه|کلمات\s*کلیدی|واژه\s*های\s*کلیدی|tags?|keywords?)"
                        r"[^:：]{0,12}[:：]|copyright\b|©|کلیه\s*(?:ی\s*)?حقوق|تمامی\s*حقوق)", re.IGNORECASE)


def _without_page_lines(body: str, title: str) -> str:
    """The body without the title and the publication line that a table layout or a print
    view puts in the same block: at its start or end only, never from its middle."""
    paragraphs = body.split("\n\n") if body else []
    if len(paragraphs) < 2:
        return body

    def page_line(index: int) -> bool:
        text = paragraphs[index]
        if title and text == title:
            return True
        if len(text) > 160:
            return False
        return publication_date(text) is not None or bool(_EDGE_LINE.match(_fold_label(text)))

    start = 0
    while start < min(_EDGE, len(paragraphs) - 1) and page_line(start):
        start += 1
    end = len(paragraphs)
    while end - 1 > start and end > len(paragraphs) - _EDGE and page_line(end - 1):
        end -= 1
    return "\n\n".join(paragraphs[start:end])


def _gone(tag: Tag) -> bool:
    """Whether ``tag`` was decomposed (``Tag.decomposed`` is slow: a missing
    ``_decomposed`` attribute falls through to a child-tag search)."""
    return bool(vars(tag).get("_decomposed", False))


def _is_furniture(tag: Tag) -> bool:
    if tag.name in _FURNITURE_TAGS:
        return True
    if tag.get("role") in ("navigation", "banner", "contentinfo", "complementary", "menu"):
        return True
    return any(w in _FURNITURE_WORDS for w in _words_of(tag))


def _in_furniture(tag: Tag) -> bool:
    node: Tag | None = tag
    while node is not None and node.name not in ("body", "html", "[document]"):
        if _is_furniture(node):
            return True
        node = node.parent
    return False


def _prune(container: Tag) -> None:
    """Drop page furniture and link lists inside a body container."""
    stats = _text_stats(container)
    for tag in container.find_all(True):
        if _gone(tag):
            continue
        if tag.name == "h1" or _is_furniture(tag):
            tag.decompose()
        elif tag.name in _LINK_LIST_TAGS:
            entry = stats.get(id(tag))
            # More than 60% of the text is link text: a menu or related-news list.
            if entry is not None and entry[_LINK] >= 0.6 * entry[_TEXT]:
                tag.decompose()


_LINK_LIST_TAGS = frozenset({"ul", "ol", "dl", "div", "section", "p", "table", "li"})
_TEXT, _LINK, _SCORE, _DEPTH, _TAG = range(5)


def _text_stats(root: Tag) -> dict[int, list]:
    """Per element under ``root`` (by id): [text chars, link chars, density
    score, depth below root, element], in one pass over the text nodes.

    The score counts text in ``<p>`` fully, other text at 0.3 and link text
    negatively, so menus and link lists score below zero and the article's
    container scores highest.
    """
    stats: dict[int, list] = {}
    for text in root.find_all(string=True):
        if type(text) is not NavigableString:  # comments, CDATA, doctype
            continue
        size = len(text.strip())
        if not size:
            continue
        chain: list[Tag] = []
        in_link = in_p = False
        node = text.parent
        while node is not None:
            chain.append(node)
            if node.name == "a":
                in_link = True
            elif node.name == "p":
                in_p = True
            if node is root:
                break
            node = node.parent
        score = -1.0 * size if in_link else (1.0 if in_p else 0.3) * size
        linked = size if in_link else 0
        height = len(chain)
        for i, anc in enumerate(chain):
            entry = stats.get(id(anc))
            if entry is None:
                entry = stats[id(anc)] = [0, 0, 0.0, height - i, anc]
            entry[_TEXT] += size
            entry[_LINK] += linked
            entry[_SCORE] += score
    return stats


def _densest_block(root: Tag) -> str:
    """The paragraphs of the block under ``root`` with the most paragraph text
    and the least link text (see :func:`_text_stats`)."""
    for tag in root.find_all(True):
        if not _gone(tag) and _is_furniture(tag):
            tag.decompose()
    stats = _text_stats(root)
    if not stats:
        return ""
    best = max(stats.values(), key=lambda e: (e[_SCORE], e[_DEPTH]))
    if best[_SCORE] <= 0:
        return ""
    _prune(best[_TAG])
    text = "\n\n".join(_paragraphs(best[_TAG]))
    return text if len(text) >= _MIN_BODY_CHARS else ""


_END = object()


def _paragraphs(root: Tag) -> list[str]:
    """Text of ``root`` split into paragraphs at block elements and ``<br>``."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _clean_line("".join(current))
        if line:
            paragraphs.append(line)
        current.clear()

    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if node is _END:
            flush()
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString:
                current.append(str(node))
        elif isinstance(node, Tag):
            if node.name in _DROP_TAGS:
                continue
            if node.name == "br":
                flush()
                continue
            if node.name in _BLOCK_TAGS:
                flush()
                stack.append(_END)
            stack.extend(reversed(node.contents))
    flush()
    return paragraphs


# ---------------------------------------------------------------- text helpers


def _clean_line(text: str | None) -> str:
    """Whitespace collapsed to single spaces (ZWNJ and the letters untouched)."""
    return " ".join(text.split()) if text else ""


def _clean_multiline(text: str | None) -> str:
    """Paragraphs (split at line breaks) cleaned and joined with blank lines."""
    if not text:
        return ""
    lines = (_clean_line(line) for line in re.split(r"[\r\n\u2028\u2029]+", text))
    return "\n\n".join(line for line in lines if line)


def _first(*values: str | None) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
