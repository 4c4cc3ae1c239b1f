"""Compressed files and bundles, read as streams: nothing is unpacked to disk.

- ``.gz``, ``.bz2``, ``.xz`` around any file khabar reads (``news.json.gz``,
  ``feed.xml.bz2``): the file inside is read as it is decompressed; its
  articles keep the keys they would have outside;
- ``.zip``, ``.tar``, ``.tgz``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz``: each
  member is read in turn, as if it were a file in a folder. Its articles'
  keys start with the member's path (``#2020/page.html``,
  ``#dump.json#12``); a member that cannot be read is a problem naming it,
  and the others are read all the same. Members that are no article file
  (a README, a PDF) are counted and named in one line, as a folder's are.
  Hidden members and macOS's ``__MACOSX`` folder are passed over. A bundle
  inside a bundle is read too, three deep at most.

A ``.zip`` is read through its central directory, at the end of the file;
a zip that is itself inside a stream (a tar member) is held in memory when
it is no larger than 64 MB, else named as not read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath

from khabar.indexer.article import Note, NotAnArticle, UnreadableArticle, note_like
from khabar.indexer.readers.stream import Context, Item, guarded, one_line

__all__ = ["read_archive", "read_compressed"]

_MAX_DEPTH = 3
_MAX_NESTED_ZIP = 64 * 1024 * 1024


def read_compressed(name: str, inner: str, suffix: str, stream, context: Context) -> Iterator[Item]:
    """The items of the file inside a ``.gz``/``.bz2``/``.xz`` stream."""
    from khabar.indexer.readers import read_stream

    if suffix == ".gz":
        opened = gzip.GzipFile(fileobj=stream, mode="rb")
    elif suffix == ".bz2":
        opened = bz2.BZ2File(stream, mode="rb")
    else:
        opened = lzma.LZMAFile(stream, mode="rb")
    return read_stream(inner, io.BufferedReader(opened, buffer_size=1 << 16), context)


def read_archive(name: str, stream, context: Context) -> Iterator[Item]:
    """The items of every member of a ``.zip`` or tar bundle."""
    if context.depth >= _MAX_DEPTH:
        raise UnreadableArticle(f"a bundle {context.depth} bundles deep: not read")
    return guarded(_archive_items(name, stream, context), empty="the bundle holds no article file",
                   what="member problem")


def _members(name: str, stream) -> Iterator[tuple[str, object]]:
    """``(member path, open binary stream)`` for each regular member, in the bundle's order."""
    if PurePosixPath(name).suffix.lower() == ".zip":
        if not _seekable(stream):
            data = stream.read(_MAX_NESTED_ZIP + 1)
            if len(data) > _MAX_NESTED_ZIP:
                raise UnreadableArticle("a zip larger than 64 MB inside another bundle: not read")
            stream = io.BytesIO(data)
        with zipfile.ZipFile(stream) as bundle:
            for info in bundle.infolist():
                if info.is_dir():
                    continue
                with bundle.open(info) as member:
                    yield info.filename, member
        return
    with tarfile.open(fileobj=stream, mode="r|*") as bundle:
        for info in bundle:
            if not info.isfile():
                continue
            member = bundle.extractfile(info)
            if member is not None:
                yield info.name, member


def _seekable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _hidden(path: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(path).parts)


def _archive_items(name: str, stream, context: Context) -> Iterator[Item]:
    from khabar.indexer.readers import guard, ignored_kind, read_stream

    ignored: Counter[str] = Counter()
    for path, member in _members(name, stream):
        if _hidden(path):
            continue
        kind = ignored_kind(PurePosixPath(path))
        if kind is not None:
            ignored[kind] += 1
            continue
        child = Context(name=f"{context.name}#{path}", fields=context.fields, depth=context.depth + 1)
        try:
            for key, value in guard(lambda: read_stream(PurePosixPath(path).name, member, child)):
                yield f"#{path}{key}", value if not isinstance(value, str) else note_like(value, one_line(f"{path}: {value}"))
        except NotAnArticle as error:
            ignored[error.kind] += 1
        except UnreadableArticle as error:
            yield f"#{path}", one_line(f"{path}: {error}")
    if ignored:
        counts = ", ".join(f"{kind} {count}" for kind, count in sorted(ignored.items(), key=lambda kv: (-kv[1], kv[0])))
        yield "", Note(f"members not read, being no article files: {sum(ignored.values())} ({counts})")
