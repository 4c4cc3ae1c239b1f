"""Dates as Persian news writes them, converted to naive UTC datetimes.

The index stores naive UTC; Jalali day numbers (YYYYMMDD) are computed in
Tehran local time, because that is the day a Persian reader sees on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING

from .errors import InputError
from .persian.folding import LINE_FOLD_TABLE, MARKS

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import jdatetime

# jdatetime, zoneinfo and calendar (~12 ms of a search process's imports) are imported
# where a date is converted: a search shows the Jalali days the index stores.


@cache
def tehran() -> ZoneInfo:
    """Tehran's time zone (also ``TEHRAN``, loaded when first asked for)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Tehran")


def __getattr__(name: str):
    if name == "TEHRAN":
        return tehran()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# A numeric year below this is Jalali (Jalali years are ~621 behind Gregorian).
JALALI_YEAR_LIMIT = 1700

# The years of news: an article's date outside them is a broken date, not a
# day of news. Persian news began with Kaghaz-e Akhbar in 1837 (Jalali 1216),
# so the window opens at Jalali 1200 (21 March 1821) and closes a century
# after today's news, at the end of Jalali 1499 (20 March 2121). Its years
# are Jalali 1200-1499 or Gregorian 1821-2121, so no four-digit year can be
# read in the wrong calendar, and every date in it converts to and from Jalali.
NEWS_FIRST_JALALI_YEAR = 1200
NEWS_LAST_JALALI_YEAR = 1499
NEWS_START = date(1821, 3, 21)  # Jalali 1200/01/01 (tests/test_dates_lazy.py converts it)
NEWS_END = date(2121, 3, 21)  # Jalali 1500/01/01, not included
NEWS_YEARS = (
    f"Jalali {NEWS_FIRST_JALALI_YEAR}-{NEWS_LAST_JALALI_YEAR}, "
    f"{NEWS_START.isoformat()} to {(NEWS_END - timedelta(days=1)).isoformat()}"
)

MONTH_NAMES_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)
MONTH_NAMES_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)

# Spellings after letter folding (see _fold); Latin keys are lower-case.
_MONTHS: dict[str, int] = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5,
    "شهریور": 6, "مهر": 7, "ابان": 8, "اذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
    "farvardin": 1, "ordibehesht": 2, "khordad": 3, "tir": 4, "mordad": 5,
    "amordad": 5, "shahrivar": 6, "mehr": 7, "aban": 8, "azar": 9,
    "dey": 10, "dei": 10, "bahman": 11, "esfand": 12,
}

# Letters and digits folded as everywhere (Arabic-letter spellings such as دي and ك,
# madda and hamza forms, so "آبان" and "ابان" meet one key), ZWNJ and direction
# marks as spaces, harakat and tatweel dropped.
_FOLD = LINE_FOLD_TABLE | str.maketrans(dict.fromkeys(MARKS))

_MONTH_ALT = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
# "ماه" may follow a month name ("اسفندماه", "اسفند ماه"); jdatetime rejects it.
_MONTH_RE = rf"(?P<mname>{_MONTH_ALT})(?:\s*ماه)?"
_WEEKDAY_RE = re.compile(
    r"(?<![^\W\d_])(?:(?:یک|دو|سه|چهار|پنج)\s*شنبه|شنبه|جمعه"
    r"|(?:satur|sun|mon|tues|wednes|thurs|fri)day)(?![^\W\d_])",
    re.IGNORECASE,
)
# Words news sites put between date and time ("ساعت 08:54", "at").
_FILLER_RE = re.compile(r"(?<![^\W\d_])(?:ساعت|at)(?![^\W\d_])", re.IGNORECASE)
_TIME_RE = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d{1,6})\d*)?)?"
    # The offset must not run into a following date ("08:54-1401/12/27").
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?(?![\d/.\-]))?(?![\d:])",
    re.IGNORECASE,
)
_SEPARATORS = " \t\r\n,،؛;-–—|/"
_NUMERIC_RE = re.compile(r"(?P<y>\d{4})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})")
_NAMED_RE = re.compile(rf"(?P<d>\d{{1,2}})\s*{_MONTH_RE}\s*,?\s*(?P<y>\d{{4}})", re.IGNORECASE)
# Bounds may also be partial: "1401", "1401/12", "اسفند 1401".
_BOUND_YM_RE = re.compile(r"(?P<y>\d{4})(?:\s*[/.\-]\s*(?P<m>\d{1,2}))?(?:\s*[/.\-]\s*(?P<d>\d{1,2}))?")
_BOUND_NAMED_RE = re.compile(rf"(?:(?P<d>\d{{1,2}})\s*)?{_MONTH_RE}\s*,?\s*(?P<y>\d{{4}})", re.IGNORECASE)


