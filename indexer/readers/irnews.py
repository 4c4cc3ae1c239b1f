"""Reader for the IR-News dataset dump format (github.com/shessam/IR-News-Dataset).

Each file holds one article::

    source###title###url###[categories]###YYYY-MM-DD HH:MM:SS###news-id###[tags]
    <summary sentence ids joined by @@@>
    1\t<sentence>
    2\t<sentence>
    ...

The title is ``nan`` for the sobhanehonline files; the first sentence stands in.
Dates are Gregorian Tehran local time; ``article_date`` turns them into naive UTC
(a date that cannot be read, or lies outside the years of news, is named in the
article's ``problems`` and the article is indexed undated).
"""

from __future__ import annotations

import ast
import re

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date

__all__ = ["looks_like_irnews", "read_irnews", "source_name"]

_FIELDS = 7
_DATE_RE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_SENTENCE_RE = re.compile(r"^\s*[0-9۰-۹]+\t(.*)$")
_SUMMARY_IDS_RE = re.compile(r"^[\s0-9۰-۹@]*$")
# A sentence that ends like this continues the paragraph; anything else (a
# heading, a caption) ends it.
_SENTENCE_END = (".", "!", "?", "؟", "…", ":", "»", '"', "”", ")", "؛")
_MAX_LITERAL = 20_000
_MAX_TITLE = 160

# Source codes (the part before the first "_" or digit) → the site's name.
_SOURCES: dict[str, str] = {
    "asriran": "عصر ایران",
    "tabnak": "تابناک",
    "roozno": "روزنو",
    "sobhane": "صبحانه آنلاین",
    "sobhanehonline": "صبحانه آنلاین",
    "mashregh": "مشرق نیوز",
    "mashreghnews": "مشرق نیوز",
}
_CODE_RE = re.compile(r"^([a-z]+)")


def source_name(code: str) -> str:
    """The readable name for a dataset source code; unknown codes are returned as is."""
    code = code.strip()
    match = _CODE_RE.match(code.lower())
    if match:
        stem = match.group(1)
        if stem in _SOURCES:
            return _SOURCES[stem]
    return code


def looks_like_irnews(first_line: str) -> bool:
    """True when ``first_line`` is an IR-News header line (seven ``###`` fields)."""
    parts = first_line.lstrip("\ufeff").rstrip("\r\n").split("###")
    if len(parts) != _FIELDS:
        return False
    return parts[2].strip().lower().startswith(("http://", "https://")) or bool(
        _DATE_RE.match(parts[4])
    )


def _parse_list(text: str) -> list[str]:
    """Parse a Python list literal of strings (tags); falls back to comma splitting."""
    text = text.strip()
    if not text or text.lower() == "nan":
        return []
    parsed: object = None
    if text.startswith("[") and len(text) <= _MAX_LITERAL:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            parsed = None
    if isinstance(parsed, (list, tuple)):
        return split_keywords(*(str(item) for item in parsed if isinstance(item, (str, int))))
    # Not a literal (cut short, or not Python): the items, without their quotes.
    return split_keywords(*(item.strip("'\"") for item in split_keywords(text.strip("[]"))))


def _join_sentences(sentences: list[str | None]) -> str:
    """Join sentences with spaces; ``None`` (a blank line) or a heading-like
    sentence without final punctuation ends a paragraph."""
    paragraphs: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        if sentence is None:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(sentence)
        if not sentence.endswith(_SENTENCE_END):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs)


def _short_title(sentence: str) -> str:
    if len(sentence) <= _MAX_TITLE:
        return sentence
    cut = sentence[:_MAX_TITLE].rsplit(" ", 1)[0]
    return cut.rstrip(" ،,:؛") + "…"


def read_irnews(text: str) -> Article:
    """Read one IR-News dataset file (already decoded) into an :class:`Article`."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = lines[0].split("###")
    if len(header) != _FIELDS:
        raise UnreadableArticle(
            f"not an IR-News file: first line has {len(header)} '###' fields, expected {_FIELDS}"
        )
    code, title, url, _categories, date_text, _news_id, tags = (f.strip() for f in header)

    rest = lines[1:]
    if rest and _SUMMARY_IDS_RE.match(rest[0]) and not _SENTENCE_RE.match(rest[0]):
        rest = rest[1:]  # the summary sentence ids
    sentences: list[str | None] = []
    for line in rest:
        match = _SENTENCE_RE.match(line)
        sentence = " ".join((match.group(1) if match else line).split())
        sentences.append(sentence or None)
    while sentences and sentences[-1] is None:
        sentences.pop()
    body = _join_sentences(sentences)

    if not title or title.lower() == "nan":
        first = next((s for s in sentences if s), "")
        title = _short_title(first)
    title = " ".join(title.split())
    if not title and not body:
        raise UnreadableArticle("IR-News file with neither title nor text")

    date, problem = article_date(date_text) if date_text and date_text.lower() != "nan" else (None, "")

    return Article(
        title=title,
        body=body,
        keywords=_parse_list(tags),
        date=date,
        source=source_name(code),
        url=url if url.lower() != "nan" else "",
        problems=[problem] if problem else [],
    )
