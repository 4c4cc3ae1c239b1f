"""What keeps the index small: the compact term table, stored values read from
their columns, and fields held as columns without terms (real articles of the
bundled sample)."""

from __future__ import annotations

import pickle

import pytest
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.filedb.filestore import RamStorage
from whoosh.filedb.filetables import OrderedHashWriter

from khabar.indexer.schema import DATE, FILE_HASH, FILE_STAMP, PATH, build_schema
from khabar.indexer.term_table import RECORD_LENGTHS, SLOT, TermTableReader, TermTableWriter
from khabar.indexer.update import update_index

from conftest import REPO, bundled_documents


def _table(write, items):
    storage = RamStorage()
    writer = write(storage.create_file("t"))
    for key, value in items:
        writer.add(key, value)
    writer.close()
    return storage


@pytest.fixture(scope="module")
def article_terms() -> list[tuple[bytes, bytes]]:
    """Every word of the first bundled articles' text as a key, its article's id as the value."""
    found = {}
    for doc in bundled_documents(20):
        for word in doc["all"].split():
            found.setdefault(word.encode("utf-8"), doc["id"].encode("utf-8"))
    return sorted(found.items())


def test_every_term_is_found_in_order_and_by_prefix(article_terms):
    table = TermTableReader(_table(TermTableWriter, article_terms).open_file("t"))
    assert list(table.items()) == article_terms
    for key, value in article_terms:
        assert table[key] == value and key in table
    middle = article_terms[len(article_terms) // 2][0]
    assert list(table.items_from(middle)) == [item for item in article_terms if item[0] >= middle]
    assert table.closest_key(middle + b"\xff") == next(k for k, _ in article_terms if k > middle + b"\xff")
    assert b"\x00not a word" not in table and table.get(b"\x00not a word") is None


def test_the_table_is_smaller_than_whooshs_by_its_fixed_parts(article_terms):
    ours = len(_table(TermTableWriter, article_terms).open_file("t").read())
    whooshs = len(_table(OrderedHashWriter, article_terms).open_file("t").read())
    saved = (8 - RECORD_LENGTHS.size + 2 * (12 - SLOT.size)) * len(article_terms)
    assert whooshs - ours == saved


def test_a_table_in_whooshs_layout_is_not_read_as_this_one(article_terms):
    from whoosh.filedb.filetables import FileFormatError

    with pytest.raises(FileFormatError):
        TermTableReader(_table(OrderedHashWriter, article_terms).open_file("t"))


def test_a_key_too_long_for_the_layout_is_refused():
    writer = TermTableWriter(RamStorage().create_file("t"))
    with pytest.raises(ValueError, match="longer than 65535"):
        writer.add(b"k" * 70_000, b"")


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("size") / "ix"
    update_index(index_dir, [REPO / "corpus"])
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(index_dir), indexname="MAIN").reader() as reader:
        yield reader


def test_values_stored_in_columns_read_back_as_written(small_index):
    held = [name for name, field in build_schema().items() if getattr(field, "stored_in_column", False)]
    assert held == [PATH]
    for segment, _base in small_index.leaf_readers():
        pickles = segment._perdoc._cached_reader("_stored", STORED_COLUMN)
        for docnum in range(segment.doc_count_all()):
            raw, stored = pickles[docnum], segment.stored_fields(docnum)
            for name in held:
                assert raw[name] is None  # held once, in the column
                assert stored[name] == segment.column_reader(name)[docnum]
            assert list(stored) == sorted(stored)  # the order the fields were written in
            assert stored["id"] and stored["path"].endswith(".txt")
            assert isinstance(stored["body"], str) and stored["body"]


def test_columns_without_terms(small_index):
    for segment, _base in small_index.leaf_readers():
        assert not {DATE, FILE_HASH, FILE_STAMP} & set(segment._terms.indexed_field_names())
        assert segment.has_column(DATE) and segment.has_column(FILE_HASH) and segment.has_column(FILE_STAMP)
        dated = [segment.stored_fields(d).get(DATE) for d in range(segment.doc_count_all())]
        assert any(dated)
    assert small_index.doc_count() > 100
    pickle.dumps(build_schema())  # the schema is pickled into the index's table of contents
