"""How khabar scores a term: In_expB2 (:mod:`search.scoring.formula`) as a Whoosh weighting model.

Whoosh asks the segment for a document's field length at every posting it
scores: a seek and a one-byte read each, a third of a query's time on a
9k-article index. The scorer takes lengths from the column read whole once
per segment instead (:func:`search.scoring.segments.field_lengths`), and the
per-document length norms and index-wide term statistics are worked out once
too, for every scorer to share.
"""

from __future__ import annotations

from whoosh.scoring import WeightingModel, WeightLengthScorer, WeightScorer

from khabar.search.scoring.formula import dfr_gain, in_exp_b2, length_norm
from khabar.search.scoring.segments import field_lengths, kept, term_info

_STATS_KEPT = 100_000


def term_gain(searcher, fieldname: str, text: str) -> float:
    """In_expB2's per-term factor, from collection statistics (not one segment's)."""
    holding, total = term_stats(searcher, fieldname, text)
    return dfr_gain(searcher.get_parent().doc_count_all(), holding or 1, total or 1)


def term_stats(searcher, fieldname: str, text: str) -> tuple[int, int]:
    """``(articles holding the term, its occurrences)`` in the whole index.

    One dictionary lookup per segment, remembered for the searcher's life (an
    open searcher's index does not change): Whoosh's ``doc_frequency`` and
    ``frequency`` look the term up in every segment each, and a search with
    feedback asks for ~50 terms (70 ms on a 20-segment index).
    """
    parent = searcher.get_parent()
    cache = kept(parent, "term stats", dict)
    key = (fieldname, text)
    if key not in cache:
        if len(cache) >= _STATS_KEPT:  # a long-lived process: forget, rather than grow without end
            cache.clear()
        holding = total = 0
        for subsearcher, _ in parent.leaf_searchers():
            info = term_info(subsearcher.reader(), fieldname, text)
            if info is None:
                continue
            holding += info.doc_frequency()
            total += info.weight()
        cache[key] = (holding, int(total))
    return cache[key]


def average_length(searcher, fieldname: str) -> float | None:
    """``searcher.avg_field_length(fieldname)``, kept on the searcher: Whoosh sums every
    segment's total each time, and a search asks for it per segment and per clause
    (~60 times a query on an 18-segment index)."""
    return kept(searcher, ("average length", fieldname), lambda: searcher.avg_field_length(fieldname))


def length_norms(searcher, reader, fieldname: str) -> list[float] | None:
    """Per document of a segment, its :func:`length_norm` (kept on the reader);
    None when the segment's lengths cannot be read whole."""
    lengths = field_lengths(reader, fieldname)
    if lengths is None:
        return None
    average = average_length(searcher, fieldname) or 1  # the collection's, not the segment's

    def norms() -> list[float]:
        # A length is stored as one byte: each of its few hundred values is worked out once.
        norm_of = {length: length_norm(length, average) for length in set(lengths)}
        return [norm_of[length] for length in lengths]

    return kept(reader, ("norms", fieldname, average), norms)


class InExpB2Scorer(WeightLengthScorer):
    def __init__(self, searcher, fieldname: str, text: str) -> None:
        self.gain = term_gain(searcher, fieldname, text)
        self.average = average_length(searcher.get_parent(), fieldname) or 1  # the collection's, not the segment's
        self.setup(searcher, fieldname, text)  # also the block-skipping bound, from _score
        lengths = field_lengths(searcher.reader(), fieldname)
        if lengths is not None:  # else Whoosh's lookup per document
            self.dfl = lambda docnum: lengths[docnum] or 1

    def _score(self, weight: float, length: int) -> float:
        return in_exp_b2(self.gain, weight, length_norm(length, self.average))


class KhabarInExpB2(WeightingModel):
    """DFR In_expB2 as a Whoosh weighting model, scoring from :func:`field_lengths`."""

    def supports_block_quality(self) -> bool:
        return True

    def scorer(self, searcher, fieldname: str, text: str, qf: int = 1):
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        return InExpB2Scorer(searcher, fieldname, text)


def weighting() -> WeightingModel:
    return KhabarInExpB2()
