"""Fresh builds merge their workers' segments level by level: few segments, the same postings."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from whoosh.formats import Positions
from whoosh.index import TOC, create_in, open_dir
from whoosh.reading import SegmentReader

from khabar.indexer import merge
from khabar.indexer.codec import KhabarCodec, stored_blocks
from khabar.indexer.merge import Leveled, merge_full_levels, merge_segments
from khabar.indexer.schema import build_schema
from khabar.indexer.segment_writer import InvertingSegmentWriter, ParallelWriter, release_free_memory

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
    # Tiny segments (a few articles each), as a large corpus makes them: many without merging
    # (a worker whose limit comes while the other flushes goes on a batch or more: flush_turns.py).
    unmerged = _build(tmp_path / "unmerged", docs, segment_postings=1_000, merge_factor=1)
    merged = _build(tmp_path / "merged", docs, segment_postings=1_000, merge_factor=2)
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


def _segments_in_process(folder: Path, chunks: list[list[dict]], codec: KhabarCodec):
    """An index of one segment per chunk, written by the fresh build's inverter in this process."""
    folder.mkdir()
    ix = create_in(str(folder), build_schema())
    segments = []
    for docs in chunks:
        writer = InvertingSegmentWriter(ix, _lk=False, codec=codec)
        for doc in docs:
            writer.add_document(**doc)
        segments.append(writer._finalize_segment())
    TOC(ix.schema, segments, 1).write(ix.storage, ix.indexname)
    return open_dir(str(folder))


def _everything(ix) -> dict:
    """Every term's postings (document number, weight, value), every stored field,
    length and column value of an index, by document number."""
    reader = ix.reader()
    held: dict = {"terms": list(reader.all_terms())}
    for fieldname, text in held["terms"]:
        matcher = reader.postings(fieldname, text)
        postings = []
        while matcher.is_active():
            # No value is None or b"" by how the list is stored (a block, the term info): the same
            postings.append((matcher.id(), matcher.weight(), matcher.value() or b""))
            matcher.next()
        held[fieldname, text] = (postings, reader.doc_frequency(fieldname, text), reader.frequency(fieldname, text))
    held["stored"] = [reader.stored_fields(docnum) for docnum in range(reader.doc_count_all())]
    # Columns segment by segment: Whoosh's reader of several segments skips a segment without the column.
    for name, field in reader.schema.items():
        if field.scorable:
            # Whoosh answers None for a length of 0 in a segment with the length column, 0 in one without.
            held["length", name] = (reader.field_length(name),
                                    [reader.doc_field_length(docnum, name) or 0 for docnum in range(reader.doc_count_all())])
        if field.column_type:
            held["column", name] = values = []
            for segment in ix._segments():
                part = SegmentReader(ix.storage, ix.schema, segment)
                if part.has_column(name):
                    values += part.column_reader(name, translate=False)
                else:
                    values += [field.column_type.default_value()] * part.doc_count_all()
                part.close()
    return held


def _short_everywhere(segments_readers: list) -> tuple[dict, int]:
    """Terms whose list is short (in the term info or one block) in every segment
    that holds it; how many terms more than one segment holds."""
    short: dict = {}
    holders: dict = {}
    for reader in segments_readers:
        for (fieldname, text), info in reader._terms.items():
            short[fieldname, text] = short.get((fieldname, text), True) and (info.is_inlined() or info.one_block)
            holders[fieldname, text] = holders.get((fieldname, text), 0) + 1
    return short, sum(count > 1 for count in holders.values())


def test_a_merge_copying_blocks_answers_exactly_as_its_sources(tmp_path, monkeypatch):
    monkeypatch.setattr(merge, "TERMS_WRITTEN_AT_ONCE", 997)  # the term table written in several goes
    # Sources read in pieces that cut term records and column values anywhere.
    monkeypatch.setattr(merge, "TERM_TABLE_READ", 61)
    monkeypatch.setattr(merge, "COLUMN_READ", 97)
    docs = bundled_documents(301)
    assert len(docs) > 300
    # The middle segment's articles lack fields (keywords, a column): their columns are absent there.
    middle = [{name: value for name, value in doc.items() if name not in ("keywords", "tags", "file_stamp")}
              for doc in docs[200:240]]
    # Past 255 articles a block's first document number needs a wider type once shifted.
    chunks = [docs[:200], middle, docs[240:]]
    # Blocks of 5: lists of many blocks, and short lists from several sources, in 301 articles.
    blocklimit = 5
    codec = KhabarCodec(blocklimit=blocklimit)
    unmerged = _segments_in_process(tmp_path / "unmerged", chunks, codec)
    shutil.copytree(tmp_path / "unmerged", tmp_path / "merged")
    ix = open_dir(str(tmp_path / "merged"))
    segments = ix._segments()
    sources = [SegmentReader(ix.storage, ix.schema, segment) for segment in segments]
    short, held_by_several = _short_everywhere(sources)
    for reader in sources:
        reader.close()
    merged_segment = merge_segments(ix, segments, {"codec": codec})
    TOC(ix.schema, [merged_segment], 2).write(ix.storage, ix.indexname)

    merged = open_dir(str(tmp_path / "merged")).reader()
    assert merged.is_atomic() and merged.doc_count_all() == len(docs)
    expected = _everything(unmerged)
    assert expected["terms"] and held_by_several
    assert expected["column", "file_stamp"][200] == b"" != expected["column", "file_stamp"][0]
    assert _everything(open_dir(str(tmp_path / "merged"))) == expected
    # A word short in every source is gathered into full blocks, not left in one small block per source.
    terms, postfile = merged._terms, merged._terms._postfile
    for (fieldname, text), info in terms.items():
        if short[fieldname, text] and not info.is_inlined():
            blocks = stored_blocks(postfile, info, 3)
            assert len(blocks) == math.ceil(info.doc_frequency() / blocklimit), (fieldname, text)


