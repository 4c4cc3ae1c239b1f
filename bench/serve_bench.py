"""Server time of ``khabar serve``'s results page (and its JSON twin) over a real local server.

    python bench/serve_bench.py [--index DIR] [--runs 30] [--warmup 3] [--json]

Starts the web application under uvicorn on 127.0.0.1 (an ephemeral port; nothing
leaves this machine), asks each results page below --runs times after --warmup
unmeasured requests, and reports, per request and over all of them, the p50 and p95
of the *server time* (the application's ``Server-Timing: app;dur=`` header: routing,
the search, the month and source counts, the template) and of the time the client
waited. Without --index, the bundled sample corpus (301 articles, "1x") is indexed
into a temporary folder first. The issue's target: a results page in <= 50 ms server
time at p50.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlencode

REPO = Path(__file__).resolve().parents[1]
# Results pages as a reader asks for them: words, phrases, date ranges, both sorts, a source.
REQUESTS = [
    ("/", {"q": "تعاونی دانش بنیان", "from": "1401/12", "to": "1401/12"}),
    ("/", {"q": "تعاونی دانش بنیان"}),
    ("/", {"q": "کرونا"}),
    ("/", {"q": '"ویروس کرونا"'}),
    ("/", {"q": "ایران", "from": "1398/10", "to": "1399/01"}),
    ("/", {"q": "بورس سهام", "sort": "date"}),
    ("/", {"q": "کرونا", "page": "3"}),
    ("/", {"q": "کرونا", "source": "تابناک"}),
    ("/", {"q": "title:کرونا OR keywords:ماسک"}),
    ("/api/search", {"q": "کرونا"}),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_server(index_dir: Path):
    from khabar.search.web.app import make_server, warm_up

    server = make_server(index_dir, host="127.0.0.1", port=0)
    warm_up(index_dir)  # as ``khabar serve`` does
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("serve_bench: the server did not start")
        time.sleep(0.02)
    return server, thread


def fetch(url: str) -> tuple[float, float, int]:
    """(server ms, client ms, status) of one GET."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status, timing = response.status, response.headers.get("Server-Timing", "")
    except urllib.error.HTTPError as error:
        status, timing = error.code, error.headers.get("Server-Timing", "")
    client = (time.perf_counter() - started) * 1000
    server = float(timing.partition("dur=")[2] or "nan")
    return server, client, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an existing index (default: the bundled corpus, indexed now)")
    parser.add_argument("--runs", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests per page first (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    if not 1 <= args.runs <= 1000:
        parser.error("--runs must be from 1 to 1000")

    with tempfile.TemporaryDirectory(prefix="serve-bench-") as scratch:
        index_dir = args.index
        if index_dir is None:
            from khabar.indexer.update import update_index

            index_dir = Path(scratch) / "ix"
            print("serve_bench: indexing the bundled corpus…", file=sys.stderr)
            update_index(index_dir, [REPO / "corpus"])
        server, thread = start_server(index_dir)
        rows, every_server = [], []
        try:
            for path, params in REQUESTS:
                url = f"{server.url.rstrip('/')}{path}?{urlencode(params)}"
                for _ in range(args.warmup):
                    fetch(url)
                measured = [fetch(url) for _ in range(args.runs)]
                statuses = {status for *_, status in measured}
                servers = [server_ms for server_ms, _, _ in measured]
                clients = [client_ms for _, client_ms, _ in measured]
                every_server += servers
                rows.append({"request": f"{path}?{unquote(urlencode(params))}", "status": sorted(statuses),
                             "server_p50_ms": round(statistics.median(servers), 1),
                             "server_p95_ms": round(percentile(servers, 0.95), 1),
                             "client_p50_ms": round(statistics.median(clients), 1)})
        finally:
            server.stop()
            thread.join(timeout=10)
    pages = [row for row in rows if not row["request"].startswith("/api/")]
    summary = {"index": str(args.index or "bundled corpus (301 articles)"), "runs": args.runs,
               "load_average": [round(load, 2) for load in os.getloadavg()], "cpus": os.cpu_count(),
               "requests": rows,
               "all_server_p50_ms": round(statistics.median(every_server), 1),
               "all_server_p95_ms": round(percentile(every_server, 0.95), 1),
               "worst_page_server_p50_ms": max(row["server_p50_ms"] for row in pages)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    width = max(len(row["request"]) for row in rows)
    print(f"{'request':<{width}}  server p50  server p95  client p50  status")
    for row in rows:
        print(f"{row['request']:<{width}}  {row['server_p50_ms']:>8.1f}ms  {row['server_p95_ms']:>8.1f}ms"
              f"  {row['client_p50_ms']:>8.1f}ms  {','.join(map(str, row['status']))}")
    print(f"all requests: server p50 {summary['all_server_p50_ms']} ms, p95 {summary['all_server_p95_ms']} ms; "
          f"slowest page p50 {summary['worst_page_server_p50_ms']} ms (target <= 50 ms)")
    print(f"load average {' '.join(map(str, summary['load_average']))} on {summary['cpus']} CPUs "
          f"(other work on the machine slows every figure)")


if __name__ == "__main__":
    main()
