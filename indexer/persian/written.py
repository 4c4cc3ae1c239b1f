"""Words as written: the did-you-mean vocabulary's analysis (lightly folded, never stemmed).

The index keeps every word of an article once in the ``spelling`` field
(:mod:`indexer.schema`), so that the field's term table is the corpus's
vocabulary with each form's document frequency (``reader.doc_frequency``);
segments added by incremental runs and merged by Whoosh keep it right.

A form keeps what a reader sees as a different spelling (آ, أ, ئ, ؤ, ة, ۀ
stay as typed, so a suggestion reads «آمریکا», not «امریکا») and folds only
what keyboards write for one another (Arabic ي/ك, harakat, tatweel, joiners,
Latin case). ZWNJ stays inside a form: «می‌شود» is one word as written.
Numbers are not spelling, and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Existence

from .folding import written_form
from .pieces import FORMS, piece_words
from .stateless import Stateless
from .tokenizer import WRITTEN_WORD, ZWNJ

# The pattern and the folding live beside the index terms' (tokenizer.py, folding.py), where
# pieces.py reads them too; the vocabulary's readers keep importing them from here.
__all__ = ["WRITTEN_WORD", "ZWNJ", "WrittenWordSet", "written_analyzer", "written_form", "written_words"]


def written_words(text: str) -> set[str]:
    """The distinct vocabulary forms of ``text`` (each piece's forms made once per process: :mod:`.pieces`)."""
    return set(chain.from_iterable(piece_words(text, FORMS)))


class WrittenTokenizer(Stateless, Tokenizer):
    """Whoosh tokenizer over :data:`WRITTEN_WORD` (for Whoosh's own calls; indexing
    goes through :meth:`WrittenWordSet.word_values`)."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, removestops: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode)
        for position, match in enumerate(WRITTEN_WORD.finditer(value)):
            token.text = match.group()
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = position
            if chars:
                token.startchar, token.endchar = match.span()
            yield token


class WrittenFilter(Stateless, Filter):
    """Tokens to their :func:`written_form`."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = written_form(token.text)
            if token.text:
                yield token


def written_analyzer() -> CompositeAnalyzer:
    return CompositeAnalyzer(WrittenTokenizer(), WrittenFilter())


class WrittenWordSet(Existence):
    """Whoosh's Existence format (a document per posting, no frequency or position),
    listing a text's forms without a Token per word."""

    def word_values(self, value, analyzer, **kwargs):
        boost = self.field_boost
        return ((word, 1, boost, b"") for word in self.forms(value))

    def forms(self, value: str) -> set[str]:
        """The distinct forms of ``value``: its terms in this field (what the segment writer inverts)."""
        return written_words(value)
