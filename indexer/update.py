"""Bringing an index up to date with the article files on disk.

Incremental by default: files are compared with what the index holds by size
and mtime, then by content hash; new and changed files are (re)indexed, files
gone from disk are removed. Every run ends in one Whoosh commit, so an
interrupted or killed run leaves the previous index as it was.

A folder the index holds that is not there (an unplugged disk, a share not
mounted: missing, or without a single article file) is not read as "every
file deleted": its articles are kept and the run says so
(:attr:`UpdateSummary.kept`); ``forget`` drops a folder and its articles.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import stat
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article, Note, NotAnArticle, UnreadableArticle
from .article_ids import ArticleIds
from . import duplicate_files, id_digests
from .children import WorkerPool, ctrl_c_ignored
from .var_columns import text_values
from .errors import EXIT_NOTHING_FOUND, InputError, KhabarError
from .readers import READS, iter_file, read_file
from .safe_text import clean_text
from .schema import FILE_HASH, FILE_STAMP, PATH, article_fields, build_schema
from .segment_writer import IndexWriter, ParallelWriter, failure_reason, merge_small_segments
from .version import SCHEMA_VERSION
from .store import (IndexBusy, IndexMeta, claim, finish_interrupted_swap, index_command, index_exists, make_folder,
                    building_dir, remove_folder, remove_leftovers, retired_dir, swap_in_rebuilt, write_lock)
from .walk import article_files, is_under, name_problem, stated_article_paths

# Below this many files, and this many bytes, a process pool costs more than it saves.
_PARALLEL_MIN_FILES = 200
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
_WRITER_MEMORY_MB = 256


class NothingToIndex(InputError):
    """No folder was named and the index remembers none."""


class NotAFolderHeld(InputError):
    """``--forget`` named a folder the index does not hold."""


class FolderMissing(KhabarError):
    """A folder the index holds is not there, so its articles were kept as they were.

    Exit status 1: the run did what it could (the other folders are up to
    date), but the index is not a picture of every folder it holds.
    """

    exit_status = EXIT_NOTHING_FOUND


@dataclass(slots=True, frozen=True)
class KeptFolder:
    """A folder the index holds that was not there: its articles are kept."""

    path: str
    articles: int
    empty: bool = False  # there, but without one article file (a share not mounted?)
    command: str = "khabar index"  # of the hints: with the --index of the index it is about

    def line(self, *, rebuild: bool = False) -> str:
        state = "folder empty (not mounted?)" if self.empty else "folder missing"
        count = f"its {self.articles} article{'' if self.articles == 1 else 's'}"
        forget = f"{self.command} --forget {shlex.quote(self.path)}"
        if rebuild:
            return (f"cannot rebuild: {state}: {self.path} ({count} would be lost; "
                    f"reconnect it, or drop them first: {forget})")
        if not self.articles:
            return f"{state}: {self.path} (no article of it is indexed; to forget it: {forget})"
        kept = "is kept" if self.articles == 1 else "are kept"
        return f"{state}: {self.path} ({count} {kept}; to drop them: {forget})"


@dataclass(slots=True)
class UpdateSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    duplicates: int = 0
    unchanged: int = 0
    rebuilt_because: str = ""
    kept: list[KeptFolder] = field(default_factory=list)
    # Files that are no article files, by kind (".pdf", ".md", "notes"): counted, not problems.
    ignored: Counter[str] = field(default_factory=Counter)
    # Folders walked in which not one article could be read (nor is held).
    unread: list[str] = field(default_factory=list)
    # Folders without a single file in them that hold no article: nothing to index there.
    empty: list[str] = field(default_factory=list)

    def ignored_part(self) -> str:
        """"ignored 3 (.md 2, .pdf 1; khabar reads …)", or "" when nothing was."""
        if not self.ignored:
            return ""
        kinds = ", ".join(f"{kind} {count}" for kind, count in
                          sorted(self.ignored.items(), key=lambda item: (-item[1], item[0])))
        return f"ignored {sum(self.ignored.values())} ({kinds}; {READS})"

    def line(self) -> str:
        ignored = self.ignored_part()
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"skipped {self.skipped}"
            + (f", {ignored}" if ignored else "")
            + (f", {self.duplicates} duplicates not indexed twice" if self.duplicates else "")
            + f" ({self.unchanged} files unchanged)"
        )


@dataclass(slots=True)
class _FileState:
    """A file the index holds: as it was when read, its number in the run's
    :class:`ArticleIds`, and how many of its articles the index holds."""

    stamp: str
    digest: str
    number: int
    first: int = -1  # its first document number, when its articles are numbered one after another
    articles: int = 0
    on_disk: bool = False  # found by this run's walk


@dataclass(slots=True)
class _ReadFile:
    path: str
    stamp: str
    digest: str
    articles: Iterable[tuple[str, Article | str]]  # a list from read_file; a stream for a large file
    problems: list[str]
    error: str = ""
    ignored: str = ""  # with error: the kind of a file that is no article file at all


ProblemSink = Callable[[str], None]
Progress = Callable[[int], None]


def update_index(
    index_dir: Path,
    roots: Iterable[Path] | None = None,
    *,
    rebuild: bool = False,
    forget: Iterable[Path] = (),
    procs: int | None = None,
    on_problem: ProblemSink = lambda message: None,
    on_duplicate: ProblemSink = lambda message: None,
    on_ignored: ProblemSink = lambda message: None,
    on_note: ProblemSink = lambda message: None,
    on_phase: Callable[[str], None] = lambda phase: None,
    progress: Callable[[int], Progress] | None = None,
    fields: dict[str, list[str]] | None = None,
) -> UpdateSummary:
    """Index the article files under ``roots`` (default: the folders indexed before).

    ``forget``: folders the index holds whose articles are dropped and which
    are no longer updated. A held folder that is missing (or has no article
    file at all) keeps its articles and is listed in the summary's ``kept``;
    a rebuild that would lose such articles raises :class:`FolderMissing`.
    ``on_problem`` receives one line per file or record that could not be read
    (left out, counted as skipped); ``on_note`` one line per article or file
    indexed without something it holds (a date that cannot be read: the article
    is kept, undated); ``on_duplicate`` one line per article already indexed from another file;
    ``on_ignored`` one line per file that is no article file (a PDF, a README,
    a SOURCE.txt), which the summary counts by kind. ``fields``: the user's
    field names (``--field body=text``; ``readers/fields.py``).
    ``progress(total)`` is called once the work is known and returns a callable
    that is told how many files were just processed. ``on_phase("writing")`` is
    called when every file is read and the run goes on to write and commit the
    index (seconds on a large run, after the last file is counted).
    """
    index_dir = _real_folder(Path(index_dir))
    # Normalised (``news/../news`` is ``news``): one name per folder, remembered and shown.
    named = [Path(os.path.abspath(root)) for root in roots] if roots else []
    if missing := [path for path in named if not path.exists()]:
        # A mistyped path named now: nothing is created or remembered.
        raise NothingToIndex(f"{missing[0]}: no such file or folder")
    for path in named:  # remembered in khabar.json, which holds UTF-8 only
        if problem := name_problem(path):
            raise NothingToIndex(f"cannot index {clean_text(str(path))}: {problem}")
    claim(index_dir)  # before anything is written: a folder that is not khabar's is never touched
    run = _Run(procs, on_problem, on_duplicate, progress, on_ignored=on_ignored, on_note=on_note, on_phase=on_phase,
               fields=fields or {})
    with run.finishing, write_lock(index_dir):  # the lock is released before Ctrl-C counts again
        # What a killed run left: a swap cut short is finished, leftovers removed.
        finish_interrupted_swap(index_dir)
        remove_leftovers(index_dir)
        _update_locked(index_dir, named, list(forget), rebuild, run)
    return run.summary


@dataclass(slots=True)
class _Roots:
    """The folders of one run."""

    walk: list[Path]  # read from disk
    absent: dict[str, bool]  # held folders not there (→ whether the folder is there but empty): kept as they are
    forgotten: list[str]  # dropped with their articles
    remembered: list[str]  # what the index holds after the run


@dataclass(slots=True)
class _Run:
    """How one run works and what it reports."""

    procs: int | None
    on_problem: ProblemSink
    on_duplicate: ProblemSink
    progress: Callable[[int], Progress] | None
    on_ignored: ProblemSink = lambda message: None
    on_note: ProblemSink = lambda message: None
    on_phase: Callable[[str], None] = lambda phase: None
    fields: dict[str, list[str]] = field(default_factory=dict)
    summary: UpdateSummary = field(default_factory=lambda: UpdateSummary())
    finishing: _Finishing = field(default_factory=lambda: _Finishing())


def _update_locked(index_dir: Path, named: list[Path], forget: list[Path], rebuild: bool, run: _Run) -> None:
    meta = IndexMeta.load(index_dir)
    summary = run.summary
    held = list(meta.roots) if meta else []
    forgotten = [_held_folder(path, held, index_dir) for path in forget]
    held = [root for root in held if root not in forgotten]
    root_paths = named or [Path(root) for root in held]
    if not root_paths and not forgotten:
        raise NothingToIndex(f"no folder to index: name one, e.g. '{index_command(index_dir, '~/news')}'")
    absent = {str(root): empty for root in root_paths if (empty := _absence(root)) is not None}
    if not rebuild and index_exists(index_dir) and (meta is None or meta.schema_version != SCHEMA_VERSION):
        rebuild = True
        summary.rebuilt_because = f"the index at {index_dir} was built by another version of khabar; rebuilding it"
    if rebuild or not index_exists(index_dir):
        # A rebuild takes over the folders the old index covered.
        known = held if not named else [str(p) for p in root_paths]
        counts = _articles_under(index_dir, absent)
        kept = _kept(counts, absent, index_dir)
        if lost := [folder for folder in kept if folder.articles]:
            raise FolderMissing(lost[0].line(rebuild=True))
        roots = _Roots([p for p in root_paths if str(p) not in absent], absent, forgotten, known)
        _build_fresh(index_dir, roots, run)
        summary.kept, summary.empty = kept, _empty(counts, absent)
    else:
        known = sorted(set(held) | {str(p) for p in named})
        roots = _Roots([p for p in root_paths if str(p) not in absent], absent, forgotten, known)
        _update_existing(index_dir, meta or IndexMeta(), roots, run)


def _held_folder(path: Path, held: list[str], index_dir: Path) -> str:
    """The folder of ``held`` that ``path`` names, or :class:`NotAFolderHeld`."""
    wanted = os.path.abspath(path)
    for root in held:
        if root == wanted or os.path.realpath(root) == os.path.realpath(wanted):
            return root
    holds = ", ".join(held) if held else "no folder"
    raise NotAFolderHeld(f"{wanted}: the index at {index_dir} does not hold that folder (it holds {holds})")


def _absence(root: Path) -> bool | None:
    """None when ``root`` is there; else whether it is an empty folder (False: missing).

    A folder without a single file is how an unmounted share looks (its
    mount point stays): its articles are not taken to be deleted. A folder
    whose files are none of them article files (PDFs, notes) is there: it is
    read, and the run says that nothing in it could be read.
    """
    if not root.exists():
        return False
    others: list[str] = []
    if root.is_dir() and next(iter(article_files([root], on_ignored=lambda _, kind: others.append(kind))),
                              None) is None and not others:
        return True
    return None


def _articles_under(index_dir: Path, folders: Iterable[str]) -> dict[str, int]:
    """How many articles the index at ``index_dir`` holds from each folder."""
    folders = list(folders)
    if not folders or not index_exists(index_dir):
        return dict.fromkeys(folders, 0)
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(index_dir), supports_mmap=False, readonly=True).open_index()
    try:
        with ix.searcher() as searcher:
            files, _ids = _snapshot(searcher.reader())
    finally:
        ix.close()
    return _count_under(files, folders)


def _count_under(files: dict[str, _FileState], folders: Iterable[str]) -> dict[str, int]:
    return {folder: sum(state.articles for path, state in files.items() if is_under(path, [folder]))
            for folder in folders}


def _kept(counts: dict[str, int], absent: dict[str, bool], index_dir: Path) -> list[KeptFolder]:
    """The absent folders to report: every missing one, and empty ones that had articles."""
    command = index_command(index_dir, "")
    return [KeptFolder(root, counts.get(root, 0), empty, command) for root, empty in absent.items()
            if not empty or counts.get(root, 0)]


def _empty(counts: dict[str, int], absent: dict[str, bool]) -> list[str]:
    """The folders without a file that hold no article: nothing is lost, and nothing found."""
    return [root for root, empty in absent.items() if empty and not counts.get(root, 0)]


def _real_folder(index_dir: Path) -> Path:
    """The folder a link names: swaps rename real folders, never links."""
    return Path(os.path.realpath(index_dir)) if index_dir.is_symlink() else index_dir


def _update_existing(index_dir: Path, meta: IndexMeta, roots: _Roots, run: _Run) -> None:
    from whoosh.filedb.filestore import FileStorage

    # Not mmap: whoosh3 copies every mmapped segment into memory on open
    # (the whole index: 1.2 GB of RSS for a 770 MB index before this).
    ix = FileStorage(str(index_dir), supports_mmap=False).open_index()
    try:
        digests = id_digests.load(index_dir)
        with ix.searcher() as searcher:
            indexed, ids = _snapshot(searcher.reader(), digests)
        counts = _count_under(indexed, roots.absent)
        run.summary.kept, run.summary.empty = _kept(counts, roots.absent, index_dir), _empty(counts, roots.absent)
        found = _walk(indexed, roots, run, duplicate_files.load(index_dir))
        # Much to read (a new dump, say): analysed in writer processes, as in a fresh build,
        # not on one core in one growing segment. Many small changed files are read in a pool
        # and written here, which costs less than starting writers. Read in a pool with the
        # writers too: reading 5,843 changed files here was 17 of the 1M run's 47 CPU seconds.
        writer_procs = _workers(run) if found.size >= PARALLEL_MIN_BYTES else 0
        left_out = _write_once(ix, lambda writer: _apply(writer, indexed, ids, roots, run, found),
                               writer_procs=writer_procs, on_commit=run.finishing.begin, on_phase=run.on_phase)
        _remember_duplicates(index_dir, found, left_out)
        _keep_digests(index_dir, ix, digests)
    finally:
        ix.close()
    meta.roots = roots.remembered
    meta.save(index_dir)
    _report_left_out(left_out, found, indexed, run)


def _workers(run: _Run) -> int:
    return run.procs if run.procs is not None else (os.cpu_count() or 1)


def _report_left_out(left_out: list[tuple[str, str]], found: _Walked, indexed: dict[str, _FileState],
                     run: _Run) -> None:
    """Articles whose analysis failed in a writer process: counted as added (or updated)
    when they were handed over, now as skipped, and named."""
    for label, why in left_out:
        path = next((path for path in found.to_read
                     if label.startswith(path) and label[len(path):len(path) + 1] in ("", "#")), "")
        if path in indexed and run.summary.updated:
            run.summary.updated -= 1
        else:
            run.summary.added -= 1
        run.summary.skipped += 1
        run.on_problem(f"{label}: {why}")


def _build_fresh(index_dir: Path, roots: _Roots, run: _Run) -> None:
    """Build into a sibling folder that replaces the index only when complete."""
    from whoosh.index import create_in

    building = building_dir(index_dir)
    claim(retired_dir(index_dir))  # the swap will need that name: refused now, not after the build
    remembered = sorted(set(roots.remembered))
    found = _walk({}, roots, run)  # before the build's folder is made: a Ctrl-C here leaves nothing behind
    make_folder(building, IndexMeta(SCHEMA_VERSION, remembered, complete=False))
    workers = _workers(run)
    writer_procs, read_procs = 0, run.procs
    if found.wants_workers():
        # Analysis and segment writing, the bulk of the cost, run in one
        # worker process per core (indexer/segment_writer.py), in batches of
        # documents whatever file they come from: one big JSON Lines, CSV or
        # WARC file is spread over the workers as a folder of files is. Files
        # are then read in this process. forkserver keeps the lock out of the workers.
        writer_procs, read_procs = workers, 1
    try:
        ix = create_in(str(building), build_schema())
        try:
            left_out = _write_once(ix, lambda writer: _apply(writer, {}, ArticleIds(), roots, run, found, read_procs),
                                   writer_procs=writer_procs, on_commit=run.finishing.begin, on_phase=run.on_phase)
            _remember_duplicates(building, found, left_out)
        finally:
            ix.close()
        IndexMeta(SCHEMA_VERSION, remembered).save(building)  # complete: may be swapped in
    except BaseException:
        _discard(building)
        raise
    swap_in_rebuilt(index_dir)
    _report_left_out(left_out, found, {}, run)


def _discard(folder: Path) -> None:
    """Remove a failed build, keeping the error that failed it: what cannot be
    removed now (a read-only disk) is removed by the next run."""
    try:
        remove_folder(folder)
    except (OSError, KhabarError):
        pass


def _remember_duplicates(index_dir: Path, found: _Walked, left_out: list[tuple[str, str]]) -> None:
    """After the commit: the duplicate-only files, for the next run to skip while unchanged
    (indexer/duplicate_files.py). None when a writer process left an article out: an
    original counted as held may not be, so its copies are read again next run."""
    duplicate_files.save(index_dir, {} if left_out else found.duplicate_only)


def _keep_digests(index_dir: Path, ix, digests: id_digests.Digests) -> None:
    """After the commit: the ids' digests of the index as committed, for the next run's
    snapshot (indexer/id_digests.py); only the new segments' are computed."""
    with ix.reader() as reader:
        id_digests.save(index_dir, reader, digests)


