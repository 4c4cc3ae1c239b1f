"""Reader for plain-text articles saved from a news site's print view.

The shape (every part may be missing)::

    پیام آذری                          source
    مدیر کل ...                         title
    شنبه 27 اسفند 1401 - 08:54:38       when the page was printed
    وزارت رفاه                          service / section
    <body paragraphs>
    24 اسفند 1401 08:51                 publication date (wins over the printed date)
    کد خبر : 302,746
    کلیدواژه ها: a,b,c
    نظرات بینندگان
    http://www.example.ir/...           the article's URL
    بستن   چاپ                          print-page chrome

The footer is found by walking back from the end over lines that look like
footer lines, so a body paragraph that happens to mention a date stays in the body.
"""

from __future__ import annotations

import re
from datetime import datetime

from khabar.indexer.article import Article, UnreadableArticle, split_keywords
from khabar.indexer.dates import DateOutOfRange, InvalidDate, date_problem, parse_date
from khabar.indexer.persian.folding import LINE_FOLD_TABLE

__all__ = ["has_prose", "read_printview"]

_MAX_DATE_LINE = 80
_MAX_HEADER_LINE = 60  # a source or service line is short
_MAX_SERVICE_WORDS = 6

_KEYWORDS_RE = re.compile(
    r"^(?:کلید\s*واژه|کلمات\s*کلیدی|واژه\s*های\s*کلیدی|برچسب|تگ|tags?|keywords?)"
    r"(?:\s*ها)?\s*[:：]\s*(?P<list>.*)$",
    re.IGNORECASE,
)
_NEWS_CODE_RE = re.compile(r"^(?:کد\s*خبر|شناسه\s*خبر|news\s*id)\s*[:：]?\s*[\d۰-۹٠-٩,٬،.\s]*$", re.IGNORECASE)
_URL_RE = re.compile(r"^(?:(?:لینک|آدرس|نشانی)\s*(?:خبر)?\s*[:：]\s*)?(?P<url>https?://\S+)$", re.IGNORECASE)
_CHROME_LINES = {
    "نظرات بینندگان", "نظرات", "نظر شما", "ارسال نظر", "نسخه چاپی", "ارسال به دوستان",
    "بازگشت", "بالای صفحه",
}
_CHROME_WORDS = {"بستن", "چاپ", "print", "close", "|", "-", "/"}
_SENTENCE_END = (".", "!", "?", "؟", "…", ":", "؛", "»", '"', "”")


_PROSE_WORDS = 3


def has_prose(text: str) -> bool:
    """True when some line of ``text`` reads as prose: three words or more of letters.

    An article has such lines; a list of ids, a table of numbers or a file of
    short labels has none, and is no article however it is laid out.
    """
    for line in text.splitlines():
        words = line.split()
        if len(words) >= _PROSE_WORDS and sum(1 for word in words if any(ch.isalpha() for ch in word)) >= _PROSE_WORDS:
            return True
    return False


def _fold(line: str) -> str:
    """One character for one character, so a match on the folded line slices the raw line."""
    return line.translate(LINE_FOLD_TABLE)


def _date_of(line: str) -> tuple[datetime | None, str] | None:
    """``(date, "")`` when the whole line is a date, else None.

    A date outside the years of news is still a date line (it marks the
    header or footer), as ``(None, problem)``.
    """
    if len(line) > _MAX_DATE_LINE or not any(ch.isdigit() for ch in line):
        return None
    try:
        return parse_date(line), ""
    except DateOutOfRange as error:
        return None, date_problem(error)
    except InvalidDate:
        return None


def _is_chrome(folded: str) -> bool:
    folded = " ".join(folded.split())
    if folded in _CHROME_LINES:
        return True
    words = folded.lower().split()
    return bool(words) and all(word in _CHROME_WORDS for word in words)


def _looks_like_label(line: str) -> bool:
    """A short line without sentence punctuation: a source or service name."""
    return (
        len(line) <= _MAX_HEADER_LINE
        and len(line.split()) <= _MAX_SERVICE_WORDS
        and not line.endswith(_SENTENCE_END)
    )


def read_printview(text: str) -> Article:
    """Read a print-view plain-text article (already decoded) into an :class:`Article`."""
    raw = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [" ".join(line.split()) for line in raw]
    lines = [line for line in lines if line]
    if not lines:
        raise UnreadableArticle("text file has no text")

    # Footer: the trailing run of footer-looking lines.
    keywords: list[str] = []
    url = ""
    published: datetime | None = None
    date_problems: list[str] = []
    end = len(lines)
    while end > 1:
        line = lines[end - 1]
        folded = _fold(line)
        if match := _KEYWORDS_RE.match(folded):
            keywords = split_keywords(line[match.start("list"):])
        elif match := _URL_RE.match(line):
            url = url or match["url"]
        elif _NEWS_CODE_RE.match(folded) or _is_chrome(folded):
            pass
        elif (found := _date_of(line)) is not None:
            date, problem = found
            published = published or date
            date_problems += [problem] if problem else []
        else:
            break
        end -= 1

    # Header: source, title, printed date, service; found by the printed date.
    source = ""
    printed: datetime | None = None
    head = lines[:end]
    date_at = next((i for i in range(min(4, len(head))) if _date_of(head[i]) is not None), None)
    if date_at is not None:
        printed, problem = _date_of(head[date_at]) or (None, "")
        date_problems += [problem] if problem else []
        before, after = head[:date_at], head[date_at + 1:]
        if len(before) >= 2:
            source, title = before[0], " ".join(before[1:])
        else:
            title = before[0] if before else ""
        if len(after) >= 2 and _looks_like_label(after[0]):
            after = after[1:]  # the service / section line
        body_lines = after
    elif len(head) >= 3 and _looks_like_label(head[0]) and not head[1].endswith((".", "…", "؛")):
        # No printed date: "source, title, body" only when line 2 reads like a title.
        source, title, body_lines = head[0], head[1], head[2:]
    else:
        title, body_lines = head[0], head[1:]

    body = "\n".join(body_lines)
    if not title and not body:
        raise UnreadableArticle("text file has no title or body")
    date = published or printed
    return Article(
        title=title,
        body=body,
        keywords=keywords,
        date=date,
        source=source,
        url=url,
        problems=date_problems[:1] if date is None else [],
    )
