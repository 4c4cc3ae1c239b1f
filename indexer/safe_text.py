"""Text from outside — articles, file names, queries, paths — made safe for any stream.

Article text, file names and what a user typed can hold escape sequences
(an OSC sequence retitles a terminal, CSI moves the cursor), other C0/C1
controls, bidi overrides that reorder a line, and lone surrogates (the bytes
of a file name or an argument that are not UTF-8), which a strict UTF-8
stream cannot even encode. Everything that came from outside passes through
:func:`clean_text` (one line) or :func:`clean_lines` (paragraphs kept) before
it reaches stdout, stderr or a message.
"""

from __future__ import annotations

import re

# Escape sequences: CSI, OSC (ended by BEL or ST, or by nothing), and two-character ones.
ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0/C1 controls (tabs and newlines become spaces first), and the bidi
# embedding/override/isolate controls. ZWNJ/ZWJ and LRM/RLM are kept: Persian words need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"[\t\n\r\v\f\u2028\u2029]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes) as U+FFFD, so that any UTF-8 stream can carry the text."""
    return _SURROGATE.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """One line of printable text: escape sequences and controls removed, line breaks as spaces."""
    text = ESCAPE_SEQUENCE.sub("", without_surrogates(str(text)))
    text = _SPACE.sub(" ", text)
    return _CONTROL.sub("", text)


def clean_lines(text: str) -> str:
    """Like :func:`clean_text`, but paragraphs stay on their own lines (for a full article)."""
    lines = (clean_text(line).strip() for line in str(text).replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# What json.dumps leaves raw that a terminal showing the JSON would still act on: it
# escapes C0 controls (so every escape sequence), but not DEL, the C1 controls
# (U+009B is a CSI on its own), the bidi controls or the line separators.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def _json_escape(match: re.Match) -> str:
    char = match.group()
    return "\ufffd" if "\ud800" <= char <= "\udfff" else f"\\u{ord(char):04x}"


def json_safe(document: str) -> str:
    """A JSON document (``json.dumps(..., ensure_ascii=False)``) that no terminal acts on.

    Every control character json.dumps left raw becomes a ``\\u`` escape
    (losslessly: the decoded text is the same); a lone surrogate, which is not
    text and which a strict UTF-8 stream cannot write, becomes U+FFFD as in
    every other format. One pass, and no copy when there is nothing to escape.
    """
    return _JSON_UNSAFE.sub(_json_escape, document)


def strip_escapes(text: str) -> str:
    """Only the escape sequences removed (khabar's own styling, before bidi reordering)."""
    return ESCAPE_SEQUENCE.sub("", text)
