"""The table views fit the terminal's width: wrapped at word boundaries under their indent,
columns counted as a terminal shows them, colour closed at each line's end.

Rendered at 40, 60 and 100 columns (COLUMNS, which shutil.get_terminal_size reads and
the runner sets) over the bundled corpus's real articles.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from khabar.search.render.terminal import MATCH, RESET
from khabar.search.render.wrap import ELLIPSIS, display_width, shorten, wrap
from render_checks import WIDTHS, assert_fits, assert_intact, plain, run, words

QUERY = "تعاونی دانش بنیان"
RANK = re.compile(r"(\d+)\. ")


# Real article text: the fields of the ir-news fixture files (titles, leads, bodies), one paragraph each.
PARAGRAPHS = sorted({" ".join(field.split()) for path in sorted((FIXTURES / "text").glob("*.txt"))
                     for field in path.read_text(encoding="utf-8").replace("\n", "###").split("###")
                     if len(field.split()) > 8})


def hits(index_dir, query: str = QUERY, limit: int = 10) -> list[dict]:
    return json.loads(run(index_dir, "search", query, "--limit", str(limit), "--json").stdout)["results"]


def blocks(output: str) -> list[list[str]]:
    """The table's hits: the lines of each, from its numbered title to the blank line after it."""
    found: list[list[str]] = []
    for line in output.splitlines():
        if RANK.match(line):
            found.append([line])
        elif line and found:
            found[-1].append(line)
    return found


def test_widths_are_the_columns_a_terminal_shows():
    assert display_width("می‌شود") == 5  # ZWNJ takes no column
    assert display_width("مُحَمَّد") == 4  # nor do harakat
    assert display_width("خبر\u200f") == 3  # nor a mark of direction
    assert display_width("日本") == 4  # East-Asian wide: two each
    assert display_width(f"{MATCH}کرونا{RESET}") == 5  # nor do styles


def test_a_word_longer_than_the_line_is_broken_but_never_from_its_marks():
    word = "مُحَمَّدرَسولُ‌الله" * 3
    lines = wrap(word, 7)
    assert "".join(lines) == word and all(display_width(line) <= 7 for line in lines)
    assert not any(line[0] in "\u064b\u064e\u064f\u0650\u0651\u200c" for line in lines)


def test_a_url_is_shortened_with_an_ellipsis(bundled_index):
    url = max((hit["url"] for hit in hits(bundled_index)), key=len)
    short = shorten(url, 30)
    assert short.endswith(ELLIPSIS) and display_width(short) == 30 and url.startswith(short[:-1])
    assert shorten(url, display_width(url)) == url


@settings(max_examples=150, deadline=None, database=None)
@given(paragraph=st.sampled_from(PARAGRAPHS), first=st.integers(6, 120), rest=st.integers(6, 120),
       marked=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 4)), max_size=4))
def test_wrapping_real_text_keeps_words_widths_and_marks(paragraph, first, rest, marked):
    words_of = paragraph.split()
    covered: set[int] = set()
    for start, length in marked:  # matched words, as snippets mark them (a phrase may span words; none nest)
        start %= len(words_of)
        span = set(range(start, min(start + length, len(words_of) - 1) + 1))
        if not span & covered:
            covered |= span
            words_of[min(span)] = MATCH + words_of[min(span)]
            words_of[max(span)] += RESET
    text = " ".join(words_of)
    lines = wrap(text, first, rest)
    for number, line in enumerate(lines):
        limit = first if number == 0 else rest
        assert display_width(line) <= limit or " " not in plain(line)  # only a word too long is cut
        assert display_width(line) <= max(limit, 2)  # and cut to the line (a wide character takes 2)
        styles = re.findall(r"\x1b\[[0-9;]*m", line)
        assert not styles or styles[-1] == RESET  # no colour bleeds into the next line
    assert "".join(plain("".join(lines)).split()) == "".join(paragraph.split())
    shown = {word for line in lines for word in plain(line).split()}
    assert {word for word in paragraph.split() if display_width(word) <= min(first, rest)} <= shown

    def marked_text(styled: str) -> str:
        return "".join("".join(re.findall(re.escape(MATCH) + "(.*?)" + re.escape(RESET), styled)).split())

    assert marked_text("\n".join(lines)) == marked_text(text)

    # As one word (an id, a path): cut only where a line is full or after a "/", nothing lost.
    pieces = wrap(text, first, rest, as_one_word=True)
    assert plain("".join(pieces)) == plain(text)
    assert all(display_width(piece) <= max(first if number == 0 else rest, 2) for number, piece in enumerate(pieces))


