"""One big file is indexed as a folder of files is: its articles spread over the writer processes.

Before, a fresh build chose its worker processes by the number of files (200
or more): one JSON Lines dump of a whole archive was analysed in the
indexing process alone, on one core, in one ever-growing segment (2.7 GB of
memory for a 584 MB file). Now many bytes count as many files do. What an
index holds, and what a run reports (bad lines by line number, articles
found twice), must not depend on which path a build took; a file stays one
unit for incremental runs.

Real articles: the first FarsNews file of ../shared/corpora/farsnews-varzesh3
(300 articles), as JSON Lines and as CSV.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import shared_corpus
from khabar.indexer import update
from khabar.indexer.update import update_index

FARS = "farsnews-varzesh3/exploring-datasets/news/fars-news-1.json"
BAD_LINE = 7  # of the JSON Lines file: where a broken line goes


def _records() -> list[dict]:
    records = json.loads(shared_corpus(FARS).read_text(encoding="utf-8"))
    return [{"title": r["title"], "abstract": r["abstract"], "body": "\n".join(r["paragraphs"]),
             "tags": ", ".join(r["tags"]), "link": r["link"]} for r in records]


def _write_jsonl(folder: Path) -> Path:
    """The FarsNews articles as one JSON Lines file, with a broken line and a line
    repeating the first article (the same link)."""
    lines = [json.dumps(r, ensure_ascii=False) for r in _records()]
    lines.insert(BAD_LINE - 1, '{"title": "نیمه‌کاره", "body": ')
    lines.append(lines[0])
    path = folder / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_csv(folder: Path) -> Path:
    path = folder / "dump.csv"
    records = _records()
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


def _picture(index_dir: Path) -> tuple[dict, dict]:
    """What an index holds, whatever its segments: each article's stored fields by id,
    and every term's document frequency."""
    from khabar.indexer.store import open_for_search

    ix = open_for_search(index_dir)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            stored = {}
            for docnum in reader.all_doc_ids():
                fields = searcher.stored_fields(docnum)
                fields.pop("signature", None)
                stored[fields["id"]] = fields
            terms = {(name, text): reader.doc_frequency(name, text) for name, text in reader.all_terms()}
    finally:
        ix.close()
    return stored, terms


def _build(index_dir: Path, folder: Path, *, split: bool, monkeypatch, rebuild: bool = True
           ) -> tuple[update.UpdateSummary, list, list, list]:
    """A fresh build of ``folder`` (or an incremental run: not ``rebuild``): its articles
    spread over writer processes (``split``) or not."""
    monkeypatch.setattr(update, "PARALLEL_MIN_BYTES", 1 if split else 1 << 40)
    procs: list[int] = []
    real = update.ParallelWriter

    def parallel_writer(ix, **options):
        procs.append(options["procs"])
        return real(ix, **options)

    monkeypatch.setattr(update, "ParallelWriter", parallel_writer)
    problems: list[str] = []
    duplicates: list[str] = []
    summary = update_index(index_dir, [folder], rebuild=rebuild, procs=2, on_problem=problems.append,
                           on_duplicate=duplicates.append)
    return summary, problems, duplicates, procs


@pytest.mark.parametrize("write", [_write_jsonl, _write_csv], ids=["jsonl", "csv"])
def test_one_file_split_over_workers_gives_the_index_read_whole(tmp_path, monkeypatch, write):
    folder = tmp_path / "news"
    folder.mkdir()
    path = write(folder)
    split, split_problems, split_duplicates, procs = _build(tmp_path / "split", folder, split=True,
                                                            monkeypatch=monkeypatch)
    assert procs == [2]  # one file, and yet two writer processes
    whole, whole_problems, whole_duplicates, procs = _build(tmp_path / "whole", folder, split=False,
                                                            monkeypatch=monkeypatch)
    assert procs == []  # written in this process
    assert split.line() == whole.line()
    assert split_problems == whole_problems
    assert split_duplicates == whole_duplicates
    stored, terms = _picture(tmp_path / "split")
    assert (stored, terms) == _picture(tmp_path / "whole")
    assert len(stored) == split.added == 300
    assert {fields["path"] for fields in stored.values()} == {str(path)}


def test_bad_lines_and_repeats_of_a_split_file_are_named_by_line(tmp_path, monkeypatch):
    folder = tmp_path / "news"
    folder.mkdir()
    path = _write_jsonl(folder)
    summary, problems, duplicates, procs = _build(tmp_path / "ix", folder, split=True, monkeypatch=monkeypatch)
    assert procs == [2]
    assert problems == [f"{path}: line {BAD_LINE}: not valid JSON"]
    assert summary.skipped == 1
    assert len(duplicates) == summary.duplicates == 1
    assert duplicates[0].startswith(f"{path}#L302: same article as {path} (")


@pytest.mark.parametrize("split", [True, False], ids=["split", "whole"])
def test_a_changed_line_reindexes_its_file_as_one_unit(tmp_path, monkeypatch, split):
    folder = tmp_path / "news"
    folder.mkdir()
    path = _write_jsonl(folder)
    _build(tmp_path / "ix", folder, split=True, monkeypatch=monkeypatch)
    lines = path.read_text(encoding="utf-8").split("\n")
    record = json.loads(lines[0])
    record["body"] += "\nاین جمله برای آزمون به‌روزرسانی نمایه افزوده شد."
    lines[0] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines), encoding="utf-8")
    summary, problems, _, procs = _build(tmp_path / "ix", folder, split=split, monkeypatch=monkeypatch, rebuild=False)
    assert procs == ([2] if split else [])  # an incremental run with much to read uses writer processes too
    # Every article of the file again, the old ones replaced; its bad line named again.
    assert (summary.added, summary.updated, summary.removed, summary.skipped) == (0, 300, 0, 1)
    assert problems == [f"{path}: line {BAD_LINE}: not valid JSON"]
    stored, _ = _picture(tmp_path / "ix")
    assert len(stored) == 300
    assert stored[record["link"]]["body"].endswith("افزوده شد.")


def test_a_big_file_added_to_an_index_is_split_over_workers(tmp_path, monkeypatch):
    """An incremental run that finds a new dump: the same index as when it is written in this process."""
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    (small / "one.jsonl").write_text(json.dumps(_records()[0], ensure_ascii=False) + "\n", encoding="utf-8")
    _write_jsonl(big)
    pictures = []
    for split in (True, False):
        index_dir = tmp_path / f"ix-{split}"
        _build(index_dir, small, split=False, monkeypatch=monkeypatch)
        summary, problems, duplicates, procs = _build(index_dir, big, split=split, monkeypatch=monkeypatch,
                                                      rebuild=False)
        assert procs == ([2] if split else [])
        # The first article is in the small file already: found twice, indexed once.
        assert (summary.added, summary.duplicates, summary.unchanged) == (299, 2, 0)
        pictures.append((summary.line(), problems, duplicates, _picture(index_dir)))
    assert pictures[0] == pictures[1]
