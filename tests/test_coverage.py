"""Coverage over time (``search --by month|year|source``): counts against brute force, zeros, formats, --stdin."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.query import Term

from conftest import REPO, shared_corpus, write_articles
from render_checks import first_strong
from khabar import cli
from khabar.indexer.schema import ALL, JALALI_DAY, KEYWORD_LIST, SOURCE, TAGS, is_jalali_day
from khabar.indexer.store import open_for_search
from khabar.indexer.update import update_index
from khabar.search.batch import coverage_lines
from khabar.search.coverage import Coverage, CoverageError, coverage, matching, month_key, year_key
from khabar.search.engine import search
from khabar.search.query.dates import jalali_range
from khabar.search.query.parse import parse_query
from khabar.search.scoring import dense
from khabar.search.scoring.plan import fast_query
from khabar.search.scoring.sparse import matched, ranked
from khabar.search.searchers import shared_searcher
from khabar.search.render.coverage import FULL, MIN_BAR_WIDTH, PARTS, coverage_chunks, display_width, key_label
from khabar.search.render.terminal import Style, to_visual

KEY_OF_HIT = {
    "month": lambda hit: hit.jalali_date[:7] or None,
    "year": lambda hit: hit.jalali_date[:4] or None,
    "source": lambda hit: hit.source or None,
}


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory) -> Path:
    """FarsNews 1382-1400 (dates from the links) and Varzesh3 (undated): 800 real articles."""
    corpus = shared_corpus("farsnews-varzesh3/exploring-datasets")
    folder = tmp_path_factory.mktemp("coverage")
    news = folder / "news"
    news.mkdir()
    for part in ("news/fars-news-1.json", "sports/varzesh3-1.json"):
        (news / Path(part).name).write_bytes((corpus / part).read_bytes())
    update_index(folder / "ix", [news])
    return folder / "ix"


def hit_counts(index_dir: Path, query: str, by: str, **dates) -> Counter:
    """The engine's own matches (every ranked hit, each with its stored date and source), counted by key."""
    results = search(index_dir, query, limit=100_000, expand=False, **dates)
    assert len(results.hits) == results.total
    return Counter(KEY_OF_HIT[by](hit) for hit in results.hits)


def brute_force(index_dir: Path, words: list[str], excluded: list[str], by: str,
                date_from: str | None = None, date_to: str | None = None) -> Counter:
    """Every live article read whole: analysed as it was indexed, tested for any of ``words``
    and none of ``excluded``, kept when its stored day is inside the range, counted by key."""
    analyzer, articles = _read_whole(index_dir)
    terms = {text: {token.text for token in analyzer(text)} for text in [*words, *excluded]}
    assert all(len(found) == 1 for found in terms.values()), terms  # one indexed term per word
    wanted = set().union(*(terms[word] for word in words))
    unwanted = set().union(*(terms[word] for word in excluded)) if excluded else set()
    day_range = jalali_range(date_from, date_to)
    key_of = {"month": month_key, "year": year_key, "source": None}[by]
    counts: Counter = Counter()
    for tokens, day, source in articles:
        inside = day_range is None or (is_jalali_day(day) and (day_range.start or 0) <= day
                                       <= (day_range.end or 99_999_999))
        if tokens & wanted and not tokens & unwanted and inside:
            counts[key_of(day) if key_of else source or None] += 1
    return counts


_WHOLE: dict[Path, tuple] = {}


def _read_whole(index_dir: Path) -> tuple:
    """The index's analyser, and each live article's analysed words, stored day and source (read once)."""
    if index_dir not in _WHOLE:
        ix = open_for_search(index_dir)
        try:
            analyzer = ix.schema[ALL].analyzer
            articles = []
            with ix.searcher() as searcher:
                for stored in searcher.reader().all_stored_fields():
                    text = "\n".join(filter(None, (stored.get("title"), "\n".join(stored.get(KEYWORD_LIST) or []),
                                                   stored.get("body"))))
                    articles.append(({token.text for token in analyzer(text)}, stored.get(JALALI_DAY),
                                     stored.get(SOURCE)))
        finally:
            ix.close()
        _WHOLE[index_dir] = analyzer, articles
    return _WHOLE[index_dir]


