"""Reader for JSON Lines files: one article per line.

Fields: ``title``, ``body``, ``keywords`` (a list, or one string separated by
``,`` / ``،``), ``date`` (anything ``parse_date`` accepts), ``url``, ``source``
and an optional ``id``. Unknown fields are ignored.

A broken line never stops the others: it comes back as an
:class:`UnreadableArticle` naming its line number. A line whose date cannot be
read keeps its article (with ``date=None``) and additionally reports the date
as an :class:`UnreadableArticle` for the same line, so the user learns why the
article is missing from date-filtered searches.
"""

from __future__ import annotations

import json

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.dates import parse_date
from khabar.indexer.readers.printview import split_keywords

__all__ = ["read_jsonl"]

_MAX_SHOWN = 40


def _shown(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _text(value: object) -> str:
    """A text field: strings as is, numbers as their digits, anything else empty."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _keywords(value: object) -> list[str]:
    if isinstance(value, str):
        return split_keywords(value)
    if isinstance(value, list):
        result: list[str] = []
        for item in value:
            item_text = " ".join(_text(item).split())
            if item_text and item_text not in result:
                result.append(item_text)
        return result
    return []


def _read_line(number: int, line: str) -> list[tuple[int, Article | UnreadableArticle]]:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return [(number, UnreadableArticle(f"line {number}: not valid JSON"))]
    if not isinstance(record, dict):
        return [(number, UnreadableArticle(f"line {number}: not a JSON object"))]

    title = " ".join(_text(record.get("title")).split())
    body = _text(record.get("body"))
    if not title and not body:
        return [(number, UnreadableArticle(f"line {number}: no title or body"))]

    results: list[tuple[int, Article | UnreadableArticle]] = []
    date = None
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        try:
            date = parse_date(raw_date) if isinstance(raw_date, str) else None
        except ValueError:
            date = None
        if date is None:
            results.append((number, UnreadableArticle(
                f"line {number}: unrecognised date {_shown(raw_date)!r} (article kept without a date)"
            )))

    article = Article(
        title=title,
        body=body,
        keywords=_keywords(record.get("keywords")),
        date=date,
        source=_text(record.get("source")),
        url=_text(record.get("url")),
        id=_text(record.get("id")),
    )
    results.insert(0, (number, article))
    return results


def read_jsonl(text: str) -> list[tuple[int, Article | UnreadableArticle]]:
    """Read every non-blank line; returns ``(1-based line number, article or problem)``.

    Lines are split on ``\\n`` only (JSON strings may hold U+2028 and friends).
    """
    results: list[tuple[int, Article | UnreadableArticle]] = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        results.extend(_read_line(number, line))
    return results
