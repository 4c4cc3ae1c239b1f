"""Ranking-quality benchmark on the Hamshahri2 subset (issue 3).

    python bench/evaluate.py --collection ../shared/corpora/hamshahri2-subset \
        [--index-dir DIR] [--run-file out.trec] [--per-query]

Converts the collection's ``.ham`` files into a temporary JSON Lines folder,
indexes it with :func:`indexer.update.update_index`, runs the topics through
:func:`search.engine.search` (the code path of ``khabar search``) and scores
the run with ``ir_measures`` against the qrels: MAP, nDCG@10, P@10, R@100.

The collection is research-only: the converted copy lives in a temporary
folder and is deleted at the end; nothing of it is written into the project.

With ``--index-dir`` the index is kept there and reused on the next run when
its stamp (a hash of the analysis/indexing code and the collection's file list)
still matches; otherwise it is rebuilt.

The functions :func:`convert`, :func:`build_index`, :func:`run` and
:func:`score` are reusable on their own (``tests/test_evaluate.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(_ROOT))

# ``HAM2-YYMMDD-NNN``: the Jalali date 13YY/MM/DD and a running number.
_HAM_ID = re.compile(r"^HAM2-(\d{2})(\d{2})(\d{2})-\d+$")
_SHARD_DOCS = 1000
_STAMP_FILE = "khabar-eval.stamp"

MEASURE_NAMES = ("AP", "nDCG@10", "P@10", "R@100")
MEASURE_LABELS = {"AP": "MAP", "nDCG@10": "nDCG@10", "P@10": "P@10", "R@100": "R@100"}

Run = dict[str, list[tuple[str, float]]]


# --------------------------------------------------------------------------- convert


@dataclass(slots=True)
class HamDoc:
    id: str
    title: str
    body: str
    date: str  # Jalali "13YY/MM/DD", "" when the id carries none


def jalali_date_of(doc_id: str) -> str:
    """The Jalali date (``13YY/MM/DD``) an id ``HAM2-YYMMDD-NNN`` encodes; ``""`` for an id of another shape."""
    match = _HAM_ID.match(doc_id)
    if not match:
        return ""
    yy, mm, dd = match.groups()
    return f"13{yy}/{mm}/{dd}"


def read_ham(path: Path) -> HamDoc:
    """One ``.ham`` file: plain UTF-8 text, headline on the first short line(s)."""
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    from khabar.indexer.readers.hamshahri import headline_and_rest

    title, rest = headline_and_rest(text)
    body = "\n".join(line.rstrip() for line in rest).strip()
    doc_id = path.stem
    return HamDoc(doc_id, title, body, jalali_date_of(doc_id))


def ham_files(collection: Path) -> list[Path]:
    corpus = collection / "HamshahriData" / "HamshahriCorpus"
    return sorted(corpus.rglob("*.ham"), key=lambda p: p.name)


def convert(collection: Path, out_dir: Path, shard_docs: int = _SHARD_DOCS) -> int:
    """Write the collection as JSON Lines files under ``out_dir``; return the number of docs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = ham_files(collection)
    for start in range(0, len(files), shard_docs):
        shard = out_dir / f"ham-{start // shard_docs:03d}.jsonl"
        with shard.open("w", encoding="utf-8") as out:
            for path in files[start:start + shard_docs]:
                doc = read_ham(path)
                record = {"id": doc.id, "title": doc.title, "body": doc.body, "source": "hamshahri"}
                if doc.date:
                    record["date"] = doc.date
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(files)


# --------------------------------------------------------------------------- index


def code_stamp(collection: Path | None = None) -> str:
    """Hash of the code that decides index terms, plus the collection's file list."""
    from khabar import indexer

    digest = hashlib.blake2b(digest_size=16)
    package = Path(indexer.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())  # the converter
    if collection is not None:
        for path in ham_files(collection):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def build_index(jsonl_dir: Path, index_dir: Path) -> list[str]:
    """Index ``jsonl_dir`` into a fresh ``index_dir``; returns the problems reported."""
    from khabar.indexer.update import update_index

    problems: list[str] = []
    update_index(index_dir, [jsonl_dir], rebuild=True, on_problem=problems.append, on_duplicate=problems.append)
    return problems


def prepare_index(collection: Path, index_dir: Path, log: Callable[[str], None] = lambda m: None) -> None:
    """Build ``index_dir`` from the collection unless its stamp says it is current."""
    from khabar.indexer.store import is_current

    stamp = code_stamp(collection)
    stamp_path = index_dir / _STAMP_FILE
    if is_current(index_dir) and stamp_path.is_file() and stamp_path.read_text().strip() == stamp:
        log(f"reusing the index at {index_dir}")
        return
    with tempfile.TemporaryDirectory(prefix="khabar-eval-") as tmp:
        started = time.perf_counter()
        count = convert(collection, Path(tmp) / "jsonl")
        log(f"converted {count} documents ({time.perf_counter() - started:.1f} s)")
        started = time.perf_counter()
        problems = build_index(Path(tmp) / "jsonl", index_dir)
        log(f"indexed in {time.perf_counter() - started:.1f} s" + (f", {len(problems)} problems" if problems else ""))
        for problem in problems[:5]:
            log(f"  {problem}")
    stamp_path.write_text(stamp + "\n")


# --------------------------------------------------------------------------- run


def load_topics(path: Path) -> dict[str, str]:
    topics: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, text = line.partition("\t")
            topics[qid.strip()] = text.strip()
    return topics