class InvalidDate(InputError):
    """A date string that cannot be parsed or names a day that does not exist."""

    def __init__(self, text: str, reason: str | None = None) -> None:
        self.text = text
        self.reason = reason
        # Without a reason the single argument is the whole message.
        super().__init__(_show(text) if reason is None else f"{_show(text)}: {reason}")


class DateOutOfRange(InvalidDate):
    """A date that exists but lies outside the years of news (see NEWS_START, NEWS_END)."""

    def __init__(self, text: str) -> None:
        super().__init__(text, f"outside the years of news ({NEWS_YEARS})")


def _show(text: str) -> str:
    """The input as it goes into a one-line error message."""
    shown = " ".join(str(text).split())
    if not shown:
        return '""'
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _fold(text: str) -> str:
    """Latin digits, one spelling per letter, single spaces."""
    return " ".join(text.translate(_FOLD).split())


def _clean(text: str) -> str:
    """Folded text without weekday names, filler words and edge separators."""
    text = _FILLER_RE.sub(" ", _WEEKDAY_RE.sub(" ", _fold(text)))
    return text.strip(_SEPARATORS)


def _month_number(name: str) -> int:
    return _MONTHS[name.lower()]


def _is_jalali_leap(year: int) -> bool:
    import jdatetime

    return jdatetime.date(year, 1, 1).isleap()


def _jalali_month_days(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if _is_jalali_leap(year) else 29


def _check_jalali(text: str, year: int, month: int, day: int) -> date:
    """Validate a Jalali date and return its Gregorian date."""
    if not 1 <= year < JALALI_YEAR_LIMIT:
        raise InvalidDate(text, f"year {year} is out of range")
    if not 1 <= month <= 12:
        raise InvalidDate(text, f"month {month} does not exist")
    last = _jalali_month_days(year, month)
    if not 1 <= day <= last:
        name = MONTH_NAMES_EN[month - 1]
        if month == 12 and day == 30:
            reason = f"30 Esfand {year} does not exist ({year} is not a leap year)"
        elif day > 31 or day < 1:
            reason = f"day {day} does not exist"
        else:
            reason = f"{name} has only {last} days, so day {day} does not exist"
        raise InvalidDate(text, reason)
    import jdatetime

    try:
        return jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError) as exc:  # defensive: jdatetime has its own limits
        raise InvalidDate(text, f"not a valid Jalali date ({exc})") from None


