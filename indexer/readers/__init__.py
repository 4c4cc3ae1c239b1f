"""Turning one file into articles, whatever its format.

``read_file`` is the only entry point the indexer needs: it reads the bytes
once, picks a reader by suffix (and, for ``.txt``, by the first line) and
converts *every* failure into :class:`UnreadableArticle` with a one-line
reason, so one broken file never stops the indexing of a folder.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.encoding import decode_text
from khabar.indexer.readers.irnews import looks_like_irnews, read_irnews
from khabar.indexer.readers.jsonl import read_jsonl
from khabar.indexer.readers.printview import read_printview
from khabar.indexer.safe_text import without_surrogates

__all__ = ["SUPPORTED_SUFFIXES", "ReadResult", "is_supported", "not_regular", "read_bytes", "read_file"]

SUPPORTED_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".jsonl", ".ndjson"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_MAX_REASON = 200


@dataclass
class ReadResult:
    """What one file gave: articles keyed by an id suffix, and what could not be read.

    The key suffix is ``""`` for single-article files and ``"#L12"`` for line 12
    of a JSON Lines file.
    """

    articles: list[tuple[str, Article]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def is_supported(path: Path) -> bool:
    """True when ``read_file`` knows the file's suffix (case-insensitive)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


_KINDS = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
)


def not_regular(mode: int) -> str | None:
    """None for a regular file's ``st_mode``, else why it is not read ("not a regular file (a named pipe)").

    Only regular files are articles: opening a named pipe waits for a writer
    for ever, and a device can be read without end.
    """
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file ({kind})"


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path`` when it is a regular file; raises UnreadableArticle for anything else.

    Opened without blocking and checked on the open file, so that a named pipe
    (or a file replaced by one after the walk looked at it) never hangs the run.
    Raises OSError when the file cannot be opened or read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        if problem := not_regular(status.st_mode):
            raise UnreadableArticle(problem)
        chunks = []
        while chunk := os.read(fd, max(status.st_size + 1, 1 << 16)):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def _os_reason(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    return _one_line(reason[:1].lower() + reason[1:])


def read_file(path: Path, data: bytes | None = None) -> ReadResult:
    """Read the articles in ``path`` (from ``data`` when the caller already has its bytes).

    Raises :class:`UnreadableArticle` (one-line message) when the file as a
    whole is unusable: unsupported, unreadable, binary, empty, undecodable or
    holding no article. Problems with parts of a file (a bad JSON line) are
    listed in :attr:`ReadResult.problems` instead.
    """
    path = Path(path)
    try:
        result = _read(path, data)
        for _, article in result.articles:
            _without_surrogates(article)
        return result
    except UnreadableArticle as error:
        raise UnreadableArticle(_one_line(str(error)) or "unreadable") from error
    except ImportError:
        raise  # a broken installation, not a broken file
    except OSError as error:
        raise UnreadableArticle(_os_reason(error)) from error
    except Exception as error:  # noqa: BLE001 - the boundary: bad content must not escape
        detail = _one_line(str(error))
        reason = type(error).__name__ + (f": {detail}" if detail else "")
        raise UnreadableArticle(_one_line(f"could not read: {reason}")) from error


def _without_surrogates(article: Article) -> None:
    """Lone surrogates (a JSON ``"\\ud800"`` escape) made U+FFFD: the index holds UTF-8 only,
    and one of them in any field stopped the whole run when the writer encoded it."""
    for name in ("title", "body", "source", "url", "id"):
        setattr(article, name, without_surrogates(getattr(article, name)))
    article.keywords = [without_surrogates(keyword) for keyword in article.keywords]


def _read(path: Path, data: bytes | None) -> ReadResult:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableArticle(f"unsupported file type {suffix or '(no suffix)'}")
    if data is None:
        data = read_bytes(path)

    if suffix in _HTML_SUFFIXES:
        from khabar.indexer.readers.html import read_html  # bs4 is slow to import

        return _single_result(read_html(data, path=str(path)))

    text = decode_text(data)
    if suffix in _JSONL_SUFFIXES:
        return _jsonl_result(read_jsonl(text))

    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    return _single_result(read_irnews(text) if looks_like_irnews(first_line) else read_printview(text))


def _single_result(article: Article) -> ReadResult:
    return ReadResult(articles=[("", article)], problems=[_one_line(p) for p in article.problems])


def _jsonl_result(items: list[tuple[int, Article | UnreadableArticle]]) -> ReadResult:
    result = ReadResult()
    for number, item in items:
        if isinstance(item, Article):
            result.articles.append((f"#L{number}", item))
            result.problems += [_one_line(f"line {number}: {problem}") for problem in item.problems]
        else:
            result.problems.append(_one_line(str(item)))
    if not result.articles:
        if not result.problems:
            raise UnreadableArticle("JSON Lines file has no articles")
        more = len(result.problems) - 1
        tail = f" (and {more} more bad line{'s' if more > 1 else ''})" if more else ""
        raise UnreadableArticle(f"no readable article: {result.problems[0]}{tail}")
    return result
