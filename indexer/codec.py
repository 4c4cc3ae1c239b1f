"""How khabar lays postings out on disk: Whoosh's W3 codec with array blocks.

W3 pickles every posting block as a tuple of Python ints, floats and bytes
objects, its header too, and every position list with pickle. Reading a block
then builds one Python object per posting, a microsecond each: most of a
query's time. Here a block is a fixed struct header and flat arrays —
document-number deltas, frequencies, value lengths and the values' bytes —
read back with ``struct`` and ``array.frombytes``, so a block of 128 postings
costs a few C calls; positions are an array of deltas. Each array is stored
in the narrowest unsigned type that holds it. The header holds what W3's
does, so Whoosh's block skipping works unchanged; a list of one block has no
header, its term info holds the same figures.

The term table is W3's hash file, with term infos as varints
(:class:`KhabarTermInfo`: W3's 35 fixed bytes were more than most terms'
postings) and a short list of document numbers alone (the ``spelling`` and
id fields') kept in its term info. Columns, stored fields and segments are W3's
(variable-length columns are opened faster: :mod:`indexer.var_columns`).

The codec and format classes are pickled into the index's table of
contents; renaming or moving them makes existing indexes unreadable
(``indexer/version.py`` is bumped whenever the layout changes).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import accumulate, chain
from operator import sub

from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    LENGTHS_COLUMN,
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.columns import VarBytesColumn
from whoosh.formats import Positions
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from khabar.indexer.term_table import TermTableReader, TermTableWriter
from khabar.indexer.term_table import record as table_record
from khabar.indexer.var_columns import summed_reader, value_reader

BLOCK_MAGIC = b"KhB3"
# Block length (negative for a term's last block), postings, last id, highest
# weight, compression level, shortest and longest field length (as bytes).
_BLOCK_INFO = struct.Struct("!iIIfBBB")
_BLOCK_HEAD = struct.Struct("<IB")  # postings in the block, flags
_HAS_WEIGHTS = 1  # frequencies stored (else every weight is 1.0)
_HAS_VALUES = 2  # value lengths and bytes stored
# Each array is stored in the narrowest unsigned type its values fit (two bits
# of the flags each: id deltas, frequencies, value lengths): most id deltas and
# lengths fit a byte or two, most frequencies a byte. Frequencies that are not
# whole numbers stay floats.
_NARROW = ("B", "H", "I")
_FLOAT_WEIGHTS = 3  # the weights' type code for floats
_ITEM_SIZE = {typecode: array(typecode).itemsize for typecode in (*_NARROW, "f")}
_IDS_SHIFT, _WEIGHTS_SHIFT, _LENGTHS_SHIFT = 2, 4, 6
_SWAP = sys.byteorder != "little"  # arrays are little-endian on disk
_LITTLE_UINT = struct.Struct("<I")
_LITTLE_USHORT = struct.Struct("<H")


def _to_bytes(values: array) -> bytes:
    if _SWAP:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _deltas(values) -> array:
    """Each value minus the one before it (the first minus 0), in C loops."""
    if len(values) == 1:  # most posting lists: a word in one article
        return array("I", values)
    return array("I", map(sub, values, chain((0,), values)))


def _narrowest(values: array) -> int:
    """The index in :data:`_NARROW` of the smallest unsigned type holding every value."""
    top = max(values) if len(values) else 0
    return 0 if top < 0x100 else 1 if top < 0x10000 else 2


def _narrowed(values: array, code: int) -> bytes:
    return _to_bytes(values if values.typecode == _NARROW[code] else array(_NARROW[code], values))


def _from_bytes(typecode: str, data) -> array:
    values = array(typecode)
    values.frombytes(data)
    if _SWAP:
        values.byteswap()
    return values


class CompactPositions(Positions):
    """Whoosh's Positions format, with positions as an array of deltas instead of a pickle.

    Analyzers that can list a text's terms and positions directly
    (``term_positions``) skip Whoosh's Token pipeline.
    """

    def word_values(self, value, analyzer, **kwargs):
        found = self.term_positions(value, analyzer)
        if found is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in found.items():
            yield term, len(positions), len(positions) * boost, self.encode(positions)

    @staticmethod
    def term_positions(value, analyzer) -> dict[str, list[int]] | None:
        """Each term of ``value`` with its positions, from an analyzer that lists them
        (None for one that does not): what a segment writer inverts in bulk."""
        term_positions = getattr(analyzer, "term_positions", None)
        return None if term_positions is None else term_positions(value)

    def encode(self, poslist) -> bytes:
        # A type code byte, then the deltas in the narrowest type that holds them:
        # two or three bytes for most postings (a word once in an article), not eight.
        if len(poslist) == 1:
            position = poslist[0]
            if position < 0x100:
                return bytes((0, position))
            if position < 0x10000:
                return b"\x01" + _LITTLE_USHORT.pack(position)
            return b"\x02" + _LITTLE_UINT.pack(position)
        deltas = _deltas(poslist)
        code = _narrowest(deltas)
        return bytes((code,)) + _narrowed(deltas, code)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(accumulate(_from_bytes(_NARROW[valuestring[0]], valuestring[1:])))

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // _ITEM_SIZE[_NARROW[valuestring[0]]]


# A list of this many document numbers or fewer, each of weight 1.0 and no
# value (the ``spelling`` and id fields'), is kept in its term info.
INLINE_POSTINGS = 32

_TI_INLINE = 1  # the postings are in the term info (document numbers only)
_TI_FLOAT_WEIGHT = 2  # the total weight is a float (else a whole number, a varint)
_TI_FLOAT_MAXWEIGHT = 4  # the highest weight likewise
_TI_LENGTHS = 8  # the shortest and longest field length follow (as bytes)
_TI_NO_IDS = 16  # an empty list: no first and last document number
_TI_ONE_BLOCK = 32  # the postings are one block without its header (the term info holds what it would)
_TI_COMPRESSED = 64  # that block is compressed
_FLOAT = struct.Struct("<f")


def _put_varint(out: bytearray, number: int) -> None:
    while number >= 0x80:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)


def _get_varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at ``at`` and the offset after it."""
    number = shift = 0
    while True:
        byte = data[at]
        at += 1
        number |= (byte & 0x7F) << shift
        if byte < 0x80:
            return number, at
        shift += 7


def _is_whole(number: float) -> bool:
    return number >= 0 and float(number).is_integer()


