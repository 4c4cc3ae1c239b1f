"""A segment's postings of a few terms, read whole into flat arrays.

The scorers (:mod:`search.fastpath`, :mod:`search.dense`) and the proximity
bonus (:mod:`search.proximity`) read the same lists: ids, term frequencies and
each posting's encoded positions, without a Whoosh matcher per posting.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate

from khabar.indexer.codec import ArrayLeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.query import Term

_SHARED = "_khabar_postings"


@contextmanager
def shared_postings(searcher) -> Iterator[None]:
    """Inside the block, each segment's lists are read once for every pass of a
    search (proximity bonus, first pass, feedback pass), then let go."""
    readers = [subsearcher.reader() for subsearcher, _ in searcher.leaf_searchers()]
    for reader in readers:
        reader.__dict__[_SHARED] = SegmentPostings(reader)
    try:
        yield
    finally:
        for reader in readers:
            reader.__dict__.pop(_SHARED, None)


def postings_of(reader) -> SegmentPostings:
    """The segment's lists shared by the current search, or a fresh reading."""
    shared = reader.__dict__.get(_SHARED)
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


class PostingList:
    """A term's postings in one segment as arrays: ids (ascending), frequencies,
    and every posting's encoded positions in one byte string. Deleted documents
    are still in (callers leave them out)."""

    def __init__(self, reader, key: tuple[str, str]) -> None:
        self.format = reader.schema[key[0]].format
        self.ids, self.tfs, lengths, blobs = array("I"), array("f"), array("I"), []
        try:  # one dictionary lookup, not ``key in reader`` and another
            matcher = reader.postings(*key)
        except TermNotFound:
            matcher = None
        if isinstance(matcher, FilterMatcher) and matcher._exclude:
            matcher = matcher.child
        if isinstance(matcher, ArrayLeafMatcher):
            while matcher.is_active():
                matcher._read_data()
                ids, weights, values = matcher._data
                self.ids.extend(ids)
                self.tfs.extend(weights if weights is not None else [1.0] * len(ids))
                lengths.extend(values[0])
                blobs.append(values[1])
                if matcher._lastblock:
                    break
                matcher._next_block()
        elif matcher is not None:  # inline lists or another codec: one posting at a time
            while matcher.is_active():
                value = matcher.value()
                self.ids.append(matcher.id())
                self.tfs.append(matcher.weight())
                lengths.append(len(value))
                blobs.append(value)
                matcher.next()
        self.lengths = lengths
        self.ends = list(accumulate(lengths))
        self.blob = b"".join(blobs)

    def tf(self, docnum: int) -> float:
        """The document's term frequency; 0 when it does not hold the term."""
        at = bisect_left(self.ids, docnum)
        return self.tfs[at] if at < len(self.ids) and self.ids[at] == docnum else 0.0

    def positions(self, docnum: int) -> list[int]:
        i = bisect_left(self.ids, docnum)
        return self.format.decode_positions(self.blob[self.ends[i - 1] if i else 0 : self.ends[i]])
