"""Searchers kept open for the life of the process, reopened when the index changes.

Opening a Whoosh index reads every segment's term table header and, on the
first stored-field or column access, decodes per-document offset tables one
value at a time: ~10 ms on a 9k-article index, more than answering a plain
query. A process that searches more than once (``--stdin``, a library
caller, a server) keeps one searcher per index and checks before each use
that the index on disk is still the one it opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from khabar.indexer.store import open_for_search

from khabar.search.scoring.weighting import weighting

_TOC = re.compile(r"^_MAIN_\d+\.toc$")
_open: dict[Path, tuple[tuple, object, object]] = {}


def shared_searcher(index_dir: Path):
    """An open searcher on ``index_dir`` with khabar's ranking; do not close it.

    Raises :class:`indexer.store.IndexMissing` like ``open_for_search``.
    """
    key = Path(index_dir).absolute()
    stamp = _on_disk(key)
    cached = _open.get(key)
    if cached is not None and cached[0] == stamp and stamp:
        return cached[2]
    if cached is not None:
        _close(cached)
        del _open[key]
    ix = open_for_search(key)
    searcher = ix.searcher(weighting=weighting())
    if stamp:
        _open[key] = (stamp, ix, searcher)
    return searcher


def _on_disk(index_dir: Path) -> tuple:
    """What changes whenever a writer commits or the folder is swapped: the
    table-of-contents files with their inode and modification time, and the
    metadata file. Empty when there is nothing to compare."""
    try:
        with os.scandir(index_dir) as entries:
            found = []
            for entry in entries:
                if _TOC.match(entry.name) or entry.name == "khabar.json":
                    info = entry.stat()
                    found.append((entry.name, info.st_ino, info.st_mtime_ns, info.st_size))
    except OSError:
        return ()
    return tuple(sorted(found))


def _close(cached: tuple) -> None:
    _stamp, ix, searcher = cached
    try:
        searcher.close()
        ix.close()
    except Exception:  # an index deleted under us: nothing left to release
        pass
