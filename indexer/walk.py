"""Finding the article files under the folders a user names.

Only regular files are articles: each one is looked at with ``os.stat``
before anything opens it (a named pipe would block ``open`` for ever). What
cannot be indexed comes back as a problem naming the path, never as an
exception and never in silence: a folder the walk cannot enter (no
permission, a path longer than the system allows), a file that is not a
regular file, a name that is not valid UTF-8 (the index and every output
stream hold text, and such a name would not even reach them).

Files in a folder that are no article files (a PDF, a ``README.md``, the
``SOURCE.txt`` or ``LICENSE`` beside a corpus) are not problems: they are
passed to ``on_ignored`` with their kind (``".pdf"``, ``"notes"``, see
``readers.ignored_kind``), so that a run can count and name them.
"""

from __future__ import annotations

import errno
import os
from stat import S_ISREG
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .readers import ignored_kind, is_supported, name_kind, not_regular  # noqa: F401 - is_supported: the walk's API

Found = tuple[Path, str | None]
Stated = tuple[Path, str | None, os.stat_result | None]  # with the file's os.stat when it has no problem
StatedPath = tuple[str, str | None, os.stat_result | None]  # the same with the path as a string
IgnoredSink = Callable[[Path, str], None]


def article_files(roots: Iterable[Path], on_ignored: IgnoredSink | None = None) -> Iterator[Found]:
    """Yield ``(absolute path, problem)`` for every article file under ``roots``.

    A folder is walked for supported files (hidden ones skipped); a file named
    directly is always yielded, with a problem when it cannot be an article.
    ``problem`` is None for a regular file with a valid name, else one line
    saying why the path is not indexed. ``on_ignored(path, kind)`` is told of
    each file in a folder that is no article file (see the module doc).
    """
    for path, problem, _ in stated_article_files(roots, on_ignored):
        yield path, problem


def stated_article_files(roots: Iterable[Path], on_ignored: IgnoredSink | None = None) -> Iterator[Stated]:
    """:func:`article_files`, each file with the ``os.stat`` that found it regular (None
    with a problem): an incremental run compares sizes and mtimes, and stat'ed every file again."""
    for path, problem, stated in stated_article_paths(roots, on_ignored):
        yield Path(path), problem, stated


def stated_article_paths(roots: Iterable[Path], on_ignored: IgnoredSink | None = None) -> Iterator[StatedPath]:
    """:func:`stated_article_files` with each path as the string it is keyed by: an
    incremental run needs no Path of each file (making one and its string was a third of
    the walk of an unchanged million-article folder)."""
    # Paths as strings: a set of the Path objects held ~600 bytes a file, 359 MB for a
    # million-article folder.
    seen: set[str] = set()
    for root in roots:
        root = root.absolute()
        if root.is_dir():
            found: Iterable[StatedPath] = _walk(root, on_ignored)
        else:
            found = [(str(root), *_file_problem(root))]
        for key, problem, stated in found:
            if key not in seen:
                seen.add(key)
                yield key, problem, stated


def _walk(root: Path, on_ignored: IgnoredSink | None = None) -> Iterator[StatedPath]:
    errors: list[OSError] = []
    # os.walk passes over a folder it cannot list unless told: onerror collects it.
    # Its folders are the absolute root joined with listed names: each file's path is
    # os.path.join of them, the string str(Path(folder, name)) would be.
    # Per file only what must be (a million files: the joins, checks and calls per file
    # were half of an unchanged run's walk): the folder's names checked in one go.
    for folder, subfolders, names in os.walk(str(root), onerror=errors.append):
        yield from _folder_problems(errors)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        folder_valid = _valid_utf8(folder)
        names_valid = folder_valid and _valid_utf8("".join(names))
        prefix = folder if folder.endswith(os.sep) else folder + os.sep  # os.path.join's path
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = prefix + name
            kind = name_kind(name)  # the name as listed: no path parsed for it
            if kind is None:
                if not names_valid and (problem := None if folder_valid and _valid_utf8(name)
                                        else name_problem(Path(path))):
                    yield path, problem, None
                    continue
                try:
                    stated = os.stat(path)
                except OSError as error:
                    yield path, _os_reason(error, path), None
                    continue
                yield (path, None, stated) if S_ISREG(stated.st_mode) else (path, not_regular(stated.st_mode), None)
            elif on_ignored is not None and os.path.isfile(path):
                on_ignored(Path(path), kind)
    yield from _folder_problems(errors)


def _valid_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _folder_problems(errors: list[OSError]) -> Iterator[StatedPath]:
    for error in errors:
        folder = error.filename if isinstance(error.filename, str) else os.fsdecode(error.filename or "")
        yield str(Path(folder)), "folder not read: " + _os_reason(error, folder) + "; its files are not indexed", None
    errors.clear()


def _file_problem(path: Path) -> tuple[str | None, os.stat_result | None]:
    """A file named directly: why it is not read (and None), or None and its ``os.stat``."""
    if not path.exists() and not path.is_symlink():
        return "no such file or folder", None
    kind = ignored_kind(path)
    if kind == "notes":
        return "notes beside the articles (like SOURCE.txt, README, LICENSE), not an article", None
    if kind is not None:
        return f"not an article file type ({path.suffix or 'no extension'})", None
    if problem := name_problem(path):
        return problem, None
    return _kind_problem(path)


def _kind_problem(path: Path | str) -> tuple[str | None, os.stat_result | None]:
    """``(None, its os.stat)`` for a regular file (or a link to one), else why it is not read."""
    try:
        stated = os.stat(path)
    except OSError as error:
        return _os_reason(error, str(path)), None
    problem = not_regular(stated.st_mode)
    return problem, None if problem else stated


def name_problem(path: Path) -> str | None:
    """Why ``path`` cannot be indexed by its name: a part of it that is not valid UTF-8.

    Python hands such bytes over as lone surrogates; the part is shown with
    its bytes escaped (``caf\\xe9.txt``) so that the user can find and rename it.
    """
    try:  # the whole path at once (its parts are in it): no parts parsed for a valid one
        os.fspath(path).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    for part in reversed(path.parts):
        try:
            part.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(part).decode("utf-8", errors="backslashreplace")
            what = "file name" if part == path.name and not path.is_dir() else "folder name"
            return f"{what} {shown} is not valid UTF-8: rename it"
    return None


def _os_reason(error: OSError, path: str) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return f"its path is {len(os.fsencode(path))} bytes, longer than the system allows"
    if error.errno == errno.ELOOP:
        return "a symbolic link that leads round in a loop"
    if error.errno == errno.ENOENT and os.path.islink(path):
        return "a symbolic link to nothing"
    reason = error.strerror or type(error).__name__
    return reason[:1].lower() + reason[1:]


def is_under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