@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_fit_the_width_with_words_whole(bundled_index, width):
    expected = hits(bundled_index)
    result = run(bundled_index, "search", QUERY, "--color", "never", width=width)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout, width)
    shown = blocks(result.stdout)
    assert len(shown) == len(expected)
    for hit, lines in zip(expected, shown):
        marker = RANK.match(lines[0]).group(0)
        assert all(line.startswith(" " * len(marker)) for line in lines[1:])  # the indent is kept
        assert_intact(hit["title"], lines, width)
        assert_intact(hit["snippet"], lines, width)
        url = [line.strip() for line in lines if "http" in line][0].split(" · ")[-1]
        # Whole when it fits beside the date and source, else its start and an ellipsis.
        assert url == hit["url"] or (url.endswith(ELLIPSIS) and hit["url"].startswith(url[:-1]))
        assert len([line for line in lines if "http" in line]) == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_highlights_survive_wrapping_without_bleeding(bundled_index, width):
    """Each line closes the styles it opened (or reopened); the marked words are the same as unwrapped."""
    wrapped = run(bundled_index, "search", QUERY, "--color", "always", width=width).stdout
    whole = run(bundled_index, "search", QUERY, "--color", "always").stdout
    assert_fits(wrapped, width)
    for line in wrapped.splitlines():
        styles = re.findall(r"\x1b\[[0-9;]*m", line)
        assert not styles or styles[-1] == RESET, line

    def text(output: str) -> str:  # all but the date · source · URL lines (URLs are shortened)
        return words("\n".join(line for line in output.splitlines() if "·" not in line and "http" not in line))

    assert text(wrapped) == text(whole)

    def marked(output: str) -> list[str]:
        return " ".join(re.findall(re.escape(MATCH) + "(.*?)" + re.escape(RESET), output)).split()

    assert marked(wrapped) == marked(whole) and marked(whole)


def test_a_pipe_is_not_wrapped_without_COLUMNS(bundled_index):
    expected = hits(bundled_index)
    out = run(bundled_index, "search", QUERY).stdout
    for hit, lines in zip(expected, blocks(out)):
        assert lines[0] == f"{RANK.match(lines[0]).group(0)}{hit['title']}"
        assert lines[-1].strip() == hit["snippet"]


@pytest.mark.parametrize("width", WIDTHS)
def test_show_fits_the_width_with_paragraphs_whole(bundled_index, width):
    ids = [hit["id"] for hit in hits(bundled_index, limit=20)]
    articles = [json.loads(run(bundled_index, "show", article_id, "--json").stdout) for article_id in ids]
    article = max(articles, key=lambda article: article["body"].count("\n"))  # the most paragraphs
    out = run(bundled_index, "show", article["id"], width=width).stdout
    assert_fits(out, width)
    lines = out.splitlines()
    assert_intact(article["title"], lines, width)
    paragraphs = [paragraph for paragraph in article["body"].split("\n") if paragraph.strip()]
    assert len(paragraphs) > 3
    for paragraph in paragraphs:
        assert_intact(paragraph, lines, width)
    assert article["url"] in "".join(line.strip() for line in lines)  # here the URL is whole


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_and_keywords_fit_the_width(bundled_index, width):
    stats = json.loads(run(bundled_index, "stats", "--json").stdout)
    out = run(bundled_index, "stats", width=width).stdout
    assert_fits(out, width)
    for source in stats["sources"]:
        assert re.search(rf"^  +{source['count']}  {re.escape(source['source'])}$", out, re.M)
    assert stats["index"] in "".join(plain(line).strip() for line in out.splitlines())

    top = json.loads(run(bundled_index, "keywords", "--top", "8", "--by", "source", "--json").stdout)["keywords"]
    out = run(bundled_index, "keywords", "--top", "8", "--by", "source", width=width).stdout
    assert_fits(out, width)
    for count in top:
        assert_intact(count["keyword"], out.splitlines(), width)

    keyword = top[0]["keyword"]
    tagged = json.loads(run(bundled_index, "keywords", keyword, "--json").stdout)["keywords"][0]["results"]
    out = run(bundled_index, "keywords", keyword, width=width).stdout
    assert_fits(out, width)
    for hit in tagged:
        assert_intact(hit["title"], out.splitlines(), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_stdin_tables_fit_the_width(bundled_index, width):
    queries = [QUERY, "واکسن کرونا"]
    result = run(bundled_index, "search", "--stdin", width=width, stdin="\n".join(queries) + "\n")
    assert result.exit_code == 0
    assert_fits(result.stdout, width)
    for query in queries:
        for hit in hits(bundled_index, query):
            assert_intact(hit["snippet"], result.stdout.splitlines(), width)


def test_runs_of_spaces_never_make_a_line_wider_than_the_width():
    # Scraped text keeps double spaces; a line that fits once they are one space must not
    # come back with them, wider than the width.
    for text in ("تاکنون  تخصیص یافته که", "a  b", "سهام   عدالت  بیش از ۲۰ هزار نفر"):
        for width in range(3, 30):
            assert all(display_width(line) <= width for line in wrap(text, width)), (text, width)


@pytest.mark.parametrize("columns", ["²", "wide", "-5", "0", ""])
def test_a_columns_value_that_is_no_width_is_ignored(bundled_index, columns):
    from click.testing import CliRunner

    from khabar import cli

    result = CliRunner().invoke(cli.main, ["search", QUERY, "--index", str(bundled_index)], env={"COLUMNS": columns})
    assert result.exit_code == 0 and result.exception is None, result.stderr
    assert result.stdout == run(bundled_index, "search", QUERY).stdout  # not wrapped: no width asked for
