"""``--bidi`` on a terminal: text wrapped in logical order first, then each visual line reordered
by itself, so every line read right to left is a contiguous piece of the text; columns
(counts, labels, ranks) stay left of the reordered text and line up.

Rendered at 40, 60 and 100 columns over the bundled corpus's real articles.
"""

from __future__ import annotations

import json
import re

import pytest

from khabar import cli
from khabar.search.render.terminal import to_visual
from render_checks import WIDTHS, assert_fits, first_strong, run, words

QUERY = "تعاونی دانش بنیان"
RANK = re.compile(r"(\d+)\. ")


@pytest.fixture(autouse=True)
def on_a_terminal(monkeypatch):
    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)


def logical(line: str, paragraph: str) -> str:
    """A visual line back in logical order: reordered (and its brackets mirrored) again with its
    paragraph's direction."""
    return to_visual(line.strip(), first_strong(paragraph) or "R")


def assert_pieces(text: str, lines: list[str]) -> None:
    """``lines`` (visual) read back in order are contiguous pieces that make up ``text``."""
    pieces = [logical(line, text) for line in lines]
    for piece in pieces:
        assert piece in text, (piece, text)
    assert " ".join(pieces) == words(text)


def text_lines(lines: list[str], text: str) -> list[str]:
    """The run of lines that, read back, start ``text`` and go on with it (where it was written)."""
    whole = words(text)
    for start in range(len(lines)):
        read = ""
        for end in range(start, len(lines)):
            read = f"{read} {logical(lines[end], text)}".strip()
            if not read or not whole.startswith(read):
                break
            if read == whole:
                return lines[start:end + 1]
    return []


@pytest.mark.parametrize("width", WIDTHS)
def test_search_lines_read_back_as_pieces_of_the_text(bundled_index, width):
    hits = json.loads(run(bundled_index, "search", QUERY, "--json").stdout)["results"]
    out = run(bundled_index, "search", QUERY, "--bidi", "--color", "never", width=width).stdout
    assert_fits(out, width)
    blocks = re.split(r"\n\n", out.strip("\n"))
    assert len(blocks) == len(hits)
    for hit, block in zip(hits, blocks):
        lines = block.split("\n")
        marker = RANK.match(lines[0]).group(0)  # the rank stays on the left, as a column
        title = [lines[0][len(marker):], *lines[1:]]
        assert_pieces(hit["title"], text_lines(title, hit["title"]))
        snippet = text_lines(lines, hit["snippet"])
        assert snippet and all(line.startswith(" " * len(marker)) for line in snippet)  # the indent is kept
        assert_pieces(hit["snippet"], snippet)


@pytest.mark.parametrize("width", WIDTHS)
def test_show_paragraphs_read_back_whole(bundled_index, width):
    hit = json.loads(run(bundled_index, "search", QUERY, "--json").stdout)["results"][0]
    article = json.loads(run(bundled_index, "show", hit["id"], "--json").stdout)
    out = run(bundled_index, "show", hit["id"], "--bidi", "--color", "never", width=width).stdout
    assert_fits(out, width)
    lines = out.splitlines()
    paragraphs = [paragraph.strip() for paragraph in article["body"].split("\n") if paragraph.strip()]
    assert len(paragraphs) > 1
    for paragraph in paragraphs:
        assert_pieces(paragraph, text_lines(lines, paragraph))


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_counts_line_up_after_reordering(bundled_index, width):
    sources = json.loads(run(bundled_index, "stats", "--json").stdout)["sources"]
    out = run(bundled_index, "stats", "--bidi", "--color", "never", width=width).stdout
    assert_fits(out, width)
    lines = out.splitlines()
    rows = [re.fullmatch(r"( +\d+)  (.+)", line) for line in lines[lines.index("sources") + 1:]]
    assert len(rows) == len(sources) and all(rows)
    assert len({len(row.group(1)) for row in rows}) == 1  # the counts end in one column
    for row, source in zip(rows, sources):
        assert int(row.group(1)) == source["count"]
        assert logical(row.group(2), source["source"]) == source["source"]


@pytest.mark.parametrize("width", WIDTHS)
def test_keyword_counts_line_up_after_reordering(bundled_index, width):
    top = json.loads(run(bundled_index, "keywords", "--top", "12", "--json").stdout)["keywords"]
    out = run(bundled_index, "keywords", "--top", "12", "--bidi", "--color", "never", width=width).stdout
    assert_fits(out, width)
    rows = [re.fullmatch(r"( +\d+)  (.+)", line) for line in out.splitlines()]
    assert len(rows) == len(top) and all(rows)
    assert len({len(row.group(1)) for row in rows}) == 1
    for row, count in zip(rows, top):
        assert int(row.group(1)) == count["count"]
        assert logical(row.group(2), count["keyword"]) == count["keyword"]


def test_a_number_is_never_split_or_turned_around(bundled_index):
    """«۲۰»-like numbers keep their digits in order on one line (the bidi algorithm keeps digit runs)."""
    hits = json.loads(run(bundled_index, "search", "هزار", "--json", "--limit", "20").stdout)["results"]
    numbers = {number for hit in hits for number in re.findall(r"[0-9۰-۹]{2,}", hit["snippet"])}
    assert numbers
    for width in WIDTHS:
        out = run(bundled_index, "search", "هزار", "--limit", "20", "--bidi", width=width).stdout
        shown = set(re.findall(r"[0-9۰-۹]{2,}", out))
        assert numbers <= shown, numbers - shown


BRACKETED = re.compile(r"\([^()]*\)")


def reads_balanced(visual: str) -> bool:
    """Whether every bracket of a visual line opens left of its text and closes right of it."""
    depth = 0
    for char in visual:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_brackets_in_right_to_left_text_are_drawn_mirrored():
    # The bundled corpus's asriran headlines end in «(+عکس)»; get_display alone gave «)سکع+(».
    from khabar.search.render.terminal import resolved_levels

    line = "عبور از خدا آفرین (+عکس)"
    visual = to_visual(line, "R")
    assert visual.startswith("(سکع+)") and reads_balanced(visual)
    assert to_visual(visual, "R") == line  # reordered and mirrored again: the text as written
    assert resolved_levels(line, "R") is not None


def test_every_bracketed_line_of_the_corpus_reads_balanced():
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    lines = [line for path in sorted(corpus.rglob("*.txt"))
             for line in (whole[:200] for whole in path.read_text(encoding="utf-8").splitlines())
             if BRACKETED.search(line) and reads_balanced(line) and first_strong(line) == "R"]
    assert len(lines) > 50
    assert all(reads_balanced(to_visual(line, "R")) for line in lines)


def test_a_right_to_left_line_is_its_reverse_with_brackets_mirrored():
    # Pinned without reading back through to_visual: a line of one direction (no digits: a number
    # keeps its own order) is its characters
    # reversed, and each bracket or guillemet drawn as its mirror.
    for line in ("قیمت دلار (بیست و هشت هزار تومان) اعلام شد", "گفت: «کرونا [در ایران] مهار می‌شود»"):
        mirrored = line[::-1].translate(str.maketrans("()[]«»", ")(][»«"))
        assert to_visual(line, "R") == mirrored
