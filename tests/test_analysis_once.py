"""One analysis of each white-space piece serves every field (indexer/persian/pieces.py):
on the bundled corpus's real articles, what indexing writes is what each field's own,
plain analysis gives — terms and positions through Whoosh's Token pipeline, written
forms through the spelling analyzer, signature words through folding the whole body."""

from __future__ import annotations

import re
import zlib

import pytest
from whoosh.formats import Existence, Positions

from conftest import REPO
from khabar.indexer.duplicates import word_codes, words
from khabar.indexer.persian.folding import fold
from khabar.indexer.persian.tokenizer import WORD_PATTERN
from khabar.indexer.readers import read_file
from khabar.indexer.schema import ALL, KEYWORDS, SIGNATURE, SPELLING, TITLE, article_fields, build_schema
from khabar.indexer.segment_writer import InvertingSegmentWriter

CORPUS = REPO / "corpus"


def corpus_documents() -> list[dict]:
    """Every bundled article as the index's fields (schema.article_fields)."""
    documents = []
    for path in sorted(CORPUS.rglob("*.txt")):
        for key, article in read_file(path, path.read_bytes()).articles:
            if not isinstance(article, str):
                documents.append(article_fields(f"{path.name}{key}", article, path=str(path), digest="", stamp=""))
    return documents


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    found = corpus_documents()
    assert len(found) > 200, "the bundled corpus holds a few hundred real articles"
    return found


def plain_folded_words(text: str) -> list[str]:
    """The signature's words found in the whole folded text at once, with no per-piece cache."""
    return re.findall(r"[^\W_]+", fold(text))


@pytest.mark.parametrize("reading", ["cold", "warm"])  # the pieces' cache empty or filled by the first pass
def test_every_field_indexes_what_its_own_analysis_gives(documents, reading):
    schema = build_schema()
    seen = {"terms": 0, "forms": 0, "codes": 0}
    for fields in documents:
        for name in (ALL, TITLE, KEYWORDS):
            field = schema[name]
            indexed = sorted(InvertingSegmentWriter.inverted(field, fields[name]))
            # Whoosh's own Positions format: the Token pipeline, a token per word.
            plain = sorted(Positions.word_values(field.format, fields[name], field.analyzer, mode="index"))
            assert indexed == plain, (fields["id"], name)
            seen["terms"] += len(plain)
        field = schema[SPELLING]
        indexed = sorted((term.encode() if isinstance(term, str) else term, *rest)
                         for term, *rest in InvertingSegmentWriter.inverted(field, fields[SPELLING]))
        plain = sorted((form.encode(), *rest)
                       for form, *rest in Existence.word_values(field.format, fields[SPELLING], field.analyzer))
        assert indexed == plain, fields["id"]
        seen["forms"] += len(plain)
        body = fields[SIGNATURE]
        plain_words = plain_folded_words(body)
        # A signature is a function of its text's word codes (duplicates.shingle_hashes).
        assert word_codes(body) == [zlib.crc32(word.encode()) for word in plain_words], fields["id"]
        assert words(body) == plain_words, fields["id"]
        seen["codes"] += len(plain_words)
    assert all(count > 10_000 for count in seen.values()), seen  # real articles, real words


def test_title_and_keywords_read_alone_give_what_they_give_within_the_whole_text(documents):
    """The pieces of the combined text are its parts' pieces: the title's terms open it."""
    analyzer = build_schema()[ALL].analyzer
    checked = 0
    for fields in documents:
        title = fields[TITLE]
        if not title:
            continue
        whole = analyzer.term_positions(fields[ALL])
        count = len(WORD_PATTERN.findall(title))  # the title's words, stopwords included
        within = {term: [p for p in positions if p < count] for term, positions in whole.items()}
        assert {term: positions for term, positions in within.items() if positions} == analyzer.term_positions(title)
        checked += 1
    assert checked > 200
