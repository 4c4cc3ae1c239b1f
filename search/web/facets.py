"""Counts over every match of a query, and a source filter, on the library's public calls.

The engine answers one page of ranked hits; a results page also shows how all the
matches spread over Jalali months and sources, and can keep one source's matches.
The matches are the set ``khabar search --by`` counts (:mod:`search.coverage`); what is
made here is the page's own view of them:

- :func:`facet_counts` counts them per month and per source, by the usual rule of faceted
  search: the months within the chosen source (but over every date, so the timeline
  shows where else the query matches), the sources within the chosen dates.
- :func:`search_source` pages through the engine's ranked results, keeping one source.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from khabar.indexer.schema import is_jalali_day
from khabar.search.coverage import matching, segment_days, source_codes
from khabar.search.engine import SearchResults, search
from khabar.search.query.dates import day_bounds, jalali_range
from khabar.search.query.parse import parse_query
from khabar.search.searchers import shared_searcher
from khabar.search.snippets import SnippetMarks

# Ranked hits asked from the engine at a time while filtering by source: at least
# SOURCE_CHUNK, and SOURCE_SCAN when the counts are not known.
SOURCE_CHUNK = 20
SOURCE_SCAN = 200
# A timeline longer than this many months is drawn by year.
MAX_MONTHS = 120


@dataclass(slots=True)
class Bar:
    period: str  # "1401/12", or "1401" when the timeline is by year
    count: int
    selected: bool = False  # inside the chosen date range


@dataclass(slots=True)
class Facets:
    total: int  # matches within the chosen dates and source: the results' total
    sources: list[tuple[str, int]] = field(default_factory=list)  # most matches first
    timeline: list[Bar] = field(default_factory=list)  # oldest first, empty periods included
    by: str = "month"  # or "year"
    undated: int = 0  # matches (within the source) that have no date


def facet_counts(index_dir: Path, text: str, *, date_from: str | None = None, date_to: str | None = None,
                 source: str | None = None) -> Facets:
    """Match counts per source and per Jalali month for ``text``; raises what ``search`` raises.

    The matches are those ``khabar search --by`` counts (:func:`search.coverage.matching`,
    over every date here), each one's day and source read from the segment's columns."""
    day_range = jalali_range(date_from, date_to)
    searcher = shared_searcher(index_dir)
    asked = parse_query(text, searcher.schema)
    low, high = day_bounds(day_range) if day_range is not None else (None, None)
    months: Counter[int] = Counter()  # year * 12 + month - 1
    sources: Counter[str] = Counter()
    undated = total = 0
    for reader, docs in matching(searcher, asked, None):
        if not docs:
            continue
        days, (names, codes) = segment_days(reader), source_codes(reader)
        for doc in docs:
            day, code = days[doc], codes[doc]
            name = names[code] if code >= 0 else ""
            dated = is_jalali_day(day)
            in_range = low is None or (dated and low <= day <= high)
            in_source = source is None or name == source
            if in_source:
                if dated:
                    months[day // 10000 * 12 + day // 100 % 100 - 1] += 1
                else:
                    undated += 1
            if in_range:
                sources[name] += 1
                total += in_source
    if not sources and not months and not undated:
        return Facets(0)
    ranked_sources = sorted(sources.items(), key=lambda item: (-item[1], item[0]))
    return Facets(total, ranked_sources, *_timeline(months, low, high), undated)


def _timeline(months: Counter[int], low: int | None, high: float | None) -> tuple[list[Bar], str]:
    if not months:
        return [], "month"
    first, last = min(months), max(months)

    def chosen(first_day: int, last_day: int) -> bool:
        return low is not None and first_day <= high and last_day >= low

    if last - first < MAX_MONTHS:
        return [Bar(f"{m // 12:04d}/{m % 12 + 1:02d}", months.get(m, 0),
                    chosen((m // 12) * 10000 + (m % 12 + 1) * 100 + 1, (m // 12) * 10000 + (m % 12 + 1) * 100 + 31))
                for m in range(first, last + 1)], "month"
    years: Counter[int] = Counter()
    for month, count in months.items():
        years[month // 12] += count
    return [Bar(f"{y:04d}", years.get(y, 0), chosen(y * 10000 + 101, y * 10000 + 1231))
            for y in range(first // 12, last // 12 + 1)], "year"


def search_source(index_dir: Path, text: str, source: str, *, total: int, matches: int | None = None,
                  date_from: str | None = None, date_to: str | None = None, limit: int = 10, page: int = 1,
                  sort: str = "relevance", marks: SnippetMarks | None = None) -> SearchResults:
    """One page of the ranked results of ``text`` from ``source`` alone, in the engine's
    order. ``total`` is their number and ``matches`` that of all sources (both from
    :func:`facet_counts`): the engine is asked for about as many ranked hits as should
    hold this page of the source, as each costs a snippet, then for more if they did not."""
    wanted = page * limit
    if total and matches:
        chunk = min(matches, max(SOURCE_CHUNK, math.ceil(wanted * matches / total * 1.25) + limit))
    else:
        chunk = SOURCE_SCAN
    skip, kept, scanned = (page - 1) * limit, [], 0  # scanned: hits of the source seen so far
    number = 1
    while len(kept) < limit:
        # Every copy: a story's copy from this source may rank below another source's.
        results = search(index_dir, text, date_from=date_from, date_to=date_to, limit=chunk, page=number,
                         sort=sort, marks=marks, collapse=False)
        for hit in results.hits:
            if hit.source != source:
                continue
            scanned += 1
            if scanned > skip:
                kept.append(hit)
                if len(kept) == limit:
                    break
        if number * chunk >= results.total or not results.hits:
            break
        number += 1
    return SearchResults(text, total, kept)
