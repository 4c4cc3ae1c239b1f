"""Fitting terminal text to a width: how wide text shows, word wrapping, shortening a URL.

Widths are what a terminal shows, not ``len``: ANSI styles take no column, nor
do zero-width characters (ZWNJ and the other format characters, Arabic harakat
and other combining marks), and East-Asian wide characters take two. A line is
broken only between words; a word longer than a whole line is broken inside,
never between a letter and its marks. Styles open at a break are closed at the
end of the line and opened again on the next, so no colour bleeds into the
margin or the next line's indent.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ELLIPSIS = "…"
# The styles khabar writes (SGR); outside escapes never get this far (safe_text.clean_text).
_STYLE = re.compile(r"\x1b\[[0-9;]*m")
_RESETS = ("\x1b[0m", "\x1b[m")
_SPACES = re.compile(r"( +)")
# What a word is cut into when it must be broken: a style, or one character.
_UNIT = re.compile(r"\x1b\[[0-9;]*m|.", re.DOTALL)


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Columns one character takes: 0 for marks and format characters, 2 for wide ones, else 1."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (its styles take none)."""
    if "\x1b" in text:
        text = _STYLE.sub("", text)
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))


def wrap(text: str, first: int | None, rest: int | None = None) -> list[str]:
    """``text`` in lines of at most ``first`` columns (the first line) and ``rest`` (the others).

    Breaks at spaces (dropped at a break); ``None`` is no limit. Styles are
    closed and reopened at each break (:func:`restyle`).
    """
    if first is None or display_width(text) <= first:
        return [text]
    rest = first if rest is None else rest
    lines: list[str] = []
    line, used, limit = "", 0, max(first, 1)
    parts = _SPACES.split(text.strip(" "))
    for space, word in zip(["", *parts[1::2]], parts[0::2]):
        width = display_width(word)
        if line and used + len(space) + width <= limit:
            line, used = line + space + word, used + len(space) + width
            continue
        if line:
            lines.append(line)
            limit = max(rest, 1)
        while width > limit:  # a word longer than a line: broken where the line ends
            head, word = _cut(word, limit)
            lines.append(head)
            limit = max(rest, 1)
            width = display_width(word)
        line, used = word, width
    lines.append(line)
    return restyle(lines)


def _cut(word: str, limit: int) -> tuple[str, str]:
    """The longest start of ``word`` that fits in ``limit`` columns (at least one character), and the rest."""
    used = end = 0
    for unit in _UNIT.finditer(word):
        # A style or a mark takes no column: it stays with the character before it.
        width = 0 if unit.group().startswith("\x1b") else char_width(unit.group())
        if width and used + width > limit and used > 0:
            break
        used += width
        end = unit.end()
    return word[:end], word[end:]


def restyle(lines: list[str]) -> list[str]:
    """Each line with the styles open at its start reopened, and closed at its end."""
    if not any("\x1b" in line for line in lines):
        return lines
    styled: list[str] = []
    open_styles: list[str] = []
    for line in lines:
        reopened = "".join(open_styles)
        for style in _STYLE.findall(line):
            open_styles = [] if style in _RESETS else [*open_styles, style]
        styled.append(reopened + line + (_RESETS[0] if open_styles else ""))
    return styled


def shorten(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` columns, ending in an ellipsis when it was cut (for a URL)."""
    if width is None or display_width(text) <= width:
        return text
    if width < 2:
        return ELLIPSIS[:max(width, 0)]
    head, _ = _cut(text, max(width - 1, 1))
    return head + ELLIPSIS
