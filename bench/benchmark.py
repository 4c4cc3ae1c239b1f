"""khabar speed and scale benchmark on the real corpora in ../shared.

Usage (from the repo root)::

    python bench/benchmark.py --shared ../shared                  # scale 1, ~3 min
    python bench/benchmark.py --shared ../shared --scale 1,4,16 --json out.json
    python bench/benchmark.py --shared ../shared --code /work/main,/tmp/khabar-copy   # A/B in one run

What it measures, for every scale (corpus replicated N times, see bench/corpora.py)
and every code folder given with --code (default: this checkout), the folders
taking turns at each step (builds, incremental runs, query rounds, each
``khabar search`` process) so that A/B comparisons share the machine's noise:

* full build: ``update_index(rebuild=True)`` in a fresh process — seconds, MB/s of
  title+body text, articles/s; peak RSS of that process plus its descendants and
  their CPU time (sampled from /proc every 250 ms: CPU % 100 = one core busy;
  ru_maxrss of self and largest child also kept);
* the same full build from the same articles as one JSON Lines file
  (``corpora.prepare_dump``; ``--no-jsonl`` leaves it out, ``--no-folder`` times it alone);
* index size on disk;
* incremental runs (``update_index`` with the remembered folders, as ``khabar index``
  does), each with its peak RSS: nothing changed, 1,000 new articles added
  (``corpora.add_articles``), the same deleted, 1 % of the files edited, the same
  files restored (see ``_incremental_runs``);
* query latency through ``search.engine.search`` (the CLI's path: opens the index
  per query, top 10, snippets) p50/p95 per kind: one word, 2–5 words, quoted
  phrase, date-filtered (Jalali --from/--to), each with snippets and without
  (snippets stubbed out); each query runs --reps times, once in each of --reps
  worker processes after a warm-up pass;
* ``khabar search`` wall time, process start to exit, median of --cli-runs runs
  of a few queries (warm disk, ``--json`` output);
* duplicate detection's share of the build (code that has ``indexer/duplicates.py``):
  every article's MinHash signature worked out again in one process, CPU seconds,
  beside the build's CPU seconds (an A/B build with ``--code`` against a checkout
  without detection gives the wall-clock difference).

Corpora are prepared under $KHABAR_BENCH_DIR (default /tmp/khabar-bench) and
reused between runs; indexes are built there too.

A code folder may have either layout: the package (a root ``__init__.py``,
imported as ``khabar.*``) or the flat one of before session 4 (top-level
``indexer``, ``search``, ``cli``). Both run with this interpreter.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

# --------------------------------------------------------------------------- queries
# Words checked to occur in the corpora (ir-news 1398/08–1399/03, FarsNews
# 1382–1395, Varzesh3 sports). Dates are Jalali, as users type them.
SINGLE = ["کرونا", "بورس", "ماسک", "مجلس", "استقلال", "پرسپولیس", "ترامپ", "نفت", "دلار", "قرنطینه",
          "تحریم", "انتخابات", "فوتبال", "خودرو", "مسکن", "تورم", "روحانی", "بنزین", "واکسن", "اعتراضات"]
WORDS = ["سهام عدالت", "قیمت دلار", "شیوع ویروس کرونا در ایران", "تیم ملی فوتبال", "بازار بورس تهران",
         "افزایش قیمت بنزین", "مجلس شورای اسلامی", "وزارت بهداشت درمان", "لیگ برتر فوتبال ایران",
         "تحریم های آمریکا علیه ایران", "نرخ تورم", "ستاد ملی مقابله با کرونا", "بانک مرکزی ارز",
         "انتخابات مجلس یازدهم", "مربی تیم استقلال"]
PHRASES = ['"سهام عدالت"', '"ویروس کرونا"', '"در حال حاضر"', '"به گزارش"', '"مجلس شورای اسلامی"',
           '"بانک مرکزی"', '"تیم ملی"', '"وزیر امور خارجه"', '"بر اساس"', '"یکی از مهم ترین"',
           '"ستاد ملی مقابله با کرونا"', '"لیگ برتر"', '"رئیس جمهور"', '"سازمان بورس"', '"در این راستا"']
DATED = [("کرونا", "1398/12/01", "1398/12/29"), ("بورس", "1399/01", "1399/03"), ("ماسک", "1398/12", "1399/01"),
         ('"سهام عدالت"', "1399/01/01", "1399/03/31"), ("مجلس", "1398/11", "1398/12"),
         ("انتخابات مجلس", "1398/11/01", "1398/11/30"), ("نفت", "1387", "1390"), ("فوتبال", "1390", None),
         ("قیمت دلار", None, "1388/12/29"), ('"ویروس کرونا"', "1399/02", "1399/02"), ("تحریم", "1398", "1399"),
         ("استقلال", "1395", "1399"), ("خودرو", "1398/09/01", "1398/09/30"), ('"رئیس جمهور"', "1398", None),
         ("قرنطینه", "1399/01/01", "1399/01/15")]
CLI_QUERIES = [["کرونا"], ['"سهام عدالت"'], ["بورس", "--from", "1399/01", "--to", "1399/03"], ["واکسن", "کرونا", "آمریکا"]]


def query_set() -> list[dict]:
    items = [{"kind": "word", "text": q} for q in SINGLE]
    items += [{"kind": "words", "text": q} for q in WORDS]
    items += [{"kind": "phrase", "text": q} for q in PHRASES]
    items += [{"kind": "date", "text": q, "from": a, "to": b} for q, a, b in DATED]
    return items


# --------------------------------------------------------------------------- code folders
# Workers run in a fresh interpreter that imports one code folder's modules
# (_code_env), so each folder is measured with its own indexer and search.

_PREFIX = "KHABAR_BENCH_PREFIX"  # "khabar." for the package layout, "" for the flat one


def _code_env(code: Path, work: Path) -> dict[str, str]:
    """The environment that makes ``code``'s modules the ones imported.

    A package folder (root ``__init__.py``) is imported as ``khabar`` through
    a link named so, in ``work``; a flat folder is put on the path itself.
    """
    if not (code / "__init__.py").exists():
        return dict(os.environ, PYTHONPATH=str(code), **{_PREFIX: ""})
    links = work / f"import-{code.name}"
    links.mkdir(parents=True, exist_ok=True)
    link = links / "khabar"
    if link.is_symlink() and link.resolve() != code:
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(code, target_is_directory=True)
    return dict(os.environ, PYTHONPATH=str(links), **{_PREFIX: "khabar."})


def _module(name: str):
    """A module of the code folder this worker measures (``indexer.update``, ``search.engine``)."""
    return importlib.import_module(os.environ.get(_PREFIX, "khabar.") + name)


# --------------------------------------------------------------------------- workers

def _worker_index(index_dir: str, root: str | None, rebuild: bool) -> dict:
    import resource

    start = time.perf_counter()
    update_index = _module("indexer.update").update_index

    problems: list[str] = []
    summary = update_index(Path(index_dir), [Path(root)] if root else None, rebuild=rebuild,
                           on_problem=problems.append)
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds, "summary": summary.line(), "problems": len(problems),
        "added": summary.added, "updated": summary.updated, "removed": summary.removed,
        "maxrss_self_mb": own.ru_maxrss / 1024, "maxrss_largest_child_mb": kids.ru_maxrss / 1024,
        "cpu_s": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
    }


DETECTION_SAMPLE = 20_000  # articles: at 1M, every body at once would hold ~8 GB of str


def _worker_detection(index_dir: str) -> dict:
    """The CPU cost of duplicate detection in a build: the MinHash signature of every
    body (``indexer.duplicates.signature``, what the build computes per article), or of
    DETECTION_SAMPLE spread evenly over the index, worked out again in this one process,
    from a cold start (no word cache)."""
    from whoosh.index import open_dir

    duplicates = _module("indexer.duplicates")
    with open_dir(index_dir).searcher() as searcher:
        docnums = list(searcher.reader().all_doc_ids())
        step = max(1, len(docnums) // DETECTION_SAMPLE)
        bodies = [searcher.stored_fields(docnum).get("body") or "" for docnum in docnums[::step]]
    start = time.process_time()
    for body in bodies:
        duplicates.signature(body)
    seconds = time.process_time() - start
    return {"articles": len(bodies), "cpu_s": seconds, "us_per_article": seconds / max(1, len(bodies)) * 1e6}


def _worker_queries(index_dir: str, reps: int, expand: bool = True) -> dict:
    engine = _module("search.engine")

    def search(*args, **options):
        return engine.search(*args, **options, expand=expand)

    queries = query_set()
    real_snippet = engine.snippet
    first = time.perf_counter()
    search(Path(index_dir), "کرونا")
    first_ms = (time.perf_counter() - first) * 1000
    out: dict = {"first_query_ms": first_ms, "results": []}
    for snippets in (True, False):
        engine.snippet = real_snippet if snippets else (lambda *args, **kwargs: "")
        for q in queries:  # warm-up pass
            search(Path(index_dir), q["text"], date_from=q.get("from"), date_to=q.get("to"))
        for q in queries:
            times = []
            total = 0
            for _ in range(reps):
                t0 = time.perf_counter()
                res = search(Path(index_dir), q["text"], date_from=q.get("from"), date_to=q.get("to"))
                times.append((time.perf_counter() - t0) * 1000)
                total = res.total
            out["results"].append({**q, "snippets": snippets, "ms": times, "total": total})
    engine.snippet = real_snippet
    return out


def _run_worker(code: Path, env: dict[str, str], args: list[str], sample_memory: bool = False
                ) -> tuple[dict, float, float]:
    """Run this file as a worker in a fresh interpreter; returns (its JSON, peak tree RSS MB,
    CPU seconds of the tree), the last two sampled with ``sample_memory`` (else 0)."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(code))
    peak = [0.0]
    cpu: dict[int, float] = {}  # pid → CPU seconds last seen
    stop = threading.Event()
    sampler = None
    if sample_memory:
        sampler = threading.Thread(target=_sample_tree_rss, args=(proc.pid, stop, peak, cpu), daemon=True)
        sampler.start()
    out, err = proc.communicate()
    stop.set()
    if sampler:
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed ({proc.returncode}):\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), peak[0], sum(cpu.values())


