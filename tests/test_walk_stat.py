"""The walk stats each article file once: an incremental run takes the size and mtime it
compares (the file's stamp) from the stat that found the file regular."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from khabar.indexer.readers import ignored_kind, name_kind
from khabar.indexer.update import update_index
from khabar.indexer.walk import article_files, stated_article_files

from conftest import FIXTURES


def _counting_stats(monkeypatch) -> list[str]:
    """Every path ``os.stat`` is asked about from now on (``Path.stat`` and
    ``os.path.isfile`` call it too)."""
    asked: list[str] = []
    real = os.stat

    def stat(path, *args, **kwargs):
        asked.append(os.fspath(path) if not isinstance(path, int) else "")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    return asked


def test_an_incremental_run_stats_each_article_file_once(tmp_path, news_folder, monkeypatch):
    (news_folder / "README.md").write_text("notes", encoding="utf-8")  # ignored: no stamp
    update_index(tmp_path / "ix", [news_folder], procs=1)
    seed = news_folder / "seed.txt"
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 10**9))  # touched: read, same content
    articles = sorted(str(path) for path in news_folder.glob("*.txt"))
    asked = _counting_stats(monkeypatch)
    summary = update_index(tmp_path / "ix", None, procs=1)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, len(articles))
    # Once each by the walk; the first file once more, by the check that the folder holds
    # an article at all (an unmounted share is not "every file deleted").
    assert {path: asked.count(path) for path in articles} == {**dict.fromkeys(articles, 1), articles[0]: 2}
    # The touched file's new stamp is what the run compares: the next run reads nothing.
    asked.clear()
    again = update_index(tmp_path / "ix", None, procs=1)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(articles))


def test_the_stat_given_is_the_files_own(tmp_path):
    """Regular files and a link to one come with their stat (the link's target's);
    everything with a problem with none; and the pairs are the walk's own."""
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    for path in sorted((FIXTURES / "text").glob("*.txt"))[:2]:
        shutil.copyfile(path, folder / path.name)
    shutil.copyfile(FIXTURES / "json" / "varzesh3.json", folder / "sub" / "ورزش.json")
    (folder / "link.txt").symlink_to(folder / "seed.txt")
    (folder / "nothing.txt").symlink_to(folder / "gone.txt")
    (folder / "LICENSE").write_text("notes", encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.txt")
    named = folder / "sub" / "ورزش.json"
    stated = list(stated_article_files([folder, named]))
    assert [(path, problem) for path, problem, _ in stated] == list(article_files([folder, named]))
    regular = {str(path) for path, problem, _ in stated if problem is None}
    assert regular == {str(folder / "seed.txt"), str(folder / "link.txt"), str(named),
                       str(next(p for p in folder.glob("*.txt") if p.name not in ("seed.txt", "link.txt",
                                                                                   "nothing.txt", "pipe.txt")))}
    for path, problem, found in stated:
        if problem is None:
            own = os.stat(path)
            assert (found.st_ino, found.st_size, found.st_mtime_ns) == (own.st_ino, own.st_size, own.st_mtime_ns)
        else:
            assert found is None
    assert any(problem for _, problem, _ in stated)  # the dangling link (and the pipe)


@pytest.mark.parametrize("name", ["a.txt", "A.TXT", "news.json.gz", "a.pdf.gz", "README", "readme.md", "SOURCE.txt",
                                  "LICENSE", "x", "x.", "a..txt", "..a.txt", "a.txt ", "a. txt", "خبر.jsonl",
                                  "archive.tar.gz", "a.verylongsuffix", "notes.TXT.gz"])
def test_a_name_has_the_kind_of_its_path(name):
    assert name_kind(name) == ignored_kind(Path("/news", name)) == ignored_kind(Path("/news", "sub", name))
