"""Merging a fresh build's segments, so that their number grows as the log of the corpus.

A worker of a fresh build finishes a segment every ``SEGMENT_POSTINGS``
postings (indexer/segment_writer.py): a 16x corpus made 20 segments and a
million articles would make ~140, and every query term costs a lookup and a
matcher in each. Each worker keeps its segments as a stack with a level (0
when written, L+1 when made of ``MERGE_FACTOR`` segments of level L) and
merges the top ``MERGE_FACTOR`` whenever they share a level, as Lucene's
LogMergePolicy does: a worker holds at most ``MERGE_FACTOR - 1`` segments
per level, so ``log(N)`` levels, and every posting is rewritten once per level.

Whoosh's own merge (``add_reader``) decodes every posting, stored field and
column value and encodes it again: about what building the segments cost.
The segments of one worker have no deleted articles and their documents
follow one another, so a merged segment is its sources one after the other,
document numbers shifted by the articles before: columns (stored fields,
lengths, the forward index, signatures...) are their sources' bytes end to
end, and each posting list is its sources' blocks as written, only a
block's first document number and last id changed
(:func:`indexer.codec.shifted_block`). Lists of one block from several
sources (most of a rare word's) are decoded and written as full blocks, so
that a word does not end up in one small block per source segment. Only the
term table is written anew. Segments with deleted articles are not merged
here: incremental runs merge theirs with Whoosh's ``add_reader``
(``merge_small_segments`` in indexer/segment_writer.py).

Whoosh's private internals (its per-document writer, term table file and
column layouts, whoosh3 being pinned exactly) are used here and nowhere else.
"""

from __future__ import annotations

import heapq
from array import array
from copy import copy
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, W3Codec, _lenfield
from whoosh.columns import FixedBytesColumn, VarBytesColumn, WrappedColumn
from whoosh.reading import SegmentReader
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .term_table import RECORD_LENGTHS
from .codec import (
    INLINE_POSTINGS,
    KhabarTermInfo,
    StoredBlock,
    block_postings,
    encoded_block,
    is_inlined_info,
    list_extent,
    relocated_info,
    shifted_block,
    stored_blocks,
    write_blocks,
)

# Segments of one level merged into one of the next (Lucene's default). A merge costs
# ~0.2x what building its segments did (the 1x corpus in 20 segments: built in 84 s
# CPU, merged in 16 s), paid once per level: at a million articles (~60 segments a
# worker) one level, ~+20 % CPU, for ~12-20 segments instead of ~120. A factor of 4
# would hold as few there for three levels' rewriting.
MERGE_FACTOR = 10


@dataclass
class Leveled:
    """A segment a worker wrote, and its merge level."""

    segment: object
    level: int = 0


def merge_due(stack: list[Leveled], factor: int = MERGE_FACTOR) -> bool:
    """Whether ``stack``'s top ``factor`` segments share a level: :func:`merge_full_levels` merges them."""
    return len(stack) >= factor > 1 and len({item.level for item in stack[-factor:]}) == 1


def merge_full_levels(ix, stack: list[Leveled], writer_options: dict, factor: int = MERGE_FACTOR) -> list[Leveled]:
    """``stack`` with its top ``factor`` segments merged into one, as long as they share a level."""
    while merge_due(stack, factor):
        top = stack[-factor:]
        merged = merge_segments(ix, [item.segment for item in top], writer_options)
        stack = stack[:-factor] + [Leveled(merged, top[0].level + 1)]
    return stack


def merge_segments(ix, segments: list, writer_options: dict, delete_sources: bool = True):
    """One new segment holding ``segments`` (none with deletions), in their order;
    their files are deleted once it is written (``delete_sources``: a commit's merge of
    segments its index's table of contents names leaves that to Whoosh's clean-up
    after the new table is written, so that a run killed before it loses nothing)."""
    # The sources are read through their files, never mapped: a mapping's pages count
    # in the process's memory, and a merge reads every byte of its sources (ten
    # segments of a million-article build: ~470 MB mapped in each writer at once).
    unmapped = copy(ix.storage)
    unmapped.supports_mmap = False
    readers = [SegmentReader(unmapped, ix.schema, segment) for segment in segments]
    try:
        if any(reader.has_deletions() for reader in readers):
            raise ValueError("segments with deleted documents are merged by Whoosh's add_reader")
        writer = MergingSegmentWriter(ix, readers, _lk=False, **writer_options)
        merged = writer.write_merged()
    finally:
        for reader in readers:
            reader.close()
    for segment in segments if delete_sources else ():  # never in a table of contents: only this worker knows them
        for name in segment.list_files(ix.storage):
            ix.storage.delete_file(name)
    return merged


