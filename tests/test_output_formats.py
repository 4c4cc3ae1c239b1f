"""The output options every command shares: formats, colour, bidi, clean text; completion and start-up."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar import cli
from cli_corpus import build_index
from khabar.search.render.terminal import RESET, Style, to_visual

ROOT = Path(__file__).resolve().parents[1]
# One invocation per command that prints records (search, keywords, show, stats).
COMMANDS = {
    "search": ["search", "عنوان"],
    "keywords": ["keywords", "كرونا"],
    "keywords --stdin": ["keywords", "--stdin"],
    "keywords --top": ["keywords", "--top", "3", "--by", "month"],
    "show": ["show", "made-1"],
    "stats": ["stats"],
}
STDIN = "کرونا\nدانش بنیان\n"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_index(tmp_path_factory)


def run(index_dir, *arguments: str, env: dict | None = None):
    return CliRunner().invoke(cli.main, [*arguments, "--index", str(index_dir)], input=STDIN, env=env)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", cli.FORMATS)
def test_every_command_in_every_format(index_dir, command, fmt):
    result = run(index_dir, *COMMANDS[command], "--format", fmt)
    assert result.exit_code == 0, result.output
    # Only data on stdout; on stderr only the search table's footer, which is for people.
    assert result.stderr == ("1 found, showing 1–1\n" if (command, fmt) == ("search", "table") else "")
    out = result.stdout
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
    elif fmt in ("tsv", "csv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="\t" if fmt == "tsv" else ","))
        assert len(rows) >= 2 and len({len(row) for row in rows}) == 1
        if fmt == "tsv":  # tabs and line breaks inside fields would break the row structure
            assert len(out.splitlines()) == len(rows)
    else:
        assert out.strip()


def test_search_json_stays_one_object(index_dir):
    out = run(index_dir, "search", "عنوان", "--json").stdout
    assert out.count("\n") == 1 and set(json.loads(out)) == {"query", "total", "total_relation", "stories", "stories_relation", "page", "limit", "results"}
    assert run(index_dir, "search", "عنوان", "--format", "json").stdout == out


def test_search_jsonl_and_tsv_carry_the_result_fields(index_dir):
    line = run(index_dir, "search", "عنوان", "--format", "jsonl").stdout.splitlines()[0]
    record = json.loads(line)
    assert list(record) == ["id", "url", "title", "source", "date", "jalali_date", "keywords", "score", "snippet",
                            "duplicates"]
    # JSON keeps the text as stored, with every control character written as an escape.
    assert "\x1b[31m" in record["title"] and "\\u001b[31m" in line and "\\u202e" in line
    header, row = run(index_dir, "search", "عنوان", "--format", "tsv").stdout.splitlines()[:2]
    assert header.split("\t") == list(record)
    assert row.split("\t")[2] == "عنوان قرمز باتب"


def test_json_and_another_format_conflict(index_dir):
    result = run(index_dir, "stats", "--json", "--format", "tsv")
    assert result.exit_code == 2 and result.stdout == "" and "--json" in result.stderr


@pytest.mark.parametrize("command", ["search", "keywords", "show", "stats"])
def test_colour_only_in_the_table_view_and_only_when_wanted(index_dir, command):
    arguments = COMMANDS[command]
    assert "\x1b[" in run(index_dir, *arguments, "--color", "always").stdout
    assert "\x1b[" not in run(index_dir, *arguments, "--color", "never").stdout
    assert "\x1b[" not in run(index_dir, *arguments, "--color", "auto").stdout  # not a terminal
    assert "\x1b[" not in run(index_dir, *arguments, "--color", "always", "--format", "jsonl").stdout


def test_no_color_is_honoured_by_auto(index_dir, monkeypatch):
    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)
    assert "\x1b[" in run(index_dir, "stats").stdout
    assert "\x1b[" not in run(index_dir, "stats", env={"NO_COLOR": "1"}).stdout


def test_bidi_never_reorders_a_pipe(index_dir):
    plain = run(index_dir, "show", "made-2").stdout
    assert run(index_dir, "show", "made-2", "--bidi").stdout == plain
    assert plain.startswith("خبر دوم")


def test_bidi_reorders_the_table_on_a_terminal_only(index_dir, monkeypatch):
    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)
    shown = run(index_dir, "show", "made-2", "--bidi", "--color", "never").stdout
    assert shown.startswith("مود ربخ")  # visual order: the first letter is rightmost
    machine = run(index_dir, "show", "made-2", "--bidi", "--format", "jsonl").stdout
    assert json.loads(machine)["title"] == "خبر دوم"


def test_style_keeps_line_styles_through_reordering():
    style = Style(color=True, bidi=True)
    assert style.finish(style.bold("خبر 12")) == f"\x1b[1m{to_visual('خبر 12')}{RESET}"
    assert to_visual("خبر 12") == "12 ربخ"
    assert Style().finish("خبر") == "خبر"


def test_cli_formats_match_the_library():
    from khabar.search.render.formats import FORMATS

    assert cli.FORMATS == FORMATS


def test_help_and_completion_do_not_load_the_index_or_the_analysis():
    script = """
import os, sys
from click.testing import CliRunner
from khabar import cli
runner = CliRunner()
assert runner.invoke(cli.main, ["--help"]).exit_code == 0
for command in cli.main.commands:
    assert runner.invoke(cli.main, [command, "--help"]).exit_code == 0
done = runner.invoke(cli.main, [], prog_name="khabar",
                     env={"_KHABAR_COMPLETE": "bash_complete", "COMP_WORDS": "khabar keywords --b", "COMP_CWORD": "2"})
assert "--bidi" in done.output and "--by" in done.output, done.output
heavy = [name for name in ("whoosh", "hazm", "nltk", "khabar.indexer.persian.stemmer", "khabar.indexer.store", "bs4", "bidi")
         if name in sys.modules]
assert not heavy, heavy
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("words, expected", [
    ("khabar ", {"search", "index", "keywords", "show", "stats"}),
    ("khabar key", {"keywords"}),
    ("khabar keywords --by ", {"month", "source"}),
    ("khabar search --for", {"--format"}),
    ("khabar stats --format ", {"table", "json", "jsonl", "tsv", "csv"}),
])
def test_shell_completion(words, expected):
    env = {"_KHABAR_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    result = CliRunner().invoke(cli.main, [], prog_name="khabar", env=env)
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines()}
    assert expected <= offered, result.stdout


def test_completion_script_is_printed_for_bash():
    result = CliRunner().invoke(cli.main, [], prog_name="khabar", env={"_KHABAR_COMPLETE": "bash_source"})
    assert "_KHABAR_COMPLETE=bash_complete" in result.stdout


@settings(max_examples=300, deadline=None, database=None)
@given(rows=st.lists(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(),
                                        st.lists(st.text(max_size=5), max_size=3)),
                              min_size=3, max_size=3), max_size=4))
def test_csv_lines_are_what_the_csv_module_writes(rows):
    """delimited() writes csv itself (the csv module buffered a huge cell four bytes a character, twice)."""
    from khabar.search.render.formats import cell, delimited

    columns = ("a", "b,c", 'd"')
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell(value) for value in row] for row in rows)
    records = [dict(zip(columns, row)) for row in rows]
    assert "".join(line + "\n" for line in delimited(records, columns, "csv")) == expected.getvalue()
