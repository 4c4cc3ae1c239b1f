"""Making article text safe to print."""

from __future__ import annotations

import re

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
