"""An incremental run keeps the digests of the index's article ids beside it
(indexer/id_digests.py), tied to the commit: the next run hashes only the ids of
segments new since then; a file that is missing, cut short or of another commit
is not used, and the ids are hashed from the index, with the same index after."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.indexer import id_digests, update
from khabar.indexer.update import update_index

from conftest import ids_by_path, real_articles, write_articles


@pytest.fixture
def indexed(tmp_path) -> tuple[Path, Path]:
    """(index, corpus): one file per article, built, then one incremental run (which keeps the digests)."""
    corpus = tmp_path / "corpus"
    for number, article in enumerate(real_articles()):
        write_articles(corpus / f"a{number:02d}.jsonl", [article])
    index_dir = tmp_path / "ix"
    update_index(index_dir, [corpus])
    update_index(index_dir)
    assert (index_dir / id_digests.FILE).is_file()
    return index_dir, corpus


@pytest.fixture
def hashed(monkeypatch) -> list[int]:
    """The segments (their document counts) whose ids a run's snapshot hashed from the index."""
    counts: list[int] = []
    real_snapshot, real_of_segment = update._snapshot, id_digests.of_segment
    in_snapshot = []

    def snapshot(*args):
        in_snapshot.append(True)
        try:
            return real_snapshot(*args)
        finally:
            in_snapshot.pop()

    def of_segment(segment, *args):
        if in_snapshot:
            counts.append(segment.doc_count_all())
        return real_of_segment(segment, *args)

    monkeypatch.setattr(update, "_snapshot", snapshot)
    monkeypatch.setattr(id_digests, "of_segment", of_segment)
    return counts


def held_segments(index_dir: Path) -> tuple[int, int]:
    """How many segments the index has, and documents in them (deleted ones included)."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(index_dir), supports_mmap=False, readonly=True).open_index()
    try:
        with ix.reader() as reader:
            return len(reader.leaf_readers()), reader.doc_count_all()
    finally:
        ix.close()


def change_and_copy(corpus: Path) -> None:
    """One article edited, and a file holding a copy of another (a duplicate, found by its id's digest)."""
    articles = real_articles()
    write_articles(corpus / "a00.jsonl", [{**articles[0], "body": articles[0]["body"] + "\nیک جمله افزوده."}])
    write_articles(corpus / "copy.jsonl", [articles[1]])


def fresh_build(tmp_path: Path, corpus: Path) -> dict[str, set[str]]:
    fresh = tmp_path / "fresh"
    update_index(fresh, [corpus])
    return ids_by_path(fresh)


def test_kept_digests_are_used_and_the_index_is_as_a_fresh_build(tmp_path, indexed, hashed):
    index_dir, corpus = indexed
    change_and_copy(corpus)
    summary = update_index(index_dir)
    assert (summary.updated, summary.duplicates) == (1, 1)  # the copy found by its kept digest
    assert hashed == []
    assert ids_by_path(index_dir) == fresh_build(tmp_path, corpus)
    assert id_digests.load(index_dir)  # kept for the commit just made
    update_index(index_dir)  # and used: nothing hashed again
    assert hashed == []


@pytest.mark.parametrize("spoil", ["missing", "other commit", "cut short"])
def test_digests_not_of_this_commit_are_hashed_again(tmp_path, indexed, hashed, monkeypatch, spoil):
    index_dir, corpus = indexed
    digests = index_dir / id_digests.FILE
    if spoil == "missing":
        digests.unlink()
    elif spoil == "cut short":
        digests.write_bytes(digests.read_bytes()[:-8])
    else:  # a commit made without keeping them (a run killed just after its commit)
        with monkeypatch.context() as patch:
            patch.setattr(update, "_keep_digests", lambda *args: None)
            write_articles(corpus / "new.jsonl", [{"id": "another", "title": "تیتر", "body": "متنی دیگر برای نمایه."}])
            update_index(index_dir)
        assert digests.is_file()
    assert id_digests.load(index_dir) == {}
    hashed.clear()
    segments, articles = held_segments(index_dir)
    change_and_copy(corpus)
    summary = update_index(index_dir)
    assert (summary.updated, summary.duplicates) == (1, 1)
    assert (len(hashed), sum(hashed)) == (segments, articles)  # every segment's ids hashed again
    assert ids_by_path(index_dir) == fresh_build(tmp_path, corpus)
    assert id_digests.load(index_dir)  # kept again, for the commit just made