def _write_once(ix, work: Callable[[object], None], writer_procs: int = 0,
                on_commit: Callable[[], None] | None = None,
                on_phase: Callable[[str], None] = lambda phase: None) -> list[tuple[str, str]]:
    """Run ``work`` with a Whoosh writer and commit once; on any failure nothing is written.

    ``writer_procs`` worker processes write new segments (fresh builds);
    0 writes in this process. ``on_phase("writing")`` is called when ``work``
    is done and the commit begins; ``on_commit`` at the commit point.
    Returns the articles the workers left out: ``(label, why)``.
    """
    from whoosh.index import LockError

    from .codec import KhabarCodec

    options = {"timeout": 0.0, "codec": KhabarCodec(), "limitmb": _WRITER_MEMORY_MB}
    try:
        writer = ParallelWriter(ix, procs=writer_procs, **options) if writer_procs else IndexWriter(ix, **options)
    except LockError:
        raise IndexBusy("another program is writing to the index: try again when it has finished") from None
    writer.on_commit = on_commit
    try:
        work(writer)
        on_phase("writing")  # the workers finish their segments, then they are merged and committed
        writer.commit(mergetype=merge_small_segments)
    except BaseException:
        if not writer.is_closed:  # a failed commit has closed it already
            writer.cancel()
        raise
    return list(writer.skipped)


