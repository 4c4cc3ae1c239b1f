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
from operator import itemgetter

from .folding import fold, written_form
from .terms import index_term
from .tokenizer import WORD_PATTERN, WRITTEN_WORD

# A folded word of a signature: letters and digits, split at punctuation and ZWNJ.
FOLDED_WORD = re.compile(r"[^\W_]+")


def folded_words(text: str) -> list[str]:
    """The folded words of ``text``: what signatures shingle, and what :func:`indexer.duplicates.same_story` compares."""
    return FOLDED_WORD.findall(fold(text))


def word_code(word: str) -> int:
    """A folded word's code: crc32, stable across processes (``hash`` is not)."""
    return zlib.crc32(word.encode())


def _terms(piece: str) -> tuple[str, ...]:
    return tuple(index_term(word) for word in WORD_PATTERN.findall(piece))


def _forms(piece: str) -> tuple[str, ...]:
    forms = (written_form(word) for word in WRITTEN_WORD.findall(piece))
    return tuple(form for form in forms if form)


def _codes(piece: str) -> tuple[int, ...]:
    return tuple(word_code(word) for word in folded_words(piece))


# The readings of a piece, by their index in a cached entry: each is made when first
# asked for (a search's feedback reads only terms; indexing reads all three).
TERMS, FORMS, CODES = 0, 1, 2
_MAKERS = (_terms, _forms, _codes)
_READERS = tuple(map(itemgetter, (TERMS, FORMS, CODES)))

_CACHED_MAX = 300_000  # distinct pieces kept per process; cleared when full
_pieces: dict[str, list] = {}  # piece → [terms, forms, codes], None where not yet made
_RECENT_MAX = 4  # texts whose pieces are kept: an article's text is read by more than one field
_recent: dict[str, tuple[list[str], list[list]]] = {}


def _entries(text: str) -> tuple[list[str], list[list]]:
    """``text``'s white-space pieces and their cache entries."""
    known = _recent.get(text) or _end_of_recent(text)
    if known is not None:
        return known
    cache = _pieces
    pieces = text.split()
    entries = list(map(cache.get, pieces))  # one lookup a piece: most were seen before
    if None in entries:
        for i, entry in enumerate(entries):
            if entry is None:
                entry = cache.get(pieces[i])  # a piece twice in a text gets one entry
                if entry is None:
                    if len(cache) >= _CACHED_MAX:
                        cache.clear()
                    entry = cache[pieces[i]] = [None, None, None]
                entries[i] = entry
    if len(_recent) >= _RECENT_MAX:
        # The oldest text goes, not all of them: an article's fields read its combined text,
        # title and keywords, then the combined text again (spelling) and its body (signature),
        # and clearing when full dropped the combined text every other article: split twice more.
        del _recent[next(iter(_recent))]
    _recent[text] = pieces, entries
    return pieces, entries


def _end_of_recent(text: str) -> tuple[list[str], list[list]] | None:
    """``text``'s pieces and entries when it ends a text read just before, at white space
    (an article's body ends its combined text, read first): taken from that text's, not split again."""
    for whole, (pieces, entries) in _recent.items():
        if len(whole) > len(text) > 0 and whole.endswith(text):
            head = whole[: len(whole) - len(text)]
            if head[-1].isspace() or text[0].isspace():  # no piece crosses the join
                skip = len(head.split())
                return pieces[skip:], entries[skip:]
    return None


def piece_words(text: str, reading: int) -> list[tuple]:
    """One reading (:data:`TERMS`, :data:`FORMS` or :data:`CODES`) of each
    white-space piece of ``text``, in order: a tuple of its words' terms ("" for a
    stopword, which keeps its position), written forms (empty ones left out) or codes."""
    pieces, entries = _entries(text)
    found = list(map(_READERS[reading], entries))  # no Python code per piece
    if None in found:
        make = _MAKERS[reading]
        for i, made in enumerate(found):
            if made is None:
                made = entries[i][reading]  # made for the same piece earlier in this text
                if made is None:
                    made = entries[i][reading] = make(pieces[i])
                found[i] = made
    return found