def nonzero(counted: Coverage) -> Counter:
    return Counter({key: count for key, count in counted.counts if count})


def run(index_dir: Path, *arguments: str, stdin: str | None = None, columns: int = 80):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(
        cli.main, ["search", *arguments, "--index", str(index_dir)], input=stdin)


# --------------------------------------------------------------------------- exact counts

@pytest.mark.parametrize("words, excluded", [(["کرونا"], []), (["ایران"], []), (["تهران"], ["کرونا"]),
                                             (["بورس", "سهام"], [])])
@pytest.mark.parametrize("dates", [{}, {"date_from": "1398/12", "date_to": "1399/02"}, {"date_from": "1399"},
                                   {"date_to": "1398/12/15"}])
def test_month_counts_are_a_brute_force_count_and_add_up_to_the_total(bundled_index, words, excluded, dates):
    query = " ".join([*words, *(f"-{word}" for word in excluded)])
    counted = coverage(bundled_index, query, by="month", **dates)
    expected = brute_force(bundled_index, words, excluded, "month", **dates)
    assert expected, "a query that matches nothing in the range tests nothing"
    assert nonzero(counted) == expected
    assert sum(count for _, count in counted.counts) == counted.total == search(bundled_index, query, **dates).total


@pytest.mark.parametrize("query", ['"ستاد ملی مقابله با کرونا"', "title:کرونا OR keywords:ماسک", "کرونا AND تهران",
                                   '(بورس OR سهام) -"سهام عدالت"', "keywords:کرونا"])
@pytest.mark.parametrize("by", ["month", "year", "source"])
def test_phrases_fields_and_boolean_queries_count_the_engines_matches(bundled_index, query, by):
    counted = coverage(bundled_index, query, by=by, date_from="1398/11", date_to="1399/03")
    expected = hit_counts(bundled_index, query, by, date_from="1398/11", date_to="1399/03")
    assert expected and nonzero(counted) == expected
    assert counted.total == sum(expected.values())


@pytest.mark.parametrize("dense_from", [None, 1])  # as many postings as it takes: the sparse path, the numpy one
def test_counting_takes_the_path_ranking_takes(bundled_index, monkeypatch, dense_from):
    """Where ranking leaves the fast path for Whoosh (a field that is not scored), counting
    does too, and where it takes the numpy path, so does counting: one choice for both."""
    if dense_from:
        monkeypatch.setattr(dense, "DENSE_MIN_POSTINGS", dense_from)
    searcher = shared_searcher(bundled_index)
    tag = max(searcher.lexicon(TAGS), key=lambda term: searcher.doc_frequency(TAGS, term)).decode()
    unscored = Term(TAGS, tag)
    plan = fast_query(unscored, None)
    assert plan is not None and not searcher.schema[TAGS].scorable
    assert ranked(searcher, plan, 10) is None and matched(searcher, plan) is None
    assert sum(len(docs) for _, docs in matching(searcher, unscored, None)) == len(list(searcher.docs_for_query(unscored)))
    for query in ["کرونا", '"سهام عدالت" -بورس']:
        plan = fast_query(parse_query(query, searcher.schema), None)
        total, _ = ranked(searcher, plan, 10)
        assert total == sum(len(docs) for _, docs in matched(searcher, plan)) == coverage(bundled_index, query).total


def test_months_in_a_range_are_all_listed_with_zeros_in_order(bundled_index):
    counted = coverage(bundled_index, "کرونا", by="month", date_from="1398/06/15", date_to="1399/06")
    keys = [key for key, _ in counted.counts]
    assert keys == [f"1398/{m:02d}" for m in range(6, 13)] + [f"1399/{m:02d}" for m in range(1, 7)]
    counts = dict(counted.counts)
    assert counts["1398/06"] == 0 and counts["1399/06"] == 0 and counts["1398/12"] > 0
    assert counted.total == search(bundled_index, "کرونا", date_from="1398/06/15", date_to="1399/06").total


