"""What people type (issue 12): hyphens, unquoted exclusions, dangling operators, typos, odd paths."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import write_articles
from khabar import cli

ARTICLES = [
    {"title": "واکسن کووید-۱۹ رسید", "body": "نخستین محموله واکسن کووید-۱۹ به تهران رسید.", "id": "covid",
     "date": "1399/10/01"},
    {"title": "کووید و ۱۹ استان", "body": "آمار کووید در ۱۹ استان کاهش یافت.", "id": "apart", "date": "1399/10/02"},
    {"title": "covid-19 vaccine", "body": "The first covid-19 vaccine arrived. F-35 jets flew.", "id": "latin",
     "date": "1399/10/03"},
    {"title": "covid cases in 19 cities", "body": "The 35 F models and covid.", "id": "latin-apart",
     "date": "1399/10/04"},
    {"title": "ویروس-کرونا در شهر", "body": "شیوع ویروس-کرونا ادامه دارد. گریت- سرکانه سخن گفت.", "id": "virus",
     "date": "1399/10/05"},
    {"title": "بازار سهام", "body": "سهام بانک‌ها در بورس بالا رفت.", "id": "stock-bourse", "date": "1399/10/06"},
    {"title": "سهام عدالت", "body": "سود سهام عدالت واریز شد.", "id": "stock", "date": "1399/10/07"},
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def index(runner, tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "news" / "typed.jsonl", ARTICLES).parent
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli.main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("KHABAR_INDEX", str(index_dir))
    return index_dir


def found(runner, *args) -> list[str]:
    result = runner.invoke(cli.main, [*args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return sorted(hit["id"] for hit in json.loads(result.stdout)["results"])


@pytest.mark.parametrize("word", ["کووید-۱۹", "covid-19", "F-35", "ویروس-کرونا"])
def test_a_hyphen_inside_a_word_joins(runner, index, word):
    assert found(runner, word) == found(runner, f'"{word}"') != []
    assert found(runner, "search", word) == found(runner, f'"{word}"')


def test_the_hyphenated_word_is_a_phrase_not_an_exclusion(runner, index):
    assert found(runner, "کووید-۱۹") == ["covid"]
    assert found(runner, "covid-19") == ["latin"]


def test_a_hyphen_at_the_start_of_a_word_still_excludes(runner, index):
    assert found(runner, "سهام -بورس") == ["stock"]
    assert found(runner, "(سهام -بورس)") == ["stock"]
    assert "virus" not in found(runner, "کرونا -ویروس-کرونا")


def test_a_word_ending_in_a_hyphen_does_not_break_the_query(runner, index):
    assert found(runner, "گریت- سرکانه") == ["virus"]


@pytest.mark.parametrize(("query", "operator"), [("AND کرونا", "AND"), ("کرونا OR", "OR"), ("OR", "OR"),
                                                 ("NOT", "NOT"), ("کرونا NOT", "NOT"), ("(AND سهام)", "AND")])
def test_a_dangling_operator_is_a_usage_error(runner, index, query, operator):
    result = runner.invoke(cli.main, [query])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"'{operator}' needs" in result.stderr


def test_operators_between_words_still_work(runner, index):
    assert found(runner, "بورس OR عدالت") == ["stock", "stock-bourse"]
    assert found(runner, "سهام NOT بورس") == ["stock"]


@pytest.mark.parametrize("args", [["سهام", "-بورس"], ["search", "سهام", "-بورس"],
                                  ["سهام", "--limit", "5", "-بورس"], ["search", "--limit=5", "سهام", "-بورس"]])
def test_an_unquoted_exclusion_on_the_command_line(runner, index, args):
    result = runner.invoke(cli.main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["query"] == "سهام -بورس"
    assert [hit["id"] for hit in answer["results"]] == ["stock"]


def test_a_query_may_start_with_an_exclusion(runner, index):
    result = runner.invoke(cli.main, ["-بورس", "سهام", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["query"] == "-بورس سهام"
    result = runner.invoke(cli.main, ["-کرونا"])
    assert result.exit_code == 2 and "No such option" not in result.stderr
    assert "no words to search for" in result.stderr


def test_double_dash_still_ends_the_options(runner, index):
    result = runner.invoke(cli.main, ["search", "--json", "--", "سهام", "-بورس", "--limit"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["query"] == "سهام -بورس --limit"


def test_an_unknown_option_before_any_word_is_still_a_usage_error(runner, index):
    result = runner.invoke(cli.main, ["search", "--bogus", "سهام"])
    assert result.exit_code == 2
    assert "No such option '--bogus'" in result.stderr


@pytest.mark.parametrize(("typed", "command"), [("stat", "stats"), ("indx", "index"), ("serach", "search"),
                                                ("keyword", "keywords"), ("shwo", "show")])
def test_a_misspelt_command_is_not_searched(runner, index, typed, command):
    result = runner.invoke(cli.main, [typed])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (f"khabar: no command '{typed}'; did you mean '{command}'? "
                                     f"(to search for the word: khabar search {typed})")


def test_a_latin_word_far_from_any_command_is_searched(runner, index):
    assert found(runner, "vaccine") == ["latin"]


def test_help_and_version_as_words(runner):
    result = runner.invoke(cli.main, ["help"])
    assert result.exit_code == 0 and "Full-text search for Persian news" in result.stdout
    result = runner.invoke(cli.main, ["help", "stats"])
    assert result.exit_code == 0 and "Describe the index" in result.stdout
    result = runner.invoke(cli.main, ["version"])
    assert result.exit_code == 0 and "version" in result.stdout


@pytest.mark.parametrize("args", [["--index", "{ix}", "stats"], ["--index={ix}", "stats"]])
def test_the_index_option_before_the_command(runner, index, monkeypatch, args):
    monkeypatch.delenv("KHABAR_INDEX")
    result = runner.invoke(cli.main, [*(arg.format(ix=index) for arg in args), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles"] == len(ARTICLES)


def test_the_index_option_before_a_query(runner, index, monkeypatch):
    monkeypatch.delenv("KHABAR_INDEX")
    result = runner.invoke(cli.main, ["--index", str(index), "سهام", "--json"])
    assert result.exit_code == 0, result.output


def test_the_current_folder_as_the_index(runner, index, monkeypatch):
    monkeypatch.chdir(index)
    monkeypatch.delenv("KHABAR_INDEX")
    result = runner.invoke(cli.main, ["stats", "--index", ".", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles"] == len(ARTICLES)
    monkeypatch.setenv("KHABAR_INDEX", ".")
    result = runner.invoke(cli.main, ["سهام", "--json"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(index / "..")
    result = runner.invoke(cli.main, ["index", "--index", "ix", "-q"])
    assert result.exit_code == 0, result.output
