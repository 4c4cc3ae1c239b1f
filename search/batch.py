"""Many searches in one process: ``khabar search --stdin``.

One query a line in, one record a query out, in input order, each yielded as
soon as it is known (the caller writes and flushes it before the next line is
read), so that a script can hold a conversation with one process: the index
is opened once (:mod:`search.searchers`) and every lookup after the first costs
only its search. A line that is not a valid query gives a record with its
error and the lines after it go on; anything else (no index, a failing disk)
ends the run as a single search would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from khabar.indexer.errors import InputError
from khabar.indexer.safe_text import clean_text, input_lines
from khabar.search.coverage import Coverage, coverage
from khabar.search.engine import SearchResults, search
from khabar.search.query.dates import jalali_range
from khabar.search.render.formats import (SEARCH_FIELDS, delimited, json_document, result_record, results_chunks,
                                          results_head, results_json, results_record)
from khabar.search.render.terminal import Style

# tsv/csv: one row per hit, led by its query; a query without hits or with an
# error still has one row, so that every input line shows in the output.
BATCH_FIELDS = ("query", "total", "total_relation", "stories", "stories_relation", "error", "rank", *SEARCH_FIELDS)


@dataclass(slots=True)
class Answer:
    """One input line's outcome: its results (counts with ``--by``), or the error that stopped it."""
    query: str
    results: SearchResults | Coverage | None = None
    error: str | None = None

    @property
    def found(self) -> bool:
        return self.results is not None and self.results.total > 0

    def as_dict(self) -> dict:
        """The record of ``search --json`` (``query``, ``total``, ``page``, ``limit``, ``results``)
        or ``{query, error}``."""
        if self.results is None:
            return {"query": self.query, "error": self.error}
        return results_record(self.results)


def search_lines(index_dir: Path, lines: Iterable[str], *, date_from: str | None = None,
                 date_to: str | None = None, **options) -> Iterator[Answer]:
    """An :class:`Answer` per query line of ``lines``, in order, each as soon as it is known.

    ``options`` are :func:`search.engine.search`'s (limit, page, sort, marks,
    expand, collapse), the same for every line. A bad ``date_from``/``date_to`` raises
    before any line is read (it is the command's error, not a line's); a line
    that is not a valid query becomes an answer with its ``error``.
    """
    jalali_range(date_from, date_to)  # raises InvalidDate now, not once per line
    for query in input_lines(lines):
        try:
            results = search(index_dir, query, date_from=date_from, date_to=date_to, **options)
        except InputError as error:
            yield Answer(query, error=str(error))
        else:
            yield Answer(query, results)


def coverage_lines(index_dir: Path, lines: Iterable[str], *, by: str, date_from: str | None = None,
                   date_to: str | None = None) -> Iterator[Answer]:
    """:func:`search_lines` for ``search --stdin --by``: each answer's results are the
    line's :class:`search.coverage.Coverage` counts."""
    jalali_range(date_from, date_to)  # raises InvalidDate now, not once per line
    for query in input_lines(lines):
        try:
            counted = coverage(index_dir, query, by=by, date_from=date_from, date_to=date_to)
        except InputError as error:
            yield Answer(query, error=str(error))
        else:
            yield Answer(query, counted)


def answer_chunks(answers: Iterable[Answer], fmt: str, style: Style, *, first_rank: int = 1) -> Iterator[str]:
    """The output of each answer as soon as it comes, in any format.

    json and jsonl: one JSON line per query (``search --json``'s record, or
    ``{query, error}``); table: each query's table under its query; tsv and csv:
    one header, then a row per hit led by its query, total and rank (a query
    with no hit or an error has one row without hit fields).
    """
    if fmt in ("json", "jsonl"):
        for answer in answers:
            yield results_json(answer.results) if answer.results is not None else json_document(answer.as_dict())
    elif fmt == "table":
        for answer in answers:
            # The line as typed reaches the terminal: cleaned as article text is.
            yield style.finish(style.bold(f"» {clean_text(answer.query)}"))
            if answer.results is None:
                yield style.finish(f"error: {clean_text(answer.error)}") + "\n"
            else:
                yield from results_chunks(answer.results, fmt, style, first_rank=first_rank)
    else:
        header = True
        for answer in answers:
            rows = _rows(answer, first_rank)
            lines = delimited(rows, BATCH_FIELDS, fmt)
            head = next(lines)
            if header:
                yield head
                header = False
            yield from lines


def _rows(answer: Answer, first_rank: int) -> list[dict]:
    if answer.results is None:
        return [{"query": answer.query, "error": answer.error}]
    head = results_head(answer.results)
    lead = {name: head.get(name) for name in ("query", "total", "total_relation", "stories", "stories_relation")}
    if not answer.results.hits:
        return [lead]
    return [lead | {"rank": rank} | result_record(hit, flat=True)
            for rank, hit in enumerate(answer.results.hits, start=first_rank)]