def term_info_bytes(flags: int, df: int, weight: float, minlength: int, maxlength: int, maxweight: float,
                    minid: int | None, maxid: int, tail: bytes) -> bytes:
    """A :class:`KhabarTermInfo`'s bytes: ``flags`` (inline, one block, compressed)
    and the figures, the lengths as bytes (``length_to_byte``), then ``tail``: the
    inlined ids' gaps, or the postings' offset and length, as varints."""
    flags |= 0 if _is_whole(weight) else _TI_FLOAT_WEIGHT
    flags |= 0 if _is_whole(maxweight) else _TI_FLOAT_MAXWEIGHT
    flags |= _TI_LENGTHS if minlength or maxlength else 0
    flags |= _TI_NO_IDS if minid is None else 0
    out = bytearray((flags,))
    _put_varint(out, df)
    if flags & _TI_FLOAT_WEIGHT:
        out += _FLOAT.pack(weight)
    else:
        _put_varint(out, int(weight))
    if flags & _TI_LENGTHS:
        out += bytes((minlength, maxlength))
    if flags & _TI_FLOAT_MAXWEIGHT:
        out += _FLOAT.pack(maxweight)
    else:
        _put_varint(out, int(maxweight))
    if minid is not None:
        _put_varint(out, minid)
        _put_varint(out, maxid - minid)
    out += tail
    return bytes(out)


class KhabarTermInfo(W3TermInfo):
    """W3's term info (a term's statistics and where its postings are) in varints.

    W3 writes 35 fixed bytes per term: more than most terms' postings, as
    most terms are in one or two articles. Here a flags byte, then varints:
    document frequency, total weight, [lengths], highest weight, first
    document number and the last one's distance from it, then either the
    postings' offset and length in the postings file or, for a short list of
    document numbers alone (:data:`INLINE_POSTINGS`), the gaps between the
    numbers other than the first and the last. A list of one block (most
    lists) is stored without the block's header, which would repeat the term
    info's figures.
    """

    one_block = False  # the postings are one block without its header
    compressed = False  # and that block is compressed

    def to_bytes(self) -> bytes:
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        if self._inlined is not None:
            ids = self._inlined[0]
            tail = bytearray()
            for before, docnum in zip(ids, ids[1:-1]):
                _put_varint(tail, docnum - before)
            flags = _TI_INLINE
        else:
            tail = bytearray()
            _put_varint(tail, self._offset)
            _put_varint(tail, self._length)
            flags = 0
        flags |= (_TI_ONE_BLOCK if self.one_block else 0) | (_TI_COMPRESSED if self.compressed else 0)
        return term_info_bytes(flags, self._df, self._weight, minlength, length_to_byte(self._maxlength),
                               self._maxweight, self._minid, self._maxid, bytes(tail))

    @classmethod
    def from_bytes(cls, data: bytes) -> KhabarTermInfo:
        info = cls()
        flags = data[0]
        info.one_block, info.compressed = bool(flags & _TI_ONE_BLOCK), bool(flags & _TI_COMPRESSED)
        info._df, at = _get_varint(data, 1)
        if flags & _TI_FLOAT_WEIGHT:
            info._weight = _FLOAT.unpack_from(data, at)[0]
            at += _FLOAT.size
        else:
            info._weight, at = _get_varint(data, at)
        minlength = maxlength = 0
        if flags & _TI_LENGTHS:
            minlength, maxlength = data[at], data[at + 1]
            at += 2
        info._minlength, info._maxlength = byte_to_length(minlength), byte_to_length(maxlength)
        if flags & _TI_FLOAT_MAXWEIGHT:
            info._maxweight = _FLOAT.unpack_from(data, at)[0]
            at += _FLOAT.size
        else:
            info._maxweight, at = _get_varint(data, at)
        if flags & _TI_NO_IDS:
            info._minid = info._maxid = None
        else:
            info._minid, at = _get_varint(data, at)
            span, at = _get_varint(data, at)
            info._maxid = info._minid + span
        if flags & _TI_INLINE:
            ids = [info._minid]
            for _ in range(info._df - 2):
                gap, at = _get_varint(data, at)
                ids.append(ids[-1] + gap)
            if info._df > 1:
                ids.append(info._maxid)
            info._inlined = (tuple(ids), (1.0,) * len(ids), (b"",) * len(ids))
        else:
            info._offset, at = _get_varint(data, at)
            info._length, at = _get_varint(data, at)
        return info

    @staticmethod
    def doc_frequency_in(data: bytes) -> int:
        """The document frequency of a term info's bytes, without decoding the rest."""
        return _get_varint(data, 1)[0]


class KhabarTermsReader(W3TermsReader):
    """W3's term table reader, with :class:`KhabarTermInfo` values, of a table in
    :mod:`indexer.term_table`'s layout."""

    def __init__(self, codec, dbfile, length, postfile):
        # W3's, with the table read as indexer.term_table lays it out.
        self._codec, self._dbfile, self._postfile = codec, dbfile, postfile
        self._tindex = TermTableReader(dbfile, length)
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, num in self._fieldmap.items():
            self._fieldunmap[num] = fieldname

    def cursor(self, fieldname, fieldobj):
        return KhabarFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode, keydecoder = KhabarTermInfo.from_bytes, self._keydecoder
        return ((keydecoder(keybytes), decode(valbytes)) for keybytes, valbytes in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode, keydecoder = KhabarTermInfo.from_bytes, self._keydecoder
        return ((keydecoder(keybytes), decode(valbytes))
                for keybytes, valbytes in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def term_info(self, fieldname, tbytes):
        try:
            return KhabarTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    # Both raise KeyError for a term not in the table, as W3's do (readers answer 0).
    def frequency(self, fieldname, tbytes):
        return KhabarTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)]).weight()

    def doc_frequency(self, fieldname, tbytes):
        return KhabarTermInfo.doc_frequency_in(self._tindex[self._keycoder(fieldname, tbytes)])


class KhabarFieldCursor(W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return KhabarTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class KhabarCodec(W3Codec):
    """W3, with posting blocks as arrays (see the module docstring).

    Term infos are varints (:class:`KhabarTermInfo`), and a short list of
    document numbers alone is kept in its term info instead of a block.
    """

    def field_writer(self, storage, segment):
        return KhabarFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        return KhabarTermsReader(self, storage.open_file(tiname), storage.file_length(tiname),
                                 segment.open_file(storage, self.POSTS_EXT))

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: not used by khabar's schema, left to W3
            return super().postings_writer(dbfile, byteids=byteids)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit,
                                   compression=self._compression, inlinelimit=self._inlinelimit)

    def per_document_writer(self, storage, segment):
        return KhabarPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return KhabarPerDocReader(storage, segment)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer,
                                one_block=terminfo if getattr(terminfo, "one_block", False) else None)


