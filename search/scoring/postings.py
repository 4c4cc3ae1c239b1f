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
    search (proximity bonus, first pass, feedback pass), then let go; so is what
    :func:`search_memo` keeps. Inside another such block (one search ranking again
    for more matches), the outer block's lists are shared."""
    readers = [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    if _SHARED in cache_of(searcher):
        yield
        return
    for reader in readers:
        cache_of(reader)[_SHARED] = SegmentPostings(reader)
    cache_of(searcher)[_SHARED] = {}
    try:
        yield
    finally:
        for reader in readers:
            cache_of(reader).pop(_SHARED, None)
        cache_of(searcher).pop(_SHARED, None)


def search_memo(searcher) -> dict | None:
    """What the current search (:func:`shared_postings`) keeps of its own, for its passes
    and rankings, by a key of the caller's; None outside one."""
    return cache_of(searcher).get(_SHARED)


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

    def holds(self, term: Term) -> bool:
        """Whether the term's list is read already."""
        return (term.fieldname, term.text) in self._lists

    def keep(self, term: Term, found: PostingList) -> None:
        """Take the term's list as read elsewhere (:func:`joined_list`)."""
        self._lists[term.fieldname, term.text] = found

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

    def __init__(self, reader, key: tuple[str, str], arrays=None) -> None:
        """``arrays``: the postings already decoded (ids, frequencies, value lengths and
        values' bytes, as :func:`search.scoring.segments.posting_arrays` gives them)."""
        self.format = reader.schema[key[0]].format
        self.ids, self.tfs, self.lengths = array("I"), array("f"), array("I")
        if arrays is None:
            found = posting_arrays([reader], *key)
            arrays = None if found is None else found[1]
        if arrays is not None:  # a long list, decoded at once
            for kept, decoded in zip((self.ids, self.tfs, self.lengths), arrays):
                kept.frombytes(decoded.tobytes())
            self.blob = arrays[3]
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
    index-wide document numbers: ``ids`` (uint32), ``lengths``, ``blob`` and
    ``array_ends`` as a PostingList holds them, for numpy over the whole index at
    once instead of a few calls per segment."""

    def __init__(self, np, ids, lengths, blob: bytes) -> None:
        self.ids, self.lengths, self.blob = ids, lengths, blob
        self.array_ends = np.cumsum(lengths, dtype=np.int64)


def read_everywhere(searcher, term: Term):
    """Read the term's lists of every segment at once, when none is read yet and they are
    long (:func:`search.scoring.segments.posting_arrays`), each kept by the search's shared
    :class:`SegmentPostings` (:func:`postings_of`) for every pass; returns what was read
    (``(postings per segment, arrays)``), or None when nothing was."""
    segments = searcher.leaf_searchers()
    if any(_SHARED not in cache_of(subsearcher.reader()) for subsearcher, _ in segments):
        return None  # outside a search's shared_postings, nothing would keep the lists
    postings = [postings_of(subsearcher.reader()) for subsearcher, _ in segments]
    if any(segment.holds(term) for segment in postings):
        return None
    key = (term.fieldname, term.text)
    read = posting_arrays([subsearcher.reader() for subsearcher, _ in segments], *key)
    if read is None:
        return None
    counts, (ids, tfs, lengths, blob) = read
    ends = list(accumulate(counts))
    value_ends = list(accumulate(int(lengths[begin:end].sum(dtype="int64")) for begin, end in zip([0, *ends], ends)))
    begin = value_begin = 0
    for segment, end, value_end in zip(postings, ends, value_ends):
        segment.keep(term, PostingList(segment.reader, key, (ids[begin:end], tfs[begin:end], lengths[begin:end],
                                                             blob[value_begin:value_end])))
        begin, value_begin = end, value_end
    return read


def joined_list(np, searcher, term: Term) -> JoinedList:
    """The term's postings in the whole index (:class:`JoinedList`), each segment's list
    kept for the passes after (:func:`read_everywhere`)."""
    segments = searcher.leaf_searchers()
    read = read_everywhere(searcher, term)
    if read is not None:
        counts, (ids, _tfs, lengths, blob) = read
        offsets = np.array([offset for _, offset in segments], dtype=np.uint32)
        return JoinedList(np, ids + np.repeat(offsets, counts), lengths, blob)
    lists = [postings_of(subsearcher.reader()).whole(term) for subsearcher, _ in segments]
    return JoinedList(np, np.concatenate([np.frombuffer(found.ids, dtype=np.uint32) + np.uint32(offset)
                                          for found, (_, offset) in zip(lists, segments)]),
                      np.concatenate([np.frombuffer(found.lengths, dtype=np.uint32) for found in lists]),
                      b"".join(found.blob for found in lists))
