"""What a ``khabar search`` process imports: modules it has no use for are left out (each
costs milliseconds of every search), and what stands in for them says the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# The khabar command as bench/benchmark.py runs it; as it leaves (os._exit), the modules loaded.
COMMAND = """
import os, sys
leave = os._exit
def report(status):
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
    leave(status)
import json
os._exit = report
from khabar.cli import main
sys.exit(main())
"""

# Imported only where a date is converted (indexer/dates.py): a search shows stored days.
NOT_FOR_A_SEARCH = ("jdatetime", "zoneinfo")


def loaded_by_search(index_dir, *args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", COMMAND, "search", "--index", str(index_dir), *args],
                          capture_output=True, text=True, encoding="utf-8", env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_a_plain_search_imports_no_date_conversion(bundled_index):
    for args in (["کرونا", "--json"], ["سهام", "عدالت"]):
        loaded = loaded_by_search(bundled_index, *args)
        assert "khabar.search.engine" in loaded  # it did search
        assert not loaded & set(NOT_FOR_A_SEARCH), sorted(loaded & set(NOT_FOR_A_SEARCH))


def test_the_years_of_news_are_the_jalali_years():
    import jdatetime

    from khabar.indexer.dates import NEWS_END, NEWS_FIRST_JALALI_YEAR, NEWS_LAST_JALALI_YEAR, NEWS_START

    assert NEWS_START == jdatetime.date(NEWS_FIRST_JALALI_YEAR, 1, 1).togregorian()
    assert NEWS_END == jdatetime.date(NEWS_LAST_JALALI_YEAR + 1, 1, 1).togregorian()


def test_tehran_is_still_there_for_who_imports_it():
    from zoneinfo import ZoneInfo

    from khabar.indexer.dates import TEHRAN, parse_date, tehran

    assert TEHRAN is tehran() and TEHRAN == ZoneInfo("Asia/Tehran")
    assert parse_date("1399/01/05 12:30").isoformat() == "2020-03-24T08:00:00"  # Tehran's +04:30 that day
