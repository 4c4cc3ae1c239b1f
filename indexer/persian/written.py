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

import re
from collections.abc import Iterator

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Existence

from .folding import FOLD_TABLE
from .stateless import Stateless
from .tokenizer import WORD_MARKS

ZWNJ = "\u200c"
# Letters folded for index terms that a reader sees as spelled differently.
_KEPT_AS_WRITTEN = "آأإؤئةۀ"
WRITTEN_TABLE = {
    code: value for code, value in FOLD_TABLE.items()
    if chr(code) not in _KEPT_AS_WRITTEN and not chr(code).isdigit()
}
# A word: letters and in-word marks, ZWNJ only between letters; no digits.
_LETTER = rf"(?:[^\W\d_]|[{WORD_MARKS}])"
WRITTEN_WORD = re.compile(rf"{_LETTER}+(?:{ZWNJ}{_LETTER}+)*")


def written_form(word: str) -> str:
    """The vocabulary form of a word as typed or written (see the module docstring)."""
    return word.translate(WRITTEN_TABLE).lower()


_CACHE_LIMIT = 1_000_000
_form_cache: dict[str, str] = {}


def written_words(text: str) -> set[str]:
    """The distinct vocabulary forms of ``text``.

    Forms are cached by the word as written, as index terms are
    (:func:`indexer.persian.terms.index_term`): a word costs a dict lookup.
    """
    cache = _form_cache
    forms = set()
    for word in set(WRITTEN_WORD.findall(text)):
        form = cache.get(word)
        if form is None:
            form = written_form(word)
            if len(cache) < _CACHE_LIMIT:
                cache[word] = form
        forms.add(form)
    forms.discard("")
    return forms


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
        return ((word, 1, boost, b"") for word in written_words(value))
