"""Rendering records for a terminal or for programs, in every output format.

Machine formats (json, jsonl, tsv, csv) carry the same field names everywhere;
the terminal view (table) is the only one with colour or bidi reordering.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

from khabar.search.engine import Hit, SearchResults, StreamedHits
from khabar.indexer.safe_text import clean_text, json_safe
from khabar.search.render.terminal import BOLD, DIM, MATCH, RESET, Style
from khabar.search.render.wrap import display_width, shorten

__all__ = ["BOLD", "DIM", "MATCH", "RESET", "FORMATS", "RESULT_FIELDS", "SEARCH_FIELDS", "Counted", "Aside", "cell",
           "also_in", "delimited", "hit_details", "json_document", "jsonl_line", "result_record", "results_chunks",
           "results_footer", "results_head", "results_json", "results_record", "results_table",
           "streamed_results_json", "suggestion_line", "for_excel", "EXCEL_BOM", "EXCEL_LINE_END"]

FORMATS = ("table", "json", "jsonl", "tsv", "csv")
# The fields of one result, in the order of ``search --json`` and of tsv/csv columns.
RESULT_FIELDS = ("id", "url", "title", "source", "date", "jalali_date", "keywords", "score", "snippet")
# A search result adds the story's other copies (search/collapse.py); in tsv/csv, their ids space-separated.
SEARCH_FIELDS = (*RESULT_FIELDS, "duplicates")
# Joins list values (an article's keywords) inside one tsv/csv cell.
LIST_SEPARATOR = ", "

T = TypeVar("T")


def json_document(value: object) -> str:
    """Persian as it is (not escaped), but every control character escaped and no lone surrogate."""
    return json_safe(json.dumps(value, ensure_ascii=False))


def jsonl_line(record: dict) -> str:
    return json_document(record)


def cell(value: object) -> str:
    """One tsv/csv cell: no control characters, tabs or line breaks; lists joined."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(cell(item) for item in value)
    return clean_text(str(value)).strip()


def delimited(rows: Iterable[dict], columns: Sequence[str], fmt: str) -> Iterator[str]:
    """A header line, then one line per row, as tsv or csv (lines without their newline).

    Cells hold no tabs or line breaks (:func:`cell`), so a tsv line is its cells
    joined by tabs, and a csv line quotes only a cell with a comma or a quote,
    as ``csv.writer`` does; built directly, a huge cell (an article's body) is
    copied once, where the csv module buffers it four bytes a character, twice.
    """
    separator, quoted = ("\t", str) if fmt == "tsv" else (",", _csv_field)
    yield separator.join(quoted(column) for column in columns)
    for row in rows:
        yield separator.join(quoted(cell(row.get(column))) for column in columns)


def _csv_field(value: str) -> str:
    """One csv field as ``csv.writer`` writes it by default (QUOTE_MINIMAL), for a cell without line breaks."""
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def machine_chunks(rows: Iterable[dict], fmt: str, columns: Sequence[str],
                   document: Callable[[list[dict]], object]) -> Iterator[str]:
    """Rows as jsonl lines, tsv/csv lines, or (collected) one json document."""
    if fmt == "json":
        yield json_document(document(list(rows)))
    elif fmt == "jsonl":
        yield from (jsonl_line(row) for row in rows)
    else:
        yield from delimited(rows, columns, fmt)


class Counted(Generic[T]):
    """Passes items through, remembering whether any of them counted as found (for the exit status)."""

    def __init__(self, items: Iterable[T], found: Callable[[T], bool]) -> None:
        self._items = items
        self._found = found
        self.any = False

    def __iter__(self) -> Iterator[T]:
        for item in self._items:
            self.any = self.any or self._found(item)
            yield item


def result_record(hit: Hit, *, flat: bool = False) -> dict:
    """One search result: :meth:`Hit.as_dict` and its ``duplicates``, records
    (``id``, ``url``, ``source``, ``jalali_date``), or their ids space-separated when ``flat`` (tsv/csv)."""
    copies = " ".join(copy["id"] for copy in hit.duplicates) if flat else hit.duplicates
    return hit.as_dict() | {"duplicates": copies}


def results_head(results: SearchResults) -> dict:
    """A search record's keys before its results: ``total`` counts articles, ``total_relation``
    says whether exactly ("eq") or at least ("gte", counting stopped there), ``stories`` the
    stories they make (null when not collapsed), ``stories_relation`` likewise ("gte": of the best
    matches only); ``limit`` is null for every match (``--limit 0``); ``suggestion``, a corrected
    query, only when there is one (search.suggest)."""
    return {"query": results.query, "total": results.total, "total_relation": results.total_relation,
            "stories": results.stories, "stories_relation": results.stories_relation if results.stories is not None
            else None, "page": results.page,
            "limit": results.limit} | ({"suggestion": results.suggestion} if results.suggestion else {})


def results_record(results: SearchResults) -> dict:
    """``search --json``'s record: :func:`results_head` and the ``results``."""
    return results_head(results) | {"results": [result_record(hit) for hit in results.hits]}


def results_json(results: SearchResults) -> str:
    return json_document(results_record(results))


