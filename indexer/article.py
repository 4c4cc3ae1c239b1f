"""The one shape every reader produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .errors import KhabarError


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


class UnreadableArticle(KhabarError):
    """A file that holds no readable article; the message says why, in one line."""