class MergingSegmentWriter(SegmentWriter):
    """Writes one segment that holds every document and posting of ``readers``, in order,
    copying their columns and posting blocks as written."""

    def __init__(self, ix, readers: list, **kwargs):
        super().__init__(ix, **kwargs)
        self._readers = readers
        self._bases = list(accumulate((reader.doc_count_all() for reader in readers[:-1]), initial=0))

    def write_merged(self):
        perdoc = self.perdocwriter
        total = sum(reader.doc_count_all() for reader in self._readers)
        columns = dict(_columns(self.schema))
        unknown = {name for reader in self._readers for name in _column_names(reader)} - set(columns)
        if unknown:  # term vectors, say: not copied here
            raise ValueError(f"columns this merge does not copy: {sorted(unknown)}")
        for name, column in columns.items():
            _copy_column(perdoc, name, column, self._readers)
        perdoc._doccount = total
        for reader in self._readers:
            for name, length in reader._perdoc._segment._fieldlengths.items():
                perdoc._fieldlengths[name] += length
        self.docnum = total
        self._added = True
        return self._finalize_segment()

    def _flush_segment(self):
        self.perdocwriter.close()
        _copy_postings(self.fieldwriter, self._readers, self._bases)
        self.fieldwriter.close()


# Columns: every segment's values one after the other, as bytes.


def _columns(schema):
    """``(name, column)`` of every column a segment of ``schema`` may hold: stored
    fields, scored fields' lengths and the fields' own columns."""
    yield "_stored", STORED_COLUMN
    for name, field in schema.items():
        if field.scorable:
            yield _lenfield(name), LENGTHS_COLUMN
        if field.column_type:
            yield name, field.column_type


def _column_names(reader) -> list[str]:
    """The names of the columns a segment holds (from its files' names)."""
    prefix = reader._perdoc._segment.make_filename(".")
    suffix = W3Codec.COLUMN_EXT
    return [name[len(prefix) : -len(suffix)] for name in reader._perdoc._storage.list()
            if name.startswith(prefix) and name.endswith(suffix)]


def _unwrapped(column):
    """The column a wrapping column (pickles, say) stores its bytes in."""
    while isinstance(column, WrappedColumn):
        column = column._child
    return column


class _Written:
    """Stands for a column writer in the per-document writer once the column's file is written."""

    def finish(self, doccount: int) -> None:
        pass


def _copy_column(perdoc, name: str, column, readers: list) -> None:
    """Write column ``name`` of the new segment from the sources' columns' bytes."""
    held = [reader._perdoc.has_column(name) for reader in readers]
    if not any(held):
        return
    if name not in perdoc._colwriters:
        perdoc._create_column(name, column)
    writer = perdoc._colwriters[name]
    while hasattr(writer, "_child"):  # a wrapping column's writer
        writer = writer._child
    dbfile = writer._dbfile
    perdoc._colwriters[name] = _Written()
    inner = _unwrapped(column)
    sources = []
    for reader, has in zip(readers, held):
        count = reader.doc_count_all()
        if has:
            colfile, offset, length = reader._perdoc._get_column_file(name)
            sources.append((inner.reader(colfile, offset, length, count), count))
        else:
            sources.append((None, count))
    # By the readers' class: CompressedBytesColumn, say, is VarBytesColumn's layout, not its subclass.
    if all(isinstance(source, VarBytesColumn.Reader) for source, _ in sources if source is not None) \
            and isinstance(writer, VarBytesColumn.Writer):
        _copy_var_bytes(dbfile, writer, sources)
    elif all(isinstance(source, FixedBytesColumn.Reader) for source, _ in sources if source is not None):
        _copy_fixed_bytes(dbfile, sources)
    else:  # another layout: value by value, through Whoosh's own writer (none in khabar's schema)
        values = inner.writer(dbfile)
        docnum = 0
        for source, count in sources:
            if source is not None:
                for at in range(count):
                    values.add(docnum + at, source[at])
            docnum += count
        values.finish(docnum)