def _check_gregorian(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise InvalidDate(text, f"month {month} does not exist")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate(text, f"day {day} does not exist in {year}-{month:02d}") from None


def _to_gregorian(text: str, year: int, month: int, day: int) -> date:
    """Year decides the calendar: below 1700 it is Jalali."""
    if year < JALALI_YEAR_LIMIT:
        return _check_jalali(text, year, month, day)
    return _check_gregorian(text, year, month, day)


def _offset(text: str, tz: str) -> timezone:
    if tz.upper() == "Z":
        return timezone.utc
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise InvalidDate(text, f"UTC offset {tz} does not exist")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(text: str) -> datetime:
    """Any date string Persian news uses -> naive UTC datetime.

    Raises InvalidDate, or its subclass DateOutOfRange for a day outside the
    years of news (``9999-12-31``, or ``0001-01-01`` read as Jalali year 1).
    """
    if not isinstance(text, str):
        raise InvalidDate(repr(text), "not a string")
    rest = _clean(text)
    if not rest:
        raise InvalidDate(text, "no date found")

    times = list(_TIME_RE.finditer(rest))
    if len(times) > 1:
        raise InvalidDate(text, "more than one time of day")
    hour = minute = second = micro = 0
    tzinfo: timezone | ZoneInfo = tehran()  # no offset written: Tehran local time
    if times:
        t = times[0]
        hour, minute = int(t["h"]), int(t["mi"])
        second = int(t["s"] or 0)
        micro = int((t["frac"] or "0").ljust(6, "0"))
        if hour > 23 or minute > 59 or second > 59:
            raise InvalidDate(text, f"time {t.group(0).strip()} does not exist")
        if t["tz"]:
            tzinfo = _offset(text, t["tz"])
        rest = rest[: t.start()] + " " + rest[t.end():]
        rest = rest.strip(_SEPARATORS)
        # ISO 8601 glues date and time with "T".
        if rest[-1:] in ("T", "t") and rest[-2:-1].isdigit():
            rest = rest[:-1]

    if m := _NUMERIC_RE.fullmatch(rest):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    elif m := _NAMED_RE.fullmatch(rest):
        year, month, day = int(m["y"]), _month_number(m["mname"]), int(m["d"])
        if year >= JALALI_YEAR_LIMIT:
            raise InvalidDate(text, f"Jalali month name with Gregorian year {year}")
    else:
        raise InvalidDate(text, "not a recognised date")

    if not (NEWS_START.year <= year <= NEWS_END.year if year >= JALALI_YEAR_LIMIT
            else NEWS_FIRST_JALALI_YEAR <= year <= NEWS_LAST_JALALI_YEAR):
        raise DateOutOfRange(text)  # before validation: jdatetime and datetime have limits of their own
    day_g = _to_gregorian(text, year, month, day)
    if not NEWS_START <= day_g < NEWS_END:
        raise DateOutOfRange(text)
    local = datetime(day_g.year, day_g.month, day_g.day, hour, minute, second, micro, tzinfo=tzinfo)
    try:
        return local.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise InvalidDate(text, "date is out of range") from None


def article_date(text: object) -> tuple[datetime | None, str]:
    """The date an article gives, as ``(date, "")``, or ``(None, problem)`` when it cannot be used.

    The problem is one line for the user ("date 9999-12-31 is outside the
    years of news (...); indexed undated"): a broken date is that article's
    problem, never a reason to stop reading it.
    """
    try:
        return parse_date(text), ""  # type: ignore[arg-type]  # non-strings are reported
    except InvalidDate as error:
        return None, date_problem(error)


def date_problem(error: InvalidDate) -> str:
    """The line that names an article's unusable date (see :func:`article_date`)."""
    if isinstance(error, DateOutOfRange):
        return f"date {_show(error.text)} is {error.reason}; indexed undated"
    return f"date '{_show(error.text)}' cannot be read ({error.reason}); indexed undated"


def _as_utc(moment_utc: datetime) -> datetime:
    """Naive input is UTC (as stored in the index); aware input is converted."""
    if moment_utc.tzinfo is None:
        return moment_utc.replace(tzinfo=timezone.utc)
    return moment_utc.astimezone(timezone.utc)


def _tehran_jalali(moment_utc: datetime) -> jdatetime.date:
    import jdatetime

    local = _as_utc(moment_utc).astimezone(tehran())
    return jdatetime.date.fromgregorian(date=local.date())


def jalali_day(moment_utc: datetime) -> int:
    """YYYYMMDD of the Jalali calendar day in Tehran local time, e.g. 14011224."""
    j = _tehran_jalali(moment_utc)
    return j.year * 10000 + j.month * 100 + j.day


def format_jalali(moment_utc: datetime) -> str:
    """'1401/12/24': the Jalali day in Tehran local time."""
    j = _tehran_jalali(moment_utc)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def format_jalali_day(day: int) -> str:
    """'1401/12/24' from the YYYYMMDD number :func:`jalali_day` gives."""
    return f"{day // 10000:04d}/{day // 100 % 100:02d}/{day % 100:02d}"


def format_iso_utc(moment_utc: datetime) -> str:
    """'2023-03-15T05:21:00Z' (seconds precision)."""
    return _as_utc(moment_utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_number(d: date) -> int:
    import jdatetime

    j = jdatetime.date.fromgregorian(date=d)
    return j.year * 10000 + j.month * 100 + j.day


def parse_jalali_bound(text: str, *, end: bool = False) -> int:
    """A --from/--to bound typed by a user -> YYYYMMDD Jalali day number (inclusive).

    A year or month alone means its first day, or its last day with end=True.
    A Gregorian year (>= 1700) is accepted and converted. Raises InvalidDate.
    """
    if not isinstance(text, str):
        raise InvalidDate(repr(text), "not a string")
    rest = _clean(text)
    if not rest:
        raise InvalidDate(text, "no date found")
    if m := _BOUND_YM_RE.fullmatch(rest):
        year = int(m["y"])
        month = int(m["m"]) if m["m"] else None
        day = int(m["d"]) if m["d"] else None
    elif m := _BOUND_NAMED_RE.fullmatch(rest):
        year, month = int(m["y"]), _month_number(m["mname"])
        day = int(m["d"]) if m["d"] else None
        if year >= JALALI_YEAR_LIMIT:
            raise InvalidDate(text, f"Jalali month name with Gregorian year {year}")
    else:
        raise InvalidDate(text, "not a recognised date (expected a Jalali or Gregorian date: "
                                "1401/12/27, 1401/12, 1401, ۲۷ اسفند ۱۴۰۱, esfand 1401, 2023-03-18, 2023)")

    gregorian = year >= JALALI_YEAR_LIMIT
    if month is None:
        month = 12 if end else 1
    if day is None:
        if not 1 <= month <= 12:
            raise InvalidDate(text, f"month {month} does not exist")
        if not end:
            day = 1
        elif gregorian:
            import calendar

            day = calendar.monthrange(year, month)[1]
        else:
            if not 1 <= year:
                raise InvalidDate(text, f"year {year} is out of range")
            day = _jalali_month_days(year, month)
    try:
        return _day_number(_to_gregorian(text, year, month, day))
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, InvalidDate):
            raise
        raise InvalidDate(text, "date is out of range") from None


# ---------------------------------------------------------------- dates inside running text

# What a page or a scraped text writes before its own publication date. Header
# dates ("امروز …", today's date) and comment dates have none of these before them.
_PUBLICATION_MARKERS = re.compile(
    r"(?:تاریخ|زمان)\s*(?:و\s*ساعت\s*)?(?:انتشار|مخابره|خبر|درج|ارسال|نشر|ثبت)"
    r"|انتشار\s*(?:یافته|خبر)?\s*(?:در)?\s*[:：]|منتشر\s*شده(?:\s*در)?|(?:کد|شناسه)\s*(?:خبر|مطلب)"
    r"|(?<![^\W\d_])تاریخ\s*[:：]|published(?:\s*on)?\s*[:：]?|date\s*[:：]",
    re.IGNORECASE,
)
_TODAY = re.compile(r"امروز|today", re.IGNORECASE)
_WINDOW = 90  # characters after a marker in which its date is looked for
_NUMERIC_IN_TEXT = re.compile(r"(?<![\d/.\-])\d{4}\s*([/.\-])\s*\d{1,2}\s*\1\s*\d{1,2}(?![\d/])")
_NAMED_IN_TEXT = re.compile(rf"(?<!\d)\d{{1,2}}\s*{_MONTH_RE}\s*,?\s*\d{{4}}(?!\d)", re.IGNORECASE)
_TIME_IN_TEXT = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
_TIME_REACH = 24  # how far from its date a time of day may stand


def dates_in(text: str) -> Iterator[datetime]:
    """The dates written in running text, in order, each with the time of day beside it.

    Jalali and Gregorian, numeric (``1399/08/12``, ``۱۴۰۲-۶-۴``) or with the
    month's name (``۱۲ آبان ۱۳۹۹``, Arabic letters too); a time within a few
    characters before or after belongs to it. Dates outside the years of news
    and days that do not exist are passed over.
    """
    return (found for _, found in _dates_at(_fold(text)))


def _dates_at(folded: str, start: int = 0) -> Iterator[tuple[int, datetime]]:
    """``(offset, date)`` for the dates of folded text that begin at ``start`` or later."""
    found = sorted([*_NUMERIC_IN_TEXT.finditer(folded, start), *_NAMED_IN_TEXT.finditer(folded, start)],
                   key=lambda m: m.start())
    times = list(_TIME_IN_TEXT.finditer(folded))
    for match in found:
        near = [t for t in times if -_TIME_REACH <= t.start() - match.end() <= _TIME_REACH
                or 0 <= match.start() - t.end() <= _TIME_REACH]
        near.sort(key=lambda t: min(abs(t.start() - match.end()), abs(match.start() - t.end())))
        for candidate in ([f"{match.group(0)} {near[0].group(0)}"] if near else []) + [match.group(0)]:
            try:
                yield match.start(), parse_date(candidate)
                break
            except InvalidDate:
                continue


def publication_date(text: str) -> datetime | None:
    """The date a publication line in ``text`` gives ("تاریخ انتشار: ۱۲ آبان ۱۳۹۹ - ۱۰:۳۰",
    "کد خبر: 123 | ۱۳۹۹/۰۸/۱۲"), or None.

    Only a date that follows a publication marker within a short reach
    counts: a header's "today" and the dates of readers' comments have no
    such marker, and are not taken.
    """
    folded = _fold(text)
    for marker in _PUBLICATION_MARKERS.finditer(folded):
        window = folded[marker.end(): marker.end() + _WINDOW]
        before = folded[max(0, marker.start() - 20): marker.start()]
        if _TODAY.search(before) or _TODAY.search(window[:30]):
            continue
        # The window ends where another marker starts (its date is its own).
        if (following := _PUBLICATION_MARKERS.search(window)) and not following.group(0).startswith(("کد", "شناسه")):
            window = window[: following.start()]
        # A little of the text before the marker comes along: the time may stand
        # there ("ساعت: 16:26 ــ تاریخ: 1398/12/17"); the date itself must follow the marker.
        reach = max(0, marker.start() - _TIME_REACH - 6)
        for _, found in _dates_at(folded[reach: marker.end() + len(window)], marker.end() - reach):
            return found
        if marker.group(0).startswith(("کد", "شناسه")):
            # "یکشنبه 3 بهمن 1395 - 22:23:21 | کد مطلب: 359598": the line's date may come first.
            for found in dates_in(folded[max(0, marker.start() - 50): marker.start()]):
                return found
    return None
