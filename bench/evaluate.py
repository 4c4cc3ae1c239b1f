"""Ranking-quality benchmark on the Hamshahri2 subset (issue 3) and khabar's own news set (issue 15).

    python bench/evaluate.py --collection ../shared/corpora/hamshahri2-subset \
        [--index-dir DIR] [--run-file out.trec] [--per-query] [--news ../shared/corpora | --no-news]

Converts the collection's ``.ham`` files into a temporary JSON Lines folder,
indexes it with :func:`indexer.update.update_index`, runs the topics through
:func:`search.engine.search` (the code path of ``khabar search``) and scores
the run with ``ir_measures`` against the qrels: MAP, nDCG@10, P@10, R@100.

The collection is research-only: the converted copy lives in a temporary
folder and is deleted at the end; nothing of it is written into the project.

With ``--index-dir`` the index is kept there and reused on the next run when
its stamp (a hash of the analysis/indexing code and the collection's file list)
still matches; otherwise it is rebuilt.

The news set (``bench/judged/news/``: queries of the kinds khabar's users type,
judged 0/1/2 on ir-news, farsnews-varzesh3 and farsnews-2023; its rules in
``RULES.md``) runs beside it whenever the corpora folder is there (``--news``,
by default ``../shared/corpora`` beside the checkout). Its index is built once
and cached (``--news-index``, by default under ``$XDG_CACHE_HOME/khabar-eval``)
with the same stamp rule. Every search of both sets gets :data:`SEARCH_OPTIONS`.

The functions :func:`convert`, :func:`build_index`, :func:`run` and
:func:`score` are reusable on their own (``tests/test_evaluate.py``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
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

# Keyword arguments every evaluation search gets, beside the query's own (limit, dates, expand):
# judged sets count every copy of a story, so a search option that merges copies is turned off here.
SEARCH_OPTIONS: dict[str, object] = {"collapse": False}  # every copy is judged

NEWS_SET = _ROOT / "bench" / "judged" / "news"
NEWS_FOLDERS = ("ir-news", "farsnews-varzesh3", "farsnews-2023")
DEFAULT_CORPORA = _ROOT.parent / "shared" / "corpora"


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


def code_stamp(collection: Path | None = None, files: Iterable[Path] = ()) -> str:
    """Hash of the code that decides index terms, plus the collection's file list (and the
    converter), or, for folders indexed as they are, ``files``' list."""
    from khabar import indexer

    digest = hashlib.blake2b(digest_size=16)
    package = Path(indexer.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    listed = list(files)
    if collection is not None:
        digest.update(Path(__file__).read_bytes())  # the converter
        listed = ham_files(collection) + listed
    for path in listed:
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
        timings: dict[str, float] | None = None, snippets: bool = False, expand: bool = True,
        dates: Mapping[str, tuple[str | None, str | None]] | None = None) -> Run:
    """Search every topic through :func:`search.engine.search`; ``{qid: [(docid, score), ...]}``.

    ``dates`` gives a query its Jalali ``(from, to)`` (``--from``/``--to``).
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
            date_from, date_to = (dates or {}).get(qid, (None, None))
            try:
                found = engine.search(index_dir, text, limit=limit, expand=expand,
                                      date_from=date_from, date_to=date_to, **SEARCH_OPTIONS)
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


# --------------------------------------------------------------------------- the news set


@dataclass(slots=True)
class NewsQuery:
    id: str
    text: str
    date_from: str | None  # Jalali, as --from takes it
    date_to: str | None
    kind: str  # what sort of query it is (a name, glued plural, date filter…)
    need: str  # what is relevant, written before judging


def load_news_queries(path: Path = NEWS_SET / "queries.tsv") -> dict[str, NewsQuery]:
    """``queries.tsv``: a header, then ``id, query, from, to, kind, need`` per line."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row["id"]: NewsQuery(row["id"], row["query"], row["from"] or None, row["to"] or None,
                                     row["kind"], row["need"]) for row in rows}


def load_news_qrels(path: Path = NEWS_SET / "qrels.tsv") -> dict[str, dict[str, int]]:
    """``qrels.tsv``: a header, then ``query, article, grade`` (0, 1 or 2) per line."""
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
            qrels.setdefault(row["query"], {})[row["article"]] = int(row["grade"])
    return qrels


def stable_id(doc_id: str) -> str:
    """An article id as the judgments name it: a URL as it is; an id made of where the
    article was read (``/any/where/farsnews-2023/farsnews.csv#29``, a CSV without links)
    as its corpus folder, file and record (``farsnews-2023/farsnews.csv#29``)."""
    if "://" in doc_id:
        return doc_id
    where, hash_sign, record = doc_id.partition("#")
    return "/".join(Path(where).parts[-2:]) + hash_sign + record


def news_files(corpora: Path) -> list[Path]:
    return sorted(path for name in NEWS_FOLDERS for path in (corpora / name).rglob("*") if path.is_file())


