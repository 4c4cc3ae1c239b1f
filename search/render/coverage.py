"""Output of ``search --by month|year|source`` (:mod:`search.coverage`) in every format.

The table view draws a bar chart: one row per key — a month as ``1399/01 فروردین``,
a year, a source — with its count and a bar of block characters in eighths, scaled
so the largest count fills the terminal's width. Every row has the same columns,
each padded to its width (the bar too), so that the chart lines up whether a
terminal lays a row out left to right or, seeing Persian in it, right to left
(and with ``--bidi``, which draws every row of a chart with Persian labels right to
left, a row with a Latin label too: :func:`coverage_table`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from khabar.indexer.dates import MONTH_NAMES_FA
from khabar.indexer.safe_text import clean_text
from khabar.search.coverage import Coverage
from khabar.search.render.formats import delimited, json_document
from khabar.search.render.terminal import Style, base_direction
from khabar.search.render.wrap import display_width, shorten

if TYPE_CHECKING:
    from khabar.search.batch import Answer

# tsv/csv columns: a row per key; with --stdin each row is led by its query, and a
# query without any key (nothing matched) or with an error still has one row.
COVERAGE_FIELDS = ("key", "count")
BATCH_COVERAGE_FIELDS = ("query", "total", "error", *COVERAGE_FIELDS)
# Bars in eighths of a character cell: a count is drawn to 1/8 of a cell.
PARTS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
FULL = "█"
MIN_BAR_WIDTH = 10
NO_KEY = {"month": "(no date)", "year": "(no date)", "source": "(no source)"}


def coverage_chunks(counted: Coverage, fmt: str, style: Style, *, columns: int | None = None) -> Iterator[str]:
    """One query's counts: a chart (table), its record (json, jsonl), or ``key, count`` rows."""
    if fmt == "table":
        yield coverage_table(counted, style, columns=columns)
    elif fmt in ("json", "jsonl"):
        yield json_document(counted.as_dict())
    else:
        yield from delimited(({"key": key, "count": count} for key, count in counted.counts), COVERAGE_FIELDS, fmt)


def coverage_answer_chunks(answers: Iterable[Answer], fmt: str, style: Style, *,
                           columns: int | None = None) -> Iterator[str]:
    """``search --stdin --by``: each line's counts as soon as they come, or its error.

    json and jsonl: a record per line (``{query, total, by}`` or ``{query, error}``);
    table: each chart under its query; tsv and csv: one header, then rows led by
    the query and its total.
    """
    header = True
    for answer in answers:
        counted = answer.results
        if fmt in ("json", "jsonl"):
            yield json_document(counted.as_dict() if counted is not None else answer.as_dict())
        elif fmt == "table":
            yield style.finish(style.bold(f"» {clean_text(answer.query)}"))
            yield (f"error: {clean_text(answer.error or '')}\n" if counted is None
                   else coverage_table(counted, style, columns=columns) + "\n")
        else:
            lines = delimited(_batch_rows(answer), BATCH_COVERAGE_FIELDS, fmt)
            head = next(lines)
            if header:
                yield head
                header = False
            yield from lines


def _batch_rows(answer: Answer) -> list[dict]:
    counted = answer.results
    if counted is None:
        return [{"query": answer.query, "error": answer.error}]
    lead = {"query": answer.query, "total": counted.total}
    return [lead | {"key": key, "count": count} for key, count in counted.counts] or [lead]


def coverage_table(counted: Coverage, style: Style, *, columns: int | None = None) -> str:
    """The bar chart as the terminal shows it (:meth:`Style.finish`): label, count and bar per
    key, then the total.

    With bidi, a chart with a right-to-left label is drawn right to left, every row alike:
    bar, count, then the label reordered by itself. Reordering each row as a whole would
    leave a row with a Latin label ("varzesh3.com", "(no source)") left to right, its
    label and count run together, out of line with the Persian rows.
    """
    count_width = len(str(max((count for _, count in counted.counts), default=0)))
    columns = columns or style.width or shutil.get_terminal_size().columns
    # The last column is left free: a full line would wrap on some terminals. Where a bar
    # of MIN_BAR_WIDTH does not fit beside the labels, they are shortened: a row wrapped
    # would break the chart.
    room = columns - 1 - count_width - 4
    labels = [key_label(key, counted.by) for key, _ in counted.counts]
    label_width = min(max(map(display_width, labels), default=0), max(room - MIN_BAR_WIDTH, 1))
    labels = [shorten(label, label_width) for label in labels]
    bar_width = max(MIN_BAR_WIDTH, room - label_width)
    top = max((count for _, count in counted.counts), default=0)
    right_to_left = style.bidi and any(base_direction(label) == "R" for label in labels)
    lines = []
    for label, (_, count) in zip(labels, counted.counts):
        drawn = bar(count, top, bar_width)
        if right_to_left:
            margin = " " * (label_width - display_width(label))
            lines.append(style.row(f"{drawn[::-1]}  {count:<{count_width}}  {margin}", label))
        else:
            lines.append(style.finish(f"{pad(label, label_width)}  {count:>{count_width}}  {drawn}"))
    lines.append(style.finish(style.dim(f"{counted.total} found")))
    return "\n".join(lines)


def key_label(key: str | None, by: str) -> str:
    """What a row is called: '1399/01 فروردین' for a month, the year, the source's name (cleaned)."""
    if key is None:
        return NO_KEY[by]
    if by == "month":
        return f"{key} {MONTH_NAMES_FA[int(key[5:]) - 1]}"
    return clean_text(key)


def bar(count: int, top: int, width: int) -> str:
    """``count`` of ``top`` as block characters over ``width`` cells, padded to the width;
    any count above 0 shows at least an eighth."""
    if not top:
        return " " * width
    eighths = round(count * width * 8 / top)
    if count and not eighths:
        eighths = 1
    full, part = divmod(eighths, 8)
    drawn = FULL * full + PARTS[part]
    return drawn + " " * (width - len(drawn))


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
