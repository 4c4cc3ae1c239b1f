"""HTML fragments inside records (a feed's ``content:encoded``, a dump's ``content_html``) as text.

lxml's HTML parser, not BeautifulSoup: these fragments are many and small,
and only their text is wanted. Block elements and ``<br>`` end paragraphs;
scripts and styles are dropped.
"""

from __future__ import annotations

import re

from lxml import etree, html

__all__ = ["html_to_text", "looks_like_html"]

_TAG = re.compile(r"<(?:p|br|div|span|a|img|strong|b|i|em|ul|ol|li|h[1-6]|table|tr|td|figure|blockquote)\b[^>]*>"
                  r"|</[a-z][a-z0-9]*\s*>|&(?:nbsp|amp|lt|gt|quot|zwnj|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
                     "blockquote", "figure", "figcaption", "section", "article", "pre", "dd", "dt", "hr"})
_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg"})


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds markup or entities (and so needs :func:`html_to_text`)."""
    return ("<" in text or "&" in text) and _TAG.search(text) is not None


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment: paragraphs joined by a blank line, whitespace collapsed in each."""
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]*>", " ", fragment).split())
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            paragraphs.append(line)
        current.clear()

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _DROP:
            if node.tail:
                current.append(node.tail)
            return
        block = tag in _BLOCKS
        if block:
            flush()
        if node.text and isinstance(node.tag, str):
            current.append(node.text)
        for child in node:
            walk(child)
        if block:
            flush()
        if node.tail and node is not root:
            current.append(node.tail)

    walk(root)
    flush()
    return "\n\n".join(paragraphs)
