"""The table view names where else a story ran from the copies' source column: it reads
none of their stored fields (at 1M a story has ~114 copies), and says what it said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from khabar import cli
from khabar.search import collapse
from khabar.search.engine import search

NEWS = FIXTURES / "duplicates" / "news"
OIL = "وزیر نفت"  # matches the story republished by tabnak (oil-*) only


@pytest.fixture
def index_dir(duplicates_index) -> Path:
    return duplicates_index


def test_sources_from_the_column_are_the_records_sources(index_dir):
    full = search(index_dir, OIL)
    named = search(index_dir, OIL, copy_records=False)
    assert [hit.id for hit in named.hits] == [hit.id for hit in full.hits]
    copies = [copy for hit in full.hits for copy in hit.duplicates]
    assert copies  # the fixture's story has a copy
    assert [hit.duplicates for hit in named.hits] == [[{"source": copy["source"]} for copy in hit.duplicates]
                                                     for hit in full.hits]


def test_the_table_reads_no_copy_records(index_dir, monkeypatch):
    made: list[int] = []
    records = collapse.copy_records
    monkeypatch.setattr(collapse, "copy_records",
                        lambda searcher, docnums: made.extend(docnums) or records(searcher, docnums))
    table = CliRunner().invoke(cli.main, ["search", OIL, "--index", str(index_dir)])
    assert table.exit_code == 0, table.output
    [other] = {json.loads((NEWS / f"{name}.jsonl").read_text(encoding="utf-8"))["source"]
               for name in ("oil-asriran", "oil-tabnak")} - {line.split(" · ")[1] for line in table.stdout.splitlines()
                                                               if " · " in line}
    assert f"also in: {other}" in table.stdout
    assert made == []
    as_json = CliRunner().invoke(cli.main, ["search", OIL, "--json", "--index", str(index_dir)])
    assert as_json.exit_code == 0 and len(made) == 1  # the machine formats list each copy in full
    [copy] = [copy for result in json.loads(as_json.stdout)["results"] for copy in result["duplicates"]]
    assert copy["source"] == other and copy["url"] and copy["jalali_date"]


def test_each_articles_column_source_is_its_stored_source(index_dir):
    from khabar.search.searchers import shared_searcher

    searcher = shared_searcher(index_dir)
    docnums = list(range(searcher.doc_count_all()))
    assert collapse.copy_sources(searcher, docnums) == [searcher.stored_fields(d).get("source", "") for d in docnums]
