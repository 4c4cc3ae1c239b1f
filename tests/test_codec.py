"""khabar's posting layout holds exactly what Whoosh's own W3 layout holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import fields as wfields
from whoosh.formats import Positions
from whoosh.index import create_in

from khabar.indexer.codec import INLINE_POSTINGS, CompactPositions, KhabarCodec, block_postings, blocks_arrays, \
    decompressed_blocks, stored_blocks
from khabar.indexer.persian.written import written_words
from khabar.indexer.persian.analyzer import persian_analyzer
from khabar.indexer.schema import SPELLING, build_schema
from khabar.indexer.segment_writer import IndexWriter, InvertingSegmentWriter, ParallelWriter, merge_small_segments

from conftest import FIXTURES, REPO, bundled_documents


def _stock_schema():
    """khabar's schema with Whoosh's own Positions format in every text field."""
    schema = build_schema()
    for name in schema.names():
        field = schema[name]
        if isinstance(field.format, CompactPositions):
            field.format = Positions(field_boost=field.format.field_boost)
    return schema


def _build(folder: Path, schema, docs: list[dict], writer_class=None, **writer_options):
    folder.mkdir()
    ix = create_in(str(folder), schema)
    writer = writer_class(ix, **writer_options) if writer_class else ix.writer(**writer_options)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    docs = bundled_documents(160)
    base = tmp_path_factory.mktemp("codec")
    stock = _build(base / "w3", _stock_schema(), docs)
    # Whoosh's SegmentWriter (incremental updates) and the in-memory inverter (fresh builds).
    pooled = _build(base / "pooled", build_schema(), docs, codec=KhabarCodec())
    inverted = _build(base / "inverted", build_schema(), docs, InvertingSegmentWriter, codec=KhabarCodec())
    sizes = {name: sum(path.stat().st_size for path in (base / name).iterdir()) for name in ("w3", "inverted")}
    return stock.reader(), {"pooled": pooled.reader(), "inverted": inverted.reader()}, sizes


@pytest.fixture(params=["pooled", "inverted"])
def both(request, indexes):
    stock, ours, _ = indexes
    return stock, ours[request.param]


def _commonest(reader) -> str:
    return max(reader.lexicon("all"), key=lambda term: reader.doc_frequency("all", term)).decode("utf-8")


def test_the_sample_has_multi_block_posting_lists(both):
    stock, _ = both
    assert stock.doc_count() > 150
    assert stock.doc_frequency("all", _commonest(stock)) > 128  # W3 and khabar write blocks of 128


def test_every_posting_is_the_same(both):
    stock, ours = both
    stock_terms = list(stock.all_terms())
    assert stock_terms == list(ours.all_terms())
    for fieldname, text in stock_terms:
        expected, got = stock.postings(fieldname, text), ours.postings(fieldname, text)
        kind = "positions" if isinstance(stock.schema[fieldname].format, Positions) else "weight"
        assert list(got.items_as(kind)) == list(expected.items_as(kind)), (fieldname, text)
        assert list(ours.postings(fieldname, text).items_as("weight")) == list(
            stock.postings(fieldname, text).items_as("weight"))
        assert ours.doc_frequency(fieldname, text) == stock.doc_frequency(fieldname, text)
        assert ours.term_info(fieldname, text).max_weight() == stock.term_info(fieldname, text).max_weight()


def test_block_skipping_sees_the_same_blocks(both):
    stock, ours = both
    term = _commonest(stock)
    expected, got = stock.postings("all", term), ours.postings("all", term)
    blocks = 0
    while expected.is_active():
        assert got.is_active() and got.id() == expected.id()
        assert (got.block_max_id(), got.block_max_weight(), got.block_min_length(), got.block_max_length()) == (
            expected.block_max_id(), expected.block_max_weight(), expected.block_min_length(),
            expected.block_max_length())
        target = expected.block_max_id() + 1
        expected.skip_to(target)
        got.skip_to(target)
        blocks += 1
    assert not got.is_active() and blocks > 1


def test_a_lists_blocks_decompressed_at_once_are_its_stored_blocks(both):
    """What a search decodes a common word's list from (decompressed_blocks) holds every
    block's postings as the stored blocks do, one-block lists and multi-block ones alike."""
    import numpy as np

    _, ours = both
    terms = ours._terms
    kinds = set()
    for (fieldname, text), info in terms.items():
        if fieldname != "all" or info.is_inlined():
            continue
        raws = decompressed_blocks(terms._postfile, info)
        blocks = stored_blocks(terms._postfile, info, 1)
        kinds.add(len(blocks) > 1)
        assert len(raws) == len(blocks)
        ids, weights, lengths, blob = blocks_arrays(np, raws)
        expected = [block_postings(block) for block in blocks]
        assert ids.tolist() == [docnum for block in expected for docnum in block[0]]
        assert weights.tolist() == [weight for block in expected for weight in block[1] or [1.0] * len(block[0])]
        assert lengths.tolist() == [length for block in expected for length in block[2]]
        assert blob == b"".join(block[3] for block in expected)
    assert kinds == {False, True}


def test_term_statistics_are_the_same(both):
    """Term infos are varints here, fixed structs in W3: every statistic reads back the same."""
    stock, ours = both
    for fieldname, text in stock.all_terms():
        expected, got = stock.term_info(fieldname, text), ours.term_info(fieldname, text)
        assert (got.weight(), got.doc_frequency(), got.min_length(), got.max_length(), got.max_weight(),
                got.min_id(), got.max_id()) == (
            expected.weight(), expected.doc_frequency(), expected.min_length(), expected.max_length(),
            expected.max_weight(), expected.min_id(), expected.max_id()), (fieldname, text)
        assert ours.frequency(fieldname, text) == stock.frequency(fieldname, text)


