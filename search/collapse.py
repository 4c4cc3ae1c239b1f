"""Each story once: a search's matches grouped into stories by their near-duplicate signatures.

The same story republished by another agency, or kept under a second URL
after an edited headline, matches a query as often as it is held. Every
match's MinHash signature is in the index (:mod:`indexer.duplicates`, a
column, of which a search reads its matches' rows), so grouping all the matches
of a search is numpy over their signatures: identical ones (copies word for
word) join at once, and the few pairs that LSH proposes among the others are
decided on their text (:func:`indexer.duplicates.same_story`), once per
searcher (a ``--stdin`` run or ``serve`` asks again for free), and joined
transitively. The search groups its best matches (:data:`search.engine.COLLAPSE_DEPTH`,
more when they make too few stories for the page), not every match: the page's
stories and their best copies are those grouping every match gives (a copy
ranked past them is not listed in ``duplicates``, and two of them joined only
through such a copy stay apart), and the story count is of those matches, said
so by ``stories_relation``; page 2 starts after the tenth story. Only matches are
grouped: a copy that the query or the date range leaves out is not shown, as
without collapsing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from khabar.indexer.duplicates import PERMUTATIONS, same_story, signature_groups, signatures
from khabar.indexer.dates import format_jalali, format_jalali_day
from khabar.indexer.schema import (BODY, DATE, JALALI_DAY, SIGNATURE, SOURCE, TITLE, UNDATED_DATE_COLUMN, URL,
                                   is_jalali_day)
from khabar.search.scoring.segments import fixed_bytes_column, jalali_days, kept, value_reads


@dataclass(slots=True)
class Stories:
    """A search's matches as stories: ``roots[k]`` is the rank (position in
    ``docnums``, best first) of the best-ranked member of the story of the match
    ranked ``k``."""

    docnums: np.ndarray
    roots: np.ndarray

    @property
    def count(self) -> int:
        return int(np.count_nonzero(self.roots == np.arange(len(self.roots))))

    def page(self, first: int, limit: int | None) -> list[list[int]]:
        """Stories ``first`` to ``first + limit`` (all from ``first`` with ``limit`` None), by
        their best member, each its docnums best first."""
        heads = np.flatnonzero(self.roots == np.arange(len(self.roots)))
        heads = heads[first:] if limit is None else heads[first : first + limit]
        if not len(heads):
            return []
        # Members of the wanted stories, grouped by their head in rank order (heads and
        # members alike ascend): one pass, not one scan of every match per story.
        members = np.flatnonzero(np.isin(self.roots, heads))
        members = members[np.argsort(self.roots[members], kind="stable")]
        bounds = np.flatnonzero(np.diff(self.roots[members])) + 1
        return [group.tolist() for group in np.split(self.docnums[members], bounds)]


def column_rows(searcher, docnums: Sequence[int], names: Sequence[str]) -> list[tuple]:
    """``docnums`` (global document numbers) in the columns ``names``, a tuple of
    their values each, from each segment's columns: a story's copies described
    without reading their stored fields. The date column is read as it is held
    (:data:`UNDATED_DATE_COLUMN` for an undated article), the others translated;
    an undated article's Jalali day is 0 or the column's filler (test with
    :func:`indexer.schema.is_jalali_day`)."""
    leaves = [(subsearcher.reader(), offset) for subsearcher, offset in searcher.leaf_searchers()]
    starts = [offset for _, offset in leaves]
    opened: dict[int, list] = {}  # leaf → its columns, looked up once per call, not once per value
    rows = []
    for docnum in docnums:
        leaf = bisect_right(starts, docnum) - 1
        if leaf not in opened:
            opened[leaf] = [_column(leaves[leaf][0], name) for name in names]
        row = docnum - starts[leaf]
        rows.append(tuple(column[row] for column in opened[leaf]))
    return rows


def _column(reader, name: str):
    """One segment's column ``name`` (kept with the segment); the Jalali days as one
    array where the segment can be read whole."""
    if name == JALALI_DAY and (days := jalali_days(reader)) is not None:
        return days
    return kept(reader, f"{name} column", lambda: reader.column_reader(name, translate=name != DATE))


def copy_sources(searcher, docnums: Sequence[int]) -> list[str]:
    """The sources of ``docnums`` (global document numbers), from their column."""
    return [source for source, in column_rows(searcher, docnums, (SOURCE,))]


def copy_records(searcher, docnums: Sequence[int]) -> list[dict]:
    """What a result lists of each of ``docnums``, another copy of its story:
    ``{"id", "url", "source", "jalali_date"}`` (None when undated), the values
    :meth:`search.engine.Hit.from_stored` gives, from their columns."""

    def jalali_date(docnum: int, day: int) -> str | None:
        if is_jalali_day(day):
            return format_jalali_day(day)
        [(moment,)] = column_rows(searcher, [docnum], (DATE,))  # undated, or dated without a day
        return None if moment == UNDATED_DATE_COLUMN else format_jalali(searcher.schema[DATE].from_column_value(moment))

    rows = column_rows(searcher, docnums, ("id", URL, SOURCE, JALALI_DAY))
    return [{"id": doc_id, "url": url, "source": source, "jalali_date": jalali_date(docnum, day)}
            for docnum, (doc_id, url, source, day) in zip(docnums, rows)]


# Pair verdicts a searcher keeps before it starts again.
VERDICTS_KEPT = 100_000


def stories(searcher, docnums: Sequence[int]) -> Stories:
    """``docnums`` (best first) grouped into :class:`Stories`."""
    ranked = np.asarray(docnums, dtype=np.int64)
    if len(ranked) < 2 or SIGNATURE not in searcher.schema:
        return Stories(ranked, np.arange(len(ranked)))
    first_of, pairs = signature_groups(_signatures_of(searcher, ranked))
    verdicts = kept(searcher, "same story", dict)  # (docnum, docnum) → bool, for the searcher's life
    if len(verdicts) > VERDICTS_KEPT:  # a long-running serve: bounded, as the other caches are
        verdicts.clear()
    texts: dict[int, tuple[str, str]] = {}

    def text(docnum: int) -> tuple[str, str]:
        if docnum not in texts:
            stored = searcher.stored_fields(docnum)
            texts[docnum] = (stored.get(TITLE) or "", stored.get(BODY) or "")
        return texts[docnum]

    # Copies word for word are one story already (first_of); the pairs of other
    # signatures are decided on their text, joined by union-find over their ranks.
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            grandparent = parent.get(parent[i], parent[i])
            parent[i] = grandparent  # path halving
            i = grandparent
        return i

    for i, j, _alike in pairs:  # the most alike first
        first, second = root(i), root(j)
        if first == second:
            continue  # already one story through others: their text need not be read
        a, b = sorted((int(ranked[i]), int(ranked[j])))
        if (a, b) not in verdicts:
            verdicts[(a, b)] = same_story(text(a), text(b))
        if verdicts[(a, b)]:
            parent[max(first, second)] = min(first, second)  # the better rank: stories keep rank order
    final = np.arange(len(ranked))
    for i in parent:
        final[i] = root(i)
    return Stories(ranked, final[first_of])


# A signature row read alone costs about what this many rows cost read with the
# whole column (~1.6 against ~0.2 µs on the 1× and 1M indexes).
ROW_READ_COST = 8


def _signatures_of(searcher, wanted: np.ndarray) -> np.ndarray:
    """The signatures of ``wanted`` (global document numbers), one row each. A
    segment's whole column is 256 bytes an article (256 MB at a million): where
    a few of its articles are wanted, only their rows are read."""
    rows = np.zeros((len(wanted), PERMUTATIONS), dtype=">u4")
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        count = reader.doc_count_all()
        inside = np.flatnonzero((wanted >= offset) & (wanted < offset + count))
        if not len(inside):
            continue
        if len(inside) * ROW_READ_COST < count:
            raw = b"".join(map(_signature_rows(reader), (wanted[inside] - offset).tolist()))
            rows[inside] = signatures(raw, len(inside))
        else:
            rows[inside] = _segment_signatures(reader)[wanted[inside] - offset]
    return rows


def _signature_column(reader):
    """One segment's signature column, a row read when asked for (kept with the
    segment; the column's default, no signature, where the segment has none)."""
    return kept(reader, "signature column", lambda: reader.column_reader(SIGNATURE, translate=False))


def _signature_rows(reader):
    """A row of one segment's signature column by docnum, each with one read
    (:func:`search.scoring.segments.value_reads`; kept with the segment)."""
    return kept(reader, "signature rows", lambda: value_reads(_signature_column(reader)))


def _segment_signatures(reader):
    """Every signature of one segment, as an array (kept with the segment)."""

    def read():
        raw = fixed_bytes_column(reader, SIGNATURE)
        if raw is None:  # another codec: one value at a time through Whoosh
            column = _signature_column(reader)
            raw = b"".join(column[docnum] for docnum in range(reader.doc_count_all()))
        return signatures(raw, reader.doc_count_all())

    return kept(reader, "signatures", read)
