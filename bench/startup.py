"""Start-up cost of the command line, and what ``keywords --stdin`` saves.

    python bench/startup.py --index /tmp/bench-irnews [--runs 5] [--keywords 1000] [--invocations 50]

Measures (median of --runs runs, wall-clock, in fresh processes):
  * ``khabar --help`` (no Whoosh, no Persian analysis);
  * one ``khabar keywords X`` call (open the index, one lookup);
  * ``khabar keywords --stdin --format jsonl`` with --keywords keywords, checking
    that every output line parses, given as time per keyword and in total;
  * --invocations separate ``khabar keywords X --format jsonl`` calls, extrapolated
    to --keywords calls for comparison.
The keywords are the index's most frequent ones (``keywords --top``), repeated if too few.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from itertools import cycle, islice
from pathlib import Path


def khabar_command() -> list[str]:
    """The installed entry point beside this Python, else the module."""
    script = Path(sys.executable).with_name("khabar")
    if script.exists():
        return [str(script)]
    found = shutil.which("khabar")
    return [found] if found else [sys.executable, "-m", "khabar.cli"]


def timed(command: list[str], *, stdin: str | None = None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, encoding="utf-8")
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed, done.stdout


def median_time(command: list[str], runs: int, **options) -> float:
    return statistics.median(timed(command, **options)[0] for _ in range(runs))


def bench_keywords(khabar: list[str], count: int) -> list[str]:
    _, out = timed([*khabar, "keywords", "--top", str(count), "--format", "jsonl"])
    written = [json.loads(line)["keyword"] for line in out.splitlines()]
    if not written:
        raise SystemExit("the index has no keywords")
    return list(islice(cycle(written), count))


def stdin_run(khabar: list[str], keywords: list[str]) -> float:
    elapsed, out = timed([*khabar, "keywords", "--stdin", "--format", "jsonl"], stdin="\n".join(keywords) + "\n")
    records = [json.loads(line) for line in out.splitlines()]  # every line must parse
    if [record["keyword"] for record in records] != keywords:
        raise SystemExit("--stdin did not answer every keyword in order")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=os.environ.get("KHABAR_INDEX"), required=not os.environ.get("KHABAR_INDEX"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keywords", type=int, default=1000)
    parser.add_argument("--invocations", type=int, default=50)
    args = parser.parse_args()
    os.environ["KHABAR_INDEX"] = str(args.index)
    khabar = khabar_command()

    keywords = bench_keywords(khabar, args.keywords)
    help_time = median_time([*khabar, "--help"], args.runs)
    one_call = median_time([*khabar, "keywords", keywords[0]], args.runs)
    stdin_total = statistics.median(stdin_run(khabar, keywords) for _ in range(args.runs))
    separate = [timed([*khabar, "keywords", keyword, "--format", "jsonl"])[0]
                for keyword in keywords[: args.invocations]]
    separate_total = statistics.mean(separate) * len(keywords)

    n = len(keywords)
    rows = [
        ("khabar --help", f"{help_time * 1000:.0f} ms"),
        ("khabar keywords X (one call)", f"{one_call * 1000:.0f} ms"),
        (f"--stdin, {n} keywords (total)", f"{stdin_total:.2f} s"),
        ("--stdin, per keyword", f"{stdin_total / n * 1000:.2f} ms"),
        (f"{n} separate calls (from {len(separate)}, extrapolated)", f"{separate_total:.1f} s"),
        ("speed-up of --stdin", f"{separate_total / stdin_total:.0f}×"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"index: {args.index}  (median of {args.runs} runs)")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10}")


if __name__ == "__main__":
    main()
