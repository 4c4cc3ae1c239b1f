"""Help that answers the first hour's questions (issue 12): the query syntax and examples
in ``search --help``, file types and exit codes in ``index --help``, both calendars, and
every help page within 80 columns."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from khabar import cli


def help_text(*command: str) -> str:
    result = CliRunner().invoke(cli.main, [*command, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.main.commands))])
def test_every_help_page_fits_80_columns(command):
    too_wide = [line for line in help_text(*command).splitlines() if len(line) > 80]
    assert not too_wide, too_wide


@pytest.mark.parametrize("syntax", ['"~3', " AND ", " OR ", "NOT ", " -بورس", "(-بورس)", "title:", "keywords:",
                                    "body:", "Title:", "https://", "--", '"OR"'])
def test_search_help_lists_the_query_syntax(syntax):
    text = help_text("search")
    assert syntax in text.split("Examples:")[0]


def examples(text: str) -> list[str]:
    block = text.split("Examples:", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_search_help_has_examples_each_on_its_own_line():
    lines = examples(help_text("search"))
    assert len(lines) >= 4 and all(line.startswith("khabar ") for line in lines)
    assert any("--all" in line for line in lines) and any("--excel" in line for line in lines)


def test_the_search_examples_run(bundled_index):
    """Each example (without its shell redirection) is a command khabar accepts."""
    for line in examples(help_text("search")):
        words = shlex.split(re.split(r"\s[<>]\s", line)[0])[1:]
        if "--stdin" in words:
            continue
        result = CliRunner().invoke(cli.main, [*words, "--index", str(bundled_index)])
        assert result.exit_code in (0, 1), (line, result.stderr)


@pytest.mark.parametrize("command", [[], ["search"], ["keywords"]])
def test_help_says_dates_may_be_jalali_or_gregorian(command):
    text = help_text(*command)
    assert "Gregorian" in text and re.search(r"20\d\d-\d\d-\d\d", text)


@pytest.mark.parametrize("ending", [".html", ".txt", ".json", ".jsonl", ".csv", ".tsv", ".xml", ".rss", ".ham",
                                    ".warc", ".gz", ".bz2", ".xz", ".zip", ".tar", ".tgz"])
def test_index_help_lists_the_file_types(ending):
    assert re.search(rf"{re.escape(ending)}\b", help_text("index"))


def test_index_help_says_what_is_skipped_and_every_exit_status():
    text = help_text("index")
    assert "Skipped:" in text and "hidden" in text and "duplicate" in text
    statuses = re.findall(r"^\s+(\d+)\s{2,}", text.split("Exit status:", 1)[1], re.MULTILINE)
    assert statuses == ["0", "1", "2", "3", "4", "130"]


def overview(text: str) -> list[str]:
    """The main help's own lines of examples, one a command ("khabar index ~/news  index a
    folder"), not click's list of commands under them, which names every command anyway."""
    head = text.split("'khabar COMMAND --help'", 1)[0]
    return [line.strip() for line in head.splitlines() if line.strip().startswith("khabar ")]


def test_main_help_shows_every_command_and_no_other():
    lines = overview(help_text())
    named = [line.split()[1] for line in lines]
    # The default command's line starts with a query (khabar QUERY), and says so.
    unnamed = [(word, line) for word, line in zip(named, lines) if word not in cli.main.commands]
    assert [(word.isascii(), "(the default command)" in line) for word, line in unnamed] == [(False, True)], unnamed
    assert {*named, cli.main.default_command} - {unnamed[0][0]} == set(cli.main.commands)


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.main.commands))])
def test_help_command_gives_each_commands_help(command):
    result = CliRunner().invoke(cli.main, ["help", *command], terminal_width=80)
    assert result.exit_code == 0 and result.stdout == help_text(*command)


def test_main_help_gives_the_exit_statuses():
    text = help_text()
    for status in ("0 found", "1 nothing found", "2 usage", "3 no", "4 the system", "130"):
        assert status in text


def test_show_help_says_which_forms_of_a_url_and_path_it_takes():
    text = help_text("show")
    for form in ("percent-encoded", "www", "slug", "relative"):
        assert form in text


@pytest.mark.parametrize("date", ["garbage", "March 2020"])
def test_an_unreadable_date_names_both_calendars_in_one_line(bundled_index, date):
    result = CliRunner().invoke(cli.main, ["search", "--index", str(bundled_index), "کرونا", "--from", date])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "Jalali or Gregorian" in result.stderr and "2023-03-18" in result.stderr


def test_a_gregorian_date_means_the_same_day_as_its_jalali_one(bundled_index):
    def found(start: str, end: str) -> str:
        result = CliRunner().invoke(cli.main, ["search", "--index", str(bundled_index), "کرونا", "--json",
                                               "--from", start, "--to", end])
        assert result.exit_code == 0, result.stderr
        return result.stdout
    assert found("2020-03-01", "2020-03-31") == found("1398/12/11", "1399/01/12")
