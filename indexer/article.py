"""The one shape every reader produces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .errors import KhabarError

# What separates keywords in every format: Latin, Arabic and Persian commas
# (، and ٬), semicolons (; and ؛). The index joins an article's tags with "," and
# splits them there again, so no keyword may keep a comma.
KEYWORD_SEPARATORS = ",،٬;؛"
_KEYWORD_SPLIT = re.compile(f"[{KEYWORD_SEPARATORS}]")


@dataclass(slots=True)
class Article:
    """One news article as read from a file, before analysis.

    ``date`` is a naive datetime in UTC (Whoosh drops offsets, so everything is
    normalised to UTC before it reaches the index). ``id`` is an explicit id
    from the source (JSON Lines ``id``); the indexer falls back to the URL and
    then to the file path. ``problems`` names, one line each, what the reader
    found in the article and could not use (a date outside the years of news):
    the article is indexed without it, and ``read_file`` reports the lines.
    """

    title: str
    body: str
    keywords: list[str] = field(default_factory=list)
    date: datetime | None = None
    source: str = ""
    url: str = ""
    id: str = ""
    problems: list[str] = field(default_factory=list)


class Note(str):
    """A reader's problem line that loses no article: a kept article's (its date
    could not be read: "…; indexed undated") or a file's ("fields not read: code").

    A problem line that is a plain ``str`` names a record left out: the indexer
    reports notes as notes, and counts only the others as skipped.
    """

    __slots__ = ()


def note_like(problem: str, text: str) -> str:
    """``text`` (``problem`` reworded) as the same kind of line: a note stays one."""
    return Note(text) if isinstance(problem, Note) else text


class UnreadableArticle(KhabarError):
    """A file that holds no readable article; the message says why, in one line."""


class NotAnArticle(UnreadableArticle):
    """A file that does not have the shape of an article file at all: notes, a licence,
    a table of something else. It is *ignored* (counted by ``kind``), not a problem.

    ``kind`` is the short name the summary counts it under (``"notes"``, ``".tsv"``),
    the message says why, in one line.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def split_keywords(*texts: str) -> list[str]:
    """An article's keywords from the strings a reader found (a whole keyword line, or list items).

    Each string is split on :data:`KEYWORD_SEPARATORS`; each keyword has its
    whitespace collapsed (ZWNJ and letters untouched); empty ones and repeats
    are dropped, the first spelling kept.
    """
    keywords: list[str] = []
    for text in texts:
        for part in _KEYWORD_SPLIT.split(text):
            keyword = " ".join(part.split())
            if keyword and keyword not in keywords:
                keywords.append(keyword)
    return keywords