# A stored field whose value its column holds (a field with ``stored_in_column``
# set: its column a VarBytesColumn of its text in UTF-8) is stored as None, a
# value no field stores otherwise, and read back from the column: the article's
# stored fields are one pickle compressed alone, where its file's path took
# ~66 bytes (0.58 MB of stored fields on the 1x news set).


class KhabarPerDocWriter(W3PerDocWriter):
    """W3's, with a value that its field's column holds stored as None."""

    def add_field(self, fieldname, fieldobj, value, length):
        if value is None or not getattr(fieldobj, "stored_in_column", False):
            super().add_field(fieldname, fieldobj, value, length)
            return
        super().add_field(fieldname, fieldobj, None, length)
        self._storedfields[fieldname] = None


class KhabarPerDocReader(W3PerDocReader):
    """W3's, with variable-length columns (stored fields, the forward index) opened
    by :func:`indexer.var_columns.summed_reader`, and stored values that their
    column holds read from it (:class:`KhabarPerDocWriter`)."""

    def stored_fields(self, docnum):
        stored = super().stored_fields(docnum)
        for name, value in stored.items():
            if value is None:
                stored[name] = self._held_column(name)(docnum).decode("utf-8")
        return stored

    def _held_column(self, fieldname: str):
        held = self.__dict__.setdefault("_held_columns", {})
        if fieldname not in held:
            held[fieldname] = value_reader(self.column_reader(fieldname, VarBytesColumn()))
        return held[fieldname]

    def column_reader(self, fieldname, column):
        if fieldname not in self._colfiles:
            self._colfiles[fieldname] = self._get_column_file(fieldname)
        colfile, offset, length = self._colfiles[fieldname]
        summed = summed_reader(column, colfile, offset, length, self._doccount)
        return summed if summed is not None else super().column_reader(fieldname, column)


