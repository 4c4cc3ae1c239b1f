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
from collections.abc import Iterable, Iterator

from .errors import InputError

# Escape sequences: CSI, OSC (ended by BEL or ST, or by nothing), and two-character ones.
ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0/C1 controls (tabs and newlines become spaces first), and the bidi
# embedding/override/isolate controls. ZWNJ/ZWJ and LRM/RLM are kept: Persian words need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"[\t\n\r\v\f\u2028\u2029]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Every character clean_text may change (an escape sequence starts with ESC, a C0
# control). One class is one fast scan, where an alternation of the patterns above
# is tried at every position (ten times slower): text without any of them (most
# lines of most articles) is returned as it is, neither scanned again nor copied.
_TOUCHED = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes) as U+FFFD, so that any UTF-8 stream can carry the text."""
    return _SURROGATE.sub("\ufffd", text)


def input_lines(lines: Iterable[str]) -> Iterator[str]:
    """Lines a user pipes in (``--stdin``): stripped, a byte-order mark and blank lines dropped.

    Raises :class:`InputError` when the input is not UTF-8 text.
    """
    try:
        for line in lines:
            line = line.lstrip("\ufeff").strip()
            if line:
                yield line
    except UnicodeDecodeError:
        raise InputError("standard input is not UTF-8 text") from None


def clean_text(text: str) -> str:
    """One line of printable text: escape sequences and controls removed, line breaks as spaces,
    lone surrogates as U+FFFD."""
    text = str(text)
    if _TOUCHED.search(text) is None:
        return text
    text = ESCAPE_SEQUENCE.sub("", without_surrogates(text))
    text = _SPACE.sub(" ", text)
    return _CONTROL.sub("", text)


def iter_clean_lines(text: str, max_chars: int | None = None) -> Iterator[str]:
    """The non-blank lines of ``text``, each cleaned by :func:`clean_text` and stripped, one at a
    time: a huge article is never split or copied whole. With ``max_chars``, a longer line comes
    in pieces of at most that many characters, broken at a space where there is one."""
    text = str(text)
    start, length = 0, len(text)
    while start < length:
        limit = length if max_chars is None else min(length, start + max_chars)
        end = text.find("\n", start, limit)
        if end >= 0 or limit == length:
            end = length if end < 0 else end
            after = end + 1
        else:  # a long line: break it at its last space before the limit, else at the limit
            space = text.rfind(" ", start, limit)
            end, after = (space, space + 1) if space > start else (limit, limit)
        line = clean_text(text[start:end]).strip()  # a "\r" before the "\n" is a space, stripped
        if line:
            yield line
        start = after


def clean_lines(text: str) -> str:
    """Like :func:`clean_text`, but paragraphs stay on their own lines (for a full article)."""
    return "\n".join(iter_clean_lines(text))


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