def test_without_a_range_months_run_from_the_first_match_to_the_last(bundled_index):
    counted = coverage(bundled_index, "کرونا", by="month")
    matched = [key for key, count in counted.counts if count]
    keys = [key for key, _ in counted.counts]
    assert keys[0] == min(matched) and keys[-1] == max(matched) and keys == sorted(keys)
    assert 0 in dict(counted.counts).values()  # a month between without a match is there, as 0
    assert len(keys) == len(set(keys))


def test_years_and_sources_with_undated_matches(mixed_index):
    by_year = coverage(mixed_index, "ایران", by="year")
    assert nonzero(by_year) == brute_force(mixed_index, ["ایران"], [], "year")
    keys = [key for key, _ in by_year.counts]
    assert keys[-1] is None and dict(by_year.counts)[None] > 0  # the undated (Varzesh3) count, last
    dated = keys[:-1]
    assert dated == [str(year) for year in range(int(dated[0]), int(dated[-1]) + 1)]  # every year, zeros too
    by_source = coverage(mixed_index, "ایران", by="source")
    assert nonzero(by_source) == brute_force(mixed_index, ["ایران"], [], "source")
    assert [count for _, count in by_source.counts] == sorted((count for _, count in by_source.counts), reverse=True)
    assert by_year.total == by_source.total == search(mixed_index, "ایران").total


def test_a_date_range_leaves_the_undated_out(mixed_index):
    counted = coverage(mixed_index, "ایران", by="year", date_from="1385", date_to="1390")
    assert [key for key, _ in counted.counts] == [str(year) for year in range(1385, 1391)]
    assert nonzero(counted) == brute_force(mixed_index, ["ایران"], [], "year", date_from="1385", date_to="1390")
    by_source = coverage(mixed_index, "ایران", by="source", date_from="1385", date_to="1390")
    assert None not in dict(by_source.counts) and by_source.total == counted.total


def test_nothing_matched(bundled_index):
    assert coverage(bundled_index, "ناموجودترینواژه", by="month").counts == []
    in_range = coverage(bundled_index, "ناموجودترینواژه", by="year", date_from="1398", date_to="1399")
    assert in_range.total == 0 and in_range.counts == [("1398", 0), ("1399", 0)]


def test_keys_and_a_bad_grouping():
    assert (month_key(13990305), year_key(13990305), month_key(0), year_key(None)) == ("1399/03", "1399", None, None)
    with pytest.raises(CoverageError):
        coverage(Path("/nonexistent"), "x", by="week")


# --------------------------------------------------------------------------- the command

def test_table_is_a_bar_chart_with_month_names_and_the_total(bundled_index):
    result = run(bundled_index, "کرونا", "--by", "month", "--from", "1398/10", "--to", "1399/04", columns=60)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    counted = coverage(bundled_index, "کرونا", by="month", date_from="1398/10", date_to="1399/04")
    assert lines[-1] == f"{counted.total} found"
    rows = lines[:-1]
    assert [row.split()[:2] for row in rows][:3] == [["1398/10", "دی"], ["1398/11", "بهمن"], ["1398/12", "اسفند"]]
    assert {display_width(row) for row in rows} == {59}  # every row as wide: columns line up either way
    bars = {key: row.rstrip().removeprefix(row.rstrip().rstrip(FULL + "".join(PARTS)))
            for (key, _), row in zip(counted.counts, rows)}
    top = max(count for _, count in counted.counts)
    widest = max(len(bar) for bar in bars.values())
    for key, count in counted.counts:
        cells = bars[key].count(FULL) + next((i / 8 for i, part in enumerate(PARTS) if part and part in bars[key]), 0)
        assert abs(cells - count * widest / top) <= 1 / 16 + 1e-9 or (count and cells == 1 / 8)
        assert (count == 0) == (bars[key] == "")


