"""Whoosh's columns of values of any length (stored fields, the forward index, paths,
ids), opened and read at C speed.

A variable-length column holds its values, then their lengths; a segment of
more than 32,768 documents also stores where each value starts. For a smaller
segment, Whoosh's reader works the starts out as it opens, adding the lengths
up one document at a time in Python (~0.1 µs each): on a million articles in
~120 segments, 0.2 s of a search that reads stored fields and the forward
index. The readers here sum them in one call instead, the same numbers;
nothing of what is on disk changes.

Whoosh then reads a value with a seek and a read of its own: the snapshot of a
million-article index (four columns) made 5.9 million of them, 68 s of a 226 s
profile. :func:`raw_values` and :func:`text_values` read the values' bytes a
chunk of documents at a time (one read) and cut them up by those offsets.
Per segment, never through a multi-segment reader: Whoosh's
``MultiColumnReader`` leaves out the segments that lack the column, so its
values would belong to the wrong documents after such a segment.

Whoosh's var-bytes reader's private fields (its lengths, offsets, file and
base position: whoosh3 is pinned exactly) are read here, as indexer/merge.py
reads them to copy columns.
"""

from __future__ import annotations

import os
import struct
import sys
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate, chain, repeat
from operator import add, sub

from whoosh.columns import ColumnReader, CompressedBytesColumn, PickleColumn, VarBytesColumn
from whoosh.fields import FieldType
from whoosh.filedb.compound import SubFile


class _SummedStarts:
    """``VarBytesColumn.Reader``'s reading of lengths and starts, the starts summed in one call."""

    def _read_offsets_and_lengths(self) -> None:
        dbfile, count = self._dbfile, self._doccount
        last = self._basepos + self._length - 1
        code = chr(dbfile.get_byte(last))
        if code == "X":  # the starts are stored: Whoosh reads them in one go
            super()._read_offsets_and_lengths()
            return
        lengths = dbfile.get_array(last - struct.calcsize(code) * count, code, count)
        self._lengths = lengths
        self._offsets = value_starts(lengths)


def value_starts(lengths: array) -> array:
    """Where each value starts (``array("L")``), given every value's length, in order."""
    starts = array("L")
    if not lengths:
        return starts
    np = sys.modules.get("numpy")  # a search has it loaded; otherwise not worth its import
    if np is None:
        starts.extend(accumulate(lengths[:-1], initial=0))
        return starts
    summed = np.zeros(len(lengths), dtype=np.dtype("L"))
    np.cumsum(np.frombuffer(lengths, dtype=np.dtype(lengths.typecode))[:-1], dtype=summed.dtype, out=summed[1:])
    starts.frombytes(summed.tobytes())
    return starts


class SummedVarBytesReader(_SummedStarts, VarBytesColumn.Reader):
    pass


class SummedCompressedBytesReader(_SummedStarts, CompressedBytesColumn.Reader):
    pass


def summed_reader(column, dbfile, basepos: int, length: int, doccount: int) -> ColumnReader | None:
    """What ``column.reader(dbfile, basepos, length, doccount)`` gives, for a variable-length
    column (bare, compressed, or pickled over either: the stored fields' column);
    None for any other type of column, which Whoosh's own reader opens fast."""
    kind = type(column)
    if kind is VarBytesColumn:
        return SummedVarBytesReader(dbfile, basepos, length, doccount)
    if kind is CompressedBytesColumn:
        return SummedCompressedBytesReader(dbfile, basepos, length, doccount, column._module)
    if kind is PickleColumn:
        inner = summed_reader(column._child, dbfile, basepos, length, doccount)
        return None if inner is None else PickleColumn.Reader(inner)
    return None


def value_reader(column) -> Callable[[int], bytes]:
    """``column.__getitem__`` of a var-bytes column reader, reading a value inside a
    compound segment file with one ``os.pread``: a search's storage is not mapped, and
    Whoosh's read of one value (a seek and a read of its buffered file, a few Python
    layers) cost ~100 µs under load, where a stored field read from a column is asked
    for every hit."""
    dbfile = getattr(column, "_dbfile", None)
    inner = getattr(dbfile, "file", None)
    if not isinstance(column, SummedVarBytesReader) or not isinstance(inner, SubFile) \
            or not hasattr(inner._file, "fileno"):
        return column.__getitem__
    fd, base = inner._file.fileno(), inner._offset + column._basepos
    lengths, starts, count = column._lengths, column._offsets, len(column._lengths)

    def read(docnum: int) -> bytes:
        length = lengths[docnum] if docnum < count else 0
        return os.pread(fd, length, base + starts[docnum]) if length else b""

    return read


# Documents whose values are read at once: a merged segment of a large index holds
# hundreds of thousands, and the whole of four columns would be held at once.
CHUNK_DOCUMENTS = 65_536


def raw_values(segment, fieldname: str, chunk: int = CHUNK_DOCUMENTS) -> Iterator[bytes]:
    """Every document's value in ``fieldname``'s column of one segment reader, as
    stored (bytes), deleted documents included, in document order.

    A segment without the column gives the column's default for each document,
    as Whoosh's own reader of that segment does.
    """
    column = segment.column_reader(fieldname, translate=False)
    count = segment.doc_count_all()
    if not _plain_var_bytes(column):  # another layout, or no column here: Whoosh's values
        return map(column.__getitem__, range(count))
    return chain.from_iterable(map(blob.__getitem__, cuts) for blob, cuts in _chunks(column, count, chunk))


def text_values(segment, fieldname: str, chunk: int = CHUNK_DOCUMENTS) -> Iterator[str]:
    """:func:`raw_values` decoded as the field decodes them (an ``ID`` field: UTF-8)."""
    field = segment.schema[fieldname]
    column = segment.column_reader(fieldname, translate=False)
    if not (_plain_var_bytes(column) and _decodes_utf8(field)):
        return map(field.from_column_value, raw_values(segment, fieldname, chunk))
    return chain.from_iterable(_decoded(blob, cuts) for blob, cuts in _chunks(column, segment.doc_count_all(), chunk))


def _plain_var_bytes(column) -> bool:
    """Whether the column's values are its bytes as they are (a compressed column's
    reader is a var-bytes reader too, but its bytes must be decompressed)."""
    return isinstance(column, VarBytesColumn.Reader) and not isinstance(column, CompressedBytesColumn.Reader)


def _decodes_utf8(field) -> bool:
    """Whether the field's column values are its text in UTF-8, as an ``ID`` field's are."""
    kind = type(field)
    return kind.from_column_value is FieldType.from_column_value and kind.from_bytes is FieldType.from_bytes


def _decoded(blob: bytes, cuts: Iterator[slice]) -> Iterator[str]:
    if blob.isascii():  # (paths, stamps, digests) a byte is a character: decoded once
        return map(blob.decode("ascii").__getitem__, cuts)
    return map(bytes.decode, map(blob.__getitem__, cuts))


def _chunks(column: VarBytesColumn.Reader, count: int, chunk: int) -> Iterator[tuple[bytes, Iterator[slice]]]:
    """The column's values ``chunk`` documents at a time: their bytes in one read, and
    where each value is in them. (Iterators of C functions, no Python call per value:
    a generator's frame per value was a fifth of the snapshot's time.)"""
    lengths, offsets = column._lengths, column._offsets
    for start in range(0, count, chunk):
        end = min(start + chunk, count)
        first = offsets[start]
        blob = column._dbfile.get(column._basepos + first, offsets[end - 1] + lengths[end - 1] - first)
        starts = list(map(sub, offsets[start:end], repeat(first)))
        yield blob, map(slice, starts, map(add, starts, lengths[start:end]))
