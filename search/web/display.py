"""What a Persian reader sees: display forms only, never what goes into a query or the API.

Digits become Persian (۱۴۰۱) only here, on the way into a page; dates, numbers and
parameters stay in Latin digits everywhere else, as the CLI and the JSON API give them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

import jdatetime
from markupsafe import Markup, escape

from khabar.indexer.dates import MONTH_NAMES_FA as MONTHS_FA, TEHRAN
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# What the web app asks the snippet builder to put around a matched word. Snippet text
# is cleaned of every C0 control, so these two can only be the builder's own marks.
MARK_START, MARK_END = "\x02", "\x03"


def fa_digits(value: object) -> str:
    """``value`` as text with Latin digits written as Persian digits (for display only)."""
    return str(value).translate(_PERSIAN_DIGITS)


def fa_number(value: int) -> str:
    """A count in Persian digits with the Persian thousands separator: ۱۲٬۳۴۵."""
    return fa_digits(f"{value:,}").replace(",", "٬")


def _parts(jalali: str) -> tuple[int, ...]:
    return tuple(int(part) for part in jalali.split("/"))


def jalali_long(jalali: str | None) -> str:
    """'1401/12/24' → '۲۴ اسفند ۱۴۰۱'; '' for no date."""
    if not jalali:
        return ""
    year, month, day = _parts(jalali)
    return fa_digits(f"{day} {MONTHS_FA[month - 1]} {year}")


def jalali_short(jalali: str | None) -> str:
    """'1401/12/24' → '۱۴۰۱/۱۲/۲۴'; '' for no date."""
    return fa_digits(jalali) if jalali else ""


def month_label(month: str) -> str:
    """'1401/12' → 'اسفند ۱۴۰۱'; a year alone ('1401') → '۱۴۰۱'."""
    if "/" not in month:
        return fa_digits(month)
    year, number = _parts(month)
    return fa_digits(f"{MONTHS_FA[number - 1]} {year}")


def jalali_moment(iso: str | None) -> str:
    """An ISO 8601 UTC moment as its Jalali day and time in Tehran: '۱۰ آذر ۱۴۰۵، ساعت ۱۳:۱۵'."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = jdatetime.datetime.fromgregorian(datetime=moment.astimezone(TEHRAN))
    return fa_digits(f"{local.day} {MONTHS_FA[local.month - 1]} {local.year}، ساعت {local.hour:02d}:{local.minute:02d}")


def size(size_bytes: int) -> str:
    """A size on disk in Persian: '۳٫۶ مگابایت'."""
    value, unit = float(size_bytes), "بایت"
    for unit in ("بایت", "کیلوبایت", "مگابایت", "گیگابایت"):
        if value < 1024 or unit == "گیگابایت":
            break
        value /= 1024
    shown = f"{value:.0f}" if unit == "بایت" else f"{value:.1f}"
    return f"{fa_digits(shown).replace('.', '٫')} {unit}"


def gregorian(jalali: str | None) -> str:
    """The Gregorian date of a Jalali day, '1401/12/24' → '2023-03-15' (the same day in
    Tehran, which is what ``jalali_date`` names); '' for no date."""
    if not jalali:
        return ""
    year, month, day = _parts(jalali)
    return jdatetime.date(year, month, day).togregorian().isoformat()


def link_url(url: str | None) -> str | None:
    """``url`` when it may be a link (http or https with a host), else None: no
    ``javascript:``, ``data:`` or relative URL from an article ever becomes an href."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(char.isspace() or ord(char) < 0x20 for char in url):
        return None
    return url


def snippet_html(snippet: str) -> Markup:
    """A snippet built with :data:`MARK_START`/:data:`MARK_END` as markup: the text escaped,
    each matched word in ``<mark>``."""
    html = str(escape(snippet))
    opened = False
    out: list[str] = []
    for char in html:
        if char == MARK_START and not opened:
            out.append("<mark>")
            opened = True
        elif char == MARK_END and opened:
            out.append("</mark>")
            opened = False
        elif char not in (MARK_START, MARK_END):
            out.append(char)
    if opened:
        out.append("</mark>")
    return Markup("".join(out))


def plain_snippet(snippet: str) -> str:
    """A snippet built with the web marks, without them (what the CLI's JSON carries)."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")