def streamed_results_json(results: SearchResults) -> Iterator[str]:
    """:func:`results_json`'s document in lines, each written as soon as its hit is made:
    the head, a result a line, the close (line breaks are whitespace to JSON)."""
    head = json_document(results_head(results) | {"results": []})
    yield head.removesuffix("]}")
    held: str | None = None
    for hit in results.hits:
        if held is not None:
            yield held + ","
        held = json_document(result_record(hit))
    if held is not None:
        yield held
    yield "]}"


# Excel takes a csv or tsv file for the local code page unless it starts with
# a byte-order mark (Persian then reads «Ø³Ù‡Ø§Ù…»), and ends rows with CRLF.
EXCEL_BOM = "\ufeff"
EXCEL_LINE_END = "\r\n"


def for_excel(lines: Iterable[str]) -> Iterator[str]:
    """csv or tsv lines (without line ends) for Excel: the first led by :data:`EXCEL_BOM`."""
    for number, line in enumerate(lines):
        yield EXCEL_BOM + line if number == 0 else line


class Aside(str):
    """A line for the person at the terminal beside the data (a search's footer): the CLI
    writes it to stderr, as ripgrep does its ``--stats``, so that stdout holds only results."""


def results_chunks(results: SearchResults, fmt: str, style: Style, first_rank: int = 1) -> Iterator[str]:
    """``search`` output in any format; the table view ends with its footer as an :class:`Aside`."""
    if fmt == "json" and isinstance(results.hits, StreamedHits):
        yield from streamed_results_json(results)
    elif fmt == "json":
        yield results_json(results)
    elif fmt == "table":
        yield from results_table(results, style, first_rank=first_rank)
        # Its did-you-mean line is Persian: wrapped and reordered as the table is.
        yield Aside(style.finish(results_footer(results, first_rank=first_rank)))
    else:
        yield from machine_chunks((result_record(hit, flat=fmt in ("tsv", "csv")) for hit in results.hits), fmt,
                                  SEARCH_FIELDS, list)


def also_in(hit: Hit) -> list[str]:
    """The table view's line naming where else the story was published ("also in: تابناک، روزنو"), if anywhere."""
    sources = dict.fromkeys(clean_text(copy["source"]) for copy in hit.duplicates if copy["source"])
    return [f"also in: {'، '.join(sources)}"] if sources else []


def results_table(results: SearchResults, style: Style, *, first_rank: int = 1) -> Iterator[str]:
    """Numbered hits: title, then date · source · URL (and the id when it is not the URL), then
    the snippet, each wrapped to the style's width under the title's indent. A chunk a hit,
    made as it comes, so that ``--all`` (:class:`StreamedHits`) writes as it goes."""
    for rank, hit in enumerate(results.hits, start=first_rank):
        marker = f"{rank}. "
        indent = " " * len(marker)
        lines = [style.row(style.bold(marker), style.bold(clean_text(hit.title) or "(untitled)"))]
        lines += hit_details(hit, style, indent)
        lines += [style.row(indent, style.dim(line)) for line in also_in(hit)]
        if hit.snippet:
            lines.append(style.row(indent, hit.snippet))
        yield "\n".join(lines) + "\n"  # the blank line between hits


def results_footer(results: SearchResults, *, first_rank: int = 1) -> str:
    """"N found, showing 1–10" (and a did-you-mean line): for people, after the table (the CLI
    writes it to stderr)."""
    shown = f"{first_rank}–{first_rank + len(results.hits) - 1}" if results.hits else "none"
    total = f"more than {results.total}" if results.total_relation == "gte" else str(results.total)
    exact = results.stories_relation == "eq" and results.total_relation == "eq"
    found = (f"{'' if results.stories_relation == 'eq' else 'at least '}{results.stories} "
             f"{'story' if results.stories == 1 else 'stories'}, {total} articles"
             if results.stories is not None and not (exact and results.stories == results.total) else total)
    footer = f"{found} found, showing {shown}"
    return f"{footer}\n{suggestion_line(results.suggestion)}" if results.suggestion else footer


def suggestion_line(suggestion: str) -> str:
    """The did-you-mean line, printed under the "N found" footer."""
    return f"did you mean: {clean_text(suggestion)}"


# Columns a URL keeps beside the date and source before it gets a line of its own.
URL_MIN_COLUMNS = 24


def hit_details(hit: Hit, style: Style, indent: str) -> list[str]:
    """A hit's date · source · URL line, the URL shortened with an ellipsis to fit the width,
    and its id when that is not its URL (what ``khabar show`` takes), whole."""
    meta = " · ".join(clean_text(part) for part in (hit.jalali_date or "no date", hit.source) if part)
    url = clean_text(hit.url)
    lines = []
    if url and style.width is not None and display_width(f"{indent}{meta} · {url}") > style.width:
        room = style.width - display_width(f"{indent}{meta} · ")
        if room >= URL_MIN_COLUMNS:
            lines.append(style.row(indent, style.dim(f"{meta} · {shorten(url, room)}")))
        else:
            lines.append(style.row(indent, style.dim(meta)))
            lines.append(style.row(indent, style.dim(shorten(url, style.width - display_width(indent)))))
    else:
        lines.append(style.row(indent, style.dim(" · ".join(part for part in (meta, url) if part))))
    if hit.id != hit.url:
        lines.append(style.row(indent, style.dim(f"id: {clean_text(hit.id)}"), as_one_word=True))
    return lines
