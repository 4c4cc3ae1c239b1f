"""Whoosh's columns of values of any length (stored fields, the forward index), opened at C speed.

A variable-length column holds its values, then their lengths; a segment of
more than 32,768 documents also stores where each value starts. For a smaller
segment, Whoosh's reader works the starts out as it opens, adding the lengths
up one document at a time in Python (~0.1 µs each): on a million articles in
~120 segments, 0.2 s of a search that reads stored fields and the forward
index. The readers here sum them in one call instead, the same numbers;
nothing of what is on disk changes.
"""

from __future__ import annotations

import struct
import sys
from array import array
from itertools import accumulate

from whoosh.columns import ColumnReader, CompressedBytesColumn, PickleColumn, VarBytesColumn


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
