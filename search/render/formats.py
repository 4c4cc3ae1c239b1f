"""Rendering records for a terminal or for programs, in every output format.

Machine formats (json, jsonl, tsv, csv) carry the same field names everywhere;
the terminal view (table) is the only one with colour or bidi reordering.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

from khabar.search.engine import SearchResults
from khabar.indexer.safe_text import clean_text, json_safe
from khabar.search.render.terminal import BOLD, DIM, MATCH, RESET, Style

__all__ = ["BOLD", "DIM", "MATCH", "RESET", "FORMATS", "RESULT_FIELDS", "Counted", "cell", "delimited",
           "json_document", "jsonl_line", "results_chunks", "results_json", "results_table", "suggestion_line"]

FORMATS = ("table", "json", "jsonl", "tsv", "csv")
# The fields of one result, in the order of ``search --json`` and of tsv/csv columns.
RESULT_FIELDS = ("id", "url", "title", "source", "date", "jalali_date", "keywords", "score", "snippet")
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


def results_json(results: SearchResults) -> str:
    return json_document(
        {"query": results.query, "total": results.total, "results": [hit.as_dict() for hit in results.hits]}
        | ({"suggestion": results.suggestion} if results.suggestion else {})
    )


def results_chunks(results: SearchResults, fmt: str, style: Style, first_rank: int = 1) -> Iterator[str]:
    """``search`` output in any format."""
    if fmt == "json":
        yield results_json(results)
    elif fmt == "table":
        yield style.finish(results_table(results, color=style.color, first_rank=first_rank))
    else:
        yield from machine_chunks((hit.as_dict() for hit in results.hits), fmt, RESULT_FIELDS, list)


def results_table(results: SearchResults, *, color: bool, first_rank: int = 1) -> str:
    """Numbered hits: title, then date · source · URL, then the snippet."""
    bold, dim, reset = (BOLD, DIM, RESET) if color else ("", "", "")
    lines: list[str] = []
    for rank, hit in enumerate(results.hits, start=first_rank):
        lines.append(f"{bold}{rank}. {clean_text(hit.title) or '(untitled)'}{reset}")
        meta = " · ".join(clean_text(part) for part in (hit.jalali_date or "no date", hit.source, hit.url) if part)
        lines.append(f"   {dim}{meta}{reset}")
        if hit.snippet:
            lines.append(f"   {hit.snippet}")
        lines.append("")
    shown = f"{first_rank}–{first_rank + len(results.hits) - 1}" if results.hits else "none"
    lines.append(f"{dim}{results.total} found, showing {shown}{reset}")
    if results.suggestion:
        lines.append(suggestion_line(results.suggestion, bold=bold, reset=reset))
    return "\n".join(lines)


def suggestion_line(suggestion: str, *, bold: str = "", reset: str = "") -> str:
    """The table view's did-you-mean line, printed with the "N found" footer."""
    return f"did you mean: {bold}{clean_text(suggestion)}{reset}"
