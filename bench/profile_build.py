"""CPU seconds per article of one writer process's work in a full build, and where they go.

What a build's worker does with the articles it is sent: ``add_document`` on an
:class:`indexer.segment_writer.InvertingSegmentWriter` for each, then the
segment's flush (posting lists, term table, stored fields, columns). Articles
are read and turned into fields first (:func:`indexer.schema.article_fields`),
outside the timing, as the indexing process does before sending them.

    python bench/profile_build.py --corpus ../shared/corpora/ir-news --articles 1500
    python bench/profile_build.py --profile 25                 # cProfile's top functions
    python bench/profile_build.py --code /tmp/base,/work/wt-x  # A/B, rounds alternating

``--warm`` articles (others than the measured ones) go through a writer
first, so that the per-process caches (the piece cache, the lexicon) are as
warm as a long build's. Every figure is CPU time (``time.process_time``).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import json
import os
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PREFIX = "KHABAR_PROFILE_PREFIX"  # how this code folder's modules are imported


def _module(name: str):
    return importlib.import_module(os.environ.get(_PREFIX, "khabar.") + name)


def _documents(corpus: Path, limit: int) -> list[dict]:
    read_file = _module("indexer.readers").read_file
    article_fields = _module("indexer.schema").article_fields
    docs: list[dict] = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".txt", ".html", ".json")):
        for key, article in read_file(path).articles:
            if isinstance(article, str) or not article.body:
                continue
            docs.append(article_fields(article.id or str(path) + key, article, path=str(path),
                                       digest="digest", stamp="stamp"))
            if len(docs) >= limit:
                return docs
    return docs


def _write(docs: list[dict], folder: str) -> float:
    """CPU seconds to add ``docs`` to a fresh segment and finish it."""
    from whoosh.index import create_in

    codec = _module("indexer.codec").KhabarCodec
    schema = _module("indexer.schema").build_schema()
    writer_class = _module("indexer.segment_writer").InvertingSegmentWriter
    ix = create_in(folder, schema)
    writer = writer_class(ix, _lk=False, codec=codec(), limitmb=64)
    start = time.process_time()
    for fields in docs:
        writer.add_document(**fields)
    writer._finalize_segment()
    return time.process_time() - start


def _measure(args) -> dict:
    if args.documents:  # read once by the A/B's parent: each round measures the same articles
        with open(args.documents, "rb") as prepared:
            docs = pickle.load(prepared)
    else:
        docs = _documents(Path(args.corpus), args.warm + args.articles)
    warm, measured = docs[: args.warm], docs[args.warm :]
    text_mb = sum(len(d["all"].encode()) for d in measured) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        if warm:
            _write(warm, tempfile.mkdtemp(dir=tmp))
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        seconds = _write(measured, tempfile.mkdtemp(dir=tmp))
        if profiler:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
            print(out.getvalue(), file=sys.stderr)
    return {"articles": len(measured), "cpu_s": seconds, "ms_per_article": 1000 * seconds / len(measured),
            "text_mb": text_mb, "mb_per_cpu_s": text_mb / seconds}


def _code_env(code: Path, links: Path) -> dict[str, str]:
    """An environment importing ``code`` (a package folder) as ``khabar``, through a link."""
    folder = links / code.name
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "khabar"
    if link.is_symlink() and link.resolve() != code.resolve():
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(code.resolve(), target_is_directory=True)
    return dict(os.environ, PYTHONPATH=str(folder), **{_PREFIX: "khabar."})


def _ab(args) -> None:
    codes = [Path(c) for c in args.code.split(",")]
    links = Path(tempfile.mkdtemp(prefix="profile-build-"))
    documents = links / "documents.pickle"
    with open(documents, "wb") as out:
        pickle.dump(_documents(Path(args.corpus), args.warm + args.articles), out)
    times: dict[str, list[float]] = {str(c): [] for c in codes}
    for round_ in range(args.rounds):
        for code in codes if round_ % 2 == 0 else codes[::-1]:
            command = [sys.executable, __file__, "--corpus", args.corpus, "--articles", str(args.articles),
                       "--warm", str(args.warm), "--documents", str(documents), "--json"]
            done = subprocess.run(command, env=_code_env(code, links), capture_output=True, text=True,
                                  cwd=str(code))
            if done.returncode:
                raise SystemExit(f"{code}: {done.stderr[-2000:]}")
            result = json.loads(done.stdout)
            times[str(code)].append(result["ms_per_article"])
            print(f"round {round_ + 1} {code}: {result['ms_per_article']:.3f} ms/article "
                  f"({result['mb_per_cpu_s']:.2f} MB of text per CPU s)", flush=True)
    for code, values in times.items():
        print(f"{code}: median {statistics.median(values):.3f} ms/article over {len(values)} rounds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--warm", type=int, default=1500, help="articles written first, not measured")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions to stderr")
    parser.add_argument("--code", help="comma-separated code folders to compare, rounds alternating")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--documents", help=argparse.SUPPRESS)  # the A/B's articles, read once
    args = parser.parse_args()
    if args.code:
        _ab(args)
        return
    result = _measure(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['articles']} articles, {result['text_mb']:.1f} MB of text: {result['cpu_s']:.2f} CPU s, "
              f"{result['ms_per_article']:.3f} ms/article, {result['mb_per_cpu_s']:.2f} MB per CPU s")


if __name__ == "__main__":
    main()
