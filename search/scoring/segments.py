"""The Whoosh adapter: a segment's columns and posting blocks read whole, and kept on it.

Whoosh answers one document or one posting at a time: a field length is a
seek and a one-byte read, a Jalali range walks a dozen trie terms, a posting
is a matcher call. khabar's scorers read a segment's columns and posting
blocks whole instead, which takes whoosh3 3.54.0's private internals (the
per-document reader, column readers' file and offset, the array matcher's
blocks). This module is the only one in search/ that touches them: when
Whoosh changes, it is the one to change.

What is read is kept on the Whoosh object it came from (:func:`kept`): it
lives as long as that segment reader (or searcher), which
:mod:`search.searchers` keeps open across searches, and goes with it.

A segment stored by another codec cannot be read whole.
:func:`readable_whole` decides that once per segment, for every caller, and
such a search goes through Whoosh alone (:mod:`search.engine`).
"""

from __future__ import annotations

import os
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.columns import FixedBytesColumn, VarBytesColumn
from whoosh.filedb.compound import SubFile
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from khabar.indexer.codec import ArrayLeafMatcher, KhabarTermInfo, KhabarTermsReader, blocks_arrays, decompressed_blocks
from khabar.indexer.schema import JALALI_DAY
from khabar.indexer.term_table import RECORD_LENGTHS, SLOT

_CACHE = "_khabar"  # the one attribute khabar adds to Whoosh's objects
_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def cache_of(owner) -> dict:
    """khabar's figures kept on a Whoosh segment reader or searcher, for its life."""
    cache = owner.__dict__.get(_CACHE)
    if cache is None:
        cache = owner.__dict__[_CACHE] = {}
    return cache


def kept(owner, key, compute: Callable[[], object]):
    """``compute()``, worked out once per ``owner`` and ``key``."""
    cache = cache_of(owner)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def readable_whole(reader) -> bool:
    """Whether a segment's columns and posting blocks can be read whole: it is
    stored as whoosh3's codec (and khabar's, built on it) stores it."""
    return kept(reader, "readable whole", lambda: isinstance(getattr(reader, "_perdoc", None), W3PerDocReader))


def searchable_whole(searcher) -> bool:
    """Whether every segment of ``searcher`` is :func:`readable_whole`."""
    return all(readable_whole(subsearcher.reader()) for subsearcher, _ in searcher.leaf_searchers())


def field_lengths(reader, fieldname: str) -> list[int] | None:
    """Every document's length of ``fieldname`` in one segment (the lengths
    column is one byte per document); None when not :func:`readable_whole`."""
    if not readable_whole(reader):
        return None
    return kept(reader, ("lengths", fieldname), lambda: [
        _BYTE_TO_LENGTH[b] for b in _column(reader, _lenfield(fieldname), LENGTHS_COLUMN)])


def jalali_days(reader) -> array | None:
    """Every document's Jalali day (0 when undated) in one segment; None when
    not :func:`readable_whole`.

    Checking a document against a range is then one comparison, where
    Whoosh's range query walks the postings of a dozen trie terms per query
    (most of a dated query's time).
    """
    if not readable_whole(reader):
        return None

    def read() -> array:
        column_type = reader.schema[JALALI_DAY].column_type
        days = _column(reader, JALALI_DAY, column_type)
        # An undated article holds the column's default (indexer.schema): read as 0.
        filler = column_type.default_value()
        return array(days.typecode, [0 if day == filler else day for day in days]) if filler else days

    return kept(reader, "days", read)


def _column(reader, name: str, column_type) -> array:
    """A fixed-width numeric column of one segment, read in one go: a value per
    document, the column's default for those past its end (all of them when
    no document of the segment has the column)."""
    count = reader.doc_count_all()
    default = column_type.default_value()
    if not reader._perdoc.has_column(name):
        return array(column_type._typecode, [default]) * count
    column = reader._perdoc.column_reader(name, column_type)
    values = array(column._typecode)
    values.frombytes(column._dbfile.get(column._basepos, column._count * column._fixedlen))
    if values.itemsize > 1 and sys.byteorder == "little":  # stored big-endian
        values.byteswap()
    values.extend(array(values.typecode, [default]) * (count - len(values)))
    return values


def fixed_bytes_column(reader, name: str) -> bytes | None:
    """A fixed-width bytes column of one segment (``whoosh.columns.FixedBytesColumn``)
    read in one go, kept: every document's value, the column's default for those
    past its end; None when the segment is not :func:`readable_whole`."""
    if not readable_whole(reader):
        return None

    def read() -> bytes:
        column_type = reader.schema[name].column_type
        count = reader.doc_count_all()
        if not reader._perdoc.has_column(name):
            return column_type._default * count
        column = reader._perdoc.column_reader(name, column_type)
        stored = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        return stored + column._default * (count - column._count)

    return kept(reader, ("fixed bytes", name), read)


