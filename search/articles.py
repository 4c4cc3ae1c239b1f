"""Looking inside the index: one article in full, and a description of the whole index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from khabar.indexer.dates import format_iso_utc, format_jalali
from khabar.indexer.errors import EXIT_NOTHING_FOUND, KhabarError
from khabar.indexer.safe_text import without_surrogates
from khabar.indexer.schema import BODY, DATE, JALALI_DAY, KEYWORD_LIST, SOURCE, TITLE, URL, is_jalali_day
from khabar.indexer.store import IndexMeta, open_for_search
from khabar.indexer.addresses import is_web_address
from khabar.search.ids import matching_address, matching_path, path_forms

# Field order of ``show`` records (json keys, tsv/csv columns).
ARTICLE_FIELDS = ("id", "url", "title", "source", "date", "jalali_date", "keywords", "body")



class NoSuchArticle(KhabarError):
    """No article has the id ``show`` or ``similar`` was given (exit status 1: nothing found)."""

    exit_status = EXIT_NOTHING_FOUND

    def __init__(self, article_id: str) -> None:
        super().__init__(f"no article with id {article_id!r} (give a result's id, its URL, or the path of its file)")

@dataclass(slots=True)
class StoredArticle:
    """An article as the index gives it back for ``show``: dates formatted, keywords as written.

    Not :class:`khabar.indexer.article.Article`, which is what a reader makes of a file.
    """

    id: str
    url: str
    title: str
    source: str
    date: str | None  # ISO 8601 UTC
    jalali_date: str | None  # YYYY/MM/DD in Tehran
    keywords: list[str]
    body: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class IndexStats:
    index: str
    articles: int
    undated: int
    first_jalali_date: str | None
    last_jalali_date: str | None
    sources: list[dict] = field(default_factory=list)  # [{"source", "count"}], most articles first
    size_bytes: int = 0
    schema_version: int = 0
    updated: str | None = None  # ISO 8601 UTC of the last indexing run
    roots: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def find_article(index_dir: Path, article_id: str) -> StoredArticle | None:
    """The article ``article_id`` names, or None: its ``id`` as in search results, its web
    address in any form a browser gives it, or its file's path relative to the current
    folder (:mod:`search.ids`). Raises :class:`~khabar.search.ids.AmbiguousId` for an
    address that matches several articles and none exactly."""
    # An argument's undecodable bytes arrive as lone surrogates, which
    # Whoosh cannot encode as a term; no stored id holds one.
    wanted = without_surrogates(article_id.strip())
    ix = open_for_search(index_dir)
    try:
        with ix.searcher() as searcher:
            stored = _stored_named(searcher, wanted)
    finally:
        ix.close()
    if stored is None:
        return None
    moment: datetime | None = stored.get(DATE)
    return StoredArticle(
        id=stored["id"],
        url=stored.get(URL, ""),
        title=stored.get(TITLE, ""),
        source=stored.get(SOURCE, ""),
        date=format_iso_utc(moment) if moment else None,
        jalali_date=format_jalali(moment) if moment else None,
        keywords=list(stored.get(KEYWORD_LIST) or []),
        body=stored.get(BODY, ""),
    )


def _stored_named(searcher, wanted: str) -> dict | None:
    """The stored fields of the article ``wanted`` names (see :func:`find_article`), or None."""
    stored = searcher.document(id=wanted)
    if stored is not None:
        return stored
    # A relative path first: «news.com/x.html» may be a folder and a file.
    stored = next((stored for form in path_forms(wanted) if (stored := searcher.document(id=form)) is not None),
                  None)
    if stored is not None or not searcher.reader().doc_count():  # an empty index has no id column
        return stored
    reader = searcher.reader()
    column = reader.column_reader("id")

    def ids() -> Iterator[str]:
        return (column[doc] for doc in reader.all_doc_ids())

    # A URL in another form (a term lookup), or a path the indexer kept with «..» in it.
    found = matching_address(wanted, searcher) if is_web_address(wanted) else matching_path(wanted, ids())
    return searcher.document(id=found) if found else None


def index_stats(index_dir: Path) -> IndexStats:
    """Counts, Jalali date range and sources from the index's columns; size and history from disk."""
    ix = open_for_search(index_dir)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            live = list(reader.all_doc_ids())
            days: list[int] = []
            sources: Counter[str] = Counter()
            if live:  # an empty index has no columns to read
                days_column = reader.column_reader(JALALI_DAY)
                sources_column = reader.column_reader(SOURCE)
                days = [day for day in (days_column[doc] for doc in live) if is_jalali_day(day)]
                sources.update(sources_column[doc] or "" for doc in live)
    finally:
        ix.close()
    meta = IndexMeta.load(index_dir) or IndexMeta()
    return IndexStats(
        index=str(index_dir),
        articles=len(live),
        undated=len(live) - len(days),
        first_jalali_date=_jalali(min(days)) if days else None,
        last_jalali_date=_jalali(max(days)) if days else None,
        sources=[{"source": name or None, "count": count}
                 for name, count in sorted(sources.items(), key=lambda item: (-item[1], item[0]))],
        size_bytes=sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file()),
        schema_version=meta.schema_version,
        updated=meta.updated or None,
        roots=list(meta.roots),
    )


def _jalali(day: int) -> str:
    return f"{day // 10000:04d}/{day // 100 % 100:02d}/{day % 100:02d}"