# Bytes copied at once from a source's column (its stored fields: ~15 MB a 16x segment).
COLUMN_READ = 4 << 20


def _copy_bytes(dbfile, source, start: int, size: int) -> None:
    """Write ``size`` bytes of ``source`` from ``start``, ``COLUMN_READ`` at a time."""
    for offset in range(start, start + size, COLUMN_READ):
        dbfile.write(source.get(offset, min(COLUMN_READ, start + size - offset)))


def _narrowest_code(top: int, codes: str) -> str:
    return next(code for code in codes if top < 1 << (8 * array(code).itemsize))


def _copy_var_bytes(dbfile, writer, sources: list) -> None:
    """VarBytesColumn's layout: the values, their lengths, [their offsets,] the type codes."""
    lengths = array("I")
    for source, count in sources:
        if source is None:
            lengths.extend(array("I", [0]) * count)
            continue
        held = source._lengths
        _copy_bytes(dbfile, source._dbfile, source._basepos, sum(held))
        lengths.extend(held if held.typecode == "I" else array("I", held))
    doccount = len(lengths)
    top = max(lengths, default=0)
    lengths = array(_narrowest_code(top, "BHI"), lengths)
    dbfile.write_array(lengths)
    offsets = None
    if writer.allow_offsets and doccount > writer.cutoff:  # as VarBytesColumn.Writer.finish
        starts = list(accumulate(lengths, initial=0))
        offsets = array(_narrowest_code(starts[-1], "BHIQ"), starts[:-1])
        dbfile.write_array(offsets)
    dbfile.write(lengths.typecode.encode("ascii"))
    if offsets is not None:
        dbfile.write(offsets.typecode.encode("ascii") + b"X")


def _copy_fixed_bytes(dbfile, sources: list) -> None:
    """FixedBytesColumn's layout: a value per document up to the last one set, the default after."""
    default = next(source._defaultbytes for source, _ in sources if source is not None)
    pending = b""  # defaults owed before the next value written
    for source, count in sources:
        if source is None:
            pending += default * count
            continue
        dbfile.write(pending)
        _copy_bytes(dbfile, source._dbfile, source._basepos, source._count * source._fixedlen)
        pending = default * (count - source._count)
    # Trailing defaults are left out: a reader answers the default past the values.


# Postings: the term table written anew, the lists copied block by block.


def _copy_postings(fieldwriter, readers: list, bases: list[int]) -> None:
    """Write the term table and posting lists of ``readers`` merged, their
    document numbers shifted by ``bases``."""
    names = sorted({name for reader in readers for name in reader._terms._tindex.extras["fieldmap"]})
    fieldmap = fieldwriter._fieldmap
    for name in names:
        fieldmap[name] = len(fieldmap)
    streams = []
    for at, reader in enumerate(readers):
        own = reader._terms._tindex.extras["fieldmap"]
        translate = {pack_ushort(number): pack_ushort(fieldmap[name]) for name, number in own.items()}
        same = all(source == target for source, target in translate.items())
        streams.append(_records(reader._terms._tindex, at, None if same else translate))
    codec = fieldwriter._codec
    lists = _ListCopier(fieldwriter._postfile, [reader._terms._postfile for reader in readers], bases,
                        codec._compression, codec._blocklimit)
    terms: list[tuple[bytes, bytes]] = []
    key, holders = None, []
    for text, at, value in heapq.merge(*streams):
        if text != key:
            if holders:
                terms.append((key, lists.copy(holders)))
                if len(terms) >= TERMS_WRITTEN_AT_ONCE:
                    _add_terms(fieldwriter._tindex, terms)
                    terms = []
            key, holders = text, []
        holders.append((at, value))
    if holders:
        terms.append((key, lists.copy(holders)))
    _add_terms(fieldwriter._tindex, terms)


# Terms written to the term table at once: their bytes are held until then (~10 MB).
TERMS_WRITTEN_AT_ONCE = 50_000


