"""Reader for ``.json`` files of articles, streamed: a 1 GB array never sits in memory.

The shapes, told by the first value in the file:

- an array of records (``[{"title": …, "abstract": …, "paragraphs": […]}, …]``,
  the shape of dataset dumps and scraper exports): each object is an article;
- an object holding such an array (``{"items": […]}``, a JSON Feed, a
  ``{"articles": […]}`` export): each object of the first array of objects
  is an article; a JSON Feed's ``title`` is its items' source;
- one object that is no wrapper: the file's one article;
- several objects one after another (JSON Lines named ``.json``): one each.

Fields are found by the alias table of ``fields.py``. Records are numbered
from 1 in the order they come (keys ``#1``, ``#2``…); a record that is no
object, or has no title or body, is a problem naming its number. JSON that
breaks off (a file cut short) keeps the records before the break and names
the place.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import ijson

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.readers.fields import RecordReader, text_of
from khabar.indexer.readers.stream import Context, Item, article_items, guarded

__all__ = ["read_json_stream"]

_BOM = b"\xef\xbb\xbf"


def read_json_stream(stream, head: bytes, context: Context) -> Iterator[Item]:
    return guarded(_items(stream, head, context), empty="JSON file has no articles", what="bad record")


def _source(stream, head: bytes):
    """A byte stream ijson can read: without a UTF-8 BOM; UTF-16 as text."""
    if head.startswith(_BOM):
        stream.read(len(_BOM))
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return io.TextIOWrapper(stream, encoding="utf-16", errors="replace")
    return stream


def _first_byte(head: bytes) -> bytes:
    stripped = head.lstrip(b" \t\r\n").removeprefix(_BOM).lstrip(b" \t\r\n")
    return stripped[:1]


class _Records:
    """Numbers the records and turns them into items."""

    def __init__(self, context: Context) -> None:
        self.reader = RecordReader(context.fields)
        self.number = 0
        self.articles = 0

    def item(self, value: object) -> Iterator[Item]:
        self.number += 1
        key, label = f"#{self.number}", f"record {self.number}"
        if not isinstance(value, dict):
            yield key, f"{label}: not a JSON object"
            return
        try:
            article = self.reader.article(value)
        except UnreadableArticle as error:
            yield key, f"{label}: {error}"
            return
        self.articles += 1
        yield from article_items(key, label, article)


def _items(stream, head: bytes, context: Context) -> Iterator[Item]:
    first = _first_byte(head)
    if first not in (b"[", b"{"):
        raise UnreadableArticle("not a JSON array or object of articles")
    records = _Records(context)
    source = _source(stream, head)
    try:
        if first == b"[":
            for value in ijson.items(source, "item", use_float=True):
                yield from records.item(value)
        else:
            yield from _objects(source, records)
    except (ijson.JSONError, ijson.IncompleteJSONError, ValueError, RecursionError) as error:
        reason = " ".join(str(error).split())[:80] or type(error).__name__
        where = f"after record {records.number}" if records.number else "at its start"
        yield f"#{records.number + 1}", f"JSON breaks off {where} ({reason}): the rest of the file is not read"
    if records.articles and (line := records.reader.unread_line()):
        yield "", line


def _objects(source, records: _Records) -> Iterator[Item]:
    """Top-level objects: wrappers of record arrays, or records themselves."""
    events = ijson.parse(source, use_float=True, multiple_values=True)
    for prefix, event, value in events:
        if prefix != "":
            continue
        if event == "start_map":
            yield from _one_object(events, records)
        elif event == "start_array":
            yield from _array_records(events, "item", records)
        # a scalar at the top is no record: skipped


def _one_object(events, records: _Records) -> Iterator[Item]:
    """The events of one top-level object, after its ``start_map``."""
    top: dict[str, object] = {}
    before = records.number
    key = ""
    for prefix, event, value in events:
        if prefix == "" and event == "end_map":
            break
        if prefix == "" and event == "map_key":
            key = value
            continue
        # The value of ``key`` starts here.
        if event == "start_array":
            first = next(events, None)
            if first is None:
                return
            if first[1] == "start_map":
                source = text_of(top.get("source") or top.get("site") or top.get("publisher")) or (
                    text_of(top.get("title")) if "jsonfeed" in text_of(top.get("version")) else "")
                if source:
                    records.reader.defaults.setdefault("source", source)
                yield from records.item(_build(events, "start_map", None))
                yield from _array_records(events, f"{key}.item", records)
            elif first[1] == "end_array":
                top[key] = []
            else:
                builder = ijson.ObjectBuilder()
                builder.event("start_array", None)
                builder.event(first[1], first[2])
                depth = 1 + (first[1] in ("start_map", "start_array"))
                for _prefix, inner, inner_value in events:
                    builder.event(inner, inner_value)
                    depth += (inner in ("start_map", "start_array")) - (inner in ("end_map", "end_array"))
                    if depth == 0:
                        break
                top[key] = builder.value
        else:
            top[key] = _build(events, event, value)
    if records.number == before:
        yield from records.item(top)


def _array_records(events, item_prefix: str, records: _Records) -> Iterator[Item]:
    """Each value of an array (after its ``start_array``, or after its first item) as a record."""
    container = item_prefix.removesuffix("item").removesuffix(".")
    for prefix, event, value in events:
        if event == "end_array" and prefix == container:
            return
        if prefix == item_prefix:
            yield from records.item(_build(events, event, value))


def _build(events, event: str, value: object) -> object:
    """The value that starts with ``event``: built whole (one record is small)."""
    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _prefix, inner, inner_value in events:
        builder.event(inner, inner_value)
        depth += (inner in ("start_map", "start_array")) - (inner in ("end_map", "end_array"))
        if depth == 0:
            break
    return builder.value
