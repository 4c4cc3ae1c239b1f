"""One analysis of each white-space piece of a text, for every use indexing makes of its words.

An article's text is read three ways: index terms with positions
(:mod:`.terms`, :data:`.tokenizer.WORD_PATTERN`), the did-you-mean forms
(:mod:`.written`, :data:`.tokenizer.WRITTEN_WORD`) and the folded words of
near-duplicate signatures (:mod:`indexer.duplicates`). No word of any of the
three holds white space, so a text's words are its white-space pieces' words
one after the other; news repeats its pieces, so each distinct piece is
matched, folded and stemmed once per process (:func:`piece_words`), and an
article costs one ``str.split`` and a dict lookup per piece, shared by the
fields that read the same text.
"""

from __future__ import annotations

import re
import zlib
from typing import NamedTuple

from .folding import fold, written_form
from .terms import index_term
from .tokenizer import WORD_PATTERN, WRITTEN_WORD

# A folded word of a signature: letters and digits, split at punctuation and ZWNJ.
FOLDED_WORD = re.compile(r"[^\W_]+")


class PieceWords(NamedTuple):
    """What each analysis reads in one white-space piece."""

    terms: tuple[str, ...]  # the index term of each tokenizer word, "" for a stopword (it keeps its position)
    forms: tuple[str, ...]  # the written forms (did-you-mean), empty ones left out
    codes: tuple[int, ...]  # a stable 32-bit code of each folded word, in order


def folded_words(text: str) -> list[str]:
    """The folded words of ``text``: what signatures shingle, and what :func:`indexer.duplicates.same_story` compares."""
    return FOLDED_WORD.findall(fold(text))


def word_code(word: str) -> int:
    """A folded word's code: crc32, stable across processes (``hash`` is not)."""
    return zlib.crc32(word.encode())


def _made(piece: str) -> PieceWords:
    forms = (written_form(word) for word in WRITTEN_WORD.findall(piece))
    return PieceWords(tuple(index_term(word) for word in WORD_PATTERN.findall(piece)),
                      tuple(form for form in forms if form),
                      tuple(word_code(word) for word in folded_words(piece)))


_CACHED_MAX = 300_000  # distinct pieces kept per process; cleared when full
_pieces: dict[str, PieceWords] = {}
_RECENT_MAX = 4  # texts whose pieces are kept: an article's text is read by more than one field
_recent: dict[str, list[PieceWords]] = {}


def piece_words(text: str) -> list[PieceWords]:
    """The :class:`PieceWords` of each white-space piece of ``text``, in order."""
    found = _recent.get(text)
    if found is not None:
        return found
    cache = _pieces
    pieces = text.split()
    found = list(map(cache.get, pieces))  # one lookup a piece: most were seen before
    if None in found:
        for i, made in enumerate(found):
            if made is None:
                piece = pieces[i]
                made = cache.get(piece)  # a piece twice in a text is made once
                if made is None:
                    if len(cache) >= _CACHED_MAX:
                        cache.clear()
                    made = cache[piece] = _made(piece)
                found[i] = made
    if len(_recent) >= _RECENT_MAX:
        _recent.clear()
    _recent[text] = found
    return found
