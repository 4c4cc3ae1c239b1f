"""khabar index: incremental updates, deletes, bad files, interruption and locking."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from khabar.indexer.store import IndexMeta, open_for_search
from khabar.indexer.update import IndexBusy, NothingToIndex, update_index

from conftest import FIXTURES, doc_count, ids_by_path


def titles(index_dir: Path) -> set[str]:
    ix = open_for_search(index_dir)
    try:
        with ix.searcher() as searcher:
            return {fields["title"] for fields in searcher.all_stored_fields()}
    finally:
        ix.close()


def test_first_run_indexes_every_article(tmp_path, news_folder):
    summary = update_index(tmp_path / "ix", [news_folder])
    assert (summary.added, summary.skipped, summary.removed) == (5, 0, 0)
    assert doc_count(tmp_path / "ix") == 5


def test_second_run_changes_nothing(tmp_path, news_folder):
    update_index(tmp_path / "ix", [news_folder])
    summary = update_index(tmp_path / "ix", [news_folder])
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 5)


def test_touched_file_with_same_content_is_not_reindexed(tmp_path, news_folder):
    update_index(tmp_path / "ix", [news_folder])
    os.utime(news_folder / "seed.txt", (1, 1))
    summary = update_index(tmp_path / "ix", [news_folder])
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 5)


def test_changed_new_and_deleted_files(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    seed = news_folder / "seed.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("رومشکان با تشکیل", "رومشکان با ایجاد", 1), encoding="utf-8")
    (news_folder / "mashregh_1.txt").unlink()
    (news_folder / "more.jsonl").write_text(
        json.dumps({"title": "خبر تازه درباره بورس", "body": "شاخص بورس امروز بالا رفت.", "date": "1399/03/01"},
                   ensure_ascii=False) + "\n", encoding="utf-8")
    summary = update_index(index_dir, None)  # the folders indexed before
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 1, 1, 3)
    assert doc_count(index_dir) == 5
    assert any("با ایجاد" in title for title in titles(index_dir))
    assert "راز رگبار سردرگم پمپئو" not in titles(index_dir)


def test_a_folder_that_is_gone_keeps_its_articles_until_forgotten(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(FIXTURES / "text" / "seed.txt", other / "seed-copy.txt")
    update_index(index_dir, [news_folder])
    # The same article under another file is indexed once.
    summary = update_index(index_dir, [other])
    assert summary.duplicates == 1 and summary.added == 0
    shutil.rmtree(news_folder)  # as an unplugged disk looks
    summary = update_index(index_dir, None)
    assert summary.removed == 0
    assert [(kept.path, kept.articles, kept.empty) for kept in summary.kept] == [(str(news_folder), 5, False)]
    assert doc_count(index_dir) == 5
    assert IndexMeta.load(index_dir).roots == sorted([str(news_folder), str(other)])
    # Forgotten when asked: its articles go, and the copy left out as a
    # duplicate now stands in for the original.
    summary = update_index(index_dir, None, forget=[news_folder])
    assert (summary.removed, summary.added, summary.kept) == (5, 1, [])
    assert doc_count(index_dir) == 1
    assert IndexMeta.load(index_dir).roots == [str(other)]


def test_bad_files_are_named_and_the_rest_is_indexed(tmp_path, news_folder):
    (news_folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (news_folder / "empty.html").write_bytes(b"")
    (news_folder / "broken.html").write_bytes(b"<html><head><title>")
    (news_folder / "bad.jsonl").write_text('{"title": "خبر درست", "body": "متن خبر"}\n{not json\n', encoding="utf-8")
    for page in ("cp1256_declared.html", "cp1256_undeclared.html"):
        if (FIXTURES / "html" / page).exists():
            shutil.copyfile(FIXTURES / "html" / page, news_folder / page)
    problems: list[str] = []
    summary = update_index(tmp_path / "ix", [news_folder], on_problem=problems.append)
    named = {Path(line.split(":")[0]).name for line in problems}
    assert {"photo.txt", "empty.html", "broken.html", "bad.jsonl"} <= named
    assert all("\n" not in line for line in problems)
    good = 5 + 1 + sum((news_folder / p).exists() for p in ("cp1256_declared.html", "cp1256_undeclared.html"))
    assert summary.added == good
    assert doc_count(tmp_path / "ix") == good


def test_a_file_named_directly_must_be_an_article_file(tmp_path, news_folder):
    (news_folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    problems: list[str] = []
    summary = update_index(tmp_path / "ix", [news_folder / "notes.pdf", news_folder / "seed.txt"],
                           on_problem=problems.append)
    assert summary.added == 1 and summary.skipped == 1
    assert "not an article file type" in problems[0]


def test_interrupted_run_leaves_the_previous_index(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    (news_folder / "seed.txt").write_text("پیام آذری\nعنوان دیگر\n\nمتن دیگر برای خبر\n", encoding="utf-8")

    def interrupt(total):
        def tick(n):
            raise KeyboardInterrupt
        return tick

    with pytest.raises(KeyboardInterrupt):
        update_index(index_dir, [news_folder], progress=interrupt)
    assert doc_count(index_dir) == 5
    assert "عنوان دیگر" not in titles(index_dir)
    # No lock is left behind: the next run completes.
    summary = update_index(index_dir, [news_folder])
    assert summary.updated == 1


def test_interrupted_rebuild_keeps_the_old_index(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])

    def interrupt(total):
        def tick(n):
            raise KeyboardInterrupt
        return tick

    with pytest.raises(KeyboardInterrupt):
        update_index(index_dir, [news_folder], rebuild=True, progress=interrupt)
    assert doc_count(index_dir) == 5
    assert not (tmp_path / "ix.building").exists()


def test_second_indexer_gets_a_clear_message(tmp_path, news_folder):
    from khabar.indexer.store import write_lock

    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    with write_lock(index_dir):  # as a running `khabar index` holds it
        with pytest.raises(IndexBusy, match="another khabar process is writing"):
            update_index(index_dir, [news_folder])
        with pytest.raises(IndexBusy):
            update_index(index_dir, [news_folder], rebuild=True)


def test_another_whoosh_writer_is_reported_too(tmp_path, news_folder):
    from whoosh.index import open_dir

    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    writer = open_dir(str(index_dir)).writer()
    try:
        with pytest.raises(IndexBusy, match="writing to the index"):
            update_index(index_dir, [news_folder])
    finally:
        writer.cancel()


def test_index_of_another_schema_version_is_rebuilt(tmp_path, news_folder):
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    meta = IndexMeta.load(index_dir)
    meta.schema_version = 0
    meta.save(index_dir)
    summary = update_index(index_dir, None)
    assert "another version" in summary.rebuilt_because
    assert summary.added == 5
    assert IndexMeta.load(index_dir).schema_version > 0


def test_nothing_to_index_without_folders(tmp_path):
    with pytest.raises(NothingToIndex):
        update_index(tmp_path / "ix", None)


def test_killed_indexer_leaves_a_usable_index(tmp_path, news_folder):
    import signal
    import subprocess
    import sys
    import time

    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    bundled = Path(__file__).resolve().parents[1] / "corpus" / "ir-news"
    shutil.copytree(bundled, news_folder / "more")
    process = subprocess.Popen(
        [sys.executable, "-c", "from khabar import cli; cli.main()", "index", "-q", "--index", str(index_dir)],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # Kill it while it writes: Whoosh's temporary folder exists from the
    # writer's creation to its commit; reading and indexing 300 articles
    # takes over a second after that.
    deadline = time.monotonic() + 60
    while not (index_dir / "MAIN.tmp").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    finished_early = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    process.wait()
    if finished_early:
        pytest.skip("the indexer finished before it could be killed")
    assert doc_count(index_dir) == 5
    summary = update_index(index_dir, None)
    assert summary.added + summary.duplicates == 300  # some fixtures are in the corpus too
    assert doc_count(index_dir) == 5 + summary.added


def test_removed_counts_articles_not_files(tmp_path, news_folder):
    lines = [json.dumps({"title": f"خبر {n}", "body": f"متن خبر شماره {n} درباره بورس", "id": f"j{n}"},
                        ensure_ascii=False) for n in range(3)]
    (news_folder / "three.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    assert update_index(index_dir, [news_folder]).added == 8
    (news_folder / "three.jsonl").unlink()
    summary = update_index(index_dir, None)
    assert summary.removed == 3
    assert doc_count(index_dir) == 5


def _ids_by_name(index_dir: Path) -> dict[str, set[str]]:
    return {Path(path).name: ids for path, ids in ids_by_path(index_dir).items()}


@pytest.mark.parametrize("writers", [False, True], ids=["this-process", "writer-processes"])
def test_changed_and_deleted_files_drop_exactly_their_articles_in_any_segment(tmp_path, news_folder, monkeypatch,
                                                                               writers):
    """A changed or deleted file's articles are dropped by the numbers the index holds
    them under: in the first segment or a later one, files of one article or of several,
    and nothing of the files beside them; written here or by writer processes (what an
    incremental run with much to read starts)."""
    from khabar.indexer import update

    if writers:
        monkeypatch.setattr(update, "PARALLEL_MIN_BYTES", 0)
    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    for run in range(2):  # a later segment each, with a file of three articles
        _jsonl(news_folder, f"run-{run}.jsonl", [
            {"id": f"r{run}-{n}", "title": f"خبر {n} از دور {run}", "body": f"متن خبر {n} درباره بورس تهران"}
            for n in range(3)])
        update_index(index_dir, None)
    before = _ids_by_name(index_dir)
    assert len(before) == 7 and sum(map(len, before.values())) == 11
    # Changed: one file of the first segment, the middle article of a later file; deleted:
    # another file of the first segment and the other later file.
    seed = news_folder / "seed.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("رومشکان با تشکیل", "رومشکان با ایجاد", 1), encoding="utf-8")
    _jsonl(news_folder, "run-0.jsonl", [
        {"id": "r0-0", "title": "خبر 0 از دور 0", "body": "متن خبر 0 درباره بورس تهران"},
        {"id": "r0-new", "title": "خبر تازه", "body": "متنی تازه درباره بورس"},
        {"id": "r0-2", "title": "خبر 2 از دور 0", "body": "متن خبر 2 درباره بورس تهران"}])
    (news_folder / "mashregh_1.txt").unlink()
    (news_folder / "run-1.jsonl").unlink()
    summary = update_index(index_dir, None)
    assert (summary.updated, summary.removed) == (4, 4)
    after = _ids_by_name(index_dir)
    expected = {name: ids for name, ids in before.items() if name not in ("mashregh_1.txt", "run-1.jsonl")}
    expected["run-0.jsonl"] = {"r0-0", "r0-new", "r0-2"}
    assert after == expected
    assert doc_count(index_dir) == 7  # 11 less the 4 deleted


def test_small_segments_of_updates_are_merged_and_the_large_one_kept(tmp_path, news_folder):
    from whoosh.index import open_dir

    index_dir = tmp_path / "ix"
    update_index(index_dir, [news_folder])
    first = [segment.segment_id() for segment in open_dir(str(index_dir))._segments()]
    for n in range(5):  # each run adds one article: a segment of its own
        article = {"title": f"خبر تازه {n}", "body": f"متن خبر شماره {n} درباره بورس تهران", "id": f"new-{n}"}
        (news_folder / f"new-{n}.jsonl").write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
        update_index(index_dir, None)
    segments = open_dir(str(index_dir))._segments()
    # Runs 1-4 left four one-article segments; run 5 copied them into one (indexer/merge.py)
    # beside its own.
    assert [segment.doc_count_all() for segment in segments] == [5, 4, 1]
    assert segments[0].segment_id() == first[0]
    assert doc_count(index_dir) == 10


# --- one article's failure costs that article only (issue 10: per-article containment) -------

def _jsonl(folder: Path, name: str, articles: list[dict]) -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


THREE = [
    {"id": "c1", "title": "خبر یکم", "body": "متن نخست درباره بورس", "date": "1399/03/01"},
    {"id": "c2", "title": "خبر دوم", "body": "متن دوم درباره کرونا", "date": "1329/01/01"},  # 1950: the one that fails
    {"id": "c3", "title": "خبر سوم", "body": "متن سوم درباره تعاونی", "date": "1399/03/03"},
]


@pytest.fixture
def dates_of_1950_fail(monkeypatch):
    from khabar.indexer import schema

    real = schema.jalali_day

    def jalali_day(moment):
        if moment.year == 1950:
            raise ValueError("no such day")
        return real(moment)

    monkeypatch.setattr(schema, "jalali_day", jalali_day)


@pytest.mark.parametrize("incremental", [False, True], ids=["first-run", "incremental"])
def test_an_article_whose_date_fails_is_named_and_the_rest_indexed(tmp_path, news_folder, dates_of_1950_fail,
                                                                  incremental):
    index_dir = tmp_path / "ix"
    if incremental:
        update_index(index_dir, [news_folder])
    path = _jsonl(news_folder, "three.jsonl", THREE)
    problems: list[str] = []
    summary = update_index(index_dir, [news_folder], on_problem=problems.append)
    assert problems == [f"{path}#L2: could not index: ValueError: no such day"]
    assert (summary.added, summary.skipped) == ((2, 1) if incremental else (7, 1))
    assert doc_count(index_dir) == 7
    assert "خبر دوم" not in titles(index_dir)


def test_an_article_whose_analysis_fails_leaves_no_trace(tmp_path, news_folder, monkeypatch):
    """Its title fails after its body and combined text were analysed: none of their
    words may stay behind (Whoosh's add_document would credit them to the next article)."""
    from khabar.indexer.codec import CompactPositions

    real = CompactPositions.word_values

    def word_values(self, value, analyzer, **kwargs):
        if value == "خبر دوم":
            raise RuntimeError("the analyser broke")
        return real(self, value, analyzer, **kwargs)

    monkeypatch.setattr(CompactPositions, "word_values", word_values)
    path = _jsonl(news_folder, "three.jsonl", THREE)
    problems: list[str] = []
    summary = update_index(tmp_path / "ix", [news_folder], on_problem=problems.append)
    assert problems == [f"{path}#L2: could not index: RuntimeError: the analyser broke"]
    assert summary.added == 7
    ix = open_for_search(tmp_path / "ix")
    try:
        from whoosh.query import Term

        with ix.searcher() as searcher:
            assert searcher.doc_count() == 7
            # "کرونا" is only in the failed article's body (the fixtures say "کرونا" nowhere else).
            hits = [searcher.stored_fields(doc)["id"] for doc in searcher.search(Term("all", "کرونا"), limit=None).docs()]
            assert "c3" not in hits and "c2" not in hits
            assert [searcher.stored_fields(d)["id"] for d in searcher.search(Term("all", "تعاونی"), limit=None).docs()
                    if searcher.stored_fields(d)["id"].startswith("c")] == ["c3"]
    finally:
        ix.close()


def test_an_article_that_fails_in_a_segment_worker_is_named_and_the_rest_indexed(tmp_path, monkeypatch):
    """A first run of 301 files writes its segments in worker processes: an article
    whose field Whoosh cannot take fails there, and only it is left out."""
    from khabar.indexer import schema

    real = schema.jalali_day
    # Out of the 32-bit field's range: the failure happens in the worker, at analysis.
    monkeypatch.setattr(schema, "jalali_day", lambda moment: 2**40 if moment.year == 1950 else real(moment))
    folder = tmp_path / "news"
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus" / "ir-news", folder)
    path = _jsonl(folder, "three.jsonl", THREE)
    problems: list[str] = []
    summary = update_index(tmp_path / "ix", [folder], on_problem=problems.append)
    assert problems == [f"{path}#L2: could not index: ValueError: Numeric field value 1099511627776 "
                        "out of range [0, 4294967295]"]
    assert (summary.added, summary.skipped) == (302, 1)
    assert doc_count(tmp_path / "ix") == 302


def test_a_fifo_is_never_opened_for_reading(tmp_path, news_folder):
    """A FIFO named like an article would block the run forever on open (a
    subprocess, so that a regression fails the test instead of hanging it)."""
    import subprocess
    import sys

    os.mkfifo(news_folder / "pipe.txt")
    run = subprocess.run([sys.executable, "-c", "from khabar import cli; cli.main()", "index", "-q",
                          "--index", str(tmp_path / "ix"), str(news_folder / "pipe.txt"), str(news_folder / "seed.txt")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "pipe.txt" in run.stderr and "added 1," in run.stderr
