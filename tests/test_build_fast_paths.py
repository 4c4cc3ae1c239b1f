"""A full build's faster ways of making what the index holds give what the plain ways give,
on the bundled corpus's real articles: forward values' page encoding, the signatures'
distinct shingle hashes, and the texts an article's fields share (indexer/persian/pieces.py)."""

from __future__ import annotations

from itertools import chain

import numpy as np
import pytest

from conftest import REPO
from khabar.indexer import duplicates
from khabar.indexer.forward import on_page
from khabar.indexer.persian import pieces
from khabar.indexer.persian.analyzer import PersianAnalyzer
from khabar.indexer.readers import read_file

CORPUS = REPO / "corpus"
# The page as str.translate wrote it before: 0x80-0xFF sent past latin-1, the letters to 0x80 on.
_LETTERS = [chr(code) for code in range(0x0621, 0x0660)] + ["\u067e", "\u0686", "\u0698", "\u06a9", "\u06af", "\u06cc"]
_TRANSLATED = {code: 0x100 for code in range(0x80, 0x100)} | {ord(letter): 0x80 + i for i, letter in enumerate(_LETTERS)}


def translated(text: str) -> bytes | None:
    try:
        return text.translate(_TRANSLATED).encode("latin-1")
    except UnicodeEncodeError:
        return None


def encoded(text: str) -> bytes | None:
    try:
        return on_page(text)
    except UnicodeEncodeError:
        return None


@pytest.fixture(scope="module")
def bodies() -> list[str]:
    found = []
    for path in sorted(CORPUS.rglob("*.txt")):
        for _key, article in read_file(path, path.read_bytes()).articles:
            if not isinstance(article, str) and article.body:
                found.append(article.body)
    assert len(found) > 200, "the bundled corpus holds a few hundred real articles"
    return found


def test_page_encoding_writes_what_translating_to_latin1_wrote(bodies):
    analyzer = PersianAnalyzer()
    on, off = 0, 0
    for body in bodies:
        listed = "\n".join(sorted(analyzer.term_positions(body)))
        assert encoded(listed) == translated(listed)
        on, off = on + (translated(listed) is not None), off + (translated(listed) is None)
    assert on and off, "the corpus has values on the page and values off it"
    # Every character that could be met: latin-1's upper half must fail as before, not pass.
    for code in chain(range(0x300), range(0x600, 0x700), (0xFFFE, 0xFFFF, 0x1F600)):
        assert encoded(chr(code)) == translated(chr(code)), hex(code)


def test_distinct_shingle_hashes_are_what_np_unique_gives(bodies):
    for body in bodies:
        codes = duplicates.word_codes(body)
        if len(codes) < duplicates.SHINGLE_WORDS:
            continue
        hashed = np.array(codes, dtype=np.uint64)
        count = len(codes) - duplicates.SHINGLE_WORDS + 1
        mixed = np.zeros(count, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i, multiplier in enumerate((0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)):
                mixed ^= (hashed[i:i + count] + np.uint64(i + 1)) * np.uint64(multiplier)
        assert np.array_equal(duplicates.shingle_hashes(body), np.unique(mixed))


def test_a_fifth_text_forgets_only_the_oldest(bodies):
    # An article's fields read its combined text, title and keywords, then the combined text
    # again and its body: the texts read last must still be known when another comes.
    texts = bodies[:5]
    for text in texts:
        pieces.piece_words(text, pieces.TERMS)
    remembered = [text in pieces._recent for text in texts]
    assert remembered == [False, True, True, True, True]