class _Finishing:
    """A run is finished, never undone, from its commit point on: Ctrl-C is ignored
    from then until :func:`update_index` returns (the swap, the metadata), so that
    a run that committed is never reported as "interrupted, the index as it was"."""

    def __init__(self) -> None:
        self._stack = ExitStack()

    def begin(self) -> None:
        self._stack.enter_context(ctrl_c_ignored())
        self.begin = lambda: None  # once

    def __enter__(self) -> _Finishing:
        return self

    def __exit__(self, *error) -> None:
        self._stack.close()


def _snapshot(reader, kept: id_digests.Digests | None = None) -> tuple[dict[str, _FileState], ArticleIds]:
    """What the index holds: file path → state, and its article ids.

    Read from columns only: loading stored fields (whole bodies) took 16 s
    of every incremental run on 140k articles, the columns under 3 s. Each
    segment's columns are read a chunk of documents at a time
    (indexer/var_columns.py), not a value at a time (5.9 M seeks and reads
    at a million articles), nor listed whole (four lists of a million values
    held ~350 MB at once).

    ``kept``: the ids' digests by segment (indexer/id_digests.py), those kept beside
    the index and, on return, those computed here for the segments not among them.
    """
    files: dict[str, _FileState] = {}
    ids = ArticleIds(reader.doc_count())
    kept = {} if kept is None else kept
    if reader.doc_count_all() == 0:  # an index of no article (a folder nothing could be read in) has no columns
        return files, ids
    add_digest = ids.add_digest
    for segment, base in reader.leaf_readers():
        deleted = segment.deleted_docs_set if segment.has_deletions() else ()
        segment_id = id_digests.segment_name(segment)
        halves = kept.get(segment_id)
        if halves is None or len(halves[0]) != segment.doc_count_all():
            halves = kept[segment_id] = id_digests.of_segment(segment)
        columns = [text_values(segment, name) for name in (PATH, FILE_STAMP, FILE_HASH)]
        for docnum, (path, stamp, digest, high, low) in enumerate(zip(*columns, *halves), base):
            if docnum - base in deleted:
                continue
            state = files.get(path)
            if state is None:
                state = files[path] = _FileState(stamp, digest, ids.new_file(path), first=docnum)
            elif docnum != state.first + state.articles:
                state.first = -1  # spread over the index (a big file's batches): found by its path
            state.articles += 1
            add_digest(high, low, state.number)
    return files, ids