def prepare_news_index(corpora: Path, index_dir: Path, log: Callable[[str], None] = lambda m: None) -> None:
    """Index the news folders of ``corpora`` as ``khabar index`` does, unless the stamp says it is current."""
    from khabar.indexer.store import is_current
    from khabar.indexer.update import update_index

    stamp = code_stamp(files=news_files(corpora))
    stamp_path = index_dir / _STAMP_FILE
    if is_current(index_dir) and stamp_path.is_file() and stamp_path.read_text().strip() == stamp:
        log(f"reusing the news index at {index_dir}")
        return
    started = time.perf_counter()
    update_index(index_dir, [corpora / name for name in NEWS_FOLDERS], rebuild=True,
                 on_problem=lambda message: None, on_duplicate=lambda message: None)
    log(f"indexed the news corpora in {time.perf_counter() - started:.1f} s")
    stamp_path.write_text(stamp + "\n")


def default_news_index() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "khabar-eval" / "news-index"


def evaluate_news(corpora: Path, index_dir: Path, run_file: Path | None = None,
                  log: Callable[[str], None] = lambda m: None, snippets: bool = False, expand: bool = True,
                  judged: Path = NEWS_SET) -> tuple[dict, dict, dict[str, float], dict[str, str]]:
    """The news set's ``(means, per_query, timings, topics)``, as :func:`evaluate` gives Hamshahri's.

    Grades are nDCG's gains; MAP, P@10 and R@100 count grades 1 and 2 as relevant.
    An article nobody judged counts as not relevant.
    """
    prepare_news_index(corpora, index_dir, log)
    queries = load_news_queries(judged / "queries.tsv")
    qrels = load_news_qrels(judged / "qrels.tsv")
    queries = {qid: query for qid, query in queries.items() if qid in qrels}
    topics = {qid: query.text for qid, query in queries.items()}
    timings: dict[str, float] = {}
    found = run(index_dir, topics, timings=timings, snippets=snippets, expand=expand,
                dates={qid: (query.date_from, query.date_to) for qid, query in queries.items()})
    results = {qid: [(stable_id(doc_id), value) for doc_id, value in hits] for qid, hits in found.items()}
    if run_file is not None:
        write_run(results, run_file)
    means, per_query = score(qrels, results)
    return means, per_query, timings, topics


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
    parser.add_argument("--collection", type=Path, help="the hamshahri2-subset folder")
    parser.add_argument("--index-dir", type=Path, help="keep (and reuse) the index here")
    parser.add_argument("--run-file", type=Path, help="write the TREC run file here")
    parser.add_argument("--per-query", action="store_true", help="print every query's scores")
    parser.add_argument("--with-snippets", action="store_true",
                        help="also build the snippets of all 1000 hits per query (slow; ranking is the same)")
    parser.add_argument("--no-expand", dest="expand", action="store_false",
                        help="search as 'khabar search --no-expand' does (no blind relevance feedback)")
    parser.add_argument("--news", type=Path, default=DEFAULT_CORPORA,
                        help=f"the corpora folder holding {', '.join(NEWS_FOLDERS)} (default: %(default)s, "
                             "skipped when absent)")
    parser.add_argument("--no-news", dest="news", action="store_const", const=None, help="leave the news set out")
    parser.add_argument("--news-index", type=Path, default=None,
                        help=f"the cached news index (default: {default_news_index()})")
    parser.add_argument("--news-run-file", type=Path, help="write the news set's TREC run file here")
    args = parser.parse_args(argv)

    log = lambda message: print(message, file=sys.stderr)  # noqa: E731
    if args.collection is not None and not (args.collection / "derived" / "qrels.trec").is_file():
        parser.error(f"{args.collection} has no derived/qrels.trec")
    news_given = args.news is not None and args.news != DEFAULT_CORPORA
    if news_given and not all((args.news / name).is_dir() for name in NEWS_FOLDERS):
        parser.error(f"{args.news} does not hold {', '.join(NEWS_FOLDERS)}")
    news = args.news if args.news is not None and all((args.news / name).is_dir() for name in NEWS_FOLDERS) else None
    if args.collection is None and news is None:
        parser.error("give --collection (Hamshahri2) or --news (the news corpora), or both")
    if args.collection is not None:
        with tempfile.TemporaryDirectory(prefix="khabar-eval-index-") as tmp:
            index_dir = args.index_dir.absolute() if args.index_dir else Path(tmp) / "index"
            means, per_query, timings, topics = evaluate(
                args.collection, index_dir, args.run_file, log, snippets=args.with_snippets, expand=args.expand)
        print(format_table(means, per_query if args.per_query else None, topics))
        log_timings(timings, args.with_snippets, log)
    if news is not None:
        means, per_query, timings, topics = evaluate_news(
            news, (args.news_index or default_news_index()).absolute(), args.news_run_file, log,
            snippets=args.with_snippets, expand=args.expand)
        if args.collection is not None:
            print()
        print(f"news set ({len(per_query)} judged queries, {NEWS_SET.relative_to(_ROOT)})")
        print(format_table(means, per_query if args.per_query else None, topics))
        log_timings(timings, args.with_snippets, log)
    return 0


def log_timings(timings: Mapping[str, float], snippets: bool, log: Callable[[str], None]) -> None:
    if timings:
        ordered = sorted(timings.values())
        log(f"{len(ordered)} queries, median {1000 * ordered[len(ordered) // 2]:.0f} ms, "
            f"max {1000 * ordered[-1]:.0f} ms per search "
            f"(limit 1000, {'with' if snippets else 'without'} snippets)")

if __name__ == "__main__":
    sys.exit(main())
