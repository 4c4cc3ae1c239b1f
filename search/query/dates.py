"""Jalali date filters."""

from __future__ import annotations

from whoosh.query import And, NumericRange, Query

from khabar.indexer.dates import InvalidDate, parse_jalali_bound
from khabar.indexer.schema import JALALI_DAY


def jalali_range(start: str | None, end: str | None) -> NumericRange | None:
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


def within(query: Query, day_range: Query | None) -> Query:
    """``query`` inside the Jalali range, for a search through Whoosh.

    A conjunct, not ``filter=``: in whoosh3 3.54.0 a filtered search counts
    its total as if unfiltered. The range scores a constant, so ranking is
    unchanged.
    """
    return query if day_range is None else And([query, day_range])


def day_bounds(day_range: NumericRange) -> tuple[int, float]:
    """``(low, high)`` of a Jalali range as :func:`search.scoring.segments.jalali_days`
    values, both inclusive.

    0 is an undated article: never inside a range, even an open one.
    """
    high = day_range.end if day_range.end is not None else float("inf")
    return max(day_range.start or 1, 1), high
