"""The analyzer every text field and every query goes through."""

from __future__ import annotations

from whoosh.analysis.analyzers import CompositeAnalyzer

from .pieces import TERMS, piece_words
from .terms import PersianTermFilter
from .tokenizer import PersianTokenizer


class PersianAnalyzer(CompositeAnalyzer):
    """Tokenizer then term filter, as Whoosh components (queries, highlighting).

    Indexing asks only for each term's positions: :meth:`term_positions`
    gives the same answer as the Token pipeline without a Token per word
    (``indexer.codec.CompactPositions`` uses it).
    """

    def __init__(self) -> None:
        super().__init__(PersianTokenizer(), PersianTermFilter())

    def term_positions(self, text: str) -> dict[str, list[int]]:
        """Each term of ``text`` with its word positions; stopwords keep their position."""
        found: dict[str, list[int]] = {}
        position = 0
        for terms in piece_words(text, TERMS):  # each piece's terms made once per process
            for term in terms:
                if term:
                    if term in found:
                        found[term].append(position)
                    else:
                        found[term] = [position]
                position += 1
        return found


def persian_analyzer() -> PersianAnalyzer:
    # Pickled into the index schema: it holds no state, the lexicon loads lazily.
    return PersianAnalyzer()
