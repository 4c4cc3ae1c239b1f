"""Making article text safe to print, and styling it for a terminal."""

from __future__ import annotations

import re
from dataclasses import dataclass

# ANSI styles for the terminal view; used only when colour is on.
BOLD = "\x1b[1m"
MATCH = "\x1b[1;33m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"

# C0/C1 controls (tabs and newlines become spaces), escape sequences, and the
# bidi embedding/override/isolate controls that can reorder a terminal line.
# ZWNJ/ZWJ and LRM/RLM are kept: Persian words need them.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"[\t\n\r\v\f\u2028\u2029]+")


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters; fold line breaks into spaces."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _SPACE.sub(" ", text)
    return _CONTROL.sub("", text)


def strip_escapes(text: str) -> str:
    return _ESCAPE_SEQUENCE.sub("", text)


def clean_lines(text: str) -> str:
    """Like :func:`clean_text`, but paragraphs stay on their own lines (for a full article)."""
    lines = (clean_text(line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


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
        lead = _ESCAPE_SEQUENCE.search(line)
        visual = to_visual(strip_escapes(line))
        return f"{lead.group(0)}{visual}{RESET}" if lead and self.color else visual


def to_visual(line: str) -> str:
    """One line in visual (left-to-right display) order, by the Unicode bidi algorithm."""
    from bidi import get_display  # only the terminal view with --bidi needs it

    return get_display(line)