class KhabarFieldWriter(W3FieldWriter):
    def __init__(self, codec, storage, segment):
        # W3's, with the term table in indexer.term_table's layout.
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = TermTableWriter(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def start_term(self, btext):
        if self._postwriter is None:
            raise ValueError("start_term called before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, KhabarTermInfo())

    def add_postings(self, schema, lengths, items):
        # Whoosh looks up the field length of every posting in the column just
        # written, a seek and a read each; read each field's column once instead.
        super().add_postings(schema, _PreloadedLengths(lengths) if lengths else lengths, items)

    def add_list(self, ids: array, weights: array, values: list[bytes], lengths) -> None:
        """Add a whole posting list of the current term (``lengths``: the field's length per document)."""
        self._postwriter.add_list(ids, weights, values, lengths)

    def add_arrays(self, ids: array, weights: array, value_lengths: array | None, values: bytes, lengths) -> None:
        """:meth:`add_list` with the values as their lengths and their bytes one after
        the other (None and b"": no values)."""
        self._postwriter.add_arrays(ids, weights, value_lengths, values, lengths)

    def add_terms(self, terms: list[bytes], ends, ids: array, weights: array, value_lengths: array | None,
                  values: bytes, lengths) -> None:
        """Every term of the current field and its postings, in order: what
        :meth:`start_term`, :meth:`add_arrays` and :meth:`finish_term` write for each,
        ``ends`` saying where each term's postings end in the arrays. The lists of
        one block (most terms: a word in a few articles) are worked out for all the
        terms at once with numpy, then written; longer lists block by block."""
        import numpy as np

        postwriter = self._postwriter
        weights_np = np.frombuffer(weights, dtype=np.float32).astype(np.float64)
        if not len(terms) or (weights_np < 0).any() or (weights_np != np.floor(weights_np)).any():
            # Weights that are not counts: the block writer's float path, term by term.
            _add_each(self, terms, ends, ids, weights, value_lengths, values, lengths)
            return
        plan = _OneBlockPlan(np, postwriter._blocklimit, postwriter._compression, np.asarray(ends, dtype=np.int64),
                             ids, weights_np, value_lengths, lengths)
        fieldkey = pack_ushort(self._fieldid)
        postfile, tindex, compression = self._postfile, self._tindex, postwriter._compression
        starts, ends_list, value_ends = plan.starts.tolist(), plan.ends.tolist(), plan.value_ends.tolist()
        prefix, prefix_ends, gaps, gap_ends = plan.prefix, plan.prefix_ends.tolist(), plan.gaps, plan.gap_ends.tolist()
        heads, head_ends = plan.heads, plan.head_ends.tolist()
        compressed = plan.compressed.tolist()
        offset = postfile.tell()
        value_start = prefix_start = gap_start = head_start = 0
        records = _TermRecords(tindex)
        for i, kind in enumerate(plan.kind.tolist()):
            term = terms[i]
            if kind == _LONG:  # more than one block: the block writer's own way
                records.write()  # the term table's records stay in key order
                self.start_term(term)
                start, end = starts[i], ends_list[i]
                self.add_arrays(ids[start:end], weights[start:end],
                                None if value_lengths is None else value_lengths[start:end],
                                values[value_start:value_ends[i]], lengths)
                self.finish_term()
                offset = postfile.tell()
            else:
                head_end = head_ends[i]
                head = heads[head_start:head_end]
                head_start = head_end
                if kind == _INLINE:
                    gap_end = gap_ends[i]
                    info = head + gaps[gap_start:gap_end]
                    gap_start = gap_end
                else:
                    prefix_end = prefix_ends[i]
                    data = prefix[prefix_start:prefix_end] + values[value_start:value_ends[i]]
                    prefix_start = prefix_end
                    if compressed[i]:
                        data = zlib.compress(data, compression)
                    postfile.write(data)
                    info = head + _varint(offset) + _varint(len(data))
                    offset += len(data)
                records.add(fieldkey + term, info)
            value_start = value_ends[i]
        records.write()


def _varint(number: int) -> bytes:
    if number < 0x80:
        return _SMALL_VARINTS[number]
    out = bytearray()
    _put_varint(out, number)
    return bytes(out)


_SMALL_VARINTS = [bytes((number,)) for number in range(0x80)]


def _add_each(writer, terms, ends, ids, weights, value_lengths, values, lengths) -> None:
    """:meth:`KhabarFieldWriter.add_terms`, a term at a time."""
    start = value_start = 0
    for term, end in zip(terms, ends):
        writer.start_term(term)
        term_lengths = None if value_lengths is None else value_lengths[start:end]
        value_end = value_start + (sum(term_lengths) if term_lengths is not None else 0)
        writer.add_arrays(ids[start:end], weights[start:end], term_lengths, values[value_start:value_end], lengths)
        writer.finish_term()
        start, value_start = end, value_end


class _TermRecords:
    """TermTableWriter.add for keys that come sorted, without its order check,
    the records held and written in one call (:meth:`write`): their positions follow
    from their lengths, where each ``add`` asked the file for its place and wrote twice."""

    __slots__ = ("tindex", "parts", "positions", "position", "key")

    def __init__(self, tindex) -> None:
        self.tindex, self.parts, self.positions, self.key = tindex, [], [], None
        self.position = 0

    def add(self, key: bytes, value: bytes) -> None:
        if not self.parts:  # the first since a write: the file may have been written to since
            self.position = self.tindex.dbfile.tell()
        record = table_record(key, value)
        self.parts.append(record)
        self.positions.append(self.position)
        hashed = self.tindex.hashfn(key)
        self.tindex.buckets[hashed & 255].append((hashed, self.position))
        self.position += len(record)
        self.key = key
        if len(self.parts) >= _RECORDS_HELD:
            self.write()

    def write(self) -> None:
        """Write the records held (before anything else writes to the term table)."""
        if not self.parts:
            return
        tindex = self.tindex
        tindex.dbfile.write(b"".join(self.parts))
        index = tindex.index
        index.append(self.positions[-1])  # the largest: the array takes the type it needs
        index.array.pop()
        index.array.extend(self.positions)
        tindex.lastkey = self.key
        self.parts, self.positions = [], []


_RECORDS_HELD = 4096  # records written at once: ~200 KB held, not a whole field's terms at a flush


_LONG, _INLINE, _ONE_BLOCK = 0, 1, 2  # how a term's list is written


class _OneBlockPlan:
    """What :meth:`KhabarFieldWriter.add_terms` writes for each term, worked out
    for all of them at once: its figures (the term info's), how its list is
    written (:data:`_LONG`, :data:`_INLINE`, :data:`_ONE_BLOCK`), and the bytes
    of the one-block lists before their values (``prefix``: the block's head,
    id deltas, weights, value lengths, as ``_write_block`` writes them) and of
    the inlined lists' gaps, each term's part ending at ``prefix_ends`` and ``gap_ends``."""

    def __init__(self, np, blocklimit: int, compression: int, ends, ids: array, weights, value_lengths: array | None,
                 lengths) -> None:
        starts = np.zeros(len(ends), dtype=np.int64)
        starts[1:] = ends[:-1]
        self.starts, self.ends = starts, ends
        df = ends - starts
        ids_np = np.frombuffer(ids, dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(len(ends)), df)  # each posting's term
        within = np.arange(len(ids_np)) - starts[owner]  # its place in the term's list
        deltas = ids_np.copy()
        deltas[1:] -= ids_np[:-1]
        deltas[starts] = ids_np[starts]  # a block's first id is its own
        self.df = df
        self.weight = np.add.reduceat(weights, starts)  # counts: exact as floats
        self.maxweight = np.maximum.reduceat(weights, starts)
        all_ones = (np.minimum.reduceat(weights, starts) == 1.0) & (self.maxweight == 1.0)
        if lengths:
            field_lengths = np.frombuffer(lengths, dtype=np.uint32)[ids_np].astype(np.int64)
            known = np.where(field_lengths > 0, field_lengths, np.iinfo(np.int64).max)
            shortest = np.minimum.reduceat(known, starts)
            self.minlength = np.where(shortest == np.iinfo(np.int64).max, 0, _length_bytes(np, shortest))
            self.maxlength = _length_bytes(np, np.maximum.reduceat(field_lengths, starts))
        else:
            self.minlength = self.maxlength = np.zeros(len(ends), dtype=np.int64)
        self.minid, self.maxid = ids_np[starts], ids_np[ends - 1]
        has_values = value_lengths is not None
        kind = np.where(df <= blocklimit, _ONE_BLOCK, _LONG)
        if not has_values:
            kind[(df <= INLINE_POSTINGS) & all_ones] = _INLINE
        self.kind = kind
        # The inlined lists' gaps: varints of the id deltas but the first and the last.
        inner = (kind[owner] == _INLINE) & (within > 0) & (within < df[owner] - 1)
        self.gaps, gap_sizes = _varints(np, deltas[inner])
        self.gap_ends = np.cumsum(np.bincount(owner[inner], weights=gap_sizes, minlength=len(ends))).astype(np.int64)
        # The one-block lists' bytes before their values.
        one = kind == _ONE_BLOCK
        id_codes = _codes(np, np.maximum.reduceat(deltas, starts))
        weighted = ~all_ones
        weight_codes = np.where(weighted, _codes(np, self.maxweight), 0)
        flags = (id_codes << _IDS_SHIFT) | np.where(weighted, _HAS_WEIGHTS | (weight_codes << _WEIGHTS_SHIFT), 0)
        id_widths, weight_widths = 1 << id_codes, np.where(weighted, 1 << weight_codes, 0)
        sizes = _BLOCK_HEAD.size + df * (id_widths + weight_widths)
        if has_values:
            value_np = np.frombuffer(value_lengths, dtype=np.uint32).astype(np.int64)
            value_codes = _codes(np, np.maximum.reduceat(value_np, starts))
            flags |= _HAS_VALUES | (value_codes << _LENGTHS_SHIFT)
            value_widths = 1 << value_codes
            sizes += df * value_widths
            self.value_ends = np.cumsum(np.add.reduceat(value_np, starts))
        else:
            self.value_ends = np.zeros(len(ends), dtype=np.int64)
        sizes = np.where(one, sizes, 0)
        self.prefix_ends = np.cumsum(sizes)
        at = self.prefix_ends - sizes  # where each term's prefix starts
        out = np.zeros(int(self.prefix_ends[-1]) if len(ends) else 0, dtype=np.uint8)
        _scatter(np, out, at[one], df[one], 4)
        out[at[one] + 4] = flags[one]
        chosen = one[owner]  # the postings of one-block lists
        term_of, place = owner[chosen], within[chosen]
        base = at[term_of] + _BLOCK_HEAD.size
        _scatter(np, out, base + place * id_widths[term_of], deltas[chosen], id_widths[term_of])
        base = base + df[term_of] * id_widths[term_of]
        heavy = weighted[term_of]
        _scatter(np, out, (base + place * weight_widths[term_of])[heavy], weights[chosen][heavy].astype(np.int64),
                 weight_widths[term_of][heavy])
        if has_values:
            base = base + df[term_of] * weight_widths[term_of]
            _scatter(np, out, base + place * value_widths[term_of], value_np[chosen], value_widths[term_of])
        self.prefix = out.tobytes()
        # The term infos (term_info_bytes) but their tails: the gaps, or the postings' place.
        data_sizes = sizes + (np.add.reduceat(value_np, starts) if has_values else 0)
        self.compressed = one & (data_sizes >= COMPRESSION_MIN_SIZE) & bool(compression)
        written = kind != _LONG
        has_lengths = (self.minlength > 0) | (self.maxlength > 0)
        info_flags = (np.where(kind == _INLINE, _TI_INLINE, _TI_ONE_BLOCK) | np.where(has_lengths, _TI_LENGTHS, 0)
                      | np.where(self.compressed, _TI_COMPRESSED, 0))
        fields = [(np.ones(len(ends), dtype=np.int64), info_flags, False)]  # (sizes, numbers, as varints)
        for number in (df, self.weight.astype(np.int64)):
            fields.append((_varint_sizes(np, number), number, True))
        fields.append((np.where(has_lengths, 2, 0), self.minlength | (self.maxlength << 8), False))
        for number in (self.maxweight.astype(np.int64), self.minid, self.maxid - self.minid):
            fields.append((_varint_sizes(np, number), number, True))
        head_sizes = np.where(written, sum(size for size, _, _ in fields), 0)
        self.head_ends = np.cumsum(head_sizes)
        heads = np.zeros(int(self.head_ends[-1]) if len(ends) else 0, dtype=np.uint8)
        at = (self.head_ends - head_sizes)[written]
        for size, number, varint in fields:
            size, number = size[written], number[written]
            if varint:
                _scatter_varints(np, heads, at, number, size)
            else:
                _scatter(np, heads, at, number, size)
            at = at + size
        self.heads = heads.tobytes()


def _codes(np, largest):
    """The index in :data:`_NARROW` of the narrowest type holding each of ``largest``."""
    return (largest >= 0x100).astype(np.int64) + (largest >= 0x10000)


def _length_bytes(np, lengths):
    """``length_to_byte`` of each of ``lengths``."""
    table = np.array([byte_to_length(code) for code in range(256)])  # length_to_byte is bisect_left in it
    return np.where(lengths >= 106374, 255, np.searchsorted(table, lengths, side="left"))


def _scatter(np, out, at, values, widths) -> None:
    """Write each of ``values`` at ``at`` in ``out``, little-endian, in ``widths`` bytes (a width each, or one for all)."""
    widths = np.broadcast_to(widths, values.shape)
    for byte in range(4):
        wide = widths > byte
        if not wide.any():
            return
        out[at[wide] + byte] = (values[wide] >> (8 * byte)) & 0xFF


def _varint_sizes(np, values):
    """The bytes each of ``values`` takes as a varint."""
    return 1 + sum((values >= 1 << (7 * i)).astype(np.int64) for i in range(1, 5))


def _scatter_varints(np, out, at, values, sizes) -> None:
    """Write each of ``values`` at ``at`` in ``out`` as a varint of ``sizes`` bytes."""
    for i in range(5):
        more = sizes > i
        if not more.any():
            return
        out[at[more] + i] = ((values[more] >> (7 * i)) & 0x7F) | np.where(sizes[more] > i + 1, 0x80, 0)


def _varints(np, values):
    """``values`` as varints one after the other, and each one's size in bytes."""
    sizes = _varint_sizes(np, values)
    ends = np.cumsum(sizes)
    out = np.zeros(int(ends[-1]) if len(values) else 0, dtype=np.uint8)
    at = ends - sizes
    for i in range(5):
        more = sizes > i
        if not more.any():
            break
        out[at[more] + i] = ((values[more] >> (7 * i)) & 0x7F) | np.where(sizes[more] > i + 1, 0x80, 0)
    return out.tobytes(), sizes


class _PreloadedLengths:
    """A per-document reader's field lengths, each field's column read whole."""

    def __init__(self, reader):
        self._reader = reader
        self._count = reader.doc_count_all()

    def doc_field_length(self, docnum, fieldname, default=0):
        return self._reader.doc_field_length(docnum, fieldname, default)

    def doc_field_length_reader(self, fieldname, default=0):
        try:
            column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            raw = column._dbfile.get(column._basepos, column._count) if column is not None else b""
        except AttributeError:  # another per-document reader: Whoosh's own lookups
            return self._reader.doc_field_length_reader(fieldname, default)
        lengths = [byte_to_length(b) if b else default for b in raw] + [default] * (self._count - len(raw))
        return lengths.__getitem__


class _Values:
    """A block's posting values as their lengths and their bytes one after the other."""

    __slots__ = ("lengths", "blob")

    def __init__(self, lengths: array, blob: bytes) -> None:
        self.lengths, self.blob = lengths, blob

    def __len__(self) -> int:
        return len(self.lengths)


class ArrayPostingsWriter(W3PostingsWriter):
    def add_posting(self, id_, weight, vbytes, length=None):
        # W3's, without its per-posting type assertions.
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def add_list(self, ids: array, weights: array, values: list[bytes], lengths) -> None:
        """The postings of a whole term, written block by block: what ``add_posting``
        one at a time gives, without a call per posting."""
        if values:
            self.add_arrays(ids, weights, array("I", map(len, values)), b"".join(values), lengths)
        else:
            self.add_arrays(ids, weights, None, b"", lengths)

    def add_arrays(self, ids: array, weights: array, value_lengths: array | None, values: bytes, lengths) -> None:
        """:meth:`add_list` with the values as their lengths and their bytes one after the other."""
        limit = self._blocklimit
        value_start = 0
        for start in range(0, len(ids), limit):
            block_ids = ids[start : start + limit]
            self._ids = block_ids
            self._weights = weights[start : start + limit]
            if value_lengths is not None:
                block_lengths = value_lengths[start : start + limit]
                value_end = value_start + sum(block_lengths)
                self._values = _Values(block_lengths, values[value_start:value_end])
                value_start = value_end
            else:
                self._values = []
            self._maxweight = max(self._weights)
            known = array("I", map(lengths.__getitem__, block_ids)) if lengths else ()
            if 0 in known:  # documents without a length (none in a scored field's list)
                known = [length for length in known if length]
            self._minlength = min(known) if known else None
            self._maxlength = max(known) if known else 0
            last = start + limit >= len(ids)
            if last and not self._blockcount and self._inlinable():
                return  # put in the term info by finish_postings
            self._write_block(last=last)

    def finish_postings(self):
        # W3's, with a short list of document numbers alone put in the term info
        # (W3's own inlining calls a method its term info lacks).
        terminfo = self._terminfo
        if not self.written() and self._inlinable():
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, ())
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._postfile.tell() - self._startoffset)
        self._terminfo = None
        return terminfo

    def _inlinable(self) -> bool:
        """Whether the buffered postings are a short list of document numbers and nothing
        else (the ``spelling`` and id fields' lists: every weight 1.0, no value)."""
        return (0 < len(self._ids) <= INLINE_POSTINGS and not self._values
                and all(weight == 1.0 for weight in self._weights))

    def _write_block(self, last=False):
        alone = last and not self._blockcount  # the whole list: written without header
        if not self._blockcount and not alone:
            self._postfile.write(BLOCK_MAGIC)
        self._terminfo.add_block(self)
        ids, weights, values = self._ids, self._weights, self._values
        deltas = _deltas(ids)
        code = _narrowest(deltas)
        flags = code << _IDS_SHIFT
        parts = [b"", _narrowed(deltas, code)]
        if weights.count(1.0) != len(weights):
            flags |= _HAS_WEIGHTS
            if min(weights) >= 0 and all(map(float.is_integer, weights)):  # frequencies
                code = _narrowest(array("I", map(int, weights)))
                parts.append(_narrowed(array("I", map(int, weights)), code))
            else:
                code = _FLOAT_WEIGHTS
                parts.append(_to_bytes(weights))
            flags |= code << _WEIGHTS_SHIFT
        if values:
            flags |= _HAS_VALUES
            if isinstance(values, _Values):
                lengths, blob = values.lengths, values.blob
            else:
                lengths, blob = array("I", map(len, values)), b"".join(values)
            code = _narrowest(lengths)
            flags |= code << _LENGTHS_SHIFT
            parts.append(_narrowed(lengths, code))
            parts.append(blob)
        parts[0] = _BLOCK_HEAD.pack(len(ids), flags)
        data = b"".join(parts)
        comp = self._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        if alone:
            self._terminfo.one_block, self._terminfo.compressed = True, bool(comp)
            self._postfile.write(data)
            self._blockcount += 1
            self._new_block()
            return
        # W3 pickles this header; a fixed struct is read in one call with the length before it.
        blocklength = _BLOCK_INFO.size - _INT_SIZE + len(data)
        self._postfile.write(_BLOCK_INFO.pack(-blocklength if last else blocklength, len(ids), ids[-1],
                                              self._maxweight, comp, length_to_byte(self._minlength),
                                              length_to_byte(self._maxlength)))
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class ArrayLeafMatcher(W3LeafMatcher):
    """W3's block matcher reading :class:`ArrayPostingsWriter` blocks.

    ``one_block``: the term info of a list stored as one block without its
    header, whose figures (postings, last id, weights, lengths) it holds.
    """

    def __init__(self, postfile, startoffset, length, format_, term=None, scorer=None, one_block=None):
        self._one_block = one_block
        super().__init__(postfile, startoffset, length, format_, term=term, scorer=scorer)

    def _read_header(self):
        if self._one_block is not None:
            self._baseoffset = self._startoffset
            return
        postfile = self._postfile
        postfile.seek(self._startoffset)
        magic = postfile.read(4)
        if magic != BLOCK_MAGIC:
            from whoosh.codec.whoosh3 import CorruptIndexError

            raise CorruptIndexError(f"bad postings block tag {magic!r} at offset {self._startoffset}: "
                                    "the index is damaged; rebuild it")
        self._baseoffset = postfile.tell()

    def _goto(self, position):
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        info = self._one_block
        if info is not None:
            self._blocklength, self._maxid, self._maxweight = info.doc_frequency(), info.max_id(), info.max_weight()
            self._compression = info.compressed
            self._minlength, self._maxlength = info.min_length(), info.max_length()
            self._lastblock = True
            self._dataoffset, self._nextoffset = position, position + self._length
            return
        (length, self._blocklength, self._maxid, self._maxweight, self._compression,
         minlength, maxlength) = _BLOCK_INFO.unpack(self._postfile.get(position, _BLOCK_INFO.size))
        self._lastblock = length < 0
        self._nextoffset = position + _INT_SIZE + abs(length)
        self._dataoffset = position + _BLOCK_INFO.size
        self._minlength = byte_to_length(minlength)
        self._maxlength = byte_to_length(maxlength)

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        ids, weights, lengths, blob = block_arrays(zlib.decompress(data) if self._compression else data)
        self._data = (ids, weights, None if lengths is None else (lengths, blob))

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data[0]

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        weights = self._data[1]
        self._weights = weights if weights is not None else array("f", [1.0]) * self._blocklength

    def _read_values(self):
        if self._data is None:
            self._read_data()
        stored = self._data[2]
        if stored is None:
            fixed = self._fixedsize
            self._values = (None,) * self._blocklength if fixed == 0 else ()
            return
        lengths, blob = stored
        ends = list(accumulate(lengths))
        self._values = tuple(blob[end - length : end] for end, length in zip(ends, lengths))


