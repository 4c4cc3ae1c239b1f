"""indexer/var_columns.py: a segment's column values read in bulk equal Whoosh's own
column reader's, value for value, in every segment; and the incremental run's snapshot
built from them equals one built from Whoosh's readers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh.columns import CompressedBytesColumn, VarBytesColumn
from whoosh.fields import ID, STORED, Schema
from whoosh.filedb.filestore import RamStorage

from khabar.indexer.var_columns import raw_values, text_values
from khabar.indexer.schema import FILE_HASH, FILE_STAMP, PATH
from khabar.indexer.store import open_for_search
from khabar.indexer.update import update_index

from conftest import FIXTURES, ids_by_path

SNAPSHOT_COLUMNS = (PATH, FILE_STAMP, FILE_HASH, "id")


@pytest.fixture
def segmented_index(tmp_path, news_folder) -> Path:
    """A real index of several segments, some with deleted articles, under ASCII and
    Persian file names: the five text fixtures, then the JSON fixtures, then the CSV one
    (each run a segment of its own), then one file of each earlier run changed or deleted."""
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder], procs=1)
    shutil.copytree(FIXTURES / "json", news_folder / "جی‌سان", ignore=shutil.ignore_patterns("*.md"))
    update_index(index_dir, None, procs=1)
    shutil.copyfile(FIXTURES / "csv" / "farsnews-shape.csv", news_folder / "فارس.csv")
    update_index(index_dir, None, procs=1)
    seed = news_folder / "seed.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("رومشکان با تشکیل", "رومشکان با ایجاد", 1),
                    encoding="utf-8")
    (news_folder / "mashregh_1.txt").unlink()
    (news_folder / "جی‌سان" / "varzesh3.json").unlink()
    update_index(index_dir, None, procs=1)
    return index_dir


def _segments(index_dir: Path):
    ix = open_for_search(index_dir)
    searcher = ix.searcher()
    return ix, searcher, [segment for segment, _ in searcher.reader().leaf_readers()]


def test_every_segment_reads_as_whoosh_reads_it(segmented_index):
    ix, searcher, segments = _segments(segmented_index)
    try:
        # What the test is about: several segments, deletions in some, a non-ASCII value.
        assert len(segments) >= 3
        assert any(segment.has_deletions() for segment in segments)
        assert any(not path.isascii() for segment in segments for path in text_values(segment, PATH))
        for segment in segments:
            for name in SNAPSHOT_COLUMNS + ("source",):
                whoosh_raw = segment.column_reader(name, translate=False)
                whoosh_text = segment.column_reader(name)
                count = segment.doc_count_all()
                assert list(raw_values(segment, name)) == [whoosh_raw[n] for n in range(count)]
                assert list(text_values(segment, name)) == [whoosh_text[n] for n in range(count)]
    finally:
        searcher.close()
        ix.close()


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_chunk_edges_anywhere_cut_no_value(segmented_index, chunk):
    """Values of different lengths follow one another in a column's bytes: a chunk
    starting or ending one byte early or late would shift every value after it."""
    ix, searcher, segments = _segments(segmented_index)
    try:
        for segment in segments:
            for name in SNAPSHOT_COLUMNS:
                expected = list(segment.column_reader(name))
                assert len({len(value) for value in expected} | {0}) > 1 or len(expected) < 2
                assert list(text_values(segment, name, chunk=chunk)) == expected
                assert list(raw_values(segment, name, chunk=chunk)) == \
                    list(segment.column_reader(name, translate=False))
    finally:
        searcher.close()
        ix.close()


def _titles() -> list[str]:
    """Real titles of the text fixtures (their first lines), of different lengths."""
    titles = []
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        titles += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()[:40] if line.strip()]
    return titles


@pytest.mark.parametrize("cutoff", [2, 2**15], ids=["offsets-stored", "offsets-from-lengths"])
def test_both_var_bytes_layouts_and_a_segment_without_the_column(cutoff):
    """Whoosh writes a var-bytes column's offsets only past ``write_offsets_cutoff``
    documents; a segment whose documents have no value for the field has no column
    at all (Whoosh's multi-segment reader leaves such a segment out; read per segment,
    every document has the default)."""
    schema = Schema(key=ID(stored=True, sortable=VarBytesColumn(write_offsets_cutoff=cutoff)), note=STORED())
    ix = RamStorage().create_index(schema)
    titles = _titles()
    assert len(titles) > 10
    for part in (titles[: len(titles) // 2], [], titles[len(titles) // 2:]):
        with ix.writer() as writer:
            if not part:  # the segment without the column
                for n in range(3):
                    writer.add_document(note=n)
            for title in part:
                writer.add_document(key=title)
    with ix.writer() as writer:  # a deletion in the first segment
        writer.delete_by_term("key", titles[1])
    with ix.searcher() as searcher:
        segments = [segment for segment, _ in searcher.reader().leaf_readers()]
        assert len(segments) == 3 and segments[0].has_deletions()
        assert not segments[1].has_column("key")
        stored = [segment.column_reader("key", translate=False).had_stored_offsets
                  for segment in (segments[0], segments[2])]
        assert stored == [cutoff == 2] * 2
        values = [list(text_values(segment, "key", chunk=3)) for segment in segments]
        assert values == [titles[: len(titles) // 2], ["", "", ""], titles[len(titles) // 2:]]
        assert [list(raw_values(segment, "key")) for segment in segments] == \
            [[value.encode("utf-8") for value in part] for part in values]


def test_a_compressed_column_reads_its_values_not_its_compressed_bytes():
    schema = Schema(key=ID(stored=True, sortable=CompressedBytesColumn()))
    ix = RamStorage().create_index(schema)
    titles = _titles()
    with ix.writer() as writer:
        for title in titles:
            writer.add_document(key=title)
    with ix.searcher() as searcher:
        segment = searcher.reader()
        assert list(text_values(segment, "key")) == titles
        assert list(raw_values(segment, "key")) == [title.encode("utf-8") for title in titles]


def test_the_snapshot_of_a_segmented_index_drives_an_incremental_run_exactly(segmented_index, news_folder):
    """What the run's snapshot reads from the columns: every held file unchanged, by its
    stamp; a changed file's and a deleted file's articles dropped by their numbers, in a
    later segment and in a segment with deletions; an article held in another file known
    by its id."""
    held = ids_by_path(segmented_index)
    summary = update_index(segmented_index, None, procs=1)
    assert (summary.added, summary.updated, summary.removed, summary.duplicates) == (0, 0, 0, 0)
    assert summary.unchanged == len(held)
    csv, json_file = news_folder / "فارس.csv", news_folder / "جی‌سان" / "fars-news.json"
    assert len(held[str(csv)]) > 1 and len(held[str(json_file)]) > 1
    text = csv.read_text(encoding="utf-8")
    assert "قیمت سکه" in text
    csv.write_text(text.replace("قیمت سکه", "بهای سکه", 1), encoding="utf-8")
    json_file.unlink()
    shutil.copyfile(FIXTURES / "text" / "tabnak_data_1347.txt", news_folder / "جی‌سان" / "again.txt")
    summary = update_index(segmented_index, None, procs=1)
    after = ids_by_path(segmented_index)
    assert summary.duplicates >= 1 and str(news_folder / "جی‌سان" / "again.txt") not in after
    assert summary.removed == len(held[str(json_file)])
    assert summary.updated == len(after[str(csv)]) == len(held[str(csv)])
    assert after == {path: ids for path, ids in held.items() if path != str(json_file)}