class _Walked:
    """The article files on disk that changed since the index saw them, and which
    walked folders hold a readable article.

    Compact, since a run holds it from the walk to the commit: the paths, and
    each file's size and mtime in arrays (a list of (path, stamp) tuples, a set
    of every path and a counter per file took ~480 bytes a file, 280 MB for
    the 584,250 files of the million-article benchmark).
    """

    def __init__(self, roots: Iterable[Path]) -> None:
        self.to_read: list[str] = []
        self._sizes = array("q")  # -1: the file could not be stat'ed (its stamp is "")
        self._mtimes = array("q")
        self.size = 0  # bytes of the files to read
        self._roots = [str(root) for root in roots]
        self.readable_roots: set[str] = set()  # walked folders where an article is held or was read
        # Duplicate-only files remembered by the last run, unchanged on disk: skipped unless
        # an original of theirs is gone by the end of the reading (then read after the others).
        self.remembered: duplicate_files.Remembered = {}
        # What the run leaves remembered (indexer/duplicate_files.py): checked again once all is read.
        self.duplicate_only: duplicate_files.Remembered = {}

    def add(self, path: str, stamp: str) -> None:
        size, _, mtime = stamp.partition(":")
        self.to_read.append(path)
        self._sizes.append(int(size) if stamp else -1)
        self._mtimes.append(int(mtime) if stamp else 0)
        self.size += int(size or 0)

    def files(self) -> Iterator[tuple[str, str, int]]:
        """Each file to read: its path, stamp and size."""
        for path, size, mtime in zip(self.to_read, self._sizes, self._mtimes):
            yield path, (f"{size}:{mtime}" if size >= 0 else ""), max(size, 0)

    def readable(self, path: str) -> None:
        """``path`` holds an article (indexed now or before): its folders are not unread."""
        if len(self.readable_roots) < len(self._roots):
            self.readable_roots.update(root for root in self._roots if is_under(path, [root]))

    def wants_workers(self) -> bool:
        """Whether writer processes pay for what a fresh build reads: many files, or
        :data:`PARALLEL_MIN_BYTES` (one large dump held everything on one core before)."""
        return len(self.to_read) >= _PARALLEL_MIN_FILES or self.size >= PARALLEL_MIN_BYTES


