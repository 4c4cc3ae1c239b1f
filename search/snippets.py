"""Snippets of the original article text around the matched words."""

from __future__ import annotations

from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, get_text

from .terminal import clean_text

SNIPPET_CHARS = 220
_SURROUND = 70
_FRAGMENTS = 2


class MarkFormatter(Formatter):
    """Whoosh formatter that wraps matched words in ``start``/``end`` marks.

    Every piece of article text is cleaned of control characters on the way,
    so a snippet is safe for a terminal whatever marks are used.
    """

    between = " … "

    def __init__(self, start: str = "", end: str = "") -> None:
        self.start = start
        self.end = end

    def _text(self, text: str) -> str:
        return clean_text(text)

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"{self.start}{clean_text(get_text(text, token, replace))}{self.end}"


def make_highlighter(formatter: Formatter) -> Highlighter:
    return Highlighter(
        fragmenter=ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_SURROUND),
        formatter=formatter,
    )


def snippet(hit, highlighter: Highlighter) -> str:
    """The best fragments of the body around the matches, or its opening."""
    body = hit.get("body") or ""
    text = highlighter.highlight_hit(hit, "body", text=body, top=_FRAGMENTS) if body else ""
    if not text:
        opening = clean_text(body[: SNIPPET_CHARS + 40]).strip()
        text = opening[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
    return " ".join(text.split())
