"""Bringing an index up to date with the article files on disk.

Incremental by default: files are compared with what the index holds by size
and mtime, then by content hash; new and changed files are (re)indexed, files
gone from disk are removed. Every run ends in one Whoosh commit, so an
interrupted or killed run leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .article import Article, UnreadableArticle
from .dates import jalali_day
from .errors import InputError, KhabarError
from .persian.folding import keyword_key
from .readers import read_file
from .schema import build_schema
from .version import SCHEMA_VERSION
from .store import (IndexBusy, IndexMeta, claim, finish_interrupted_swap, index_exists, make_folder,
                    building_dir, remove_folder, remove_leftovers, swap_in_rebuilt, write_lock)
from .walk import article_files, is_under

# Below this many files a process pool costs more than it saves.
_PARALLEL_MIN_FILES = 200
_WRITER_MEMORY_MB = 256


class NothingToIndex(InputError):
    """No folder was named and the index remembers none."""


@dataclass(slots=True)
class UpdateSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    duplicates: int = 0
    unchanged: int = 0
    rebuilt_because: str = ""

    def line(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"skipped {self.skipped}"
            + (f", {self.duplicates} duplicates not indexed twice" if self.duplicates else "")
            + f" ({self.unchanged} files unchanged)"
        )


@dataclass(slots=True)
class _FileState:
    stamp: str
    digest: str


@dataclass(slots=True)
class _ReadFile:
    path: str
    stamp: str
    digest: str
    articles: list[tuple[str, Article]]
    problems: list[str]
    error: str = ""


ProblemSink = Callable[[str], None]
Progress = Callable[[int], None]


def update_index(
    index_dir: Path,
    roots: Iterable[Path] | None = None,
    *,
    rebuild: bool = False,
    procs: int | None = None,
    on_problem: ProblemSink = lambda message: None,
    on_duplicate: ProblemSink = lambda message: None,
    progress: Callable[[int], Progress] | None = None,
) -> UpdateSummary:
    """Index the article files under ``roots`` (default: the folders indexed before).

    ``on_problem`` receives one line per file or record that could not be read;
    ``on_duplicate`` one line per article already indexed from another file.
    ``progress(total)`` is called once the work is known and returns a callable
    that is told how many files were just processed.
    """
    index_dir = _real_folder(Path(index_dir))
    named = [Path(root).absolute() for root in roots] if roots else []
    if missing := [path for path in named if not path.exists()]:
        # A mistyped path named now: nothing is created or remembered.
        raise NothingToIndex(f"{missing[0]}: no such file or folder")
    claim(index_dir)  # before anything is written: a folder that is not khabar's is never touched
    with write_lock(index_dir):
        # What a killed run left: a swap cut short is finished, leftovers removed.
        finish_interrupted_swap(index_dir)
        remove_leftovers(index_dir)
        return _update_locked(index_dir, named, rebuild, procs, (on_problem, on_duplicate), progress)


def _update_locked(
    index_dir: Path,
    named: list[Path],
    rebuild: bool,
    procs: int | None,
    sinks: tuple[ProblemSink, ProblemSink],
    progress: Callable[[int], Progress] | None,
) -> UpdateSummary:
    meta = IndexMeta.load(index_dir)
    summary = UpdateSummary()
    root_paths = named or [Path(r) for r in (meta.roots if meta else [])]
    if not root_paths:
        raise NothingToIndex("no folder to index: name one, e.g. 'khabar index ~/news'")
    if not rebuild and index_exists(index_dir) and (meta is None or meta.schema_version != SCHEMA_VERSION):
        rebuild = True
        summary.rebuilt_because = f"the index at {index_dir} was built by another version of khabar; rebuilding it"
    if rebuild or not index_exists(index_dir):
        # A rebuild takes over the folders the old index covered.
        known_roots = meta.roots if (not named and meta) else [str(p) for p in root_paths]
        _build_fresh(index_dir, root_paths, known_roots, procs, sinks, progress, summary)
    else:
        _update_existing(index_dir, meta or IndexMeta(), root_paths, procs, sinks, progress, summary)
    return summary


def _real_folder(index_dir: Path) -> Path:
    """The folder a link names: swaps rename real folders, never links."""
    return Path(os.path.realpath(index_dir)) if index_dir.is_symlink() else index_dir


def _update_existing(
    index_dir: Path,
    meta: IndexMeta,
    root_paths: list[Path],
    procs: int | None,
    sinks: tuple[ProblemSink, ProblemSink],
    progress: Callable[[int], Progress] | None,
    summary: UpdateSummary,
) -> None:
    from whoosh.filedb.filestore import FileStorage

    # Not mmap: whoosh3 copies every mmapped segment into memory on open
    # (the whole index: 1.2 GB of RSS for a 770 MB index before this).
    ix = FileStorage(str(index_dir), supports_mmap=False).open_index()
    try:
        with ix.searcher() as searcher:
            indexed, ids = _snapshot(searcher.reader())
        _write_once(ix, lambda writer: _apply(writer, indexed, ids, root_paths, procs, sinks, progress, summary))
    finally:
        ix.close()
    meta.roots = sorted(set(meta.roots) | {str(p) for p in root_paths})
    meta.save(index_dir)


def _build_fresh(
    index_dir: Path,
    root_paths: list[Path],
    known_roots: list[str],
    procs: int | None,
    sinks: tuple[ProblemSink, ProblemSink],
    progress: Callable[[int], Progress] | None,
    summary: UpdateSummary,
) -> None:
    """Build into a sibling folder that replaces the index only when complete."""
    from whoosh.index import create_in

    building = building_dir(index_dir)
    make_folder(building, IndexMeta(SCHEMA_VERSION, sorted(set(known_roots)), complete=False))
    workers = procs if procs is not None else (os.cpu_count() or 1)
    writer_procs = 0
    if sum(1 for _ in article_files(root_paths)) >= _PARALLEL_MIN_FILES:
        # Analysis and segment writing, the bulk of the cost, run in one
        # worker process per core (indexer/segment_writer.py); files are then
        # read in this process. forkserver keeps the lock out of the workers.
        writer_procs, procs = workers, 1
    try:
        ix = create_in(str(building), build_schema())
        try:
            _write_once(ix, lambda writer: _apply(writer, {}, {}, root_paths, procs, sinks, progress, summary),
                        writer_procs=writer_procs)
        finally:
            ix.close()
        IndexMeta(SCHEMA_VERSION, sorted(set(known_roots))).save(building)  # complete: may be swapped in
    except BaseException:
        _discard(building)
        raise
    swap_in_rebuilt(index_dir)


def _discard(folder: Path) -> None:
    """Remove a failed build, keeping the error that failed it: what cannot be
    removed now (a read-only disk) is removed by the next run."""
    try:
        remove_folder(folder)
    except (OSError, KhabarError):
        pass


def _write_once(ix, work: Callable[[object], None], writer_procs: int = 0) -> None:
    """Run ``work`` with a Whoosh writer and commit once; on any failure nothing is written.

    ``writer_procs`` worker processes write new segments (fresh builds);
    0 writes in this process.
    """
    from whoosh.index import LockError

    from .codec import KhabarCodec
    from .segment_writer import ParallelWriter, merge_small_segments

    options = {"timeout": 0.0, "codec": KhabarCodec(), "limitmb": _WRITER_MEMORY_MB}
    try:
        writer = ParallelWriter(ix, procs=writer_procs, **options) if writer_procs else ix.writer(**options)
    except LockError:
        raise IndexBusy("another program is writing to the index: try again when it has finished") from None
    try:
        work(writer)
        writer.commit(mergetype=merge_small_segments)
    except BaseException:
        if not writer.is_closed:  # a failed commit has closed it already
            writer.cancel()
        raise


def _snapshot(reader) -> tuple[dict[str, _FileState], dict[str, str]]:
    """What the index holds: file path → state, and article id → file path.

    Read from columns only: loading stored fields (whole bodies) took 16 s
    of every incremental run on 140k articles, the columns under 3 s.
    """
    paths, stamps, digests, doc_ids = (
        list(reader.column_reader(name)) for name in ("path", "file_stamp", "file_hash", "id")
    )
    files: dict[str, _FileState] = {}
    ids: dict[str, str] = {}
    for docnum in reader.all_doc_ids():  # live documents only
        path = paths[docnum]
        files[path] = _FileState(stamps[docnum], digests[docnum])
        ids[doc_ids[docnum]] = path
    return files, ids


def _apply(
    writer,
    indexed: dict[str, _FileState],
    ids: dict[str, str],
    root_paths: list[Path],
    procs: int | None,
    sinks: tuple[ProblemSink, ProblemSink],
    progress: Callable[[int], Progress] | None,
    summary: UpdateSummary,
) -> None:
    on_problem, on_duplicate = sinks
    on_disk: set[str] = set()
    to_read: list[tuple[str, str]] = []
    for path, problem in article_files(root_paths):
        key = str(path)
        if problem:
            summary.skipped += 1
            on_problem(f"{key}: {problem}")
            continue
        on_disk.add(key)
        stamp = _stamp(path)
        known = indexed.get(key)
        if known is not None and known.stamp == stamp:
            summary.unchanged += 1
        else:
            to_read.append((key, stamp))

    roots = [str(p) for p in root_paths]
    live_ids = dict(ids)
    ids_of: dict[str, list[str]] = {}
    for doc_id, path in ids.items():
        ids_of.setdefault(path, []).append(doc_id)

    def forget(path: str) -> int:
        """Drop a file's articles from the index; how many there were."""
        writer.delete_by_term("path", path)
        dropped = ids_of.pop(path, [])
        for doc_id in dropped:
            live_ids.pop(doc_id, None)
        return len(dropped)

    for path in [p for p in indexed if p not in on_disk and is_under(p, roots)]:
        summary.removed += forget(path)

    tick = progress(len(to_read)) if progress else (lambda n: None)
    for read in _read_all(to_read, procs):
        tick(1)
        known = indexed.get(read.path)
        if read.error:
            summary.skipped += 1
            on_problem(f"{read.path}: {read.error}")
            if known is not None:  # a file that broke since it was indexed
                summary.removed += forget(read.path)
            continue
        if known is not None and known.digest == read.digest:
            summary.unchanged += 1  # touched, same content
            continue
        if known is not None:
            forget(read.path)
        for problem in read.problems:
            on_problem(f"{read.path}: {problem}")
        added = 0
        for key, article in read.articles:
            doc_id = article.id or article.url or read.path + key
            if doc_id in live_ids:
                summary.duplicates += 1
                on_duplicate(f"{read.path}{key}: same article as {live_ids[doc_id]} ({doc_id}), not indexed twice")
                continue
            live_ids[doc_id] = read.path
            writer.add_document(**_document(doc_id, article, read))
            added += 1
        if known is not None:
            summary.updated += added
        else:
            summary.added += added


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _read_one(item: tuple[str, str]) -> _ReadFile:
    path, stamp = item
    try:
        data = Path(path).read_bytes()  # once: hashed and parsed
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        result = read_file(Path(path), data)
    except OSError as error:
        return _ReadFile(path, stamp, "", [], [], error.strerror or str(error))
    except UnreadableArticle as error:
        return _ReadFile(path, stamp, "", [], [], str(error))
    return _ReadFile(path, stamp, digest, result.articles, result.problems)


def _read_all(items: list[tuple[str, str]], procs: int | None) -> Iterator[_ReadFile]:
    workers = procs if procs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < _PARALLEL_MIN_FILES:
        yield from map(_read_one, items)
        return
    # forkserver, not fork: forked workers would inherit the index's write-lock
    # file and hold it after a killed indexer, locking every later run out.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield from pool.map(_read_one, items, chunksize=32)


def _document(doc_id: str, article: Article, read: _ReadFile) -> dict:
    fields = {
        "id": doc_id,
        "all": "\n".join(filter(None, (article.title, "\n".join(article.keywords), article.body))),
        "title": article.title,
        "body": article.body,
        "keywords": "\n".join(article.keywords),
        "tags": ",".join(filter(None, (keyword_key(k) for k in article.keywords))),
        "keyword_list": list(article.keywords),
        "source": article.source,
        "url": article.url,
        "path": read.path,
        "file_hash": read.digest,
        "file_stamp": read.stamp,
    }
    if article.date is not None:
        fields["date"] = article.date
        fields["jalali_day"] = jalali_day(article.date)
    return fields
