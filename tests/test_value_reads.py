"""A column value read with one ``os.pread`` (search/scoring/segments.py ``value_reads``):
feedback reads 300 forward index values a search, and a story's grouping a
signature row for each of its matches, each through five Python calls of Whoosh's
before. The same bytes as the column's own reader, for every article of the
bundled index, in both kinds of column, and past a fixed column's end."""

from __future__ import annotations

from khabar.indexer.schema import FORWARD, JALALI_DAY, SIGNATURE
from khabar.search.scoring.feedback import forward_value
from khabar.search.scoring.segments import value_reads
from khabar.search.searchers import shared_searcher


def _segments(index_dir):
    return [subsearcher.reader() for subsearcher, _ in shared_searcher(index_dir).leaf_searchers()]


def test_forward_values_are_the_columns_own(bundled_index):
    read = 0
    for reader in _segments(bundled_index):
        column = reader.column_reader(FORWARD, translate=False)
        value = value_reads(column)
        assert value is not column.__getitem__  # read at once, not through Whoosh
        for docnum in range(reader.doc_count_all()):
            assert value(docnum) == column[docnum]
            read += bool(column[docnum])
    assert read  # values were there to compare


def test_signature_rows_are_the_columns_own_past_its_end_too(bundled_index):
    for reader in _segments(bundled_index):
        column = reader.column_reader(SIGNATURE, translate=False)
        row = value_reads(column)
        for docnum in [*range(reader.doc_count_all()), reader.doc_count_all() + 3]:
            assert row(docnum) == column[docnum]


def test_other_columns_keep_their_own_reading(bundled_index):
    reader = _segments(bundled_index)[0]
    column = reader.column_reader(JALALI_DAY)
    assert value_reads(column)(0) == column[0]


def test_feedback_reads_an_articles_value_through_it(bundled_index):
    searcher = shared_searcher(bundled_index)
    for docnum in range(0, searcher.doc_count_all(), 13):
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            if offset <= docnum < offset + reader.doc_count_all():
                assert forward_value(searcher, docnum) == reader.column_reader(FORWARD, translate=False)[docnum - offset]
