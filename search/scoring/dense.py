"""Scoring long posting lists with numpy arrays.

On a large archive a query of common words touches hundreds of thousands of
postings, and a phrase of common words tens of thousands of candidate
articles; :mod:`search.scoring.sparse` spends a Python step on each. Here each
segment is scored with whole-array operations: term scores added into a
dense array per segment, Jalali ranges and exclusions as masks, and a
phrase found by intersecting (article, position) codes of its words. The
arithmetic is the same, in the same order, so scores equal the per-posting
path's to the last bit (``tests/test_fastpath.py`` checks both against
Whoosh). numpy is imported only when a query is long enough to need it: it
costs ~0.15 s to import, more than a short query takes.
"""

from __future__ import annotations

import sys

from khabar.search.query.dates import day_bounds
from khabar.search.scoring.formula import in_exp_b2
from khabar.search.scoring.plan import FastQuery, term_key
from khabar.search.scoring.postings import postings_of, read_everywhere
from khabar.search.scoring.segments import jalali_days, kept, live_mask
from khabar.search.scoring.weighting import average_length, length_norms

# Below this many postings (all the query's terms together) the per-posting
# path is faster than importing numpy.
DENSE_MIN_POSTINGS = 50_000
# A phrase (a quoted one, or an excluded one) checks the positions of every
# article holding all its words, ~20 µs each in Python: numpy pays from a
# fifth of that, as the proximity bonus's pair counts do. On the 16x index
# "رئیس جمهور" (40k postings, 40k articles checked) took 213 ms, now 88.
DENSE_PHRASE_SHARE = 5
# Once numpy is loaded its import is paid: grouping matches into stories
# (search.collapse) and the proximity bonus load it on a process's first query.
# From this many postings whole arrays are then the cheaper way.
DENSE_LOADED_MIN_POSTINGS = 5_000


