"""Where the index lives, its metadata, and the one guard for what khabar writes or deletes.

khabar writes only into a folder that is its own: one that does not exist
yet, an empty one, or one that holds khabar's metadata (``khabar.json``,
written into every index folder as soon as khabar makes it). Every write and
delete of an index folder, of the folders beside it (``NAME.building``, a
rebuild in progress; ``NAME.old``, the index a rebuild replaces) and of the
lock file (``NAME.lock``) goes through :func:`claim` here, so a mistyped
``--index`` never costs a user's files.

A rebuild is written into ``NAME.building`` and swapped in by two renames
(:func:`swap_in_rebuilt`). A kill between them leaves no ``NAME`` but a
complete ``NAME.building``: :func:`finish_interrupted_swap`, run by every
indexer and by any reader that finds the index missing, finishes the swap.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import IndexUnavailable, InputError
from .version import SCHEMA_VERSION

INDEX_ENV = "KHABAR_INDEX"
_META_FILE = "khabar.json"
_META_PARTIAL = f"{_META_FILE}.tmp"
# How long a reader that finds the index missing waits for an indexer that is
# between the two renames of its swap (they are microseconds apart).
_SWAP_WAIT_SECONDS = 2.0


class IndexMissing(IndexUnavailable):
    """There is no usable index where one was expected; the message says how to build it."""


class IndexBusy(IndexUnavailable):
    """Another process is writing to the index."""


class NotAnIndex(InputError):
    """khabar was asked to write where something that is not khabar's lives."""


def default_index_dir() -> Path:
    """``$KHABAR_INDEX``, else ``$XDG_DATA_HOME/khabar/index`` (``~/.local/share/khabar/index``)."""
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "khabar" / "index"


def index_command(index_dir: Path, arguments: str = "FOLDER") -> str:
    """The ``khabar index`` command a hint tells the user to run for the index at ``index_dir``:
    with ``--index DIR`` unless it is the default one, so that the command as shown
    acts on that index and not on the default."""
    where = "" if os.path.abspath(index_dir) == os.path.abspath(default_index_dir()) else \
        f" --index {shlex.quote(str(index_dir))}"
    return f"khabar index{where}{' ' + arguments if arguments else ''}"


@dataclass(slots=True)
class IndexMeta:
    schema_version: int = SCHEMA_VERSION
    roots: list[str] = field(default_factory=list)
    updated: str = ""
    # False while a rebuild is being written into NAME.building: only a
    # complete one may be swapped in. Absent (older indexes) means complete.
    complete: bool = True

    @classmethod
    def load(cls, index_dir: Path) -> IndexMeta | None:
        try:
            raw = json.loads((index_dir / _META_FILE).read_text(encoding="utf-8"))
            return cls(int(raw["schema_version"]), list(raw.get("roots", [])), str(raw.get("updated", "")),
                       bool(raw.get("complete", True)))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, index_dir: Path) -> None:
        self.updated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        partial = index_dir / _META_PARTIAL
        partial.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(index_dir / _META_FILE)


def building_dir(index_dir: Path) -> Path:
    """Where a rebuild is written before it replaces the index."""
    return index_dir.with_name(index_dir.name + ".building")


def retired_dir(index_dir: Path) -> Path:
    """Where the index a rebuild replaces waits to be deleted."""
    return index_dir.with_name(index_dir.name + ".old")


def lock_path(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".lock")


# --- the guard -------------------------------------------------------------------------------

def is_ours(folder: Path) -> bool:
    """Whether khabar may write into or delete ``folder``: it does not exist, is empty,
    holds only a half-written marker, or holds khabar's metadata."""
    if os.path.islink(folder):
        return False  # a link is someone's: khabar writes only to real folders it can see
    try:
        entries = set(os.listdir(folder))
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
    if entries <= {_META_PARTIAL}:
        return True
    return _META_FILE in entries and IndexMeta.load(folder) is not None


def claim(folder: Path) -> None:
    """The guard every write and delete goes through: raise :class:`NotAnIndex`
    (exit 2) unless ``folder`` is khabar's to write (see :func:`is_ours`)."""
    if not is_ours(folder):
        if folder.name.endswith((".building", ".old")):
            raise NotAnIndex(f"{folder} is in the way: it holds files that are not khabar's; move it elsewhere")
        raise NotAnIndex(
            f"{folder} is not a khabar index and not empty: khabar writes only into an empty folder "
            "or an index it made (name another with --index)"
        )


def make_folder(folder: Path, meta: IndexMeta) -> None:
    """A new index folder, marked as khabar's before anything else is written into it."""
    remove_folder(folder)  # a leftover of a killed run, if khabar's (else NotAnIndex)
    folder.mkdir(parents=True)
    meta.save(folder)


def remove_folder(folder: Path) -> None:
    """Delete an index folder khabar owns; the marker goes last, so that a delete
    cut short leaves a folder that is still recognisably khabar's."""
    claim(folder)
    if not os.path.lexists(folder):
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name == _META_FILE:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    (folder / _META_FILE).unlink(missing_ok=True)
    folder.rmdir()


def remove_leftovers(index_dir: Path) -> None:
    """Delete what killed runs left beside the index (an unfinished rebuild, a retired
    index); anything there that is not khabar's is left alone. Hold the write lock."""
    for folder in (building_dir(index_dir), retired_dir(index_dir)):
        if os.path.lexists(folder) and is_ours(folder):
            remove_folder(folder)


# --- the swap --------------------------------------------------------------------------------

def _complete(folder: Path) -> bool:
    meta = IndexMeta.load(folder)
    return meta is not None and meta.complete and index_exists(folder)


