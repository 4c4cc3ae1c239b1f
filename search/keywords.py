"""Keyword (tag) lookups and keyword counts over a khabar index.

Tags are indexed as ``keyword_key`` spellings, so a lookup folds the keyword the
same way: Arabic and Persian letters, ZWNJ and space, and digit forms all meet.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from types import TracebackType

from khabar.indexer.errors import InputError
from khabar.indexer.persian.folding import keyword_key
from khabar.indexer.safe_text import clean_text, input_lines
from khabar.indexer.schema import BODY, JALALI_DAY, KEYWORD_LIST, SOURCE, TAGS
from khabar.indexer.store import open_for_search
from whoosh.query import Query, Term

from khabar.search.coverage import month_key
from khabar.search.engine import Hit, newest_first
from khabar.search.query.dates import within
from khabar.search.snippets import opening

GROUPINGS = ("month", "source")
# Articles read per keyword to find its most common written form: each read
# loads a whole stored article, and 50 name the same form as 200 did on ir-news.
FORM_SAMPLE = 50
# Tags counted between two refreshes of the pruning bar in ``top``.
BAR_REFRESH = 64


class KeywordError(InputError):
    """A keyword that cannot be looked up (empty once folded)."""


@dataclass(slots=True)
class KeywordResults:
    keyword: str  # as the user wrote it
    total: int
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"keyword": self.keyword, "total": self.total, "results": [result_dict(hit) for hit in self.hits]}


@dataclass(slots=True)
class KeywordCount:
    keyword: str  # the most common written form of its folded key
    count: int  # articles tagged with it
    group: str | None = None  # "1399/03" or a source name when counts are broken down

    def as_dict(self, by: str | None) -> dict:
        record: dict = {by: self.group} if by else {}
        return record | {"keyword": self.keyword, "count": self.count}


def result_dict(hit: Hit) -> dict:
    """A lookup hit with the field names of search results; unranked, so no score."""
    return hit.as_dict() | {"score": None}


def lookup_key(keyword: str) -> str:
    key = keyword_key(keyword)
    if not key:
        raise KeywordError(f"not a keyword: {keyword!r}")
    return key


def read_keywords(lines: Iterable[str]) -> Iterator[str]:
    """Keywords one per line (blank lines skipped; a byte-order mark is ignored)."""
    return (keyword for keyword in input_lines(lines) if keyword_key(keyword))


class KeywordIndex:
    """One open index and searcher for any number of lookups (``--stdin`` answers thousands)."""

    def __init__(self, index_dir: Path) -> None:
        self._index = open_for_search(index_dir)
        self._searcher = self._index.searcher()
        self._reader = self._searcher.reader()

    def __enter__(self) -> KeywordIndex:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()
        self._index.close()

    def lookup(self, keyword: str, *, date_filter: Query | None = None, limit: int = 10) -> KeywordResults:
        """The articles tagged ``keyword``, newest first."""
        query = within(Term(TAGS, lookup_key(keyword)), date_filter)
        results = self._searcher.search(query, limit=limit, sortedby=newest_first(), reverse=True)
        return KeywordResults(keyword, len(results), [_hit(hit.fields()) for hit in results])

    def top(self, n: int, *, date_filter: Query | None = None, by: str | None = None) -> list[KeywordCount]:
        """The ``n`` most frequent keywords (per month or source with ``by``), most frequent first."""
        docs = self._documents(date_filter)
        if not docs:
            return []  # nothing to count (and an empty index has no columns to group by)
        group_of = self._grouping(by)
        groups = {group_of(doc) for doc in docs}
        counts: dict[str | None, Counter[str]] = {group: Counter() for group in groups}
        bar = 0
        for position, (frequency, key) in enumerate(self._tags_by_frequency()):
            # A tag's article count bounds its count in any group: once it is
            # below every group's n-th best, no later (rarer) tag can enter.
            # The bar only rises, so refreshing it now and then is enough.
            if position % BAR_REFRESH == 0:
                bar = min(_nth_best(counts[group], n) for group in groups)
            if frequency < bar:
                break
            for doc in self._reader.postings(TAGS, key).all_ids():
                if doc in docs:
                    counts[group_of(doc)][key] += 1
        winners = {
            group: _ranked(counts[group], n)
            for group in sorted(groups, key=_group_order)
            if counts[group]
        }
        forms = self._written_forms({key for ranked in winners.values() for key, _ in ranked}, docs)
        return [
            KeywordCount(forms.get(key, key), count, group)
            for group, ranked in winners.items()
            for key, count in ranked
        ]

    def _tags_by_frequency(self) -> list[tuple[int, str]]:
        """Every tag with its article count (deleted articles included: an upper bound), most frequent first."""
        # Each segment's term table is read in order: the whole index's
        # ``iter_field`` looks every term up in every segment (0.8 of --top's 1.1 s on 4.8k articles).
        frequency: Counter[bytes] = Counter()
        for segment, _offset in self._reader.leaf_readers():
            for term, info in segment.iter_field(TAGS):
                frequency[term] += info.doc_frequency()
        field = self._searcher.schema[TAGS]
        tags = [(count, field.from_bytes(term)) for term, count in frequency.items()]
        return sorted(tags, key=lambda item: (-item[0], item[1]))

    def _documents(self, date_filter: Query | None) -> set[int]:
        """Live document numbers, within the date range if there is one."""
        live = set(self._reader.all_doc_ids())
        if date_filter is None:
            return live
        return live.intersection(self._searcher.docs_for_query(date_filter))

    def _grouping(self, by: str | None):
        if by is None:
            return lambda doc: None
        if by == "month":
            days = self._reader.column_reader(JALALI_DAY)
            return lambda doc: month_key(days[doc])
        if by == "source":
            sources = self._reader.column_reader(SOURCE)
            return lambda doc: sources[doc] or None
        raise KeywordError(f"cannot break counts down by {by!r} (choose from {', '.join(GROUPINGS)})")

    def _written_forms(self, keys: set[str], docs: set[int]) -> dict[str, str]:
        """The most common written form of each key, over (a sample of) the articles counted."""
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        sample: set[int] = set()
        for key in keys:
            tagged = (doc for doc in self._reader.postings(TAGS, key).all_ids() if doc in docs)
            sample.update(islice(tagged, FORM_SAMPLE))
        for doc in sorted(sample):
            for written in self._reader.stored_fields(doc).get(KEYWORD_LIST) or []:
                # Tags are split at commas when indexed; split written forms the same way.
                for part in str(written).split(","):
                    key = keyword_key(part)
                    if key in keys:
                        seen[key][clean_text(part).strip()] += 1
        return {key: counter.most_common(1)[0][0] for key, counter in seen.items()}


def _nth_best(counter: Counter[str], n: int) -> int:
    """The count a tag must reach to enter this group's top ``n`` (0 while it has fewer)."""
    if len(counter) < n:
        return 0
    return heapq.nlargest(n, counter.values())[-1]


def _ranked(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    """The top ``n`` of a counter, ties broken by key so that output is stable."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:n]


def _group_order(group: str | None) -> tuple[int, str]:
    return (group is None, group or "")  # months in order, sources by name, the undated last


def _hit(stored: dict) -> Hit:
    # A lookup matches tags, not words in the text: the snippet is the opening.
    return Hit.from_stored(stored, score=0.0, snippet=opening(stored.get(BODY) or ""))
