"""Bad input never stops an indexing run: each broken date, name or file is named, the rest indexed.

Issue 10, items 4-7 and 16, through the command that failed (``khabar index``),
``article_files`` and ``read_file``; then a fuzz of every reader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from khabar import cli
from khabar.indexer.article import Article, UnreadableArticle
from khabar.indexer.dates import jalali_day
from khabar.indexer.readers import read_file
from khabar.indexer.store import open_for_search
from khabar.indexer.walk import article_files

from conftest import FIXTURES, write_articles

TEXT = FIXTURES / "text"
WINDOW = "outside the years of news (Jalali 1200-1499, 1821-03-21 to 2121-03-20); indexed undated"


def index(tmp_path: Path, *paths: Path):
    """``khabar index`` in this process; the result of click's runner."""
    result = CliRunner().invoke(cli.main, ["index", "--index", str(tmp_path / "ix"), *map(str, paths)])
    assert "Traceback" not in result.output, result.output
    return result


def index_in_a_process(tmp_path: Path, *paths: Path) -> subprocess.CompletedProcess:
    """``khabar index`` as its own process, killed after a minute (a hang fails the test)."""
    run = [sys.executable, "-c", "from khabar.cli import main; main()",
           "index", "--index", str(tmp_path / "ix"), *map(str, paths)]
    return subprocess.run(run, capture_output=True, text=True, errors="replace", timeout=60)


def stats(tmp_path: Path) -> dict:
    result = CliRunner().invoke(cli.main, ["stats", "--index", str(tmp_path / "ix"), "--json"])
    return json.loads(result.stdout)


