"""Reader for JSON Lines files: one article per line, read a line at a time.

Each line is a JSON object whose fields are found by the alias table of
``fields.py`` (``title``, ``body``/``text``/``paragraphs``, ``abstract``/
``summary``, ``keywords``/``tags``, ``date``/``published``/``pubDate``,
``url``/``link``, ``source``, ``id``…); fields no name claims are named once
per file. ``keywords`` may be a list or one string (split by
``split_keywords``).

A broken line never stops the others: it is a problem naming its line
number. A line whose date cannot be read or lies outside the years of news
keeps its article (with ``date=None``) and names the date in the article's
``problems``, so the user learns why the article is missing from
date-filtered searches. ``NaN`` and ``Infinity`` (which Python's JSON reader
accepts) are no value: a field holding one is empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.readers.fields import RecordReader
from khabar.indexer.readers.stream import Context, Item, article_items, guarded, text_stream

__all__ = ["iter_jsonl", "read_jsonl", "read_jsonl_stream"]


def _read_line(reader: RecordReader, number: int, line: str) -> Article | UnreadableArticle:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return UnreadableArticle(f"line {number}: not valid JSON")
    if not isinstance(record, dict):
        return UnreadableArticle(f"line {number}: not a JSON object")
    try:
        return reader.article(record)
    except UnreadableArticle as error:
        return UnreadableArticle(f"line {number}: {error}")


def iter_jsonl(lines: Iterable[str], reader: RecordReader | None = None
               ) -> Iterator[tuple[int, Article | UnreadableArticle]]:
    """``(1-based line number, article or problem)`` for every non-blank line.

    Lines are split on ``\\n`` only (JSON strings may hold U+2028 and friends).
    """
    reader = reader or RecordReader()
    for number, line in enumerate(lines, start=1):
        line = line.strip().lstrip("\ufeff") if number == 1 else line.strip()
        if line:
            yield number, _read_line(reader, number, line)


def read_jsonl(text: str) -> list[tuple[int, Article | UnreadableArticle]]:
    """Every non-blank line of ``text`` (already decoded); see :func:`iter_jsonl`."""
    return list(iter_jsonl(text.lstrip("\ufeff").split("\n")))


def read_jsonl_stream(stream, head: bytes, context: Context) -> Iterator[Item]:
    """The items of a JSON Lines stream, one line at a time."""
    return guarded(_items(stream, head, context), empty="JSON Lines file has no articles", what="bad line")


def _items(stream, head: bytes, context: Context) -> Iterator[Item]:
    reader = RecordReader(context.fields)
    found = False
    for number, item in iter_jsonl(text_stream(stream, head, newline="\n"), reader):
        if isinstance(item, Article):
            found = True
            yield from article_items(f"#L{number}", f"line {number}", item)
        else:
            yield f"#L{number}", str(item)
    if found and (line := reader.unread_line()):
        yield "", line