def wanted_for(plan: FastQuery, postings: int) -> bool:
    """Whether a plan with ``postings`` postings (all its terms together) is scored here."""
    phrase = any(len(clause) > 1 for clause in [*plan.clauses, *plan.excluded])
    least = min(DENSE_MIN_POSTINGS, DENSE_LOADED_MIN_POSTINGS) if "numpy" in sys.modules else DENSE_MIN_POSTINGS
    return postings >= (least // DENSE_PHRASE_SHARE if phrase else least)


class DenseScores:
    """Every match's score (``scores``, by ``docs`` ascending) and their ``total``:
    :func:`scored_dense`'s answer, from which any number of best is taken again."""

    def __init__(self, total: int, scores, docs) -> None:
        self.total, self.scores, self.docs = total, scores, docs

    def best(self, wanted: int) -> tuple[int, list]:
        import numpy as np

        best = best_first(np, self.scores, self.docs, wanted)
        return self.total, [(float(self.scores[i]), int(self.docs[i])) for i in best]


def scored_dense(searcher, plan: FastQuery, gains: dict, segments: list,
                 bonus: dict[int, float] | None = None) -> tuple[int, object, object]:
    """``(total, scores, docnums)`` of every match of ``plan``, the bonus added: what
    :func:`search.scoring.sparse.ranked` ranks, for a plan of long lists; ``gains`` by :func:`term_key`."""
    import numpy as np

    for clause in [*plan.clauses, *plan.excluded]:
        for term, _ in clause:
            read_everywhere(searcher, term)  # every segment's list at once, if long
    total = 0
    found_scores, found_docs = [], []
    for subsearcher, offset in segments:
        reader = subsearcher.reader()
        count = reader.doc_count_all()
        postings = postings_of(reader)
        keep = _kept(np, reader, postings, plan)
        scores = np.zeros(count)
        matched = np.zeros(count, dtype=bool)
        for clause in plan.clauses:
            matched[_add_clause(np, scores, searcher, reader, postings, clause, gains, keep)] = True
        docnums = np.flatnonzero(matched)
        total += len(docnums)
        found_scores.append(scores[docnums])
        found_docs.append(docnums + offset)
    all_scores, all_docs = np.concatenate(found_scores), np.concatenate(found_docs)  # docs ascending
    if bonus:
        if hasattr(bonus, "amounts"):  # proximity.ArrayBonus: arrays already
            bonus_docs, amounts = bonus.docnums, bonus.amounts
        else:
            bonus_docs = np.fromiter(bonus.keys(), dtype=np.int64, count=len(bonus))
            amounts = np.fromiter(bonus.values(), dtype=np.float64, count=len(bonus))
        at = np.searchsorted(all_docs, bonus_docs)
        inside = at < len(all_docs)
        inside[inside] = all_docs[at[inside]] == bonus_docs[inside]
        all_scores[at[inside]] += amounts[inside]
    return total, all_scores, all_docs


def best_first(np, scores, docs, wanted: int):
    """The places of the best ``wanted`` of ``scores``, best first, then lowest docnum:
    exactly a full sort's first ``wanted``, without sorting every match (a common word
    at 1M articles matches half a million)."""
    if 0 < wanted < len(scores):
        # Every score at least the wanted-th largest, ties with it included, is a candidate.
        floor = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
        candidates = np.flatnonzero(scores >= floor)
        return candidates[np.lexsort((docs[candidates], -scores[candidates]))[:wanted]]
    return np.lexsort((docs, -scores))[:wanted]


def matched_dense(searcher, plan: FastQuery) -> list[tuple[object, list[int]]]:
    """Each segment's reader with its documents matching ``plan`` (ascending): the
    documents :func:`scored_dense` counts as its total, found without scoring them."""
    import numpy as np

    found = []
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        postings = postings_of(reader)
        keep = _kept(np, reader, postings, plan)
        matched = np.zeros(reader.doc_count_all(), dtype=bool)
        for clause in plan.clauses:
            matched[_clause_docs(np, postings, clause, keep)[1]] = True
        found.append((reader, np.flatnonzero(matched).tolist()))
    return found


def _kept(np, reader, postings, plan: FastQuery):
    """The segment's documents the plan may match: live, inside its Jalali range, holding no excluded clause."""
    keep = np.ones(reader.doc_count_all(), dtype=bool)
    if plan.day_range is not None:
        days = np.frombuffer(jalali_days(reader), dtype=np.uint32)
        low, high = day_bounds(plan.day_range)
        keep &= (days >= low) & (days <= high)
    if reader.has_deletions():
        keep &= live_mask(reader)
    for clause in plan.excluded:
        keep[_clause_docs(np, postings, clause, keep)[1]] = False
    return keep


def _add_clause(np, scores, searcher, reader, postings, clause, gains: dict, keep):
    """Add a word's or a phrase's score to the kept documents matching it; returns those documents."""
    norms = _array_norms(np, searcher, reader, clause[0][0].fieldname)
    lists, docs = _clause_docs(np, postings, clause, keep)
    for (term, _), found in zip(clause, lists):
        ids = np.frombuffer(found.ids, dtype=np.uint32)
        tfs = np.frombuffer(found.tfs, dtype=np.float32)
        # Every document of the list kept (a word, no deletions or range): its frequencies as they are.
        tfs = (tfs if len(docs) == len(ids) else tfs[np.searchsorted(ids, docs)]).astype(np.float64)
        scores[docs] += in_exp_b2(gains[term_key(term)], tfs, norms[docs])
    return docs


def _clause_docs(np, postings, clause, keep) -> tuple[list, object]:
    """The clause's posting lists, and the kept documents of the segment matching it."""
    lists = [postings.whole(term) for term, _ in clause]
    return lists, _phrase_docs(np, lists, [offset for _, offset in clause], keep)


def _array_norms(np, searcher, reader, fieldname: str):
    average = average_length(searcher, fieldname)
    return kept(reader, ("array norms", fieldname, average),
                lambda: np.asarray(length_norms(searcher, reader, fieldname)))


def index_norms(np, searcher, fieldname: str):
    """Every document's length norm in the whole index, by index-wide docnum (kept on the searcher)."""
    average = average_length(searcher, fieldname)
    return kept(searcher, ("index norms", fieldname, average), lambda: np.concatenate(
        [_array_norms(np, searcher, subsearcher.reader(), fieldname) for subsearcher, _ in searcher.leaf_searchers()]))


def _phrase_docs(np, lists: list, offsets: list[int], keep) -> object:
    """The segment's kept documents where the words stand at their offsets (one word: its documents)."""
    docs = np.frombuffer(lists[0].ids, dtype=np.uint32).astype(np.int64)
    for found in lists[1:]:
        docs = sorted_common(np, docs, np.frombuffer(found.ids, dtype=np.uint32))
    docs = docs[keep[docs]]  # deleted documents are not kept
    if len(lists) == 1 or not len(docs):
        return docs
    codes = None
    for found, offset in zip(lists, offsets):
        at = position_codes(np, found, docs, offset)
        codes = at if codes is None else sorted_common(np, codes, at)
    return sorted_distinct(np, codes >> 32)


# From this ratio of lengths on, two lists are intersected by looking the shorter one's
# values up in the longer (numpy's intersect1d sorts both together): a word or phrase
# with a common word at 1M articles (3,000 of 400,000 ids: 0.6 against 7 ms).
LOOKUP_RATIO = 4


def sorted_common(np, a, b):
    """``np.intersect1d(a, b, assume_unique=True)`` as int64, for two ascending arrays of
    distinct values that fit int64 (document numbers, position codes)."""
    short, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) * LOOKUP_RATIO > len(longer):
        return np.intersect1d(a, b, assume_unique=True).astype(np.int64, copy=False)
    if not len(short):
        return np.zeros(0, dtype=np.int64)
    short = short.astype(np.int64, copy=False)
    at = np.searchsorted(longer, short.astype(longer.dtype, copy=False))
    np.minimum(at, len(longer) - 1, out=at)
    return short[longer[at] == short]