def seed_folder(tmp_path: Path) -> Path:
    """A folder with one good article (the print-view seed)."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "seed.txt").write_bytes((TEXT / "seed.txt").read_bytes())
    return folder


# --- item 4: dates outside the years of news -------------------------------------------------


PAGE = """<html><head><meta property="article:published_time" content="{date}">
<title>خبر آینده</title></head><body><article>
<p>این خبر تاریخی دارد که در سال‌های خبر نیست و باید بی تاریخ نمایه شود.</p></article></body></html>"""
IRNEWS = "tabnak_data###خبر آینده###https://www.tabnak.ir/1###[]###{date}###۱###['آینده']\n1\n1\tجمله نخست خبر.\n"


def test_dates_outside_the_years_of_news_are_named_and_indexed_undated(tmp_path):
    folder = seed_folder(tmp_path)
    write_articles(folder / "feed.jsonl", [
        {"title": "آینده", "body": "متن یک", "date": "9999-12-31", "url": "https://a.ir/1"},
        {"title": "سال یک", "body": "متن دو", "date": "0001-01-01", "url": "https://a.ir/2"},
        {"title": "سال هزار", "body": "متن سه", "date": "1000-01-01", "url": "https://a.ir/3"},
        {"title": "سال منفی", "body": "متن چهار", "date": "-0001-01-01", "url": "https://a.ir/4"},
        {"title": "امروز", "body": "متن پنج", "date": "1401/12/01", "url": "https://a.ir/5"},
    ])
    (folder / "page.html").write_text(PAGE.format(date="9999-12-31T23:59:00+00:00"), encoding="utf-8")
    (folder / "irnews.txt").write_text(IRNEWS.format(date="9999-12-31 23:59:59"), encoding="utf-8")

    result = index(tmp_path, folder)

    assert result.exit_code == 0, result.output
    for where, date in [("feed.jsonl: line 1", "9999-12-31"), ("feed.jsonl: line 2", "0001-01-01"),
                        ("feed.jsonl: line 3", "1000-01-01"), ("feed.jsonl: line 4", "-0001-01-01"),
                        ("page.html", "9999-12-31T23:59:00+00:00"), ("irnews.txt", "9999-12-31 23:59:59")]:
        assert f"{folder / where}: date {date} is {WINDOW}" in result.stderr
    assert "added 8" in result.stderr
    held = stats(tmp_path)
    assert (held["articles"], held["undated"]) == (8, 6)
    assert held["first_jalali_date"] == "1401/12/01" and held["last_jalali_date"] == "1401/12/24"


def test_printview_date_line_outside_the_years_of_news_is_named(tmp_path):
    text = (TEXT / "seed.txt").read_text(encoding="utf-8")
    text = text.replace("شنبه 27 اسفند 1401 - 08:54:38", "9999-12-31").replace("24 اسفند 1401 08:51", "0001/01/01")
    path = tmp_path / "printview.txt"
    path.write_text(text, encoding="utf-8")
    result = read_file(path)
    [(_, article)] = result.articles
    assert article.date is None and article.title.startswith("مدیر کل تعاون")
    assert "0001/01/01" not in article.body  # still read as the footer's date line
    assert result.problems == [f"date 0001/01/01 is {WINDOW}"]


# --- item 5: names that are not valid UTF-8 ----------------------------------------------------


def bad_name(folder: Path, raw: bytes) -> Path:
    """``folder / raw`` for a name that is not UTF-8 (Python holds its bytes as surrogates)."""
    path = folder / os.fsdecode(raw)
    try:
        path.touch()
        path.unlink()
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    return path


def test_names_that_are_not_utf8_are_named_and_the_rest_indexed(tmp_path):
    folder = seed_folder(tmp_path)
    write_articles(bad_name(folder, b"caf\xe9.jsonl"), [{"title": "یک", "body": "متن"}])
    inner = bad_name(folder, b"\xff\xfeold")
    write_articles(inner / "x.jsonl", [{"title": "دو", "body": "متن"}])

    result = index(tmp_path, folder)

    assert result.exit_code == 0, result.output
    assert "caf\ufffd.jsonl: file name caf\\xe9.jsonl is not valid UTF-8: rename it" in result.stderr
    assert "x.jsonl: folder name \\xff\\xfeold is not valid UTF-8: rename it" in result.stderr
    assert "added 1, updated 0, removed 0, skipped 2" in result.stderr


def test_a_name_that_is_not_utf8_among_hundreds_of_files(tmp_path):
    # 200 files and more are read and written by worker processes.
    folder = tmp_path / "news"
    for number in range(210):
        write_articles(folder / f"{number:03d}.jsonl",
                       [{"title": f"خبر {number}", "body": "متن خبر", "url": f"https://a.ir/{number}"}])
    write_articles(bad_name(folder, b"\xe9.jsonl"), [{"title": "بد", "body": "متن"}])
    result = index(tmp_path, folder)
    assert result.exit_code == 0, result.output
    assert "file name \\xe9.jsonl is not valid UTF-8: rename it" in result.stderr
    assert "added 210, updated 0, removed 0, skipped 1" in result.stderr


# --- item 6: only regular files are read -------------------------------------------------------


def fifo(folder: Path, name: str) -> Path:
    path = folder / name
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(path)
    return path


def test_a_named_pipe_is_named_and_never_opened(tmp_path):
    folder = seed_folder(tmp_path)
    pipe = fifo(folder, "y.txt")
    assert list(article_files([folder])) == [
        (folder / "seed.txt", None), (pipe, "not a regular file (a named pipe)"),
    ]
    assert list(article_files([pipe])) == [(pipe, "not a regular file (a named pipe)")]

    result = index_in_a_process(tmp_path, folder)
    assert result.returncode == 0, result.stderr
    assert f"skipped {pipe}: not a regular file (a named pipe)" in result.stderr
    assert "added 1, updated 0, removed 0, skipped 1" in result.stderr

    result = index_in_a_process(tmp_path, pipe)  # named on the command line
    assert result.returncode == 0, result.stderr
    assert f"skipped {pipe}: not a regular file (a named pipe)" in result.stderr


def test_read_file_does_not_wait_on_a_named_pipe(tmp_path):
    pipe = fifo(tmp_path, "y.html")

    def unblock() -> None:  # the old reader waited in open() for a writer: give it one, late
        with open(pipe, "wb"):
            pass

    rescue = threading.Timer(5, unblock)
    rescue.start()
    try:
        with pytest.raises(UnreadableArticle) as info:
            read_file(pipe)
    finally:
        rescue.cancel()
    assert str(info.value) == "not a regular file (a named pipe)"


# --- item 7: paths longer than the system allows -----------------------------------------------


def deep_folder(root: Path, depth: int = 18) -> tuple[Path, str]:
    """Folders nested past PATH_MAX (made one level at a time, relative to the one before)."""
    name = "x" * 240
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        article = json.dumps({"title": "ژرف", "body": "متن"}, ensure_ascii=False).encode()
        out = os.open("deep.jsonl", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, article + b"\n")
        os.close(out)
    finally:
        os.close(fd)
    return root.joinpath(*[name] * depth), name


def test_a_folder_deeper_than_the_system_allows_is_named(tmp_path):
    folder = seed_folder(tmp_path)
    deep, name = deep_folder(folder)
    limit = os.pathconf(folder, "PC_PATH_MAX")
    if len(os.fsencode(deep)) <= limit:
        pytest.skip(f"PATH_MAX is {limit} here")

    found = list(article_files([folder]))
    assert found[0] == (folder / "seed.txt", None)
    [(path, problem)] = found[1:]
    assert len(os.fsencode(path)) > limit and deep.is_relative_to(path)
    assert problem.startswith("folder not read: its path is ")
    assert problem.endswith(" bytes, longer than the system allows; its files are not indexed")

    result = index(tmp_path, folder)
    assert result.exit_code == 0, result.output
    assert f"skipped {path}: {problem}" in result.stderr
    assert "added 1, updated 0, removed 0, skipped 1" in result.stderr


# --- item 16: an unclosed <title>, ids that are not numbers ------------------------------------


def test_an_unclosed_title_ends_at_the_next_tag(tmp_path):
    paragraph = "این بند نخست خبر است که باید در متن خبر بیاید و در عنوان نیاید. " * 10
    page = tmp_path / "open-title.html"
    page.write_text(
        f"<html><head><title>عنوان خبر<meta charset='utf-8'></head><body>"
        f"<div class='news-text'><p>{paragraph}</p><p>بند دوم خبر.</p></div></body></html>",
        encoding="utf-8",
    )
    [(_, article)] = read_file(page).articles
    assert article.title == "عنوان خبر"
    assert article.body == paragraph.strip() + "\n\nبند دوم خبر."


def test_ids_nan_and_infinity_are_no_ids(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(
        '{"id": NaN, "title": "یک", "body": "متن"}\n{"id": Infinity, "title": "دو", "body": "متن"}\n'
        '{"id": -Infinity, "title": "سه", "body": "متن"}\n{"id": 1e999, "title": "چهار", "body": "متن"}\n'
        '{"id": 12, "title": "پنج", "body": "متن", "date": NaN}\n',
        encoding="utf-8",
    )
    result = read_file(folder / "feed.jsonl")
    assert [article.id for _, article in result.articles] == ["", "", "", "", "12"]
    assert result.problems == ["line 5: date 'nan' cannot be read (not a string); indexed undated"]

    run = index(tmp_path, folder)
    assert run.exit_code == 0, run.output
    assert "added 5, updated 0, removed 0, skipped 0 (" in run.stderr  # none taken for another's duplicate


def test_a_lone_surrogate_in_a_json_string_is_replaced(tmp_path):
    # Found by the fuzz below: "\ud800" is valid JSON, and the index writer could not encode it.
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(
        '{"title": "a\\ud800b", "body": "\\udcff", "keywords": ["k\\udfff"], "url": "https://a.ir/\\udb00"}\n'
        '{"title": "دو", "body": "متن"}\n', encoding="utf-8",
    )
    [(_, first), _] = read_file(folder / "feed.jsonl").articles
    assert (first.title, first.body, first.keywords, first.url) == ("a\ufffdb", "\ufffd", ["k\ufffd"], "https://a.ir/\ufffd")
    result = index(tmp_path, folder)
    assert result.exit_code == 0, result.output
    assert "added 2, updated 0, removed 0, skipped 0 (" in result.stderr


# --- every reader, fed garbage -----------------------------------------------------------------

# Each reader through read_file: random bytes, real fixtures cut short or with bytes
# overwritten, and text spliced from the pieces the readers look for. An article or
# UnreadableArticle is the only acceptable outcome; COUNTS tells the report how many were tried.

SUFFIXES = (".html", ".txt", ".jsonl")
SAMPLES = [path.read_bytes() for path in sorted(FIXTURES.rglob("*")) if path.is_file()] + [
    "\n".join(json.dumps(record, ensure_ascii=False) for record in [
        {"title": "خبر یک", "body": "متن", "keywords": ["الف", "ب،ج"], "date": "1401/12/24 08:51", "id": "a"},
        {"title": "خبر دو", "body": "متن", "keywords": "الف, ب؛ ج", "date": "2023-03-15T08:51:00+03:30"},
    ]).encode(),
]
PIECES = [
    "<title>", "</title>", "<p>", "</p>", "<h1>", "<time datetime='", "'>", "</time>", "<meta property='",
    "article:published_time", "article:tag", "' content='", "<meta name='keywords' content='",
    '<script type="application/ld+json">', '{"@type": "NewsArticle", "headline": "', '", "datePublished": "',
    '", "keywords": ["', '"]}', "</script>", "<!--", "-->", "<![CDATA[", "&#xd800;", "&amp;",
    "###", "nan", "[]", "['a', 'b,c']", "\n", "\r\n", "\t", "1\t", "کلیدواژه ها: ", "کد خبر : 302,746",
    "http://www.example.ir/1", '{"title": "', '", "body": "', '", "date": ', '"keywords": ', "NaN",
    "Infinity", "-Infinity", "1e999", '"\\ud800"', "}", "9999-12-31", "0001-01-01", "-0001-01-01",
    "1000-01-01", "1401/12/30", "۲۴ اسفند ۱۴۰۱ ۰۸:۵۱", "شنبه 27 اسفند 1401 - 08:54:38", "25:61",
    "+99:99", "\udcff", "ي", "ك", "\u200c", "\ufeff", "\u202e", "\x00", "\x1b[31m", ",", "،", "؛", ";", "٬", " ",
]


def _cut(sample: bytes, at: float) -> bytes:
    return sample[: int(len(sample) * at)]


def _overwrite(sample: bytes, changes: list[tuple[float, int]]) -> bytes:
    data = bytearray(sample)
    for at, value in changes:
        data[int(at * (len(data) - 1))] = value
    return bytes(data)


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


_words = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=6).map("".join)
_values = st.one_of(_words, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.lists(_words | st.integers(), max_size=5), st.dictionaries(_words, _words, max_size=2))
# JSON Lines records and IR-News headers of the right shape with hostile values.
_records = st.lists(st.builds(
    lambda record, ascii: json.dumps(record, ensure_ascii=ascii),  # ASCII: lone surrogates as \\udXXX
    st.dictionaries(st.sampled_from(["title", "body", "keywords", "date", "url", "source", "id"]), _values,
                    min_size=1),
    st.booleans(),
), min_size=1, max_size=4).map("\n".join)
_irnews = st.builds(
    lambda fields, body: "###".join(fields) + "\n" + body,
    st.lists(_words, min_size=7, max_size=7), _words,
)

bad_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(_encoded, _records | _irnews, st.just("utf-8")),
    st.builds(_cut, st.sampled_from(SAMPLES), st.floats(0, 1)),
    st.builds(_overwrite, st.sampled_from(SAMPLES),
              st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=30)),
    st.builds(_encoded, st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=80).map("".join),
              st.sampled_from(["utf-8", "cp1256", "utf-16"])),
)
COUNTS = {"tried": 0, "articles": 0, "unreadable": 0, "runs": 0, "runs completed": 0}


def check_read(suffix: str, data: bytes) -> None:
    """read_file gives sound articles or an UnreadableArticle; nothing else escapes."""
    COUNTS["tried"] += 1
    try:
        result = read_file(Path("fuzz" + suffix), data)
    except UnreadableArticle as error:
        COUNTS["unreadable"] += 1
        assert str(error) and "\n" not in str(error)
        return
    COUNTS["articles"] += 1
    assert result.articles
    for key, article in result.articles:
        assert isinstance(article, Article) and (article.title or article.body)
        assert "\n" not in article.title
        fields = [article.title, article.body, article.source, article.url, article.id, *article.keywords]
        for text in fields:
            assert isinstance(text, str)
            text.encode("utf-8")  # no lone surrogates: the index is UTF-8
        assert all(keyword and "," not in keyword for keyword in article.keywords)  # tags are comma-joined
        if article.date is not None:
            assert 12000101 <= jalali_day(article.date) <= 14991230
    assert all(problem and "\n" not in problem for problem in result.problems)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(SUFFIXES), data=bad_bytes)
# What broke a run before, always tried first.
@example(".jsonl", b'{"title": "\\ud800", "body": "\\udcff", "keywords": ["a\\udfff"], "url": "\\udb00"}')
@example(".jsonl", b'{"id": NaN, "title": "t", "date": "9999-12-31"}\n{"id": Infinity, "body": "b"}')
@example(".html", PAGE.format(date="9999-12-31T23:59:00+00:00").encode())
@example(".txt", IRNEWS.format(date="9999-12-31 23:59:59").encode())
@example(".html", "<title>عنوان<p>متن خبر که عنوان نیست".encode())
@example(".jsonl", '{"title": "t", "keywords": ["الف,ب", "ج"]}'.encode())
@example(".txt", "tabnak###t###https://a.ir/1###[]###2020-01-01###1###['الف,ب']\n1\tجمله.".encode())
def test_readers_give_articles_or_unreadable_only(suffix, data):
    check_read(suffix, data)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("sample", range(len(SAMPLES)))
def test_every_cut_of_a_real_file_reads(suffix, sample):
    data = SAMPLES[sample]
    for end in range(0, len(data), max(1, len(data) // 16)):
        check_read(suffix, data[:end])


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(st.tuples(st.sampled_from(SUFFIXES), bad_bytes), min_size=1, max_size=30))
def test_an_index_run_over_bad_files_indexes_the_rest(tmp_path_factory, files):
    from khabar.indexer.update import update_index

    folder = tmp_path_factory.mktemp("bad") / "news"
    folder.mkdir()
    (folder / "seed.txt").write_bytes((TEXT / "seed.txt").read_bytes())
    for number, (suffix, data) in enumerate(files):
        (folder / f"{number}{suffix}").write_bytes(data)
    COUNTS["runs"] += 1
    problems: list[str] = []
    update_index(folder.parent / "ix", [folder], procs=1, on_problem=problems.append, on_ignored=problems.append)
    COUNTS["runs completed"] += 1

    ix = open_for_search(folder.parent / "ix")
    try:
        with ix.searcher() as searcher:
            indexed = {fields["path"] for fields in searcher.all_stored_fields()}
    finally:
        ix.close()
    named = {problem.split(": ", 1)[0] for problem in problems}
    assert str(folder / "seed.txt") in indexed
    assert all(str(path) in indexed | named for path in folder.iterdir())  # each file indexed or named


def test_a_named_folder_whose_name_is_not_utf8_is_a_usage_error(tmp_path):
    """It would be remembered in khabar.json, which holds UTF-8 only: named, exit 2, nothing written."""
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    folder.mkdir()
    (folder / "seed.txt").write_bytes((FIXTURES / "text" / "seed.txt").read_bytes())
    result = CliRunner().invoke(cli.main, ["index", "--index", str(tmp_path / "ix"), str(folder)])
    assert result.exit_code == 2, result.output
    assert "folder name caf\\xe9 is not valid UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "ix").exists()
