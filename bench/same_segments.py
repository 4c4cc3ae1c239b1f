"""Whether two code folders write the same index: every file of every segment, byte for byte.

A build's workers take batches in whatever order they free up, so two builds of one
corpus split it into segments differently. Here each code folder writes the same
articles with one :class:`indexer.segment_writer.InvertingSegmentWriter` (a segment
finished at ``SEGMENT_POSTINGS``, as a worker does), in a fresh process with hash
randomisation off and Whoosh's random segment names seeded, so that equal code gives
equal bytes; then each file inside each segment's compound file (postings, term
table, stored fields, lengths, columns: forward values, signatures) is compared by its
SHA-256. The compound file's own directory is left out: it holds modification times.

    python bench/same_segments.py --code /tmp/base,/work/wt-x --corpus ../shared/corpora/ir-news
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import pickle
import random
import subprocess
import sys
import tempfile
from pathlib import Path


def _documents(corpus: Path) -> list[dict]:
    """Every article of ``corpus`` as the index's fields, each id once (as a build keeps them)."""
    read_file = importlib.import_module("khabar.indexer.readers").read_file
    article_fields = importlib.import_module("khabar.indexer.schema").article_fields
    docs, seen = [], set()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        try:
            articles = read_file(path, path.read_bytes()).articles
        except Exception:  # noqa: BLE001 - not an article file (a README): a build skips it too
            continue
        for key, article in articles:
            if isinstance(article, str):
                continue
            fields = article_fields(article.id or article.url or str(path) + key, article, path=str(path),
                                    digest="digest", stamp="stamp")
            if fields["id"] not in seen:
                seen.add(fields["id"])
                docs.append(fields)
    return docs


def _write(documents: Path, folder: Path) -> None:
    """Write the documents into segments in ``folder`` (this process imports one code folder as khabar)."""
    from whoosh.index import create_in

    writers = importlib.import_module("khabar.indexer.segment_writer")
    codec = importlib.import_module("khabar.indexer.codec").KhabarCodec
    with open(documents, "rb") as prepared:
        docs = pickle.load(prepared)
    random.seed(14)  # whoosh.util.random_name: the segments' names
    ix = create_in(str(folder), importlib.import_module("khabar.indexer.schema").build_schema())
    writer = writers.InvertingSegmentWriter(ix, _lk=False, codec=codec(), limitmb=64)
    for fields in docs:
        writer.add_document(**fields)
        if writer.posting_count >= writers.SEGMENT_POSTINGS:
            writer._finalize_segment()
            writer = writers.InvertingSegmentWriter(ix, _lk=False, codec=codec(), limitmb=64)
    writer._finalize_segment()


def _digests(folder: Path) -> dict[str, str]:
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    found = {}
    for path in sorted(folder.glob("*.seg")):
        inner = CompoundStorage(FileStorage(str(folder)).open_file(path.name), use_mmap=False)
        for name in sorted(inner._dir):
            data = inner.open_file(name).read()
            found[name] = f"{len(data)} {hashlib.sha256(data).hexdigest()}"
    return found


def _env(code: Path, links: Path) -> dict[str, str]:
    """An environment importing ``code`` as khabar (through a link), hash randomisation off."""
    folder = links / code.name
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "khabar").is_symlink():
        (folder / "khabar").symlink_to(code.resolve(), target_is_directory=True)
    return dict(os.environ, PYTHONPATH=str(folder), PYTHONHASHSEED="0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", required=True, help="two comma-separated code folders")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--write", nargs=2, help=argparse.SUPPRESS)  # in a child: documents, folder
    args = parser.parse_args()
    if args.write:
        _write(Path(args.write[0]), Path(args.write[1]))
        return
    codes = [Path(c) for c in args.code.split(",")]
    work = Path(tempfile.mkdtemp(prefix="same-segments-"))
    documents = work / "documents.pickle"
    prepare = "import pickle, sys; sys.argv[1:] = []; from bench.same_segments import _documents; " \
              f"pickle.dump(_documents(__import__('pathlib').Path({str(Path(args.corpus).resolve())!r})), open({str(documents)!r}, 'wb'))"
    subprocess.run([sys.executable, "-c", prepare], env=_env(codes[0], work / "links"), check=True,
                   cwd=str(Path(__file__).resolve().parent.parent))
    digests = []
    for i, code in enumerate(codes):
        folder = work / f"index-{i}"
        folder.mkdir()
        subprocess.run([sys.executable, __file__, "--code", args.code, "--corpus", args.corpus,
                        "--write", str(documents), str(folder)], env=_env(code, work / "links"), check=True)
        digests.append(_digests(folder))
    differ = sorted(name for name in digests[0].keys() | digests[1].keys()
                    if digests[0].get(name) != digests[1].get(name))
    print(f"{len(digests[0])} files in {codes[0]}'s segments, {len(digests[1])} in {codes[1]}'s: "
          + ("every one byte-identical" if not differ else f"{len(differ)} differ: {', '.join(differ)}"))
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
