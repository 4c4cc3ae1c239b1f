"""Reader for JSON Lines files: one article per line.

Fields: ``title``, ``body``, ``keywords`` (a list, or one string; either split
by ``split_keywords``), ``date`` (anything ``parse_date`` accepts), ``url``, ``source``
and an optional ``id``. Unknown fields are ignored.

A broken line never stops the others: it comes back as an
:class:`UnreadableArticle` naming its line number. A line whose date cannot be
read or lies outside the years of news keeps its article (with ``date=None``)
and names the date in the article's ``problems``, so the user learns why the
article is missing from date-filtered searches. ``NaN`` and ``Infinity``
(which Python's JSON reader accepts) are no value: a field holding one is empty.
"""

from __future__ import annotations

import json
import math

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.dates import article_date

__all__ = ["read_jsonl"]

def _text(value: object) -> str:
    """A text field: strings as is, numbers as their digits, anything else empty.

    A float that is not finite (``NaN``, ``Infinity``, ``1e999``) names nothing:
    as an id it would make every such line the article "nan" or "inf".
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(value)
    return ""


def _keywords(value: object) -> list[str]:
    if isinstance(value, str):
        return split_keywords(value)
    if isinstance(value, list):
        return split_keywords(*map(_text, value))
    return []


def _read_line(number: int, line: str) -> Article | UnreadableArticle:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return UnreadableArticle(f"line {number}: not valid JSON")
    if not isinstance(record, dict):
        return UnreadableArticle(f"line {number}: not a JSON object")

    title = " ".join(_text(record.get("title")).split())
    body = _text(record.get("body"))
    if not title and not body:
        return UnreadableArticle(f"line {number}: no title or body")

    date, problem = None, ""
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        date, problem = article_date(raw_date)

    return Article(
        title=title,
        body=body,
        keywords=_keywords(record.get("keywords")),
        date=date,
        source=_text(record.get("source")),
        url=_text(record.get("url")),
        id=_text(record.get("id")),
        problems=[problem] if problem else [],
    )


def read_jsonl(text: str) -> list[tuple[int, Article | UnreadableArticle]]:
    """Read every non-blank line; returns ``(1-based line number, article or problem)``.

    Lines are split on ``\\n`` only (JSON strings may hold U+2028 and friends).
    """
    results: list[tuple[int, Article | UnreadableArticle]] = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        results.append((number, _read_line(number, line)))
    return results
