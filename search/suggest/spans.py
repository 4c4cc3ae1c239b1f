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
from khabar.indexer.addresses import is_web_address

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
    """The words of ``text`` a correction may replace, in order, at most :data:`MOST_WORDS`."""
    places: list[Place] = []
    excluding = False  # the part after NOT or ANDNOT
    left_out = _excluded_brackets(text)
    for part in _PART.finditer(text):
        plain = part.group("plain")
        if plain in OPERATORS:
            excluding = plain in ("NOT", "ANDNOT")
            continue
        excluded, excluding = excluding or bool(part.group("minus")), False
        if excluded or any(start <= part.start() < end for start, end in left_out):
            continue
        if plain is not None and is_web_address(plain):
            continue  # a pasted address is searched as its words, but stays as pasted
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
    return _linked_across_spaces(text, places)[:MOST_WORDS]


# Words a suggestion may change: each costs hundreds of lookups, and a pasted paragraph is no typo.
MOST_WORDS = 8
# A bracket that is excluded whole: «-(…)», «NOT (…)», «ANDNOT (…)».
_EXCLUDED_BRACKET = re.compile(r'(?:(?<![^\s(])-|\b(?:NOT|ANDNOT)\s+)\(')


def _excluded_brackets(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` inside brackets that are excluded whole."""
    spans = []
    for opening in _EXCLUDED_BRACKET.finditer(text):
        depth, at = 0, opening.end() - 1
        for at in range(opening.end() - 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            if depth == 0:
                break
        spans.append((opening.end(), at + 1))
    return spans


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
