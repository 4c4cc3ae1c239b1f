"""Articles where the query's words stand close together score more.

A query of several words is mostly noun phrases: «کمبود آب شرب در شهر» asks
about a shortage of drinking water, not about any article that names کمبود,
آب and شهر somewhere. For each word of the query and the word typed after it, an
article earns a bonus for every time the second follows the first within
``PAIR_WINDOW`` positions. The pair is scored like a word of its own: In_expB2
over the pair's own counts (in how many articles, how many times), at
``PAIR_WEIGHT`` of a word's weight. Only articles that already match get it:
the bonus reorders results and never adds one.

On the Hamshahri judgments, alone, it moved MAP / nDCG@10 from 0.845 / 0.915
to 0.852 / 0.924; weights 0.1-0.3 and windows 2-8 score alike, 1.0 loses
(docs/ranking.md).

The pair's weight needs its counts in every article holding both words, so
positions are decoded in all of them. Once a pair's lists are long, that is
numpy over the whole index at once (each word's lists of every segment joined),
the bonus kept as arrays (:class:`ArrayBonus`): at a million articles in ~120
segments a Python step per article, or a few dozen numpy calls per segment,
was most of a query's time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from functools import cached_property

from whoosh.query import AndNot, Not, Phrase, Query, Term
from whoosh.query.spans import SpanQuery

from khabar.indexer.codec import CompactPositions
from khabar.search.scoring.dense import index_norms, position_codes, sorted_common, sorted_distinct
from khabar.search.scoring.formula import dfr_gain, in_exp_b2
from khabar.search.scoring.postings import JoinedList, SegmentPostings, joined_list, postings_of, search_memo
from khabar.search.scoring.segments import live_mask
from khabar.search.scoring.weighting import length_norms, term_stats

PAIR_WINDOW = 8  # the second word at most this many positions after the first
PAIR_WEIGHT = 0.2
# numpy once the two words' lists hold this many postings index-wide: per
# article, decoding positions in Python costs ~6 µs. On the 1x news set the
# benchmark's 33 pairs (393 to 5,055 postings) took 10 ms a query in Python
# and 4 ms with numpy (thresholds of 100 to 1,000 alike; 2 busy cores).
PAIR_DENSE_MIN_POSTINGS = 300

Pair = tuple[str, str, str]  # field, first word, the word after it


def word_pairs(query: Query, schema) -> list[Pair]:
    """Each plain word of ``query`` with the next plain word, in the order typed.

    Words of quoted phrases (already held together) and excluded words are
    passed over; a pair of words in different fields, or in a field without
    positions, is not a pair. A repeated word counts once (Whoosh's parser
    drops the repeat).
    """
    words: list[Term] = []
    _plain_words(query, words)
    pairs: list[Pair] = []
    for first, second in zip(words, words[1:]):
        if (first.fieldname == second.fieldname and first.text != second.text
                and first.fieldname in schema
                and isinstance(schema[first.fieldname].format, CompactPositions)):
            pair = (first.fieldname, first.text, second.text)
            if pair not in pairs:
                pairs.append(pair)
    return pairs


def _plain_words(query: Query, words: list[Term]) -> None:
    if isinstance(query, AndNot):
        _plain_words(query.a, words)
    elif type(query) is Term:
        if isinstance(query.text, str):
            words.append(query)
    elif not isinstance(query, (Not, Phrase, SpanQuery)):
        for child in query.children():
            _plain_words(child, words)


def pair_bonus(searcher, pairs: list[Pair]) -> Mapping[int, float]:
    """Each article's bonus (by index-wide docnum) for the pairs it holds close together.

    Every segment must be readable whole (:func:`search.scoring.segments.searchable_whole`).
    """
    if not pairs:
        return {}
    memo = search_memo(searcher)  # a search that ranks again for more matches: the same bonus
    key = ("pair bonus", tuple(pairs), PAIR_WEIGHT, PAIR_WINDOW)
    if memo is not None and key in memo:
        return memo[key]
    bonus = _pair_bonus(searcher, pairs)
    if memo is not None:
        memo[key] = bonus
    return bonus


def _pair_bonus(searcher, pairs: list[Pair]) -> Mapping[int, float]:
    segments = [(subsearcher.reader(), offset) for subsearcher, offset in searcher.leaf_searchers()]
    documents = searcher.get_parent().doc_count_all()
    if any(term_stats(searcher, fieldname, first)[0] + term_stats(searcher, fieldname, second)[0]
           >= PAIR_DENSE_MIN_POSTINGS for fieldname, first, second in pairs):
        return _array_bonus(searcher, segments, pairs, documents)
    postings = [postings_of(reader) for reader, _ in segments]
    bonus: dict[int, float] = {}
    norms = {(fieldname, offset): length_norms(searcher, reader, fieldname)
             for reader, offset in segments for fieldname, _, _ in pairs}
    for fieldname, first, second in pairs:
        found = [pair_counts(segment, reader, fieldname, first, second)
                 for segment, (reader, _) in zip(postings, segments)]
        holding = sum(len(counts) for counts in found)
        if not holding:
            continue
        gain = PAIR_WEIGHT * dfr_gain(documents, holding, sum(sum(counts.values()) for counts in found))
        for counts, (_, offset) in zip(found, segments):
            segment_norms = norms[fieldname, offset]
            for docnum, count in counts.items():
                key = docnum + offset
                bonus[key] = bonus.get(key, 0.0) + in_exp_b2(gain, count, segment_norms[docnum])
    return bonus


class ArrayBonus(Mapping):
    """:func:`pair_bonus`'s answer as numpy arrays: ``docnums`` (index-wide,
    ascending) and their ``amounts``; read as a dict by callers that want one (made
    when first asked)."""

    def __init__(self, docnums, amounts) -> None:
        self.docnums, self.amounts = docnums, amounts

    @cached_property
    def _by_docnum(self) -> dict[int, float]:
        return dict(zip(self.docnums.tolist(), self.amounts.tolist()))

    def __getitem__(self, docnum: int) -> float:
        return self._by_docnum[docnum]

    def __iter__(self) -> Iterator[int]:
        return iter(self._by_docnum)

    def __len__(self) -> int:
        return len(self.docnums)


def _array_bonus(searcher, segments: list, pairs: list[Pair], documents: int) -> ArrayBonus:
    """:func:`pair_bonus` with numpy over the whole index at once: each word's lists of
    every segment joined (docnums made index-wide), each pair counted in one go. The
    same counts, and the same arithmetic in the same order (a pair's score per
    article, added to the pairs before it in the order typed), as the dict path."""
    import numpy as np

    joined: dict[tuple[str, str], JoinedList] = {}

    def whole(fieldname: str, word: str) -> JoinedList:
        if (fieldname, word) not in joined:
            joined[fieldname, word] = joined_list(np, searcher, Term(fieldname, word))
        return joined[fieldname, word]

    live = _live_docs(np, searcher, segments)
    found_docs, found_values = [], []
    for fieldname, first, second in pairs:
        docs, counts = pair_count_arrays(np, whole(fieldname, first), whole(fieldname, second), live)
        if not len(docs):
            continue
        gain = PAIR_WEIGHT * dfr_gain(documents, len(docs), int(counts.sum()))
        norms = index_norms(np, searcher, fieldname)
        found_docs.append(docs)
        found_values.append(in_exp_b2(gain, counts.astype(np.float64), norms[docs]))
    if not found_docs:
        return ArrayBonus(np.zeros(0, dtype=np.int64), np.zeros(0))
    every = (found_docs[0] if len(found_docs) == 1  # each ascending: a stable sort merges their runs
             else sorted_distinct(np, np.sort(np.concatenate(found_docs), kind="stable")))
    values = np.zeros(len(every))
    for docs, pair_values in zip(found_docs, found_values):  # 0.0 + the first pair's: that value exactly
        values[np.searchsorted(every, docs)] += pair_values
    return ArrayBonus(every, values)


def _live_docs(np, searcher, segments: list):
    """False for the index's deleted documents (index-wide docnums); None when there are none."""
    if not any(reader.has_deletions() for reader, _ in segments):
        return None
    return np.concatenate([live_mask(reader) if reader.has_deletions() else np.ones(reader.doc_count_all(), dtype=bool)
                           for reader, _ in segments])