# Copying posting lists between segments without decoding them (indexer/merge.py).
# A merged list is its sources' lists one after the other, document numbers
# shifted: a block's document numbers are deltas from the one before, the
# first from 0, so shifting a block changes its first delta and its header's
# last id alone (and recompresses it, as its first bytes change).


class StoredBlock:
    """One block of a posting list as written: its header's figures and its data
    (``compression``: the zlib level its data is compressed with, 0 for none;
    lengths as bytes, as headers hold them)."""

    __slots__ = ("count", "last_id", "max_weight", "compression", "min_length", "max_length", "data")

    def __init__(self, count: int, last_id: int, max_weight: float, compression: int,
                 min_length: int, max_length: int, data: bytes) -> None:
        self.count, self.last_id, self.max_weight, self.compression = count, last_id, max_weight, compression
        self.min_length, self.max_length, self.data = min_length, max_length, data


def stored_blocks(postfile, info: KhabarTermInfo, level: int) -> list[StoredBlock]:
    """The blocks of a list that is not in its term info, read from ``postfile``
    without decoding (``level``: the compression level to note for a list of one
    block, whose term info says only whether it is compressed)."""
    offset, length = info.extent()
    data = postfile.get(offset, length)
    if info.one_block:
        return [StoredBlock(info.doc_frequency(), info.max_id(), info.max_weight(), level if info.compressed else 0,
                            length_to_byte(info.min_length()), length_to_byte(info.max_length()), data)]
    _check_tag(data, offset)
    blocks, at, unpack = [], 4, _BLOCK_INFO.unpack_from
    while at < len(data):
        blocklength, count, last_id, max_weight, compression, min_length, max_length = unpack(data, at)
        end = at + _INT_SIZE + abs(blocklength)
        blocks.append(StoredBlock(count, last_id, max_weight, compression, min_length, max_length,
                                  data[at + _BLOCK_INFO.size : end]))
        at = end
    return blocks


