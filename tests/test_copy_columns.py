"""A story's copies are listed from columns (search.collapse.copy_records), not from their
stored fields: the URL is a column too (schema 9), and every article's record from the
columns is the one its stored fields give, through incremental updates and merges."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from whoosh.index import create_in

from conftest import FIXTURES, bundled_documents
from khabar import cli
from khabar.indexer.codec import KhabarCodec
from khabar.indexer.schema import ADDRESS, DATE, JALALI_DAY, NEWS_ITEM, SOURCE, URL, build_schema
from khabar.indexer.segment_writer import MERGE_SMALL_SEGMENTS, IndexWriter, merge_small_segments
from khabar.indexer.store import IndexMeta
from khabar.indexer.update import update_index
from khabar.indexer.version import SCHEMA_VERSION
from khabar.search import collapse
from khabar.search.engine import Hit, search

OIL = "وزیر نفت"  # matches the story republished by tabnak and asriran (tests/test_table_copies.py)


def stored_records(searcher, docnums: list[int]) -> list[dict]:
    """The copies' records as their stored fields give them."""
    hits = [Hit.from_stored(searcher.stored_fields(d), score=None, snippet="") for d in docnums]
    return [{"id": hit.id, "url": hit.url, "source": hit.source, "jalali_date": hit.jalali_date or None} for hit in hits]


def assert_columns_agree(searcher) -> list[dict]:
    """Every live article's record from the columns equals the one from its stored fields."""
    docnums = list(searcher.reader().all_doc_ids())
    records = collapse.copy_records(searcher, docnums)
    assert records == stored_records(searcher, docnums)
    return records


def variants(docs: list[dict]) -> list[dict]:
    """Real articles held as others are: undated, without a source, without a URL."""
    undated, sourceless, unaddressed = ({**doc, "id": doc["id"] + suffix} for doc, suffix in
                                        zip(docs, ("-undated", "-sourceless", "-unaddressed")))
    for field in (DATE, JALALI_DAY):
        undated.pop(field, None)
    sourceless[SOURCE] = ""
    unaddressed[URL] = ""
    for field in (ADDRESS, NEWS_ITEM):
        unaddressed.pop(field, None)
    return [undated, sourceless, unaddressed]


def commit(ix, docs=(), deleted=()) -> None:
    writer = IndexWriter(ix, codec=KhabarCodec())
    for doc in docs:
        writer.add_document(**doc)
    for doc_id in deleted:
        writer.delete_by_term("id", doc_id)
    writer.commit(mergetype=merge_small_segments)


def test_records_from_columns_through_updates_and_merges(tmp_path):
    docs = bundled_documents(120)
    ix = create_in(str(tmp_path), build_schema())
    # Undated ones first and last in a segment: the date column's fillers before and after dated articles.
    commit(ix, variants(docs[:3]) + docs[3:60] + variants(docs[3:6]))
    runs = [docs[60 + 10 * n: 70 + 10 * n] for n in range(MERGE_SMALL_SEGMENTS + 1)]
    runs[1] = variants(runs[1][:3]) + runs[1]
    runs[2] = variants(runs[2][:3])  # a segment of which none is dated and one has no source
    for run in runs[:MERGE_SMALL_SEGMENTS - 1]:
        commit(ix, run)
        with ix.searcher() as searcher:
            assert_columns_agree(searcher)
    # A small segment with deletions: merged by Whoosh's add_reader, the others copied block by block.
    commit(ix, runs[MERGE_SMALL_SEGMENTS - 1], deleted=[doc["id"] for doc in runs[0][:3]])
    before = len(ix._segments())
    commit(ix, runs[MERGE_SMALL_SEGMENTS])  # the run that merges them
    assert len(ix._segments()) < before
    with ix.searcher() as searcher:
        records = assert_columns_agree(searcher)
    assert {record["jalali_date"] is None for record in records} == {True, False}
    assert {record["source"] == "" for record in records} == {True, False}
    assert {record["url"] == "" for record in records} == {True, False}


def test_the_url_is_a_column_and_no_terms(tmp_path):
    ix = create_in(str(tmp_path), build_schema())
    commit(ix, bundled_documents(10))
    with ix.searcher() as searcher:
        [reader] = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        assert reader.has_column(URL)
        assert URL not in reader.indexed_field_names()
        urls = [searcher.stored_fields(d)[URL] for d in reader.all_doc_ids()]
        assert all(urls) and list(reader.column_reader(URL)) == urls


def test_a_storys_copies_are_listed_without_their_stored_fields(duplicates_index, monkeypatch):
    first = search(duplicates_index, OIL)  # decides the story on the copies' text, once per searcher
    copies = [copy for hit in first.hits for copy in hit.duplicates]
    assert copies
    from khabar.search.searchers import shared_searcher

    searcher = shared_searcher(duplicates_index)
    docnum_of = {searcher.stored_fields(d)["id"]: d for d in searcher.reader().all_doc_ids()}
    read: list[int] = []
    stored_fields = searcher.stored_fields
    monkeypatch.setattr(searcher, "stored_fields", lambda docnum: read.append(docnum) or stored_fields(docnum))
    again = search(duplicates_index, OIL)
    assert [hit.duplicates for hit in again.hits] == [hit.duplicates for hit in first.hits]
    # Each shown hit's stored fields are read (title, snippet), none of its copies'.
    assert sorted(read) == sorted(docnum_of[hit.id] for hit in again.hits)
    monkeypatch.undo()
    assert copies == stored_records(searcher, [docnum_of[copy["id"]] for copy in copies])


def test_an_index_of_schema_8_is_refused_in_one_line_and_rebuilt(tmp_path):
    shutil.copytree(FIXTURES / "duplicates" / "news", tmp_path / "news")
    update_index(tmp_path / "ix", [tmp_path / "news"])
    index_dir = tmp_path / "ix"  # its own, not the shared duplicates_index: rewritten here
    meta = IndexMeta.load(index_dir)
    meta.schema_version = SCHEMA_VERSION - 1
    assert meta.schema_version == 8
    meta.save(index_dir)
    searched = CliRunner().invoke(cli.main, ["--index", str(index_dir), "search", "--json", OIL])
    assert searched.exit_code != 0 and searched.stdout == ""
    [line] = searched.stderr.strip().splitlines()
    assert "another version of khabar" in line and "--rebuild" in line
    indexed = CliRunner().invoke(cli.main, ["--index", str(index_dir), "index"])
    assert indexed.exit_code == 0, indexed.output
    assert "another version of khabar; rebuilding it" in indexed.output
    assert IndexMeta.load(index_dir).schema_version == SCHEMA_VERSION
    assert search(index_dir, OIL).hits[0].duplicates
