"""Tests for indexer.dates: every date form Persian news uses, in three digit systems."""

from datetime import datetime, timedelta, timezone

import pytest

from khabar.indexer.dates import (
    NEWS_END,
    NEWS_START,
    DateOutOfRange,
    InvalidDate,
    article_date,
    format_iso_utc,
    format_jalali,
    format_jalali_day,
    jalali_day,
    parse_date,
    parse_jalali_bound,
)

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def digit_forms(cases):
    """Each (text, expected) case written with Latin, Persian and Arabic-Indic digits."""
    out = []
    for text, expected in cases:
        for name, table in (("latin", None), ("persian", PERSIAN), ("arabic", ARABIC)):
            written = text if table is None else text.translate(table)
            out.append(pytest.param(written, expected, id=f"{name}:{text}"))
    return out


# 1401/12/27 is 2023-03-18; midnight Tehran (+03:30 in 2023) is 20:30 UTC the day before.
MIDNIGHT_1401_12_27 = datetime(2023, 3, 17, 20, 30)

PARSE_CASES = [
    # Jalali numeric
    ("1401/12/27", MIDNIGHT_1401_12_27),
    ("1401-12-27", MIDNIGHT_1401_12_27),
    ("1401.12.27", MIDNIGHT_1401_12_27),
    ("1401 / 12 / 27", MIDNIGHT_1401_12_27),
    ("1402-6-4", datetime(2023, 8, 25, 20, 30)),
    ("1401/12/27 08:54", datetime(2023, 3, 18, 5, 24)),
    ("1401/12/27 08:54:38", datetime(2023, 3, 18, 5, 24, 38)),
    ("1401/12/27 - 08:54", datetime(2023, 3, 18, 5, 24)),
    ("08:54 - 1401/12/27", datetime(2023, 3, 18, 5, 24)),
    ("شنبه 1401/12/27", MIDNIGHT_1401_12_27),
    # Jalali with month names
    ("27 اسفند 1401", MIDNIGHT_1401_12_27),
    ("شنبه 27 اسفند 1401 - 08:54:38", datetime(2023, 3, 18, 5, 24, 38)),
    ("شنبه، 27 اسفند 1401، 08:54:38", datetime(2023, 3, 18, 5, 24, 38)),
    ("24 اسفند 1401 08:51", datetime(2023, 3, 15, 5, 21)),
    ("27 اسفندماه 1401", MIDNIGHT_1401_12_27),
    ("27 اسفند ماه 1401", MIDNIGHT_1401_12_27),
    ("27 اسفند 1401 ساعت 08:54", datetime(2023, 3, 18, 5, 24)),
    ("سه‌شنبه 2 دي 1401", datetime(2022, 12, 22, 20, 30)),
    ("سه شنبه 2 دی 1401", datetime(2022, 12, 22, 20, 30)),
    ("سه‌شنبه 2 دي‌ماه 1401", datetime(2022, 12, 22, 20, 30)),
    ("پنجشنبه 10 ارديبهشت 1402", datetime(2023, 4, 29, 20, 30)),
    ("10 اردیبهشت 1402", datetime(2023, 4, 29, 20, 30)),
    ("1 آبان 1402 10:00", datetime(2023, 10, 23, 6, 30)),
    ("1 ابان 1402 10:00", datetime(2023, 10, 23, 6, 30)),
    ("1 فروردين 1402", datetime(2023, 3, 20, 20, 30)),
    ("27 Esfand 1401", MIDNIGHT_1401_12_27),
    ("Saturday 27 esfand 1401 08:54", datetime(2023, 3, 18, 5, 24)),
    # ISO 8601 with offset -> UTC
    ("2023-03-15T08:51:00+03:30", datetime(2023, 3, 15, 5, 21)),
    ("2023-03-15T08:51:00+0330", datetime(2023, 3, 15, 5, 21)),
    ("2020-06-28T12:00:00Z", datetime(2020, 6, 28, 12, 0)),
    ("2020-06-28T12:00:00.250Z", datetime(2020, 6, 28, 12, 0, 0, 250000)),
    ("2020-06-28T12:00:00-02:00", datetime(2020, 6, 28, 14, 0)),
    # Gregorian without offset -> Tehran local (+03:30 in November 2019)
    ("2019-11-11 21:25:00", datetime(2019, 11, 11, 17, 55)),
    ("2019-11-11T21:25", datetime(2019, 11, 11, 17, 55)),
    ("2019-11-11", datetime(2019, 11, 10, 20, 30)),
    # Leap years: 30 Esfand exists in 1399 and 1403
    ("1403/12/30", datetime(2025, 3, 19, 20, 30)),
    ("1399/12/30", datetime(2021, 3, 19, 20, 30)),
    ("30 اسفند 1403", datetime(2025, 3, 19, 20, 30)),
    # Letters folded as the index folds them (folding.py): Urdu heh, swash kaf, Arabic yeh,
    # hamza and madda forms, harakat and tatweel.
    ("1 مھر 1401", datetime(2022, 9, 22, 20, 30)),
    ("1 دى 1401", datetime(2022, 12, 21, 20, 30)),
    ("1 اَبان 1401", datetime(2022, 10, 22, 20, 30)),
    ("1 أبان 1401", datetime(2022, 10, 22, 20, 30)),
    ("27 اسفـــند 1401", MIDNIGHT_1401_12_27),
    ("1401٫12٫27", MIDNIGHT_1401_12_27),
    ("1401/12/27\u200f08:54", datetime(2023, 3, 18, 5, 24)),
]


