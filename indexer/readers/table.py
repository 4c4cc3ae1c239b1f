"""Reader for tables of articles: CSV (``.csv``) and tab-separated (``.tsv``, ``.tab``), streamed.

The first row must name the columns, by the alias table of ``fields.py``
(``title``, ``text``/``body``, ``date``, ``link``…) or the user's
``--field`` names: a table whose first row names no title or text column is
no table of articles (it is ignored, and the summary counts it). The
delimiter of a ``.csv`` is sniffed from its first rows (``,``, ``;``, tab or
``|``); quoted cells may hold line breaks and thousands of characters.

Each data row is an article (keys ``#1``, ``#2``… by row, header not
counted). A row whose cells are all empty is no record and is passed over;
a row with more or fewer cells than the header is broken (a quote left
open, a stray delimiter) and is a problem naming its row and line.
Scraped whitespace inside cells (line breaks, long indentation, no-break
spaces) is collapsed; ZWNJ is kept.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from khabar.indexer.article import NotAnArticle, UnreadableArticle
from khabar.indexer.encoding import stream_encoding
from khabar.indexer.readers.fields import ALIASES, RecordReader, norm
from khabar.indexer.readers.stream import Context, Item, article_items, guarded, text_stream

__all__ = ["read_table"]

# One cell may hold a long article (the csv module stops at 128 KB by default).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_TEXT_FIELDS = ("title", "body", "lead")


def read_table(stream, head: bytes, suffix: str, context: Context) -> Iterator[Item]:
    return guarded(_items(stream, head, suffix, context), empty="table has no articles", what="bad row")


class _Delimited(csv.excel):
    """Excel's quoting (``"`` quotes, ``""`` inside), with the delimiter the file uses."""


def _dialect(head: bytes, suffix: str) -> type[csv.Dialect]:
    """Excel's dialect with the delimiter of the header line: the one of ``,;\t|``
    that splits it into the most cells (a header has no quoted delimiters, as a rule)."""
    if suffix in (".tsv", ".tab"):
        return csv.excel_tab
    sample = head.decode(stream_encoding(head), errors="replace").lstrip("\ufeff")
    first = next(csv.reader([sample.split("\n", 1)[0]]), [])
    line = sample.split("\n", 1)[0]
    counts = {delimiter: line.count(delimiter) for delimiter in ",;\t|"}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[delimiter] == 0 or (len(first) > 1 and delimiter != ","
                                  and counts[delimiter] <= len(first) - 1):
        delimiter = ","
    return type("Dialect", (_Delimited,), {"delimiter": delimiter})


def _names_article(header: list[str], context: Context) -> bool:
    wanted = {norm(name) for target in _TEXT_FIELDS
              for name in (*context.fields.get(target, []), *ALIASES[target])}
    return any(norm(cell) in wanted for cell in header)


def _items(stream, head: bytes, suffix: str, context: Context) -> Iterator[Item]:
    dialect = _dialect(head, suffix)
    text = text_stream(stream, head, newline="")
    rows = csv.reader(text, dialect)
    try:
        header = next(rows)
    except StopIteration:
        raise UnreadableArticle("empty table") from None
    except csv.Error as error:
        raise UnreadableArticle(f"not a table: {error}") from None
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    if not _names_article(header, context):
        shown = ", ".join(cell for cell in header[:6] if cell) or "no names"
        raise NotAnArticle(f"its first row ({shown}) names no title or text column: not a table of "
                           f"articles (name one with --field body=COLUMN)", suffix)
    reader = RecordReader(context.fields)
    width = len(header)
    number = 0
    found = False
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            yield f"#{number}", f"row {number} (line {rows.line_num}): not read ({error})"
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank row
        number += 1
        label = f"row {number}"
        while len(row) > width and not row[-1].strip():
            row.pop()
        if len(row) != width:
            yield f"#{number}", f"{label} (line {rows.line_num}): {len(row)} cells where the header has {width}"
            continue
        record = dict(zip(header, row))
        if not any(value.strip() for key, value in record.items() if norm(key) not in ("", "unnamed0", "index")):
            continue  # only a row number
        try:
            article = reader.article(record)
        except UnreadableArticle as error:
            yield f"#{number}", f"{label} (line {rows.line_num}): {error}"
            continue
        found = True
        yield from article_items(f"#{number}", label, article)
    if found and (line := reader.unread_line()):
        yield "", line
