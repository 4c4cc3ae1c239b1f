"""Finding the article files under the folders a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .readers import is_supported


def article_files(roots: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Yield ``(absolute path, problem)`` for every article file under ``roots``.

    A folder is walked for supported files (hidden ones skipped); a file named
    directly is always yielded, with a problem when it cannot be an article.
    """
    seen: set[Path] = set()
    for root in roots:
        root = root.absolute()
        if root.is_dir():
            for folder, subfolders, names in os.walk(root):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in sorted(names):
                    path = Path(folder, name)
                    if not name.startswith(".") and is_supported(path) and path not in seen:
                        seen.add(path)
                        yield path, None
        elif path_problem := _file_problem(root):
            yield root, path_problem
        elif root not in seen:
            seen.add(root)
            yield root, None


def _file_problem(path: Path) -> str | None:
    if not path.exists():
        return "no such file or folder"
    if not is_supported(path):
        return f"not an article file type ({path.suffix or 'no extension'})"
    return None


def is_under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
