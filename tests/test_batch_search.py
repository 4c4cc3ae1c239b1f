"""Batch search (``khabar search --stdin``): order, answers as they come, per-line errors, options, formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_articles
from khabar.indexer.dates import InvalidDate
from khabar.indexer.update import update_index
from khabar.search.batch import BATCH_FIELDS, answer_chunks, search_lines
from khabar.search.engine import search
from khabar.search.render.formats import result_record
from khabar.search.render.terminal import Style

ARTICLES = [
    {"id": "b1", "title": "بورس تهران", "body": "بازار بورس تهران امروز رشد کرد.", "date": "1399/03/05"},
    {"id": "b2", "title": "بورس و سهام", "body": "سهام عدالت در بورس عرضه شد.", "date": "1399/01/10"},
    {"id": "b3", "title": "کرونا", "body": "شیوع ویروس کرونا در تهران کند شد.", "date": "1398/12/20"},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    write_articles(folder / "news" / "a.jsonl", ARTICLES)
    update_index(folder / "ix", [folder / "news"])
    return folder / "ix"


def records(index_dir, text: str, fmt: str = "jsonl", **options) -> list[str]:
    return list(answer_chunks(search_lines(index_dir, io.StringIO(text), **options), fmt, Style()))


def test_one_record_per_query_in_input_order_blank_lines_dropped(index_dir):
    lines = records(index_dir, "بورس\n\n  کرونا  \nناموجودترین\n\ufeffتهران\n")
    got = [json.loads(line) for line in lines]
    assert [(r["query"], r["total"]) for r in got] == [("بورس", 2), ("کرونا", 1), ("ناموجودترین", 0), ("تهران", 2)]
    assert set(got[0]) == {"query", "total", "total_relation", "stories", "stories_relation", "page", "limit", "results"}
    # Each record is what one search gives: the fields of --json.
    alone = search(index_dir, "بورس")
    assert [hit["id"] for hit in got[0]["results"]] == [hit.id for hit in alone.hits]
    assert got[0]["results"][0] == result_record(alone.hits[0])


def test_a_bad_line_gets_its_error_and_the_rest_go_on(index_dir):
    got = [json.loads(line) for line in records(index_dir, "بورس\ntitle:\nnosuchfield:x\nکرونا\n")]
    assert [r["query"] for r in got] == ["بورس", "title:", "nosuchfield:x", "کرونا"]
    assert set(got[1]) == set(got[2]) == {"query", "error"}
    assert "title:" in got[1]["error"] and "nosuchfield" in got[2]["error"]
    assert got[3]["total"] == 1


def test_each_answer_comes_before_the_next_line_is_read(index_dir):
    read: list[str] = []

    def lines():
        for line in ("بورس\n", "کرونا\n", "تهران\n"):
            read.append(line)
            yield line

    answers = search_lines(index_dir, lines())
    first = next(answers)
    assert first.query == "بورس" and read == ["بورس\n"]
    assert next(answers).query == "کرونا" and len(read) == 2


def test_options_apply_to_every_line(index_dir):
    got = [json.loads(line) for line in records(index_dir, "بورس\nتهران\n", limit=1, date_from="1399/03")]
    assert [(r["total"], [h["id"] for h in r["results"]]) for r in got] == [(1, ["b1"]), (1, ["b1"])]
    newest = [json.loads(line) for line in records(index_dir, "بورس\n", sort="date")]
    assert [h["id"] for h in newest[0]["results"]] == ["b1", "b2"]
    second_page = [json.loads(line) for line in records(index_dir, "بورس\n", limit=1, page=2)]
    assert [h["id"] for h in second_page[0]["results"]] == [search(index_dir, "بورس").hits[1].id]


def test_a_bad_date_is_the_commands_error_before_any_line(index_dir):
    def lines():
        raise AssertionError("no line may be read")
        yield ""

    with pytest.raises(InvalidDate):
        next(search_lines(index_dir, lines(), date_from="1399/13"))


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_delimited_is_one_header_then_a_row_per_hit_and_per_empty_or_bad_query(index_dir, fmt):
    out = "\n".join(records(index_dir, "بورس\nناموجودترین\ntitle:\n", fmt))
    rows = list(csv.reader(io.StringIO(out), delimiter="\t" if fmt == "tsv" else ","))
    assert rows[0] == list(BATCH_FIELDS)
    rank = BATCH_FIELDS.index("rank")
    assert [(row[0], row[1], row[rank]) for row in rows[1:]] == [
        ("بورس", "2", "1"), ("بورس", "2", "2"), ("ناموجودترین", "0", ""), ("title:", "", "")]
    assert rows[-1][BATCH_FIELDS.index("error")] and all(len(row) == len(BATCH_FIELDS) for row in rows)


def test_table_shows_each_query_over_its_hits(index_dir):
    out = "\n".join(records(index_dir, "بورس\ntitle:\n", "table"))
    assert out.index("» بورس") < out.index("بورس تهران") < out.index("» title:") < out.index("error:")


# --------------------------------------------------------------------------- the command

def _has_stdin_option() -> bool:
    from khabar import cli

    return any(param.name == "from_stdin" for param in cli.search.params)


needs_cli = pytest.mark.skipif(not _has_stdin_option(), reason="cli.py has no `search --stdin` yet")


@needs_cli
@pytest.mark.parametrize("fmt_args", [["--format", "jsonl"], ["--json"]])
def test_command_writes_a_json_line_per_query(index_dir, fmt_args):
    from khabar import cli

    result = CliRunner().invoke(cli.main, ["search", "--stdin", *fmt_args, "--limit", "1", "--index", str(index_dir)],
                                input="بورس\ntitle:\nکرونا\n")
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["query"], r.get("total"), "error" in r) for r in got] == [
        ("بورس", 2, False), ("title:", None, True), ("کرونا", 1, False)]
    assert [len(r["results"]) for r in got if "results" in r] == [1, 1]


@needs_cli
def test_command_exit_status_and_usage(index_dir):
    from khabar import cli

    def run(*args, stdin=""):
        return CliRunner().invoke(cli.main, ["search", *args, "--index", str(index_dir)], input=stdin)

    assert run("--stdin", stdin="ناموجودترین\n").exit_code == 1
    assert run("--stdin", "بورس").exit_code == 2  # a query and --stdin
    assert run("--stdin", "--from", "1399/13", stdin="بورس\n").exit_code == 2


@needs_cli
def test_command_flushes_each_answer_before_reading_on(index_dir):
    """A script can write a query, read its answer, then write the next one."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from khabar.cli import main; sys.exit(main())",
                             "search", "--stdin", "--format", "jsonl", "--index", str(index_dir)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    watchdog = threading.Timer(120, proc.kill)  # an unflushed answer would block readline for ever
    watchdog.start()
    try:
        for query, total in (("بورس", 2), ("کرونا", 1)):
            proc.stdin.write(query + "\n")
            proc.stdin.flush()
            record = json.loads(proc.stdout.readline())  # blocks for ever if the answer was not flushed
            assert (record["query"], record["total"]) == (query, total)
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        watchdog.cancel()
        proc.kill()


def test_a_query_line_reaches_the_table_view_cleaned(index_dir):
    # The line as typed is printed above its results: a terminal title escape in it must not run.
    table = "".join(records(index_dir, "بورس\x1b]0;PWNED\x07\nسهام\x1b[2J\n", "table"))
    assert "\x1b" not in table and "\x07" not in table
    assert "» بورس" in table and "» سهام" in table
