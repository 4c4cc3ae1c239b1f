"""Fresh builds merge their workers' segments level by level: few segments, the same postings."""

from __future__ import annotations

from pathlib import Path

from whoosh.formats import Positions
from whoosh.index import create_in

from khabar.indexer.codec import KhabarCodec
from khabar.indexer.merge import Leveled, merge_full_levels
from khabar.indexer.schema import build_schema
from khabar.indexer.segment_writer import ParallelWriter

from conftest import bundled_documents


def _build(folder: Path, docs: list[dict], **options):
    folder.mkdir()
    ix = create_in(str(folder), build_schema())
    writer = ParallelWriter(ix, procs=2, batchsize=10, codec=KhabarCodec(), **options)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def _by_id(reader) -> dict:
    """Every posting, stored field and length, keyed by article id instead of document number."""
    ids = list(reader.column_reader("id"))
    held: dict = {}
    for fieldname, text in reader.all_terms():
        kind = "positions" if isinstance(reader.schema[fieldname].format, Positions) else "weight"
        held[(fieldname, text)] = sorted((ids[doc], value) for doc, value in reader.postings(fieldname, text).items_as(kind))
        assert reader.doc_frequency(fieldname, text) == len(held[(fieldname, text)])
    columns = {name: list(reader.column_reader(name)) for name in reader.schema.names()
               if reader.schema[name].column_type and reader.has_column(name)}
    assert {"id", "date", "signature"} <= set(columns)
    for docnum in reader.all_doc_ids():
        held[ids[docnum]] = (reader.stored_fields(docnum), reader.doc_field_length(docnum, "all"),
                             reader.doc_field_length(docnum, "title"),
                             {name: values[docnum] for name, values in columns.items()})
    return held


def test_merged_segments_hold_what_unmerged_ones_do(tmp_path):
    docs = bundled_documents(160)
    # Tiny segments (a few articles each), as a large corpus makes them: many without merging.
    unmerged = _build(tmp_path / "unmerged", docs, segment_postings=1_500, merge_factor=1)
    merged = _build(tmp_path / "merged", docs, segment_postings=1_500, merge_factor=2)
    written = len(unmerged._segments())
    assert written >= 12
    # Factor 2: a worker that wrote n segments holds one per 1-bit of n; two workers.
    assert len(merged._segments()) <= 2 * (written.bit_length())
    assert len(merged._segments()) < written / 2
    merged_reader, unmerged_reader = merged.reader(), unmerged.reader()
    assert merged_reader.doc_count() == unmerged_reader.doc_count() == len(docs)
    assert _by_id(merged_reader) == _by_id(unmerged_reader)


def test_segments_of_one_level_become_one_of_the_next_and_their_files_go(tmp_path):
    docs = bundled_documents(60)
    ix = _build(tmp_path / "ix", docs, segment_postings=10**9, merge_factor=1)  # a segment per worker
    segments = ix._segments()
    assert len(segments) == 2
    options = {"codec": KhabarCodec()}
    # Levels 1 and 0: not merged.
    kept = merge_full_levels(ix, [Leveled(segments[0], 1), Leveled(segments[1], 0)], options, factor=2)
    assert [item.segment for item in kept] == segments
    stack = merge_full_levels(ix, [Leveled(segments[0]), Leveled(segments[1])], options, factor=2)
    assert [item.level for item in stack] == [1]
    assert stack[0].segment.doc_count_all() == sum(segment.doc_count_all() for segment in segments)
    names = ix.storage.list()
    assert not any(name.startswith(segment.segment_id()) for segment in segments for name in names)
    assert any(name.startswith(stack[0].segment.segment_id()) for name in names)
