"""Jalali date filters."""

from __future__ import annotations

from whoosh.query import NumericRange, Query

from indexer.dates import InvalidDate, parse_jalali_bound


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
    return NumericRange("jalali_day", low, high, constantscore=True)
