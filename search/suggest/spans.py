"""Which words of a query string a correction may change, by their place in the string.

A suggestion is the query as typed with some words replaced, so that quotes,
``OR``/``AND``/``NOT``, field prefixes (``title:``) and excluded words
(``-word``, ``NOT word``) stay as they were. Excluded words are never
corrected: what the user left out is not what they were looking for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from khabar.indexer.persian.written import WRITTEN_WORD

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
# A quoted phrase, or a run of anything else up to a space, bracket or quote.
_PART = re.compile(r'(?P<minus>-?)(?:"(?P<phrase>[^"]*)"|(?P<plain>[^\s()"]+))')
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:")


@dataclass(frozen=True, slots=True)
class Place:
    """A word of the query string: ``text[start:end] == word``; ``follows``: the word
    right before it in the same run of words (for joining), or None."""

    start: int
    end: int
    word: str
    follows: int | None = None


def correctable(text: str) -> list[Place]:
    """The words of ``text`` a correction may replace, in order."""
    places: list[Place] = []
    excluding = False  # the part after NOT
    for part in _PART.finditer(text):
        plain = part.group("plain")
        if plain in OPERATORS:
            excluding = plain == "NOT"
            continue
        excluded, excluding = excluding or bool(part.group("minus")), False
        if excluded:
            continue
        group = "phrase" if plain is None else "plain"
        start = part.start(group)
        inner = part.group(group)
        if group == "plain" and (field := _FIELD.match(inner)):
            start += field.end()
            inner = inner[field.end():]
        previous: int | None = None
        for word in WRITTEN_WORD.finditer(inner):
            # Words split by a space in a phrase, or by a hyphen, may be one word.
            places.append(Place(start + word.start(), start + word.end(), word.group(), previous))
            previous = len(places) - 1
    return _linked_across_spaces(text, places)


def _linked_across_spaces(text: str, places: list[Place]) -> list[Place]:
    """Plain words only a space apart follow one another too («بیمار ستان»)."""
    linked = []
    for index, place in enumerate(places):
        if place.follows is None and index and text[places[index - 1].end : place.start].isspace():
            place = Place(place.start, place.end, place.word, index - 1)
        linked.append(place)
    return linked


def replaced(text: str, changes: dict[tuple[int, int], str]) -> str:
    """``text`` with each ``(start, end)`` span replaced by its new text."""
    out, at = [], 0
    for (start, end), new in sorted(changes.items()):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)