def _check_tag(data: bytes, offset: int) -> None:
    if data[:4] != BLOCK_MAGIC:
        from whoosh.codec.whoosh3 import CorruptIndexError

        raise CorruptIndexError(f"bad postings block tag {data[:4]!r} at offset {offset}: "
                                "the index is damaged; rebuild it")


def decompressed_blocks(postfile, info: KhabarTermInfo) -> list[bytes]:
    """Each block's data of a list that is not in its term info, decompressed (what
    :func:`blocks_arrays` decodes): :func:`stored_blocks` without the header figures,
    for a search that reads a common word's thousands of blocks at once."""
    offset, length = info.extent()
    data = postfile.get(offset, length)
    if info.one_block:
        return [zlib.decompress(data) if info.compressed else data]
    _check_tag(data, offset)
    view, decompress, unpack = memoryview(data), zlib.decompress, _BLOCK_INFO.unpack_from
    raws, at, head = [], 4, _BLOCK_INFO.size
    while at < len(data):
        blocklength, _count, _last_id, _max_weight, compression, _min_length, _max_length = unpack(data, at)
        end = at + _INT_SIZE + abs(blocklength)
        raws.append(decompress(view[at + head : end]) if compression else bytes(view[at + head : end]))
        at = end
    return raws


def shifted_block(block: StoredBlock, base: int) -> StoredBlock:
    """``block`` with every document number ``base`` higher."""
    if not base:
        return block
    raw = zlib.decompress(block.data) if block.compression else block.data
    count, flags = _BLOCK_HEAD.unpack_from(raw)
    at = _BLOCK_HEAD.size
    typecode = _NARROW[(flags >> _IDS_SHIFT) & 3]
    size = _ITEM_SIZE[typecode]
    first = int.from_bytes(raw[at : at + size], "little") + base
    if first < 1 << (8 * size):
        raw = b"".join((raw[:at], first.to_bytes(size, "little"), raw[at + size :]))
    else:  # the first delta no longer fits the type: every delta in the next that does
        deltas = array("I", _from_bytes(typecode, raw[at : at + count * size]))
        deltas[0] = first
        code = _narrowest(deltas)
        flags = (flags & ~(3 << _IDS_SHIFT)) | (code << _IDS_SHIFT)
        raw = b"".join((_BLOCK_HEAD.pack(count, flags), _narrowed(deltas, code), raw[at + count * size :]))
    data = zlib.compress(raw, block.compression) if block.compression else raw
    return StoredBlock(count, block.last_id + base, block.max_weight, block.compression,
                       block.min_length, block.max_length, data)


