"""Merging a fresh build's segments, so that their number grows as the log of the corpus.

A worker of a fresh build finishes a segment every ``SEGMENT_POSTINGS``
postings (indexer/segment_writer.py): a 16x corpus made 20 segments and a
million articles would make ~140, and every query term costs a lookup and a
matcher in each. Each worker keeps its segments as a stack with a level (0
when written, L+1 when made of ``MERGE_FACTOR`` segments of level L) and
merges the top ``MERGE_FACTOR`` whenever they share a level, as Lucene's
LogMergePolicy does: a worker holds at most ``MERGE_FACTOR - 1`` segments
per level, so ``log(N)`` levels, and every posting is rewritten once per level.

Whoosh's own merge (``add_reader``) sends every posting through its sorting
pool as a tuple. The segments of one worker have no deleted articles, and
their documents follow one another: a merged posting list is the sources'
lists one after the other, document numbers shifted, so each term is read
and written as arrays (:meth:`indexer.codec.KhabarFieldWriter.add_list`).
Stored fields, lengths and columns are copied by Whoosh, document by document.
"""

from __future__ import annotations

import heapq
from array import array
from dataclasses import dataclass

from whoosh.codec.whoosh3 import _lenfield
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .codec import field_lengths, posting_arrays

# Segments of one level merged into one of the next. Off (1) for now: a merge rewrites
# every posting and stored field and costs about what building the same articles did
# (24.9 s CPU for the 1x set's two segments), so a million-article build would take
# about twice as long, and no query figure yet shows what fewer segments would gain.
# 10 (Lucene's default) once merging copies blocks and stored fields without decoding.
MERGE_FACTOR = 1


@dataclass
class Leveled:
    """A segment a worker wrote, and its merge level."""

    segment: object
    level: int = 0


def merge_full_levels(ix, stack: list[Leveled], writer_options: dict, factor: int = MERGE_FACTOR) -> list[Leveled]:
    """``stack`` with its top ``factor`` segments merged into one, as long as they share a level."""
    while len(stack) >= factor > 1 and len({item.level for item in stack[-factor:]}) == 1:
        top = stack[-factor:]
        merged = merge_segments(ix, [item.segment for item in top], writer_options)
        stack = stack[:-factor] + [Leveled(merged, top[0].level + 1)]
    return stack


def merge_segments(ix, segments: list, writer_options: dict):
    """One new segment holding ``segments`` (none with deletions), in their order;
    their files are deleted once it is written."""
    readers = [SegmentReader(ix.storage, ix.schema, segment) for segment in segments]
    for reader in readers:
        _remember_missing_columns(reader)
    if any(reader.has_deletions() for reader in readers):
        raise ValueError("segments with deleted documents are merged by Whoosh's add_reader")
    writer = MergingSegmentWriter(ix, readers, _lk=False, **writer_options)
    try:
        merged = writer.write_merged()
    finally:
        for reader in readers:
            reader.close()
    for segment in segments:  # never in a table of contents: only this worker knows them
        for name in segment.list_files(ix.storage):
            ix.storage.delete_file(name)
    return merged


def _remember_missing_columns(reader) -> None:
    """Whoosh looks for an unscored field's length column on disk again for every
    document it copies (a stat each, most of the copy's time): remember it is absent."""
    perdoc = reader._perdoc
    for name in reader.schema.names():
        lengths = _lenfield(name)
        if not perdoc.has_column(lengths):
            perdoc._readers[lengths] = None


class MergingSegmentWriter(SegmentWriter):
    """Writes one segment that holds every document and posting of ``readers``, in order."""

    def __init__(self, ix, readers: list, **kwargs):
        super().__init__(ix, **kwargs)
        self._readers = readers
        self._bases: list[int] = []

    def write_merged(self):
        fieldnames = set(self.schema.names())
        for reader in self._readers:
            self._bases.append(self.docnum)
            self.write_per_doc(fieldnames, reader)  # stored fields, lengths and columns
        self._added = True
        return self._finalize_segment()

    def _flush_segment(self):
        self.perdocwriter.close()
        writer = self.fieldwriter
        readers, bases = self._readers, self._bases
        for name in sorted({name for reader in readers for name in reader.indexed_field_names()}):
            field = self.schema[name]
            lengths = None
            if field.scorable:  # a block's shortest and longest length, as a fresh segment has them
                lengths = array("I")
                for reader in readers:
                    lengths.extend(field_lengths(reader, name))
            writer.start_field(name, field)
            for term, holders in _merged_terms(readers, name):
                ids, weights, values = array("I"), array("f"), []
                for at, info in holders:
                    base = bases[at]
                    for block_ids, block_weights, block_values in posting_arrays(readers[at], name, info):
                        ids.extend(map(base.__add__, block_ids) if base else block_ids)
                        weights.extend(block_weights)
                        values.extend(block_values)
                writer.start_term(term)
                writer.add_list(ids, weights, values, lengths)
                writer.finish_term()
            writer.finish_field()
        writer.close()


def _merged_terms(readers: list, fieldname: str):
    """Each term of ``fieldname`` in any of ``readers``, in order, with
    ``(index of the reader, term info)`` of each reader that holds it."""
    term, holders = None, []
    for text, at, info in heapq.merge(*(_tagged(reader, fieldname, at) for at, reader in enumerate(readers)),
                                      key=lambda item: (item[0], item[1])):
        if text != term:
            if holders:
                yield term, holders
            term, holders = text, []
        holders.append((at, info))
    if holders:
        yield term, holders


def _tagged(reader, fieldname: str, at: int):
    """``(term, at, term info)`` for each term of ``fieldname`` in ``reader``, in order
    (read in turn from the term table, not looked up)."""
    if fieldname not in reader.indexed_field_names():
        return
    for (name, term), info in reader._terms.items_from(fieldname, b""):
        if name != fieldname:
            return
        yield term, at, info