def sorted_distinct(np, values):
    """``np.unique`` of an ascending array: each value once. numpy 2's unique hashes the
    values, then sorts them: ~20x slower on the millions of positions of a phrase at 1M."""
    if not len(values):
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def position_codes(np, found, docs, offset: int):
    """``article << 32 | (position - offset)`` for every position of the word
    (a :class:`search.scoring.postings.PostingList` or ``JoinedList``) in ``docs``, ascending."""
    ids = np.frombuffer(found.ids, dtype=np.uint32)
    at = np.searchsorted(ids, docs)
    lengths = np.frombuffer(found.lengths, dtype=np.uint32)[at].astype(np.int64)
    starts = found.array_ends[at] - lengths
    # Each value (indexer/codec.py CompactPositions): a type code byte, then the
    # position deltas in the narrowest of 1, 2 or 4 bytes that holds them.
    data = np.frombuffer(found.blob, dtype=np.uint8)
    widths = np.left_shift(1, data[starts].astype(np.int64))
    counts = (lengths - 1) // widths
    before = np.cumsum(counts) - counts
    deltas = None
    for width, dtype in ((1, "<u1"), (2, "<u2"), (4, "<u4")):
        chosen = np.flatnonzero(widths == width)
        if not len(chosen):
            continue
        wanted = counts[chosen]
        size = wanted * width
        read = np.repeat(starts[chosen] + 1 - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
        if len(chosen) == len(widths):  # every value this wide (most lists): the deltas in order already
            deltas = data[read].view(dtype).astype(np.int64)
            break
        if deltas is None:
            deltas = np.empty(int(counts.sum()), dtype=np.int64)
        slots = np.repeat(before[chosen] - (np.cumsum(wanted) - wanted), wanted) + np.arange(int(wanted.sum()))
        deltas[slots] = data[read].view(dtype)
    if deltas is None:
        deltas = np.empty(0, dtype=np.int64)
    running = np.cumsum(deltas)
    positions = running - np.repeat(running[before] - deltas[before], counts)
    owners = np.repeat(docs, counts)
    if not offset:  # positions are never negative: every one stands
        return (owners << 32) | positions
    valid = positions >= offset
    return (owners[valid] << 32) | (positions[valid] - offset)