def test_segments_with_deleted_articles_are_left_to_whoosh(tmp_path):
    docs = bundled_documents(40)
    ix = _segments_in_process(tmp_path / "ix", [docs[:20], docs[20:]], KhabarCodec())
    writer = ix.writer()
    writer.delete_document(3)
    writer.commit(merge=False)
    ix = open_dir(str(tmp_path / "ix"))
    with pytest.raises(ValueError, match="deleted"):
        merge_segments(ix, ix._segments(), {"codec": KhabarCodec()})


def test_a_merge_reads_its_sources_through_their_files_not_mapped(tmp_path, monkeypatch):
    # Mapped, a merge's sources count in the writer's memory: ~470 MB at each merge of a 1M build.
    from whoosh.filedb import compound

    docs = bundled_documents(40)
    ix = _segments_in_process(tmp_path / "ix", [docs[:20], docs[20:]], KhabarCodec())
    segments = ix._segments()
    mapped = []
    real_mmap = compound.mmap.mmap
    monkeypatch.setattr(compound.mmap, "mmap", lambda *args, **kwargs: mapped.append(args) or real_mmap(*args, **kwargs))
    SegmentReader(ix.storage, ix.schema, segments[0]).close()
    assert mapped, "the index's own storage maps a segment's file (or this test tests nothing)"
    mapped.clear()
    merged = merge_segments(ix, segments, {"codec": KhabarCodec()})
    assert not mapped
    assert merged.doc_count_all() == len(docs)


def test_a_merge_reads_its_sources_term_tables_and_columns_in_pieces(tmp_path, monkeypatch):
    # Read whole, the ten term tables of a million-article build's merge were ~140 MB
    # in the writer at once, its sources' stored fields ~15 MB each.
    from whoosh.filedb.structfile import StructFile

    piece = 1024
    monkeypatch.setattr(merge, "TERM_TABLE_READ", piece)
    monkeypatch.setattr(merge, "COLUMN_READ", piece)
    docs = bundled_documents(40)
    ix = _segments_in_process(tmp_path / "ix", [docs[:20], docs[20:]], KhabarCodec())
    segments = ix._segments()
    smallest_table = min(reader._terms._tindex.endofdata - reader._terms._tindex.startofdata
                         for reader in (SegmentReader(ix.storage, ix.schema, segment) for segment in segments))
    assert smallest_table > 8 * piece  # or this test tests nothing
    reads = []
    real_get = StructFile.get
    monkeypatch.setattr(StructFile, "get", lambda self, position, length: reads.append(length)
                        or real_get(self, position, length))
    merged = merge_segments(ix, segments, {"codec": KhabarCodec()})
    assert merged.doc_count_all() == len(docs)
    # The largest reads left are single posting lists, well under a term table.
    assert reads and max(reads) < smallest_table / 4


def test_releasing_free_memory_gives_the_heaps_free_pages_back(tmp_path):
    # A worker trims before each merge (segment_writer._segments): a segment's flush
    # leaves ~190 MB of freed numpy temporaries held by glibc's heap.
    def anonymous_kb() -> int:
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        return int(status["RssAnon"].split()[0])

    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc to read the process's memory")
    # 100 MB in blocks that C's malloc serves from its heap (not Python's small-object
    # allocator, not a mapping of their own), the last one kept: the heap cannot shrink from its top.
    blocks = [bytearray(4000) for _ in range(25_000)]
    kept = blocks[-1]
    del blocks
    held = anonymous_kb()
    if not release_free_memory():
        pytest.skip("not glibc: no malloc_trim")
    assert anonymous_kb() < held - 50_000
    assert len(kept) == 4000


def test_a_build_s_workers_share_one_flush_turn(tmp_path):
    (tmp_path / "ix").mkdir()
    ix = create_in(str(tmp_path / "ix"), build_schema())
    writer = ParallelWriter(ix, procs=2, codec=KhabarCodec())
    lock = writer.subargs["flush_lock"]
    assert lock.acquire(block=False)  # a process lock every worker is given: free until taken
    lock.release()
    writer.cancel()
