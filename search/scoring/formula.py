"""DFR In_expB2, the formula itself: numbers in, a score out, no index.

In_expB2 (Amati & van Rijsbergen's divergence from randomness: inverse
expected document frequency, Bernoulli after-effect, normalisation 2) beat
every BM25 setting tried on the Hamshahri judgments, by 1.6 MAP points over
the best (K1 2.0, Lucene idf; docs/ranking.md). Its one knob is the length
normalisation ``c``: 0.3-0.7 score alike there, 1.0 lower.

Every score khabar gives is made here: Whoosh's scorer
(:mod:`search.scoring.weighting`), the per-posting and numpy scorers
(:mod:`search.scoring.sparse`, :mod:`search.scoring.dense`), the proximity
bonus and feedback. One copy of the arithmetic, done in one order, is what
keeps their scores equal to the last bit.
"""

from __future__ import annotations

from math import log2

DFR_C = 0.5


def dfr_gain(docs: int, n: int, total: int) -> float:
    """``(F + 1) / n · log2((N + 1) / (n_e + 0.5))`` for something found ``total`` (F)
    times in ``n`` of ``docs`` (N) documents, with ``n_e`` the number of documents
    F occurrences thrown at random would land in. A word, or a pair of words
    near each other (:mod:`search.scoring.proximity`)."""
    expected = docs * (1 - ((docs - 1) / docs) ** total) if docs > 1 else 1.0
    return (total + 1) / n * log2((docs + 1) / (expected + 0.5))


def length_norm(length: int, average: float) -> float:
    """Normalisation 2: a term frequency counts ``log2(1 + c · average / length)`` times."""
    return log2(1 + DFR_C * average / (length or 1))


def in_exp_b2(gain, tf, norm):
    """A term's score in a document: its :func:`dfr_gain` ``gain``, its frequency
    ``tf`` there and the document's :func:`length_norm` ``norm``.

    The same code is the array form: given numpy arrays of frequencies and
    norms (and a gain or an array of gains), it scores them element by
    element, with the same operations in the same order as for one number.
    """
    tfn = tf * norm
    return gain * tfn / (tfn + 1)
