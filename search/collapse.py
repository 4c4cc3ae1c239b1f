"""Each story once: a search's matches grouped into stories by their near-duplicate signatures.

The same story republished by another agency, or kept under a second URL
after an edited headline, matches a query as often as it is held. Every
match's MinHash signature is in the index (:mod:`indexer.duplicates`, a
column read whole per segment and kept with it), so grouping all the matches
of a search is one LSH pass over their signatures in numpy; the few pairs it
proposes are decided on their text (:func:`indexer.duplicates.same_story`),
once per searcher (a ``--stdin`` run or ``serve`` asks again for free), and
joined transitively. Only matches are grouped: a copy that the query or the
date range leaves out is not shown, as without collapsing.
"""

from __future__ import annotations

from collections.abc import Sequence

from khabar.indexer.duplicates import PERMUTATIONS, candidate_pairs, same_story, signatures
from khabar.indexer.schema import BODY, SIGNATURE, TITLE
from khabar.search.scoring.segments import fixed_bytes_column, kept


def stories(searcher, docnums: Sequence[int]) -> list[list[int]]:
    """``docnums`` (best first) as stories: lists of docnums, each best first,
    the stories in the order of their best member."""
    if len(docnums) < 2 or SIGNATURE not in searcher.schema:
        return [[docnum] for docnum in docnums]
    sigs = _signatures_of(searcher, docnums)
    verdicts = kept(searcher, "same story", dict)  # (docnum, docnum) → bool, for the searcher's life
    texts: dict[int, tuple[str, str]] = {}

    def text(docnum: int) -> tuple[str, str]:
        if docnum not in texts:
            stored = searcher.stored_fields(docnum)
            texts[docnum] = (stored.get(TITLE) or "", stored.get(BODY) or "")
        return texts[docnum]

    parent = list(range(len(docnums)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, estimated in candidate_pairs(sigs):  # the most alike first
        first, second = root(i), root(j)
        if first == second:
            continue  # already one story through others: its text need not be read
        # Signatures alike in every value are copies word for word (or nearly):
        # joined without reading their text. The others are decided on it.
        if estimated < 1.0:
            key = (docnums[i], docnums[j]) if docnums[i] < docnums[j] else (docnums[j], docnums[i])
            if key not in verdicts:
                verdicts[key] = same_story(text(key[0]), text(key[1]))
            if not verdicts[key]:
                continue
        parent[max(first, second)] = min(first, second)  # the better-ranked root: stories keep rank order
    groups: dict[int, list[int]] = {}
    for i, docnum in enumerate(docnums):
        groups.setdefault(root(i), []).append(docnum)
    return list(groups.values())  # dicts keep insertion order: by each story's best member


def _signatures_of(searcher, docnums: Sequence[int]):
    """The signatures of ``docnums`` (global document numbers), one row each."""
    import numpy as np

    wanted = np.asarray(docnums, dtype=np.int64)
    rows = np.zeros((len(wanted), PERMUTATIONS), dtype=">u4")
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        count = reader.doc_count_all()
        inside = np.flatnonzero((wanted >= offset) & (wanted < offset + count))
        if len(inside):
            rows[inside] = _segment_signatures(reader)[wanted[inside] - offset]
    return rows


def _segment_signatures(reader):
    """Every signature of one segment, as an array (kept with the segment)."""

    def read():
        raw = fixed_bytes_column(reader, SIGNATURE)
        if raw is None:  # another codec: one value at a time through Whoosh
            column = reader.column_reader(SIGNATURE)
            raw = b"".join(column[docnum] for docnum in range(reader.doc_count_all()))
        return signatures(raw, reader.doc_count_all())

    return kept(reader, "signatures", read)
