"""What ``search --by`` costs against the search it counts, on a built index.

    python bench/coverage.py --index /work/bench-1m/index-x16-main [--runs 5] [--cli]

In one process (the searcher open, as ``--stdin`` or a server keeps it), the median
of --runs runs of each query: a search (first page, feedback on), ``--by month``,
``--by source`` and ``--by month`` inside a year. Every count's total is checked
against the search's. ``--cli`` also times whole commands in fresh processes
(``khabar search Q`` and ``khabar search Q --by month``). The index is only read.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Words, a phrase, an exclusion, fields, and an AND (which goes through Whoosh).
QUERIES = ("کرونا", "سهام عدالت", '"رئیس جمهور"', "ایران", "بورس -سهام", "title:کرونا OR keywords:ماسک",
           "تهران AND فوتبال")


def median_ms(run, runs: int) -> tuple[object, float]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times) * 1000


def in_process(index_dir: Path, runs: int, year: str) -> None:
    from khabar.search.coverage import coverage
    from khabar.search.engine import search

    search(index_dir, QUERIES[0])  # open the searcher and load the analysis once
    _, first = median_ms(lambda: coverage(index_dir, QUERIES[0], by="source"), 1)
    print(f"first --by source (reads the source postings once per segment): {first:.0f} ms")
    print(f"| query | total | search ms | --by month ms | --by source ms | --by month --from {year} --to {year} ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for query in QUERIES:
        found, searched = median_ms(lambda: search(index_dir, query), runs)
        months, by_month = median_ms(lambda: coverage(index_dir, query, by="month"), runs)
        sources, by_source = median_ms(lambda: coverage(index_dir, query, by="source"), runs)
        _, in_year = median_ms(lambda: coverage(index_dir, query, by="month", date_from=year, date_to=year), runs)
        assert months.total == sources.total == found.total, (query, months.total, found.total)
        print(f"| {query} | {found.total} | {searched:.0f} | {by_month:.0f} | {by_source:.0f} | {in_year:.0f} |")


def fresh_processes(index_dir: Path, runs: int) -> None:
    khabar = str(Path(sys.executable).with_name("khabar"))
    print("| query | khabar search s | khabar search --by month s |")
    print("|---|---:|---:|")
    for query in QUERIES[:2]:
        def command(*extra: str) -> float:
            _, took = median_ms(lambda: subprocess.run([khabar, "search", query, *extra, "--index", str(index_dir)],
                                                       capture_output=True, check=False), runs)
            return took / 1000
        print(f"| {query} | {command():.2f} | {command('--by', 'month'):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", default="1399", help="the year of the dated count")
    parser.add_argument("--cli", action="store_true", help="also time whole commands in fresh processes")
    options = parser.parse_args()
    in_process(options.index, options.runs, options.year)
    if options.cli:
        fresh_processes(options.index, options.runs)


if __name__ == "__main__":
    main()
