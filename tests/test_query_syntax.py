"""Query syntax as people type it (issue 12): fields in any case, pasted web addresses,
and exclusions inside brackets."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from khabar import cli

# A real article of the bundled corpus (corpus/ir-news/asriran_1_data_1095.txt).
NISSAN_URL = ("https://www.asriran.com/fa/news/731511/"
              "8-پیشرانه-برتر-نیسان-از-مهندسی-ژاپنی-تا-انتخابی-برتر-برای-حرفه-ای-ها-تصاویر")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def search_json(runner, bundled_index, *words) -> dict:
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), "--json", "--limit", "1000", *words])
    assert result.exit_code in (0, 1), (result.output, result.exception)
    return json.loads(result.stdout)


def ids(runner, bundled_index, *words) -> set[str]:
    return {hit["id"] for hit in search_json(runner, bundled_index, *words)["results"]}


@pytest.mark.parametrize("typed", ["Title:کرونا", "TITLE:کرونا", "title: کرونا", "Title:  کرونا"])
def test_a_field_name_is_read_in_any_case_and_before_a_space(runner, bundled_index, typed):
    assert ids(runner, bundled_index, typed) == ids(runner, bundled_index, "title:کرونا") != set()
    # title: searches titles only, so it finds fewer than the word anywhere.
    assert ids(runner, bundled_index, typed) < ids(runner, bundled_index, "کرونا")


@pytest.mark.parametrize("typed", ["title:", "Title:", "title: ", "(title:)", "کرونا keywords:"])
def test_a_field_with_nothing_after_it_is_one_line_naming_it(runner, bundled_index, typed):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), typed])
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "has nothing after it" in result.stderr and typed.strip("() ").split()[-1] in result.stderr


def test_an_unknown_name_before_a_space_stays_text(runner, bundled_index):
    assert ids(runner, bundled_index, "Note: کرونا") == ids(runner, bundled_index, "note کرونا")


@pytest.mark.parametrize("form", [
    lambda url: url,
    lambda url: quote(url, safe=":/"),  # as a browser copies it
    lambda url: url.replace("https://", "http://"),
    lambda url: url.replace("https://www.", "www."),
])
def test_a_pasted_web_address_is_searched_as_text(runner, bundled_index, form):
    """Its path ends in the title's words, so the article it names comes first."""
    found = search_json(runner, bundled_index, form(NISSAN_URL))
    assert found["results"][0]["id"] == NISSAN_URL


def test_a_web_address_inside_a_query_is_text_among_the_words(runner, bundled_index):
    assert NISSAN_URL in ids(runner, bundled_index, "کرونا", NISSAN_URL)
    assert NISSAN_URL not in ids(runner, bundled_index, NISSAN_URL, "-نیسان")


def test_a_web_address_with_no_path_words_says_so(runner, bundled_index):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), "https://www.asriran.com/"])
    assert result.exit_code == 2 and "no words to search for" in result.stderr
    assert "field" not in result.stderr


@pytest.mark.parametrize("bracketed, plain", [
    ("سهام (-بورس)", "سهام -بورس"),
    ("سهام (NOT بورس)", "سهام -بورس"),
    ("سهام AND (-بورس)", "سهام -بورس"),
    ("(-بورس) AND سهام", "سهام -بورس"),
    ("سهام (-بورس -عدالت) کرونا", "سهام کرونا -بورس -عدالت"),
    ("سهام ((-بورس))", "سهام -بورس"),  # brackets in brackets: the exclusion was dropped
])
def test_a_bracket_of_exclusions_excludes_from_the_words_around_it(runner, bundled_index, bracketed, plain):
    assert ids(runner, bundled_index, bracketed) == ids(runner, bundled_index, plain) != set()
    kept = [word for word in plain.split() if not word.startswith("-")]
    assert ids(runner, bundled_index, bracketed) < ids(runner, bundled_index, *kept)  # something was excluded


def test_an_exclusion_inside_a_bracket_excludes_from_that_bracket(runner, bundled_index):
    inner = ids(runner, bundled_index, "(سهام -بورس)")
    assert inner and inner == ids(runner, bundled_index, "سهام -بورس")
    either = ids(runner, bundled_index, "(سهام -بورس) OR ماسک")
    assert inner < either and ids(runner, bundled_index, "ماسک") <= either


def test_a_query_of_exclusions_alone_is_one_line(runner, bundled_index):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), "(-بورس)"])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "no words to search for" in result.stderr and "Minus" not in result.stderr


@pytest.mark.parametrize("typed", [f"کرونا -{NISSAN_URL}", f"کرونا NOT {NISSAN_URL}", "کرونا (-www.asriran.com/fa/news/1)"])
def test_a_web_address_cannot_be_excluded(runner, bundled_index, typed):
    """Its words («fa», «news», the number) would exclude far more than the one article."""
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), "--", typed])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "a web address cannot be excluded" in result.stderr


def test_a_bare_scheme_is_no_field(runner, bundled_index):
    result = runner.invoke(cli.main, ["search", "--index", str(bundled_index), "https://"])
    assert result.exit_code == 2 and "no words to search for" in result.stderr and "field" not in result.stderr