def _walk(indexed: dict[str, _FileState], roots: _Roots, run: _Run,
          remembered: duplicate_files.Remembered | None = None) -> _Walked:
    """Walk the folders once: files that cannot be read and files that are no articles
    are reported; unchanged ones (by size and mtime) counted. ``remembered``: the
    duplicate-only files of the last run, whose unchanged ones wait in ``remembered``."""
    on_problem, summary = run.on_problem, run.summary
    walked = _Walked(roots.walk)
    remembered = remembered or {}
    walked_roots = [str(root) for root in roots.walk]
    # Those of folders not walked this time (missing, or not named): still remembered, and
    # checked at the end like the others; a forgotten folder's are not.
    walked.duplicate_only = {path: kept for path, kept in remembered.items()
                             if not is_under(path, walked_roots) and not is_under(path, roots.forgotten)}

    def ignore(path: Path, kind: str) -> None:
        summary.ignored[kind] += 1
        run.on_ignored(f"{path}: {kind}, not an article file")

    for key, problem, stated in stated_article_paths(roots.walk, on_ignored=ignore):
        if problem:
            summary.skipped += 1
            on_problem(f"{key}: {problem}")
            continue
        stamp = _stamp(stated)  # the walk's stat: a second one of every file was a tenth of a walk
        known = indexed.get(key)
        if known is not None:
            known.on_disk = True
        if known is not None and known.stamp == stamp:
            summary.unchanged += 1
            walked.readable(key)
        elif known is None and (copy := remembered.get(key)) is not None and copy[0] == stamp:
            walked.remembered[key] = copy
        else:
            walked.add(key, stamp)
    return walked