def live_mask(reader):
    """A numpy array, False for the segment's deleted documents (kept)."""

    def mask():
        import numpy as np

        live = np.ones(reader.doc_count_all(), dtype=bool)
        live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        return live

    return kept(reader, "live", mask)


Block = tuple[Sequence[int], Sequence[float], Sequence[int], bytes]

_INFOS_KEPT = 100_000  # term infos kept per segment, in a long-lived process


def term_info(reader, fieldname: str, text: str):
    """The segment's term info of ``fieldname:text`` (its statistics and where
    its postings are), or None when the segment does not hold the term; looked
    up once per segment reader: term statistics, the scorers and feedback all
    ask for the same terms, and each lookup reads the term table on disk."""
    infos = kept(reader, "term infos", dict)
    key = (fieldname, text)
    if key not in infos:
        if len(infos) >= _INFOS_KEPT:
            infos.clear()
        terms = getattr(reader, "_terms", None)
        if isinstance(terms, KhabarTermsReader) and fieldname in reader.schema:
            get = kept(reader, "term table reads", lambda: _reads(terms._tindex.dbfile))
            value = _hashed_value(terms._tindex, get,
                                  terms._keycoder(fieldname, reader.schema[fieldname].to_bytes(text)))
            infos[key] = None if value is None else KhabarTermInfo.from_bytes(value)
        else:
            try:
                infos[key] = reader.term_info(fieldname, text)
            except TermNotFound:
                infos[key] = None
    return infos[key]


# The term table (indexer/term_table.py): a slot is (key hash, item position), an item
# (key length, value length) then the key and the value.
_SLOT = SLOT
_ITEM_LENGTHS = RECORD_LENGTHS
_ITEM_READ = 64  # value bytes read with the item's key: most term infos are shorter


def _reads(dbfile) -> Callable[[int, int], bytes]:
    """``dbfile.get`` (a Whoosh StructFile): bytes at a position of the file. For a file
    inside a compound segment file, one ``os.pread`` where Whoosh makes five Python calls."""
    inner = dbfile.file
    if isinstance(inner, SubFile) and hasattr(inner._file, "fileno"):
        fd, base, size = inner._file.fileno(), inner._offset, inner._length
        return lambda position, length: os.pread(fd, max(0, min(length, size - position)), base + position)
    return dbfile.get


def value_reads(column) -> Callable[[int], bytes]:
    """``column[docnum]`` for a variable-length bytes column's reader (Whoosh's
    ``VarBytesColumn.Reader``, or indexer.var_columns' opening of one): each value with one
    ``os.pread`` (:func:`_reads`), where Whoosh's read makes five Python calls (~7 µs a
    value read here and there, against ~2.5; feedback reads 300 a search), and likewise for a
    fixed-width one (``FixedBytesColumn.Reader``: a story's signatures). Any other column: its own."""
    if isinstance(column, FixedBytesColumn.Reader):
        read, width, count, start = _reads(column._dbfile), column._fixedlen, column._count, column._basepos
        default = column._defaultbytes

        def row(docnum: int) -> bytes:
            return read(start + width * docnum, width) if docnum < count else default

        return row
    if not isinstance(column, VarBytesColumn.Reader):
        return column.__getitem__
    get, lengths, offsets, base = _reads(column._dbfile), column._lengths, column._offsets, column._basepos

    def value(docnum: int) -> bytes:
        length = lengths[docnum]
        return get(base + offsets[docnum], length) if length else b""

    return value


def _hashed_value(table, get: Callable[[int, int], bytes], key: bytes) -> bytes | None:
    """``table[key]`` (an ``indexer.term_table.TermTableReader`` whose file ``get``
    reads), None when absent: its lookup with two reads where it makes four (the slot, then an item's lengths, key and
    value at once). At a million articles a search looks ~3,000 terms up in ~120
    segments' tables (feedback's candidate words), ~100 µs each through Whoosh."""
    keyhash = table.hashfn(key)
    start, slots = table.tables[keyhash & 255]
    if not slots:
        return None
    end = start + slots * _SLOT.size
    slot = start + ((keyhash >> 8) % slots) * _SLOT.size
    for _ in range(slots):
        found, item = _SLOT.unpack(get(slot, _SLOT.size))
        if not item:
            return None
        if found == keyhash:
            head = get(item, _ITEM_LENGTHS.size + len(key) + _ITEM_READ)
            key_length, value_length = _ITEM_LENGTHS.unpack_from(head)
            at = _ITEM_LENGTHS.size
            if key_length == len(key) and head[at : at + key_length] == key:
                at += key_length
                return head[at : at + value_length] if at + value_length <= len(head) else get(item + at, value_length)
        slot += _SLOT.size
        if slot == end:  # the table wraps around
            slot = start
    return None


