"""Turning one file into articles, whatever its format.

Two entry points:

- :func:`iter_file` streams a file's **items** (see ``stream.py``): ``(key,
  Article)`` and ``(key, "problem")``, one record at a time, so that a 1 GB
  JSON array, a 5 GB WARC or a tarball of a million pages never sits in
  memory. It raises :class:`UnreadableArticle` only before the first article
  (and :class:`NotAnArticle` for a file that has no shape of one: notes, a
  licence, a table of something else);
- :func:`read_file` reads the same into a :class:`ReadResult` (every article
  in one list), for callers that want the whole file at once.

The reader is picked by suffix (``.json.gz``: a gzipped JSON file) and, where
one suffix has several formats (``.txt``, ``.xml``, ``.csv``, ``.json``), by
the first bytes. Every failure becomes a one-line reason, so one broken file
never stops the indexing of a folder.

=================================  ===============================================
suffix                              read as
=================================  ===============================================
.html .htm .xhtml                   a news page (``html.py``)
.txt                                an IR-News file, a MirasText dump, a Persica
                                    export, or a print view (by the first lines)
.jsonl .ndjson                      JSON Lines, one article per line
.json                               an array of articles, an object holding one,
                                    or one article
.csv .tsv .tab                      a table with a header row (or Persica's
                                    one-field-a-line records)
.xml .rss .atom .rdf                an RSS or Atom feed, Hamshahri2 or TNews XML
.ham                                a Hamshahri2 plain-text document
.warc .arc (.gz)                    a web archive: each HTML response a page
.gz .bz2 .xz                        the file inside, read as a stream
.zip .tar .tgz .tar.gz/.bz2/.xz     each member, read as a stream
=================================  ===============================================
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from khabar.indexer.article import Article, NotAnArticle, UnreadableArticle, note_like
from khabar.indexer.encoding import decode_text
from khabar.indexer.readers.fields import fields_for
from khabar.indexer.readers.irnews import looks_like_irnews, read_irnews
from khabar.indexer.readers.jsonl import read_jsonl_stream
from khabar.indexer.readers.printview import has_prose, read_printview
from khabar.indexer.readers.stream import (
    HEAD, Context, HeadStream, Item, article_items, one_line, read_capped,
)
from khabar.indexer.safe_text import without_surrogates

__all__ = [
    "COMPRESSED_SUFFIXES", "NOTES", "READS", "SUPPORTED_SUFFIXES", "ReadResult", "ignored_kind", "is_supported",
    "iter_file", "name_kind", "not_regular", "open_regular", "read_bytes", "read_file", "read_stream",
]

_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_TABLE_SUFFIXES = {".csv", ".tsv", ".tab"}
_XML_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
_WARC_SUFFIXES = {".warc", ".arc"}
COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz"}
_ARCHIVE_SUFFIXES = {".zip", ".tar", ".tgz", ".tbz2", ".tbz", ".txz"}
# Files that are read whole; the others are read as streams.
SUPPORTED_SUFFIXES = (_HTML_SUFFIXES | {".txt", ".json", ".ham"} | _JSONL_SUFFIXES | _TABLE_SUFFIXES
                      | _XML_SUFFIXES | _WARC_SUFFIXES | COMPRESSED_SUFFIXES | _ARCHIVE_SUFFIXES)
# What the summary line says khabar reads, after what it ignored.
READS = "khabar reads .html .txt .json .jsonl .csv .tsv .xml .ham .warc, also inside .gz .bz2 .xz .zip .tar"
# Names of the notes that sit beside articles (SOURCE.txt, README, LICENSE.txt…), compared in lower case.
NOTES = frozenset({
    "readme", "source", "sources", "license", "licence", "copying", "notice", "changelog", "changes",
    "authors", "contributors", "contributing", "citation", "install", "history", "manifest", "todo",
    "source_commit", "version", "credits", "acknowledgements", "thanks",
})
_MAX_DEPTH = 3  # a bundle in a bundle in a bundle, no deeper


@dataclass
class ReadResult:
    """What one file gave: articles keyed by an id suffix, and what could not be read.

    The key suffix is ``""`` for single-article files, ``"#L12"`` for line 12
    of a JSON Lines file and ``"#12"`` for the 12th record of other files of
    many articles (see ``stream.py``).
    """

    articles: list[tuple[str, Article]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _suffixes(name: str) -> list[str]:
    """Lower-case suffixes, the last one last: ``news.JSON.gz`` -> [".json", ".gz"]."""
    return [s.lower() for s in PurePosixPath(name).suffixes if 1 < len(s) <= 8 and " " not in s]


def _inner_name(name: str) -> str:
    """The name of the file a compressed one holds: ``a.json.gz`` -> ``a.json``."""
    base = PurePosixPath(name)
    return str(base.with_suffix("")) if base.suffix else name


def is_supported(path: Path) -> bool:
    """True when ``read_file`` knows the file's suffix (case-insensitive).

    A compressed file is supported when the file inside is (``a.txt.gz``, not ``a.pdf.gz``).
    """
    return ignored_kind(Path(path)) is None


def ignored_kind(path: Path) -> str | None:
    """None when ``path`` is read as an article file; else what kind of file it is, as
    the summary counts it: its suffix (``".pdf"``, ``"no extension"``) or ``"notes"``
    (SOURCE.txt, README, LICENSE…: what sits beside articles and is none)."""
    return name_kind(Path(path).name)


def name_kind(name: str) -> str | None:
    """:func:`ignored_kind` of a file's name (what a walk has, without a path parsed)."""
    kind = _suffix_kind(name)
    if kind is not None and kind != "no extension":
        return kind  # README.md is counted as the .md it is
    if name[:4].lower() not in _NOTES_STARTS:  # most names: no stem made (a walk asks of every file)
        return kind
    stem = name.split(".", 1)[0].lower()
    if stem in NOTES or stem.startswith(("readme", "license", "licence")):
        return "notes"
    return kind