def pair_count_arrays(np, lead, follow, live=None):
    """``(docnums, counts)``: the articles where ``follow``'s word comes within the window
    after ``lead``'s, ascending, and how many times; of the lists'
    (:class:`search.scoring.postings.PostingList` or :class:`JoinedList`) articles, those
    ``live`` (a mask by docnum, None: all)."""
    docs = sorted_common(np, np.frombuffer(lead.ids, dtype=np.uint32), np.frombuffer(follow.ids, dtype=np.uint32))
    if live is not None:
        docs = docs[live[docs]]
    if not len(docs):
        return docs, docs
    starts = position_codes(np, lead, docs, 0)
    later = position_codes(np, follow, docs, 0)  # ascending: by article, then position
    # A window never crosses into the next article: positions stay far below 2**32.
    near = np.searchsorted(later, starts + PAIR_WINDOW, side="right") - np.searchsorted(later, starts, side="right")
    owners = starts >> 32
    firsts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    totals = np.add.reduceat(near, firsts)
    held = totals > 0
    return owners[firsts][held], totals[held]


def pair_counts(postings: SegmentPostings, reader, fieldname: str, first: str, second: str) -> dict[int, int]:
    """``{docnum: times second follows first within the window}`` for the segment's live
    articles, a posting at a time (short lists; :func:`pair_count_arrays` for long ones)."""
    lead, follow = postings.whole(Term(fieldname, first)), postings.whole(Term(fieldname, second))
    if not len(lead.ids) or not len(follow.ids):
        return {}
    both = set(lead.ids).intersection(follow.ids)
    if reader.has_deletions():
        both -= set(reader.deleted_docs_set)
    counts: dict[int, int] = {}
    for docnum in sorted(both):
        later = follow.positions(docnum)  # ascending
        count = sum(bisect_right(later, start + PAIR_WINDOW) - bisect_right(later, start)
                    for start in lead.positions(docnum))
        if count:
            counts[docnum] = count
    return counts