def _add_terms(tindex, terms: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` for each ``(key, value)`` (keys in order), in one write."""
    dbfile, hashed, buckets = tindex.dbfile, tindex.hashfn, tindex.buckets
    pack, step = RECORD_LENGTHS.pack, RECORD_LENGTHS.size
    position = dbfile.tell()
    positions, parts = [], []
    for key, value in terms:
        positions.append(position)
        parts += (pack(len(key), len(value)), key, value)
        code = hashed(key)
        buckets[code & 255].append((code, position))
        position += step + len(key) + len(value)
    if not terms:
        return
    if terms[0][0] <= tindex.lastkey:
        raise ValueError("terms must follow those already written")
    dbfile.write(b"".join(parts))
    tindex.index.append(positions[-1])  # the array takes the type the largest position needs
    tindex.index.array.pop()
    tindex.index.array.extend(positions)
    tindex.lastkey = terms[-1][0]


def _records(tindex, at: int, translate: dict | None) -> Iterator[tuple[bytes, int, bytes]]:
    """``(key, at, term info bytes)`` of every term in a term table, in order, read
    ``TERM_TABLE_READ`` bytes at a time (keys are a field's number, then the term;
    ``translate``: the new segment's numbers for this one's, when they differ)."""
    unpack, step = RECORD_LENGTHS.unpack_from, RECORD_LENGTHS.size
    dbfile, unread, end = tindex.dbfile, tindex.startofdata, tindex.endofdata
    data, position = b"", 0
    while position < len(data) or unread < end:
        held = len(data) - position
        if held < step or held < step + sum(unpack(data, position)):  # the next record is not all here
            if unread >= end:
                raise ValueError("a term table's last record is cut short")
            size = min(TERM_TABLE_READ, end - unread)
            data = data[position:] + dbfile.get(unread, size)
            unread += size
            position = 0
            continue
        keylength, valuelength = unpack(data, position)
        position += step
        key = data[position : position + keylength]
        position += keylength
        if translate is not None:
            key = translate[key[:2]] + key[2:]
        yield key, at, data[position : position + valuelength]
        position += valuelength


# A merge reads all its sources' term tables side by side: each one read whole was
# ~14 MB a source at 16x, ~140 MB for the ten sources of a million-article build's merge.
TERM_TABLE_READ = 1 << 20


class _ListCopier:
    """Writes a term's merged posting list to ``postfile`` from its sources' lists."""

    def __init__(self, postfile, sources: list, bases: list[int], level: int, blocklimit: int) -> None:
        self._postfile, self._sources, self._bases = postfile, sources, bases
        self._level, self._blocklimit = level, blocklimit

    def copy(self, holders: list[tuple[int, bytes]]) -> bytes:
        """The new term info's bytes for the lists of ``holders`` (``(source, term info bytes)``)."""
        if len(holders) == 1:
            return self._moved(*holders[0])
        return self._joined(holders)

    def _moved(self, at: int, value: bytes) -> bytes:
        """A term of one source: its list copied, document numbers shifted, the
        term info's figures copied as bytes."""
        base = self._bases[at]
        if is_inlined_info(value):
            return relocated_info(value, base, None) if base else value
        if not base:
            offset, length = list_extent(value)
            start = self._postfile.tell()
            self._postfile.write(self._sources[at].get(offset, length))
            return relocated_info(value, 0, (start, length))
        info = KhabarTermInfo.from_bytes(value)
        one_block = info.one_block
        blocks = stored_blocks(self._sources[at], info, self._level)
        write_blocks(self._postfile, [shifted_block(block, base) for block in blocks], info)
        if info.one_block != one_block:  # a list of one headed block (not written so by this codec)
            info._minid += base
            info._maxid += base
            return info.to_bytes()
        return relocated_info(value, base, info.extent())

    def _joined(self, holders: list[tuple[int, bytes]]) -> bytes:
        """A term of several sources: lists of many blocks copied block by block,
        short lists (in the term info or of one block) decoded and gathered into full blocks."""
        merged = KhabarTermInfo()
        merged._minlength = None
        blocks: list[StoredBlock] = []
        pending = _Pending()
        shortest, longest = 0, 0
        for at, value in holders:
            base = self._bases[at]
            info = KhabarTermInfo.from_bytes(value)
            merged._df += info._df
            merged._weight += info._weight
            merged._maxweight = max(merged._maxweight, info._maxweight)
            if info._minid is None:
                continue
            if merged._minid is None:
                merged._minid = info._minid + base
            merged._maxid = info._maxid + base
            low, high = length_to_byte(info._minlength), length_to_byte(info._maxlength)
            shortest = min(shortest, low) if shortest and low else shortest or low
            longest = max(longest, high)
            if info.is_inlined():
                pending.add(array("I", [docnum + base for docnum in info._inlined[0]]), None, None, b"", low, high)
                continue
            source = stored_blocks(self._sources[at], info, self._level)
            if len(source) == 1:
                ids, weights, lengths, blob = block_postings(source[0])
                if base:
                    ids = array("I", [docnum + base for docnum in ids])
                pending.add(ids, weights, lengths, blob, source[0].min_length, source[0].max_length)
                blocks += pending.full_blocks(self._blocklimit, self._level)
                continue
            blocks += pending.blocks(self._blocklimit, self._level)
            blocks += [shifted_block(block, base) for block in source]
        merged._minlength = byte_to_length(shortest) if shortest else None
        merged._maxlength = byte_to_length(longest)
        if not blocks and pending.inlinable():
            merged.set_inlined(pending.ids, [1.0] * len(pending.ids), ())
            return merged.to_bytes()
        blocks += pending.blocks(self._blocklimit, self._level)
        write_blocks(self._postfile, blocks, merged)
        return merged.to_bytes()


class _Pending:
    """Decoded postings waiting to be written as blocks."""

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.ids = array("I")
        self.weights: array | None = None
        self.lengths: array | None = None
        self.blob = bytearray()
        self.shortest = self.longest = 0

    def add(self, ids: array, weights: array | None, lengths: array | None, blob: bytes,
            shortest: int, longest: int) -> None:
        if len(self.ids) and (lengths is None) != (self.lengths is None):
            raise ValueError("postings of one term with and without values")
        if weights is not None and self.weights is None:
            self.weights = array("f", [1.0]) * len(self.ids)
        if self.weights is not None:
            self.weights.extend(weights if weights is not None else array("f", [1.0]) * len(ids))
        if lengths is not None:
            if self.lengths is None:
                self.lengths = array("I")
            self.lengths.extend(lengths)
            self.blob += blob
        self.ids.extend(ids)
        self.shortest = min(self.shortest, shortest) if self.shortest and shortest else self.shortest or shortest
        self.longest = max(self.longest, longest)

    def inlinable(self) -> bool:
        """Whether these postings go in the term info, as the writer puts them
        (``ArrayPostingsWriter._inlinable``): a few document numbers and nothing else."""
        return (0 < len(self.ids) <= INLINE_POSTINGS and self.lengths is None
                and (self.weights is None or all(weight == 1.0 for weight in self.weights)))

    def full_blocks(self, limit: int, level: int) -> list[StoredBlock]:
        """Blocks of ``limit`` postings while there are that many (the rest waits)."""
        if len(self.ids) < limit:
            return []
        return self._take(limit, level, (len(self.ids) // limit) * limit)

    def blocks(self, limit: int, level: int) -> list[StoredBlock]:
        """Every waiting posting as blocks of at most ``limit``."""
        return self._take(limit, level, len(self.ids))

    def _take(self, limit: int, level: int, count: int) -> list[StoredBlock]:
        out = []
        ends = list(accumulate(self.lengths)) if self.lengths is not None else None
        blob = bytes(self.blob)
        for start in range(0, count, limit):
            stop = min(start + limit, count)
            lengths, values = None, b""
            if ends is not None:
                lengths = self.lengths[start:stop]
                values = blob[ends[start - 1] if start else 0 : ends[stop - 1]]
            weights = self.weights[start:stop] if self.weights is not None else None
            out.append(encoded_block(self.ids[start:stop], weights, lengths, values, level,
                                     self.shortest, self.longest))
        rest = (self.ids[count:], self.weights[count:] if self.weights is not None else None,
                self.lengths[count:] if self.lengths is not None else None,
                blob[ends[count - 1] if count and ends else 0 :] if ends is not None else b"")
        shortest, longest = self.shortest, self.longest
        self._clear()
        if len(rest[0]):
            self.add(*rest, shortest, longest)
        return out
