"""How khabar scores a term: In_expB2 (:mod:`search.scoring.formula`), with field lengths read once per segment.

Whoosh asks the segment for a document's field length at every posting it
scores: a seek and a one-byte read each, a third of a query's time on a
9k-article index. The lengths column is one byte per document, so it is
read whole the first time a segment is scored and kept on the segment reader.
"""

from __future__ import annotations

from whoosh.reading import TermNotFound
from whoosh.scoring import WeightingModel, WeightLengthScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

from khabar.search.scoring.formula import dfr_gain, in_exp_b2, length_norm

_STATS_KEPT = 100_000

_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def field_lengths(reader, fieldname: str) -> list[int] | None:
    """Every document's length of ``fieldname`` in one segment, or None if unavailable."""
    cache = reader.__dict__.setdefault("_khabar_lengths", {})
    if fieldname in cache:
        return cache[fieldname]
    lengths = None
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        if not reader._perdoc.has_column(_lenfield(fieldname)):  # no document of the segment has the field
            cache[fieldname] = [0] * reader.doc_count_all()
            return cache[fieldname]
        column = reader._perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)  # one byte per document
        lengths = [_BYTE_TO_LENGTH[b] for b in raw] + [0] * (reader.doc_count_all() - len(raw))
    except (AttributeError, KeyError, TypeError):
        lengths = None  # another codec: keep Whoosh's per-document lookups
    cache[fieldname] = lengths
    return lengths


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
    cache = parent.__dict__.setdefault("_khabar_term_stats", {})
    key = (fieldname, text)
    if key not in cache:
        if len(cache) >= _STATS_KEPT:  # a long-lived process: forget, rather than grow without end
            cache.clear()
        holding = total = 0
        for subsearcher, _ in parent.leaf_searchers():
            try:
                info = subsearcher.reader().term_info(fieldname, text)
            except TermNotFound:
                continue
            holding += info.doc_frequency()
            total += info.weight()
        cache[key] = (holding, int(total))
    return cache[key]


def length_norms(searcher, reader, fieldname: str) -> list[float] | None:
    """Per document of a segment, its :func:`length_norm` (kept on the reader);
    None when the segment's lengths cannot be read in bulk (another codec)."""
    lengths = field_lengths(reader, fieldname)
    if lengths is None:
        return None
    average = searcher.avg_field_length(fieldname) or 1  # the collection's, not the segment's
    cache = reader.__dict__.setdefault("_khabar_norms", {})
    key = (fieldname, average)
    if key not in cache:
        cache[key] = [length_norm(length, average) for length in lengths]
    return cache[key]


class InExpB2Scorer(WeightLengthScorer):
    def __init__(self, searcher, fieldname: str, text: str) -> None:
        self.gain = term_gain(searcher, fieldname, text)
        self.average = searcher.get_parent().avg_field_length(fieldname) or 1  # the collection's, not the segment's
        self.setup(searcher, fieldname, text)  # also the block-skipping bound, from _score
        lengths = field_lengths(searcher.reader(), fieldname)
        if lengths is not None:
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
