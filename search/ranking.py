"""BM25 as khabar ranks: Lucene's idf, and field lengths read once per segment.

Whoosh's idf, log(N/(n+1)) + 1, under-separates common words (ایران, تهران);
Lucene's log(1 + (N - n + 0.5)/(n + 0.5)) gained 0.8 MAP points on the
Hamshahri judgments, and K1 2.0 beat 1.2 (docs/ranking.md).

Whoosh's BM25F scorer asks the segment for a document's field length at every
posting it scores: a seek and a one-byte read each, a third of a query's time
on a 9k-article index. The lengths column is one byte per document, so it is
read whole the first time a segment is scored and kept on the segment reader.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, BM25FScorer
from whoosh.util.numeric import byte_to_length

BM25_K1 = 2.0
BM25_B = 0.75

_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def field_lengths(reader, fieldname: str) -> list[int] | None:
    """Every document's length of ``fieldname`` in one segment, or None if unavailable."""
    cache = reader.__dict__.setdefault("_khabar_lengths", {})
    if fieldname in cache:
        return cache[fieldname]
    lengths = None
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = reader._perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)  # one byte per document
        lengths = [_BYTE_TO_LENGTH[b] for b in raw] + [0] * (reader.doc_count_all() - len(raw))
    except (AttributeError, KeyError, TypeError):
        lengths = None  # another codec: keep Whoosh's per-document lookups
    cache[fieldname] = lengths
    return lengths


def lucene_idf(searcher, fieldname: str, text: str) -> float:
    parent = searcher.get_parent()  # collection statistics, not one segment's
    n = parent.doc_frequency(fieldname, text)
    return log(1 + (parent.doc_count_all() - n + 0.5) / (n + 0.5))


class KhabarBM25(BM25F):
    """Whoosh's BM25F with Lucene's idf, scoring from :func:`field_lengths`."""

    def scorer(self, searcher, fieldname: str, text: str, qf: int = 1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer):
            scorer.idf = lucene_idf(searcher, fieldname, text)
            info = searcher.term_info(fieldname, text)
            # The block-skipping bound must follow the new idf.
            scorer._maxquality = scorer._score(info.max_weight(), info.min_length())
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lambda docnum: lengths[docnum] or 1
        return scorer


def weighting() -> BM25F:
    return KhabarBM25(B=BM25_B, K1=BM25_K1)
