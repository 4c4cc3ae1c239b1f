"""Exporting search results (issue 12): every match (--all, --limit 0) streamed, csv for
Excel, and page/limit in the search record."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from khabar import cli
from khabar.search.engine import StreamedHits, search
from khabar.search.render.formats import Aside, results_chunks
from khabar.search.render.terminal import Style
from khabar.search.scoring.feedback import FEEDBACK_DOCS
from khabar.search.searchers import shared_searcher

QUERY = "کرونا"  # about a third of the bundled corpus


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner, bundled_index, *args):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def record(runner, bundled_index, *args) -> dict:
    return json.loads(run(runner, bundled_index, QUERY, "--json", *args).stdout)


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_all_is_every_match_in_the_order_of_the_pages(runner, bundled_index, sort):
    every = record(runner, bundled_index, "--all", "--sort", sort)
    assert every["total"] > 10 and len(every["results"]) == every["total"]
    assert record(runner, bundled_index, "--limit", "0", "--sort", sort) == every
    # The bundled corpus has fewer matches than the largest page: that page is every match too.
    paged = record(runner, bundled_index, "--limit", "1000", "--sort", sort)
    assert [hit["id"] for hit in every["results"]] == [hit["id"] for hit in paged["results"]]
    assert every["results"] == paged["results"]


def test_the_record_says_its_page_and_limit(runner, bundled_index):
    paged = record(runner, bundled_index, "--limit", "5", "--page", "2")
    assert (paged["page"], paged["limit"], len(paged["results"])) == (2, 5, 5)
    assert list(paged) == ["query", "total", "total_relation", "stories", "stories_relation", "page", "limit", "results"]
    every = record(runner, bundled_index, "--all")
    assert (every["page"], every["limit"]) == (1, None)


@pytest.mark.parametrize("args", [[], ["--all"], ["--limit", "3", "--page", "2"]])
def test_stdin_records_carry_page_and_limit_as_json_does(runner, bundled_index, args):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), "--stdin", "--format", "jsonl", *args],
                           input=f"{QUERY}\nسهام\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == record(runner, bundled_index, *args)
    assert {(line["page"], line["limit"]) for line in lines} == {(lines[0]["page"], lines[0]["limit"])}


@pytest.mark.parametrize("fmt, extra", [("jsonl", 0), ("tsv", 1), ("csv", 1)])
def test_all_in_line_formats_is_a_line_per_match(runner, bundled_index, fmt, extra):
    total = record(runner, bundled_index, "--all")["total"]
    out = run(runner, bundled_index, QUERY, "--all", "--format", fmt).stdout
    assert len(out.splitlines()) == total + extra


@pytest.fixture
def reads(bundled_index, monkeypatch) -> list[int]:
    """The docnums whose stored fields are read, in order, by searches of the bundled index."""
    read: list[int] = []
    searcher = shared_searcher(bundled_index)  # the one the search uses
    stored_fields = searcher.stored_fields
    monkeypatch.setattr(searcher, "stored_fields", lambda docnum: read.append(docnum) or stored_fields(docnum),
                        raising=False)
    return read


def test_all_reads_each_article_only_when_its_result_is_written(bundled_index, reads):
    results = search(bundled_index, QUERY, limit=0)
    assert isinstance(results.hits, StreamedHits) and len(results.hits) == results.total > 10
    ranking = len(reads)  # blind feedback reads the best few, not every match
    assert ranking <= FEEDBACK_DOCS < results.total
    hits = iter(results.hits)
    first, second = next(hits), next(hits)
    assert len(reads) == ranking + 2 and first.id != second.id
    assert len(list(hits)) == results.total - 2 and len(reads) == ranking + results.total


def test_all_in_the_table_view_writes_each_result_as_it_is_made(bundled_index, reads):
    results = search(bundled_index, QUERY, limit=0)
    ranking = len(reads)
    chunks = results_chunks(results, "table", Style())
    first = next(chunks)
    assert len(reads) == ranking + 1 and first.startswith("1. ")  # one result read, one written
    rest = list(chunks)
    assert len(reads) == ranking + results.total
    assert isinstance(rest[-1], Aside)  # the footer, last
    assert [chunk.split(". ", 1)[0] for chunk in [first, *rest[:-1]]] == [str(n) for n in range(1, results.total + 1)]


def test_all_with_a_page_is_one_line(runner, bundled_index):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), QUERY, "--all", "--page", "2"])
    assert result.exit_code == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "--all" in result.stderr


@pytest.mark.parametrize("args, fmt", [(["--excel"], "csv"), (["--excel", "--format", "csv"], "csv"),
                                       (["--excel", "--format", "tsv"], "tsv")])
def test_excel_csv_has_a_byte_order_mark_and_crlf(runner, bundled_index, args, fmt):
    plain = run(runner, bundled_index, QUERY, "--all", "--format", fmt).stdout_bytes
    excel = run(runner, bundled_index, QUERY, "--all", *args).stdout_bytes
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    lines = excel.split(b"\n")
    assert lines[-1] == b"" and all(line.endswith(b"\r") for line in lines[:-1])
    assert excel.decode("utf-8-sig").replace("\r\n", "\n") == plain.decode("utf-8")
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig"), newline=""),
                           delimiter="," if fmt == "csv" else "\t"))
    assert rows[0][:3] == ["id", "url", "title"] and any(QUERY in row[2] for row in rows[1:])


@pytest.mark.parametrize("args", [["--excel", "--json"], ["--excel", "--format", "jsonl"],
                                  ["--excel", "--format", "table"]])
def test_excel_goes_with_csv_or_tsv_only(runner, bundled_index, args):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), QUERY, *args])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1 and "--excel" in result.stderr


def test_excel_works_for_show_too(runner, bundled_index):
    article_id = record(runner, bundled_index)["results"][0]["id"]
    result = runner.invoke(cli.main, ["show", "--index", str(bundled_index), "--excel", article_id])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"\xef\xbb\xbfid,url,title")


def test_a_reader_that_stops_early_ends_the_output_quietly(bundled_index):
    """``khabar search … --all | head -1``: no 'Broken pipe' message, exit status 0."""
    command = [sys.executable, "-m", "khabar.cli", "search", "--index", str(bundled_index), QUERY, "--all",
               "--format", "jsonl"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert json.loads(process.stdout.readline())["id"]
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait() == 0, stderr
    assert stderr == b""