def _apply(writer, indexed: dict[str, _FileState], ids: ArticleIds, roots: _Roots, run: _Run,
           found: _Walked, procs: int | None = None) -> None:
    """Add, update and remove what changed on disk (``found`` by :func:`_walk`);
    ``procs`` reading processes (default: the run's)."""
    on_problem, on_duplicate, summary = run.on_problem, run.on_duplicate, run.summary
    procs = run.procs if procs is None else procs

    walked = [str(p) for p in roots.walk]
    kept = list(roots.absent)

    def forget(path: str) -> int:
        """Drop a file's articles from the index; how many there were."""
        state = indexed.get(path)
        if state is not None and state.first >= 0:
            # By number, as the snapshot found them (the run holds the lock: the same
            # index): a lookup of the path in every segment took 8 ms a file at 1M.
            for docnum in range(state.first, state.first + state.articles):
                writer.delete_document(docnum)
        else:
            writer.delete_by_term(PATH, path)
        if state is None:
            return 0
        ids.drop_file(state.number)
        dropped, state.articles = state.articles, 0
        return dropped

    # Files gone from the folders read; never the articles of a folder that is not there.
    for path in [p for p, state in indexed.items() if not state.on_disk and not is_under(p, kept)
                 and (is_under(p, walked) or is_under(p, roots.forgotten))]:
        summary.removed += forget(path)

    def failed(read: _ReadFile, known: _FileState | None) -> None:
        if read.ignored:  # no article file at all: counted by kind, listed with -v
            summary.ignored[read.ignored] += 1
            run.on_ignored(f"{read.path}: {read.error}")
        else:
            summary.skipped += 1
            on_problem(f"{read.path}: {read.error}")
        if known is not None:  # a file that broke since it was indexed
            summary.removed += forget(read.path)

    def report(path: str, problem: str) -> None:
        """A reader's problem line: a note about what is kept, or a record left out."""
        if isinstance(problem, Note):
            run.on_note(f"{path}: {problem}")
        else:
            summary.skipped += 1
            on_problem(f"{path}: {problem}")

    def take(read: _ReadFile) -> None:
        known = indexed.get(read.path)
        if read.error:
            return failed(read, known)
        if known is not None and known.digest == read.digest:
            summary.unchanged += 1  # touched, same content
            found.readable(read.path)
            return
        dropped = forget(read.path) if known is not None else 0
        for problem in read.problems:
            report(read.path, problem)
        added = 0
        copies: list[str] = []  # the ids of its articles held from other files
        try:
            added = add_articles(read, copies)
        except UnreadableArticle as error:  # a streamed file: raised before its first article only
            read.error, read.ignored = str(error), error.kind if isinstance(error, NotAnArticle) else ""
            summary.removed += dropped  # what it held before it broke
            return failed(read, None)
        if added:
            found.readable(read.path)
        elif copies and not read.problems and "" not in copies:
            found.duplicate_only[read.path] = (read.stamp, copies)
        if known is not None:
            summary.updated += added
        else:
            summary.added += added

    def add_articles(read: _ReadFile, copies: list[str]) -> int:
        """Add the file's articles; ``copies`` gets the ids of those held from other
        files, and "" for one left out for a problem (the file is not all copies)."""
        added = 0
        number = None  # the file's in ids, once it holds an article
        for key, article in read.articles:
            if isinstance(article, str):  # a streamed file's problems come among its articles
                report(read.path, article)
                copies.append("")
                continue
            label = read.path + key
            # Everything that touches one article's data (its id, its dates, its
            # analysis) fails for that article only: it is named and left out.
            try:
                doc_id = _doc_id(article, label)
                if (held := ids.file_of(doc_id)) is not None:
                    summary.duplicates += 1
                    copies.append(doc_id)
                    on_duplicate(f"{label}: same article as {ids.path(held)} ({doc_id}), not indexed twice")
                    continue
                fields = article_fields(doc_id, article, path=read.path, digest=read.digest, stamp=read.stamp)
                writer.add_document(**fields, _label=label)  # whole or not at all (segment_writer.py)
            except (OSError, MemoryError, KhabarError):
                raise  # the system's failure or a worker's, not the article's
            except Exception as error:  # noqa: BLE001 - the boundary around one article
                summary.skipped += 1
                on_problem(f"{label}: {failure_reason(error)}")
                copies.append("")
                continue
            if number is None:
                number = ids.new_file(read.path)
            ids.add(doc_id, number)
            added += 1
        return added

    tick = run.progress(len(found.to_read) + len(found.remembered)) if run.progress else (lambda n: None)
    with closing(_read_all(found.files(), len(found.to_read), procs, run.fields)) as reads:
        for read in reads:
            tick(1)
            take(read)
    # Remembered duplicate-only files, unchanged: skipped while every article of theirs is
    # still held (after this run's changes); read now, and indexed, when one is not.
    again: list[tuple[str, str, int]] = []
    for path, (stamp, copies) in found.remembered.items():
        if all(doc_id in ids for doc_id in copies):
            summary.unchanged += 1
            found.duplicate_only[path] = (stamp, copies)
            tick(1)
        else:
            again.append((path, stamp, int(stamp.partition(":")[0])))
    with closing(_read_all(iter(again), len(again), procs, run.fields)) as reads:
        for read in reads:
            tick(1)
            take(read)
    # A file remembered whose original went later in the run (read after it): read next run.
    for path in [path for path, (_, copies) in found.duplicate_only.items()
                 if not all(doc_id in ids for doc_id in copies)]:
        del found.duplicate_only[path]
    # A folder walked where not one article could be read (and none is held): said, not passed over.
    for root in roots.walk:
        if root.is_dir() and str(root) not in found.readable_roots:
            summary.unread.append(str(root))


