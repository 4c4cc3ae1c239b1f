"""A fresh build's segment, inverted in bulk, is byte for byte what Whoosh's own writer makes of the same articles.

The bulk writer (indexer/segment_writer.py) numbers terms, keeps positions in
flat arrays and encodes every posting's positions at once at flush; Whoosh's
SegmentWriter (``IndexWriter``, as incremental runs use it) sends each posting
through its pool and the codec's per-posting ``encode``. Every file of the
segment (postings, term table, stored fields, lengths, columns) must match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.index import create_in

from khabar.indexer.codec import CompactPositions, KhabarCodec
from khabar.indexer.readers import read_file
from khabar.indexer.schema import ALL, SPELLING, TITLE, article_fields, build_schema
from khabar.indexer.segment_writer import IndexWriter, InvertingSegmentWriter

from conftest import bundled_documents, shared_corpus


def _segment_files(folder: Path, writer_class, docs: list[dict]) -> dict[str, bytes]:
    """The segment's files (by what follows the segment's name) after writing ``docs``."""
    folder.mkdir()
    ix = create_in(str(folder), build_schema())
    writer = writer_class(ix, codec=KhabarCodec(), compound=False)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return {path.name.split(".", 1)[1]: path.read_bytes()
            for path in folder.iterdir() if path.name.startswith("MAIN_") and "." in path.name}


def _long_article(docs: list[dict]) -> dict:
    """One article whose body is the others' bodies one after the other: positions past
    65,535, each of the codec's three widths of position deltas."""
    long = dict(docs[0], id="all-bodies-in-one")
    long[ALL] = long[SPELLING] = long["body"] = long["signature"] = "\n".join(doc["body"] for doc in docs)
    long["forward"] = (long[ALL], "")
    return long


def _assert_same_segment(tmp_path: Path, docs: list[dict]) -> dict[str, bytes]:
    pooled = _segment_files(tmp_path / "pooled", IndexWriter, docs)
    bulk = _segment_files(tmp_path / "bulk", InvertingSegmentWriter, docs)
    assert sorted(bulk) == sorted(pooled)
    different = [name for name in pooled if bulk[name] != pooled[name]]
    assert not different, f"files that differ: {different}"
    return bulk


def _positions_of(docs: list[dict]) -> list[list[int]]:
    field = build_schema()[ALL]
    return [positions for doc in docs for positions in field.format.term_positions(doc[ALL], field.analyzer).values()]


def test_the_bundled_articles_make_the_same_segment(tmp_path):
    docs = bundled_documents(300)
    docs.append(_long_article(docs))
    # The sample must reach every case the bulk encoding has: lists of more than one
    # block, and positions (deltas) of one, two and four bytes.
    widths = {CompactPositions().encode(positions)[0] for positions in _positions_of(docs)}
    assert widths == {0, 1, 2}
    files = _assert_same_segment(tmp_path, docs)
    assert len(files["pst"]) > 100_000 and len(files["trm"]) > 100_000


def test_positions_encoded_a_few_postings_at_a_time_make_the_same_segment(tmp_path, monkeypatch):
    """The flush encodes positions a chunk of postings at a time (its memory stays
    bounded): chunk edges that fall anywhere give the same bytes."""
    from khabar.indexer import segment_writer

    monkeypatch.setattr(segment_writer, "_ENCODE_CHUNK", 7)
    docs = bundled_documents(60)
    docs.append(_long_article(docs))
    _assert_same_segment(tmp_path, docs)


def test_lists_written_a_few_postings_at_a_time_make_the_same_segment(tmp_path, monkeypatch):
    """The flush writes a field's terms a piece of postings at a time (add_terms' arrays,
    8 bytes a posting each, were a worker's peak): pieces that end anywhere give the same bytes."""
    from khabar.indexer import codec, segment_writer

    monkeypatch.setattr(segment_writer, "_WRITTEN_POSTINGS", 11)
    written = []
    docs = bundled_documents(60)
    docs.append(_long_article(docs))
    original = codec.KhabarFieldWriter.add_terms
    monkeypatch.setattr(codec.KhabarFieldWriter, "add_terms",
                        lambda self, terms, *rest: written.append(len(terms)) or original(self, terms, *rest))
    _assert_same_segment(tmp_path, docs)
    assert len(written) > 100 and max(written) < 20  # many pieces, each of a few terms


def test_real_news_makes_the_same_segment(tmp_path):
    corpus = shared_corpus("ir-news")
    docs = []
    for path in sorted((corpus / "Dataset").glob("*.txt"))[:300]:
        for key, article in read_file(path).articles:
            docs.append(article_fields(article.id or f"{path.name}{key}", article, path=str(path),
                                       digest="digest", stamp="stamp"))
    assert len(docs) > 250
    _assert_same_segment(tmp_path, docs)


def test_articles_missing_fields_and_words_make_the_same_segment(tmp_path):
    """Documents without a title, without keywords, or whose text is stopwords only:
    fields with no posting for some documents, or none at all in the segment."""
    docs = bundled_documents(40)
    for doc in docs[::3]:
        doc[TITLE] = None
    for doc in docs[1::3]:
        doc["keywords"] = None
    docs[2][ALL] = docs[2][SPELLING] = "و از به"  # stopwords: no index term, still written forms
    _assert_same_segment(tmp_path, docs)


def test_a_document_that_fails_leaves_nothing_in_the_bulk_postings(tmp_path):
    docs = bundled_documents(20)
    ix = create_in(str(tmp_path), build_schema())
    writer = InvertingSegmentWriter(ix, codec=KhabarCodec())
    for doc in docs[:10]:
        writer.add_document(**doc)
    counted = writer.posting_count
    with pytest.raises(Exception):
        writer.add_document(**dict(docs[10], date="not a date"))  # fails after its text fields were analysed
    assert writer.posting_count == counted
    for doc in docs[10:]:
        writer.add_document(**doc)
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(docs)
        word = next(iter(build_schema()[ALL].format.term_positions(docs[10][ALL], build_schema()[ALL].analyzer)))
        assert 10 in [*searcher.postings(ALL, word).all_ids()]
