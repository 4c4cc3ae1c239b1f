"""khabar's posting layout holds exactly what Whoosh's own W3 layout holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import fields as wfields
from whoosh.formats import Positions
from whoosh.index import create_in

from khabar.indexer.codec import CompactPositions, KhabarCodec
from khabar.indexer.persian.analyzer import persian_analyzer
from khabar.indexer.readers import read_file
from khabar.indexer.schema import article_fields, build_schema
from khabar.indexer.segment_writer import InvertingSegmentWriter, ParallelWriter

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def _documents(limit: int) -> list[dict]:
    """Real articles: the bundled sample corpus (enough for posting lists of several blocks)."""
    docs = []
    for path in sorted((REPO / "corpus").rglob("*.txt"))[:limit]:
        for key, article in read_file(path).articles:
            docs.append(article_fields(article.id or str(path) + key, article, path=str(path),
                                       digest="digest", stamp="stamp"))
    return docs


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
    docs = _documents(160)
    base = tmp_path_factory.mktemp("codec")
    stock = _build(base / "w3", _stock_schema(), docs)
    # Whoosh's SegmentWriter (incremental updates) and the in-memory inverter (fresh builds).
    pooled = _build(base / "pooled", build_schema(), docs, codec=KhabarCodec())
    inverted = _build(base / "inverted", build_schema(), docs, InvertingSegmentWriter, codec=KhabarCodec())
    return stock.reader(), {"pooled": pooled.reader(), "inverted": inverted.reader()}


@pytest.fixture(params=["pooled", "inverted"])
def both(request, indexes):
    stock, ours = indexes
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


def test_stored_fields_and_lengths_are_the_same(both):
    stock, ours = both
    for docnum in range(stock.doc_count_all()):
        assert ours.stored_fields(docnum) == stock.stored_fields(docnum)
        assert ours.doc_field_length(docnum, "all") == stock.doc_field_length(docnum, "all")
        for fieldname in ("title", "keywords", "id", "path"):  # unscored fields have no length
            assert ours.doc_field_length(docnum, fieldname) == stock.doc_field_length(docnum, fieldname)


@pytest.mark.parametrize("positions", [[0], [3, 4, 9, 200], list(range(0, 70000, 7))])
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
    docs = _documents(160)
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
