"""What khabar may write or delete: only its own index folders, a swap that a kill
cannot lose, and no lock files left behind (issue 10, items 1, 3 and 13)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from khabar import cli
from khabar.indexer import store
from khabar.indexer.store import IndexMeta, building_dir, lock_path, retired_dir
from khabar.indexer.update import update_index

from conftest import doc_count


def run(*arguments: str):
    return CliRunner().invoke(cli.main, list(arguments))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# --- item 1: a folder that is not khabar's is never written to ------------------------------

def test_a_folder_with_other_files_is_refused_and_left_as_it_was(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "important.doc").write_text("notes\n")
    (tmp_path / "emptydir").mkdir()
    result = run("index", "--index", str(folder), str(tmp_path / "emptydir"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "not a khabar index" in result.stderr and "Traceback" not in result.stderr
    assert tree(folder) == {"important.doc": b"notes\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "emptydir"]  # no lock, no .building


def test_the_news_folder_itself_is_never_the_index(tmp_path, news_folder):
    before = tree(news_folder)
    for arguments in (["index", "--index", str(news_folder), str(news_folder)],
                      ["index", "--rebuild", "--index", str(news_folder), str(news_folder)]):
        result = run(*arguments)
        assert result.exit_code == 2, result.stderr
        assert tree(news_folder) == before


def test_a_copy_of_a_news_folder_is_not_replaced_by_an_index(tmp_path, news_folder):
    copy = tmp_path / "copy"
    shutil.copytree(news_folder, copy)
    with pytest.raises(store.NotAnIndex):
        update_index(copy, [news_folder])
    with pytest.raises(store.NotAnIndex):
        update_index(copy, [news_folder], rebuild=True)
    assert tree(copy) == tree(news_folder)


def test_an_empty_folder_becomes_an_index_and_is_marked(tmp_path, news_folder):
    folder = tmp_path / "made-by-hand"
    folder.mkdir()
    assert update_index(folder, [news_folder]).added == 5
    assert IndexMeta.load(folder) is not None  # the marker: khabar's from now on
    assert update_index(folder, [news_folder], rebuild=True).added == 5
    assert doc_count(folder) == 5


def test_a_file_given_as_the_index_is_refused(tmp_path, news_folder):
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    with pytest.raises(store.NotAnIndex):
        update_index(target, [news_folder])
    assert target.read_text() == "mine\n"


def test_a_linked_index_is_rebuilt_where_the_link_points(tmp_path, news_folder):
    real = tmp_path / "real"
    update_index(real, [news_folder])
    link = tmp_path / "link"
    link.symlink_to(real)
    assert update_index(link, [news_folder], rebuild=True).added == 5
    assert link.is_symlink() and doc_count(link) == 5 and doc_count(real) == 5


@pytest.mark.parametrize("only", ["building", "old"])
def test_a_rebuild_is_refused_before_it_starts_when_a_name_it_needs_is_taken(tmp_path, news_folder, only):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    beside = building_dir(index_dir) if only == "building" else retired_dir(index_dir)
    beside.mkdir()
    (beside / "keep.txt").write_text("mine\n")
    with pytest.raises(store.NotAnIndex, match="is in the way"):
        update_index(index_dir, None, rebuild=True)
    assert tree(beside) == {"keep.txt": b"mine\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["ix", "news", beside.name])


def test_folders_beside_the_index_that_are_not_khabars_are_left_alone(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    for beside in (building_dir(index_dir), retired_dir(index_dir)):
        beside.mkdir()
        (beside / "keep.txt").write_text("mine\n")
    # An update does not need those names: it works and leaves them.
    assert update_index(index_dir, [news_folder]).unchanged == 5
    # A rebuild needs them: it refuses, in one line, and touches nothing.
    result = run("index", "--rebuild", "--index", str(index_dir), str(news_folder))
    assert result.exit_code == 2 and "is in the way" in result.stderr
    for beside in (building_dir(index_dir), retired_dir(index_dir)):
        assert tree(beside) == {"keep.txt": b"mine\n"}
    assert doc_count(index_dir) == 5


@pytest.mark.parametrize("kind", ["file", "link", "folder"])
def test_a_lock_path_that_is_not_khabars_is_refused(tmp_path, news_folder, kind):
    index_dir = tmp_path / "ix"
    lock = lock_path(index_dir)
    if kind == "file":
        lock.write_text("someone's\n")
    elif kind == "link":
        lock.symlink_to(tmp_path / "elsewhere")
    else:
        lock.mkdir()
    with pytest.raises(store.NotAnIndex):
        update_index(index_dir, [news_folder])
    assert os.path.lexists(lock) and not (tmp_path / "elsewhere").exists()
    assert not index_dir.exists()


# --- item 3: a swap cut short is finished by the next reader or writer ------------------------

def cut_between_renames(monkeypatch) -> None:
    """Make a rebuild stop dead after the first rename of its swap (the index to
    NAME.old), as a kill there would."""
    real_rename = Path.rename

    def rename(self, target):
        moved = real_rename(self, target)
        if Path(target).name.endswith(".old"):
            raise SystemExit("killed")  # nothing in khabar catches it, as nothing survives SIGKILL
        return moved

    monkeypatch.setattr(Path, "rename", rename)


def rebuild_cut_short(tmp_path, news_folder, monkeypatch) -> Path:
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    (news_folder / "seed.txt").unlink()  # the rebuild has 4 articles, the old index 5
    cut_between_renames(monkeypatch)
    with pytest.raises(SystemExit):
        update_index(index_dir, None, rebuild=True)
    monkeypatch.undo()
    assert not index_dir.exists()
    assert building_dir(index_dir).is_dir() and retired_dir(index_dir).is_dir()
    return index_dir


def test_search_finishes_a_swap_cut_short(tmp_path, news_folder, monkeypatch):
    index_dir = rebuild_cut_short(tmp_path, news_folder, monkeypatch)
    result = run("search", "--index", str(index_dir), "--json", "پمپئو")
    assert result.exit_code in (0, 1), result.stderr
    assert doc_count(index_dir) == 4  # the rebuild was complete: it is the index now
    assert not building_dir(index_dir).exists()
    assert not lock_path(index_dir).exists()


def test_the_next_indexer_finishes_a_swap_cut_short_and_remembers_the_folders(tmp_path, news_folder, monkeypatch):
    index_dir = rebuild_cut_short(tmp_path, news_folder, monkeypatch)
    summary = update_index(index_dir, None)  # no folder named: they come from the recovered index
    assert (summary.added, summary.removed, summary.unchanged) == (0, 0, 4)
    assert IndexMeta.load(index_dir).roots == [str(news_folder)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix", "news"]  # .old and .building gone


def test_without_a_complete_rebuild_the_old_index_is_put_back(tmp_path, news_folder, monkeypatch):
    index_dir = rebuild_cut_short(tmp_path, news_folder, monkeypatch)
    shutil.rmtree(building_dir(index_dir))
    assert doc_count(index_dir) == 5


def test_an_unfinished_rebuild_is_never_swapped_in(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    update_index(tmp_path / "other", [news_folder])
    shutil.copytree(tmp_path / "other", building_dir(index_dir))
    meta = IndexMeta.load(building_dir(index_dir))
    meta.complete = False
    meta.save(building_dir(index_dir))
    index_dir.rename(retired_dir(index_dir))
    assert doc_count(index_dir) == 5  # the old one, back in place
    update_index(index_dir, None)
    assert not building_dir(index_dir).exists()  # a leftover: removed


def test_a_killed_build_leaves_nothing_the_next_run_keeps(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    leftover = building_dir(index_dir)
    leftover.mkdir()
    IndexMeta(complete=False).save(leftover)
    (leftover / "MAIN_abc.seg").write_bytes(b"x" * 100)
    update_index(index_dir, None)  # an incremental run, not only a rebuild, clears it
    assert not leftover.exists()


# --- item 13: no lock file stays beside an index -----------------------------------------------

def test_no_lock_file_is_left_after_any_run(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    assert run("index", "--index", str(index_dir), str(news_folder)).exit_code == 0
    assert run("index", "--index", str(index_dir)).exit_code == 0
    assert run("index", "--rebuild", "--index", str(index_dir)).exit_code == 0
    assert run("index", "--index", str(tmp_path / "never")).exit_code == 2  # nothing to index
    assert run("search", "--index", str(tmp_path / "never"), "x").exit_code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix", "news"]


def test_a_lock_left_by_a_killed_run_is_removed_by_the_next(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    lock_path(index_dir).touch()  # what an older khabar, or a killed run, left
    update_index(index_dir, None)
    assert not lock_path(index_dir).exists()


def test_the_lock_excludes_while_held_and_goes_with_its_holder(tmp_path):
    index_dir = tmp_path / "ix"
    with store.write_lock(index_dir):
        assert lock_path(index_dir).exists()
        with pytest.raises(store.IndexBusy):
            with store.write_lock(index_dir):
                pass
    assert not lock_path(index_dir).exists()
    with store.write_lock(index_dir):  # free again
        pass


def test_a_lock_removed_by_its_holder_while_another_opened_it_is_taken_again(tmp_path, monkeypatch):
    """The race of removing lock files: the second process locked a file its holder had
    just deleted. It must notice and lock the file that is there now."""
    index_dir = tmp_path / "ix"
    real_open = os.open
    opened = []

    def open_then_lose_it(path, flags, mode=0o777):
        fd = real_open(path, flags, mode)
        if not opened and str(path) == str(lock_path(index_dir)):
            os.unlink(path)  # the holder finished between our open and our flock
        opened.append(path)
        return fd

    monkeypatch.setattr(os, "open", open_then_lose_it)
    with store.write_lock(index_dir):
        assert len(opened) == 2
        assert lock_path(index_dir).exists()