@pytest.mark.parametrize("text, expected", digit_forms(PARSE_CASES))
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_returns_naive():
    assert parse_date("2023-03-15T08:51:00+03:30").tzinfo is None


@pytest.mark.parametrize(
    "text, expected",
    [
        # Summer 2020: Iran still had DST, +04:30
        ("1399/04/08 12:00", datetime(2020, 6, 28, 7, 30)),
        ("2020-06-28 12:00", datetime(2020, 6, 28, 7, 30)),
        # Winter 2020: +03:30
        ("1399/10/08 12:00", datetime(2020, 12, 28, 8, 30)),
        # Summer 2023: DST abolished, +03:30
        ("1402/05/01 12:00", datetime(2023, 7, 23, 8, 30)),
        ("2023-07-23 12:00", datetime(2023, 7, 23, 8, 30)),
    ],
)
def test_parse_date_dst(text, expected):
    assert parse_date(text) == expected


def test_seed_article_lines():
    assert parse_date("شنبه 27 اسفند 1401 - 08:54:38") == datetime(2023, 3, 18, 5, 24, 38)
    published = parse_date("24 اسفند 1401 08:51")
    assert jalali_day(published) == 14011224
    assert format_jalali(published) == "1401/12/24"
    assert format_iso_utc(published) == "2023-03-15T05:21:00Z"


@pytest.mark.parametrize(
    "moment, day",
    [
        (datetime(2023, 3, 14, 20, 29), 14011223),  # 23:59 Tehran
        (datetime(2023, 3, 14, 20, 30), 14011224),  # 00:00 Tehran
        (datetime(2023, 3, 14, 21, 0), 14011224),  # 00:30 Tehran, still 14 March in UTC
        (datetime(2020, 6, 27, 19, 30), 13990408),  # 00:00 Tehran under DST (+04:30)
        (datetime(2020, 6, 27, 19, 29), 13990407),
        (datetime(2023, 3, 14, 21, 0, tzinfo=timezone.utc), 14011224),
        (datetime(2023, 3, 15, 0, 30, tzinfo=timezone(timedelta(hours=3, minutes=30))), 14011224),
    ],
)
def test_jalali_day_around_midnight(moment, day):
    assert jalali_day(moment) == day


@pytest.mark.parametrize(
    "moment, text",
    [
        (datetime(2023, 3, 14, 21, 0), "1401/12/24"),
        (datetime(2023, 3, 14, 20, 0), "1401/12/23"),
        (datetime(2022, 3, 21, 12, 0), "1401/01/01"),
    ],
)
def test_format_jalali(moment, text):
    assert format_jalali(moment) == text
    # Hits are labelled from the stored day number: both must agree.
    assert format_jalali_day(jalali_day(moment)) == text


@pytest.mark.parametrize(
    "moment, text",
    [
        (datetime(2023, 3, 15, 5, 21), "2023-03-15T05:21:00Z"),
        (datetime(2023, 3, 15, 5, 21, 7, 999999), "2023-03-15T05:21:07Z"),
        (datetime(2023, 3, 15, 8, 51, tzinfo=timezone(timedelta(hours=3, minutes=30))), "2023-03-15T05:21:00Z"),
    ],
)
def test_format_iso_utc(moment, text):
    assert format_iso_utc(moment) == text


BOUND_CASES = [
    # (text, end, expected)
    ("1401/12/01", False, 14011201),
    ("1401/12/01", True, 14011201),
    ("1401-12-1", False, 14011201),
    ("1401.12.01", True, 14011201),
    ("1401/12", False, 14011201),
    ("1401/12", True, 14011229),
    ("1403/12", True, 14031230),
    ("1399/12", True, 13991230),
    ("1401/07", True, 14010730),
    ("1401/06", True, 14010631),
    ("1401", False, 14010101),
    ("1401", True, 14011229),
    ("1403", True, 14031230),
    ("اسفند 1401", False, 14011201),
    ("اسفند 1401", True, 14011229),
    ("اسفندماه 1403", True, 14031230),
    ("دي 1401", True, 14011030),
    ("27 اسفند 1401", False, 14011227),
    ("27 اسفند 1401", True, 14011227),
    ("1403/12/30", True, 14031230),
    # A Gregorian bound is converted to the Jalali day it falls on.
    ("2023-03-18", False, 14011227),
    ("2023-03", True, 14020111),
]


@pytest.mark.parametrize(
    "text, end, expected",
    [
        pytest.param(t.translate(table) if table else t, end, expected, id=f"{name}:{t}:{end}")
        for t, end, expected in BOUND_CASES
        for name, table in (("latin", None), ("persian", PERSIAN), ("arabic", ARABIC))
    ],
)
def test_parse_jalali_bound(text, end, expected):
    assert parse_jalali_bound(text, end=end) == expected