def swap_in_rebuilt(index_dir: Path) -> None:
    """Replace the index by the complete rebuild in ``NAME.building``.

    Two renames: the index to ``NAME.old``, the rebuild to ``NAME``. Killed
    before the first, the old index stays (and the rebuild is a leftover);
    between them, :func:`finish_interrupted_swap` finishes the swap; after
    the second, ``NAME.old`` is a leftover. Hold the write lock.
    """
    new, retired = building_dir(index_dir), retired_dir(index_dir)
    if not _complete(new):
        raise RuntimeError(f"{new} is not a complete index")  # a bug, not a user's error
    remove_folder(retired)
    claim(index_dir)
    if os.path.lexists(index_dir):
        index_dir.rename(retired)
    new.rename(index_dir)
    remove_folder(retired)


def finish_interrupted_swap(index_dir: Path) -> bool:
    """When the index is missing because a swap was cut short, put the complete
    rebuild in its place (or, without one, the index it was replacing). Whether
    it did. Hold the write lock."""
    if os.path.lexists(index_dir):
        return False
    for candidate in (building_dir(index_dir), retired_dir(index_dir)):
        if _complete(candidate):
            candidate.rename(index_dir)
            return True
    return False


def _swap_pending(index_dir: Path) -> bool:
    return not os.path.lexists(index_dir) and any(
        _complete(candidate) for candidate in (building_dir(index_dir), retired_dir(index_dir)))


# --- the write lock --------------------------------------------------------------------------

@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold ``NAME.lock`` beside the index for a whole run, so that updates, rebuilds
    and their swaps never overlap; the file is removed when the run ends.

    ``flock`` is released by the kernel when a process dies, so a killed run
    never locks out the next one (which removes the file it left).
    """
    path = lock_path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path, index_dir)
    try:
        yield
    finally:
        try:
            os.unlink(path)  # still the file this process locked: see _acquire
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)


def _acquire(path: Path, index_dir: Path) -> int:
    import fcntl

    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise NotAnIndex(f"{path} is in the way: it is not khabar's lock file; move it elsewhere") from None
            raise
        try:
            info = os.fstat(fd)
            # khabar's lock file is an empty regular file: anything else is someone's.
            if not stat.S_ISREG(info.st_mode) or info.st_size:
                raise NotAnIndex(f"{path} is in the way: it is not khabar's lock file; move it elsewhere")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusy(
                    f"another khabar process is writing to {index_dir}: try again when it has finished"
                ) from None
            # The holder before us may have removed the file between our open
            # and our lock: then we hold a lock nobody else will look at.
            try:
                now = os.stat(path, follow_symlinks=False)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


# --- reading ---------------------------------------------------------------------------------

def index_exists(index_dir: Path) -> bool:
    """The folder holds a table of contents (Whoosh's ``_MAIN_<n>.toc``).

    By its name only: Whoosh's ``exists_in`` reads it, unpickling the schema, and
    an index written by another version of khabar may name a field class this
    one lacks (a traceback, where the schema check gives one line)."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return False
    return any(_TABLE_OF_CONTENTS.match(name) for name in names)


_TABLE_OF_CONTENTS = re.compile(r"_MAIN_[0-9]+\.toc\Z")  # whoosh.index.TOC's name for the default index


def settle_for_reading(index_dir: Path) -> None:
    """A reader that finds no index finishes a swap that was cut short, if there is one."""
    if not _swap_pending(index_dir):
        return
    deadline = time.monotonic() + _SWAP_WAIT_SECONDS
    while True:
        try:
            with write_lock(index_dir):
                finish_interrupted_swap(index_dir)
            return
        except IndexBusy:
            # An indexer is between its renames (or will finish the swap itself).
            if os.path.lexists(index_dir) or time.monotonic() > deadline:
                return
            time.sleep(0.02)
        except (OSError, NotAnIndex):
            return  # not ours to fix here (read-only, say): reported as no index


def is_current(index_dir: Path) -> bool:
    """The index exists and was written by this schema version."""
    if not index_exists(index_dir):
        settle_for_reading(index_dir)
    meta = IndexMeta.load(index_dir)
    return meta is not None and meta.schema_version == SCHEMA_VERSION and index_exists(index_dir)


def open_for_search(index_dir: Path):
    """Open an existing index of this schema version, or raise :class:`IndexMissing`."""
    if not index_exists(index_dir):  # (asked again only after settling: each asking reads the TOC)
        settle_for_reading(index_dir)
        if not index_exists(index_dir):
            if _swap_pending(index_dir):
                raise IndexMissing(f"no index at {index_dir}: a rebuild was cut short; "
                                   f"'{index_command(index_dir, '')}' finishes it")
            raise IndexMissing(f"no index at {index_dir}: build one with '{index_command(index_dir)}'")
    meta = IndexMeta.load(index_dir)
    if meta is None or meta.schema_version != SCHEMA_VERSION:
        raise IndexMissing(
            f"the index at {index_dir} was built by another version of khabar: "
            f"rebuild it with '{index_command(index_dir, '--rebuild')}'"
        )
    try:
        # Not mmap: whoosh3 wraps each mmapped sub-file of a compound segment
        # in BytesIO, copying it whole (tens of MB) on every open.
        from whoosh.filedb.filestore import FileStorage

        return FileStorage(str(index_dir), supports_mmap=False, readonly=True).open_index()
    except Exception as error:  # whoosh raises many kinds for a damaged index
        raise IndexMissing(f"cannot open the index at {index_dir} ({error}): rebuild it with '{index_command(index_dir, '--rebuild')}'") from error
