"""Styling text for a terminal: ANSI colour, and bidi reordering to visual order.

Making outside text safe is :mod:`khabar.indexer.safe_text`'s job; this module only decorates.
"""

from __future__ import annotations

from dataclasses import dataclass

from khabar.indexer.safe_text import ESCAPE_SEQUENCE, strip_escapes

# ANSI styles for the terminal view; used only when colour is on.
BOLD = "\x1b[1m"
MATCH = "\x1b[1;33m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


@dataclass(frozen=True, slots=True)
class Style:
    """How terminal text is decorated: ANSI colour, and bidi reordering to visual order.

    Reordering is for terminals that do not lay out right-to-left text themselves;
    the caller turns it on only for a terminal, never for a pipe or a machine format.
    """

    color: bool = False
    bidi: bool = False

    def bold(self, text: str) -> str:
        return f"{BOLD}{text}{RESET}" if self.color else text

    def dim(self, text: str) -> str:
        return f"{DIM}{text}{RESET}" if self.color else text

    def finish(self, text: str) -> str:
        """The text as it goes to the terminal: each line in visual order when bidi is on."""
        if not self.bidi:
            return text
        return "\n".join(self._visual_line(line) for line in text.split("\n"))

    def _visual_line(self, line: str) -> str:
        # Escape sequences would be torn apart by reordering: take the line's
        # (first) style off, reorder the plain text, and put the style back.
        # Marks inside the line (matched words) are dropped.
        lead = ESCAPE_SEQUENCE.search(line)
        visual = to_visual(strip_escapes(line))
        return f"{lead.group(0)}{visual}{RESET}" if lead and self.color else visual


def to_visual(line: str) -> str:
    """One line in visual (left-to-right display) order, by the Unicode bidi algorithm."""
    from bidi import get_display  # only the terminal view with --bidi needs it

    return get_display(line)
