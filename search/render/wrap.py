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
# What a word is cut into when it must be broken: a style, or one character.
_UNIT = re.compile(r"\x1b\[[0-9;]*m|.", re.DOTALL)


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Columns one character takes: 0 for marks and format characters, 2 for wide ones, else 1."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class _Columns(dict):
    """For ``str.translate``: each character as many characters as the columns it takes (a mark
    none, a wide one two), learnt on first sight; the length of the translation is the width."""

    def __missing__(self, code: int) -> int | str | None:
        width = char_width(chr(code))
        self[code] = code if width == 1 else None if width == 0 else "ww"
        return self[code]


_COLUMNS = _Columns()


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (its styles take none)."""
    if "\x1b" in text:
        text = _STYLE.sub("", text)
    if text.isascii():
        return len(text)
    return len(text.translate(_COLUMNS))


def wrap(text: str, first: int | None, rest: int | None = None, *, as_one_word: bool = False) -> list[str]:
    """``text`` in lines of at most ``first`` columns (the first line) and ``rest`` (the others).

    Breaks at spaces (a break takes the space's place; several spaces in a row
    count as one in wrapped text); ``None`` is no limit. ``as_one_word`` (an id,
    a path: read back by joining its lines) breaks only where a line is full,
    spaces kept. Styles are closed and reopened at each break (:func:`restyle`).
    """
    if first is None:
        return [text]
    rest = first if rest is None else rest
    if as_one_word:
        return [text] if display_width(text) <= first else restyle(_cut_path(text, first, rest))
    if display_width(text) <= first:  # as it is, runs of spaces included
        return [text]
    words = [word for word in text.split(" ") if word]
    widths = [_word_width(word) for word in words]
    lines: list[str] = []
    line: list[str] = []
    used, limit = 0, max(first, 1)
    for word, width in zip(words, widths):
        if line and used + 1 + width <= limit:
            line.append(word)
            used += 1 + width
            continue
        if line:
            lines.append(" ".join(line))
            limit = max(rest, 1)
        if width > limit:  # a word longer than a line: broken where the line ends
            *full, word = _cut_lines(word, limit, rest)
            lines += full
            limit = max(rest, 1)
            width = display_width(word)
        line, used = [word], width
    lines.append(" ".join(line))
    return restyle(lines)


# Words repeat: an article's vocabulary is a small part of its words.
_word_width = lru_cache(maxsize=1 << 16)(display_width)


def _cut_path(path: str, first: int, rest: int) -> list[str]:
    """An id, a path or a URL cut where each line is full, or after its last "/" when that is in
    the line's second half (nothing is lost: the lines joined are the path)."""
    lines: list[str] = []
    limit = first
    while display_width(path) > limit:
        head = _cut_lines(path, limit, limit)[0]
        slash = head.rfind("/")
        if slash + 1 > len(head) // 2 and slash + 1 < len(head):
            head = head[:slash + 1]
        lines.append(head)
        path, limit = path[len(head):], rest
    return [*lines, path]


def _cut_lines(word: str, first: int, rest: int) -> list[str]:
    """``word`` cut where each line is full (``first`` columns, then ``rest``), in one pass;
    each line holds at least one character."""
    lines: list[str] = []
    start = used = 0
    limit = max(first, 1)
    for unit in _UNIT.finditer(word):
        # A style or a mark takes no column: it stays with the character before it.
        width = 0 if unit.group().startswith("\x1b") else char_width(unit.group())
        if width and used + width > limit and used > 0:
            lines.append(word[start:unit.start()])
            start, used, limit = unit.start(), 0, max(rest, 1)
        used += width
    return [*lines, word[start:]]


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
    head = _cut_lines(text, width - 1, width - 1)[0]
    return head + ELLIPSIS