def test_short_lists_of_document_numbers_are_in_the_term_table(both):
    """The spelling field's words of a few articles take no postings block; positional lists do."""
    _, ours = both
    spelling = [text for fieldname, text in ours.all_terms() if fieldname == SPELLING]
    inlined = [text for text in spelling if ours.term_info(SPELLING, text).is_inlined()]
    assert inlined and all(ours.doc_frequency(SPELLING, text) <= INLINE_POSTINGS for text in inlined)
    assert len(inlined) == sum(ours.doc_frequency(SPELLING, text) <= INLINE_POSTINGS for text in spelling)
    assert not any(ours.term_info("all", text).is_inlined()
                   for fieldname, text in ours.all_terms() if fieldname == "all")


def test_the_index_is_smaller_than_w3s(indexes):
    """Varint term infos, inlined id lists and narrow arrays: well under W3's bytes for the same postings."""
    _, _, sizes = indexes
    assert sizes["inverted"] < 0.8 * sizes["w3"]


def test_spelling_frequencies_hold_through_deletions_and_merges(tmp_path):
    """The did-you-mean vocabulary's counts are those of the live articles after
    incremental runs delete articles and their segments are merged."""
    docs = bundled_documents(160)
    ix = create_in(str(tmp_path), build_schema())
    for start in range(0, len(docs), 40):  # four incremental runs: four segments
        writer = IndexWriter(ix, codec=KhabarCodec())
        for doc in docs[start : start + 40]:
            writer.add_document(**doc)
        writer.commit(mergetype=merge_small_segments)
    gone = {doc["id"] for doc in docs[::7]}
    writer = IndexWriter(ix, codec=KhabarCodec())
    for doc_id in gone:
        writer.delete_by_term("id", doc_id)
    writer.commit(optimize=True)  # every segment merged, the deleted articles' postings dropped
    reader = ix.reader()
    assert reader.doc_count() == len(docs) - len(gone) and not reader.has_deletions()
    expected: dict[str, int] = {}
    for doc in docs:
        if doc["id"] not in gone:
            for form in written_words(doc[SPELLING]):
                expected[form] = expected.get(form, 0) + 1
    held = {text: reader.doc_frequency(SPELLING, text)
            for fieldname, text in reader.all_terms() if fieldname == SPELLING}
    assert {text.decode("utf-8"): count for text, count in held.items() if count} == expected


def test_stored_fields_and_lengths_are_the_same(both):
    stock, ours = both
    for docnum in range(stock.doc_count_all()):
        assert ours.stored_fields(docnum) == stock.stored_fields(docnum)
        assert ours.doc_field_length(docnum, "all") == stock.doc_field_length(docnum, "all")
        for fieldname in ("title", "keywords", "id", "path"):  # unscored fields have no length
            assert ours.doc_field_length(docnum, fieldname) == stock.doc_field_length(docnum, fieldname)


@pytest.mark.parametrize("positions", [[0], [300], [70000], [3, 4, 9, 200], [5, 100_000],
                                       list(range(0, 70000, 7))])
def test_positions_round_trip(positions):
    fmt = CompactPositions()
    value = fmt.encode(positions)
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)


def test_term_positions_match_the_token_pipeline():
    """Indexing skips the Token pipeline: it must find the same terms at the same positions."""
    analyzer = persian_analyzer()
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        expected: dict[str, list[int]] = {}
        for token in analyzer(text, positions=True, mode="index"):
            expected.setdefault(token.text, []).append(token.pos)
        assert analyzer.term_positions(text) == expected
        assert expected  # real text, real terms


def test_schema_text_fields_use_compact_positions():
    schema = build_schema()
    assert all(isinstance(schema[name].format, CompactPositions) for name in ("all", "title", "keywords"))
    assert isinstance(schema["all"], wfields.TEXT)


def test_parallel_build_in_several_segments_holds_the_same_postings(tmp_path):
    """Fresh builds: worker processes, each finishing a segment every N postings."""
    docs = bundled_documents(160)
    single = _build(tmp_path / "single", build_schema(), docs, codec=KhabarCodec()).reader()
    parallel_ix = _build(tmp_path / "parallel", build_schema(), docs, ParallelWriter,
                         procs=2, segment_postings=5_000, batchsize=20, codec=KhabarCodec())
    assert len(parallel_ix._segments()) > 2
    parallel = parallel_ix.reader()
    assert parallel.doc_count() == single.doc_count()

    ids = {reader: list(reader.column_reader("id")) for reader in (single, parallel)}

    def by_id(reader, text):
        return {ids[reader][docnum]: value for docnum, value in reader.postings("all", text).items_as("positions")}

    terms = [text for fieldname, text in single.all_terms() if fieldname == "all"]
    assert terms == [text for fieldname, text in parallel.all_terms() if fieldname == "all"]
    for text in terms:
        assert by_id(parallel, text) == by_id(single, text), text


def test_a_failed_parallel_build_stops_its_workers_and_raises(tmp_path):
    """An error (or Ctrl-C) while feeding the workers must end the run, not wait on them."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        from pathlib import Path
        from whoosh.index import create_in
        from khabar.indexer.schema import article_fields, build_schema
        from khabar.indexer.update import _write_once
        if __name__ == "__main__":
            ix = create_in({str(tmp_path)!r}, build_schema())
            def work(writer):
                for n in range(300):
                    writer.add_document(id=str(n), all="شاخص بورس تهران", title="بورس")
                raise ValueError("stop")
            try:
                _write_once(ix, work, writer_procs=2)
            except ValueError:
                print("raised")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "raised", done.stderr[-2000:]