def _stamp(stated: os.stat_result) -> str:
    """A file's size and mtime as the index holds them (FILE_STAMP)."""
    return f"{stated.st_size}:{stated.st_mtime_ns}"


# Files up to this size are read whole (in a worker when there are many); larger
# ones are streamed in this process, record by record, so memory stays flat.
_READ_WHOLE_MAX = 32 * 1024 * 1024
_HASH_CHUNK = 1 << 20


def _read_one(item: tuple[str, str, dict]) -> _ReadFile:
    """One file read whole and parsed; whatever goes wrong is that file's error."""
    path, stamp, fields = item
    try:
        data = _regular_file_bytes(path)  # once: hashed and parsed
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        result = read_file(Path(path), data, fields=fields)
    except OSError as error:
        return _ReadFile(path, stamp, "", [], [], error.strerror or str(error))
    except NotAnArticle as error:
        return _ReadFile(path, stamp, "", [], [], str(error), ignored=error.kind)
    except UnreadableArticle as error:
        return _ReadFile(path, stamp, "", [], [], str(error))
    except (MemoryError, ImportError):
        raise  # the system's or the installation's, not the file's
    except Exception as error:  # noqa: BLE001 - a reader's bug costs this file only
        return _ReadFile(path, stamp, "", [], [], failure_reason(error, "read"))
    return _ReadFile(path, stamp, digest, result.articles, result.problems)


