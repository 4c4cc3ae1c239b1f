"""khabar index remembers the files whose articles are all held from other files
(indexer/duplicate_files.py): an unchanged one is not read again, and it is read,
and indexed, once the file holding its originals is deleted or changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from khabar.indexer import duplicate_files, update
from khabar.indexer.update import update_index

from conftest import doc_count, ids_by_path, real_articles, write_articles


@pytest.fixture
def corpus(tmp_path) -> Path:
    """``originals.jsonl`` with every article, ``copies/copy.jsonl`` with two of them."""
    folder = tmp_path / "corpus"
    articles = real_articles()
    write_articles(folder / "originals.jsonl", articles)
    write_articles(folder / "copies" / "copy.jsonl", articles[:2])
    return folder


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The paths the runs read (few files: read in this process)."""
    read: list[str] = []
    real = update._read_one

    def read_one(item):
        read.append(item[0])
        return real(item)

    monkeypatch.setattr(update, "_read_one", read_one)
    return read


def copy_path(corpus: Path) -> str:
    return str(corpus / "copies" / "copy.jsonl")


def test_an_unchanged_duplicate_only_file_is_not_read_again(tmp_path, corpus, reads):
    index_dir = tmp_path / "ix"
    first = update_index(index_dir, [corpus])
    assert (first.added, first.duplicates) == (len(real_articles()), 2)
    assert copy_path(corpus) in reads
    held = ids_by_path(index_dir)
    reads.clear()
    summary = update_index(index_dir, None)
    assert reads == []
    assert (summary.added, summary.duplicates, summary.unchanged, summary.removed) == (0, 0, 2, 0)
    assert ids_by_path(index_dir) == held  # the index holds what it held


def test_deleting_the_originals_indexes_the_copies(tmp_path, corpus, reads):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [corpus])
    update_index(index_dir, None)
    reads.clear()
    (corpus / "originals.jsonl").unlink()
    summary = update_index(index_dir, None)
    assert reads == [copy_path(corpus)]
    assert (summary.removed, summary.added, summary.duplicates) == (len(real_articles()), 2, 0)
    assert ids_by_path(index_dir) == {copy_path(corpus): {"fixture-0", "fixture-1"}}


def test_changing_the_originals_indexes_the_copies_they_no_longer_hold(tmp_path, corpus, reads):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [corpus])
    originals = corpus / "originals.jsonl"
    write_articles(originals, real_articles()[1:])  # fixture-0 is no longer there
    reads.clear()
    summary = update_index(index_dir, None)
    assert reads == [str(originals), copy_path(corpus)]
    held = ids_by_path(index_dir)
    assert held[copy_path(corpus)] == {"fixture-0"}  # fixture-1 is still held by the originals
    assert "fixture-1" in held[str(originals)]
    assert summary.duplicates == 1
    reads.clear()
    update_index(index_dir, None)
    assert reads == []  # the copy now holds an article: an indexed file, unchanged


def test_a_changed_duplicate_only_file_is_read_again(tmp_path, corpus, reads):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [corpus])
    copy = Path(copy_path(corpus))
    write_articles(copy, real_articles()[:3] + [{"id": "new", "title": "خبر تازه", "body": real_articles()[3]["body"]}])
    reads.clear()
    summary = update_index(index_dir, None)
    assert reads == [str(copy)]
    assert (summary.added, summary.duplicates) == (1, 3)
    assert ids_by_path(index_dir)[str(copy)] == {"new"}


def test_a_list_of_another_commit_is_not_used(tmp_path, corpus, reads):
    """As after a run killed between its commit and the list: the files are read again."""
    index_dir = tmp_path / "ix"
    update_index(index_dir, [corpus])
    listed = index_dir / duplicate_files.FILE
    kept = json.loads(listed.read_text(encoding="utf-8"))
    assert kept["files"] == {copy_path(corpus): [kept["files"][copy_path(corpus)][0], ["fixture-0", "fixture-1"]]}
    kept["commit"] = "_MAIN_1.toc:0"
    listed.write_text(json.dumps(kept), encoding="utf-8")
    reads.clear()
    summary = update_index(index_dir, None)
    assert reads == [copy_path(corpus)] and summary.duplicates == 2
    reads.clear()
    update_index(index_dir, None)  # remembered again, at the new commit
    assert reads == []


def test_an_index_without_the_list_works_as_before(tmp_path, corpus, reads):
    """Older indexes have no list: the first run reads the copies, as before, then remembers them."""
    index_dir = tmp_path / "ix"
    update_index(index_dir, [corpus])
    os.unlink(index_dir / duplicate_files.FILE)
    count = doc_count(index_dir)
    reads.clear()
    summary = update_index(index_dir, None)
    assert reads == [copy_path(corpus)] and summary.duplicates == 2
    assert doc_count(index_dir) == count
    assert (index_dir / duplicate_files.FILE).is_file()


def test_a_file_with_a_problem_is_not_remembered(tmp_path, corpus, reads):
    """Its problem is reported on every run, as before."""
    index_dir = tmp_path / "ix"
    copy = Path(copy_path(corpus))
    copy.write_text(copy.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    update_index(index_dir, [corpus])
    reads.clear()
    problems: list[str] = []
    update_index(index_dir, None, on_problem=problems.append)
    assert reads == [str(copy)] and problems


def test_a_folder_not_walked_keeps_its_files_remembered_until_forgotten(tmp_path, corpus, reads):
    index_dir = tmp_path / "ix"
    other = tmp_path / "other"
    write_articles(other / "more.jsonl", [{"id": "more", "title": "خبر", "body": real_articles()[4]["body"]}])
    update_index(index_dir, [corpus, other])
    update_index(index_dir, [other])  # only the other folder named this time
    reads.clear()
    update_index(index_dir, None)
    assert reads == []
    update_index(index_dir, None, forget=[corpus])
    listed = json.loads((index_dir / duplicate_files.FILE).read_text(encoding="utf-8"))
    assert listed["files"] == {}
