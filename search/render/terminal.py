"""Styling text for a terminal: ANSI colour, the width of the screen, and bidi reordering to visual order.

Making outside text safe is :mod:`khabar.indexer.safe_text`'s job; this module only decorates.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from khabar.indexer.safe_text import ESCAPE_SEQUENCE, strip_escapes
from khabar.search.render.wrap import display_width, wrap

# ANSI styles for the terminal view; used only when colour is on.
BOLD = "\x1b[1m"
MATCH = "\x1b[1;33m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"
# Below this many columns beside a row's indent, its continuation lines start at the margin.
MIN_TEXT_COLUMNS = 16


@dataclass(frozen=True, slots=True)
class Style:
    """How terminal text is decorated: ANSI colour, wrapping to a width, and bidi reordering.

    ``width`` is the terminal's columns (``None``: lines are not wrapped). Reordering
    is for terminals that do not lay out right-to-left text themselves; the caller
    turns it on only for a terminal, never for a pipe or a machine format.
    """

    color: bool = False
    bidi: bool = False
    width: int | None = None

    def bold(self, text: str) -> str:
        return f"{BOLD}{text}{RESET}" if self.color else text

    def dim(self, text: str) -> str:
        return f"{DIM}{text}{RESET}" if self.color else text

    def row(self, prefix: str, text: str, hang: str | None = None, *, as_one_word: bool = False) -> str:
        """One line of a view as the terminal shows it: ``prefix`` as it is (an indent, a rank,
        a column of counts), then ``text`` wrapped to the width, its further lines starting
        with ``hang`` (by default spaces as wide as the prefix). With bidi, the text is wrapped
        in logical order first and each line is then reordered by itself, so that a line holds
        a contiguous piece of the text and columns stay where the prefix put them.
        ``as_one_word``: an id or a path, broken only where a line is full (see ``wrap``)."""
        hang = " " * display_width(prefix) if hang is None else hang
        first = rest = None
        if self.width is not None:
            first, rest = self.width - display_width(prefix), self.width - display_width(hang)
            if rest < MIN_TEXT_COLUMNS:
                hang, rest = "", self.width
        lines = wrap(text, first, rest, as_one_word=as_one_word)
        if self.bidi:
            base = base_direction(strip_escapes(text))
            lines = [self._visual_line(line, base) for line in lines]
        return "\n".join([prefix + lines[0], *(hang + line for line in lines[1:])])

    def finish(self, text: str) -> str:
        """Lines as they go to the terminal: each wrapped (keeping its indent), and in visual
        order when bidi is on."""
        if self.width is None and not self.bidi:
            return text
        rows = []
        for line in text.split("\n"):
            text_start = len(line) - len(line.lstrip(" "))
            rows.append(self.row(line[:text_start], line[text_start:]))
        return "\n".join(rows)

    def _visual_line(self, line: str, base: str | None) -> str:
        # Escape sequences would be torn apart by reordering: take the line's
        # (first) style off, reorder the plain text, and put the style back.
        # Marks inside the line (matched words) are dropped.
        lead = ESCAPE_SEQUENCE.search(line)
        visual = to_visual(strip_escapes(line), base)
        return f"{lead.group(0)}{visual}{RESET}" if lead and self.color else visual


def base_direction(text: str) -> str | None:
    """"R" or "L" by the text's first strong character (the bidi algorithm's rule P2), None without one.

    A wrapped paragraph's lines all take the paragraph's direction: a line that
    happens to start with a Latin word stays part of a right-to-left paragraph."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return None


def to_visual(line: str, base: str | None = None) -> str:
    """One line in visual (left-to-right display) order, by the Unicode bidi algorithm;
    ``base`` ("R"/"L") sets the paragraph direction, else the line's own is used.

    Brackets and guillemets in right-to-left text are drawn mirrored (rule L4):
    python-bidi's ``get_display`` reorders them without (``سلام (خوب)`` came out
    ``)بوخ( مالس``), so they are mirrored here by the levels it resolved.
    """
    from bidi import get_display  # only the terminal view with --bidi needs it

    visual = get_display(line, base_dir=base) if base else get_display(line)
    if not MIRRORABLE.intersection(line):
        return visual
    levels = resolved_levels(line, base)
    if levels is None:
        return visual
    order = visual_order(levels)
    if "".join(line[i] for i in order) != visual:
        return visual  # not the library's order: leave its output as it is
    return "".join(line[i].translate(_mirrored()) if levels[i] % 2 else line[i] for i in order)




@functools.cache
def _mirrored() -> dict[int, str]:
    """What Unicode draws mirrored at a right-to-left level (BidiMirroring.txt, as python-bidi has it)."""
    from bidi.mirror import MIRRORED

    return str.maketrans(MIRRORED)


# The mirrored characters news text uses: a line without them is left as get_display gives it.
MIRRORABLE = frozenset("()[]{}<>«»‹›")
_LEVEL = re.compile(r"Level\(\s*(\d+),\s*\)")
# Characters rule L1 puts back at the paragraph's level at the end of a line.
_TRAILING = frozenset(("WS", "BN", "LRI", "RLI", "FSI", "PDI"))


def resolved_levels(line: str, base: str | None = None) -> list[int] | None:
    """Each character's embedding level as python-bidi resolves it (its ``debug`` report of
    the levels of each UTF-8 byte), trailing white space at the paragraph's level (rule L1);
    None if the report cannot be read."""
    from bidi import get_display

    report = get_display(line, base_dir=base, debug=True) if base else get_display(line, debug=True)
    head, _, paragraphs = report.rpartition("paragraphs:")  # the line itself comes first
    byte_levels = [int(level) for level in _LEVEL.findall(head)]
    paragraph = _LEVEL.findall(paragraphs)
    if len(byte_levels) != len(line.encode()) or not paragraph:
        return None
    levels, at = [], 0
    for char in line:
        levels.append(byte_levels[at])
        at += len(char.encode())
    end = len(line)
    while end and unicodedata.bidirectional(line[end - 1]) in _TRAILING:
        end -= 1
        levels[end] = int(paragraph[0])
    return levels


def visual_order(levels: list[int]) -> list[int]:
    """Logical positions in display order (rule L2): from the highest level down to the
    lowest odd one, each run at that level or higher reversed."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    for level in range(max(levels, default=0), min(odd, default=1) - 1, -1):
        start = 0
        while start < len(order):
            if levels[order[start]] < level:
                start += 1
                continue
            end = start
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[start:end] = order[start:end][::-1]
            start = end
    return order
