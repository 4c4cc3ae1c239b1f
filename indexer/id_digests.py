"""The digests of an index's article ids, kept beside it so that a run need not hash them all again.

An incremental run's snapshot puts every article id the index holds in an
:class:`~indexer.article_ids.ArticleIds` table, by its BLAKE2b digest: at a
million articles, reading the ids' column and hashing each id was 9 of the
run's 17 s of snapshot (cProfile). A segment's documents never change (a
deletion is kept apart), so the digests of its ids, in document order, stay
right for as long as the segment is in the index: they are kept per segment,
and a run computes them only for the segments new since the last one (its own
and those merged).

The digests live in :data:`FILE` beside the index, written after the commit
(write then rename) with the commit's token (indexer/duplicate_files.py's
:func:`commit_token`): a file that does not name the index's current commit
(a run killed between its commit and this file, an index copied without it)
or that cannot be read is not used, and the ids are hashed from the index as
before. The index itself is unchanged, and one without the file works as it
always did.
"""

from __future__ import annotations

import json
import sys
from array import array
from pathlib import Path

from .article_ids import id_digest
from .duplicate_files import commit_token
from .var_columns import text_values

FILE = "id-digests.bin"
_PARTIAL = FILE + ".partial"
_MAGIC = b"khabar id digests 1\n"

# segment id -> the digests' halves (article_ids.id_digest) of its documents, deleted ones included
Digests = dict[str, tuple[array, array]]


def segment_name(segment) -> str:
    """The id of a leaf reader's segment ("MAIN_1a2b…"): unique to it, never reused."""
    return segment.segment().segment_id()


def of_segment(segment, id_field: str = "id") -> tuple[array, array]:
    """The digests of a segment's article ids, computed from its id column."""
    highs, lows = array("Q"), array("Q")
    for doc_id in text_values(segment, id_field):
        high, low = id_digest(doc_id)
        highs.append(high)
        lows.append(low)
    return highs, lows


def load(index_dir: Path) -> Digests:
    """The digests kept for the index's current commit; none if the file is missing,
    unreadable, of another commit or of another byte order."""
    try:
        data = (index_dir / FILE).read_bytes()
        if not data.startswith(_MAGIC):
            return {}
        end = data.index(b"\n", len(_MAGIC))
        header = json.loads(data[len(_MAGIC):end])
        if (not header.get("commit") or header["commit"] != commit_token(index_dir)
                or header.get("byteorder") != sys.byteorder):
            return {}
        digests: Digests = {}
        at = end + 1
        for name, count in header["segments"]:
            halves = []
            for _ in range(2):
                half = array("Q")
                half.frombytes(data[at:at + 8 * count])
                if len(half) != count:
                    return {}  # cut short
                halves.append(half)
                at += 8 * count
            digests[str(name)] = (halves[0], halves[1])
        return digests if at == len(data) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save(index_dir: Path, reader, known: Digests) -> None:
    """Keep the digests of every segment of ``reader`` (the index just committed: call it
    holding the write lock, after the commit): ``known``'s where they are known, the new
    segments' computed."""
    segments: list[tuple[str, tuple[array, array]]] = []
    for segment, _base in reader.leaf_readers() if reader.doc_count_all() else ():
        name = segment_name(segment)
        halves = known.get(name)
        if halves is None or len(halves[0]) != segment.doc_count_all():
            halves = of_segment(segment)
        segments.append((name, halves))
    header = {"commit": commit_token(index_dir), "byteorder": sys.byteorder,
              "segments": [[name, len(highs)] for name, (highs, _) in segments]}
    partial = index_dir / _PARTIAL
    with open(partial, "wb") as file:
        file.write(_MAGIC + json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n")
        for _name, (highs, lows) in segments:
            highs.tofile(file)
            lows.tofile(file)
    partial.replace(index_dir / FILE)
