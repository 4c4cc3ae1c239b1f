"""Variable-length columns opened with their value starts summed at once (indexer/var_columns.py):
the same values as Whoosh's own readers, for columns with and without stored starts, with and
without numpy loaded."""

from __future__ import annotations

import sys
from array import array

import pytest
from whoosh.codec.whoosh3 import STORED_COLUMN, W3PerDocReader
from whoosh.columns import CompressedBytesColumn, PickleColumn, VarBytesColumn
from whoosh.filedb.filestore import RamStorage

from khabar.indexer.codec import KhabarPerDocReader
from khabar.indexer.schema import FORWARD
from khabar.indexer.var_columns import SummedCompressedBytesReader, SummedVarBytesReader, summed_reader, value_starts
from khabar.search.searchers import shared_searcher

from conftest import bundled_documents

WITHOUT_NUMPY = pytest.param(True, id="without-numpy")
WITH_NUMPY = pytest.param(False, id="with-numpy")


@pytest.fixture(params=[WITH_NUMPY, WITHOUT_NUMPY])
def numpy_hidden(request, monkeypatch) -> bool:
    import numpy  # noqa: F401  (loaded, then hidden for the without-numpy case)

    if request.param:  # as not imported: an import of it would fail, not load a second copy
        monkeypatch.setitem(sys.modules, "numpy", None)
    return request.param


def bodies() -> list[bytes]:
    """Real article text, some empty (an article without a value in the column)."""
    texts = [doc.get("body", "").encode("utf-8") for doc in bundled_documents(40)]
    return [b"" if i % 7 == 3 else text for i, text in enumerate(texts)]


def written(column, values: list, doccount: int):
    """``values`` written through Whoosh's writer for ``column``, at every other document."""
    storage = RamStorage()
    out = storage.create_file("column")
    writer = column.writer(out)
    for i, value in enumerate(values):
        writer.add(2 * i, value)
    writer.finish(doccount)
    length = out.tell()
    out.close()
    return storage.open_file("column"), length


@pytest.mark.parametrize("column", [
    VarBytesColumn(),  # starts worked out as the column opens
    VarBytesColumn(write_offsets_cutoff=0),  # starts stored (Whoosh does so past 32,768 documents)
    CompressedBytesColumn(),
], ids=["bare", "stored-starts", "compressed"])
def test_values_are_whooshs(column, numpy_hidden):
    values = bodies()
    doccount = 2 * len(values) + 3  # documents past the last value hold none
    dbfile, length = written(column, values, doccount)
    ours, whooshs = summed_reader(column, dbfile, 0, length, doccount), column.reader(dbfile, 0, length, doccount)
    assert type(ours) is not type(whooshs)
    assert [ours[d] for d in range(doccount)] == [whooshs[d] for d in range(doccount)]
    assert ours[2]
    assert ours._offsets == whooshs._offsets and ours._offsets.typecode == whooshs._offsets.typecode


def test_stored_fields_column_is_whooshs(numpy_hidden):
    docs = bundled_documents(12)
    column = STORED_COLUMN
    dbfile, length = written(column, docs, 2 * len(docs))
    ours = summed_reader(column, dbfile, 0, length, 2 * len(docs))
    assert isinstance(ours, PickleColumn.Reader)
    assert [ours[2 * i] for i in range(len(docs))] == docs
    assert ours[1] is None  # no stored fields: what Whoosh's reader gives


def test_other_columns_are_left_to_whoosh():
    from whoosh.columns import NumericColumn

    assert summed_reader(NumericColumn("I"), None, 0, 0, 0) is None


@pytest.mark.parametrize("typecode", ["B", "H", "I", "L"])
def test_value_starts_are_the_running_sums(typecode, numpy_hidden):
    lengths = array(typecode, [0, 5, 0, 0, 200, 1, 255])
    assert list(value_starts(lengths)) == [0, 0, 5, 5, 5, 205, 206]
    assert value_starts(array(typecode)) == array("L")
    assert value_starts(array(typecode, [9])) == array("L", [0])


def test_an_index_opens_its_columns_so_and_reads_what_whoosh_reads(bundled_index, numpy_hidden):
    searcher = shared_searcher(bundled_index)
    checked = 0
    for subsearcher, _ in searcher.leaf_searchers():
        perdoc = subsearcher.reader()._perdoc
        assert isinstance(perdoc, KhabarPerDocReader)
        for name, column in (("_stored", STORED_COLUMN), (FORWARD, searcher.schema[FORWARD].column_type)):
            ours, whooshs = perdoc.column_reader(name, column), W3PerDocReader.column_reader(perdoc, name, column)
            inner = ours._child if isinstance(ours, PickleColumn.Reader) else ours
            assert isinstance(inner, (SummedVarBytesReader, SummedCompressedBytesReader))
            count = perdoc.doc_count_all()
            assert [ours[d] for d in range(count)] == [whooshs[d] for d in range(count)]
            checked += count
    assert checked == 2 * searcher.doc_count_all() > 0

