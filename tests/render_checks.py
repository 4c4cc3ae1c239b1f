"""What the width and bidi tests check on the table view's lines, and how they run it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from click.testing import CliRunner

from khabar import cli
from khabar.search.render.wrap import display_width

STYLE = re.compile(r"\x1b\[[0-9;]*m")
WIDTHS = (40, 60, 100)
# A word this much narrower than the line must never be broken (the widest indent and label is 16).
MARGIN = 16


def run(index_dir: Path, *arguments: str, width: int | None = None, lines: int | None = None,
        stdin: str | None = None):
    """A khabar command through click's runner, with COLUMNS at ``width`` and LINES at ``lines``
    (unset for None), as a terminal of that size would have them."""
    env = {"COLUMNS": str(width) if width else None, "LINES": str(lines) if lines else None}
    return CliRunner().invoke(cli.main, [*arguments, "--index", str(index_dir)], env=env, input=stdin)


def plain(text: str) -> str:
    return STYLE.sub("", text)


def words(text: str) -> str:
    """The text with its spaces as single spaces: what wrapping must give back."""
    return " ".join(plain(text).split())


def assert_fits(output: str, width: int) -> None:
    for line in output.splitlines():
        assert display_width(line) <= width, (display_width(line), width, line)


def assert_intact(text: str, lines: list[str], width: int) -> None:
    """Every word of ``text`` is whole on some line (unless it is too long for one), and the
    lines, joined, hold the text contiguously."""
    on_lines = set()
    for line in lines:
        on_lines.update(plain(line).split())
    for word in words(text).split():
        if display_width(word) <= width - MARGIN:
            assert word in on_lines, (word, width)
    assert words(text) in words(" ".join(lines)), (text, width)


def first_strong(text: str) -> str | None:
    """"R" or "L": the direction of the first strong character (how a paragraph's direction is found)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL", "L"):
            return "L" if kind == "L" else "R"
    return None
