"""A segment's column values read in bulk, not a value at a time.

Whoosh's var-bytes column reader (``VarBytesColumn.Reader``) reads a value
with a seek and a read of its own: the snapshot of a million-article index
(four columns) made 5.9 million of them, 68 s of a 226 s profile. Its
lengths and offsets are already read whole when the column is opened, so
here the values' bytes are read a chunk of documents at a time (one read)
and cut up by those offsets.

Per segment, never through a multi-segment reader: Whoosh's
``MultiColumnReader`` leaves out the segments that lack the column, so its
values would belong to the wrong documents after such a segment.

Whoosh's var-bytes reader's private fields (its lengths, offsets, file and
base position: whoosh3 is pinned exactly) are read here, as indexer/merge.py
reads them to copy columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, repeat
from operator import add, sub

from whoosh.columns import VarBytesColumn
from whoosh.fields import FieldType

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
    if not isinstance(column, VarBytesColumn.Reader):  # another layout, or no column here: Whoosh's values
        return map(column.__getitem__, range(count))
    return chain.from_iterable(map(blob.__getitem__, cuts) for blob, cuts in _chunks(column, count, chunk))


def text_values(segment, fieldname: str, chunk: int = CHUNK_DOCUMENTS) -> Iterator[str]:
    """:func:`raw_values` decoded as the field decodes them (an ``ID`` field: UTF-8)."""
    field = segment.schema[fieldname]
    column = segment.column_reader(fieldname, translate=False)
    if not (isinstance(column, VarBytesColumn.Reader) and _decodes_utf8(field)):
        return map(field.from_column_value, raw_values(segment, fieldname, chunk))
    return chain.from_iterable(_decoded(blob, cuts) for blob, cuts in _chunks(column, segment.doc_count_all(), chunk))


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
