"""A forward index: each article's index terms with their counts, in a column.

Blind relevance feedback (search/scoring/feedback.py) and ``similar`` need an
article's terms and how often it uses each. Analysing its stored text again
cost ~0.5 ms an article (5 ms of every query), and feedback's rerank read
the posting blocks (positions and all) of ten common words to find their
counts in 300 articles, a cost that grows with the index. Here they are
worked out once, when the article is written, from the text of the combined
field (``all``) with that field's analyzer: the counts are its term
frequencies exactly.

A value is one zlib-compressed byte string per article: a flag byte, the
distinct terms sorted, each between newlines, a NUL, the counts' width in
bytes and the counts (little-endian), one per term in the same order, then
the counts of the keywords' own terms (feedback leaves keywords out). Persian
terms are written one byte a letter (:data:`_PAGE_ENCODING`; UTF-8 would take two),
a fifth less once compressed: on the 1x news set the column is 5.8 MB for
36.5 MB of text (0.16x). Terms with any other letter than those of the page
make the whole value UTF-8.

Whoosh copies a column's values with their documents when segments merge,
so the values follow the articles through incremental runs and deletions.
"""

from __future__ import annotations

import codecs
import sys
import zlib
from array import array
from collections.abc import Iterable

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN

# Arabic letters U+0621-U+065F, then the letters Persian adds: one byte each, from 0x80.
_LETTERS = [chr(code) for code in range(0x0621, 0x0660)] + ["\u067e", "\u0686", "\u0698", "\u06a9", "\u06af", "\u06cc"]
_FROM_PAGE = {0x80 + i: ord(letter) for i, letter in enumerate(_LETTERS)}
# The page read back as a charmap (a character per byte): one C pass, where
# ``str.translate`` with the dict above took ~30x as long (~110 µs an article).
_PAGE_DECODING = "".join(chr(_FROM_PAGE.get(code, code)) for code in range(256))
# And written as one (``codecs.charmap_encode``, ~8 µs an article where ``str.translate``
# then latin-1 took ~120–160): ASCII and the page's letters only. Any other character
# maps to nothing (U+FFFE) and fails, so that its value falls back to UTF-8: 0x80-0xFF
# as written too, which would read back as page letters.
_PAGE_ENCODING = codecs.charmap_build("".join(
    chr(code) if code < 0x80 else chr(_FROM_PAGE[code]) if code in _FROM_PAGE else "\ufffe" for code in range(256)))
_ON_PAGE, _UTF8 = b"P", b"U"
_WIDTHS = {1: "B", 2: "H", 4: "I"}


class ForwardField(COLUMN):
    """A column of each article's terms and counts (:func:`encode`), worked out
    with ``analyzer`` (the ``all`` field's) from the ``(text, keywords)`` given
    for it: the combined field's text and the part of it its keywords are."""

    def __init__(self, analyzer) -> None:
        super().__init__(VarBytesColumn())
        self.analyzer = analyzer

    def to_column_value(self, value) -> bytes:
        if isinstance(value, bytes):
            return value  # already encoded (Whoosh copying a column)
        text, keywords = value
        return encode(term_counts(self.analyzer, text), term_counts(self.analyzer, keywords))


def term_counts(analyzer, text: str) -> dict[str, int]:
    """How often each index term occurs in ``text``: what the text field's
    postings hold as term frequencies (indexer.codec.CompactPositions)."""
    if not text:
        return {}
    found = analyzer.term_positions(text)
    return dict(zip(found, map(len, found.values())))  # C loops: ~300 terms an article


def encode(counts: dict[str, int], keyword_counts: dict[str, int]) -> bytes:
    """A column value: ``counts`` (term → count, each at least 1) and the part of
    them that ``keyword_counts`` are (rare: written plainly, after); b"" when empty."""
    if not counts:
        return b""
    terms = sorted(counts)
    listed = "\n".join(terms)
    if "\0" in listed or "\t" in listed or listed.count("\n") != len(terms) - 1:
        raise ValueError("an index term holds a newline, tab or NUL")
    try:
        flag, written = _ON_PAGE, on_page(listed)
    except UnicodeEncodeError:
        flag, written = _UTF8, listed.encode("utf-8")
    largest = max(counts.values())
    width = 1 if largest < 1 << 8 else 2 if largest < 1 << 16 else 4
    numbers = array(_WIDTHS[width], map(counts.__getitem__, terms))
    if sys.byteorder == "big":
        numbers.byteswap()
    keywords = "\n".join(f"{term}\t{count}" for term, count in sorted(keyword_counts.items())).encode("utf-8")
    return zlib.compress(b"".join((flag, b"\n", written, b"\n\0", bytes((width,)), numbers.tobytes(), keywords)))


def on_page(text: str) -> bytes:
    """``text`` one byte a letter (:data:`_PAGE_ENCODING`); UnicodeEncodeError when a character is off the page."""
    return codecs.charmap_encode(text, "strict", _PAGE_ENCODING)[0]


def decode(value: bytes) -> tuple[dict[str, int], dict[str, int]]:
    """A column value back as its two maps of term → count: the whole text's, and its keywords'."""
    if not value:
        return {}, {}
    raw = zlib.decompress(value)
    end = raw.index(b"\0")
    written = raw[2 : end - 1]
    listed = codecs.charmap_decode(written, "strict", _PAGE_DECODING)[0] if raw[:1] == _ON_PAGE else written.decode("utf-8")
    terms = listed.split("\n")
    width = raw[end + 1]
    numbers = array(_WIDTHS[width])
    numbers.frombytes(raw[end + 2 : end + 2 + len(terms) * width])
    if sys.byteorder == "big":
        numbers.byteswap()
    keywords = {}
    for line in raw[end + 2 + len(terms) * width :].decode("utf-8").splitlines():
        term, count = line.split("\t")
        keywords[term] = int(count)
    return dict(zip(terms, numbers)), keywords


class Needles:
    """A few terms looked up in many values (:meth:`counts`), each encoded once."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = list(terms)
        written_on_page = []
        for term in self.terms:
            try:
                written_on_page.append(b"\n" + on_page(term) + b"\n")
            except UnicodeEncodeError:
                written_on_page.append(None)  # off the page: no value written on it holds the term
        # Each term as it stands in a value's list, between the newlines that end its neighbours.
        self._written = {_UTF8: [b"\n" + term.encode("utf-8") + b"\n" for term in self.terms], _ON_PAGE: written_on_page}

    def counts(self, value: bytes) -> list[int]:
        """How often each of the terms occurs in the article of ``value`` (0 where absent)."""
        if not value:
            return [0] * len(self.terms)
        raw = zlib.decompress(value)
        end = raw.index(b"\0")
        width = raw[end + 1]
        found = []
        # The list (flag, newline, terms each ending in a newline, NUL) is searched in C for
        # each term between newlines; its place in the list is the newlines before it.
        # Splitting the list into its ~200 terms cost as much as decompressing it.
        for term in self._written[raw[:1]]:
            at = -1 if term is None else raw.find(term, 1, end)
            if at < 0:
                found.append(0)
            else:
                place = end + 2 + raw.count(b"\n", 0, at) * width
                found.append(raw[place] if width == 1 else int.from_bytes(raw[place : place + width], "little"))
        return found