def _matcher(reader, fieldname: str, text: str):
    """The term's posting matcher in one segment, deleted documents included
    (None when the segment does not hold the term).

    ``reader.postings`` looks the term up again and wraps the matcher in a
    filter for deletions, which decodes the first block as it is made; every
    caller here leaves deleted documents out itself.
    """
    terms = getattr(reader, "_terms", None)
    if terms is None or not readable_whole(reader):
        try:
            matcher = reader.postings(fieldname, text)
        except TermNotFound:
            return None
        return matcher.child if isinstance(matcher, FilterMatcher) and matcher._exclude else matcher
    info = term_info(reader, fieldname, text)
    if info is None:
        return None
    term = (fieldname, reader._text_to_bytes(fieldname, text))
    return terms._codec.postings_reader(terms._postfile, info, reader.schema[fieldname].format, term=term)


def posting_blocks(reader, fieldname: str, text: str) -> Iterator[Block]:
    """A term's postings in one segment, a block at a time: ids (ascending),
    term frequencies, each posting's encoded value's length, and the values in
    one byte string. Deleted documents are still in (callers leave them out)."""
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return
    if isinstance(matcher, ArrayLeafMatcher):
        while matcher.is_active():
            matcher._read_data()
            ids, weights, values = matcher._data
            yield ids, weights if weights is not None else [1.0] * len(ids), values[0], values[1]
            if matcher._lastblock:
                return
            matcher._next_block()
        return
    yield from _one_at_a_time(matcher)


# From this many postings (four blocks) a term's lists are decoded at once with
# numpy, once numpy is loaded: the matcher costs Python calls per block and posting.
ARRAY_MIN_POSTINGS = 512


def posting_arrays(readers: Sequence, fieldname: str, text: str):
    """:func:`posting_blocks`' postings of a term in every segment of ``readers``, all
    decoded at once with numpy: ``(postings per segment, (ids, frequencies, value
    lengths, values' bytes))``, the segments' postings one after the other (ids are each
    segment's own). The same postings, read without a matcher, and a few numpy calls for
    the whole index instead of a few per segment. None when numpy is not loaded, the
    term has fewer than :data:`ARRAY_MIN_POSTINGS`, or a segment's list is another kind
    (inline, another codec, no values): read those with :func:`posting_blocks`."""
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return None
    infos = []
    for reader in readers:
        terms = getattr(reader, "_terms", None)
        if terms is None or not readable_whole(reader):
            return None
        info = term_info(reader, fieldname, text)
        if info is not None and (not isinstance(info, KhabarTermInfo) or info.is_inlined()):
            return None
        infos.append((terms, info))
    if sum(info.doc_frequency() for _, info in infos if info is not None) < ARRAY_MIN_POSTINGS:
        return None
    raws = []
    for terms, info in infos:
        if info is not None:  # level 1: a list of one block notes only whether it is compressed
            raws += decompressed_blocks(terms._postfile, info)
    arrays = blocks_arrays(numpy, raws)
    if arrays is None:
        return None
    return [0 if info is None else info.doc_frequency() for _, info in infos], arrays


def posting_blocks_holding(reader, fieldname: str, text: str, docnums: Sequence[int]) -> Iterator[Block]:
    """:func:`posting_blocks`, but only the blocks whose span of ids can hold one
    of ``docnums`` (ascending segment docnums): the others' headers are read,
    their data is not decompressed. Scoring a few hundred articles for a
    common word (feedback) then reads a fraction of its list."""
    if not docnums:
        return
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return
    if not isinstance(matcher, ArrayLeafMatcher):
        yield from _one_at_a_time(matcher)
        return
    wanted, count = 0, len(docnums)
    while matcher.is_active():
        last = matcher._maxid  # a block holds the ids after the previous block's last, up to its own
        if docnums[wanted] <= last:
            matcher._read_data()
            ids, weights, values = matcher._data
            yield ids, weights if weights is not None else [1.0] * len(ids), values[0], values[1]
            while wanted < count and docnums[wanted] <= last:
                wanted += 1
            if wanted == count:
                return
        if matcher._lastblock:
            return
        matcher._next_block()


def _one_at_a_time(matcher) -> Iterator[Block]:
    """Inline lists or another codec: one posting at a time, as one block."""
    ids, weights, lengths, values = [], [], [], []
    while matcher.is_active():
        value = matcher.value()
        ids.append(matcher.id())
        weights.append(matcher.weight())
        lengths.append(len(value))
        values.append(value)
        matcher.next()
    yield ids, weights, lengths, b"".join(values)