@pytest.mark.parametrize("columns", [20, 24, 30, 40])
@pytest.mark.parametrize("bidi", [[], ["--bidi"]])
def test_a_narrow_chart_keeps_each_row_on_one_line(bundled_index, monkeypatch, columns, bidi):
    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)  # --bidi is for a terminal only
    dates = {"date_from": "1398/10", "date_to": "1399/04"}
    result = run(bundled_index, "کرونا", "--by", "month", "--from", dates["date_from"], "--to", dates["date_to"],
                 "--color", "never", *bidi, columns=columns)
    counted = coverage(bundled_index, "کرونا", by="month", **dates)
    lines = result.stdout.splitlines()
    assert len(lines) == len(counted.counts) + 1 and lines[-1] == f"{counted.total} found"
    assert {display_width(row) for row in lines[:-1]} == {columns - 1}
    # Labels are shortened only where the bar would not fit beside them.
    widest = max(display_width(key_label(key, "month")) for key, _ in counted.counts)
    shortened = sum("…" in row for row in lines)
    assert (shortened > 0) == (widest + len(str(max(count for _, count in counted.counts))) + 4 + MIN_BAR_WIDTH
                               > columns - 1)


def test_table_of_undated_and_hostile_sources(tmp_path, mixed_index):
    result = run(mixed_index, "ایران", "--by", "year")
    assert "(no date)" in result.stdout and result.exit_code == 0
    body = next(line.split("\t", 1)[1] for line in
                (REPO / "corpus" / "ir-news" / "asriran_1_data_1013.txt").read_text(encoding="utf-8").splitlines()[2:])
    write_articles(tmp_path / "news" / "a.jsonl", [
        {"id": "h1", "title": "چین", "body": body, "source": "خبر\x1b[31m\u202eسرخ\x07", "date": "1399/03/05"},
        {"id": "h2", "title": "چین", "body": body, "date": "1399/03/06"}])
    update_index(tmp_path / "ix", [tmp_path / "news"])
    table = run(tmp_path / "ix", "چین", "--by", "source").stdout
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "(no source)" in table and "سرخ" in table
    record = json.loads(run(tmp_path / "ix", "چین", "--by", "source", "--json").stdout)
    assert record["by"][-1] == {"key": None, "count": 1}


def test_json_jsonl_and_delimited(bundled_index):
    counted = coverage(bundled_index, "کرونا", by="month", date_from="1398/11", date_to="1399/03")
    args = ["کرونا", "--by", "month", "--from", "1398/11", "--to", "1399/03"]
    for fmt in (["--json"], ["--format", "jsonl"]):
        lines = run(bundled_index, *args, *fmt).stdout.splitlines()
        assert len(lines) == 1
        assert json.loads(lines[0]) == {"query": "کرونا", "total": counted.total,
                                        "by": [{"key": key, "count": count} for key, count in counted.counts]}
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.reader(io.StringIO(run(bundled_index, *args, "--format", fmt).stdout), delimiter=delimiter))
        assert rows == [["key", "count"], *([key, str(count)] for key, count in counted.counts)]


def test_exit_status_and_options_that_cannot_apply(bundled_index):
    assert run(bundled_index, "ناموجودترینواژه", "--by", "month").exit_code == 1
    assert run(bundled_index, "ناموجودترینواژه", "--by", "year", "--from", "1398", "--to", "1399").exit_code == 1
    for extra in (["--limit", "5"], ["--page", "2"], ["--sort", "date"], ["--all"], ["--no-collapse"]):
        result = run(bundled_index, "کرونا", "--by", "month", *extra)
        assert result.exit_code == 2 and extra[0] in result.stderr and len(result.stderr.splitlines()) == 1
    assert run(bundled_index, "کرونا", "--by", "week").exit_code == 2
    assert run(bundled_index, "title:", "--by", "month").exit_code == 2
    assert run(bundled_index, "کرونا", "--by", "month", "--from", "1399/13").exit_code == 2


