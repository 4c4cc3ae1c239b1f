"""From a word as written to its index term: fold, drop stopwords, stem."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Filter, Token

from .folding import SPELLING_VARIANTS, fold
from .stateless import Stateless
from .stemmer import stem
from .stoplist import STOPWORDS

_CACHE_LIMIT = 1_000_000
_term_cache: dict[str, str] = {}


def index_term(word: str) -> str:
    """The term a written word is indexed under; ``""`` when it is not a term.

    News text repeats a small vocabulary, so results are cached by the word as
    written: after warm-up a token costs one dict lookup.
    """
    term = _term_cache.get(word)
    if term is None:
        folded = fold(word)
        folded = SPELLING_VARIANTS.get(folded, folded)
        term = "" if folded in STOPWORDS else stem(folded)
        if term in STOPWORDS:
            term = ""
        if len(_term_cache) < _CACHE_LIMIT:
            _term_cache[word] = term
    return term


def cached_terms() -> dict[str, str]:
    """The cache behind :func:`index_term` (written word → term), for hot loops to read directly."""
    return _term_cache


class PersianTermFilter(Stateless, Filter):
    """Whoosh filter applying :func:`index_term`.

    Dropped words leave their position empty (no renumbering) so that the
    phrase «وزیر تهران» does not match «وزیر به تهران».
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            term = index_term(token.text)
            if term:
                token.text = term
                yield token
            elif not token.removestops:
                token.stopped = True
                yield token