def _sample_tree_rss(root_pid: int, stop: threading.Event, peak: list[float], cpu: dict[int, float]) -> None:
    """Peak RSS of ``root_pid`` and its descendants, and each one's CPU seconds (utime +
    stime as last seen: a process's last 0.25 s before it exits are missed)."""
    page = os.sysconf("SC_PAGE_SIZE")
    ticks = os.sysconf("SC_CLK_TCK")
    while not stop.is_set():
        parents: dict[int, int] = {}
        times: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as f:
                        stat = f.read()
                    fields = stat[stat.rindex(b")") + 2:].split()
                    parents[int(entry)] = int(fields[1])
                    times[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
                except (OSError, ValueError, IndexError):
                    pass
        tree = {root_pid}
        grew = True
        while grew:
            grew = False
            for pid, ppid in parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        total = 0
        for pid in tree:
            cpu[pid] = max(cpu.get(pid, 0.0), times.get(pid, 0.0))
            try:
                with open(f"/proc/{pid}/statm") as f:
                    total += int(f.read().split()[1]) * page
            except (OSError, ValueError, IndexError):
                pass
        peak[0] = max(peak[0], total / 2**20)
        # Each sample reads /proc for every process: every 50 ms it took ~10 %
        # of a core from the build it measures.
        stop.wait(0.25)


# --------------------------------------------------------------------------- measurements

def _dir_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _cli_wall(runs_of: dict[Path, tuple[dict[str, str], Path]], runs: int) -> dict[Path, dict]:
    """``khabar search`` process wall times per code folder (``{code: (env, index_dir)}``),
    the folders taking turns query by query."""
    def command(env: dict[str, str], index_dir: Path) -> list[str]:
        return [sys.executable, "-c", f"import sys; from {env[_PREFIX]}cli import main; sys.exit(main())",
                "search", "--index", str(index_dir), "--json"]

    for code, (env, index_dir) in runs_of.items():
        for q in CLI_QUERIES:  # warm the disk cache
            subprocess.run(command(env, index_dir) + q, env=env, cwd=str(code), capture_output=True)
    times: dict[Path, list[float]] = {code: [] for code in runs_of}
    for _ in range(runs):
        for q in CLI_QUERIES:
            for code, (env, index_dir) in runs_of.items():
                t0 = time.perf_counter()
                done = subprocess.run(command(env, index_dir) + q, env=env, cwd=str(code), capture_output=True)
                times[code].append(time.perf_counter() - t0)
                if done.returncode not in (0, 1):
                    raise RuntimeError(f"khabar search failed: {done.stderr.decode()[-2000:]}")
    return {code: {"median_s": statistics.median(found), "p95_s": _pct(found, 0.95), "runs": len(found)}
            for code, found in times.items()}


def _summarise_queries(raw: dict) -> dict:
    by_kind: dict[str, list[float]] = {}
    zero = []
    for r in raw["results"]:
        suffix = "" if r["snippets"] else "/nosnip"
        by_kind.setdefault(r["kind"] + suffix, []).extend(r["ms"])
        by_kind.setdefault("all" + suffix, []).extend(r["ms"])
        if r["snippets"] and r["total"] == 0:
            zero.append(r["text"])
    stats = {k: {"p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95), "n": len(v)} for k, v in by_kind.items()}
    return {"by_kind": stats, "first_query_ms": raw["first_query_ms"], "zero_hit_queries": zero,
            "totals": {r["text"] + (f" [{r.get('from')}..{r.get('to')}]" if r["kind"] == "date" else ""): r["total"]
                       for r in raw["results"] if r["snippets"]}}


def _full_build(code: Path, env: dict[str, str], corpus, index_dir: Path, args, say) -> tuple[dict, float]:
    """A full build of ``corpus`` into ``index_dir`` (or the one kept from before, with
    ``--reuse-index``): its figures, and the index's size in MB."""
    record = index_dir.with_name(index_dir.name + ".build.json")
    if args.reuse_index and record.is_file() and index_dir.is_dir():
        say(code, f"reusing the index built before ({record.name})")
        kept = json.loads(record.read_text(encoding="utf-8"))
        return {**kept["build"], "reused": True}, kept["index_mb"]
    say(code, "full build")
    built, peak, cpu = _run_worker(code, env, ["_index", str(index_dir), corpus.root, "--rebuild"], sample_memory=True)
    build = {**built, "peak_tree_rss_mb": round(peak, 1), "mb_per_s": corpus.text_mb / built["seconds"],
             "articles_per_s": built["added"] / built["seconds"],
             # Of the whole process tree (forkserver workers included), sampled: 100 = one core busy.
             "tree_cpu_s": round(cpu, 1), "cpu_pct": round(100 * cpu / built["seconds"])}
    index_mb = round(_dir_size_mb(index_dir), 1)
    record.write_text(json.dumps({"build": build, "index_mb": index_mb}), encoding="utf-8")
    return build, index_mb


def _incremental_runs(code: Path, env: dict[str, str], corpus, index_dir: Path, say) -> dict:
    """Incremental runs (``update_index`` with the remembered folders, as ``khabar index``
    does), each timed with its peak memory, each leaving the index matching the files:

    * ``unchanged``: nothing changed (it also brings an index kept from an earlier run
      up to date with the files, so that the runs after it measure only their change);
    * ``added`` / ``removed``: ADDED_ARTICLES new articles (copy number = scale: ids no
      copy has), then the same deleted again;
    * ``incremental``: 1 % of the files edited; ``restored``: the same files put back,
      a second run of 1 % changed.
    """
    import corpora

    def run(what: str) -> dict:
        say(code, f"incremental ({what})")
        inc, peak, _ = _run_worker(code, env, ["_index", str(index_dir), "-"], sample_memory=True)
        return {**inc, "peak_tree_rss_mb": round(peak, 1)}

    runs = {"unchanged": run("nothing changed")}
    added = corpora.add_articles(Path(corpus.root), corpus.scale, ADDED_ARTICLES)
    try:
        runs["added"] = run(f"{ADDED_ARTICLES:,} new articles")
    finally:
        shutil.rmtree(added)
    runs["removed"] = run(f"the {ADDED_ARTICLES:,} deleted again")
    originals = corpora.change_files(Path(corpus.root), 0.01, marker=f"run{time.time_ns()}")
    try:
        runs["incremental"] = {**run("1 % of files changed"), "changed_files": len(originals)}
    finally:
        corpora.restore_files(originals)
    runs["restored"] = {**run("the same files restored"), "changed_files": len(originals)}
    return runs


def run_scale(codes: list[Path], corpus, work: Path, args, dump=None) -> list[dict]:
    """Every measurement of one scale, the code folders taking turns at each step;
    ``dump``: the same corpus as one JSON Lines file, built from too."""
    import corpora

    env = {code: _code_env(code, work) for code in codes}
    index_dir = {code: work / f"index-x{corpus.scale}-{code.name}" for code in codes}
    rows = {code: {"code": str(code), "scale": corpus.scale, "files": corpus.files, "articles": corpus.articles,
                   "text_mb": round(corpus.text_mb, 2)} for code in codes}

    def say(code: Path, what: str) -> None:
        print(f"[x{corpus.scale} {code.name}] {what} …", file=sys.stderr, flush=True)

    for code in codes if not args.no_folder else ():
        rows[code]["build"], rows[code]["index_mb"] = _full_build(code, env[code], corpus, index_dir[code], args, say)
    if dump is not None:  # the same articles from one JSON Lines file
        for code in codes:
            dump_index = index_dir[code].with_name(index_dir[code].name + "-jsonl")
            rows[code]["jsonl_build"], rows[code]["jsonl_index_mb"] = _full_build(
                code, env[code], dump, dump_index, args, lambda code, what: say(code, what + " from one JSONL file"))
    if args.no_folder:  # what follows needs the folder's index
        return [rows[code] for code in codes]

    for code in codes:
        if (code / "indexer" / "duplicates.py").is_file():  # code that detects duplicates while indexing
            say(code, "duplicate detection cost")
            rows[code]["detection"], _, _ = _run_worker(code, env[code], ["_detection", str(index_dir[code])])

    if not args.no_incremental:
        for code in codes:
            rows[code].update(_incremental_runs(code, env[code], corpus, index_dir[code], say))

    if not args.no_queries:
        # One timed run of each query per worker, --reps workers per folder, taking turns.
        raws: dict[Path, list[dict]] = {code: [] for code in codes}
        for rep in range(args.reps):
            for code in codes:
                say(code, f"queries, round {rep + 1} of {args.reps}")
                raw, _, _ = _run_worker(code, env[code], ["_queries", str(index_dir[code]), "1",
                                                       *(["--no-expand"] if args.no_expand else [])])
                raws[code].append(raw)
        for code in codes:
            raw = _merge_rounds(raws[code])
            rows[code]["queries"] = _summarise_queries(raw)
            if args.keep_raw:
                rows[code]["queries"]["raw"] = raw
    if not args.no_cli:
        print(f"[x{corpus.scale}] khabar search processes …", file=sys.stderr, flush=True)
        for code, timed in _cli_wall({code: (env[code], index_dir[code]) for code in codes}, args.cli_runs).items():
            rows[code]["cli"] = timed
    return [rows[code] for code in codes]


def _merge_rounds(raws: list[dict]) -> dict:
    """Query workers' results as one: each query's timings together, the first query's median."""
    results = [dict(found, ms=[ms for raw in raws for ms in raw["results"][i]["ms"]])
               for i, found in enumerate(raws[0]["results"])]
    return {"first_query_ms": statistics.median(raw["first_query_ms"] for raw in raws), "results": results}


# --------------------------------------------------------------------------- report

def print_builds(rows: list[dict]) -> None:
    """Full builds side by side: from the folder of files and from one JSON Lines file."""
    print(f"{'scale':>5} {'code':<14} {'from':<6} {'files':>6} {'MB':>7} {'build s':>8} {'MB/s':>5} {'art/s':>6} "
          f"{'peakMB':>7} {'CPU%':>5} {'idxMB':>6}")
    for r in rows:
        for source, key, size in (("folder", "build", "index_mb"), ("jsonl", "jsonl_build", "jsonl_index_mb")):
            if (b := r.get(key)) is None:
                continue
            files = r["files"] if source == "folder" else 1
            cpu = b.get("cpu_pct")
            print(f"{r['scale']:>5} {Path(r['code']).name[:14]:<14} {source:<6} {files:>6} {r['text_mb']:>7.1f} "
                  f"{b['seconds']:>8.1f} {b['mb_per_s']:>5.2f} {b['articles_per_s']:>6.0f} "
                  f"{b['peak_tree_rss_mb']:>7.0f} {cpu if cpu is not None else '-':>5} {r[size]:>6.0f}")
    print()


def print_table(rows: list[dict]) -> None:
    kinds = ["word", "words", "phrase", "date", "all", "all/nosnip"]
    head = (f"{'scale':>5} {'code':<14} {'arts':>7} {'MB':>6} {'build s':>8} {'MB/s':>5} {'art/s':>6} "
            f"{'peakMB':>7} {'idxMB':>6} {'incr s':>6} " + " ".join(f"{k:>13}" for k in kinds) + f" {'cli s':>6}")
    print_builds(rows)
    rows = [r for r in rows if "build" in r]
    if not rows:
        return
    print(head)
    print(" " * 5 + " " * 15 + " " * 70 + "  (query p50/p95 ms)")
    for r in rows:
        q = r.get("queries", {}).get("by_kind", {})
        cells = " ".join(f"{q[k]['p50_ms']:>6.1f}/{q[k]['p95_ms']:<6.1f}" if k in q else f"{'-':>13}" for k in kinds)
        inc = r.get("incremental", {}).get("seconds")
        cli = r.get("cli", {}).get("median_s")
        b = r["build"]
        print(f"{r['scale']:>5} {Path(r['code']).name[:14]:<14} {r['articles']:>7} {r['text_mb']:>6.1f} "
              f"{b['seconds']:>8.1f} {b['mb_per_s']:>5.2f} {b['articles_per_s']:>6.0f} {b['peak_tree_rss_mb']:>7.0f} "
              f"{r['index_mb']:>6.0f} {inc if inc is not None else float('nan'):>6.1f} {cells} "
              f"{cli if cli is not None else float('nan'):>6.2f}")
    base = {r["code"]: r for r in rows if r["scale"] == min(x["scale"] for x in rows)}
    if len({r["scale"] for r in rows}) > 1:
        print("\ngrowth vs smallest scale (ratio): build time, peak RSS, index size, incremental, query p95 (all), cli")
        for r in rows:
            b0 = base[r["code"]]

            def ratio(get):
                try:
                    return f"{get(r) / get(b0):6.2f}"
                except (KeyError, ZeroDivisionError, TypeError):
                    return f"{'-':>6}"
            print(f"{r['scale']:>5} {Path(r['code']).name[:14]:<14} "
                  + " ".join(ratio(g) for g in (
                      lambda x: x["build"]["seconds"], lambda x: x["build"]["peak_tree_rss_mb"],
                      lambda x: x["index_mb"], lambda x: x["incremental"]["seconds"],
                      lambda x: x["queries"]["by_kind"]["all"]["p95_ms"], lambda x: x["cli"]["median_s"])))
    for r in rows:
        if detection := r.get("detection"):
            # The build's own cpu_s misses its forkserver workers: compared with its wall time.
            print(f"duplicate detection x{r['scale']} {Path(r['code']).name}: signatures of {detection['articles']} "
                  f"articles {detection['cpu_s']:.1f} s CPU in one process ({detection['us_per_article']:.0f} µs "
                  f"each), beside a {r['build']['seconds']:.0f} s build on {os.cpu_count()} cores")
    for r in rows:
        steps = [(what, r[key]) for what, key in (("nothing changed", "unchanged"),
                                                   (f"{ADDED_ARTICLES:,} new articles", "added"),
                                                   ("the same deleted", "removed"),
                                                   ("1 % of files changed", "incremental"),
                                                   ("the same restored", "restored")) if key in r]
        if steps:
            print(f"incremental x{r['scale']} {Path(r['code']).name}: " + "; ".join(
                f"{what} {s['seconds']:.1f} s, {s['peak_tree_rss_mb']:.0f} MB ({s['summary']})" for what, s in steps))
    for r in rows:
        zero = r.get("queries", {}).get("zero_hit_queries")
        if zero:
            print(f"note: x{r['scale']} {Path(r['code']).name}: queries with no hits: {zero}")


ADDED_ARTICLES = 1000  # the "adding 1,000 new articles" incremental run
SCALE_1M = 114  # copies of the 8,773-article set: 1,000,122 articles, ~4.2 GB of text


def _scale(text: str) -> int:
    """A replication factor: a number of copies, or ``1M`` for a million articles."""
    return SCALE_1M if text.strip().upper() == "1M" else int(text)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_index":
        index_dir, root = sys.argv[2], sys.argv[3]
        print(json.dumps(_worker_index(index_dir, None if root == "-" else root, "--rebuild" in sys.argv)))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_detection":
        print(json.dumps(_worker_detection(sys.argv[2])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_queries":
        print(json.dumps(_worker_queries(sys.argv[2], int(sys.argv[3]), "--no-expand" not in sys.argv)))
        return

    parser = argparse.ArgumentParser(description="khabar speed and scale benchmark",
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the ../shared folder")
    parser.add_argument("--scale", default="1",
                        help="comma-separated corpus replication factors, e.g. 1,16,1M (1M = 114 copies)")
    parser.add_argument("--code", default=str(REPO),
                        help="comma-separated khabar source folders to compare (default: this checkout)")
    parser.add_argument("--json", type=Path, help="write all figures here")
    parser.add_argument("--reps", type=int, default=3,
                        help="timed runs of each query, each in its own worker after a warm-up")
    parser.add_argument("--cli-runs", type=int, default=5, help="rounds of the khabar search process queries")
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora and indexes go")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--no-jsonl", action="store_true", help="no build from the corpus as one JSON Lines file")
    parser.add_argument("--no-folder", action="store_true",
                        help="only the build from one JSON Lines file (no folder build, so no incremental "
                             "run, queries or search processes either)")
    parser.add_argument("--no-queries", action="store_true")
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--no-expand", action="store_true", help="time queries without blind relevance feedback")
    parser.add_argument("--keep-raw", action="store_true", help="keep every query timing in the JSON")
    parser.add_argument("--reuse-index", action="store_true",
                        help="keep an index this benchmark built before (with its build figures) instead of "
                             "building it again; a 1M build took 47 min on 2 cores (docs/benchmarks.md, session 8)")
    args = parser.parse_args()

    import corpora

    work = args.workdir or corpora.default_workdir()
    work.mkdir(parents=True, exist_ok=True)
    codes = [Path(c).resolve() for c in args.code.split(",") if c]
    if len({c.name for c in codes}) != len(codes):
        parser.error("--code folders must have different names")
    rows = []
    for scale in [_scale(s) for s in args.scale.split(",") if s]:
        print(f"preparing corpus x{scale} …", file=sys.stderr, flush=True)
        corpus = corpora.prepare(args.shared, work / f"corpus-x{scale}", scale)
        dump = None if args.no_jsonl else corpora.prepare_dump(corpus, work / f"dump-x{scale}")
        rows += run_scale(codes, corpus, work, args, dump)
    print()
    print_table(rows)
    if args.json:
        meta = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "time": time.strftime("%Y-%m-%d %H:%M:%S"),
                "queries": query_set(), "cli_queries": CLI_QUERIES}
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nwrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