# What a notes name starts with (every NOTES name has 4 letters or more).
_NOTES_STARTS = frozenset(stem[:4] for stem in NOTES | {"readme", "license", "licence"})


def _suffix_kind(name: str) -> str | None:
    """What :func:`_name_kind` says of ``name``, worked out once per run of suffixes:
    a path's suffixes are what follows the first dot of its name (leading dots left
    out), and a folder of articles has a few kinds of names (pathlib's parsing of
    every name was most of a walk's time: 33 of 66 s for the 584,250 files of 1M)."""
    stripped = name.lstrip(".")
    dot = stripped.find(".")
    return _name_kind("x" + stripped[dot:] if dot >= 0 else "x")


@lru_cache(maxsize=1024)
def _name_kind(name: str) -> str | None:
    suffixes = _suffixes(name)
    if not suffixes:
        return "no extension"
    last = suffixes[-1]
    if last in COMPRESSED_SUFFIXES:
        inner = _inner_name(name)
        inner_suffixes = _suffixes(inner)
        if inner_suffixes and inner_suffixes[-1] in SUPPORTED_SUFFIXES - COMPRESSED_SUFFIXES:
            return None
        return last if not inner_suffixes else inner_suffixes[-1] + last
    return None if last in SUPPORTED_SUFFIXES else last


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


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading when it is a regular file; raises UnreadableArticle for anything else.

    Opened without blocking and checked on the open file, so that a named pipe
    (or a file replaced by one after the walk looked at it) never hangs the run.
    Raises OSError when the file cannot be opened.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if problem := not_regular(os.fstat(fd).st_mode):
            raise UnreadableArticle(problem)
        return os.fdopen(fd, "rb", buffering=1 << 16)
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path`` when it is a regular file; raises UnreadableArticle for anything else."""
    with open_regular(path) as stream:
        return stream.read()


def _os_reason(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    return one_line(reason[:1].lower() + reason[1:])


def _failure(error: BaseException) -> UnreadableArticle:
    """Any failure as the one-line UnreadableArticle it is for the user."""
    if isinstance(error, NotAnArticle):
        return NotAnArticle(one_line(str(error)) or "not an article", error.kind)
    if isinstance(error, UnreadableArticle):
        return UnreadableArticle(one_line(str(error)) or "unreadable")
    if isinstance(error, OSError):
        return UnreadableArticle(_os_reason(error))
    if isinstance(error, (EOFError, MemoryError, RecursionError)) or type(error).__module__ in (
            "gzip", "zlib", "bz2", "lzma", "_lzma", "zipfile", "tarfile"):
        name = type(error).__name__
        detail = one_line(str(error))
        return UnreadableArticle(one_line(f"broken or cut short ({name}{': ' + detail if detail else ''})"))
    detail = one_line(str(error))
    reason = type(error).__name__ + (f": {detail}" if detail else "")
    return UnreadableArticle(one_line(f"could not read: {reason}"))


def iter_file(path: Path, stream: BinaryIO | None = None, *,
              fields: Mapping[str, list[str]] | None = None) -> Iterator[Item]:
    """The items of ``path`` (read from ``stream`` when the caller has it open), one record at a time.

    ``fields``: the user's field names (``--field``), before those of a
    ``.khabar.toml`` beside the file and the alias table (``fields.py``).
    Raises :class:`UnreadableArticle` (one line) before the first article
    when the file as a whole is unusable: unsupported, unreadable, binary,
    empty, undecodable or holding no article; :class:`NotAnArticle` when it
    is no article file at all. After the first article, a failure is one
    more problem item, the last.
    """
    path = Path(path)
    try:
        kind = ignored_kind(path)
        if kind == "notes":
            raise NotAnArticle(f"{path.name}: notes beside the articles, not an article", "notes")
        if kind is not None:
            raise UnreadableArticle(f"unsupported file type {kind}")
        context = Context(name=str(path), fields=fields_for(path, fields))
        own = stream is None
        if own:
            stream = open_regular(path)
    except ImportError:
        raise
    except Exception as error:  # noqa: BLE001 - the boundary
        raise _failure(error) from error
    try:
        yield from guard(lambda: read_stream(path.name, stream, context))
    finally:
        if own:
            stream.close()


def guard(items: Callable[[], Iterator[Item]]) -> Iterator[Item]:
    """The items ``items()`` gives, with every exception made an UnreadableArticle before
    the first article, and a last problem item after it; articles without lone
    surrogates, problems one line."""
    found = False
    try:
        for key, value in items():
            if isinstance(value, Article):
                found = True
                _without_surrogates(value)
                yield key, value
            else:
                yield key, note_like(value, one_line(without_surrogates(value)))
    except ImportError:
        raise  # a broken installation, not a broken file
    except Exception as error:  # noqa: BLE001 - the boundary: bad content must not escape
        failure = _failure(error)
        if not found:
            raise failure from error
        yield "", one_line(f"{failure}: the rest of the file is not read")


def read_file(path: Path, data: bytes | None = None, *,
              fields: Mapping[str, list[str]] | None = None) -> ReadResult:
    """Read the articles in ``path`` (from ``data`` when the caller already has its bytes).

    Raises :class:`UnreadableArticle` (one-line message) when the file as a
    whole is unusable: unsupported, unreadable, binary, empty, undecodable or
    holding no article. Problems with parts of a file (a bad JSON line) are
    listed in :attr:`ReadResult.problems` instead.
    """
    result = ReadResult()
    stream = io.BytesIO(data) if data is not None else None
    for key, value in iter_file(Path(path), stream, fields=fields):
        if isinstance(value, Article):
            result.articles.append((key, value))
        else:
            result.problems.append(value)
    return result


def _without_surrogates(article: Article) -> None:
    """Lone surrogates (a JSON ``"\\ud800"`` escape) made U+FFFD: the index holds UTF-8 only,
    and one of them in any field stopped the whole run when the writer encoded it."""
    for name in ("title", "body", "source", "url", "id"):
        setattr(article, name, without_surrogates(getattr(article, name)))
    article.keywords = [without_surrogates(keyword) for keyword in article.keywords]
    article.problems = [without_surrogates(problem) for problem in article.problems]


# ---------------------------------------------------------------- dispatch


def read_stream(name: str, stream: BinaryIO, context: Context) -> Iterator[Item]:
    """The items of the file called ``name`` (a file name, or a bundle member's) read from ``stream``."""
    suffixes = _suffixes(name)
    last = suffixes[-1] if suffixes else ""
    if last in _ARCHIVE_SUFFIXES or (suffixes[-2:-1] == [".tar"] and last in COMPRESSED_SUFFIXES):
        from khabar.indexer.readers.bundles import read_archive

        return read_archive(name, stream, context)
    if last in COMPRESSED_SUFFIXES:
        inner = _inner_name(name)
        if _suffixes(inner)[-1:] in ([".warc"], [".arc"]):
            from khabar.indexer.readers.warc import read_warc

            return read_warc(stream, context)
        from khabar.indexer.readers.bundles import read_compressed

        return read_compressed(name, inner, last, stream, context)
    if last in _WARC_SUFFIXES:
        from khabar.indexer.readers.warc import read_warc

        return read_warc(stream, context)
    if last in _HTML_SUFFIXES:
        return _html(stream, context)
    if last == ".ham":
        from khabar.indexer.readers.hamshahri import read_ham

        return _single(read_ham(read_capped(stream), name=name))
    head_stream = HeadStream(stream)
    head = head_stream.head
    body = head_stream.buffered()
    if not head.strip():
        raise UnreadableArticle("empty file")
    if last in _JSONL_SUFFIXES:
        return read_jsonl_stream(body, head, context)
    if last == ".json":
        from khabar.indexer.readers.json_records import read_json_stream

        return read_json_stream(body, head, context)
    if last in _TABLE_SUFFIXES:
        from khabar.indexer.readers import collections_text
        from khabar.indexer.readers.table import read_table

        if collections_text.looks_like_persica(_head_lines(head)):
            return collections_text.read_persica(body, head, context)

        return read_table(body, head, last, context)
    if last in _XML_SUFFIXES:
        from khabar.indexer.readers.xml_collections import read_xml

        return read_xml(body, head, context)
    if last == ".txt":
        return _text(body, head, context)
    raise UnreadableArticle(f"unsupported file type {last or '(no suffix)'}")


def _head_lines(head: bytes) -> list[str]:
    """The first lines of a text file, from its head."""
    text = decode_text(head) if len(head) < HEAD else head.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff").split("\n", 3)[:3]


def _single(article: Article) -> Iterator[Item]:
    return article_items("", "", article)


def _html(stream: BinaryIO, context: Context) -> Iterator[Item]:
    from khabar.indexer.readers.html import read_html  # bs4 is slow to import

    return _single(read_html(read_capped(stream), path=context.name))


def _text(stream: BinaryIO, head: bytes, context: Context) -> Iterator[Item]:
    """A ``.txt`` file: told apart by its first lines."""
    from khabar.indexer.readers import collections_text

    lines = _head_lines(head)
    if collections_text.looks_like_mirastext(lines[0]):
        return collections_text.read_mirastext(stream, head, context)
    if collections_text.looks_like_persica(lines):
        return collections_text.read_persica(stream, head, context)
    text = decode_text(read_capped(stream))
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if looks_like_irnews(first_line):
        return _single(read_irnews(text))
    if not has_prose(text):
        raise NotAnArticle("no line of prose in it (a list, a table, notes?): not an article", ".txt")
    return _single(read_printview(text))