def _stream_one(item: tuple[str, str, dict]) -> _ReadFile:
    """A large file: hashed first, a megabyte at a time (an unchanged file is known
    before anything is written), then its articles streamed as they are read."""
    path, stamp, fields = item
    digest = hashlib.blake2b(digest_size=16)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb", closefd=True) as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise UnreadableArticle("not a regular file")
            while chunk := file.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError as error:
        return _ReadFile(path, stamp, "", [], [], error.strerror or str(error))
    except UnreadableArticle as error:
        return _ReadFile(path, stamp, "", [], [], str(error))
    return _ReadFile(path, stamp, digest.hexdigest(), _streamed(path, fields), [])


def _streamed(path: str, fields: dict):
    """A large file's articles and problems as read; a read error after the first article
    is one more problem (before it, iter_file raises UnreadableArticle)."""
    try:
        yield from iter_file(Path(path), fields=fields)
    except OSError as error:
        yield "", f"{error.strerror or error}: the rest of the file is not read"


def _regular_file_bytes(path: str) -> bytes:
    """The bytes of a regular file; anything else (a FIFO, a device) is refused
    before it is read, and a FIFO is opened without waiting for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb", closefd=True) as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableArticle("not a regular file")
        return file.read()


def _doc_id(article: Article, label: str) -> str:
    """An article's id: its own, else its URL, else where it was read."""
    doc_id = article.id or article.url or label
    if not isinstance(doc_id, str):
        raise TypeError(f"an id must be text, not {type(doc_id).__name__}")
    return doc_id


def _read_all(files: Iterable[tuple[str, str, int]], count: int, procs: int | None,
              fields: dict | None = None) -> Iterator[_ReadFile]:
    """The ``count`` files (path, stamp, size) read, in order; in a pool of worker
    processes when there are many.

    Close the iterator when done with it (``contextlib.closing``): a run that
    fails or is interrupted stops the pool then, not whenever it is collected.
    """
    fields = fields or {}
    large: list[tuple[str, str, dict]] = []

    def small() -> Iterator[tuple[str, str, dict]]:  # taken as read: no list of every file
        for path, stamp, size in files:
            if size > _READ_WHOLE_MAX:
                large.append((path, stamp, fields))
            else:
                yield path, stamp, fields

    workers = procs if procs is not None else (os.cpu_count() or 1)
    if workers <= 1 or count < _PARALLEL_MIN_FILES:
        yield from map(_read_one, small())
    else:
        # forkserver, not fork: forked workers would inherit the index's write-lock
        # file and hold it after a killed indexer, locking every later run out.
        # The workers ignore Ctrl-C and exit when this process dies (children.py).
        with WorkerPool(_read_one, workers, name="khabar-reader") as pool:
            yield from pool.imap(small(), chunksize=32)
    # Large files after the others, here, record by record: memory stays flat.
    yield from map(_stream_one, large)