def block_postings(block: StoredBlock) -> tuple[array, array | None, array | None, bytes]:
    """A stored block decoded, as :func:`block_arrays` gives it."""
    return block_arrays(zlib.decompress(block.data) if block.compression else block.data)


def block_arrays(raw: bytes) -> tuple[array, array | None, array | None, bytes]:
    """A block's bytes (decompressed) decoded: document numbers, weights (None: every
    one 1.0), value lengths (None: no values) and the values' bytes one after the other."""
    count, flags = _BLOCK_HEAD.unpack_from(raw)
    at = _BLOCK_HEAD.size
    typecode = _NARROW[(flags >> _IDS_SHIFT) & 3]
    end = at + count * _ITEM_SIZE[typecode]
    ids = array("I", accumulate(_from_bytes(typecode, raw[at:end])))
    at = end
    weights = None
    if flags & _HAS_WEIGHTS:
        code = (flags >> _WEIGHTS_SHIFT) & 3
        typecode = "f" if code == _FLOAT_WEIGHTS else _NARROW[code]
        end = at + count * _ITEM_SIZE[typecode]
        weights = _from_bytes(typecode, raw[at:end])
        if typecode != "f":
            weights = array("f", weights)
        at = end
    lengths, blob = None, b""
    if flags & _HAS_VALUES:
        typecode = _NARROW[(flags >> _LENGTHS_SHIFT) & 3]
        end = at + count * _ITEM_SIZE[typecode]
        lengths, blob = _from_bytes(typecode, raw[at:end]), raw[end:]
        if typecode != "I":
            lengths = array("I", lengths)
    return ids, weights, lengths, blob


def blocks_arrays(np, raws: list[bytes]):
    """Several blocks' bytes (decompressed, in order: a term's list) decoded at once with
    numpy, as :func:`block_arrays` decodes each, one after the other: document numbers
    (uint32), weights (float32), value lengths (uint32) and the values' bytes. None when a
    block holds no values (a field without positions): callers read those a block at a time.

    A list of thousands of blocks (a common word at a million articles) costs a few C
    calls per block here (its header), not a Python step per posting."""
    data = np.frombuffer(b"".join(raws), dtype=np.uint8)
    sizes = np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))
    starts = np.cumsum(sizes) - sizes
    counts = _gather(np, data, starts, np.ones(len(raws), dtype=np.int64), 4, "<u4").astype(np.int64)
    flags = data[starts + 4].astype(np.int64)
    if not (flags & _HAS_VALUES).all():
        return None
    item_sizes = np.array([1, 2, 4, 4])  # by type code: _NARROW's, then _FLOAT_WEIGHTS' (float32)
    at = starts + _BLOCK_HEAD.size
    deltas = _gather_narrow(np, data, at, counts, (flags >> _IDS_SHIFT) & 3)
    running = np.cumsum(deltas)
    before = np.cumsum(counts) - counts
    ids = (running - np.repeat(running[before] - deltas[before], counts)).astype(np.uint32)  # each block from 0
    at = at + counts * item_sizes[(flags >> _IDS_SHIFT) & 3]
    weighted = (flags & _HAS_WEIGHTS) != 0
    weight_codes = (flags >> _WEIGHTS_SHIFT) & 3
    weights = np.ones(int(counts.sum()), dtype=np.float32)
    floats = weighted & (weight_codes == _FLOAT_WEIGHTS)
    whole = weighted & ~floats
    into = np.repeat(floats, counts)
    weights[into] = _gather(np, data, at[floats], counts[floats], 4, "<f4")
    into = np.repeat(whole, counts)
    weights[into] = _gather_narrow(np, data, at[whole], counts[whole], weight_codes[whole]).astype(np.float32)
    at = at + np.where(weighted, counts * item_sizes[weight_codes], 0)
    length_codes = (flags >> _LENGTHS_SHIFT) & 3
    lengths = _gather_narrow(np, data, at, counts, length_codes).astype(np.uint32)
    at = at + counts * item_sizes[length_codes]
    blob = data[_runs(np, at, starts + sizes - at)].tobytes()
    return ids, weights, lengths, blob


