"""One ``khabar search`` process: the collector off while it searches, and its end without
the interpreter's teardown, with every byte of its output written and its exit status."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from khabar.cli import main

# The khabar command as bench/benchmark.py runs it (``main()`` with no arguments), with a
# look at the collector as the search starts and an exit handler that says when it runs.
COMMAND = """
import atexit, gc, sys
import khabar.search.engine as engine
searching = engine.search
def search(*args, **kwargs):
    print("collector on:", gc.isenabled(), file=sys.stderr)
    return searching(*args, **kwargs)
engine.search = search
atexit.register(lambda: print("teardown", file=sys.stderr))
from khabar.cli import main
sys.exit(main())
"""


def run_command(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", COMMAND, *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ))  # (os.environ as the fixtures left it)


def test_a_search_process_writes_what_main_writes_and_skips_teardown(bundled_index):
    for args in (["کرونا", "--json"], ["کرونا", "--format", "jsonl"], ["کرونا"], ["سهام", "عدالت", "--format", "csv"]):
        expected = CliRunner().invoke(main, ["search", "--index", str(bundled_index), *args])
        done = run_command("search", "--index", str(bundled_index), *args)
        assert done.returncode == expected.exit_code == 0, done.stderr
        assert done.stdout == expected.stdout
        assert "collector on: False" in done.stderr
        assert "teardown" not in done.stderr  # left with os._exit, the output flushed first


def test_nothing_found_keeps_its_status(bundled_index):
    done = run_command("search", "--index", str(bundled_index), "--json", "zzqqxxnotaword")
    assert done.returncode == 1, done.stderr
    assert '"total": 0' in done.stdout


def test_stdin_keeps_the_collector_and_the_teardown(bundled_index):
    # A batch runs as long as its input: its garbage is collected, and it ends as Python ends.
    done = run_command("search", "--index", str(bundled_index), "--stdin", "--format", "jsonl", stdin="کرونا\n")
    assert done.returncode == 0, done.stderr
    assert "collector on: True" in done.stderr
    assert "teardown" in done.stderr


def test_a_program_calling_main_keeps_its_collector(bundled_index):
    import gc

    assert gc.isenabled()
    result = CliRunner().invoke(main, ["search", "--index", str(bundled_index), "کرونا"])
    assert result.exit_code == 0
    assert gc.isenabled()
