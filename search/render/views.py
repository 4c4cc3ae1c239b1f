"""Output of ``keywords``, ``show`` and ``stats`` in every format (see formats.py for ``search``).

Each function yields chunks of text, one line or block at a time, so that
``keywords --stdin`` writes each answer as soon as it has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from khabar.search.articles import ARTICLE_FIELDS, IndexStats, StoredArticle
from khabar.search.keywords import KeywordCount, KeywordResults, result_dict
from khabar.search.render.coverage import NO_KEY
from khabar.search.render.formats import RESULT_FIELDS, hit_details, jsonl_line, json_document, machine_chunks
from khabar.indexer.safe_text import clean_text, iter_clean_lines
from khabar.search.render.terminal import Style

# tsv/csv columns of ``keywords --stdin``: one row per keyword, its article ids space-separated.
PER_KEYWORD_FIELDS = ("keyword", "total", "ids")


def lookup_chunks(answers: Iterable[KeywordResults], fmt: str, style: Style, *,
                  per_keyword: bool = False) -> Iterator[str]:
    """Keyword lookups: a row per article, or with ``per_keyword`` (``--stdin``) a record per keyword."""
    if fmt == "table":
        yield from (_lookup_table(answer, style) for answer in answers)
    elif fmt == "json":
        yield json_document({"keywords": [answer.as_dict() for answer in answers]})
    elif per_keyword and fmt == "jsonl":
        yield from (jsonl_line(answer.as_dict()) for answer in answers)
    elif per_keyword:
        rows = ({"keyword": a.keyword, "total": a.total, "ids": " ".join(h.id for h in a.hits)} for a in answers)
        yield from machine_chunks(rows, fmt, PER_KEYWORD_FIELDS, list)
    else:
        rows = ({"keyword": answer.keyword} | result_dict(hit) for answer in answers for hit in answer.hits)
        yield from machine_chunks(rows, fmt, ("keyword", *RESULT_FIELDS), list)


def _lookup_table(answer: KeywordResults, style: Style) -> str:
    shown = f", newest {len(answer.hits)} shown" if answer.total > len(answer.hits) else ""
    lines = [style.row("", style.bold(f"{clean_text(answer.keyword)} — {answer.total} articles{shown}"))]
    for rank, hit in enumerate(answer.hits, start=1):
        lines.append(style.row(f"{rank:>3}. ", clean_text(hit.title) or "(untitled)"))
        lines += hit_details(hit, style, "     ")
    lines.append("")
    return "\n".join(lines)


def top_chunks(counts: list[KeywordCount], by: str | None, fmt: str, style: Style) -> Iterator[str]:
    """Keyword counts; with ``by``, each record also names its month or source."""
    if fmt == "table":
        yield _top_table(counts, by, style)
        return
    columns = (*((by,) if by else ()), "keyword", "count")
    rows = (count.as_dict(by) for count in counts)
    yield from machine_chunks(rows, fmt, columns, lambda records: {"by": by, "keywords": records})


def _top_table(counts: list[KeywordCount], by: str | None, style: Style) -> str:
    width = len(str(max((count.count for count in counts), default=0)))
    lines: list[str] = []
    group: object = ()  # no group yet
    for count in counts:
        if by and count.group != group:
            group = count.group
            lines.append(("" if not lines else "\n") + style.row("", style.bold(clean_text(group or NO_KEY[by]))))
        # The counts are a column of their own, left of the keyword however it is reordered.
        lines.append(style.row(f"{count.count:>{width + 2}}  ", clean_text(count.keyword)))
    return "\n".join(lines)



def article_chunks(article: StoredArticle, fmt: str, style: Style) -> Iterator[str]:
    """One article in full; the table view streams the body, a few paragraphs at a time."""
    if fmt == "table":
        yield _article_head(article, style)
        yield from _paragraph_chunks(article.body, style)
    else:
        yield from machine_chunks([article.as_dict()], fmt, ARTICLE_FIELDS, lambda records: records[0])


def _article_head(article: StoredArticle, style: Style) -> str:
    """Title, dates and source, URL and keywords, and the blank line before the body."""
    dates = " · ".join(part for part in (article.jalali_date, article.date) if part) or "no date"
    lines = [
        style.row("", style.bold(clean_text(article.title) or "(untitled)")),
        style.row("", style.dim(" · ".join(part for part in (dates, clean_text(article.source)) if part))),
    ]
    if article.url:  # whole (broken across lines when longer than one): here is where it is read in full
        lines.append(style.row("", style.dim(clean_text(article.url)), as_one_word=True))
    if article.keywords:
        lines.append(style.row("keywords: ", "، ".join(clean_text(keyword) for keyword in article.keywords)))
    lines.append("")
    return "\n".join(lines)


# Characters of body text per chunk of ``show``: a huge article is cleaned and
# written a piece at a time, never copied whole.
BODY_CHUNK_CHARS = 64 * 1024


def _paragraph_chunks(body: str, style: Style) -> Iterator[str]:
    """The body's cleaned paragraphs, each wrapped to the width, in chunks of at most about
    BODY_CHUNK_CHARS (a longer paragraph is broken into pieces of at most that many characters)."""
    batch: list[str] = []
    size = 0
    for line in iter_clean_lines(body, max_chars=BODY_CHUNK_CHARS):
        if batch and size + len(line) > BODY_CHUNK_CHARS:
            yield "\n".join(batch)
            batch, size = [], 0
        batch.append(style.row("", line))
        size += len(line) + 1
    if batch:
        yield "\n".join(batch)


def stats_chunks(stats: IndexStats, fmt: str, style: Style) -> Iterator[str]:
    """A description of the index; tsv/csv give one ``field, value`` row per fact and per source."""
    if fmt == "table":
        yield _stats_view(stats, style)
    elif fmt in ("json", "jsonl"):
        yield json_document(stats.as_dict())
    else:
        yield from machine_chunks(_stats_rows(stats), fmt, ("field", "value"), list)


def _stats_rows(stats: IndexStats) -> Iterator[dict]:
    for name, value in stats.as_dict().items():
        if name == "sources":
            yield from ({"field": f"source:{row['source'] or ''}", "value": row["count"]} for row in value)
        else:
            yield {"field": name, "value": value}


def _stats_view(stats: IndexStats, style: Style) -> str:
    span = f"{stats.first_jalali_date} – {stats.last_jalali_date}" if stats.first_jalali_date else "none"
    facts = [
        ("dates:", span),
        ("size on disk:", _size(stats.size_bytes)),
        ("schema version:", str(stats.schema_version)),
        ("last updated:", clean_text(stats.updated or "unknown")),  # read from a file in the index
    ]
    paths = [("index:", clean_text(stats.index)), *(("folder:", clean_text(root)) for root in stats.roots)]
    undated = f" ({stats.undated} undated)" if stats.undated else ""
    lines = [style.row("", style.bold(f"{stats.articles} articles") + undated)]
    # Labels and counts are columns of their own, laid out after the values are reordered.
    lines += [style.row(f"{label:<16}", value) for label, value in facts]
    lines += [style.row(f"{label:<16}", path, as_one_word=True) for label, path in paths]
    if stats.sources:
        width = len(str(stats.sources[0]["count"]))
        lines.append(style.row("", style.bold("sources")))
        lines += [style.row(f"  {row['count']:>{width}}  ", clean_text(row["source"] or "(no source)"))
                  for row in stats.sources]
    return "\n".join(lines)


def _size(size: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