def run(index_dir: Path, topics: Mapping[str, str], limit: int = 1000,
        timings: dict[str, float] | None = None, snippets: bool = False, expand: bool = True) -> Run:
    """Search every topic through :func:`search.engine.search`; ``{qid: [(docid, score), ...]}``.

    Snippets do not take part in ranking but cost ~4 s for 1000 hits, so unless
    ``snippets`` is true, ``search.engine.snippet`` is replaced by a no-op for
    the duration: everything else is the code path of ``khabar search``.
    """
    import contextlib
    from unittest import mock

    from khabar.search import engine
    from khabar.search.query.parse import QueryError

    results: Run = {}
    no_snippets = contextlib.nullcontext() if snippets else mock.patch.object(engine, "snippet", lambda *args, **kwargs: "")
    with no_snippets:
        for qid, text in topics.items():
            started = time.perf_counter()
            try:
                # Every copy is judged: collapsing would hide judged documents.
                found = engine.search(index_dir, text, limit=limit, expand=expand, collapse=False)
            except QueryError:
                results[qid] = []
                continue
            if timings is not None:
                timings[qid] = time.perf_counter() - started
            results[qid] = [(hit.id, hit.score) for hit in found.hits]
    return results


def write_run(results: Run, path: Path, tag: str = "khabar") -> None:
    with path.open("w", encoding="utf-8") as out:
        for qid, hits in results.items():
            for rank, (doc_id, value) in enumerate(hits, start=1):
                out.write(f"{qid} Q0 {doc_id} {rank} {value:.6f} {tag}\n")


# --------------------------------------------------------------------------- score


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4:
            qid, _, doc_id, rel = parts
            qrels.setdefault(qid, {})[doc_id] = int(rel)
    return qrels


def score(qrels: Mapping[str, Mapping[str, int]], results: Run,
          measures: Iterable[str] = MEASURE_NAMES) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """``(mean per measure, {qid: {measure: value}})``.

    Means are over every judged query: a query with no results counts as 0.
    Ranks follow the run's order (scores are made strictly decreasing).
    """
    import ir_measures

    names = list(measures)
    parsed = [ir_measures.parse_measure(name) for name in names]
    by_measure = {str(m): name for m, name in zip(parsed, names)}
    run_dict = {
        qid: {doc_id: float(len(hits) - rank) for rank, (doc_id, _) in enumerate(hits)}
        for qid, hits in results.items() if qid in qrels
    }
    qrels_dict = {qid: dict(docs) for qid, docs in qrels.items()}
    per_query: dict[str, dict[str, float]] = {qid: {name: 0.0 for name in names} for qid in qrels_dict}
    for metric in ir_measures.iter_calc(parsed, qrels_dict, run_dict):
        per_query[metric.query_id][by_measure[str(metric.measure)]] = float(metric.value)
    means = {name: (sum(q[name] for q in per_query.values()) / len(per_query) if per_query else 0.0)
             for name in names}
    return means, per_query


def format_table(means: Mapping[str, float], per_query: Mapping[str, Mapping[str, float]] | None = None,
                 topics: Mapping[str, str] | None = None) -> str:
    names = list(means)
    header = "query".ljust(8) + "".join(MEASURE_LABELS.get(n, n).rjust(9) for n in names)
    lines = [header]
    if per_query:
        for qid in sorted(per_query, key=lambda q: (len(q), q)):
            row = qid.ljust(8) + "".join(f"{per_query[qid][n]:9.4f}" for n in names)
            if topics and qid in topics:
                row += "  " + topics[qid]
            lines.append(row)
    lines.append("all".ljust(8) + "".join(f"{means[n]:9.4f}" for n in names))
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def evaluate(collection: Path, index_dir: Path, run_file: Path | None = None,
             log: Callable[[str], None] = lambda m: None,
             snippets: bool = False, expand: bool = True) -> tuple[dict, dict, dict[str, float], dict[str, str]]:
    prepare_index(collection, index_dir, log)
    topics = load_topics(collection / "derived" / "topics.tsv")
    timings: dict[str, float] = {}
    results = run(index_dir, topics, timings=timings, snippets=snippets, expand=expand)
    if run_file is not None:
        write_run(results, run_file)
    means, per_query = score(read_qrels(collection / "derived" / "qrels.trec"), results)
    return means, per_query, timings, topics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", type=Path, required=True, help="the hamshahri2-subset folder")
    parser.add_argument("--index-dir", type=Path, help="keep (and reuse) the index here")
    parser.add_argument("--run-file", type=Path, help="write the TREC run file here")
    parser.add_argument("--per-query", action="store_true", help="print every query's scores")
    parser.add_argument("--with-snippets", action="store_true",
                        help="also build the snippets of all 1000 hits per query (slow; ranking is the same)")
    parser.add_argument("--no-expand", dest="expand", action="store_false",
                        help="search as 'khabar search --no-expand' does (no blind relevance feedback)")
    args = parser.parse_args(argv)

    log = lambda message: print(message, file=sys.stderr)  # noqa: E731
    if not (args.collection / "derived" / "qrels.trec").is_file():
        parser.error(f"{args.collection} has no derived/qrels.trec")
    with tempfile.TemporaryDirectory(prefix="khabar-eval-index-") as tmp:
        index_dir = args.index_dir.absolute() if args.index_dir else Path(tmp) / "index"
        means, per_query, timings, topics = evaluate(
            args.collection, index_dir, args.run_file, log, snippets=args.with_snippets, expand=args.expand)
    print(format_table(means, per_query if args.per_query else None, topics))
    if timings:
        ordered = sorted(timings.values())
        log(f"{len(ordered)} queries, median {1000 * ordered[len(ordered) // 2]:.0f} ms, "
            f"max {1000 * ordered[-1]:.0f} ms per search "
            f"(limit 1000, {'with' if args.with_snippets else 'without'} snippets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
