"""A segment's postings of a few terms, read whole into flat arrays.

The scorers (:mod:`search.scoring.sparse`, :mod:`search.scoring.dense`), the
proximity bonus (:mod:`search.scoring.proximity`) and feedback read the same
lists: ids, term frequencies and each posting's encoded positions, without a
Whoosh matcher per posting.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from itertools import accumulate

from whoosh.query import Term

from khabar.search.scoring.segments import cache_of, posting_arrays, posting_blocks, posting_blocks_holding

_SHARED = "postings"


@contextmanager
def shared_postings(searcher) -> Iterator[None]:
    """Inside the block, each segment's lists are read once for every pass of a
    search (proximity bonus, first pass, feedback pass), then let go."""
    readers = [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    for reader in readers:
        cache_of(reader)[_SHARED] = SegmentPostings(reader)
    try:
        yield
    finally:
        for reader in readers:
            cache_of(reader).pop(_SHARED, None)


def postings_of(reader) -> SegmentPostings:
    """The segment's lists shared by the current search, or a fresh reading."""
    shared = cache_of(reader).get(_SHARED)
    return shared if shared is not None else SegmentPostings(reader)


class SegmentPostings:
    """One segment's postings of the query's terms, each read once."""

    def __init__(self, reader):
        self.reader = reader
        self._lists: dict[tuple[str, str], PostingList] = {}

    def whole(self, term: Term) -> PostingList:
        """The term's postings with their encoded positions, as flat arrays."""
        key = (term.fieldname, term.text)
        if key not in self._lists:
            self._lists[key] = PostingList(self.reader, key)
        return self._lists[key]


    def frequencies(self, term: Term, docnums: list[int]) -> list[float]:
        """The term frequency in each of ``docnums`` (ascending; 0 where absent),
        from the list already read whole, else from only the blocks that can hold them."""
        found = self._lists.get((term.fieldname, term.text))
        if found is not None:
            return [found.tf(docnum) for docnum in docnums]
        tfs = [0.0] * len(docnums)
        wanted = 0  # the first of docnums not yet past the blocks read
        for ids, weights, _lengths, _blob in posting_blocks_holding(self.reader, term.fieldname, term.text, docnums):
            if not len(ids):
                continue
            last = ids[-1]
            while wanted < len(docnums) and docnums[wanted] <= last:
                at = bisect_left(ids, docnums[wanted])  # a block is ~128 ids: look the few wanted up
                if ids[at] == docnums[wanted]:
                    tfs[wanted] = weights[at]
                wanted += 1
        return tfs


class PostingList:
    """A term's postings in one segment as arrays: ids (ascending), frequencies,
    and every posting's encoded positions in one byte string. Deleted documents
    are still in (callers leave them out)."""

    def __init__(self, reader, key: tuple[str, str]) -> None:
        self.format = reader.schema[key[0]].format
        self.ids, self.tfs, self.lengths = array("I"), array("f"), array("I")
        whole = posting_arrays(reader, *key)
        if whole is not None:  # a long list, decoded at once
            for kept, found in zip((self.ids, self.tfs, self.lengths), whole):
                kept.frombytes(found.tobytes())
            self.blob = whole[3]
            return
        blobs = []
        for ids, tfs, lengths, blob in posting_blocks(reader, *key):
            self.ids.extend(ids)
            self.tfs.extend(tfs)
            self.lengths.extend(lengths)
            blobs.append(blob)
        self.blob = b"".join(blobs)

    @cached_property
    def ends(self) -> list[int]:
        """Where each posting's encoded positions end in :attr:`blob` (for the per-posting path)."""
        return list(accumulate(self.lengths))

    @cached_property
    def array_ends(self):
        """:attr:`ends` as a numpy array (int64), for the numpy paths."""
        import numpy as np

        return np.cumsum(np.frombuffer(self.lengths, dtype=np.uint32), dtype=np.int64)

    def tf(self, docnum: int) -> float:
        """The document's term frequency; 0 when it does not hold the term."""
        at = bisect_left(self.ids, docnum)
        return self.tfs[at] if at < len(self.ids) and self.ids[at] == docnum else 0.0

    def positions(self, docnum: int) -> list[int]:
        i = bisect_left(self.ids, docnum)
        return self.format.decode_positions(self.blob[self.ends[i - 1] if i else 0 : self.ends[i]])


class JoinedList:
    """A term's :class:`PostingList` of every segment one after the other, as one list of
    index-wide document numbers (each segment's ``offsets`` added): ``ids`` (uint32),
    ``lengths``, ``blob`` and ``array_ends`` as a PostingList holds them, for numpy
    over the whole index at once instead of a few calls per segment."""

    def __init__(self, np, lists: list[PostingList], offsets: list[int]) -> None:
        self.ids = np.concatenate([np.frombuffer(found.ids, dtype=np.uint32) + np.uint32(offset)
                                   for found, offset in zip(lists, offsets)])
        self.lengths = np.concatenate([np.frombuffer(found.lengths, dtype=np.uint32) for found in lists])
        self.blob = b"".join(found.blob for found in lists)
        self.array_ends = np.cumsum(self.lengths, dtype=np.int64)