def _runs(np, starts, sizes):
    """The indexes ``starts[i] .. starts[i] + sizes[i] - 1`` of every run, one after the other."""
    return np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))


def _gather(np, data, starts, counts, width: int, dtype: str):
    """``counts[i]`` little-endian values of ``width`` bytes from each ``starts[i]`` of
    ``data``, one run after the other."""
    return data[_runs(np, starts, counts * width)].view(dtype)


def _gather_narrow(np, data, starts, counts, codes):
    """:func:`_gather` of runs each in its own :data:`_NARROW` type (``codes``), as int64."""
    out = np.empty(int(counts.sum()), dtype=np.int64)
    slots = np.repeat(codes, counts)
    for code, (width, dtype) in enumerate(((1, "<u1"), (2, "<u2"), (4, "<u4"))):
        chosen = codes == code
        if chosen.any():
            out[slots == code] = _gather(np, data, starts[chosen], counts[chosen], width, dtype)
    return out


def encoded_block(ids: array, weights: array | None, lengths: array | None, blob: bytes, level: int,
                  min_length: int, max_length: int) -> StoredBlock:
    """A block of these postings (as :func:`block_postings` gives them), laid out
    as :meth:`ArrayPostingsWriter._write_block` lays them out."""
    deltas = _deltas(ids)
    code = _narrowest(deltas)
    flags = code << _IDS_SHIFT
    parts = [b"", _narrowed(deltas, code)]
    max_weight = 1.0
    if weights is not None and any(weight != 1.0 for weight in weights):
        max_weight = max(weights)
        flags |= _HAS_WEIGHTS
        if min(weights) >= 0 and all(map(float.is_integer, weights)):
            whole = array("I", map(int, weights))
            code = _narrowest(whole)
            parts.append(_narrowed(whole, code))
        else:
            code = _FLOAT_WEIGHTS
            parts.append(_to_bytes(weights))
        flags |= code << _WEIGHTS_SHIFT
    if lengths is not None and len(lengths):
        flags |= _HAS_VALUES
        code = _narrowest(lengths)
        flags |= code << _LENGTHS_SHIFT
        parts.append(_narrowed(lengths, code))
        parts.append(blob)
    parts[0] = _BLOCK_HEAD.pack(len(ids), flags)
    data = b"".join(parts)
    comp = level if len(data) >= COMPRESSION_MIN_SIZE else 0
    if comp:
        data = zlib.compress(data, comp)
    return StoredBlock(len(ids), ids[-1], max_weight, comp, min_length, max_length, data)


def write_blocks(postfile, blocks: list[StoredBlock], info: KhabarTermInfo) -> None:
    """Write ``blocks`` as a term's whole list (one block: without its header, as
    the writer does) and note where in ``info``."""
    start = postfile.tell()
    if len(blocks) == 1:
        postfile.write(blocks[0].data)
        info.one_block, info.compressed = True, bool(blocks[0].compression)
    else:
        parts = [BLOCK_MAGIC]
        pack, last = _BLOCK_INFO.pack, blocks[-1]
        for block in blocks:
            blocklength = _BLOCK_INFO.size - _INT_SIZE + len(block.data)
            parts.append(pack(-blocklength if block is last else blocklength, block.count, block.last_id,
                              block.max_weight, block.compression, block.min_length, block.max_length))
            parts.append(block.data)
        postfile.write(b"".join(parts))
    info.set_extent(start, postfile.tell() - start)


def _after_varint(data: bytes, at: int) -> int:
    while data[at] >= 0x80:
        at += 1
    return at + 1


def relocated_info(data: bytes, base: int, extent: tuple[int, int] | None) -> bytes:
    """A term info's bytes with its document numbers ``base`` higher and, for a
    list not in the term info, its postings at ``extent`` (offset, length): the
    figures before them copied as they are, not decoded."""
    flags = data[0]
    at = _after_varint(data, 1)  # document frequency
    at = at + _FLOAT.size if flags & _TI_FLOAT_WEIGHT else _after_varint(data, at)
    at += 2 if flags & _TI_LENGTHS else 0
    at = at + _FLOAT.size if flags & _TI_FLOAT_MAXWEIGHT else _after_varint(data, at)
    out = bytearray(data[:at])
    if not flags & _TI_NO_IDS:
        first, after = _get_varint(data, at)
        _put_varint(out, first + base)
        at = _after_varint(data, after)  # the last number's distance from the first: unchanged
        out += data[after:at]
    if flags & _TI_INLINE:
        out += data[at:]  # the gaps between the numbers: unchanged
    else:
        _put_varint(out, extent[0])
        _put_varint(out, extent[1])
    return bytes(out)


def list_extent(data: bytes) -> tuple[int, int]:
    """Where a term info's postings are (offset, length in the postings file), from
    its bytes; a list in the term info has none."""
    flags = data[0]
    if flags & _TI_INLINE:
        raise ValueError("the postings are in the term info")
    at = _after_varint(data, 1)
    at = at + _FLOAT.size if flags & _TI_FLOAT_WEIGHT else _after_varint(data, at)
    at += 2 if flags & _TI_LENGTHS else 0
    at = at + _FLOAT.size if flags & _TI_FLOAT_MAXWEIGHT else _after_varint(data, at)
    if not flags & _TI_NO_IDS:
        at = _after_varint(data, _after_varint(data, at))
    offset, at = _get_varint(data, at)
    return offset, _get_varint(data, at)[0]


def is_inlined_info(data: bytes) -> bool:
    """Whether a term info's bytes hold its postings (document numbers only)."""
    return bool(data[0] & _TI_INLINE)
