"""What some sites' addresses and collections' ids say about a date.

FarsNews numbers its news by the Jalali day: ``8501260044`` is the 44th item
of 1385/01/26 (ten digits, ``YYMMDDNNNN``, until 1390), ``13911222000865``
the 865th of 1391/12/22 (fourteen, ``YYYYMMDDNNNNNN``, since); the agency began
in 1382, so a ten-digit id below ``82…`` names no day. Hamshahri2's
``HAM2-750403-NNN`` is 1375/04/03. These dates are a day, without a time:
the readers use them only when a record gives no date of its own.
"""

from __future__ import annotations

import re
from datetime import datetime

from khabar.indexer.dates import InvalidDate, parse_date

__all__ = ["date_from_url", "farsnews_date", "hamshahri_date", "host_name"]

_FARSNEWS = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)*farsnews\.(?:ir|com)/(?:[a-z]+/)*?"
                       r"(?:news|photo|media|printable\.php\?nn=)/?(\d{10}|\d{14})(?!\d)", re.IGNORECASE)
# FarsNews began in 1382: an id of ten digits that starts lower names no day (6010060837).
_FARSNEWS_FIRST_YEAR = 1382
_HAMSHAHRI_ID = re.compile(r"^HAM2-(\d{2})(\d{2})(\d{2})-\d+$", re.IGNORECASE)


def _jalali_day(year: int, month: int, day: int) -> datetime | None:
    try:
        return parse_date(f"{year:04d}/{month:02d}/{day:02d}")
    except InvalidDate:
        return None


def farsnews_date(news_id: str) -> datetime | None:
    """The Jalali day a FarsNews id encodes (``8501260044`` -> 1385/01/26), or None."""
    if len(news_id) == 10 and news_id.isdigit() and _FARSNEWS_FIRST_YEAR - 1300 <= int(news_id[:2]):
        return _jalali_day(1300 + int(news_id[:2]), int(news_id[2:4]), int(news_id[4:6]))
    if len(news_id) == 14 and news_id.isdigit() and news_id.startswith(("13", "14")):
        return _jalali_day(int(news_id[:4]), int(news_id[4:6]), int(news_id[6:8]))
    return None


def date_from_url(url: str) -> datetime | None:
    """The day a news address encodes (FarsNews), or None."""
    if not url or "farsnews" not in url.lower():
        return None
    match = _FARSNEWS.match(url.strip())
    return farsnews_date(match.group(1)) if match else None


def hamshahri_date(doc_id: str) -> datetime | None:
    """The Jalali day of a Hamshahri2 id (``HAM2-750403-NNN`` -> 1375/04/03), or None."""
    match = _HAMSHAHRI_ID.match(doc_id.strip())
    if not match:
        return None
    yy, mm, dd = (int(part) for part in match.groups())
    return _jalali_day(1300 + yy, mm, dd)


def host_name(url: str) -> str:
    """The site of a web address without ``www.`` (``https://www.isna.ir/x`` -> ``isna.ir``), or ``""``."""
    match = re.match(r"^\s*(?:https?:)?//([^/:?#\s]+)", url or "", re.IGNORECASE)
    if not match:
        return ""
    host = match.group(1).lower()
    return host[4:] if host.startswith("www.") else host