INVALID_CASES = [
    ("1401/13/40", "month 13 does not exist"),
    ("1401/12/30", "30 Esfand 1401 does not exist (1401 is not a leap year)"),
    ("1402/12/30", "1402 is not a leap year"),
    ("30 اسفند 1401", "1401 is not a leap year"),
    ("1401/07/31", "day 31"),
    ("1401/01/32", "day 32"),
    ("1401/00/10", "month 0"),
    ("1401/01/00", "day 0"),
    ("2023-02-29", "day 29"),
    ("2023-13-01", "month 13"),
    ("1401/12/27 25:00", "time"),
    ("1401/12/27 08:61", "time"),
    ("2023-03-15T08:51:00+25:00", "offset"),
    ("27 اسفند 2023", "Gregorian year"),
    ("hello", "not a recognised date"),
    ("", "no date found"),
    ("   ", "no date found"),
    ("شنبه", "no date found"),
    ("1401/12", "not a recognised date"),
    ("27 فلان 1401", "not a recognised date"),
    ("08:54 09:10 1401/12/27", "more than one time"),
    ("1401/12/27 garbage", "not a recognised date"),
]


@pytest.mark.parametrize("text, reason", INVALID_CASES)
def test_parse_date_invalid(text, reason):
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    message = str(info.value)
    assert "\n" not in message
    assert reason in message
    assert message.startswith(" ".join(text.split()) or '""')


@pytest.mark.parametrize("text", ["۱۴۰۱/۱۳/۴۰", "٣٠ اسفند ١٤٠١", "1401/12/30\n08:00"])
def test_invalid_message_is_one_line_and_names_input(text):
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(" ".join(text.split()) + ": ")


def test_invalid_date_is_value_error():
    assert issubclass(InvalidDate, ValueError)


@pytest.mark.parametrize("text", [None, 20230315])
def test_parse_date_non_string(text):
    with pytest.raises(InvalidDate):
        parse_date(text)


BOUND_INVALID = [
    ("1401/13/40", False, "month 13 does not exist"),
    ("1401/13", True, "month 13 does not exist"),
    ("1401/12/30", False, "30 Esfand 1401 does not exist (1401 is not a leap year)"),
    ("۱۴۰۱/۱۲/۳۰", True, "1401 is not a leap year"),
    ("hello", False, "not a recognised date"),
    ("", False, "no date found"),
    ("0000", True, "out of range"),
    ("9999", True, "out of range"),
]


@pytest.mark.parametrize("text, end, reason", BOUND_INVALID)
def test_parse_jalali_bound_invalid(text, end, reason):
    with pytest.raises(InvalidDate) as info:
        parse_jalali_bound(text, end=end)
    message = str(info.value)
    assert "\n" not in message
    assert reason in message
    assert message.startswith(text or '""')


# --- the years of news ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "9999-12-31", "9999-12-31T23:59:59Z", "2121-03-21", "3000-01-01 10:00",
    "0001-01-01", "1000-01-01", "-0001-01-01", "0000-01-01", "1699/01/01", "1700-01-01", "1821-03-20",
    "1199/12/29", "1500/01/01", "۹۹۹۹-۱۲-۳۱", "1 فروردین 1500", "29 اسفند 1199",
])
def test_dates_outside_the_years_of_news(text):
    with pytest.raises(DateOutOfRange) as info:
        parse_date(text)
    assert str(info.value) == (
        f"{text}: outside the years of news (Jalali 1200-1499, 1821-03-21 to 2121-03-20)"
    )
    assert article_date(text) == (
        None, f"date {text} is outside the years of news (Jalali 1200-1499, 1821-03-21 to 2121-03-20); indexed undated"
    )


@pytest.mark.parametrize("text, day", [
    ("1200/01/01", 12000101), ("1821-03-21", 12000101), ("1 فروردین 1200", 12000101),
    ("1499/12/29", 14991229), ("2121-03-20", 14991229), ("2121-03-20T23:59:59+03:30", 14991229),
])
def test_the_edges_of_the_years_of_news(text, day):
    date, problem = article_date(text)
    assert problem == "" and jalali_day(date) == day
    assert NEWS_START.isoformat() == "1821-03-21" and NEWS_END.isoformat() == "2121-03-21"


def test_out_of_range_is_an_invalid_date():
    assert issubclass(DateOutOfRange, InvalidDate)


@pytest.mark.parametrize("value, problem", [
    ("31 اسفند 1401",
     "date '31 اسفند 1401' cannot be read (Esfand has only 29 days, so day 31 does not exist); indexed undated"),
    ("hello\nworld", "date 'hello world' cannot be read (not a recognised date); indexed undated"),
    (20230315, "date '20230315' cannot be read (not a string); indexed undated"),
])
def test_article_date_names_what_it_cannot_read(value, problem):
    assert article_date(value) == (None, problem)
