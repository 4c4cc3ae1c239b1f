"""How khabar lays postings out on disk: Whoosh's W3 codec with array blocks.

W3 pickles every posting block as a tuple of Python ints, floats and bytes
objects, its header too, and every position list with pickle. Reading a block
then builds one Python object per posting, a microsecond each: most of a
query's time. Here a block is a fixed struct header and flat arrays —
document-number deltas, frequencies, value lengths and the values' bytes —
read back with ``struct`` and ``array.frombytes``, so a block of 128 postings
costs a few C calls; positions are an array of deltas. The header holds what
W3's does, so Whoosh's block skipping works unchanged, and everything else
(term table, columns, stored fields, segments) is W3's.

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
    W3FieldWriter,
    W3LeafMatcher,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.formats import Positions
from whoosh.matching import ListMatcher
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

BLOCK_MAGIC = b"KhB2"
# Block length (negative for a term's last block), postings, last id, highest
# weight, compression level, shortest and longest field length (as bytes).
_BLOCK_INFO = struct.Struct("!iIIfBBB")
_BLOCK_HEAD = struct.Struct("<IB")  # postings in the block, flags
_HAS_WEIGHTS = 1  # frequencies stored (else every weight is 1.0)
_HAS_VALUES = 2  # value lengths and bytes stored
_SWAP = sys.byteorder != "little"  # arrays are little-endian on disk
_LITTLE_UINT = struct.Struct("<I")


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


def _from_bytes(typecode: str, data) -> array:
    values = array(typecode)
    values.frombytes(data)
    if _SWAP:
        values.byteswap()
    return values


_COUNT_ONE = pack_uint(1)


class CompactPositions(Positions):
    """Whoosh's Positions format, with positions as an array of deltas instead of a pickle.

    Analyzers that can list a text's terms and positions directly
    (``term_positions``) skip Whoosh's Token pipeline.
    """

    def word_values(self, value, analyzer, **kwargs):
        term_positions = getattr(analyzer, "term_positions", None)
        if term_positions is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in term_positions(value).items():
            yield term, len(positions), len(positions) * boost, self.encode(positions)

    def encode(self, poslist) -> bytes:
        if len(poslist) == 1:  # most postings: a word once in an article
            return _COUNT_ONE + _LITTLE_UINT.pack(poslist[0])
        return pack_uint(len(poslist)) + _to_bytes(_deltas(poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(accumulate(_from_bytes("I", valuestring[_INT_SIZE:])))


class KhabarCodec(W3Codec):
    """W3, with posting blocks as arrays (see the module docstring).

    W3's inlining of short posting lists into the term table is left off (its
    default): whoosh3 3.54.0 calls a method its term info lacks, and done
    right it made the index larger and indexing no faster here.
    """

    def field_writer(self, storage, segment):
        return KhabarFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: not used by khabar's schema, left to W3
            return super().postings_writer(dbfile, byteids=byteids)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit,
                                   compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class KhabarFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        # Whoosh looks up the field length of every posting in the column just
        # written, a seek and a read each; read each field's column once instead.
        super().add_postings(schema, _PreloadedLengths(lengths) if lengths else lengths, items)

    def add_list(self, ids: array, weights: array, values: list[bytes], lengths) -> None:
        """Add a whole posting list of the current term (``lengths``: the field's length per document)."""
        self._postwriter.add_list(ids, weights, values, lengths)


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
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            block_ids = ids[start : start + limit]
            self._ids = block_ids
            self._weights = weights[start : start + limit]
            self._values = values[start : start + limit]
            self._maxweight = max(self._weights)
            known = [length for length in map(lengths.__getitem__, block_ids) if length] if lengths else ()
            self._minlength = min(known) if known else None
            self._maxlength = max(known) if known else 0
            self._write_block(last=start + limit >= len(ids))

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(BLOCK_MAGIC)
        self._terminfo.add_block(self)
        ids, weights, values = self._ids, self._weights, self._values
        flags = 0
        parts = [b"", _to_bytes(_deltas(ids))]
        if any(weight != 1.0 for weight in weights):
            flags |= _HAS_WEIGHTS
            parts.append(_to_bytes(weights))
        if values:
            flags |= _HAS_VALUES
            parts.append(_to_bytes(array("I", map(len, values))))
            parts.append(b"".join(values))
        parts[0] = _BLOCK_HEAD.pack(len(ids), flags)
        data = b"".join(parts)
        comp = self._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        # W3 pickles this header; a fixed struct is read in one call with the length before it.
        blocklength = _BLOCK_INFO.size - _INT_SIZE + len(data)
        self._postfile.write(_BLOCK_INFO.pack(-blocklength if last else blocklength, len(ids), ids[-1],
                                              self._maxweight, comp, length_to_byte(self._minlength),
                                              length_to_byte(self._maxlength)))
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class ArrayLeafMatcher(W3LeafMatcher):
    """W3's block matcher reading :class:`ArrayPostingsWriter` blocks."""

    def _read_header(self):
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
        (length, self._blocklength, self._maxid, self._maxweight, self._compression,
         minlength, maxlength) = _BLOCK_INFO.unpack(self._postfile.get(position, _BLOCK_INFO.size))
        self._lastblock = length < 0
        self._nextoffset = position + _INT_SIZE + abs(length)
        self._dataoffset = position + _BLOCK_INFO.size
        self._minlength = byte_to_length(minlength)
        self._maxlength = byte_to_length(maxlength)

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if self._compression:
            data = zlib.decompress(data)
        count, flags = _BLOCK_HEAD.unpack_from(data)
        at = _BLOCK_HEAD.size
        size = 4 * count
        ids = array("I", accumulate(_from_bytes("I", data[at : at + size])))
        at += size
        weights = None
        if flags & _HAS_WEIGHTS:
            weights = _from_bytes("f", data[at : at + size])
            at += size
        values = None
        if flags & _HAS_VALUES:
            values = (_from_bytes("I", data[at : at + size]), data[at + size :])
        self._data = (ids, weights, values)

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
