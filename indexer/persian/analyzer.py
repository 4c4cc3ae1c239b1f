"""The analyzer every text field and every query goes through."""

from __future__ import annotations

from whoosh.analysis.analyzers import CompositeAnalyzer

from .terms import PersianTermFilter
from .tokenizer import PersianTokenizer


def persian_analyzer() -> CompositeAnalyzer:
    # Pickled into the index schema: it holds no state, the lexicon loads lazily.
    return PersianTokenizer() | PersianTermFilter()
