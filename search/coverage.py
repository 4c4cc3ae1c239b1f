"""Coverage over time: how many articles match a query, per Jalali month, year or source.

``khabar search QUERY --by month`` answers "how much was written about this, month
by month". The counts are exact, over the very set that :func:`search.engine.search`
counts as its ``total``: the same parsed query (words, phrases, ``-excluded``,
fields) inside the same Jalali range, found by the same path — a query of words and
phrases through the fast path's posting arrays (:func:`search.scoring.sparse.matched`),
any other through Whoosh's matchers — but never scored, and no stored field is loaded: each
match's Jalali day comes from the day column, its source from the source field's
postings, both read whole per segment and kept on it.

Keys: a month is ``"1399/01"``, a year ``"1399"``, a source its name. An undated match
(or one without a source) has the key None: it counts toward the total, and is listed
last. Months and years run from the first to the last (from ``--from`` to ``--to``
when given) with the empty ones as 0, so that a plot of them is continuous; a date
range leaves undated articles out (they cannot lie inside it), so None is then never
a key. Sources come most matches first.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.query import NumericRange, Query

from khabar.indexer.errors import InputError
from khabar.indexer.schema import JALALI_DAY, SOURCE, is_jalali_day
from khabar.search.query.dates import day_bounds, jalali_range
from khabar.search.query.parse import parse_query
from khabar.search.scoring.plan import fast_query
from khabar.search.scoring.segments import jalali_days, kept, searchable_whole
from khabar.search.scoring.sparse import matched
from khabar.search.searchers import shared_searcher

GROUPINGS = ("month", "year", "source")
# A day number (YYYYMMDD) down to its period's: the month's YYYYMM00, the year's YYYY0000.
_PERIOD = {"month": 100, "year": 10_000}


class CoverageError(InputError):
    """Counts asked by something that is not one of :data:`GROUPINGS`."""


@dataclass(slots=True)
class Coverage:
    query: str
    total: int  # every match inside the date range: the sum of the counts
    by: str  # "month", "year" or "source"
    counts: list[tuple[str | None, int]] = field(default_factory=list)  # (key, count), in order

    def as_dict(self) -> dict:
        """``{"query", "total", "by": [{"key", "count"}]}``: the record of ``search --by``."""
        return {"query": self.query, "total": self.total,
                "by": [{"key": key, "count": count} for key, count in self.counts]}


def month_key(day: int | None) -> str | None:
    """'1399/03' from a Jalali day number (YYYYMMDD, :func:`indexer.dates.jalali_day`);
    None for an undated article (the column's filler or 0)."""
    return f"{day // 10000:04d}/{day // 100 % 100:02d}" if is_jalali_day(day) else None


def year_key(day: int | None) -> str | None:
    """'1399' from a Jalali day number; None for an undated article."""
    return f"{day // 10000:04d}" if is_jalali_day(day) else None


def coverage(index_dir: Path, text: str, *, by: str = "month", date_from: str | None = None,
             date_to: str | None = None) -> Coverage:
    """The matches of ``text`` counted per ``by`` (see the module's docstring);
    raises what :func:`search.engine.search` raises, and :class:`CoverageError`."""
    if by not in GROUPINGS:
        raise CoverageError(f"cannot count by {by!r} (choose from {', '.join(GROUPINGS)})")
    day_range = jalali_range(date_from, date_to)
    searcher = shared_searcher(index_dir)
    asked = parse_query(text, searcher.schema)
    matches = matching(searcher, asked, day_range)
    if by == "source":
        found = _by_source(matches)
        counts = sorted(((key, count) for key, count in found.items() if key is not None),
                        key=lambda item: (-item[1], item[0]))
        if found.get(None):
            counts.append((None, found[None]))
    else:
        counts = _periods(_by_period(matches, _PERIOD[by]), by, day_range)
    return Coverage(text, sum(len(docs) for _, docs in matches), by, counts)


def matching(searcher, asked: Query, day_range: NumericRange | None) -> list[tuple[object, Sequence[int]]]:
    """Each segment's reader with its documents that match (ascending), found by the path
    :func:`search.engine.search` takes for the query, so that the set is the one it counts."""
    plan = fast_query(asked, day_range)
    found = matched(searcher, plan) if plan is not None and searchable_whole(searcher) else None
    if found is not None:
        return found
    # The range is read from the day column, as the fast path reads it: the same
    # documents as Whoosh's range query, which walks a dozen trie terms' postings.
    docs = sorted(searcher.docs_for_query(asked))  # ascending already: a segment after another
    low, high = day_bounds(day_range) if day_range is not None else (0, 0)
    found = []
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        start, end = bisect_left(docs, offset), bisect_left(docs, offset + reader.doc_count_all())
        inside = [docnum - offset for docnum in docs[start:end]]
        if day_range is not None and inside:
            days = segment_days(reader)
            inside = [docnum for docnum in inside if low <= days[docnum] <= high]
        found.append((reader, inside))
    return found


def _by_period(matches: list, size: int) -> Counter[int]:
    """Matches per period start (YYYYMM00 or YYYY0000); 0 for the undated."""
    counts: Counter[int] = Counter()
    for reader, docs in matches:
        if docs:
            days = segment_days(reader)
            counts.update(days[docnum] - days[docnum] % size for docnum in docs)
    return counts


def segment_days(reader) -> Sequence[int]:
    """The segment's Jalali days, 0 for the undated."""
    days = jalali_days(reader)
    if days is not None:
        return days
    # Another codec: the column a value at a time (kept, so once per segment).
    return kept(reader, "coverage days", lambda: array(
        "I", [day if is_jalali_day(day) else 0 for day in reader.column_reader(JALALI_DAY)]))


def _by_source(matches: list) -> Counter[str | None]:
    """Matches per source name; None for those without one."""
    counts: Counter[str | None] = Counter()
    for reader, docs in matches:
        if docs:
            names, codes = source_codes(reader)
            for code, number in Counter(codes[docnum] for docnum in docs).items():
                # An article without a source is indexed as "", or not at all.
                counts[names[code] if code >= 0 and names[code] else None] += number
    return counts


def source_codes(reader) -> tuple[list[str], array]:
    """The segment's source names, and each document's as an index into them (-1: none).

    Built once per segment from the source field's postings, a list per source:
    reading the source column a document at a time costs several times more.
    """

    def build() -> tuple[list[str], array]:
        codes = array("i", [-1]) * reader.doc_count_all()
        field_type = reader.schema[SOURCE]
        names = [field_type.from_bytes(term) for term in reader.lexicon(SOURCE)]
        for code, name in enumerate(names):
            for docnum in reader.postings(SOURCE, name).all_ids():
                codes[docnum] = code
        return names, codes

    return kept(reader, "coverage sources", build)


def _periods(counts: Counter[int], by: str, day_range: NumericRange | None) -> list[tuple[str | None, int]]:
    """Every month or year from the first to the last, each with its count (0 when none
    matched), then the undated; the date range's ends, when given, are the first and last."""
    key = month_key if by == "month" else year_key
    dated = [period for period in counts if period]
    first = day_range.start if day_range is not None and day_range.start is not None else min(dated, default=None)
    last = day_range.end if day_range is not None and day_range.end is not None else max(dated, default=None)
    rows: list[tuple[str | None, int]] = []
    if first is not None and last is not None:
        rows = [(key(period), counts.get(period, 0)) for period in _period_starts(first, last, by)]
    if counts.get(0):
        rows.append((None, counts[0]))
    return rows


def _period_starts(first: int, last: int, by: str) -> list[int]:
    """The start (YYYYMM00 or YYYY0000) of each month or year from ``first``'s to ``last``'s (day numbers)."""
    if by == "year":
        return [year * 10_000 for year in range(first // 10_000, last // 10_000 + 1)]
    start, end = first // 10_000 * 12 + first // 100 % 100 - 1, last // 10_000 * 12 + last // 100 % 100 - 1
    return [(month // 12) * 10_000 + (month % 12 + 1) * 100 for month in range(start, end + 1)]