def test_stdin_gives_a_record_per_line_and_errors_per_line(bundled_index):
    stdin = "کرونا\n\ntitle:\nناموجودترینواژه\nایران -کرونا\n"
    result = run(bundled_index, "--stdin", "--by", "year", "--format", "jsonl", stdin=stdin)
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["query"] for record in got] == ["کرونا", "title:", "ناموجودترینواژه", "ایران -کرونا"]
    assert set(got[1]) == {"query", "error"} and got[2] == {"query": "ناموجودترینواژه", "total": 0, "by": []}
    for record in (got[0], got[3]):
        assert record == coverage(bundled_index, record["query"], by="year").as_dict()
    assert run(bundled_index, "--stdin", "--by", "month", stdin="ناموجودترینواژه\ntitle:\n").exit_code == 1


def test_stdin_answers_each_line_before_reading_the_next_and_checks_dates_first(bundled_index):
    read: list[str] = []

    def lines():
        for line in ("کرونا\n", "ایران\n"):
            read.append(line)
            yield line

    answers = coverage_lines(bundled_index, lines(), by="month")
    assert next(answers).results == coverage(bundled_index, "کرونا", by="month") and read == ["کرونا\n"]
    result = run(bundled_index, "--stdin", "--by", "month", "--from", "1399/13", stdin="کرونا\n")
    assert result.exit_code == 2 and result.stdout == "" and "1399/13" in result.stderr


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_stdin_delimited_rows_lead_with_the_query(bundled_index, fmt, delimiter):
    out = run(bundled_index, "--stdin", "--by", "source", "--format", fmt, "--from", "1399",
              stdin="کرونا\ntitle:\nناموجودترینواژه\n").stdout
    rows = list(csv.reader(io.StringIO(out), delimiter=delimiter))
    assert rows[0] == ["query", "total", "error", "key", "count"]
    counted = coverage(bundled_index, "کرونا", by="source", date_from="1399")
    assert rows[1:len(counted.counts) + 1] == [["کرونا", str(counted.total), "", key, str(count)]
                                               for key, count in counted.counts]
    assert [row[:3] for row in rows[len(counted.counts) + 1:]] == [["title:", "", rows[-2][2]],
                                                                   ["ناموجودترینواژه", "0", ""]]
    assert "title:" in rows[-2][2]


def test_stdin_table_shows_each_chart_under_its_query(bundled_index):
    out = run(bundled_index, "--stdin", "--by", "month", stdin="کرونا\ntitle:\n").stdout
    assert out.index("» کرونا") < out.index("اسفند") < out.index(" found") < out.index("» title:") < out.index("error:")


# Source names as the corpora have them: Persian (the bundled sample), Latin (FarsNews and
# Varzesh3's exports name the site), and an article without one.
SOURCES = [("عصر ایران", 106), ("varzesh3.com", 500), ("تابناک", 98), ("farsnews.ir", 300), (None, 3)]
VISUAL_ROW = re.compile(f"( *[{FULL}{''.join(PARTS)}]*)  ([0-9]+) +(.+)")


@pytest.mark.parametrize("by, counts", [
    ("month", [("1398/11", 8), ("1398/12", 39), ("1399/01", 21), ("1399/02", 0)]),
    ("source", SOURCES)])
def test_bidi_keeps_the_columns_in_line(by, counts):
    counted = Coverage("کرونا", sum(count for _, count in counts), by, counts)
    visual = "".join(coverage_chunks(counted, "table", Style(bidi=True), columns=50)).splitlines()
    assert visual[-1] == f"{counted.total} found"
    rows = [VISUAL_ROW.fullmatch(row) for row in visual[:-1]]
    assert all(rows), visual
    # Every row right to left, Latin labels too: the bar from the left, the counts in one
    # column, each label whole at the right edge, in its own order.
    assert len({display_width(row) for row in visual[:-1]}) == 1
    assert len({row.start(2) for row in rows}) == 1
    for row, (key, count) in zip(rows, counts):
        label = key_label(key, by)
        assert int(row.group(2)) == count
        assert to_visual(row.group(3), first_strong(label)) == label
