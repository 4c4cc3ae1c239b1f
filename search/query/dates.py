"""Jalali date filters."""

from __future__ import annotations

import sys
from array import array

from whoosh.query import NumericRange, Query

from khabar.indexer.dates import InvalidDate, parse_jalali_bound
from khabar.indexer.schema import JALALI_DAY


def jalali_range(start: str | None, end: str | None) -> Query | None:
    """A filter on the Jalali day field for ``--from``/``--to`` (inclusive).

    ``1401`` and ``1401/12`` mean the whole year or month. Raises
    :class:`InvalidDate` for a date that does not exist or a reversed range.
    """
    if not start and not end:
        return None
    low = parse_jalali_bound(start) if start else None
    high = parse_jalali_bound(end, end=True) if end else None
    if low is not None and high is not None and low > high:
        raise InvalidDate(f"{start} .. {end}", "the --from date is after the --to date")
    return NumericRange(JALALI_DAY, low, high, constantscore=True)


def day_bounds(day_range: NumericRange) -> tuple[int, float]:
    """``(low, high)`` of a Jalali range as :func:`jalali_days` values, both inclusive.

    0 is an undated article: never inside a range, even an open one.
    """
    high = day_range.end if day_range.end is not None else float("inf")
    return max(day_range.start or 1, 1), high


def jalali_days(reader) -> array | None:
    """Every document's Jalali day (0 when undated) in one segment, or None if unavailable.

    The column is read whole, once per segment reader: checking a document
    against a range is then one comparison, where Whoosh's range query walks
    the postings of a dozen trie terms per query (most of a dated query's time).
    """
    cache = reader.__dict__.setdefault("_khabar_days", [])
    if cache:
        return cache[0]
    days = None
    try:
        if not reader._perdoc.has_column(JALALI_DAY):  # a segment of undated articles only
            cache.append(array("I", bytes(4 * reader.doc_count_all())))
            return cache[0]
        field = reader.schema[JALALI_DAY]
        column = reader._perdoc.column_reader(JALALI_DAY, field.column_type)
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        days = array(column._typecode)
        days.frombytes(raw)
        if sys.byteorder == "little":  # stored big-endian
            days.byteswap()
        days.extend([0] * (reader.doc_count_all() - len(days)))
        # Whoosh fills the column of an undated article followed by dated ones
        # with its default (the type's maximum): read it as undated too.
        if column._default:
            days = array(days.typecode, [0 if day == column._default else day for day in days])
    except (AttributeError, KeyError, TypeError, ValueError):
        days = None  # another codec: the caller uses Whoosh's range query
    cache.append(days)
    return days
