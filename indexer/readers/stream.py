"""What every reader shares: the items it yields, and streams it can peek into.

A reader turns one binary stream into a stream of **items**, never holding
more than one record at a time:

- ``(key, Article)``: an article; ``key`` is ``""`` for a file that is one
  article, ``"#12"`` for the 12th record of a file of many (``"#L12"`` for
  line 12 of JSON Lines), ``"#inner/page.html"`` for a member of a bundle;
- ``(key, "problem")``: one line naming what could not be used and where
  ("record 12: no title or body"). The problems of an article (an
  unusable date) follow the article as items of their own, as
  :class:`~khabar.indexer.article.Note`: the article is kept.

A reader raises :class:`UnreadableArticle` (or :class:`NotAnArticle`) only
before its first article; a failure after that is one more problem item and
the end of that file's items.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Union

from khabar.indexer.article import Article, Note, UnreadableArticle
from khabar.indexer.encoding import stream_encoding

__all__ = [
    "HEAD", "Item", "Context", "HeadStream", "article_items", "one_line", "read_capped", "text_stream",
    "MAX_SINGLE_ARTICLE",
]

Item = tuple[str, Union[Article, str]]

# How much of a stream is looked at to tell its format and encoding.
HEAD = 64 * 1024
# A file (or bundle member) that is one article is read whole; past this it is no article.
MAX_SINGLE_ARTICLE = 64 * 1024 * 1024
_MAX_REASON = 200


@dataclass(slots=True)
class Context:
    """What a reader is told besides the bytes.

    ``name``: the file (or bundle member) as messages name it; ``fields``: the
    user's field names (``{"body": ["text"]}``, see ``fields.py``); ``depth``:
    how many bundles this stream is inside (a bundle inside a bundle inside…
    stops somewhere).
    """

    name: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    depth: int = 0


class HeadStream(io.RawIOBase):
    """A binary stream whose first bytes can be looked at before it is read.

    ``head`` holds up to :data:`HEAD` bytes from the start; reading starts at
    the start all the same. Wrap it in :class:`io.BufferedReader` (see
    :meth:`buffered`) for line reading and text decoding.
    """

    def __init__(self, raw: BinaryIO, head_size: int = HEAD) -> None:
        super().__init__()
        self._raw = raw
        chunks: list[bytes] = []
        size = 0
        while size < head_size:
            chunk = raw.read(head_size - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        self.head = b"".join(chunks)
        self._pending = memoryview(self.head)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._pending:
            count = min(len(buffer), len(self._pending))
            buffer[:count] = self._pending[:count]
            self._pending = self._pending[count:]
            return count
        data = self._raw.read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        return len(data)

    def buffered(self) -> io.BufferedReader:
        return io.BufferedReader(self, buffer_size=1 << 16)


def read_capped(stream: BinaryIO, limit: int = MAX_SINGLE_ARTICLE) -> bytes:
    """The whole stream, when it is no larger than ``limit`` (a file that is one article)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnreadableArticle(f"larger than {limit // (1024 * 1024)} MB: too large to be one article")
    return data


def text_stream(stream: BinaryIO, head: bytes, *, newline: str | None = None) -> io.TextIOWrapper:
    """``stream`` as text, in the encoding its head shows (see ``stream_encoding``)."""
    buffered = stream if isinstance(stream, io.BufferedIOBase) else io.BufferedReader(stream)  # type: ignore[arg-type]
    return io.TextIOWrapper(buffered, encoding=stream_encoding(head), errors="replace", newline=newline)


def one_line(text: object) -> str:
    """A message as one line of at most 200 characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def article_items(key: str, label: str, article: Article) -> Iterator[Item]:
    """The article, then each of its problems as a line naming the record (``label``)."""
    yield key, article
    for problem in article.problems:
        yield key, Note(one_line(f"{label}: {problem}" if label else problem))


_HELD = 1000


def guarded(items: Iterator[Item], *, empty: str, what: str = "problem") -> Iterator[Item]:
    """``items`` of a file of many records, kept to the contract of the module doc.

    Problems before the first article are held (up to a thousand, the rest
    counted) until an article comes; when none comes, the file is
    unreadable: :class:`UnreadableArticle` with ``empty`` when the file gave
    nothing at all, else its first problem ("no readable article: line 1:
    not valid JSON (and 2 more bad lines)"). ``what`` names the problems in
    that message ("bad line").
    """
    held: list[Item] = []
    dropped = 0
    iterator = iter(items)
    for key, value in iterator:
        if isinstance(value, Article):
            yield from held
            if dropped:
                yield "", f"and {dropped} more {what}s before the first article"
            yield key, value
            yield from iterator
            return
        if len(held) < _HELD:
            held.append((key, value))
        else:
            dropped += 1
    if not held:
        raise UnreadableArticle(empty)
    more = len(held) - 1 + dropped
    tail = f" (and {more} more {what}{'s' if more > 1 else ''})" if more else ""
    raise UnreadableArticle(f"no readable article: {held[0][1]}{tail}")
