"""The analyzer every text field and every query goes through."""

from __future__ import annotations

from itertools import chain

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
        """Each term of ``text`` with its word positions; stopwords keep their position.

        The answer is shared, not copied: callers only read it. The one text asked for last
        is answered again from memory, as the combined field and the forward index
        (indexer/forward.py) ask for the same article text one after the other.
        """
        if text is _LAST_ANALYSED[0]:
            return _LAST_ANALYSED[1]
        found: dict[str, list[int]] = {}
        known = found.get
        # Each piece's terms are made once per process; positions count stopwords ("").
        for position, term in enumerate(chain.from_iterable(piece_words(text, TERMS))):
            if term:
                positions = known(term)
                if positions is None:
                    found[term] = [position]
                else:
                    positions.append(position)
        _LAST_ANALYSED[:] = [text, found]
        return found


# The text term_positions answered last (compared by identity) and its answer: in this
# module, not on the analyzer, which is pickled into the index's schema.
_LAST_ANALYSED: list = [None, None]


def persian_analyzer() -> PersianAnalyzer:
    # Pickled into the index schema: it holds no state, the lexicon loads lazily.
    return PersianAnalyzer()
