"""Reader for Hamshahri2's plain-text documents (``.ham``): one document a file.

The shape of the course-distributed subset (``HamshahriCorpus/YEAR/HAM2-YYMMDD-NNN.ham``):
UTF-8 text, the headline on the first short line or lines, then the body.
The file's name is the document's id, ``HAM2-YYMMDD-NNN``, and names its
Jalali day (13YY/MM/DD), which is the article's date; the source is همشهری.
The XML distribution is read by ``xml_collections.py``.
"""

from __future__ import annotations

from pathlib import PurePath

from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.encoding import decode_text
from khabar.indexer.readers.sites import hamshahri_date
from khabar.indexer.readers.xml_collections import HAMSHAHRI_SOURCE

__all__ = ["read_ham"]

_TITLE_LINES_MAX = 3
_TITLE_LINE_MAX = 120


def headline_and_rest(text: str) -> tuple[str, list[str]]:
    """A Hamshahri document's headline (its first short line or lines) and the lines after it."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title_lines: list[str] = []
    rest = lines
    for i, line in enumerate(lines[:_TITLE_LINES_MAX]):
        stripped = line.strip()
        if not stripped or (title_lines and len(stripped) > _TITLE_LINE_MAX):
            rest = lines[i:]
            break
        title_lines.append(stripped)
        rest = lines[i + 1:]
    # Every line short (a caption, a table): only the first one is the headline.
    if title_lines and not any(len(line.strip()) > _TITLE_LINE_MAX for line in rest):
        rest = lines[1:]
        title_lines = title_lines[:1]
    title = " ".join(" ".join(title_lines).split())
    return title, rest


def read_ham(data: bytes, *, name: str = "") -> Article:
    """One ``.ham`` document; ``name`` is its file name (which holds its id)."""
    text = decode_text(data).lstrip("\ufeff")
    title, rest = headline_and_rest(text)
    body = "\n\n".join(" ".join(line.split()) for line in rest if line.strip())
    if not title and not body:
        raise UnreadableArticle("Hamshahri document has no text")
    doc_id = PurePath(name).stem if name else ""
    date = hamshahri_date(doc_id)
    return Article(title=title, body=body, date=date, source=HAMSHAHRI_SOURCE,
                   id=doc_id if date is not None else "")
