"""Hostile text in, nothing that drives a terminal out.

Escape sequences (an OSC retitles a terminal; a pipe to ``less -R`` or a log
viewer still acts on it, and click strips only CSI from a pipe), C1 controls
(U+009B is a CSI by itself), bidi overrides and undecodable bytes (which reach
Python as lone surrogates) are put in a query, a date, a keyword, an article's
title, body, id, url and source, and in the names of the folder indexed and of
the index. Every command, in every format, through click's runner and through
real pipes under a strict UTF-8 locale, writes none of them raw on stdout or
stderr; and a fuzzed query or date ends with a status, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import cli
from cli_corpus import build_index

OSC = "\x1b]0;pwned\x07"
CSI = "\x1b[2J"
C1_CSI = "\x9b31m"
BIDI = "\u202e"
UNDECODABLE = "\udcff\udc9b"  # the bytes 0xff 0x9b of an argument, as Python receives them
HOSTILE_ID = f"osc-{OSC}-1"
ARTICLES = [
    {"id": HOSTILE_ID, "url": f"https://example.com/{OSC}", "source": f"منبع{OSC}{C1_CSI}",
     "title": f"عنوان {OSC}کرونا{C1_CSI}{BIDI}", "keywords": [f"کرونا{OSC}", f"ماسک{C1_CSI}"],
     "body": f"متن {OSC} کرونا \x85 و {UNDECODABLE} بورس{CSI}.\nبند دوم {OSC} {BIDI}ماسک.",
     "date": "1401/12/20 10:00"},
    {"id": "plain-2", "title": "خبر کرونا", "body": "متن کرونا و ماسک", "keywords": ["کرونا"],
     "date": "1401/12/21"},
]
# Raw ESC, C1 controls, lone surrogates: none may reach a stream.
UNSAFE = re.compile("[\x1b\x80-\x9f\ud800-\udfff]")
# (Undecodable standard input is an input error of its own: tests/test_keywords.py.)
STDIN = f"کرونا{OSC}\nماسک{C1_CSI}\n{BIDI}کرونا\n"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    from khabar.indexer.update import update_index

    root = tmp_path_factory.mktemp("hostile")
    news = root / f"news{OSC}"
    news.mkdir()
    # ensure_ascii: a lone surrogate in the file as a JSON escape, as a real dump may hold it.
    (news / "hostile.jsonl").write_text("".join(json.dumps(article) + "\n" for article in ARTICLES),
                                        encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
        summary = update_index(root / f"ix{OSC}", [news])
    assert summary.added == 2, summary.line()
    return root / f"ix{OSC}"


# Each command: its arguments (options first), what follows "--", and the exit statuses it may end with.
COMMANDS = {
    "search": (["search"], [f"کرونا {OSC}{UNDECODABLE}{C1_CSI}"], {0}),
    "search --sort date": (["search", "--sort", "date"], ["ماسک"], {0}),
    "search, no field": (["search"], [f"{OSC}foo:x{C1_CSI}"], {2}),
    "search, bad date": (["search", "--from", f"14{OSC}01{UNDECODABLE}"], ["کرونا"], {2}),
    "keywords": (["keywords"], [f"کرونا{OSC}", f"ماسک{C1_CSI}", f"{UNDECODABLE}کرونا"], {0}),
    "keywords --stdin": (["keywords", "--stdin"], [], {0}),
    "keywords --top": (["keywords", "--top", "5", "--by", "source"], [], {0}),
    "show": (["show"], [HOSTILE_ID], {0}),
    "show, no such id": (["show"], [f"nope{OSC}{UNDECODABLE}"], {1}),
    "stats": (["stats"], [], {0}),
}
# The commands that end in an error, named on one line of stderr.
ERRORS = {"search, no field", "search, bad date", "show, no such id"}
# Run as real processes (search runs in every format in the test of undecodable bytes below):
# show and stats in every format, keyword lookups in some, and each error.
PROCESS_RUNS = [*((command, fmt) for command in ("show", "stats") for fmt in cli.FORMATS),
                ("keywords", "table"), ("keywords", "json"), ("keywords --stdin", "jsonl"),
                ("keywords --top", "tsv"), ("keywords --top", "csv"), *((error, "table") for error in sorted(ERRORS))]


def arguments(command: str, fmt: str, index_dir: Path) -> list[str]:
    options, rest, _ = COMMANDS[command]
    return [*options, "--format", fmt, "--index", str(index_dir), "--", *rest]


def assert_safe(text: str, stream: str) -> None:
    found = UNSAFE.findall(text)
    assert not found, f"raw {found[:5]!r} on {stream}: {text[:300]!r}"


# The search table's footer, which goes to stderr (it is for people, not data).
FOOTER = re.compile(r"\d+ found, showing (none|\d+–\d+)\n")


def assert_stderr(stderr: str, command: str, fmt: str) -> None:
    """An error is one line on stderr; a search table writes its footer there; anything else nothing."""
    if command in ERRORS:
        assert len(stderr.splitlines()) == 1 and stderr.startswith("khabar: "), stderr
    elif command.startswith("search") and fmt == "table":
        assert FOOTER.fullmatch(stderr), stderr
    else:
        assert stderr == "", stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", cli.FORMATS)
def test_no_raw_control_reaches_either_stream(hostile_index, command, fmt):
    result = CliRunner().invoke(cli.main, arguments(command, fmt, hostile_index), input=STDIN)
    # The runner's stdout is strict UTF-8: a lone surrogate written to it is an exception here.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in COMMANDS[command][2], (result.stdout, result.stderr)
    assert_safe(result.stdout, "stdout")
    assert_safe(result.stderr, "stderr")
    assert_stderr(result.stderr, command, fmt)
    if result.exit_code == 0 and fmt in ("json", "jsonl"):
        for line in ([result.stdout] if fmt == "json" else result.stdout.splitlines()):
            json.loads(line)


@pytest.mark.parametrize("command", [name for name in COMMANDS if name not in ERRORS])
@pytest.mark.parametrize("bidi", [False, True])
def test_the_coloured_table_carries_only_its_own_styles(hostile_index, monkeypatch, command, bidi):
    """With --color always (and --bidi on a terminal) the table view writes ESC only in khabar's styles."""
    from khabar.search.render.terminal import BOLD, DIM, MATCH, RESET

    monkeypatch.setattr(cli, "stdout_is_terminal", lambda: True)
    options, rest, statuses = COMMANDS[command]
    extra = ["--color", "always", *(["--bidi"] if bidi else [])]
    result = CliRunner().invoke(cli.main, [*options, *extra, "--index", str(hostile_index), "--", *rest],
                                input=STDIN, color=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in statuses, result.stderr
    assert BOLD in result.stdout or DIM in result.stdout  # colour is on
    plain = result.stdout
    for style in (MATCH, BOLD, DIM, RESET):
        plain = plain.replace(style, "")
    assert_safe(plain, "stdout")
    assert_safe(result.stderr, "stderr")


def run_process(argv: list[str], stdin: str) -> subprocess.CompletedProcess:
    # Undecodable arguments go in as the bytes they stand for; stdout and stderr are pipes.
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    command = [os.fsencode(part) for part in [sys.executable, "-m", "khabar.cli", *argv]]
    return subprocess.run(command, input=stdin.encode("utf-8", "surrogateescape"), capture_output=True,
                          env=env, timeout=120)


def run_processes(runs: list[tuple[str, str]], index_dir: Path) -> list[tuple[str, str, str]]:
    """``(where, stdout, stderr)`` of each ``(command, format)`` run in its own process, after the
    checks every run passes: no traceback, an expected status, nothing raw on either pipe."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        done = list(pool.map(lambda run: run_process(arguments(*run, index_dir), STDIN), runs))
    checked = []
    for (command, fmt), process in zip(runs, done):
        where = f"{command} --format {fmt}"
        stdout = process.stdout.decode("utf-8")  # strict: a raw 0x9b or 0xff is not UTF-8
        stderr = process.stderr.decode("utf-8")
        assert "Traceback" not in stderr, f"{where}: {stderr}"
        assert process.returncode in COMMANDS[command][2], f"{where}: {process.returncode} {stderr}"
        assert_safe(stdout, f"stdout of {where}")
        assert_safe(stderr, f"stderr of {where}")
        assert_stderr(stderr, command, fmt)
        checked.append((where, stdout, stderr))
    return checked


def test_no_raw_control_reaches_a_pipe(hostile_index):
    assert len(run_processes(PROCESS_RUNS, hostile_index)) == len(PROCESS_RUNS)


def test_undecodable_query_bytes_are_written_as_replacement_characters(hostile_index):
    """Under a strict UTF-8 locale, bytes of the query that are not UTF-8 come out as U+FFFD
    (json echoes the query); it used to be a UnicodeEncodeError, or the raw byte."""
    runs = [("search", fmt) for fmt in cli.FORMATS]
    for where, stdout, _ in run_processes(runs, hostile_index):
        assert stdout.strip(), where
        if where.endswith("json"):
            assert json.loads(stdout)["query"] == f"کرونا {OSC}\ufffd\ufffd{C1_CSI}"


def test_json_escapes_c1_controls_and_replaces_lone_surrogates():
    from khabar.search.render.formats import json_document

    document = json_document({"text": f"a\x85b\x9bc\x7f{BIDI}\u2028{UNDECODABLE}{OSC}"})
    assert not UNSAFE.search(document) and BIDI not in document and "\u2028" not in document
    assert json.loads(document) == {"text": f"a\x85b\x9bc\x7f{BIDI}\u2028\ufffd\ufffd{OSC}"}
    document.encode("utf-8")  # strict


any_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(["\x1b", "]", "[", "\x07", "\n", " ", "\r"])),
                   max_size=40)


@settings(max_examples=300, deadline=None, database=None)
@given(text=any_text, max_chars=st.one_of(st.none(), st.integers(1, 12)))
def test_cleaned_text_holds_nothing_a_stream_would_act_on(text, max_chars):
    from khabar.indexer.safe_text import clean_lines, clean_text, iter_clean_lines

    line = clean_text(text)
    assert not UNSAFE.search(line) and not re.search("[\x00-\x1f\u202a-\u202e\u2066-\u2069\u2028\u2029]", line)
    if not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]", text):
        assert line is text  # nothing to clean: not even copied
    pieces = list(iter_clean_lines(text, max_chars=max_chars))
    assert all(piece and piece == piece.strip() and "\n" not in piece and not UNSAFE.search(piece)
               for piece in pieces)
    if max_chars is None:
        assert "\n".join(pieces) == clean_lines(text)
    else:
        assert all(len(piece) <= max_chars for piece in pieces)


# ---------------------------------------------------------------- fuzzing

WORDS = ["کرونا", "بورس", "دانش‌بنیان", "دانش بنیان", "تهران", "و", "از", "ويروس", "۱۴۰۱", "1401", "10:30",
         "۱۰:۳۰", "covid", "Title", "x"]
OPERATORS = ["AND", "OR", "NOT", "-", "+", "~3", "*", "?", "^2", "[", "]", "{", "}", "to", ":", "\\", "'"]
SYNTAX = ['"', "(", ")", '"~2']
FIELDS = ["title:", "keywords:", "body:", "id:", "date:", "foo:", "https://", "jalali_day:", "path:", "all:",
          "Title:", "*:", "*:*", "url:"]
HOSTILE = [OSC, CSI, C1_CSI, BIDI, "\x00", "\x07", "\x85", "\u2028", "\ufeff", "\u200c", "\udcff", "\ud800",
           "\udc9b", "\x1b", "\x1b]8;;https://x\x1b\\", "\t", "\n"]
DATES = ["1401/12/01", "1401", "1401/12", "۱۴۰۱-۱۲-۰۱", "١٤٠١/١٢/٠١", "۲۷ اسفند ۱۴۰۱", "1401/13/40", "1401/12/30",
         "1400/12/30", "0/0/0", "99999", "garbage", "فردا", "", " ", "1401/12/01/01", "\udcff", OSC + "1401"]

token = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(OPERATORS), st.sampled_from(SYNTAX), st.sampled_from(FIELDS),
    st.sampled_from(HOSTILE), st.text(max_size=4),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp"]), max_size=2),
)
queries = st.lists(token, min_size=1, max_size=10).flatmap(
    lambda parts: st.lists(st.sampled_from([" ", "", "  "]), min_size=len(parts), max_size=len(parts))
    .map(lambda gaps: "".join(gap + part for gap, part in zip(gaps, parts))))
# Mostly no date, so that most queries reach the parser.
dates = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(DATES), st.text(max_size=8))
FUZZ_EXAMPLES = int(os.environ.get("KHABAR_FUZZ_EXAMPLES", "200"))
FUZZ = {"tried": 0, "tracebacks": 0}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory)


def check_fuzzed(result, footer: bool = False) -> None:
    FUZZ["tried"] += 1
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    FUZZ["tracebacks"] += crashed
    assert not crashed, repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    if result.exit_code == 2:
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("khabar: "), result.stderr
    elif footer:
        assert FOOTER.fullmatch(result.stderr), result.stderr
    else:
        assert result.stderr == "", result.stderr
    assert_safe(result.stdout, "stdout")
    assert_safe(result.stderr, "stderr")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=queries, date_from=dates, date_to=dates, fmt=st.sampled_from(cli.FORMATS),
       sort=st.sampled_from(["relevance", "date"]))
def test_fuzzed_queries_and_dates_end_with_a_status(small_index, text, date_from, date_to, fmt, sort):
    options = ["--format", fmt, "--sort", sort, "--index", str(small_index)]
    options += [*(["--from", date_from] if date_from is not None else []),
                *(["--to", date_to] if date_to is not None else [])]
    check_fuzzed(CliRunner().invoke(cli.main, ["search", *options, "--", text]), footer=fmt == "table")


@settings(max_examples=FUZZ_EXAMPLES // 4, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(queries, min_size=1, max_size=3), date_from=dates, fmt=st.sampled_from(cli.FORMATS))
def test_fuzzed_keywords_end_with_a_status(small_index, words, date_from, fmt):
    options = ["--format", fmt, "--index", str(small_index), *(["--from", date_from] if date_from is not None else [])]
    check_fuzzed(CliRunner().invoke(cli.main, ["keywords", *options, "--", *words]))


def test_fuzz_count(small_index):
    """Runs after the fuzz tests in this module; -s prints how many inputs they tried."""
    print(f"\nfuzzed inputs tried: {FUZZ['tried']}, tracebacks: {FUZZ['tracebacks']}")
    assert FUZZ["tracebacks"] == 0
