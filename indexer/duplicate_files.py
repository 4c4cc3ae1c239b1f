"""What an index remembers of the files it holds no row for because every article
in them is already held from another file ("duplicate-only" files).

Without it every incremental run re-read and re-parsed each of them (14,250
files of the million-article benchmark), since the index's columns know only
the files it holds articles of. Each one is remembered with its stamp (size
and mtime, as the index keeps for its files) and the ids of its articles: a
run skips it while its stamp is the same and every one of those ids is still
held, and reads it again as soon as one is not (the file holding the
original was deleted or changed), so that its articles are indexed then.

The list lives beside the index in :data:`FILE`, written after the commit
(write then rename) with the name and digest of the commit's table of
contents: a list that does not name the index's current commit (a run killed
between its commit and this file) is not used, and the run reads those files
again as before. The index itself (schema, postings, columns) is unchanged,
and an index without the file, as older ones are, works as it always did.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

FILE = "duplicate-files.json"
_PARTIAL = FILE + ".partial"
_TOC = re.compile(r"_MAIN_(\d+)\.toc\Z")  # Whoosh's table of contents, one per commit ("MAIN": its index name)

# path -> (stamp, the ids of its articles, each held from another file)
Remembered = dict[str, tuple[str, list[str]]]


def commit_token(index_dir: Path) -> str:
    """The index's current commit: its table of contents' name and digest ("" if none)."""
    try:
        tocs = [(int(match.group(1)), name) for name in os.listdir(index_dir) if (match := _TOC.match(name))]
        if not tocs:
            return ""
        name = max(tocs)[1]
        return name + ":" + hashlib.blake2b((index_dir / name).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return ""


def load(index_dir: Path) -> Remembered:
    """The files remembered at the index's current commit; none if the list is
    missing, unreadable or of another commit."""
    try:
        raw = json.loads((index_dir / FILE).read_text(encoding="utf-8"))
        if not raw.get("commit") or raw["commit"] != commit_token(index_dir):
            return {}
        return {str(path): (str(stamp), [str(doc_id) for doc_id in ids])
                for path, (stamp, ids) in raw["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(index_dir: Path, files: Remembered) -> None:
    """Remember ``files`` for the commit just made (call it holding the write lock, after the commit)."""
    partial = index_dir / _PARTIAL
    document = {"commit": commit_token(index_dir), "files": {path: [stamp, ids] for path, (stamp, ids) in files.items()}}
    partial.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")  # ASCII: an id may hold a lone surrogate
    partial.replace(index_dir / FILE)
