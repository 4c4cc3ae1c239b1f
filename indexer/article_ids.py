"""Which article ids a run has seen, and in which file: about 20-40 bytes an article.

An indexing run must know every article id the index holds (an article met
again in another file is a duplicate, not indexed twice) and the file each
came from (to name it, and to drop a file's articles when it changes). A
dict of id strings to paths took ~100 bytes an article, 100 MB at a million
articles, in the process that reads the files while two writers analyse them.

Here an id is its 128-bit BLAKE2b digest, kept in an open-addressing table of
arrays with the number of its file; a file's articles are dropped by marking
the file gone, which its ids' lookups then see. Two different ids share a
digest with a probability of about n² / 2¹²⁹ (1e-26 at ten million), so no
article is taken for another's duplicate.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b

_EMPTY = 0
_MAX_LOAD = 0.7  # linear probing stays short below this


def id_digest(doc_id: str) -> tuple[int, int]:
    """An id's digest as two 64-bit halves, the first never 0 (0 marks an empty slot)."""
    digest = blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little") | 1, int.from_bytes(digest[8:], "little")


class ArticleIds:
    """Article ids → the number of the file holding them (:meth:`new_file`)."""

    def __init__(self, expected: int = 0) -> None:
        self._paths: list[str] = []
        self._gone = bytearray()  # per file number: 1 once its articles are dropped
        self._count = 0  # slots in use, dropped files' included
        size = 1024
        while size * _MAX_LOAD < expected + 1:
            size *= 2
        self._allocate(size)

    def _allocate(self, size: int) -> None:
        """Empty tables of ``size`` slots (a power of two)."""
        self._mask = size - 1
        self._high = array("Q", [_EMPTY]) * size
        self._low = array("Q", [0]) * size
        self._files = array("i", [0]) * size  # 4 bytes: file numbers stay below 2**31

    def new_file(self, path: str) -> int:
        """A number for the file ``path`` (each call a new one: a file read again
        after its articles were dropped gets another)."""
        self._paths.append(path)
        self._gone.append(0)
        return len(self._paths) - 1

    def path(self, file: int) -> str:
        return self._paths[file]

    def _slot(self, high: int, low: int) -> int:
        """The slot holding the digest, or the empty slot where it would go."""
        mask, highs, lows = self._mask, self._high, self._low
        slot = high & mask
        while True:
            found = highs[slot]
            if found == _EMPTY or (found == high and lows[slot] == low):
                return slot
            slot = (slot + 1) & mask

    def file_of(self, doc_id: str) -> int | None:
        """The number of the file holding the article ``doc_id``, or None."""
        high, low = id_digest(doc_id)
        slot = self._slot(high, low)
        if self._high[slot] == _EMPTY:
            return None
        file = self._files[slot]
        return None if self._gone[file] else file

    def __contains__(self, doc_id: str) -> bool:
        return self.file_of(doc_id) is not None

    def add(self, doc_id: str, file: int) -> None:
        """Record the article ``doc_id`` as held by ``file`` (replacing a dropped file's)."""
        self.add_digest(*id_digest(doc_id), file)

    def add_digest(self, high: int, low: int, file: int) -> None:
        """:meth:`add` of an id by its :func:`id_digest` (kept beside the index: indexer/id_digests.py)."""
        slot = self._slot(high, low)
        if self._high[slot] == _EMPTY:
            if (self._count + 1) > _MAX_LOAD * (self._mask + 1):
                self._grow()
                slot = self._slot(high, low)
            self._high[slot], self._low[slot] = high, low
            self._count += 1
        self._files[slot] = file

    def drop_file(self, file: int) -> None:
        """Forget every article of ``file``."""
        self._gone[file] = 1

    def _grow(self) -> None:
        """Twice the slots, the dropped files' ids left behind."""
        highs, lows, files, gone = self._high, self._low, self._files, self._gone
        self._allocate(2 * (self._mask + 1))
        self._count = 0
        for slot, high in enumerate(highs):
            if high != _EMPTY and not gone[files[slot]]:
                at = self._slot(high, lows[slot])
                self._high[at], self._low[at], self._files[at] = high, lows[slot], files[slot]
                self._count += 1
